//! A runtime-free timer: one background thread per kernel wakes sleeping futures at their
//! deadlines, so `sleep` never blocks the caller's thread.

use std::{
    cmp::Reverse,
    collections::BinaryHeap,
    future::Future,
    pin::Pin,
    sync::{Arc, Weak},
    task::{Context, Poll, Waker},
    time::{Duration, Instant},
};

use parking_lot::{Condvar, Mutex};

/// Shared timer state; the thread holds only a weak reference and stops when the kernel goes.
#[derive(Default)]
pub(crate) struct Timer {
    state: Mutex<TimerState>,
    changed: Condvar,
}

#[derive(Default)]
struct TimerState {
    started: bool,
    next_seq: u64,
    deadlines: BinaryHeap<Reverse<(Instant, u64)>>,
    wakers: std::collections::HashMap<u64, Waker>,
}

impl Timer {
    /// A future that completes after `duration`.
    pub(crate) fn sleep(self: &Arc<Timer>, duration: Duration) -> Sleep {
        Sleep {
            timer: self.clone(),
            deadline: Instant::now() + duration,
            seq: None,
        }
    }

    fn register(self: &Arc<Timer>, deadline: Instant, seq: Option<u64>, waker: &Waker) -> u64 {
        let mut state = self.state.lock();
        let seq = match seq {
            Some(seq) => seq,
            None => {
                let seq = state.next_seq;
                state.next_seq += 1;
                state.deadlines.push(Reverse((deadline, seq)));
                seq
            }
        };
        state.wakers.insert(seq, waker.clone());
        if !state.started {
            state.started = true;
            let weak = Arc::downgrade(self);
            let spawned = std::thread::Builder::new()
                .name("agentos-kernel-timer".into())
                .spawn(move || run(weak));
            if spawned.is_err() {
                state.started = false;
            }
        }
        drop(state);
        self.changed.notify_one();
        seq
    }

    fn cancel(&self, seq: u64) {
        self.state.lock().wakers.remove(&seq);
    }
}

fn run(weak: Weak<Timer>) {
    loop {
        let Some(timer) = weak.upgrade() else {
            return;
        };
        let mut state = timer.state.lock();
        let now = Instant::now();
        let mut due = Vec::new();
        while let Some(Reverse((deadline, seq))) = state.deadlines.peek().copied() {
            if deadline > now {
                break;
            }
            state.deadlines.pop();
            if let Some(waker) = state.wakers.remove(&seq) {
                due.push(waker);
            }
        }
        let wait = state
            .deadlines
            .peek()
            .map(|Reverse((deadline, _))| deadline.saturating_duration_since(now))
            .unwrap_or(Duration::from_millis(500));
        if due.is_empty() {
            timer.changed.wait_for(&mut state, wait);
        }
        drop(state);
        drop(timer);
        for waker in due {
            waker.wake();
        }
    }
}

/// See [`Timer::sleep`].
pub(crate) struct Sleep {
    timer: Arc<Timer>,
    deadline: Instant,
    seq: Option<u64>,
}

impl Future for Sleep {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.deadline {
            if let Some(seq) = self.seq.take() {
                self.timer.cancel(seq);
            }
            return Poll::Ready(());
        }
        let seq = self.timer.register(self.deadline, self.seq, cx.waker());
        self.seq = Some(seq);
        Poll::Pending
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        if let Some(seq) = self.seq {
            self.timer.cancel(seq);
        }
    }
}
