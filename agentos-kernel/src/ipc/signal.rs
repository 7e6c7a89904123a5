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
        Changed {
            signal: self,
            seen,
            registered: None,
        }
    }
}

/// See [`Signal::changed`].
pub(crate) struct Changed<'a> {
    signal: &'a Signal,
    seen: u64,
    /// The waker this future left in the list, removed again if the future is dropped early.
    registered: Option<Waker>,
}

impl Future for Changed<'_> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let signal = self.signal;
        if signal.generation() != self.seen {
            self.registered = None;
            return Poll::Ready(());
        }
        {
            let mut wakers = signal.wakers.lock();
            if !wakers.iter().any(|waker| waker.will_wake(cx.waker())) {
                wakers.push(cx.waker().clone());
                signal.n_waiters.fetch_add(1, Ordering::SeqCst);
            }
        }
        self.registered = Some(cx.waker().clone());
        if signal.generation() != self.seen {
            self.registered = None;
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Drop for Changed<'_> {
    fn drop(&mut self) {
        let Some(registered) = self.registered.take() else {
            return;
        };
        let mut wakers = self.signal.wakers.lock();
        let before = wakers.len();
        wakers.retain(|waker| !waker.will_wake(&registered));
        let removed = before - wakers.len();
        if removed > 0 {
            self.signal.n_waiters.fetch_sub(removed, Ordering::SeqCst);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::{
        future::Future,
        pin::pin,
        sync::Arc,
        task::{Context, Poll, Wake, Waker},
    };

    use super::Signal;

    struct CountingWaker(std::sync::atomic::AtomicUsize);

    impl Wake for CountingWaker {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    #[test]
    fn notify_wakes_and_dropped_waiters_leave_no_waker() {
        let signal = Signal::default();
        let counter = Arc::new(CountingWaker(Default::default()));
        let waker = Waker::from(counter.clone());
        let mut cx = Context::from_waker(&waker);
        let seen = signal.generation();
        {
            let mut waiting = pin!(signal.changed(seen));
            assert_eq!(waiting.as_mut().poll(&mut cx), Poll::Pending);
            assert_eq!(signal.wakers.lock().len(), 1);
        }
        // Dropping the pending future removed its waker.
        assert!(signal.wakers.lock().is_empty());
        let mut waiting = pin!(signal.changed(seen));
        assert_eq!(waiting.as_mut().poll(&mut cx), Poll::Pending);
        signal.notify();
        assert_eq!(counter.0.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(waiting.as_mut().poll(&mut cx), Poll::Ready(()));
    }
}
