//! The data-driven corpus: `test_data/ok` parse cleanly, `test_data/err` give located
//! diagnostics, `test_data/stream` stream to the same result as the whole parse.
//! Update the snapshots with `INSTA_UPDATE=always cargo test -p agentos-blueprint --test corpus_snapshots`.

mod common;

use std::fmt::Write;

use agentos_blueprint::{Event, StreamParser, parse, parse_with, render_diagnostics};

#[test]
fn ok_corpus_parses_without_diagnostics() {
    let files = common::corpus("ok");
    assert!(files.len() >= 8);
    for (name, path) in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let parsed = parse_with(&text, &common::known_tool);
        assert!(
            parsed.diagnostics.is_empty(),
            "{name}:\n{}",
            render_diagnostics(&name, &text, &parsed.diagnostics)
        );
        let canonical = serde_json::to_string_pretty(&parsed.blueprint).unwrap();
        // The canonical form parses back to the same model.
        assert_eq!(parse(&canonical).blueprint, parsed.blueprint, "{name}");
        insta::assert_snapshot!(format!("ok__{name}"), canonical);
    }
}

#[test]
fn err_corpus_reports_located_errors() {
    for (name, path) in common::corpus("err") {
        let text = std::fs::read_to_string(&path).unwrap();
        let parsed = parse_with(&text, &common::known_tool);
        assert!(parsed.has_errors(), "{name} has no errors");
        let file = format!("{name}.bp");
        insta::assert_snapshot!(
            format!("err__{name}"),
            render_diagnostics(&file, &text, &parsed.diagnostics)
        );
    }
}

#[test]
fn stream_corpus_emits_events_and_matches_the_whole_parse() {
    for (name, path) in common::corpus("stream") {
        let text = std::fs::read_to_string(&path).unwrap();
        let mut parser = StreamParser::new();
        let mut log = String::new();
        for (index, chunk) in common::chunks(&text, 7).iter().enumerate() {
            for event in parser.feed(chunk) {
                match event {
                    Event::App(app) => {
                        writeln!(log, "chunk {index}: app {} ({})", app.id, app.name)
                    }
                    Event::Component {
                        path,
                        position,
                        component,
                    } => writeln!(
                        log,
                        "chunk {index}: component {} {} at {path} {position:?} ({} children)",
                        component.kind,
                        component.id,
                        component.children.len()
                    ),
                    Event::Error(diagnostic) => writeln!(log, "chunk {index}: error {diagnostic}"),
                    _ => writeln!(log, "chunk {index}: other event"),
                }
                .unwrap();
            }
        }
        let streamed = parser.finish();
        assert_eq!(streamed, parse(&text), "{name}");
        log.push_str(&render_diagnostics(&name, &text, &streamed.diagnostics));
        insta::assert_snapshot!(format!("stream__{name}"), log);
    }
}
