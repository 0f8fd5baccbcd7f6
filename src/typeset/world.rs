//! The Typst world of one report: in-memory sources, shipped fonts, and
//! files only from inside the engagement directory.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use super::fonts::fonts;

/// The id of the generated report source. One fixed id for every document:
/// Typst's file-id interner never frees and is capped at 2^16 ids.
pub static MAIN: LazyLock<FileId> = LazyLock::new(|| project_file("/main.typ"));

/// The id of the shared style module.
pub static STYLE: LazyLock<FileId> = LazyLock::new(|| project_file("/style.typ"));

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
    root: Option<PathBuf>,
}

impl ReportWorld {
    /// A world with the generated `main` source, the `style` module, and
    /// read access to files inside `root` (the engagement directory).
    pub fn new(main: String, style: String, root: Option<&Path>) -> Self {
        Self {
            main: Source::new(*MAIN, main),
            style: Source::new(*STYLE, style),
            root: root.and_then(|r| r.canonicalize().ok()),
        }
    }

    /// The generated main source.
    pub fn main_source(&self) -> &Source {
        &self.main
    }

    /// Reads a file inside the engagement directory; anything that resolves
    /// outside it (through `..` or a symbolic link) is refused.
    fn asset(&self, id: FileId) -> FileResult<Bytes> {
        let root = self.root.as_deref().ok_or(FileError::AccessDenied)?;
        if !matches!(id.root(), VirtualRoot::Project) {
            return Err(FileError::AccessDenied);
        }
        let relative = id.vpath().get_without_slash();
        let path = root.join(relative);
        let real = path
            .canonicalize()
            .map_err(|e| FileError::from_io(e, &path))?;
        if !real.starts_with(root) {
            return Err(FileError::AccessDenied);
        }
        if real.is_dir() {
            return Err(FileError::IsDirectory);
        }
        std::fs::read(&real)
            .map(Bytes::new)
            .map_err(|e| FileError::from_io(e, &path))
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
            Err(FileError::NotSource)
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
