//! The app runtime: launched Blueprints, their kernel PIDs and component state, event dispatch
//! to the bound tools, lifecycle hooks, `$if`/`$for`, and patch subscribers.

use std::{
    cell::{Cell, RefCell},
    collections::{BTreeMap, HashMap},
    fmt,
    str::FromStr,
    sync::{Arc, mpsc},
};

use agentos_blueprint::Blueprint;
use agentos_kernel::{Capability, CapabilityKind, CapabilitySet, Kernel, Pid, VfsPath};
use parking_lot::{Mutex, RwLock};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::{
    app::{App, Template, event_args},
    caps, directives,
    error::{Error, Result},
    kernel_io,
    manager::{Lifecycle, Manager, Meta, Window},
    registry::Registry,
    services::Services,
    tool::{Deferred, ToolCx},
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

/// What one dispatched event (or timer, or hook) changed: the state keys written, the tool's
/// result and the effects the view should perform.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Patch {
    /// The app the event went to.
    pub app_id: AppId,
    /// Each state key that changed, with its new value.
    pub changes: BTreeMap<String, Value>,
    /// What the bound tool returned (`null` when no tool ran).
    pub result: Value,
    /// Effects for the view, e.g. `{"type": "alert", "message": "…"}`; omitted when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub effects: Vec<Value>,
}

/// A running app, as listed by [`Runtime::list`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppSummary {
    /// The running app's id.
    pub app_id: AppId,
    /// Its kernel process.
    #[serde(serialize_with = "serialize_pid")]
    pub pid: Pid,
    /// The Blueprint's `app.id`.
    pub blueprint_id: String,
    /// The window title.
    pub title: String,
    /// The app that spawned it, if any.
    pub parent_id: Option<AppId>,
    /// Active (focused) or in the background.
    pub lifecycle: Lifecycle,
    /// Window geometry and state.
    pub window: Window,
    /// Launch time, milliseconds since the Unix epoch.
    pub created_at_ms: u64,
}

fn serialize_pid<S: serde::Serializer>(
    pid: &Pid,
    serializer: S,
) -> std::result::Result<S::Ok, S::Error> {
    serializer.serialize_u32(pid.0)
}

/// Counts over the running apps, as the reference's app manager reports them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AppStats {
    /// Running apps.
    pub total_apps: usize,
    /// Apps in the `active` state (the focused one).
    pub active_apps: usize,
    /// Apps in the background.
    pub background_apps: usize,
    /// The focused app.
    pub focused_app_id: Option<AppId>,
}

/// Options of [`Runtime::launch_with`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Launch {
    /// The app spawning this one; closing the parent closes the child.
    pub parent: Option<AppId>,
    /// Free-form metadata kept with the app (e.g. the request that produced it).
    pub metadata: Map<String, Value>,
}

/// Runtime settings; plain data.
#[derive(Debug, Clone, PartialEq)]
pub struct RuntimeConfig {
    /// VFS directory holding the registry, sessions, users and per-app data.
    pub data_root: String,
    /// Roots a Blueprint's `filesystem` service may ask for (besides its data directory).
    pub shareable_roots: Vec<String>,
    /// Entries kept by `system.log` (oldest dropped first).
    pub log_capacity: usize,
    /// Lifetime of an `auth.login` token, in seconds.
    pub token_ttl_secs: u64,
}

impl Default for RuntimeConfig {
    fn default() -> RuntimeConfig {
        RuntimeConfig {
            data_root: "/system".to_owned(),
            shareable_roots: vec!["/home".to_owned(), "/tmp".to_owned()],
            log_capacity: 1000,
            token_ttl_secs: 24 * 3600,
        }
    }
}

/// Runs launched apps: one kernel PID and one component state per app. Cheap to clone; clones
/// share the apps.
#[derive(Clone)]
pub struct Runtime {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) kernel: Kernel,
    pub(crate) registry: Registry,
    pub(crate) config: RuntimeConfig,
    /// The runtime's own process, owner of the registry, sessions and users files.
    pub(crate) system_pid: Pid,
    pub(crate) apps: RwLock<HashMap<AppId, Arc<Mutex<App>>>>,
    pub(crate) manager: Mutex<Manager>,
    pub(crate) services: Services,
    pub(crate) packages: RwLock<BTreeMap<String, crate::packages::Entry>>,
    pub(crate) generator: RwLock<Option<Arc<dyn Generator>>>,
    /// When a session was last saved and last restored (ms since the epoch).
    pub(crate) session_marks: Mutex<(Option<u64>, Option<u64>)>,
}

/// Turns a request in words into a Blueprint, for `app.spawn {"request": …}`. The runtime
/// has none until one is attached with [`Runtime::set_generator`] (the AI crate provides one).
pub trait Generator: Send + Sync {
    /// A Blueprint for `request`.
    ///
    /// # Errors
    /// A message saying why no Blueprint could be made.
    fn generate(&self, request: &str) -> std::result::Result<Blueprint, String>;
}

impl Runtime {
    /// A runtime whose apps run on `kernel` and call the tools in `registry`, with the default
    /// [`RuntimeConfig`].
    pub fn new(kernel: Kernel, registry: Registry) -> Runtime {
        Runtime::with_config(kernel, registry, RuntimeConfig::default())
    }

    /// A runtime with explicit settings. Creates the runtime's own kernel process, holding file
    /// capabilities on `config.data_root` only, and the directories under it.
    pub fn with_config(kernel: Kernel, registry: Registry, config: RuntimeConfig) -> Runtime {
        let root = VfsPath::new(&config.data_root);
        let caps = [
            CapabilityKind::ReadFile,
            CapabilityKind::WriteFile,
            CapabilityKind::CreateFile,
            CapabilityKind::DeleteFile,
            CapabilityKind::ListDirectory,
        ]
        .into_iter()
        .fold(CapabilitySet::new(), |set, kind| {
            set.grant(caps::scoped(kind, &root))
        })
        .grant(Capability::TimeAccess)
        .grant(Capability::SystemInfo);
        let system_pid = kernel.create_process("agentos-runtime", caps);
        let services = Services::new(&config);
        let runtime = Runtime {
            inner: Arc::new(Inner {
                kernel,
                registry,
                config,
                system_pid,
                apps: RwLock::new(HashMap::new()),
                manager: Mutex::new(Manager::default()),
                services,
                packages: RwLock::new(BTreeMap::new()),
                generator: RwLock::new(None),
                session_marks: Mutex::new((None, None)),
            }),
        };
        for dir in ["registry", "sessions", "users", "data"] {
            let path = runtime.system_path(dir);
            if let Err(err) = kernel_io::mkdir(&runtime.inner.kernel, system_pid, &path) {
                runtime.log("error", &format!("cannot create {path}: {err}"), None);
            }
        }
        runtime
    }

    /// Attaches the generator `app.spawn` uses for requests in words.
    pub fn set_generator(&self, generator: Arc<dyn Generator>) {
        *self.inner.generator.write() = Some(generator);
    }

    /// The kernel the apps run on.
    pub fn kernel(&self) -> &Kernel {
        &self.inner.kernel
    }

    /// The tools apps can call.
    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// The runtime's settings.
    pub fn config(&self) -> &RuntimeConfig {
        &self.inner.config
    }

    /// `<data_root>/<name>`.
    pub(crate) fn system_path(&self, name: &str) -> String {
        VfsPath::new(&self.inner.config.data_root)
            .join(name)
            .to_string()
    }

    /// The data directory of Blueprint `blueprint_id`: `<data_root>/data/<id>`.
    pub fn data_dir(&self, blueprint_id: &str) -> String {
        let safe: String = blueprint_id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let safe = if safe.is_empty() || safe.chars().all(|c| c == '_') {
            "app".to_owned()
        } else {
            safe
        };
        VfsPath::new(&self.system_path("data"))
            .join(&safe)
            .to_string()
    }

    /// Launches `blueprint` as a new focused app with its own kernel PID and returns its id.
    /// The PID holds the capabilities its `permissions` and `services` imply, and nothing else;
    /// `on_mount` hooks run before this returns.
    ///
    /// # Errors
    /// [`Error::Launch`] for a `$if`/`$for` that does not parse or a filesystem root that may
    /// not be shared.
    pub fn launch(&self, blueprint: Blueprint) -> Result<AppId> {
        self.launch_with(Arc::new(blueprint), Launch::default())
    }

    /// Launches `blueprint` with a parent and metadata; see [`Runtime::launch`].
    ///
    /// # Errors
    /// As [`Runtime::launch`], plus [`Error::UnknownApp`] for a parent that is not running.
    pub fn launch_with(&self, blueprint: Arc<Blueprint>, options: Launch) -> Result<AppId> {
        let template = Arc::new(Template::build(blueprint)?);
        self.launch_template(template, options)
    }

    pub(crate) fn launch_template(
        &self,
        template: Arc<Template>,
        options: Launch,
    ) -> Result<AppId> {
        if let Some(parent) = options.parent
            && !self.inner.manager.lock().apps.contains_key(&parent)
        {
            return Err(Error::UnknownApp(parent));
        }
        let blueprint = &template.blueprint;
        let data_dir = self.data_dir(&blueprint.app.id);
        let capabilities = caps::for_blueprint(
            blueprint,
            &VfsPath::new(&data_dir),
            &self.inner.config.shareable_roots,
        )?;
        if caps::touches_files(&capabilities) {
            kernel_io::mkdir(&self.inner.kernel, self.inner.system_pid, &data_dir)?;
        }
        let pid = self
            .inner
            .kernel
            .create_process(&format!("app:{}", blueprint.app.id), capabilities);
        let app_id = AppId::new();
        let app = App {
            pid,
            template: template.clone(),
            state: template.initial.clone(),
            subscribers: Vec::new(),
        };
        self.inner
            .apps
            .write()
            .insert(app_id, Arc::new(Mutex::new(app)));
        {
            let mut manager = self.inner.manager.lock();
            if let Some(previous) = manager.focused.and_then(|id| manager.apps.get_mut(&id)) {
                previous.lifecycle = Lifecycle::Background;
            }
            manager.apps.insert(
                app_id,
                Meta {
                    parent: options.parent,
                    lifecycle: Lifecycle::Active,
                    window: Window::default(),
                    created_at_ms: crate::services::now_ms(),
                    metadata: options.metadata,
                    pid,
                    blueprint_id: blueprint.app.id.clone(),
                    title: blueprint.ui.title.clone(),
                },
            );
            manager.order.push(app_id);
            manager.focused = Some(app_id);
        }
        self.run_hook(app_id, "on_mount");
        Ok(app_id)
    }

    /// Runs every tool of lifecycle hook `hook` (`on_mount`, `on_unmount`, `on_focus`) with
    /// empty arguments. Failures are logged (level `error`, with the app id), not raised: a
    /// hook cannot stop an app from opening or closing.
    pub(crate) fn run_hook(&self, app_id: AppId, hook: &str) {
        let Ok(app) = self.app(app_id) else { return };
        let tools = app
            .lock()
            .template
            .blueprint
            .ui
            .lifecycle
            .get(hook)
            .cloned()
            .unwrap_or_default();
        for tool in tools {
            if let Err(err) = self.call_tool(app_id, &tool, Map::new()) {
                self.log(
                    "error",
                    &format!("{hook} hook `{tool}` failed: {err}"),
                    Some(app_id),
                );
            }
        }
    }

    /// Delivers `event` to app `app_id`: a `change` first stores its value as the component's
    /// state, then the bound tool (if any) runs. Returns what changed; subscribers get the same
    /// patch.
    ///
    /// # Errors
    /// [`Error::UnknownApp`], [`Error::UnknownComponent`], [`Error::UnboundEvent`] (for events
    /// other than `change` with no binding), [`Error::UnknownTool`], or the tool's own error.
    pub fn dispatch(&self, app_id: AppId, event: &UiEvent) -> Result<Patch> {
        let app = self.app(app_id)?;
        let (outcome, deferred) = {
            let _nested = Nested::enter();
            let mut guard = app.lock();
            let App {
                pid,
                template,
                state,
                subscribers: _,
            } = &mut *guard;
            let template = template.clone();
            let component = template
                .components
                .get(&event.component_id)
                .ok_or_else(|| Error::UnknownComponent {
                    app: app_id,
                    component: event.component_id.clone(),
                })?;
            if event.event == "change"
                && let Some(value) = &event.value
            {
                state.set(&event.component_id, value.clone());
            }
            match component.on_event.get(&event.event) {
                None if event.event == "change" => {
                    directives::refresh(&template.directives, state);
                    let patch = Patch {
                        app_id,
                        changes: state.take_changes(),
                        result: Value::Null,
                        effects: Vec::new(),
                    };
                    guard.publish(&patch);
                    (Ok(patch), Vec::new())
                }
                None => {
                    return Err(Error::UnboundEvent {
                        app: app_id,
                        component: event.component_id.clone(),
                        event: event.event.clone(),
                    });
                }
                Some(binding) => {
                    let args = event_args(event, component, binding);
                    let pid = *pid;
                    self.run_locked(
                        app_id,
                        pid,
                        &mut guard,
                        &binding.tool,
                        &args,
                        binding.result.as_deref(),
                    )
                }
            }
        };
        self.run_deferred(deferred);
        outcome
    }

    /// Runs tool `tool` with `args` as app `app_id` (its PID, its state), exactly as a bound
    /// event would, and returns the patch; subscribers get it too. Used by lifecycle hooks,
    /// timers and adapters that call tools directly.
    ///
    /// # Errors
    /// [`Error::UnknownApp`], [`Error::UnknownTool`], or the tool's own error.
    pub fn call_tool(&self, app_id: AppId, tool: &str, args: Map<String, Value>) -> Result<Patch> {
        let app = self.app(app_id)?;
        let (outcome, deferred) = {
            let _nested = Nested::enter();
            let mut guard = app.lock();
            let pid = guard.pid;
            self.run_locked(app_id, pid, &mut guard, tool, &args, None)
        };
        self.run_deferred(deferred);
        outcome
    }

    fn run_locked(
        &self,
        app_id: AppId,
        pid: Pid,
        app: &mut App,
        tool: &str,
        args: &Map<String, Value>,
        result_target: Option<&str>,
    ) -> (Result<Patch>, Vec<Deferred>) {
        let mut cx = ToolCx {
            app_id,
            pid,
            kernel: &self.inner.kernel,
            state: &mut app.state,
            effects: Vec::new(),
            deadline: None,
            runtime: Some(self),
            deferred: Vec::new(),
        };
        let outcome = self.inner.registry.call(tool, &mut cx, args);
        let ToolCx {
            effects, deferred, ..
        } = cx;
        let result = match outcome {
            Ok(result) => result,
            Err(err) => {
                // A failed tool leaves no half-applied patch pending for the next event.
                app.state.take_changes();
                return (Err(err), Vec::new());
            }
        };
        if let Some(target) = result_target {
            app.state.set(target, result.clone());
        }
        if !app.template.directives.is_empty() {
            let template = app.template.clone();
            directives::refresh(&template.directives, &mut app.state);
        }
        let patch = Patch {
            app_id,
            changes: app.state.take_changes(),
            result,
            effects,
        };
        app.publish(&patch);
        (Ok(patch), deferred)
    }

    /// Runs app-manager actions once no app lock is held on this thread: a call nested inside
    /// another app's dispatch (say, an app spawned by a tool whose `on_mount` closes its parent)
    /// queues its actions for the outermost call instead of locking an app that is held.
    fn run_deferred(&self, deferred: Vec<Deferred>) {
        if NESTING.with(Cell::get) > 0 {
            PENDING.with(|pending| pending.borrow_mut().extend(deferred));
            return;
        }
        let mut deferred = deferred;
        deferred.extend(PENDING.with(|pending| std::mem::take(&mut *pending.borrow_mut())));
        for action in deferred {
            let outcome = match action {
                Deferred::Close(id) => self.close(id),
                Deferred::Focus(id) => self.focus(id),
            };
            if let Err(err) = outcome {
                self.log("error", &format!("deferred app action failed: {err}"), None);
            }
        }
    }

    /// A receiver of every patch app `app_id` produces from now on (events, timers, hooks),
    /// so each view of the app can be kept in sync. Dropping the receiver unsubscribes.
    ///
    /// # Errors
    /// [`Error::UnknownApp`].
    pub fn subscribe(&self, app_id: AppId) -> Result<mpsc::Receiver<Patch>> {
        let (sender, receiver) = mpsc::channel();
        self.app(app_id)?.lock().subscribers.push(sender);
        Ok(receiver)
    }

    /// A copy of app `app_id`'s whole component state.
    ///
    /// # Errors
    /// [`Error::UnknownApp`].
    pub fn state(&self, app_id: AppId) -> Result<BTreeMap<String, Value>> {
        Ok(self.app(app_id)?.lock().state.snapshot())
    }

    /// Replaces app `app_id`'s state with `values` exactly (used by session restore) and
    /// returns the patch, also sent to subscribers.
    ///
    /// # Errors
    /// [`Error::UnknownApp`].
    pub fn replace_state(&self, app_id: AppId, values: BTreeMap<String, Value>) -> Result<Patch> {
        let app = self.app(app_id)?;
        let mut app = app.lock();
        app.state.replace(values);
        let patch = Patch {
            app_id,
            changes: app.state.take_changes(),
            result: Value::Null,
            effects: Vec::new(),
        };
        app.publish(&patch);
        Ok(patch)
    }

    /// The Blueprint app `app_id` was launched from.
    ///
    /// # Errors
    /// [`Error::UnknownApp`].
    pub fn blueprint(&self, app_id: AppId) -> Result<Arc<Blueprint>> {
        Ok(self.app(app_id)?.lock().template.blueprint.clone())
    }

    /// The kernel PID of app `app_id`.
    ///
    /// # Errors
    /// [`Error::UnknownApp`].
    pub fn pid(&self, app_id: AppId) -> Result<Pid> {
        Ok(self.app(app_id)?.lock().pid)
    }

    /// Every running app, in launch order.
    pub fn list(&self) -> Vec<AppSummary> {
        let manager = self.inner.manager.lock();
        manager
            .order
            .iter()
            .filter_map(|id| manager.apps.get(id).map(|meta| meta.summary(*id)))
            .collect()
    }

    pub(crate) fn app(&self, app_id: AppId) -> Result<Arc<Mutex<App>>> {
        self.inner
            .apps
            .read()
            .get(&app_id)
            .cloned()
            .ok_or(Error::UnknownApp(app_id))
    }

    /// Appends to the system log (what `system.log` writes and `system.getLogs` reads).
    pub fn log(&self, level: &str, message: &str, app_id: Option<AppId>) {
        self.inner.services.log(level, message, app_id);
    }
}

thread_local! {
    /// How many app locks this thread holds through dispatch or `call_tool`.
    static NESTING: Cell<u32> = const { Cell::new(0) };
    /// Actions queued by nested calls, run by the outermost one.
    static PENDING: RefCell<Vec<Deferred>> = const { RefCell::new(Vec::new()) };
}

/// Marks this thread as holding an app lock until dropped.
struct Nested;

impl Nested {
    fn enter() -> Nested {
        NESTING.with(|n| n.set(n.get() + 1));
        Nested
    }
}

impl Drop for Nested {
    fn drop(&mut self) {
        NESTING.with(|n| n.set(n.get().saturating_sub(1)));
    }
}
