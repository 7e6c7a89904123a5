//! A process that ignores SIGTERM is still gone after kill; dropping the kernel kills its
//! children; a sandboxed child cannot signal processes outside its sandbox.

mod common;

use std::time::Duration;

use agentos_kernel::{OutputStream, ProcessState, SandboxPreset};
use common::*;

#[test]
fn a_process_ignoring_sigterm_is_gone_after_kill() {
    let (kernel, root) = kernel();
    let mut spec = SandboxPreset::Standard.spec(
        "/bin/sh",
        ["-c", "trap '' TERM; echo ready; while :; do sleep 1; done"],
    );
    spec.stream_output = true;
    let spawned = kernel.spawn_process(root, spec).unwrap();
    let stream = spawned.child.output_stream().unwrap();
    let first = stream.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(
        (first.stream, first.data.as_slice()),
        (OutputStream::Stdout, &b"ready\n"[..])
    );
    kernel
        .send_signal(root, spawned.pid, libc::SIGTERM)
        .unwrap();
    assert!(!spawned.child.has_exited() || spawned.child.wait(None).signal != Some(libc::SIGTERM));
    let info = kernel.kill_process(root, spawned.pid).unwrap().unwrap();
    assert_eq!(info.signal, Some(libc::SIGKILL), "{info:?}");
    assert!(info.killed);
    assert!(group_is_gone(spawned.os_pid));
    assert_eq!(
        kernel.get_process_state(root, spawned.pid).unwrap(),
        ProcessState::Terminated
    );
}

#[test]
fn dropping_the_kernel_kills_the_whole_group() {
    let (kernel, root) = kernel();
    let mut spec = SandboxPreset::Standard.spec(
        "/bin/sh",
        ["-c", "sleep 60 & sleep 60 & echo started; wait"],
    );
    spec.stream_output = true;
    let spawned = kernel.spawn_process(root, spec).unwrap();
    let stream = spawned.child.output_stream().unwrap();
    assert_eq!(
        stream.recv_timeout(Duration::from_secs(10)).unwrap().data,
        b"started\n"
    );
    let os_pid = spawned.os_pid;
    let child = spawned.child.clone();
    drop(spawned);
    drop(kernel);
    // The handle we kept does not keep the child alive once its kernel is gone.
    let info = child.wait(None);
    assert_eq!(info.signal, Some(libc::SIGKILL), "{info:?}");
    assert!(info.killed);
    // The stream ends only when every process holding the output pipe is gone.
    assert!(stream.recv_timeout(Duration::from_secs(10)).is_err());
    assert!(group_is_gone(os_pid));
}

#[test]
fn a_sandboxed_child_cannot_signal_processes_outside_its_sandbox() {
    let (kernel, root) = kernel();
    let mut outsider = std::process::Command::new("/bin/sleep")
        .arg("30")
        .spawn()
        .unwrap();
    // No namespaces, so the outsider's pid is visible: only Landlock's signal scope stops it.
    let mut spec = SandboxPreset::Standard.spec(
        "/bin/sh",
        [
            "-c".to_owned(),
            format!("kill -TERM {}; echo $?", outsider.id()),
        ],
    );
    spec.layers.namespaces = false;
    let (report, info) = run(&kernel, root, spec);
    let scoped = report.to_string().contains("no signals");
    let alive = outsider.try_wait().unwrap().is_none();
    outsider.kill().unwrap();
    outsider.wait().unwrap();
    if scoped {
        assert!(alive, "the outsider was killed: {info:?}");
        assert_eq!(
            String::from_utf8_lossy(&info.stdout).trim(),
            "1",
            "{info:?}"
        );
    }
}

#[test]
fn a_background_child_is_gone_when_wait_returns() {
    let (kernel, root) = kernel();
    // `setsid` takes the sleeper out of the program's process group: only the PID namespace
    // (its init kills the rest before reporting) or the cgroup can still catch it.
    let spec = SandboxPreset::Standard.spec(
        "/bin/sh",
        [
            "-c",
            "setsid /bin/sleep 61.4242 </dev/null >/dev/null 2>&1 & exit 3",
        ],
    );
    let spawned = kernel.spawn_process(root, spec).unwrap();
    let info = kernel.wait_process(root, spawned.pid, None).unwrap();
    assert_eq!(info.code, Some(3), "{info:?}");
    let sleepers: Vec<u32> = live_processes(|_, _, _| true)
        .into_iter()
        .map(|(pid, ..)| pid)
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .is_ok_and(|cmdline| cmdline.ends_with(b"61.4242\0"))
        })
        .collect();
    assert!(sleepers.is_empty(), "still running: {sleepers:?}");
    assert!(program_tree_is_gone(spawned.os_pid));
}
