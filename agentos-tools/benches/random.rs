//! Click → `random.dice` → patch through the app runtime, compared in the same run with the
//! click → `ui.set` of a fixed value that a template faking randomness would bind, and with the
//! OS-generator tools (`random.password`, `random.uuid`).
//!
//! Run with: `cargo bench -p agentos-tools --bench random`

use agentos_kernel::Kernel;
use agentos_tools::{Registry, Runtime, UiEvent};
use criterion::{Criterion, criterion_group, criterion_main};

const APP: &str = r#"{"app": {"id": "dice", "name": "Dice"}, "ui": {"components": [
  {"type": "text", "id": "result", "props": {"content": "-"}},
  {"type": "button", "id": "roll", "props": {"text": "Roll"},
   "on_event": {"click": {"tool": "random.dice", "args": {"notation": "2d6", "key": "result"}}}},
  {"type": "button", "id": "fixed", "props": {"text": "Fixed"},
   "on_event": {"click": {"tool": "ui.set", "args": {"key": "result", "value": 7}}}},
  {"type": "button", "id": "password", "props": {"text": "Password"},
   "on_event": {"click": {"tool": "random.password", "args": {"length": 16, "key": "result"}}}},
  {"type": "button", "id": "uuid", "props": {"text": "UUID"},
   "on_event": {"click": {"tool": "random.uuid", "args": {"key": "result"}}}}
]}}"#;

fn random(c: &mut Criterion) {
    let runtime = Runtime::new(Kernel::new(), Registry::builtin());
    let blueprint = agentos_blueprint::parse(APP)
        .into_result()
        .expect("the bench app parses");
    let app = runtime.launch(blueprint).expect("the bench app launches");
    let mut group = c.benchmark_group("random");
    for (label, button) in [
        ("click_random_dice_2d6", "roll"),
        ("click_ui_set_fixed_value", "fixed"),
        ("click_random_password_16", "password"),
        ("click_random_uuid", "uuid"),
    ] {
        let click = UiEvent::click(button);
        group.bench_function(label, |b| {
            b.iter(|| runtime.dispatch(app, &click).expect("click"))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(std::time::Duration::from_secs(1)).measurement_time(std::time::Duration::from_secs(3));
    targets = random
}
criterion_main!(benches);
