//! Finding the previous version: an engagement file or directory, a git
//! revision of the engagement's own file, or the engagement a (final or
//! draft) acceptance report carries as an attachment.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use crate::pipeline::load::{self, LoadError, Loaded, MAX_FILE_BYTES};

/// Where the previous version is, as given to `--since`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaseSpec {
    /// A YAML file, an engagement directory, or a PDF carrying the
    /// engagement.
    Path(PathBuf),
    /// A git revision (`git:v1.0`, `git:HEAD~1`) of each engagement's own
    /// file.
    Git(String),
}

impl FromStr for BaseSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.strip_prefix("git:") {
            Some("") => Err("`git:` needs a revision, e.g. `git:v1.0` or `git:HEAD~1`".into()),
            Some(rev) if rev.starts_with('-') => Err(format!("`{rev}` is not a git revision")),
            Some(rev) => Ok(BaseSpec::Git(rev.to_string())),
            None if s.is_empty() => {
                Err("name a previous version: a file, a directory, a PDF or git:REV".into())
            }
            None => Ok(BaseSpec::Path(PathBuf::from(s))),
        }
    }
}

impl std::fmt::Display for BaseSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BaseSpec::Path(path) => write!(f, "{}", path.display()),
            BaseSpec::Git(rev) => write!(f, "git:{rev}"),
        }
    }
}

/// Why the previous version could not be read.
#[derive(Debug, Clone, thiserror::Error)]
pub enum BaseError {
    /// The previous version's YAML is not an engagement.
    #[error("previous version: {0}")]
    Load(#[from] LoadError),
    /// A file could not be read.
    #[error("{}: cannot read the previous version: {message}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The PDF carries no engagement.
    #[error("{}: carries no engagement file; only acceptance reports rendered without --no-attach carry theirs", path.display())]
    NotAttached {
        /// The PDF.
        path: PathBuf,
    },
    /// git could not show the revision.
    #[error("{}: git cannot show it at {rev}: {message}", file.display())]
    Git {
        /// The engagement file.
        file: PathBuf,
        /// The revision.
        rev: String,
        /// What git said.
        message: String,
    },
    /// The previous version is another engagement.
    #[error("the previous version {label} is engagement {base}, not {id}")]
    OtherEngagement {
        /// Where the previous version came from.
        label: String,
        /// Its id.
        base: String,
        /// This engagement's id.
        id: String,
    },
}

/// Reads the previous version of the engagement whose file is `file` and
/// id `id`; returns it with a label saying where it came from.
pub fn resolve(spec: &BaseSpec, file: &Path, id: &str) -> Result<(Loaded, String), BaseError> {
    let (loaded, label) = match spec {
        BaseSpec::Path(path) if is_pdf(path) => (from_pdf(path)?, path.display().to_string()),
        BaseSpec::Path(path) => (load::load(path)?, path.display().to_string()),
        BaseSpec::Git(rev) => (from_git(rev, file)?, format!("git:{rev}")),
    };
    let base = &loaded.engagement.engagement.id.value;
    if base != id {
        return Err(BaseError::OtherEngagement {
            label,
            base: base.clone(),
            id: id.to_string(),
        });
    }
    Ok((loaded, label))
}

/// Whether `path` names a PDF (by its extension).
pub fn is_pdf(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
}

/// The engagement file an acceptance report carries: the YAML attachment
/// that holds an engagement.
fn from_pdf(path: &Path) -> Result<Loaded, BaseError> {
    let read = |message: String| BaseError::Read {
        path: path.to_path_buf(),
        message,
    };
    let bytes = std::fs::read(path).map_err(|e| read(e.to_string()))?;
    let attachments = crate::pipeline::load::attached::attachments(&bytes).map_err(read)?;
    // The engagement and its images as the report carries them: the
    // previous version is compared with the files it was made from.
    let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut loaded =
        load::from_attachments(&root, attachments).ok_or_else(|| BaseError::NotAttached {
            path: path.to_path_buf(),
        })??;
    loaded.file = PathBuf::from(format!("{}#{}", path.display(), loaded.name()));
    Ok(loaded)
}

/// The engagement file as committed at `rev`, by the `git` command run in
/// the file's directory.
fn from_git(rev: &str, file: &Path) -> Result<Loaded, BaseError> {
    let fail = |message: String| BaseError::Git {
        file: file.to_path_buf(),
        rev: rev.to_string(),
        message,
    };
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = file
        .file_name()
        .ok_or_else(|| fail("not a file".into()))?
        .to_string_lossy();
    let bytes = git_show(dir, rev, &name).map_err(fail)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(fail(format!(
            "the file there is larger than {MAX_FILE_BYTES} bytes"
        )));
    }
    let label = PathBuf::from(format!("{}@{rev}", file.display()));
    let mut loaded = load::from_bytes(label, dir.to_path_buf(), bytes)?;
    // Its images as committed at `rev` too; one not committed is absent.
    let mut files = std::collections::BTreeMap::new();
    for image in crate::pipeline::load::assets::paths(&loaded) {
        let name = crate::pipeline::load::assets::typst_path(&image.value)[1..].to_string();
        if let Ok(bytes) = git_show(dir, rev, &name) {
            files.insert(name, bytes);
        }
    }
    loaded.files = Some(std::sync::Arc::new(files));
    Ok(loaded)
}

/// The bytes of `name` (relative to `dir`) at `rev`, or what git said.
fn git_show(dir: &Path, rev: &str, name: &str) -> Result<Vec<u8>, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["show", "--no-textconv", "--end-of-options"])
        .arg(format!("{rev}:./{name}"))
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        let said = String::from_utf8_lossy(&output.stderr);
        return Err(said.trim().lines().next().unwrap_or("failed").to_string());
    }
    Ok(output.stdout)
}
