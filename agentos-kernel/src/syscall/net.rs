//! Network syscalls: thin calls into Kernel II's socket methods, which check
//! `NetworkAccess` (with its host/port rules) and `BindPort`. Calls that talk to the network
//! are async: [`Kernel::syscall`] answers `WouldBlock` for them, [`Kernel::syscall_async`]
//! performs them.

use crate::{
    access::Caller,
    error::{Error, Result},
    kernel::Kernel,
    syscall::{Syscall, SyscallOutput},
};

impl Kernel {
    /// The network calls that finish without waiting.
    pub(crate) fn exec_net(&self, caller: &Caller, call: Syscall) -> Result<SyscallOutput> {
        let pid = caller.pid;
        match call {
            Syscall::Socket {
                domain,
                socket_type,
                protocol,
            } => self
                .socket(pid, domain, socket_type, protocol)
                .map(SyscallOutput::Socket),
            Syscall::CloseSocket { sockfd } => {
                self.close_socket(pid, sockfd).map(|()| SyscallOutput::None)
            }
            Syscall::SetSockOpt {
                sockfd,
                level,
                optname,
                value,
            } => self
                .set_sock_opt(pid, sockfd, level, optname, value)
                .map(|()| SyscallOutput::None),
            Syscall::GetSockOpt {
                sockfd,
                level,
                optname,
            } => self
                .get_sock_opt(pid, sockfd, level, optname)
                .map(SyscallOutput::Count),
            other => Err(Error::WouldBlock(format!(
                "{} talks to the network: use syscall_async",
                other.name()
            ))),
        }
    }

    /// Every network call, waiting where it must.
    pub(crate) async fn exec_net_async(
        &self,
        caller: &Caller,
        call: Syscall,
    ) -> Result<SyscallOutput> {
        let pid = caller.pid;
        match call {
            Syscall::Bind { sockfd, address } => self
                .bind(pid, sockfd, &address)
                .await
                .map(SyscallOutput::Address),
            Syscall::Listen { sockfd, backlog } => self
                .listen(pid, sockfd, backlog)
                .await
                .map(|()| SyscallOutput::None),
            Syscall::Accept { sockfd } => {
                self.accept(pid, sockfd).await.map(SyscallOutput::Accepted)
            }
            Syscall::Connect { sockfd, address } => self
                .connect(pid, sockfd, &address)
                .await
                .map(|()| SyscallOutput::None),
            Syscall::Send { sockfd, data } => self
                .send(pid, sockfd, &data)
                .await
                .map(|n| SyscallOutput::Count(n as u64)),
            Syscall::Recv { sockfd, size } => {
                self.recv(pid, sockfd, size).await.map(SyscallOutput::Bytes)
            }
            Syscall::SendTo {
                sockfd,
                data,
                address,
            } => self
                .send_to(pid, sockfd, &data, &address)
                .await
                .map(|n| SyscallOutput::Count(n as u64)),
            Syscall::RecvFrom { sockfd, size } => self
                .recv_from(pid, sockfd, size)
                .await
                .map(SyscallOutput::Received),
            #[cfg(feature = "http")]
            Syscall::NetworkRequest {
                method,
                url,
                headers,
                body,
                timeout_ms,
            } => self
                .network_request(
                    pid,
                    crate::net::HttpRequest {
                        method,
                        url,
                        headers,
                        body,
                        timeout: timeout_ms.map(std::time::Duration::from_millis),
                    },
                )
                .await
                .map(SyscallOutput::Http),
            other => self.exec_net(caller, other),
        }
    }
}

#[cfg(feature = "http")]
impl From<crate::net::HttpRequest> for Syscall {
    /// The `network_request` call for `request` (its timeout in whole milliseconds).
    fn from(request: crate::net::HttpRequest) -> Syscall {
        let crate::net::HttpRequest {
            method,
            url,
            headers,
            body,
            timeout,
        } = request;
        Syscall::NetworkRequest {
            method,
            url,
            headers,
            body,
            timeout_ms: timeout.map(|t| u64::try_from(t.as_millis()).unwrap_or(u64::MAX)),
        }
    }
}
