//! Whole-document parsing: JSON text to a [`Blueprint`] plus diagnostics; never fails.

use crate::{
    catalog::ToolCatalog,
    diagnostic::{Diagnostic, Severity},
    error::{Error, Result},
    model::Blueprint,
    stream::StreamParser,
};

/// The reference's limits on a Blueprint document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted document in bytes (512 KB).
    pub max_bytes: usize,
    /// Deepest accepted component nesting; top-level components are at depth 1 (20).
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 512 * 1024,
            max_depth: 20,
        }
    }
}

/// The result of parsing: the Blueprint that could be built and everything found wrong.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The Blueprint, with defaults wherever the document was missing or wrong.
    pub blueprint: Blueprint,
    /// Errors and warnings, in document order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// True when at least one diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|diagnostic| diagnostic.severity == Severity::Error)
    }

    /// The Blueprint when the document has no errors.
    ///
    /// # Errors
    /// [`Error::Invalid`] with every error diagnostic.
    pub fn into_result(self) -> Result<Blueprint> {
        let errors: Vec<Diagnostic> = self
            .diagnostics
            .into_iter()
            .filter(|diagnostic| diagnostic.severity == Severity::Error)
            .collect();
        if errors.is_empty() {
            Ok(self.blueprint)
        } else {
            Err(Error::Invalid {
                diagnostics: errors,
            })
        }
    }
}

/// Parses a Blueprint document. Never fails: problems become diagnostics.
///
/// Accepts what an LLM wraps around JSON (leading prose, a ```` ```json ```` fence); tool
/// names are not checked (see [`parse_with`]).
pub fn parse(text: &str) -> Parsed {
    StreamParser::quiet(Limits::default()).parse_whole(text, None)
}

/// Parses a Blueprint document and checks every tool it names against `tools`.
pub fn parse_with(text: &str, tools: &dyn ToolCatalog) -> Parsed {
    StreamParser::quiet(Limits::default()).parse_whole(text, Some(tools))
}

/// Parses with explicit limits and an optional tool catalogue.
pub fn parse_with_limits(text: &str, limits: Limits, tools: Option<&dyn ToolCatalog>) -> Parsed {
    StreamParser::quiet(limits).parse_whole(text, tools)
}

/// Validates a Blueprint built in code: it is serialised in the canonical form and parsed
/// again, so positions refer to `serde_json::to_string_pretty(blueprint)`.
pub fn validate(blueprint: &Blueprint, tools: Option<&dyn ToolCatalog>) -> Vec<Diagnostic> {
    match serde_json::to_string_pretty(blueprint) {
        Ok(text) => parse_with_limits(&text, Limits::default(), tools).diagnostics,
        Err(err) => vec![Diagnostic {
            severity: Severity::Error,
            line: 1,
            column: 1,
            path: String::new(),
            message: format!("the Blueprint cannot be serialised: {err}"),
        }],
    }
}
