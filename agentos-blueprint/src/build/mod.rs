//! From the span-tracked JSON tree to the [`Blueprint`] model: form expansion (keyed
//! components, aliases, templates, auto ids) and validation, each problem located by byte
//! offset and JSON path.

mod component;
mod finish;
mod sections;

use std::{
    collections::{BTreeMap, HashMap},
    ops::Range,
};

use serde_json::{Map, Value};

use crate::{
    diagnostic::{Diagnostic, Severity},
    model::{AppInfo, Blueprint, Ui},
    node::{LineIndex, Member, Node, NodeValue, members_into_map, push_index, push_key},
    parse::Limits,
    stream::RELATIVE,
};

use self::component::Parts;

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
    /// An event binding or lifecycle hook: unknown is an error. The tool name and the path
    /// are ranges of [`Builder::tool_text`], so recording one allocates nothing.
    Call {
        tool: Range<usize>,
        offset: usize,
        path: Range<usize>,
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
    /// Ids seen, with their offsets; foldhash is seeded per map, and several times faster
    /// than SipHash on short keys.
    ids: HashMap<String, usize, foldhash::fast::RandomState>,
    tool_refs: Vec<ToolRef>,
    /// The text of the tool names and paths of [`ToolRef::Call`], one after another.
    tool_text: String,
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
                ToolRef::Call { path, .. } => {
                    if self.tool_text[path.clone()].starts_with(RELATIVE) {
                        // The anchored path is appended; the relative one stays unused.
                        let start = self.tool_text.len();
                        self.tool_text.push_str(prefix);
                        self.tool_text
                            .extend_from_within(path.start + RELATIVE.len_utf8()..path.end);
                        *path = start..self.tool_text.len();
                    }
                }
                ToolRef::Service { path, .. } => anchor(path),
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
            tool_text: String::new(),
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
}
