//! The one place where generated text becomes a Blueprint: parse, then validate.
//!
//! Today this uses `agentos_blueprint::parse` on the whole text plus the checks below. The
//! streaming parser and catalogue validation of `agentos-blueprint` replace the body of
//! [`Assembler`] without changing its interface: `feed` returns components as they complete,
//! `finish` returns the validated Blueprint or the diagnostics for a repair round. The swap:
//! hold a `StreamParser`; `feed` maps its `Event::Component { path, component, .. }` to
//! `(path, component)`; `finish` calls `finish_with(&catalog::is_known_tool)` and keeps the
//! checks below that the parser does not make.

use std::fmt::Write;

use agentos_blueprint::{Blueprint, Component, Diagnostic, Severity};

use crate::catalog;

/// The largest Blueprint accepted, in bytes (as the reference).
pub(crate) const MAX_BLUEPRINT_BYTES: usize = 512 * 1024;
/// The deepest component nesting accepted (as the reference).
pub(crate) const MAX_DEPTH: usize = 20;

/// Collects streamed Blueprint text.
#[derive(Debug, Default)]
pub(crate) struct Assembler {
    text: String,
}

impl Assembler {
    /// Adds a chunk; returns the top-level components it completed, with their paths.
    pub(crate) fn feed(&mut self, chunk: &str) -> Vec<(String, Component)> {
        self.text.push_str(chunk);
        Vec::new()
    }

    /// Parses and validates everything fed; returns the text too.
    pub(crate) fn finish(self) -> (String, Result<Blueprint, Vec<Diagnostic>>) {
        let outcome = check(&self.text);
        (self.text, outcome)
    }
}

/// Parses and validates a whole Blueprint document.
pub(crate) fn check(text: &str) -> Result<Blueprint, Vec<Diagnostic>> {
    let text = strip_fences(text);
    if text.len() > MAX_BLUEPRINT_BYTES {
        return Err(vec![error(
            "",
            format!(
                "the Blueprint is {} bytes; the limit is {MAX_BLUEPRINT_BYTES}",
                text.len()
            ),
        )]);
    }
    let parsed = agentos_blueprint::parse(text);
    let mut diagnostics: Vec<Diagnostic> = parsed
        .diagnostics
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    if diagnostics.is_empty() {
        semantic(&parsed.blueprint, &mut diagnostics);
    }
    if diagnostics.is_empty() {
        Ok(parsed.blueprint)
    } else {
        Err(diagnostics)
    }
}

/// The top-level components of `blueprint` with their paths, for `Component` events.
pub(crate) fn top_level(blueprint: &Blueprint) -> Vec<(String, Component)> {
    blueprint
        .ui
        .components
        .iter()
        .enumerate()
        .map(|(index, component)| (format!("ui.components[{index}]"), component.clone()))
        .collect()
}

/// Removes a Markdown code fence a model may wrap its JSON in.
fn strip_fences(text: &str) -> &str {
    let trimmed = text.trim();
    let Some(rest) = trimmed.strip_prefix("```") else {
        return trimmed;
    };
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    rest.strip_suffix("```").unwrap_or(rest).trim()
}

fn error(path: &str, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        line: 1,
        column: 1,
        path: path.to_owned(),
        message,
    }
}

/// Checks beyond syntax: at least one component, known component types, known tools,
/// unique ids, bounded depth.
fn semantic(blueprint: &Blueprint, diagnostics: &mut Vec<Diagnostic>) {
    if blueprint.ui.components.is_empty() {
        diagnostics.push(error(
            "ui.components",
            "the app has no components; add at least one".to_owned(),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    let mut path = String::from("ui.components");
    for (index, component) in blueprint.ui.components.iter().enumerate() {
        walk(component, &mut path, index, 1, &mut seen, diagnostics);
    }
    for (hook, tools) in &blueprint.ui.lifecycle {
        for tool in tools {
            if !catalog::is_known_tool(tool) {
                diagnostics.push(error(
                    &format!("ui.lifecycle.{hook}"),
                    format!("unknown tool `{tool}`"),
                ));
            }
        }
    }
}

/// Checks `component`, the `index`-th child under `path`; `path` is a reused buffer, so a valid
/// tree costs no allocation per component.
fn walk<'a>(
    component: &'a Component,
    path: &mut String,
    index: usize,
    depth: usize,
    seen: &mut std::collections::HashSet<&'a str>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let parent_len = path.len();
    let _ = write!(path, "[{index}]");
    if depth > MAX_DEPTH {
        diagnostics.push(error(
            path,
            format!("components nest deeper than {MAX_DEPTH} levels"),
        ));
        path.truncate(parent_len);
        return;
    }
    if !catalog::is_known_component(&component.kind) {
        diagnostics.push(error(
            &format!("{path}.type"),
            format!("unknown component type `{}`", component.kind),
        ));
    }
    if !seen.insert(component.id.as_str()) {
        diagnostics.push(error(
            &format!("{path}.id"),
            format!("duplicate component id `{}`", component.id),
        ));
    }
    for (event, binding) in &component.on_event {
        if !catalog::is_known_tool(&binding.tool) {
            diagnostics.push(error(
                &format!("{path}.on_event.{event}"),
                format!("unknown tool `{}`", binding.tool),
            ));
        }
    }
    if !component.children.is_empty() {
        path.push_str(".children");
        for (child_index, child) in component.children.iter().enumerate() {
            walk(child, path, child_index, depth + 1, seen, diagnostics);
        }
    }
    path.truncate(parent_len);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fenced_valid_json_passes() {
        let text = "```json\n{\"app\": {\"id\": \"a\", \"name\": \"A\"}, \"ui\": {\"components\": [{\"type\": \"button\", \"id\": \"b\", \"on_event\": {\"click\": \"ui.toggle\"}}]}}\n```";
        assert!(check(text).is_ok());
    }

    #[test]
    fn semantic_problems_are_located() {
        let text = r#"{"app": {"id": "a", "name": "A"}, "ui": {"lifecycle": {"on_mount": "magic.go"}, "components": [
            {"type": "button", "id": "b", "on_event": {"click": "ui.increment"}},
            {"type": "blink", "id": "b"}]}}"#;
        let paths: Vec<String> = check(text)
            .unwrap_err()
            .iter()
            .map(|d| format!("{}: {}", d.path, d.message))
            .collect();
        assert_eq!(
            paths,
            [
                "ui.components[0].on_event.click: unknown tool `ui.increment`",
                "ui.components[1].type: unknown component type `blink`",
                "ui.components[1].id: duplicate component id `b`",
                "ui.lifecycle.on_mount: unknown tool `magic.go`",
            ]
        );
        assert!(check(r#"{"app": {"id": "a", "name": "A"}, "ui": {"components": []}}"#).is_err());
        assert!(check("{\"app\": ").is_err());
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
            let _ = check(&text);
        }
    }
}
