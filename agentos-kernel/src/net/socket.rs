//! The socket table: descriptors owned by PIDs, each a TCP socket, listener or stream, or a
//! UDP socket. Operations take the socket out of the table briefly and await without a lock.

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicU32, Ordering},
    },
    time::Duration,
};

use parking_lot::Mutex;
use tokio::net::{
    TcpListener, TcpSocket, UdpSocket,
    tcp::{OwnedReadHalf, OwnedWriteHalf},
};

use crate::{net::rule::SocketRule, process::Pid};

/// How long `recv`, `recv_from`, `accept` and `connect` wait by default (30 s).
pub const DEFAULT_RECV_TIMEOUT: Duration = Duration::from_secs(30);

/// A socket option, by the reference's `(level, optname)` numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SocketOption {
    /// `SOL_SOCKET, SO_REUSEADDR` (before bind).
    ReuseAddress,
    /// `SOL_SOCKET, SO_BROADCAST` (UDP).
    Broadcast,
    /// `SOL_SOCKET, SO_RCVTIMEO`, in milliseconds (the kernel's wait limit).
    ReceiveTimeout,
    /// `IPPROTO_TCP, TCP_NODELAY`.
    NoDelay,
    /// `IPPROTO_IP, IP_TTL`.
    Ttl,
}

impl SocketOption {
    /// The option for a Linux `(level, optname)` pair, if supported.
    pub fn from_numbers(level: i32, name: i32) -> Option<SocketOption> {
        match (level, name) {
            (libc::SOL_SOCKET, libc::SO_REUSEADDR) => Some(SocketOption::ReuseAddress),
            (libc::SOL_SOCKET, libc::SO_BROADCAST) => Some(SocketOption::Broadcast),
            (libc::SOL_SOCKET, libc::SO_RCVTIMEO) => Some(SocketOption::ReceiveTimeout),
            (libc::IPPROTO_TCP, libc::TCP_NODELAY) => Some(SocketOption::NoDelay),
            (libc::IPPROTO_IP, libc::IP_TTL) => Some(SocketOption::Ttl),
            _ => None,
        }
    }
}

/// What a descriptor is now.
#[derive(Debug, Clone)]
pub(crate) enum Socket {
    /// A TCP socket before `listen` or `connect` (taken out when it changes state).
    Tcp(Arc<Mutex<Option<TcpSocket>>>),
    /// A listening TCP socket.
    Listener(Arc<TcpListener>),
    /// A connected TCP stream, split so a `recv` does not block a `send`.
    Stream {
        read: Arc<tokio::sync::Mutex<OwnedReadHalf>>,
        write: Arc<tokio::sync::Mutex<OwnedWriteHalf>>,
    },
    /// A UDP socket, bound on first use when not bound explicitly.
    Udp {
        socket: Arc<Mutex<Option<Arc<UdpSocket>>>>,
        v6: bool,
    },
}

#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) owner: Pid,
    pub(crate) socket: Socket,
    pub(crate) recv_timeout: Duration,
}

/// Every open socket of a kernel, and the per-PID network rules.
#[derive(Debug)]
pub(crate) struct SocketTable {
    next: AtomicU32,
    entries: Mutex<HashMap<u32, Entry>>,
    rules: Mutex<HashMap<Pid, SocketRule>>,
}

impl Default for SocketTable {
    fn default() -> SocketTable {
        SocketTable {
            // Descriptors start above stdin, stdout and stderr.
            next: AtomicU32::new(3),
            entries: Mutex::new(HashMap::new()),
            rules: Mutex::new(HashMap::new()),
        }
    }
}

impl SocketTable {
    pub(crate) fn insert(&self, owner: Pid, socket: Socket) -> u32 {
        let sockfd = self.next.fetch_add(1, Ordering::Relaxed);
        self.entries.lock().insert(
            sockfd,
            Entry {
                owner,
                socket,
                recv_timeout: DEFAULT_RECV_TIMEOUT,
            },
        );
        sockfd
    }

    /// The socket and its receive timeout, when `owner` holds `sockfd`.
    pub(crate) fn get(&self, owner: Pid, sockfd: u32) -> Option<(Socket, Duration)> {
        self.entries
            .lock()
            .get(&sockfd)
            .filter(|entry| entry.owner == owner)
            .map(|entry| (entry.socket.clone(), entry.recv_timeout))
    }

    pub(crate) fn replace(&self, owner: Pid, sockfd: u32, socket: Socket) -> bool {
        match self.entries.lock().get_mut(&sockfd) {
            Some(entry) if entry.owner == owner => {
                entry.socket = socket;
                true
            }
            _ => false,
        }
    }

    pub(crate) fn set_recv_timeout(&self, owner: Pid, sockfd: u32, timeout: Duration) -> bool {
        match self.entries.lock().get_mut(&sockfd) {
            Some(entry) if entry.owner == owner => {
                entry.recv_timeout = timeout;
                true
            }
            _ => false,
        }
    }

    pub(crate) fn remove(&self, owner: Pid, sockfd: u32) -> bool {
        let mut entries = self.entries.lock();
        if entries
            .get(&sockfd)
            .is_some_and(|entry| entry.owner == owner)
        {
            entries.remove(&sockfd);
            true
        } else {
            false
        }
    }

    /// Closes every socket of `owner` and forgets its rule; returns how many were open.
    pub(crate) fn close_all(&self, owner: Pid) -> usize {
        self.rules.lock().remove(&owner);
        let mut entries = self.entries.lock();
        let before = entries.len();
        entries.retain(|_, entry| entry.owner != owner);
        before - entries.len()
    }

    pub(crate) fn count(&self, owner: Pid) -> usize {
        self.entries
            .lock()
            .values()
            .filter(|entry| entry.owner == owner)
            .count()
    }

    pub(crate) fn rule(&self, owner: Pid) -> SocketRule {
        self.rules.lock().get(&owner).cloned().unwrap_or_default()
    }

    pub(crate) fn set_rule(&self, owner: Pid, rule: SocketRule) {
        self.rules.lock().insert(owner, rule);
    }
}

/// Resolves `address` text (`ip:port`) to a socket address.
pub(crate) fn parse_address(address: &str) -> Option<SocketAddr> {
    address.parse().ok()
}
