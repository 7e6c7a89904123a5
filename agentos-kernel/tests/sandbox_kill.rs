//! A process that ignores SIGTERM is still gone after kill; dropping the kernel kills its
//! children; no zombie is left after 1,000 spawns.

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
fn no_zombie_after_a_thousand_spawns() {
    let (kernel, root) = kernel();
    for _ in 0..1000 {
        let spawned = kernel
            .spawn_process(root, SandboxPreset::Standard.spec("/bin/true", [""; 0]))
            .unwrap();
        assert!(
            kernel
                .wait_process(root, spawned.pid, None)
                .unwrap()
                .success()
        );
        kernel.reap_process(root, spawned.pid).unwrap();
    }
    let me = std::process::id();
    let leftovers = processes(|_, ppid, _| ppid == me);
    assert!(leftovers.is_empty(), "children left behind: {leftovers:?}");
    assert_eq!(kernel.get_process_list(root).unwrap(), vec![]);
}
