//! No zombie, no stray child and no cgroup is left after 1,000 sandboxed spawns. (Alone in
//! its binary, so no other test's children are alive while it looks.)

mod common;

use agentos_kernel::SandboxPreset;
use common::*;

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
    // Every child's cgroup is gone too (folders are named `<kernel pid>-<n>`).
    let prefix = format!("{me}-");
    for controller in ["memory", "pids", "cpu"] {
        let Ok(entries) = std::fs::read_dir(format!("/sys/fs/cgroup/{controller}/agentos")) else {
            continue;
        };
        let left: Vec<_> = entries
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
            .collect();
        assert!(
            left.is_empty(),
            "cgroups left behind in {controller}: {left:?}"
        );
    }
    assert_eq!(kernel.get_process_list(root).unwrap(), vec![]);
}
