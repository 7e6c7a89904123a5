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
    // While the kernel lives, its only children are the sandboxes it keeps ready (the init
    // of each; at most `KernelConfig::ready_sandboxes`, plus one being made) — never a
    // zombie. `wait` returns once a program's tree is gone, and the last child's init may
    // still be tearing its namespaces down until its supervisor reaps it: bounded.
    let ready = agentos_kernel::KernelConfig::default().ready_sandboxes;
    let settled = |limit: usize| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        loop {
            let children = processes(|_, ppid, _| ppid == me);
            let zombies = children
                .iter()
                .filter(|(_, state, ..)| *state == 'Z')
                .count();
            if zombies == 0 && children.len() <= limit {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "children left behind: {children:?}"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    };
    settled(ready + 1);
    assert_eq!(kernel.get_process_list(root).unwrap(), vec![]);
    // Finished children's cgroups are kept for reuse (a few, not one per spawn) while the
    // kernel lives, and all removed with it (folders are named `<kernel pid>-<n>`).
    let prefix = format!("{me}-");
    let ours = |controller: &str| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(format!("/sys/fs/cgroup/{controller}/agentos"))
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
                    .map(|e| e.path())
                    .collect()
            })
            .unwrap_or_default()
    };
    for controller in ["memory", "pids", "cpu"] {
        let kept = ours(controller);
        assert!(
            kept.len() <= 16,
            "{} cgroups kept in {controller}",
            kept.len()
        );
    }
    drop(kernel);
    // With the kernel gone, its ready sandboxes are gone too.
    settled(0);
    // The last supervisor thread may still be handing its cgroup back; it removes it when it
    // finds the kernel gone. Give it a bounded moment.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    for controller in ["memory", "pids", "cpu"] {
        loop {
            let left = ours(controller);
            if left.is_empty() {
                break;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "cgroups left behind in {controller}: {left:?}"
            );
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
}
