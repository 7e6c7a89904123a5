//! The reference's sandbox presets, `minimal`, `standard` and `privileged`, as [`SpawnSpec`]
//! builders. Each grants explicit read-only access to the system's executable and library
//! folders (never the whole filesystem, except `privileged`).

use std::{path::PathBuf, str::FromStr, time::Duration};

use crate::{
    error::Error,
    process::spec::{Limits, SandboxLayers, SpawnSpec},
};

/// Folders holding executables and shared libraries, granted read+execute by the presets
/// when they exist on this host.
pub const SYSTEM_READ_PATHS: &[&str] = &[
    "/bin",
    "/sbin",
    "/usr",
    "/lib",
    "/lib64",
    "/lib32",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/alternatives",
    "/etc/localtime",
    "/dev/zero",
    "/dev/urandom",
    "/dev/random",
];

/// Device files every preset may write (the bit bucket).
pub const SYSTEM_WRITE_PATHS: &[&str] = &["/dev/null"];

/// A named sandbox level.
///
/// ```
/// use agentos_kernel::{CapabilitySet, Kernel, SandboxPreset};
///
/// let kernel = Kernel::new();
/// let shell = kernel.create_process("shell", CapabilitySet::all());
/// let spawned = kernel.spawn_process(shell, SandboxPreset::Standard.spec("/bin/echo", ["hi"]))?;
/// println!("{}", spawned.report); // one line per layer: enforced, or why not
/// let exit = kernel.wait_process(shell, spawned.pid, None)?;
/// assert_eq!(exit.stdout, b"hi\n");
/// assert_eq!(exit.to_string(), "exited with code 0");
/// # Ok::<(), agentos_kernel::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SandboxPreset {
    /// Run system binaries only: no writes, no network, tight limits (32 MB, 5 s CPU,
    /// 16 files, 1 process).
    Minimal,
    /// Ordinary programs: system folders read-only, the reference's default limits
    /// (100 MB, 60 s CPU, 1024 files, 10 processes), no network.
    Standard,
    /// Trusted programs: the whole filesystem read-only, network, 2 GB, 300 s CPU, 500 files,
    /// 50 processes. Namespaces other than the network one still apply.
    Privileged,
}

impl SandboxPreset {
    /// The preset's name as the CLI spells it.
    pub fn name(self) -> &'static str {
        match self {
            SandboxPreset::Minimal => "minimal",
            SandboxPreset::Standard => "standard",
            SandboxPreset::Privileged => "privileged",
        }
    }

    /// A spec that runs `program` with `args` under this preset. Add `allowed_read`,
    /// `allowed_write`, `network` and so on to the returned value.
    pub fn spec(
        self,
        program: impl Into<String>,
        args: impl IntoIterator<Item = impl Into<String>>,
    ) -> SpawnSpec {
        let mut spec = SpawnSpec::new(program, args);
        spec.allowed_read = existing(SYSTEM_READ_PATHS);
        spec.allowed_write = existing(SYSTEM_WRITE_PATHS);
        spec.layers = SandboxLayers::all();
        match self {
            SandboxPreset::Minimal => {
                spec.limits = Limits {
                    memory_bytes: Some(32 * 1024 * 1024),
                    address_space_bytes: Some(256 * 1024 * 1024),
                    cpu_seconds: Some(5),
                    cpu_percent: Some(50),
                    open_files: Some(16),
                    processes: Some(1),
                    file_size_bytes: Some(1024 * 1024),
                    wall_timeout: Some(Duration::from_secs(30)),
                    ..Limits::default()
                };
                spec.priority = 2;
            }
            SandboxPreset::Standard => {
                spec.limits = Limits::default();
                spec.priority = 5;
            }
            SandboxPreset::Privileged => {
                spec.allowed_read = vec![PathBuf::from("/")];
                spec.network = true;
                spec.limits = Limits {
                    memory_bytes: Some(2 * 1024 * 1024 * 1024),
                    address_space_bytes: None,
                    cpu_seconds: Some(300),
                    open_files: Some(500),
                    processes: Some(50),
                    ..Limits::default()
                };
                spec.priority = 8;
            }
        }
        spec
    }
}

impl FromStr for SandboxPreset {
    type Err = Error;

    /// Parses `minimal`, `standard` or `privileged` (case-insensitive).
    fn from_str(text: &str) -> Result<SandboxPreset, Error> {
        match text.to_ascii_lowercase().as_str() {
            "minimal" => Ok(SandboxPreset::Minimal),
            "standard" => Ok(SandboxPreset::Standard),
            "privileged" => Ok(SandboxPreset::Privileged),
            _ => Err(Error::InvalidArgument(format!(
                "sandbox preset {text:?}: expected minimal, standard or privileged"
            ))),
        }
    }
}

fn existing(paths: &[&str]) -> Vec<PathBuf> {
    paths
        .iter()
        .map(PathBuf::from)
        .filter(|path| path.exists())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_parse_case_insensitively() {
        assert_eq!(
            "Standard".parse::<SandboxPreset>().unwrap(),
            SandboxPreset::Standard
        );
        assert_eq!(
            "minimal".parse::<SandboxPreset>().unwrap().name(),
            "minimal"
        );
        assert!("root".parse::<SandboxPreset>().is_err());
    }

    #[test]
    fn standard_grants_system_folders_read_only_and_no_network() {
        let spec = SandboxPreset::Standard.spec("/bin/echo", ["hi"]);
        assert!(!spec.network);
        assert!(!spec.allowed_read.contains(&PathBuf::from("/")));
        assert!(spec.allowed_read.contains(&PathBuf::from("/usr")));
        assert!(!spec.allowed_write.iter().any(|p| p.starts_with("/usr")));
        assert_eq!(spec.limits.processes, Some(10));
    }

    #[test]
    fn privileged_has_network_and_minimal_is_tight() {
        assert!(SandboxPreset::Privileged.spec("x", [""; 0]).network);
        let minimal = SandboxPreset::Minimal.spec("x", [""; 0]);
        assert_eq!(minimal.limits.processes, Some(1));
        assert_eq!(minimal.limits.open_files, Some(16));
    }
}
