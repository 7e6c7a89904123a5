//! The parser's resumable state: where it is in the document, the token in progress and the
//! open containers.

use crate::node::{MapNode, Member, Node, NodeValue};

use super::complete::Role;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Mode {
    /// Nothing but whitespace seen yet.
    Start,
    /// Skipping an LLM's wrapper (prose, a code fence) up to the first `{`.
    Prose,
    Json,
    /// The root value is complete.
    After,
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Expect {
    Value,
    ValueOrClose,
    KeyOrClose,
    Key,
    Colon,
    CommaOrClose,
}

#[derive(Debug)]
pub(super) enum Partial {
    Str {
        start: usize,
        escaped: bool,
        key: bool,
    },
    Num {
        start: usize,
        state: Num,
    },
    Lit {
        start: usize,
        word: &'static [u8],
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Num {
    Minus,
    Zero,
    Int,
    Dot,
    Frac,
    Exp,
    ExpSign,
    ExpDigits,
}

#[derive(Debug)]
pub(super) struct Frame {
    pub(super) start: usize,
    pub(super) kind: FrameKind,
    pub(super) role: Role,
    /// Components built so far in this list (their canonical index).
    pub(super) built: usize,
    /// Keys already given a role, so duplicates (ignored by the builder) get none.
    pub(super) seen: u8,
    /// A component object whose first key is a `type#id` key.
    pub(super) keyed: bool,
    /// For a component list, its own JSON path, so each component's path is this plus an
    /// index instead of a walk over the whole stack.
    pub(super) path: Option<String>,
}

#[derive(Debug)]
pub(super) enum FrameKind {
    Array(Vec<Node>),
    Object {
        members: Vec<Member>,
        key: Option<(String, usize)>,
    },
    /// A free-form list, built straight into JSON values.
    List(Vec<serde_json::Value>),
    /// A free-form object, built straight into a map (boxed here already, so closing it
    /// moves the box into its node).
    Map {
        map: Box<MapNode>,
        key: Option<(String, usize)>,
    },
}

impl Frame {
    pub(super) fn push(&mut self, node: Node) {
        match &mut self.kind {
            FrameKind::Array(items) => items.push(node),
            FrameKind::List(items) => items.push(node.into_value()),
            FrameKind::Map { map, key } => {
                if let Some((key, key_start)) = key.take() {
                    map.insert(key, key_start, node);
                }
            }
            FrameKind::Object { members, key } => {
                if let Some((key, key_start)) = key.take() {
                    members.push(Member {
                        key,
                        key_start,
                        node,
                    });
                }
            }
        }
    }

    pub(super) fn into_node(self) -> Node {
        let value = match self.kind {
            FrameKind::Array(items) => NodeValue::Array(items),
            FrameKind::List(items) => NodeValue::List(items),
            FrameKind::Map { map, .. } => NodeValue::Map(map),
            FrameKind::Object { members, .. } => NodeValue::Object(members),
        };
        Node {
            start: self.start,
            value,
        }
    }
}
