//! Fuzzes the streaming and whole-document parsers together: arbitrary bytes in arbitrary
//! chunks must never panic, and the stream must end with exactly the whole parse's result.
//!
//! Run with: `cargo +nightly fuzz run stream_parse` (from `agentos-blueprint/`).
#![no_main]

use agentos_blueprint::{StreamParser, parse, parse_json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&chunk, bytes)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(chunk.max(1));

    // Raw bytes, split anywhere (even inside UTF-8 characters).
    let mut parser = StreamParser::new();
    for piece in bytes.chunks(chunk) {
        parser.feed_bytes(piece);
    }
    let _ = parser.finish();

    // Text split at character boundaries ends exactly like the whole parse.
    let text = String::from_utf8_lossy(bytes);
    let mut parser = StreamParser::new();
    let mut from = 0;
    while from < text.len() {
        let mut to = (from + chunk).min(text.len());
        while !text.is_char_boundary(to) {
            to += 1;
        }
        parser.feed(&text[from..to]);
        from = to;
    }
    assert_eq!(parser.finish(), parse(&text));

    // The plain JSON parser never panics either.
    let _ = parse_json(&text);
});
