//! Rich content: images and their checks, missing glyphs, Markdown images,
//! charts, and each locale's labels and dates.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use dossier::base::locale::Catalogue;
use dossier::base::model::Locale;

use crate::common::{
    copy_zh_sample, dossier, en_sample, pdf_text, render, root, squeeze, zh_sample,
};

/// The 1-based line of the first line of `text` equal to `line`.
fn line_of(text: &str, line: &str) -> usize {
    text.lines()
        .position(|l| l == line)
        .unwrap_or_else(|| panic!("no line `{line}`"))
        + 1
}

/// An image that cannot be used is an error at its path; the reports that
/// print it are drafts with a placeholder where it goes, the others final.
#[test]
fn unusable_image_paths_are_errors_at_their_yaml_line() {
    let work = tempfile::tempdir().expect("temp dir");
    let outside = work.path().join("outside.png");
    fs::copy(zh_sample().join("evidence/order-latency.png"), &outside).expect("copy");
    let cases = [
        ("../x.png", "leaves the engagement directory"),
        ("/etc/passwd", "absolute path"),
        ("link.png", "outside the engagement directory"),
        ("missing.png", "does not exist"),
        ("notes.png", "is not a PNG image"),
    ];
    for (i, (path, message)) in cases.iter().enumerate() {
        let case = work.path().join(format!("case-{i}"));
        let engagement = copy_zh_sample(&case);
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, engagement.join("link.png")).expect("symlink");
        fs::write(engagement.join("notes.png"), "just text, not an image\n").expect("write");
        let yaml_path = engagement.join("engagement.yaml");
        let yaml = fs::read_to_string(&yaml_path).expect("read");
        let original = "    - path: diagrams/architecture.svg";
        let line = line_of(&yaml, original);
        fs::write(
            &yaml_path,
            yaml.replace(original, &format!("    - path: {path}")),
        )
        .expect("write");
        let out = case.join("out");
        let output = dossier(&[
            "render",
            engagement.to_str().expect("utf-8"),
            "-o",
            out.to_str().expect("utf-8"),
        ]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{path}: {stderr}");
        let check = dossier(&["check", engagement.to_str().expect("utf-8")]);
        let said = String::from_utf8_lossy(&check.stderr);
        assert_eq!(check.status.code(), Some(1), "{path}: {said}");
        assert!(
            said.contains(&format!("engagement.yaml:{line}:13")),
            "{path}: {said}"
        );
        assert!(said.contains(message), "{path}: {said}");
        let bundle = out.join("ZP-2026-FL-001");
        let pdfs = walk(&out)
            .into_iter()
            .filter(|p| p.ends_with(".pdf"))
            .count();
        assert_eq!(pdfs, 5, "{path}: the bundle is whole");
        // The survey and the service report show the diagram: drafts with
        // the placeholder; the startup report and the plan are final.
        for (file, draft) in [("01-startup.pdf", false), ("03-survey.pdf", true)] {
            let doc = lopdf::Document::load(bundle.join(file)).expect("PDF");
            let text = squeeze(&pdf_text(&doc));
            assert_eq!(text.contains("草稿"), draft, "{path}: {file}");
            assert_eq!(text.contains("圖片無法顯示"), draft, "{path}: {file}");
        }
    }
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path.to_string_lossy().into_owned());
        }
    }
    out
}

#[test]
fn a_character_outside_the_fonts_is_reported_with_its_position() {
    let work = tempfile::tempdir().expect("temp dir");
    let engagement = copy_zh_sample(work.path());
    let yaml_path = engagement.join("engagement.yaml");
    let yaml = fs::read_to_string(&yaml_path).expect("read");
    let original = "    title: 訂單查詢缺少複合索引導致主資料庫 CPU 飽和";
    let line = line_of(&yaml, original);
    fs::write(
        &yaml_path,
        yaml.replace(original, &format!("{original} 😀")),
    )
    .expect("write");
    let column = original.chars().count() + 2;
    let check = dossier(&["check", engagement.to_str().expect("utf-8")]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("U+1F600"), "{stderr}");
    assert!(
        stderr.contains(&format!("engagement.yaml:{line}:{column}")),
        "{stderr}"
    );
    let out = work.path().join("out");
    let render = dossier(&[
        "render",
        engagement.to_str().expect("utf-8"),
        "-o",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(render.status.code(), Some(1));
    assert!(!out.join("ZP-2026-FL-001").exists(), "nothing is rendered");
}

#[test]
fn an_image_in_markdown_becomes_a_numbered_figure() {
    let work = tempfile::tempdir().expect("temp dir");
    let engagement = copy_zh_sample(work.path());
    let yaml_path = engagement.join("engagement.yaml");
    let yaml = fs::read_to_string(&yaml_path).expect("read");
    let original = "      上線前於唯讀實例驗證執行計畫，並以線上 DDL 方式在離峰時段執行。";
    fs::write(
        &yaml_path,
        yaml.replace(
            original,
            &format!("{original}\n\n      ![索引調整後的回應時間](evidence/order-latency.png)"),
        ),
    )
    .expect("write");
    let out = work.path().join("out");
    let done = render(&engagement, &out);
    let doc = lopdf::Document::load(&done.reports[3].file).expect("PDF loads");
    let text = squeeze(&pdf_text(&doc));
    assert!(text.contains(&squeeze("索引調整後的回應時間")), "caption");
    assert!(text.contains(&squeeze("圖目錄")), "list of figures");

    // The same image path leaving the directory is refused at its line.
    fs::write(
        &yaml_path,
        fs::read_to_string(&yaml_path)
            .expect("read")
            .replace("](evidence/order-latency.png)", "](../order-latency.png)"),
    )
    .expect("write");
    let check = dossier(&["check", engagement.to_str().expect("utf-8")]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("leaves the engagement directory"),
        "{stderr}"
    );
}

/// Labels of the other locales that this one does not share, long enough
/// not to occur by chance.
fn foreign_labels(locale: Locale) -> BTreeSet<String> {
    let catalogue = |l: Locale| {
        let name = Catalogue::template_name(l);
        let text = fs::read_to_string(root().join("templates").join(&name)).expect("catalogue");
        Catalogue::parse(l, &name, &text).expect("parses")
    };
    let own: BTreeSet<String> = leaves(catalogue(locale).tree());
    [Locale::ZhHant, Locale::ZhHans, Locale::En]
        .into_iter()
        .filter(|l| *l != locale)
        .flat_map(|l| leaves(catalogue(l).tree()))
        .filter(|s| !own.contains(s) && !s.contains('{') && !s.contains('%'))
        // A clause reference is the statement of work's, not a label.
        .filter(|s| !s.starts_with('§'))
        .map(|s| squeeze(&s))
        .filter(|s| s.chars().count() >= 4)
        .collect()
}

fn leaves(value: &serde_json::Value) -> BTreeSet<String> {
    match value {
        serde_json::Value::String(s) => BTreeSet::from([s.clone()]),
        serde_json::Value::Object(map) => map.values().flat_map(leaves).collect(),
        serde_json::Value::Array(list) => list.iter().flat_map(leaves).collect(),
        _ => BTreeSet::new(),
    }
}

fn check_locale(path: &Path, locale: Locale, date: &str, region: &str) {
    let out = tempfile::tempdir().expect("temp dir");
    let done = render(path, out.path());
    let foreign = foreign_labels(locale);
    for report in &done.reports {
        let doc = lopdf::Document::load(&report.file).expect("PDF loads");
        let raw = pdf_text(&doc);
        let text = squeeze(&raw);
        // Line by line: two cells side by side (項目專家服務方案 | 支持計劃)
        // do not make a label.
        let lines: Vec<String> = raw.lines().map(squeeze).collect();
        for label in &foreign {
            assert!(
                !lines.iter().any(|l| l.contains(label.as_str())),
                "{}: label `{label}` of another locale",
                report.file.display()
            );
        }
        // Each report carries its own date; the acceptance report's is
        // the sign-off's.
        assert!(
            report.key != dossier::ReportKey::Acceptance || text.contains(&squeeze(date)),
            "{}: date {date}",
            report.file.display()
        );
        let bytes = fs::read(&report.file).expect("read");
        let haystack = String::from_utf8_lossy(&bytes);
        assert!(
            haystack.contains(&format!("CJK{region}")),
            "{}: font region",
            report.file.display()
        );
    }
}

#[test]
fn each_sample_speaks_its_own_locale() {
    check_locale(&zh_sample(), Locale::ZhHant, "2026年11月24日", "tc");
    check_locale(
        &root().join("samples/youxianhui-retail.yaml"),
        Locale::ZhHans,
        "2026年11月25日",
        "sc",
    );
    check_locale(&en_sample(), Locale::En, "16 November 2026", "sc");
}
