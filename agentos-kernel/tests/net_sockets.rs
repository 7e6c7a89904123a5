//! The network calls: real TCP and UDP sockets on 127.0.0.1, gated by NETWORK_ACCESS,
//! BIND_PORT and per-PID rules.

use agentos_kernel::{
    Capability, CapabilityKind, CapabilitySet, Error, Kernel, NetworkRule, Pid, SocketRule,
};

fn net_kernel() -> (Kernel, Pid) {
    let kernel = Kernel::new();
    let caps = CapabilitySet::new()
        .grant(Capability::NetworkAccess(NetworkRule::any()))
        .grant(Capability::BindPort(None));
    let pid = kernel.create_process_with_priority("net", 5, caps);
    (kernel, pid)
}

#[tokio::test]
async fn tcp_round_trip_through_kernel_sockets() {
    let (kernel, pid) = net_kernel();
    let server = kernel
        .socket(pid, libc::AF_INET, libc::SOCK_STREAM, 0)
        .unwrap();
    kernel
        .set_sock_opt(pid, server, libc::SOL_SOCKET, libc::SO_REUSEADDR, 1)
        .unwrap();
    assert_eq!(
        kernel
            .get_sock_opt(pid, server, libc::SOL_SOCKET, libc::SO_REUSEADDR)
            .unwrap(),
        1
    );
    let address = kernel.bind(pid, server, "127.0.0.1:0").await.unwrap();
    assert_ne!(address.port(), 0);
    kernel.listen(pid, server, 16).await.unwrap();

    let client = kernel
        .socket(
            pid,
            libc::AF_INET,
            libc::SOCK_STREAM | libc::SOCK_CLOEXEC,
            libc::IPPROTO_TCP,
        )
        .unwrap();
    let target = address.to_string();
    let (connected, accepted) = tokio::join!(
        kernel.connect(pid, client, &target),
        kernel.accept(pid, server)
    );
    connected.unwrap();
    let accepted = accepted.unwrap();
    assert_eq!(accepted.address.ip().to_string(), "127.0.0.1");

    assert_eq!(kernel.send(pid, client, b"ping").await.unwrap(), 4);
    assert_eq!(
        kernel.recv(pid, accepted.sockfd, 64).await.unwrap(),
        b"ping"
    );
    kernel.send(pid, accepted.sockfd, b"pong").await.unwrap();
    assert_eq!(kernel.recv(pid, client, 64).await.unwrap(), b"pong");
    kernel
        .set_sock_opt(pid, client, libc::IPPROTO_TCP, libc::TCP_NODELAY, 1)
        .unwrap();
    assert_eq!(
        kernel
            .get_sock_opt(pid, client, libc::IPPROTO_TCP, libc::TCP_NODELAY)
            .unwrap(),
        1
    );

    kernel.close_socket(pid, client).unwrap();
    assert_eq!(
        kernel.recv(pid, accepted.sockfd, 64).await.unwrap(),
        b"",
        "peer closed"
    );
    assert!(matches!(
        kernel.close_socket(pid, client),
        Err(Error::NoSuchSocket { .. })
    ));
    assert_eq!(kernel.socket_count(pid), 2);
}

#[tokio::test]
async fn udp_send_to_and_recv_from() {
    let (kernel, pid) = net_kernel();
    let receiver = kernel
        .socket(pid, libc::AF_INET, libc::SOCK_DGRAM, 0)
        .unwrap();
    let address = kernel.bind(pid, receiver, "127.0.0.1:0").await.unwrap();
    let sender = kernel
        .socket(pid, libc::AF_INET, libc::SOCK_DGRAM, 0)
        .unwrap();
    assert_eq!(
        kernel
            .send_to(pid, sender, b"datagram", &address.to_string())
            .await
            .unwrap(),
        8
    );
    let received = kernel.recv_from(pid, receiver, 1500).await.unwrap();
    assert_eq!(received.data, b"datagram");
    assert!(received.address.ip().is_loopback() || received.address.ip().is_unspecified());
    kernel
        .set_sock_opt(pid, receiver, libc::IPPROTO_IP, libc::IP_TTL, 7)
        .unwrap();
    assert_eq!(
        kernel
            .get_sock_opt(pid, receiver, libc::IPPROTO_IP, libc::IP_TTL)
            .unwrap(),
        7
    );
}

#[tokio::test]
async fn recv_times_out_by_the_socket_option() {
    let (kernel, pid) = net_kernel();
    let socket = kernel
        .socket(pid, libc::AF_INET, libc::SOCK_DGRAM, 0)
        .unwrap();
    kernel.bind(pid, socket, "127.0.0.1:0").await.unwrap();
    kernel
        .set_sock_opt(pid, socket, libc::SOL_SOCKET, libc::SO_RCVTIMEO, 20)
        .unwrap();
    let err = kernel.recv_from(pid, socket, 10).await.unwrap_err();
    assert!(err.to_string().contains("timed out after 20 ms"), "{err}");
}

#[tokio::test]
async fn capabilities_gate_every_call() {
    let kernel = Kernel::new();
    let none = kernel.create_process("none", CapabilitySet::new());
    let err = kernel
        .socket(none, libc::AF_INET, libc::SOCK_STREAM, 0)
        .unwrap_err();
    assert!(matches!(
        err,
        Error::PermissionDenied {
            capability: CapabilityKind::NetworkAccess,
            ..
        }
    ));

    let scoped = kernel.create_process(
        "scoped",
        CapabilitySet::new()
            .grant(Capability::NetworkAccess(NetworkRule::any()))
            .grant(Capability::BindPort(Some(1))),
    );
    let socket = kernel
        .socket(scoped, libc::AF_INET, libc::SOCK_STREAM, 0)
        .unwrap();
    let err = kernel
        .bind(scoped, socket, "127.0.0.1:0")
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("pid {scoped}: capability BIND_PORT not held for port 0")
    );
    assert!(matches!(
        kernel.bind(scoped, socket, "not an address").await,
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        kernel.socket(scoped, libc::AF_UNIX, libc::SOCK_STREAM, 0),
        Err(Error::InvalidArgument(_))
    ));

    let owner = kernel.create_process(
        "owner",
        CapabilitySet::new().grant(Capability::NetworkAccess(NetworkRule::any())),
    );
    assert!(
        matches!(
            kernel.close_socket(owner, socket),
            Err(Error::NoSuchSocket { .. })
        ),
        "another PID's socket is invisible"
    );
}

#[tokio::test]
async fn network_rules_restrict_destinations() {
    let (kernel, pid) = net_kernel();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    kernel
        .set_network_rule(
            pid,
            pid,
            SocketRule {
                hosts: vec!["127.0.0.1".into()],
                ports: vec![port],
            },
        )
        .unwrap();
    let socket = kernel
        .socket(pid, libc::AF_INET, libc::SOCK_STREAM, 0)
        .unwrap();
    let other = format!("127.0.0.1:{}", if port == 65535 { 1 } else { port + 1 });
    assert!(matches!(
        kernel.connect(pid, socket, &other).await,
        Err(Error::NetworkDenied { .. })
    ));
    kernel
        .connect(pid, socket, &format!("127.0.0.1:{port}"))
        .await
        .unwrap();
    let (_stream, _) = listener.accept().await.unwrap();
}

#[tokio::test]
async fn killing_a_process_closes_its_sockets() {
    let (kernel, pid) = net_kernel();
    let root = kernel.create_process("root", CapabilitySet::all());
    kernel
        .socket(pid, libc::AF_INET, libc::SOCK_STREAM, 0)
        .unwrap();
    kernel
        .socket(pid, libc::AF_INET6, libc::SOCK_DGRAM, 0)
        .unwrap();
    assert_eq!(kernel.socket_count(pid), 2);
    kernel.kill_process(root, pid).unwrap();
    assert_eq!(kernel.socket_count(pid), 0);
}
