//! Kernel metrics: per-syscall counters and latency histograms, IPC bytes and VFS operation
//! counts, exposed as Prometheus text by [`Metrics::encode`] (no HTTP here) and as p50/p95/p99
//! by [`Metrics::latency`].

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::Duration,
};

use prometheus_client::{
    encoding::{EncodeLabelSet, text::encode},
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{Histogram, exponential_buckets},
    },
    registry::Registry,
};

use crate::{
    error::Error,
    kernel::Kernel,
    latency::{LatencyHistogram, LatencySummary},
    syscall::SYSCALL_NAMES,
};

/// A view of one kernel's metrics, from [`Kernel::metrics`].
#[derive(Clone, Copy)]
pub struct KernelMetrics<'a> {
    pub(crate) kernel: &'a Kernel,
}

impl KernelMetrics<'_> {
    /// The Prometheus text exposition of every kernel metric: `agentos_kernel_syscalls_total`
    /// by call and result, `agentos_kernel_syscall_duration_seconds` histograms,
    /// `agentos_kernel_vfs_operations_total`, `agentos_kernel_ipc_bytes_total` by mechanism, and
    /// the `processes` and `ipc_objects` gauges.
    pub fn encode(&self) -> String {
        let inner = &self.kernel.inner;
        let ipc = &inner.ipc;
        inner.metrics.encode_with(&IpcTotals {
            pipe: ipc.pipes.bytes_moved(),
            shm: ipc.shm.bytes_moved(),
            queue: ipc.queues.bytes_moved(),
            objects: ipc.n_objects() as u64,
            processes: inner.pids.pids().len() as u64,
        })
    }

    /// p50/p95/p99 of one syscall's latency, by reference name (`read_file`); `None` for an
    /// unknown name.
    pub fn latency(&self, call: &str) -> Option<LatencySummary> {
        self.kernel.inner.metrics.latency(call)
    }

    /// How many times `call` finished with `result` (`ok`, `error` or `denied`); `None` for an
    /// unknown name or result.
    pub fn calls(&self, call: &str, result: &str) -> Option<u64> {
        self.kernel.inner.metrics.calls(call, result)
    }
}

/// The VFS operations counted by [`Metrics`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VfsOp {
    Read,
    Write,
    Create,
    Delete,
    Exists,
    Metadata,
    ListDir,
    CreateDir,
    RemoveDir,
    Copy,
    Rename,
    Truncate,
    SetPermissions,
    Open,
}

const VFS_OP_NAMES: [&str; 14] = [
    "read",
    "write",
    "create",
    "delete",
    "exists",
    "metadata",
    "list_dir",
    "create_dir",
    "remove_dir",
    "copy",
    "rename",
    "truncate",
    "set_permissions",
    "open",
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CallLabels {
    call: String,
    result: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct NameLabels {
    name: String,
}

/// Handles for one syscall, created once so recording never looks up a label set.
struct CallMetrics {
    ok: Counter,
    error: Counter,
    denied: Counter,
    duration: Histogram,
    latency: LatencyHistogram,
}

/// The kernel's metrics store. Recording is lock-free on the counters; only the Prometheus
/// histogram takes a short lock per observation.
pub(crate) struct Metrics {
    registry: Registry,
    calls: Vec<CallMetrics>,
    vfs_ops: Vec<Counter>,
    ipc_bytes: Family<NameLabels, Counter>,
    ipc_seen: [AtomicU64; 3],
    processes: Gauge,
    ipc_objects: Gauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

/// IPC byte totals handed to [`Metrics::encode_with`].
pub(crate) struct IpcTotals {
    pub(crate) pipe: u64,
    pub(crate) shm: u64,
    pub(crate) queue: u64,
    pub(crate) objects: u64,
    pub(crate) processes: u64,
}

impl Metrics {
    pub(crate) fn new() -> Metrics {
        let mut registry = Registry::with_prefix("agentos_kernel");
        let calls_total = Family::<CallLabels, Counter>::default();
        let durations = Family::<NameLabels, Histogram>::new_with_constructor(|| {
            // 100 ns to about 3.4 s.
            Histogram::new(exponential_buckets(1e-7, 2.0, 26))
        });
        registry.register(
            "syscalls",
            "Syscalls by name and result (ok, error, denied)",
            calls_total.clone(),
        );
        registry.register(
            "syscall_duration_seconds",
            "Syscall latency, capability check included",
            durations.clone(),
        );
        let calls = SYSCALL_NAMES
            .iter()
            .map(|name| {
                let counter = |result: &str| {
                    calls_total
                        .get_or_create(&CallLabels {
                            call: (*name).to_owned(),
                            result: result.to_owned(),
                        })
                        .clone()
                };
                CallMetrics {
                    ok: counter("ok"),
                    error: counter("error"),
                    denied: counter("denied"),
                    duration: durations
                        .get_or_create(&NameLabels {
                            name: (*name).to_owned(),
                        })
                        .clone(),
                    latency: LatencyHistogram::default(),
                }
            })
            .collect();
        let vfs_family = Family::<NameLabels, Counter>::default();
        registry.register(
            "vfs_operations",
            "VFS operations run by syscalls",
            vfs_family.clone(),
        );
        let vfs_ops = VFS_OP_NAMES
            .iter()
            .map(|name| {
                vfs_family
                    .get_or_create(&NameLabels {
                        name: (*name).to_owned(),
                    })
                    .clone()
            })
            .collect();
        let ipc_bytes = Family::<NameLabels, Counter>::default();
        registry.register(
            "ipc_bytes",
            "Bytes moved through pipes, shared memory and queues",
            ipc_bytes.clone(),
        );
        let processes = Gauge::default();
        registry.register("processes", "Live PIDs", processes.clone());
        let ipc_objects = Gauge::default();
        registry.register(
            "ipc_objects",
            "Live pipes, segments and queues",
            ipc_objects.clone(),
        );
        Metrics {
            registry,
            calls,
            vfs_ops,
            ipc_bytes,
            ipc_seen: Default::default(),
            processes,
            ipc_objects,
        }
    }

    pub(crate) fn record(&self, index: usize, result: Result<(), &Error>, elapsed: Duration) {
        let Some(call) = self.calls.get(index) else {
            return;
        };
        match result {
            Ok(()) => call.ok.inc(),
            Err(Error::PermissionDenied { .. }) => call.denied.inc(),
            Err(_) => call.error.inc(),
        };
        call.duration.observe(elapsed.as_secs_f64());
        call.latency.record(elapsed);
    }

    pub(crate) fn count_vfs(&self, op: VfsOp) {
        if let Some(counter) = self.vfs_ops.get(op as usize) {
            counter.inc();
        }
    }

    pub(crate) fn latency(&self, call: &str) -> Option<LatencySummary> {
        let index = SYSCALL_NAMES.iter().position(|name| *name == call)?;
        Some(self.calls[index].latency.summary())
    }

    pub(crate) fn calls(&self, call: &str, result: &str) -> Option<u64> {
        let index = SYSCALL_NAMES.iter().position(|name| *name == call)?;
        let metrics = &self.calls[index];
        match result {
            "ok" => Some(metrics.ok.get()),
            "error" => Some(metrics.error.get()),
            "denied" => Some(metrics.denied.get()),
            _ => None,
        }
    }

    pub(crate) fn encode_with(&self, totals: &IpcTotals) -> String {
        for (slot, (name, total)) in [
            ("pipe", totals.pipe),
            ("shm", totals.shm),
            ("queue", totals.queue),
        ]
        .into_iter()
        .enumerate()
        {
            let previous = self.ipc_seen[slot].swap(total, Ordering::AcqRel);
            self.ipc_bytes
                .get_or_create(&NameLabels {
                    name: name.to_owned(),
                })
                .inc_by(total.saturating_sub(previous));
        }
        self.processes
            .set(i64::try_from(totals.processes).unwrap_or(i64::MAX));
        self.ipc_objects
            .set(i64::try_from(totals.objects).unwrap_or(i64::MAX));
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut text, &self.registry);
        text
    }
}
