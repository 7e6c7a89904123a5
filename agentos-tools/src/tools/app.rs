//! `app.*` (spawn from a request, a registry id or a Blueprint; close; focus; list) and
//! `hub.*` (load_apps, launch_app). Spawned apps are children of the caller; closing and
//! focusing run after the calling tool returns, so an app may close or refocus itself.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::{add, object};
use crate::{
    error::{Error, Result},
    packages::parse_blueprint_value,
    registry::Registry,
    runtime::{AppId, Launch},
    tool::{Deferred, ToolCx, ToolSpec, invalid, opt_str, req_str},
};

pub(crate) fn register(registry: &mut Registry) {
    add(
        registry,
        ToolSpec::new(
            "app.spawn",
            "Opens a child app from `request` (words, through the attached generator), `package_id` (the registry) or `blueprint` (a Blueprint object).",
            object(
                json!({"request": {"type": "string", "maxLength": 16384}, "package_id": {"type": "string"}, "blueprint": {"type": "object"}}),
                &[],
            ),
        ),
        spawn,
    );
    add(
        registry,
        ToolSpec::new(
            "app.close",
            "Closes app `app_id` (default: the caller) and its children.",
            object(json!({"app_id": {"type": "string"}}), &[]),
        ),
        close,
    );
    add(
        registry,
        ToolSpec::new(
            "app.focus",
            "Focuses app `app_id`.",
            object(json!({"app_id": {"type": "string"}}), &["app_id"]),
        ),
        focus,
    );
    add(
        registry,
        ToolSpec::new(
            "app.list",
            "Every running app and the manager's counts.",
            json!({"type": "object"}),
        ),
        list,
    );
    add(
        registry,
        ToolSpec::new(
            "hub.load_apps",
            "Loads the registry's packages (optionally of `category`) into state `hub_apps`, `hub_stats` and the `*-count` labels.",
            object(json!({"category": {"type": "string"}}), &[]),
        ),
        load_apps,
    );
    add(
        registry,
        ToolSpec::new(
            "hub.launch_app",
            "Launches registry package `app_id` (or the event's `value`) as a new top-level app.",
            object(json!({"app_id": {"type": "string"}, "value": {}}), &[]),
        ),
        launch_app,
    );
}

fn app_id(tool: &str, text: &str) -> Result<AppId> {
    text.parse()
        .map_err(|_| invalid(tool, "app_id", format!("is not an app id: {text:?}")))
}

fn spawn(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let runtime = cx.runtime("app.spawn")?;
    let parent = Launch {
        parent: Some(cx.app_id),
        metadata: Map::new(),
    };
    let new_id = match (
        opt_str(args, "package_id"),
        args.get("blueprint"),
        opt_str(args, "request"),
    ) {
        (Some(id), None, None) => runtime.launch_package(id, parent)?,
        (None, Some(blueprint), None) => {
            let blueprint = parse_blueprint_value(blueprint)
                .map_err(|err| invalid("app.spawn", "blueprint", err.to_string()))?;
            runtime.launch_with(Arc::new(blueprint), parent)?
        }
        (None, None, Some(request)) => {
            let generator =
                runtime
                    .inner
                    .generator
                    .read()
                    .clone()
                    .ok_or_else(|| Error::Unavailable {
                        tool: "app.spawn".to_owned(),
                        reason: "no generator is attached for requests in words".to_owned(),
                    })?;
            let blueprint = generator
                .generate(request)
                .map_err(|reason| Error::Failed {
                    tool: "app.spawn".to_owned(),
                    reason,
                })?;
            let mut launch = parent;
            launch
                .metadata
                .insert("request".to_owned(), Value::String(request.to_owned()));
            runtime.launch_with(Arc::new(blueprint), launch)?
        }
        _ => {
            return Err(invalid(
                "app.spawn",
                "request",
                "exactly one of `request`, `package_id` or `blueprint` is required",
            ));
        }
    };
    let summary = runtime.app_summary(new_id)?;
    Ok(json!({"app_id": new_id, "title": summary.title, "parent_id": cx.app_id}))
}

fn close(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let target = match opt_str(args, "app_id") {
        Some(text) => app_id("app.close", text)?,
        None => cx.app_id,
    };
    cx.runtime("app.close")?.app_summary(target)?;
    cx.deferred.push(Deferred::Close(target));
    Ok(json!({"closing": target}))
}

fn focus(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let target = app_id("app.focus", req_str("app.focus", args, "app_id")?)?;
    cx.runtime("app.focus")?.app_summary(target)?;
    cx.deferred.push(Deferred::Focus(target));
    Ok(json!({"focusing": target}))
}

fn list(cx: &mut ToolCx<'_>, _args: &Map<String, Value>) -> Result<Value> {
    let runtime = cx.runtime("app.list")?;
    Ok(json!({"apps": runtime.list(), "stats": runtime.stats()}))
}

fn load_apps(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let runtime = cx.runtime("hub.load_apps")?;
    let apps = runtime.packages(opt_str(args, "category"));
    let categories = runtime.package_categories();
    let total: usize = categories.values().sum();
    cx.state.set(
        "hub_apps",
        serde_json::to_value(&apps).unwrap_or(Value::Null),
    );
    cx.state.set(
        "hub_stats",
        json!({"total_packages": total, "categories": categories}),
    );
    cx.state.set(
        "all-count",
        Value::String(format!("{total} apps available")),
    );
    for (category, count) in &categories {
        cx.state.set(
            &format!("{category}-count"),
            Value::String(format!("{count} apps")),
        );
    }
    Ok(json!({"apps": apps, "count": apps.len()}))
}

fn launch_app(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let id = opt_str(args, "app_id")
        .or_else(|| opt_str(args, "value"))
        .ok_or_else(|| invalid("hub.launch_app", "app_id", "is required"))?;
    let runtime = cx.runtime("hub.launch_app")?;
    let new_id = runtime.launch_package(id, Launch::default())?;
    Ok(json!({"app_id": new_id, "package_id": id}))
}
