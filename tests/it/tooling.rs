//! Everyday tooling: init, GitHub annotations, completions, the man page
//! and the version.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::root;

fn dossier(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("dossier runs")
}

fn arg(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn init_makes_an_engagement_that_checks_renders_and_validates() {
    let work = tempfile::tempdir().expect("temp dir");
    let schema: Value =
        serde_json::from_str(&dossier::schema::json_schema()).expect("schema is JSON");
    let validator = jsonschema::draft7::new(&schema).expect("schema");
    for locale in ["zh-Hant", "zh-Hans", "en"] {
        let dir = work.path().join(format!("acme-{locale}"));
        let made = dossier(&["init", arg(&dir), "--locale", locale]);
        assert!(made.status.success(), "{locale}: {}", text(&made.stderr));
        let yaml = std::fs::read_to_string(dir.join("engagement.yaml")).expect("written");
        assert!(yaml.starts_with("# yaml-language-server: $schema=engagement.schema.json\n"));
        assert!(dir.join("engagement.schema.json").is_file());
        assert!(yaml.contains(&format!("locale: {locale}")));
        let json: Value = serde_saphyr::from_str(&yaml).expect("YAML parses");
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{locale}: {errors:?}");

        // Only the steps a blank engagement has not taken yet: warnings.
        let check = dossier(&["check", arg(&dir), "--format", "json"]);
        assert_eq!(
            check.status.code(),
            Some(0),
            "{locale}: {}",
            text(&check.stdout)
        );
        let report: Value = serde_json::from_slice(&check.stdout).expect("JSON");
        assert_eq!(report["errors"], 0);
        let rules: Vec<&str> = report["engagements"][0]["diagnostics"]
            .as_array()
            .expect("list")
            .iter()
            .map(|d| d["rule"].as_str().expect("rule"))
            .collect();
        for rule in &rules {
            assert!(
                ["plan-confirmed", "completion", "service-items", "signoff"].contains(rule),
                "{locale}: unexpected {rule}"
            );
        }

        let out = work.path().join("out");
        let render = dossier(&["render", arg(&dir), "-o", arg(&out), "--quiet"]);
        assert!(
            render.status.success(),
            "{locale}: {}",
            text(&render.stderr)
        );
        let id = dossier::init::id_for(&dir);
        for n in [
            "01-startup",
            "02-plan",
            "03-survey",
            "04-service",
            "05-acceptance",
        ] {
            assert!(
                out.join(&id).join(format!("{n}.pdf")).is_file(),
                "{locale}: {n}"
            );
        }
    }
}

#[test]
fn init_never_overwrites() {
    let work = tempfile::tempdir().expect("temp dir");
    let dir = work.path().join("acme");
    assert!(dossier(&["init", arg(&dir)]).status.success());
    std::fs::write(dir.join("engagement.yaml"), "edited").expect("write");
    let again = dossier(&["init", arg(&dir)]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("engagement.yaml")).expect("read"),
        "edited"
    );
    let other = work.path().join("other");
    std::fs::create_dir_all(&other).expect("dir");
    std::fs::write(other.join("notes.txt"), "mine").expect("write");
    let busy = dossier(&["init", arg(&other)]);
    assert_eq!(busy.status.code(), Some(1));
    assert!(!other.join("engagement.yaml").exists());
}

#[test]
fn check_github_prints_workflow_annotations() {
    let fixture = root().join("tests/fixtures/rules/lead-time.yaml");
    let output = dossier(&["check", arg(&fixture), "--format", "github"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    let line = stdout.lines().next().expect("one annotation");
    let prefix = format!(
        "::error file={},line=33,col=14,title=lead-time (§3%2C §6)::",
        arg(&fixture)
    );
    assert!(line.starts_with(&prefix), "{line}");
    assert!(line.contains("working days"), "{line}");
    assert!(line.contains("%0Ahelp: "), "{line}");
    let warning = root().join("tests/fixtures/rules/large-demand.yaml");
    let output = dossier(&["check", arg(&warning), "--format", "github"]);
    assert!(text(&output.stdout).starts_with("::warning file="));
}

#[test]
fn bash_completions_load() {
    let script = dossier(&["completions", "bash"]);
    assert!(script.status.success());
    let file = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(file.path(), &script.stdout).expect("write");
    let bash = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "source {} && complete -p dossier",
            arg(file.path())
        ))
        .output()
        .expect("bash runs");
    assert!(bash.status.success(), "{}", text(&bash.stderr));
    assert!(text(&bash.stdout).contains("dossier"));
    for shell in ["zsh", "fish", "powershell"] {
        let out = dossier(&["completions", shell]);
        assert!(out.status.success() && !out.stdout.is_empty(), "{shell}");
    }
}

#[test]
fn man_page_and_version() {
    let man = dossier(&["man"]);
    assert!(man.status.success());
    let page = text(&man.stdout);
    assert!(
        page.starts_with(".ie") || page.contains(".TH dossier"),
        "{page}"
    );
    assert!(page.contains("render"));
    let version = dossier(&["--version"]);
    let line = text(&version.stdout);
    assert!(line.starts_with(&format!("dossier {}", env!("CARGO_PKG_VERSION"))));
    assert!(
        line.contains(&format!("Typst {}", dossier::typeset::typst_version())),
        "{line}"
    );
}

#[test]
fn every_command_has_examples_in_its_help() {
    for command in [
        "render",
        "check",
        "verify",
        "schema",
        "init",
        "completions",
        "man",
    ] {
        let help = dossier(&[command, "--help"]);
        assert!(help.status.success(), "{command}");
        assert!(
            text(&help.stdout).contains("Examples:"),
            "{command} --help has no examples"
        );
    }
}
