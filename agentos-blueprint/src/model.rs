//! The Blueprint model: plain data, serialised in the canonical explicit component form.
//!
//! Whatever form a document uses (keyed components, aliases, templates, plain strings), the
//! model holds the expanded, explicit result; serialising it gives a document that parses back
//! to an equal model.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Serialize, Serializer, ser::SerializeMap};
use serde_json::{Map, Value};

/// A whole app description.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Blueprint {
    /// Who the app is: id, name and metadata.
    pub app: AppInfo,
    /// Services (tool families) the app uses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<Service>,
    /// The user interface.
    pub ui: Ui,
    /// Named property sets a component can pull in with `"$template": "<name>"`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub templates: BTreeMap<String, Map<String, Value>>,
    /// Free-form configuration the app's tools may read.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub config: Map<String, Value>,
}

impl Blueprint {
    /// Every tool id the app names: lifecycle hooks and event bindings, in document order,
    /// without duplicates.
    pub fn tool_ids(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        let hooks = self.ui.lifecycle.values().flatten().map(String::as_str);
        let events = self
            .ui
            .all_components()
            .flat_map(|component| component.on_event.values().map(|b| b.tool.as_str()));
        for tool in hooks.chain(events) {
            if !out.contains(&tool) {
                out.push(tool);
            }
        }
        out
    }
}

/// The `app` section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct AppInfo {
    /// Stable identifier, e.g. `calculator`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// One-line description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// An emoji or short icon text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub icon: String,
    /// Category used to group apps, e.g. `utilities`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub category: String,
    /// Version string; `1.0.0` when the document has none.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// Author name.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub author: String,
    /// Free-form tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Requested permissions, e.g. `READ_FILE`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<String>,
}

/// One service (tool family) an app uses, from any of the document forms:
/// `"storage"`, `{"storage": ["get", "set"]}`, `{"storage": "*"}` or
/// `{"filesystem": {"tools": [...] | "*", "root": "/data", ...}}`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Service {
    /// Service id, e.g. `storage`; also the prefix of its tool ids.
    pub name: String,
    /// Which of the service's tools the app uses.
    pub tools: ServiceTools,
    /// Service settings besides `tools`, e.g. `root`, `scope`, `readonly`.
    pub config: Map<String, Value>,
}

impl Service {
    /// Full tool ids (`storage.get`) of an explicit tool list; empty for [`ServiceTools::All`].
    pub fn tool_ids(&self) -> Vec<String> {
        match &self.tools {
            ServiceTools::All => Vec::new(),
            ServiceTools::Only(tools) => tools
                .iter()
                .map(|tool| {
                    if tool.contains('.') {
                        tool.clone()
                    } else {
                        format!("{}.{tool}", self.name)
                    }
                })
                .collect(),
        }
    }
}

/// The tools of a service an app uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum ServiceTools {
    /// Every tool of the service (`"storage"` or `"*"`).
    #[default]
    All,
    /// Only these tools, named without the service prefix (`get`, `set`).
    Only(Vec<String>),
}

impl Serialize for Service {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match (&self.tools, self.config.is_empty()) {
            (ServiceTools::All, true) => serializer.serialize_str(&self.name),
            (ServiceTools::Only(tools), true) => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(&self.name, tools)?;
                map.end()
            }
            (tools, false) => {
                let mut body = Map::new();
                body.insert(
                    "tools".to_owned(),
                    match tools {
                        ServiceTools::Only(tools) => {
                            Value::Array(tools.iter().cloned().map(Value::String).collect())
                        }
                        _ => Value::String("*".to_owned()),
                    },
                );
                for (key, value) in &self.config {
                    body.insert(key.clone(), value.clone());
                }
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry(&self.name, &body)?;
                map.end()
            }
        }
    }
}

impl JsonSchema for Service {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Service".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A service id (all its tools), or an object from service id to a tool list, \"*\", or {\"tools\": [...] | \"*\", ...settings}",
            "anyOf": [
                {"type": "string"},
                {"type": "object", "additionalProperties": {"anyOf": [
                    {"const": "*"},
                    {"type": "array", "items": {"type": "string"}},
                    {"type": "object", "properties": {"tools": {"anyOf": [
                        {"const": "*"}, {"type": "array", "items": {"type": "string"}}
                    ]}}}
                ]}}
            ]
        })
    }
}

/// The `ui` section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Ui {
    /// Window title; the app name when the document has none.
    pub title: String,
    /// `vertical` (default) or `horizontal`.
    pub layout: String,
    /// Lifecycle hook name (`on_mount`, `on_unmount`, `on_focus`) to the tools it runs.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub lifecycle: BTreeMap<String, Vec<String>>,
    /// The top-level components, in order.
    pub components: Vec<Component>,
    /// Templates declared inside `ui` (they win over top-level ones of the same name).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub templates: BTreeMap<String, Map<String, Value>>,
}

impl Ui {
    /// Every component of the UI, depth first, in document order.
    pub fn all_components(&self) -> impl Iterator<Item = &Component> {
        self.components.iter().flat_map(Component::walk)
    }
}

/// One UI component in its canonical explicit form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, JsonSchema)]
pub struct Component {
    /// Component type, e.g. `button`, `input`, `container` (aliases are already expanded).
    #[serde(rename = "type")]
    pub kind: String,
    /// Unique id within the app; also the component's state key.
    pub id: String,
    /// Type-specific properties.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub props: Map<String, Value>,
    /// Event name (`click`, `change`, …) to the tool it runs.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub on_event: BTreeMap<String, EventBinding>,
    /// Nested components.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Component>,
    /// Render condition (`$if`), kept as written for the renderer.
    #[serde(rename = "$if", default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Box<Value>>,
    /// Repetition (`$for`), kept as written for the renderer.
    #[serde(rename = "$for", default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<Box<Value>>,
}

impl Component {
    /// This component and all its descendants, depth first, in document order.
    pub fn walk(&self) -> Vec<&Component> {
        let mut out = Vec::new();
        let mut stack = vec![self];
        while let Some(component) = stack.pop() {
            out.push(component);
            stack.extend(component.children.iter().rev());
        }
        out
    }
}

/// What an event runs: a tool, with optional explicit arguments and a result target.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventBinding {
    /// Tool id, e.g. `ui.append`.
    pub tool: String,
    /// Explicit arguments; they override those filled in from the component.
    pub args: Map<String, Value>,
    /// Component id whose state receives the tool's result.
    pub result: Option<String>,
}

impl EventBinding {
    /// A binding to `tool` with no explicit arguments.
    pub fn tool(tool: &str) -> EventBinding {
        EventBinding {
            tool: tool.to_owned(),
            ..EventBinding::default()
        }
    }
}

impl Serialize for EventBinding {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.args.is_empty() && self.result.is_none() {
            return serializer.serialize_str(&self.tool);
        }
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("tool", &self.tool)?;
        if !self.args.is_empty() {
            map.serialize_entry("args", &self.args)?;
        }
        if let Some(result) = &self.result {
            map.serialize_entry("result", result)?;
        }
        map.end()
    }
}

impl JsonSchema for EventBinding {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "EventBinding".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A tool id, or {\"tool\", \"args\"?, \"result\"?}",
            "anyOf": [
                {"type": "string", "minLength": 1},
                {"type": "object", "required": ["tool"], "properties": {
                    "tool": {"type": "string", "minLength": 1},
                    "args": {"type": "object"},
                    "result": {"type": "string"}
                }, "additionalProperties": false}
            ]
        })
    }
}
