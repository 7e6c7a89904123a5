//! The seccomp deny-list: dangerous calls fail with EPERM; without the network capability
//! only `AF_UNIX` sockets can be created.

mod common;

use agentos_kernel::{Layer, SandboxPreset};
use common::*;

const PROBE: &str = r#"
import ctypes, errno, socket
libc = ctypes.CDLL(None, use_errno=True)
def call(name, *args):
    rc = getattr(libc, name)(*args)
    return "%s=%s" % (name, "EPERM" if rc == -1 and ctypes.get_errno() == errno.EPERM else rc)
out = [call("ptrace", 0, 0, 0, 0), call("unshare", 0x10000000), call("mount", b"none", b"/tmp", b"tmpfs", 0, None), call("syscall", 321, 0, 0, 0)]
out.append(call("syscall", 56, 0x10000000 | 17, 0, 0, 0, 0).replace("syscall", "clone_newuser"))
rc = libc.syscall(435, 0, 0)
out.append("clone3=" + ("ENOSYS" if rc == -1 and ctypes.get_errno() == errno.ENOSYS else str(rc)))
import subprocess
out.append("subprocess=%d" % subprocess.run(["/bin/true"]).returncode)
try:
    socket.socket(socket.AF_INET, socket.SOCK_STREAM); out.append("inet=ok")
except OSError as e:
    out.append("inet=EPERM" if e.errno == errno.EPERM else "inet=%d" % e.errno)
socket.socket(socket.AF_UNIX, socket.SOCK_STREAM); out.append("unix=ok")
print(" ".join(out))
"#;

#[test]
fn dangerous_calls_and_inet_sockets_fail_with_eperm() {
    let (kernel, root) = kernel();
    let (report, info) = run(
        &kernel,
        root,
        SandboxPreset::Standard.spec("/usr/bin/python3", ["-c", PROBE]),
    );
    let stdout = String::from_utf8_lossy(&info.stdout);
    if layer_enforced(&report, Layer::Seccomp) {
        assert_eq!(
            stdout.trim(),
            "ptrace=EPERM unshare=EPERM mount=EPERM syscall=EPERM clone_newuser=EPERM clone3=ENOSYS subprocess=0 inet=EPERM unix=ok",
            "{info:?}"
        );
    }
}

#[test]
fn with_network_inet_sockets_are_allowed_but_ptrace_is_not() {
    let (kernel, root) = kernel();
    let mut spec = SandboxPreset::Standard.spec("/usr/bin/python3", ["-c", PROBE]);
    spec.network = true;
    let (report, info) = run(&kernel, root, spec);
    let stdout = String::from_utf8_lossy(&info.stdout);
    if layer_enforced(&report, Layer::Seccomp) {
        assert!(
            stdout.contains("ptrace=EPERM") && stdout.contains("inet=ok"),
            "{info:?}"
        );
    }
}
