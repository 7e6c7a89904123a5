//! Supervisor threads are reused: many children one after another leave a few idle threads,
//! not one per child, and each child's output still reaches its own handle. (Alone in its
//! binary, so no other test's supervisors are counted.)

use agentos_kernel::{CapabilitySet, Kernel, SandboxPreset};

/// Thread ids of the live supervisor threads.
fn supervisor_threads() -> Vec<String> {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .flatten()
        .filter(|task| {
            std::fs::read_to_string(task.path().join("comm"))
                .is_ok_and(|name| name.trim() == "agentos-child")
        })
        .map(|task| task.file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn sequential_children_reuse_supervisor_threads() {
    let kernel = Kernel::new();
    let root = kernel.create_process("root", CapabilitySet::all());
    let mut seen: std::collections::BTreeMap<String, u32> = std::collections::BTreeMap::new();
    for n in 0..40 {
        let word = format!("child-{n}");
        let spawned = kernel
            .spawn_process(
                root,
                SandboxPreset::Standard.spec("/bin/echo", [word.as_str()]),
            )
            .unwrap();
        let info = kernel.wait_process(root, spawned.pid, None).unwrap();
        assert_eq!(info.stdout, format!("{word}\n").into_bytes(), "{info:?}");
        kernel.reap_process(root, spawned.pid).unwrap();
        for thread in supervisor_threads() {
            *seen.entry(thread).or_default() += 1;
        }
    }
    // A thread per child would show each thread id at most once (and about 40 of them); a
    // reused thread is alive after most of the children.
    let most = seen.values().copied().max().unwrap_or(0);
    assert!(
        most >= 10 && seen.len() <= 16,
        "supervisor threads seen (id: times) over 40 sequential children: {seen:?}"
    );
}
