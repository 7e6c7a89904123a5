//! The JSON form of [`SyscallOutput`], so adapters can answer any syscall without per-call code.
//!
//! Every output is an object whose `"type"` names the variant in snake case; the other fields
//! are listed on each variant of [`SyscallOutput`]. Byte payloads use the same encoding as
//! syscall input (a UTF-8 string, else `{"base64": "..."}`); times are `{"secs", "nanos"}`;
//! timestamps are milliseconds since the Unix epoch.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::{Engine, engine::general_purpose::STANDARD};
use serde_json::{Value, json};

use crate::{
    ipc::queue::QueueMessage,
    syscall::SyscallOutput,
    vfs::{DirEntry, FileKind},
};

fn payload(bytes: &[u8]) -> Value {
    match std::str::from_utf8(bytes) {
        Ok(text) => Value::String(text.to_owned()),
        Err(_) => json!({ "base64": STANDARD.encode(bytes) }),
    }
}

fn duration(value: Duration) -> Value {
    json!({ "secs": value.as_secs(), "nanos": value.subsec_nanos() })
}

fn millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map(|elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

fn kind(kind: FileKind) -> &'static str {
    match kind {
        FileKind::File => "file",
        FileKind::Directory => "directory",
        FileKind::Symlink => "symlink",
    }
}

fn entry(entry: &DirEntry) -> Value {
    json!({
        "name": entry.name,
        "is_dir": entry.is_dir,
        "type": if entry.is_dir { "directory" } else { "file" },
    })
}

fn message(message: &QueueMessage) -> Value {
    json!({
        "id": message.id,
        "from": message.from.0,
        "data": payload(&message.data),
        "priority": message.priority,
        "timestamp_ms": millis(message.timestamp),
    })
}

impl SyscallOutput {
    /// The documented JSON form (see the variants), e.g. `{"type":"bytes","data":"hi"}`.
    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }

    fn to_value(&self) -> Value {
        match self {
            SyscallOutput::None => json!({ "type": "none" }),
            SyscallOutput::Bytes(bytes) => json!({ "type": "bytes", "data": payload(bytes) }),
            SyscallOutput::Entries(entries) => json!({
                "type": "entries",
                "entries": entries.iter().map(entry).collect::<Vec<_>>(),
            }),
            SyscallOutput::Bool(value) => json!({ "type": "bool", "value": value }),
            SyscallOutput::Text(value) => json!({ "type": "text", "value": value }),
            SyscallOutput::Count(value) => json!({ "type": "count", "value": value }),
            SyscallOutput::Time(value) => json!({ "type": "time", "value": duration(*value) }),
            SyscallOutput::Stat(stat) => json!({
                "type": "stat",
                "name": stat.name,
                "path": stat.path,
                "size": stat.size,
                "is_dir": stat.is_dir,
                "kind": kind(stat.kind),
                "mode": format!("{:o}", stat.mode),
                "modified": stat.modified,
                "extension": stat.extension,
            }),
            SyscallOutput::SystemInfo(info) => json!({
                "type": "system_info",
                "os": info.os,
                "arch": info.arch,
                "family": info.family,
                "kernel_version": info.kernel_version,
                "n_processes": info.n_processes,
            }),
            SyscallOutput::MemoryStats(stats) => json!({
                "type": "memory_stats",
                "total_memory": stats.total_memory,
                "used_memory": stats.used_memory,
                "available_memory": stats.available_memory,
                "usage_percentage": stats.usage_percentage,
                "allocated_blocks": stats.allocated_blocks,
            }),
            SyscallOutput::ProcessMemory(stats) => json!({
                "type": "process_memory",
                "pid": stats.pid.0,
                "allocated_bytes": stats.allocated_bytes,
                "peak_bytes": stats.peak_bytes,
                "allocation_count": stats.allocation_count,
            }),
            SyscallOutput::Fd(fd) => json!({ "type": "fd", "fd": fd }),
            SyscallOutput::PipeId(id) => json!({ "type": "pipe_id", "pipe_id": id.0 }),
            SyscallOutput::PipeStats(stats) => json!({
                "type": "pipe_stats",
                "id": stats.id.0,
                "reader_pid": stats.reader_pid.0,
                "writer_pid": stats.writer_pid.0,
                "capacity": stats.capacity,
                "buffered": stats.buffered,
                "closed": stats.closed,
            }),
            SyscallOutput::ShmId(id) => json!({ "type": "shm_id", "segment_id": id.0 }),
            SyscallOutput::ShmStats(stats) => json!({
                "type": "shm_stats",
                "id": stats.id.0,
                "size": stats.size,
                "owner_pid": stats.owner_pid.0,
                "attached_pids": stats.attached_pids.iter().map(|pid| pid.0).collect::<Vec<_>>(),
                "read_only_pids": stats.read_only_pids.iter().map(|pid| pid.0).collect::<Vec<_>>(),
            }),
            SyscallOutput::QueueId(id) => json!({ "type": "queue_id", "queue_id": id.0 }),
            SyscallOutput::QueueStats(stats) => json!({
                "type": "queue_stats",
                "id": stats.id.0,
                "queue_type": stats.kind,
                "owner_pid": stats.owner_pid.0,
                "capacity": stats.capacity,
                "length": stats.length,
                "subscriber_count": stats.subscriber_count,
                "closed": stats.closed,
            }),
            SyscallOutput::Message(received) => json!({
                "type": "message",
                "message": received.as_ref().map(message),
            }),
            SyscallOutput::Spawned {
                pid,
                os_pid,
                report,
            } => json!({
                "type": "spawned",
                "pid": pid.0,
                "os_pid": os_pid,
                "sandbox": report.layers.iter().map(|layer| json!({
                    "layer": layer.layer.name(),
                    "status": layer_status(&layer.status),
                })).collect::<Vec<_>>(),
            }),
            SyscallOutput::Exit(exit) => json!({
                "type": "exit",
                "exit": exit.as_ref().map(|exit| json!({
                    "code": exit.code,
                    "signal": exit.signal,
                    "timed_out": exit.timed_out,
                    "killed": exit.killed,
                    "oom_killed": exit.oom_killed,
                    "stdout": payload(&exit.stdout),
                    "stderr": payload(&exit.stderr),
                    "output_dropped": exit.output_dropped,
                    "duration": duration(exit.duration),
                })),
            }),
            SyscallOutput::ProcessInfo(info) => {
                let mut value = process_info(info);
                value["type"] = json!("process_info");
                value
            }
            SyscallOutput::ProcessList(list) => json!({
                "type": "process_list",
                "processes": list.iter().map(process_info).collect::<Vec<_>>(),
            }),
            SyscallOutput::ProcessState(state) => {
                json!({ "type": "process_state", "state": state.name() })
            }
            SyscallOutput::ProcessStats(stats) => json!({
                "type": "process_stats",
                "pid": stats.pid.0,
                "priority": stats.priority,
                "cpu_time_micros": stats.cpu_time_micros,
                "vruntime": stats.vruntime,
                "is_current": stats.is_current,
                "memory_bytes": stats.memory_bytes,
            }),
            SyscallOutput::MaybePid(pid) => json!({ "type": "pid", "pid": pid.map(|pid| pid.0) }),
            SyscallOutput::SchedulerStats(stats) => json!({
                "type": "scheduler_stats",
                "total_scheduled": stats.total_scheduled,
                "context_switches": stats.context_switches,
                "preemptions": stats.preemptions,
                "active_processes": stats.active_processes,
                "policy": stats.policy.name(),
                "quantum_micros": stats.quantum_micros,
            }),
            SyscallOutput::Socket(sockfd) => json!({ "type": "socket", "sockfd": sockfd }),
            SyscallOutput::Address(address) => {
                json!({ "type": "address", "address": address.to_string() })
            }
            SyscallOutput::Accepted(accepted) => json!({
                "type": "accepted",
                "client_fd": accepted.sockfd,
                "address": accepted.address.to_string(),
            }),
            SyscallOutput::Received(received) => json!({
                "type": "received",
                "data": payload(&received.data),
                "address": received.address.to_string(),
            }),
            #[cfg(feature = "http")]
            SyscallOutput::Http(response) => json!({
                "type": "http",
                "status": response.status,
                "headers": response.headers,
                "body": payload(&response.body),
                "truncated": response.truncated,
            }),
        }
    }
}

fn process_info(info: &crate::process::ProcessInfo) -> Value {
    json!({
        "pid": info.pid.0,
        "name": info.name,
        "state": info.state.name(),
        "priority": info.priority,
        "os_pid": info.os_pid,
    })
}

fn layer_status(status: &crate::process::LayerStatus) -> Value {
    match status {
        crate::process::LayerStatus::Enforced { detail } => {
            json!({ "enforced": true, "detail": detail })
        }
        crate::process::LayerStatus::Unavailable { reason } => {
            json!({ "enforced": false, "reason": reason })
        }
        _ => json!({ "enforced": false, "reason": "disabled" }),
    }
}
