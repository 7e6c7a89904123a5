//! The memory manager: per-PID accounting of what the kernel holds for each process plus its
//! OS child's real memory, pressure levels against a configured total, and the OOM policy.

mod kernel_api;
mod manager;
mod pressure;

pub use self::{
    manager::{
        MemoryConfig, MemoryKind, MemoryManager, MemoryManagerStats, OomEvent, ProcessMemoryUsage,
    },
    pressure::PressureLevel,
};
