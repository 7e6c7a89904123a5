//! The kernel's only `unsafe` code: what a child does between `fork` and `exec`, and the few
//! OS calls that have no safe wrapper (priority of a process group, feature probes).
//!
//! Everything here is prepared by safe code first; the functions that run in the forked child
//! only issue async-signal-safe system calls on data that was allocated before the fork.
#![allow(unsafe_code)]

mod child_setup;
mod netns;
mod pid_namespace;
mod pidfd;
mod priority;
mod probe;
mod stub;
mod stub_request;

pub(crate) use self::{
    child_setup::{ChildSetup, InitStatus, Rlimit, install},
    netns::shared_empty_netns,
    pid_namespace::{direct_pid_namespace_available, with_new_pid_namespace},
    pidfd::{has_exited, pidfd_open},
    priority::set_group_nice,
    probe::{landlock_abi, namespaces_available, seccomp_available},
    stub::{Stub, StubShape, decode_report, make as make_stub, send_request},
    stub_request::{StubRequest, encode as encode_request},
};
