//! The intent corpus: every phrasing in `tests/data/intents.tsv` (with typos and synonyms)
//! selects its expected template, and unmatched requests fall back to the scratchpad.

use agentos_ai::{CONFIDENT, TemplateLibrary};

const CORPUS: &str = include_str!("data/intents.tsv");

fn cases() -> Vec<(&'static str, &'static str)> {
    CORPUS
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| line.split_once('\t').expect("kind<TAB>request"))
        .collect()
}

#[test]
fn corpus_has_at_least_150_phrasings_covering_every_kind() {
    let cases = cases();
    assert!(cases.len() >= 150, "{} phrasings", cases.len());
    let library = TemplateLibrary::builtin();
    for template in library.templates() {
        let n = cases
            .iter()
            .filter(|(kind, _)| *kind == template.kind)
            .count();
        assert!(n >= 3, "{} has only {n} phrasings", template.kind);
    }
}

#[test]
fn every_phrasing_selects_its_expected_kind() {
    let library = TemplateLibrary::builtin();
    let mut failures = Vec::new();
    for (expected, request) in cases() {
        let found = library.best_match(request);
        let chosen = match found {
            Some(found) if found.confidence >= CONFIDENT => found.template.kind,
            _ => "scratchpad",
        };
        if chosen != expected {
            let confidence = found.map_or(0.0, |f| f.confidence);
            failures.push(format!(
                "{request:?}: expected {expected}, got {chosen} ({confidence:.2})"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} misses:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn exact_names_are_fully_confident() {
    let library = TemplateLibrary::builtin();
    for template in library.templates() {
        let found = library
            .best_match(template.keywords[0])
            .expect("its own keyword matches");
        assert_eq!(found.template.kind, template.kind);
        assert!(
            found.confidence >= 0.99,
            "{}: {}",
            template.kind,
            found.confidence
        );
    }
}
