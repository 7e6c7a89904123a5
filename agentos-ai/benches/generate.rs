//! Request → template → validated Blueprint → launched app, and the cost the streaming pipeline
//! adds over a whole-document parse for a recorded 40 KB LLM answer.
//!
//! Run with: `cargo bench -p agentos-ai --bench generate`

use std::{hint::black_box, sync::Arc, time::Duration};

use agentos_ai::{
    GenerationEvent, Generator, GeneratorConfig, Provider, ProviderRequest, TemplateLibrary,
    TokenStream,
};
use agentos_kernel::Kernel;
use agentos_tools::{Registry, Runtime};
use criterion::{Criterion, criterion_group, criterion_main};
use futures_util::{FutureExt, StreamExt, stream};

/// Requests of several kinds, with slots, so the bench is not one lucky path.
const REQUESTS: &[&str] = &[
    "a calculator",
    "a shopping list for the party",
    "a timer for 25 minutes",
    "tip calculator for a $80 bill with 20% tip for 4 people",
    "kanban board for the project",
    "a haiku garden",
];

fn uncached() -> Generator {
    Generator::new(GeneratorConfig {
        cache_capacity: 0,
        ..GeneratorConfig::default()
    })
    .expect("offline generator")
}

fn blueprint_of(events: Vec<GenerationEvent>) -> agentos_blueprint::Blueprint {
    match events.into_iter().last() {
        Some(GenerationEvent::Complete(blueprint)) => *blueprint,
        other => panic!("no blueprint: {other:?}"),
    }
}

fn template_to_launched_app(c: &mut Criterion) {
    let generator = uncached();
    let cached = Generator::offline();
    let runtime = Runtime::new(Kernel::new(), Registry::builtin());
    let mut group = c.benchmark_group("template");
    let mut index = 0;
    group.bench_function("request_to_launched_app", |b| {
        b.iter(|| {
            index = (index + 1) % REQUESTS.len();
            let events = generator
                .stream(REQUESTS[index])
                .collect::<Vec<_>>()
                .now_or_never()
                .expect("offline is immediate");
            let app = runtime.launch(blueprint_of(events)).expect("launch");
            runtime.close(app).expect("close");
        })
    });
    group.bench_function("request_to_launched_app_cached", |b| {
        b.iter(|| {
            index = (index + 1) % REQUESTS.len();
            let events = cached
                .stream(REQUESTS[index])
                .collect::<Vec<_>>()
                .now_or_never()
                .expect("offline is immediate");
            let app = runtime.launch(blueprint_of(events)).expect("launch");
            runtime.close(app).expect("close");
        })
    });
    let library = TemplateLibrary::builtin();
    group.bench_function("intent_match_only", |b| {
        b.iter(|| {
            index = (index + 1) % REQUESTS.len();
            black_box(
                library
                    .best_match(REQUESTS[index])
                    .map(|found| found.confidence),
            )
        })
    });
    group.finish();
}

/// A provider that replays a recorded answer in fixed-size chunks, with no network. With
/// `pause`, it is not ready between chunks (as a network read), so every chunk is its own event.
#[derive(Debug)]
struct Recorded {
    chunks: Arc<Vec<String>>,
    pause: bool,
}

impl Provider for Recorded {
    fn name(&self) -> String {
        "recorded".to_owned()
    }

    fn stream(&self, _request: &ProviderRequest) -> agentos_ai::Result<TokenStream> {
        let chunks = self.chunks.clone();
        let items = stream::iter((0..chunks.len()).map(move |i| Ok(chunks[i].clone())));
        if !self.pause {
            return Ok(items.boxed());
        }
        Ok(items
            .then(|item| async move {
                YieldOnce(false).await;
                item
            })
            .boxed())
    }
}

/// Returns `Pending` once (waking itself), like a socket with no data yet.
struct YieldOnce(bool);

impl std::future::Future for YieldOnce {
    type Output = ();

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if self.0 {
            return std::task::Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}

/// A valid Blueprint of about 40 KB: cards of labelled inputs and buttons.
fn recorded_answer() -> String {
    let mut components = Vec::new();
    let mut i = 0;
    loop {
        components.push(serde_json::json!({"type": "card", "id": format!("card-{i}"), "props": {"title": format!("Section {i}")}, "children": [
            {"type": "text", "id": format!("label-{i}"), "props": {"content": format!("Quantity number {i}"), "variant": "label"}},
            {"type": "input", "id": format!("qty-{i}"), "props": {"type": "number", "value": "0", "placeholder": "How many?"}},
            {"type": "button", "id": format!("inc-{i}"), "props": {"text": "+1", "variant": "primary"},
             "on_event": {"click": {"tool": "ui.compute", "args": {"key": format!("qty-{i}"), "expression": format!("{{qty-{i}}}+1")}}}}
        ]}));
        i += 1;
        let text = serde_json::to_string_pretty(&serde_json::json!({"app": {"id": "inventory", "name": "Inventory"}, "ui": {"title": "Inventory", "components": components}})).expect("json");
        if text.len() >= 40 * 1024 {
            return text;
        }
    }
}

fn streaming_overhead(c: &mut Criterion) {
    let answer = recorded_answer();
    let chunks: Vec<String> = answer
        .chars()
        .collect::<Vec<_>>()
        .chunks(64)
        .map(|piece| piece.iter().collect())
        .collect();
    let chunks_for_parse = chunks.clone();
    let chunks = Arc::new(chunks);
    let config = GeneratorConfig {
        cache_capacity: 0,
        ..GeneratorConfig::default()
    };
    let ready: Arc<dyn Provider> = Arc::new(Recorded {
        chunks: chunks.clone(),
        pause: false,
    });
    let generator = Generator::with_provider(config.clone(), ready);
    let paused: Arc<dyn Provider> = Arc::new(Recorded {
        chunks,
        pause: true,
    });
    let generator_paused = Generator::with_provider(config, paused);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut group = c.benchmark_group("llm_40kb");
    group.throughput(criterion::Throughput::Bytes(answer.len() as u64));
    group.bench_function("parse_whole", |b| {
        b.iter(|| {
            let parsed = agentos_blueprint::parse(black_box(&answer));
            assert!(parsed.diagnostics.is_empty());
            black_box(parsed.blueprint.ui.components.len())
        })
    });
    group.bench_function("pipeline_streamed_64b_chunks", |b| {
        b.iter(|| {
            let events: Vec<GenerationEvent> = runtime.block_on(
                generator
                    .stream("an inventory of my lab reagents")
                    .collect(),
            );
            black_box(blueprint_of(events).ui.components.len())
        })
    });
    // The parse alone as the pipeline does it: the same chunks through `StreamParser` (component
    // events on), finished with the same tool catalogue.
    let tools: std::collections::HashSet<String> = agentos_ai::TOOL_FAMILIES
        .iter()
        .flat_map(|family| family.tools)
        .map(|tool| tool.name.to_owned())
        .collect();
    group.bench_function("stream_parse_64b_chunks", |b| {
        b.iter(|| {
            let mut parser = agentos_blueprint::StreamParser::new();
            let mut n_events = 0;
            for chunk in black_box(chunks_for_parse.as_slice()) {
                n_events += parser.feed(chunk).len();
            }
            let parsed = parser.finish_with(&tools);
            assert!(parsed.diagnostics.is_empty());
            black_box((n_events, parsed.blueprint.ui.components.len()))
        })
    });
    let library = TemplateLibrary::builtin();
    group.bench_function("breakdown_intent_match", |b| {
        b.iter(|| {
            black_box(
                library
                    .best_match("an inventory of my lab reagents")
                    .map(|found| found.confidence),
            )
        })
    });
    group.bench_function("pipeline_streamed_64b_chunks_one_event_each", |b| {
        b.iter(|| {
            let events: Vec<GenerationEvent> = runtime.block_on(
                generator_paused
                    .stream("an inventory of my lab reagents")
                    .collect(),
            );
            black_box(blueprint_of(events).ui.components.len())
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = template_to_launched_app, streaming_overhead
}
criterion_main!(benches);
