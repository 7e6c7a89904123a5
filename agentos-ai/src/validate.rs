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
    Blueprint, Component, Diagnostic, Event, Parsed, Severity, StreamParser, ToolCatalog,
};

/// Feeds streamed Blueprint text to a [`StreamParser`].
#[derive(Debug, Default)]
pub(crate) struct Assembler {
    parser: StreamParser,
}

impl Assembler {
    /// Adds a chunk; returns the components it completed, with their paths. Components
    /// complete children first, and a container comes without its children (they were
    /// announced before it).
    pub(crate) fn feed(&mut self, chunk: &str) -> Vec<(String, Component)> {
        self.parser
            .feed(chunk)
            .into_iter()
            .filter_map(|event| match event {
                // The parser shares the component with the event; the pipeline sends an
                // owned one to another task, so it is copied here.
                Event::Component {
                    path, component, ..
                } => Some((path, std::sync::Arc::unwrap_or_clone(component))),
                _ => None,
            })
            .collect()
    }

    /// Ends the input: returns everything fed and the validated Blueprint, or every diagnostic
    /// (errors first) for a repair round.
    pub(crate) fn finish(
        self,
        tools: &dyn ToolCatalog,
    ) -> (String, Result<Blueprint, Vec<Diagnostic>>) {
        let text = self.parser.text().to_owned();
        (text, verdict(self.parser.finish_with(tools)))
    }
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

/// The top-level components of `blueprint` with their paths, for the `Component` events of an
/// answer that was not streamed from a model (a template, a cache hit).
pub(crate) fn top_level(blueprint: &Blueprint) -> Vec<(String, Component)> {
    blueprint
        .ui
        .components
        .iter()
        .enumerate()
        .map(|(index, component)| (format!("ui.components[{index}]"), component.clone()))
        .collect()
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
            announced.extend(assembler.feed(chunk).into_iter().map(|(path, _)| path));
        }
        assert_eq!(
            announced,
            [
                "ui.components[0].children[0]",
                "ui.components[0]",
                "ui.components[1]"
            ]
        );
        let (streamed, outcome) = assembler.finish(&TOOLS);
        assert_eq!(streamed, text);
        assert_eq!(outcome.unwrap(), check(text, &TOOLS).unwrap());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,200}", cut in 0usize..200) {
            let _ = check(&text, &TOOLS);
            let mut assembler = Assembler::default();
            let cut = (0..=cut.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let _ = assembler.feed(&text[..cut]);
            let _ = assembler.feed(&text[cut..]);
            let _ = assembler.finish(&TOOLS);
        }
    }
}
