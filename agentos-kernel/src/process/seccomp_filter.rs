//! Builds a child's seccomp deny-list (before the fork) with seccompiler.

use std::{collections::BTreeMap, sync::OnceLock};

use seccompiler::{
    BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
    SeccompRule, TargetArch,
};

/// System calls a sandboxed child never needs; each fails with `EPERM`.
pub const DENIED_SYSCALLS: &[(&str, libc::c_long)] = &[
    ("ptrace", libc::SYS_ptrace),
    ("process_vm_readv", libc::SYS_process_vm_readv),
    ("process_vm_writev", libc::SYS_process_vm_writev),
    ("mount", libc::SYS_mount),
    ("umount2", libc::SYS_umount2),
    ("pivot_root", libc::SYS_pivot_root),
    ("chroot", libc::SYS_chroot),
    ("move_mount", libc::SYS_move_mount),
    ("open_tree", libc::SYS_open_tree),
    ("fsopen", libc::SYS_fsopen),
    ("fsmount", libc::SYS_fsmount),
    ("unshare", libc::SYS_unshare),
    ("setns", libc::SYS_setns),
    ("kexec_load", libc::SYS_kexec_load),
    ("kexec_file_load", libc::SYS_kexec_file_load),
    ("bpf", libc::SYS_bpf),
    ("perf_event_open", libc::SYS_perf_event_open),
    ("keyctl", libc::SYS_keyctl),
    ("add_key", libc::SYS_add_key),
    ("request_key", libc::SYS_request_key),
    ("init_module", libc::SYS_init_module),
    ("finit_module", libc::SYS_finit_module),
    ("delete_module", libc::SYS_delete_module),
    ("reboot", libc::SYS_reboot),
    ("swapon", libc::SYS_swapon),
    ("swapoff", libc::SYS_swapoff),
    ("acct", libc::SYS_acct),
    ("quotactl", libc::SYS_quotactl),
    ("syslog", libc::SYS_syslog),
    ("settimeofday", libc::SYS_settimeofday),
    ("clock_settime", libc::SYS_clock_settime),
    ("clock_adjtime", libc::SYS_clock_adjtime),
    ("adjtimex", libc::SYS_adjtimex),
    ("userfaultfd", libc::SYS_userfaultfd),
    ("open_by_handle_at", libc::SYS_open_by_handle_at),
    ("name_to_handle_at", libc::SYS_name_to_handle_at),
    ("io_uring_setup", libc::SYS_io_uring_setup),
    ("io_uring_enter", libc::SYS_io_uring_enter),
    ("io_uring_register", libc::SYS_io_uring_register),
    ("personality", libc::SYS_personality),
];

/// A compiled filter and a line describing it.
#[derive(Clone)]
pub(crate) struct BuiltFilter {
    /// Programs to install, in order.
    pub(crate) programs: Vec<Vec<libc::sock_filter>>,
    pub(crate) detail: String,
}

/// The filter for `network`, compiled once per process and then cloned.
pub(crate) fn cached(network: bool) -> Result<BuiltFilter, String> {
    static WITH: OnceLock<Result<BuiltFilter, String>> = OnceLock::new();
    static WITHOUT: OnceLock<Result<BuiltFilter, String>> = OnceLock::new();
    let cell = if network { &WITH } else { &WITHOUT };
    cell.get_or_init(|| build(network)).clone()
}

/// Namespace flags a sandboxed child may not pass to `clone`.
const NAMESPACE_FLAGS: [libc::c_int; 7] = [
    libc::CLONE_NEWUSER,
    libc::CLONE_NEWNS,
    libc::CLONE_NEWPID,
    libc::CLONE_NEWNET,
    libc::CLONE_NEWIPC,
    libc::CLONE_NEWUTS,
    libc::CLONE_NEWCGROUP,
];

/// Compiles the deny-list; without `network`, `socket` for any family but `AF_UNIX` is
/// denied too. Two programs: the deny-list (EPERM), with `clone` refused when it asks for a new
/// namespace; and `clone3` answered with ENOSYS, whose flags a filter cannot read, so the C
/// library falls back to `clone`.
///
/// # Errors
/// The seccompiler error as text (e.g. an unsupported architecture).
pub(crate) fn build(network: bool) -> Result<BuiltFilter, String> {
    let text = |err: seccompiler::BackendError| err.to_string();
    let mut rules: BTreeMap<i64, Vec<SeccompRule>> = DENIED_SYSCALLS
        .iter()
        .map(|(_, number)| (*number, Vec::new()))
        .collect();
    if !network {
        let not_unix = SeccompCondition::new(
            0,
            SeccompCmpArgLen::Dword,
            SeccompCmpOp::Ne,
            libc::AF_UNIX as u64,
        )
        .map_err(text)?;
        rules.insert(
            libc::SYS_socket,
            vec![SeccompRule::new(vec![not_unix]).map_err(text)?],
        );
    }
    let mut clone_rules = Vec::new();
    for flag in NAMESPACE_FLAGS {
        let flag = flag as u64;
        let has_flag = SeccompCondition::new(
            0,
            SeccompCmpArgLen::Qword,
            SeccompCmpOp::MaskedEq(flag),
            flag,
        )
        .map_err(text)?;
        clone_rules.push(SeccompRule::new(vec![has_flag]).map_err(text)?);
    }
    rules.insert(libc::SYS_clone, clone_rules);
    let deny = compile(rules, libc::EPERM)?;
    let no_clone3 = compile(
        BTreeMap::from([(libc::SYS_clone3, Vec::new())]),
        libc::ENOSYS,
    )?;
    let detail = format!(
        "{} calls denied with EPERM, no new namespaces{}",
        DENIED_SYSCALLS.len(),
        if network {
            ""
        } else {
            ", non-unix sockets denied"
        }
    );
    Ok(BuiltFilter {
        programs: vec![deny, no_clone3],
        detail,
    })
}

fn compile(
    rules: BTreeMap<i64, Vec<SeccompRule>>,
    errno: libc::c_int,
) -> Result<Vec<libc::sock_filter>, String> {
    let text = |err: seccompiler::BackendError| err.to_string();
    let filter = SeccompFilter::new(
        rules,
        SeccompAction::Allow,
        SeccompAction::Errno(errno as u32),
        target_arch()?,
    )
    .map_err(text)?;
    let program: BpfProgram = filter.try_into().map_err(text)?;
    Ok(program
        .into_iter()
        .map(|instruction| libc::sock_filter {
            code: instruction.code,
            jt: instruction.jt,
            jf: instruction.jf,
            k: instruction.k,
        })
        .collect())
}

fn target_arch() -> Result<TargetArch, String> {
    if cfg!(target_arch = "x86_64") {
        Ok(TargetArch::x86_64)
    } else if cfg!(target_arch = "aarch64") {
        Ok(TargetArch::aarch64)
    } else {
        Err("seccomp filters are built for x86_64 and aarch64 only".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_compiles_with_and_without_network() {
        let with = build(true).unwrap();
        let without = build(false).unwrap();
        assert_eq!(with.programs.len(), 2);
        assert!(without.programs[0].len() > with.programs[0].len());
        assert!(without.detail.contains("non-unix sockets denied"));
    }
}
