//! A ready sandbox that died while idle is replaced by the ordinary spawn. (Alone in its
//! binary: it kills the test process's idle sandbox inits, its only children.)

mod common;

use agentos_kernel::{CapabilitySet, Kernel, SandboxPreset};
use common::*;

#[test]
fn a_ready_sandbox_that_died_is_replaced_by_an_ordinary_spawn() {
    let kernel = Kernel::new();
    let root = kernel.create_process("root", CapabilitySet::all());
    let spec = SandboxPreset::Standard.spec("/bin/echo", ["still", "works"]);
    let ready = kernel.warm_up_sandbox(root, &spec).unwrap();
    let me = std::process::id();
    // The ready sandboxes' inits are this process's only children now.
    let inits = live_processes(|_, ppid, _| ppid == me);
    assert_eq!(inits.len(), ready, "{inits:?}");
    for (pid, ..) in &inits {
        let pid = nix::unistd::Pid::from_raw(*pid as i32);
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGKILL).unwrap();
    }
    // An init turns zombie once its whole namespace is gone (nothing to await: the kernel
    // reaps it only when it next looks at its ready sandboxes). Bounded.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while !live_processes(|_, ppid, _| ppid == me).is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the inits did not die"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let (_, info) = run(&kernel, root, spec.clone());
    assert_eq!(info.stdout, b"still works\n", "{info:?}");
    let (_, info) = run(&kernel, root, spec);
    assert_eq!(info.stdout, b"still works\n", "{info:?}");
}
