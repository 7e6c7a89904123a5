//! Builds a child's seccomp deny-list (before the fork), written directly as a short classic
//! BPF program.

use std::sync::OnceLock;

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

/// The programs a pre-forked stub installs: none without seccomp, else the filter for a child
/// with or without network.
///
/// # Errors
/// When the filter cannot be built.
pub(crate) fn programs_for(network: Option<bool>) -> Result<Vec<Vec<libc::sock_filter>>, String> {
    network.map_or(Ok(Vec::new()), |network| {
        cached(network).map(|built| built.programs)
    })
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

/// Compiles the filter; without `network`, `socket` for any family but `AF_UNIX` is denied
/// too. One program, written directly as classic BPF so it stays short (the Linux kernel
/// checks and translates the whole program at every install): a wrong architecture kills the
/// process; on x86-64 the x32 call numbers are denied; each listed call fails with `EPERM`;
/// `clone` fails with `EPERM` when its flags ask for a new namespace; `clone3`, whose flags a
/// filter cannot read, fails with `ENOSYS` so the C library falls back to `clone`; everything
/// else is allowed.
///
/// # Errors
/// An unsupported architecture.
pub(crate) fn build(network: bool) -> Result<BuiltFilter, String> {
    let program = assemble(network)?;
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
        programs: vec![program],
        detail,
    })
}

/// Where a jump goes: the next instruction, over some instructions, or one of the shared
/// returns at the end.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Next,
    Skip(u8),
    Allow,
    Deny,
    NoSys,
    Kill,
}

/// One instruction before jump offsets are known.
enum Op {
    /// Load the 32-bit word at this offset of `struct seccomp_data`.
    Load(u32),
    /// Compare the loaded word with `k` (`code` says how) and go to `then` or `otherwise`.
    Jump {
        code: u32,
        k: u32,
        then: Target,
        otherwise: Target,
    },
}

/// Offsets in `struct seccomp_data`: `nr`, `arch`, then `args[0]` (its low 32 bits on a
/// little-endian machine; `clone` flags and socket domains fit in them).
const NR: u32 = 0;
const ARCH: u32 = 4;
const ARG0_LOW: u32 = 16;

/// The x32 ABI's bit in x86-64 call numbers.
const X32_SYSCALL_BIT: u32 = 0x4000_0000;

const JEQ: u32 = libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K;
const JGE: u32 = libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K;
const JSET: u32 = libc::BPF_JMP | libc::BPF_JSET | libc::BPF_K;

fn assemble(network: bool) -> Result<Vec<libc::sock_filter>, String> {
    let jump = |code: u32, k: u32, then: Target, otherwise: Target| Op::Jump {
        code,
        k,
        then,
        otherwise,
    };
    let mut ops = vec![
        Op::Load(ARCH),
        jump(JEQ, audit_arch()?, Target::Next, Target::Kill),
        Op::Load(NR),
    ];
    if cfg!(target_arch = "x86_64") {
        ops.push(jump(JGE, X32_SYSCALL_BIT, Target::Deny, Target::Next));
    }
    for (_, number) in DENIED_SYSCALLS {
        ops.push(jump(JEQ, *number as u32, Target::Deny, Target::Next));
    }
    ops.push(jump(
        JEQ,
        libc::SYS_clone3 as u32,
        Target::NoSys,
        Target::Next,
    ));
    if !network {
        // socket(domain, …): only AF_UNIX; any other call skips to the clone test.
        ops.push(jump(
            JEQ,
            libc::SYS_socket as u32,
            Target::Next,
            Target::Skip(2),
        ));
        ops.push(Op::Load(ARG0_LOW));
        ops.push(jump(JEQ, libc::AF_UNIX as u32, Target::Allow, Target::Deny));
    }
    let namespace_mask = NAMESPACE_FLAGS
        .iter()
        .fold(0u32, |mask, flag| mask | *flag as u32);
    ops.push(jump(
        JEQ,
        libc::SYS_clone as u32,
        Target::Next,
        Target::Allow,
    ));
    ops.push(Op::Load(ARG0_LOW));
    ops.push(jump(JSET, namespace_mask, Target::Deny, Target::Allow));
    resolve(&ops)
}

/// Lays out the shared returns after `ops` and turns targets into relative offsets.
fn resolve(ops: &[Op]) -> Result<Vec<libc::sock_filter>, String> {
    let allow = ops.len();
    let offset = |index: usize, target: Target| -> Result<u8, String> {
        let to = match target {
            Target::Next => index + 1,
            Target::Skip(n) => index + 1 + usize::from(n),
            Target::Allow => allow,
            Target::Deny => allow + 1,
            Target::NoSys => allow + 2,
            Target::Kill => allow + 3,
        };
        u8::try_from(to - index - 1).map_err(|_| "seccomp jump too far".to_owned())
    };
    let mut program = Vec::with_capacity(ops.len() + 4);
    for (index, op) in ops.iter().enumerate() {
        program.push(match *op {
            Op::Load(at) => statement(libc::BPF_LD | libc::BPF_W | libc::BPF_ABS, at),
            Op::Jump {
                code,
                k,
                then,
                otherwise,
            } => libc::sock_filter {
                code: code as u16,
                jt: offset(index, then)?,
                jf: offset(index, otherwise)?,
                k,
            },
        });
    }
    let ret = libc::BPF_RET | libc::BPF_K;
    program.push(statement(ret, libc::SECCOMP_RET_ALLOW));
    program.push(statement(ret, libc::SECCOMP_RET_ERRNO | libc::EPERM as u32));
    program.push(statement(
        ret,
        libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32,
    ));
    program.push(statement(ret, libc::SECCOMP_RET_KILL_PROCESS));
    Ok(program)
}

fn statement(code: u32, k: u32) -> libc::sock_filter {
    libc::sock_filter {
        code: code as u16,
        jt: 0,
        jf: 0,
        k,
    }
}

/// The `AUDIT_ARCH_*` value of the architecture this was built for.
fn audit_arch() -> Result<u32, String> {
    if cfg!(target_arch = "x86_64") {
        // AUDIT_ARCH_X86_64: EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE.
        Ok(0xC000_003E)
    } else if cfg!(target_arch = "aarch64") {
        // AUDIT_ARCH_AARCH64: EM_AARCH64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE.
        Ok(0xC000_00B7)
    } else {
        Err("seccomp filters are built for x86_64 and aarch64 only".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs `program` on one call the way the Linux kernel does (only the instructions
    /// `assemble` emits), returning the action.
    fn run(program: &[libc::sock_filter], nr: u32, arch: u32, arg0: u32) -> u32 {
        let word = |at: u32| match at {
            NR => nr,
            ARCH => arch,
            ARG0_LOW => arg0,
            _ => 0,
        };
        let (mut pc, mut a) = (0usize, 0u32);
        loop {
            let ins = program[pc];
            let code = u32::from(ins.code);
            if code == libc::BPF_LD | libc::BPF_W | libc::BPF_ABS {
                a = word(ins.k);
                pc += 1;
                continue;
            }
            if code == libc::BPF_RET | libc::BPF_K {
                return ins.k;
            }
            let taken = match code {
                JEQ => a == ins.k,
                JGE => a >= ins.k,
                JSET => a & ins.k != 0,
                other => panic!("unexpected instruction {other:#x}"),
            };
            pc += 1 + usize::from(if taken { ins.jt } else { ins.jf });
        }
    }

    const EPERM: u32 = libc::SECCOMP_RET_ERRNO | libc::EPERM as u32;
    const ENOSYS: u32 = libc::SECCOMP_RET_ERRNO | libc::ENOSYS as u32;
    const ALLOW: u32 = libc::SECCOMP_RET_ALLOW;

    #[test]
    fn filter_denies_what_it_lists_and_allows_the_rest() {
        let arch = audit_arch().unwrap();
        for network in [false, true] {
            let built = build(network).unwrap();
            assert_eq!(built.programs.len(), 1);
            let program = &built.programs[0];
            assert!(program.len() < 64, "{} instructions", program.len());
            let call = |nr: libc::c_long, arg0: u32| run(program, nr as u32, arch, arg0);
            for (name, number) in DENIED_SYSCALLS {
                assert_eq!(call(*number, 0), EPERM, "{name}");
            }
            assert_eq!(call(libc::SYS_read, 0), ALLOW);
            assert_eq!(call(libc::SYS_execve, 0), ALLOW);
            assert_eq!(call(libc::SYS_clone3, 0), ENOSYS);
            assert_eq!(call(libc::SYS_clone, libc::SIGCHLD as u32), ALLOW);
            for flag in NAMESPACE_FLAGS {
                assert_eq!(
                    call(libc::SYS_clone, flag as u32 | libc::SIGCHLD as u32),
                    EPERM
                );
            }
            assert_eq!(call(libc::SYS_socket, libc::AF_UNIX as u32), ALLOW);
            let inet = call(libc::SYS_socket, libc::AF_INET as u32);
            assert_eq!(inet, if network { ALLOW } else { EPERM });
            // Another architecture is killed; x32 numbers are denied.
            assert_eq!(
                run(program, libc::SYS_read as u32, 0x4000_0003, 0),
                libc::SECCOMP_RET_KILL_PROCESS
            );
            if cfg!(target_arch = "x86_64") {
                assert_eq!(run(program, X32_SYSCALL_BIT | 1, arch, 0), EPERM);
            }
        }
        assert!(
            build(false)
                .unwrap()
                .detail
                .contains("non-unix sockets denied")
        );
    }
}
