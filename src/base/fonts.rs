//! The shipped fonts: parsed once per process, shared by every document.

use std::sync::LazyLock;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;

/// Noto Sans CJK Regular: every face of the collection (JP, KR, SC, TC, HK and Mono).
static REGULAR: &[u8] = include_bytes!("../../fonts/NotoSansCJK-Regular.ttc");
/// Noto Sans CJK Bold.
static BOLD: &[u8] = include_bytes!("../../fonts/NotoSansCJK-Bold.ttc");
/// Noto Sans, the Latin face: English text, and Latin runs inside Chinese text.
static LATIN: [&[u8]; 4] = [
    include_bytes!("../../fonts/NotoSans-Regular.ttf"),
    include_bytes!("../../fonts/NotoSans-Bold.ttf"),
    include_bytes!("../../fonts/NotoSans-Italic.ttf"),
    include_bytes!("../../fonts/NotoSans-BoldItalic.ttf"),
];

/// The fonts Typst may use, and their book.
pub struct FontSet {
    /// Metadata of every face, for font selection.
    pub book: LazyHash<FontBook>,
    /// The faces, in book order.
    pub fonts: Vec<Font>,
}

impl FontSet {
    fn load() -> Self {
        let fonts: Vec<Font> = [REGULAR, BOLD]
            .into_iter()
            .chain(LATIN)
            .flat_map(|data| Font::iter(Bytes::new(data)))
            .collect();
        let book = LazyHash::new(FontBook::from_fonts(&fonts));
        Self { book, fonts }
    }

    /// Whether some shipped face has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.fonts
            .iter()
            .any(|f| f.info().coverage.contains(c as u32))
    }
}

/// The process-wide font set, parsed on first use.
pub fn fonts() -> &'static FontSet {
    static FONTS: LazyLock<FontSet> = LazyLock::new(FontSet::load);
    &FONTS
}
