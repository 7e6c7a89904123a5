//! Spawn+wait of `/bin/true`: bare `std::process::Command`, through the kernel with every
//! sandbox layer, and under `bwrap --unshare-all` (when bubblewrap is installed; see
//! `scripts/bench-spawn.sh`).

use std::{
    process::{Command, Stdio},
    time::Duration,
};

use agentos_kernel::{CapabilitySet, Kernel, SandboxLayers, SandboxPreset};
use criterion::{Criterion, criterion_group, criterion_main};

fn spawn_wait(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn_wait_bin_true");
    group.sample_size(50);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));

    group.bench_function("bare_command", |b| {
        b.iter(|| {
            let status = Command::new("/bin/true")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .status()
                .expect("spawn /bin/true");
            assert!(status.success());
        });
    });

    let kernel = Kernel::new();
    let root = kernel.create_process("bench", CapabilitySet::all());
    let probe = kernel
        .spawn_process(root, SandboxPreset::Standard.spec("/bin/true", [""; 0]))
        .expect("kernel spawn");
    if !probe.report.fully_enforced() {
        eprintln!("not every layer is enforced here:\n{}", probe.report);
    }
    assert!(probe.child.wait(None).success());
    kernel.reap_process(root, probe.pid).expect("reap");

    group.bench_function("kernel_all_layers", |b| {
        b.iter(|| {
            let spawned = kernel
                .spawn_process(root, SandboxPreset::Standard.spec("/bin/true", [""; 0]))
                .expect("kernel spawn");
            assert!(spawned.child.wait(None).success());
            kernel.reap_process(root, spawned.pid).expect("reap");
        });
    });

    // Where the time goes: the kernel's process handling alone, and every layer but the
    // fresh network namespace (a spec with the network capability).
    group.bench_function("kernel_no_layers", |b| {
        b.iter(|| {
            let mut spec = SandboxPreset::Standard.spec("/bin/true", [""; 0]);
            spec.layers = SandboxLayers::none();
            let spawned = kernel.spawn_process(root, spec).expect("kernel spawn");
            assert!(spawned.child.wait(None).success());
            kernel.reap_process(root, spawned.pid).expect("reap");
        });
    });
    group.bench_function("kernel_all_layers_with_network", |b| {
        b.iter(|| {
            let mut spec = SandboxPreset::Standard.spec("/bin/true", [""; 0]);
            spec.network = true;
            let spawned = kernel.spawn_process(root, spec).expect("kernel spawn");
            assert!(spawned.child.wait(None).success());
            kernel.reap_process(root, spawned.pid).expect("reap");
        });
    });

    let bwrap_works = Command::new("bwrap")
        .args(["--unshare-all", "--ro-bind", "/", "/", "/bin/true"])
        .status()
        .is_ok_and(|status| status.success());
    if bwrap_works {
        group.bench_function("bwrap_unshare_all", |b| {
            b.iter(|| {
                let status = Command::new("bwrap")
                    .args(["--unshare-all", "--ro-bind", "/", "/", "/bin/true"])
                    .stdin(Stdio::null())
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .status()
                    .expect("spawn bwrap");
                assert!(status.success());
            });
        });
    } else {
        eprintln!("bwrap is not installed or fails here; run scripts/bench-spawn.sh to install it");
    }
    group.finish();
}

/// Where the time goes: each layer alone on top of the kernel's process handling
/// (`kernel_no_layers` in the main group is the baseline), plus namespaces without the
/// network namespace.
fn layer_cost(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn_layer_cost");
    group.sample_size(30);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    let kernel = Kernel::new();
    let root = kernel.create_process("bench", CapabilitySet::all());
    let only = |pick: fn(&mut SandboxLayers)| {
        let mut layers = SandboxLayers::none();
        pick(&mut layers);
        layers
    };
    let all_but = |pick: fn(&mut SandboxLayers)| {
        let mut layers = SandboxLayers::all();
        pick(&mut layers);
        layers
    };
    let ns_landlock = only(|l| {
        l.namespaces = true;
        l.landlock = true;
    });
    let cases: [(&str, SandboxLayers, bool); 13] = [
        ("namespaces_landlock", ns_landlock, false),
        ("namespaces_landlock_with_network", ns_landlock, true),
        ("all_but_rlimits", all_but(|l| l.rlimits = false), false),
        ("all_but_landlock", all_but(|l| l.landlock = false), false),
        ("all_but_seccomp", all_but(|l| l.seccomp = false), false),
        ("all_but_cgroups", all_but(|l| l.cgroups = false), false),
        (
            "all_but_namespaces",
            all_but(|l| l.namespaces = false),
            false,
        ),
        ("rlimits", only(|l| l.rlimits = true), false),
        ("landlock", only(|l| l.landlock = true), false),
        ("seccomp", only(|l| l.seccomp = true), false),
        ("cgroups", only(|l| l.cgroups = true), false),
        ("namespaces", only(|l| l.namespaces = true), false),
        (
            "namespaces_with_network",
            only(|l| l.namespaces = true),
            true,
        ),
    ];
    for (name, layers, network) in cases {
        group.bench_function(name, |b| {
            b.iter(|| {
                let mut spec = SandboxPreset::Standard.spec("/bin/true", [""; 0]);
                spec.layers = layers;
                spec.network = network;
                let spawned = kernel.spawn_process(root, spec).expect("kernel spawn");
                assert!(spawned.child.wait(None).success());
                kernel.reap_process(root, spawned.pid).expect("reap");
            });
        });
    }
    group.finish();
}

criterion_group!(benches, spawn_wait, layer_cost);
criterion_main!(benches);
