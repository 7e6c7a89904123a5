//! The crate's one error type.

use std::path::PathBuf;

use crate::diagnostic::Diagnostic;

/// Result alias for Blueprint operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Why a Blueprint could not be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The document has at least one error diagnostic; the first one is shown.
    #[error("{}{}", .diagnostics.first().map(ToString::to_string).unwrap_or_default(), more(.diagnostics.len()))]
    Invalid {
        /// The error diagnostics, in document order.
        diagnostics: Vec<Diagnostic>,
    },
    /// A file or folder of the app loader could not be read.
    #[error("cannot read {}: {message}", .path.display())]
    Read {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's reason.
        message: String,
    },
}

fn more(n: usize) -> String {
    match n {
        0 | 1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    }
}
