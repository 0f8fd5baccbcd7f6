//! Re-issued reports: what changed since a previous version (a file, a git
//! revision, an acceptance report), the appendix that lists it, `dossier
//! diff`, the version and retest rules.

use std::path::{Path, PathBuf};

use chrono::Duration;
use dossier::base::model::{
    Comparison, Engagement, Locale, Retest, RetestResult, Severity, SolutionStatus, Spanned, Target,
};
use dossier::pipeline::fill::Filler;
use dossier::pipeline::load::load;
use dossier::pipeline::load::versions::{Change, Field, Section, What, changes, rows};

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

/// Whether `list` has a change of `section` for `id` that `what` accepts.
fn has(list: &[Change], section: Section, id: &str, what: impl Fn(&What) -> bool) -> bool {
    list.iter()
        .any(|c| c.section == section && c.id == id && what(&c.what))
}

fn changed(field: Field) -> impl Fn(&What) -> bool {
    move |w| matches!(w, What::Changed { field: f, .. } if *f == field)
}

/// Every kind of change, made on the typed model of the English sample.
fn every_kind_of_change() -> (Engagement, Engagement) {
    let mut base = engagement(&en_sample());
    base.objectives[0].value.targets.push(Target {
        metric: "Timeouts between 01:00 and 03:00 UTC".into(),
        target: Spanned::detached(0.1),
        unit: "%".into(),
        comparison: Spanned::detached(Comparison::AtMost),
        result: None,
        measured_by: None,
    });
    let mut new = base.clone();
    let day = Duration::days(1);
    new.engagement.ends_on.value += day;
    new.objectives[0].value.targets[0].result = Some(Spanned::detached(123.0));
    new.objectives[0].value.targets[0].target.value += 1.0;
    new.plan.confirmed_on.as_mut().expect("confirmed").value += day;
    new.plan.milestones[0].date.value += day;
    new.plan.phases.inspection[0].to.value += day;
    let mut added = new.findings[0].clone();
    added.id = Spanned::detached("NW-F9".into());
    added.title = "A finding found after the first issue".into();
    new.findings.value.retain(|f| f.id.value != "NW-F2");
    new.findings.value[0].severity.value = Severity::Critical;
    new.findings.value[0].title = "Long import transactions block every read".into();
    let later = new.findings[1].retests[0].date.value + day;
    new.findings.value[1].retests.push(Retest {
        date: Spanned::detached(later),
        by: "Mei Lin".into(),
        result: Spanned::detached(RetestResult::NotFixed),
        accepted_by: None,
        evidence: None,
    });
    new.findings.value.push(added);
    new.solutions.value[0].status.value = SolutionStatus::Scheduled;
    new.solutions.value[0].title = "Batched imports".into();
    new.solutions.value[1].implement_by = Some(Spanned::detached(base.engagement.ends_on.value));
    new.stress_tests.value[0].after[0].p99 += 10.0;
    new.stress_tests.value[0].before.pop();
    new.risks.value[0].likelihood.value += 1;
    new.acceptance.items.value.pop();
    new.acceptance
        .signoff
        .as_mut()
        .expect("signed off")
        .method
        .value = dossier::base::model::SignoffMethod::Stamp;
    (base, new)
}

#[test]
fn each_kind_of_change_is_found_on_the_model_by_id() {
    let (base, new) = every_kind_of_change();
    let list = changes(&base, &new);
    let id = new.engagement.id.value.clone();
    // The sample's stress test is paired, and cited, by its id.
    let t0 = new.stress_tests[0]
        .id
        .as_ref()
        .expect("an id")
        .value
        .clone();
    let item = base.acceptance.items.last().expect("an item").item.value;
    let checks: Vec<(&str, bool)> = vec![
        (
            "ends_on",
            has(&list, Section::Engagement, &id, changed(Field::EndsOn)),
        ),
        (
            "target",
            has(&list, Section::Objective, "2", changed(Field::Target))
                || has(&list, Section::Objective, "1", changed(Field::Target)),
        ),
        (
            "result",
            list.iter()
                .any(|c| c.section == Section::Objective && changed(Field::Result)(&c.what)),
        ),
        (
            "confirmed",
            has(&list, Section::Plan, "", changed(Field::ConfirmedOn)),
        ),
        (
            "milestone",
            list.iter()
                .any(|c| c.section == Section::Milestone && changed(Field::Date)(&c.what)),
        ),
        (
            "activity",
            list.iter()
                .any(|c| c.section == Section::Activity && changed(Field::To)(&c.what)),
        ),
        (
            "added",
            has(&list, Section::Finding, "NW-F9", |w| *w == What::Added),
        ),
        (
            "removed",
            has(&list, Section::Finding, "NW-F2", |w| *w == What::Removed),
        ),
        (
            "severity",
            has(&list, Section::Finding, "NW-F1", changed(Field::Severity)),
        ),
        (
            "title",
            has(&list, Section::Finding, "NW-F1", changed(Field::Title)),
        ),
        (
            "retested",
            has(&list, Section::Finding, "NW-F3", |w| {
                matches!(
                    w,
                    What::Retested {
                        result: RetestResult::NotFixed,
                        ..
                    }
                )
            }),
        ),
        (
            "status",
            has(&list, Section::Finding, "NW-F3", changed(Field::Status)),
        ),
        (
            "solution status",
            has(&list, Section::Solution, "NW-S1", changed(Field::Status)),
        ),
        (
            "solution title",
            has(&list, Section::Solution, "NW-S1", changed(Field::Title)),
        ),
        (
            "implement by",
            has(
                &list,
                Section::Solution,
                "NW-S2",
                changed(Field::ImplementBy),
            ),
        ),
        (
            "measured",
            has(&list, Section::StressTest, &t0, |w| {
                matches!(w, What::Measured { after: true, .. })
            }),
        ),
        (
            "measurement dropped",
            has(
                &list,
                Section::StressTest,
                &t0,
                |w| matches!(w, What::Measured { after: false, moved, .. } if moved.iter().all(|m| m.to.is_none())),
            ),
        ),
        (
            "risk",
            has(&list, Section::Risk, "NW-R1", changed(Field::Likelihood)),
        ),
        (
            "service item",
            list.iter().any(|c| {
                c.section == Section::ServiceItem
                    && c.what == What::Removed
                    && c.title
                        == dossier::pipeline::load::versions::Value::Key(
                            "service_items",
                            item.key(),
                        )
            }),
        ),
        (
            "sign-off",
            has(&list, Section::Signoff, "", changed(Field::Method)),
        ),
    ];
    let missing: Vec<&str> = checks
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(n, _)| *n)
        .collect();
    assert!(missing.is_empty(), "not found: {missing:?} in {list:#?}");
    // Sections come in the appendix's order, and the list is the same
    // every time.
    assert!(
        list.windows(2).all(|w| w[0].section <= w[1].section),
        "{list:#?}"
    );
    assert_eq!(list, changes(&base, &new));
    // Nothing changed: nothing listed.
    assert!(changes(&base, &base).is_empty());
}

#[test]
fn each_kind_of_change_is_printed_in_every_locale() {
    let (base, new) = every_kind_of_change();
    let list = changes(&base, &new);
    let filler = Filler::new(Default::default());
    let mut seen = Vec::new();
    for (locale, status, added) in [
        (Locale::En, "Status", "Added"),
        (Locale::ZhHant, "狀態", "新增"),
        (Locale::ZhHans, "状态", "新增"),
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
        for needle in [status, added, "NW-F9", "NW-F2", "NW-S1", "NW-R1", "→"] {
            assert!(all.contains(needle), "{locale:?}: no {needle:?} in {all}");
        }
        // Keys are printed as the locale's labels, dates its way.
        let critical = t.key("severities", "critical").expect("label");
        assert!(all.contains(critical), "{locale:?}: {all}");
        let date = t.date(new.engagement.ends_on.value).expect("date");
        assert!(all.contains(&date), "{locale:?}: no {date} in {all}");
        seen.push(all);
    }
    assert!(seen[0] != seen[1] && seen[1] != seen[2]);
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
            if listed {
                let appendix = &text[text.rfind(title).expect("title")..];
                assert!(appendix.contains(finding.as_str()), "{report}: {appendix}");
                assert!(appendix.contains("P99"), "{report}: {appendix}");
                assert!(appendix.contains("9999"), "{report}: {appendix}");
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
        "狀態：處理中 → 已解決",
        "解決方案 S-04",
        "壓測 T-01",
        "驗收確認",
        "14 changes since",
    ] {
        assert!(out.contains(needle), "no {needle:?} in {out}");
    }
    let said = dossier(&["diff", arg(&base), arg(&zh_sample()), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&said.stdout).expect("json");
    let list = json["changes"].as_array().expect("changes");
    assert_eq!(list.len(), 14, "{json:#}");
    let f04: Vec<&serde_json::Value> = list.iter().filter(|c| c["id"] == "F-04").collect();
    assert_eq!(f04[0]["change"], "retested");
    assert_eq!(f04[0]["result"], "fixed");
    assert_eq!(f04[0]["date"], "2026-11-17");
    assert_eq!(f04[1]["change"], "changed");
    assert_eq!(f04[1]["field"], "status");
    assert_eq!(f04[1]["from"], "in-progress");
    assert_eq!(f04[1]["to"], "resolved");
    assert_eq!(
        f04[1]["reports"],
        serde_json::json!(["service", "acceptance"])
    );
    let signoff = list
        .iter()
        .find(|c| c["section"] == "signoff")
        .expect("sign-off");
    assert_eq!(signoff["change"], "added");
    assert_eq!(signoff["reports"], serde_json::json!(["acceptance"]));
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
        serde_json::json!([{ "section": "finding", "id": "NW-F1", "title": "Long import transactions block tracking reads",
            "change": "changed", "field": "severity", "from": "low", "to": "high", "reports": ["service", "acceptance"] }])
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
    assert!(diagnostics.iter().all(|d| d["severity"] == "warning"));
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
    let retest = "    retests:\n      - date: 2026-10-26\n        by: Mei Lin\n        result: fixed\n        evidence: EXPLAIN of the recent-events query shows 1 of 24 partitions scanned.\n";
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
    let accepted = yaml.replace("result: risk-accepted\n", "result: risk-accepted\n        accepted_by: Daniel Whitfield, Head of Platform Engineering\n");
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
        "待處理處理中1F-04",
        "處理中已解決1F-04",
        "待處理已解決4F-01、F-02、F-03、F-05",
        "第二輪壓測T-01中擴容耗時55秒",
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
        "F-06服務網格sidecar資源開銷偏高張文彬（技術長）2026年11月18日",
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
        "MilestonePlanconfirmed",
        "Date:12October2026→5October2026",
    ] {
        assert!(appendix.contains(needle), "no {needle} in {appendix}");
    }
    // The service report prints neither.
    let service = pdf(&out.join("NW-2026-007/04-service.pdf"));
    assert!(!service.contains("Changessinceversion"));
}

#[test]
fn a_changed_verdict_is_a_change_of_the_service_and_acceptance_reports() {
    let base = crate::common::en_sample_with(
        "      outcome: met\n      evidence: [NW-T1, NW-S3]\n",
        "      outcome: not-met\n      reason: The peak test was not run yet.\n",
    );
    let (_a, base_file) = engagement_file(&base);
    let old = load(&base_file).expect("base loads");
    let new = load(&en_sample()).expect("loads");
    let list = changes(&old.engagement, &new.engagement);
    let verdict = list
        .iter()
        .find(|c| {
            matches!(
                c.what,
                What::Changed {
                    field: Field::Verdict,
                    ..
                }
            )
        })
        .unwrap_or_else(|| panic!("{list:?}"));
    assert_eq!(verdict.id, "2");
    assert_eq!(
        verdict.reports(),
        &[dossier::ReportKey::Service, dossier::ReportKey::Acceptance]
    );
}
