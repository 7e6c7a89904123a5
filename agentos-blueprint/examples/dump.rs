//! Dev helper.
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let parsed = agentos_blueprint::parse(&text);
    let out = serde_json::to_string_pretty(&parsed.blueprint).unwrap();
    let mut e = std::io::stderr();
    use std::io::Write;
    writeln!(e, "{out}").unwrap();
    writeln!(e, "{}", agentos_blueprint::render_diagnostics(&path, &text, &parsed.diagnostics)).unwrap();
}
