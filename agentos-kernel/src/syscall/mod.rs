//! The syscall interface: one [`Syscall`] variant per call of the reference table, its JSON
//! form, and the typed [`SyscallOutput`]. Execution lives in one file per family.
//!
//! # JSON form
//! A syscall is a JSON object whose `"call"` field is the reference's snake-case name and whose
//! other fields are the variant's fields, e.g. `{"call":"read_file","path":"/tmp/a"}` or
//! `{"call":"write_pipe","pipe_id":1,"data":"hello"}`. Byte payloads (`data`) are a UTF-8
//! string when the bytes are valid UTF-8, otherwise `{"base64":"..."}`; an array of byte
//! numbers is also accepted on input. Optional fields may be left out. Unknown fields are
//! rejected. [`Syscall::from_json`] and [`Syscall::to_json`] convert.

mod call;
mod fd;
mod fs;
mod ipc_pipe;
mod ipc_queue;
mod ipc_shm;
mod memory;
mod name;
mod net;
mod output;
mod output_json;
mod payload;
mod process;
mod system;
mod time;

pub(crate) use self::name::SYSCALL_NAMES;
pub use self::{
    call::Syscall,
    fs::FileStat,
    memory::{MemoryStats, ProcessMemoryStats},
    output::SyscallOutput,
    system::SystemInfo,
};
