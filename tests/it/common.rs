//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use dossier::render::RenderOptions;
use dossier::{RenderedEngagement, Renderer};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The zh-Hant sample engagement directory.
pub fn zh_sample() -> PathBuf {
    root().join("samples/acme-retail")
}

/// The English single-file sample.
pub fn en_sample() -> PathBuf {
    root().join("samples/northwind-logistics.yaml")
}

/// Runs the `dossier` binary with `args`, colour off.
pub fn dossier(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("dossier runs")
}

/// A path as a command-line argument.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// What a command printed, as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Renders `path` into `out` with default options.
pub fn render(path: &Path, out: &Path) -> RenderedEngagement {
    let renderer = Renderer::new(RenderOptions {
        out: out.to_path_buf(),
        ..RenderOptions::default()
    });
    match renderer.render(path) {
        Ok(done) => done,
        Err(err) => panic!("rendering {} failed: {err}", path.display()),
    }
}

/// The text of every page of a PDF, as lopdf extracts it.
pub fn pdf_text(doc: &lopdf::Document) -> String {
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).expect("text extracts")
}

/// `text` without any white space and with typographic quotes made
/// straight, for comparing extracted text with its source.
pub fn squeeze(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !is_default_ignorable(*c))
        .map(|c| match c {
            '‘' | '’' | '′' => '\'',
            '“' | '”' | '″' => '"',
            c => c,
        })
        .collect()
}

/// A copy of the zh-Hant sample directory (YAML and images) in `dir`.
pub fn copy_zh_sample(dir: &Path) -> PathBuf {
    let engagement = dir.join("acme");
    copy_zh_sample_into(&engagement);
    engagement
}

/// Copies the zh-Hant sample directory (YAML and images) into `engagement`.
pub fn copy_zh_sample_into(engagement: &Path) {
    for sub in ["diagrams", "evidence", "brand"] {
        std::fs::create_dir_all(engagement.join(sub)).expect("dir");
        for entry in std::fs::read_dir(zh_sample().join(sub)).expect("sample assets") {
            let entry = entry.expect("entry");
            std::fs::copy(entry.path(), engagement.join(sub).join(entry.file_name()))
                .expect("copy");
        }
    }
    std::fs::copy(
        zh_sample().join("engagement.yaml"),
        engagement.join("engagement.yaml"),
    )
    .expect("copy");
}

/// Writes `yaml` as a single-file engagement in a fresh temporary directory.
pub fn engagement_file(yaml: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("engagement.yaml");
    std::fs::write(&path, yaml).expect("write fixture");
    (dir, path)
}

/// The English sample's text with `from` replaced by `to` (exactly once).
pub fn en_sample_with(from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(en_sample()).expect("sample");
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` must occur once in the sample"
    );
    text.replace(from, to)
}

/// Unicode's default-ignorable code points, which text shaping drops.
fn is_default_ignorable(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF)
}
