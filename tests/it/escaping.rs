//! User text can never become Typst markup or code.

use proptest::prelude::*;

use dossier::pipeline::fill::{escape, markdown};
use dossier::pipeline::typeset::{ReportWorld, compile};

use crate::common::{en_sample_with, engagement_file, pdf_text, render, squeeze};

/// Typst source that shows `body` on a page, for compiling snippets.
fn page(body: &str) -> String {
    format!(
        "#set text(font: (\"Noto Sans\", \"Noto Sans CJK SC\"), fallback: false)\n#show raw: set text(font: \"Noto Sans Mono CJK SC\")\n{body}\n"
    )
}

/// The text Typst laid out, in reading order.
fn laid_out_text(source: String) -> Result<String, String> {
    let world = ReportWorld::new(source, String::new(), Default::default());
    let typeset = compile(&world, "test").map_err(|e| e.to_string())?;
    let mut text = String::new();
    for page in typeset.document.pages() {
        collect(&page.frame, &mut text);
    }
    Ok(text)
}

fn collect(frame: &typst::layout::Frame, out: &mut String) {
    for (_, item) in frame.items() {
        match item {
            typst::layout::FrameItem::Group(group) => collect(&group.frame, out),
            typst::layout::FrameItem::Text(text) => out.push_str(&text.text),
            _ => {}
        }
    }
}

#[test]
fn hostile_values_appear_literally_in_the_pdf() {
    let yaml = en_sample_with(
        "  title: Northwind Tracking Platform End-to-End Expert Service",
        "  title: '#import \"/etc/passwd\" *[$x$]* <label> @ref `code` \\ = - + // x'",
    );
    let yaml = yaml.replace(
        "    title: Long import transactions block tracking reads",
        "    title: \"#set page(width: 1cm) ]) #panic(\\\"boom\\\")\"",
    );
    let (dir, path) = engagement_file(&yaml);
    let out = dir.path().join("out");
    let done = render(&path, &out);
    let service = &done.reports[3].file;
    let doc = lopdf::Document::load(service).expect("pdf loads");
    let text = squeeze(&pdf_text(&doc));
    assert!(
        text.contains(&squeeze(
            "#import \"/etc/passwd\" *[$x$]* <label> @ref `code` \\ = - + // x"
        )),
        "{text}"
    );
    assert!(
        text.contains(&squeeze("#set page(width: 1cm) ]) #panic(\"boom\")")),
        "{text}"
    );
    // The page size did not change: A4 everywhere.
    for (_, page) in doc.get_pages() {
        let media = doc
            .get_object(page)
            .and_then(|p| p.as_dict().cloned())
            .expect("page dict");
        let bbox = media
            .get(b"MediaBox")
            .and_then(|b| b.as_array().cloned())
            .expect("media box");
        let width = bbox[2].as_float().expect("width");
        assert!((width - 595.0).abs() < 1.0, "page width {width}");
    }
}

#[test]
fn markup_escape_round_trips_a_nasty_string() {
    let nasty =
        "#import \"/etc/passwd\" *[$x$]* _u_ <a> @b `c` \\ ~ 'q' https://x.y // c /* d */ 1. = h";
    let text = laid_out_text(page(&escape::markup(nasty))).expect("compiles");
    assert_eq!(squeeze(&text), squeeze(nasty));
}

#[test]
fn markdown_code_block_is_shown_not_run() {
    let md = "# Heading\n\n**bold** and a [link](https://example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```typst\n#set page(width: 1cm)\n```\n\n<script>alert(1)</script>\n";
    let text = laid_out_text(page(&markdown::to_typst(md, 0))).expect("compiles");
    let text = squeeze(&text);
    assert!(text.contains("#setpage(width:1cm)"), "{text}");
    assert!(text.contains("<script>alert(1)</script>"), "{text}");
    assert!(text.contains("(https://example.com)"), "{text}");
}

#[test]
fn link_text_after_emphasis_stays_text() {
    // A bracket right after `#emph[…]` must not become its argument.
    let md = "*~*<a@a> and *b*[c](ftp://d) and ![e](f.png)";
    let text = laid_out_text(page(&markdown::to_typst(md, 0))).expect("compiles");
    let text = squeeze(&text);
    assert!(text.contains("~[a@a]"), "{text}");
    assert!(text.contains("b[c](ftp://d)"), "{text}");
    assert!(text.contains("[e](f.png)"), "{text}");
}

/// `text` without combining marks. A mark is shaped into its letter's
/// cluster, and Noto Sans may draw the cluster as glyphs Typst lays out as
/// two text items that each carry the cluster's text (`ῐ︠` reads twice
/// from the frames). That is layout, not escaping, which never separates a
/// mark from its letter (the escape module's own tests).
fn drawable(text: &str) -> String {
    use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};
    text.chars()
        .filter(|c| c.general_category_group() != GeneralCategoryGroup::Mark)
        .collect()
}

/// Whether `c` belongs to a right-to-left script (Hebrew, Arabic, Syriac,
/// Thaana, N'Ko and their neighbours, and the historic RTL scripts of the
/// supplementary planes).
fn right_to_left(c: char) -> bool {
    matches!(u32::from(c), 0x0590..=0x08FF | 0xFB1D..=0xFDFF | 0xFE70..=0xFEFF | 0x10800..=0x10FFF | 0x1E800..=0x1EFFF)
}

/// `text` as a comparison of escaped and laid-out text can use: as it is,
/// or, where it mixes in right-to-left letters, its characters sorted. The
/// frames hold text in visual order, which the bidirectional algorithm
/// rearranges around right-to-left runs; escaping keeps every character,
/// and that is what is compared then.
fn comparable(text: &str) -> String {
    if text.chars().any(right_to_left) {
        let mut chars: Vec<char> = text.chars().collect();
        chars.sort_unstable();
        chars.into_iter().collect()
    } else {
        text.to_string()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_string_survives_markup_escaping(s in "\\PC{0,40}".prop_map(|s| drawable(&s))) {
        let source = page(&format!("#box[{}]", escape::markup(&s)));
        let text = laid_out_text(source).map_err(TestCaseError::fail)?;
        let expected: String = s.chars().filter(|c| !c.is_control()).collect();
        prop_assert_eq!(comparable(&squeeze(&text)), comparable(&squeeze(&expected)));
    }

    #[test]
    fn any_string_survives_as_a_string_literal(s in "\\PC{0,40}".prop_map(|s| drawable(&s))) {
        let source = page(&format!("#box({})", escape::string(&s)));
        let text = laid_out_text(source).map_err(TestCaseError::fail)?;
        prop_assert_eq!(comparable(&squeeze(&text)), comparable(&squeeze(&s)));
    }

    #[test]
    fn any_markdown_compiles(s in "[#*_`\\[\\]()<>!|\\-+=~$@\\\\a-z0-9 \n]{0,80}") {
        let source = page(&markdown::to_typst(&s, 1));
        laid_out_text(source).map_err(TestCaseError::fail)?;
    }
}
