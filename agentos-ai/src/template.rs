//! The embedded template library: ready-made Blueprints for the apps people ask for most.

use agentos_blueprint::Blueprint;

/// One template: the words that select it and its Blueprint source.
#[derive(Debug, Clone)]
pub struct Template {
    /// Short kind name, e.g. `calculator`.
    pub kind: &'static str,
    /// Words in a request that select this template.
    pub keywords: &'static [&'static str],
    /// The Blueprint JSON.
    pub source: &'static str,
}

/// The built-in templates, matched by keyword.
#[derive(Debug, Clone)]
pub struct TemplateLibrary {
    templates: Vec<Template>,
}

const BUILTIN: &[Template] = &[
    Template {
        kind: "calculator",
        keywords: &["calculator", "calc", "arithmetic", "add numbers"],
        source: include_str!("../templates/calculator.bp"),
    },
    Template {
        kind: "counter",
        keywords: &["counter", "count", "tally", "clicker"],
        source: include_str!("../templates/counter.bp"),
    },
    Template {
        kind: "todo",
        keywords: &["todo", "to-do", "to do", "task", "checklist"],
        source: include_str!("../templates/todo.bp"),
    },
];

impl Default for TemplateLibrary {
    fn default() -> TemplateLibrary {
        TemplateLibrary::builtin()
    }
}

impl TemplateLibrary {
    /// The templates embedded in this crate.
    pub fn builtin() -> TemplateLibrary {
        TemplateLibrary {
            templates: BUILTIN.to_vec(),
        }
    }

    /// Every template, in library order.
    pub fn templates(&self) -> &[Template] {
        &self.templates
    }

    /// The first template whose keyword appears in the lowercased request.
    pub fn find(&self, request: &str) -> Option<&Template> {
        let request = request.to_lowercase();
        self.templates.iter().find(|template| {
            template
                .keywords
                .iter()
                .any(|keyword| request.contains(keyword))
        })
    }

    /// A generic scratchpad app titled after the request, for requests no template matches.
    pub fn fallback(request: &str) -> Blueprint {
        let title: String = request.trim().chars().take(60).collect();
        let title = if title.is_empty() {
            "Scratchpad".to_owned()
        } else {
            title
        };
        let source = serde_json::json!({
            "app": {"id": "scratchpad", "name": title, "description": format!("Generated for: {request}"), "icon": "📝", "category": "productivity"},
            "ui": {"title": title, "components": [
                {"type": "text", "id": "header", "props": {"content": title, "variant": "h2"}},
                {"type": "textarea", "id": "notes", "props": {"placeholder": "Write here…", "rows": 12}},
                {"type": "button", "id": "clear", "props": {"text": "Clear", "variant": "ghost"},
                 "on_event": {"click": {"tool": "ui.clear", "args": {"key": "notes", "default": ""}}}}
            ]}
        });
        agentos_blueprint::parse(&source.to_string()).blueprint
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_template_parses_without_diagnostics() {
        for template in TemplateLibrary::builtin().templates() {
            let parsed = agentos_blueprint::parse(template.source);
            assert!(
                parsed.diagnostics.is_empty(),
                "{}: {:?}",
                template.kind,
                parsed.diagnostics
            );
            assert_eq!(parsed.blueprint.app.id, template.kind);
        }
    }

    #[test]
    fn requests_find_their_template() {
        let library = TemplateLibrary::builtin();
        assert_eq!(
            library.find("Make me a Calculator").map(|t| t.kind),
            Some("calculator")
        );
        assert_eq!(
            library.find("a click counter").map(|t| t.kind),
            Some("counter")
        );
        assert_eq!(library.find("my todo list").map(|t| t.kind), Some("todo"));
        assert!(library.find("a pomodoro timer").is_none());
    }

    #[test]
    fn calculator_has_the_sixteen_buttons_in_order() {
        let library = TemplateLibrary::builtin();
        let parsed = agentos_blueprint::parse(library.find("calculator").unwrap().source);
        let labels: Vec<String> = parsed
            .blueprint
            .ui
            .all_components()
            .filter(|c| c.kind == "button")
            .map(|c| c.props["text"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            labels,
            [
                "7", "8", "9", "÷", "4", "5", "6", "×", "1", "2", "3", "−", "0", "C", "=", "+"
            ]
        );
    }

    #[test]
    fn fallback_is_a_titled_scratchpad() {
        let blueprint = TemplateLibrary::fallback("a haiku garden");
        assert_eq!(blueprint.ui.title, "a haiku garden");
        assert!(blueprint.ui.all_components().any(|c| c.id == "notes"));
    }
}
