//! Byte and count budgets shared by every PID, reserved atomically so concurrent creators never
//! push a global total past its limit.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::{Error, Result};

/// A global limit with lock-free reservation.
#[derive(Debug)]
pub(crate) struct Budget {
    what: &'static str,
    used: AtomicU64,
    limit: u64,
}

impl Budget {
    pub(crate) const fn new(what: &'static str, limit: u64) -> Budget {
        Budget {
            what,
            used: AtomicU64::new(0),
            limit,
        }
    }

    /// Reserves `amount`, or fails with `LimitExceeded` and reserves nothing.
    pub(crate) fn reserve(&self, amount: u64) -> Result<()> {
        let mut used = self.used.load(Ordering::Acquire);
        loop {
            let wanted = used.saturating_add(amount);
            if wanted > self.limit {
                return Err(Error::LimitExceeded {
                    what: self.what.to_owned(),
                    used: wanted,
                    limit: self.limit,
                });
            }
            match self
                .used
                .compare_exchange_weak(used, wanted, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => return Ok(()),
                Err(actual) => used = actual,
            }
        }
    }

    pub(crate) fn release(&self, amount: u64) {
        self.used.fetch_sub(amount, Ordering::AcqRel);
    }

    pub(crate) fn used(&self) -> u64 {
        self.used.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserve_stops_at_the_limit() {
        let budget = Budget::new("test bytes", 10);
        budget.reserve(6).unwrap();
        assert_eq!(
            budget.reserve(5),
            Err(Error::LimitExceeded {
                what: "test bytes".into(),
                used: 11,
                limit: 10
            })
        );
        budget.reserve(4).unwrap();
        budget.release(10);
        assert_eq!(budget.used(), 0);
    }
}
