//! The manifest of a delivered bundle, `OUT/<id>/manifest.json`, and the
//! check of a bundle against it.
//!
//! The manifest names the tool that wrote the bundle, the digest of every
//! input file, and for each report its file, SHA-256, page count and
//! whether it is final, so a customer can prove which documents they
//! accepted. It holds no timestamps: the same input gives the same bytes.
//!
//! ```json
//! {
//!   "manifest": 1,
//!   "tool": { "name": "dossier", "version": "0.1.0", "typst": "0.15.1" },
//!   "engagement": { "id": "ZP-2026-FL-001", "title": "…", "locale": "zh-Hant",
//!                   "document_date": "2026-11-20" },
//!   "input": { "sha256": "…", "files": [ { "path": "engagement.yaml", "sha256": "…", "bytes": 21480 } ] },
//!   "options": { "attach": "comments removed", "format": "pdf" },
//!   "templates": { "service.typ.j2": "…", "locales/zh-Hant.yaml": "…" },
//!   "reports": [ { "key": "startup", "file": "01-startup.pdf", "sha256": "…", "bytes": 181234,
//!                  "pages": 5, "status": "final", "input": "…" } ],
//!   "signed_off": true,
//!   "validation": { "errors": 0, "warnings": 0, "diagnostics": [] }
//! }
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use crate::base::digest::sha256_hex;
use crate::base::report::ReportKey;

/// The manifest's file name inside a bundle.
pub(crate) const MANIFEST_FILE: &str = "manifest.json";

/// Format version of the manifest.
pub(crate) const MANIFEST_VERSION: u32 = 1;

/// What a bundle holds and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Format version; see [`MANIFEST_VERSION`].
    pub manifest: u32,
    /// The tool that wrote the bundle.
    pub tool: Tool,
    /// Which engagement this is.
    pub engagement: EngagementInfo,
    /// The input the reports were rendered from.
    pub input: Input,
    /// The options the reports were rendered with that shape them
    /// (`format`, `attach`, `signer`, `since`, …): with the input, the
    /// templates, the tool and the document date, all a render of the
    /// bundle depends on.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
    /// The template files the reports were made from (`service.typ.j2`,
    /// `locales/zh-Hant.yaml`, …), each with its SHA-256.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub templates: BTreeMap<String, String>,
    /// The reports, in delivery order.
    pub reports: Vec<ReportEntry>,
    /// Whether the acceptance report is final with the customer's sign-off:
    /// such a bundle is not overwritten with different content unless forced.
    pub signed_off: bool,
    /// What validation found in the input.
    pub validation: ValidationSummary,
}

/// The tool that wrote a bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    /// Always `dossier`.
    pub name: String,
    /// dossier's version.
    pub version: String,
    /// The version of the embedded Typst.
    pub typst: String,
}

impl Tool {
    /// This build of dossier.
    pub fn current() -> Self {
        Self {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            typst: crate::pipeline::typeset::typst_version().to_string(),
        }
    }
}

/// Which engagement a bundle belongs to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngagementInfo {
    /// The engagement id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// The reports' locale.
    pub locale: String,
    /// The date printed on the reports (`YYYY-MM-DD`).
    pub document_date: String,
}

/// The input files, each with its digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Input {
    /// The SHA-256 of the file list in `sha256sum` format (`<digest>  <path>`
    /// lines, sorted by path), so that one value stands for all inputs.
    pub sha256: String,
    /// The YAML file and every asset it refers to, relative to the
    /// engagement directory, sorted by path.
    pub files: Vec<FileDigest>,
}

impl Input {
    /// The input made of `files` (path and content), named relative to
    /// `root`. A file given twice counts once.
    pub(crate) fn from_contents<'a>(
        root: &Path,
        files: impl IntoIterator<Item = (&'a Path, &'a [u8])>,
    ) -> Self {
        // A file named without a folder is in the current one.
        let root = match root.as_os_str().is_empty() {
            true => Path::new("."),
            false => root,
        };
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let mut digests: Vec<FileDigest> = files
            .into_iter()
            .map(|(file, bytes)| {
                let real = file.canonicalize().unwrap_or_else(|_| file.to_path_buf());
                let path = real
                    .strip_prefix(&root)
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|_| file.file_name().map(PathBuf::from).unwrap_or_default());
                FileDigest {
                    path: path.to_string_lossy().replace('\\', "/"),
                    sha256: sha256_hex(bytes),
                    bytes: bytes.len() as u64,
                }
            })
            .collect();
        digests.sort_by(|a, b| a.path.cmp(&b.path));
        digests.dedup_by(|a, b| a.path == b.path);
        let listing: String = digests
            .iter()
            .map(|d| format!("{}  {}\n", d.sha256, d.path))
            .collect();
        Self {
            sha256: sha256_hex(listing.as_bytes()),
            files: digests,
        }
    }
}

/// One file and its digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileDigest {
    /// Path relative to the engagement directory, with `/` separators.
    pub path: String,
    /// SHA-256 in lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// One report of the bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportEntry {
    /// Which report.
    pub key: ReportKey,
    /// Its file name inside the bundle.
    pub file: String,
    /// SHA-256 of the file in lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Number of pages.
    pub pages: usize,
    /// Final, or a draft with open gaps.
    pub status: Status,
    /// The input digest it was rendered from (differs from the bundle's
    /// when only some reports were re-rendered with `--only`).
    pub input: String,
}

/// Whether a report is final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Its rules pass.
    Final,
    /// Its rules fail; it carries a watermark and a gaps page.
    Draft,
}

impl Status {
    /// The status of a report that is final or not.
    pub fn of(is_final: bool) -> Self {
        if is_final {
            Status::Final
        } else {
            Status::Draft
        }
    }
}

/// What validation found, as recorded in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidationSummary {
    /// How many errors.
    pub errors: usize,
    /// How many warnings.
    pub warnings: usize,
    /// The diagnostics in the shape of `dossier check --format json`, with
    /// file names relative to the engagement directory.
    pub diagnostics: serde_json::Value,
}

/// Why a manifest could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file could not be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The manifest.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a manifest.
    #[error("{}:{}:{}: not a dossier manifest: {source}", path.display(), source.line(), source.column())]
    Parse {
        /// The manifest.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
}

impl Manifest {
    /// Whether a report of the bundle in `dir` was signed after delivery:
    /// the file the manifest lists, with revisions appended (the
    /// customer's countersignature, added in place). Such a bundle is
    /// signed off, whatever the engagement says.
    pub fn countersigned(&self, dir: &Path) -> bool {
        self.reports.iter().any(|entry| {
            fs::read(dir.join(&entry.file)).is_ok_and(|bytes| {
                sha256_hex(&bytes) != entry.sha256
                    && revision_with_digest(&bytes, &entry.sha256).is_some()
            })
        })
    }

    /// Reads the manifest of the bundle in `dir`; `None` when there is none.
    pub fn read(dir: &Path) -> Result<Option<Self>, ManifestError> {
        let path = dir.join(MANIFEST_FILE);
        let text = match fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(ManifestError::Read { path, source }),
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|source| ManifestError::Parse { path, source })
    }

    /// The manifest as written to disk: pretty JSON with a final newline.
    pub fn to_json(&self) -> Result<String, serde_json::Error> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        Ok(text)
    }

    /// The diagnostics recorded, with their files under `root` (the
    /// engagement directory) again.
    pub fn diagnostics(&self, root: &Path) -> Vec<crate::base::diagnostic::Diagnostic> {
        let mut diagnostics: Vec<crate::base::diagnostic::Diagnostic> =
            serde_json::from_value(self.validation.diagnostics.clone()).unwrap_or_default();
        for d in &mut diagnostics {
            d.file = root.join(&d.file);
        }
        diagnostics
    }

    /// The entry of the report in `file`.
    pub fn report(&self, file: &str) -> Option<&ReportEntry> {
        self.reports.iter().find(|r| r.file == file)
    }
}

/// A file of a bundle that does not match its manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The file, inside the bundle.
    pub file: String,
    /// What is wrong with it.
    pub problem: Problem,
}

/// How a file differs from the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The manifest lists it but it is not there.
    Missing,
    /// Its content is not what the manifest says.
    Altered {
        /// The digest in the manifest.
        expected: String,
        /// The digest of the file.
        actual: String,
    },
    /// A report file the manifest does not list.
    Unlisted,
    /// The file the manifest lists, with revisions appended to it (a
    /// countersignature, say): its first `length` bytes are the file as
    /// delivered. Whether what was appended is allowed is for its
    /// signatures to say.
    Extended {
        /// The length of the file as delivered.
        length: usize,
    },
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.problem {
            Problem::Missing => write!(f, "{}: missing", self.file),
            Problem::Altered { expected, actual } => write!(
                f,
                "{}: altered (manifest says SHA-256 {expected}, file has {actual})",
                self.file
            ),
            Problem::Unlisted => write!(f, "{}: not listed in the manifest", self.file),
            Problem::Extended { length } => write!(
                f,
                "{}: the delivered file (its first {length} bytes) with revisions appended",
                self.file
            ),
        }
    }
}

/// The length of the earlier revision of the PDF `bytes` whose SHA-256 is
/// `digest`: a prefix ending after a `%%EOF` and its end of line.
fn revision_with_digest(bytes: &[u8], digest: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = bytes[from..].windows(5).position(|w| w == b"%%EOF") {
        let mut end = from + at + 5;
        for eol in [b'\r', b'\n'] {
            if bytes.get(end) == Some(&eol) {
                end += 1;
            }
        }
        if end < bytes.len() && sha256_hex(&bytes[..end]) == digest {
            return Some(end);
        }
        from = end;
    }
    None
}

/// Re-hashes the bundle in `dir` and returns the manifest with every file
/// that does not match it (none when the bundle is intact).
pub fn verify(dir: &Path) -> Result<(Manifest, Vec<Mismatch>), ManifestError> {
    let manifest = Manifest::read(dir)?.ok_or_else(|| ManifestError::Read {
        path: dir.join(MANIFEST_FILE),
        source: std::io::Error::new(std::io::ErrorKind::NotFound, "no manifest in this folder"),
    })?;
    let mut mismatches = Vec::new();
    for entry in &manifest.reports {
        let path = dir.join(&entry.file);
        let problem = match fs::read(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Some(Problem::Missing),
            Err(source) => return Err(ManifestError::Read { path, source }),
            Ok(bytes) => {
                let actual = sha256_hex(&bytes);
                if actual == entry.sha256 {
                    None
                } else if let Some(length) = revision_with_digest(&bytes, &entry.sha256) {
                    Some(Problem::Extended { length })
                } else {
                    Some(Problem::Altered {
                        expected: entry.sha256.clone(),
                        actual,
                    })
                }
            }
        };
        if let Some(problem) = problem {
            mismatches.push(Mismatch {
                file: entry.file.clone(),
                problem,
            });
        }
    }
    let listed: BTreeSet<&str> = manifest.reports.iter().map(|r| r.file.as_str()).collect();
    let mut unlisted: Vec<String> = fs::read_dir(dir)
        .map_err(|source| ManifestError::Read {
            path: dir.to_path_buf(),
            source,
        })?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name.ends_with(".pdf") && !listed.contains(name.as_str()))
        .collect();
    unlisted.sort();
    mismatches.extend(unlisted.into_iter().map(|file| Mismatch {
        file,
        problem: Problem::Unlisted,
    }));
    Ok((manifest, mismatches))
}
