//! The one place where generated text becomes a Blueprint: the Blueprint crate's
//! [`StreamParser`] fed the model's chunks as they arrive, finished with the caller's tool
//! catalogue.
//!
//! Everything the Blueprint crate checks — syntax, the 23 component types and their props and
//! events, unique ids, nesting and size limits, wrappers such as a code fence, and tool names
//! against the catalogue — happens there; this module adds only the generator's own rule that
//! an app must have at least one component, and decides what counts as invalid (any error; a
//! warning alone does not stop an app from running).

use agentos_blueprint::{
    Blueprint, Diagnostic, Event, Parsed, Severity, StreamParser, ToolCatalog,
};

use crate::event::GenerationEvent;

/// Feeds streamed Blueprint text to a [`StreamParser`] and turns what it completes into
/// [`GenerationEvent::Component`]s.
#[derive(Debug, Default)]
pub(crate) struct Assembler {
    parser: StreamParser,
    /// Components announced so far.
    announced: usize,
}

impl Assembler {
    /// Adds a chunk and appends a `Component` event to `out` for each component it completed,
    /// children first (a container comes without its children: they were announced before
    /// it). The chunk itself is only read: the caller moves it into its `Token` event.
    pub(crate) fn feed(&mut self, chunk: &str, out: &mut impl Events) {
        let events = self.parser.feed(chunk);
        if events.is_empty() {
            return;
        }
        // One event at a time: most chunks complete none or one component, for which a
        // generic `extend` costs more than it saves.
        for event in events {
            if let Some(event) = component_event(event) {
                self.announced += 1;
                out.push_event(event);
            }
        }
    }

    /// How many components have been announced: for a valid Blueprint, all of them.
    pub(crate) fn announced(&self) -> usize {
        self.announced
    }

    /// Ends the input: the validated Blueprint, or every diagnostic (errors first) for a
    /// repair round. The parser's own result is validated once, against `tools`.
    pub(crate) fn finish(self, tools: &dyn ToolCatalog) -> Result<Blueprint, Vec<Diagnostic>> {
        verdict(self.parser.finish_with(tools))
    }

    /// Like [`Assembler::finish`], also handing back everything fed (moved out of the parser,
    /// not copied) for a repair round.
    pub(crate) fn finish_with_text(
        self,
        tools: &dyn ToolCatalog,
    ) -> (Result<Blueprint, Vec<Diagnostic>>, String) {
        let (parsed, text) = self.parser.finish_with_text(tools);
        (verdict(parsed), text)
    }
}

/// Where [`Assembler::feed`] puts its events: a list, or the pipeline's queue.
pub(crate) trait Events {
    /// Appends `event`.
    fn push_event(&mut self, event: GenerationEvent);
}

impl Events for Vec<GenerationEvent> {
    fn push_event(&mut self, event: GenerationEvent) {
        self.push(event);
    }
}

impl Events for std::collections::VecDeque<GenerationEvent> {
    fn push_event(&mut self, event: GenerationEvent) {
        self.push_back(event);
    }
}

/// The one place a parser event becomes a generation event: a completed component (shared
/// with the parser, not copied) moves into a `Component` event (its position and child count are not part of the protocol).
fn component_event(event: Event) -> Option<GenerationEvent> {
    match event {
        Event::Component {
            path, component, ..
        } => Some(GenerationEvent::Component { path, component }),
        _ => None,
    }
}

/// Streams a finished Blueprint text through the [`Assembler`] in pieces of `chunk_chars`
/// characters (never inside a character): the `Token` and `Component` events a model that
/// wrote this text would have produced, and the verdict against `tools`.
pub(crate) fn stream_text(
    text: &str,
    chunk_chars: usize,
    tools: &dyn ToolCatalog,
) -> (Vec<GenerationEvent>, Result<Blueprint, Vec<Diagnostic>>) {
    let mut assembler = Assembler::default();
    let mut events = Vec::new();
    for chunk in chunks(text, chunk_chars.max(1)) {
        events.push(GenerationEvent::Token(chunk.to_owned()));
        assembler.feed(chunk, &mut events);
    }
    (events, assembler.finish(tools))
}

/// Splits `text` into pieces of at most `n_chars` characters, never inside a character.
fn chunks(text: &str, n_chars: usize) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let end = rest
            .char_indices()
            .nth(n_chars)
            .map_or(rest.len(), |(index, _)| index);
        let (chunk, tail) = rest.split_at(end);
        rest = tail;
        Some(chunk)
    })
}

/// Parses and validates a whole Blueprint document against `tools`.
pub(crate) fn check(text: &str, tools: &dyn ToolCatalog) -> Result<Blueprint, Vec<Diagnostic>> {
    verdict(agentos_blueprint::parse_with(text, tools))
}

/// The Blueprint when `parsed` has no error and at least one component; otherwise its
/// diagnostics, errors before warnings.
fn verdict(parsed: Parsed) -> Result<Blueprint, Vec<Diagnostic>> {
    let mut diagnostics = parsed.diagnostics;
    if !diagnostics.iter().any(|d| d.severity == Severity::Error)
        && parsed.blueprint.ui.components.is_empty()
    {
        diagnostics.push(Diagnostic {
            severity: Severity::Error,
            line: 1,
            column: 1,
            path: "ui.components".to_owned(),
            message: "the app has no components; add at least one".to_owned(),
        });
    }
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        // Stable: document order is kept within each severity.
        diagnostics.sort_by_key(|d| d.severity != Severity::Error);
        Err(diagnostics)
    } else {
        Ok(parsed.blueprint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOOLS: [&str; 2] = ["ui.toggle", "ui.set"];

    #[test]
    fn fenced_valid_json_passes() {
        let text = "```json\n{\"app\": {\"id\": \"a\", \"name\": \"A\"}, \"ui\": {\"components\": [{\"type\": \"button\", \"id\": \"b\", \"on_event\": {\"click\": \"ui.toggle\"}}]}}\n```";
        assert!(check(text, &TOOLS).is_ok());
    }

    #[test]
    fn problems_come_from_the_blueprint_crate_with_path_and_position() {
        let text = r#"{"app": {"id": "a", "name": "A"}, "ui": {"lifecycle": {"on_mount": "magic.go"}, "components": [
            {"type": "button", "id": "b", "on_event": {"click": "ui.increment"}},
            {"type": "blink", "id": "b"}]}}"#;
        let diagnostics = check(text, &TOOLS).unwrap_err();
        let errors: Vec<String> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| format!("{}:{} {}", d.line, d.column, d.path))
            .collect();
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("3:22 ui.components[1]")),
            "{errors:?}"
        );
        let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.contains("ui.increment")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("magic.go")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("`blink`")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("duplicate")),
            "{messages:?}"
        );
        // Errors come first.
        let first_warning = diagnostics
            .iter()
            .position(|d| d.severity == Severity::Warning)
            .unwrap_or(diagnostics.len());
        assert!(
            diagnostics[first_warning..]
                .iter()
                .all(|d| d.severity == Severity::Warning)
        );
    }

    #[test]
    fn an_app_without_components_or_json_is_invalid() {
        let empty = check(
            r#"{"app": {"id": "a", "name": "A"}, "ui": {"components": []}}"#,
            &TOOLS,
        )
        .unwrap_err();
        assert!(empty.iter().any(|d| d.path == "ui.components"), "{empty:?}");
        assert!(check("{\"app\": ", &TOOLS).is_err());
    }

    #[test]
    fn streamed_components_are_announced_before_the_end() {
        let text = r#"{"app": {"id": "a", "name": "A"}, "ui": {"components": [
            {"type": "container", "id": "row", "children": [{"type": "text", "id": "t", "props": {"content": "hi"}}]},
            {"type": "button", "id": "b", "on_event": {"click": "ui.toggle"}}]}}"#;
        let mut assembler = Assembler::default();
        let mut announced = Vec::new();
        for chunk in text.as_bytes().chunks(7) {
            let chunk = std::str::from_utf8(chunk).unwrap();
            assembler.feed(chunk, &mut announced);
        }
        let paths: Vec<&str> = announced
            .iter()
            .map(|event| match event {
                GenerationEvent::Component { path, .. } => path.as_str(),
                other => panic!("only components: {other:?}"),
            })
            .collect();
        assert_eq!(
            paths,
            [
                "ui.components[0].children[0]",
                "ui.components[0]",
                "ui.components[1]"
            ]
        );
        let (verdict, fed) = assembler.finish_with_text(&TOOLS);
        assert_eq!(fed, text);
        assert_eq!(verdict.unwrap(), check(text, &TOOLS).unwrap());
    }

    #[test]
    fn streamed_text_gives_tokens_then_the_components_each_completed() {
        let text = r#"{"app": {"id": "a", "name": "A"}, "ui": {"components": [{"type": "text", "id": "t", "props": {"content": "÷×"}}]}}"#;
        let (events, outcome) = stream_text(text, 10, &TOOLS);
        let tokens: String = events
            .iter()
            .filter_map(|event| match event {
                GenerationEvent::Token(chunk) => Some(chunk.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(tokens, text);
        assert!(matches!(
            events.last(),
            Some(GenerationEvent::Component { path, .. }) if path == "ui.components[0]"
        ));
        assert_eq!(outcome.unwrap(), check(text, &TOOLS).unwrap());
        assert!(stream_text("", 10, &TOOLS).1.is_err());
    }

    #[test]
    fn chunks_respect_character_boundaries() {
        let pieces: Vec<&str> = chunks("ab÷cd×e", 2).collect();
        assert_eq!(pieces, ["ab", "÷c", "d×", "e"]);
        assert_eq!(chunks("", 5).count(), 0);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,200}", cut in 0usize..200) {
            let _ = check(&text, &TOOLS);
            let mut assembler = Assembler::default();
            let cut = (0..=cut.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let mut events = Vec::new();
            assembler.feed(&text[..cut], &mut events);
            assembler.feed(&text[cut..], &mut events);
            let _ = assembler.finish(&TOOLS);
        }
    }
}
