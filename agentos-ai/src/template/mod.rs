//! The embedded template library: ready-made Blueprints for the apps people ask for most,
//! chosen by fuzzy intent matching and filled from the request's slots.

mod catalog;

use std::sync::{Arc, OnceLock};

use agentos_blueprint::Blueprint;

use crate::{
    intent::{IntentIndex, IntentMatch},
    slot::{self, Slots},
};

/// Confidence at or above which a template answers a request without asking an LLM.
pub const CONFIDENT: f32 = 0.6;

/// One template: the words that select it, its Blueprint source and the slots a request fills.
#[derive(Debug, Clone, Copy)]
pub struct Template {
    /// Short kind name, e.g. `calculator`; also the Blueprint's `app.id`.
    pub kind: &'static str,
    /// Phrases that name this kind of app (full weight).
    pub keywords: &'static [&'static str],
    /// Phrases that hint at it (lower weight); they mostly break ties.
    pub related: &'static [&'static str],
    /// The Blueprint JSON, in explicit form.
    pub source: &'static str,
    /// Values a request may carry into the Blueprint besides its title.
    pub slots: &'static [Slot],
}

/// A value taken from the request and written into one component's initial value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Slot {
    /// A duration ("25 minutes") shown as `MM:SS` or `H:MM:SS`.
    Duration {
        /// The component that shows it.
        component: &'static str,
    },
    /// A money amount ("$80", "80 dollars", or a bare number).
    Amount {
        /// The component that receives it.
        component: &'static str,
    },
    /// A percentage ("15%", "15 percent").
    Percent {
        /// The component that receives it.
        component: &'static str,
    },
    /// A head count ("4 people", "3 ways").
    People {
        /// The component that receives it.
        component: &'static str,
    },
}

/// The built-in templates, matched by intent. Cheap to clone.
#[derive(Debug, Clone)]
pub struct TemplateLibrary {
    templates: Arc<[Template]>,
    index: Arc<IntentIndex>,
}

impl Default for TemplateLibrary {
    fn default() -> TemplateLibrary {
        TemplateLibrary::builtin()
    }
}

impl TemplateLibrary {
    /// The templates embedded in this crate.
    pub fn builtin() -> TemplateLibrary {
        static BUILTIN: OnceLock<TemplateLibrary> = OnceLock::new();
        BUILTIN
            .get_or_init(|| TemplateLibrary {
                templates: Arc::from(catalog::BUILTIN),
                index: Arc::new(IntentIndex::new(catalog::BUILTIN)),
            })
            .clone()
    }

    /// Every template, in library order.
    pub fn templates(&self) -> &[Template] {
        &self.templates
    }

    /// The intent index, for checking it against the scan it replaced.
    #[cfg(test)]
    pub(crate) fn intent_index(&self) -> &IntentIndex {
        &self.index
    }

    /// The template of kind `kind`.
    pub fn get(&self, kind: &str) -> Option<&Template> {
        self.templates.iter().find(|template| template.kind == kind)
    }

    /// The best-matching template for `request` with its confidence in `0.0..=1.0`, or `None`
    /// when nothing matches at all.
    pub fn best_match(&self, request: &str) -> Option<IntentMatch<'_>> {
        self.index.best(&self.templates, request)
    }

    /// The best template when its confidence reaches [`CONFIDENT`].
    pub fn find(&self, request: &str) -> Option<&Template> {
        self.best_match(request)
            .filter(|found| found.confidence >= CONFIDENT)
            .map(|found| found.template)
    }

    /// The Blueprint of `template` with the request's slots filled in: a title from
    /// "for the party" / "called Groceries", durations, amounts, percentages, head counts.
    pub fn instantiate(template: &Template, request: &str) -> Blueprint {
        let mut blueprint = agentos_blueprint::parse(template.source).blueprint;
        let slots = Slots::extract(request);
        slot::apply(&mut blueprint, template.slots, &slots);
        blueprint
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
            "app": {"id": "scratchpad", "name": title, "description": format!("Generated for: {}", request.trim()), "icon": "📝", "category": "productivity", "version": "1.0.0", "author": "agentos"},
            "ui": {"title": title, "layout": "vertical", "components": [
                {"type": "text", "id": "title", "props": {"content": title, "variant": "h2"}},
                {"type": "text", "id": "hint", "props": {"content": "No ready-made app fits this request yet, so here is a scratchpad for it.", "variant": "caption"}},
                {"type": "textarea", "id": "notes", "props": {"placeholder": "Write here…", "rows": 12, "value": ""}},
                {"type": "container", "id": "actions", "props": {"layout": "horizontal", "gap": 8}, "children": [
                    {"type": "input", "id": "item-input", "props": {"placeholder": "Add a checklist item…", "value": ""}},
                    {"type": "button", "id": "add", "props": {"text": "Add", "variant": "primary"},
                     "on_event": {"click": {"tool": "ui.list.add", "args": {"list": "items", "input": "item-input"}}}},
                    {"type": "button", "id": "clear", "props": {"text": "Clear notes", "variant": "ghost"},
                     "on_event": {"click": {"tool": "ui.clear", "args": {"key": "notes", "default": ""}}}}
                ]},
                {"type": "list", "id": "items", "props": {"variant": "bordered"},
                 "on_event": {"click": {"tool": "ui.list.toggle", "args": {"list": "items"}}}}
            ]}
        });
        agentos_blueprint::parse(&source.to_string()).blueprint
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_template_parses_without_diagnostics_and_is_named_by_its_kind() {
        let library = TemplateLibrary::builtin();
        assert!(library.templates().len() >= 30);
        for template in library.templates() {
            let parsed = agentos_blueprint::parse(template.source);
            assert!(
                parsed.diagnostics.is_empty(),
                "{}: {:?}",
                template.kind,
                parsed.diagnostics
            );
            assert_eq!(parsed.blueprint.app.id, template.kind);
            assert!(
                parsed
                    .blueprint
                    .ui
                    .all_components()
                    .any(|c| c.id == "title"),
                "{}",
                template.kind
            );
            let mut ids: Vec<&str> = parsed
                .blueprint
                .ui
                .all_components()
                .map(|c| c.id.as_str())
                .collect();
            let n_ids = ids.len();
            ids.sort_unstable();
            ids.dedup();
            assert_eq!(
                ids.len(),
                n_ids,
                "{}: duplicate component ids",
                template.kind
            );
        }
    }

    #[test]
    fn slot_components_exist_in_their_templates() {
        for template in TemplateLibrary::builtin().templates() {
            let blueprint = agentos_blueprint::parse(template.source).blueprint;
            for slot in template.slots {
                let (Slot::Duration { component }
                | Slot::Amount { component }
                | Slot::Percent { component }
                | Slot::People { component }) = *slot;
                assert!(
                    blueprint.ui.all_components().any(|c| c.id == component),
                    "{}: {component}",
                    template.kind
                );
            }
        }
    }

    #[test]
    fn calculator_has_the_sixteen_buttons_in_order() {
        let library = TemplateLibrary::builtin();
        let parsed = agentos_blueprint::parse(library.find("calculator").unwrap().source);
        let labels: Vec<String> = parsed
            .blueprint
            .ui
            .all_components()
            .filter(|c| c.kind == "button" && c.id != "btn-backspace")
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
        assert_eq!(TemplateLibrary::fallback("   ").ui.title, "Scratchpad");
    }
}
