//! Shared helpers for the template interaction tests: generate, launch, click, read state.
#![allow(dead_code, unreachable_pub)]

use agentos_ai::TemplateLibrary;
use agentos_kernel::Kernel;
use agentos_tools::{AppId, Registry, Runtime, UiEvent};
use serde_json::Value;

/// A launched template app.
pub struct App {
    pub runtime: Runtime,
    pub id: AppId,
}

/// Instantiates template `kind` for `request` (slots filled) and launches it.
pub fn launch(kind: &str, request: &str) -> App {
    let library = TemplateLibrary::builtin();
    let template = library
        .get(kind)
        .unwrap_or_else(|| panic!("no template {kind}"));
    let blueprint = TemplateLibrary::instantiate(template, request);
    let runtime = Runtime::new(Kernel::new(), Registry::builtin());
    let id = runtime.launch(blueprint).expect("launch");
    App { runtime, id }
}

impl App {
    pub fn click(&self, component: &str) -> Value {
        self.runtime
            .dispatch(self.id, &UiEvent::click(component))
            .unwrap_or_else(|err| panic!("click {component}: {err}"))
            .result
    }

    pub fn click_item(&self, component: &str, item: &str) -> Value {
        let event = UiEvent {
            value: Some(Value::String(item.to_owned())),
            ..UiEvent::click(component)
        };
        self.runtime
            .dispatch(self.id, &event)
            .unwrap_or_else(|err| panic!("click {component}: {err}"))
            .result
    }

    pub fn change(&self, component: &str, value: impl Into<Value>) {
        self.runtime
            .dispatch(self.id, &UiEvent::change(component, value.into()))
            .unwrap_or_else(|err| panic!("change {component}: {err}"));
    }

    pub fn get(&self, key: &str) -> Value {
        self.runtime
            .state(self.id)
            .expect("state")
            .get(key)
            .cloned()
            .unwrap_or(Value::Null)
    }

    pub fn text(&self, key: &str) -> String {
        match self.get(key) {
            Value::String(text) => text,
            // Number inputs hold numbers; show whole ones as a person typed them.
            Value::Number(number) => match number.as_f64() {
                Some(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{}", x as i64),
                _ => number.to_string(),
            },
            other => other.to_string(),
        }
    }

    pub fn number(&self, key: &str) -> f64 {
        let text = self.text(key);
        text.parse()
            .unwrap_or_else(|_| panic!("{key} = {text:?} is not a number"))
    }

    pub fn list_texts(&self, key: &str) -> Vec<String> {
        match self.get(key) {
            Value::Array(items) => items
                .iter()
                .map(|item| item["text"].as_str().unwrap_or_default().to_owned())
                .collect(),
            // A list no one has added to yet has no state.
            Value::Null => Vec::new(),
            other => panic!("{key} is not a list: {other}"),
        }
    }
}
