//! Whatever the data, every glyph of every page stays inside the text area:
//! long runs with no break opportunity (identifiers, hashes, paths) break
//! as a last resort instead of running off the paper.

use std::fs;
use std::path::Path;

use proptest::prelude::*;
use serde_json::Value;
use typst::layout::{Abs, Frame, FrameItem, Point, Transform};
use typst_layout::PagedDocument;

use dossier::Renderer;
use dossier::pipeline::deliver::OutputFormat;
use dossier::pipeline::render::RenderOptions;
use dossier::pipeline::typeset::{ReportWorld, compile, files_in};
use dossier::pipeline::validate::lengths::length_of;

use crate::common::{
    copy_zh_sample, each_free_text, is_identifier, pdf_text, root, runner, squeeze, write_json_yaml,
};

/// The left and right margin of the body pages, read from `style.typ` (the
/// cover's are wider, so the body's text area bounds every page).
fn side_margin() -> Abs {
    let style = fs::read_to_string(root().join("templates/style.typ")).expect("style");
    let at = style.find("margin: (x: ").expect("the page margin is set") + "margin: (x: ".len();
    let cm: f64 = style[at..]
        .split("cm")
        .next()
        .and_then(|n| n.parse().ok())
        .expect("the side margin is in cm");
    Abs::cm(cm)
}

/// The transform into `group`, placed at `pos` in a frame whose own
/// transform is `ts`.
fn inside(ts: Transform, pos: Point, group: &typst::layout::GroupItem) -> Transform {
    ts.pre_concat(Transform::translate(pos.x, pos.y))
        .pre_concat(group.transform)
}

/// Calls `f` with each text item of `frame` and the horizontal extent of
/// its glyphs' ink on the page, through every group's position and
/// transform (rotated axis titles included). What a group clips away is
/// not drawn, so it does not count.
fn each_text(frame: &Frame, ts: Transform, clip: (Abs, Abs), f: &mut impl FnMut(&str, Abs, Abs)) {
    let extent = |ts: Transform, corners: [Point; 4]| {
        let xs = corners.map(|p| p.transform(ts).x);
        let left = xs.iter().copied().fold(Abs::inf(), Abs::min);
        let right = xs.iter().copied().fold(-Abs::inf(), Abs::max);
        (left, right)
    };
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Group(group) => {
                let ts = inside(ts, *pos, group);
                let mut clip = clip;
                if group.clip.is_some() {
                    let size = group.frame.size();
                    let (left, right) = extent(
                        ts,
                        [
                            Point::zero(),
                            Point::new(size.x, Abs::zero()),
                            Point::new(Abs::zero(), size.y),
                            Point::new(size.x, size.y),
                        ],
                    );
                    clip = (clip.0.max(left), clip.1.min(right));
                }
                each_text(&group.frame, ts, clip, f);
            }
            FrameItem::Text(text) => {
                // The ink of the glyphs, not their advances; a run of
                // spaces has none and draws nothing.
                let ink = text.bbox();
                if ink.min.x >= ink.max.x || ink.min.y >= ink.max.y {
                    continue;
                }
                let (left, right) = extent(
                    ts,
                    [
                        *pos + Point::new(ink.min.x, ink.min.y),
                        *pos + Point::new(ink.max.x, ink.min.y),
                        *pos + Point::new(ink.min.x, ink.max.y),
                        *pos + Point::new(ink.max.x, ink.max.y),
                    ],
                );
                let (left, right) = (left.max(clip.0), right.min(clip.1));
                if left < right {
                    f(&text.text, left, right);
                }
            }
            _ => {}
        }
    }
}

/// Calls `f` with each text item of `frame` and the vertical extent of its
/// glyphs' ink on the page (what a group clips away aside).
fn each_below(frame: &Frame, ts: Transform, f: &mut impl FnMut(&str, Abs, Abs)) {
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Group(group) if group.clip.is_none() => {
                let ts = inside(ts, *pos, group);
                each_below(&group.frame, ts, f);
            }
            FrameItem::Text(text) => {
                let ink = text.bbox();
                if ink.min.x >= ink.max.x || ink.min.y >= ink.max.y {
                    continue;
                }
                let ys = [ink.min, ink.max].map(|p| (*pos + p).transform(ts).y);
                f(&text.text, ys[0].min(ys[1]), ys[0].max(ys[1]));
            }
            _ => {}
        }
    }
}

/// The text items of `document` that reach into a side margin, or past
/// the top or the bottom of the paper, as "page N: text".
pub fn outside_the_margins(document: &PagedDocument) -> Vec<String> {
    let margin = side_margin();
    let slack = Abs::pt(0.5);
    let mut outside = Vec::new();
    for (index, page) in document.pages().iter().enumerate() {
        let width = page.frame.width();
        let height = page.frame.height();
        each_below(
            &page.frame,
            Transform::identity(),
            &mut |text, top, bottom| {
                if top < -slack || bottom > height + slack {
                    outside.push(format!(
                        "page {}: {text:?} spans {:.1}–{:.1} pt down a page of {:.1}",
                        index + 1,
                        top.to_pt(),
                        bottom.to_pt(),
                        height.to_pt()
                    ));
                }
            },
        );
        each_text(
            &page.frame,
            Transform::identity(),
            (-Abs::inf(), Abs::inf()),
            &mut |text, left, right| {
                if left < margin - slack || right > width - margin + slack {
                    outside.push(format!(
                        "page {}: {text:?} spans {:.1}–{:.1} pt of {:.1}",
                        index + 1,
                        left.to_pt(),
                        right.to_pt(),
                        width.to_pt()
                    ));
                }
            },
        );
    }
    outside
}

/// The text items of every report of the engagement at `path` that reach
/// into a margin, as "report page N: text" (`out` holds the sources).
pub fn glyphs_off_the_page(path: &Path, out: &Path) -> Vec<String> {
    lay_out(path, out)
        .into_iter()
        .flat_map(|(name, document)| {
            outside_the_margins(&document)
                .into_iter()
                .map(move |o| format!("{name} {o}"))
        })
        .collect()
}

/// Renders the engagement at `path` as Typst sources, then lays each report
/// out in process: the pages a PDF would hold.
pub fn lay_out(path: &Path, out: &Path) -> Vec<(String, PagedDocument)> {
    let renderer = Renderer::new(RenderOptions {
        out: out.to_path_buf(),
        format: OutputFormat::Typ,
        ..RenderOptions::default()
    });
    let done = crate::common::worker(renderer)
        .render(path)
        .unwrap_or_else(|e| panic!("rendering {} failed: {e}", path.display()));
    let bundle = done.reports[0].file.parent().expect("bundle").to_path_buf();
    let files = files_in(&bundle).expect("bundle reads");
    let style = fs::read_to_string(bundle.join("style.typ")).expect("style");
    done.reports
        .iter()
        .map(|report| {
            let name = report.file.file_name().expect("name").to_string_lossy();
            let main = fs::read_to_string(&report.file).expect("source");
            let world = ReportWorld::new(main, style.clone(), files.clone());
            let laid = compile(&world, &name).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name.into_owned(), laid.document)
        })
        .collect()
}

/// A copy of the zh-Hant sample (with its images) in `dir` whose every
/// free-text value ends with one of `tokens`, in turn.
fn sample_with_tokens(dir: &Path, tokens: &[String]) -> std::path::PathBuf {
    let engagement = copy_zh_sample(dir);
    let file = engagement.join("engagement.yaml");
    let yaml = fs::read_to_string(&file).expect("sample");
    let mut value: Value = serde_saphyr::from_str(&yaml).expect("the sample parses");
    // Identifiers get one long suffix everywhere they stand, so that
    // references still hold and the id is still a folder name.
    let suffix: String = tokens
        .concat()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(40)
        .collect();
    // Each token goes into the next field with room for it beside its
    // text (or instead of it) within the field's length limit.
    let mut cycle = tokens.iter().cycle().peekable();
    each_free_text(&mut value, &mut |field, text| {
        if is_identifier(text) {
            text.push('-');
            text.push_str(&suffix);
            return;
        }
        let keys: Vec<String> = field.split('.').map(str::to_owned).collect();
        let limit = length_of(&keys).limit();
        let token = *cycle.peek().expect("tokens cycle");
        let length = token.chars().count();
        if text.chars().count() + 1 + length <= limit {
            text.push(' ');
            text.push_str(token);
        } else if length <= limit {
            *text = token.clone();
        } else {
            return;
        }
        cycle.next();
    });
    write_json_yaml(&file, &value);
    engagement
}

/// Lays out the sample with `tokens` in every text field and asserts that
/// no glyph reaches into a margin and that each token is printed whole.
fn assert_tokens_stay_on_the_page(tokens: &[String]) {
    let dir = tempfile::tempdir().expect("temp dir");
    let engagement = sample_with_tokens(dir.path(), tokens);
    let outside = glyphs_off_the_page(&engagement, &dir.path().join("out"));
    assert!(
        outside.is_empty(),
        "{} text items leave the text area:\n{}",
        outside.len(),
        outside.join("\n")
    );
    // The same engagement as PDF prints every token whole.
    let out = dir.path().join("pdf");
    let done = crate::common::render(&engagement, &out);
    let service = lopdf::Document::load(&done.reports[3].file).expect("pdf loads");
    let text = squeeze(&pdf_text(&service));
    for token in tokens {
        assert!(
            text.contains(&squeeze(token)),
            "{token} is not printed whole"
        );
    }
}

/// The worst runs there are: the widest letter, hashes, paths, a Java
/// frame, and separators far apart.
#[test]
fn long_runs_never_leave_the_page() {
    let tokens = [
        "W".repeat(160),
        "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".to_string(),
        "/var/lib/postgresql/15/main/pg_wal/000000010000000A000000FF.partial".to_string(),
        "at com.example.orders.service.impl.OrderServiceImpl.placeOrder(OrderServiceImpl.java:418)"
            .to_string(),
        "WWWWWWWWWW.WWWWWWWWWW.WWWWWWWWWW.WWWWWWWWWW.WWWWWWWWWW".to_string(),
        "訂單服務OrderServiceTimeoutExceptionWasThrownAfter30000ms於高峰期".to_string(),
        "QueueWorker::drainPending(_f_,C3s,,,94 ,ZPvDA7IS ,W_5)".to_string(),
    ];
    assert_tokens_stay_on_the_page(&tokens);
}

/// Found by a fuzzing campaign: a code-like run of 16 characters in a
/// narrow last column, and words with the tokens between them.
#[test]
fn campaign_finds_stay_on_the_page() {
    let tokens = [
        "a2Hrm3as9ihOIkNe6Lpn8sQiJhO3dri3m72i8h3MLc6311xM9e990lUm8PhVo6GissUdHDtE95hAl8nubVKGJ2Lk1mP0T95o"
            .to_string(),
        "BnbZukf_E__nBM__rp_::MsYVroJw( J,PJMBt_HSfCoZ,k M7_,_5)".to_string(),
        "wcbXazn2j5n2191cFJ99d7qmA84NdyIo6gGMcWzPNx6v9Rg9P0x7Ne".to_string(),
    ];
    assert_tokens_stay_on_the_page(&tokens);
}

/// A token: letters, digits and separators in any mix, from long words
/// to runs of 150 characters.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9]{21,150}",
        "[A-Z][a-z]{2,12}([._/:#=-][A-Za-z0-9]{1,14}){2,10}",
        "[0-9a-f]{32,128}",
        "[A-Za-z_]{5,20}(::|\\.|->)[A-Za-z_]{5,40}\\([A-Za-z0-9_, ]{0,30}\\)",
        "[A-Z]?[a-z]{12,20}",
    ]
}

#[test]
fn generated_runs_never_leave_the_page() {
    runner(4)
        .run(&prop::collection::vec(token(), 3..8), |tokens| {
            assert_tokens_stay_on_the_page(&tokens);
            Ok(())
        })
        .unwrap();
}

/// What the page-break checks need of a page, in reading order.
#[derive(Debug)]
enum Mark {
    /// A table cell starts: its row, and whether it is a repeated header.
    Cell { row: usize, repeated: bool },
    /// A heading starts or ends.
    Heading(bool),
    /// Text drawn at this height on the page.
    Text(Abs),
}

fn marks(frame: &Frame, ts: Transform, out: &mut Vec<Mark>) {
    use typst::foundations::NativeElement;
    use typst::introspection::Tag;
    use typst::model::{HeadingElem, TableCell};
    for (pos, item) in frame.items() {
        match item {
            FrameItem::Group(group) => {
                let ts = inside(ts, *pos, group);
                marks(&group.frame, ts, out);
            }
            FrameItem::Tag(Tag::Start(content, _)) => {
                if let Some(cell) = content.to_packed::<TableCell>() {
                    let row = cell.y.get(Default::default()).custom().unwrap_or(0);
                    let repeated = cell.is_repeated.get(Default::default());
                    out.push(Mark::Cell { row, repeated });
                } else if content.elem() == HeadingElem::ELEM {
                    out.push(Mark::Heading(true));
                }
            }
            FrameItem::Tag(Tag::End(..)) => {}
            FrameItem::Text(text) if !text.text.trim().is_empty() => {
                out.push(Mark::Text((*pos).transform(ts).y));
            }
            _ => {}
        }
    }
}

/// The body rows of each table on each page: one list per table segment,
/// a segment starting at a header row (y = 0); with whether the segment
/// continues a table from the previous page (its header is repeated).
fn table_segments(page: &[Mark]) -> Vec<(bool, Vec<usize>)> {
    let mut segments: Vec<(bool, Vec<usize>)> = Vec::new();
    let mut in_header = false;
    for mark in page {
        if let Mark::Cell { row, repeated } = *mark {
            if row == 0 {
                if !in_header {
                    segments.push((repeated, Vec::new()));
                }
                in_header = true;
            } else {
                in_header = false;
                if let Some((_, rows)) = segments.last_mut()
                    && !rows.contains(&row)
                {
                    rows.push(row);
                }
            }
        }
    }
    segments
}

/// Where `document` leaves a table row alone on a page (the last row
/// carried over, or a header with a single row before the break), or a
/// heading as the last thing on a page, as "page N: …".
pub fn bad_breaks(document: &PagedDocument) -> Vec<String> {
    let pages: Vec<(Vec<Mark>, Abs)> = document
        .pages()
        .iter()
        .map(|page| {
            let mut out = Vec::new();
            marks(&page.frame, Transform::identity(), &mut out);
            (out, page.frame.height())
        })
        .collect();
    let mut bad = Vec::new();
    for (index, (page, height)) in pages.iter().enumerate() {
        let segments = table_segments(page);
        let continues_next = pages
            .get(index + 1)
            .and_then(|(next, _)| table_segments(next).first().map(|(repeated, _)| *repeated))
            .unwrap_or(false);
        for (k, (continued, rows)) in segments.iter().enumerate() {
            let split_after = k + 1 == segments.len() && continues_next;
            if (*continued || split_after) && rows.len() < 2 {
                bad.push(format!(
                    "page {}: a table {} with {} body row(s) on it",
                    index + 1,
                    if *continued { "continues" } else { "breaks" },
                    rows.len()
                ));
            }
        }
        // The footer sits below the text area; a heading must be followed
        // by text above it.
        let footer = *height - Abs::cm(2.4);
        if let Some(last) = page.iter().rposition(|m| matches!(m, Mark::Heading(true))) {
            let followed = page[last + 1..]
                .iter()
                .skip_while(|m| !matches!(m, Mark::Text(_)))
                .skip(1)
                .any(|m| matches!(m, Mark::Text(y) if *y < footer));
            if !followed {
                bad.push(format!("page {}: ends with a heading", index + 1));
            }
        }
    }
    bad
}

/// No sample, in any locale, leaves a single table row alone on a page or
/// ends a page with a heading.
#[test]
fn samples_break_pages_where_an_editor_would() {
    let mut bad = Vec::new();
    for sample in [
        "samples/acme-retail",
        "samples/youxianhui-retail.yaml",
        "samples/northwind-logistics.yaml",
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, document) in lay_out(&root().join(sample), dir.path()) {
            bad.extend(
                bad_breaks(&document)
                    .into_iter()
                    .map(|b| format!("{sample} {name} {b}")),
            );
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// A long table breaks with at least two rows on each side, whatever its
/// length puts at the bottom of the page.
#[test]
fn long_tables_keep_two_rows_on_each_side_of_a_break() {
    let header = "#import \"/style.typ\": *\n#set page(height: 12cm, margin: 1cm)\n#set text(font: \"Noto Sans CJK SC\")\n";
    // The style's own imports, and the default brand.
    let dir = tempfile::tempdir().expect("temp dir");
    for name in ["theme.typ", "cover.typ"] {
        fs::copy(root().join("templates").join(name), dir.path().join(name)).expect("copy");
    }
    fs::write(dir.path().join("brand.json"), r#"{"accent": null}"#).expect("brand");
    let files = files_in(dir.path()).expect("files");
    let style = fs::read_to_string(root().join("templates/style.typ")).expect("style");
    for lead in [0, 3, 6, 9, 12, 15, 18] {
        for rows in [7, 8, 9, 13] {
            let body: String = (1..=rows)
                .map(|r| format!("(\"{r}\", \"row {r}\"),"))
                .collect();
            let source = format!(
                "{header}#v({lead} * 1em)\n#data-table(columns: (auto, 1fr), header: (\"n\", \"text\"), rows: ({body}))\n"
            );
            let world = ReportWorld::new(source, style.clone(), files.clone());
            let laid = compile(&world, "table").expect("compiles");
            let bad = bad_breaks(&laid.document);
            assert!(bad.is_empty(), "{lead} lines, {rows} rows: {bad:?}");
        }
    }
}

/// List items that open with a bracket start where the others do: CJK
/// punctuation at the start of a line is not pulled into the margin.
#[test]
fn list_items_opening_with_brackets_align() {
    let source = "#set text(font: (\"Noto Sans CJK TC\",), lang: \"zh\", region: \"TW\")\n- 「大促」保障\n- 全鏈路壓測\n- 《驗收報告》交付\n- （可選）回訪\n";
    let world = ReportWorld::new(source.to_string(), String::new(), Default::default());
    let laid = compile(&world, "list").expect("compiles");
    let mut starts: Vec<(Abs, Abs, String)> = Vec::new();
    fn walk(frame: &Frame, ts: Transform, out: &mut Vec<(Abs, Abs, String)>) {
        for (pos, item) in frame.items() {
            match item {
                FrameItem::Group(g) => walk(&g.frame, inside(ts, *pos, g), out),
                FrameItem::Text(t) => {
                    let at = pos.transform(ts);
                    // The ink's left edge: where a reader sees the line start.
                    out.push((at.y, at.x + t.bbox().min.x, t.text.to_string()));
                }
                _ => {}
            }
        }
    }
    walk(
        &laid.document.pages()[0].frame,
        Transform::identity(),
        &mut starts,
    );
    // The first text after each bullet, one per line.
    let mut lines: std::collections::BTreeMap<i64, Vec<(Abs, String)>> = Default::default();
    for (y, x, text) in starts {
        lines
            .entry((y.to_pt() * 10.0) as i64)
            .or_default()
            .push((x, text));
    }
    let firsts: Vec<(Abs, String)> = lines
        .values()
        .map(|items| {
            let mut items = items.clone();
            items.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
            // Skip the bullet.
            items[1].clone()
        })
        .collect();
    assert_eq!(firsts.len(), 4, "{firsts:?}");
    let lefts: Vec<f64> = firsts.iter().map(|(x, _)| x.to_pt()).collect();
    // A bracket set full-width would start half an em (5.5 pt) to the
    // right; its ink lines up with the first stroke of the others.
    let spread = lefts.iter().cloned().fold(f64::MIN, f64::max)
        - lefts.iter().cloned().fold(f64::MAX, f64::min);
    assert!(spread < 2.5, "item starts at {lefts:?}: {firsts:?}");
}
