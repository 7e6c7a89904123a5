//! From the span-tracked JSON tree to the [`Blueprint`] model: form expansion (keyed
//! components, aliases, templates, auto ids) and validation, each problem located by byte
//! offset and JSON path.

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use crate::{
    catalog::{self, CONTAINER_ALIASES, ToolCatalog},
    diagnostic::{Diagnostic, Severity},
    model::{AppInfo, Blueprint, Component, EventBinding, Service, ServiceTools, Ui},
    node::{LineIndex, Member, Node, NodeValue, members_into_map, push_index, push_key},
    parse::Limits,
    stream::{EXPLICIT_KEYS, RELATIVE},
};

/// A diagnostic located by byte offset; [`RawDiag::locate`] turns it into line:column.
#[derive(Debug, Clone)]
pub(crate) struct RawDiag {
    pub(crate) severity: Severity,
    pub(crate) offset: usize,
    pub(crate) path: String,
    pub(crate) message: String,
    /// Where the same thing was first seen (a duplicate id), shown as ` (first used at L:C)`.
    pub(crate) first_use: Option<usize>,
}

impl RawDiag {
    pub(crate) fn locate(self, index: &LineIndex<'_>) -> Diagnostic {
        let (line, column) = index.position(self.offset);
        let mut message = self.message;
        if let Some(first) = self.first_use {
            let (first_line, first_column) = index.position(first);
            message.push_str(&format!(" (first used at {first_line}:{first_column})"));
        }
        Diagnostic {
            severity: self.severity,
            line,
            column,
            path: self.path,
            message,
        }
    }
}

/// A tool name to check once the caller's catalogue is known.
#[derive(Debug)]
enum ToolRef {
    /// An event binding or lifecycle hook: unknown is an error.
    Call {
        tool: String,
        offset: usize,
        path: String,
    },
    /// A service's explicit tool list: unknown ones are a warning.
    Service {
        name: String,
        tools: Vec<String>,
        offset: usize,
        path: String,
    },
}

/// A `$template` not defined (yet) when its component completed.
#[derive(Debug)]
struct PendingTemplate {
    name: String,
    offset: usize,
    path: String,
    position: Vec<usize>,
}

/// Template definitions: `ui.templates` wins over top-level `templates`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Templates {
    pub(crate) top: BTreeMap<String, Map<String, Value>>,
    pub(crate) ui: BTreeMap<String, Map<String, Value>>,
}

impl Templates {
    fn get(&self, name: &str) -> Option<&Map<String, Value>> {
        self.ui.get(name).or_else(|| self.top.get(name))
    }
}

/// Builds the model from nodes, collecting diagnostics when `record` is on.
#[derive(Debug)]
pub(crate) struct Builder {
    pub(crate) diags: Vec<RawDiag>,
    /// Auto ids handed out so far; components without an id get `<type>-<n>` in post-order.
    auto_ids: usize,
    record: bool,
    limits: Limits,
    pub(crate) templates: Templates,
    /// JSON path of the value being built.
    pub(crate) path: String,
    /// Canonical position of the component being built by the stream, if any.
    pub(crate) position: Option<Vec<usize>>,
    ids: HashMap<String, usize>,
    tool_refs: Vec<ToolRef>,
    pending: Vec<PendingTemplate>,
}

/// A member looked up by key: the first occurrence wins, later ones are reported.
fn take(members: &mut [Option<Member>], key: &str) -> Option<Member> {
    members
        .iter_mut()
        .find(|slot| slot.as_ref().is_some_and(|member| member.key == key))
        .and_then(Option::take)
}

impl Builder {
    /// How many diagnostics, tool references and pending templates exist now.
    pub(crate) fn marks(&self) -> (usize, usize, usize) {
        (self.diags.len(), self.tool_refs.len(), self.pending.len())
    }

    /// Gives the full path to everything recorded since `marks` while building on a path
    /// relative to a component (starting with [`RELATIVE`]).
    pub(crate) fn anchor_paths(&mut self, marks: (usize, usize, usize), prefix: &str) {
        let anchor = |path: &mut String| {
            if path.starts_with(RELATIVE) {
                path.replace_range(..RELATIVE.len_utf8(), prefix);
            }
        };
        self.diags[marks.0..]
            .iter_mut()
            .for_each(|d| anchor(&mut d.path));
        for tool_ref in &mut self.tool_refs[marks.1..] {
            match tool_ref {
                ToolRef::Call { path, .. } | ToolRef::Service { path, .. } => anchor(path),
            }
        }
        self.pending[marks.2..]
            .iter_mut()
            .for_each(|p| anchor(&mut p.path));
    }

    pub(crate) fn new(limits: Limits, record: bool) -> Builder {
        Builder {
            diags: Vec::new(),
            auto_ids: 0,
            record,
            limits,
            templates: Templates::default(),
            path: String::new(),
            position: None,
            ids: HashMap::default(),
            tool_refs: Vec::new(),
            pending: Vec::new(),
        }
    }

    fn diag(&mut self, severity: Severity, offset: usize, message: String) {
        if self.record {
            self.diags.push(RawDiag {
                severity,
                offset,
                path: self.path.clone(),
                message,
                first_use: None,
            });
        }
    }

    fn error(&mut self, offset: usize, message: String) {
        self.diag(Severity::Error, offset, message);
    }

    fn warn(&mut self, offset: usize, message: String) {
        self.diag(Severity::Warning, offset, message);
    }

    /// Runs `f` with `key` appended to the current path.
    fn at_key<T>(&mut self, key: &str, f: impl FnOnce(&mut Self) -> T) -> T {
        let mark = self.path.len();
        push_key(&mut self.path, key);
        let out = f(self);
        self.path.truncate(mark);
        out
    }

    fn at_index<T>(&mut self, index: usize, f: impl FnOnce(&mut Self) -> T) -> T {
        let mark = self.path.len();
        push_index(&mut self.path, index);
        let out = f(self);
        self.path.truncate(mark);
        out
    }

    /// Splits an object's members into slots, reporting duplicate keys (the first one wins).
    fn slots(&mut self, members: Vec<Member>) -> Vec<Option<Member>> {
        let duplicates: Vec<usize> = if members.len() <= 16 {
            (1..members.len())
                .filter(|&i| members[..i].iter().any(|m| m.key == members[i].key))
                .collect()
        } else {
            let mut seen: HashMap<&str, ()> = HashMap::default();
            (0..members.len())
                .filter(|&i| seen.insert(members[i].key.as_str(), ()).is_some())
                .collect()
        };
        // Same layout, so this reuses the members' allocation.
        let mut slots: Vec<Option<Member>> = members.into_iter().map(Some).collect();
        for index in duplicates {
            if let Some(member) = slots[index].take() {
                let key = member.key;
                self.at_key(&key, |b| {
                    b.warn(
                        member.key_start,
                        format!("duplicate key `{key}`; the first one is used"),
                    );
                });
            }
        }
        slots
    }

    /// Warns about keys repeated in a map built while parsing (the first one is used).
    fn map_duplicates(&mut self, duplicates: &[(String, usize)]) {
        for (key, offset) in duplicates {
            self.at_key(key, |b| {
                b.warn(
                    *offset,
                    format!("duplicate key `{key}`; the first one is used"),
                );
            });
        }
    }

    /// Adds a prop; the first occurrence of a name wins. `in_props` tells whether it was
    /// written under `props` (explicit form) or beside the component's other fields.
    fn add_prop(parts: &mut Parts, member: Member, in_props: bool) {
        if let serde_json::map::Entry::Vacant(slot) = parts.props.entry(member.key) {
            parts.prop_locs.push((member.node.start, in_props));
            slot.insert(member.node.into_value());
        }
    }

    /// Reports the members nobody took as unknown.
    fn unknown(&mut self, slots: Vec<Option<Member>>, what: &str, hint: &str) {
        for member in slots.into_iter().flatten() {
            if member.key == "$schema" {
                continue;
            }
            let key = member.key;
            self.at_key(&key, |b| {
                b.warn(
                    member.key_start,
                    format!("unknown {what} `{key}`{hint}; it is ignored"),
                );
            });
        }
    }

    pub(crate) fn blueprint(&mut self, root: Option<Node>) -> Blueprint {
        let Some(root) = root else {
            return Blueprint::default();
        };
        let start = root.start;
        let NodeValue::Object(members) = root.value else {
            self.error(
                start,
                format!(
                    "a Blueprint must be a JSON object, found {}",
                    root.type_name()
                ),
            );
            return Blueprint::default();
        };
        let mut slots = self.slots(members);
        let app = take(&mut slots, "app");
        let services = take(&mut slots, "services");
        let ui = take(&mut slots, "ui");
        let templates = take(&mut slots, "templates");
        let config = take(&mut slots, "config");
        self.unknown(
            slots,
            "top-level key",
            " (expected app, services, ui, templates, config)",
        );

        let top_templates = match templates {
            Some(member) => self.at_key("templates", |b| b.templates_checked(member.node)),
            None => BTreeMap::new(),
        };
        self.templates.top = top_templates.clone();

        let app = match app {
            Some(member) => self.at_key("app", |b| b.app_checked(member.node)),
            None => {
                self.error(
                    start,
                    "missing `app` section; add \"app\": {\"id\": …, \"name\": …}".to_owned(),
                );
                AppInfo::default()
            }
        };
        let services = match services {
            Some(member) => self.at_key("services", |b| b.services(member.node)),
            None => Vec::new(),
        };
        let ui = match ui {
            Some(member) => self.at_key("ui", |b| b.ui(member.node, &app)),
            None => {
                self.warn(
                    start,
                    "no `ui` section; the app has no components".to_owned(),
                );
                Ui {
                    title: app.name.clone(),
                    layout: "vertical".to_owned(),
                    ..Ui::default()
                }
            }
        };
        let config = match config {
            Some(member) => self.at_key("config", |b| match member.node.value {
                NodeValue::Object(members) => members_into_map(members),
                NodeValue::Map(map) => {
                    b.map_duplicates(&map.duplicates);
                    map.map
                }
                NodeValue::Null => Map::new(),
                _ => {
                    b.error(
                        member.node.start,
                        format!(
                            "`config` must be an object, found {}",
                            member.node.type_name()
                        ),
                    );
                    Map::new()
                }
            }),
            None => Map::new(),
        };
        Blueprint {
            app,
            services,
            ui,
            templates: top_templates,
            config,
        }
    }

    /// The `app` section without validation (for the stream's early event).
    pub(crate) fn app_info(&mut self, node: Node) -> AppInfo {
        self.app_checked(node)
    }

    fn app_checked(&mut self, node: Node) -> AppInfo {
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

    fn string(&mut self, node: Node, key: &str) -> String {
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

    fn templates_checked(&mut self, node: Node) -> BTreeMap<String, Map<String, Value>> {
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

    fn services(&mut self, node: Node) -> Vec<Service> {
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
        for tool_ref in std::mem::take(&mut self.tool_refs) {
            match tool_ref {
                ToolRef::Call { tool, offset, path } => {
                    if !catalogue.has_tool(&tool) {
                        self.diags.push(RawDiag {
                            severity: Severity::Error,
                            offset,
                            path,
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

    fn ui(&mut self, node: Node, app: &AppInfo) -> Ui {
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
            Some(member) => self.at_key("components", |b| b.components(member.node, 1)),
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

    fn check_tool(&mut self, tool: &str, offset: usize) {
        if self.record {
            self.tool_refs.push(ToolRef::Call {
                tool: tool.to_owned(),
                offset,
                path: self.path.clone(),
            });
        }
    }

    /// A list of components at `depth` (1 for `ui.components`).
    fn components(&mut self, node: Node, depth: usize) -> Vec<Component> {
        match node.value {
            NodeValue::Null => Vec::new(),
            NodeValue::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (index, item) in items.into_iter().enumerate() {
                    // Components the stream already built (or rejected) as they completed.
                    match item.value {
                        NodeValue::Built(component) => {
                            out.push(*component);
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
    pub(crate) fn component_tree(&mut self, node: Node, depth: usize) -> Option<Component> {
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
                return Some(Component {
                    kind: "text".to_owned(),
                    id,
                    props,
                    ..Component::default()
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
        let kind_member = take(&mut slots, "type");
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
        if let Some(member) = take(&mut slots, "id") {
            let id_start = member.node.start;
            parts.id = self.at_key("id", |b| b.string(member.node, "id"));
            parts.id_start = id_start;
        }
        if let Some(member) = take(&mut slots, "props") {
            self.at_key("props", |b| match member.node.value {
                NodeValue::Map(map) => {
                    // Built straight into a map while parsing; the offsets came along.
                    b.map_duplicates(&map.duplicates);
                    parts.prop_locs = map.spans.iter().map(|&(_, value)| (value, true)).collect();
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
        if let Some(member) = take(&mut slots, "style") {
            Builder::add_prop(&mut parts, member, false);
        }
        if let Some(member) = take(&mut slots, "on_event") {
            self.at_key("on_event", |b| b.events_object(member.node, &mut parts));
        }
        parts.template = take(&mut slots, "$template").map(|m| m.node);
        parts.condition = take(&mut slots, "$if").map(|m| m.node.into_value());
        parts.repeat = take(&mut slots, "$for").map(|m| m.node.into_value());
        if let Some(member) = take(&mut slots, "children") {
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
                        "$if" => parts.condition = Some(member.node.into_value()),
                        "$for" => parts.repeat = Some(member.node.into_value()),
                        "on_event" => {
                            self.at_key("on_event", |b| b.events_object(member.node, &mut parts))
                        }
                        "id" if parts.id.is_empty() => {
                            parts.id_start = member.node.start;
                            parts.id = self.at_key("id", |b| b.string(member.node, "id"));
                        }
                        key if key.starts_with('@') => {
                            let event = key[1..].to_owned();
                            let key = member.key.clone();
                            self.at_key(&key, |b| b.event(event, member.node, &mut parts));
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
                    self.at_key(&member.key, |b| b.event(event, member.node, parts));
                }
            }
            _ => self.error(
                node.start,
                format!("`on_event` must be an object, found {}", node.type_name()),
            ),
        }
    }

    fn event(&mut self, event: String, node: Node, parts: &mut Parts) {
        let start = node.start;
        if let Some(binding) = self.binding(node) {
            parts
                .events
                .push((event, binding, start, self.path.clone()));
        }
    }

    fn binding(&mut self, node: Node) -> Option<EventBinding> {
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

    fn finish_component(&mut self, mut parts: Parts, depth: usize) -> Component {
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
        let mut props = std::mem::take(&mut parts.props);
        let mut events: BTreeMap<String, EventBinding> = BTreeMap::new();
        let own_props = props.len();
        for (event, binding, start, path) in std::mem::take(&mut parts.events) {
            let mark = std::mem::replace(&mut self.path, path);
            if self.record {
                self.check_tool(&binding.tool, start);
                self.check_event(kind, &written, &event, start);
            }
            self.path = mark;
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
            self.check_component(kind, &written, &props, own_props, &parts, &children);
            if !template_pending {
                self.check_required(kind, &written, &props, parts.kind_start);
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
        Component {
            kind,
            id,
            props,
            on_event: events,
            children,
            condition: parts.condition.take(),
            repeat: parts.repeat.take(),
        }
    }

    fn check_event(&mut self, kind: &str, written: &str, event: &str, start: usize) {
        if let Some(spec) = catalog::spec(kind)
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

    fn check_component(
        &mut self,
        kind: &str,
        written: &str,
        props: &Map<String, Value>,
        own_props: usize,
        parts: &Parts,
        children: &[Component],
    ) {
        let Some(spec) = catalog::spec(kind) else {
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
                if !child.props.get("label").is_some_and(Value::is_string) {
                    let offset = parts.children_start.unwrap_or(parts.kind_start);
                    let id = child.id.clone();
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
        kind: &str,
        written: &str,
        props: &Map<String, Value>,
        offset: usize,
    ) {
        let Some(spec) = catalog::spec(kind) else {
            return;
        };
        for required in spec.required {
            if !props.contains_key(*required) {
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
            self.check_required(&kind, &kind, &props, pending.offset);
            self.path = mark;
        }
    }

    /// Makes room for `count` more component ids.
    pub(crate) fn reserve_ids(&mut self, count: usize) {
        self.ids.reserve(count);
    }

    fn check_id(&mut self, id: &str, offset: usize) {
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

    fn auto_id(&mut self, kind: &str) -> String {
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

/// The pieces of a component gathered from either form.
struct Parts {
    kind: String,
    kind_start: usize,
    id: String,
    id_start: usize,
    props: Map<String, Value>,
    /// Offset of each own prop, in `props` order, and whether it sits under `props`.
    prop_locs: Vec<(usize, bool)>,
    events: Vec<(String, EventBinding, usize, String)>,
    template: Option<Node>,
    condition: Option<Value>,
    repeat: Option<Value>,
    children: Option<Node>,
    children_start: Option<usize>,
    /// Path length to restore after a keyed component (its header key was pushed).
    path_mark: Option<usize>,
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
