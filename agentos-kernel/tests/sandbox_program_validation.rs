//! Shell metacharacters and `..` in the program are rejected before anything runs; arguments
//! are passed verbatim; the environment does not leak.

mod common;

use agentos_kernel::{CapabilitySet, Error, SandboxPreset};
use common::*;

#[test]
fn shell_metacharacters_in_the_program_are_rejected() {
    let (kernel, root) = kernel();
    for program in [
        "echo; cat /etc/passwd",
        "echo; rm -rf /",
        "ls | sh",
        "a && b",
        "$(id)",
        "`id`",
        "echo\nid",
    ] {
        let err = kernel
            .spawn_process(root, SandboxPreset::Standard.spec(program, [""; 0]))
            .unwrap_err();
        assert!(
            matches!(
                &err,
                Error::InvalidProgram {
                    reason: "contains shell metacharacters",
                    ..
                }
            ),
            "{program:?}: {err}"
        );
    }
    assert_eq!(
        kernel.get_process_list(root).unwrap(),
        vec![],
        "no process may have been created"
    );
}

#[test]
fn traversal_in_the_program_is_rejected() {
    let (kernel, root) = kernel();
    for program in ["/usr/bin/../../bin/sh", "../bin/sh", "/tmp/.."] {
        let err = kernel
            .spawn_process(root, SandboxPreset::Standard.spec(program, [""; 0]))
            .unwrap_err();
        assert!(
            err.to_string().contains("path traversal"),
            "{program:?}: {err}"
        );
    }
}

#[test]
fn arguments_are_passed_verbatim() {
    let (kernel, root) = kernel();
    let args = ["; rm -rf /", "$(id)", "a b", "*", "..", "'\""];
    let (_, info) = run(
        &kernel,
        root,
        SandboxPreset::Standard.spec("/usr/bin/printf", std::iter::once("%s|").chain(args)),
    );
    assert_eq!(
        String::from_utf8_lossy(&info.stdout),
        args.map(|a| format!("{a}|")).concat()
    );
}

#[test]
fn the_kernel_environment_is_not_leaked() {
    let (kernel, root) = kernel();
    assert!(
        std::env::var_os("PATH").is_some(),
        "the test process has an environment to leak"
    );
    let (_, info) = run(
        &kernel,
        root,
        SandboxPreset::Standard.spec("/usr/bin/env", [""; 0]),
    );
    assert!(info.success());
    assert!(
        info.stdout.is_empty(),
        "leaked: {}",
        String::from_utf8_lossy(&info.stdout)
    );
}

#[test]
fn spawn_needs_the_spawn_capability() {
    let kernel = agentos_kernel::Kernel::new();
    let app = kernel.create_process("app", CapabilitySet::new());
    let err = kernel
        .spawn_process(app, SandboxPreset::Standard.spec("/bin/true", [""; 0]))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("pid {app}: capability SPAWN_PROCESS not held for -")
    );
}
