//! The contract's rules: each fixture breaks one rule, and the samples keep
//! them all.

use std::process::Command;

use dossier::pipeline::load::load;
use dossier::pipeline::validate::{RuleId, validate};

use crate::common::{en_sample, en_sample_with, engagement_file, root, violation, zh_sample};

#[test]
fn every_rule_has_a_violating_fixture() {
    for rule in RuleId::ALL {
        let v = violation(rule.id());
        let (_dir, path) = v.file();
        let loaded = load(&path).unwrap_or_else(|e| panic!("{}: {}", v.rule, e.diagnostic));
        let validation = validate(&loaded);
        // The violation, and nothing its rule does not report.
        for d in &validation.diagnostics {
            assert_eq!(
                d.rule.map(|r| r.id()),
                Some(v.rule),
                "{}: unexpected {d}",
                v.rule
            );
        }
        let found = validation.diagnostics.first().expect("reported");
        assert_eq!(found.rule.map(|r| r.id()), Some(v.rule), "{}", v.rule);
        assert_eq!(found.severity, v.severity, "{}", v.rule);
        assert_eq!(
            (found.pos.line, found.pos.column),
            v.position(),
            "{}: {found}",
            v.rule
        );
        assert!(!found.hints.is_empty(), "{}: no hint", v.rule);
    }
}

#[test]
fn the_samples_keep_every_rule() {
    for path in [zh_sample(), en_sample()] {
        let loaded = load(&path).expect("loads");
        let validation = validate(&loaded);
        assert!(
            validation.diagnostics.is_empty(),
            "{}: {:?}",
            path.display(),
            validation.diagnostics
        );
        for key in dossier::ReportKey::ALL {
            assert!(validation.is_final(key));
        }
    }
}

fn rules_of(yaml: &str) -> Vec<(String, u32)> {
    let (_dir, path) = engagement_file(yaml);
    let loaded = load(&path).expect("loads");
    validate(&loaded)
        .diagnostics
        .iter()
        .map(|d| {
            (
                d.rule.map(|r| r.id()).unwrap_or_default().to_string(),
                d.pos.line,
            )
        })
        .collect()
}

#[test]
fn lead_time_counts_exactly_ten_working_days() {
    // Applied Monday 7 September; ten working days later is Monday 21 September.
    let ok = en_sample_with("  starts_on: 2026-09-28", "  starts_on: 2026-09-21");
    assert!(rules_of(&ok).is_empty());
    let late = en_sample_with("  starts_on: 2026-09-28", "  starts_on: 2026-09-20");
    assert_eq!(rules_of(&late), vec![("lead-time".to_string(), 34)]);
}

#[test]
fn lead_time_skips_holidays_and_counts_make_up_days() {
    let with_holiday = en_sample_with("  starts_on: 2026-09-28", "  starts_on: 2026-09-21")
        + "\ncalendar:\n  holidays:\n    - date: 2026-09-14\n      name: Closure\n";
    assert_eq!(rules_of(&with_holiday), vec![("lead-time".to_string(), 34)]);
    let with_make_up =
        with_holiday + "  workdays:\n    - date: 2026-09-19\n      name: Make-up day\n";
    assert!(rules_of(&with_make_up).is_empty());
}

#[test]
fn plan_confirmation_on_the_fifth_working_day_passes() {
    // Submitted Thursday 1 October; the fifth working day is Thursday 8 October.
    let ok = en_sample_with("  confirmed_on: 2026-10-05", "  confirmed_on: 2026-10-08");
    assert!(rules_of(&ok).is_empty());
    let late = en_sample_with("  confirmed_on: 2026-10-05", "  confirmed_on: 2026-10-09");
    assert_eq!(rules_of(&late), vec![("plan-confirmed".to_string(), 68)]);
}

#[test]
fn implement_window_follows_month_ends() {
    let yaml = en_sample_with("    proposed_on: 2026-10-21", "    proposed_on: 2027-01-31")
        .replace(
            "    implement_by: 2026-11-13",
            "    implement_by: 2027-02-28",
        )
        .replace(
            "    implemented_on: 2026-11-03",
            "    implemented_on: 2027-02-27",
        );
    let found = rules_of(&yaml);
    assert!(
        found.iter().all(|(rule, _)| rule != "implement-window"),
        "{found:?}"
    );
    let late = yaml.replace(
        "    implement_by: 2027-02-28",
        "    implement_by: 2027-03-01",
    );
    assert!(
        rules_of(&late)
            .iter()
            .any(|(rule, _)| rule == "implement-window")
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let yaml = en_sample_with("  starts_on: 2026-09-28", "  starts_on: 2026-09-18")
        .replace(
            "    findings: [NW-F1]\n  - id: NW-R2",
            "    findings: [NW-F8]\n  - id: NW-R2",
        )
        .replace(
            "  items:\n    - { item: expert-diagnosis, evidence: [NW-F1, NW-F2, NW-F3] }\n    - { item: risk-assessment, evidence: [NW-R1, NW-R2, NW-R3] }\n    - { item: quality-optimization, evidence: [NW-S1, NW-S2, NW-S3] }\n",
            "  items: []\n",
        );
    let rules: Vec<String> = rules_of(&yaml).into_iter().map(|(r, _)| r).collect();
    for rule in ["lead-time", "consistency", "service-items"] {
        assert!(
            rules.iter().any(|r| r == rule),
            "{rule} missing from {rules:?}"
        );
    }
}

#[test]
fn image_paths_stay_inside_the_engagement() {
    let base = en_sample_with(
        "  analysis: |\n    The platform is sound",
        "  diagrams:\n    - path: PATH\n      caption: Diagram\n      alt: A diagram\n  analysis: |\n    The platform is sound",
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let outside = tempfile::tempdir().expect("temp dir");
    std::fs::write(outside.path().join("secret.png"), b"\x89PNG").expect("write");
    std::fs::write(dir.path().join("notes.txt"), b"text").expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        outside.path().join("secret.png"),
        dir.path().join("link.png"),
    )
    .expect("link");
    // Image bombs: a few bytes that declare gigapixels, and SVGs that
    // reach outside themselves or nest without end.
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    png.extend(20_000u32.to_be_bytes());
    png.extend(20_000u32.to_be_bytes());
    png.extend([8, 6, 0, 0, 0, 0, 0, 0, 0]);
    std::fs::write(dir.path().join("bomb.png"), &png).expect("write");
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00];
    jpeg.extend([0xFF, 0xC0, 0x00, 0x0B, 0x08]);
    jpeg.extend(9_000u16.to_be_bytes());
    jpeg.extend(9_000u16.to_be_bytes());
    jpeg.extend([0x01, 0x01, 0x11, 0x00, 0xFF, 0xD9]);
    std::fs::write(dir.path().join("bomb.jpg"), &jpeg).expect("write");
    std::fs::write(
        dir.path().join("remote.svg"),
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://example.com/a.png"/></svg>"#,
    )
    .expect("write");
    let deep = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg">{}{}</svg>"#,
        "<g>".repeat(100),
        "</g>".repeat(100)
    );
    std::fs::write(dir.path().join("deep.svg"), deep).expect("write");
    let cases = [
        ("bomb.png", "asset-too-large"),
        ("bomb.jpg", "asset-too-large"),
        ("remote.svg", "asset-too-large"),
        ("deep.svg", "asset-too-large"),
        ("../x.png", "asset-outside"),
        ("/etc/passwd.png", "asset-outside"),
        ("missing.png", "asset-missing"),
        ("notes.txt", "asset-not-image"),
        #[cfg(unix)]
        ("link.png", "asset-outside"),
    ];
    for (path, code) in cases {
        let file = dir.path().join("engagement.yaml");
        std::fs::write(&file, base.replace("PATH", path)).expect("write");
        let loaded = load(&file).expect("loads");
        let validation = validate(&loaded);
        let d = validation
            .diagnostics
            .iter()
            .find(|d| d.code.map(|c| c.key()) == Some(code));
        let d = d
            .unwrap_or_else(|| panic!("{path}: expected {code}, got {:?}", validation.diagnostics));
        assert_eq!((d.pos.line, d.pos.column), (149, 13), "{path}");
        // One check, one diagnostic: an unusable image is not reported
        // again under another name or limit.
        assert_eq!(
            validation.diagnostics.len(),
            1,
            "{path}: {:?}",
            validation.diagnostics
        );
        // The reports that print a survey diagram are drafts; the others
        // render as they would.
        assert!(!validation.blocks_rendering(), "{path}");
        assert_eq!(
            d.reports,
            vec![dossier::ReportKey::Survey, dossier::ReportKey::Service],
            "{path}"
        );
        assert!(validation.is_final(dossier::ReportKey::Startup), "{path}");
    }
}

/// A PNG of `width` × `height` pixels, as far as its header says.
fn png_header(width: u32, height: u32) -> Vec<u8> {
    let mut png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
    png.extend(width.to_be_bytes());
    png.extend(height.to_be_bytes());
    png.extend([8, 2, 0, 0, 0, 0, 0, 0, 0]);
    png
}

#[test]
fn an_engagements_images_share_one_pixel_budget() {
    let yaml = en_sample_with(
        "  analysis: |\n    The platform is sound",
        "  diagrams:\n    - path: a.png\n      caption: A\n      alt: a\n    - path: a.png\n      caption: A again\n      alt: a\n    - path: b.png\n      caption: B\n      alt: b\n  analysis: |\n    The platform is sound",
    );
    let dir = tempfile::tempdir().expect("temp dir");
    // 40 million pixels each: each is within the 50 million an image may
    // have; the same file twice counts once; the second file is one too many.
    std::fs::write(dir.path().join("a.png"), png_header(8_000, 5_000)).expect("write");
    std::fs::write(dir.path().join("b.png"), png_header(8_000, 5_000)).expect("write");
    let file = dir.path().join("engagement.yaml");
    std::fs::write(&file, yaml).expect("write");
    let validation = validate(&load(&file).expect("loads"));
    let [d] = validation.diagnostics.as_slice() else {
        panic!("one diagnostic expected: {:?}", validation.diagnostics);
    };
    assert_eq!(d.code.map(|c| c.key()), Some("asset-too-large"));
    assert_eq!(
        d.message,
        "`b.png` brings the engagement's images to 80 million pixels; all of them together may have at most 60 million"
    );
    assert_eq!((d.pos.line, d.pos.column), (155, 13));
    assert!(!validation.blocks_rendering());
    assert!(!validation.is_final(dossier::ReportKey::Survey));
}

fn dossier() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dossier"))
}

#[test]
fn check_json_carries_every_field() {
    let (_a, lead_time) = violation("lead-time").file();
    let (_b, large_demand) = violation("large-demand").file();
    // Another engagement: an id used twice would be an error of its own.
    let other = std::fs::read_to_string(&large_demand).expect("yaml");
    std::fs::write(
        &large_demand,
        other.replace("id: NW-2026-007", "id: NW-2026-008"),
    )
    .expect("write");
    let output = dossier()
        .args(["check", "--format", "json"])
        .arg(&lead_time)
        .arg(&large_demand)
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("valid JSON");
    assert_eq!(json["version"], 1);
    assert_eq!(json["errors"], 1);
    assert_eq!(json["warnings"], 1);
    let d = &json["engagements"][0]["diagnostics"][0];
    assert_eq!(d["severity"], "error");
    assert_eq!(d["rule"], "lead-time");
    assert_eq!(d["clause"], "§3, §6");
    assert!(
        d["file"]
            .as_str()
            .expect("file")
            .ends_with("lead-time.yaml")
    );
    assert_eq!(d["line"], 34);
    assert_eq!(d["column"], 14);
    assert!(
        d["message"]
            .as_str()
            .expect("message")
            .contains("working days")
    );
    assert!(d["hints"][0].as_str().expect("hint").contains("2026-09-21"));
    assert_eq!(d["reports"], serde_json::json!(["startup", "plan"]));
    assert_eq!(
        json["engagements"][1]["diagnostics"][0]["severity"],
        "warning"
    );
}

#[test]
fn check_passes_the_samples_and_exits_zero() {
    let output = dossier()
        .arg("check")
        .arg(root().join("samples"))
        .output()
        .expect("runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("3 engagements: 0 errors, 0 warnings")
    );
}

#[test]
fn check_human_output_points_at_the_value() {
    let (_dir, lead_time) = violation("lead-time").file();
    let output = dossier()
        .arg("check")
        .arg(&lead_time)
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(text.contains("[lead-time, §3, §6]"), "{text}");
    assert!(text.contains("lead-time.yaml:34:14"), "{text}");
    assert!(text.contains("^^^^^^^^^^"), "{text}");
    assert!(text.contains("help: start on 2026-09-21"), "{text}");
}

#[test]
fn a_region_without_the_engagements_years_is_a_warning() {
    // The holiday tables hold the years officially announced; past them,
    // working days count weekends only, and `check` says so at the region.
    let yaml = en_sample_with("  ends_on: 2026-11-13", "  ends_on: 2028-01-14")
        + "\ncalendar:\n  region: CN\n";
    let (_dir, file) = engagement_file(&yaml);
    let validation = validate(&load(&file).expect("loads"));
    let warnings: Vec<_> = validation
        .diagnostics
        .iter()
        .filter(|d| d.code.map(|c| c.key()) == Some("calendar-years"))
        .collect();
    let [d] = warnings.as_slice() else {
        panic!(
            "one calendar warning expected: {:?}",
            validation.diagnostics
        );
    };
    assert_eq!(d.severity, dossier::base::diagnostic::Severity::Warning);
    assert_eq!(
        d.message,
        "the CN holiday table covers 2024–2026; the engagement runs into 2027–2028"
    );
    let line = yaml
        .lines()
        .position(|l| l == "  region: CN")
        .expect("region line") as u32
        + 1;
    assert_eq!((d.pos.line, d.pos.column), (line, 11));
    // Within the table's years, nothing to say.
    let yaml = en_sample_with("  ends_on: 2026-11-13", "  ends_on: 2026-11-13")
        + "\ncalendar:\n  region: CN\n";
    let (_dir, file) = engagement_file(&yaml);
    let validation = validate(&load(&file).expect("loads"));
    assert!(
        validation
            .diagnostics
            .iter()
            .all(|d| d.code.map(|c| c.key()) != Some("calendar-years"))
    );
}

#[test]
fn a_resolved_finding_needs_its_solutions_verified() {
    let yaml = std::fs::read_to_string(en_sample()).expect("sample");
    let at = yaml.find("  - id: NW-S3\n").expect("NW-S3");
    let status = at + yaml[at..].find("status: verified").expect("its status");
    let yaml = format!(
        "{}status: implemented{}",
        &yaml[..status],
        &yaml[status + "status: verified".len()..]
    );
    let (_dir, file) = engagement_file(&yaml);
    let validation = validate(&load(&file).expect("loads"));
    let [d] = validation.diagnostics.as_slice() else {
        panic!("one diagnostic expected: {:?}", validation.diagnostics);
    };
    assert_eq!(d.severity, dossier::base::diagnostic::Severity::Warning);
    assert_eq!(
        d.message,
        "finding NW-F3 is resolved, but solution NW-S3 is not verified"
    );
    // At the finding's status.
    let finding = yaml.find("  - id: NW-F3\n").expect("NW-F3");
    let line = yaml[..finding + yaml[finding..].find("status: resolved").unwrap()]
        .lines()
        .count() as u32;
    assert_eq!((d.pos.line, d.pos.column), (line, 13));
}
