//! Loading a folder of apps (`apps/<category>/<name>.bp`): every file is parsed and one bad
//! file never stops the others.

use std::path::{Path, PathBuf};

use crate::{
    catalog::ToolCatalog,
    error::{Error, Result},
    parse::{Limits, Parsed, parse_with_limits},
};

/// One `.bp` file found by [`load_dir`].
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedApp {
    /// The file.
    pub path: PathBuf,
    /// The folder it sits in below the root (`productivity` for `apps/productivity/notes.bp`);
    /// empty for files directly in the root.
    pub category: String,
    /// The file's text, or why it could not be read.
    pub source: Result<String>,
    /// The parse result; for an unreadable file, an empty Blueprint and no diagnostics.
    pub parsed: Parsed,
}

/// Parses every `.bp` file below `root` (recursively, in path order). When the app names no
/// category, the folder's name is used.
///
/// # Errors
/// [`Error::Read`] only when `root` itself cannot be listed; unreadable files and
/// sub-folders are reported in their [`LoadedApp::source`] entry.
pub fn load_dir(root: &Path, tools: Option<&dyn ToolCatalog>) -> Result<Vec<LoadedApp>> {
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    collect(root, &mut files, &mut unreadable).map_err(|err| Error::Read {
        path: root.to_owned(),
        message: err.to_string(),
    })?;
    files.sort();
    let mut apps: Vec<LoadedApp> = unreadable;
    for path in files {
        let category = path
            .parent()
            .and_then(|parent| parent.strip_prefix(root).ok())
            .map(|rel| rel.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let mut parsed = parse_with_limits(&text, Limits::default(), tools);
                if parsed.blueprint.app.category.is_empty() {
                    parsed.blueprint.app.category = category.clone();
                }
                apps.push(LoadedApp {
                    path,
                    category,
                    source: Ok(text),
                    parsed,
                });
            }
            Err(err) => apps.push(unreadable_app(path, category, &err)),
        }
    }
    apps.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(apps)
}

fn unreadable_app(path: PathBuf, category: String, err: &std::io::Error) -> LoadedApp {
    LoadedApp {
        source: Err(Error::Read {
            path: path.clone(),
            message: err.to_string(),
        }),
        path,
        category,
        parsed: Parsed {
            blueprint: Default::default(),
            diagnostics: Vec::new(),
        },
    }
}

fn collect(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    unreadable: &mut Vec<LoadedApp>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let file_type = entry.file_type()?;
        if file_type.is_dir() {
            if let Err(err) = collect(&path, files, unreadable) {
                unreadable.push(unreadable_app(path, String::new(), &err));
            }
        } else if path.extension().is_some_and(|ext| ext == "bp") {
            files.push(path);
        }
    }
    Ok(())
}
