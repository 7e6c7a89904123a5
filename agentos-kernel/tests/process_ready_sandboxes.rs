//! Sandboxes made ahead of the request (`KernelConfig::ready_sandboxes`): a child started in
//! one gets exactly what a child whose namespaces are made on the spot gets — its program,
//! arguments, environment, working directory, limits and every layer — and its own
//! namespaces. (A ready sandbox that died: `process_ready_sandbox_died.rs`.)

mod common;

use agentos_kernel::{CapabilitySet, Kernel, KernelConfig, Layer, SandboxPreset, SpawnSpec};
use common::*;

/// A kernel keeping `ready` sandboxes per kind, and a PID holding every capability.
fn kernel_with(ready: usize) -> (Kernel, agentos_kernel::Pid) {
    let kernel = Kernel::with_config(KernelConfig {
        ready_sandboxes: ready,
        ..KernelConfig::default()
    });
    let root = kernel.create_process("root", CapabilitySet::all());
    (kernel, root)
}

/// A child that prints its arguments, environment, working directory, open-files limit and
/// PID namespace, and tries two things the sandbox forbids.
fn probe(dir: &std::path::Path) -> SpawnSpec {
    let script = "printf '%s|' \"$@\"; echo; env | sort; pwd; ulimit -n; \
                  readlink /proc/self/ns/pid; readlink /proc/self/ns/mnt; \
                  echo x > /etc/agentos-escape && echo ESCAPED; \
                  echo y > \"$PWD/inside\" && echo WROTE; exit 7";
    let mut spec = SandboxPreset::Standard.spec(
        "/bin/sh",
        [
            "-c".to_owned(),
            script.to_owned(),
            "sh".to_owned(),
            "two words".to_owned(),
            String::new(),
            "$HOME;|*".to_owned(),
        ],
    );
    spec.env = vec![
        ("PATH".to_owned(), "/usr/bin:/bin".to_owned()),
        ("ONLY".to_owned(), "this=one".to_owned()),
    ];
    spec.allowed_write.push(dir.to_path_buf());
    spec.cwd = Some(dir.to_path_buf());
    spec.limits.open_files = Some(77);
    spec
}

/// Runs the probe and returns its report, exit info and output lines.
fn run_probe(
    kernel: &Kernel,
    root: agentos_kernel::Pid,
    dir: &std::path::Path,
) -> (
    agentos_kernel::SandboxReport,
    agentos_kernel::ExitInfo,
    Vec<String>,
) {
    let (report, info) = run(kernel, root, probe(dir));
    let lines = String::from_utf8_lossy(&info.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    (report, info, lines)
}

#[test]
fn a_child_in_a_ready_sandbox_gets_what_a_fresh_one_gets() {
    let dir = tempfile::tempdir().unwrap();
    let (warm, warm_root) = kernel_with(2);
    let ready = warm.warm_up_sandbox(warm_root, &probe(dir.path())).unwrap();
    let (cold, cold_root) = kernel_with(0);
    assert_eq!(
        cold.warm_up_sandbox(cold_root, &probe(dir.path())).unwrap(),
        0
    );
    let (warm_report, warm_info, warm_lines) = run_probe(&warm, warm_root, dir.path());
    let (cold_report, cold_info, cold_lines) = run_probe(&cold, cold_root, dir.path());
    if layer_enforced(&warm_report, Layer::Namespaces) && nix_is_root() {
        assert_eq!(ready, 2, "root with namespaces keeps sandboxes ready");
    }
    assert_eq!(warm_report, cold_report);
    for (info, lines) in [(&warm_info, &warm_lines), (&cold_info, &cold_lines)] {
        assert_eq!(info.code, Some(7), "{info:?}");
        assert_eq!(lines[0], "two words||$HOME;|*|", "{info:?}");
        assert_eq!(
            &lines[1..4],
            &[
                "ONLY=this=one".to_owned(),
                "PATH=/usr/bin:/bin".to_owned(),
                // sh sets PWD itself.
                format!("PWD={}", dir.path().display()),
            ],
            "{info:?}"
        );
        assert_eq!(lines[4], dir.path().display().to_string());
        if layer_enforced(&warm_report, Layer::Rlimits) {
            assert_eq!(lines[5], "77");
        }
        assert!(lines.contains(&"WROTE".to_owned()), "{info:?}");
        if layer_enforced(&warm_report, Layer::Landlock) {
            assert!(!lines.contains(&"ESCAPED".to_owned()), "{info:?}");
        }
    }
    // Each child has its own PID and mount namespaces, never shared with another child.
    if layer_enforced(&warm_report, Layer::Namespaces) {
        let (_, _, again) = run_probe(&warm, warm_root, dir.path());
        let namespaces = |lines: &[String]| (lines[6].clone(), lines[7].clone());
        assert_ne!(namespaces(&warm_lines), namespaces(&again));
        assert_ne!(namespaces(&warm_lines), namespaces(&cold_lines));
        assert!(warm_lines[6].starts_with("pid:["), "{warm_lines:?}");
    }
}

#[test]
fn seccomp_holds_in_a_ready_sandbox() {
    let (kernel, root) = kernel_with(2);
    let spec = SandboxPreset::Standard.spec("/usr/bin/unshare", ["--user", "/bin/true"]);
    kernel.warm_up_sandbox(root, &spec).unwrap();
    let (report, info) = run(&kernel, root, spec);
    if layer_enforced(&report, Layer::Seccomp) {
        assert!(!info.success(), "unshare must be denied: {info:?}");
        assert!(
            String::from_utf8_lossy(&info.stderr).contains("Operation not permitted"),
            "{info:?}"
        );
    }
}

#[test]
fn a_program_the_sandbox_cannot_exec_is_a_spawn_error() {
    let (kernel, root) = kernel_with(2);
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("not-a-program");
    std::fs::write(&program, [0x7f, b'E', b'L', b'F', 0, 0, 0, 0]).unwrap();
    std::fs::set_permissions(
        &program,
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    let mut spec = SandboxPreset::Standard.spec(program.display().to_string(), [""; 0]);
    spec.allowed_read.push(dir.path().to_path_buf());
    kernel.warm_up_sandbox(root, &spec).unwrap();
    let err = kernel.spawn_process(root, spec).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("not-a-program"), "{text}");
    assert!(text.contains("Exec format error"), "{text}");
    assert_kernel_survives(&kernel, root);
}

fn nix_is_root() -> bool {
    nix::unistd::geteuid().is_root()
}
