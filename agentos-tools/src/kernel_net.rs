//! The `network_request` syscall made from synchronous tool code: the request runs as the
//! app's PID on a small tokio runtime owned by this crate, and the calling thread waits for it
//! until the call's deadline. The kernel checks `NETWORK_ACCESS` and the PID's host/port rules
//! and speaks HTTP and HTTPS; this module checks nothing of its own.
//!
//! The runtime is separate from any runtime the caller may be inside (the server's), so waiting
//! here never blocks an executor the request itself needs.

use std::{
    sync::{OnceLock, mpsc},
    time::Instant,
};

use agentos_kernel::{HttpRequest, HttpResponse, Kernel, Pid, Syscall, SyscallOutput};

/// How a request ended when the kernel did not answer with an error.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The server answered (any status).
    Response(HttpResponse),
    /// The deadline passed first; the request was cancelled.
    TimedOut,
}

/// Why no request could be made at all.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The kernel refused or the transport failed.
    Kernel(agentos_kernel::Error),
    /// The crate's network runtime could not start or stopped.
    Runtime(String),
}

/// Performs `request` as `pid` through [`Syscall::NetworkRequest`], waiting at most until
/// `deadline` (which also bounds the kernel's own timeout for the request).
pub(crate) fn network_request(
    kernel: &Kernel,
    pid: Pid,
    request: HttpRequest,
    deadline: Instant,
) -> Result<Outcome, Failure> {
    let runtime = runtime().map_err(Failure::Runtime)?;
    let call = kernel.syscall_async(pid, Syscall::from(request));
    let (sender, receiver) = mpsc::sync_channel(1);
    runtime.spawn(async move {
        let answer = tokio::time::timeout_at(tokio::time::Instant::from_std(deadline), call).await;
        // The waiter may be gone only if its thread panicked; nothing is left to tell.
        let _ = sender.send(answer);
    });
    match receiver.recv() {
        Ok(Err(_elapsed)) => Ok(Outcome::TimedOut),
        Ok(Ok(Ok(SyscallOutput::Http(response)))) => Ok(Outcome::Response(response)),
        Ok(Ok(Ok(other))) => Err(Failure::Runtime(format!(
            "network_request answered {other:?}"
        ))),
        Ok(Ok(Err(err))) => Err(Failure::Kernel(err)),
        Err(_) => Err(Failure::Runtime(
            "the network runtime dropped the request".to_owned(),
        )),
    }
}

/// The crate's network runtime: one worker thread, started on first use.
fn runtime() -> Result<&'static tokio::runtime::Runtime, String> {
    static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("agentos-tools-net")
                .enable_all()
                .build()
                .map_err(|err| format!("cannot start the network runtime: {err}"))
        })
        .as_ref()
        .map_err(Clone::clone)
}
