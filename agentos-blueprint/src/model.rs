//! The Blueprint model: plain data, serialised in the canonical explicit component form.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer, ser::SerializeMap};
use serde_json::{Map, Value};

/// A whole app description.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Blueprint {
    /// Who the app is: id, name and metadata.
    pub app: AppInfo,
    /// Services (tool families) the app uses, as written.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<Value>,
    /// The user interface.
    pub ui: Ui,
    /// Free-form configuration the app's tools may read.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub config: Map<String, Value>,
}

/// The `app` section.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AppInfo {
    /// Stable identifier, e.g. `calculator`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// One-line description.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// An emoji or short icon text.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub icon: String,
    /// Category used to group apps, e.g. `utilities`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub category: String,
    /// Version string.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub version: String,
    /// Author name.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub author: String,
    /// Free-form tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Requested permissions, e.g. `READ_FILE`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<String>,
}

/// The `ui` section.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Ui {
    /// Window title.
    pub title: String,
    /// `vertical` (default) or `horizontal`.
    pub layout: String,
    /// Lifecycle hook name (`on_mount`, `on_unmount`, `on_focus`) to the tools it runs.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub lifecycle: BTreeMap<String, Vec<String>>,
    /// The top-level components, in order.
    pub components: Vec<Component>,
}

/// One UI component in its canonical explicit form.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Component {
    /// Component type, e.g. `button`, `input`, `container`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Unique id within the app; also the component's state key.
    pub id: String,
    /// Type-specific properties.
    #[serde(skip_serializing_if = "Map::is_empty")]
    pub props: Map<String, Value>,
    /// Event name (`click`, `change`, …) to the tool it runs.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub on_event: BTreeMap<String, EventBinding>,
    /// Nested components.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Component>,
}

impl Component {
    /// This component and all its descendants, depth first, in document order.
    pub fn walk(&self) -> Vec<&Component> {
        let mut out = vec![self];
        for child in &self.children {
            out.extend(child.walk());
        }
        out
    }
}

impl Ui {
    /// Every component of the UI, depth first, in document order.
    pub fn all_components(&self) -> impl Iterator<Item = &Component> {
        self.components.iter().flat_map(Component::walk)
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
