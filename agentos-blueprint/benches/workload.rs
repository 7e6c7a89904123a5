//! A fixed workload for counting instructions under callgrind, which stays exact on a loaded
//! machine where wall-clock times wander (the criterion numbers come from `benches/parse.rs`).
//!
//! Build with `cargo bench -p agentos-blueprint --bench workload --no-run`, then run
//! `valgrind --tool=callgrind target/release/deps/workload-* <serde|json|parse|one|stream> <n>`
//! for n = 1 and n = 11; the difference divided by 10 is the cost of one run.

use serde_json::Value;

mod document;

use document::document;

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let which = args.first().map_or("stream", String::as_str);
    let n: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(1);
    let doc = document();
    let mut sink = 0usize;
    for _ in 0..n {
        sink += match which {
            "serde" => serde_json::from_str::<Value>(&doc)
                .map_or(0, |v| v.as_object().map_or(0, |o| o.len())),
            "json" => agentos_blueprint::parse_json(&doc)
                .map_or(0, |v| v.as_object().map_or(0, |o| o.len())),
            "parse" => agentos_blueprint::parse_with(&doc, &|_: &str| true)
                .diagnostics
                .len(),
            "one" => {
                let mut parser = agentos_blueprint::StreamParser::new();
                parser.feed(&doc).len() + parser.finish().diagnostics.len()
            }
            _ => {
                let mut parser = agentos_blueprint::StreamParser::new();
                let mut events = 0;
                let mut from = 0;
                while from < doc.len() {
                    let mut to = (from + 16).min(doc.len());
                    while !doc.is_char_boundary(to) {
                        to += 1;
                    }
                    events += parser.feed(&doc[from..to]).len();
                    from = to;
                }
                events + parser.finish().diagnostics.len()
            }
        };
    }
    std::hint::black_box(sink);
}
