//! Spawn+wait of `/bin/true`: bare `std::process::Command`, through the kernel with every
//! sandbox layer, and under `bwrap --unshare-all` (when bubblewrap is installed; see
//! `scripts/bench-spawn.sh`).

use std::{
    process::{Command, Stdio},
    time::Duration,
};

use agentos_kernel::{
    CapabilitySet, Kernel, KernelConfig, Pid, SandboxLayers, SandboxPreset, SpawnSpec,
};
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

    // A spawn that finds a ready sandbox: after each one, untimed, the namespace init is
    // reaped and the pool refilled (see `interleaved`).
    group.bench_function("kernel_all_layers", |b| {
        b.iter_custom(|iterations| {
            let spec = SandboxPreset::Standard.spec("/bin/true", [""; 0]);
            (0..iterations)
                .map(|_| spawn_and_settle(&kernel, root, &spec))
                .sum()
        });
    });
    // Spawns back to back: the pool refills behind them and mostly runs dry.
    group.bench_function("kernel_all_layers_back_to_back", |b| {
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

/// Spawns `spec`, waits for it and reaps it, timed; then, untimed, waits until its namespace
/// init is reaped and the kernel's ready sandboxes are refilled, so that nothing of this spawn
/// runs during the next measurement. Returns the timed part.
fn spawn_and_settle(kernel: &Kernel, root: Pid, spec: &SpawnSpec) -> Duration {
    let started = std::time::Instant::now();
    let spawned = kernel
        .spawn_process(root, spec.clone())
        .expect("kernel spawn");
    assert!(spawned.child.wait(None).success());
    kernel.reap_process(root, spawned.pid).expect("reap");
    let took = started.elapsed();
    spawned.child.wait_released();
    kernel.warm_up_sandbox(root, spec).expect("warm up");
    took
}

/// A named way to spawn and wait for `/bin/true`, returning the time of the spawn and wait
/// alone (each case may settle afterwards, untimed).
type Case<'a> = (&'static str, Box<dyn Fn() -> Duration + 'a>);

/// The main cases, and the kernel with one layer at a time, interleaved round by round
/// (order rotating), so that load from other work on the machine falls on all of them alike;
/// prints each case's p50 and the ratios.
///
/// After each kernel spawn the case settles, untimed: it waits until the child's namespace
/// init is reaped (`wait_released`) and the kernel's pool of ready sandboxes is refilled
/// (`warm_up_sandbox`), so that no case's background work lands in another case's timing.
/// `kernel_all_layers` is thus a spawn that finds a ready sandbox (the steady state when
/// spawns are not back to back); `kernel_all_layers_cold` uses a kernel configured to keep no
/// sandbox ready, so the namespaces are made on the request's path.
fn interleaved(_: &mut Criterion) {
    const ROUNDS: usize = 300;
    let kernel = Kernel::new();
    let root = kernel.create_process("bench", CapabilitySet::all());
    // A kernel that keeps no sandbox ready: every spawn makes its namespaces on its path.
    let cold = Kernel::with_config(KernelConfig {
        ready_sandboxes: 0,
        ..KernelConfig::default()
    });
    let cold_root = cold.create_process("bench", CapabilitySet::all());
    let bwrap_works = Command::new("bwrap")
        .args(["--unshare-all", "--ro-bind", "/", "/", "/bin/true"])
        .status()
        .is_ok_and(|status| status.success());
    let command = |program: &str, args: &[&str]| {
        let started = std::time::Instant::now();
        let status = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .status()
            .expect("spawn");
        let took = started.elapsed();
        assert!(status.success());
        took
    };
    let spec_with = |layers: SandboxLayers, network: bool| {
        let mut spec = SandboxPreset::Standard.spec("/bin/true", [""; 0]);
        spec.layers = layers;
        spec.network = network;
        spec
    };
    let through = |kernel: &Kernel, root, layers: SandboxLayers, network: bool| {
        spawn_and_settle(kernel, root, &spec_with(layers, network))
    };
    let through_kernel =
        |layers: SandboxLayers, network: bool| through(&kernel, root, layers, network);
    let only = |pick: fn(&mut SandboxLayers)| {
        let mut layers = SandboxLayers::none();
        pick(&mut layers);
        layers
    };
    let mut cases: Vec<Case<'_>> = vec![
        ("bare", Box::new(|| command("/bin/true", &[]))),
        (
            "kernel_all_layers",
            Box::new(|| through_kernel(SandboxLayers::all(), false)),
        ),
        (
            "kernel_all_layers_4_in_a_row",
            Box::new(|| {
                // Four spawns back to back (the pool of two refills behind them), then settle:
                // the mean of the four.
                let spec = spec_with(SandboxLayers::all(), false);
                let started = std::time::Instant::now();
                let mut last = None;
                for _ in 0..4 {
                    let spawned = kernel
                        .spawn_process(root, spec.clone())
                        .expect("kernel spawn");
                    assert!(spawned.child.wait(None).success());
                    kernel.reap_process(root, spawned.pid).expect("reap");
                    last = Some(spawned.child);
                }
                let took = started.elapsed() / 4;
                if let Some(child) = last {
                    child.wait_released();
                }
                kernel.warm_up_sandbox(root, &spec).expect("warm up");
                took
            }),
        ),
        (
            "kernel_all_layers_cold",
            Box::new(|| through(&cold, cold_root, SandboxLayers::all(), false)),
        ),
        (
            "kernel_no_layers",
            Box::new(|| through_kernel(SandboxLayers::none(), false)),
        ),
        (
            "+rlimits",
            Box::new(move || through_kernel(only(|l| l.rlimits = true), false)),
        ),
        (
            "+landlock",
            Box::new(move || through_kernel(only(|l| l.landlock = true), false)),
        ),
        (
            "+seccomp",
            Box::new(move || through_kernel(only(|l| l.seccomp = true), false)),
        ),
        (
            "+cgroups",
            Box::new(move || through_kernel(only(|l| l.cgroups = true), false)),
        ),
        (
            "+namespaces_no_net",
            Box::new(move || through_kernel(only(|l| l.namespaces = true), true)),
        ),
        (
            "+namespaces_fresh_net",
            Box::new(move || through_kernel(only(|l| l.namespaces = true), false)),
        ),
    ];
    if bwrap_works {
        cases.push((
            "bwrap",
            Box::new(|| {
                command(
                    "bwrap",
                    &["--unshare-all", "--ro-bind", "/", "/", "/bin/true"],
                )
            }),
        ));
    }
    let n_cases = cases.len();
    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(ROUNDS); n_cases];
    for round in 0..ROUNDS {
        for offset in 0..n_cases {
            let index = (round + offset) % n_cases;
            times[index].push((cases[index].1)());
        }
    }
    let medians: Vec<f64> = times
        .iter_mut()
        .map(|samples| {
            samples.sort();
            samples[samples.len() / 2].as_secs_f64() * 1e3
        })
        .collect();
    let mut line = format!("interleaved p50 over {ROUNDS} rounds (ms):");
    for (index, median) in medians.iter().enumerate() {
        line.push_str(&format!(" {} {median:.3}", cases[index].0));
    }
    line.push_str(&format!(
        "; kernel_all_layers/bare {:.2}, 4_in_a_row/bare {:.2}, kernel_all_layers_cold/bare {:.2}",
        medians[1] / medians[0],
        medians[2] / medians[0],
        medians[3] / medians[0]
    ));
    if bwrap_works {
        line.push_str(&format!(
            ", kernel_all_layers/bwrap {:.2}, kernel_all_layers_cold/bwrap {:.2}",
            medians[1] / medians[n_cases - 1],
            medians[3] / medians[n_cases - 1]
        ));
    }
    eprintln!("{line}");
}

criterion_group!(benches, spawn_wait, layer_cost, interleaved);
criterion_main!(benches);
