//! The one message a pooled stub receives: what to exec and which layers to apply.
//!
//! Safe code encodes it in the kernel's process; the stub decodes it after `fork`, so decoding
//! allocates nothing and only reads the received bytes and fills arrays the stub owns. The
//! file descriptors travel beside it (`SCM_RIGHTS`) in a fixed order: stdin, stdout, stderr,
//! the exec-error pipe, the Landlock ruleset (when there is one), then the cgroup files.
//!
//! Layout (native endian, every section 8-byte aligned): [`Header`], `rlimit_count`
//! [`RawRlimit`]s, `filter_count` `u32` filter lengths, the filters' `sock_filter`s one
//! after another, then the strings: program, working directory, each argument (`argv[0]`
//! first) and each `KEY=value`, each ending in a NUL.

use std::{ffi::c_char, mem::size_of};

use super::child_setup::Rlimit;

/// Largest message a stub accepts (bigger requests use the ordinary spawn).
pub(crate) const MESSAGE_CAPACITY: usize = 64 * 1024;

/// Most `argv` plus `envp` entries (with their NULL ends) a stub can pass to `execve`.
pub(crate) const MAX_POINTERS: usize = 4096;

/// Most descriptors one message carries.
pub(crate) const MAX_FDS: usize = 16;

/// Descriptors every request carries: stdin, stdout, stderr and the exec-error pipe.
pub(crate) const FIXED_FDS: usize = 4;

/// Most resource limits in one request.
const MAX_RLIMITS: usize = 16;

/// Most seccomp programs in one request.
const MAX_FILTERS: usize = 4;

/// Marks a request of this layout.
const MAGIC: u32 = 0x4147_5354;

/// The fixed head of a request.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
struct Header {
    magic: u32,
    cgroup_fds: u32,
    has_landlock: u32,
    has_nice: u32,
    nice: i32,
    rlimit_count: u32,
    filter_count: u32,
    argc: u32,
    envc: u32,
    strings_len: u32,
}

/// One resource limit as sent.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
struct RawRlimit {
    resource: u32,
    _pad: u32,
    value: u64,
}

/// What the kernel asks a stub to do, before encoding.
#[derive(Debug)]
pub(crate) struct StubRequest<'a> {
    /// Absolute path of the program (also `argv[0]`).
    pub(crate) program: &'a [u8],
    /// Further arguments, passed verbatim.
    pub(crate) args: &'a [&'a [u8]],
    /// The whole environment as `KEY=value`.
    pub(crate) env: &'a [Vec<u8>],
    /// The working directory.
    pub(crate) cwd: &'a [u8],
    /// The nice value to start with.
    pub(crate) nice: Option<i32>,
    /// Resource limits.
    pub(crate) rlimits: &'a [Rlimit],
    /// Seccomp programs to install, in order.
    pub(crate) seccomp_filters: &'a [Vec<libc::sock_filter>],
    /// A Landlock ruleset travels with the request.
    pub(crate) has_landlock: bool,
    /// How many cgroup `cgroup.procs` files travel with the request.
    pub(crate) cgroup_fds: usize,
}

/// Rounds `n` up to a multiple of 8.
const fn align8(n: usize) -> usize {
    (n + 7) & !7
}

/// Appends `value`'s bytes.
fn push_raw<T: Copy>(out: &mut Vec<u8>, value: &T) {
    // SAFETY: `T` is one of this file's `repr(C)` plain-integer structs or an integer, whose
    // bytes are all initialised; the slice lives only for the copy.
    let bytes =
        unsafe { std::slice::from_raw_parts((value as *const T).cast::<u8>(), size_of::<T>()) };
    out.extend_from_slice(bytes);
}

/// Encodes `request`, or `None` when a stub cannot carry it (too big, too many entries, a NUL
/// inside a string): the caller then spawns the ordinary way, which reports such errors.
pub(crate) fn encode(request: &StubRequest<'_>) -> Option<Vec<u8>> {
    let fds = FIXED_FDS + usize::from(request.has_landlock) + request.cgroup_fds;
    let strings = [request.program, request.cwd]
        .into_iter()
        .chain(std::iter::once(request.program))
        .chain(request.args.iter().copied())
        .chain(request.env.iter().map(Vec::as_slice));
    let argc = 1 + request.args.len();
    let envc = request.env.len();
    if fds > MAX_FDS
        || request.rlimits.len() > MAX_RLIMITS
        || request.seccomp_filters.len() > MAX_FILTERS
        || request
            .seccomp_filters
            .iter()
            .any(|filter| filter.is_empty() || filter.len() > usize::from(u16::MAX))
        || argc + 1 + envc + 1 > MAX_POINTERS
    {
        return None;
    }
    let mut text = Vec::new();
    for string in strings {
        if string.contains(&0) {
            return None;
        }
        text.extend_from_slice(string);
        text.push(0);
    }
    let header = Header {
        magic: MAGIC,
        cgroup_fds: u32::try_from(request.cgroup_fds).ok()?,
        has_landlock: u32::from(request.has_landlock),
        has_nice: u32::from(request.nice.is_some()),
        nice: request.nice.unwrap_or(0),
        rlimit_count: u32::try_from(request.rlimits.len()).ok()?,
        filter_count: u32::try_from(request.seccomp_filters.len()).ok()?,
        argc: u32::try_from(argc).ok()?,
        envc: u32::try_from(envc).ok()?,
        strings_len: u32::try_from(text.len()).ok()?,
    };
    let mut out = Vec::with_capacity(256 + text.len());
    push_raw(&mut out, &header);
    out.resize(align8(out.len()), 0);
    for limit in request.rlimits {
        push_raw(
            &mut out,
            &RawRlimit {
                resource: limit.resource,
                _pad: 0,
                value: limit.value,
            },
        );
    }
    for filter in request.seccomp_filters {
        push_raw(&mut out, &u32::try_from(filter.len()).ok()?);
    }
    out.resize(align8(out.len()), 0);
    for filter in request.seccomp_filters {
        for instruction in filter {
            push_raw(&mut out, instruction);
        }
    }
    out.extend_from_slice(&text);
    (out.len() <= MESSAGE_CAPACITY).then_some(out)
}

/// A decoded request: pointers into the received message and the stub's pointer array.
#[derive(Debug)]
pub(super) struct Decoded {
    /// How many cgroup files follow the fixed descriptors (and the ruleset).
    pub(super) cgroup_fds: usize,
    /// A Landlock ruleset is the fifth descriptor.
    pub(super) has_landlock: bool,
    pub(super) nice: Option<i32>,
    pub(super) rlimits: [Rlimit; MAX_RLIMITS],
    pub(super) rlimit_count: usize,
    /// Each filter's first instruction and length.
    pub(super) filters: [(*const libc::sock_filter, u16); MAX_FILTERS],
    pub(super) filter_count: usize,
    pub(super) program: *const c_char,
    pub(super) cwd: *const c_char,
    pub(super) argv: *const *const c_char,
    pub(super) envp: *const *const c_char,
}

impl Decoded {
    /// How many descriptors must have arrived with the message.
    pub(super) fn fd_count(&self) -> usize {
        FIXED_FDS + usize::from(self.has_landlock) + self.cgroup_fds
    }
}

/// Reads a `T` at `offset` of `message`, if it fits.
fn read_at<T: Copy>(message: &[u8], offset: usize) -> Option<T> {
    let end = offset.checked_add(size_of::<T>())?;
    let bytes = message.get(offset..end)?;
    // SAFETY: `bytes` holds exactly `size_of::<T>()` bytes and `T` is a plain-integer type for
    // which every bit pattern is valid; `read_unaligned` needs no alignment.
    Some(unsafe { bytes.as_ptr().cast::<T>().read_unaligned() })
}

/// Decodes `message` (which must start 8-byte aligned, as the stub's buffer does), filling
/// `pointers` with `argv` then `envp`, each NULL-terminated. `None` for anything malformed.
/// Allocates nothing: safe to call between `fork` and `exec`.
pub(super) fn decode(message: &[u8], pointers: &mut [*const c_char]) -> Option<Decoded> {
    let header: Header = read_at(message, 0)?;
    if header.magic != MAGIC {
        return None;
    }
    let rlimit_count = header.rlimit_count as usize;
    let filter_count = header.filter_count as usize;
    let (argc, envc) = (header.argc as usize, header.envc as usize);
    if rlimit_count > MAX_RLIMITS
        || filter_count > MAX_FILTERS
        || argc == 0
        || argc.checked_add(envc)?.checked_add(2)? > pointers.len()
        || header.cgroup_fds as usize > MAX_FDS
    {
        return None;
    }
    let mut offset = align8(size_of::<Header>());
    let mut rlimits = [Rlimit {
        resource: 0,
        value: 0,
    }; MAX_RLIMITS];
    for limit in rlimits.iter_mut().take(rlimit_count) {
        let raw: RawRlimit = read_at(message, offset)?;
        *limit = Rlimit {
            resource: raw.resource,
            value: raw.value,
        };
        offset += size_of::<RawRlimit>();
    }
    let mut lengths = [0u16; MAX_FILTERS];
    for length in lengths.iter_mut().take(filter_count) {
        let raw: u32 = read_at(message, offset)?;
        *length = u16::try_from(raw).ok().filter(|&n| n > 0)?;
        offset += size_of::<u32>();
    }
    offset = align8(offset);
    let mut filters = [(std::ptr::null(), 0u16); MAX_FILTERS];
    for (slot, &length) in filters.iter_mut().zip(&lengths).take(filter_count) {
        let bytes = usize::from(length) * size_of::<libc::sock_filter>();
        let end = offset.checked_add(bytes)?;
        message.get(offset..end)?;
        *slot = (message[offset..].as_ptr().cast(), length);
        offset = end;
    }
    let strings = message.get(offset..)?;
    if strings.len() != header.strings_len as usize || strings.last() != Some(&0) {
        return None;
    }
    // program, cwd, argv…, envp…: exactly 2 + argc + envc NUL-terminated strings.
    let wanted = 2 + argc + envc;
    let mut starts = strings
        .split_inclusive(|&byte| byte == 0)
        .map(|string| string.as_ptr().cast::<c_char>());
    let program = starts.next()?;
    let cwd = starts.next()?;
    let mut seen = 2;
    for (index, start) in starts.enumerate() {
        // argv occupies pointers[..argc], its NULL at [argc], envp from argc + 1.
        let slot = if index < argc { index } else { index + 1 };
        *pointers.get_mut(slot)? = start;
        seen += 1;
    }
    if seen != wanted {
        return None;
    }
    pointers[argc] = std::ptr::null();
    pointers[argc + 1 + envc] = std::ptr::null();
    Some(Decoded {
        cgroup_fds: header.cgroup_fds as usize,
        has_landlock: header.has_landlock != 0,
        nice: (header.has_nice != 0).then_some(header.nice),
        rlimits,
        rlimit_count,
        filters,
        filter_count,
        program,
        cwd,
        argv: pointers.as_ptr(),
        envp: pointers[argc + 1..].as_ptr(),
    })
}

#[cfg(test)]
mod tests {
    use std::ffi::CStr;

    use proptest::prelude::*;

    use super::*;

    /// An 8-byte-aligned copy of `bytes`, as the stub's buffer is.
    fn aligned(bytes: &[u8]) -> Vec<u64> {
        let mut words = vec![0u64; bytes.len().div_ceil(8)];
        // SAFETY: the destination holds at least `bytes.len()` bytes.
        unsafe {
            std::ptr::copy_nonoverlapping(
                bytes.as_ptr(),
                words.as_mut_ptr().cast::<u8>(),
                bytes.len(),
            );
        }
        words
    }

    fn as_bytes(words: &[u64], len: usize) -> &[u8] {
        // SAFETY: `words` holds at least `len` initialised bytes.
        unsafe { std::slice::from_raw_parts(words.as_ptr().cast::<u8>(), len) }
    }

    /// The strings a NULL-terminated pointer array lists.
    fn strings(mut array: *const *const c_char) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        // SAFETY: the array was filled by `decode` and ends in NULL; every entry points into
        // the live message.
        unsafe {
            while !(*array).is_null() {
                out.push(CStr::from_ptr(*array).to_bytes().to_vec());
                array = array.add(1);
            }
        }
        out
    }

    fn roundtrip(args: &[&[u8]], env: &[Vec<u8>], rlimits: &[Rlimit], filters: usize) {
        let filter = vec![
            libc::sock_filter {
                code: 6,
                jt: 1,
                jf: 2,
                k: 0x7fff_0000,
            };
            3
        ];
        let filters = vec![filter; filters];
        let request = StubRequest {
            program: b"/bin/echo",
            args,
            env,
            cwd: b"/tmp",
            nice: Some(5),
            rlimits,
            seccomp_filters: &filters,
            has_landlock: true,
            cgroup_fds: 2,
        };
        let message = encode(&request).expect("fits");
        let words = aligned(&message);
        let mut pointers = vec![std::ptr::null(); MAX_POINTERS];
        let decoded = decode(as_bytes(&words, message.len()), &mut pointers).expect("decodes");
        assert_eq!(decoded.fd_count(), FIXED_FDS + 1 + 2);
        assert_eq!(decoded.nice, Some(5));
        assert_eq!(decoded.rlimit_count, rlimits.len());
        for (got, want) in decoded.rlimits.iter().zip(rlimits) {
            assert_eq!((got.resource, got.value), (want.resource, want.value));
        }
        assert_eq!(decoded.filter_count, filters.len());
        for (index, filter) in filters.iter().enumerate() {
            let (first, length) = decoded.filters[index];
            assert_eq!(usize::from(length), filter.len());
            // SAFETY: `decode` checked that `length` instructions lie inside the message.
            let got = unsafe { std::slice::from_raw_parts(first, usize::from(length)) };
            for (a, b) in got.iter().zip(filter) {
                assert_eq!((a.code, a.jt, a.jf, a.k), (b.code, b.jt, b.jf, b.k));
            }
        }
        // SAFETY: program and cwd point at NUL-terminated strings inside the message.
        unsafe {
            assert_eq!(CStr::from_ptr(decoded.program).to_bytes(), b"/bin/echo");
            assert_eq!(CStr::from_ptr(decoded.cwd).to_bytes(), b"/tmp");
        }
        let mut want_argv = vec![b"/bin/echo".to_vec()];
        want_argv.extend(args.iter().map(|arg| arg.to_vec()));
        assert_eq!(strings(decoded.argv), want_argv);
        assert_eq!(strings(decoded.envp), env.to_vec());
    }

    #[test]
    fn a_request_survives_encoding() {
        roundtrip(
            &[b"hello", b"", b"two words"],
            &[b"PATH=/usr/bin".to_vec(), b"EMPTY=".to_vec()],
            &[Rlimit {
                resource: libc::RLIMIT_NOFILE,
                value: 64,
            }],
            1,
        );
        roundtrip(&[], &[], &[], 0);
    }

    /// A request with only a program, arguments and an environment.
    fn plain<'a>(args: &'a [&'a [u8]], env: &'a [Vec<u8>]) -> StubRequest<'a> {
        StubRequest {
            program: b"/bin/true",
            args,
            env,
            cwd: b"/",
            nice: None,
            rlimits: &[],
            seccomp_filters: &[],
            has_landlock: false,
            cgroup_fds: 0,
        }
    }

    #[test]
    fn what_a_stub_cannot_carry_is_refused() {
        assert!(encode(&plain(&[b"nul\0inside"], &[])).is_none());
        let huge = vec![b'x'; MESSAGE_CAPACITY];
        assert!(encode(&plain(&[&huge], &[])).is_none());
        let many: Vec<Vec<u8>> = (0..MAX_POINTERS)
            .map(|n| n.to_string().into_bytes())
            .collect();
        assert!(encode(&plain(&[], &many)).is_none());
    }

    proptest! {
        #[test]
        fn any_request_roundtrips(
            args in proptest::collection::vec(proptest::collection::vec(1u8..=255, 0..20), 0..12),
            env in proptest::collection::vec(proptest::collection::vec(1u8..=255, 0..20), 0..12),
            limits in proptest::collection::vec((0u32..16, any::<u64>()), 0..=MAX_RLIMITS),
            filters in 0usize..=MAX_FILTERS,
        ) {
            let args: Vec<&[u8]> = args.iter().map(Vec::as_slice).collect();
            let rlimits: Vec<Rlimit> = limits
                .into_iter()
                .map(|(resource, value)| Rlimit { resource, value })
                .collect();
            roundtrip(&args, &env, &rlimits, filters);
        }

        #[test]
        fn garbage_never_decodes_out_of_bounds(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let words = aligned(&bytes);
            let mut pointers = vec![std::ptr::null(); 64];
            // Must not panic; whatever decodes points inside the message.
            if let Some(decoded) = decode(as_bytes(&words, bytes.len()), &mut pointers) {
                let range = words.as_ptr() as usize..words.as_ptr() as usize + bytes.len();
                prop_assert!(range.contains(&(decoded.program as usize)));
                prop_assert!(range.contains(&(decoded.cwd as usize)));
            }
        }

        #[test]
        fn a_corrupted_request_is_refused_or_stays_inside(flip in 0usize..200, value in any::<u8>()) {
            let env = [b"A=1".to_vec()];
            let mut message = encode(&plain(&[b"x"], &env)).unwrap();
            let at = flip % message.len();
            message[at] = value;
            let words = aligned(&message);
            let mut pointers = vec![std::ptr::null(); 64];
            if let Some(decoded) = decode(as_bytes(&words, message.len()), &mut pointers) {
                let range = words.as_ptr() as usize..words.as_ptr() as usize + message.len();
                prop_assert!(range.contains(&(decoded.program as usize)));
            }
        }
    }
}
