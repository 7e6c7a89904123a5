//! What happens when a value completes: the Blueprint role it has from where it sits, handing
//! it to its container, and building each component the moment its closing bracket arrives.

use std::sync::Arc;

use crate::{
    build::Builder,
    node::{Node, NodeValue},
};

use super::{
    Event, RELATIVE, StreamParser,
    frame::{Expect, FrameKind, Mode},
};

/// What a value means in a Blueprint, known from where it sits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Role {
    Root,
    App,
    Ui,
    RootTemplates,
    UiTemplates,
    ComponentList,
    Component,
    KeyedBody,
    /// The `props` object of an explicit component: built as a map with value offsets.
    Props,
    /// Inside a prop value, a condition or `config`: built as plain JSON.
    Free,
    Other,
}

const SEEN_APP: u8 = 1;
const SEEN_UI: u8 = 2;
const SEEN_TEMPLATES: u8 = 4;
const SEEN_COMPONENTS: u8 = 8;
const SEEN_CHILDREN: u8 = 16;

/// Keys of the explicit component form; any other first key makes a keyed component.
pub(crate) const EXPLICIT_KEYS: [&str; 9] = [
    "type",
    "id",
    "props",
    "on_event",
    "children",
    "style",
    "$if",
    "$for",
    "$template",
];
impl StreamParser {
    /// The role of the value about to start, from the open container and its current key.
    pub(super) fn child_role(&mut self) -> Role {
        if self.strict {
            return Role::Other;
        }
        let Some(frame) = self.stack.last_mut() else {
            return Role::Root;
        };
        match &frame.kind {
            FrameKind::List(_) | FrameKind::Map { .. } => Role::Free,
            FrameKind::Array(_) => {
                if frame.role == Role::ComponentList {
                    Role::Component
                } else {
                    Role::Other
                }
            }
            FrameKind::Object { members, key } => {
                let Some((key, _)) = key else {
                    return Role::Other;
                };
                let mut claim = |bit: u8, role: Role| {
                    if frame.seen & bit == 0 {
                        frame.seen |= bit;
                        role
                    } else {
                        Role::Other
                    }
                };
                match (frame.role, key.as_str()) {
                    (Role::Root, "app") => claim(SEEN_APP, Role::App),
                    (Role::Root, "ui") => claim(SEEN_UI, Role::Ui),
                    (Role::Root, "templates") => claim(SEEN_TEMPLATES, Role::RootTemplates),
                    (Role::Ui, "components") => claim(SEEN_COMPONENTS, Role::ComponentList),
                    (Role::Ui, "templates") => claim(SEEN_TEMPLATES, Role::UiTemplates),
                    (Role::Component, key)
                        if members.is_empty() && !EXPLICIT_KEYS.contains(&key) =>
                    {
                        frame.keyed = true;
                        Role::KeyedBody
                    }
                    (Role::Component, "children") if !frame.keyed => {
                        claim(SEEN_CHILDREN, Role::ComponentList)
                    }
                    (Role::KeyedBody, "children") => claim(SEEN_CHILDREN, Role::ComponentList),
                    // Free-form values (props, conditions, config) are built as plain JSON.
                    (Role::Component, "props") if !frame.keyed => Role::Props,
                    (Role::Component, "style" | "$if" | "$for") if !frame.keyed => Role::Free,
                    (Role::KeyedBody, key)
                        if !key.starts_with('@')
                            && !matches!(key, "$template" | "on_event" | "id") =>
                    {
                        Role::Free
                    }
                    (Role::Root, "config") => Role::Free,
                    (Role::Props | Role::Free, _) => Role::Free,
                    _ => Role::Other,
                }
            }
        }
    }

    /// A value is complete: hand it to its container (or make it the root) and emit events.
    pub(super) fn complete(&mut self, node: Node, events: &mut Vec<Event>) {
        if self.stack.is_empty() {
            self.root = Some(node);
            self.mode = Mode::After;
            return;
        }
        self.expect = Expect::CommaOrClose;
        // Scalars take their role now; containers took theirs when they opened.
        let node = if self.child_role() == Role::Component {
            self.component_done(node, events)
        } else {
            node
        };
        if let Some(parent) = self.stack.last_mut() {
            parent.push(node);
        }
    }

    pub(super) fn close(&mut self, events: &mut Vec<Event>) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let role = frame.role;
        let mut node = frame.into_node();
        match role {
            Role::Component => node = self.component_done(node, events),
            Role::App if self.emit => {
                let mut builder = Builder::new(self.limits.clone(), false);
                events.push(Event::App(Box::new(builder.app_info(node.clone()))));
            }
            Role::RootTemplates => self.builder.templates.top = Builder::templates_of(&node),
            Role::UiTemplates => self.builder.templates.ui = Builder::templates_of(&node),
            _ => {}
        }
        if self.stack.is_empty() {
            self.root = Some(node);
            self.mode = Mode::After;
            return;
        }
        self.complete_container(node);
    }

    fn complete_container(&mut self, node: Node) {
        self.expect = Expect::CommaOrClose;
        if let Some(parent) = self.stack.last_mut() {
            parent.push(node);
        }
    }

    /// Builds (and validates) a component the moment it completes; its node is replaced by
    /// the built component, so nothing is built twice and the final parse only assembles.
    fn component_done(&mut self, node: Node, events: &mut Vec<Event>) -> Node {
        // One buffer serves every component; only an event gets its own copy.
        let mut position = self.builder.position.take().unwrap_or_default();
        position.clear();
        position.extend(
            self.stack
                .iter()
                .filter(|frame| frame.role == Role::ComponentList)
                .map(|frame| frame.built),
        );
        let start = node.start;
        let depth = position.len();
        // The builder works on a relative path; only what it reports gets the full one.
        let marks = self.builder.marks();
        self.builder.path.clear();
        self.builder.path.push(RELATIVE);
        self.builder.position = Some(position);
        let built = self.builder.component_tree(node, depth);
        self.builder.path.clear();
        let path = if self.emit || self.builder.marks() != marks {
            self.component_path()
        } else {
            String::new()
        };
        self.builder.anchor_paths(marks, &path);
        match built {
            Some(built) => {
                if let Some(list) = self.stack.last_mut() {
                    list.built += 1;
                }
                if self.emit {
                    events.push(Event::Component {
                        path,
                        position: self.builder.position.clone().unwrap_or_default(),
                        component: Arc::clone(&built.component),
                        children: built.children.len(),
                    });
                }
                Node {
                    start,
                    value: NodeValue::Built(built),
                }
            }
            None => Node {
                start,
                value: NodeValue::Dropped,
            },
        }
    }
}
