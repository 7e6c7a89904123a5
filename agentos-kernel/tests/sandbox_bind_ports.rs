//! TCP bind rules of an OS child match kernel sockets: no `BindPort` port listed means no
//! port may be bound; listed ports may; an unscoped `BindPort` means any port.

mod common;

use std::net::TcpListener;

use agentos_kernel::{Capability, CapabilitySet, Error, Kernel, Layer, SandboxPreset, SpawnSpec};
use common::*;

const BIND: &str = "import socket,sys\ns=socket.socket()\ntry:\n  s.bind(('127.0.0.1', int(sys.argv[1])))\n  print('bound')\nexcept OSError as e:\n  print('denied', e.errno)";

/// A port that was free a moment ago.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn bind_spec(port: u16) -> SpawnSpec {
    let mut spec =
        SandboxPreset::Standard.spec("/usr/bin/python3", ["-c", BIND, &port.to_string()]);
    spec.network = true;
    spec
}

/// True when Landlock enforces TCP rules here (ABI 4 or later), so bind rules apply.
fn tcp_rules(report: &agentos_kernel::SandboxReport) -> bool {
    layer_enforced(report, Layer::Landlock) && !report.to_string().contains("no TCP rules")
}

#[test]
fn empty_bind_port_list_denies_every_bind() {
    let (kernel, root) = kernel();
    let port = free_port();
    let (report, info) = run(&kernel, root, bind_spec(port));
    let stdout = String::from_utf8_lossy(&info.stdout);
    if tcp_rules(&report) {
        assert!(stdout.starts_with("denied"), "{info:?}\n{report}");
        assert!(report.to_string().contains("bind denied"), "{report}");
    } else {
        assert!(!report.to_string().is_empty());
    }
}

#[test]
fn listed_port_binds_and_others_are_denied() {
    let (kernel, root) = kernel();
    let port = free_port();
    let mut spec = bind_spec(port);
    spec.bind_ports = vec![port];
    let (report, info) = run(&kernel, root, spec);
    assert_eq!(
        String::from_utf8_lossy(&info.stdout),
        "bound\n",
        "{info:?}\n{report}"
    );

    let other = free_port();
    let mut spec = bind_spec(other);
    spec.bind_ports = vec![port];
    let (report, info) = run(&kernel, root, spec);
    if tcp_rules(&report) {
        assert!(
            String::from_utf8_lossy(&info.stdout).starts_with("denied"),
            "{info:?}"
        );
    }
}

#[test]
fn unscoped_bind_port_binds_any_port() {
    let (kernel, root) = kernel();
    let port = free_port();
    let mut spec = bind_spec(port);
    spec.bind_any_port = true;
    let (report, info) = run(&kernel, root, spec);
    assert_eq!(
        String::from_utf8_lossy(&info.stdout),
        "bound\n",
        "{info:?}\n{report}"
    );
}

#[test]
fn bind_rules_need_the_bind_port_capability() {
    let kernel = Kernel::new();
    let caller = kernel.create_process(
        "app",
        CapabilitySet::new()
            .grant(Capability::SpawnProcess)
            .grant(Capability::NetworkAccess(agentos_kernel::NetworkRule::any()))
            .grant(Capability::ReadFile(None))
            .grant(Capability::WriteFile(None))
            .grant(Capability::BindPort(Some(9000))),
    );
    let mut spec = bind_spec(9001);
    spec.bind_ports = vec![9001];
    assert!(matches!(
        kernel.spawn_process(caller, spec),
        Err(Error::PermissionDenied { capability, .. }) if capability == agentos_kernel::CapabilityKind::BindPort
    ));
    let mut spec = bind_spec(9001);
    spec.bind_any_port = true;
    assert!(matches!(
        kernel.spawn_process(caller, spec),
        Err(Error::PermissionDenied { .. })
    ));
    // The port it holds is fine.
    let mut spec = SandboxPreset::Standard.spec("/bin/true", [""; 0]);
    spec.network = true;
    spec.bind_ports = vec![9000];
    let spawned = kernel.spawn_process(caller, spec).unwrap();
    assert!(spawned.child.wait(None).success());
}
