//! The contract's rules: each fixture breaks one rule, and the samples keep
//! them all.

use std::process::Command;

use dossier::Severity;
use dossier::load::load;
use dossier::validate::{RuleId, validate};

use crate::common::{en_sample, en_sample_with, engagement_file, root, zh_sample};

/// Each rule with its fixture and where the violation must be reported.
const VIOLATIONS: &[(&str, Severity, u32, u32)] = &[
    ("lead-time", Severity::Error, 33, 14),
    ("large-demand", Severity::Warning, 33, 14),
    ("plan-confirmed", Severity::Error, 55, 17),
    ("implement-window", Severity::Error, 236, 19),
    ("out-of-scope", Severity::Warning, 166, 15),
    ("completion", Severity::Warning, 239, 13),
    ("service-items", Severity::Warning, 247, 10),
    ("signoff", Severity::Warning, 247, 10),
    ("security-auth", Severity::Error, 247, 163),
    ("consistency", Severity::Error, 186, 16),
];

/// The rules whose violation is a patch of the English sample: the rule,
/// the text replaced and its replacement, the severity, and the text (and
/// character offset into it) where the violation must be reported.
const PATCHED: &[(&str, &str, &str, Severity, &str, usize)] = &[
    (
        "declined-reason",
        "    implemented_on: 2026-11-03\n    status: implemented\n",
        "    status: declined\n",
        Severity::Error,
        "status: declined",
        8,
    ),
    (
        "targets",
        "November peak.\n",
        "November peak.\n    targets:\n      - { metric: p99, target: 300, unit: ms, comparison: at-most }\n",
        Severity::Warning,
        "target: 300",
        8,
    ),
    (
        "placeholder",
        "    name: Northwind Logistics Ltd.",
        "    name: Customer name",
        Severity::Warning,
        "Customer name",
        0,
    ),
    (
        "deviations",
        "\nhistory:",
        "\nexceptions:\n  - rule: lead-time\n    what: x\n    agreed_by: { customer: a, provider: b }\n    agreed_on: 2026-09-08\n    evidence: y\n\nhistory:",
        Severity::Warning,
        "rule: lead-time",
        6,
    ),
];

#[test]
fn every_rule_has_a_violating_fixture() {
    let ids: Vec<&str> = RuleId::ALL.iter().map(|r| r.id()).collect();
    for id in &ids {
        assert!(
            VIOLATIONS.iter().any(|(rule, ..)| rule == id)
                || PATCHED.iter().any(|(rule, ..)| rule == id),
            "no fixture for {id}"
        );
    }
    for (rule, from, to, severity, at, offset) in PATCHED {
        let yaml = en_sample_with(from, to);
        let start = yaml.find(at).unwrap_or_else(|| panic!("{rule}: `{at}`"));
        let line = yaml[..start].matches('\n').count() as u32 + 1;
        let column = yaml[..start]
            .rsplit('\n')
            .next()
            .map_or(0, |l| l.chars().count()) as u32
            + 1
            + *offset as u32;
        let (_dir, path) = engagement_file(&yaml);
        let validation = validate(&load(&path).expect("loads"));
        let found: Vec<_> = validation.diagnostics.iter().collect();
        assert_eq!(found.len(), 1, "{rule}: {found:?}");
        assert_eq!(found[0].rule, Some(*rule), "{rule}");
        assert_eq!(found[0].severity, *severity, "{rule}");
        assert_eq!(
            (found[0].pos.line, found[0].pos.column),
            (line, column),
            "{rule}"
        );
        assert!(!found[0].hints.is_empty(), "{rule}: no hint");
    }
    for (rule, severity, line, column) in VIOLATIONS {
        let path = root().join(format!("tests/fixtures/rules/{rule}.yaml"));
        let loaded = load(&path).unwrap_or_else(|e| panic!("{rule}: {}", e.diagnostic));
        let validation = validate(&loaded);
        let found = validation
            .diagnostics
            .iter()
            .find(|d| d.rule == Some(rule))
            .unwrap_or_else(|| panic!("{rule}: not reported; got {:?}", validation.diagnostics));
        assert_eq!(found.severity, *severity, "{rule}");
        assert_eq!(
            (found.pos.line, found.pos.column),
            (*line, *column),
            "{rule}: {found}"
        );
        assert!(!found.hints.is_empty(), "{rule}: no hint");
        // Nothing else is wrong with the fixture.
        for d in &validation.diagnostics {
            assert_eq!(d.rule, Some(*rule), "{rule}: unexpected {d}");
        }
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
        .map(|d| (d.rule.unwrap_or_default().to_string(), d.pos.line))
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
    assert_eq!(rules_of(&late), vec![("plan-confirmed".to_string(), 56)]);
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
        "  diagrams:\n    - path: PATH\n      caption: Diagram\n  analysis: |\n    The platform is sound",
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
    let cases = [
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
        let d = validation.diagnostics.iter().find(|d| d.code == Some(code));
        let d = d
            .unwrap_or_else(|| panic!("{path}: expected {code}, got {:?}", validation.diagnostics));
        assert_eq!((d.pos.line, d.pos.column), (137, 13), "{path}");
    }
}

fn dossier() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dossier"))
}

#[test]
fn check_json_carries_every_field() {
    let output = dossier()
        .args(["check", "--format", "json"])
        .arg(root().join("tests/fixtures/rules/lead-time.yaml"))
        .arg(root().join("tests/fixtures/rules/large-demand.yaml"))
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
    assert_eq!(d["line"], 33);
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
    let output = dossier()
        .arg("check")
        .arg(root().join("tests/fixtures/rules/lead-time.yaml"))
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8_lossy(&output.stderr);
    assert!(text.contains("[lead-time, §3, §6]"), "{text}");
    assert!(text.contains("lead-time.yaml:33:14"), "{text}");
    assert!(text.contains("^^^^^^^^^^"), "{text}");
    assert!(text.contains("help: start on 2026-09-21"), "{text}");
}
