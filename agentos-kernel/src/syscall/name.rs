//! Names, numbering and JSON conversion of [`Syscall`]: the reference's snake-case names in
//! a stable order, and `from_json` / `to_json`.

use crate::{
    error::{Error, Result},
    syscall::Syscall,
};

/// The reference names of every syscall, in [`Syscall::index`] order.
pub(crate) const SYSCALL_NAMES: &[&str] = &[
    "read_file",
    "write_file",
    "create_file",
    "delete_file",
    "list_directory",
    "file_exists",
    "file_stat",
    "move_file",
    "copy_file",
    "create_directory",
    "remove_directory",
    "get_working_directory",
    "set_working_directory",
    "truncate_file",
    "get_system_info",
    "get_current_time",
    "get_env_var",
    "set_env_var",
    "sleep",
    "get_uptime",
    "get_memory_stats",
    "get_process_memory_stats",
    "trigger_gc",
    "open",
    "close",
    "dup",
    "dup2",
    "lseek",
    "fcntl",
    "create_pipe",
    "write_pipe",
    "read_pipe",
    "close_pipe",
    "destroy_pipe",
    "pipe_stats",
    "create_shm",
    "attach_shm",
    "detach_shm",
    "write_shm",
    "read_shm",
    "destroy_shm",
    "shm_stats",
    "create_queue",
    "send_queue",
    "receive_queue",
    "subscribe_queue",
    "unsubscribe_queue",
    "close_queue",
    "destroy_queue",
    "queue_stats",
    "spawn_process",
    "kill_process",
    "get_process_info",
    "get_process_list",
    "set_process_priority",
    "get_process_state",
    "get_process_stats",
    "wait_process",
    "send_signal",
    "schedule_next",
    "yield_process",
    "get_current_scheduled",
    "get_scheduler_stats",
    "socket",
    "bind",
    "listen",
    "accept",
    "connect",
    "send",
    "recv",
    "send_to",
    "recv_from",
    "close_socket",
    "set_sock_opt",
    "get_sock_opt",
    #[cfg(feature = "http")]
    "network_request",
];

impl Syscall {
    /// The reference name of the call, e.g. `read_file` (also its JSON `"call"` value).
    pub fn name(&self) -> &'static str {
        SYSCALL_NAMES[self.index()]
    }

    /// Every syscall name, in a stable order.
    pub fn names() -> &'static [&'static str] {
        SYSCALL_NAMES
    }

    /// Parses the documented JSON form.
    ///
    /// # Errors
    /// `InvalidArgument` with serde's line:column message for malformed JSON, unknown calls,
    /// unknown or missing fields.
    pub fn from_json(text: &str) -> Result<Syscall> {
        serde_json::from_str(text)
            .map_err(|err| Error::InvalidArgument(format!("syscall json: {err}")))
    }

    /// The documented JSON form.
    pub fn to_json(&self) -> String {
        // Serialising this enum cannot fail: every field is a string, number, bool or payload.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The position of the call in [`Syscall::names`].
    pub(crate) fn index(&self) -> usize {
        match self {
            Syscall::ReadFile { .. } => 0,
            Syscall::WriteFile { .. } => 1,
            Syscall::CreateFile { .. } => 2,
            Syscall::DeleteFile { .. } => 3,
            Syscall::ListDirectory { .. } => 4,
            Syscall::FileExists { .. } => 5,
            Syscall::FileStat { .. } => 6,
            Syscall::MoveFile { .. } => 7,
            Syscall::CopyFile { .. } => 8,
            Syscall::CreateDirectory { .. } => 9,
            Syscall::RemoveDirectory { .. } => 10,
            Syscall::GetWorkingDirectory => 11,
            Syscall::SetWorkingDirectory { .. } => 12,
            Syscall::TruncateFile { .. } => 13,
            Syscall::GetSystemInfo => 14,
            Syscall::GetCurrentTime => 15,
            Syscall::GetEnvVar { .. } => 16,
            Syscall::SetEnvVar { .. } => 17,
            Syscall::Sleep { .. } => 18,
            Syscall::GetUptime => 19,
            Syscall::GetMemoryStats => 20,
            Syscall::GetProcessMemoryStats { .. } => 21,
            Syscall::TriggerGc { .. } => 22,
            Syscall::Open { .. } => 23,
            Syscall::Close { .. } => 24,
            Syscall::Dup { .. } => 25,
            Syscall::Dup2 { .. } => 26,
            Syscall::Lseek { .. } => 27,
            Syscall::Fcntl { .. } => 28,
            Syscall::CreatePipe { .. } => 29,
            Syscall::WritePipe { .. } => 30,
            Syscall::ReadPipe { .. } => 31,
            Syscall::ClosePipe { .. } => 32,
            Syscall::DestroyPipe { .. } => 33,
            Syscall::PipeStats { .. } => 34,
            Syscall::CreateShm { .. } => 35,
            Syscall::AttachShm { .. } => 36,
            Syscall::DetachShm { .. } => 37,
            Syscall::WriteShm { .. } => 38,
            Syscall::ReadShm { .. } => 39,
            Syscall::DestroyShm { .. } => 40,
            Syscall::ShmStats { .. } => 41,
            Syscall::CreateQueue { .. } => 42,
            Syscall::SendQueue { .. } => 43,
            Syscall::ReceiveQueue { .. } => 44,
            Syscall::SubscribeQueue { .. } => 45,
            Syscall::UnsubscribeQueue { .. } => 46,
            Syscall::CloseQueue { .. } => 47,
            Syscall::DestroyQueue { .. } => 48,
            Syscall::QueueStats { .. } => 49,
            Syscall::SpawnProcess { .. } => 50,
            Syscall::KillProcess { .. } => 51,
            Syscall::GetProcessInfo { .. } => 52,
            Syscall::GetProcessList => 53,
            Syscall::SetProcessPriority { .. } => 54,
            Syscall::GetProcessState { .. } => 55,
            Syscall::GetProcessStats { .. } => 56,
            Syscall::WaitProcess { .. } => 57,
            Syscall::SendSignal { .. } => 58,
            Syscall::ScheduleNext => 59,
            Syscall::YieldProcess => 60,
            Syscall::GetCurrentScheduled => 61,
            Syscall::GetSchedulerStats => 62,
            Syscall::Socket { .. } => 63,
            Syscall::Bind { .. } => 64,
            Syscall::Listen { .. } => 65,
            Syscall::Accept { .. } => 66,
            Syscall::Connect { .. } => 67,
            Syscall::Send { .. } => 68,
            Syscall::Recv { .. } => 69,
            Syscall::SendTo { .. } => 70,
            Syscall::RecvFrom { .. } => 71,
            Syscall::CloseSocket { .. } => 72,
            Syscall::SetSockOpt { .. } => 73,
            Syscall::GetSockOpt { .. } => 74,
            #[cfg(feature = "http")]
            Syscall::NetworkRequest { .. } => 75,
        }
    }
}
