//! The scheduler's run queue: a set ordered by a policy-specific key, plus the current PID.

use std::{
    collections::{BTreeSet, HashMap},
    time::{Duration, Instant},
};

use crate::{process::Pid, sched::policy::SchedulingPolicy};

/// The default quantum: 10 ms.
pub const DEFAULT_QUANTUM: Duration = Duration::from_millis(10);

/// Counters and settings of a scheduler.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchedulerStats {
    /// PIDs handed out by `schedule`, counting a kept current PID once per dispatch.
    pub total_scheduled: u64,
    /// Times the running PID changed to a different one.
    pub context_switches: u64,
    /// Times a PID's quantum ran out while another PID was waiting.
    pub preemptions: u64,
    /// PIDs known to the scheduler (queued or current).
    pub active_processes: usize,
    /// The active policy.
    pub policy: SchedulingPolicy,
    /// The quantum in microseconds.
    pub quantum_micros: u64,
}

/// One PID's scheduling figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduledProcess {
    /// The PID.
    pub pid: Pid,
    /// Its priority (higher is more important).
    pub priority: u8,
    /// CPU time accounted to it while current, in microseconds.
    pub cpu_time_micros: u64,
    /// Virtual runtime: CPU time scaled by 100 / weight of its priority band.
    pub vruntime: u64,
    /// True when it is the current PID.
    pub is_current: bool,
}

/// A run queue with a switchable policy.
#[derive(Debug)]
pub struct Scheduler {
    policy: SchedulingPolicy,
    quantum: Duration,
    ready: BTreeSet<(Key, Pid)>,
    entries: HashMap<Pid, Entry>,
    current: Option<(Pid, Instant)>,
    next_seq: u64,
    total_scheduled: u64,
    context_switches: u64,
    preemptions: u64,
}

type Key = (u64, u64, u64);

#[derive(Debug, Clone, Copy)]
struct Entry {
    priority: u8,
    vruntime: u64,
    cpu_time_micros: u64,
    /// The queue key while the PID is queued.
    key: Option<Key>,
}

impl Default for Scheduler {
    fn default() -> Scheduler {
        Scheduler::new(SchedulingPolicy::default(), DEFAULT_QUANTUM)
    }
}

impl Scheduler {
    /// An empty scheduler.
    pub fn new(policy: SchedulingPolicy, quantum: Duration) -> Scheduler {
        Scheduler {
            policy,
            quantum,
            ready: BTreeSet::new(),
            entries: HashMap::new(),
            current: None,
            next_seq: 0,
            total_scheduled: 0,
            context_switches: 0,
            preemptions: 0,
        }
    }

    /// Queues `pid` (a PID already known only has its priority updated). A new PID starts at
    /// the smallest vruntime in the queue, so it neither starves nor monopolises.
    pub fn add(&mut self, pid: Pid, priority: u8) {
        if self.entries.contains_key(&pid) {
            self.set_priority(pid, priority);
            return;
        }
        let vruntime = self
            .entries
            .values()
            .map(|entry| entry.vruntime)
            .min()
            .unwrap_or(0);
        self.entries.insert(
            pid,
            Entry {
                priority,
                vruntime,
                cpu_time_micros: 0,
                key: None,
            },
        );
        self.enqueue(pid);
    }

    /// Forgets `pid`; when it is current, its time so far is accounted and nothing is current.
    /// Returns false when it was unknown.
    pub fn remove(&mut self, pid: Pid) -> bool {
        self.remove_at(pid, Instant::now())
    }

    /// Like [`Scheduler::remove`] at a given time.
    pub fn remove_at(&mut self, pid: Pid, now: Instant) -> bool {
        if self.current.is_some_and(|(current, _)| current == pid) {
            self.stop_current(now);
        }
        match self.entries.remove(&pid) {
            Some(entry) => {
                if let Some(key) = entry.key {
                    self.ready.remove(&(key, pid));
                }
                true
            }
            None => false,
        }
    }

    /// The PID that should run now: the current one until its quantum runs out, then the
    /// next by policy (the expired one is queued again).
    pub fn schedule(&mut self) -> Option<Pid> {
        self.schedule_at(Instant::now())
    }

    /// Like [`Scheduler::schedule`] at a given time.
    pub fn schedule_at(&mut self, now: Instant) -> Option<Pid> {
        if let Some((pid, since)) = self.current {
            if now.saturating_duration_since(since) < self.quantum {
                return Some(pid);
            }
            self.stop_current(now);
            self.enqueue(pid);
            let next = self.dispatch(now, Some(pid));
            if next.is_some_and(|next| next != pid) {
                self.preemptions += 1;
            }
            return next;
        }
        self.dispatch(now, None)
    }

    /// The current PID gives up the CPU: it is queued again behind the others and the next
    /// PID is dispatched (the same one when it is alone; `None` when nothing is queued).
    pub fn yield_current(&mut self) -> Option<Pid> {
        self.yield_at(Instant::now())
    }

    /// Like [`Scheduler::yield_current`] at a given time.
    pub fn yield_at(&mut self, now: Instant) -> Option<Pid> {
        let previous = self.current.map(|(pid, _)| pid);
        if let Some(pid) = previous {
            self.stop_current(now);
            self.enqueue(pid);
        }
        self.dispatch(now, previous)
    }

    /// The current PID, if any.
    pub fn current(&self) -> Option<Pid> {
        self.current.map(|(pid, _)| pid)
    }

    /// Switches policy; queued PIDs are re-ordered, none is lost, the current one stays.
    pub fn set_policy(&mut self, policy: SchedulingPolicy) {
        self.policy = policy;
        let queued: Vec<Pid> = self.ready.iter().map(|(_, pid)| *pid).collect();
        self.ready.clear();
        for pid in queued {
            self.enqueue(pid);
        }
    }

    /// The active policy.
    pub fn policy(&self) -> SchedulingPolicy {
        self.policy
    }

    /// Sets the quantum.
    pub fn set_quantum(&mut self, quantum: Duration) {
        self.quantum = quantum;
    }

    /// Changes a PID's priority (re-queued at its new place). Returns false when unknown.
    pub fn set_priority(&mut self, pid: Pid, priority: u8) -> bool {
        let Some(entry) = self.entries.get_mut(&pid) else {
            return false;
        };
        entry.priority = priority;
        if let Some(key) = entry.key.take() {
            self.ready.remove(&(key, pid));
            self.enqueue(pid);
        }
        true
    }

    /// One PID's figures.
    pub fn process(&self, pid: Pid) -> Option<ScheduledProcess> {
        self.entries.get(&pid).map(|entry| ScheduledProcess {
            pid,
            priority: entry.priority,
            cpu_time_micros: entry.cpu_time_micros,
            vruntime: entry.vruntime,
            is_current: self.current() == Some(pid),
        })
    }

    /// Counters and settings.
    pub fn stats(&self) -> SchedulerStats {
        SchedulerStats {
            total_scheduled: self.total_scheduled,
            context_switches: self.context_switches,
            preemptions: self.preemptions,
            active_processes: self.entries.len(),
            policy: self.policy,
            quantum_micros: u64::try_from(self.quantum.as_micros()).unwrap_or(u64::MAX),
        }
    }

    /// Queued PIDs in the order they would be dispatched.
    pub fn queued(&self) -> Vec<Pid> {
        self.ready.iter().map(|(_, pid)| *pid).collect()
    }

    fn dispatch(&mut self, now: Instant, previous: Option<Pid>) -> Option<Pid> {
        let (key, pid) = self.ready.pop_first()?;
        let _ = key;
        if let Some(entry) = self.entries.get_mut(&pid) {
            entry.key = None;
        }
        self.current = Some((pid, now));
        self.total_scheduled += 1;
        if previous != Some(pid) {
            self.context_switches += 1;
        }
        Some(pid)
    }

    fn stop_current(&mut self, now: Instant) {
        if let Some((pid, since)) = self.current.take() {
            let micros =
                u64::try_from(now.saturating_duration_since(since).as_micros()).unwrap_or(u64::MAX);
            if let Some(entry) = self.entries.get_mut(&pid) {
                entry.cpu_time_micros = entry.cpu_time_micros.saturating_add(micros);
                entry.vruntime = entry
                    .vruntime
                    .saturating_add(micros.saturating_mul(100) / weight(entry.priority));
            }
        }
    }

    fn enqueue(&mut self, pid: Pid) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let policy = self.policy;
        let Some(entry) = self.entries.get_mut(&pid) else {
            return;
        };
        let rank = u64::from(u8::MAX - entry.priority);
        let key = match policy {
            SchedulingPolicy::RoundRobin => (seq, 0, 0),
            SchedulingPolicy::Priority => (rank, entry.vruntime, seq),
            SchedulingPolicy::Fair => (entry.vruntime, rank, seq),
        };
        entry.key = Some(key);
        self.ready.insert((key, pid));
    }
}

/// The reference's weights: 50 for priorities 0–3, 100 for 4–7, 200 from 8.
fn weight(priority: u8) -> u64 {
    match priority {
        0..=3 => 50,
        4..=7 => 100,
        _ => 200,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn round_robin_runs_in_arrival_order_and_preempts_after_the_quantum() {
        let mut s = Scheduler::new(SchedulingPolicy::RoundRobin, ms(10));
        let t = Instant::now();
        for n in 1..=3 {
            s.add(Pid(n), 5);
        }
        assert_eq!(s.schedule_at(t), Some(Pid(1)));
        assert_eq!(
            s.schedule_at(t + ms(5)),
            Some(Pid(1)),
            "quantum not used up"
        );
        assert_eq!(s.schedule_at(t + ms(10)), Some(Pid(2)));
        assert_eq!(s.schedule_at(t + ms(20)), Some(Pid(3)));
        assert_eq!(s.schedule_at(t + ms(30)), Some(Pid(1)));
        let stats = s.stats();
        assert_eq!(stats.preemptions, 3);
        assert_eq!(stats.context_switches, 4);
        assert_eq!(stats.total_scheduled, 4);
        assert_eq!(stats.active_processes, 3);
        assert_eq!(stats.quantum_micros, 10_000);
    }

    #[test]
    fn priority_runs_the_most_important_first() {
        let mut s = Scheduler::new(SchedulingPolicy::Priority, ms(10));
        s.add(Pid(1), 1);
        s.add(Pid(2), 9);
        s.add(Pid(3), 5);
        let t = Instant::now();
        assert_eq!(s.schedule_at(t), Some(Pid(2)));
        assert_eq!(s.queued(), vec![Pid(3), Pid(1)]);
    }

    #[test]
    fn fair_balances_by_vruntime() {
        let mut s = Scheduler::new(SchedulingPolicy::Fair, ms(10));
        s.add(Pid(1), 5);
        s.add(Pid(2), 5);
        let t = Instant::now();
        let mut runs = HashMap::new();
        for step in 0..100 {
            let pid = s.schedule_at(t + ms(10 * step)).unwrap();
            *runs.entry(pid).or_insert(0i32) += 1;
        }
        let (a, b) = (runs[&Pid(1)], runs[&Pid(2)]);
        assert!((a - b).abs() <= 1, "{a} vs {b}");
    }

    #[test]
    fn yield_on_single_and_empty_queue() {
        let mut s = Scheduler::new(SchedulingPolicy::RoundRobin, ms(10));
        assert_eq!(s.yield_current(), None);
        s.add(Pid(7), 5);
        assert_eq!(s.schedule(), Some(Pid(7)));
        assert_eq!(s.yield_current(), Some(Pid(7)));
        assert_eq!(s.stats().context_switches, 1);
    }

    #[test]
    fn policy_change_keeps_current_and_queue() {
        let mut s = Scheduler::new(SchedulingPolicy::RoundRobin, ms(10));
        for (n, prio) in [(1, 1), (2, 2), (3, 9)] {
            s.add(Pid(n), prio);
        }
        assert_eq!(s.schedule(), Some(Pid(1)));
        s.set_policy(SchedulingPolicy::Priority);
        assert_eq!(s.current(), Some(Pid(1)));
        assert_eq!(s.queued(), vec![Pid(3), Pid(2)]);
        assert_eq!(s.stats().policy, SchedulingPolicy::Priority);
    }

    #[test]
    fn removing_the_current_pid_clears_it() {
        let mut s = Scheduler::default();
        s.add(Pid(1), 5);
        s.add(Pid(2), 5);
        assert_eq!(s.schedule(), Some(Pid(1)));
        assert!(s.remove(Pid(1)));
        assert_eq!(s.current(), None);
        assert_eq!(s.schedule(), Some(Pid(2)));
        assert!(!s.remove(Pid(1)));
    }

    #[test]
    fn vruntime_grows_slower_for_high_priority() {
        let mut s = Scheduler::new(SchedulingPolicy::RoundRobin, ms(10));
        s.add(Pid(1), 9);
        s.add(Pid(2), 1);
        let t = Instant::now();
        s.schedule_at(t);
        s.schedule_at(t + ms(10));
        s.schedule_at(t + ms(20));
        let high = s.process(Pid(1)).unwrap();
        let low = s.process(Pid(2)).unwrap();
        assert_eq!(high.cpu_time_micros, 10_000);
        assert_eq!(high.vruntime, 5_000);
        assert_eq!(low.vruntime, 20_000);
    }

    proptest! {
        /// Whatever the operations, every added and not removed PID is either current or
        /// queued exactly once, across policy switches.
        #[test]
        fn no_pid_is_lost_or_duplicated(ops in proptest::collection::vec((0u8..6, 1u32..8, any::<u8>()), 1..80)) {
            let mut s = Scheduler::new(SchedulingPolicy::RoundRobin, ms(10));
            let mut live = std::collections::BTreeSet::new();
            let mut now = Instant::now();
            for (op, pid, value) in ops {
                now += ms(u64::from(value % 15));
                match op {
                    0 => { s.add(Pid(pid), value); live.insert(pid); }
                    1 => { s.remove_at(Pid(pid), now); live.remove(&pid); }
                    2 => { s.schedule_at(now); }
                    3 => { s.yield_at(now); }
                    4 => s.set_policy([SchedulingPolicy::RoundRobin, SchedulingPolicy::Priority, SchedulingPolicy::Fair][usize::from(value % 3)]),
                    _ => { s.set_priority(Pid(pid), value); }
                }
                let mut seen: Vec<u32> = s.queued().iter().map(|p| p.0).collect();
                seen.extend(s.current().map(|p| p.0));
                seen.sort_unstable();
                let expected: Vec<u32> = live.iter().copied().collect();
                prop_assert_eq!(seen, expected);
            }
        }
    }
}
