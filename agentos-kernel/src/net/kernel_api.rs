//! The network calls on [`Kernel`]: `socket`, `bind`, `listen`, `accept`, `connect`, `send`,
//! `recv`, `send_to`, `recv_from`, `close_socket`, `set_sock_opt` and `get_sock_opt`.
//!
//! They are `async` and need a tokio runtime (the kernel never blocks a thread on the
//! network). Every call checks the caller's capabilities first: `NETWORK_ACCESS` for
//! everything, `BIND_PORT` (for that port, or any) for `bind` and `listen`, and the PID's
//! [`SocketRule`] for every destination.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use parking_lot::Mutex;
use tokio::net::{TcpSocket, UdpSocket};

use crate::{
    capability::{Capability, CapabilityKind, CapabilitySet},
    error::{Error, Result},
    kernel::Kernel,
    net::{
        rule::SocketRule,
        socket::{Socket, SocketOption, parse_address},
    },
    process::Pid,
};

/// Largest single `recv`/`recv_from` (1 MiB); bigger requests are clamped.
const MAX_RECV: usize = 1024 * 1024;

/// A connection taken from a listening socket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The new socket descriptor, owned by the caller.
    pub sockfd: u32,
    /// The peer's address.
    pub address: SocketAddr,
}

/// A datagram (or stream bytes) and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The bytes.
    pub data: Vec<u8>,
    /// The sender.
    pub address: SocketAddr,
}

impl Kernel {
    /// Restricts where `target`'s sockets may connect or send to.
    ///
    /// # Errors
    /// `PermissionDenied` unless `caller` holds `NETWORK_ACCESS` (and `SPAWN_PROCESS` when
    /// `target` is another PID); `NoSuchProcess`.
    pub fn set_network_rule(&self, caller: Pid, target: Pid, rule: SocketRule) -> Result<()> {
        self.net_caps(caller)?;
        if caller != target {
            let caps = self.capabilities_of(caller)?;
            if !caps.allows(CapabilityKind::SpawnProcess, None) {
                return Err(denied(
                    caller,
                    CapabilityKind::SpawnProcess,
                    &format!("pid {target}"),
                ));
            }
            self.capabilities_of(target)?;
        }
        self.runtime().sockets.set_rule(target, rule);
        Ok(())
    }

    /// Opens a socket: `domain` `AF_INET`/`AF_INET6`, `socket_type` `SOCK_STREAM` or
    /// `SOCK_DGRAM` (flags such as `SOCK_CLOEXEC` are ignored), `protocol` 0 or the matching
    /// TCP/UDP number. Returns the descriptor.
    ///
    /// # Errors
    /// `PermissionDenied` without `NETWORK_ACCESS`; `InvalidArgument` for other families or
    /// types; `Socket` when the OS refuses.
    pub fn socket(&self, caller: Pid, domain: i32, socket_type: i32, protocol: i32) -> Result<u32> {
        self.net_caps(caller)?;
        let v6 = match domain {
            libc::AF_INET => false,
            libc::AF_INET6 => true,
            _ => {
                return Err(Error::InvalidArgument(format!(
                    "socket domain {domain}: only AF_INET and AF_INET6"
                )));
            }
        };
        let base_type = socket_type & !(libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC);
        let socket = match (base_type, protocol) {
            (libc::SOCK_STREAM, 0 | libc::IPPROTO_TCP) => {
                let made = if v6 {
                    TcpSocket::new_v6()
                } else {
                    TcpSocket::new_v4()
                };
                let tcp = made.map_err(|err| sock_err(caller, 0, "socket", err))?;
                Socket::Tcp(Arc::new(Mutex::new(Some(tcp))))
            }
            (libc::SOCK_DGRAM, 0 | libc::IPPROTO_UDP) => Socket::Udp {
                socket: Arc::new(Mutex::new(None)),
                v6,
            },
            _ => {
                return Err(Error::InvalidArgument(format!(
                    "socket type {socket_type} with protocol {protocol}: only TCP streams and UDP datagrams"
                )));
            }
        };
        Ok(self.runtime().sockets.insert(caller, socket))
    }

    /// Binds `sockfd` to `address` (`ip:port`); returns the bound address (with the port the
    /// OS chose for port 0).
    ///
    /// # Errors
    /// `PermissionDenied` without `NETWORK_ACCESS` or `BIND_PORT` for the port (port 0 needs
    /// an unscoped `BIND_PORT`); `InvalidArgument` for a malformed address; `NoSuchSocket`;
    /// `Socket` when the OS refuses.
    pub async fn bind(&self, caller: Pid, sockfd: u32, address: &str) -> Result<SocketAddr> {
        let caps = self.net_caps(caller)?;
        let address = parse_address(address).ok_or_else(|| {
            Error::InvalidArgument(format!("address {address:?}: expected ip:port"))
        })?;
        check_bind(&caps, caller, address.port())?;
        let (socket, _) = self.sock(caller, sockfd)?;
        let err = |err| sock_err(caller, sockfd, "bind", err);
        match socket {
            Socket::Tcp(slot) => {
                let guard = slot.lock();
                let tcp = guard
                    .as_ref()
                    .ok_or_else(|| state_err(caller, sockfd, "bind", "socket already in use"))?;
                tcp.bind(address).map_err(err)?;
                tcp.local_addr().map_err(err)
            }
            Socket::Udp { socket, .. } => {
                if socket.lock().is_some() {
                    return Err(state_err(caller, sockfd, "bind", "already bound"));
                }
                let udp = UdpSocket::bind(address).await.map_err(err)?;
                let local = udp.local_addr().map_err(err)?;
                *socket.lock() = Some(Arc::new(udp));
                Ok(local)
            }
            Socket::Listener(_) | Socket::Stream { .. } => {
                Err(state_err(caller, sockfd, "bind", "already bound"))
            }
        }
    }

    /// Turns a bound TCP socket into a listener.
    ///
    /// # Errors
    /// `PermissionDenied` without `BIND_PORT` for its port; `NoSuchSocket`; `Socket` for a
    /// UDP or used socket, or when the OS refuses.
    pub async fn listen(&self, caller: Pid, sockfd: u32, backlog: u32) -> Result<()> {
        let caps = self.net_caps(caller)?;
        let (socket, _) = self.sock(caller, sockfd)?;
        let Socket::Tcp(slot) = socket else {
            return Err(state_err(
                caller,
                sockfd,
                "listen",
                "not an unconnected TCP socket",
            ));
        };
        let tcp = slot
            .lock()
            .take()
            .ok_or_else(|| state_err(caller, sockfd, "listen", "socket already in use"))?;
        let port = tcp.local_addr().map(|a| a.port()).unwrap_or(0);
        if let Err(err) = check_bind(&caps, caller, port) {
            *slot.lock() = Some(tcp);
            return Err(err);
        }
        let listener = tcp
            .listen(backlog.clamp(1, 4096))
            .map_err(|err| sock_err(caller, sockfd, "listen", err))?;
        self.runtime()
            .sockets
            .replace(caller, sockfd, Socket::Listener(Arc::new(listener)));
        Ok(())
    }

    /// Waits (up to the socket's receive timeout) for a connection on a listener.
    ///
    /// # Errors
    /// `PermissionDenied` without `NETWORK_ACCESS`; `NoSuchSocket`; `Socket` when not
    /// listening, on timeout, or when the OS refuses.
    pub async fn accept(&self, caller: Pid, sockfd: u32) -> Result<Accepted> {
        self.net_caps(caller)?;
        let (socket, timeout) = self.sock(caller, sockfd)?;
        let Socket::Listener(listener) = socket else {
            return Err(state_err(caller, sockfd, "accept", "not listening"));
        };
        let (stream, address) = within(timeout, listener.accept())
            .await
            .ok_or_else(|| timed_out(caller, sockfd, "accept", timeout))?
            .map_err(|err| sock_err(caller, sockfd, "accept", err))?;
        let (read, write) = stream.into_split();
        let socket = Socket::Stream {
            read: Arc::new(tokio::sync::Mutex::new(read)),
            write: Arc::new(tokio::sync::Mutex::new(write)),
        };
        Ok(Accepted {
            sockfd: self.runtime().sockets.insert(caller, socket),
            address,
        })
    }

    /// Connects a TCP socket (or sets a UDP socket's default peer) to `address`.
    ///
    /// # Errors
    /// `PermissionDenied` without `NETWORK_ACCESS`; `NetworkDenied` when the PID's rule
    /// excludes the address; `NoSuchSocket`; `Socket` on timeout or when the OS refuses.
    pub async fn connect(&self, caller: Pid, sockfd: u32, address: &str) -> Result<()> {
        self.net_caps(caller)?;
        let address = self.destination(caller, address)?;
        let (socket, timeout) = self.sock(caller, sockfd)?;
        let err = |err| sock_err(caller, sockfd, "connect", err);
        match socket {
            Socket::Tcp(slot) => {
                let tcp = slot
                    .lock()
                    .take()
                    .ok_or_else(|| state_err(caller, sockfd, "connect", "socket already in use"))?;
                let stream = within(timeout, tcp.connect(address))
                    .await
                    .ok_or_else(|| timed_out(caller, sockfd, "connect", timeout))?
                    .map_err(err)?;
                let (read, write) = stream.into_split();
                let socket = Socket::Stream {
                    read: Arc::new(tokio::sync::Mutex::new(read)),
                    write: Arc::new(tokio::sync::Mutex::new(write)),
                };
                self.runtime().sockets.replace(caller, sockfd, socket);
                Ok(())
            }
            Socket::Udp { socket, v6 } => {
                let udp = udp_bound(&socket, v6).await.map_err(err)?;
                udp.connect(address).await.map_err(err)
            }
            Socket::Listener(_) | Socket::Stream { .. } => Err(state_err(
                caller,
                sockfd,
                "connect",
                "already connected or listening",
            )),
        }
    }

    /// Sends `data` on a connected socket; returns the bytes sent.
    ///
    /// # Errors
    /// `PermissionDenied` without `NETWORK_ACCESS`; `NoSuchSocket`; `Socket` when not
    /// connected or when the OS refuses.
    pub async fn send(&self, caller: Pid, sockfd: u32, data: &[u8]) -> Result<usize> {
        self.net_caps(caller)?;
        let (socket, _) = self.sock(caller, sockfd)?;
        let err = |err| sock_err(caller, sockfd, "send", err);
        match socket {
            Socket::Stream { write, .. } => {
                use tokio::io::AsyncWriteExt;
                let mut write = write.lock().await;
                write.write_all(data).await.map_err(err)?;
                Ok(data.len())
            }
            Socket::Udp { socket, .. } => {
                let udp = socket
                    .lock()
                    .clone()
                    .ok_or_else(|| state_err(caller, sockfd, "send", "not connected"))?;
                udp.send(data).await.map_err(err)
            }
            _ => Err(state_err(caller, sockfd, "send", "not connected")),
        }
    }

    /// Receives up to `size` bytes (at most 1 MiB) from a connected socket, waiting up to
    /// its receive timeout. An empty result means the peer closed the stream.
    ///
    /// # Errors
    /// `PermissionDenied` without `NETWORK_ACCESS`; `NoSuchSocket`; `Socket` when not
    /// connected, on timeout, or when the OS refuses.
    pub async fn recv(&self, caller: Pid, sockfd: u32, size: usize) -> Result<Vec<u8>> {
        self.net_caps(caller)?;
        let (socket, timeout) = self.sock(caller, sockfd)?;
        let mut buffer = vec![0u8; size.min(MAX_RECV)];
        let err = |err| sock_err(caller, sockfd, "recv", err);
        let n = match socket {
            Socket::Stream { read, .. } => {
                use tokio::io::AsyncReadExt;
                let mut read = read.lock().await;
                within(timeout, read.read(&mut buffer))
                    .await
                    .ok_or_else(|| timed_out(caller, sockfd, "recv", timeout))?
                    .map_err(err)?
            }
            Socket::Udp { socket, .. } => {
                let udp = socket
                    .lock()
                    .clone()
                    .ok_or_else(|| state_err(caller, sockfd, "recv", "not connected"))?;
                within(timeout, udp.recv(&mut buffer))
                    .await
                    .ok_or_else(|| timed_out(caller, sockfd, "recv", timeout))?
                    .map_err(err)?
            }
            _ => return Err(state_err(caller, sockfd, "recv", "not connected")),
        };
        buffer.truncate(n);
        Ok(buffer)
    }

    /// Sends a datagram to `address` (binding the UDP socket to an ephemeral port first if
    /// needed); returns the bytes sent.
    ///
    /// # Errors
    /// `PermissionDenied` without `NETWORK_ACCESS`; `NetworkDenied` by the PID's rule;
    /// `NoSuchSocket`; `Socket` for a TCP socket or when the OS refuses.
    pub async fn send_to(
        &self,
        caller: Pid,
        sockfd: u32,
        data: &[u8],
        address: &str,
    ) -> Result<usize> {
        self.net_caps(caller)?;
        let address = self.destination(caller, address)?;
        let (socket, _) = self.sock(caller, sockfd)?;
        let Socket::Udp { socket, v6 } = socket else {
            return Err(state_err(caller, sockfd, "send_to", "not a UDP socket"));
        };
        let err = |err| sock_err(caller, sockfd, "send_to", err);
        let udp = udp_bound(&socket, v6).await.map_err(err)?;
        udp.send_to(data, address).await.map_err(err)
    }

    /// Receives one datagram of up to `size` bytes and its sender.
    ///
    /// # Errors
    /// `PermissionDenied` without `NETWORK_ACCESS`; `NoSuchSocket`; `Socket` for an unbound
    /// or TCP socket, on timeout, or when the OS refuses.
    pub async fn recv_from(&self, caller: Pid, sockfd: u32, size: usize) -> Result<Received> {
        self.net_caps(caller)?;
        let (socket, timeout) = self.sock(caller, sockfd)?;
        let Socket::Udp { socket, .. } = socket else {
            return Err(state_err(caller, sockfd, "recv_from", "not a UDP socket"));
        };
        let udp = socket
            .lock()
            .clone()
            .ok_or_else(|| state_err(caller, sockfd, "recv_from", "not bound"))?;
        let mut buffer = vec![0u8; size.min(MAX_RECV)];
        let (n, address) = within(timeout, udp.recv_from(&mut buffer))
            .await
            .ok_or_else(|| timed_out(caller, sockfd, "recv_from", timeout))?
            .map_err(|err| sock_err(caller, sockfd, "recv_from", err))?;
        buffer.truncate(n);
        Ok(Received {
            data: buffer,
            address,
        })
    }

    /// Closes a socket.
    ///
    /// # Errors
    /// `PermissionDenied` without `NETWORK_ACCESS`; `NoSuchSocket`.
    pub fn close_socket(&self, caller: Pid, sockfd: u32) -> Result<()> {
        self.net_caps(caller)?;
        if self.runtime().sockets.remove(caller, sockfd) {
            Ok(())
        } else {
            Err(Error::NoSuchSocket {
                pid: caller,
                sockfd,
            })
        }
    }

    /// Sets an option by its Linux `(level, optname)` numbers (see [`SocketOption`]);
    /// booleans are 0/1, `SO_RCVTIMEO` is in milliseconds.
    ///
    /// # Errors
    /// `PermissionDenied` without `NETWORK_ACCESS`; `NoSuchSocket`; `InvalidArgument` for an
    /// unsupported option; `Socket` when the option does not apply in the socket's state.
    pub fn set_sock_opt(
        &self,
        caller: Pid,
        sockfd: u32,
        level: i32,
        optname: i32,
        value: u64,
    ) -> Result<()> {
        self.net_caps(caller)?;
        let option = option(level, optname)?;
        let (socket, _) = self.sock(caller, sockfd)?;
        let err = |err| sock_err(caller, sockfd, "set_sock_opt", err);
        let flag = value != 0;
        let ttl = u32::try_from(value).unwrap_or(u32::MAX);
        match (option, &socket) {
            (SocketOption::ReceiveTimeout, _) => {
                self.runtime().sockets.set_recv_timeout(
                    caller,
                    sockfd,
                    Duration::from_millis(value.max(1)),
                );
                Ok(())
            }
            (SocketOption::ReuseAddress, Socket::Tcp(slot)) => {
                with_tcp(slot, caller, sockfd, |tcp| tcp.set_reuseaddr(flag))
                    .and_then(|r| r.map_err(err))
            }
            (SocketOption::NoDelay, Socket::Tcp(slot)) => {
                with_tcp(slot, caller, sockfd, |tcp| tcp.set_nodelay(flag))
                    .and_then(|r| r.map_err(err))
            }
            (SocketOption::NoDelay, Socket::Stream { write, .. }) => write
                .try_lock()
                .map_err(|_| state_err(caller, sockfd, "set_sock_opt", "socket busy"))?
                .as_ref()
                .set_nodelay(flag)
                .map_err(err),
            (SocketOption::Ttl, Socket::Stream { write, .. }) => write
                .try_lock()
                .map_err(|_| state_err(caller, sockfd, "set_sock_opt", "socket busy"))?
                .as_ref()
                .set_ttl(ttl)
                .map_err(err),
            (SocketOption::Ttl, Socket::Listener(listener)) => listener.set_ttl(ttl).map_err(err),
            (SocketOption::Ttl, Socket::Udp { socket, .. }) => {
                bound(socket, caller, sockfd)?.set_ttl(ttl).map_err(err)
            }
            (SocketOption::Broadcast, Socket::Udp { socket, .. }) => bound(socket, caller, sockfd)?
                .set_broadcast(flag)
                .map_err(err),
            _ => Err(state_err(
                caller,
                sockfd,
                "set_sock_opt",
                "option does not apply to this socket",
            )),
        }
    }

    /// Reads an option by its Linux `(level, optname)` numbers.
    ///
    /// # Errors
    /// As [`Kernel::set_sock_opt`].
    pub fn get_sock_opt(&self, caller: Pid, sockfd: u32, level: i32, optname: i32) -> Result<u64> {
        self.net_caps(caller)?;
        let option = option(level, optname)?;
        let (socket, timeout) = self.sock(caller, sockfd)?;
        let err = |err| sock_err(caller, sockfd, "get_sock_opt", err);
        match (option, &socket) {
            (SocketOption::ReceiveTimeout, _) => {
                Ok(u64::try_from(timeout.as_millis()).unwrap_or(u64::MAX))
            }
            (SocketOption::ReuseAddress, Socket::Tcp(slot)) => {
                with_tcp(slot, caller, sockfd, |tcp| tcp.reuseaddr())
                    .and_then(|r| r.map(u64::from).map_err(err))
            }
            (SocketOption::NoDelay, Socket::Tcp(slot)) => {
                with_tcp(slot, caller, sockfd, |tcp| tcp.nodelay())
                    .and_then(|r| r.map(u64::from).map_err(err))
            }
            (SocketOption::NoDelay, Socket::Stream { write, .. }) => write
                .try_lock()
                .map_err(|_| state_err(caller, sockfd, "get_sock_opt", "socket busy"))?
                .as_ref()
                .nodelay()
                .map(u64::from)
                .map_err(err),
            (SocketOption::Ttl, Socket::Stream { write, .. }) => write
                .try_lock()
                .map_err(|_| state_err(caller, sockfd, "get_sock_opt", "socket busy"))?
                .as_ref()
                .ttl()
                .map(u64::from)
                .map_err(err),
            (SocketOption::Ttl, Socket::Listener(listener)) => {
                listener.ttl().map(u64::from).map_err(err)
            }
            (SocketOption::Ttl, Socket::Udp { socket, .. }) => bound(socket, caller, sockfd)?
                .ttl()
                .map(u64::from)
                .map_err(err),
            (SocketOption::Broadcast, Socket::Udp { socket, .. }) => bound(socket, caller, sockfd)?
                .broadcast()
                .map(u64::from)
                .map_err(err),
            _ => Err(state_err(
                caller,
                sockfd,
                "get_sock_opt",
                "option does not apply to this socket",
            )),
        }
    }

    /// Sockets `pid` holds open.
    pub fn socket_count(&self, pid: Pid) -> usize {
        self.runtime().sockets.count(pid)
    }

    fn net_caps(&self, caller: Pid) -> Result<CapabilitySet> {
        let caps = self.capabilities_of(caller)?;
        if caps.allows(CapabilityKind::NetworkAccess, None) {
            Ok(caps)
        } else {
            Err(denied(caller, CapabilityKind::NetworkAccess, "-"))
        }
    }

    fn sock(&self, caller: Pid, sockfd: u32) -> Result<(Socket, Duration)> {
        self.runtime()
            .sockets
            .get(caller, sockfd)
            .ok_or(Error::NoSuchSocket {
                pid: caller,
                sockfd,
            })
    }

    fn destination(&self, caller: Pid, address: &str) -> Result<SocketAddr> {
        let parsed = parse_address(address).ok_or_else(|| {
            Error::InvalidArgument(format!("address {address:?}: expected ip:port"))
        })?;
        let rule: SocketRule = self.runtime().sockets.rule(caller);
        let caps = self.capabilities_of(caller)?;
        let host = parsed.ip().to_string();
        if rule.allows(parsed) && caps.allows_connect(&host, parsed.port()) {
            Ok(parsed)
        } else {
            Err(Error::NetworkDenied {
                pid: caller,
                address: parsed.to_string(),
            })
        }
    }
}

fn check_bind(caps: &CapabilitySet, caller: Pid, port: u16) -> Result<()> {
    let allowed = caps.iter().any(|capability| match capability {
        Capability::BindPort(None) => true,
        Capability::BindPort(Some(allowed)) => port != 0 && *allowed == port,
        _ => false,
    });
    if allowed {
        Ok(())
    } else {
        Err(denied(
            caller,
            CapabilityKind::BindPort,
            &format!("port {port}"),
        ))
    }
}

fn option(level: i32, optname: i32) -> Result<SocketOption> {
    SocketOption::from_numbers(level, optname).ok_or_else(|| {
        Error::InvalidArgument(format!(
            "socket option level {level} name {optname} is not supported"
        ))
    })
}

async fn within<F: std::future::Future>(timeout: Duration, future: F) -> Option<F::Output> {
    tokio::time::timeout(timeout, future).await.ok()
}

async fn udp_bound(
    slot: &Mutex<Option<Arc<UdpSocket>>>,
    v6: bool,
) -> std::io::Result<Arc<UdpSocket>> {
    if let Some(udp) = slot.lock().clone() {
        return Ok(udp);
    }
    let any: SocketAddr = if v6 {
        "[::]:0".parse()
    } else {
        "0.0.0.0:0".parse()
    }
    .map_err(std::io::Error::other)?;
    let udp = Arc::new(UdpSocket::bind(any).await?);
    let mut guard = slot.lock();
    Ok(Arc::clone(guard.get_or_insert(udp)))
}

fn bound(slot: &Mutex<Option<Arc<UdpSocket>>>, caller: Pid, sockfd: u32) -> Result<Arc<UdpSocket>> {
    slot.lock()
        .clone()
        .ok_or_else(|| state_err(caller, sockfd, "sock_opt", "not bound"))
}

fn with_tcp<T>(
    slot: &Mutex<Option<TcpSocket>>,
    caller: Pid,
    sockfd: u32,
    f: impl FnOnce(&TcpSocket) -> T,
) -> Result<T> {
    let guard = slot.lock();
    let tcp = guard
        .as_ref()
        .ok_or_else(|| state_err(caller, sockfd, "sock_opt", "socket is changing state"))?;
    Ok(f(tcp))
}

fn sock_err(pid: Pid, sockfd: u32, operation: &'static str, err: std::io::Error) -> Error {
    Error::Socket {
        pid,
        sockfd,
        operation,
        reason: err.to_string(),
    }
}

fn state_err(pid: Pid, sockfd: u32, operation: &'static str, reason: &str) -> Error {
    Error::Socket {
        pid,
        sockfd,
        operation,
        reason: reason.to_owned(),
    }
}

fn timed_out(pid: Pid, sockfd: u32, operation: &'static str, timeout: Duration) -> Error {
    Error::Socket {
        pid,
        sockfd,
        operation,
        reason: format!("timed out after {} ms", timeout.as_millis()),
    }
}

fn denied(pid: Pid, capability: CapabilityKind, path: &str) -> Error {
    Error::PermissionDenied {
        pid,
        capability,
        path: path.to_owned(),
    }
}
