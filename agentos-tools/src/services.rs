//! Runtime-owned services the tools share: the system log ring, the clipboard, the timer
//! thread, and clocks.

use std::{
    cmp::Reverse,
    collections::{BinaryHeap, HashMap, VecDeque},
    sync::{
        Arc, Weak,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use parking_lot::{Condvar, Mutex};
use serde_json::{Map, Value, json};

use crate::runtime::{AppId, Inner, Runtime, RuntimeConfig};

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// `YYYY-MM-DDTHH:MM:SSZ` for `secs` since the Unix epoch (UTC).
pub(crate) fn iso8601(secs: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
}

/// `YYYYMMDD-HHMMSS` for `secs` since the Unix epoch (UTC).
pub(crate) fn compact_time(secs: u64) -> String {
    let (y, mo, d, h, mi, s) = civil(secs);
    format!("{y:04}{mo:02}{d:02}-{h:02}{mi:02}{s:02}")
}

fn civil(secs: u64) -> (i64, u32, u32, u64, u64, u64) {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    // Howard Hinnant's days-from-civil inverse.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
}

pub(crate) struct Services {
    log: Mutex<VecDeque<Value>>,
    log_capacity: usize,
    pub(crate) clipboard: Mutex<Option<Value>>,
    pub(crate) timers: Timers,
    pub(crate) auth: Mutex<crate::tools::AuthStore>,
    pub(crate) started: Instant,
}

impl Services {
    pub(crate) fn new(config: &RuntimeConfig) -> Services {
        Services {
            log: Mutex::new(VecDeque::new()),
            log_capacity: config.log_capacity.max(1),
            clipboard: Mutex::new(None),
            timers: Timers::default(),
            auth: Mutex::new(crate::tools::AuthStore::default()),
            started: Instant::now(),
        }
    }

    pub(crate) fn log(&self, level: &str, message: &str, app_id: Option<AppId>) {
        let mut entry = json!({"timestamp": now_ms() / 1000, "level": level, "message": message});
        if let Some(app_id) = app_id {
            entry["app_id"] = Value::String(app_id.to_string());
        }
        let mut log = self.log.lock();
        if log.len() >= self.log_capacity {
            log.pop_front();
        }
        log.push_back(entry);
    }

    /// Up to `limit` entries, newest first, optionally only of `level`.
    pub(crate) fn logs(&self, limit: usize, level: Option<&str>) -> Vec<Value> {
        self.log
            .lock()
            .iter()
            .rev()
            .filter(|entry| level.is_none_or(|level| entry["level"] == level))
            .take(limit)
            .cloned()
            .collect()
    }
}

struct Timer {
    app: AppId,
    tool: String,
    args: Map<String, Value>,
    interval: Option<Duration>,
}

#[derive(Default)]
struct TimerState {
    due: BinaryHeap<Reverse<(Instant, u64)>>,
    timers: HashMap<u64, Timer>,
    thread_started: bool,
}

#[derive(Default)]
struct Shared {
    state: Mutex<TimerState>,
    wake: Condvar,
    shutdown: AtomicBool,
}

/// Real timers: one runtime-owned thread sleeps until the earliest due timer, then runs its
/// tool as the owning app (through [`Runtime::call_tool`], so the patch reaches subscribers).
#[derive(Default)]
pub(crate) struct Timers {
    shared: Arc<Shared>,
    next_id: AtomicU64,
}

impl Drop for Timers {
    fn drop(&mut self) {
        self.shared.shutdown.store(true, Ordering::Release);
        self.shared.wake.notify_all();
    }
}

impl Timers {
    /// Schedules `tool(args)` for `app` after `delay`, repeating every `interval` if given.
    pub(crate) fn schedule(
        &self,
        runtime: &Runtime,
        app: AppId,
        tool: &str,
        args: Map<String, Value>,
        delay: Duration,
        interval: Option<Duration>,
    ) -> u64 {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let mut state = self.shared.state.lock();
        state.timers.insert(
            id,
            Timer {
                app,
                tool: tool.to_owned(),
                args,
                interval,
            },
        );
        state.due.push(Reverse((Instant::now() + delay, id)));
        if !state.thread_started {
            state.thread_started = true;
            let shared = self.shared.clone();
            let weak = Arc::downgrade(&runtime.inner);
            let spawned = std::thread::Builder::new()
                .name("agentos-timers".to_owned())
                .spawn(move || timer_thread(&shared, &weak));
            if spawned.is_err() {
                state.thread_started = false;
            }
        }
        drop(state);
        self.shared.wake.notify_all();
        id
    }

    /// Cancels timer `id` if it belongs to `app`; true when it did.
    pub(crate) fn cancel(&self, app: AppId, id: u64) -> bool {
        let mut state = self.shared.state.lock();
        if state.timers.get(&id).is_some_and(|timer| timer.app == app) {
            state.timers.remove(&id);
            true
        } else {
            false
        }
    }

    /// Cancels every timer of `app`.
    pub(crate) fn clear_app(&self, app: AppId) {
        self.shared
            .state
            .lock()
            .timers
            .retain(|_, timer| timer.app != app);
    }

    /// Ids of `app`'s pending timers, ascending.
    pub(crate) fn of_app(&self, app: AppId) -> Vec<u64> {
        let state = self.shared.state.lock();
        let mut ids: Vec<u64> = state
            .timers
            .iter()
            .filter(|(_, t)| t.app == app)
            .map(|(id, _)| *id)
            .collect();
        ids.sort_unstable();
        ids
    }
}

fn timer_thread(shared: &Shared, runtime: &Weak<Inner>) {
    loop {
        let fire = {
            let mut state = shared.state.lock();
            loop {
                if shared.shutdown.load(Ordering::Acquire) {
                    return;
                }
                match state.due.peek().copied() {
                    Some(Reverse((at, id))) if at <= Instant::now() => {
                        state.due.pop();
                        let Some(timer) = state.timers.get(&id) else {
                            continue;
                        };
                        let fire = (id, timer.app, timer.tool.clone(), timer.args.clone());
                        match timer.interval {
                            Some(every) => {
                                // A late tick does not fire twice: the next one is a full interval away.
                                let next = (at + every).max(Instant::now() + every / 2);
                                state.due.push(Reverse((next, id)));
                            }
                            None => {
                                state.timers.remove(&id);
                            }
                        }
                        break fire;
                    }
                    Some(Reverse((at, _))) => {
                        shared.wake.wait_until(&mut state, at);
                    }
                    None => shared.wake.wait(&mut state),
                }
            }
        };
        let Some(inner) = runtime.upgrade() else {
            return;
        };
        let runtime = Runtime { inner };
        let (id, app, tool, args) = fire;
        if let Err(err) = runtime.call_tool(app, &tool, args) {
            if matches!(err, crate::Error::UnknownApp(_)) {
                runtime.inner.services.timers.cancel(app, id);
            } else {
                runtime.log(
                    "error",
                    &format!("timer {id} `{tool}` failed: {err}"),
                    Some(app),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso8601(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(compact_time(1_764_012_345), "20251124-192545");
    }
}
