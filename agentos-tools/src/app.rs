//! What the runtime derives once from a Blueprint (the [`Template`] shared by every app launched
//! from it) and the per-app record: PID, state and subscribers.

use std::{collections::BTreeMap, collections::HashMap, sync::Arc, sync::mpsc::Sender};

use agentos_blueprint::{Blueprint, Component, EventBinding};
use agentos_kernel::Pid;
use serde_json::{Map, Value};

use crate::{
    directives::{self, Directive},
    error::{Error, Result},
    runtime::{Patch, UiEvent},
    state::State,
};

/// A launched app: its PID, the template it came from, its state and who watches it.
pub(crate) struct App {
    pub(crate) pid: Pid,
    pub(crate) template: Arc<Template>,
    pub(crate) state: State,
    pub(crate) subscribers: Vec<Sender<Patch>>,
}

impl App {
    /// Sends `patch` to every live subscriber, dropping those whose receiver is gone.
    pub(crate) fn publish(&mut self, patch: &Patch) {
        if self.subscribers.is_empty() || (patch.changes.is_empty() && patch.effects.is_empty()) {
            return;
        }
        self.subscribers
            .retain(|subscriber| subscriber.send(patch.clone()).is_ok());
    }
}

/// What dispatch needs of a component, extracted once per Blueprint.
pub(crate) struct ComponentEntry {
    /// `props.text`, the label a button carries.
    pub(crate) text: Option<Value>,
    /// `props.value`.
    pub(crate) value: Option<Value>,
    /// `props.target` or `props.key`: where the component's tools write, when it says so.
    pub(crate) target: Option<Value>,
    pub(crate) on_event: BTreeMap<String, EventBinding>,
}

/// Everything derived from one Blueprint, shared by every app launched from it.
pub(crate) struct Template {
    pub(crate) blueprint: Arc<Blueprint>,
    pub(crate) components: HashMap<String, ComponentEntry>,
    /// The state a fresh app starts with (directives already evaluated).
    pub(crate) initial: State,
    pub(crate) directives: Vec<Directive>,
}

impl Template {
    /// Derives the template of `blueprint`.
    ///
    /// # Errors
    /// [`Error::Launch`] naming the component whose `$if` or `$for` does not parse.
    pub(crate) fn build(blueprint: Arc<Blueprint>) -> Result<Template> {
        let mut components = HashMap::new();
        let mut state = State::default();
        let mut directives = Vec::new();
        for component in blueprint.ui.all_components() {
            if let Some(initial) = initial_state(component) {
                state.set(&component.id, initial);
            }
            let (cond, each) = directives::read(component);
            if cond.is_some() || each.is_some() {
                let fail = |which: &str, reason: String| Error::Launch {
                    app: blueprint.app.id.clone(),
                    reason: format!("component `{}`: {which}: {reason}", component.id),
                };
                directives.push(Directive {
                    component: component.id.clone(),
                    cond: cond
                        .map(directives::parse_if)
                        .transpose()
                        .map_err(|r| fail("$if", r))?,
                    each: each
                        .map(directives::parse_for)
                        .transpose()
                        .map_err(|r| fail("$for", r))?,
                });
            }
            components.insert(
                component.id.clone(),
                ComponentEntry {
                    text: component.props.get("text").cloned(),
                    value: component.props.get("value").cloned(),
                    target: component
                        .props
                        .get("target")
                        .or_else(|| component.props.get("key"))
                        .cloned(),
                    on_event: component.on_event.clone(),
                },
            );
        }
        directives::refresh(&directives, &mut state);
        state.take_changes();
        Ok(Template {
            blueprint,
            components,
            initial: state,
            directives,
        })
    }
}

fn number(value: Option<&Value>) -> Option<Value> {
    match value? {
        Value::Number(n) => Some(Value::Number(n.clone())),
        Value::String(text) => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(Value::Number),
        _ => None,
    }
}

fn boolean(value: Option<&Value>) -> bool {
    match value {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        Some(Value::Number(n)) => n.as_f64().is_some_and(|f| f != 0.0),
        _ => false,
    }
}

/// The typed state a component starts with, from its props: numbers for number inputs,
/// sliders and progress bars, booleans for checkboxes, radios and modals, the selected option
/// for selects, the active tab for tabs, and text for text fields.
pub(crate) fn initial_state(component: &Component) -> Option<Value> {
    let props = &component.props;
    match component.kind.as_str() {
        "input" if props.get("type").and_then(Value::as_str) == Some("number") => {
            Some(number(props.get("value")).unwrap_or(Value::Null))
        }
        "input" | "textarea" => Some(
            props
                .get("value")
                .map_or_else(|| Value::String(String::new()), text_of),
        ),
        "slider" => number(props.get("value"))
            .or_else(|| number(props.get("min")))
            .or(Some(Value::from(0))),
        "progress" => number(props.get("value")).or(Some(Value::from(0))),
        "checkbox" | "radio" => Some(Value::Bool(boolean(props.get("checked")))),
        "modal" => Some(Value::Bool(boolean(props.get("open")))),
        "select" => Some(props.get("value").cloned().unwrap_or_else(|| {
            match props
                .get("options")
                .and_then(Value::as_array)
                .and_then(|o| o.first())
            {
                Some(Value::Object(option)) => option.get("value").cloned().unwrap_or(Value::Null),
                Some(other) => other.clone(),
                None => Value::Null,
            }
        })),
        "tabs" => props.get("defaultTab").cloned().or_else(|| {
            component
                .children
                .first()
                .map(|child| Value::String(child.id.clone()))
        }),
        "text" => props.get("content").cloned(),
        "list" | "container" | "grid" if props.get("items").is_some() => {
            props.get("items").cloned()
        }
        _ => props.get("value").cloned(),
    }
}

fn text_of(value: &Value) -> Value {
    match value {
        Value::String(_) => value.clone(),
        Value::Null => Value::String(String::new()),
        other => Value::String(crate::state::value_text(other)),
    }
}

/// The arguments a bound tool receives: the calling component, the event's value (else the
/// component's text or value), its text, its declared target, overridden by the binding's
/// explicit `args`. The component's own id is never used as the target, so a calculator button
/// bound to `ui.append` writes to `display`, not to itself.
pub(crate) fn event_args(
    event: &UiEvent,
    component: &ComponentEntry,
    binding: &EventBinding,
) -> Map<String, Value> {
    let mut args = Map::with_capacity(4 + binding.args.len());
    args.insert(
        "component_id".to_owned(),
        Value::String(event.component_id.clone()),
    );
    let value = event
        .value
        .clone()
        .or_else(|| component.text.clone())
        .or_else(|| component.value.clone());
    if let Some(value) = value {
        args.insert("value".to_owned(), value);
    }
    if let Some(text) = &component.text {
        args.insert("text".to_owned(), text.clone());
    }
    if let Some(target) = &component.target {
        args.insert("target".to_owned(), target.clone());
    }
    for (name, value) in &binding.args {
        args.insert(name.clone(), value.clone());
    }
    args
}
