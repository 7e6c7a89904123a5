//! A wake-up primitive for awaiting IPC calls: waiters remember a generation and sleep until a
//! notifier moves past it, so no notification between "try" and "wait" is ever lost.

use std::{
    future::Future,
    pin::Pin,
    sync::atomic::{AtomicU64, AtomicUsize, Ordering},
    task::{Context, Poll, Waker},
};

use parking_lot::Mutex;

/// Wakes every task waiting for a state change.
#[derive(Debug, Default)]
pub(crate) struct Signal {
    generation: AtomicU64,
    n_waiters: AtomicUsize,
    wakers: Mutex<Vec<Waker>>,
}

impl Signal {
    /// The current generation; read it before trying the operation you may wait on.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Moves to the next generation and wakes every waiter.
    pub(crate) fn notify(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if self.n_waiters.load(Ordering::SeqCst) == 0 {
            return;
        }
        let wakers = {
            let mut wakers = self.wakers.lock();
            self.n_waiters.store(0, Ordering::SeqCst);
            std::mem::take(&mut *wakers)
        };
        for waker in wakers {
            waker.wake();
        }
    }

    /// A future that completes once the generation differs from `seen`.
    pub(crate) fn changed(&self, seen: u64) -> Changed<'_> {
        Changed { signal: self, seen }
    }
}

/// See [`Signal::changed`].
pub(crate) struct Changed<'a> {
    signal: &'a Signal,
    seen: u64,
}

impl Future for Changed<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let signal = self.signal;
        if signal.generation() != self.seen {
            return Poll::Ready(());
        }
        {
            let mut wakers = signal.wakers.lock();
            if !wakers.iter().any(|waker| waker.will_wake(cx.waker())) {
                wakers.push(cx.waker().clone());
                signal.n_waiters.fetch_add(1, Ordering::SeqCst);
            }
        }
        if signal.generation() != self.seen {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}
