//! What a reader copies, searches or hears from a screen reader is the
//! data, character for character: the break opportunities long tokens need
//! put nothing into the PDF's text. Judged by poppler's `pdftotext`, which
//! we did not write.

use std::path::{Path, PathBuf};

use crate::common::{
    en_sample, en_sample_with, engagement_file, poppler_text, render, root, zh_sample,
};

/// Characters the layout may use and the text layer must not carry: zero
/// width space, non-joiner, joiner, word joiner, soft hyphen, and the zero
/// width no-break space.
const FORMAT: [char; 6] = [
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{00AD}', '\u{FEFF}',
];

/// Every PDF of the engagement at `path`, rendered into `out`.
fn rendered(path: &Path, out: &Path) -> Vec<PathBuf> {
    render(path, out)
        .reports
        .into_iter()
        .map(|r| r.file)
        .collect()
}

#[test]
#[cfg_attr(not(tool_pdftotext), ignore = "needs pdftotext")]
fn no_page_of_any_sample_carries_a_format_character() {
    let dir = tempfile::tempdir().expect("temp dir");
    let samples = [
        zh_sample(),
        en_sample(),
        root().join("samples/youxianhui-retail.yaml"),
    ];
    for (k, sample) in samples.iter().enumerate() {
        for pdf in rendered(sample, &dir.path().join(k.to_string())) {
            let page = poppler_text(&pdf, &[]);
            for c in FORMAT {
                assert!(
                    !page.contains(c),
                    "{}: U+{:04X} in {page}",
                    pdf.display(),
                    c as u32
                );
            }
        }
    }
}

#[test]
#[cfg_attr(not(tool_pdftotext), ignore = "needs pdftotext")]
fn a_long_unbroken_token_stays_on_the_page_and_copies_back_whole() {
    // 3,000 characters with no break opportunity of their own: letters and
    // digits, and the separators of identifiers and addresses.
    let token: String = (0..300)
        .map(|k| format!("idx_{k:03}.ab@"))
        .collect::<String>()
        .chars()
        .take(3000)
        .collect();
    assert_eq!(token.chars().count(), 3000);
    let yaml = en_sample_with(
        "    description: Queries for recent events scan all 24 monthly partitions.",
        &format!(
            "    description: Queries for recent events scan all 24 monthly partitions. {token}"
        ),
    );
    let (dir, path) = engagement_file(&yaml);
    let service = &rendered(&path, &dir.path().join("out"))[3];

    // Whole, once the line and page ends the layout chose are taken out:
    // the text of the body area, without the running header and footer.
    let (top, bottom) = body_area();
    let (from, height) = (
        format!("{:.0}", top - 6.0),
        format!("{:.0}", 842.0 - bottom - top + 8.0),
    );
    let body = poppler_text(
        service,
        &["-raw", "-x", "0", "-y", &from, "-W", "596", "-H", &height],
    );
    for c in FORMAT {
        assert!(!body.contains(c), "U+{:04X} in the text layer", c as u32);
    }
    let joined: String = body.split(['\n', '\u{c}']).collect();
    assert!(
        joined.contains(&token),
        "the token does not copy back whole"
    );

    // Every word poppler finds lies inside the page's text area.
    let boxes = poppler_text(service, &["-bbox"]);
    let width: f64 = attribute(&boxes, "<page width=\"").expect("page width");
    let margin = 28.0; // 1 cm: the body's side margins are wider.
    let mut words = 0;
    for word in boxes.split("<word ").skip(1) {
        let x_min = attribute(word, "xMin=\"").expect("xMin");
        let x_max = attribute(word, "xMax=\"").expect("xMax");
        assert!(
            x_min >= margin && x_max <= width - margin,
            "a word runs off the page: {}",
            &word[..word.len().min(200)]
        );
        words += 1;
    }
    assert!(words > 100, "{words} words read");
}

/// The top and bottom page margins of the body pages, in points, read
/// from `style.typ`: the running header and footer lie outside them.
fn body_area() -> (f64, f64) {
    let style = std::fs::read_to_string(root().join("templates/style.typ")).expect("style");
    let style = &style[style.find("margin: (x: ").expect("the page margin is set")..];
    let cm = |key: &str| -> f64 {
        let at = style.find(key).expect("margin") + key.len();
        style[at..]
            .split("cm")
            .next()
            .and_then(|n| n.trim().parse::<f64>().ok())
            .expect("a margin in cm")
            * 72.0
            / 2.54
    };
    (cm("top: "), cm("bottom: "))
}

/// The number after `key` in poppler's bounding-box HTML.
fn attribute(html: &str, key: &str) -> Option<f64> {
    let at = html.find(key)? + key.len();
    html[at..].split('"').next()?.parse().ok()
}
