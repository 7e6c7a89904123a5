//! The parse benchmarks' ratios measured with the cases interleaved: on a shared machine
//! whose load changes from second to second, criterion's one-case-after-another runs can put
//! the baseline and the parser under different loads. Here each round times a few iterations
//! of every case in turn, and the ratios compare the 10th percentiles (the least disturbed
//! rounds) of each case's per-iteration times.
//!
//! Run with: `cargo bench -p agentos-blueprint --bench interleaved` (an optional argument sets
//! the number of rounds, 300 by default).
#![allow(clippy::print_stdout)]

use std::{hint::black_box, time::Instant};

use serde_json::Value;

mod document;

/// Iterations of one case per round.
const PER_ROUND: u32 = 5;

fn tools(tool: &str) -> bool {
    ["analysis.", "ui.", "system."]
        .iter()
        .any(|prefix| tool.starts_with(prefix))
}

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

fn main() {
    let doc = document::document();
    let pieces = chunks(&doc, 16);
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(300);
    let cases: [(&str, &dyn Fn()); 4] = [
        ("serde_json_value", &|| {
            black_box(serde_json::from_str::<Value>(black_box(&doc)).ok());
        }),
        ("stream_16_byte_chunks", &|| {
            let mut parser = agentos_blueprint::StreamParser::new();
            let mut events = 0;
            for piece in &pieces {
                events += parser.feed(piece).len();
            }
            black_box((events, parser.finish()));
        }),
        ("stream_one_chunk", &|| {
            let mut parser = agentos_blueprint::StreamParser::new();
            let events = parser.feed(&doc).len();
            black_box((events, parser.finish()));
        }),
        ("parse_with_tools", &|| {
            black_box(agentos_blueprint::parse_with(black_box(&doc), &tools));
        }),
    ];
    let mut times: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); cases.len()];
    for _ in 0..rounds {
        for ((_, run), samples) in cases.iter().zip(&mut times) {
            let start = Instant::now();
            for _ in 0..PER_ROUND {
                run();
            }
            samples.push(start.elapsed().as_secs_f64() * 1e6 / f64::from(PER_ROUND));
        }
    }
    let p10: Vec<f64> = times
        .iter_mut()
        .map(|samples| {
            samples.sort_by(f64::total_cmp);
            samples[samples.len() / 10]
        })
        .collect();
    println!(
        "{} KB document, {rounds} rounds of {PER_ROUND} iterations per case",
        doc.len() / 1024
    );
    for ((name, _), time) in cases.iter().zip(&p10) {
        println!(
            "{name:24} p10 {time:8.1} µs   {:.2}x serde_json::Value's time",
            time / p10[0]
        );
    }
    println!(
        "whole parse + validate throughput: {:.2}x serde_json::Value",
        p10[0] / p10[3]
    );
}
