//! The symbolic math tools under their work budget: how long the worst inputs take to be
//! stopped (budget exhausted, or refused by a limit), compared in the same run with typical
//! calls that finish normally.
//!
//! Run with: `cargo bench -p agentos-tools --bench symbolic`

use agentos_kernel::{CapabilitySet, Kernel};
use agentos_tools::{AppId, Registry, State, ToolCx};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Map, Value, json};

fn symbolic(c: &mut Criterion) {
    let registry = Registry::builtin();
    let kernel = Kernel::new();
    let pid = kernel.create_process("bench", CapabilitySet::new());
    let app_id = AppId::new();
    let cases: [(&str, &str, Value, bool); 7] = [
        (
            "typical_derivative",
            "math.derivative",
            json!({"expression": "x^3 + 2x"}),
            true,
        ),
        (
            "typical_expand",
            "math.expand",
            json!({"expression": "(2t - 1)(t + 3)"}),
            true,
        ),
        (
            "largest_expand_degree_64",
            "math.expand",
            json!({"expression": "(x+1)^64"}),
            true,
        ),
        (
            "refused_expand_degree_1000",
            "math.expand",
            json!({"expression": "(x+1)^1000"}),
            false,
        ),
        (
            "refused_chain_depth_400",
            "math.simplify",
            json!({"expression": vec!["x"; 400].join("+")}),
            false,
        ),
        (
            "exhausted_tower_derivative_order_10",
            "math.derivative",
            json!({"expression": "x^x^x^x^x^x^x^x", "order": 10}),
            false,
        ),
        (
            "exhausted_series_order_12",
            "math.series",
            json!({"expression": "x^x^x^x^x^x^x^x^x", "point": 1, "order": 12}),
            false,
        ),
    ];
    let mut group = c.benchmark_group("symbolic");
    for (label, tool, args, succeeds) in cases {
        let args: Map<String, Value> = args.as_object().cloned().unwrap_or_default();
        group.bench_function(label, |b| {
            b.iter(|| {
                let mut state = State::default();
                let mut cx = ToolCx::new(app_id, pid, &kernel, &mut state);
                let outcome = registry.call(tool, &mut cx, &args);
                assert_eq!(outcome.is_ok(), succeeds, "{label}: {outcome:?}");
                outcome.is_ok()
            })
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3));
    targets = symbolic
}
criterion_main!(benches);
