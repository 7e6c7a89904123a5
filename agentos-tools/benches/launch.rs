//! Launching apps: from the registry (template cached), compared in the same run with parsing
//! and launching the same Blueprint text; and the memory of 10,000 calculators in one process
//! (resident set size from /proc/self/statm, printed to stderr).
//!
//! Run with: `cargo bench -p agentos-tools --bench launch`

use std::time::{Duration, Instant};

use agentos_kernel::Kernel;
use agentos_tools::{Launch, Registry, Runtime};
use criterion::{Criterion, criterion_group, criterion_main};

fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u64>().ok())
        })
        .map_or(0, |pages| pages * 4096)
}

fn launch(c: &mut Criterion) {
    let runtime = Runtime::new(Kernel::new(), Registry::builtin());
    runtime.seed_packages(&[]);
    let text = serde_json::to_string(
        &runtime.package("calculator").expect("seeded").to_json()["blueprint"],
    )
    .expect("json");
    let mut group = c.benchmark_group("launch");
    group.bench_function("from_registry", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let app = runtime
                    .launch_package("calculator", Launch::default())
                    .expect("launch");
                total += start.elapsed();
                runtime.close(app).expect("close");
            }
            total
        })
    });
    group.bench_function("parse_and_launch_blueprint_text", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let start = Instant::now();
                let blueprint = agentos_blueprint::parse(&text)
                    .into_result()
                    .expect("valid");
                let app = runtime.launch(blueprint).expect("launch");
                total += start.elapsed();
                runtime.close(app).expect("close");
            }
            total
        })
    });
    group.finish();
}

fn ten_thousand_calculators(_c: &mut Criterion) {
    let runtime = Runtime::new(Kernel::new(), Registry::builtin());
    runtime.seed_packages(&[]);
    let before = rss_bytes();
    let start = Instant::now();
    let apps: Vec<_> = (0..10_000)
        .map(|_| {
            runtime
                .launch_package("calculator", Launch::default())
                .expect("launch")
        })
        .collect();
    let elapsed = start.elapsed();
    let after = rss_bytes();
    let grown = after.saturating_sub(before);
    eprintln!(
        "10000 calculators: launched in {:.1} ms, RSS {:.1} MB -> {:.1} MB, {:.1} MB for the apps, {} bytes per app",
        elapsed.as_secs_f64() * 1e3,
        before as f64 / 1e6,
        after as f64 / 1e6,
        grown as f64 / 1e6,
        grown / apps.len() as u64
    );
    assert_eq!(runtime.list().len(), 10_000);
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = ten_thousand_calculators, launch
}
criterion_main!(benches);
