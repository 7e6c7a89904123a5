//! Plain-data descriptions of a child process to start: program, arguments, environment,
//! working directory, resource limits and the sandbox it runs in.

use std::{path::PathBuf, time::Duration};

/// Default cap on captured bytes per stream (stdout, stderr): 1 MiB.
pub const DEFAULT_OUTPUT_LIMIT: usize = 1024 * 1024;

/// What to start and under which sandbox. Build one by hand or from a [`SandboxPreset`].
///
/// [`SandboxPreset`]: crate::SandboxPreset
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpawnSpec {
    /// A name for the kernel process table; defaults to the program's file name when empty.
    pub name: String,
    /// The program: an absolute path, or a bare name looked up in `/usr/local/bin`, `/usr/bin`
    /// and `/bin`. Never run through a shell.
    pub program: String,
    /// Arguments, passed verbatim (no quoting, no globbing, no expansion).
    pub args: Vec<String>,
    /// The whole environment of the child; nothing is inherited from the kernel.
    pub env: Vec<(String, String)>,
    /// Working directory; must lie inside `allowed_read` or `allowed_write`. `None`: the first
    /// writable path, else `/`.
    pub cwd: Option<PathBuf>,
    /// Kernel priority (0–255, higher is more important); also sets the nice value.
    pub priority: u8,
    /// Resource limits.
    pub limits: Limits,
    /// Host paths the child may read (and execute) beneath.
    pub allowed_read: Vec<PathBuf>,
    /// Host paths the child may read and write beneath.
    pub allowed_write: Vec<PathBuf>,
    /// May the child use the network? Without it: a fresh network namespace, no TCP by
    /// Landlock, and `socket` for anything but `AF_UNIX` fails with `EPERM`.
    pub network: bool,
    /// With `network`, TCP ports the child may connect to (empty: any).
    pub connect_ports: Vec<u16>,
    /// With `network`, TCP ports the child may bind (empty: none, as for kernel sockets).
    /// Needs a `BindPort` capability admitting each port.
    pub bind_ports: Vec<u16>,
    /// With `network`, the child may bind any TCP port (an unscoped `BindPort` capability,
    /// which the caller must hold).
    pub bind_any_port: bool,
    /// Which sandbox layers to apply.
    pub layers: SandboxLayers,
    /// Fail the spawn when a requested layer cannot be enforced here, instead of reporting it.
    pub strict: bool,
    /// Send output chunks to a stream as they arrive (see `ChildProcess::output_stream`).
    pub stream_output: bool,
}

impl SpawnSpec {
    /// A spec for `program` with `args`, no access to anything, and every layer on.
    pub fn new(
        program: impl Into<String>,
        args: impl IntoIterator<Item = impl Into<String>>,
    ) -> SpawnSpec {
        SpawnSpec {
            name: String::new(),
            program: program.into(),
            args: args.into_iter().map(Into::into).collect(),
            env: Vec::new(),
            cwd: None,
            priority: 5,
            limits: Limits::default(),
            allowed_read: Vec::new(),
            allowed_write: Vec::new(),
            network: false,
            connect_ports: Vec::new(),
            bind_ports: Vec::new(),
            bind_any_port: false,
            layers: SandboxLayers::all(),
            strict: false,
            stream_output: false,
        }
    }
}

/// Resource limits of a child. `None` leaves a limit unset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Physical memory, enforced by the memory cgroup (the OOM killer ends the child).
    pub memory_bytes: Option<u64>,
    /// Virtual address space (`RLIMIT_AS`); allocations beyond it fail.
    pub address_space_bytes: Option<u64>,
    /// CPU seconds (`RLIMIT_CPU`); the child is killed when it reaches them.
    pub cpu_seconds: Option<u64>,
    /// Share of one CPU in percent, enforced by the CPU cgroup (100 = one full core).
    pub cpu_percent: Option<u32>,
    /// Open files (`RLIMIT_NOFILE`).
    pub open_files: Option<u64>,
    /// Processes and threads in the child's tree (the pids cgroup).
    pub processes: Option<u64>,
    /// Largest file the child may write (`RLIMIT_FSIZE`).
    pub file_size_bytes: Option<u64>,
    /// Wall-clock time after which the whole process group is killed.
    pub wall_timeout: Option<Duration>,
    /// Captured bytes kept per stream; the rest is counted and dropped.
    pub output_bytes: usize,
}

impl Default for Limits {
    /// The reference's default limits: 100 MB, 60 s CPU, 1024 files, 10 processes.
    fn default() -> Limits {
        Limits {
            memory_bytes: Some(100 * 1024 * 1024),
            address_space_bytes: Some(2 * 1024 * 1024 * 1024),
            cpu_seconds: Some(60),
            cpu_percent: None,
            open_files: Some(1024),
            processes: Some(10),
            file_size_bytes: Some(100 * 1024 * 1024),
            wall_timeout: None,
            output_bytes: DEFAULT_OUTPUT_LIMIT,
        }
    }
}

/// Which sandbox layers a spawn asks for. Each requested layer is either enforced or reported
/// as unavailable in the spawn's [`SandboxReport`](crate::SandboxReport).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SandboxLayers {
    /// Resource limits (`setrlimit`).
    pub rlimits: bool,
    /// Landlock filesystem (and TCP) rules.
    pub landlock: bool,
    /// The seccomp deny-list.
    pub seccomp: bool,
    /// User, PID, mount, IPC (and network) namespaces.
    pub namespaces: bool,
    /// Memory, pids and CPU cgroups.
    pub cgroups: bool,
}

impl SandboxLayers {
    /// Every layer on.
    pub fn all() -> SandboxLayers {
        SandboxLayers {
            rlimits: true,
            landlock: true,
            seccomp: true,
            namespaces: true,
            cgroups: true,
        }
    }

    /// Every layer off: a bare child with only the kernel's process hygiene (cleared
    /// environment, own process group, bounded output).
    pub fn none() -> SandboxLayers {
        SandboxLayers {
            rlimits: false,
            landlock: false,
            seccomp: false,
            namespaces: false,
            cgroups: false,
        }
    }
}
