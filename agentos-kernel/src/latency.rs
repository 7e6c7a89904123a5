//! A lock-free log-linear latency histogram (16 buckets per power of two, so quantiles are
//! within about 6 %) that answers p50/p95/p99 directly.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

const SUB_BITS: u32 = 4;
const SUB: u64 = 1 << SUB_BITS;
const MAX_EXPONENT: u32 = 40;
const N_BUCKETS: usize = ((MAX_EXPONENT - SUB_BITS + 2) as usize) * SUB as usize;

/// Quantiles of the latencies recorded so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LatencySummary {
    /// Number of observations.
    pub count: u64,
    /// Median.
    pub p50: Duration,
    /// 95th percentile.
    pub p95: Duration,
    /// 99th percentile.
    pub p99: Duration,
}

pub(crate) struct LatencyHistogram {
    buckets: Box<[AtomicU64]>,
}

impl Default for LatencyHistogram {
    fn default() -> LatencyHistogram {
        LatencyHistogram {
            buckets: (0..N_BUCKETS).map(|_| AtomicU64::new(0)).collect(),
        }
    }
}

fn bucket_of(nanos: u64) -> usize {
    if nanos < SUB {
        return nanos as usize;
    }
    let exponent = (63 - nanos.leading_zeros()).min(MAX_EXPONENT);
    let nanos = nanos.min((1 << (MAX_EXPONENT + 1)) - 1);
    let sub = (nanos >> (exponent - SUB_BITS)) & (SUB - 1);
    ((exponent - SUB_BITS + 1) as u64 * SUB + sub) as usize
}

/// The largest value that falls in `bucket`.
fn upper_bound(bucket: usize) -> u64 {
    let bucket = bucket as u64;
    if bucket < SUB {
        return bucket;
    }
    let exponent = bucket / SUB + u64::from(SUB_BITS) - 1;
    let sub = bucket % SUB;
    let base = 1u64 << exponent;
    base + (sub + 1) * (base >> SUB_BITS) - 1
}

impl LatencyHistogram {
    pub(crate) fn record(&self, elapsed: Duration) {
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        self.buckets[bucket_of(nanos)].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn summary(&self) -> LatencySummary {
        let counts: Vec<u64> = self
            .buckets
            .iter()
            .map(|bucket| bucket.load(Ordering::Relaxed))
            .collect();
        let count: u64 = counts.iter().sum();
        let quantile = |q: f64| -> Duration {
            if count == 0 {
                return Duration::ZERO;
            }
            let rank = ((count as f64) * q).ceil().max(1.0) as u64;
            let mut seen = 0;
            for (bucket, n) in counts.iter().enumerate() {
                seen += n;
                if seen >= rank {
                    return Duration::from_nanos(upper_bound(bucket));
                }
            }
            Duration::from_nanos(upper_bound(N_BUCKETS - 1))
        };
        LatencySummary {
            count,
            p50: quantile(0.50),
            p95: quantile(0.95),
            p99: quantile(0.99),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_are_monotonic_and_bound_their_values() {
        let mut last = 0;
        for nanos in [
            0u64,
            1,
            15,
            16,
            17,
            31,
            32,
            100,
            1_000,
            65_535,
            1 << 30,
            u64::MAX,
        ] {
            let bucket = bucket_of(nanos);
            assert!(bucket >= last);
            last = bucket;
            if nanos < 1 << 41 {
                assert!(upper_bound(bucket) >= nanos, "{nanos}");
                assert!(
                    upper_bound(bucket) as f64 <= nanos as f64 * 1.07 + 1.0,
                    "{nanos}"
                );
            }
        }
    }

    #[test]
    fn quantiles_follow_the_data() {
        let histogram = LatencyHistogram::default();
        for micros in 1..=100 {
            histogram.record(Duration::from_micros(micros));
        }
        let summary = histogram.summary();
        assert_eq!(summary.count, 100);
        let p50 = summary.p50.as_nanos() as f64;
        assert!((50_000.0..=53_500.0).contains(&p50), "{p50}");
        let p99 = summary.p99.as_nanos() as f64;
        assert!((99_000.0..=106_000.0).contains(&p99), "{p99}");
    }
}
