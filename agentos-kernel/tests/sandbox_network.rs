//! Without the network capability a child cannot reach a listener on 127.0.0.1; with it, it can.

mod common;

use std::net::TcpListener;

use agentos_kernel::{Capability, CapabilitySet, Error, Layer, SandboxPreset};
use common::*;

const CONNECT: &str = "import socket,sys\ntry:\n  socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=5)\n  print('connected')\nexcept OSError as e:\n  print('denied', e.errno)";

#[test]
fn network_is_denied_without_the_capability() {
    let (kernel, root) = kernel();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let (report, info) = run(
        &kernel,
        root,
        SandboxPreset::Standard.spec("/usr/bin/python3", ["-c", CONNECT, &port]),
    );
    let stdout = String::from_utf8_lossy(&info.stdout);
    assert!(stdout.starts_with("denied"), "{info:?}\n{report}");
    assert!(
        layer_enforced(&report, Layer::Seccomp)
            || layer_enforced(&report, Layer::Namespaces)
            || layer_enforced(&report, Layer::Landlock)
    );
    listener.set_nonblocking(true).unwrap();
    assert!(listener.accept().is_err(), "nothing may have connected");
}

#[test]
fn network_works_with_the_capability() {
    let (kernel, root) = kernel();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let mut spec = SandboxPreset::Standard.spec("/usr/bin/python3", ["-c", CONNECT, &port]);
    spec.network = true;
    let (_, info) = run(&kernel, root, spec);
    assert_eq!(
        String::from_utf8_lossy(&info.stdout),
        "connected\n",
        "{info:?}"
    );
}

#[test]
fn landlock_port_rules_allow_only_listed_ports() {
    let (kernel, root) = kernel();
    let allowed = TcpListener::bind("127.0.0.1:0").unwrap();
    let other = TcpListener::bind("127.0.0.1:0").unwrap();
    let allowed_port = allowed.local_addr().unwrap().port();
    let other_port = other.local_addr().unwrap().port().to_string();
    let mut spec = SandboxPreset::Standard.spec("/usr/bin/python3", ["-c", CONNECT, &other_port]);
    spec.network = true;
    spec.connect_ports = vec![allowed_port];
    let (report, info) = run(&kernel, root, spec);
    if layer_enforced(&report, Layer::Landlock) && report.to_string().contains("TCP connect ports")
    {
        assert!(
            String::from_utf8_lossy(&info.stdout).starts_with("denied"),
            "{info:?}"
        );
    }
}

#[test]
fn spawning_with_network_needs_the_network_capability() {
    let kernel = agentos_kernel::Kernel::new();
    let caller = kernel.create_process(
        "app",
        CapabilitySet::new()
            .grant(Capability::SpawnProcess)
            .grant(Capability::ReadFile(None))
            .grant(Capability::WriteFile(None)),
    );
    let mut spec = SandboxPreset::Standard.spec("/bin/true", [""; 0]);
    spec.network = true;
    assert!(matches!(
        kernel.spawn_process(caller, spec),
        Err(Error::PermissionDenied { .. })
    ));
}
