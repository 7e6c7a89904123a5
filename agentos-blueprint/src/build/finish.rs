//! Finishing a component from its parts: aliases, templates, auto ids, then validation
//! against the catalogue; templates defined later in the document are applied at the end.

use std::collections::BTreeMap;

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::{
    catalog::{self, CONTAINER_ALIASES, Spec},
    diagnostic::Severity,
    model::{Blueprint, Component, EventBinding},
    node::{Built, Member, Node, NodeValue, push_key, push_key_prefixed},
};

use super::{Builder, PendingTemplate, RawDiag, component::Parts};

impl Builder {
    pub(super) fn finish_component(&mut self, mut parts: Parts, depth: usize) -> Built {
        // Children first: auto ids are handed out in post-order, which is the order in which a
        // stream completes components.
        let children = match parts.children.take() {
            Some(node) => self.at_key("children", |b| b.components(node, depth + 1)),
            None => Vec::new(),
        };
        // The type as written; the canonical type differs only for aliases.
        let written = std::mem::take(&mut parts.kind);
        let mut implied: Vec<(&str, &str)> = Vec::new();
        match written.as_str() {
            "row" => implied.push(("layout", "horizontal")),
            "col" => implied.push(("layout", "vertical")),
            alias if CONTAINER_ALIASES.contains(&alias) => {
                implied.push(("role", alias));
                implied.push(("layout", "vertical"));
            }
            _ => {}
        }
        let implied_container = !implied.is_empty();
        let kind: &str = if implied.is_empty() {
            &written
        } else {
            "container"
        };
        // Looked up once for every check below.
        let spec = catalog::spec(kind);
        let mut props = std::mem::take(&mut parts.props);
        let mut events: BTreeMap<String, EventBinding> = BTreeMap::new();
        let own_props = props.len();
        for (event, binding, start, on_event) in std::mem::take(&mut parts.events) {
            if self.record {
                let mark = self.path.len();
                if on_event {
                    push_key(&mut self.path, "on_event");
                    push_key(&mut self.path, &event);
                } else {
                    push_key_prefixed(&mut self.path, "@", &event);
                }
                self.check_tool(&binding.tool, start);
                self.check_event(spec, &written, &event, start);
                self.path.truncate(mark);
            }
            events.entry(event).or_insert(binding);
        }
        let mut template_pending = false;
        if let Some(template) = parts.template.take() {
            let start = template.start;
            let mark = self.path.len();
            push_key(&mut self.path, "$template");
            match template.value {
                NodeValue::String(name) => match self.templates.get(&name).cloned() {
                    Some(body) => {
                        for (key, value) in body {
                            if let Some(event) = key.strip_prefix('@') {
                                if !events.contains_key(event) {
                                    let node = value_node(value, start);
                                    if let Some(binding) = self.binding(node) {
                                        events.insert(event.to_owned(), binding);
                                    }
                                }
                            } else if !props.contains_key(&key) {
                                props.insert(key, value);
                            }
                        }
                    }
                    None if self.position.is_some() && self.record => {
                        // It may be defined later in the document: resolved at the end.
                        self.pending.push(PendingTemplate {
                            name,
                            offset: start,
                            path: self.path.clone(),
                            position: self.position.clone().unwrap_or_default(),
                        });
                        template_pending = true;
                    }
                    None => {
                        let mut known: Vec<&String> = self
                            .templates
                            .ui
                            .keys()
                            .chain(self.templates.top.keys())
                            .collect();
                        known.dedup();
                        let known: Vec<&str> = known.iter().map(|k| k.as_str()).collect();
                        self.error(
                            start,
                            format!(
                                "unknown template `{name}`{}",
                                if known.is_empty() {
                                    String::new()
                                } else {
                                    format!("; defined: {}", known.join(", "))
                                }
                            ),
                        );
                    }
                },
                _ => self.error(
                    start,
                    format!(
                        "`$template` must be a template name, found {}",
                        template.type_name()
                    ),
                ),
            }
            self.path.truncate(mark);
        }
        for (key, value) in implied {
            if !props.contains_key(key) {
                props.insert(key.to_owned(), Value::String(value.to_owned()));
            }
        }
        let mut id = std::mem::take(&mut parts.id);
        if id.is_empty() {
            id = self.auto_id(&written);
        }
        if self.record {
            self.check_component(spec, kind, &written, &props, own_props, &parts, &children);
            if !template_pending {
                self.check_required(spec, &written, &props, parts.kind_start);
            }
            self.check_id(&id, parts.id_start);
        }
        if let Some(mark) = parts.path_mark {
            self.path.truncate(mark);
        }
        let kind = if implied_container {
            "container".to_owned()
        } else {
            written
        };
        Built {
            component: Arc::new(Component {
                kind,
                id,
                props,
                on_event: events,
                children: Vec::new(),
                condition: parts.condition.take(),
                repeat: parts.repeat.take(),
            }),
            children: children.into_boxed_slice(),
        }
    }

    fn check_event(&mut self, spec: Option<&Spec>, written: &str, event: &str, start: usize) {
        if let Some(spec) = spec
            && !spec.events.contains(&event)
        {
            let emits = if spec.events.is_empty() {
                "no events".to_owned()
            } else {
                spec.events.join(", ")
            };
            self.warn(
                start,
                format!(
                    "`{written}` does not emit `{event}` (it emits {emits}); the binding never runs"
                ),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn check_component(
        &mut self,
        spec: Option<&Spec>,
        kind: &str,
        written: &str,
        props: &Map<String, Value>,
        own_props: usize,
        parts: &Parts,
        children: &[Built],
    ) {
        let Some(spec) = spec else {
            self.error(
                parts.kind_start,
                format!(
                    "unknown component type `{kind}`; use one of {}, or an alias {}",
                    catalog::COMPONENT_TYPES.join(", "),
                    CONTAINER_ALIASES.join(", ")
                ),
            );
            return;
        };
        for (index, (name, value)) in props.iter().enumerate() {
            let problem = match spec.prop(name) {
                None => (
                    Severity::Warning,
                    format!(
                        "unknown prop `{name}` for `{written}`; it accepts {}",
                        spec.prop_names()
                    ),
                ),
                Some(ty) => match catalog::check(ty, value) {
                    Ok(()) => continue,
                    Err(expected) => (
                        Severity::Error,
                        format!("`{name}` of `{written}` must be {expected}, found {value}"),
                    ),
                },
            };
            // Own props point at their value; template and alias props at the component.
            let mark = self.path.len();
            let offset = match parts.prop_locs.get(index).filter(|_| index < own_props) {
                Some(&(offset, in_props)) => {
                    if in_props {
                        push_key(&mut self.path, "props");
                    }
                    push_key(&mut self.path, name);
                    offset
                }
                None => parts.kind_start,
            };
            self.diag(problem.0, offset, problem.1);
            self.path.truncate(mark);
        }
        if !children.is_empty() && !spec.children {
            let offset = parts.children_start.unwrap_or(parts.kind_start);
            self.at_key("children", |b| {
                b.error(
                    offset,
                    format!("`{written}` cannot hold children; wrap them in a container"),
                );
            });
        }
        if kind == "tabs" {
            for child in children {
                if !child
                    .component
                    .props
                    .get("label")
                    .is_some_and(Value::is_string)
                {
                    let offset = parts.children_start.unwrap_or(parts.kind_start);
                    let id = child.component.id.clone();
                    self.at_key("children", |b| {
                        b.error(
                            offset,
                            format!("tab `{id}` needs a `label` prop (the tab's title)"),
                        );
                    });
                }
            }
        }
    }

    fn check_required(
        &mut self,
        spec: Option<&Spec>,
        written: &str,
        props: &Map<String, Value>,
        offset: usize,
    ) {
        let Some(spec) = spec else {
            return;
        };
        for required in spec.required {
            // Props are few: comparing names is cheaper than hashing one.
            if !props.keys().any(|name| name == required) {
                self.error(offset, format!("`{written}` needs the prop `{required}`"));
            }
        }
    }

    /// Applies templates that were defined after the components using them; reports those
    /// never defined.
    pub(crate) fn resolve_pending(&mut self, blueprint: &mut Blueprint) {
        for pending in std::mem::take(&mut self.pending) {
            let mark = std::mem::replace(&mut self.path, pending.path);
            let Some(component) = component_at(&mut blueprint.ui.components, &pending.position)
            else {
                self.path = mark;
                continue;
            };
            match self.templates.get(&pending.name).cloned() {
                Some(body) => {
                    for (key, value) in body {
                        if let Some(event) = key.strip_prefix('@') {
                            if !component.on_event.contains_key(event) {
                                let node = value_node(value, pending.offset);
                                if let Some(binding) = self.binding(node) {
                                    component.on_event.insert(event.to_owned(), binding);
                                }
                            }
                        } else if !component.props.contains_key(&key) {
                            if let Some(spec) = catalog::spec(&component.kind) {
                                match spec.prop(&key).map(|ty| catalog::check(ty, &value)) {
                                    None => self.warn(
                                        pending.offset,
                                        format!(
                                            "unknown prop `{key}` for `{}` from template `{}`",
                                            component.kind, pending.name
                                        ),
                                    ),
                                    Some(Err(expected)) => self.error(
                                        pending.offset,
                                        format!(
                                            "`{key}` of `{}` must be {expected}, found {value}",
                                            component.kind
                                        ),
                                    ),
                                    Some(Ok(())) => {}
                                }
                            }
                            component.props.insert(key, value);
                        }
                    }
                }
                None => self.error(
                    pending.offset,
                    format!("unknown template `{}`", pending.name),
                ),
            }
            let kind = component.kind.clone();
            let props = component.props.clone();
            self.check_required(catalog::spec(&kind), &kind, &props, pending.offset);
            self.path = mark;
        }
    }

    /// Makes room for `count` more component ids.
    pub(crate) fn reserve_ids(&mut self, count: usize) {
        self.ids.reserve(count);
    }

    pub(super) fn check_id(&mut self, id: &str, offset: usize) {
        if !self.record {
            return;
        }
        // One lookup: the id is owned for the table anyway unless it is a duplicate (rare).
        match self.ids.entry(id.to_owned()) {
            std::collections::hash_map::Entry::Occupied(first) => {
                let first = *first.get();
                self.diags.push(RawDiag {
                    severity: Severity::Error,
                    offset,
                    path: self.path.clone(),
                    message: format!("duplicate component id `{id}`; ids must be unique"),
                    first_use: Some(first),
                });
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(offset);
            }
        }
    }

    pub(super) fn auto_id(&mut self, kind: &str) -> String {
        let id = format!("{kind}-{}", self.auto_ids);
        self.auto_ids += 1;
        id
    }
}

/// The component at a canonical position (indices into `components`, then `children`).
fn component_at<'c>(
    components: &'c mut [Component],
    position: &[usize],
) -> Option<&'c mut Component> {
    let (first, rest) = position.split_first()?;
    let component = components.get_mut(*first)?;
    if rest.is_empty() {
        Some(component)
    } else {
        component_at(&mut component.children, rest)
    }
}

/// A template value re-entered as a node (its position is the `$template` that used it).
fn value_node(value: Value, start: usize) -> Node {
    let value = match value {
        Value::Null => NodeValue::Null,
        Value::Bool(b) => NodeValue::Bool(b),
        Value::Number(n) => NodeValue::Number(n),
        Value::String(s) => NodeValue::String(s),
        Value::Array(items) => {
            NodeValue::Array(items.into_iter().map(|v| value_node(v, start)).collect())
        }
        Value::Object(map) => NodeValue::Object(
            map.into_iter()
                .map(|(key, v)| Member {
                    key,
                    key_start: start,
                    node: value_node(v, start),
                })
                .collect(),
        ),
    };
    Node { start, value }
}
