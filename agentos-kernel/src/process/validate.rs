//! Checks on what a spawn asks for: the program name (shell metacharacters, traversal),
//! arguments and environment (no NUL), and the working directory (inside an allowed path).

use std::path::{Component, Path, PathBuf};

use crate::{error::Error, process::spec::SpawnSpec};

/// Characters that never appear in a program name (the reference's executor blocklist).
pub const FORBIDDEN_PROGRAM_CHARS: &[char] = &[
    ';', '|', '&', '\n', '\r', '\0', '`', '$', '(', ')', '<', '>',
];

/// Folders searched for a bare program name, in order.
pub const PROGRAM_SEARCH_PATH: &[&str] =
    &["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"];

/// Checks `program` and returns the absolute path to execute.
///
/// # Errors
/// `InvalidProgram` when it is empty, holds a shell metacharacter, a `..` component, is a
/// relative path with a `/`, or is a bare name found in none of [`PROGRAM_SEARCH_PATH`].
pub fn resolve_program(program: &str) -> Result<PathBuf, Error> {
    let invalid = |reason| Error::InvalidProgram {
        program: program.to_owned(),
        reason,
    };
    if program.trim().is_empty() {
        return Err(invalid("empty command"));
    }
    if program.contains(FORBIDDEN_PROGRAM_CHARS) {
        return Err(invalid("contains shell metacharacters"));
    }
    if program.contains("..") {
        return Err(invalid("contains path traversal"));
    }
    let path = Path::new(program);
    if program.contains('/') {
        if !path.is_absolute() {
            return Err(invalid("a path must be absolute"));
        }
        if path
            .components()
            .any(|c| matches!(c, Component::ParentDir | Component::CurDir))
        {
            return Err(invalid("contains path traversal"));
        }
        return Ok(path.to_path_buf());
    }
    PROGRAM_SEARCH_PATH
        .iter()
        .map(|dir| Path::new(dir).join(program))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| invalid("not found in the program search path"))
}

/// With Landlock requested, the program must lie beneath an allowed path, or its exec would
/// fail with a bare "permission denied"; this says why instead.
///
/// # Errors
/// `InvalidProgram` naming the rule.
pub(crate) fn check_program_reachable(program: &Path, spec: &SpawnSpec) -> Result<(), Error> {
    if !spec.layers.landlock {
        return Ok(());
    }
    let real = program
        .canonicalize()
        .unwrap_or_else(|_| program.to_path_buf());
    let reachable = spec
        .allowed_read
        .iter()
        .chain(&spec.allowed_write)
        .any(|root| {
            let root = root.canonicalize().unwrap_or_else(|_| root.clone());
            real.starts_with(root)
        });
    if reachable {
        Ok(())
    } else {
        Err(Error::InvalidProgram {
            program: program.display().to_string(),
            reason: "outside the allowed read paths, so Landlock would refuse to execute it",
        })
    }
}

/// Checks arguments and environment for NUL bytes and `=` in variable names.
///
/// # Errors
/// `InvalidArgument` naming the argument index or variable.
pub(crate) fn check_args_and_env(spec: &SpawnSpec) -> Result<(), Error> {
    if let Some(index) = spec.args.iter().position(|arg| arg.contains('\0')) {
        return Err(Error::InvalidArgument(format!(
            "argument {index} contains a NUL byte"
        )));
    }
    for (key, value) in &spec.env {
        if key.is_empty() || key.contains(['=', '\0']) {
            return Err(Error::InvalidArgument(format!(
                "environment variable name {key:?} is invalid"
            )));
        }
        if value.contains('\0') {
            return Err(Error::InvalidArgument(format!(
                "environment variable {key} contains a NUL byte"
            )));
        }
    }
    Ok(())
}

/// The working directory for the child: the spec's, which must lie beneath an allowed path,
/// else the first writable folder, else `/`.
///
/// # Errors
/// `InvalidArgument` when the requested directory is relative, holds `..`, or lies outside
/// every allowed path.
pub(crate) fn working_directory(spec: &SpawnSpec) -> Result<PathBuf, Error> {
    let Some(cwd) = &spec.cwd else {
        return Ok(spec
            .allowed_write
            .iter()
            .find(|path| path.is_dir())
            .cloned()
            .unwrap_or_else(|| PathBuf::from("/")));
    };
    if !cwd.is_absolute() || cwd.components().any(|c| matches!(c, Component::ParentDir)) {
        return Err(Error::InvalidArgument(format!(
            "working directory {} must be absolute without ..",
            cwd.display()
        )));
    }
    let real = cwd.canonicalize().unwrap_or_else(|_| cwd.clone());
    let allowed = spec
        .allowed_read
        .iter()
        .chain(&spec.allowed_write)
        .any(|root| {
            let root = root.canonicalize().unwrap_or_else(|_| root.clone());
            real.starts_with(root)
        });
    if allowed {
        Ok(real)
    } else {
        Err(Error::InvalidArgument(format!(
            "working directory {} is outside the allowed paths",
            cwd.display()
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rejects_metacharacters_and_traversal() {
        for bad in [
            "echo; cat /etc/passwd",
            "a|b",
            "a&b",
            "$(x)",
            "`x`",
            "a\nb",
            "",
            "  ",
        ] {
            assert!(
                matches!(resolve_program(bad), Err(Error::InvalidProgram { .. })),
                "{bad:?}"
            );
        }
        let err = resolve_program("/bin/../bin/sh").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid program \"/bin/../bin/sh\": contains path traversal"
        );
        assert!(resolve_program("bin/sh").is_err());
    }

    #[test]
    fn resolves_bare_names_to_absolute_paths() {
        let path = resolve_program("true").unwrap();
        assert!(path.is_absolute() && path.ends_with("true"));
        assert_eq!(
            resolve_program("/bin/true").unwrap(),
            PathBuf::from("/bin/true")
        );
        assert!(resolve_program("no-such-program-agentos").is_err());
    }

    #[test]
    fn program_must_be_reachable_under_landlock() {
        let mut spec = SpawnSpec::new("/bin/true", [""; 0]);
        let program = resolve_program("/bin/true").unwrap();
        assert!(check_program_reachable(&program, &spec).is_err());
        spec.allowed_read = vec!["/usr".into(), "/bin".into()];
        check_program_reachable(&program, &spec).unwrap();
        spec.allowed_read.clear();
        spec.layers.landlock = false;
        check_program_reachable(&program, &spec).unwrap();
    }

    #[test]
    fn cwd_must_be_inside_allowed_paths() {
        let dir = tempfile::tempdir().unwrap();
        let mut spec = SpawnSpec::new("/bin/true", [""; 0]);
        spec.allowed_write = vec![dir.path().to_path_buf()];
        assert_eq!(working_directory(&spec).unwrap(), dir.path());
        spec.cwd = Some("/etc".into());
        assert!(working_directory(&spec).is_err());
        spec.cwd = Some(dir.path().join(".."));
        assert!(working_directory(&spec).is_err());
    }

    proptest! {
        /// Whatever `..`, `.` and names a requested working directory holds, the one chosen is
        /// either refused or inside an allowed folder.
        #[test]
        fn cwd_never_escapes_the_allowed_paths(parts in proptest::collection::vec("(\\.\\.|\\.|a|b|tmp|etc)", 0..8)) {
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
            let mut spec = SpawnSpec::new("/bin/true", [""; 0]);
            spec.allowed_write = vec![dir.path().to_path_buf()];
            spec.cwd = Some(dir.path().join(parts.join("/")));
            if let Ok(cwd) = working_directory(&spec) {
                prop_assert!(cwd.starts_with(dir.path().canonicalize().unwrap()), "{}", cwd.display());
            }
        }

        #[test]
        fn names_with_a_forbidden_char_never_resolve(prefix in "[a-z/]{0,8}", c in proptest::sample::select(FORBIDDEN_PROGRAM_CHARS), suffix in "[a-z]{0,8}") {
            let program = format!("{prefix}{c}{suffix}");
            prop_assert!(resolve_program(&program).is_err());
        }
    }
}
