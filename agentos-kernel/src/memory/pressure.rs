//! Memory pressure levels: medium from 60 %, high from 80 %, critical from 95 % of the total.

use std::fmt;

/// How full the kernel's memory budget is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum PressureLevel {
    /// Below 60 %.
    Low,
    /// 60 % or more.
    Medium,
    /// 80 % or more (the warning threshold).
    High,
    /// 95 % or more: the OOM policy acts.
    Critical,
}

impl PressureLevel {
    /// The level for `used` bytes of `total`.
    pub fn of(used: u64, total: u64) -> PressureLevel {
        if total == 0 {
            return PressureLevel::Critical;
        }
        let per_mille = u128::from(used) * 1000 / u128::from(total);
        match per_mille {
            950.. => PressureLevel::Critical,
            800.. => PressureLevel::High,
            600.. => PressureLevel::Medium,
            _ => PressureLevel::Low,
        }
    }

    /// Lower-case name.
    pub fn name(self) -> &'static str {
        match self {
            PressureLevel::Low => "low",
            PressureLevel::Medium => "medium",
            PressureLevel::High => "high",
            PressureLevel::Critical => "critical",
        }
    }
}

impl fmt::Display for PressureLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_match_the_reference() {
        assert_eq!(PressureLevel::of(599, 1000), PressureLevel::Low);
        assert_eq!(PressureLevel::of(600, 1000), PressureLevel::Medium);
        assert_eq!(PressureLevel::of(800, 1000), PressureLevel::High);
        assert_eq!(PressureLevel::of(949, 1000), PressureLevel::High);
        assert_eq!(PressureLevel::of(950, 1000), PressureLevel::Critical);
        assert_eq!(
            PressureLevel::of(u64::MAX, u64::MAX),
            PressureLevel::Critical
        );
    }
}
