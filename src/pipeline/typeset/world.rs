//! The Typst world of one report: in-memory sources, shipped fonts, and the
//! engagement's checked images, read into memory beforehand. Typst reads
//! nothing from disk.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::base::fonts::fonts;
use crate::pipeline::load::assets::Assets;

/// The id of the generated report source. One fixed id for every document:
/// Typst's file-id interner never frees and is capped at 2^16 ids.
pub(crate) static MAIN: LazyLock<FileId> = LazyLock::new(|| project_file("/main.typ"));

/// The id of the shared style module.
pub(crate) static STYLE: LazyLock<FileId> = LazyLock::new(|| project_file("/style.typ"));

fn project_file(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).unwrap_or_else(|_| unreachable!("constant path is valid"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

fn library() -> &'static LazyHash<Library> {
    static LIBRARY: LazyLock<LazyHash<Library>> =
        LazyLock::new(|| LazyHash::new(Library::default()));
    &LIBRARY
}

/// What Typst sees while compiling one report.
pub struct ReportWorld {
    main: Source,
    style: Source,
    files: Files,
    /// The Typst modules among `files` (the style module's imports), parsed.
    modules: Vec<Source>,
}

/// Files a report may read, by absolute Typst path (`/diagrams/a.svg`).
pub type Files = Arc<BTreeMap<String, Bytes>>;

/// The files of `assets` and the Typst `modules` the style module imports
/// (name and text), as a report's world serves them.
pub fn files(assets: &Assets, modules: &[(&str, String)]) -> Files {
    Arc::new(
        assets
            .iter()
            .map(|(path, asset)| (path.to_string(), Bytes::new(asset.bytes.clone())))
            .chain(
                modules
                    .iter()
                    .map(|(name, text)| (format!("/{name}"), Bytes::from_string(text.clone()))),
            )
            .collect(),
    )
}

/// The files under `dir` but the reports' sources and the style module, as
/// a world serves them: what a folder written by `render --format typ`
/// holds beside its sources (images, and the modules the style imports).
pub fn files_in(dir: &std::path::Path) -> std::io::Result<Files> {
    let mut files = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(std::io::Error::other)?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy();
        let report = name.ends_with(".typ") && name.starts_with(|c: char| c.is_ascii_digit());
        if entry.file_type().is_file() && !report && name != "style.typ" {
            let relative = path.strip_prefix(dir).unwrap_or(path);
            let key = format!("/{}", relative.to_string_lossy().replace('\\', "/"));
            files.insert(key, Bytes::new(std::fs::read(path)?));
        }
    }
    Ok(Arc::new(files))
}

impl ReportWorld {
    /// A world with the generated `main` source, the `style` module, and
    /// `files`: the engagement's checked images, read beforehand. Nothing
    /// else can be read.
    pub fn new(main: String, style: String, files: Files) -> Self {
        let modules = files
            .iter()
            .filter(|(path, _)| path.ends_with(".typ"))
            .filter_map(|(path, bytes)| {
                let text = std::str::from_utf8(bytes).ok()?;
                let vpath = VirtualPath::new(path.as_str()).ok()?;
                let id = RootedPath::new(VirtualRoot::Project, vpath).intern();
                Some(Source::new(id, text.to_string()))
            })
            .collect();
        Self {
            main: Source::new(*MAIN, main),
            style: Source::new(*STYLE, style),
            files,
            modules,
        }
    }

    /// One of the checked images; anything else is refused.
    fn asset(&self, id: FileId) -> FileResult<Bytes> {
        if !matches!(id.root(), VirtualRoot::Project) {
            return Err(FileError::AccessDenied);
        }
        let path = format!("/{}", id.vpath().get_without_slash());
        self.files
            .get(&path)
            .cloned()
            .ok_or(FileError::AccessDenied)
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        library()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &fonts().book
    }

    fn main(&self) -> FileId {
        *MAIN
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == *MAIN {
            Ok(self.main.clone())
        } else if id == *STYLE {
            Ok(self.style.clone())
        } else {
            self.modules
                .iter()
                .find(|m| m.id() == id)
                .cloned()
                .ok_or(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == *MAIN {
            Ok(Bytes::from_string(self.main.text().to_string()))
        } else if id == *STYLE {
            Ok(Bytes::from_string(self.style.text().to_string()))
        } else {
            self.asset(id)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        fonts().fonts.get(index).cloned()
    }

    /// No clock: a report's date comes from its data.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
