//! Compiler-style and JSON renderings of diagnostics, for `agentos check` and editors.

use std::fmt::Write;

use serde_json::json;

use crate::diagnostic::Diagnostic;

/// Characters shown on each side of the caret.
const WINDOW: usize = 60;

/// Renders diagnostics like a compiler: `file:line:column: severity: message`, the JSON
/// path, the source line and a caret under the offending column.
///
/// ```
/// let source = "{\"app\": {\"id\": \"a\"}, \"ui\": {}}";
/// let parsed = agentos_blueprint::parse(source);
/// let text = agentos_blueprint::render_diagnostics("a.bp", source, &parsed.diagnostics);
/// assert!(text.starts_with("a.bp:1:9: error: `app.name` is required"), "{text}");
/// ```
pub fn render_diagnostics(file_name: &str, source: &str, diagnostics: &[Diagnostic]) -> String {
    let lines: Vec<&str> = source.split('\n').collect();
    let mut out = String::new();
    for diagnostic in diagnostics {
        let _ = writeln!(
            out,
            "{file_name}:{}:{}: {}: {}",
            diagnostic.line, diagnostic.column, diagnostic.severity, diagnostic.message
        );
        if !diagnostic.path.is_empty() {
            let _ = writeln!(out, "  at {}", diagnostic.path);
        }
        let index = (diagnostic.line as usize).saturating_sub(1);
        if let Some(line) = lines.get(index) {
            let line = line.strip_suffix('\r').unwrap_or(line);
            let number = diagnostic.line.to_string();
            let gutter = " ".repeat(number.len());
            let _ = writeln!(out, "{gutter} |");
            let chars: Vec<char> = line
                .chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .collect();
            let caret = (diagnostic.column as usize)
                .saturating_sub(1)
                .min(chars.len());
            // Long lines (minified JSON) are shown as a window around the caret.
            let (from, to) = if chars.len() <= 2 * WINDOW {
                (0, chars.len())
            } else {
                (
                    caret.saturating_sub(WINDOW),
                    (caret + WINDOW).min(chars.len()),
                )
            };
            let mut shown: String = chars[from..to].iter().collect();
            let mut width = caret - from;
            if from > 0 {
                shown.insert(0, '…');
                width += 1;
            }
            if to < chars.len() {
                shown.push('…');
            }
            let _ = writeln!(out, "{number} | {shown}");
            let pad = " ".repeat(width);
            let _ = writeln!(out, "{gutter} | {pad}^");
        }
    }
    out
}

/// Renders diagnostics as one JSON document:
/// `{"file", "errors", "warnings", "diagnostics": [{"severity", "line", "column", "path", "message"}]}`.
pub fn render_diagnostics_json(file_name: &str, diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == crate::Severity::Error)
        .count();
    json!({
        "file": file_name,
        "errors": errors,
        "warnings": diagnostics.len() - errors,
        "diagnostics": diagnostics,
    })
    .to_string()
}
