//! The streaming parser's events: when they come, what they carry, and byte-level input.

mod common;

use agentos_blueprint::{Event, StreamParser, parse};

const DOC: &str = r#"{"app": {"id": "s", "name": "Stream"},
 "ui": {"components": [
   {"type": "text", "id": "first", "props": {"content": "one"}},
   {"row#r": {"children": [{"button#b": {"text": "é😀"}}]}}
 ]}}"#;

#[test]
fn app_header_is_announced_as_soon_as_it_closes() {
    let mut parser = StreamParser::new();
    let split = DOC.find("},").unwrap();
    assert!(parser.feed(&DOC[..split]).is_empty());
    let events = parser.feed(&DOC[split..split + 1]);
    assert!(matches!(&events[..], [Event::App(app)] if app.id == "s" && app.name == "Stream"));
}

#[test]
fn each_component_is_announced_when_its_bracket_closes() {
    let mut parser = StreamParser::new();
    let end_first = DOC.find("}},").unwrap() + 2;
    let events = parser.feed(&DOC[..end_first]);
    let Some(Event::Component {
        path,
        position,
        component,
        ..
    }) = events.last()
    else {
        panic!("{events:?}")
    };
    assert_eq!(
        (path.as_str(), position.as_slice(), component.id.as_str()),
        ("ui.components[0]", &[0][..], "first")
    );
    let events = parser.feed(&DOC[end_first..]);
    let summary: Vec<(String, Vec<usize>, String)> = events
        .iter()
        .filter_map(|event| match event {
            Event::Component {
                path,
                position,
                component,
                children,
            } => Some((
                path.clone(),
                position.clone(),
                format!("{} ({children})", component.id),
            )),
            _ => None,
        })
        .collect();
    assert_eq!(
        summary,
        [
            (
                r#"ui.components[1]["row#r"].children[0]"#.to_owned(),
                vec![1, 0],
                "b (0)".to_owned()
            ),
            ("ui.components[1]".to_owned(), vec![1], "r (1)".to_owned()),
        ]
    );
    assert_eq!(parser.finish(), parse(DOC));
}

#[test]
fn one_character_chunks_give_the_same_result() {
    let mut parser = StreamParser::new();
    let mut count = 0;
    for chunk in common::chunks(DOC, 1) {
        count += parser.feed(&chunk).len();
    }
    assert_eq!(count, 4, "app, first, b and r");
    assert_eq!(parser.finish(), parse(DOC));
}

#[test]
fn bytes_split_inside_a_utf8_character_are_joined() {
    let bytes = DOC.as_bytes();
    let emoji = DOC.find('😀').unwrap();
    let mut parser = StreamParser::new();
    for range in [0..emoji + 1, emoji + 1..emoji + 3, emoji + 3..bytes.len()] {
        parser.feed_bytes(&bytes[range]);
    }
    let parsed = parser.finish();
    assert_eq!(parsed, parse(DOC));
    assert_eq!(
        parsed.blueprint.ui.components[1].children[0].props["text"],
        "é😀"
    );
}

#[test]
fn invalid_utf8_and_a_cut_character_are_errors() {
    let mut parser = StreamParser::new();
    let events = parser.feed_bytes(b"{\"app\": \"\xff\"}");
    assert!(
        matches!(&events[..], [Event::Error(d)] if d.message == "invalid UTF-8 in the input" && d.column == 10)
    );
    let mut parser = StreamParser::new();
    parser.feed_bytes(b"{\"app\": \"\xf0\x9f");
    let parsed = parser.finish();
    assert_eq!(
        parsed.diagnostics[0].message,
        "the input ends inside a UTF-8 character"
    );
}

#[test]
fn a_syntax_error_is_an_event_and_stops_the_stream() {
    let mut parser = StreamParser::new();
    let events = parser.feed("{\"app\": {\"id\": \"x\",,");
    let [Event::Error(diagnostic)] = &events[..] else {
        panic!("{events:?}")
    };
    assert_eq!(
        (diagnostic.line, diagnostic.column, diagnostic.path.as_str()),
        (1, 20, "app")
    );
    assert!(parser.feed("\"name\": \"X\"}}").is_empty());
    assert!(parser.finish().has_errors());
}

#[test]
fn escapes_and_numbers_split_anywhere_decode_the_same() {
    let doc = r#"{"app": {"id": "a\u00e9\ud83d\ude00\n\"", "name": "N"}, "config": {"n": -12.5e-3, "big": 18446744073709551615, "neg": -9223372036854775808}, "ui": {}}"#;
    let whole = parse(doc);
    assert!(whole.diagnostics.is_empty(), "{:?}", whole.diagnostics);
    assert_eq!(whole.blueprint.app.id, "aé😀\n\"");
    assert_eq!(whole.blueprint.config["big"], u64::MAX);
    assert_eq!(whole.blueprint.config["neg"], i64::MIN);
    for size in 1..8 {
        let mut parser = StreamParser::new();
        for chunk in common::chunks(doc, size) {
            parser.feed(&chunk);
        }
        assert_eq!(parser.finish(), whole, "chunks of {size}");
    }
}

#[test]
fn a_root_number_completes_only_at_the_end() {
    let mut parser = StreamParser::new();
    parser.feed("12");
    parser.feed("34");
    let parsed = parser.finish();
    assert_eq!(
        parsed.diagnostics[0].message,
        "a Blueprint must be a JSON object, found a number"
    );
    assert_eq!(agentos_blueprint::parse_json("1234").unwrap(), 1234);
}

#[test]
fn the_size_limit_is_a_diagnostic() {
    let limits = agentos_blueprint::Limits {
        max_bytes: 64,
        ..Default::default()
    };
    let mut parser = StreamParser::with_limits(limits);
    parser.feed(r#"{"app": {"id": "a", "name": "A"}, "ui": {"components": ["a very long string that goes past the limit"]}}"#);
    let parsed = parser.finish();
    assert_eq!(parsed.diagnostics.len(), 1);
    assert_eq!(
        parsed.diagnostics[0].message,
        "the document is larger than the 64 byte limit; the rest is ignored"
    );
    assert_eq!(
        parsed.blueprint.app.id, "a",
        "what came before the limit is kept"
    );
    let big = format!(
        r#"{{"app": {{"id": "a", "name": "A"}}, "ui": {{}}, "config": {{"x": "{}"}}}}"#,
        "x".repeat(600 * 1024)
    );
    assert!(
        parse(&big).diagnostics[0]
            .message
            .contains("524288 byte limit")
    );
}

#[test]
fn deep_json_nesting_is_a_diagnostic_not_a_crash() {
    let text = "[".repeat(100_000);
    let parsed = parse(&text);
    assert_eq!(
        parsed.diagnostics[0].message,
        "containers nested deeper than 128 levels, found `[`"
    );
    let err = agentos_blueprint::parse_json(&format!("{}1{}", "[".repeat(200), "]".repeat(200)))
        .unwrap_err();
    assert_eq!(err.column, 129);
}

#[test]
fn finish_with_text_hands_back_what_was_fed_with_the_same_result() {
    let tools = |name: &str| name == "ui.set";
    let (mut whole, mut kept) = (StreamParser::new(), StreamParser::new());
    for piece in DOC.as_bytes().chunks(7) {
        whole.feed_bytes(piece);
        kept.feed_bytes(piece);
    }
    let (parsed, text) = kept.finish_with_text(&tools);
    assert_eq!(text, DOC);
    assert_eq!(parsed, whole.finish_with(&tools));
}
