//! `dossier status` and `check`'s human summary: what a delivery would hold.

use serde_json::Value;

use crate::common::{arg, dossier, dossier_ok, en_sample, en_sample_with, root, text};
use crate::signing::{EC_SIGNER, Pki};

/// `dossier status … --format json`, parsed.
fn status(args: &[&str]) -> Value {
    let mut all = vec!["status"];
    all.extend(args);
    all.extend(["--format", "json"]);
    let said = dossier_ok(&all);
    serde_json::from_slice(&said.stdout).expect("JSON")
}

#[test]
fn status_of_the_samples_says_every_report_is_final_and_nothing_is_rendered_yet() {
    let work = tempfile::tempdir().expect("temp dir");
    let out = work.path().join("out");
    let samples = root().join("samples");
    let report = status(&[arg(&samples), "-o", arg(&out)]);
    assert_eq!(report["version"], 1);
    let all = report["engagements"].as_array().expect("engagements");
    assert_eq!(all.len(), 3, "{report}");
    for e in all {
        let states: Vec<&str> = e["reports"]
            .as_array()
            .expect("reports")
            .iter()
            .map(|r| r["state"].as_str().expect("state"))
            .collect();
        assert_eq!(states, ["final"; 5], "{e}");
        assert_eq!(e["bundle"]["state"], "absent", "{e}");
        assert_eq!(e["attachments"]["attached"], true);
        assert_eq!(e["errors"], 0);
    }
    let acme = all
        .iter()
        .find(|e| e["id"] == "ZP-2026-FL-001")
        .expect("the zh-Hant sample");
    assert_eq!(acme["attachments"]["engagement"], "engagement.yaml");
    assert_eq!(acme["attachments"]["comments"], "removed");
    let files = acme["attachments"]["files"].to_string();
    assert!(files.contains(".svg") || files.contains(".png"), "{files}");

    // Rendered and signed: up to date, each final signed, the acceptance
    // report certified.
    let pki = Pki::new();
    let en = en_sample();
    let rendered = pki.render(&en, &out, &EC_SIGNER, None);
    assert!(rendered.status.success(), "{}", text(&rendered.stderr));
    let report = status(&[arg(&en), "-o", arg(&out)]);
    let bundle = &report["engagements"][0]["bundle"];
    assert_eq!(bundle["state"], "up-to-date", "{bundle}");
    let reports = bundle["reports"].as_array().expect("signed reports");
    assert_eq!(reports.len(), 5, "{bundle}");
    for r in reports {
        let first = &r["signatures"][0];
        assert_eq!(first["level"], "B-B", "{r}");
        assert_eq!(first["certifies"], r["file"] == "05-acceptance.pdf", "{r}");
    }
    // The customer countersigns: still up to date, the signature named so.
    let acceptance = out.join("NW-2026-007/05-acceptance.pdf");
    let (key, cert) = (pki.path("customer.key"), pki.path("customer.pem"));
    dossier_ok(&[
        "countersign",
        arg(&acceptance),
        "--key",
        arg(&key),
        "--cert",
        arg(&cert),
    ]);
    let report = status(&[arg(&en), "-o", arg(&out)]);
    let bundle = &report["engagements"][0]["bundle"];
    assert_eq!(bundle["state"], "up-to-date", "{bundle}");
    let signatures = &bundle["reports"][4]["signatures"];
    assert_eq!(signatures[1]["countersignature"], true, "{bundle}");
    assert_eq!(signatures[0]["countersignature"], false, "{bundle}");
    let human = dossier_ok(&["status", arg(&en), "-o", arg(&out)]);
    let said = text(&human.stdout);
    assert!(said.contains("5 of 5 reports final"), "{said}");
    assert!(said.contains(": up to date"), "{said}");
    assert!(said.contains("05-acceptance.pdf  certified by"), "{said}");
    assert!(said.contains("; countersigned by"), "{said}");
    assert!(said.contains("comments removed"), "{said}");
}

#[test]
fn status_of_a_changed_engagement_says_what_changed_and_what_keeps_drafts() {
    let sample = std::fs::read_to_string(en_sample()).expect("sample");
    let (work, engagement) = crate::common::engagement_file(&sample);
    let out = work.path().join("out");
    dossier_ok(&["render", arg(&engagement), "-o", arg(&out)]);
    // A planned topic not delivered yet: a pending step that keeps the
    // acceptance report a draft, and the bundle outdated.
    let pending = en_sample_with(
        "    format: online\n    consulting_topics: [cloud-native-diagnosis]\n",
        "    format: online\n",
    );
    std::fs::write(&engagement, &pending).expect("write");

    let report = status(&[arg(&engagement), "-o", arg(&out)]);
    let e = &report["engagements"][0];
    assert_eq!(e["bundle"]["state"], "outdated", "{e}");
    assert!(
        e["bundle"]["reasons"]
            .to_string()
            .contains("engagement.yaml"),
        "{e}"
    );
    let acceptance = &e["reports"][4];
    assert_eq!(acceptance["state"], "draft", "{e}");
    assert_eq!(
        acceptance["gaps"][0]["rule"], "service-items",
        "{acceptance}"
    );
    assert_eq!(acceptance["gaps"][0]["clause"], "§7 一.2", "{acceptance}");
    assert_eq!(e["reports"][0]["state"], "final");

    // `check` names the draft at the end, without --strict too.
    let check = dossier(&["check", arg(&engagement)]);
    let said = text(&check.stdout);
    assert!(
        said.contains("would render acceptance as a draft"),
        "{said}"
    );
}

#[test]
fn status_of_a_new_scaffold_groups_the_gaps_of_each_draft_by_rule() {
    let work = tempfile::tempdir().expect("temp dir");
    let dir = work.path().join("acme");
    dossier_ok(&["init", arg(&dir), "--locale", "en"]);
    let report = status(&[arg(&dir), "-o", arg(&work.path().join("out"))]);
    let e = &report["engagements"][0];
    assert_eq!(e["errors"], 0, "{e}");
    let drafts: Vec<&Value> = e["reports"]
        .as_array()
        .expect("reports")
        .iter()
        .filter(|r| r["state"] == "draft")
        .collect();
    assert!(!drafts.is_empty(), "{e}");
    for r in &drafts {
        let gaps = r["gaps"].as_array().expect("gaps");
        assert!(!gaps.is_empty(), "a draft with no gap: {r}");
        let rules: Vec<&str> = gaps.iter().filter_map(|g| g["rule"].as_str()).collect();
        let mut unique = rules.clone();
        unique.dedup();
        assert_eq!(rules, unique, "one group per rule: {r}");
    }
    let service = &e["reports"][3];
    assert_eq!(service["state"], "draft");
    let completion = service["gaps"]
        .as_array()
        .expect("gaps")
        .iter()
        .find(|g| g["rule"] == "completion")
        .unwrap_or_else(|| panic!("{service}"));
    assert!(completion["items"].as_array().expect("items").len() > 1);
    assert_eq!(completion["clause"], "§3.1.4");

    // `check` groups the scaffold's warnings by rule, with a count, and
    // names the drafts at the end.
    let check = dossier(&["check", arg(&dir)]);
    assert_eq!(check.status.code(), Some(0), "{}", text(&check.stderr));
    let stderr = text(&check.stderr);
    assert!(stderr.contains("warnings [completion, §3.1.4]"), "{stderr}");
    let long = dossier(&["check", arg(&dir), "--format", "json"]);
    let json: Value = serde_json::from_slice(&long.stdout).expect("JSON");
    let warnings = json["warnings"].as_u64().expect("count") as usize;
    assert!(
        stderr.lines().count() < warnings * 5,
        "{} lines for {warnings} warnings:\n{stderr}",
        stderr.lines().count()
    );
    let stdout = text(&check.stdout);
    assert!(stdout.contains("not final: "), "{stdout}");
    assert!(stdout.contains("service"), "{stdout}");
}

#[test]
fn a_bundle_signed_after_rendering_a_file_named_without_its_folder_is_up_to_date() {
    let pki = Pki::new();
    let work = tempfile::tempdir().expect("temp dir");
    std::fs::copy(en_sample(), work.path().join("northwind.yaml")).expect("copy");
    let run = |args: &[&str]| {
        let said = std::process::Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args(args)
            .current_dir(work.path())
            .output()
            .expect("runs");
        assert!(said.status.success(), "{args:?}: {}", text(&said.stderr));
        said
    };
    run(&["render", "northwind.yaml", "-o", "out"]);
    let (key, cert) = (pki.path("ec.key"), pki.path("ec.pem"));
    run(&[
        "sign",
        "out/NW-2026-007",
        "--key",
        arg(&key),
        "--cert",
        arg(&cert),
    ]);
    let said = run(&["status", "northwind.yaml", "-o", "out", "--format", "json"]);
    let report: Value = serde_json::from_slice(&said.stdout).expect("JSON");
    let bundle = &report["engagements"][0]["bundle"];
    assert_eq!(bundle["state"], "up-to-date", "{bundle}");
    let rendered = run(&["render", "northwind.yaml", "-o", "out"]);
    let said = format!("{}{}", text(&rendered.stdout), text(&rendered.stderr));
    assert!(said.contains("up to date"), "{said}");
}
