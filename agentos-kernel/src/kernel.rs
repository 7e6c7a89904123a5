//! The [`Kernel`] handle: PIDs and their sandboxes, the mount table, IPC, metrics, and syscall
//! dispatch (blocking and awaiting).

use std::{
    future::Future,
    sync::Arc,
    time::{Duration, Instant},
};

use crate::{
    access::Caller,
    capability::{CapabilityKind, CapabilitySet},
    error::{Error, Result},
    ipc::{
        Ipc,
        pipe::{PipeId, PipeStats},
        queue::{QueueId, QueueMessage, QueueStats},
        shm::{SharedBytes, ShmId, ShmStats},
    },
    metrics::{KernelMetrics, Metrics, VfsOp},
    path::VfsPath,
    pid_table::PidTable,
    process::Pid,
    queue_handle::QueueHandle,
    sandbox::SandboxPolicy,
    syscall::{Syscall, SyscallOutput},
    timer::Timer,
    vfs::{FileSystem, MemFs, MountInfo, MountTable},
};

/// Sizes of the kernel's own filesystems, its memory budget, and how many sandboxes it keeps
/// ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KernelConfig {
    /// Capacity of the `MemFs` at `/` (which holds the mount points): 16 MB.
    pub root_capacity: u64,
    /// Capacity of the `MemFs` at `/tmp`: 100 MB, as the reference.
    pub tmp_capacity: u64,
    /// Capacity of the `MemFs` at `/cache`: 50 MB, as the reference.
    pub cache_capacity: u64,
    /// The memory budget `get_memory_stats` reports against: 1 GiB, as the reference.
    pub memory_bytes: u64,
    /// Sandboxes (pre-forked processes already inside fresh namespaces, one child each) kept
    /// ready per kind of sandbox for the next spawns: 2. With 0, every spawn makes its
    /// namespaces on its own path.
    pub ready_sandboxes: usize,
}

impl Default for KernelConfig {
    fn default() -> KernelConfig {
        KernelConfig {
            root_capacity: 16 * MB,
            tmp_capacity: 100 * MB,
            cache_capacity: 50 * MB,
            memory_bytes: 1024 * MB,
            ready_sandboxes: 2,
        }
    }
}

const MB: u64 = 1024 * 1024;

/// A handle to one kernel. Cheap to clone; every clone sees the same processes, files and IPC.
#[derive(Clone)]
pub struct Kernel {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) pids: PidTable,
    pub(crate) mounts: MountTable,
    pub(crate) ipc: Ipc,
    pub(crate) timer: Arc<Timer>,
    pub(crate) metrics: Metrics,
    pub(crate) started: Instant,
    /// The kernel's own in-memory filesystems, for memory accounting.
    pub(crate) memfs: Vec<MemFs>,
    /// Kernel II's state: OS children, scheduler, memory manager, sockets.
    pub(crate) runtime: crate::process::Runtime,
}

impl Default for Kernel {
    fn default() -> Kernel {
        Kernel::new()
    }
}

impl std::fmt::Debug for Kernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kernel")
            .field("pids", &self.inner.pids.pids())
            .field("mounts", &self.inner.mounts.mounts())
            .finish_non_exhaustive()
    }
}

impl Kernel {
    /// A kernel with the default [`KernelConfig`]: an empty process table and `MemFs` mounts at
    /// `/`, `/tmp` (100 MB) and `/cache` (50 MB).
    pub fn new() -> Kernel {
        Kernel::with_config(KernelConfig::default())
    }

    /// A kernel with the given filesystem sizes and memory budget.
    pub fn with_config(config: KernelConfig) -> Kernel {
        let memory_total = config.memory_bytes;
        let mounts = MountTable::new();
        let root = MemFs::with_capacity(config.root_capacity);
        let tmp = MemFs::with_capacity(config.tmp_capacity);
        let cache = MemFs::with_capacity(config.cache_capacity);
        // The table is empty and the points are distinct, so none of these can fail.
        let _ = mounts.mount(VfsPath::root(), Arc::new(root.clone()));
        let _ = mounts.mount(VfsPath::new("/tmp"), Arc::new(tmp.clone()));
        let _ = mounts.mount(VfsPath::new("/cache"), Arc::new(cache.clone()));
        Kernel {
            inner: Arc::new(Inner {
                pids: PidTable::default(),
                mounts,
                ipc: Ipc::default(),
                timer: Arc::new(Timer::default()),
                metrics: Metrics::new(),
                started: Instant::now(),
                memfs: vec![root, tmp, cache],
                runtime: crate::process::Runtime::new(memory_total, config.ready_sandboxes),
            }),
        }
    }

    /// Registers a process called `name` holding exactly `capabilities` (their own path scopes
    /// decide which paths it reaches) and returns its new PID.
    pub fn create_process(&self, name: &str, capabilities: CapabilitySet) -> Pid {
        self.create_process_with(name, SandboxPolicy::from_capabilities(capabilities))
    }

    /// Registers a process called `name` under `policy` and returns its new PID.
    pub fn create_process_with(&self, name: &str, policy: SandboxPolicy) -> Pid {
        self.inner.pids.insert(name, policy)
    }

    /// Replaces a PID's whole sandbox policy (capabilities, both path lists and limits).
    /// Descriptors already open stay open, as in POSIX.
    ///
    /// # Errors
    /// `NoSuchProcess`.
    pub fn update_sandbox(&self, pid: Pid, policy: SandboxPolicy) -> Result<()> {
        self.inner.pids.get(pid)?.set_policy(policy);
        Ok(())
    }

    /// A copy of a PID's sandbox policy.
    ///
    /// # Errors
    /// `NoSuchProcess`.
    pub fn sandbox(&self, pid: Pid) -> Result<SandboxPolicy> {
        Ok((*self.inner.pids.get(pid)?.policy()).clone())
    }

    /// Removes a process and frees everything it holds: descriptors, pipes it is an endpoint
    /// of, segments and queues it owns, its attachments and subscriptions, and Kernel II's
    /// state for it (its OS child, killed with its process group if still running; its
    /// scheduler entry, memory account and sockets).
    ///
    /// # Errors
    /// `NoSuchProcess` when `pid` is not running.
    pub fn exit(&self, pid: Pid) -> Result<()> {
        let entry = self.inner.pids.remove(pid)?;
        entry
            .alive
            .store(false, std::sync::atomic::Ordering::Release);
        self.release_runtime(pid);
        self.inner.ipc.cleanup(pid);
        let mut state = entry.state.lock();
        state.fds = Default::default();
        state.env.clear();
        Ok(())
    }

    /// The name a process was created with.
    ///
    /// # Errors
    /// `NoSuchProcess` when `pid` is not running.
    pub fn process_name(&self, pid: Pid) -> Result<String> {
        Ok(self.inner.pids.get(pid)?.name.clone())
    }

    /// Kernel II's per-kernel state: OS children, scheduler, memory manager, sockets.
    pub(crate) fn runtime(&self) -> &crate::process::Runtime {
        &self.inner.runtime
    }

    /// A copy of the capabilities `pid` holds (Kernel II's name for [`Kernel::capabilities`]).
    ///
    /// # Errors
    /// `NoSuchProcess` when `pid` is not running.
    pub(crate) fn capabilities_of(&self, pid: Pid) -> Result<CapabilitySet> {
        self.capabilities(pid)
    }

    /// The capabilities `pid` holds.
    ///
    /// # Errors
    /// `NoSuchProcess` when `pid` is not running.
    pub fn capabilities(&self, pid: Pid) -> Result<CapabilitySet> {
        Ok(self.inner.pids.get(pid)?.policy().capabilities.clone())
    }

    /// Live PIDs, ascending.
    pub fn pids(&self) -> Vec<Pid> {
        self.inner.pids.pids()
    }

    /// Mounts `fs` at `point` (e.g. a [`crate::LocalFs`] data directory at `/system`).
    ///
    /// # Errors
    /// `AlreadyMounted`.
    pub fn mount(&self, point: &str, fs: Arc<dyn FileSystem>) -> Result<()> {
        self.inner.mounts.mount(VfsPath::new(point), fs)
    }

    /// Mounts `fs` at `point` so that every write through it fails with `ReadOnly`.
    ///
    /// # Errors
    /// `AlreadyMounted`.
    pub fn mount_read_only(&self, point: &str, fs: Arc<dyn FileSystem>) -> Result<()> {
        self.inner.mounts.mount_read_only(VfsPath::new(point), fs)
    }

    /// Unmounts the filesystem at `point`.
    ///
    /// # Errors
    /// `NotMounted`.
    pub fn unmount(&self, point: &str) -> Result<Arc<dyn FileSystem>> {
        self.inner.mounts.unmount(&VfsPath::new(point))
    }

    /// The mounts, longest mount point first.
    pub fn mounts(&self) -> Vec<MountInfo> {
        self.inner.mounts.mounts()
    }

    /// The whole VFS with the kernel's own authority: no capability checks. For the host
    /// program's trusted code (persisting `/system`), never for app PIDs.
    pub fn vfs(&self) -> &MountTable {
        &self.inner.mounts
    }

    /// The kernel's metrics.
    pub fn metrics(&self) -> KernelMetrics<'_> {
        KernelMetrics { kernel: self }
    }

    /// Runs `call` on behalf of `pid` after checking its capabilities and sandbox paths.
    /// Calls that would wait (an empty pipe, a sleep) answer `WouldBlock`; use
    /// [`Kernel::syscall_async`] to wait instead.
    ///
    /// # Errors
    /// `NoSuchProcess` for an unknown PID, `PermissionDenied` naming the PID, capability and
    /// path when the call is not allowed, and the call's own errors otherwise.
    ///
    /// # Capabilities
    /// Each [`Syscall`] variant documents the capability it needs.
    pub fn syscall(&self, pid: Pid, call: Syscall) -> Result<SyscallOutput> {
        let started = Instant::now();
        let index = call.index();
        let result = self
            .caller(pid)
            .and_then(|caller| self.dispatch(&caller, call));
        self.inner
            .metrics
            .record(index, result.as_ref().map(|_| ()), started.elapsed());
        result
    }

    /// Like [`Kernel::syscall`], but waits instead of answering `WouldBlock`: `sleep` waits on
    /// the kernel's timer, `read_pipe` for data or end of file, `write_pipe` for space, and
    /// `receive_queue` for a message, `wait_process` for the child's exit. No thread is
    /// blocked; any executor can drive the future.
    ///
    /// # Errors
    /// As for [`Kernel::syscall`].
    pub fn syscall_async(
        &self,
        pid: Pid,
        call: Syscall,
    ) -> impl Future<Output = Result<SyscallOutput>> + Send + 'static {
        let kernel = self.clone();
        async move {
            let started = Instant::now();
            let index = call.index();
            let result = match kernel.caller(pid) {
                Ok(caller) => kernel.dispatch_async(&caller, call).await,
                Err(err) => Err(err),
            };
            kernel
                .inner
                .metrics
                .record(index, result.as_ref().map(|_| ()), started.elapsed());
            result
        }
    }

    async fn dispatch_async(&self, caller: &Caller, call: Syscall) -> Result<SyscallOutput> {
        let ipc = &self.inner.ipc;
        match call {
            Syscall::Sleep { duration_ms } => {
                let duration = self.check_sleep(caller, duration_ms)?;
                self.inner.timer.sleep(duration).await;
                Ok(SyscallOutput::None)
            }
            Syscall::ReadPipe { pipe_id, size } => {
                self.require(caller, CapabilityKind::ReceiveMessage)?;
                ipc.pipes
                    .read_async(caller.pid, pipe_id, size)
                    .await
                    .map(SyscallOutput::Bytes)
            }
            Syscall::WritePipe { pipe_id, data } => {
                self.require(caller, CapabilityKind::SendMessage)?;
                ipc.pipes
                    .write_async(caller.pid, pipe_id, &data)
                    .await
                    .map(|n| SyscallOutput::Count(n as u64))
            }
            Syscall::ReceiveQueue { queue_id } => {
                self.require(caller, CapabilityKind::ReceiveMessage)?;
                ipc.queues
                    .receive_async(caller.pid, queue_id)
                    .await
                    .map(|message| SyscallOutput::Message(Some(message)))
            }
            Syscall::WaitProcess {
                target_pid,
                timeout_ms,
            } => self
                .wait_process_async(
                    caller.pid,
                    target_pid,
                    timeout_ms.map(Duration::from_millis),
                )
                .await
                .map(|info| SyscallOutput::Exit(Some(info))),
            other if other.index() >= 63 => self.exec_net_async(caller, other).await,
            other => self.dispatch(caller, other),
        }
    }

    fn dispatch(&self, caller: &Caller, call: Syscall) -> Result<SyscallOutput> {
        match call.index() {
            0..=13 => self.exec_fs(caller, call),
            14..=17 => self.exec_system(caller, call),
            18..=19 => self.exec_time(caller, call),
            20..=22 => self.exec_memory(caller, call),
            23..=28 => self.exec_fd(caller, call),
            29..=34 => self.exec_pipe(caller, call),
            35..=41 => self.exec_shm(caller, call),
            42..=49 => self.exec_queue(caller, call),
            50..=62 => self.exec_process(caller, call),
            _ => self.exec_net(caller, call),
        }
    }

    pub(crate) fn count_vfs(&self, op: VfsOp) {
        self.inner.metrics.count_vfs(op);
    }

    /// Reads up to `max` bytes from descriptor `fd` of `pid` at its offset, advancing it.
    ///
    /// # Errors
    /// `NoSuchProcess`, `BadDescriptor` (also for a write-only descriptor), backend errors.
    pub fn fd_read(&self, pid: Pid, fd: u32, max: usize) -> Result<Vec<u8>> {
        let entry = self.inner.pids.get(pid)?;
        let state = entry.state.lock();
        state.fds.read(pid, fd, max)
    }

    /// Writes `data` through descriptor `fd` of `pid` at its offset (the end with `O_APPEND`).
    ///
    /// # Errors
    /// `NoSuchProcess`, `BadDescriptor` (also for a read-only descriptor), `OutOfSpace`,
    /// backend errors.
    pub fn fd_write(&self, pid: Pid, fd: u32, data: &[u8]) -> Result<usize> {
        let entry = self.inner.pids.get(pid)?;
        let state = entry.state.lock();
        state.fds.write(pid, fd, data)
    }

    /// Reads shared memory without copying: the bytes share the segment's memory until its
    /// next write.
    ///
    /// # Errors
    /// As the `read_shm` syscall.
    ///
    /// # Capabilities
    /// `ReceiveMessage`.
    pub fn shm_read_shared(
        &self,
        pid: Pid,
        segment: ShmId,
        offset: usize,
        len: usize,
    ) -> Result<SharedBytes> {
        let caller = self.caller(pid)?;
        self.require(&caller, CapabilityKind::ReceiveMessage)?;
        self.inner.ipc.shm.read(pid, segment, offset, len)
    }

    /// Waits for space in a pipe, then writes as much of `data` as fits and returns the count.
    /// The borrowed-slice form of an awaiting `write_pipe`.
    ///
    /// # Errors
    /// As the `write_pipe` syscall (never `WouldBlock`).
    ///
    /// # Capabilities
    /// `SendMessage`.
    pub async fn pipe_write(&self, pid: Pid, pipe: PipeId, data: &[u8]) -> Result<usize> {
        self.require_fast(pid, CapabilityKind::SendMessage)?;
        self.inner.ipc.pipes.write_async(pid, pipe, data).await
    }

    /// Waits for data (or end of file, answered with an empty vector) in a pipe, then reads up
    /// to `max` bytes. The library form of an awaiting `read_pipe`.
    ///
    /// # Errors
    /// As the `read_pipe` syscall (never `WouldBlock`).
    ///
    /// # Capabilities
    /// `ReceiveMessage`.
    pub async fn pipe_read(&self, pid: Pid, pipe: PipeId, max: usize) -> Result<Vec<u8>> {
        self.require_fast(pid, CapabilityKind::ReceiveMessage)?;
        self.inner.ipc.pipes.read_async(pid, pipe, max).await
    }

    /// A snapshot of a pipe.
    ///
    /// # Errors
    /// `NotFound`.
    pub fn pipe_stats(&self, pipe: PipeId) -> Result<PipeStats> {
        self.inner.ipc.pipes.stats(pipe)
    }

    /// A snapshot of a segment.
    ///
    /// # Errors
    /// `NotFound`.
    pub fn shm_stats(&self, segment: ShmId) -> Result<ShmStats> {
        self.inner.ipc.shm.stats(segment)
    }

    /// A snapshot of a queue.
    ///
    /// # Errors
    /// `NotFound`.
    pub fn queue_stats(&self, queue: QueueId) -> Result<QueueStats> {
        self.inner.ipc.queues.stats(queue)
    }

    /// Sends on a queue without building a [`Syscall`]: the same checks, fewer allocations.
    ///
    /// # Errors
    /// As the `send_queue` syscall.
    ///
    /// # Capabilities
    /// `SendMessage`.
    pub fn queue_send(&self, pid: Pid, queue: QueueId, data: Vec<u8>, priority: u8) -> Result<()> {
        self.require_fast(pid, CapabilityKind::SendMessage)?;
        self.inner.ipc.queues.send(pid, queue, data, priority)
    }

    /// Receives from a queue without building a [`Syscall`]; `None` when nothing waits.
    ///
    /// # Errors
    /// As the `receive_queue` syscall.
    ///
    /// # Capabilities
    /// `ReceiveMessage`.
    pub fn queue_receive(&self, pid: Pid, queue: QueueId) -> Result<Option<QueueMessage>> {
        self.require_fast(pid, CapabilityKind::ReceiveMessage)?;
        self.inner.ipc.queues.receive(pid, queue)
    }

    /// Waits for the next message on a queue.
    ///
    /// # Errors
    /// As the `receive_queue` syscall, plus `Closed` once a closed queue is drained.
    ///
    /// # Capabilities
    /// `ReceiveMessage`.
    pub fn queue_receive_async(
        &self,
        pid: Pid,
        queue: QueueId,
    ) -> impl Future<Output = Result<QueueMessage>> + Send + 'static {
        let kernel = self.clone();
        async move {
            kernel.require_fast(pid, CapabilityKind::ReceiveMessage)?;
            kernel.inner.ipc.queues.receive_async(pid, queue).await
        }
    }

    /// Checks a path-free capability without cloning the PID's entry.
    fn require_fast(&self, pid: Pid, kind: CapabilityKind) -> Result<()> {
        if self.inner.pids.with(pid, |entry| entry.holds(kind))? {
            Ok(())
        } else {
            Err(Error::PermissionDenied {
                pid,
                capability: kind,
                path: "-".into(),
            })
        }
    }

    /// Opens queue `queue` for `pid`: the queue is looked up once, and each call on the handle
    /// re-checks only that the PID is alive and still holds the capability the call needs
    /// (two atomic loads), as a descriptor skips the path walk after `open`.
    ///
    /// # Errors
    /// `NoSuchProcess`, `NotFound`.
    pub fn open_queue(&self, pid: Pid, queue: QueueId) -> Result<QueueHandle> {
        let entry = self.inner.pids.get(pid)?;
        let queue = self.inner.ipc.queues.lookup(queue)?;
        Ok(QueueHandle::new(self.clone(), pid, entry, queue))
    }

    /// Time since the kernel started.
    pub fn uptime(&self) -> Duration {
        self.inner.started.elapsed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Capability, DirEntry};

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn kernel_is_send_and_sync() {
        assert_send_sync::<Kernel>();
    }

    #[test]
    fn pids_are_distinct_and_start_at_one() {
        let kernel = Kernel::new();
        let a = kernel.create_process("a", CapabilitySet::new());
        let b = kernel.create_process("b", CapabilitySet::new());
        assert_eq!(a, Pid(1));
        assert_eq!(b, Pid(2));
        assert_eq!(kernel.process_name(b).unwrap(), "b");
    }

    #[test]
    fn new_pid_is_denied_with_pid_capability_and_path() {
        let kernel = Kernel::new();
        let pid = kernel.create_process("app", CapabilitySet::new());
        let err = kernel
            .syscall(
                pid,
                Syscall::ReadFile {
                    path: "/tmp/../tmp/a".into(),
                },
            )
            .unwrap_err();
        assert_eq!(
            err,
            Error::PermissionDenied {
                pid,
                capability: CapabilityKind::ReadFile,
                path: "/tmp/a".into()
            }
        );
        assert_eq!(
            err.to_string(),
            format!("pid {pid}: capability READ_FILE not held for /tmp/a")
        );
    }

    #[test]
    fn scoped_capabilities_allow_inside_and_deny_outside() {
        let kernel = Kernel::new();
        let caps = CapabilitySet::new()
            .grant(Capability::WriteFile(Some("/tmp".into())))
            .grant(Capability::ReadFile(Some("/tmp".into())))
            .grant(Capability::ListDirectory(Some("/tmp".into())));
        let pid = kernel.create_process("app", caps);
        kernel
            .syscall(
                pid,
                Syscall::WriteFile {
                    path: "/tmp/a".into(),
                    data: b"1".to_vec(),
                },
            )
            .unwrap();
        assert_eq!(
            kernel
                .syscall(
                    pid,
                    Syscall::ListDirectory {
                        path: "/tmp".into()
                    }
                )
                .unwrap(),
            SyscallOutput::Entries(vec![DirEntry {
                name: "a".into(),
                is_dir: false
            }])
        );
        let escape = kernel.syscall(
            pid,
            Syscall::ReadFile {
                path: "/tmp/../etc/passwd".into(),
            },
        );
        assert!(matches!(escape, Err(Error::PermissionDenied { .. })));
    }

    #[test]
    fn exited_pid_is_gone() {
        let kernel = Kernel::new();
        let pid = kernel.create_process("app", CapabilitySet::all());
        kernel.exit(pid).unwrap();
        assert_eq!(
            kernel.syscall(
                pid,
                Syscall::ReadFile {
                    path: "/tmp/a".into()
                }
            ),
            Err(Error::NoSuchProcess(pid))
        );
        assert_eq!(kernel.exit(pid), Err(Error::NoSuchProcess(pid)));
    }
}
