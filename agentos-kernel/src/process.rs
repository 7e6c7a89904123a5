//! Process identifiers and the kernel's table of processes.

use std::fmt;

use crate::capability::CapabilitySet;

/// A kernel process identifier. PIDs start at 1 and are never reused within a kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pid(pub u32);

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What the kernel knows about one process.
#[derive(Debug, Clone)]
pub(crate) struct Process {
    pub(crate) name: String,
    pub(crate) capabilities: CapabilitySet,
}
