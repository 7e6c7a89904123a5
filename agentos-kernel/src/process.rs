//! Process identifiers.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A kernel process identifier. PIDs start at 1 and are never reused within a kernel.
/// In JSON it is a plain number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Pid(pub u32);

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
