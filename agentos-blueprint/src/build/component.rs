//! Reading a component in either form (explicit or keyed) into its parts, with its event
//! bindings.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::{
    model::{Component, EventBinding},
    node::{Built, Member, Node, NodeValue, members_into_map, push_key},
    stream::EXPLICIT_KEYS,
};

use super::{Builder, take};

impl Builder {
    /// A list of components at `depth` (1 for `ui.components`).
    pub(super) fn components(&mut self, node: Node, depth: usize) -> Vec<Built> {
        match node.value {
            NodeValue::Null => Vec::new(),
            NodeValue::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (index, item) in items.into_iter().enumerate() {
                    // Components the stream already built (or rejected) as they completed.
                    match item.value {
                        NodeValue::Built(built) => {
                            out.push(built);
                            continue;
                        }
                        NodeValue::Dropped => continue,
                        _ => {}
                    }
                    if let Some(component) = self.at_index(index, |b| b.component_tree(item, depth))
                    {
                        out.push(component);
                    }
                }
                out
            }
            _ => {
                self.error(
                    node.start,
                    format!("components must be a list, found {}", node.type_name()),
                );
                Vec::new()
            }
        }
    }

    /// One component and its children, at nesting `depth` (1 = top level).
    pub(crate) fn component_tree(&mut self, node: Node, depth: usize) -> Option<Built> {
        if depth == self.limits.max_depth + 1 {
            self.error(
                node.start,
                format!(
                    "components are nested more than {} levels deep; flatten the layout",
                    self.limits.max_depth
                ),
            );
        }
        let start = node.start;
        let members = match node.value {
            NodeValue::String(content) => {
                let mut props = Map::new();
                props.insert("content".to_owned(), Value::String(content));
                let id = self.auto_id("text");
                self.check_id(&id, start);
                return Some(Built {
                    component: Arc::new(Component {
                        kind: "text".to_owned(),
                        id,
                        props,
                        ..Component::default()
                    }),
                    children: Box::default(),
                });
            }
            NodeValue::Object(members) => members,
            _ => {
                self.error(
                    start,
                    format!(
                        "a component must be an object or a string, found {}",
                        node.type_name()
                    ),
                );
                return None;
            }
        };
        let keyed = members
            .first()
            .is_some_and(|first| !EXPLICIT_KEYS.contains(&first.key.as_str()));
        let parts = if keyed {
            self.keyed_parts(members)
        } else {
            self.explicit_parts(members, start)
        }?;
        Some(self.finish_component(parts, depth))
    }

    fn explicit_parts(&mut self, members: Vec<Member>, start: usize) -> Option<Parts> {
        let mut slots = self.slots(members);
        // One pass sorts the known fields out (`slots` has no duplicate keys left); what
        // remains in `slots` is unknown.
        let mut fields: [Option<Member>; EXPLICIT_KEYS.len()] = Default::default();
        for slot in slots.iter_mut() {
            // In `EXPLICIT_KEYS` order.
            let index = match slot.as_ref().map(|member| member.key.as_str()) {
                Some("type") => 0,
                Some("id") => 1,
                Some("props") => 2,
                Some("on_event") => 3,
                Some("children") => 4,
                Some("style") => 5,
                Some("$if") => 6,
                Some("$for") => 7,
                Some("$template") => 8,
                _ => continue,
            };
            fields[index] = slot.take();
        }
        let [
            kind_member,
            id_member,
            props_member,
            on_event_member,
            children_member,
            style_member,
            if_member,
            for_member,
            template_member,
        ] = fields;
        let Some(kind_member) = kind_member else {
            self.error(
                start,
                "component has no `type`; add e.g. \"type\": \"text\"".to_owned(),
            );
            return None;
        };
        let kind_start = kind_member.node.start;
        let kind = self.at_key("type", |b| b.string(kind_member.node, "type"));
        if kind.is_empty() {
            self.at_key("type", |b| {
                b.error(kind_start, "`type` cannot be empty".to_owned())
            });
            return None;
        }
        let mut parts = Parts::new(kind, kind_start);
        if let Some(member) = id_member {
            let id_start = member.node.start;
            parts.id = self.at_key("id", |b| b.string(member.node, "id"));
            parts.id_start = id_start;
        }
        if let Some(member) = props_member {
            self.at_key("props", |b| match member.node.value {
                NodeValue::Map(map) => {
                    // Built straight into a map while parsing; the offsets came along.
                    b.map_duplicates(&map.duplicates);
                    parts.prop_locs = map
                        .spans
                        .into_iter()
                        .map(|(_, value)| (value, true))
                        .collect();
                    parts.props = map.map;
                }
                NodeValue::Object(props) => {
                    for prop in b.slots(props).into_iter().flatten() {
                        Builder::add_prop(&mut parts, prop, true);
                    }
                }
                NodeValue::Null => {}
                _ => b.error(
                    member.node.start,
                    format!(
                        "`props` must be an object, found {}",
                        member.node.type_name()
                    ),
                ),
            });
        }
        if let Some(member) = style_member {
            Builder::add_prop(&mut parts, member, false);
        }
        if let Some(member) = on_event_member {
            self.at_key("on_event", |b| b.events_object(member.node, &mut parts));
        }
        parts.template = template_member.map(|m| m.node);
        parts.condition = if_member.map(|m| Box::new(m.node.into_value()));
        parts.repeat = for_member.map(|m| Box::new(m.node.into_value()));
        if let Some(member) = children_member {
            parts.children_start = Some(member.node.start);
            parts.children = Some(member.node);
        }
        self.unknown(slots, "component field", "; put properties under `props`");
        Some(parts)
    }

    fn keyed_parts(&mut self, members: Vec<Member>) -> Option<Parts> {
        let mut members = members.into_iter();
        let first = members.next()?;
        for extra in members {
            let key = extra.key;
            self.at_key(&key, |b| {
                b.error(
                    extra.key_start,
                    format!("a keyed component has exactly one key; move `{key}` into its object or make it a separate component"),
                );
            });
        }
        let header = first.key;
        let (kind, id) = match header.split_once('#') {
            Some((kind, id)) => (kind.to_owned(), id.to_owned()),
            None => (header.clone(), String::new()),
        };
        let mark = self.path.len();
        push_key(&mut self.path, &header);
        if kind.is_empty() {
            self.error(
                first.key_start,
                format!("`{header}` names no component type; write `type#id`"),
            );
            self.path.truncate(mark);
            return None;
        }
        let mut parts = Parts::new(kind, first.key_start);
        parts.id = id;
        parts.id_start = first.key_start;
        match first.node.value {
            NodeValue::Null => {}
            NodeValue::Object(body) => {
                for member in self.slots(body).into_iter().flatten() {
                    match member.key.as_str() {
                        "children" => {
                            parts.children_start = Some(member.node.start);
                            parts.children = Some(member.node);
                        }
                        "$template" => parts.template = Some(member.node),
                        "$if" => parts.condition = Some(Box::new(member.node.into_value())),
                        "$for" => parts.repeat = Some(Box::new(member.node.into_value())),
                        "on_event" => {
                            self.at_key("on_event", |b| b.events_object(member.node, &mut parts))
                        }
                        "id" if parts.id.is_empty() => {
                            parts.id_start = member.node.start;
                            parts.id = self.at_key("id", |b| b.string(member.node, "id"));
                        }
                        key if key.starts_with('@') => {
                            let event = key[1..].to_owned();
                            self.at_key(&member.key, |b| {
                                b.event(event, member.node, &mut parts, false)
                            });
                        }
                        _ => Builder::add_prop(&mut parts, member, false),
                    }
                }
            }
            _ => self.error(
                first.node.start,
                format!(
                    "keyed component `{header}` must map to an object of props, found {}",
                    first.node.type_name()
                ),
            ),
        }
        parts.path_mark = Some(mark);
        Some(parts)
    }

    fn events_object(&mut self, node: Node, parts: &mut Parts) {
        match node.value {
            NodeValue::Null => {}
            NodeValue::Object(events) => {
                for member in self.slots(events).into_iter().flatten() {
                    let event = member.key.clone();
                    self.at_key(&member.key, |b| b.event(event, member.node, parts, true));
                }
            }
            _ => self.error(
                node.start,
                format!("`on_event` must be an object, found {}", node.type_name()),
            ),
        }
    }

    fn event(&mut self, event: String, node: Node, parts: &mut Parts, on_event: bool) {
        let start = node.start;
        if let Some(binding) = self.binding(node) {
            parts.events.push((event, binding, start, on_event));
        }
    }

    pub(super) fn binding(&mut self, node: Node) -> Option<EventBinding> {
        match node.value {
            NodeValue::String(tool) if !tool.is_empty() => Some(EventBinding {
                tool,
                ..EventBinding::default()
            }),
            NodeValue::Object(members) => {
                let mut slots = self.slots(members);
                let tool = match take(&mut slots, "tool") {
                    Some(member) => self.at_key("tool", |b| b.string(member.node, "tool")),
                    None => String::new(),
                };
                if tool.is_empty() {
                    self.error(node.start, "event binding has no `tool`".to_owned());
                    return None;
                }
                let args = match take(&mut slots, "args") {
                    Some(member) => match member.node.value {
                        NodeValue::Object(args) => members_into_map(args),
                        NodeValue::Null => Map::new(),
                        _ => {
                            self.at_key("args", |b| {
                                b.error(
                                    member.node.start,
                                    format!(
                                        "`args` must be an object, found {}",
                                        member.node.type_name()
                                    ),
                                );
                            });
                            Map::new()
                        }
                    },
                    None => Map::new(),
                };
                let result = match take(&mut slots, "result") {
                    Some(member) => {
                        let result = self.at_key("result", |b| b.string(member.node, "result"));
                        (!result.is_empty()).then_some(result)
                    }
                    None => None,
                };
                self.unknown(slots, "binding field", " (expected tool, args, result)");
                Some(EventBinding { tool, args, result })
            }
            _ => {
                self.error(
                    node.start,
                    "an event binding must be a tool name or {\"tool\": …, \"args\": {…}}"
                        .to_owned(),
                );
                None
            }
        }
    }
}

/// The pieces of a component gathered from either form.
pub(super) struct Parts {
    pub(super) kind: String,
    pub(super) kind_start: usize,
    pub(super) id: String,
    pub(super) id_start: usize,
    pub(super) props: Map<String, Value>,
    /// Offset of each own prop, in `props` order, and whether it sits under `props`.
    pub(super) prop_locs: Vec<(usize, bool)>,
    /// Each binding with its offset and whether it was written under `on_event` (else as an
    /// `@event` key); its path is rebuilt from that only when something is recorded.
    pub(super) events: Vec<(String, EventBinding, usize, bool)>,
    pub(super) template: Option<Node>,
    pub(super) condition: Option<Box<Value>>,
    pub(super) repeat: Option<Box<Value>>,
    pub(super) children: Option<Node>,
    pub(super) children_start: Option<usize>,
    /// Path length to restore after a keyed component (its header key was pushed).
    pub(super) path_mark: Option<usize>,
}

impl Parts {
    fn new(kind: String, kind_start: usize) -> Parts {
        Parts {
            kind,
            kind_start,
            id: String::new(),
            id_start: kind_start,
            props: Map::new(),
            prop_locs: Vec::new(),
            events: Vec::new(),
            template: None,
            condition: None,
            repeat: None,
            children: None,
            children_start: None,
            path_mark: None,
        }
    }
}
