//! The system prompt for Blueprint generation: the format, the component catalogue, only the
//! tools the request is likely to need, and one worked example; plus the repair message.

use std::{fmt::Write, sync::OnceLock};

use agentos_blueprint::{Diagnostic, ToolCatalog};

use crate::catalog::{COMPONENTS, relevant_tools};

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

/// The system prompt for `request`; it lists only tools `tools` has.
pub(crate) fn system_prompt(request: &str, tools: &dyn ToolCatalog) -> String {
    let head = prompt_head();
    let mut prompt = String::with_capacity(head.len() + 4096);
    prompt.push_str(head);
    prompt.push_str("\nTools:\n");
    for family in relevant_tools(request) {
        for tool in family.tools.iter().filter(|tool| tools.has_tool(tool.name)) {
            for part in ["- ", tool.name, " ", tool.summary, "\n"] {
                prompt.push_str(part);
            }
        }
    }
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
        let prompt = system_prompt("a countdown timer", &crate::catalog::is_known_tool);
        assert!(prompt.contains("- progress: value (required)"));
        assert!(prompt.contains("- timer.interval "));
        assert!(prompt.contains("- ui.compute "));
        assert!(!prompt.contains("filesystem.list"));
    }

    #[test]
    fn the_schema_is_json() {
        let schema: serde_json::Value = serde_json::from_str(BLUEPRINT_SCHEMA).unwrap();
        assert_eq!(schema["required"][0], "app");
    }
}
