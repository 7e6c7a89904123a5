//! The document's sections around the components: `app`, `services`, `templates`, `ui` and its
//! lifecycle hooks, and the tool references they make.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::{
    catalog::ToolCatalog,
    diagnostic::Severity,
    model::{AppInfo, Service, ServiceTools, Ui},
    node::{Built, Member, Node, NodeValue, members_into_map, push_key},
};

use super::{Builder, RawDiag, ToolRef, take};

impl Builder {
    /// The `app` section without validation (for the stream's early event).
    pub(crate) fn app_info(&mut self, node: Node) -> AppInfo {
        self.app_checked(node)
    }

    pub(super) fn app_checked(&mut self, node: Node) -> AppInfo {
        let start = node.start;
        let NodeValue::Object(members) = node.value else {
            self.error(
                start,
                format!("`app` must be an object, found {}", node.type_name()),
            );
            return AppInfo::default();
        };
        let mut slots = self.slots(members);
        let present = |key: &str| {
            slots
                .iter()
                .flatten()
                .any(|m| m.key == key && !matches!(m.node.value, NodeValue::Null))
        };
        let (has_id, has_name) = (present("id"), present("name"));
        let mut info = AppInfo {
            id: self.string_field(&mut slots, "id"),
            name: self.string_field(&mut slots, "name"),
            description: self.string_field(&mut slots, "description"),
            icon: self.string_field(&mut slots, "icon"),
            category: self.string_field(&mut slots, "category"),
            version: self.string_field(&mut slots, "version"),
            author: self.string_field(&mut slots, "author"),
            tags: self.strings_field(&mut slots, "tags"),
            permissions: self.strings_field(&mut slots, "permissions"),
        };
        self.unknown(slots, "app field", "");
        if info.id.is_empty() && !has_id {
            self.at_key("id", |b| b.error(start, "`app.id` is required".to_owned()));
        }
        if info.name.is_empty() && !has_name {
            self.at_key("name", |b| {
                b.error(start, "`app.name` is required".to_owned())
            });
        }
        if info.version.is_empty() {
            info.version = "1.0.0".to_owned();
        }
        info
    }

    fn string_field(&mut self, slots: &mut [Option<Member>], key: &str) -> String {
        match take(slots, key) {
            None => String::new(),
            Some(member) => self.at_key(key, |b| b.string(member.node, key)),
        }
    }

    pub(super) fn string(&mut self, node: Node, key: &str) -> String {
        match node.value {
            NodeValue::Null => String::new(),
            NodeValue::String(text) => text,
            _ => {
                self.error(
                    node.start,
                    format!("`{key}` must be a string, found {}", node.type_name()),
                );
                String::new()
            }
        }
    }

    fn strings_field(&mut self, slots: &mut [Option<Member>], key: &str) -> Vec<String> {
        match take(slots, key) {
            None => Vec::new(),
            Some(member) => self.at_key(key, |b| b.strings(member.node)),
        }
    }

    /// A string or a list of strings.
    fn strings(&mut self, node: Node) -> Vec<String> {
        match node.value {
            NodeValue::Null => Vec::new(),
            NodeValue::String(one) => vec![one],
            NodeValue::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (index, item) in items.into_iter().enumerate() {
                    match item.value {
                        NodeValue::String(text) => out.push(text),
                        _ => self.at_index(index, |b| {
                            b.error(
                                item.start,
                                format!("expected a string, found {}", item.type_name()),
                            );
                        }),
                    }
                }
                out
            }
            _ => {
                self.error(
                    node.start,
                    format!(
                        "expected a string or a list of strings, found {}",
                        node.type_name()
                    ),
                );
                Vec::new()
            }
        }
    }

    /// Template definitions without diagnostics (for the stream).
    pub(crate) fn templates_of(node: &Node) -> BTreeMap<String, Map<String, Value>> {
        let mut out = BTreeMap::new();
        if let NodeValue::Object(members) = &node.value {
            for member in members {
                if let Value::Object(map) = member.node.clone().into_value() {
                    out.entry(member.key.clone()).or_insert(map);
                }
            }
        }
        out
    }

    pub(super) fn templates_checked(&mut self, node: Node) -> BTreeMap<String, Map<String, Value>> {
        let mut out = BTreeMap::new();
        match node.value {
            NodeValue::Null => {}
            NodeValue::Object(members) => {
                for member in self.slots(members).into_iter().flatten() {
                    let key = member.key;
                    match member.node.value {
                        NodeValue::Object(body) => {
                            out.insert(key, members_into_map(body));
                        }
                        _ => {
                            let found = member.node.type_name();
                            self.at_key(&key, |b| {
                                b.error(
                                    member.node.start,
                                    format!(
                                        "template `{key}` must be an object of props, found {found}"
                                    ),
                                );
                            });
                        }
                    }
                }
            }
            _ => self.error(
                node.start,
                format!(
                    "`templates` must be an object of named templates, found {}",
                    node.type_name()
                ),
            ),
        }
        out
    }

    pub(super) fn services(&mut self, node: Node) -> Vec<Service> {
        let mut out = Vec::new();
        match node.value {
            NodeValue::Null => {}
            NodeValue::Array(items) => {
                for (index, item) in items.into_iter().enumerate() {
                    self.at_index(index, |b| b.service(item, &mut out));
                }
            }
            _ => self.service(node, &mut out),
        }
        out
    }

    fn service(&mut self, node: Node, out: &mut Vec<Service>) {
        match node.value {
            NodeValue::String(name) => {
                if name.is_empty() {
                    self.error(node.start, "a service name cannot be empty".to_owned());
                } else {
                    out.push(Service {
                        name,
                        ..Service::default()
                    });
                }
            }
            NodeValue::Object(members) => {
                for member in self.slots(members).into_iter().flatten() {
                    let name = member.key;
                    let start = member.node.start;
                    let service = self.at_key(&name.clone(), |b| {
                        let (tools, config) = b.service_body(member.node);
                        Service {
                            name,
                            tools,
                            config,
                        }
                    });
                    self.check_service_tools(&service, start);
                    out.push(service);
                }
            }
            _ => self.error(
                node.start,
                format!(
                    "a service must be a name or {{\"name\": [tools] | \"*\" | {{…}}}}, found {}",
                    node.type_name()
                ),
            ),
        }
    }

    fn service_body(&mut self, node: Node) -> (ServiceTools, Map<String, Value>) {
        match node.value {
            NodeValue::Null => (ServiceTools::All, Map::new()),
            NodeValue::String(star) if star == "*" => (ServiceTools::All, Map::new()),
            NodeValue::Array(_) => (self.tool_list(node), Map::new()),
            NodeValue::Object(members) => {
                let mut slots = self.slots(members);
                let tools = match take(&mut slots, "tools") {
                    Some(member) => self.at_key("tools", |b| b.tool_list(member.node)),
                    None => ServiceTools::All,
                };
                let config = members_into_map(slots.into_iter().flatten().collect());
                (tools, config)
            }
            _ => {
                self.error(
                    node.start,
                    format!(
                        "service tools must be a list, \"*\" or an object, found {}",
                        node.type_name()
                    ),
                );
                (ServiceTools::All, Map::new())
            }
        }
    }

    fn tool_list(&mut self, node: Node) -> ServiceTools {
        match node.value {
            NodeValue::String(star) if star == "*" => ServiceTools::All,
            NodeValue::Null => ServiceTools::All,
            _ => ServiceTools::Only(self.strings(node)),
        }
    }

    fn check_service_tools(&mut self, service: &Service, offset: usize) {
        if !self.record || matches!(service.tools, ServiceTools::All) {
            return;
        }
        let mut path = self.path.clone();
        push_key(&mut path, &service.name);
        self.tool_refs.push(ToolRef::Service {
            name: service.name.clone(),
            tools: service.tool_ids(),
            offset,
            path,
        });
    }

    /// Checks every tool name seen against the caller's catalogue.
    pub(crate) fn check_tools(&mut self, catalogue: &dyn ToolCatalog) {
        let text = std::mem::take(&mut self.tool_text);
        for tool_ref in std::mem::take(&mut self.tool_refs) {
            match tool_ref {
                ToolRef::Call { tool, offset, path } => {
                    let tool = &text[tool];
                    if !catalogue.has_tool(tool) {
                        self.diags.push(RawDiag {
                            severity: Severity::Error,
                            offset,
                            path: text[path].to_owned(),
                            message: format!("unknown tool `{tool}`"),
                            first_use: None,
                        });
                    }
                }
                ToolRef::Service {
                    name,
                    tools,
                    offset,
                    path,
                } => {
                    let unknown: Vec<String> = tools
                        .into_iter()
                        .filter(|tool| !catalogue.has_tool(tool))
                        .collect();
                    if !unknown.is_empty() {
                        self.diags.push(RawDiag {
                            severity: Severity::Warning,
                            offset,
                            path,
                            message: format!(
                                "service `{name}` lists unknown tools: {}",
                                unknown.join(", ")
                            ),
                            first_use: None,
                        });
                    }
                }
            }
        }
    }

    pub(super) fn ui(&mut self, node: Node, app: &AppInfo) -> Ui {
        let start = node.start;
        let NodeValue::Object(members) = node.value else {
            self.error(
                start,
                format!("`ui` must be an object, found {}", node.type_name()),
            );
            return Ui::default();
        };
        let mut slots = self.slots(members);
        let templates = match take(&mut slots, "templates") {
            Some(member) => self.at_key("templates", |b| b.templates_checked(member.node)),
            None => BTreeMap::new(),
        };
        self.templates.ui = templates.clone();
        let mut title = self.string_field(&mut slots, "title");
        if title.is_empty() {
            title = app.name.clone();
        }
        let layout = match take(&mut slots, "layout") {
            None => "vertical".to_owned(),
            Some(member) => self.at_key("layout", |b| {
                let offset = member.node.start;
                let layout = b.string(member.node, "layout");
                match layout.as_str() {
                    "" => "vertical".to_owned(),
                    "vertical" | "horizontal" => layout,
                    _ => {
                        b.error(
                            offset,
                            format!("`layout` must be \"vertical\" or \"horizontal\", found \"{layout}\""),
                        );
                        "vertical".to_owned()
                    }
                }
            }),
        };
        let lifecycle = match take(&mut slots, "lifecycle") {
            Some(member) => self.at_key("lifecycle", |b| b.lifecycle(member.node)),
            None => BTreeMap::new(),
        };
        let components = match take(&mut slots, "components") {
            Some(member) => self.at_key("components", |b| {
                b.components(member.node, 1)
                    .into_iter()
                    .map(Built::into_component)
                    .collect()
            }),
            None => Vec::new(),
        };
        self.unknown(
            slots,
            "ui field",
            " (expected title, layout, lifecycle, components, templates)",
        );
        Ui {
            title,
            layout,
            lifecycle,
            components,
            templates,
        }
    }

    fn lifecycle(&mut self, node: Node) -> BTreeMap<String, Vec<String>> {
        let mut out = BTreeMap::new();
        match node.value {
            NodeValue::Null => {}
            NodeValue::Object(members) => {
                for member in self.slots(members).into_iter().flatten() {
                    let hook = member.key;
                    let key_start = member.key_start;
                    let start = member.node.start;
                    let tools = self.at_key(&hook.clone(), |b| {
                        if !matches!(hook.as_str(), "on_mount" | "on_unmount" | "on_focus") {
                            b.warn(
                                key_start,
                                format!("unknown lifecycle hook `{hook}` (expected on_mount, on_unmount, on_focus)"),
                            );
                        }
                        let tools = b.strings(member.node);
                        for tool in &tools {
                            b.check_tool(tool, start);
                        }
                        tools
                    });
                    out.insert(hook, tools);
                }
            }
            _ => self.error(
                node.start,
                format!(
                    "`lifecycle` must map hooks to tools, found {}",
                    node.type_name()
                ),
            ),
        }
        out
    }

    pub(super) fn check_tool(&mut self, tool: &str, offset: usize) {
        if self.record {
            let start = self.tool_text.len();
            self.tool_text.push_str(tool);
            let middle = self.tool_text.len();
            self.tool_text.push_str(&self.path);
            self.tool_refs.push(ToolRef::Call {
                tool: start..middle,
                offset,
                path: middle..self.tool_text.len(),
            });
        }
    }
}
