//! Everyday tooling: init, GitHub annotations, completions, the man page
//! and the version.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::common::{arg, dossier, root, text};

#[test]
fn init_makes_an_engagement_that_checks_renders_and_validates() {
    let work = tempfile::tempdir().expect("temp dir");
    let schema: Value =
        serde_json::from_str(&dossier::base::schema::json_schema()).expect("schema is JSON");
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
        let diagnostics: Vec<(&str, &str)> = report["engagements"][0]["diagnostics"]
            .as_array()
            .expect("list")
            .iter()
            .map(|d| {
                (
                    d["rule"].as_str().expect("rule"),
                    d["message"].as_str().expect("message"),
                )
            })
            .collect();
        for (rule, message) in &diagnostics {
            // Dated from today, a new engagement may run past the years
            // its region's holiday table covers: a warning, by design.
            assert!(
                [
                    "plan-confirmed",
                    "completion",
                    "service-items",
                    "signoff",
                    "targets",
                    "placeholder"
                ]
                .contains(rule)
                    || message.contains("holiday table covers"),
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
        let id = dossier::ops::init::id_for(&dir);
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
    let (_dir, fixture) = crate::common::violation("lead-time").file();
    let output = dossier(&["check", arg(&fixture), "--format", "github"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    let line = stdout.lines().next().expect("one annotation");
    let prefix = format!(
        "::error file={},line=34,col=14,title=lead-time (§3%2C §6)::",
        arg(&fixture)
    );
    assert!(line.starts_with(&prefix), "{line}");
    assert!(line.contains("working days"), "{line}");
    assert!(line.contains("%0Ahelp: "), "{line}");
    let (_other, warning) = crate::common::violation("large-demand").file();
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
    // Every page the top page refers to can be written: one per subcommand.
    let dir = tempfile::tempdir().expect("temp dir");
    let pages = dossier(&["man", "--dir", arg(dir.path())]);
    assert!(pages.status.success(), "{}", text(&pages.stderr));
    for reference in page.split("dossier\\-").skip(1) {
        let name = reference.split(['(', '\\', ' ']).next().unwrap_or_default();
        let file = dir.path().join(format!("dossier-{name}.1"));
        assert!(file.exists(), "no page for dossier-{name}");
    }
    for sub in [
        "render",
        "check",
        "verify",
        "countersign",
        "templates-export",
        "summary-merge",
        "summary-show",
    ] {
        assert!(
            dir.path().join(format!("dossier-{sub}.1")).exists(),
            "{sub}"
        );
    }
    let version = dossier(&["--version"]);
    let line = text(&version.stdout);
    assert!(line.starts_with(&format!("dossier {}", env!("CARGO_PKG_VERSION"))));
    assert!(
        line.contains(&format!(
            "Typst {}",
            dossier::pipeline::typeset::typst_version()
        )),
        "{line}"
    );
}

#[test]
fn a_template_directory_overrides_only_the_files_it_holds() {
    let work = tempfile::tempdir().expect("temp dir");
    let exported = work.path().join("exported");
    let export = dossier(&["templates", "export", arg(&exported)]);
    assert!(export.status.success(), "{}", text(&export.stderr));
    for name in [
        "cover.typ",
        "style.typ",
        "theme.typ",
        "service.typ.j2",
        "locales/zh-Hant.yaml",
    ] {
        assert!(exported.join(name).is_file(), "{name} exported");
    }
    let again = dossier(&["templates", "export", arg(&exported)]);
    assert_eq!(
        again.status.code(),
        Some(1),
        "export never overwrites silently"
    );

    // A directory holding only a new cover.
    let mine = work.path().join("mine");
    std::fs::create_dir_all(&mine).expect("dir");
    let cover = std::fs::read_to_string(exported.join("cover.typ")).expect("cover");
    let marker = "  text(size: 26pt, weight: \"bold\", fill: palette.accent, meta.title)\n";
    assert!(cover.contains(marker));
    std::fs::write(
        mine.join("cover.typ"),
        cover.replace(
            marker,
            &format!("{marker}  text(size: 9pt)[Bespoke cover edition]\n"),
        ),
    )
    .expect("write");
    let out = work.path().join("out");
    let sample = root().join("samples/northwind-logistics.yaml");
    let render = dossier(&[
        "render",
        arg(&sample),
        "-o",
        arg(&out),
        "--templates",
        arg(&mine),
        "-q",
    ]);
    assert!(render.status.success(), "{}", text(&render.stderr));
    let pdf = lopdf::Document::load(out.join("NW-2026-007/01-startup.pdf")).expect("PDF");
    let first = pdf.extract_text(&[1]).expect("text");
    assert!(first.contains("Bespoke cover edition"), "{first}");
    let rest = crate::common::pdf_text(&pdf);
    assert!(rest.contains("Document control"), "the built-in rest");

    // A Typst error in the cover: its file and line.
    std::fs::write(
        mine.join("cover.typ"),
        cover.replace(marker, "  text(no-such-colour)[x]\n"),
    )
    .expect("write");
    let line = cover
        .lines()
        .position(|l| format!("{l}\n") == marker)
        .expect("line")
        + 1;
    let render_with_mine = || {
        dossier(&[
            "render",
            arg(&sample),
            "-o",
            arg(&out),
            "--templates",
            arg(&mine),
        ])
    };
    let broken = render_with_mine();
    assert_eq!(broken.status.code(), Some(1));
    let stderr = text(&broken.stderr);
    let expected = format!("{}:{line}:", mine.join("cover.typ").display());
    assert!(stderr.contains("unknown variable"), "{stderr}");
    assert!(stderr.contains(&expected), "no {expected} in {stderr}");

    // A Jinja syntax error in a report template, and a Typst error in the
    // source it generates: both at the template's line.
    std::fs::remove_file(mine.join("cover.typ")).expect("remove");
    let survey = std::fs::read_to_string(exported.join("survey.typ.j2")).expect("survey");
    let lines: Vec<&str> = survey.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.starts_with("= "))
        .expect("a heading")
        + 1;
    for (inserted, message) in [
        ("{% for x in %}", "survey.typ.j2"),
        ("#no-such-function(1)", "unknown variable"),
    ] {
        let mut edited = lines.clone();
        edited.insert(at, inserted);
        std::fs::write(mine.join("survey.typ.j2"), edited.join("\n")).expect("write");
        let broken = render_with_mine();
        assert_eq!(broken.status.code(), Some(1), "{inserted}");
        let stderr = text(&broken.stderr);
        let expected = format!("{}:{}", mine.join("survey.typ.j2").display(), at + 1);
        assert!(
            stderr.contains(&expected),
            "{inserted}: no {expected} in {stderr}"
        );
        assert!(stderr.contains(message), "{inserted}: {stderr}");
    }
}

#[test]
fn previews_have_one_image_per_page() {
    let work = tempfile::tempdir().expect("temp dir");
    let sample = root().join("samples/northwind-logistics.yaml");
    let pdfs = work.path().join("pdf");
    let made = dossier(&[
        "render",
        arg(&sample),
        "-o",
        arg(&pdfs),
        "--only",
        "survey",
        "-q",
    ]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    let pages = lopdf::Document::load(pdfs.join("NW-2026-007/03-survey.pdf"))
        .expect("PDF")
        .get_pages()
        .len();
    for format in ["png", "svg"] {
        let out = work.path().join(format);
        let made = dossier(&[
            "render",
            arg(&sample),
            "-o",
            arg(&out),
            "--only",
            "survey",
            "--format",
            format,
            "--ppi",
            "50",
            "-q",
        ]);
        assert!(made.status.success(), "{format}: {}", text(&made.stderr));
        let folder = out.join("NW-2026-007/03-survey");
        let mut files: Vec<_> = std::fs::read_dir(&folder)
            .expect("folder")
            .map(|e| e.expect("entry").path())
            .collect();
        files.sort();
        assert_eq!(files.len(), pages, "{format}: one file per page");
        for (i, file) in files.iter().enumerate() {
            assert_eq!(
                file.file_name().and_then(|n| n.to_str()),
                Some(format!("page-{:02}.{format}", i + 1).as_str())
            );
        }
        let first = std::fs::read(&files[0]).expect("read");
        if format == "png" {
            let decoder = png::Decoder::new(std::io::Cursor::new(first));
            let mut reader = decoder.read_info().expect("a PNG");
            let mut pixels = vec![0; reader.output_buffer_size().expect("size")];
            let info = reader.next_frame(&mut pixels).expect("decodes");
            // A4 at 50 ppi, and ink on the page: text, not a blank image.
            assert_eq!((info.width, info.height), (413, 585));
            let dark = pixels
                .chunks(info.line_size / info.width as usize)
                .filter(|p| p[0] < 128)
                .count();
            assert!(dark > 500, "only {dark} dark pixels");
        } else {
            let svg = String::from_utf8(first).expect("UTF-8");
            assert!(
                svg.starts_with("<svg") && svg.contains("<path"),
                "an SVG with glyphs"
            );
        }
    }
}

/// Lines a child process prints, as they come.
fn lines_of(stream: impl std::io::Read + Send + 'static) -> std::sync::mpsc::Receiver<String> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stream)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits for a line containing `needle`, failing after a minute.
fn wait_for(lines: &std::sync::mpsc::Receiver<String>, needle: &str) -> String {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) if line.contains(needle) => return line,
            Ok(_) => {}
            Err(_) => panic!("no line with `{needle}` within a minute"),
        }
    }
}

/// A bundle already up to date with its engagement is kept when watching
/// starts: nothing is typeset, nothing written.
#[test]
fn watch_keeps_an_up_to_date_bundle_at_the_start() {
    let work = tempfile::tempdir().expect("temp dir");
    let yaml = work.path().join("nw.yaml");
    std::fs::copy(root().join("samples/northwind-logistics.yaml"), &yaml).expect("copy");
    let out = work.path().join("out");
    let rendered = dossier(&["render", arg(&yaml), "-o", arg(&out)]);
    assert!(rendered.status.success(), "{}", text(&rendered.stderr));
    let plan = out.join("NW-2026-007/02-plan.pdf");
    let modified = std::fs::metadata(&plan)
        .and_then(|m| m.modified())
        .expect("mtime");
    let mut child = watching(&yaml, &out, &[]);
    let stdout = lines_of(child.0.stdout.take().expect("stdout"));
    let first = wait_for(&stdout, "NW-2026-007");
    assert!(first.starts_with("unchanged NW-2026-007"), "{first}");
    let now = std::fs::metadata(&plan)
        .and_then(|m| m.modified())
        .expect("mtime");
    assert_eq!(now, modified);
}

#[test]
fn watch_re_renders_on_save_and_keeps_the_last_good_pdfs() {
    let work = tempfile::tempdir().expect("temp dir");
    let yaml = work.path().join("nw.yaml");
    let sample =
        std::fs::read_to_string(root().join("samples/northwind-logistics.yaml")).expect("sample");
    std::fs::write(&yaml, &sample).expect("write");
    let out = work.path().join("out");
    let mut child = watching(&yaml, &out, &["--force"]);
    let stdout = lines_of(child.0.stdout.take().expect("stdout"));
    let stderr = lines_of(child.0.stderr.take().expect("stderr"));
    let startup = out.join("NW-2026-007/01-startup.pdf");
    let service = out.join("NW-2026-007/04-service.pdf");
    let first = wait_for(&stdout, "rendered NW-2026-007");
    assert!(first.contains("5 of 5 typeset"), "{first}");

    // A value only the service and acceptance reports show: those two are
    // typeset again, the others are not.
    let before_startup = std::fs::read(&startup).expect("startup");
    std::fs::write(
        &yaml,
        sample.replace("tool: k6", "tool: k6 (cloud edition)"),
    )
    .expect("save");
    let second = wait_for(&stdout, "rendered NW-2026-007");
    assert!(second.contains("2 of 5 typeset"), "{second}");
    let text = crate::common::pdf_text(&lopdf::Document::load(&service).expect("PDF"));
    assert!(
        text.contains("k6 (cloud edition)"),
        "the edit is in the PDF"
    );
    assert_eq!(std::fs::read(&startup).expect("startup"), before_startup);

    // A broken save: the error at its line, and the PDFs stay as they were.
    let good = std::fs::read(&service).expect("service");
    std::fs::write(
        &yaml,
        sample.replace(
            "  classification: Confidential",
            "  classification: Confidential\n  titel: x",
        ),
    )
    .expect("save");
    // The error, then its location, in the order rustc prints them.
    wait_for(&stderr, "unknown key `titel`");
    let location = wait_for(&stderr, "-->");
    assert!(location.ends_with("nw.yaml:11:3"), "{location}");
    wait_for(&stderr, "the last good reports stay in place");
    assert_eq!(std::fs::read(&service).expect("service"), good);
}

/// A child process that is stopped when the test ends, failed or not.
/// `dossier watch YAML -o OUT` with `extra` arguments, its output piped.
fn watching(yaml: &Path, out: &Path, extra: &[&str]) -> Stopped {
    Stopped(
        Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args(["watch", arg(yaml), "-o", arg(out)])
            .args(extra)
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("dossier watch starts"),
    )
}

struct Stopped(std::process::Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_providers_brand_is_data() {
    // The zh-Hant sample's accent colour reaches the theme every report
    // imports, and its logo is among the checked images.
    let work = tempfile::tempdir().expect("temp dir");
    let out = work.path().join("typ");
    let sample = crate::common::zh_sample();
    let made = dossier(&[
        "render",
        arg(&sample),
        "-o",
        arg(&out),
        "--format",
        "typ",
        "-q",
    ]);
    assert!(made.status.success(), "{}", text(&made.stderr));
    let bundle = out.join("ZP-2026-FL-001");
    // The colour is data the theme reads, not code written into it.
    let brand = std::fs::read_to_string(bundle.join("brand.json")).expect("brand");
    assert_eq!(brand, r##"{"accent":"#0f5e6e"}"##);
    let theme = std::fs::read_to_string(bundle.join("theme.typ")).expect("theme");
    assert!(!theme.contains("0f5e6e"), "{theme}");
    assert!(theme.contains("json(\"/brand.json\")"), "{theme}");
    assert!(bundle.join("brand/logo.svg").is_file());
    let startup = std::fs::read_to_string(bundle.join("01-startup.typ")).expect("source");
    assert!(startup.contains("\"logo\": \"/brand/logo.svg\""));

    // A colour that is not one: an error at its position.
    let yaml = crate::common::en_sample_with(
        "    name: Cirrus Expert Services Ltd.\n",
        "    name: Cirrus Expert Services Ltd.\n    brand:\n      accent: teal-ish\n",
    );
    let (_dir, file) = crate::common::engagement_file(&yaml);
    let check = dossier(&["check", arg(&file), "--format", "json"]);
    assert_eq!(check.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&check.stdout).expect("JSON");
    let d = &report["engagements"][0]["diagnostics"][0];
    assert_eq!(d["rule"], "consistency");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(14), Some(15))
    );
}

#[test]
fn check_strict_fails_on_a_pending_step_alone() {
    // A planned topic not delivered yet: a pending step, not an error.
    let yaml = crate::common::en_sample_with(
        "    format: online\n    consulting_topics: [cloud-native-diagnosis]\n",
        "    format: online\n",
    );
    let (_dir, file) = crate::common::engagement_file(&yaml);

    let lenient = dossier(&["check", arg(&file)]);
    assert_eq!(lenient.status.code(), Some(0), "{}", text(&lenient.stderr));

    let strict = dossier(&["check", arg(&file), "--strict"]);
    assert_eq!(strict.status.code(), Some(1), "{}", text(&strict.stdout));
    let stdout = text(&strict.stdout);
    assert!(stdout.contains("0 errors, 1 warning"), "{stdout}");
    assert!(
        stdout.contains("would render acceptance as a draft"),
        "{stdout}"
    );

    let json = dossier(&["check", arg(&file), "--strict", "--format", "json"]);
    assert_eq!(json.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(report["errors"], 0);
    assert_eq!(
        report["engagements"][0]["drafts"],
        serde_json::json!(["acceptance"])
    );

    // Every report ready: --strict passes.
    let ready = dossier(&["check", arg(&crate::common::en_sample()), "--strict"]);
    assert_eq!(ready.status.code(), Some(0), "{}", text(&ready.stdout));
}

/// `cargo test --release` reuses the dependencies `cargo run --release`
/// built only while the test-only dependencies turn on no feature of a
/// crate the product is built with: otherwise cargo builds Typst a second
/// time. Build scripts and proc macros are built for the host with features
/// of their own, so only crates linked into the product count.
#[test]
fn test_dependencies_add_no_features_to_the_build() {
    let features = |edges: &str| -> std::collections::BTreeSet<String> {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let output = Command::new(cargo)
            .current_dir(root())
            .args([
                "tree",
                "--locked",
                "--offline",
                "--no-dedupe",
                "--prefix",
                "depth",
            ])
            .args(["--format", "{p} {f}", "--edges", edges])
            .output()
            .expect("cargo tree runs");
        assert!(output.status.success(), "{}", text(&output.stderr));
        let mut linked = std::collections::BTreeSet::new();
        // The depth below which the lines are a proc macro's dependencies.
        let mut host: Option<usize> = None;
        for line in text(&output.stdout).lines() {
            let digits = line.chars().take_while(char::is_ascii_digit).count();
            let depth: usize = line[..digits].parse().expect("depth prefix");
            if host.is_some_and(|h| depth > h) {
                continue;
            }
            host = None;
            if line.contains("(proc-macro)") {
                host = Some(depth);
                continue;
            }
            linked.insert(line[digits..].trim_end_matches(" (*)").to_string());
        }
        linked
    };
    let product = features("normal");
    let with_tests = features("normal,dev");
    // "name vX.Y.Z": one crate of the build.
    let package = |line: &str| line.split(' ').take(2).collect::<Vec<_>>().join(" ");
    let product_crates: std::collections::BTreeSet<String> =
        product.iter().map(|l| package(l)).collect();
    let changed: Vec<&String> = with_tests
        .iter()
        .filter(|l| product_crates.contains(&package(l)))
        .filter(|l| !product.contains(*l))
        .collect();
    assert!(
        !product_crates.iter().all(|c| !c.starts_with("typst ")),
        "Typst is among the crates compared"
    );
    assert!(
        changed.is_empty(),
        "the test-only dependencies change these crates' features; pin them in [dependencies]: {changed:?}"
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    // The reader is gone before dossier writes a word, on both streams.
    let (_dir, fixture) = crate::common::violation("lead-time").file();
    let script = format!(
        "{} check {} 2>&1 | true; echo \"${{PIPESTATUS[0]}}\"",
        env!("CARGO_BIN_EXE_dossier"),
        fixture.display()
    );
    let output = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .env("NO_COLOR", "1")
        .output()
        .expect("bash runs");
    let status = text(&output.stdout);
    let stderr = text(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    // The check's own status (1: the fixture has an error), not a crash.
    assert_eq!(status.trim(), "1", "{stderr}");
}
