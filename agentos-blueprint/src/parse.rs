//! Whole-document parsing: JSON text to a [`Blueprint`] plus diagnostics; never fails.

use serde_json::{Map, Value};

use crate::{
    diagnostic::{Diagnostic, Severity},
    error::{Error, Result},
    model::{AppInfo, Blueprint, Component, EventBinding, Ui},
};

/// The result of parsing: the Blueprint that could be built and everything found wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The Blueprint, with defaults wherever the document was missing or wrong.
    pub blueprint: Blueprint,
    /// Errors and warnings, in document order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// True when at least one diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|diagnostic| diagnostic.severity == Severity::Error)
    }

    /// The Blueprint when the document has no errors.
    ///
    /// # Errors
    /// [`Error::Invalid`] with every error diagnostic.
    pub fn into_result(self) -> Result<Blueprint> {
        let errors: Vec<Diagnostic> = self
            .diagnostics
            .into_iter()
            .filter(|diagnostic| diagnostic.severity == Severity::Error)
            .collect();
        if errors.is_empty() {
            Ok(self.blueprint)
        } else {
            Err(Error::Invalid {
                diagnostics: errors,
            })
        }
    }
}

/// Parses a Blueprint document. Never fails: problems become diagnostics.
pub fn parse(text: &str) -> Parsed {
    let mut builder = Builder::default();
    let blueprint = match serde_json::from_str::<Value>(text) {
        Ok(value) => builder.blueprint(&value),
        Err(err) => {
            builder.error_at(
                err.line() as u32,
                err.column() as u32,
                "",
                format!("invalid JSON: {}", strip_position(&err.to_string())),
            );
            Blueprint::default()
        }
    };
    Parsed {
        blueprint,
        diagnostics: builder.diagnostics,
    }
}

/// serde_json appends " at line L column C"; the diagnostic carries those separately.
fn strip_position(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

#[derive(Default)]
struct Builder {
    diagnostics: Vec<Diagnostic>,
    n_auto_ids: usize,
}

impl Builder {
    fn error_at(&mut self, line: u32, column: u32, path: &str, message: String) {
        self.diagnostics.push(Diagnostic {
            severity: Severity::Error,
            line,
            column,
            path: path.to_owned(),
            message,
        });
    }

    fn error(&mut self, path: &str, message: String) {
        self.error_at(1, 1, path, message);
    }

    fn blueprint(&mut self, value: &Value) -> Blueprint {
        let Some(root) = value.as_object() else {
            self.error("", "a Blueprint must be a JSON object".to_owned());
            return Blueprint::default();
        };
        let app = match root.get("app") {
            Some(Value::Object(app)) => self.app(app),
            Some(_) => {
                self.error("app", "`app` must be an object".to_owned());
                AppInfo::default()
            }
            None => {
                self.error(
                    "app",
                    "missing `app` section with `id` and `name`".to_owned(),
                );
                AppInfo::default()
            }
        };
        let ui = match root.get("ui") {
            Some(Value::Object(ui)) => self.ui(ui, &app),
            Some(_) => {
                self.error("ui", "`ui` must be an object".to_owned());
                Ui::default()
            }
            None => Ui {
                title: app.name.clone(),
                layout: "vertical".to_owned(),
                ..Ui::default()
            },
        };
        let services = match root.get("services") {
            Some(Value::Array(services)) => services.clone(),
            Some(other) => vec![other.clone()],
            None => Vec::new(),
        };
        let config = match root.get("config") {
            Some(Value::Object(config)) => config.clone(),
            _ => Map::new(),
        };
        Blueprint {
            app,
            services,
            ui,
            config,
        }
    }

    fn app(&mut self, app: &Map<String, Value>) -> AppInfo {
        let mut info = AppInfo {
            id: self.string(app, "id", "app.id"),
            name: self.string(app, "name", "app.name"),
            description: self.string(app, "description", "app.description"),
            icon: self.string(app, "icon", "app.icon"),
            category: self.string(app, "category", "app.category"),
            version: self.string(app, "version", "app.version"),
            author: self.string(app, "author", "app.author"),
            tags: self.strings(app.get("tags"), "app.tags"),
            permissions: self.strings(app.get("permissions"), "app.permissions"),
        };
        if info.id.is_empty() {
            self.error("app.id", "`app.id` is required".to_owned());
        }
        if info.name.is_empty() {
            self.error("app.name", "`app.name` is required".to_owned());
        }
        if info.version.is_empty() {
            info.version = "1.0.0".to_owned();
        }
        info
    }

    fn ui(&mut self, ui: &Map<String, Value>, app: &AppInfo) -> Ui {
        let mut title = self.string(ui, "title", "ui.title");
        if title.is_empty() {
            title = app.name.clone();
        }
        let mut layout = self.string(ui, "layout", "ui.layout");
        if layout.is_empty() {
            layout = "vertical".to_owned();
        }
        let mut lifecycle = std::collections::BTreeMap::new();
        if let Some(Value::Object(hooks)) = ui.get("lifecycle") {
            for (hook, tools) in hooks {
                let tools = self.strings(Some(tools), &format!("ui.lifecycle.{hook}"));
                lifecycle.insert(hook.clone(), tools);
            }
        }
        let components = self.components(ui.get("components"), "ui.components");
        Ui {
            title,
            layout,
            lifecycle,
            components,
        }
    }

    fn components(&mut self, value: Option<&Value>, path: &str) -> Vec<Component> {
        match value {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(index, item)| self.component(item, &format!("{path}[{index}]")))
                .collect(),
            Some(_) => {
                self.error(path, format!("`{path}` must be a list of components"));
                Vec::new()
            }
        }
    }

    fn component(&mut self, value: &Value, path: &str) -> Option<Component> {
        let object = match value {
            Value::Object(object) => object,
            Value::String(text) => {
                let id = self.auto_id("text");
                let mut props = Map::new();
                props.insert("content".to_owned(), Value::String(text.clone()));
                return Some(Component {
                    kind: "text".to_owned(),
                    id,
                    props,
                    ..Component::default()
                });
            }
            _ => {
                self.error(path, "a component must be an object or a string".to_owned());
                return None;
            }
        };
        let kind = self.string(object, "type", &format!("{path}.type"));
        if kind.is_empty() {
            self.error(path, "component is missing its `type`".to_owned());
            return None;
        }
        let mut id = self.string(object, "id", &format!("{path}.id"));
        if id.is_empty() {
            id = self.auto_id(&kind);
        }
        let props = match object.get("props") {
            Some(Value::Object(props)) => props.clone(),
            None | Some(Value::Null) => Map::new(),
            Some(_) => {
                self.error(
                    &format!("{path}.props"),
                    "`props` must be an object".to_owned(),
                );
                Map::new()
            }
        };
        let mut on_event = std::collections::BTreeMap::new();
        if let Some(events) = object.get("on_event") {
            let events_path = format!("{path}.on_event");
            match events {
                Value::Object(events) => {
                    for (event, binding) in events {
                        let binding_path = format!("{events_path}.{event}");
                        if let Some(binding) = self.binding(binding, &binding_path) {
                            on_event.insert(event.clone(), binding);
                        }
                    }
                }
                _ => self.error(&events_path, "`on_event` must be an object".to_owned()),
            }
        }
        let children = self.components(object.get("children"), &format!("{path}.children"));
        Some(Component {
            kind,
            id,
            props,
            on_event,
            children,
        })
    }

    fn binding(&mut self, value: &Value, path: &str) -> Option<EventBinding> {
        match value {
            Value::String(tool) if !tool.is_empty() => Some(EventBinding::tool(tool)),
            Value::Object(object) => {
                let tool = self.string(object, "tool", &format!("{path}.tool"));
                if tool.is_empty() {
                    self.error(path, "event binding is missing its `tool`".to_owned());
                    return None;
                }
                let args = match object.get("args") {
                    Some(Value::Object(args)) => args.clone(),
                    _ => Map::new(),
                };
                let result = object
                    .get("result")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                Some(EventBinding { tool, args, result })
            }
            _ => {
                self.error(
                    path,
                    "event binding must be a tool name or {\"tool\": …, \"args\": {…}}".to_owned(),
                );
                None
            }
        }
    }

    fn auto_id(&mut self, kind: &str) -> String {
        let id = format!("{kind}-{}", self.n_auto_ids);
        self.n_auto_ids += 1;
        id
    }

    fn string(&mut self, object: &Map<String, Value>, key: &str, path: &str) -> String {
        match object.get(key) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(text)) => text.clone(),
            Some(other) => {
                self.error(path, format!("`{key}` must be a string, found {other}"));
                String::new()
            }
        }
    }

    fn strings(&mut self, value: Option<&Value>, path: &str) -> Vec<String> {
        match value {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(one)) => vec![one.clone()],
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(index, item)| match item {
                    Value::String(text) => Some(text.clone()),
                    _ => {
                        self.error(&format!("{path}[{index}]"), "expected a string".to_owned());
                        None
                    }
                })
                .collect(),
            Some(_) => {
                self.error(path, "expected a string or a list of strings".to_owned());
                Vec::new()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_form_round_trips_through_the_model() {
        let parsed = parse(
            r#"{"app": {"id": "calc", "name": "Calc"},
                "ui": {"title": "Calc", "lifecycle": {"on_mount": "ui.clear"}, "components": [
                  {"type": "input", "id": "display", "props": {"value": "0"}},
                  {"type": "grid", "props": {"columns": 4}, "children": [
                    {"type": "button", "id": "b7", "props": {"text": "7"}, "on_event": {"click": "ui.append"}},
                    {"type": "button", "id": "eq", "on_event": {"click": {"tool": "ui.compute", "args": {"key": "display"}}}}
                  ]},
                  "plain text"
                ]}}"#,
        );
        assert_eq!(parsed.diagnostics, vec![]);
        let bp = parsed.blueprint;
        assert_eq!(bp.ui.lifecycle["on_mount"], vec!["ui.clear".to_owned()]);
        let ids: Vec<&str> = bp.ui.all_components().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["display", "grid-0", "b7", "eq", "text-1"]);
        assert_eq!(
            bp.ui.components[1].children[1].on_event["click"].args["key"],
            "display"
        );
        let json = serde_json::to_value(&bp).unwrap();
        assert_eq!(
            json["ui"]["components"][1]["children"][0]["on_event"]["click"],
            "ui.append"
        );
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let parsed = parse("{\n  \"app\": {\"id\": \"x\",\n    \"name\": }\n}");
        assert_eq!(parsed.diagnostics.len(), 1);
        let diagnostic = &parsed.diagnostics[0];
        assert_eq!((diagnostic.line, diagnostic.column), (3, 13));
        assert!(
            diagnostic
                .message
                .starts_with("invalid JSON: expected value"),
            "{diagnostic}"
        );
        assert!(parsed.into_result().is_err());
    }

    #[test]
    fn missing_required_fields_are_named() {
        let err = parse(r#"{"app": {"name": "x"}}"#)
            .into_result()
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "1:1: error at app.id: `app.id` is required"
        );
        let err = parse("[1]").into_result().unwrap_err();
        assert!(err.to_string().contains("must be a JSON object"));
    }

    #[test]
    fn bad_bindings_and_components_are_reported_with_paths() {
        let parsed = parse(
            r#"{"app": {"id": "a", "name": "A"}, "ui": {"components": [
                {"id": "x"}, 5, {"type": "button", "on_event": {"click": 3}}]}}"#,
        );
        let paths: Vec<&str> = parsed.diagnostics.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "ui.components[0]",
                "ui.components[1]",
                "ui.components[2].on_event.click"
            ]
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
            let _ = parse(&text);
        }
    }
}
