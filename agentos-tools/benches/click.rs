//! Click → `ui.append` → state patch, in-process, through the full app runtime (executor with
//! schema validation and metrics, patch building), compared in the same run with the bare tool
//! call on a state (no runtime, no event filling, no patch).
//!
//! Run with: `cargo bench -p agentos-tools --bench click`

use agentos_kernel::{CapabilitySet, Kernel};
use agentos_tools::{AppId, Registry, Runtime, State, ToolCx, UiEvent};
use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Map, Value};

fn click_append(c: &mut Criterion) {
    let runtime = Runtime::new(Kernel::new(), Registry::builtin());
    runtime.seed_packages(&[]);
    let app = runtime
        .launch_package("calculator", agentos_tools::Launch::default())
        .expect("the built-in calculator launches");
    let click = UiEvent::click("btn-1");
    let clear = UiEvent::click("btn-clear");
    let mut n_clicks = 0u32;
    let mut group = c.benchmark_group("click");
    group.bench_function("runtime_dispatch_ui_append_patch", |b| {
        b.iter(|| {
            // Keep the display short so every iteration does the same work.
            n_clicks += 1;
            if n_clicks.is_multiple_of(16) {
                runtime.dispatch(app, &clear).expect("clear");
            }
            runtime.dispatch(app, &click).expect("click")
        })
    });

    let registry = Registry::builtin();
    let kernel = Kernel::new();
    let pid = kernel.create_process("bench", CapabilitySet::new());
    let mut state = State::default();
    let mut args = Map::new();
    args.insert("value".to_owned(), Value::String("1".to_owned()));
    let app_id = AppId::new();
    let mut n = 0u32;
    group.bench_function("bare_tool_call_ui_append", |b| {
        b.iter(|| {
            n += 1;
            if n.is_multiple_of(16) {
                state.set("display", Value::String("0".to_owned()));
            }
            let mut cx = ToolCx::new(app_id, pid, &kernel, &mut state);
            registry.call("ui.append", &mut cx, &args).expect("append")
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(std::time::Duration::from_secs(1)).measurement_time(std::time::Duration::from_secs(3));
    targets = click_append
}
criterion_main!(benches);
