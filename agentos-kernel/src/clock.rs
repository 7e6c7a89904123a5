//! Cheap wall-clock timestamps for IPC messages: the kernel's coarse realtime clock (a few
//! nanoseconds to read, resolution of one scheduler tick) instead of the precise one.

use std::time::{Duration, SystemTime};

use rustix::time::{ClockId, clock_gettime};

/// The current wall-clock time at tick resolution.
pub(crate) fn coarse_now() -> SystemTime {
    let now = clock_gettime(ClockId::RealtimeCoarse);
    let (Ok(secs), Ok(nanos)) = (u64::try_from(now.tv_sec), u32::try_from(now.tv_nsec)) else {
        return SystemTime::now();
    };
    SystemTime::UNIX_EPOCH + Duration::new(secs, nanos)
}

#[cfg(test)]
mod tests {
    #[test]
    fn coarse_time_is_close_to_precise_time() {
        let precise = std::time::SystemTime::now();
        let coarse = super::coarse_now();
        let gap = match coarse.duration_since(precise) {
            Ok(ahead) => ahead,
            Err(behind) => behind.duration(),
        };
        assert!(gap < std::time::Duration::from_millis(100), "{gap:?}");
    }
}
