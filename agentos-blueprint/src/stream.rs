//! The incremental JSON parser behind both [`crate::parse`] and [`StreamParser`].
//!
//! It keeps all its state between chunks (open containers, the token in progress and how far
//! it was scanned), so every byte is examined a bounded number of times: the total work is
//! linear in the input, however it is chunked. It builds the span-tracked [`Node`] tree and,
//! when events are on, builds each component the moment its closing bracket arrives.

use crate::{
    build::{Builder, RawDiag},
    catalog::ToolCatalog,
    diagnostic::{Diagnostic, Severity},
    model::{AppInfo, Component},
    node::{LineIndex, MapNode, Member, Node, NodeValue, push_index, push_key},
    parse::{Limits, Parsed},
};

/// Containers nested deeper than this stop the parse (RFC 8259 §9 lets a parser limit depth);
/// it keeps the tree shallow enough to walk and drop without deep recursion.
const MAX_JSON_NESTING: usize = 128;

/// Something a renderer can act on before the document is complete.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// The `app` section is complete.
    App(AppInfo),
    /// A component is complete. Components complete children first, so a container's
    /// children were announced before it, at positions that extend its own; the container
    /// comes without them, which keeps the total size of all events linear in the document.
    Component {
        /// JSON path of the component in the source, e.g. `ui.components[2].children[0]`.
        path: String,
        /// Index of the component in `ui.components`, then in each `children` list below it.
        position: Vec<usize>,
        /// The component in canonical form as the final [`Parsed`] holds it, except that
        /// `children` is empty (see above) and templates defined later in the document are
        /// applied only in the final result.
        component: Component,
        /// How many children it has (announced before it).
        children: usize,
    },
    /// The text is not valid JSON; nothing after this point is parsed.
    Error(Diagnostic),
}

/// A Blueprint parser for text that arrives in pieces, e.g. tokens from a language model.
///
/// ```
/// use agentos_blueprint::{Event, StreamParser};
/// let mut parser = StreamParser::new();
/// let mut events = Vec::new();
/// for chunk in ["```json\n{\"app\": {\"id\": \"a\", \"na", "me\": \"A\"}, \"ui\": {\"components\": [",
///               "{\"type\": \"text\", \"id\": \"t\", \"props\": {\"content\": \"hi\"}}]}}\n```"] {
///     events.extend(parser.feed(chunk));
/// }
/// assert!(matches!(&events[0], Event::App(app) if app.id == "a"));
/// assert!(matches!(&events[1], Event::Component { component, .. } if component.id == "t"));
/// let parsed = parser.finish();
/// assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
/// ```
#[derive(Debug)]
pub struct StreamParser {
    buf: String,
    pos: usize,
    mode: Mode,
    wrapped: bool,
    expect: Expect,
    partial: Option<Partial>,
    stack: Vec<Frame>,
    root: Option<Node>,
    failure: Option<RawDiag>,
    notes: Vec<RawDiag>,
    limits: Limits,
    emit: bool,
    /// Builds each component as it completes; it keeps auto ids, seen ids and templates.
    builder: Builder,
    pending_bytes: Vec<u8>,
    /// Plain JSON: no wrapper stripping.
    strict: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Mode {
    /// Nothing but whitespace seen yet.
    Start,
    /// Skipping an LLM's wrapper (prose, a code fence) up to the first `{`.
    Prose,
    Json,
    /// The root value is complete.
    After,
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Expect {
    Value,
    ValueOrClose,
    KeyOrClose,
    Key,
    Colon,
    CommaOrClose,
}

#[derive(Debug)]
enum Partial {
    Str {
        start: usize,
        escaped: bool,
        key: bool,
    },
    Num {
        start: usize,
        state: Num,
    },
    Lit {
        start: usize,
        word: &'static [u8],
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Num {
    Minus,
    Zero,
    Int,
    Dot,
    Frac,
    Exp,
    ExpSign,
    ExpDigits,
}

/// What a value means in a Blueprint, known from where it sits.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    Root,
    App,
    Ui,
    RootTemplates,
    UiTemplates,
    ComponentList,
    Component,
    KeyedBody,
    /// The `props` object of an explicit component: built as a map with value offsets.
    Props,
    /// Inside a prop value, a condition or `config`: built as plain JSON.
    Free,
    Other,
}

#[derive(Debug)]
struct Frame {
    start: usize,
    kind: FrameKind,
    role: Role,
    /// Components built so far in this list (their canonical index).
    built: usize,
    /// Keys already given a role, so duplicates (ignored by the builder) get none.
    seen: u8,
    /// A component object whose first key is a `type#id` key.
    keyed: bool,
    /// For a component list, its own JSON path, so each component's path is this plus an
    /// index instead of a walk over the whole stack.
    path: Option<String>,
}

#[derive(Debug)]
enum FrameKind {
    Array(Vec<Node>),
    Object {
        members: Vec<Member>,
        key: Option<(String, usize)>,
    },
    /// A free-form list, built straight into JSON values.
    List(Vec<serde_json::Value>),
    /// A free-form object, built straight into a map.
    Map(Box<MapFrame>),
}

#[derive(Debug, Default)]
struct MapFrame {
    node: MapNode,
    key: Option<(String, usize)>,
}

/// Stands for the component's own path in the builder's relative paths.
pub(crate) const RELATIVE: char = '\u{0}';

const SEEN_APP: u8 = 1;
const SEEN_UI: u8 = 2;
const SEEN_TEMPLATES: u8 = 4;
const SEEN_COMPONENTS: u8 = 8;
const SEEN_CHILDREN: u8 = 16;

/// Keys of the explicit component form; any other first key makes a keyed component.
pub(crate) const EXPLICIT_KEYS: [&str; 9] = [
    "type",
    "id",
    "props",
    "on_event",
    "children",
    "style",
    "$if",
    "$for",
    "$template",
];

impl Default for StreamParser {
    fn default() -> StreamParser {
        StreamParser::new()
    }
}

impl StreamParser {
    /// A parser with the reference limits (512 KB, components nested at most 20 deep).
    pub fn new() -> StreamParser {
        StreamParser::with_limits(Limits::default())
    }

    /// A parser with the given limits.
    pub fn with_limits(limits: Limits) -> StreamParser {
        StreamParser {
            buf: String::new(),
            pos: 0,
            mode: Mode::Start,
            wrapped: false,
            expect: Expect::Value,
            partial: None,
            stack: Vec::new(),
            root: None,
            failure: None,
            notes: Vec::new(),
            limits: limits.clone(),
            emit: true,
            builder: Builder::new(limits.clone(), true),
            pending_bytes: Vec::new(),
            strict: false,
        }
    }

    /// A parser that builds no events (the whole-document parse).
    pub(crate) fn quiet(limits: Limits) -> StreamParser {
        StreamParser {
            emit: false,
            ..StreamParser::with_limits(limits)
        }
    }

    /// The text received so far (after decoding, before any wrapper is stripped).
    pub fn text(&self) -> &str {
        &self.buf
    }

    /// Parses the next piece of text and returns what it completed.
    pub fn feed(&mut self, chunk: &str) -> Vec<Event> {
        if !self.pending_bytes.is_empty() {
            // A multi-byte character split by `feed_bytes` can only be completed by bytes.
            return self.feed_bytes(chunk.as_bytes());
        }
        let mut events = Vec::new();
        self.push_text(chunk, &mut events);
        events
    }

    /// Parses the next piece of raw bytes; a UTF-8 character split across chunks is completed
    /// by the next chunk, and invalid UTF-8 is an error.
    pub fn feed_bytes(&mut self, chunk: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        self.pending_bytes.extend_from_slice(chunk);
        let bytes = std::mem::take(&mut self.pending_bytes);
        match std::str::from_utf8(&bytes) {
            Ok(text) => self.push_text(text, &mut events),
            Err(err) => {
                let valid = err.valid_up_to();
                let (good, rest) = bytes.split_at(valid);
                self.push_text(std::str::from_utf8(good).unwrap_or_default(), &mut events);
                if err.error_len().is_some() {
                    let offset = self.buf.len();
                    self.fail(offset, "invalid UTF-8 in the input".to_owned(), &mut events);
                } else {
                    self.pending_bytes = rest.to_vec();
                }
            }
        }
        events
    }

    fn push_text(&mut self, chunk: &str, events: &mut Vec<Event>) {
        if self.mode == Mode::Failed || chunk.is_empty() {
            return;
        }
        let room = self.limits.max_bytes.saturating_sub(self.buf.len());
        if chunk.len() > room {
            let mut cut = room;
            while !chunk.is_char_boundary(cut) {
                cut -= 1;
            }
            self.buf.push_str(&chunk[..cut]);
            self.run(events);
            if self.mode != Mode::Failed {
                let message = format!(
                    "the document is larger than the {} byte limit; the rest is ignored",
                    self.limits.max_bytes
                );
                let offset = self.buf.len();
                self.fail(offset, message, events);
            }
            return;
        }
        self.buf.push_str(chunk);
        self.run(events);
    }

    /// Ends the input and returns the same result [`crate::parse`] gives for the whole text.
    pub fn finish(self) -> Parsed {
        self.finish_inner(None)
    }

    /// Like [`StreamParser::finish`], also checking tool names against `tools`.
    pub fn finish_with(self, tools: &dyn ToolCatalog) -> Parsed {
        self.finish_inner(Some(tools))
    }

    fn finish_inner(mut self, tools: Option<&dyn ToolCatalog>) -> Parsed {
        let mut sink = Vec::new();
        if !self.pending_bytes.is_empty() {
            let offset = self.buf.len();
            self.fail(
                offset,
                "the input ends inside a UTF-8 character".to_owned(),
                &mut sink,
            );
        }
        let buf = std::mem::take(&mut self.buf);
        self.finish_text(&buf, tools)
    }

    /// Parses a whole document straight from `text`, without copying it into the buffer;
    /// the result is the one `feed(text)` then `finish` gives.
    pub(crate) fn parse_whole(mut self, text: &str, tools: Option<&dyn ToolCatalog>) -> Parsed {
        if text.len() > self.limits.max_bytes || !self.buf.is_empty() {
            self.feed(text);
            return self.finish_inner(tools);
        }
        // Room for the ids of the components a document of this size may hold, so the id
        // table is not rebuilt as it grows (a component takes well over 100 bytes).
        self.builder.reserve_ids(text.len() / 128);
        let mut sink = Vec::new();
        self.scan(text, &mut sink);
        self.finish_text(text, tools)
    }

    /// Ends the input, whose whole text is `buf`, and assembles the result.
    fn finish_text(mut self, buf: &str, tools: Option<&dyn ToolCatalog>) -> Parsed {
        self.end_of_input(buf);
        let syntax_ok = self.failure.is_none();
        let root = self.close_all();
        let mut builder =
            std::mem::replace(&mut self.builder, Builder::new(self.limits.clone(), false));
        builder.position = None;
        builder.path.clear();
        let mut blueprint = builder.blueprint(root);
        builder.resolve_pending(&mut blueprint);
        if let Some(tools) = tools {
            builder.check_tools(tools);
        }
        let mut raw: Vec<RawDiag> = self.notes;
        raw.extend(self.failure);
        if syntax_ok {
            raw.extend(builder.diags);
        }
        raw.sort_by_key(|diag| diag.offset);
        let diagnostics = if raw.is_empty() {
            Vec::new()
        } else {
            let index = LineIndex::new(buf);
            raw.into_iter().map(|diag| diag.locate(&index)).collect()
        };
        Parsed {
            blueprint,
            diagnostics,
        }
    }

    /// Completes a number at the very end and reports anything left open.
    fn end_of_input(&mut self, text: &str) {
        let end = text.len();
        let mut sink = Vec::new();
        match self.mode {
            Mode::Failed | Mode::After => {}
            Mode::Start => {
                let message = if text.trim().is_empty() {
                    "the document is empty; expected a JSON object"
                } else {
                    "invalid number: expected a digit after `-`"
                };
                self.fail(end, message.to_owned(), &mut sink);
            }
            Mode::Prose => self.fail(
                end,
                "no JSON object found; a Blueprint starts with `{`".to_owned(),
                &mut sink,
            ),
            Mode::Json => {
                if let Some(Partial::Num { start, state }) = self.partial
                    && matches!(state, Num::Zero | Num::Int | Num::Frac | Num::ExpDigits)
                {
                    self.partial = None;
                    let node = self.number_in(text.as_bytes(), start, end);
                    self.complete(node, &mut sink);
                    if self.mode == Mode::After {
                        return;
                    }
                }
                let what = match &self.partial {
                    Some(Partial::Str { .. }) => "inside a string",
                    Some(Partial::Num { .. }) => "inside a number",
                    Some(Partial::Lit { .. }) => "inside `true`, `false` or `null`",
                    None => match self.stack.last().map(|frame| &frame.kind) {
                        Some(FrameKind::Array(_) | FrameKind::List(_)) => {
                            "inside a list; expected `]`"
                        }
                        Some(FrameKind::Object { .. } | FrameKind::Map(_)) => {
                            "inside an object; expected `}`"
                        }
                        None => "before any value",
                    },
                };
                self.fail(end, format!("unexpected end of input {what}"), &mut sink);
            }
        }
    }

    /// Closes every open container (dropping a member whose value never came) and returns the
    /// root, so an incomplete document still yields what it had.
    fn close_all(&mut self) -> Option<Node> {
        while let Some(frame) = self.stack.pop() {
            let node = frame.into_node();
            match self.stack.last_mut() {
                None => self.root = Some(node),
                Some(parent) => parent.push(node),
            }
        }
        self.root.take()
    }

    fn fail(&mut self, offset: usize, message: String, events: &mut Vec<Event>) {
        if self.mode == Mode::Failed {
            return;
        }
        self.mode = Mode::Failed;
        self.partial = None;
        let diag = RawDiag {
            severity: Severity::Error,
            offset,
            path: self.path_here(),
            message,
            first_use: None,
        };
        if self.emit {
            let index = LineIndex::new(&self.buf);
            events.push(Event::Error(diag.clone().locate(&index)));
        }
        self.failure = Some(diag);
    }

    /// The JSON path of the value being parsed now.
    fn path_here(&self) -> String {
        let mut out = String::new();
        for frame in &self.stack {
            match &frame.kind {
                FrameKind::Array(items) => push_index(&mut out, items.len()),
                FrameKind::List(items) => push_index(&mut out, items.len()),
                FrameKind::Map(map) => {
                    if let Some((key, _)) = &map.key {
                        push_key(&mut out, key);
                    }
                }
                FrameKind::Object {
                    key: Some((key, _)),
                    ..
                } => push_key(&mut out, key),
                FrameKind::Object { .. } => {}
            }
        }
        out
    }

    /// The JSON path of the component completing now: its list's path and its index there.
    fn component_path(&self) -> String {
        match self.stack.last() {
            Some(Frame {
                kind: FrameKind::Array(items),
                path: Some(list),
                ..
            }) => {
                let mut out = String::with_capacity(list.len() + 8);
                out.push_str(list);
                push_index(&mut out, items.len());
                out
            }
            _ => self.path_here(),
        }
    }

    fn run(&mut self, events: &mut Vec<Event>) {
        let buf = std::mem::take(&mut self.buf);
        self.scan(&buf, events);
        self.buf = buf;
    }

    fn scan(&mut self, text: &str, events: &mut Vec<Event>) {
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
                        FrameKind::Map(Box::default())
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
                        self.pos = i;
                        self.partial = Some(Partial::Str {
                            start,
                            escaped,
                            key,
                        });
                        return Step::More;
                    };
                    match c {
                        b'"' => break,
                        b'\\' => {
                            let Some(&e) = bytes.get(i + 1) else {
                                self.pos = i;
                                self.partial = Some(Partial::Str {
                                    start,
                                    escaped,
                                    key,
                                });
                                return Step::More;
                            };
                            escaped = true;
                            match e {
                                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                                b'u' => {
                                    let Some(hex) = bytes.get(i + 2..i + 6) else {
                                        if bytes[i + 2..].iter().all(u8::is_ascii_hexdigit) {
                                            self.pos = i;
                                            self.partial = Some(Partial::Str {
                                                start,
                                                escaped,
                                                key,
                                            });
                                            return Step::More;
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
                        Some(FrameKind::Map(map)) => map.key = Some((text, start)),
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

    fn number_in(&mut self, bytes: &[u8], start: usize, end: usize) -> Node {
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

    /// The role of the value about to start, from the open container and its current key.
    fn child_role(&mut self) -> Role {
        if self.strict {
            return Role::Other;
        }
        let Some(frame) = self.stack.last_mut() else {
            return Role::Root;
        };
        match &frame.kind {
            FrameKind::List(_) | FrameKind::Map(_) => Role::Free,
            FrameKind::Array(_) => {
                if frame.role == Role::ComponentList {
                    Role::Component
                } else {
                    Role::Other
                }
            }
            FrameKind::Object { members, key } => {
                let Some((key, _)) = key else {
                    return Role::Other;
                };
                let mut claim = |bit: u8, role: Role| {
                    if frame.seen & bit == 0 {
                        frame.seen |= bit;
                        role
                    } else {
                        Role::Other
                    }
                };
                match (frame.role, key.as_str()) {
                    (Role::Root, "app") => claim(SEEN_APP, Role::App),
                    (Role::Root, "ui") => claim(SEEN_UI, Role::Ui),
                    (Role::Root, "templates") => claim(SEEN_TEMPLATES, Role::RootTemplates),
                    (Role::Ui, "components") => claim(SEEN_COMPONENTS, Role::ComponentList),
                    (Role::Ui, "templates") => claim(SEEN_TEMPLATES, Role::UiTemplates),
                    (Role::Component, key)
                        if members.is_empty() && !EXPLICIT_KEYS.contains(&key) =>
                    {
                        frame.keyed = true;
                        Role::KeyedBody
                    }
                    (Role::Component, "children") if !frame.keyed => {
                        claim(SEEN_CHILDREN, Role::ComponentList)
                    }
                    (Role::KeyedBody, "children") => claim(SEEN_CHILDREN, Role::ComponentList),
                    // Free-form values (props, conditions, config) are built as plain JSON.
                    (Role::Component, "props") if !frame.keyed => Role::Props,
                    (Role::Component, "style" | "$if" | "$for") if !frame.keyed => Role::Free,
                    (Role::KeyedBody, key)
                        if !key.starts_with('@')
                            && !matches!(key, "$template" | "on_event" | "id") =>
                    {
                        Role::Free
                    }
                    (Role::Root, "config") => Role::Free,
                    (Role::Props | Role::Free, _) => Role::Free,
                    _ => Role::Other,
                }
            }
        }
    }

    /// A value is complete: hand it to its container (or make it the root) and emit events.
    fn complete(&mut self, node: Node, events: &mut Vec<Event>) {
        if self.stack.is_empty() {
            self.root = Some(node);
            self.mode = Mode::After;
            return;
        }
        self.expect = Expect::CommaOrClose;
        // Scalars take their role now; containers took theirs when they opened.
        let node = if self.child_role() == Role::Component {
            self.component_done(node, events)
        } else {
            node
        };
        if let Some(parent) = self.stack.last_mut() {
            parent.push(node);
        }
    }

    fn close(&mut self, events: &mut Vec<Event>) {
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let role = frame.role;
        let mut node = frame.into_node();
        match role {
            Role::Component => node = self.component_done(node, events),
            Role::App if self.emit => {
                let mut builder = Builder::new(self.limits.clone(), false);
                events.push(Event::App(builder.app_info(node.clone())));
            }
            Role::RootTemplates => self.builder.templates.top = Builder::templates_of(&node),
            Role::UiTemplates => self.builder.templates.ui = Builder::templates_of(&node),
            _ => {}
        }
        if self.stack.is_empty() {
            self.root = Some(node);
            self.mode = Mode::After;
            return;
        }
        self.complete_container(node);
    }

    fn complete_container(&mut self, node: Node) {
        self.expect = Expect::CommaOrClose;
        if let Some(parent) = self.stack.last_mut() {
            parent.push(node);
        }
    }

    /// Builds (and validates) a component the moment it completes; its node is replaced by
    /// the built component, so nothing is built twice and the final parse only assembles.
    fn component_done(&mut self, node: Node, events: &mut Vec<Event>) -> Node {
        let position: Vec<usize> = self
            .stack
            .iter()
            .filter(|frame| frame.role == Role::ComponentList)
            .map(|frame| frame.built)
            .collect();
        let start = node.start;
        let depth = position.len();
        // The builder works on a relative path; only what it reports gets the full one.
        let marks = self.builder.marks();
        self.builder.path.clear();
        self.builder.path.push(RELATIVE);
        self.builder.position = Some(position);
        let built = self.builder.component_tree(node, depth);
        let position = self.builder.position.take().unwrap_or_default();
        self.builder.path.clear();
        let path = if self.emit || self.builder.marks() != marks {
            self.component_path()
        } else {
            String::new()
        };
        self.builder.anchor_paths(marks, &path);
        match built {
            Some(component) => {
                if let Some(list) = self.stack.last_mut() {
                    list.built += 1;
                }
                if self.emit {
                    events.push(Event::Component {
                        path,
                        position,
                        component: Component {
                            kind: component.kind.clone(),
                            id: component.id.clone(),
                            props: component.props.clone(),
                            on_event: component.on_event.clone(),
                            children: Vec::new(),
                            condition: component.condition.clone(),
                            repeat: component.repeat.clone(),
                        },
                        children: component.children.len(),
                    });
                }
                Node {
                    start,
                    value: NodeValue::Built(Box::new(component)),
                }
            }
            None => Node {
                start,
                value: NodeValue::Dropped,
            },
        }
    }
}

enum Step {
    More,
    Done,
}

/// Parses any JSON text exactly as RFC 8259 defines it (no wrapper stripping), with the
/// position and path of the first syntax error. Containers may nest 128 deep; numbers beyond
/// the range of a 64-bit float become `null`; for duplicate keys the first one wins.
///
/// # Errors
/// The syntax error, located.
///
/// ```
/// let err = agentos_blueprint::parse_json("{\"a\": [1, 2,]}").unwrap_err();
/// assert_eq!((err.line, err.column, err.path.as_str()), (1, 13, "a[2]"));
/// assert_eq!(agentos_blueprint::parse_json(" [true] ").unwrap(), serde_json::json!([true]));
/// ```
pub fn parse_json(text: &str) -> Result<serde_json::Value, Diagnostic> {
    let mut parser = StreamParser {
        strict: true,
        ..StreamParser::quiet(Limits {
            max_bytes: usize::MAX,
            ..Limits::default()
        })
    };
    let mut sink = Vec::new();
    parser.scan(text, &mut sink);
    parser.end_of_input(text);
    match parser.failure.take() {
        Some(failure) => Err(failure.locate(&LineIndex::new(text))),
        None => Ok(parser
            .root
            .take()
            .map_or(serde_json::Value::Null, Node::into_value)),
    }
}

impl Frame {
    fn push(&mut self, node: Node) {
        match &mut self.kind {
            FrameKind::Array(items) => items.push(node),
            FrameKind::List(items) => items.push(node.into_value()),
            FrameKind::Map(map) => {
                if let Some((key, key_start)) = map.key.take() {
                    map.node.insert(key, key_start, node);
                }
            }
            FrameKind::Object { members, key } => {
                if let Some((key, key_start)) = key.take() {
                    members.push(Member {
                        key,
                        key_start,
                        node,
                    });
                }
            }
        }
    }

    fn into_node(self) -> Node {
        let value = match self.kind {
            FrameKind::Array(items) => NodeValue::Array(items),
            FrameKind::List(items) => NodeValue::List(items),
            FrameKind::Map(map) => NodeValue::Map(Box::new(map.node)),
            FrameKind::Object { members, .. } => NodeValue::Object(members),
        };
        Node {
            start: self.start,
            value,
        }
    }
}

/// Index of the first non-whitespace byte at or after `from`.
fn skip_ws(bytes: &[u8], from: usize) -> Option<usize> {
    const SPACES: u64 = u64::from_le_bytes([b' '; 8]);
    let mut i = from;
    loop {
        match bytes.get(i)? {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            _ => return Some(i),
        }
        // Indentation comes in long runs of spaces: skip them eight at a time.
        while let Some(word) = bytes.get(i..i + 8) {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(word);
            let differ = u64::from_le_bytes(eight) ^ SPACES;
            if differ != 0 {
                i += (differ.trailing_zeros() / 8) as usize;
                break;
            }
            i += 8;
        }
    }
}

/// Index of the first byte at or after `from` that ends a plain run inside a string body
/// (`"`, `\\` or a control character), or the length; eight bytes are tested at a time.
fn skip_plain(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(word) = bytes.get(i..i + 8) {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(word);
        let w = u64::from_le_bytes(eight);
        // A byte's high bit is set in `found` where it is below 0x20, `"` or `\`; the
        // lowest set bit is always a real match (borrows only run upwards).
        let quote = w ^ (ONES * u64::from(b'"'));
        let backslash = w ^ (ONES * u64::from(b'\\'));
        let found = (w.wrapping_sub(ONES * 0x20)
            | quote.wrapping_sub(ONES) & !quote
            | backslash.wrapping_sub(ONES) & !backslash)
            & !w
            & HIGH;
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = bytes.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

/// Names the character at `at` for an error message.
fn describe(bytes: &[u8], at: usize) -> String {
    match bytes.get(at..) {
        None | Some([]) => "the end of the input".to_owned(),
        Some(rest) => {
            let text = String::from_utf8_lossy(&rest[..rest.len().min(4)]);
            match text.chars().next() {
                Some(c) if c.is_control() => format!("{:?}", c),
                Some(c) => format!("`{c}`"),
                None => "the end of the input".to_owned(),
            }
        }
    }
}

/// Decodes the escapes of an already validated string body; lone surrogates become U+FFFD.
fn unescape(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        if c != b'\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let e = raw.get(i + 1).copied().unwrap_or(b'\\');
        i += 2;
        let simple = match e {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            b'b' => Some(8),
            b'f' => Some(12),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            _ => None,
        };
        if let Some(byte) = simple {
            out.push(byte);
            continue;
        }
        let unit = hex4(raw.get(i..i + 4));
        i += 4;
        let ch = if (0xD800..0xDC00).contains(&unit) {
            let low = if raw.get(i..i + 2) == Some(b"\\u") {
                hex4(raw.get(i + 2..i + 6))
            } else {
                0
            };
            if (0xDC00..0xE000).contains(&low) {
                i += 6;
                char::from_u32(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
            } else {
                None
            }
        } else {
            char::from_u32(unit)
        };
        let mut tmp = [0u8; 4];
        out.extend_from_slice(ch.unwrap_or('\u{FFFD}').encode_utf8(&mut tmp).as_bytes());
    }
    String::from_utf8(out)
        .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned())
}

fn hex4(digits: Option<&[u8]>) -> u32 {
    digits
        .and_then(|d| std::str::from_utf8(d).ok())
        .and_then(|d| u32::from_str_radix(d, 16).ok())
        .unwrap_or(0xFFFD)
}
