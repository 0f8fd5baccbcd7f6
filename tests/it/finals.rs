//! Finals that carry their source and that everyone can read: every final
//! claims PDF/UA-1 and PDF/A (the acceptance report PDF/A-3b, carrying the
//! engagement), an independent checker agrees, and the engagement comes
//! back out of the acceptance report byte for byte.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use lopdf::{Document, Object};

use crate::common::{arg, copy_zh_sample, dossier, en_sample, render, root, text, zh_sample};
use crate::tools::conformance;

/// The three samples rendered into `out`: every PDF, acceptance reports
/// last in each bundle.
fn sample_finals(out: &Path) -> Vec<PathBuf> {
    let mut pdfs = Vec::new();
    for sample in [
        "acme-retail",
        "northwind-logistics.yaml",
        "youxianhui-retail.yaml",
    ] {
        let done = render(&root().join("samples").join(sample), out);
        for report in &done.reports {
            assert!(report.is_final, "{} is final", report.file.display());
            pdfs.push(report.file.clone());
        }
    }
    pdfs
}

/// The findings of the checker that no evidence excuses, as
/// `file profile rule: message` lines.
fn unexcused(report: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for file in report.as_array().expect("a list of files") {
        for profile in file["profiles"].as_array().expect("profiles") {
            for finding in profile["findings"].as_array().expect("findings") {
                if finding["excluded"].is_null() {
                    out.push(format!(
                        "{} {} {}: {}",
                        file["file"], profile["profile"], finding["rule"], finding["message"]
                    ));
                }
            }
        }
    }
    out
}

#[test]
#[cfg_attr(
    not(tool_conformance),
    ignore = "needs page-validation, pikepdf and fonttools (DOSSIER_PYTHON)"
)]
fn every_final_passes_the_standards_it_claims_in_an_independent_checker() {
    let out = tempfile::tempdir().expect("temp dir");
    let pdfs = sample_finals(out.path());
    let report = conformance(&pdfs);
    let files = report.as_array().expect("a list of files");
    assert_eq!(files.len(), 15);
    for file in files {
        let name = file["file"].as_str().expect("file name");
        let claims: Vec<&str> = file["claims"]
            .as_array()
            .expect("claims")
            .iter()
            .filter_map(|c| c.as_str())
            .collect();
        let archival = if name.ends_with("05-acceptance.pdf") {
            "3b"
        } else {
            "2b"
        };
        assert_eq!(claims, [archival, "ua1"], "{name}");
        for profile in file["profiles"].as_array().expect("profiles") {
            for finding in profile["findings"].as_array().expect("findings") {
                if let Some(reason) = finding["excluded"].as_str() {
                    eprintln!("{name}: {} excused: {reason}", finding["rule"]);
                }
            }
        }
    }
    let problems = unexcused(&report);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The checker's known misreading of CID-keyed fonts is excused only on
/// evidence: declared widths that disagree with the font program are not.
#[test]
#[cfg_attr(
    not(tool_conformance),
    ignore = "needs page-validation, pikepdf and fonttools (DOSSIER_PYTHON)"
)]
fn the_checker_findings_are_excused_only_on_evidence() {
    let out = tempfile::tempdir().expect("temp dir");
    let done = render(&zh_sample(), out.path());
    let original = &done.reports[0].file;
    let mut doc = Document::load(original).expect("PDF");
    let mut tampered = 0;
    for object in doc.objects.values_mut() {
        if let Object::Dictionary(dict) = object
            && dict.get(b"Subtype").ok() == Some(&Object::Name(b"CIDFontType0".to_vec()))
            && let Ok(Object::Array(w)) = dict.get_mut(b"W")
        {
            for item in w.iter_mut() {
                if let Object::Array(widths) = item {
                    for width in widths.iter_mut() {
                        *width = Object::Integer(width.as_float().unwrap_or(0.0) as i64 + 37);
                    }
                } else if let Object::Integer(n) = item
                    && *n >= 100
                {
                    *n += 37;
                }
            }
            tampered += 1;
        }
    }
    assert!(tampered > 0, "the report has CID-keyed CFF fonts");
    let broken = out.path().join("tampered.pdf");
    doc.save(&broken).expect("save");
    let report = conformance(&[broken]);
    let problems = unexcused(&report);
    assert!(
        problems.iter().any(|p| p.contains("GLYPH-WIDTH")),
        "wrong widths are reported: {problems:?}"
    );
}

/// Every image and chart of the samples' finals has its text alternative in
/// the PDF's structure tree, and decoration is left out of it.
#[test]
fn every_figure_of_the_finals_has_alt_text() {
    let out = tempfile::tempdir().expect("temp dir");
    let pdfs = sample_finals(out.path());
    let mut alts = Vec::new();
    for pdf in &pdfs {
        let doc = Document::load(pdf).expect("PDF");
        for object in doc.objects.values() {
            let Object::Dictionary(dict) = object else {
                continue;
            };
            if dict.get(b"S").ok() != Some(&Object::Name(b"Figure".to_vec())) {
                continue;
            }
            let alt = dict
                .get(b"Alt")
                .ok()
                .and_then(|a| lopdf::decode_text_string(a).ok())
                .unwrap_or_default();
            assert!(
                !alt.trim().is_empty(),
                "{}: a figure without alt text",
                pdf.display()
            );
            alts.push(alt);
        }
    }
    let has = |needle: &str| alts.iter().any(|a| a.contains(needle));
    // The sample's own words for its images.
    assert!(has("42 節點的 Kubernetes 叢集"), "{alts:#?}");
    assert!(has("峰值 2,400 ms"), "{alts:#?}");
    // Charts, read from their data, in each language.
    assert!(has("Throughput") && has("→"), "{alts:#?}");
    assert!(has("可能性") && has("影響"), "{alts:#?}");
    assert!(
        has("工作時程") && has("工作进度") && has("Schedule from"),
        "{alts:#?}"
    );
}

#[test]
#[cfg_attr(not(tool_pdfdetach), ignore = "needs poppler's pdfdetach")]
fn the_acceptance_report_carries_the_engagement_and_gives_it_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let epoch = [("SOURCE_DATE_EPOCH", "1767225600")];
    let run = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args(args)
            .envs(epoch)
            .env("NO_COLOR", "1")
            .output()
            .expect("dossier runs");
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        out
    };
    let first = dir.path().join("first");
    let said = text(&run(&["render", arg(&zh_sample()), "-o", arg(&first)]).stdout);
    assert!(
        said.contains("05-acceptance.pdf carries engagement.yaml (comments removed), brand/logo.svg, diagrams/architecture.svg, evidence/order-latency.png"),
        "render says what the acceptance report carries: {said}"
    );
    let bundle = first.join("ZP-2026-FL-001");
    let acceptance = bundle.join("05-acceptance.pdf");

    // poppler, which we did not write, lists what it carries.
    let listed = Command::new("pdfdetach")
        .arg("-list")
        .arg(&acceptance)
        .output()
        .expect("pdfdetach runs");
    let listed = text(&listed.stdout);
    for name in [
        "engagement.yaml",
        "brand/logo.svg",
        "diagrams/architecture.svg",
        "evidence/order-latency.png",
    ] {
        assert!(listed.contains(name), "pdfdetach lists {name}: {listed}");
    }
    assert!(listed.starts_with("4 embedded files"), "{listed}");
    // The other reports carry nothing.
    for other in ["01-startup.pdf", "04-service.pdf"] {
        let failed = dossier(&[
            "extract",
            arg(&bundle.join(other)),
            "-o",
            arg(&dir.path().join("x")),
        ]);
        assert_eq!(failed.status.code(), Some(1));
        assert!(text(&failed.stderr).contains("carries no attached files"));
    }

    let extracted = dir.path().join("received");
    run(&["extract", arg(&acceptance), "-o", arg(&extracted)]);
    // Every file of the engagement (its previous version, kept beside it,
    // is another engagement), the engagement file without its comments:
    // the same lines, the notes gone.
    for entry in walkdir::WalkDir::new(zh_sample())
        .into_iter()
        .filter_entry(|e| e.file_name() != "v1.0")
    {
        let entry = entry.expect("entry");
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(zh_sample()).expect("inside");
        let original = fs::read(entry.path()).expect("original");
        let back = fs::read(extracted.join(relative)).expect("extracted");
        if relative == Path::new("engagement.yaml") {
            let (original, back) = (text(&original), text(&back));
            assert_eq!(original.lines().count(), back.lines().count());
            assert!(original.contains("# 客戶關注事項"), "a heading in a block");
            assert!(back.contains("# 客戶關注事項"), "block text stays");
            assert!(original.contains("  # 範圍外第三方軟體問題的求助管道"));
            assert!(
                !back.contains("範圍外第三方軟體問題的求助管道"),
                "comments go"
            );
            assert!(
                back.contains("phone: \"+886 2 2720 1100 #301\""),
                "quoted text stays"
            );
        } else {
            assert!(
                back == original,
                "{} comes back as written",
                relative.display()
            );
        }
    }
    let second = dir.path().join("second");
    run(&["render", arg(&extracted), "-o", arg(&second)]);
    for report in [
        "01-startup",
        "02-plan",
        "03-survey",
        "04-service",
        "05-acceptance",
    ] {
        let file = format!("{report}.pdf");
        assert!(
            fs::read(bundle.join(&file)).expect("first")
                == fs::read(second.join("ZP-2026-FL-001").join(&file)).expect("second"),
            "{file}: the extract renders to the same bytes"
        );
    }

    // Extracting again into the same folder overwrites nothing.
    let again = dossier(&["extract", arg(&acceptance), "-o", arg(&extracted)]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("exists already"),
        "{}",
        text(&again.stderr)
    );
}

/// With `--attach-verbatim` the engagement file travels as written,
/// comments included, and `dossier sign` renders such a bundle again to
/// the same bytes.
#[test]
fn attach_verbatim_carries_the_engagement_file_as_written() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let said = dossier(&[
        "render",
        arg(&zh_sample()),
        "-o",
        arg(&out),
        "--attach-verbatim",
    ]);
    assert!(said.status.success(), "{}", text(&said.stderr));
    assert!(
        text(&said.stdout).contains("carries engagement.yaml (as written, comments included)"),
        "{}",
        text(&said.stdout)
    );
    let acceptance = out.join("ZP-2026-FL-001/05-acceptance.pdf");
    let carried = dossier::ops::extract::attachments(&fs::read(&acceptance).expect("PDF"))
        .expect("attachments");
    let engagement = carried
        .iter()
        .find(|a| a.name == "engagement.yaml")
        .expect("the engagement file");
    assert!(engagement.bytes == fs::read(zh_sample().join("engagement.yaml")).expect("sample"));
    let refused = dossier(&[
        "render",
        arg(&zh_sample()),
        "--no-attach",
        "--attach-verbatim",
    ]);
    assert_eq!(refused.status.code(), Some(2), "the two options conflict");
}

/// Every PDF ends its last line: another tool's incremental update (a
/// customer's signature) starts on a line of its own.
#[test]
fn every_pdf_ends_with_an_end_of_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let done = render(&en_sample(), dir.path());
    for report in &done.reports {
        let bytes = fs::read(&report.file).expect("PDF");
        assert!(bytes.ends_with(b"%%EOF\n"), "{}", report.file.display());
    }
}

#[test]
fn extract_names_the_folder_after_the_engagement_and_keeps_names_inside_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    let done = render(&root().join("samples/northwind-logistics.yaml"), &out);
    let acceptance = done.reports[4].file.clone();
    let into = dir.path().join("here");
    fs::create_dir_all(&into).expect("dir");
    let status = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["extract", arg(&acceptance)])
        .current_dir(&into)
        .output()
        .expect("runs");
    assert!(status.status.success(), "{}", text(&status.stderr));
    // The file without its comments, every line where it was.
    let original =
        fs::read_to_string(root().join("samples/northwind-logistics.yaml")).expect("original");
    assert_eq!(
        fs::read_to_string(into.join("NW-2026-007/northwind-logistics.yaml")).expect("extracted"),
        dossier::pipeline::load::comments::strip(&original)
    );

    // A PDF whose attachment names a file outside the folder is refused,
    // and nothing is written.
    let mut doc = Document::load(&acceptance).expect("PDF");
    for object in doc.objects.values_mut() {
        if let Object::Dictionary(dict) = object
            && dict.get(b"Type").ok() == Some(&Object::Name(b"Filespec".to_vec()))
        {
            for key in [b"F".as_slice(), b"UF"] {
                dict.set(key, Object::string_literal("../../escaped.yaml"));
            }
        }
    }
    let hostile = dir.path().join("hostile.pdf");
    doc.save(&hostile).expect("save");
    let target = dir.path().join("a/b");
    let refused = dossier(&["extract", arg(&hostile), "-o", arg(&target)]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        text(&refused.stderr).contains("not a relative path"),
        "{}",
        text(&refused.stderr)
    );
    assert!(!dir.path().join("escaped.yaml").exists());
    assert!(!target.exists());
}

#[test]
fn no_attach_leaves_the_source_out() {
    let dir = tempfile::tempdir().expect("temp dir");
    let engagement = copy_zh_sample(dir.path());
    let out = dir.path().join("out");
    let rendered = dossier(&["render", arg(&engagement), "-o", arg(&out), "--no-attach"]);
    assert!(rendered.status.success(), "{}", text(&rendered.stderr));
    let acceptance = out.join("ZP-2026-FL-001/05-acceptance.pdf");
    let bytes = fs::read(&acceptance).expect("PDF");
    assert!(
        dossier::ops::extract::attachments(&bytes)
            .expect("readable")
            .is_empty()
    );
    let failed = dossier(&["extract", arg(&acceptance)]);
    assert!(text(&failed.stderr).contains("carries no attached files"));
}

#[test]
fn an_image_without_alt_text_keeps_its_report_a_draft() {
    let dir = tempfile::tempdir().expect("temp dir");
    let engagement = copy_zh_sample(dir.path());
    let yaml = engagement.join("engagement.yaml");
    let source = fs::read_to_string(&yaml).expect("yaml");
    // The evidence loses its alt text; a finding gains a Markdown image
    // without one.
    let without: String = {
        let start = source
            .find("        alt: >-\n          應用監控折線圖")
            .expect("the evidence's alt");
        let end = source[start..].find("  - id: F-02").expect("next finding") + start;
        format!("{}{}", &source[..start], &source[end..])
    };
    let without = without.replacen(
        "    description: |\n",
        "    description: |\n      ![](evidence/order-latency.png)\n\n",
        1,
    );
    fs::write(&yaml, &without).expect("write");
    let checked = dossier(&["check", arg(&engagement)]);
    let said = text(&checked.stderr);
    assert!(
        checked.status.success(),
        "a pending step, not an error: {said}"
    );
    // Two warnings of one rule, grouped under a count.
    assert!(said.contains("warning: 2 warnings [alt-text]"), "{said}");
    // At the figure's path, and at the Markdown image's.
    let markdown = without
        .lines()
        .position(|l| l.contains("![](evidence/order-latency.png)"))
        .expect("the Markdown image")
        + 1;
    assert!(
        said.contains(&format!("engagement.yaml:{markdown}:11")),
        "{said}"
    );
    let figure = without
        .lines()
        .position(|l| l.contains("- path: evidence/order-latency.png"))
        .expect("the figure")
        + 1;
    assert!(
        said.contains(&format!("engagement.yaml:{figure}:15")),
        "{said}"
    );
    let rendered = dossier(&[
        "render",
        arg(&engagement),
        "-o",
        arg(&dir.path().join("out")),
    ]);
    let said = format!("{}{}", text(&rendered.stdout), text(&rendered.stderr));
    assert!(rendered.status.success(), "{said}");
    assert!(
        said.contains("(3 final, 2 draft)"),
        "service and acceptance are drafts: {said}"
    );
}
