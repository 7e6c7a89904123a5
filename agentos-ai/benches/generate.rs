//! Request → template → validated Blueprint → launched app, and the cost the streaming pipeline
//! adds over a whole-document parse for a recorded 40 KB LLM answer.
//!
//! Run with: `cargo bench -p agentos-ai --bench generate`

use std::{
    hint::black_box,
    sync::Arc,
    time::{Duration, Instant},
};

use agentos_ai::{
    GenerationEvent, Generator, GeneratorConfig, Provider, ProviderRequest, TemplateLibrary,
    TokenStream,
};
use agentos_kernel::Kernel;
use agentos_tools::{Registry, Runtime};
use criterion::{
    Criterion, criterion_group, criterion_main,
    measurement::{Measurement, ValueFormatter, WallTime},
};
use futures_util::{FutureExt, StreamExt, stream};
use nix::time::{ClockId, clock_gettime};

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
    // Intent matching alone, one request each: a template named outright, one named with
    // typos, and one no template matches (the LLM path's request).
    let mut group = c.benchmark_group("intent");
    for (name, request) in [
        ("matched", "a shopping list for the party"),
        ("matched_with_typos", "a shoping lsit for the pary"),
        ("unmatched", "an inventory of my lab reagents"),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                black_box(
                    library
                        .best_match(black_box(request))
                        .map(|found| found.confidence),
                )
            })
        });
    }
    group.finish();
}

/// A provider that replays a recorded answer in fixed-size chunks, with no network. With
/// `pause`, it is not ready between chunks (as a network read): the task is woken and polled
/// again for every chunk.
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

/// Consumes a generation as a renderer would, one event at a time (each dropped after it is
/// looked at, as the parse-alone baseline drops its parser events): how many events came, and
/// the Blueprint's component count.
async fn consume(
    mut events: futures_util::stream::BoxStream<'static, GenerationEvent>,
) -> (usize, usize) {
    let mut n_events = 0;
    while let Some(event) = events.next().await {
        n_events += 1;
        if let GenerationEvent::Complete(blueprint) = event {
            return (n_events, blueprint.ui.components.len());
        }
    }
    panic!("no blueprint after {n_events} events");
}

/// This thread's CPU time so far (`CLOCK_THREAD_CPUTIME_ID`, nanoseconds): unlike the wall
/// clock it does not run while the thread waits for a core, so other work on this shared
/// machine barely moves it.
fn thread_cpu() -> Duration {
    let now = clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID).expect("thread CPU clock");
    Duration::from_secs(now.tv_sec() as u64) + Duration::from_nanos(now.tv_nsec() as u64)
}

/// Time since the first call, on the wall clock.
fn wall() -> Duration {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed()
}

/// Criterion measuring this thread's CPU time ([`thread_cpu`]).
struct ThreadCpu;

impl Measurement for ThreadCpu {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        thread_cpu()
    }

    fn end(&self, started: Duration) -> Duration {
        thread_cpu().saturating_sub(started)
    }

    fn add(&self, v1: &Duration, v2: &Duration) -> Duration {
        *v1 + *v2
    }

    fn zero(&self) -> Duration {
        Duration::ZERO
    }

    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        static WALL_TIME: WallTime = WallTime;
        WALL_TIME.formatter()
    }
}

fn streaming_overhead_wall(c: &mut Criterion) {
    streaming_overhead(c, "llm_40kb", wall, true);
}

fn streaming_overhead_cpu(c: &mut Criterion<ThreadCpu>) {
    streaming_overhead(c, "llm_40kb_thread_cpu", thread_cpu, false);
}

/// The 40 KB comparison in group `name`, timing the paired ratio with `clock`; `all` adds the
/// breakdowns and the pending-provider pair.
fn streaming_overhead<M: Measurement<Value = Duration>>(
    c: &mut Criterion<M>,
    name: &str,
    clock: fn() -> Duration,
    all: bool,
) {
    let answer = recorded_answer();
    let chunks: Vec<String> = answer
        .chars()
        .collect::<Vec<_>>()
        .chunks(64)
        .map(|piece| piece.iter().collect())
        .collect();
    let chunks_for_parse = chunks.clone();
    let chunks = Arc::new(chunks);
    // One catalogue for both sides: the runtime's tools, as a set.
    let tools: Arc<std::collections::HashSet<String>> = Arc::new(
        agentos_ai::TOOL_FAMILIES
            .iter()
            .flat_map(|family| family.tools)
            .map(|tool| tool.name.to_owned())
            .collect(),
    );
    let config = GeneratorConfig {
        cache_capacity: 0,
        tools: Some(tools.clone()),
        ..GeneratorConfig::default()
    };
    let ready: Arc<dyn Provider> = Arc::new(Recorded {
        chunks: chunks.clone(),
        pause: false,
    });
    let generator = Generator::with_provider(config.clone(), ready.clone());
    let paused: Arc<dyn Provider> = Arc::new(Recorded {
        chunks,
        pause: true,
    });
    let generator_paused = Generator::with_provider(config, paused.clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut group = c.benchmark_group(name);
    group.throughput(criterion::Throughput::Bytes(answer.len() as u64));
    if all {
        group.bench_function("parse_whole", |b| {
            b.iter(|| {
                let parsed = agentos_blueprint::parse(black_box(&answer));
                assert!(parsed.diagnostics.is_empty());
                black_box(parsed.blueprint.ui.components.len())
            })
        });
    }
    // The whole pipeline: normalise, cache lookup, intent match, prompt, the provider's chunks
    // (one `Token` each) through `StreamParser`, a `Component` event per component, validation
    // against the catalogue, `Complete`.
    group.bench_function("pipeline_streamed_64b_chunks", |b| {
        b.iter(|| {
            let (n_events, n_components) =
                runtime.block_on(consume(generator.stream("an inventory of my lab reagents")));
            black_box((n_events, n_components))
        })
    });
    // The parse alone, fed as the pipeline is fed: the same provider's chunks (owned, one at a
    // time, in the same runtime) through `StreamParser` with component events on (each
    // dropped), finished with the same catalogue into a validated Blueprint. The baseline of
    // the 5 % target.
    let parse_from = |provider: &Arc<dyn Provider>| {
        let mut tokens = provider
            .stream(&ProviderRequest::default())
            .expect("recorded stream");
        let tools = tools.clone();
        async move {
            let mut parser = agentos_blueprint::StreamParser::new();
            let mut n_events = 0;
            while let Some(chunk) = tokens.next().await {
                n_events += parser.feed(&chunk.expect("recorded chunk")).len();
            }
            let parsed = parser.finish_with(tools.as_ref());
            assert!(parsed.diagnostics.is_empty());
            (n_events, parsed.blueprint.ui.components.len())
        }
    };
    group.bench_function("stream_parse_64b_chunks", |b| {
        b.iter(|| black_box(runtime.block_on(parse_from(&ready))))
    });
    // Stricter: the parser reads the chunks in place, with no provider and no runtime.
    group.bench_function("stream_parse_64b_chunks_from_slice", |b| {
        b.iter(|| {
            let mut parser = agentos_blueprint::StreamParser::new();
            let mut n_events = 0;
            for chunk in black_box(chunks_for_parse.as_slice()) {
                n_events += parser.feed(chunk).len();
            }
            let parsed = parser.finish_with(tools.as_ref());
            assert!(parsed.diagnostics.is_empty());
            black_box((n_events, parsed.blueprint.ui.components.len()))
        })
    });
    // Paired: every iteration runs the parse alone and the pipeline back to back (alternating
    // which goes first), so the load of this shared machine, which slows both, mostly cancels.
    // Criterion can only report a time, so the result is encoded as one: the ratio of the
    // pipeline's total time to the parse's over the sample, as microseconds per iteration
    // (1.050 µs reads as 1.050×, i.e. +5 %).
    group.bench_function("pipeline_over_stream_parse_ratio_paired", |b| {
        b.iter_custom(|iters| {
            let parse = || {
                let started = clock();
                black_box(runtime.block_on(parse_from(&ready)));
                clock() - started
            };
            let pipeline = || {
                let started = clock();
                black_box(
                    runtime.block_on(consume(generator.stream("an inventory of my lab reagents"))),
                );
                clock() - started
            };
            let (mut alone, mut piped) = (Duration::ZERO, Duration::ZERO);
            for i in 0..iters {
                if i % 2 == 0 {
                    alone += parse();
                    piped += pipeline();
                } else {
                    piped += pipeline();
                    alone += parse();
                }
            }
            let ratio = piped.as_secs_f64() / alone.as_secs_f64().max(1e-9);
            Duration::from_secs_f64(ratio * 1e-6 * iters as f64)
        })
    });
    // What the pipeline does before the model is asked: the intent match that decides no
    // template is confident (the prompt is built after it).
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
    if !all {
        group.finish();
        return;
    }
    // The same pair with the provider pending before every chunk (as a network read): each
    // chunk costs a wake-up and a poll of the runtime on both sides.
    group.bench_function("stream_parse_64b_chunks_pending_between", |b| {
        b.iter(|| black_box(runtime.block_on(parse_from(&paused))))
    });
    group.bench_function("pipeline_streamed_64b_chunks_pending_between", |b| {
        b.iter(|| {
            let (n_events, n_components) = runtime.block_on(consume(
                generator_paused.stream("an inventory of my lab reagents"),
            ));
            black_box((n_events, n_components))
        })
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = template_to_launched_app, streaming_overhead_wall
}
criterion_group! {
    name = cpu_benches;
    config = Criterion::default().with_measurement(ThreadCpu).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = streaming_overhead_cpu
}
criterion_main!(benches, cpu_benches);
