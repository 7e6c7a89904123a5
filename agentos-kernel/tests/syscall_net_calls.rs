//! Network syscalls made as a PID: a loopback echo through `syscall_async`, the sync path
//! answering `WouldBlock` for calls that wait, and the `NetworkAccess` host rule enforced.

use agentos_kernel::{
    Capability, CapabilitySet, Error, Kernel, NetworkRule, Pid, Syscall, SyscallOutput,
};

const AF_INET: i32 = 2;
const SOCK_STREAM: i32 = 1;

async fn call(kernel: &Kernel, pid: Pid, call: Syscall) -> SyscallOutput {
    kernel.syscall_async(pid, call).await.unwrap()
}

async fn open(kernel: &Kernel, pid: Pid) -> u32 {
    match call(
        kernel,
        pid,
        Syscall::Socket {
            domain: AF_INET,
            socket_type: SOCK_STREAM,
            protocol: 0,
        },
    )
    .await
    {
        SyscallOutput::Socket(fd) => fd,
        other => panic!("expected Socket, got {other:?}"),
    }
}

#[tokio::test]
async fn loopback_echo_through_syscalls() {
    let kernel = Kernel::new();
    let caps = CapabilitySet::new()
        .grant(Capability::NetworkAccess(NetworkRule::host(
            "127.0.0.1",
            None,
        )))
        .grant(Capability::BindPort(None));
    let server = kernel.create_process("server", caps.clone());
    let client = kernel.create_process("client", caps);

    let listener = open(&kernel, server).await;
    let SyscallOutput::Address(address) = call(
        &kernel,
        server,
        Syscall::Bind {
            sockfd: listener,
            address: "127.0.0.1:0".into(),
        },
    )
    .await
    else {
        panic!("expected Address");
    };
    call(
        &kernel,
        server,
        Syscall::Listen {
            sockfd: listener,
            backlog: 4,
        },
    )
    .await;
    let sync = kernel.syscall(server, Syscall::Accept { sockfd: listener });
    assert!(matches!(sync, Err(Error::WouldBlock(_))), "{sync:?}");

    let socket = open(&kernel, client).await;
    let accept = {
        let kernel = kernel.clone();
        tokio::spawn(async move {
            kernel
                .syscall_async(server, Syscall::Accept { sockfd: listener })
                .await
        })
    };
    call(
        &kernel,
        client,
        Syscall::Connect {
            sockfd: socket,
            address: address.to_string(),
        },
    )
    .await;
    let SyscallOutput::Accepted(accepted) = accept.await.unwrap().unwrap() else {
        panic!("expected Accepted");
    };
    assert_eq!(
        call(
            &kernel,
            client,
            Syscall::Send {
                sockfd: socket,
                data: b"ping".to_vec()
            }
        )
        .await,
        SyscallOutput::Count(4)
    );
    assert_eq!(
        call(
            &kernel,
            server,
            Syscall::Recv {
                sockfd: accepted.sockfd,
                size: 4
            }
        )
        .await,
        SyscallOutput::Bytes(b"ping".to_vec())
    );
    assert_eq!(
        kernel
            .syscall(client, Syscall::CloseSocket { sockfd: socket })
            .unwrap(),
        SyscallOutput::None
    );
    assert!(
        kernel
            .syscall(client, Syscall::CloseSocket { sockfd: socket })
            .is_err()
    );
}

#[tokio::test]
async fn connect_outside_the_host_rule_is_denied() {
    let kernel = Kernel::new();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let pid = kernel.create_process(
        "limited",
        CapabilitySet::new().grant(Capability::NetworkAccess(NetworkRule::host(
            "10.1.2.3", None,
        ))),
    );
    let socket = open(&kernel, pid).await;
    let err = kernel
        .syscall_async(
            pid,
            Syscall::Connect {
                sockfd: socket,
                address: address.to_string(),
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NetworkDenied { .. }), "{err:?}");
    let none = kernel.create_process("none", CapabilitySet::new());
    assert!(matches!(
        kernel.syscall(
            none,
            Syscall::Socket {
                domain: AF_INET,
                socket_type: SOCK_STREAM,
                protocol: 0
            }
        ),
        Err(Error::PermissionDenied { .. })
    ));
}

#[cfg(feature = "http")]
#[tokio::test]
async fn network_request_syscall_gets_from_a_loopback_server() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buffer = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut buffer).await.unwrap();
            assert!(n > 0);
            request.extend_from_slice(&buffer[..n]);
        }
        stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\nhello")
            .await
            .unwrap();
    });
    let kernel = Kernel::new();
    let pid = kernel.create_process(
        "web",
        CapabilitySet::new().grant(Capability::NetworkAccess(NetworkRule::host(
            "127.0.0.1",
            Some(address.port()),
        ))),
    );
    let json = format!(r#"{{"call":"network_request","method":"GET","url":"http://{address}/"}}"#);
    let SyscallOutput::Http(response) =
        call(&kernel, pid, Syscall::from_json(&json).unwrap()).await
    else {
        panic!("expected Http");
    };
    assert_eq!(response.status, 200);
    assert_eq!(response.body, b"hello");
    server.await.unwrap();
    let denied = r#"{"call":"network_request","method":"GET","url":"http://127.0.0.1:1/"}"#;
    assert!(
        kernel
            .syscall_async(pid, Syscall::from_json(denied).unwrap())
            .await
            .is_err()
    );
}
