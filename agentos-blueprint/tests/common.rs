//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

/// Tools the corpus apps may call.
pub const TOOLS: &[&str] = &[
    "ui.set",
    "ui.get",
    "ui.append",
    "ui.clear",
    "ui.compute",
    "ui.toggle",
    "ui.backspace",
    "storage.get",
    "storage.set",
    "storage.list",
    "storage.remove",
    "notes.create",
    "notes.save",
    "notes.list",
    "hub.load_apps",
    "analysis.refresh",
    "analysis.start_auto_refresh",
    "system.info",
    "system.time",
    "browser.back",
    "browser.forward",
    "browser.refresh",
    "browser.navigate",
];

/// True for the corpus's tool catalogue (plus every `filesystem.*` and `math.*` tool).
pub fn known_tool(tool: &str) -> bool {
    TOOLS.contains(&tool) || tool.starts_with("filesystem.") || tool.starts_with("math.")
}

/// The corpus files of one folder (`ok`, `err`, `stream`), sorted.
pub fn corpus(folder: &str) -> Vec<(String, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("test_data")
        .join(folder);
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .map(|path| {
            (
                path.file_stem().unwrap().to_string_lossy().into_owned(),
                path,
            )
        })
        .collect();
    files.sort();
    files
}

/// Splits text into chunks of `n` characters (so multi-byte characters stay whole).
pub fn chunks(text: &str, n: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(n.max(1)).map(|c| c.iter().collect()).collect()
}
