//! The four scheduler calls on the kernel, and switching policy at run time.

mod common;

use agentos_kernel::{CapabilitySet, SchedulingPolicy};
use common::*;

#[test]
fn scheduler_calls_dispatch_yield_and_count() {
    let (kernel, root) = kernel();
    assert_eq!(kernel.get_current_scheduled(root).unwrap(), None);
    let low = kernel.create_process_with_priority("low", 1, CapabilitySet::new());
    let high = kernel.create_process_with_priority("high", 9, CapabilitySet::new());
    kernel
        .set_scheduling_policy(root, SchedulingPolicy::Priority)
        .unwrap();
    assert_eq!(kernel.schedule_next(root).unwrap(), Some(high));
    assert_eq!(kernel.get_current_scheduled(root).unwrap(), Some(high));
    assert_eq!(
        kernel.yield_process(root).unwrap(),
        Some(high),
        "the higher priority wins again"
    );
    kernel
        .set_scheduling_policy(root, SchedulingPolicy::RoundRobin)
        .unwrap();
    assert_eq!(
        kernel.yield_process(root).unwrap(),
        Some(low),
        "round-robin: the other one's turn"
    );
    let stats = kernel.get_scheduler_stats(root).unwrap();
    assert_eq!(stats.policy, SchedulingPolicy::RoundRobin);
    assert_eq!(stats.active_processes, 2);
    assert_eq!(stats.total_scheduled, 3);
    assert_eq!(stats.context_switches, 2);
    assert_eq!(stats.quantum_micros, 10_000);
    kernel
        .set_scheduler_quantum(root, std::time::Duration::from_millis(25))
        .unwrap();
    assert_eq!(
        kernel.get_scheduler_stats(root).unwrap().quantum_micros,
        25_000
    );
}

#[test]
fn priority_change_reorders_the_queue() {
    let (kernel, root) = kernel();
    kernel
        .set_scheduling_policy(root, SchedulingPolicy::Priority)
        .unwrap();
    let a = kernel.create_process_with_priority("a", 5, CapabilitySet::new());
    let b = kernel.create_process_with_priority("b", 4, CapabilitySet::new());
    kernel.set_process_priority(root, b, 200).unwrap();
    assert_eq!(kernel.schedule_next(root).unwrap(), Some(b));
    kernel.kill_process(root, b).unwrap();
    assert_eq!(kernel.get_current_scheduled(root).unwrap(), None);
    assert_eq!(kernel.schedule_next(root).unwrap(), Some(a));
}

#[test]
fn unknown_policy_names_are_rejected() {
    let err = "lottery".parse::<SchedulingPolicy>().unwrap_err();
    assert!(err.to_string().starts_with("unknown policy: lottery"));
}
