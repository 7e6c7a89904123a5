//! Landlock: writes outside the allowed paths are denied, even from a child's child, and
//! secrets such as /etc/shadow cannot be read.

mod common;

use agentos_kernel::{Layer, SandboxPreset};
use common::*;

#[test]
fn write_outside_allowed_paths_is_denied_even_from_a_grandchild() {
    let (kernel, root) = kernel();
    let allowed = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("escaped");
    let inside = allowed.path().join("ok");
    let script = format!(
        "echo in > {inside}; sh -c 'echo out > {target}'; /usr/bin/python3 -c \"open('{target}', 'w').write('x')\"",
        inside = inside.display(),
        target = target.display()
    );
    let mut spec = SandboxPreset::Standard.spec("/bin/sh", ["-c".to_owned(), script]);
    spec.allowed_write.push(allowed.path().to_path_buf());
    let (report, info) = run(&kernel, root, spec);
    assert_eq!(
        std::fs::read_to_string(&inside).unwrap(),
        "in\n",
        "{info:?}"
    );
    if layer_enforced(&report, Layer::Landlock) {
        assert!(!target.exists(), "grandchild escaped: {info:?}");
        assert!(
            String::from_utf8_lossy(&info.stderr).contains("Permission denied"),
            "{info:?}"
        );
    }
    assert_kernel_survives(&kernel, root);
}

#[test]
fn reading_etc_shadow_is_denied() {
    let (kernel, root) = kernel();
    let (report, info) = run(
        &kernel,
        root,
        SandboxPreset::Standard.spec("/bin/cat", ["/etc/shadow"]),
    );
    if layer_enforced(&report, Layer::Landlock) {
        assert!(!info.success());
        assert!(info.stdout.is_empty());
        assert!(
            String::from_utf8_lossy(&info.stderr).contains("Permission denied"),
            "{info:?}"
        );
    }
}

#[test]
fn reading_an_allowed_folder_works_and_a_sibling_does_not() {
    let (kernel, root) = kernel();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "readable").unwrap();
    let sibling = tempfile::tempdir().unwrap();
    std::fs::write(sibling.path().join("b.txt"), "secret").unwrap();
    let mut spec = SandboxPreset::Standard.spec(
        "/bin/cat",
        [dir.path().join("a.txt"), sibling.path().join("b.txt")].map(|p| p.display().to_string()),
    );
    spec.allowed_read.push(dir.path().to_path_buf());
    let (report, info) = run(&kernel, root, spec);
    assert_eq!(info.stdout, b"readable");
    if layer_enforced(&report, Layer::Landlock) {
        assert!(!info.success());
    }
}

#[test]
fn working_directory_outside_allowed_paths_is_refused() {
    let (kernel, root) = kernel();
    let mut spec = SandboxPreset::Standard.spec("/bin/pwd", [""; 0]);
    spec.cwd = Some("/root".into());
    let err = kernel.spawn_process(root, spec).unwrap_err();
    assert!(
        err.to_string().contains("outside the allowed paths"),
        "{err}"
    );
}

#[test]
fn a_program_outside_the_allowed_paths_is_refused_with_a_reason() {
    let (kernel, root) = kernel();
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("tool");
    std::fs::copy("/bin/true", &program).unwrap();
    let err = kernel
        .spawn_process(
            root,
            SandboxPreset::Standard.spec(program.display().to_string(), [""; 0]),
        )
        .unwrap_err();
    assert!(err.to_string().contains("Landlock would refuse"), "{err}");
    let mut spec = SandboxPreset::Standard.spec(program.display().to_string(), [""; 0]);
    spec.allowed_read.push(dir.path().to_path_buf());
    let (_, info) = run(&kernel, root, spec);
    assert!(info.success(), "{info:?}");
}

#[test]
fn a_folder_replaced_between_spawns_is_still_writable() {
    // The kernel reuses a ruleset built for the same rules; a Landlock rule holds the inode it
    // was opened at, so a replaced folder must get a fresh ruleset.
    let (kernel, root) = kernel();
    let base = tempfile::tempdir().unwrap();
    let folder = base.path().join("work");
    let write_into = |name: &str| {
        std::fs::create_dir_all(&folder).unwrap();
        let target = folder.join(name);
        let mut spec = SandboxPreset::Standard.spec(
            "/bin/sh",
            ["-c".to_owned(), format!("echo x > {}", target.display())],
        );
        spec.allowed_write.push(folder.clone());
        let (_, info) = run(&kernel, root, spec);
        (info, target)
    };
    let (first, target) = write_into("first");
    assert!(target.exists(), "{first:?}");
    std::fs::remove_dir_all(&folder).unwrap();
    let (second, target) = write_into("second");
    assert!(target.exists(), "{second:?}");
}
