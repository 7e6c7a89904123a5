//! Real child processes through the kernel: exec, arguments, environment, exit codes,
//! output capture, timeouts, kill and signals.

use std::time::Duration;

use agentos_kernel::{CapabilitySet, Kernel, Layer, ProcessState, SandboxPreset, SpawnSpec};

fn kernel() -> (Kernel, agentos_kernel::Pid) {
    let kernel = Kernel::new();
    let root = kernel.create_process("root", CapabilitySet::all());
    (kernel, root)
}

#[test]
fn standard_spawn_runs_echo_and_enforces_every_layer_here() {
    let (kernel, root) = kernel();
    let spawned = kernel
        .spawn_process(
            root,
            SandboxPreset::Standard.spec("/bin/echo", ["hello", "$HOME; `x`"]),
        )
        .unwrap();
    let info = kernel.wait_process(root, spawned.pid, None).unwrap();
    assert_eq!(info.code, Some(0), "{info:?}\n{}", spawned.report);
    assert_eq!(info.stdout, b"hello $HOME; `x`\n");
    // Every layer is enforced here (root, Landlock, v1 cgroups); elsewhere the report must
    // say why a layer is not.
    for layer in Layer::ALL {
        match spawned.report.status(layer) {
            Some(agentos_kernel::LayerStatus::Enforced { .. }) => {}
            Some(agentos_kernel::LayerStatus::Unavailable { reason }) => {
                assert!(!reason.is_empty())
            }
            other => panic!("{layer:?}: {other:?}\n{}", spawned.report),
        }
    }
    if nix::unistd::geteuid().is_root() {
        assert!(spawned.report.fully_enforced(), "{}", spawned.report);
    }
    assert_eq!(
        kernel.get_process_state(root, spawned.pid).unwrap(),
        ProcessState::Terminated
    );
}

#[test]
fn environment_is_cleared_and_only_given_vars_are_set() {
    let (kernel, root) = kernel();
    // SAFETY-free: set a variable in the test process that must not leak.
    let mut spec = SandboxPreset::Standard.spec("/usr/bin/env", [""; 0]);
    spec.env = vec![("ONLY".into(), "this".into())];
    let spawned = kernel.spawn_process(root, spec).unwrap();
    let info = spawned.child.wait(None);
    assert_eq!(String::from_utf8_lossy(&info.stdout), "ONLY=this\n");
}

#[test]
fn exit_code_and_stderr_are_reported() {
    let (kernel, root) = kernel();
    let spec = SandboxPreset::Standard.spec("/bin/sh", ["-c", "echo oops >&2; exit 7"]);
    let spawned = kernel.spawn_process(root, spec).unwrap();
    let info = kernel.wait_process(root, spawned.pid, None).unwrap();
    assert_eq!(info.code, Some(7));
    assert_eq!(info.stderr, b"oops\n");
    assert_eq!(info.shell_status(), 7);
    assert_eq!(info.cli_exit_code(), 7);
}

#[test]
fn wait_timeout_kills_the_whole_group() {
    let (kernel, root) = kernel();
    let spec = SandboxPreset::Standard.spec("/bin/sh", ["-c", "sleep 30 & sleep 30"]);
    let spawned = kernel.spawn_process(root, spec).unwrap();
    let info = kernel
        .wait_process(root, spawned.pid, Some(Duration::from_millis(200)))
        .unwrap();
    assert!(info.timed_out);
    assert_eq!(info.signal, Some(libc::SIGKILL));
    assert!(info.duration < Duration::from_secs(5));
}

#[test]
fn send_signal_terminates_with_that_signal() {
    let (kernel, root) = kernel();
    let spawned = kernel
        .spawn_process(root, SandboxPreset::Standard.spec("/bin/sleep", ["30"]))
        .unwrap();
    kernel
        .send_signal(root, spawned.pid, libc::SIGTERM)
        .unwrap();
    let info = kernel.wait_process(root, spawned.pid, None).unwrap();
    assert_eq!(info.signal, Some(libc::SIGTERM), "{info:?}");
}

#[test]
fn output_is_bounded() {
    let (kernel, root) = kernel();
    let mut spec = SandboxPreset::Standard.spec("/usr/bin/head", ["-c", "100000", "/dev/zero"]);
    spec.limits.output_bytes = 1000;
    let spawned = kernel.spawn_process(root, spec).unwrap();
    let info = spawned.child.wait(None);
    assert_eq!(info.stdout.len(), 1000);
    assert_eq!(info.output_dropped, 99_000);
}

#[test]
fn bare_spawn_without_layers_reports_them_disabled() {
    let (kernel, root) = kernel();
    let mut spec = SpawnSpec::new("/bin/true", [""; 0]);
    spec.layers = agentos_kernel::SandboxLayers::none();
    let spawned = kernel.spawn_process(root, spec).unwrap();
    assert!(spawned.report.to_string().contains("landlock    disabled"));
    assert!(spawned.child.wait(None).success());
}

#[test]
fn handles_are_send_and_sync_and_exit_info_explains_itself() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<agentos_kernel::ChildProcess>();
    assert_send_sync::<agentos_kernel::Spawned>();
    let (kernel, root) = kernel();
    let mut spec = SandboxPreset::Standard.spec("/bin/sleep", ["30"]);
    spec.limits.wall_timeout = Some(Duration::from_millis(50));
    let spawned = kernel.spawn_process(root, spec).unwrap();
    let info = spawned.child.wait(None);
    assert_eq!(
        info.to_string(),
        "killed by signal 9 (SIGKILL): the kernel killed it when its time ran out"
    );
    assert_eq!(info.shell_status(), 137);
    assert_eq!(info.cli_exit_code(), agentos_kernel::EXIT_TIMED_OUT);
}

#[test]
fn wall_timeout_holds_after_the_child_closes_its_output() {
    let (kernel, root) = kernel();
    let mut spec = SandboxPreset::Standard.spec("/bin/sh", ["-c", "exec >&- 2>&-; sleep 30"]);
    spec.limits.wall_timeout = Some(Duration::from_millis(100));
    let spawned = kernel.spawn_process(root, spec).unwrap();
    let info = spawned.child.wait(None);
    assert!(info.timed_out, "{info:?}");
    assert!(info.duration < Duration::from_secs(10));
}

#[test]
fn huge_timeouts_mean_no_timeout() {
    let (kernel, root) = kernel();
    let mut spec = SandboxPreset::Standard.spec("/bin/echo", ["ok"]);
    spec.limits.wall_timeout = Some(Duration::MAX);
    let spawned = kernel.spawn_process(root, spec).unwrap();
    let info = kernel
        .wait_process(root, spawned.pid, Some(Duration::MAX))
        .unwrap();
    assert!(info.success() && !info.timed_out, "{info:?}");
}
