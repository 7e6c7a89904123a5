//! Every template, as written and as instantiated for a request, passes the Blueprint crate's
//! final validation against the real tool catalogue with no diagnostics at all.

use std::collections::BTreeSet;

use agentos_ai::TemplateLibrary;
use agentos_tools::Registry;

fn tool_names() -> BTreeSet<String> {
    Registry::builtin()
        .specs()
        .iter()
        .map(|spec| spec.name.clone())
        .collect()
}

#[test]
fn every_template_validates_with_zero_diagnostics_against_the_real_tools() {
    let tools = tool_names();
    let mut problems = Vec::new();
    for template in TemplateLibrary::builtin().templates() {
        let parsed = agentos_blueprint::parse_with(template.source, &tools);
        for diagnostic in &parsed.diagnostics {
            problems.push(format!("{}: {diagnostic}", template.kind));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn instantiated_templates_and_the_scratchpad_validate_too() {
    let tools = tool_names();
    let library = TemplateLibrary::builtin();
    let mut problems = Vec::new();
    let mut blueprints: Vec<(String, agentos_blueprint::Blueprint)> = library
        .templates()
        .iter()
        .map(|template| {
            let request = format!(
                "a {} for the party for 25 minutes, $80, 15%, 4 people",
                template.kind
            );
            (
                template.kind.to_owned(),
                TemplateLibrary::instantiate(template, &request),
            )
        })
        .collect();
    blueprints.push((
        "scratchpad".to_owned(),
        TemplateLibrary::fallback("a haiku garden"),
    ));
    for (kind, blueprint) in blueprints {
        let source = serde_json::to_string_pretty(&blueprint).unwrap();
        let parsed = agentos_blueprint::parse_with(&source, &tools);
        for diagnostic in &parsed.diagnostics {
            problems.push(format!("{kind}: {diagnostic}"));
        }
        assert_eq!(
            parsed.blueprint, blueprint,
            "{kind}: the round trip keeps the Blueprint"
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
