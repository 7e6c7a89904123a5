//! When the kernel's whole process dies (even by SIGKILL, with no destructor running), its
//! sandboxed children die too: the keeper asked for a parent-death signal.
//!
//! The test runs itself twice: as the driver, and (with `AGENTOS_TEST_FIFO` set) as the host
//! process that owns a kernel and a child holding a FIFO open; the driver SIGKILLs the host
//! and waits for the FIFO to reach end of file, which happens only when the child is gone.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    sync::mpsc,
    time::Duration,
};

use agentos_kernel::{CapabilitySet, Kernel, SandboxPreset};

const FIFO_VAR: &str = "AGENTOS_TEST_FIFO";

#[test]
fn children_die_with_the_kernel_process() {
    if let Some(fifo) = std::env::var_os(FIFO_VAR) {
        host(fifo.into());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    let mut host = Command::new(std::env::current_exe().unwrap())
        .args([
            "children_die_with_the_kernel_process",
            "--exact",
            "--nocapture",
        ])
        .env(FIFO_VAR, &fifo)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (lines, received) = mpsc::channel();
    let reader_fifo = fifo.clone();
    std::thread::spawn(move || {
        // Opening blocks until the sandboxed child opens the write end.
        let file = std::fs::File::open(reader_fifo).unwrap();
        for line in BufReader::new(file).lines() {
            let _ = lines.send(Some(line.unwrap()));
        }
        let _ = lines.send(None);
    });
    assert_eq!(
        received.recv_timeout(Duration::from_secs(30)).unwrap(),
        Some("ready".to_owned())
    );
    host.kill().unwrap();
    host.wait().unwrap();
    assert_eq!(
        received.recv_timeout(Duration::from_secs(30)).unwrap(),
        None,
        "the child outlived its kernel"
    );
}

fn host(fifo: std::path::PathBuf) {
    let kernel = Kernel::new();
    let root = kernel.create_process("host", CapabilitySet::all());
    let script = format!("exec 3>{}; echo ready >&3; exec sleep 60", fifo.display());
    let mut spec = SandboxPreset::Standard.spec("/bin/sh", ["-c".to_owned(), script]);
    spec.allowed_write
        .push(fifo.parent().unwrap().to_path_buf());
    let spawned = kernel.spawn_process(root, spec).unwrap();
    // Stay alive (holding the kernel) until the driver kills this process.
    spawned.child.wait(None);
}
