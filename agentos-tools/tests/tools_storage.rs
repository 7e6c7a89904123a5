//! `storage.*`, `notes.*`, `filesystem.*` and `auth.*`: through the kernel as the app's PID.

mod common;

use agentos_tools::Error;
use serde_json::json;

#[test]
fn storage_round_trips_complex_values_per_app() {
    let rt = common::runtime();
    let a = common::app_with(&rt, "a", r#"["storage"]"#, "[]");
    let b = common::app_with(&rt, "b", r#"["storage"]"#, "[]");
    let call = |app, tool: &str, args| common::call(&rt, app, tool, args);
    call(
        a,
        "storage.set",
        json!({"key": "prefs", "value": {"theme": "dark", "n": [1, 2]}}),
    )
    .unwrap();
    assert_eq!(
        call(a, "storage.get", json!({"key": "prefs"}))
            .unwrap()
            .result["value"],
        json!({"theme": "dark", "n": [1, 2]})
    );
    assert_eq!(
        call(b, "storage.get", json!({"key": "prefs"}))
            .unwrap()
            .result["value"],
        json!(null),
        "apps do not share keys"
    );
    call(a, "storage.set", json!({"key": "other", "value": 1})).unwrap();
    assert_eq!(
        call(a, "storage.list", json!({})).unwrap().result["keys"],
        json!(["other", "prefs"])
    );
    assert_eq!(
        call(a, "storage.remove", json!({"key": "other"}))
            .unwrap()
            .result["deleted"],
        true
    );
    assert_eq!(
        call(a, "storage.remove", json!({"key": "other"}))
            .unwrap()
            .result["deleted"],
        false
    );
    assert_eq!(
        call(a, "storage.clear", json!({})).unwrap().result["count"],
        1
    );
    for bad in ["", "../x", ".hidden", "a/b", &"k".repeat(200)] {
        let err = call(a, "storage.set", json!({"key": bad, "value": 1})).unwrap_err();
        assert!(
            matches!(err, Error::InvalidParam { ref param, .. } if param == "key"),
            "{bad:?}: {err}"
        );
    }
    assert!(
        call(a, "storage.get", json!({}))
            .unwrap_err()
            .to_string()
            .contains("parameter `key` is required")
    );
    // A relaunch of the same Blueprint sees the same data directory.
    call(a, "storage.set", json!({"key": "kept", "value": true})).unwrap();
    rt.close(a).unwrap();
    let again = common::app_with(&rt, "a", r#"["storage"]"#, "[]");
    assert_eq!(
        call(again, "storage.get", json!({"key": "kept"}))
            .unwrap()
            .result["value"],
        true
    );
}

#[test]
fn notes_create_save_load_list_delete() {
    let rt = common::runtime();
    let app = common::app_with(
        &rt,
        "notes",
        r#"[{"storage": ["get", "set", "list", "remove"]}]"#,
        "[]",
    );
    let call = |tool: &str, args| common::call(&rt, app, tool, args);
    let note = call("notes.create", json!({"title": "First"}))
        .unwrap()
        .result;
    let id = note["id"].as_str().unwrap().to_owned();
    call(
        "ui.set",
        json!({"key": "note-content", "value": "body text"}),
    )
    .unwrap();
    let saved = call("notes.save", json!({})).unwrap();
    assert_eq!(saved.result["content"], "body text");
    call("notes.create", json!({"title": "Second", "content": "2"})).unwrap();
    let loaded = call("notes.load", json!({"id": id})).unwrap();
    assert_eq!(loaded.changes["note-title"], "First");
    assert_eq!(loaded.changes["note-content"], "body text");
    assert_eq!(call("notes.list", json!({})).unwrap().result["count"], 2);
    call("notes.delete", json!({})).unwrap();
    assert_eq!(rt.state(app).unwrap()["current_note"], json!(null));
    assert_eq!(
        call("notes.list", json!({})).unwrap().result["notes"][0]["title"],
        "Second"
    );
    assert!(
        call("notes.load", json!({"id": "../../etc"}))
            .unwrap_err()
            .to_string()
            .contains("parameter `id`")
    );
    assert!(matches!(
        call("notes.load", json!({"id": "note-missing"})),
        Err(Error::Kernel(agentos_kernel::Error::NotFound(_)))
    ));
}

#[test]
fn filesystem_tools_act_as_the_app_pid() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "fx", r#"[{"filesystem": "*"}]"#, "[]");
    let call = |tool: &str, args| common::call(&rt, app, tool, args);
    call("filesystem.mkdir", json!({"path": "docs/sub"})).unwrap();
    call(
        "filesystem.write",
        json!({"path": "docs/a.txt", "content": "alpha\nBeta gamma\n"}),
    )
    .unwrap();
    call(
        "filesystem.append",
        json!({"path": "docs/a.txt", "content": "delta beta\n"}),
    )
    .unwrap();
    call(
        "filesystem.create",
        json!({"path": "docs/sub/b.md", "content": "beta in b"}),
    )
    .unwrap();
    assert!(matches!(
        call("filesystem.create", json!({"path": "docs/sub/b.md"})),
        Err(Error::Kernel(agentos_kernel::Error::AlreadyExists(_)))
    ));
    let read = call("filesystem.read", json!({"path": "docs/a.txt"}))
        .unwrap()
        .result;
    assert_eq!(read["content"], "alpha\nBeta gamma\ndelta beta\n");
    let stat = call("filesystem.stat", json!({"path": "docs/a.txt"}))
        .unwrap()
        .result;
    assert_eq!(
        (
            stat["size"].as_u64(),
            stat["extension"].as_str(),
            stat["is_dir"].as_bool()
        ),
        (Some(28), Some("txt"), Some(false))
    );
    let listing = call("filesystem.list", json!({"path": "docs"}))
        .unwrap()
        .result;
    assert_eq!(
        listing["files"],
        json!([{"name": "a.txt", "is_dir": false, "type": "file"}, {"name": "sub", "is_dir": true, "type": "directory"}])
    );
    let found = call(
        "filesystem.find",
        json!({"path": "docs", "pattern": "*.md"}),
    )
    .unwrap()
    .result;
    assert_eq!(found["matches"], json!(["/system/data/fx/docs/sub/b.md"]));
    let hits = call(
        "filesystem.search_content",
        json!({"path": "docs", "query": "beta"}),
    )
    .unwrap()
    .result;
    assert_eq!(hits["count"], 3);
    let exact = call(
        "filesystem.search_content",
        json!({"path": "docs", "query": "Beta", "case_sensitive": true}),
    )
    .unwrap()
    .result;
    assert_eq!(
        exact["matches"],
        json!([{"path": "/system/data/fx/docs/a.txt", "line": 2, "text": "Beta gamma"}])
    );
    let tree = call("filesystem.tree", json!({"path": "docs"}))
        .unwrap()
        .result;
    assert_eq!(tree["children"][1]["children"][0]["name"], "b.md");
    call("filesystem.copy", json!({"from": "docs", "to": "copy"})).unwrap();
    call(
        "filesystem.move",
        json!({"source": "copy/a.txt", "destination": "moved.txt"}),
    )
    .unwrap();
    assert_eq!(
        call("filesystem.exists", json!({"path": "copy/a.txt"}))
            .unwrap()
            .result["exists"],
        false
    );
    assert_eq!(
        call("filesystem.exists", json!({"path": "moved.txt"}))
            .unwrap()
            .result["exists"],
        true
    );
    assert!(matches!(
        call("filesystem.delete", json!({"path": "docs"})),
        Err(Error::Kernel(agentos_kernel::Error::DirectoryNotEmpty(_)))
    ));
    call(
        "filesystem.delete",
        json!({"path": "docs", "recursive": true}),
    )
    .unwrap();
    // Outside the app's scope: denied by its capabilities, however the path is spelled.
    for path in [
        "/etc/passwd",
        "../other/x",
        "/system/registry/calculator.json",
    ] {
        let err = call("filesystem.read", json!({"path": path})).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Kernel(agentos_kernel::Error::PermissionDenied { .. })
            ),
            "{path}: {err}"
        );
    }
    assert!(
        call("filesystem.read", json!({"path": 5}))
            .unwrap_err()
            .to_string()
            .contains("parameter `path` must be of type string")
    );
    assert!(
        call("filesystem.move", json!({"from": "a"}))
            .unwrap_err()
            .to_string()
            .contains("parameter `to` is required")
    );
    let readonly = common::app_with(
        &rt,
        "ro",
        r#"[{"filesystem": {"root": "/home", "readonly": true}}]"#,
        "[]",
    );
    let err = common::call(
        &rt,
        readonly,
        "filesystem.write",
        json!({"path": "/home/x", "content": "x"}),
    )
    .unwrap_err();
    assert!(matches!(err, Error::CapabilityDenied { .. }), "{err}");
}

#[test]
fn auth_register_login_verify_logout_persisted() {
    let kernel = agentos_kernel::Kernel::new();
    let rt = agentos_tools::Runtime::new(kernel.clone(), agentos_tools::Registry::builtin());
    let app = common::app_with(&rt, "auth", r#"["auth"]"#, "[]");
    let call =
        |rt: &agentos_tools::Runtime, app, tool: &str, args| common::call(rt, app, tool, args);
    let user = call(
        &rt,
        app,
        "auth.register",
        json!({"username": "ada", "password": "correct horse", "email": "ada@x.org"}),
    )
    .unwrap()
    .result;
    assert_eq!(user["username"], "ada");
    let dup = call(
        &rt,
        app,
        "auth.register",
        json!({"username": "ada", "password": "another pass"}),
    )
    .unwrap_err();
    assert_eq!(
        dup.to_string(),
        "tool `auth.register`: username already exists"
    );
    for (args, param) in [
        (json!({"username": "a", "password": "12345678"}), "username"),
        (json!({"username": "bob", "password": "short"}), "password"),
        (
            json!({"username": "bob", "password": "12345678", "email": "nope"}),
            "email",
        ),
    ] {
        let err = call(&rt, app, "auth.register", args).unwrap_err();
        assert!(
            matches!(err, Error::InvalidParam { param: ref p, .. } if p == param),
            "{err}"
        );
    }
    let wrong = call(
        &rt,
        app,
        "auth.login",
        json!({"username": "ada", "password": "wrong password"}),
    )
    .unwrap_err();
    assert_eq!(wrong.to_string(), "tool `auth.login`: invalid credentials");
    let login = call(
        &rt,
        app,
        "auth.login",
        json!({"username": "ada", "password": "correct horse"}),
    )
    .unwrap()
    .result;
    let token = login["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 64);
    // A new runtime on the same kernel sees the persisted user and token.
    let rt2 = agentos_tools::Runtime::new(kernel, agentos_tools::Registry::builtin());
    let app2 = common::app_with(&rt2, "auth", r#"["auth"]"#, "[]");
    assert_eq!(
        call(&rt2, app2, "auth.verify", json!({"token": token}))
            .unwrap()
            .result["valid"],
        true
    );
    assert_eq!(
        call(&rt2, app2, "auth.getUser", json!({"token": token}))
            .unwrap()
            .result["email"],
        "ada@x.org"
    );
    assert_eq!(
        call(&rt2, app2, "auth.logout", json!({"token": token}))
            .unwrap()
            .result["logged_out"],
        true
    );
    assert_eq!(
        call(&rt2, app2, "auth.verify", json!({"token": token}))
            .unwrap()
            .result,
        json!({"valid": false})
    );
    assert!(call(&rt2, app2, "auth.getUser", json!({"token": token})).is_err());
    assert!(
        call(&rt2, app2, "auth.verify", json!({}))
            .unwrap_err()
            .to_string()
            .contains("parameter `token` is required")
    );
}

#[test]
fn auth_tokens_expire() {
    let config = agentos_tools::RuntimeConfig {
        token_ttl_secs: 0,
        ..Default::default()
    };
    let rt = agentos_tools::Runtime::with_config(
        agentos_kernel::Kernel::new(),
        agentos_tools::Registry::builtin(),
        config,
    );
    let app = common::app_with(&rt, "auth", "[]", "[]");
    common::call(
        &rt,
        app,
        "auth.register",
        json!({"username": "ada", "password": "correct horse"}),
    )
    .unwrap();
    let token = common::call(
        &rt,
        app,
        "auth.login",
        json!({"username": "ada", "password": "correct horse"}),
    )
    .unwrap()
    .result["token"]
        .clone();
    assert_eq!(
        common::call(&rt, app, "auth.verify", json!({"token": token}))
            .unwrap()
            .result,
        json!({"valid": false}),
        "an expired token is pruned"
    );
}

#[test]
fn runtime_services_fail_cleanly_without_a_runtime() {
    let kernel = agentos_kernel::Kernel::new();
    let pid = kernel.create_process("bare", agentos_kernel::CapabilitySet::all());
    let mut state = agentos_tools::State::default();
    let mut cx = agentos_tools::ToolCx::new(agentos_tools::AppId::new(), pid, &kernel, &mut state);
    let args = json!({"key": "k", "value": 1});
    let err = agentos_tools::Registry::builtin()
        .call("storage.set", &mut cx, args.as_object().unwrap())
        .unwrap_err();
    assert!(
        matches!(err, Error::Unavailable { ref tool, .. } if tool == "storage.set"),
        "{err}"
    );
}

#[test]
fn io_tools_stop_at_the_call_deadline() {
    let kernel = agentos_kernel::Kernel::new();
    let pid = kernel.create_process("bare", agentos_kernel::CapabilitySet::all());
    let registry = agentos_tools::Registry::builtin();
    let mut state = agentos_tools::State::default();
    let mut cx = agentos_tools::ToolCx::new(agentos_tools::AppId::new(), pid, &kernel, &mut state);
    let mkdir = json!({"path": "/walk/a/b"});
    registry
        .call("filesystem.mkdir", &mut cx, mkdir.as_object().unwrap())
        .unwrap();
    assert_eq!(
        registry.get("filesystem.find").unwrap().spec().timeout,
        Some(std::time::Duration::from_secs(5))
    );
    // An outer deadline already past: the walk gives up at its first step.
    cx.deadline = Some(std::time::Instant::now());
    let find = json!({"path": "/walk", "pattern": "*"});
    let err = registry
        .call("filesystem.find", &mut cx, find.as_object().unwrap())
        .unwrap_err();
    assert!(
        matches!(err, Error::Timeout { ref tool } if tool == "filesystem.find"),
        "{err}"
    );
    cx.deadline = None;
    assert_eq!(
        registry
            .call("filesystem.find", &mut cx, find.as_object().unwrap())
            .unwrap()["count"],
        2
    );
}
