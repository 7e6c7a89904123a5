//! The incremental JSON parser behind both [`crate::parse`] and [`StreamParser`].
//!
//! It keeps all its state between chunks (open containers, the token in progress and how far
//! it was scanned), so every byte is examined a bounded number of times: the total work is
//! linear in the input, however it is chunked. It builds the span-tracked [`Node`] tree and,
//! when events are on, builds each component the moment its closing bracket arrives.

mod bytes;
mod complete;
mod frame;
mod scan;

use std::sync::Arc;

use crate::{
    build::{Builder, RawDiag},
    catalog::ToolCatalog,
    diagnostic::{Diagnostic, Severity},
    model::{AppInfo, Component},
    node::{LineIndex, Node, push_index, push_key},
    parse::{Limits, Parsed},
};

pub(crate) use self::complete::EXPLICIT_KEYS;
use self::frame::{Expect, Frame, FrameKind, Mode, Num, Partial};

/// Containers nested deeper than this stop the parse (RFC 8259 §9 lets a parser limit depth);
/// it keeps the tree shallow enough to walk and drop without deep recursion.
const MAX_JSON_NESTING: usize = 128;

/// Something a renderer can act on before the document is complete.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// The `app` section is complete. (Boxed: it is much larger than the other events.)
    App(Box<AppInfo>),
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
        /// applied only in the final result. It is shared with the parser, not copied: the
        /// final result copies it only if the caller still holds it then.
        component: Arc<Component>,
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

/// Stands for the component's own path in the builder's relative paths.
pub(crate) const RELATIVE: char = '\u{0}';

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
        // A component takes some 250 bytes, so this is room for the events of a large chunk
        // (and no allocation for a small one).
        let mut events = Vec::with_capacity(chunk.len() / 256);
        if self.buf.is_empty() {
            // The same for the id table when the first chunk is large.
            self.builder.reserve_ids(chunk.len() / 128);
        }
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
        self.finish_inner(None).0
    }

    /// Like [`StreamParser::finish`], also checking tool names against `tools`.
    pub fn finish_with(self, tools: &dyn ToolCatalog) -> Parsed {
        self.finish_inner(Some(tools)).0
    }

    /// Like [`StreamParser::finish_with`], and hands back everything fed, without copying it
    /// (e.g. to send an invalid answer back to its author with the diagnostics).
    pub fn finish_with_text(self, tools: &dyn ToolCatalog) -> (Parsed, String) {
        self.finish_inner(Some(tools))
    }

    fn finish_inner(mut self, tools: Option<&dyn ToolCatalog>) -> (Parsed, String) {
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
        let parsed = self.finish_text(&buf, tools);
        (parsed, buf)
    }

    /// Parses a whole document straight from `text`, without copying it into the buffer;
    /// the result is the one `feed(text)` then `finish` gives.
    pub(crate) fn parse_whole(mut self, text: &str, tools: Option<&dyn ToolCatalog>) -> Parsed {
        if text.len() > self.limits.max_bytes || !self.buf.is_empty() {
            self.feed(text);
            return self.finish_inner(tools).0;
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
                        Some(FrameKind::Object { .. } | FrameKind::Map { .. }) => {
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
                FrameKind::Map {
                    key: Some((key, _)),
                    ..
                } => push_key(&mut out, key),
                FrameKind::Map { .. } => {}
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
