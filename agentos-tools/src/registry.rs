//! The tool registry and executor: namespaced tool ids of any depth mapped to their
//! implementations, with parameter validation, a capability check of the calling PID, a deadline
//! for I/O tools and per-tool metrics around every call.

use std::{
    collections::HashMap,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::Instant,
};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::{
    error::{Error, Result},
    schema::validate_args,
    tool::{Tool, ToolCx, ToolSpec},
};

/// The set of tools an app runtime can call, by id. Clones share the tools and their metrics.
#[derive(Clone, Default)]
pub struct Registry {
    tools: HashMap<String, Entry>,
}

#[derive(Clone)]
struct Entry {
    tool: Arc<dyn Tool>,
    stats: Arc<Stats>,
}

#[derive(Default)]
struct Stats {
    calls: AtomicU64,
    errors: AtomicU64,
    denied: AtomicU64,
    total_nanos: AtomicU64,
    max_nanos: AtomicU64,
}

/// Counters of one tool since the registry was built.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToolMetrics {
    /// The tool id.
    pub name: String,
    /// Calls made, successful or not.
    pub calls: u64,
    /// Calls that returned an error (including validation and capability failures).
    pub errors: u64,
    /// Calls refused because the PID lacked a capability.
    pub denied: u64,
    /// Sum of call latencies in nanoseconds.
    pub total_nanos: u64,
    /// Slowest call in nanoseconds.
    pub max_nanos: u64,
}

impl Registry {
    /// A registry with no tools.
    pub fn empty() -> Registry {
        Registry::default()
    }

    /// A registry with every built-in tool.
    pub fn builtin() -> Registry {
        let mut registry = Registry::empty();
        crate::ui::register(&mut registry);
        crate::list::register(&mut registry);
        crate::tools::register_all(&mut registry);
        registry
    }

    /// Adds `tool` under its spec's name, replacing any tool of the same name.
    pub fn register(&mut self, tool: impl Tool + 'static) {
        self.tools.insert(
            tool.spec().name.clone(),
            Entry {
                tool: Arc::new(tool),
                stats: Arc::default(),
            },
        );
    }

    /// The tool registered as `name`.
    pub fn get(&self, name: &str) -> Option<&Arc<dyn Tool>> {
        self.tools.get(name).map(|entry| &entry.tool)
    }

    /// True when a tool is registered as `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.tools.contains_key(name)
    }

    /// Every tool's spec, sorted by name.
    pub fn specs(&self) -> Vec<&ToolSpec> {
        let mut specs: Vec<&ToolSpec> =
            self.tools.values().map(|entry| entry.tool.spec()).collect();
        specs.sort_by(|a, b| a.name.cmp(&b.name));
        specs
    }

    /// The tools grouped by family (the id before the first dot), in the reference's
    /// `/services` shape: `{id, name, description, category, capabilities, tools: [{id, name,
    /// description, parameters: [{name, type, description, required}]}]}`, sorted by id.
    pub fn services(&self) -> Vec<Value> {
        let mut families: std::collections::BTreeMap<&str, Vec<&ToolSpec>> =
            std::collections::BTreeMap::new();
        for spec in self.specs() {
            let family = spec.name.split('.').next().unwrap_or(&spec.name);
            families.entry(family).or_default().push(spec);
        }
        families
            .into_iter()
            .map(|(family, specs)| {
                let mut capabilities: Vec<String> = specs
                    .iter()
                    .flat_map(|s| s.capabilities.iter().map(|c| c.name().to_owned()))
                    .collect();
                capabilities.sort();
                capabilities.dedup();
                let tools: Vec<Value> = specs.iter().map(|spec| tool_entry(spec)).collect();
                let (name, description, category) = FAMILIES
                    .iter()
                    .find(|(id, ..)| *id == family)
                    .map_or((family, "", family), |(_, name, description, category)| {
                        (*name, *description, *category)
                    });
                serde_json::json!({
                    "id": family,
                    "name": name,
                    "description": description,
                    "category": category,
                    "capabilities": capabilities,
                    "tools": tools,
                })
            })
            .collect()
    }

    /// The services of [`Registry::services`] whose category is `category` (all of them for
    /// `None`), as `GET /services?category=…` lists them.
    pub fn services_in(&self, category: Option<&str>) -> Vec<Value> {
        self.services()
            .into_iter()
            .filter(|service| category.is_none_or(|category| service["category"] == category))
            .collect()
    }

    /// The services that best match `intent`, by the reference's score: +10 when the intent
    /// contains the service id or its lowercase name, +5 per description word it contains,
    /// +3 per capability (`_` read as a space), +2 for the category. Highest first, ties by
    /// id; services scoring 0 are left out; at most 5.
    pub fn discover(&self, intent: &str) -> Vec<Value> {
        let intent = intent.to_lowercase();
        let mut scored: Vec<(u32, Value)> = self
            .services()
            .into_iter()
            .map(|service| {
                let text = |key: &str| service[key].as_str().unwrap_or_default().to_lowercase();
                let mut score = 0;
                if intent.contains(&text("id")) || intent.contains(&text("name")) {
                    score += 10;
                }
                for word in text("description")
                    .split_whitespace()
                    .filter(|w| w.len() > 2)
                {
                    if intent.contains(word) {
                        score += 5;
                    }
                }
                for capability in service["capabilities"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                {
                    if intent.contains(&capability.to_lowercase().replace('_', " ")) {
                        score += 3;
                    }
                }
                if intent.contains(&text("category")) {
                    score += 2;
                }
                (score, service)
            })
            .filter(|(score, _)| *score > 0)
            .collect();
        scored.sort_by(|a, b| {
            b.0.cmp(&a.0)
                .then_with(|| a.1["id"].as_str().cmp(&b.1["id"].as_str()))
        });
        scored
            .into_iter()
            .take(5)
            .map(|(_, service)| service)
            .collect()
    }

    /// The metrics of every tool that has been called at least once, sorted by name.
    pub fn metrics(&self) -> Vec<ToolMetrics> {
        let mut out: Vec<ToolMetrics> = self
            .tools
            .iter()
            .filter(|(_, entry)| entry.stats.calls.load(Ordering::Relaxed) > 0)
            .map(|(name, entry)| ToolMetrics {
                name: name.clone(),
                calls: entry.stats.calls.load(Ordering::Relaxed),
                errors: entry.stats.errors.load(Ordering::Relaxed),
                denied: entry.stats.denied.load(Ordering::Relaxed),
                total_nanos: entry.stats.total_nanos.load(Ordering::Relaxed),
                max_nanos: entry.stats.max_nanos.load(Ordering::Relaxed),
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    /// Calls the tool `name` with `args`: validates the arguments against its schema, checks
    /// that `cx.pid` holds every capability the spec lists, sets the deadline of I/O tools,
    /// runs it and records the call in the tool's metrics.
    ///
    /// # Errors
    /// [`Error::UnknownTool`], [`Error::InvalidParam`] naming the parameter,
    /// [`Error::CapabilityDenied`] naming the PID and capability, [`Error::Timeout`], or the
    /// tool's own error.
    pub fn call(
        &self,
        name: &str,
        cx: &mut ToolCx<'_>,
        args: &Map<String, Value>,
    ) -> Result<Value> {
        let entry = self
            .tools
            .get(name)
            .ok_or_else(|| Error::UnknownTool(name.to_owned()))?;
        let started = Instant::now();
        let outcome = execute(entry, cx, args, started);
        let nanos = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        let stats = &entry.stats;
        stats.calls.fetch_add(1, Ordering::Relaxed);
        stats.total_nanos.fetch_add(nanos, Ordering::Relaxed);
        stats.max_nanos.fetch_max(nanos, Ordering::Relaxed);
        if let Err(err) = &outcome {
            stats.errors.fetch_add(1, Ordering::Relaxed);
            if matches!(err, Error::CapabilityDenied { .. }) {
                stats.denied.fetch_add(1, Ordering::Relaxed);
            }
        }
        outcome
    }
}

/// Family id, display name, description words used by discovery, category.
const FAMILIES: [(&str, &str, &str, &str); 16] = [
    (
        "ui",
        "UI",
        "component state display input buttons forms tabs modals lists",
        "ui",
    ),
    (
        "math",
        "Math",
        "arithmetic statistics calculator equations algebra calculus matrices",
        "math",
    ),
    (
        "system",
        "System",
        "system information time logs alerts notifications clipboard",
        "system",
    ),
    (
        "timer",
        "Timer",
        "timers intervals delays countdown clock",
        "system",
    ),
    (
        "storage",
        "Storage",
        "persistent key value storage save settings data",
        "storage",
    ),
    (
        "filesystem",
        "Filesystem",
        "files folders directories read write search explorer",
        "filesystem",
    ),
    (
        "http",
        "HTTP",
        "web requests fetch download api network",
        "http",
    ),
    (
        "auth",
        "Auth",
        "users accounts login logout passwords tokens",
        "auth",
    ),
    (
        "app",
        "Apps",
        "spawn close focus windows applications",
        "system",
    ),
    (
        "hub",
        "Hub",
        "app store launcher browse installed apps",
        "system",
    ),
    (
        "notes",
        "Notes",
        "notes notebook writing text documents",
        "productivity",
    ),
    (
        "browser",
        "Browser",
        "web browser pages navigate urls history",
        "utilities",
    ),
    (
        "analysis",
        "Analysis",
        "system analysis monitoring dashboard metrics export",
        "system",
    ),
    (
        "random",
        "Random",
        "random dice coin flip password generator uuid shuffle pick lottery",
        "utilities",
    ),
    ("clipboard", "Clipboard", "copy paste clipboard", "system"),
    (
        "notification",
        "Notifications",
        "notifications messages",
        "system",
    ),
];

fn tool_entry(spec: &ToolSpec) -> Value {
    let required: Vec<&str> = spec
        .params
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let parameters: Vec<Value> = spec
        .params
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| {
            properties
                .iter()
                .map(|(name, schema)| {
                    let kind = match schema.get("type") {
                        Some(Value::String(kind)) => kind.clone(),
                        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect::<Vec<_>>().join("|"),
                        _ => "any".to_owned(),
                    };
                    serde_json::json!({
                        "name": name,
                        "type": kind,
                        "description": schema.get("description").and_then(Value::as_str).unwrap_or(""),
                        "required": required.contains(&name.as_str()),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    serde_json::json!({"id": spec.name, "name": spec.name, "description": spec.description, "parameters": parameters})
}

fn execute(
    entry: &Entry,
    cx: &mut ToolCx<'_>,
    args: &Map<String, Value>,
    started: Instant,
) -> Result<Value> {
    let spec = entry.tool.spec();
    validate_args(&spec.name, &spec.params, args)?;
    if !spec.capabilities.is_empty() {
        let held = cx.kernel.capabilities(cx.pid)?;
        if let Some(missing) = spec
            .capabilities
            .iter()
            .find(|kind| !held.allows(**kind, None))
        {
            return Err(Error::CapabilityDenied {
                tool: spec.name.clone(),
                pid: cx.pid,
                capability: *missing,
            });
        }
    }
    let outer = cx.deadline;
    if let Some(timeout) = spec.timeout {
        let own = started + timeout;
        cx.deadline = Some(outer.map_or(own, |outer| outer.min(own)));
    }
    let outcome = entry.tool.call(cx, args);
    cx.deadline = outer;
    outcome
}

/// A registry is the tool catalogue Blueprints are validated against: a binding may name any
/// tool it holds.
impl agentos_blueprint::ToolCatalog for Registry {
    fn has_tool(&self, tool: &str) -> bool {
        self.contains(tool)
    }
}
