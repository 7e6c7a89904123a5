//! Namespaces: the program runs as PID 2 of its own PID namespace (behind a small init), sees
//! a fresh /proc, and without the network capability has only a loopback interface.

mod common;

use agentos_kernel::{Layer, SandboxLayers, SandboxPreset};
use common::*;

#[test]
fn program_runs_in_its_own_pid_namespace() {
    let (kernel, root) = kernel();
    let (report, info) = run(
        &kernel,
        root,
        SandboxPreset::Standard.spec(
            "/usr/bin/python3",
            ["-c", "import os; print(os.getpid(), os.getuid())"],
        ),
    );
    if layer_enforced(&report, Layer::Namespaces) {
        assert_eq!(String::from_utf8_lossy(&info.stdout), "2 0\n", "{info:?}");
    }
}

#[test]
fn fresh_proc_and_no_network_interfaces_but_loopback() {
    let (kernel, root) = kernel();
    let mut spec = SandboxPreset::Standard.spec(
        "/bin/sh",
        [
            "-c",
            "ls /proc | grep -c '^[0-9]'; tail -n +3 /proc/net/dev | cut -d: -f1",
        ],
    );
    spec.layers = SandboxLayers {
        landlock: false,
        seccomp: false,
        ..SandboxLayers::all()
    };
    let (report, info) = run(&kernel, root, spec);
    if layer_enforced(&report, Layer::Namespaces) {
        let stdout = String::from_utf8_lossy(&info.stdout);
        let mut lines = stdout.lines();
        let n_pids: u32 = lines.next().unwrap().trim().parse().unwrap();
        assert!(
            n_pids <= 6,
            "the child's /proc shows only its namespace: {stdout}"
        );
        let interfaces: Vec<&str> = lines.map(str::trim).collect();
        assert_eq!(interfaces, vec!["lo"], "{info:?}");
    }
}

#[test]
fn exit_status_is_mirrored_through_the_namespace_keeper() {
    let (kernel, root) = kernel();
    let (_, info) = run(
        &kernel,
        root,
        SandboxPreset::Standard.spec("/bin/sh", ["-c", "exit 42"]),
    );
    assert_eq!(info.code, Some(42));
    let (_, info) = run(
        &kernel,
        root,
        SandboxPreset::Standard.spec("/bin/sh", ["-c", "kill -SEGV $$"]),
    );
    assert_eq!(info.signal, Some(libc::SIGSEGV), "{info:?}");
}

#[test]
fn a_missing_program_fails_the_spawn() {
    let (kernel, root) = kernel();
    let err = kernel
        .spawn_process(
            root,
            SandboxPreset::Standard.spec("/no/such/program", [""; 0]),
        )
        .unwrap_err();
    assert!(err.to_string().contains("/no/such/program"), "{err}");
}

#[test]
fn as_root_the_child_the_kernel_knows_is_the_namespace_init() {
    let (kernel, root) = kernel();
    let spawned = kernel
        .spawn_process(root, SandboxPreset::Standard.spec("/bin/sleep", ["30"]))
        .unwrap();
    if layer_enforced(&spawned.report, Layer::Namespaces) && nix_is_root() {
        // No keeper in between: the leader is PID 1 of the program's namespace.
        let status = std::fs::read_to_string(format!("/proc/{}/status", spawned.os_pid)).unwrap();
        let nspid = status
            .lines()
            .find(|line| line.starts_with("NSpid:"))
            .unwrap();
        assert_eq!(nspid.split_whitespace().last(), Some("1"), "{nspid}");
    }
    let info = kernel.kill_process(root, spawned.pid).unwrap().unwrap();
    assert_eq!(info.signal, Some(9), "{info:?}");
}

fn nix_is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find(|line| line.starts_with("Uid:"))
        .and_then(|line| line.split_whitespace().nth(2).map(|euid| euid == "0"))
        .unwrap_or(false)
}

#[test]
fn children_without_network_share_an_empty_namespace_and_cannot_reach_each_other() {
    let (kernel, root) = kernel();
    // Seccomp off so that the netlink query below may run; every other layer on.
    let mut spec = SandboxPreset::Standard.spec(
        "/usr/bin/python3",
        [
            "-c",
            "import socket; print(' '.join(n for _, n in socket.if_nameindex()))",
        ],
    );
    spec.layers.seccomp = false;
    let (report, info) = run(&kernel, root, spec);
    if !layer_enforced(&report, Layer::Namespaces) {
        return;
    }
    assert_eq!(String::from_utf8_lossy(&info.stdout), "lo\n", "{info:?}");
    if !report.to_string().contains("shared empty namespace") {
        // Not root or no Landlock scopes here: each child got a fresh namespace instead.
        return;
    }
    // Two children in the shared namespace: one listens on an abstract unix socket, the
    // other may not connect to it (Landlock scopes each child's abstract sockets).
    let name = format!("agentos-test-{}", std::process::id());
    let listen = format!(
        "import socket\ns=socket.socket(socket.AF_UNIX)\ns.bind('\\0{name}')\ns.listen()\nprint('ready', flush=True)\ns.accept()"
    );
    let spec = SandboxPreset::Standard.spec("/usr/bin/python3", ["-c", listen.as_str()]);
    let listener = spawn_ready(&kernel, root, spec);
    let connect = format!(
        "import socket\ns=socket.socket(socket.AF_UNIX)\ntry:\n  s.connect('\\0{name}')\n  print('connected')\nexcept OSError as e:\n  print('denied', e.errno)"
    );
    let (_, info) = run(
        &kernel,
        root,
        SandboxPreset::Standard.spec("/usr/bin/python3", ["-c", connect.as_str()]),
    );
    assert!(
        String::from_utf8_lossy(&info.stdout).starts_with("denied"),
        "{info:?}"
    );
    kernel.kill_process(root, listener.pid).unwrap();
}
