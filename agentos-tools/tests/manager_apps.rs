//! The app manager (reference acceptance 8), `app.*`, `hub.*`, the registry and sessions.

mod common;

use std::sync::Arc;

use agentos_tools::{Error, Launch, Lifecycle, Runtime, SavePackage, SaveSession, Window};
use serde_json::json;

const CALC: &str = r#"{"app": {"id": "calc", "name": "Calc", "category": "utilities"}, "ui": {"title": "Calc", "components": [
    {"type": "input", "id": "display", "props": {"value": "0"}},
    {"type": "button", "id": "seven", "props": {"text": "7"}, "on_event": {"click": "ui.append"}}]}}"#;

#[test]
fn spawn_focus_close_children_first_and_stats() {
    let rt = common::runtime();
    let parent = common::launch(&rt, CALC);
    assert_eq!(rt.app_summary(parent).unwrap().lifecycle, Lifecycle::Active);
    let child = common::call(
        &rt,
        parent,
        "app.spawn",
        json!({"blueprint": serde_json::from_str::<serde_json::Value>(CALC).unwrap()}),
    )
    .unwrap()
    .result["app_id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        rt.app_summary(parent).unwrap().lifecycle,
        Lifecycle::Background,
        "spawning pushes the previous app back"
    );
    assert_eq!(rt.app_summary(child).unwrap().parent_id, Some(parent));
    let stats = rt.stats();
    assert_eq!(
        (stats.total_apps, stats.active_apps, stats.background_apps),
        (2, 1, 1)
    );
    rt.focus(parent).unwrap();
    assert_eq!(
        rt.app_summary(child).unwrap().lifecycle,
        Lifecycle::Background
    );
    let grandchild = rt
        .launch_with(
            Arc::new(agentos_blueprint::parse(CALC).into_result().unwrap()),
            Launch {
                parent: Some(child),
                ..Launch::default()
            },
        )
        .unwrap();
    let other = common::launch(&rt, CALC);
    let child_pid = rt.pid(child).unwrap();
    rt.close(parent).unwrap();
    for gone in [parent, child, grandchild] {
        assert!(matches!(rt.app_summary(gone), Err(Error::UnknownApp(_))));
    }
    assert!(
        rt.kernel().process_name(child_pid).is_err(),
        "children's processes end too"
    );
    assert_eq!(rt.focused(), Some(other));
    rt.launch_with(
        Arc::new(agentos_blueprint::parse(CALC).into_result().unwrap()),
        Launch {
            parent: Some(parent),
            ..Launch::default()
        },
    )
    .unwrap_err();
}

#[test]
fn apps_close_and_focus_through_tools() {
    let rt = common::runtime();
    let a = common::launch(&rt, CALC);
    let b = common::launch(&rt, CALC);
    common::call(&rt, b, "app.focus", json!({"app_id": a.to_string()})).unwrap();
    assert_eq!(rt.focused(), Some(a));
    let list = common::call(&rt, a, "app.list", json!({})).unwrap().result;
    assert_eq!(list["stats"]["total_apps"], 2);
    common::call(&rt, a, "app.close", json!({})).unwrap();
    assert_eq!(rt.list().len(), 1, "an app can close itself");
    assert!(
        common::call(&rt, b, "app.focus", json!({"app_id": "nope"}))
            .unwrap_err()
            .to_string()
            .contains("parameter `app_id` is not an app id")
    );
    assert!(
        common::call(&rt, b, "app.spawn", json!({}))
            .unwrap_err()
            .to_string()
            .contains("exactly one of")
    );
    assert!(matches!(
        common::call(&rt, b, "app.spawn", json!({"request": "a timer"})),
        Err(Error::Unavailable { .. })
    ));
    struct Echo;
    impl agentos_tools::Generator for Echo {
        fn generate(&self, request: &str) -> Result<agentos_blueprint::Blueprint, String> {
            agentos_blueprint::parse(&format!(
                r#"{{"app": {{"id": "gen", "name": "{request}"}}, "ui": {{"components": []}}}}"#
            ))
            .into_result()
            .map_err(|e| e.to_string())
        }
    }
    rt.set_generator(Arc::new(Echo));
    let spawned = common::call(&rt, b, "app.spawn", json!({"request": "Timer"}))
        .unwrap()
        .result;
    assert_eq!(spawned["title"], "Timer");
}

#[test]
fn windows_are_kept_and_checked() {
    let rt = common::runtime();
    let app = common::launch(&rt, CALC);
    let window = Window {
        x: 10.0,
        y: 20.0,
        width: 300.0,
        height: 200.0,
        minimized: false,
        maximized: true,
    };
    rt.set_window(app, window).unwrap();
    assert_eq!(rt.app_summary(app).unwrap().window, window);
    assert!(
        rt.set_window(
            app,
            Window {
                width: f64::NAN,
                ..window
            }
        )
        .is_err()
    );
    assert!(
        rt.set_window(
            app,
            Window {
                height: -1.0,
                ..window
            }
        )
        .is_err()
    );
}

#[test]
fn registry_seeds_saves_lists_launches_deletes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("utilities/deep")).unwrap();
    std::fs::write(dir.path().join("utilities/deep/calc.bp"), CALC).unwrap();
    std::fs::write(dir.path().join("utilities/broken.bp"), "{").unwrap();
    std::fs::write(dir.path().join("README.md"), "not an app").unwrap();
    let kernel = agentos_kernel::Kernel::new();
    let rt = Runtime::new(kernel.clone(), agentos_tools::Registry::builtin());
    let report = rt.seed_apps_dir_ambient(dir.path()).unwrap();
    assert_eq!(
        report.added,
        ["calc", "calculator", "settings", "app-launcher"]
    );
    assert_eq!(report.errors.len(), 1);
    assert!(report.errors[0].contains("broken.bp"));
    assert_eq!(rt.packages(Some("utilities")).len(), 1);
    assert_eq!(rt.package_categories()["system"], 2);

    // The built-in calculator works, with the full keypad.
    let calc = rt.launch_package("calculator", Launch::default()).unwrap();
    for key in ["btn-7", "btn-multiply", "btn-6", "btn-equals"] {
        rt.dispatch(calc, &agentos_tools::UiEvent::click(key))
            .unwrap();
    }
    assert_eq!(rt.state(calc).unwrap()["display"], "42");
    assert_eq!(rt.app_metadata(calc).unwrap()["package_id"], "calculator");

    // A user save is never overwritten by seeding, and survives a restart.
    let app = common::launch(&rt, CALC);
    let saved = rt
        .save_package(
            app,
            SavePackage {
                category: Some("mine".into()),
                ..SavePackage::default()
            },
        )
        .unwrap();
    assert!(saved.id.starts_with("calc-2"), "{}", saved.id);
    assert_eq!(rt.package(&saved.id).unwrap().source, "user");
    let rt2 = Runtime::new(kernel, agentos_tools::Registry::builtin());
    let again = rt2.start_registry_ambient(Some(dir.path())).unwrap();
    assert_eq!(rt2.package_stats()["total_packages"], 5);
    assert!(again.added.is_empty(), "{again:?}");
    assert_eq!(rt2.package(&saved.id).unwrap().category, "mine");
    rt2.launch_package(&saved.id, Launch::default()).unwrap();
    rt2.delete_package(&saved.id).unwrap();
    assert!(matches!(
        rt2.package(&saved.id),
        Err(Error::NotFound {
            what: "package",
            ..
        })
    ));
    assert!(matches!(
        rt2.delete_package("missing"),
        Err(Error::NotFound { .. })
    ));
    assert!(rt2.seed_apps_dir_ambient(&dir.path().join("nope")).is_err());
}

#[test]
fn hub_loads_and_launches_packages() {
    let rt = common::runtime();
    rt.seed_packages(&[]);
    let hub = common::launch(
        &rt,
        r#"{"app": {"id": "hub", "name": "Hub"}, "ui": {"lifecycle": {"on_mount": "hub.load_apps"}, "components": []}}"#,
    );
    let state = rt.state(hub).unwrap();
    assert_eq!(state["all-count"], "3 apps available");
    assert_eq!(state["system-count"], "2 apps");
    assert_eq!(state["hub_apps"].as_array().unwrap().len(), 3);
    let launched = common::call(&rt, hub, "hub.launch_app", json!({"app_id": "settings"}))
        .unwrap()
        .result;
    let id = launched["app_id"].as_str().unwrap().parse().unwrap();
    assert_eq!(rt.app_summary(id).unwrap().parent_id, None);
    assert!(matches!(
        common::call(&rt, hub, "hub.launch_app", json!({"app_id": "nope"})),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn sessions_restore_exactly_what_was_saved() {
    let rt = common::runtime();
    let parent = common::launch(&rt, CALC);
    rt.dispatch(parent, &agentos_tools::UiEvent::click("seven"))
        .unwrap();
    let child = rt
        .launch_with(
            Arc::new(agentos_blueprint::parse(CALC).into_result().unwrap()),
            Launch {
                parent: Some(parent),
                ..Launch::default()
            },
        )
        .unwrap();
    common::call(
        &rt,
        child,
        "ui.set",
        json!({"key": "extra", "value": {"deep": [1, 2]}}),
    )
    .unwrap();
    rt.set_window(
        child,
        Window {
            x: 5.0,
            y: 6.0,
            width: 7.0,
            height: 8.0,
            minimized: true,
            maximized: false,
        },
    )
    .unwrap();
    rt.focus(parent).unwrap();
    let before = rt.capture_workspace().unwrap();
    let saved = rt
        .save_session(SaveSession {
            name: "work".into(),
            chat_state: json!({"messages": [{"type": "user", "content": "hi"}]}),
            ..SaveSession::default()
        })
        .unwrap();
    assert_eq!(saved.app_count, 2);
    assert!(saved.id.starts_with("session-"));
    let second = rt
        .save_session(SaveSession {
            name: "again".into(),
            ..SaveSession::default()
        })
        .unwrap();
    assert_ne!(second.id, saved.id);
    assert_eq!(rt.sessions().unwrap().len(), 2);

    rt.close(parent).unwrap();
    common::launch(&rt, CALC);
    let report = rt.restore_session(&saved.id).unwrap();
    assert_eq!(report.chat_state["messages"][0]["content"], "hi");
    let after = rt.capture_workspace().unwrap();
    let apps_before = before["apps"].as_array().unwrap();
    let apps_after = after["apps"].as_array().unwrap();
    assert_eq!(apps_after.len(), 2);
    for (old, new) in apps_before.iter().zip(apps_after) {
        for field in [
            "component_state",
            "window",
            "lifecycle",
            "title",
            "blueprint",
        ] {
            assert_eq!(old[field], new[field], "{field}");
        }
        let mapped_parent = old["parent_id"]
            .as_str()
            .map(|p| report.apps[p].to_string());
        assert_eq!(new["parent_id"].as_str().map(str::to_owned), mapped_parent);
    }
    assert_eq!(
        after["focused_app_id"],
        json!(report.apps[&parent.to_string()].to_string())
    );
    let stats = rt.session_stats().unwrap();
    assert_eq!(stats["total_sessions"], 2);
    assert!(stats["last_saved"].as_u64().is_some() && stats["last_restored"].as_u64().is_some());
    assert_eq!(rt.save_default_session().unwrap().name, "default");
    rt.delete_session(&second.id).unwrap();
    assert!(matches!(
        rt.session(&second.id),
        Err(Error::NotFound {
            what: "session",
            ..
        })
    ));
    assert!(matches!(
        rt.restore_session("session-none"),
        Err(Error::NotFound { .. })
    ));
    assert!(rt.session("../registry/x").is_err());
    assert!(
        rt.save_session(SaveSession::default()).is_err(),
        "a name is required"
    );
}

#[test]
fn nested_app_actions_wait_for_the_outer_call_instead_of_deadlocking() {
    let rt = common::runtime();
    // The parent's click spawns a child whose on_mount closes it again; closing the focused
    // child passes focus back to the parent, whose on_focus hook needs the parent's lock —
    // still held by the click. The close must wait until the click returns.
    let parent = common::launch(
        &rt,
        r#"{"app": {"id": "p", "name": "P"}, "ui": {"lifecycle": {"on_focus": "app.list"}, "components": [
        {"type": "button", "id": "spawn", "on_event": {"click": {"tool": "app.spawn", "args": {"blueprint":
            {"app": {"id": "c", "name": "C"}, "ui": {"lifecycle": {"on_mount": "app.close"}, "components": []}}}}}}
    ]}}"#,
    );
    let patch = rt
        .dispatch(parent, &agentos_tools::UiEvent::click("spawn"))
        .unwrap();
    let child: agentos_tools::AppId = patch.result["app_id"].as_str().unwrap().parse().unwrap();
    assert!(
        matches!(rt.app_summary(child), Err(Error::UnknownApp(_))),
        "the child closed itself"
    );
    assert_eq!(rt.focused(), Some(parent));
    assert_eq!(rt.app_summary(parent).unwrap().lifecycle, Lifecycle::Active);
}
