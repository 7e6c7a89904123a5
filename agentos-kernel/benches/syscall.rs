//! `read_file` of 1 KB on a `MemFs`: through `Kernel::syscall` (PID lookup, capability and path
//! check, symlink resolution, metrics) against a direct `MemFs::read`.
//! Run with: cargo bench -p agentos-kernel --bench syscall

use std::{sync::Arc, time::Duration};

use agentos_kernel::{
    Capability, CapabilitySet, FileSystem, Kernel, MemFs, Syscall, SyscallOutput, VfsPath,
};
use criterion::{Criterion, criterion_group, criterion_main};

fn read_file(c: &mut Criterion) {
    let kernel = Kernel::new();
    let fs = MemFs::with_capacity(1 << 20);
    kernel.mount("/bench", Arc::new(fs.clone())).expect("mount");
    let path = VfsPath::new("/bench/file");
    fs.write(&VfsPath::new("/file"), &[7u8; 1024])
        .expect("write");
    let pid = kernel.create_process(
        "bench",
        CapabilitySet::new().grant(Capability::ReadFile(Some("/bench".into()))),
    );
    let inner = VfsPath::new("/file");
    let mut group = c.benchmark_group("read_file_1k");
    group.bench_function("direct MemFs::read", |b| {
        b.iter(|| fs.read(std::hint::black_box(&inner)).expect("read"))
    });
    group.bench_function("Kernel::syscall", |b| {
        b.iter(|| {
            let out = kernel
                .syscall(
                    pid,
                    Syscall::ReadFile {
                        path: std::hint::black_box(path.to_string()),
                    },
                )
                .expect("syscall");
            debug_assert!(matches!(out, SyscallOutput::Bytes(_)));
            out
        })
    });
    group.finish();
    let summary = kernel.metrics().latency("read_file").expect("known call");
    eprintln!(
        "kernel-side read_file latency over {} calls: p50 {:?}, p95 {:?}, p99 {:?}",
        summary.count, summary.p50, summary.p95, summary.p99
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = read_file
}
criterion_main!(benches);
