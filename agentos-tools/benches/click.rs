//! Click → `ui.append` → state patch, in-process, through the full app runtime.
//!
//! Run with: `cargo bench -p agentos-tools --bench click`

use agentos_kernel::Kernel;
use agentos_tools::{Registry, Runtime, UiEvent};
use criterion::{Criterion, criterion_group, criterion_main};

fn click_append(c: &mut Criterion) {
    let blueprint = agentos_blueprint::parse(
        r#"{"app": {"id": "calc", "name": "Calc"}, "ui": {"components": [
            {"type": "input", "id": "display", "props": {"value": "0"}},
            {"type": "button", "id": "one", "props": {"text": "1"}, "on_event": {"click": "ui.append"}},
            {"type": "button", "id": "clear", "props": {"text": "C"}, "on_event": {"click": "ui.clear"}}
        ]}}"#,
    )
    .into_result()
    .expect("the benchmark blueprint is valid");
    let runtime = Runtime::new(Kernel::new(), Registry::builtin());
    let app = runtime.launch(blueprint).expect("launch");
    let click = UiEvent::click("one");
    let clear = UiEvent::click("clear");
    let mut n_clicks = 0u32;
    c.bench_function("click_ui_append_patch", |b| {
        b.iter(|| {
            // Keep the display short so every iteration does the same work.
            n_clicks += 1;
            if n_clicks.is_multiple_of(16) {
                runtime.dispatch(app, &clear).expect("clear");
            }
            runtime.dispatch(app, &click).expect("click")
        })
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(std::time::Duration::from_secs(1)).measurement_time(std::time::Duration::from_secs(3));
    targets = click_append
}
criterion_main!(benches);
