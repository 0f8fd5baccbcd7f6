//! End to end: the samples render to five sound PDFs each.

use lopdf::{Document, Object};

use dossier::ReportKey;
use dossier::pipeline::load::load;

use crate::common::{copy_zh_sample, en_sample, pdf_text, render, squeeze, zh_sample};

/// The document-information entry `key` of a PDF, decoded.
fn info(doc: &Document, key: &[u8]) -> String {
    let info = doc
        .trailer
        .get(b"Info")
        .and_then(|o| o.as_reference())
        .expect("Info");
    let dict = doc.get_dictionary(info).expect("Info dict");
    match dict.get(key).expect("key present") {
        Object::String(bytes, _) => decode_pdf_string(bytes),
        other => panic!("unexpected {other:?}"),
    }
}

fn decode_pdf_string(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// Names of the fonts a PDF uses, and whether each is embedded.
fn fonts(doc: &Document) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        if dict.get(b"Type").and_then(|t| t.as_name()).ok() != Some(b"FontDescriptor".as_slice()) {
            continue;
        }
        let name = dict
            .get(b"FontName")
            .and_then(|n| n.as_name())
            .map(|n| String::from_utf8_lossy(n).into_owned());
        let embedded = [b"FontFile".as_slice(), b"FontFile2", b"FontFile3"]
            .iter()
            .any(|k| dict.has(k));
        out.push((name.unwrap_or_default(), embedded));
    }
    out
}

struct Expect {
    titles: [&'static str; 5],
    pages: [usize; 5],
    headings: [&'static [&'static str]; 5],
    region: &'static str,
}

fn check_sample(path: &std::path::Path, expect: &Expect) {
    let out = tempfile::tempdir().expect("temp dir");
    let done = render(path, out.path());
    let loaded = load(path).expect("loads");
    let customer = &loaded.engagement.engagement.customer.name;
    assert_eq!(done.reports.len(), 5);
    for (i, report) in done.reports.iter().enumerate() {
        assert_eq!(report.key, ReportKey::ALL[i]);
        let name = report
            .file
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name");
        assert_eq!(name, ReportKey::ALL[i].file_name("pdf"));
        let doc = Document::load(&report.file).expect("PDF loads");
        assert_eq!(doc.get_pages().len(), expect.pages[i], "{name}: page count");
        assert_eq!(report.pages, expect.pages[i]);
        assert_eq!(
            info(&doc, b"Title"),
            expect.titles[i],
            "{name}: title metadata"
        );
        let text = squeeze(&pdf_text(&doc));
        assert!(
            text.contains(&squeeze(expect.titles[i])),
            "{name}: title text"
        );
        assert!(text.contains(&squeeze(customer)), "{name}: customer name");
        for heading in expect.headings[i] {
            assert!(
                text.contains(&squeeze(heading)),
                "{name}: heading {heading}"
            );
        }
        if report.key == ReportKey::Service {
            for finding in loaded.engagement.findings.iter() {
                assert!(
                    text.contains(&squeeze(&finding.id)),
                    "{name}: finding {}",
                    finding.id.value
                );
            }
        }
        let fonts = fonts(&doc);
        assert!(!fonts.is_empty(), "{name}: fonts");
        for (font, embedded) in &fonts {
            assert!(embedded, "{name}: {font} is not embedded");
            assert!(font.contains("NotoSans"), "{name}: unexpected font {font}");
        }
        assert!(
            fonts
                .iter()
                .any(|(f, _)| f.contains(&format!("CJK{}", expect.region))),
            "{name}: {fonts:?}"
        );
    }
    // The acceptance report certifies the other four by their digests.
    let acceptance = &done.reports[4];
    let text = squeeze(&pdf_text(
        &Document::load(&acceptance.file).expect("PDF loads"),
    ));
    for report in &done.reports[..4] {
        let bytes = std::fs::read(&report.file).expect("read");
        let digest = dossier::pipeline::deliver::manifest::sha256_hex(&bytes);
        assert_eq!(report.sha256, digest);
        assert!(text.contains(&digest), "acceptance lacks {}", report.key);
    }
}

#[test]
fn zh_hant_sample_renders() {
    check_sample(
        &zh_sample(),
        &Expect {
            titles: [
                "項目啟動報告",
                "項目專家服務方案",
                "項目架構調查報告",
                "項目專家服務報告",
                "項目驗收報告",
            ],
            pages: [6, 7, 4, 15, 7],
            headings: [
                &[
                    "文件控制",
                    "目錄",
                    "1 項目概述",
                    "2 服務範圍",
                    "5 前提條件與雙方職責",
                ],
                &[
                    "3 服務流程與活動安排",
                    "6 與工作說明書用語對照",
                    "7 方案確認",
                    "客戶確認",
                ],
                &["1 營運概況", "3 雲端資源盤點", "4 架構分析"],
                &[
                    "2 服務成果總覽",
                    "4 問題診斷分析",
                    "5 壓力測試分析",
                    "8 風險評估",
                ],
                &[
                    "3 完工標準核對",
                    "4 交付物清單",
                    "5 交付文件完整性",
                    "8 偏離事項",
                    "9 驗收確認",
                ],
            ],
            region: "tc",
        },
    );
}

#[test]
fn en_sample_renders() {
    check_sample(
        &en_sample(),
        &Expect {
            titles: [
                "Project Kick-off Report",
                "Expert Service Plan",
                "Architecture Survey Report",
                "Expert Service Report",
                "Acceptance Report",
            ],
            pages: [6, 6, 3, 9, 6],
            headings: [
                &["Document control", "Contents", "1 Overview", "2 Scope"],
                &["3 Process and activities", "Customer confirmation"],
                &["1 Business overview", "3 Cloud resource inventory"],
                &[
                    "2 Summary of results",
                    "4 Problem diagnosis",
                    "5 Stress test analysis",
                    "8 Risk assessment",
                ],
                &[
                    "3 Completion checklist",
                    "5 Integrity of the delivered documents",
                    "8 Sign-off",
                ],
            ],
            region: "sc",
        },
    );
}

#[test]
fn rendering_twice_gives_identical_bytes() {
    let a = tempfile::tempdir().expect("temp dir");
    let b = tempfile::tempdir().expect("temp dir");
    let first = render(&en_sample(), a.path());
    let second = render(&en_sample(), b.path());
    assert_eq!(first.reports.len(), 5);
    assert_eq!(first.reports.len(), second.reports.len());
    for (x, y) in first.reports.iter().zip(&second.reports) {
        let bx = std::fs::read(&x.file).expect("read");
        let by = std::fs::read(&y.file).expect("read");
        assert!(bx == by, "{} differs between runs", x.file.display());
    }
}

#[test]
fn an_engagement_that_does_not_load_writes_nothing() {
    let out = tempfile::tempdir().expect("temp dir");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("broken.yaml");
    std::fs::write(&path, "schema: 1\nlocale: en\nengagement: {id: X}\n").expect("write");
    let renderer = dossier::Renderer::new(dossier::RenderOptions {
        out: out.path().to_path_buf(),
        ..Default::default()
    });
    assert!(renderer.render(&path).is_err());
    assert_eq!(std::fs::read_dir(out.path()).expect("out").count(), 0);
}

/// A failure after four reports are typeset (the acceptance report's
/// template breaks in Typst) writes none of them: an empty output folder
/// stays empty, and a bundle from an earlier render keeps every byte and
/// modification time.
#[test]
fn a_failure_after_some_reports_are_produced_writes_nothing() {
    let work = tempfile::tempdir().expect("temp dir");
    let engagement = copy_zh_sample(work.path());
    let out = work.path().join("out");
    let bundle = out.join("ZP-2026-FL-001");
    render(&engagement, &out);
    let before = files_with_times(&bundle);
    assert_eq!(before.len(), 6, "five reports and a manifest");

    let templates = work.path().join("templates");
    let acceptance = templates.join("acceptance.typ.j2");
    std::fs::create_dir_all(&templates).expect("folder");
    let builtin = dossier::base::templates::builtin("acceptance.typ.j2").expect("built in");
    std::fs::write(
        &acceptance,
        format!("{builtin}\n#this-function-does-not-exist()\n"),
    )
    .expect("write");
    // A change that alters every report (the title is on each cover), so
    // that a partial write would show.
    let file = engagement.join("engagement.yaml");
    let yaml = std::fs::read_to_string(&file).expect("yaml");
    let edited = yaml.replacen("電商平臺全鏈路專家服務", "電商平臺全鏈路專家服務（二）", 1);
    assert_ne!(edited, yaml);
    std::fs::write(&file, edited).expect("write");
    for target in [out.clone(), work.path().join("empty")] {
        let renderer = dossier::Renderer::new(dossier::RenderOptions {
            out: target.clone(),
            templates: dossier::pipeline::fill::TemplateOptions {
                dir: Some(templates.clone()),
            },
            ..Default::default()
        });
        let err = renderer
            .render(&engagement)
            .expect_err("the acceptance report fails");
        assert!(err.to_string().contains("acceptance"), "{err}");
    }
    assert_eq!(
        files_with_times(&bundle),
        before,
        "the earlier bundle is untouched"
    );
    assert!(
        !work.path().join("empty").exists()
            || files_with_times(&work.path().join("empty")).is_empty()
    );
}

/// Every file under `dir` with its bytes and modification time.
fn files_with_times(
    dir: &std::path::Path,
) -> Vec<(std::path::PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("walk").into_path())
        .filter(|p| p.is_file())
        .map(|p| {
            let modified = std::fs::metadata(&p)
                .and_then(|m| m.modified())
                .expect("mtime");
            (p.clone(), std::fs::read(&p).expect("read"), modified)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn an_objective_without_a_verdict_keeps_the_service_and_acceptance_reports_drafts() {
    let sample = std::fs::read_to_string(en_sample()).expect("sample");
    let verdict = "    verdict:\n      outcome: met\n      evidence: [NW-T1, NW-S3]\n";
    assert_eq!(sample.matches(verdict).count(), 1);
    let unassessed = sample.replace(verdict, "");
    let (dir, path) = crate::common::engagement_file(&unassessed);
    let out = dir.path().join("out");
    let done = render(&path, &out);
    for report in &done.reports {
        assert_eq!(
            report.is_final,
            !matches!(report.key, ReportKey::Service | ReportKey::Acceptance),
            "{}",
            report.key
        );
    }
    let acceptance = Document::load(&done.reports[4].file).expect("loads");
    let text = squeeze(&pdf_text(&acceptance));
    assert!(text.contains("DRAFT"), "watermark");
    // Every page's running header says it is a draft, beside the
    // classification; a final's says the classification alone.
    let pages = acceptance.get_pages().len();
    assert_eq!(
        text.matches("DRAFT·Confidential").count(),
        pages - 1,
        "every page but the cover: {text}"
    );
    assert!(text.contains("Beforefinalissue"), "gaps page");
    // The gaps page names each requirement by its title and clause, and
    // the verdicts table says the objective is not yet assessed.
    assert!(
        text.contains(&squeeze("Measured results for the agreed targets §3.1.3")),
        "{text}"
    );
    assert!(
        text.contains(&squeeze(
            "The objective “Handle the peak-season load of 4,000 requests per second” has no outcome yet"
        )),
        "{text}"
    );
    assert!(text.contains("Notyetassessed"), "{text}");
    // With what closes the gap, in the engagement's terms: the page may
    // reach the customer, so it names no file, line or key.
    assert!(
        text.contains(&squeeze(
            "An outcome for “Handle the peak-season load of 4,000 requests per second”: met, with its evidence"
        )),
        "{text}"
    );
    let page = &text[text.rfind("Beforefinalissue").expect("gaps page")..];
    for tool_talk in [".yaml", "verdict:", "objectives.", "`"] {
        assert!(!page.contains(tool_talk), "{tool_talk} in {page}");
    }

    // Restoring the verdict makes them final again, without the watermark.
    let assessed = render(&en_sample(), &out);
    assert!(assessed.reports.iter().all(|r| r.is_final));
    let acceptance = Document::load(&assessed.reports[4].file).expect("loads");
    let text = squeeze(&pdf_text(&acceptance));
    assert!(!text.contains("DRAFT") && !text.contains("Beforefinalissue"));
}

#[test]
fn an_acceptance_awaiting_only_the_customers_signature_is_final() {
    let sample = std::fs::read_to_string(en_sample()).expect("sample");
    let start = sample.find("  signoff:\n").expect("signoff");
    let end = sample.find("history:\n").expect("history");
    let unsigned = format!("{}\n{}", &sample[..start], &sample[end..]);
    let (dir, path) = crate::common::engagement_file(&unsigned);
    let done = render(&path, &dir.path().join("out"));
    assert!(done.reports.iter().all(|r| r.is_final));
    let acceptance = Document::load(&done.reports[4].file).expect("loads");
    let text = squeeze(&pdf_text(&acceptance));
    assert!(
        !text.contains("DRAFT") && !text.contains("Beforefinalissue"),
        "{text}"
    );
    assert!(
        text.contains(&squeeze("Awaiting the customer’s confirmation.")),
        "{text}"
    );
    // The sign-off is still missing: `check` says so, as a warning.
    let v = dossier::pipeline::validate::validate(
        &dossier::pipeline::load::load(&path).expect("loads"),
    );
    let signoff: Vec<_> = v
        .diagnostics
        .iter()
        .filter(|d| d.rule.map(|r| r.id()) == Some("signoff"))
        .collect();
    assert_eq!(signoff.len(), 1, "{:?}", v.diagnostics);
    assert_eq!(signoff[0].severity, dossier::Severity::Warning);
    assert!(signoff[0].reports.is_empty(), "no report waits for it");
}

#[test]
fn final_reports_are_pdf_a_and_drafts_are_not() {
    let claims_pdf_a = |file: &std::path::Path| {
        let bytes = std::fs::read(file).expect("read");
        let text = String::from_utf8_lossy(&bytes).into_owned();
        text.contains("pdfaid:part") && text.contains("pdfaid:conformance")
    };
    let out = tempfile::tempdir().expect("temp dir");
    let done = render(&en_sample(), out.path());
    for report in &done.reports {
        assert!(report.is_final);
        assert!(
            claims_pdf_a(&report.file),
            "{}: no PDF/A identification",
            report.file.display()
        );
    }
    // A late start keeps the kick-off report and the plan (and so the
    // acceptance report) drafts: those are plain PDF.
    let late = crate::common::en_sample_with("  starts_on: 2026-09-28", "  starts_on: 2026-09-18");
    let (dir, path) = crate::common::engagement_file(&late);
    let drafts = render(&path, &dir.path().join("out"));
    for report in &drafts.reports {
        assert_eq!(
            claims_pdf_a(&report.file),
            report.is_final,
            "{}",
            report.file.display()
        );
    }
    assert_eq!(drafts.reports.iter().filter(|r| !r.is_final).count(), 3);
}

#[test]
fn strict_mode_writes_nothing_for_an_invalid_engagement() {
    let out = tempfile::tempdir().expect("temp dir");
    let (_dir, fixture) = crate::common::violation("service-items").file();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["render", "--strict", "-q", "-o"])
        .arg(out.path())
        .arg(&fixture)
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(1));
    assert_eq!(std::fs::read_dir(out.path()).expect("out").count(), 0);
    // Without --strict the same engagement renders, as drafts where needed.
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["render", "-q", "-o"])
        .arg(out.path())
        .arg(&fixture)
        .status()
        .expect("runs");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn an_id_that_is_not_a_folder_name_is_refused() {
    let yaml = crate::common::en_sample_with("  id: NW-2026-007", "  id: ../../escaped");
    let (dir, path) = crate::common::engagement_file(&yaml);
    let out = dir.path().join("deep/out");
    let renderer = dossier::Renderer::new(dossier::RenderOptions {
        out: out.clone(),
        ..Default::default()
    });
    let err = renderer.render(&path).expect_err("refused");
    let (diagnostic, _) = err.diagnostic().expect("diagnostic");
    assert_eq!(diagnostic.code.map(|c| c.key()), Some("bad-id"));
    assert!(!dir.path().join("escaped").exists() && !out.exists());
}

#[test]
fn each_report_shows_its_own_history_version_and_date() {
    let out = tempfile::tempdir().expect("temp dir");
    let done = render(&zh_sample(), out.path());
    // (report, its version, its date, a change of its own, another's change)
    let expect = [
        (
            "1.0",
            "2026-09-01",
            "項目啟動會議後提交",
            "服務方案初稿提交客戶審核",
        ),
        (
            "1.0",
            "2026-09-09",
            "服務方案初稿提交客戶審核",
            "項目啟動會議後提交",
        ),
        (
            "1.0",
            "2026-09-18",
            "完成架構調查與雲端資源盤點",
            "服務方案初稿提交客戶審核",
        ),
        (
            "1.1",
            "2026-11-20",
            "依F-04複測與第二輪壓力測試結果更新問題狀態、壓力測試資料與目標達成情況",
            "記錄客戶於控制臺及以電子郵件確認驗收第1.1版",
        ),
        (
            "1.2",
            "2026-11-24",
            "記錄客戶於控制臺及以電子郵件確認驗收第1.1版",
            "服務方案初稿提交客戶審核",
        ),
    ];
    for (report, (version, date, own, other)) in done.reports.iter().zip(expect) {
        let doc = Document::load(&report.file).expect("PDF loads");
        let text = squeeze(&pdf_text(&doc));
        assert!(text.contains(own), "{}: {own}", report.key);
        assert!(!text.contains(other), "{}: {other}", report.key);
        let (y, m, d) = (
            &date[..4],
            date[5..7].trim_start_matches('0'),
            date[8..].trim_start_matches('0'),
        );
        assert!(
            text.contains(&format!("{y}年{m}月{d}日")),
            "{}: date {date}",
            report.key
        );
        // The PDF's own date is the report's.
        let created = info(&doc, b"CreationDate");
        assert!(
            created.starts_with(&format!("D:{}", date.replace('-', ""))),
            "{}: {created}",
            report.key
        );
        let cover = text.split("版本").nth(1).expect("a version label");
        assert!(
            cover.starts_with(version),
            "{}: version {cover:.20}",
            report.key
        );
    }
}

#[test]
fn an_empty_section_of_a_draft_is_to_be_completed() {
    // Without risks, the service report is a draft: its risk section says
    // it is still to be written, not that no risks were identified.
    let sample = std::fs::read_to_string(en_sample()).expect("sample");
    let start = sample.find("\nrisks:\n").expect("risks") + 1;
    let end = start
        + sample[start..]
            .find("\nstress_tests:\n")
            .expect("stress tests")
        + 1;
    let riskless =
        format!("{}{}", &sample[..start], &sample[end..]).replace("NW-R1, NW-R2, NW-R3", "NW-F1");
    let (dir, path) = crate::common::engagement_file(&riskless);
    let done = render(&path, &dir.path().join("out"));
    let service = &done.reports[3];
    assert!(!service.is_final);
    let text = squeeze(&pdf_text(&Document::load(&service.file).expect("loads")));
    assert!(
        text.contains(&squeeze(
            "To be completed: this section has no content yet."
        )),
        "{text}"
    );
    assert!(
        !text.contains(&squeeze("No risks were identified")),
        "{text}"
    );
}

#[test]
fn a_progressive_render_writes_the_same_bundle_and_never_early_into_a_signed_off_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let engagement = crate::common::copy_zh_sample(dir.path());
    let render = |out: &std::path::Path, progressive: bool, force: bool| {
        dossier::Renderer::new(dossier::RenderOptions {
            out: out.to_path_buf(),
            progressive,
            force,
            ..Default::default()
        })
        .render(&engagement)
        .map_err(|e| e.to_string())
    };
    let (whole, early) = (dir.path().join("whole"), dir.path().join("early"));
    render(&whole, false, false).expect("renders");
    let done = render(&early, true, false).expect("renders");
    assert!(
        done.reports.iter().all(|r| r.written),
        "every report is written"
    );
    let bundle = |out: &std::path::Path| -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<_> = std::fs::read_dir(out.join("ZP-2026-FL-001"))
            .expect("bundle")
            .map(|e| {
                let e = e.expect("entry");
                (
                    e.file_name().to_string_lossy().into_owned(),
                    std::fs::read(e.path()).expect("file"),
                )
            })
            .collect();
        files.sort();
        files
    };
    assert!(
        bundle(&whole) == bundle(&early),
        "the same files, byte for byte"
    );
    // The bundle is signed off: a changed finding is refused, and nothing,
    // not even the reports ready before the acceptance report, is written.
    let yaml = engagement.join("engagement.yaml");
    let text = std::fs::read_to_string(&yaml).expect("yaml");
    std::fs::write(
        &yaml,
        text.replacen("壓力測試至 2,000 req", "壓力測試至 2,001 req", 1),
    )
    .expect("write");
    let before = bundle(&early);
    let err = render(&early, true, false).expect_err("a signed-off bundle is protected");
    assert!(err.contains("signed-off"), "{err}");
    assert!(bundle(&early) == before, "nothing was written");
    // Forced, it is overwritten.
    render(&early, true, true).expect("forced");
    assert!(bundle(&early) != before);
}
