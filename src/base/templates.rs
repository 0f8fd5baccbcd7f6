//! The built-in templates, embedded in the binary.
//!
//! `*.typ.j2` files are minijinja templates that emit Typst; `style.typ` is
//! a plain Typst module they import, which imports `theme.typ` and
//! `cover.typ`; `locales/*.yaml` are label catalogues.

use std::path::{Path, PathBuf};

/// Every built-in template file: its name and its text.
pub(crate) const BUILTIN: &[(&str, &str)] = &[
    ("style.typ", include_str!("../../templates/style.typ")),
    ("theme.typ", include_str!("../../templates/theme.typ")),
    ("cover.typ", include_str!("../../templates/cover.typ")),
    (
        "macros.typ.j2",
        include_str!("../../templates/macros.typ.j2"),
    ),
    (
        "startup.typ.j2",
        include_str!("../../templates/startup.typ.j2"),
    ),
    ("plan.typ.j2", include_str!("../../templates/plan.typ.j2")),
    (
        "survey.typ.j2",
        include_str!("../../templates/survey.typ.j2"),
    ),
    (
        "service.typ.j2",
        include_str!("../../templates/service.typ.j2"),
    ),
    (
        "acceptance.typ.j2",
        include_str!("../../templates/acceptance.typ.j2"),
    ),
    (
        "locales/zh-Hant.yaml",
        include_str!("../../templates/locales/zh-Hant.yaml"),
    ),
    (
        "locales/zh-Hans.yaml",
        include_str!("../../templates/locales/zh-Hans.yaml"),
    ),
    (
        "locales/en.yaml",
        include_str!("../../templates/locales/en.yaml"),
    ),
];

/// The built-in text of the template `name`.
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

/// Writes every built-in template file into `dir` (creating it and its
/// `locales/` folder), for customising with `render --templates DIR`.
/// Existing files are kept unless `force`; returns the files written.
pub fn export(dir: &Path, force: bool) -> Result<Vec<PathBuf>, ExportError> {
    let existing: Vec<PathBuf> = BUILTIN
        .iter()
        .map(|(name, _)| dir.join(name))
        .filter(|path| path.exists())
        .collect();
    if !force && !existing.is_empty() {
        return Err(ExportError::Exists(existing));
    }
    let mut written = Vec::new();
    for (name, text) in BUILTIN {
        let path = dir.join(name);
        let io = |source| ExportError::Io {
            path: path.clone(),
            source,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        crate::base::atomic::write_atomic(&path, text.as_bytes()).map_err(io)?;
        written.push(path);
    }
    Ok(written)
}

/// Why the templates could not be exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Files that would be overwritten.
    #[error(
        "{} already exist; pass --force to overwrite them",
        .0.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    Exists(Vec<PathBuf>),
    /// Writing failed.
    #[error("cannot write {}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}
