//! The system prompt for Blueprint generation: the format, the component catalogue, only the
//! tools the request is likely to need, and one worked example; plus the repair message.

use std::{fmt::Write, sync::OnceLock};

use agentos_blueprint::{Diagnostic, ToolCatalog};

use crate::catalog::{COMPONENTS, TOOL_FAMILIES, relevant_tools};

/// A minimal JSON Schema of a Blueprint, used for structured output unless the caller passes
/// the full schema of `agentos-blueprint`.
pub const BLUEPRINT_SCHEMA: &str = r##"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "AgentOS Blueprint",
  "type": "object",
  "required": ["app", "ui"],
  "properties": {
    "app": {"type": "object", "required": ["id", "name"], "properties": {
      "id": {"type": "string"}, "name": {"type": "string"}, "description": {"type": "string"},
      "icon": {"type": "string"}, "category": {"type": "string"},
      "permissions": {"type": "array", "items": {"type": "string"}}}},
    "services": {"type": "array"},
    "ui": {"type": "object", "required": ["title", "components"], "properties": {
      "title": {"type": "string"},
      "layout": {"enum": ["vertical", "horizontal"]},
      "lifecycle": {"type": "object", "additionalProperties": {"type": ["string", "array"]}},
      "components": {"type": "array", "items": {"$ref": "#/$defs/component"}}}}
  },
  "$defs": {
    "component": {"type": "object", "required": ["type", "id"], "properties": {
      "type": {"type": "string"}, "id": {"type": "string"}, "props": {"type": "object"},
      "on_event": {"type": "object", "additionalProperties": {"anyOf": [
        {"type": "string"},
        {"type": "object", "required": ["tool"], "properties": {"tool": {"type": "string"}, "args": {"type": "object"}, "result": {"type": "string"}}}]}},
      "children": {"type": "array", "items": {"$ref": "#/$defs/component"}}}}
  }
}"##;

/// The prompt's tool lines, one text per family of [`TOOL_FAMILIES`] (in its order) listing
/// the family's tools a catalogue has: written once per generator, whose catalogue is fixed
/// when it is built.
#[derive(Debug, Clone, Default)]
pub(crate) struct ToolLines {
    families: Vec<String>,
}

impl ToolLines {
    /// The lines of every family's tools that `tools` has.
    pub(crate) fn new(tools: &dyn ToolCatalog) -> ToolLines {
        let families = TOOL_FAMILIES
            .iter()
            .map(|family| {
                let mut lines = String::new();
                for tool in family.tools.iter().filter(|tool| tools.has_tool(tool.name)) {
                    let _ = writeln!(lines, "- {} {}", tool.name, tool.summary);
                }
                lines
            })
            .collect();
        ToolLines { families }
    }
}

/// The system prompt for `request`; it lists only tools of the families the request is likely
/// to need, as `lines` has them.
pub(crate) fn system_prompt(request: &str, lines: &ToolLines) -> String {
    const TOOLS: &str = "\nTools:\n";
    let relevant = relevant_tools(request);
    let tool_text = TOOL_FAMILIES
        .iter()
        .zip(&lines.families)
        .filter(|(family, _)| relevant.iter().any(|wanted| wanted.family == family.family))
        .map(|(_, text)| text.as_str());
    let head = prompt_head();
    let length = head.len() + TOOLS.len() + tool_text.clone().map(str::len).sum::<usize>();
    let mut prompt = String::with_capacity(length + EXAMPLE.len());
    prompt.push_str(head);
    prompt.push_str(TOOLS);
    tool_text.for_each(|text| prompt.push_str(text));
    prompt.push_str(EXAMPLE);
    prompt
}

/// The part of the prompt every request shares: the format and the component catalogue, built
/// once.
fn prompt_head() -> &'static str {
    static HEAD: OnceLock<String> = OnceLock::new();
    HEAD.get_or_init(|| {
        let mut head = String::from(
        "You design apps for AgentOS. Answer with ONE JSON object, a Blueprint, and nothing else: no prose, no code fence.\n\
         Shape: {\"app\": {\"id\": kebab-case, \"name\", \"description\", \"icon\": one emoji, \"category\"}, \
         \"ui\": {\"title\", \"layout\": \"vertical\", \"components\": [...]}}.\n\
         Each component: {\"type\", \"id\" (unique, kebab-case), \"props\": {...}, \"on_event\": {\"click\"|\"change\": binding}, \"children\": [...]}.\n\
         A binding is a tool name (\"ui.append\") or {\"tool\", \"args\": {...}, \"result\": \"<component id>\"}. \
         Every button needs an on_event. Use only the components and tools listed below. \
         A component's id is its state key: inputs hold what is typed, texts show their content.\n\nComponents:\n",
    );
        for component in COMPONENTS {
            let _ = writeln!(head, "- {}: {}", component.kind, component.props);
        }
        head
    })
}

/// The worked example that ends the prompt.
const EXAMPLE: &str = "\nExample, a counter:\n\
         {\"app\": {\"id\": \"counter\", \"name\": \"Counter\", \"icon\": \"🔢\", \"category\": \"utilities\"}, \"ui\": {\"title\": \"Counter\", \"layout\": \"vertical\", \"components\": [\
         {\"type\": \"text\", \"id\": \"count\", \"props\": {\"content\": \"0\", \"variant\": \"h1\"}}, \
         {\"type\": \"row\", \"id\": \"controls\", \"children\": [\
         {\"type\": \"button\", \"id\": \"increment\", \"props\": {\"text\": \"+1\"}, \"on_event\": {\"click\": {\"tool\": \"ui.compute\", \"args\": {\"key\": \"count\", \"expression\": \"{count}+1\"}}}}, \
         {\"type\": \"button\", \"id\": \"reset\", \"props\": {\"text\": \"Reset\"}, \"on_event\": {\"click\": {\"tool\": \"ui.clear\", \"args\": {\"key\": \"count\"}}}}]}]}}\n";

/// The user message of a repair round: what was wrong, and what to send back.
pub(crate) fn repair_message(diagnostics: &[Diagnostic]) -> String {
    let mut message = String::from("That Blueprint is invalid:\n");
    for diagnostic in diagnostics.iter().take(20) {
        let _ = writeln!(message, "- {diagnostic}");
    }
    if diagnostics.len() > 20 {
        let _ = writeln!(message, "- … and {} more", diagnostics.len() - 20);
    }
    message.push_str("Send the whole corrected Blueprint as one JSON object, nothing else.");
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompt_lists_components_and_only_relevant_tools() {
        let lines = ToolLines::new(&crate::catalog::is_known_tool);
        let prompt = system_prompt("a countdown timer", &lines);
        assert!(prompt.contains("- progress: value (required)"));
        assert!(prompt.contains("- timer.interval "));
        assert!(prompt.contains("- ui.compute "));
        assert!(!prompt.contains("filesystem.list"));
    }

    #[test]
    fn the_prompt_lists_only_tools_the_catalogue_has() {
        let lines = ToolLines::new(&["ui.set", "timer.interval"]);
        let prompt = system_prompt("a countdown timer", &lines);
        let tools: Vec<&str> = prompt
            .split("\nTools:\n")
            .nth(1)
            .unwrap()
            .lines()
            .take_while(|line| line.starts_with("- "))
            .collect();
        assert_eq!(tools.len(), 2, "{tools:?}");
        assert!(tools[0].starts_with("- ui.set "));
        assert!(tools[1].starts_with("- timer.interval "));
    }

    #[test]
    fn the_schema_is_json() {
        let schema: serde_json::Value = serde_json::from_str(BLUEPRINT_SCHEMA).unwrap();
        assert_eq!(schema["required"][0], "app");
    }
}
