//! The app runtime: launched Blueprints, their kernel PIDs and component state, and event
//! dispatch to the bound tools.

use std::{collections::BTreeMap, collections::HashMap, fmt, str::FromStr, sync::Arc};

use agentos_blueprint::{Blueprint, Component, EventBinding};
use agentos_kernel::{Capability, CapabilityKind, CapabilitySet, Kernel, Pid};
use parking_lot::{Mutex, RwLock};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::{
    error::{Error, Result},
    registry::Registry,
    state::State,
    tool::ToolCx,
};

/// Identifies one running app (a UUID v4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AppId(uuid::Uuid);

impl AppId {
    /// A fresh random id.
    pub fn new() -> AppId {
        AppId(uuid::Uuid::new_v4())
    }
}

impl Default for AppId {
    fn default() -> AppId {
        AppId::new()
    }
}

impl fmt::Display for AppId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for AppId {
    type Err = uuid::Error;

    fn from_str(text: &str) -> std::result::Result<AppId, uuid::Error> {
        uuid::Uuid::parse_str(text).map(AppId)
    }
}

impl Serialize for AppId {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A UI event sent to an app: which component, which event, and the value it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct UiEvent {
    /// The component that fired.
    pub component_id: String,
    /// Event name: `click`, `change`, …
    pub event: String,
    /// The value of an input's `change`, if any.
    pub value: Option<Value>,
}

impl UiEvent {
    /// A click on `component_id`.
    pub fn click(component_id: &str) -> UiEvent {
        UiEvent {
            component_id: component_id.to_owned(),
            event: "click".to_owned(),
            value: None,
        }
    }

    /// A `change` of `component_id` to `value`.
    pub fn change(component_id: &str, value: Value) -> UiEvent {
        UiEvent {
            component_id: component_id.to_owned(),
            event: "change".to_owned(),
            value: Some(value),
        }
    }
}

/// What one dispatched event changed: the state keys written, and the tool's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Patch {
    /// The app the event went to.
    pub app_id: AppId,
    /// Each state key that changed, with its new value.
    pub changes: BTreeMap<String, Value>,
    /// What the bound tool returned (`null` when no tool ran).
    pub result: Value,
}

/// A running app, as listed by [`Runtime::list`].
#[derive(Debug, Clone, PartialEq)]
pub struct AppSummary {
    /// The running app's id.
    pub app_id: AppId,
    /// Its kernel process.
    pub pid: Pid,
    /// The Blueprint's `app.id`.
    pub blueprint_id: String,
    /// The window title.
    pub title: String,
}

/// Runs launched apps: one kernel PID and one component state per app. Cheap to clone; clones
/// share the apps.
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
}

struct Inner {
    kernel: Kernel,
    registry: Registry,
    apps: RwLock<HashMap<AppId, Arc<Mutex<App>>>>,
}

struct App {
    pid: Pid,
    blueprint: Arc<Blueprint>,
    components: HashMap<String, ComponentEntry>,
    state: State,
}

/// What dispatch needs of a component, extracted once at launch.
struct ComponentEntry {
    /// `props.text`, the label a button carries.
    text: Option<Value>,
    /// `props.value`.
    value: Option<Value>,
    on_event: BTreeMap<String, EventBinding>,
}

impl Runtime {
    /// A runtime whose apps run on `kernel` and call the tools in `registry`.
    pub fn new(kernel: Kernel, registry: Registry) -> Runtime {
        Runtime {
            inner: Arc::new(Inner {
                kernel,
                registry,
                apps: RwLock::new(HashMap::new()),
            }),
        }
    }

    /// The kernel the apps run on.
    pub fn kernel(&self) -> &Kernel {
        &self.inner.kernel
    }

    /// The tools apps can call.
    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// Launches `blueprint` as a new app with its own kernel PID and returns its id. The PID
    /// holds exactly the capabilities named in `app.permissions` (unknown names grant nothing).
    ///
    /// # Errors
    /// Currently infallible for a parsed Blueprint; the `Result` leaves room for launch hooks.
    pub fn launch(&self, blueprint: Blueprint) -> Result<AppId> {
        let capabilities = blueprint
            .app
            .permissions
            .iter()
            .filter_map(|name| CapabilityKind::from_name(name))
            .fold(CapabilitySet::new(), |set, kind| {
                set.grant(Capability::unscoped(kind))
            });
        let pid = self
            .inner
            .kernel
            .create_process(&format!("app:{}", blueprint.app.id), capabilities);
        let mut components = HashMap::new();
        let mut state = State::default();
        for component in blueprint.ui.all_components() {
            if let Some(initial) = initial_state(component) {
                state.set(&component.id, initial);
            }
            components.insert(
                component.id.clone(),
                ComponentEntry {
                    text: component.props.get("text").cloned(),
                    value: component.props.get("value").cloned(),
                    on_event: component.on_event.clone(),
                },
            );
        }
        state.take_changes();
        let app_id = AppId::new();
        let app = App {
            pid,
            blueprint: Arc::new(blueprint),
            components,
            state,
        };
        self.inner
            .apps
            .write()
            .insert(app_id, Arc::new(Mutex::new(app)));
        Ok(app_id)
    }

    /// Delivers `event` to app `app_id`: a `change` first stores its value as the component's
    /// state, then the bound tool (if any) runs. Returns what changed.
    ///
    /// # Errors
    /// [`Error::UnknownApp`], [`Error::UnknownComponent`], [`Error::UnboundEvent`] (for events
    /// other than `change` with no binding), [`Error::UnknownTool`], or the tool's own error.
    pub fn dispatch(&self, app_id: AppId, event: &UiEvent) -> Result<Patch> {
        let app = self.app(app_id)?;
        let mut app = app.lock();
        let App {
            pid,
            components,
            state,
            ..
        } = &mut *app;
        let component =
            components
                .get(&event.component_id)
                .ok_or_else(|| Error::UnknownComponent {
                    app: app_id,
                    component: event.component_id.clone(),
                })?;
        if let (true, Some(value)) = (event.event == "change", &event.value) {
            state.set(&event.component_id, value.clone());
        }
        let Some(binding) = component.on_event.get(&event.event) else {
            if event.event == "change" {
                return Ok(Patch {
                    app_id,
                    changes: state.take_changes(),
                    result: Value::Null,
                });
            }
            return Err(Error::UnboundEvent {
                app: app_id,
                component: event.component_id.clone(),
                event: event.event.clone(),
            });
        };
        let args = event_args(event, component, binding);
        let mut cx = ToolCx {
            app_id,
            pid: *pid,
            kernel: &self.inner.kernel,
            state,
        };
        let outcome = self.inner.registry.call(&binding.tool, &mut cx, &args);
        let result = match outcome {
            Ok(result) => result,
            Err(err) => {
                // A failed tool leaves no half-applied patch pending for the next event.
                state.take_changes();
                return Err(err);
            }
        };
        if let Some(target) = &binding.result {
            state.set(target, result.clone());
        }
        Ok(Patch {
            app_id,
            changes: state.take_changes(),
            result,
        })
    }

    /// A copy of app `app_id`'s whole component state.
    ///
    /// # Errors
    /// [`Error::UnknownApp`].
    pub fn state(&self, app_id: AppId) -> Result<BTreeMap<String, Value>> {
        Ok(self.app(app_id)?.lock().state.snapshot())
    }

    /// The Blueprint app `app_id` was launched from.
    ///
    /// # Errors
    /// [`Error::UnknownApp`].
    pub fn blueprint(&self, app_id: AppId) -> Result<Arc<Blueprint>> {
        Ok(self.app(app_id)?.lock().blueprint.clone())
    }

    /// Every running app, in no particular order.
    pub fn list(&self) -> Vec<AppSummary> {
        self.inner
            .apps
            .read()
            .iter()
            .map(|(app_id, app)| {
                let app = app.lock();
                AppSummary {
                    app_id: *app_id,
                    pid: app.pid,
                    blueprint_id: app.blueprint.app.id.clone(),
                    title: app.blueprint.ui.title.clone(),
                }
            })
            .collect()
    }

    /// Stops app `app_id` and ends its kernel process.
    ///
    /// # Errors
    /// [`Error::UnknownApp`].
    pub fn close(&self, app_id: AppId) -> Result<()> {
        let app = self
            .inner
            .apps
            .write()
            .remove(&app_id)
            .ok_or(Error::UnknownApp(app_id))?;
        let pid = app.lock().pid;
        self.inner.kernel.exit(pid)?;
        Ok(())
    }

    fn app(&self, app_id: AppId) -> Result<Arc<Mutex<App>>> {
        self.inner
            .apps
            .read()
            .get(&app_id)
            .cloned()
            .ok_or(Error::UnknownApp(app_id))
    }
}

/// The state a component starts with, from its props.
fn initial_state(component: &Component) -> Option<Value> {
    let props = &component.props;
    match component.kind.as_str() {
        "input" | "textarea" | "select" | "slider" | "progress" => Some(
            props
                .get("value")
                .cloned()
                .unwrap_or_else(|| Value::String(String::new())),
        ),
        "checkbox" | "radio" => Some(props.get("checked").cloned().unwrap_or(Value::Bool(false))),
        "text" => props.get("content").cloned(),
        _ => props.get("value").cloned(),
    }
}

/// The arguments a bound tool receives: what the component and event carry, overridden by the
/// binding's explicit `args`.
fn event_args(
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
    for (name, value) in &binding.args {
        args.insert(name.clone(), value.clone());
    }
    args
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn calculator() -> Blueprint {
        agentos_blueprint::parse(
            r#"{"app": {"id": "calc", "name": "Calc", "permissions": ["READ_FILE", "STANDARD"]},
                "ui": {"title": "Calc", "components": [
                  {"type": "input", "id": "display", "props": {"value": "0", "readonly": true}},
                  {"type": "button", "id": "seven", "props": {"text": "7"}, "on_event": {"click": "ui.append"}},
                  {"type": "button", "id": "plus", "props": {"text": "+"}, "on_event": {"click": "ui.append"}},
                  {"type": "button", "id": "three", "props": {"text": "3"}, "on_event": {"click": "ui.append"}},
                  {"type": "button", "id": "equals", "props": {"text": "="}, "on_event": {"click": "ui.compute"}},
                  {"type": "button", "id": "peek", "on_event": {"click": {"tool": "ui.get", "args": {"key": "display"}, "result": "copy"}}},
                  {"type": "button", "id": "broken", "on_event": {"click": "no.such.tool"}},
                  {"type": "input", "id": "name"},
                  {"type": "checkbox", "id": "dark", "props": {"label": "Dark"}, "on_event": {"click": "ui.toggle"}}
                ]}}"#,
        )
        .into_result()
        .unwrap()
    }

    #[test]
    fn clicks_run_tools_and_return_patches() {
        let runtime = Runtime::new(Kernel::new(), Registry::builtin());
        let app = runtime.launch(calculator()).unwrap();
        for id in ["seven", "plus", "three"] {
            runtime.dispatch(app, &UiEvent::click(id)).unwrap();
        }
        let patch = runtime.dispatch(app, &UiEvent::click("equals")).unwrap();
        assert_eq!(
            patch.changes,
            BTreeMap::from([("display".to_owned(), json!("10"))])
        );
        assert_eq!(runtime.state(app).unwrap()["display"], "10");

        let patch = runtime.dispatch(app, &UiEvent::click("peek")).unwrap();
        assert_eq!(patch.changes["copy"], "10");

        let patch = runtime.dispatch(app, &UiEvent::click("dark")).unwrap();
        assert_eq!(patch.changes["dark"], true);
    }

    #[test]
    fn change_events_store_input_values() {
        let runtime = Runtime::new(Kernel::new(), Registry::builtin());
        let app = runtime.launch(calculator()).unwrap();
        assert_eq!(runtime.state(app).unwrap()["name"], "");
        let patch = runtime
            .dispatch(app, &UiEvent::change("name", json!("Ada")))
            .unwrap();
        assert_eq!(patch.changes["name"], "Ada");
        assert_eq!(patch.result, Value::Null);
    }

    #[test]
    fn bad_events_are_typed_errors() {
        let runtime = Runtime::new(Kernel::new(), Registry::builtin());
        let app = runtime.launch(calculator()).unwrap();
        let err = runtime.dispatch(app, &UiEvent::click("nope")).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("app {app}: no component with id `nope`")
        );
        let err = runtime
            .dispatch(app, &UiEvent::click("broken"))
            .unwrap_err();
        assert_eq!(err.to_string(), "unknown tool `no.such.tool`");
        let hover = UiEvent {
            event: "hover".into(),
            ..UiEvent::click("seven")
        };
        assert!(matches!(
            runtime.dispatch(app, &hover),
            Err(Error::UnboundEvent { .. })
        ));
        let ghost = AppId::new();
        assert!(matches!(runtime.state(ghost), Err(Error::UnknownApp(id)) if id == ghost));
    }

    #[test]
    fn each_app_has_its_own_pid_and_state_and_close_ends_it() {
        let runtime = Runtime::new(Kernel::new(), Registry::builtin());
        let a = runtime.launch(calculator()).unwrap();
        let b = runtime.launch(calculator()).unwrap();
        runtime.dispatch(a, &UiEvent::click("seven")).unwrap();
        assert_eq!(runtime.state(a).unwrap()["display"], "7");
        assert_eq!(runtime.state(b).unwrap()["display"], "0");
        let pids: Vec<Pid> = runtime.list().iter().map(|app| app.pid).collect();
        assert_eq!(pids.len(), 2);
        assert_ne!(pids[0], pids[1]);
        let pid_a = runtime
            .list()
            .into_iter()
            .find(|s| s.app_id == a)
            .unwrap()
            .pid;
        assert_eq!(runtime.kernel().process_name(pid_a).unwrap(), "app:calc");
        runtime.close(a).unwrap();
        assert!(runtime.kernel().process_name(pid_a).is_err());
        assert!(matches!(runtime.close(a), Err(Error::UnknownApp(_))));
    }

    #[test]
    fn runtime_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Runtime>();
        assert_send_sync::<Registry>();
    }
}
