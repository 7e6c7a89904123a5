//! Blueprint parsing benchmarks, each compared in the same run with the named alternative:
//! - a 42 KB Blueprint fed in 16-byte chunks to `StreamParser` vs one `serde_json::Value`
//!   parse of the whole text vs `jiter` in partial mode re-parsing the growing buffer per chunk;
//! - whole parse + validate vs `serde_json::from_str::<Value>`.
//!
//! Run with: `cargo bench -p agentos-blueprint --bench parse`

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serde_json::Value;

mod document;

use document::document;

/// Splits into chunks of about `size` bytes, at character boundaries.
fn chunks(text: &str, size: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut from = 0;
    while from < text.len() {
        let mut to = (from + size).min(text.len());
        while !text.is_char_boundary(to) {
            to += 1;
        }
        out.push(&text[from..to]);
        from = to;
    }
    out
}

fn tools(tool: &str) -> bool {
    ["analysis.", "ui.", "system."]
        .iter()
        .any(|prefix| tool.starts_with(prefix))
}

fn stream(c: &mut Criterion) {
    let doc = document();
    let diagnostics = agentos_blueprint::parse_with(&doc, &tools).diagnostics;
    assert!(diagnostics.is_empty(), "{diagnostics:?}");
    let pieces = chunks(&doc, 16);
    let mut group = c.benchmark_group("stream_42kb_in_16_byte_chunks");
    group.throughput(Throughput::Bytes(doc.len() as u64));
    group.bench_function("serde_json_value_whole_once", |b| {
        b.iter(|| serde_json::from_str::<Value>(std::hint::black_box(&doc)).unwrap())
    });
    group.bench_function("agentos_stream_parser", |b| {
        b.iter(|| {
            let mut parser = agentos_blueprint::StreamParser::new();
            let mut events = 0;
            for piece in &pieces {
                events += parser.feed(piece).len();
            }
            (events, parser.finish())
        })
    });
    group.bench_function("agentos_stream_parser_one_chunk", |b| {
        b.iter(|| {
            let mut parser = agentos_blueprint::StreamParser::new();
            let events = parser.feed(&doc).len();
            (events, parser.finish())
        })
    });
    group.sample_size(10);
    group.bench_function("jiter_partial_reparse_per_chunk", |b| {
        b.iter(|| {
            let mut end = 0;
            let mut last = None;
            for piece in &pieces {
                end += piece.len();
                last = jiter::JsonValue::parse_with_config(
                    &doc.as_bytes()[..end],
                    false,
                    jiter::PartialMode::TrailingStrings,
                )
                .ok()
                .map(|value| value.into_static());
            }
            last
        })
    });
    group.finish();
}

fn whole(c: &mut Criterion) {
    let doc = document();
    let mut group = c.benchmark_group("whole_parse_and_validate");
    group.throughput(Throughput::Bytes(doc.len() as u64));
    group.bench_function(BenchmarkId::new("serde_json_value", doc.len()), |b| {
        b.iter(|| serde_json::from_str::<Value>(std::hint::black_box(&doc)).unwrap())
    });
    group.bench_function(
        BenchmarkId::new("agentos_parse_with_tools", doc.len()),
        |b| b.iter(|| agentos_blueprint::parse_with(std::hint::black_box(&doc), &tools)),
    );
    group.bench_function(BenchmarkId::new("agentos_parse_json", doc.len()), |b| {
        b.iter(|| agentos_blueprint::parse_json(std::hint::black_box(&doc)).unwrap())
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = stream, whole
}
criterion_main!(benches);
