//! Scheduling policies and their names.

use std::{fmt, str::FromStr};

use crate::error::Error;

/// How the scheduler picks the next PID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum SchedulingPolicy {
    /// First in, first out; each PID runs one quantum, then goes to the back.
    RoundRobin,
    /// Highest priority first; ties go to the lower vruntime, then first come.
    Priority,
    /// Lowest vruntime first (CPU time weighted by priority); ties go to the higher priority.
    #[default]
    Fair,
}

impl SchedulingPolicy {
    /// The reference's name: `RoundRobin`, `Priority` or `Fair`.
    pub fn name(self) -> &'static str {
        match self {
            SchedulingPolicy::RoundRobin => "RoundRobin",
            SchedulingPolicy::Priority => "Priority",
            SchedulingPolicy::Fair => "Fair",
        }
    }
}

impl fmt::Display for SchedulingPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SchedulingPolicy {
    type Err = Error;

    /// Parses `roundrobin`, `round_robin`, `priority` or `fair`, case-insensitively.
    fn from_str(text: &str) -> Result<SchedulingPolicy, Error> {
        match text.to_ascii_lowercase().as_str() {
            "roundrobin" | "round_robin" | "rr" => Ok(SchedulingPolicy::RoundRobin),
            "priority" => Ok(SchedulingPolicy::Priority),
            "fair" => Ok(SchedulingPolicy::Fair),
            _ => Err(Error::UnknownPolicy(text.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_like_the_reference() {
        assert_eq!(
            "RoundRobin".parse::<SchedulingPolicy>().unwrap(),
            SchedulingPolicy::RoundRobin
        );
        assert_eq!(
            "round_robin".parse::<SchedulingPolicy>().unwrap(),
            SchedulingPolicy::RoundRobin
        );
        assert_eq!(
            "FAIR".parse::<SchedulingPolicy>().unwrap(),
            SchedulingPolicy::Fair
        );
        let err = "lottery".parse::<SchedulingPolicy>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown policy: lottery. Use RoundRobin, Priority, or Fair"
        );
    }
}
