//! Re-issued reports: what changed since a previous version (a file, a git
//! revision, an acceptance report), the appendix that lists it, `dossier
//! diff`, the version and retest rules.

use std::path::{Path, PathBuf};

use dossier::base::model::{Engagement, Locale, Pos};
use dossier::base::scalars::Node;
use dossier::pipeline::fill::Filler;
use dossier::pipeline::load::versions::{What, at_path, changes, dotted, edits, rows};
use dossier::pipeline::load::{Loaded, load};

use crate::common::{
    arg, copy_zh_sample, dossier, dossier_ok, en_sample, en_sample_with, engagement_file, pdf_text,
    root, squeeze, text, zh_sample,
};

fn zh_hans_sample() -> PathBuf {
    root().join("samples/youxianhui-retail.yaml")
}

fn engagement(path: &Path) -> Engagement {
    load(path).expect("the sample loads").engagement
}

/// `text` with `old` replaced by `new` once (it must be there).
fn edit(text: &str, old: &str, new: &str) -> String {
    assert!(text.contains(old), "no {old:?}");
    text.replacen(old, new, 1)
}

/// The English sample and a copy with one change of each kind: a date, a
/// target, a measured figure, a finding's severity, title and
/// recommendation, a retest added, a finding removed, a solution's status,
/// an item of a list of scalars, the sign-off's method.
fn every_kind_of_change(dir: &Path) -> (Loaded, Loaded) {
    let base = load(&en_sample()).expect("sample loads");
    let mut text = base.source.clone();
    text = edit(&text, "  ends_on: 2026-11-13", "  ends_on: 2026-11-14");
    text = edit(&text, "    severity: high", "    severity: critical");
    text = edit(&text, "p99: ", "p99: 1");
    text = edit(&text, "    status: verified", "    status: scheduled");
    text = edit(&text, "    method: email", "    method: stamp");
    let f2 = text.find("  - id: NW-F2").expect("NW-F2");
    let next = f2 + 4 + text[f2 + 4..].find("\n  - id: ").expect("next finding");
    text.replace_range(f2..next + 1, "");
    let file = dir.join("new.yaml");
    std::fs::write(&file, &text).expect("write");
    (base, load(&file).expect("the edited copy loads"))
}

#[test]
fn each_kind_of_change_is_named_by_its_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (base, new) = every_kind_of_change(dir.path());
    let list = changes(&base, &new);
    let paths: Vec<&str> = list.iter().map(|c| c.path.as_str()).collect();
    for (path, what) in [
        ("engagement.ends_on", What::Changed),
        ("findings[NW-F2]", What::Removed),
        ("acceptance.signoff.method", What::Changed),
    ] {
        assert!(
            list.iter().any(|c| c.path == path && c.change == what),
            "no {path} {what:?} in {paths:#?}"
        );
    }
    for prefix in ["findings[NW-F1].severity", "stress_tests[", "solutions["] {
        assert!(
            paths.iter().any(|p| p.starts_with(prefix)),
            "no {prefix} in {paths:#?}"
        );
    }
    assert!(paths.iter().any(|p| p.contains("].p99")), "{paths:#?}");
    assert_eq!(list, changes(&base, &new), "the same list every time");
    assert!(changes(&base, &base).is_empty(), "nothing changed");
}

#[test]
fn each_kind_of_change_is_printed_in_every_locale() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (base, new) = every_kind_of_change(dir.path());
    let list = changes(&base, &new);
    let filler = Filler::new(Default::default());
    let mut seen = Vec::new();
    for (locale, severity, removed) in [
        (Locale::En, "Severity", "Removed"),
        (Locale::ZhHant, "嚴重程度", "移除"),
        (Locale::ZhHans, "严重程度", "移除"),
    ] {
        let t = filler.catalogue(locale).expect("catalogue");
        let table = rows(&list, &t).expect("every change has its wording");
        // One row per item, one line per change.
        assert_eq!(
            table.iter().map(|r| r.change.len()).sum::<usize>(),
            list.len()
        );
        let all: String = table
            .iter()
            .flat_map(|r| {
                [&r.section, &r.id, &r.title]
                    .into_iter()
                    .cloned()
                    .chain(r.change.clone())
            })
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            !all.contains('{') && !all.contains('}'),
            "{locale:?}: unfilled: {all}"
        );
        for needle in [severity, removed, "NW-F1", "NW-F2", "→"] {
            assert!(all.contains(needle), "{locale:?}: no {needle:?} in {all}");
        }
        // No YAML key is shown to the customer.
        for key in ["ends_on", "severity", "signoff", "stress_tests"] {
            assert!(!all.contains(key), "{locale:?}: {key} in {all}");
        }
        // Closed vocabularies as the locale's labels, dates its way.
        let critical = t.key("severities", "critical").expect("label");
        assert!(all.contains(critical), "{locale:?}: {all}");
        let date = t
            .date(new.engagement.engagement.ends_on.value)
            .expect("date");
        assert!(all.contains(&date), "{locale:?}: no {date} in {all}");
        seen.push(all);
    }
    assert!(seen[0] != seen[1] && seen[1] != seen[2]);
}

/// Where each scalar of `source` can be edited: after a quoted scalar's
/// opening quote, at a block scalar's first line, at a plain scalar.
fn edit_points(source: &str) -> Vec<(Pos, usize)> {
    dossier::base::scalars::scalars(source)
        .into_iter()
        .filter(|s| !s.text.is_empty())
        .map(|s| {
            let mut at = s.pos.byte_in(source);
            if source[at..].starts_with(['|', '>']) {
                at += source[at..].find('\n').expect("block") + 1;
                at += source[at..].len() - source[at..].trim_start_matches(' ').len();
            } else if source[at..].starts_with(['"', '\'']) {
                at += 1;
            }
            (s.pos, at)
        })
        .collect()
}

#[test]
fn any_edit_of_any_scalar_of_a_sample_is_named_where_it_was_made() {
    for sample in [en_sample(), zh_sample(), zh_hans_sample()] {
        let file = dossier::pipeline::load::engagement_file(&sample);
        let source = std::fs::read_to_string(&file).expect("sample");
        let base = dossier::base::scalars::tree(&source).expect("tree");
        let points = edit_points(&source);
        assert!(
            points.len() > 200,
            "{}: {} scalars",
            file.display(),
            points.len()
        );
        for (pos, at) in points {
            let mut edited = source.clone();
            edited.insert(at, '9');
            let new = dossier::base::scalars::tree(&edited).expect("still YAML");
            let found = edits(&base, &new);
            // One edit, at the scalar itself, at the list of scalars it is
            // in, or, for the value that identifies an item, the item
            // removed under its old id and added under the new one.
            assert!(
                found.len() == 1 || (found.len() == 2 && found[0].before.is_none()),
                "{}:{pos}: {found:#?}",
                file.display()
            );
            let contains = |node: &Node| {
                node.pos == pos || dossier::base::scalars::scalars_of(node).contains(&pos)
            };
            assert!(
                found
                    .iter()
                    .filter_map(|e| at_path(&base, &e.steps))
                    .any(contains),
                "{}:{pos}: named {}",
                file.display(),
                dotted(&found[0].steps)
            );
        }
    }
}

#[test]
fn a_changed_verdict_is_a_change_of_the_service_and_acceptance_reports() {
    let base = crate::common::en_sample_with(
        "      outcome: met\n      evidence: [NW-T1, NW-S3]\n",
        "      outcome: not-met\n      reason: The peak test was not run yet.\n",
    );
    let (_a, base_file) = engagement_file(&base);
    let said = dossier_ok(&[
        "diff",
        arg(&base_file),
        arg(&en_sample()),
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&said.stdout).expect("json");
    let list = json["changes"].as_array().expect("changes");
    let verdict: Vec<&serde_json::Value> = list
        .iter()
        .filter(|c| c["path"].as_str().unwrap_or("").contains(".verdict"))
        .collect();
    assert!(!verdict.is_empty(), "{json:#}");
    for change in verdict {
        assert!(
            change["path"]
                .as_str()
                .unwrap_or("")
                .starts_with("objectives[2].verdict")
        );
        assert_eq!(
            change["reports"],
            serde_json::json!(["service", "acceptance"])
        );
    }
    assert_eq!(
        json["reports"],
        serde_json::json!(["service", "acceptance"])
    );
}

/// `sample`'s text with the first finding's severity and the first P99
/// figure changed: a previous version to re-issue against.
fn earlier_version(sample: &Path, dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(sample).expect("sample");
    let findings = text.find("\nfindings:").expect("findings");
    let at = findings + text[findings..].find("    severity: ").expect("severity");
    let end = at + text[at..].find('\n').expect("line");
    let severity = if text[at..end].contains("info") {
        "low"
    } else {
        "info"
    };
    let mut text = format!("{}    severity: {severity}{}", &text[..at], &text[end..]);
    let p99 = text.find("p99: ").expect("p99") + "p99: ".len();
    let digits = text[p99..]
        .find(|c: char| !c.is_ascii_digit())
        .expect("figure");
    text.replace_range(p99..p99 + digits, "9999");
    // Beside the images it uses, which did not change.
    if sample.ends_with("acme-retail/engagement.yaml") {
        crate::common::copy_zh_sample_into(dir);
    }
    let file = dir.join("previous.yaml");
    std::fs::write(&file, text).expect("write");
    file
}

/// The text of a PDF, squeezed.
fn pdf(path: &Path) -> String {
    squeeze(&pdf_text(&lopdf::Document::load(path).expect("pdf")))
}

#[test]
fn the_appendix_lists_the_changes_in_each_locale_and_only_when_something_changed() {
    for (sample, title) in [
        (en_sample(), "Changessinceversion"),
        (zh_hans_sample(), "以来的变更"),
        (zh_sample(), "以來的變更"),
    ] {
        let dir = tempfile::tempdir().expect("temp dir");
        let base = earlier_version(
            &dossier::pipeline::load::engagement_file(&sample),
            dir.path(),
        );
        let new = engagement(&sample);
        let finding = &new.findings[0].id.value;
        let out = dir.path().join("out");
        dossier_ok(&[
            "render",
            arg(&sample),
            "-o",
            arg(&out),
            "--since",
            arg(&base),
        ]);
        let bundle = out.join(&new.engagement.id.value);
        for (report, listed) in [
            ("02-plan.pdf", false),
            ("04-service.pdf", true),
            ("05-acceptance.pdf", true),
            ("01-startup.pdf", false),
        ] {
            let text = pdf(&bundle.join(report));
            assert_eq!(
                text.contains(title),
                listed,
                "{}: {report}",
                sample.display()
            );
            if !listed {
                continue;
            }
            let appendix = &text[text.rfind(title).expect("title")..];
            if report == "04-service.pdf" {
                assert!(appendix.contains(finding.as_str()), "{report}: {appendix}");
                assert!(appendix.contains("P99"), "{report}: {appendix}");
                assert!(appendix.contains("9999"), "{report}: {appendix}");
            } else {
                // The acceptance report prints neither the severity nor the
                // stress test's figures: it lists the service report,
                // certified anew with its new digest.
                assert!(!appendix.contains("9999"), "{report}: {appendix}");
                assert!(appendix.contains("SHA-256"), "{report}: {appendix}");
            }
        }
        // Against itself: no appendix, and the same bytes as without --since.
        let same = dir.path().join("same");
        let plain = dir.path().join("plain");
        let file = dossier::pipeline::load::engagement_file(&sample);
        for (to, since) in [(&same, Some(arg(&file))), (&plain, None)] {
            let mut args = vec!["render", arg(&sample), "-o", arg(to)];
            args.extend(since.map(|s| ["--since", s]).into_iter().flatten());
            let said = dossier(&args);
            assert!(said.status.success(), "{}", text(&said.stderr));
        }
        for report in ["02-plan.pdf", "04-service.pdf", "05-acceptance.pdf"] {
            let id = &new.engagement.id.value;
            let a = std::fs::read(same.join(id).join(report)).expect("pdf");
            let b = std::fs::read(plain.join(id).join(report)).expect("pdf");
            assert!(
                a == b,
                "{report}: an unchanged engagement printed something"
            );
        }
    }
}

#[test]
fn a_re_issue_renders_byte_identical_reports_every_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = zh_sample().join("v1.0");
    let mut bundles = Vec::new();
    for run in ["a", "b"] {
        let out = dir.path().join(run);
        dossier_ok(&[
            "render",
            arg(&zh_sample()),
            "-o",
            arg(&out),
            "--since",
            arg(&base),
        ]);
        bundles.push(out.join("ZP-2026-FL-001"));
    }
    for report in [
        "02-plan.pdf",
        "04-service.pdf",
        "05-acceptance.pdf",
        "manifest.json",
    ] {
        let a = std::fs::read(bundles[0].join(report)).expect("first");
        let b = std::fs::read(bundles[1].join(report)).expect("second");
        assert!(a == b, "{report} differs between two runs");
    }
    // The sample's previous version: the retests, the second round of
    // stress tests and the sign-off, on the service report's last page and
    // the acceptance report's.
    let service = pdf(&bundles[0].join("04-service.pdf"));
    let appendix = &service[service.rfind("自版本1.0以來的變更").expect("appendix")..];
    for needle in [
        "F-04",
        "已修復",
        "處理中→已解決",
        "F-06",
        "接受風險",
        "S-04",
        "T-01",
        "620ms→470ms",
    ] {
        assert!(appendix.contains(needle), "no {needle} in {appendix}");
    }
    assert!(
        !appendix.contains("張文彬"),
        "the sign-off is the acceptance report's"
    );
    let acceptance = pdf(&bundles[0].join("05-acceptance.pdf"));
    let appendix = &acceptance[acceptance.rfind("自版本1.0以來的變更").expect("appendix")..];
    assert!(appendix.contains("驗收確認"), "{appendix}");
    assert!(appendix.contains("張文彬"), "{appendix}");
}

#[test]
fn diff_prints_the_changes_as_text_and_json() {
    let base = zh_sample().join("v1.0");
    let said = dossier_ok(&["diff", arg(&base), arg(&zh_sample())]);
    let out = text(&said.stdout);
    for needle in [
        "問題 F-04",
        "狀態：處理中 → 已解決  (findings[F-04].status)",
        "解決方案 S-04",
        "壓力測試 T-01",
        "調校後 1200 › P99：620 ms → 470 ms  (stress_tests[T-01].after[1200].p99)",
        "驗收確認",
        "changes since",
        "content changed: service, acceptance",
    ] {
        assert!(out.contains(needle), "no {needle:?} in {out}");
    }
    let said = dossier(&["diff", arg(&base), arg(&zh_sample()), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&said.stdout).expect("json");
    let list = json["changes"].as_array().expect("changes");
    let at = |path: &str| {
        list.iter()
            .find(|c| c["path"] == path)
            .unwrap_or_else(|| panic!("no {path} in {json:#}"))
    };
    let status = at("findings[F-04].status");
    assert_eq!(status["change"], "changed");
    assert_eq!(status["from"], "in-progress");
    assert_eq!(status["to"], "resolved");
    assert_eq!(
        status["reports"],
        serde_json::json!(["service", "acceptance"])
    );
    let retest = at("findings[F-04].retests[2026-11-17]");
    assert_eq!(retest["change"], "added");
    assert_eq!(retest["to"]["result"], "fixed");
    let signoff = at("acceptance.signoff");
    assert_eq!(signoff["change"], "added");
    assert_eq!(signoff["reports"], serde_json::json!(["acceptance"]));
    // Only the reports that print something changed: the earlier reports
    // are untouched.
    assert_eq!(
        json["reports"],
        serde_json::json!(["service", "acceptance"])
    );
    assert!(
        list.iter().all(|c| c["reports"]
            .as_array()
            .expect("reports")
            .iter()
            .all(|r| r == "service" || r == "acceptance")),
        "{json:#}"
    );
    // --exit-code says whether anything changed.
    let said = dossier(&["diff", arg(&base), arg(&zh_sample()), "--exit-code"]);
    assert_eq!(said.status.code(), Some(1));
    let said = dossier(&["diff", arg(&zh_sample()), arg(&zh_sample()), "--exit-code"]);
    assert_eq!(said.status.code(), Some(0), "{}", text(&said.stderr));
    assert!(text(&said.stdout).contains("0 changes since"));
}

fn git(dir: &Path, args: &[&str]) {
    let said = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        said.status.success(),
        "git {args:?}: {}",
        text(&said.stderr)
    );
}

#[test]
fn a_git_revision_of_the_engagement_file_is_a_previous_version() {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join("team")).expect("dir");
    let file = repo.join("team/northwind.yaml");
    let earlier = en_sample_with(
        "    severity: high\n    status: resolved",
        "    severity: low\n    status: resolved",
    );
    std::fs::write(&file, earlier).expect("write");
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-q", "-m", "v1.0"]);
    git(&repo, &["tag", "v1.0"]);
    std::fs::copy(en_sample(), &file).expect("the current version");
    let said = dossier_ok(&["diff", "git:v1.0", arg(&file), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&said.stdout).expect("json");
    assert_eq!(json["base"], "git:v1.0");
    assert_eq!(
        json["changes"],
        serde_json::json!([{ "path": "findings[NW-F1].severity", "title": "Long import transactions block tracking reads",
            "change": "changed", "from": "low", "to": "high", "reports": ["service"] }])
    );
    // From another directory, and for render and check too.
    let out = dir.path().join("out");
    dossier_ok(&[
        "render",
        arg(&repo),
        "-o",
        arg(&out),
        "--since",
        "git:v1.0",
        "--only",
        "service",
    ]);
    let service = pdf(&out.join("NW-2026-007/04-service.pdf"));
    assert!(service.contains("Changessinceversion1.0"), "{service}");
    let said = dossier(&["check", arg(&file), "--since", "git:v1.0"]);
    assert!(
        text(&said.stderr).contains("[versions]"),
        "{}",
        text(&said.stderr)
    );
    // A revision that does not exist, or a file git does not know there.
    let said = dossier(&["diff", "git:v9.9", arg(&file)]);
    assert_eq!(said.status.code(), Some(1));
    assert!(
        text(&said.stderr).contains("git cannot show it at v9.9"),
        "{}",
        text(&said.stderr)
    );
    let said = dossier(&["diff", "git:", arg(&file)]);
    assert_eq!(said.status.code(), Some(2), "a usage error");
}

#[test]
fn an_acceptance_report_is_a_previous_version() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("out");
    // The version delivered before, as the customer received it (a draft:
    // it was not signed off yet; drafts carry their source too).
    dossier_ok(&["render", arg(&zh_sample().join("v1.0")), "-o", arg(&out)]);
    let delivered = out.join("ZP-2026-FL-001/05-acceptance.pdf");
    let from_pdf = dossier(&[
        "diff",
        arg(&delivered),
        arg(&zh_sample()),
        "--format",
        "json",
    ]);
    assert!(from_pdf.status.success(), "{}", text(&from_pdf.stderr));
    let from_dir = dossier(&[
        "diff",
        arg(&zh_sample().join("v1.0")),
        arg(&zh_sample()),
        "--format",
        "json",
    ]);
    let changes = |o: &std::process::Output| {
        serde_json::from_slice::<serde_json::Value>(&o.stdout).expect("json")["changes"].clone()
    };
    assert_eq!(changes(&from_pdf), changes(&from_dir));
    // A PDF carrying nothing, and another engagement, are refused.
    let plan = out.join("ZP-2026-FL-001/02-plan.pdf");
    let said = dossier(&["diff", arg(&plan), arg(&zh_sample())]);
    assert_eq!(said.status.code(), Some(1));
    assert!(
        text(&said.stderr).contains("carries no engagement file"),
        "{}",
        text(&said.stderr)
    );
    let said = dossier(&["diff", arg(&en_sample()), arg(&zh_sample())]);
    assert_eq!(said.status.code(), Some(1));
    assert!(
        text(&said.stderr).contains("is engagement NW-2026-007, not ZP-2026-FL-001"),
        "{}",
        text(&said.stderr)
    );
    // One previous version cannot serve several engagements.
    let said = dossier(&[
        "render",
        arg(&root().join("samples")),
        "-o",
        arg(&out),
        "--since",
        arg(&en_sample()),
    ]);
    assert_eq!(said.status.code(), Some(1));
    assert!(
        text(&said.stderr).contains("3 engagements were found"),
        "{}",
        text(&said.stderr)
    );
}

/// The diagnostics of `check --since BASE NEW` (rule ids and codes).
fn check_since(base: &Path, new: &Path) -> String {
    let said = dossier(&["check", arg(new), "--since", arg(base), "--format", "json"]);
    text(&said.stdout)
}

#[test]
fn a_changed_report_needs_a_new_version_that_goes_up() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = earlier_version(&en_sample(), dir.path());
    // The service report changed, its version did not.
    let json: serde_json::Value =
        serde_json::from_str(&check_since(&base, &en_sample())).expect("json");
    let diagnostics = json["engagements"][0]["diagnostics"]
        .as_array()
        .expect("list")
        .clone();
    let unchanged: Vec<&serde_json::Value> = diagnostics
        .iter()
        .filter(|d| {
            d["rule"] == "versions"
                && d["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("still version")
        })
        .collect();
    assert_eq!(
        unchanged.len(),
        2,
        "service and acceptance: {diagnostics:#?}"
    );
    // An error that keeps each of them a draft, at its latest version.
    for d in &unchanged {
        assert_eq!(d["severity"], "error", "{d:#}");
        assert!(
            d["message"]
                .as_str()
                .unwrap_or("")
                .contains("findings[NW-F"),
            "{d:#}"
        );
    }
    // A new version for both, at the end of the history: nothing to say.
    let sample = std::fs::read_to_string(en_sample()).expect("sample");
    let end = sample.find("\nhistory:").expect("history") + 1;
    let end = sample[end..]
        .find("\n\n")
        .map_or(sample.len(), |k| end + k + 1);
    let bumped = format!(
        "{}  - version: \"1.2\"\n    date: 2026-11-20\n    author: Hannah Okafor\n    change: Retest results\n    reports: [service, acceptance]\n{}",
        &sample[..end],
        &sample[end..]
    );
    let (_keep, new) = engagement_file(&bumped);
    let json: serde_json::Value = serde_json::from_str(&check_since(&base, &new)).expect("json");
    assert_eq!(json["warnings"], 0, "{json:#}");
    assert_eq!(json["errors"], 0, "{json:#}");
    // A version lower than the previous one's.
    let lower = bumped.replace("version: \"1.2\"", "version: \"0.9\"");
    let (_keep2, new) = engagement_file(&lower);
    let out = check_since(&base, &new);
    assert!(out.contains("but the previous version"), "{out}");
    // Without --since, a history whose versions go back is flagged alone.
    let said = dossier(&["check", arg(&new)]);
    assert!(
        text(&said.stderr).contains("versions only go up"),
        "{}",
        text(&said.stderr)
    );
}

#[test]
fn retests_decide_a_findings_status() {
    let resolved = "    status: resolved\n    description: Queries for recent events";
    // A status that contradicts the last retest is an error at the status.
    let yaml = en_sample_with(
        resolved,
        "    status: open\n    description: Queries for recent events",
    );
    let (_dir, file) = engagement_file(&yaml);
    let said = dossier(&["check", arg(&file)]);
    assert_eq!(said.status.code(), Some(1));
    let err = text(&said.stderr);
    assert!(
        err.contains("finding NW-F2 is `open`, but its last retest (2026-10-26) found it `fixed`"),
        "{err}"
    );
    // Left out, the retest decides; without a retest, a fix is a warning.
    let yaml = en_sample_with(resolved, "    description: Queries for recent events");
    let (_dir, file) = engagement_file(&yaml);
    let said = dossier_ok(&["check", arg(&file)]);
    assert!(
        text(&said.stdout).contains("0 warnings"),
        "{}",
        text(&said.stdout)
    );
    let retest = "    retests:\n      - date: 2026-10-26\n        by: Tomás Reyes\n        result: fixed\n        evidence: EXPLAIN of the recent-events query shows 1 of 24 partitions scanned.\n";
    let yaml = en_sample_with(retest, "");
    let (_dir, file) = engagement_file(&yaml);
    let said = dossier(&["check", arg(&file)]);
    assert!(said.status.success());
    assert!(
        text(&said.stderr)
            .contains("finding NW-F2 is resolved without a retest that found it fixed"),
        "{}",
        text(&said.stderr)
    );
    // An accepted risk without who accepted it keeps the reports drafts.
    let yaml = en_sample_with(
        retest,
        &retest.replace("result: fixed", "result: risk-accepted"),
    )
    .replace(resolved, "    description: Queries for recent events");
    let (_dir, file) = engagement_file(&yaml);
    let said = dossier(&["check", arg(&file), "--strict", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&said.stdout).expect("json");
    assert_eq!(
        json["engagements"][0]["drafts"],
        serde_json::json!(["service", "acceptance"]),
        "{json:#}"
    );
    let accepted = yaml.replace("result: risk-accepted\n", "result: risk-accepted\n        accepted_by: Daniel Whitfield, Head of Platform Engineering\n        reason: Partitioning needs a maintenance window booked for January.\n");
    let (_dir, file) = engagement_file(&accepted);
    dossier_ok(&["check", arg(&file), "--strict"]);
}

#[test]
fn the_service_report_shows_each_findings_retests_and_the_acceptance_report_what_was_retested() {
    let dir = tempfile::tempdir().expect("temp dir");
    let engagement = copy_zh_sample(dir.path());
    let out = dir.path().join("out");
    dossier_ok(&[
        "render",
        arg(&engagement),
        "-o",
        arg(&out),
        "--only",
        "acceptance",
    ]);
    let service = pdf(&out.join("ZP-2026-FL-001/04-service.pdf"));
    for needle in [
        "複測與狀態變化",
        "初始狀態處理中1F-04",
        "處理中已解決1F-04",
        "初始狀態已解決4F-01、F-02、F-03、F-05",
        "第二輪壓力測試T-01中擴充耗時55秒",
        "風險接受人：張文彬（技術長）。",
    ] {
        assert!(
            service.contains(needle),
            "no {needle} in the service report"
        );
    }
    let acceptance = pdf(&out.join("ZP-2026-FL-001/05-acceptance.pdf"));
    for needle in [
        "已複測問題",
        "F-04",
        "2026年11月17日",
        // The accepted risk stands apart from the fixes, with its record.
        "客戶接受之風險",
        "F-06服務網格sidecar資源耗用偏高張文彬（技術長）2026年11月18日",
    ] {
        assert!(
            acceptance.contains(needle),
            "no {needle} in the acceptance report"
        );
    }
}

#[test]
fn a_plan_revised_before_confirmation_lists_what_moved() {
    let dir = tempfile::tempdir().expect("temp dir");
    // The previous plan: a milestone a week later, no confirmation yet.
    let earlier = en_sample_with(
        "    - name: Plan confirmed\n      date: 2026-10-05",
        "    - name: Plan confirmed\n      date: 2026-10-12",
    );
    let at = earlier
        .find("  confirmed_on: 2026-10-05\n")
        .expect("confirmed_on");
    let earlier = format!(
        "{}{}",
        &earlier[..at],
        &earlier[at + "  confirmed_on: 2026-10-05\n".len()..]
    );
    let base = dir.path().join("plan-v0.9.yaml");
    std::fs::write(&base, earlier).expect("write");
    let out = dir.path().join("out");
    dossier_ok(&[
        "render",
        arg(&en_sample()),
        "-o",
        arg(&out),
        "--since",
        arg(&base),
        "--only",
        "plan,service",
    ]);
    let plan = pdf(&out.join("NW-2026-007/02-plan.pdf"));
    let appendix = &plan[plan.rfind("Changessinceversion1.0").expect("an appendix")..];
    for needle in [
        "Confirmedon:—→5October2026",
        "MilestonesPlanconfirmed›Date:12October2026→5October2026",
    ] {
        assert!(appendix.contains(needle), "no {needle} in {appendix}");
    }
    // The service report does not print the milestone; the confirmation
    // made it a final (it was a draft waiting for it), so it lists that.
    let service = pdf(&out.join("NW-2026-007/04-service.pdf"));
    let appendix = &service[service
        .rfind("Changessinceversion1.0")
        .expect("an appendix")..];
    assert!(
        appendix.contains("Confirmedon:—→5October2026"),
        "{appendix}"
    );
    assert!(!appendix.contains("Milestones"), "{appendix}");
}

/// One sentence added to a finding's recommendation: `diff` names it,
/// `check --since` wants a new version of the service report and of the
/// acceptance report (whose digest of it changes) and of no other, a bump
/// clears it, the service report's appendix lists it, and the reports it
/// did not touch are byte-identical to a render of the previous version.
/// An image replaced by another is named by its path.
#[test]
fn a_sentence_added_to_a_recommendation_is_a_new_version_of_two_reports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = copy_zh_sample(&dir.path().join("base"));
    let new = copy_zh_sample(&dir.path().join("new"));
    let file = new.join("engagement.yaml");
    let sample = std::fs::read_to_string(&file).expect("sample");
    let added = "      - 大促前完成一次熱 key 切換演練。\n";
    let edited = edit(
        &sample,
        "      - 開啟代理模式的熱點 key 快取功能。\n",
        &format!("      - 開啟代理模式的熱點 key 快取功能。\n{added}"),
    );
    std::fs::write(&file, &edited).expect("write");

    let said = dossier(&["diff", arg(&base), arg(&new), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&said.stdout).expect("json");
    let paths: Vec<&str> = json["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["path"].as_str())
        .collect();
    assert_eq!(paths, ["findings[F-03].recommendation"], "{json:#}");
    assert_eq!(
        json["reports"],
        serde_json::json!(["service", "acceptance"])
    );

    // An error for each of the two reports, at its latest history entry,
    // naming the path; none for the others.
    let json: serde_json::Value = serde_json::from_str(&check_since(&base, &new)).expect("json");
    let unchanged: Vec<&serde_json::Value> = json["engagements"][0]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| {
            d["rule"] == "versions"
                && d["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("still version"))
        })
        .collect();
    let blocked: Vec<&serde_json::Value> = unchanged.iter().map(|d| &d["reports"]).collect();
    assert_eq!(
        blocked,
        [
            &serde_json::json!(["service"]),
            &serde_json::json!(["acceptance"])
        ],
        "{json:#}"
    );
    for d in &unchanged {
        assert_eq!(d["severity"], "error");
        assert!(
            d["message"]
                .as_str()
                .is_some_and(|m| m.contains("findings[F-03].recommendation")),
            "{d:#}"
        );
    }
    let history_line = |version: &str| {
        let at = edited
            .find(&format!("  - version: \"{version}\"\n    date: 2026-11-20"))
            .expect("the service report's latest entry");
        edited[..at].lines().count() as u64 + 1
    };
    assert_eq!(
        unchanged[0]["line"],
        history_line("1.1"),
        "{:#}",
        unchanged[0]
    );

    // The previous version's bundle, and the new one rendered against it.
    let (before, after) = (dir.path().join("before"), dir.path().join("after"));
    dossier_ok(&["render", arg(&base), "-o", arg(&before)]);
    dossier_ok(&[
        "render",
        arg(&new),
        "-o",
        arg(&after),
        "--since",
        arg(&base),
    ]);
    let bundle = |out: &Path, report: &str| {
        std::fs::read(out.join("ZP-2026-FL-001").join(report)).expect("report")
    };
    for report in ["01-startup.pdf", "02-plan.pdf", "03-survey.pdf"] {
        assert!(
            bundle(&before, report) == bundle(&after, report),
            "{report} changed though nothing it prints did"
        );
    }
    for report in ["04-service.pdf", "05-acceptance.pdf"] {
        assert!(
            bundle(&before, report) != bundle(&after, report),
            "{report}"
        );
    }
    let service = pdf(&after.join("ZP-2026-FL-001/04-service.pdf"));
    let appendix = &service[service.rfind("以來的變更").expect("appendix")..];
    assert!(appendix.contains("F-03"), "{appendix}");
    assert!(appendix.contains("建議"), "{appendix}");
    let acceptance = pdf(&after.join("ZP-2026-FL-001/05-acceptance.pdf"));
    let appendix = &acceptance[acceptance.rfind("以來的變更").expect("appendix")..];
    assert!(appendix.contains("項目專家服務報告"), "{appendix}");

    // A new version of both clears it.
    let bumped = edit(
        &edited,
        "    change: 記錄客戶於控制臺及以電子郵件確認驗收第 1.1 版\n    reports: [acceptance]\n",
        "    change: 記錄客戶於控制臺及以電子郵件確認驗收第 1.1 版\n    reports: [acceptance]\n  - version: \"1.3\"\n    date: 2026-11-25\n    author: 林志遠\n    change: 補充 F-03 建議\n    reports: [service, acceptance]\n",
    );
    std::fs::write(&file, &bumped).expect("write");
    let json: serde_json::Value = serde_json::from_str(&check_since(&base, &new)).expect("json");
    assert_eq!(json["errors"], 0, "{json:#}");

    // An image replaced: named by its path.
    std::fs::write(&file, &sample).expect("write");
    let image = new.join("evidence/order-latency.png");
    std::fs::write(&image, crate::common::one_pixel_png()).expect("write");
    let said = dossier(&["diff", arg(&base), arg(&new), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&said.stdout).expect("json");
    assert_eq!(
        json["changes"][0]["path"], "assets: evidence/order-latency.png",
        "{json:#}"
    );
    assert_eq!(json["changes"][0]["change"], "changed");
}

/// The templates a bundle was rendered with are part of what changed: a
/// report rendered with an edited template, taken as the previous version,
/// differs from today's by that template, which touches its own report
/// (and the acceptance report, which lists that report's digest).
#[test]
fn a_template_changed_since_the_base_was_rendered_is_a_change() {
    let dir = tempfile::tempdir().expect("temp dir");
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).expect("dir");
    let service = dossier::base::templates::builtin("service.typ.j2").expect("built in");
    std::fs::write(
        templates.join("service.typ.j2"),
        format!("{service}\n本報告以自訂範本產生。\n"),
    )
    .expect("write");
    let out = dir.path().join("out");
    dossier_ok(&[
        "render",
        arg(&zh_sample()),
        "-o",
        arg(&out),
        "--templates",
        arg(&templates),
    ]);
    let base = out.join("ZP-2026-FL-001/05-acceptance.pdf");
    let said = dossier(&["diff", arg(&base), arg(&zh_sample()), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&said.stdout).expect("json");
    let changes = json["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "{json:#}");
    assert_eq!(changes[0]["path"], "templates: service.typ.j2");
    assert_eq!(changes[0]["reports"], serde_json::json!(["service"]));
    assert_eq!(
        json["reports"],
        serde_json::json!(["service", "acceptance"])
    );
    // Without the manifest beside it, the templates are not known.
    let alone = dir.path().join("alone.pdf");
    std::fs::copy(&base, &alone).expect("copy");
    let said = dossier(&["diff", arg(&alone), arg(&zh_sample()), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&said.stdout).expect("json");
    assert_eq!(json["changes"], serde_json::json!([]), "{json:#}");
}

/// Earlier rounds need a dated latest one and come oldest first; figures
/// changed since the base under the same date are a warning.
#[test]
fn measurements_taken_again_keep_their_dates_in_order() {
    let sample = std::fs::read_to_string(zh_sample().join("engagement.yaml")).expect("sample");
    let check = |text: &str| {
        let (_keep, file) = zh_sample_with(text);
        let said = dossier(&["check", arg(&file), "--format", "json"]);
        serde_json::from_slice::<serde_json::Value>(&said.stdout).expect("json")
    };
    let messages = |json: &serde_json::Value| -> Vec<String> {
        json["engagements"][0]["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .filter(|d| d["rule"] == "targets")
            .map(|d| format!("{} {}", d["severity"], d["message"]))
            .collect()
    };
    assert!(messages(&check(&sample)).is_empty());
    let undated = edit(
        &sample,
        "    measured_on: 2026-11-17\n    earlier:",
        "    earlier:",
    );
    let said = messages(&check(&undated));
    assert!(
        said.iter()
            .any(|m| m.starts_with("\"error\"") && m.contains("no date")),
        "{said:#?}"
    );
    let disordered = edit(
        &sample,
        "      - measured_on: 2026-11-06\n        after:",
        "      - measured_on: 2026-11-18\n        after:",
    );
    let said = messages(&check(&disordered));
    assert!(
        said.iter().any(|m| m.contains("not in date order")),
        "{said:#?}"
    );
    // The second round's figures typed over the first's, no date moved.
    let base = zh_sample().join("v1.0");
    let v1 = std::fs::read_to_string(base.join("engagement.yaml")).expect("v1.0");
    let retyped = edit(
        &v1,
        "throughput: 6850, p50: 118, p95: 420, p99: 620, error_rate: 0.15",
        "throughput: 7180, p50: 92, p95: 310, p99: 470, error_rate: 0.06",
    );
    let (_keep, file) = zh_sample_with(&retyped);
    let said = dossier(&["check", arg(&file), "--since", arg(&base)]);
    let stderr = text(&said.stderr);
    assert!(
        stderr.contains("under the same measurement date") && stderr.contains("T-01"),
        "{stderr}"
    );
}

/// A copy of the zh-Hant sample (its images too) whose engagement file
/// holds `text`.
fn zh_sample_with(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    crate::common::copy_zh_sample_into(dir.path());
    let file = dir.path().join("engagement.yaml");
    std::fs::write(&file, text).expect("write");
    (dir, file)
}
