//! The tokenizer: skips an LLM's wrapper, then scans JSON from where the last chunk stopped,
//! resuming a string, number or literal split across chunks.

use crate::{
    build::RawDiag,
    diagnostic::Severity,
    node::{Node, NodeValue},
};

use super::{
    Event, MAX_JSON_NESTING, StreamParser,
    bytes::{describe, skip_plain, skip_ws, unescape},
    complete::Role,
    frame::{Expect, Frame, FrameKind, Mode, Num, Partial},
};

impl StreamParser {
    pub(super) fn run(&mut self, events: &mut Vec<Event>) {
        let buf = std::mem::take(&mut self.buf);
        self.scan(&buf, events);
        self.buf = buf;
    }

    pub(super) fn scan(&mut self, text: &str, events: &mut Vec<Event>) {
        let bytes = text.as_bytes();
        loop {
            match self.mode {
                Mode::Failed => return,
                Mode::Start => {
                    let Some(i) = skip_ws(bytes, self.pos) else {
                        self.pos = bytes.len();
                        return;
                    };
                    self.pos = i;
                    let c = bytes[i];
                    if c == b'-' && i + 1 == bytes.len() {
                        // `-1` is JSON, `---` is a wrapper: wait for the next byte.
                        return;
                    }
                    let json = matches!(c, b'{' | b'[' | b'"' | b't' | b'f' | b'n' | b'0'..=b'9')
                        || (c == b'-' && bytes[i + 1].is_ascii_digit());
                    if json || self.strict {
                        self.mode = Mode::Json;
                    } else {
                        self.mode = Mode::Prose;
                        self.wrapped = true;
                    }
                }
                Mode::Prose => match bytes[self.pos..].iter().position(|b| *b == b'{') {
                    Some(i) => {
                        self.pos += i;
                        self.mode = Mode::Json;
                    }
                    None => {
                        self.pos = bytes.len();
                        return;
                    }
                },
                Mode::After => {
                    if self.wrapped {
                        self.pos = bytes.len();
                        return;
                    }
                    match skip_ws(bytes, self.pos) {
                        None => {
                            self.pos = bytes.len();
                            return;
                        }
                        Some(i) => {
                            self.buf_fail(bytes, i, "unexpected text after the JSON value", events);
                            return;
                        }
                    }
                }
                Mode::Json => {
                    if !self.json(text, events) {
                        return;
                    }
                }
            }
        }
    }

    /// Fails while the buffer is taken out of `self` (for `path_here` nothing else is needed).
    fn buf_fail(&mut self, bytes: &[u8], at: usize, what: &str, events: &mut Vec<Event>) {
        let found = describe(bytes, at);
        let message = format!("{what}, found {found}");
        self.buf = String::from_utf8_lossy(bytes).into_owned();
        self.fail(at, message, events);
        self.buf = String::new();
    }

    /// Parses JSON from `self.pos`; returns false when it needs more input or failed.
    fn json(&mut self, text: &str, events: &mut Vec<Event>) -> bool {
        let bytes = text.as_bytes();
        loop {
            if let Some(partial) = self.partial.take() {
                match self.continue_partial(partial, text, events) {
                    Step::More => return false,
                    Step::Done => {
                        if self.mode != Mode::Json {
                            return self.mode != Mode::Failed;
                        }
                        continue;
                    }
                }
            }
            let Some(i) = skip_ws(bytes, self.pos) else {
                self.pos = bytes.len();
                return false;
            };
            self.pos = i;
            let c = bytes[i];
            match self.expect {
                Expect::Value | Expect::ValueOrClose => {
                    if c == b']' && self.expect == Expect::ValueOrClose {
                        self.pos += 1;
                        self.close(events);
                    } else if !self.start_value(bytes, i, events) {
                        return false;
                    }
                }
                Expect::KeyOrClose | Expect::Key => {
                    if c == b'"' {
                        self.partial = Some(Partial::Str {
                            start: i,
                            escaped: false,
                            key: true,
                        });
                        self.pos = i + 1;
                    } else if c == b'}' && self.expect == Expect::KeyOrClose {
                        self.pos += 1;
                        self.close(events);
                    } else {
                        let what = if c == b'}' {
                            "expected a key after `,` (trailing commas are not JSON)"
                        } else {
                            "expected a string key in double quotes"
                        };
                        self.buf_fail(bytes, i, what, events);
                        return false;
                    }
                }
                Expect::Colon => {
                    if c == b':' {
                        self.pos += 1;
                        self.expect = Expect::Value;
                    } else {
                        self.buf_fail(bytes, i, "expected `:` after the key", events);
                        return false;
                    }
                }
                Expect::CommaOrClose => {
                    let in_array = matches!(
                        self.stack.last().map(|frame| &frame.kind),
                        Some(FrameKind::Array(_) | FrameKind::List(_))
                    );
                    match (c, in_array) {
                        (b',', true) => {
                            self.pos += 1;
                            self.expect = Expect::Value;
                        }
                        (b',', false) => {
                            self.pos += 1;
                            self.expect = Expect::Key;
                        }
                        (b']', true) | (b'}', false) => {
                            self.pos += 1;
                            self.close(events);
                        }
                        (_, true) => {
                            self.buf_fail(
                                bytes,
                                i,
                                "expected `,` or `]` after a list item",
                                events,
                            );
                            return false;
                        }
                        (_, false) => {
                            self.buf_fail(
                                bytes,
                                i,
                                "expected `,` or `}` after an object member",
                                events,
                            );
                            return false;
                        }
                    }
                }
            }
            if self.mode != Mode::Json {
                return self.mode != Mode::Failed;
            }
        }
    }

    /// Starts the value whose first byte is at `i`; false on a syntax error.
    fn start_value(&mut self, bytes: &[u8], i: usize, events: &mut Vec<Event>) -> bool {
        let c = bytes[i];
        match c {
            b'{' | b'[' => {
                if self.stack.len() >= MAX_JSON_NESTING {
                    self.buf_fail(
                        bytes,
                        i,
                        &format!("containers nested deeper than {MAX_JSON_NESTING} levels"),
                        events,
                    );
                    return false;
                }
                let role = self.child_role();
                let free = matches!(role, Role::Props | Role::Free);
                let kind = if c == b'{' {
                    self.expect = Expect::KeyOrClose;
                    if free {
                        FrameKind::Map {
                            map: Box::default(),
                            key: None,
                        }
                    } else {
                        FrameKind::Object {
                            members: Vec::new(),
                            key: None,
                        }
                    }
                } else {
                    self.expect = Expect::ValueOrClose;
                    if role == Role::Free {
                        FrameKind::List(Vec::new())
                    } else {
                        FrameKind::Array(Vec::new())
                    }
                };
                let path = (self.emit && role == Role::ComponentList).then(|| self.path_here());
                self.stack.push(Frame {
                    start: i,
                    kind,
                    role,
                    built: 0,
                    seen: 0,
                    keyed: false,
                    path,
                });
                self.pos = i + 1;
            }
            b'"' => {
                self.partial = Some(Partial::Str {
                    start: i,
                    escaped: false,
                    key: false,
                });
                self.pos = i + 1;
            }
            b'-' => {
                self.partial = Some(Partial::Num {
                    start: i,
                    state: Num::Minus,
                });
                self.pos = i + 1;
            }
            b'0' => {
                self.partial = Some(Partial::Num {
                    start: i,
                    state: Num::Zero,
                });
                self.pos = i + 1;
            }
            b'1'..=b'9' => {
                self.partial = Some(Partial::Num {
                    start: i,
                    state: Num::Int,
                });
                self.pos = i + 1;
            }
            b't' | b'f' | b'n' => {
                let word: &'static [u8] = match c {
                    b't' => b"true",
                    b'f' => b"false",
                    _ => b"null",
                };
                self.partial = Some(Partial::Lit { start: i, word });
                self.pos = i + 1;
            }
            _ => {
                let in_array = matches!(
                    self.stack.last().map(|frame| &frame.kind),
                    Some(FrameKind::Array(_) | FrameKind::List(_))
                );
                let what = if (c == b']' || c == b'}') && in_array {
                    "expected a value (trailing commas are not JSON)"
                } else if c == b'\'' {
                    "expected a value (strings use double quotes)"
                } else {
                    "expected a value"
                };
                self.buf_fail(bytes, i, what, events);
                return false;
            }
        }
        true
    }

    /// Stops inside a string at `pos` until more text comes.
    #[inline]
    fn suspend_str(&mut self, pos: usize, start: usize, escaped: bool, key: bool) -> Step {
        self.pos = pos;
        self.partial = Some(Partial::Str {
            start,
            escaped,
            key,
        });
        Step::More
    }

    fn continue_partial(&mut self, partial: Partial, text: &str, events: &mut Vec<Event>) -> Step {
        let bytes = text.as_bytes();
        match partial {
            Partial::Str {
                start,
                mut escaped,
                key,
            } => {
                let mut i = self.pos;
                loop {
                    i = skip_plain(bytes, i);
                    let Some(&c) = bytes.get(i) else {
                        return self.suspend_str(i, start, escaped, key);
                    };
                    match c {
                        b'"' => break,
                        b'\\' => {
                            let Some(&e) = bytes.get(i + 1) else {
                                return self.suspend_str(i, start, escaped, key);
                            };
                            escaped = true;
                            match e {
                                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                                b'u' => {
                                    let Some(hex) = bytes.get(i + 2..i + 6) else {
                                        if bytes[i + 2..].iter().all(u8::is_ascii_hexdigit) {
                                            return self.suspend_str(i, start, escaped, key);
                                        }
                                        self.buf_fail(
                                            bytes,
                                            i,
                                            "invalid `\\u` escape; expected 4 hex digits",
                                            events,
                                        );
                                        return Step::Done;
                                    };
                                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                                        self.buf_fail(
                                            bytes,
                                            i,
                                            "invalid `\\u` escape; expected 4 hex digits",
                                            events,
                                        );
                                        return Step::Done;
                                    }
                                    i += 6;
                                }
                                _ => {
                                    self.buf_fail(
                                        bytes,
                                        i,
                                        "invalid escape; use one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX",
                                        events,
                                    );
                                    return Step::Done;
                                }
                            }
                        }
                        0..=0x1f => {
                            let what = if c == b'\n' {
                                "the string is not closed before the end of the line (write a line break inside a string as \\n)"
                            } else {
                                "control character inside a string; escape it (e.g. \\t)"
                            };
                            self.buf_fail(bytes, i, what, events);
                            return Step::Done;
                        }
                        _ => i += 1,
                    }
                }
                self.pos = i + 1;
                // The quotes are ASCII, so these are character boundaries.
                let body = text.get(start + 1..i).unwrap_or_default();
                let text = if escaped {
                    unescape(body.as_bytes())
                } else {
                    body.to_owned()
                };
                if key {
                    match self.stack.last_mut().map(|frame| &mut frame.kind) {
                        Some(FrameKind::Object { key: slot, .. }) => *slot = Some((text, start)),
                        Some(FrameKind::Map { key: slot, .. }) => *slot = Some((text, start)),
                        _ => {}
                    }
                    self.expect = Expect::Colon;
                } else {
                    let node = Node {
                        start,
                        value: NodeValue::String(text),
                    };
                    self.complete(node, events);
                }
                Step::Done
            }
            Partial::Num { start, mut state } => {
                let mut i = self.pos;
                loop {
                    let Some(&c) = bytes.get(i) else {
                        self.pos = i;
                        self.partial = Some(Partial::Num { start, state });
                        return Step::More;
                    };
                    let next = match (state, c) {
                        (Num::Minus, b'0') => Some(Num::Zero),
                        (Num::Minus, b'1'..=b'9') => Some(Num::Int),
                        (Num::Int, b'0'..=b'9') => Some(Num::Int),
                        (Num::Zero | Num::Int, b'.') => Some(Num::Dot),
                        (Num::Dot | Num::Frac, b'0'..=b'9') => Some(Num::Frac),
                        (Num::Zero | Num::Int | Num::Frac, b'e' | b'E') => Some(Num::Exp),
                        (Num::Exp, b'+' | b'-') => Some(Num::ExpSign),
                        (Num::Exp | Num::ExpSign | Num::ExpDigits, b'0'..=b'9') => {
                            Some(Num::ExpDigits)
                        }
                        _ => None,
                    };
                    match next {
                        Some(next) => {
                            state = next;
                            i += 1;
                        }
                        None => break,
                    }
                }
                if !matches!(state, Num::Zero | Num::Int | Num::Frac | Num::ExpDigits) {
                    let what = match state {
                        Num::Minus => "invalid number: expected a digit after `-`",
                        Num::Dot => "invalid number: expected a digit after `.`",
                        _ => "invalid number: expected a digit in the exponent",
                    };
                    self.buf_fail(bytes, i, what, events);
                    return Step::Done;
                }
                self.pos = i;
                let node = self.number_in(bytes, start, i);
                self.complete(node, events);
                Step::Done
            }
            Partial::Lit { start, word } => {
                let mut i = self.pos;
                while i - start < word.len() {
                    let Some(&c) = bytes.get(i) else {
                        self.pos = i;
                        self.partial = Some(Partial::Lit { start, word });
                        return Step::More;
                    };
                    if c != word[i - start] {
                        self.buf_fail(bytes, start, "expected a value (`true`, `false`, `null`, a number, a string, a list or an object)", events);
                        return Step::Done;
                    }
                    i += 1;
                }
                self.pos = i;
                let value = match word[0] {
                    b't' => NodeValue::Bool(true),
                    b'f' => NodeValue::Bool(false),
                    _ => NodeValue::Null,
                };
                self.complete(Node { start, value }, events);
                Step::Done
            }
        }
    }

    pub(super) fn number_in(&mut self, bytes: &[u8], start: usize, end: usize) -> Node {
        let text = std::str::from_utf8(&bytes[start..end]).unwrap_or("0");
        let integer = !text.contains(['.', 'e', 'E']);
        let number = if integer && !text.starts_with('-') {
            text.parse::<u64>().ok().map(serde_json::Number::from)
        } else if integer {
            text.parse::<i64>().ok().map(serde_json::Number::from)
        } else {
            None
        };
        let number = number.or_else(|| {
            text.parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
        });
        let value = match number {
            Some(number) => NodeValue::Number(number),
            None => {
                self.notes.push(RawDiag {
                    severity: Severity::Warning,
                    offset: start,
                    path: self.path_here(),
                    message: format!(
                        "number {text} is out of range for a 64-bit float; it is read as null"
                    ),
                    first_use: None,
                });
                NodeValue::Null
            }
        };
        Node { start, value }
    }
}

enum Step {
    More,
    Done,
}
