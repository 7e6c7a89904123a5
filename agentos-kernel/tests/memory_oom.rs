//! The memory calls and the OOM policy: kernel charges and the child's real memory are
//! accounted, pressure levels rise, and at critical the largest process is killed.

mod common;

use std::time::Duration;

use agentos_kernel::{
    CapabilitySet, MemoryConfig, MemoryKind, PressureLevel, ProcessState, SandboxPreset,
};
use common::*;

#[test]
fn charges_pressure_and_gc() {
    let (kernel, root) = kernel();
    kernel
        .configure_memory(
            root,
            MemoryConfig {
                total_bytes: 1000,
                oom_kill: false,
            },
        )
        .unwrap();
    let app = kernel.create_process_with_priority("app", 5, CapabilitySet::new());
    assert_eq!(kernel.memory_charge(app, MemoryKind::Pipe, 650), None);
    let stats = kernel.get_memory_stats(root).unwrap();
    assert_eq!(
        (stats.used_memory, stats.pressure),
        (650, PressureLevel::Medium)
    );
    assert_eq!(kernel.memory_release(app, MemoryKind::Pipe, 50), 50);
    let per_pid = kernel.get_process_memory_stats(root, app).unwrap();
    assert_eq!(
        (per_pid.allocated_bytes, per_pid.allocation_count),
        (600, 1)
    );
    assert_eq!(
        kernel.trigger_gc(root, Some(app)).unwrap(),
        0,
        "a live process keeps its memory"
    );
    kernel.send_signal(root, app, libc::SIGKILL).unwrap();
    assert_eq!(
        kernel.get_memory_stats(root).unwrap().used_memory,
        0,
        "freed on exit"
    );
}

#[test]
fn oom_policy_kills_the_largest_child_and_reports_it() {
    let (kernel, root) = kernel();
    kernel
        .configure_memory(
            root,
            MemoryConfig {
                total_bytes: 40 * 1024 * 1024,
                oom_kill: true,
            },
        )
        .unwrap();
    let small = kernel.create_process_with_priority("small", 5, CapabilitySet::new());
    kernel.memory_charge(small, MemoryKind::Queue, 1024);
    let mut spec = SandboxPreset::Standard.spec(
        "/usr/bin/python3",
        [
            "-c",
            "import sys,time; x = b'a' * (48 << 20); print('ready', flush=True); time.sleep(60)",
        ],
    );
    spec.stream_output = true;
    let spawned = kernel.spawn_process(root, spec).unwrap();
    let stream = spawned.child.output_stream().unwrap();
    assert_eq!(
        stream.recv_timeout(Duration::from_secs(20)).unwrap().data,
        b"ready\n"
    );
    let child_stats = kernel.get_process_memory_stats(root, spawned.pid).unwrap();
    assert!(
        child_stats.os_resident_bytes >= 48 << 20,
        "{child_stats:?}\n{}",
        spawned.report
    );
    let event = kernel
        .enforce_memory_pressure()
        .expect("critical pressure must pick a victim");
    assert_eq!(event.pid, spawned.pid);
    assert!(event.bytes >= 48 << 20);
    let info = spawned.child.wait(None);
    assert!(
        info.killed && info.signal == Some(libc::SIGKILL),
        "{info:?}"
    );
    assert_eq!(
        kernel.get_process_state(root, spawned.pid).unwrap(),
        ProcessState::Terminated
    );
    assert_eq!(
        kernel.get_process_state(root, small).unwrap(),
        ProcessState::Ready
    );
    let stats = kernel.get_memory_stats(root).unwrap();
    assert_eq!((stats.oom_kills, stats.used_memory), (1, 1024));
}

#[test]
fn a_charge_that_reaches_critical_kills_the_largest_process() {
    let (kernel, root) = kernel();
    kernel
        .configure_memory(
            root,
            MemoryConfig {
                total_bytes: 1000,
                oom_kill: true,
            },
        )
        .unwrap();
    let big = kernel.create_process_with_priority("big", 5, CapabilitySet::new());
    let small = kernel.create_process_with_priority("small", 5, CapabilitySet::new());
    assert_eq!(
        kernel.memory_charge(big, MemoryKind::SharedMemory, 700),
        None
    );
    let event = kernel
        .memory_charge(small, MemoryKind::Pipe, 260)
        .expect("96 % is critical");
    assert_eq!((event.pid, event.bytes, event.used_before), (big, 700, 960));
    assert_eq!(
        kernel.get_process_state(root, big).unwrap(),
        ProcessState::Terminated
    );
    let stats = kernel.get_memory_stats(root).unwrap();
    assert_eq!(
        (stats.used_memory, stats.pressure, stats.oom_kills),
        (260, PressureLevel::Low, 1)
    );
}
