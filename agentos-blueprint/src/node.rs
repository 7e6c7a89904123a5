//! The span-tracked JSON tree the parser builds: every value and key knows its byte offset.

use std::sync::Arc;

use serde_json::{Map, Number, Value};

use crate::model::Component;

/// A parsed JSON value with the byte offset where it starts.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    /// Byte offset of the value's first character in the source.
    pub(crate) start: usize,
    /// The value itself.
    pub(crate) value: NodeValue,
}

/// The JSON value kinds, with containers holding nodes.
#[derive(Debug, Clone)]
pub(crate) enum NodeValue {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Node>),
    Object(Vec<Member>),
    /// A free-form object built straight into a map, with the offsets of its members.
    Map(Box<MapNode>),
    /// A free-form list built straight into values.
    List(Vec<Value>),
    /// A component the stream built when it completed (its raw form is gone).
    Built(Built),
    /// A value in a component list that is not a component (already reported).
    Dropped,
}

/// An object built straight into a map (first key wins), remembering where each member was.
#[derive(Debug, Clone, Default)]
pub(crate) struct MapNode {
    pub(crate) map: Map<String, Value>,
    /// (key offset, value offset) of each entry, in map order.
    pub(crate) spans: Vec<(usize, usize)>,
    /// Keys seen again after their first occurrence, with the later key's offset.
    pub(crate) duplicates: Vec<(String, usize)>,
}

impl MapNode {
    pub(crate) fn insert(&mut self, key: String, key_start: usize, node: Node) {
        match self.map.entry(key) {
            serde_json::map::Entry::Vacant(slot) => {
                self.spans.push((key_start, node.start));
                slot.insert(node.into_value());
            }
            serde_json::map::Entry::Occupied(slot) => {
                self.duplicates.push((slot.key().clone(), key_start));
            }
        }
    }
}

/// A built component whose children are kept beside it, not in it: the component itself is
/// shared with the stream's [`crate::Event::Component`] (which announces it without
/// children), so announcing it copies nothing; the tree is put together once, at the end.
#[derive(Debug, Clone)]
pub(crate) struct Built {
    /// The component with an empty `children` list.
    pub(crate) component: Arc<Component>,
    pub(crate) children: Box<[Built]>,
}

impl Built {
    /// The component with its children in place; copies only a component whose event the
    /// caller still holds.
    pub(crate) fn into_component(self) -> Component {
        let mut component = Arc::unwrap_or_clone(self.component);
        component.children = self
            .children
            .into_vec()
            .into_iter()
            .map(Built::into_component)
            .collect();
        component
    }
}

/// One `"key": value` pair of an object, in document order.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    pub(crate) key: String,
    /// Byte offset of the key's opening quote.
    pub(crate) key_start: usize,
    pub(crate) node: Node,
}

impl Node {
    /// Converts into a `serde_json::Value`; for duplicate keys the first one wins.
    pub(crate) fn into_value(self) -> Value {
        match self.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(b),
            NodeValue::Number(n) => Value::Number(n),
            NodeValue::String(s) => Value::String(s),
            NodeValue::Array(items) => {
                Value::Array(items.into_iter().map(Node::into_value).collect())
            }
            NodeValue::Object(members) => Value::Object(members_into_map(members)),
            NodeValue::Map(map) => Value::Object(map.map),
            NodeValue::List(items) => Value::Array(items),
            NodeValue::Built(built) => {
                serde_json::to_value(built.into_component()).unwrap_or(Value::Null)
            }
            NodeValue::Dropped => Value::Null,
        }
    }

    /// A short name of the value's JSON type, for messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match self.value {
            NodeValue::Null => "null",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Number(_) => "a number",
            NodeValue::String(_) => "a string",
            NodeValue::Array(_) => "a list",
            NodeValue::Object(_) | NodeValue::Map(_) => "an object",
            NodeValue::List(_) => "a list",
            NodeValue::Built(_) => "a component",
            NodeValue::Dropped => "an invalid component",
        }
    }
}

/// Converts object members into a map; for duplicate keys the first one wins.
pub(crate) fn members_into_map(members: Vec<Member>) -> Map<String, Value> {
    let mut map = Map::with_capacity(members.len());
    for member in members {
        if let serde_json::map::Entry::Vacant(slot) = map.entry(member.key) {
            slot.insert(member.node.into_value());
        }
    }
    map
}

/// Appends `[index]` to a rendered path.
pub(crate) fn push_index(out: &mut String, index: usize) {
    // Digits written by hand: this runs for every component, and `write!` costs several
    // times more.
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut n = index;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push('[');
    for &digit in &digits[at..] {
        out.push(char::from(digit));
    }
    out.push(']');
}

/// Appends `.key` (or `["key"]` when the key is not a plain identifier) to a rendered path.
pub(crate) fn push_key(out: &mut String, key: &str) {
    push_key_prefixed(out, "", key);
}

/// The bytes a key may hold and still be written after a `.` in a path.
const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b'$' | b'@' | b'-');
        b += 1;
    }
    table
};

/// Appends the key `prefix` + `key` (e.g. `@` and `click`) without joining them first.
pub(crate) fn push_key_prefixed(out: &mut String, prefix: &str, key: &str) {
    let first = prefix.bytes().chain(key.bytes()).next();
    let plain = first.is_some_and(|b| !b.is_ascii_digit())
        && prefix.bytes().all(|b| PLAIN[usize::from(b)])
        && key.bytes().all(|b| PLAIN[usize::from(b)]);
    if plain {
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(prefix);
        out.push_str(key);
    } else {
        let mut whole = String::with_capacity(prefix.len() + key.len());
        whole.push_str(prefix);
        whole.push_str(key);
        out.push('[');
        out.push_str(&Value::String(whole).to_string());
        out.push(']');
    }
}

/// Maps byte offsets to 1-based line and character columns.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> LineIndex<'a> {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { text, line_starts }
    }

    /// 1-based (line, column); the column counts characters.
    pub(crate) fn position(&self, offset: usize) -> (u32, u32) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|start| *start <= offset) - 1;
        let start = self.line_starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |prefix| prefix.chars().count());
        (to_u32(line + 1), to_u32(column + 1))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
