//! App PIDs run under a kernel `SandboxPolicy`: their allowed paths are their data directory
//! (or a shared root), the runtime's own files are blocked for every app, and a denial is the
//! kernel's `PermissionDenied` naming the PID, the capability and the normalised path.

mod common;

use std::sync::Arc;

use agentos_kernel::{
    CapabilityKind, Error as KernelError, Kernel, LocalFs, VfsPath, ambient_authority,
};
use agentos_tools::{Error, Registry, Runtime, SaveSession};
use serde_json::json;

fn denied(err: Error) -> (agentos_kernel::Pid, CapabilityKind, String) {
    match err {
        Error::Kernel(KernelError::PermissionDenied {
            pid,
            capability,
            path,
        }) => (pid, capability, path),
        other => panic!("expected the kernel's PermissionDenied, got {other}"),
    }
}

#[test]
fn an_app_reaches_its_data_directory_and_nothing_else() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "keeper", r#"["storage", "filesystem"]"#, "[]");
    let pid = rt.pid(app).unwrap();
    let policy = rt.kernel().sandbox(pid).unwrap();
    assert_eq!(
        policy.allowed_paths,
        vec![VfsPath::new("/system/data/keeper")]
    );
    common::call(
        &rt,
        app,
        "filesystem.write",
        json!({"path": "a.txt", "content": "x"}),
    )
    .unwrap();
    common::call(&rt, app, "storage.set", json!({"key": "k", "value": 1})).unwrap();

    // A neighbour's directory exists, but the kernel refuses it, after normalising `..`.
    let other = common::app_with(&rt, "other", r#"["storage"]"#, "[]");
    common::call(&rt, other, "storage.set", json!({"key": "k", "value": 2})).unwrap();
    let err = common::call(
        &rt,
        app,
        "filesystem.read",
        json!({"path": "../other/storage/k.json"}),
    )
    .unwrap_err();
    assert_eq!(
        denied(err),
        (
            pid,
            CapabilityKind::ReadFile,
            "/system/data/other/storage/k.json".to_owned()
        )
    );
    let err = common::call(
        &rt,
        app,
        "filesystem.write",
        json!({"path": "/tmp/x", "content": "x"}),
    )
    .unwrap_err();
    assert_eq!(
        denied(err),
        (pid, CapabilityKind::WriteFile, "/tmp/x".to_owned())
    );
}

#[test]
fn an_app_without_file_capabilities_has_no_path() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "calc", "[]", "[]");
    let policy = rt.kernel().sandbox(rt.pid(app).unwrap()).unwrap();
    assert!(policy.allowed_paths.is_empty());
    assert!(policy.blocked_paths.is_empty(), "nothing to block");
    assert!(policy.capabilities.is_empty());
}

#[test]
fn even_a_privileged_app_cannot_reach_the_runtime_files() {
    let rt = common::runtime();
    let user = common::app_with(&rt, "u", r#"["auth"]"#, "[]");
    common::call(
        &rt,
        user,
        "auth.register",
        json!({"username": "ada", "password": "correct horse battery"}),
    )
    .unwrap();
    let root = common::app_with(&rt, "root", r#"["filesystem"]"#, r#"["PRIVILEGED"]"#);
    let pid = rt.pid(root).unwrap();
    assert_eq!(
        rt.kernel().sandbox(pid).unwrap().blocked_paths,
        ["/system/users", "/system/registry", "/system/sessions"].map(VfsPath::new)
    );
    // Anywhere else is fine for a privileged app.
    common::call(
        &rt,
        root,
        "filesystem.write",
        json!({"path": "/tmp/ok.txt", "content": "ok"}),
    )
    .unwrap();
    let listing = common::call(&rt, root, "filesystem.list", json!({"path": "/system"}))
        .unwrap()
        .result;
    assert!(listing["count"].as_u64().unwrap() >= 1, "{listing}");
    for (path, capability) in [
        ("/system/users", CapabilityKind::ListDirectory),
        ("/system/users/ada.json", CapabilityKind::ReadFile),
        ("/system/registry/calculator.json", CapabilityKind::ReadFile),
        (
            "/system/sessions/../users/ada.json",
            CapabilityKind::ReadFile,
        ),
    ] {
        let tool = if capability == CapabilityKind::ListDirectory {
            "filesystem.list"
        } else {
            "filesystem.read"
        };
        let err = common::call(&rt, root, tool, json!({"path": path})).unwrap_err();
        assert_eq!(
            denied(err),
            (pid, capability, VfsPath::new(path).to_string()),
            "{path}"
        );
    }
    let err = common::call(
        &rt,
        root,
        "filesystem.delete",
        json!({"path": "/system/sessions", "recursive": true}),
    )
    .unwrap_err();
    assert_eq!(
        denied(err).1,
        CapabilityKind::DeleteFile,
        "the sessions directory cannot be deleted by an app"
    );
}

#[test]
fn registry_and_sessions_live_on_a_mounted_local_fs() {
    let dir = tempfile::tempdir().unwrap();
    let mount = |kernel: &Kernel| {
        let local = LocalFs::open_ambient(
            dir.path(),
            agentos_kernel::LocalFsOptions::default(),
            ambient_authority(),
        )
        .unwrap();
        kernel.mount("/system", Arc::new(local)).unwrap();
    };
    let kernel = Kernel::new();
    mount(&kernel);
    let rt = Runtime::new(kernel, Registry::builtin());
    let runtime_pid = rt
        .kernel()
        .pids()
        .into_iter()
        .find(|pid| rt.kernel().process_name(*pid).unwrap() == "agentos-runtime")
        .unwrap();
    assert_eq!(
        rt.kernel().sandbox(runtime_pid).unwrap().allowed_paths,
        vec![VfsPath::new("/system")]
    );
    rt.start_registry_ambient(None).unwrap();
    let app = common::app_with(&rt, "pad", r#"["storage"]"#, "[]");
    common::call(
        &rt,
        app,
        "storage.set",
        json!({"key": "draft", "value": "hello"}),
    )
    .unwrap();
    let saved = rt
        .save_session(SaveSession {
            name: "work".to_owned(),
            ..SaveSession::default()
        })
        .unwrap();
    // Real files on the host, written through the kernel.
    let on_disk = std::fs::read(dir.path().join(format!("sessions/{}.json", saved.id))).unwrap();
    let value: serde_json::Value = serde_json::from_slice(&on_disk).unwrap();
    assert_eq!(value["name"], "work");
    assert!(dir.path().join("registry/calculator.json").is_file());
    assert!(dir.path().join("data/pad/storage/draft.json").is_file());
    for entry in std::fs::read_dir(dir.path().join("sessions")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        assert!(name.ends_with(".json"), "no temporary left: {name}");
    }

    // A new kernel on the same directory sees everything.
    let kernel = Kernel::new();
    mount(&kernel);
    let rt2 = Runtime::new(kernel, Registry::builtin());
    assert!(rt2.load_packages().unwrap() >= 3);
    assert_eq!(rt2.session(&saved.id).unwrap(), value);
    let report = rt2.restore_session(&saved.id).unwrap();
    let restored = report.focused_app_id.unwrap();
    let got = common::call(&rt2, restored, "storage.get", json!({"key": "draft"}))
        .unwrap()
        .result;
    assert_eq!(got["value"], "hello", "{got}");
}
