//! Batches: many engagements in one process, bundles with manifests,
//! verification, sharding, protection of signed bundles, reproducibility.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::common::{arg, copy_zh_sample, copy_zh_sample_into, dossier, en_sample, zh_sample};

const ZH_ID: &str = "ZP-2026-FL-001";

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Writes `n` engagement directories made from the zh-Hant sample (YAML
/// and images), with ids `GEN-000`, `GEN-001`, … into `dir`.
fn generate(dir: &Path, n: usize) -> Vec<String> {
    let text = fs::read_to_string(zh_sample().join("engagement.yaml")).expect("sample");
    (0..n)
        .map(|i| {
            let id = format!("GEN-{i:03}");
            let engagement = dir.join(&id);
            copy_zh_sample_into(&engagement);
            fs::write(engagement.join("engagement.yaml"), text.replace(ZH_ID, &id))
                .expect("write engagement");
            id
        })
        .collect()
}

/// Every file under `dir`, relative to it, with its bytes.
fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = walkdir(dir)
        .into_iter()
        .map(|p| {
            let bytes = fs::read(&p).expect("read");
            (p.strip_prefix(dir).expect("inside").to_path_buf(), bytes)
        })
        .collect();
    files.sort();
    files
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

fn summary(path: &Path) -> serde_json::Value {
    serde_json::from_str(&fs::read_to_string(path).expect("summary written"))
        .expect("summary is JSON")
}

#[test]
fn a_hundred_engagements_render_and_a_broken_one_is_reported() {
    let work = tempfile::tempdir().expect("temp dir");
    let team = work.path().join("team");
    let ids = generate(&team, 100);
    // An unknown key on line 3, column 3 of an otherwise fine engagement.
    let broken = fs::read_to_string(en_sample()).expect("sample").replacen(
        "engagement:\n",
        "engagement:\n  colour: blue\n",
        1,
    );
    let broken_line = broken
        .lines()
        .position(|l| l == "  colour: blue")
        .expect("inserted")
        + 1;
    fs::write(team.join("broken.yaml"), &broken).expect("write");
    let out = work.path().join("out");
    let summary_file = work.path().join("summary.json");
    let output = dossier(&[
        "render",
        arg(&team),
        "-o",
        arg(&out),
        "--summary",
        arg(&summary_file),
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let location = format!("broken.yaml:{broken_line}:3");
    assert!(
        stderr(&output).contains(&location),
        "no {location} in:\n{}",
        stderr(&output)
    );

    for id in &ids {
        let bundle = out.join(id);
        for n in [
            "01-startup",
            "02-plan",
            "03-survey",
            "04-service",
            "05-acceptance",
        ] {
            assert!(bundle.join(format!("{n}.pdf")).is_file(), "{id}/{n}.pdf");
        }
        assert!(bundle.join("manifest.json").is_file(), "{id}/manifest.json");
    }

    let summary = summary(&summary_file);
    assert_eq!(summary["version"], 1);
    assert_eq!(summary["totals"]["engagements"], 101);
    assert_eq!(summary["totals"]["final"], 100);
    assert_eq!(summary["totals"]["failed"], 1);
    let failed: Vec<_> = summary["engagements"]
        .as_array()
        .expect("list")
        .iter()
        .filter(|e| e["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    let diagnostic = &failed[0]["diagnostics"][0];
    assert!(
        diagnostic["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("broken.yaml"))
    );
    assert_eq!(diagnostic["line"], broken_line);
    assert_eq!(diagnostic["column"], 3);
}

#[test]
fn verify_passes_on_a_fresh_bundle_and_names_altered_and_missing_files() {
    let out = tempfile::tempdir().expect("temp dir");
    let rendered = dossier(&["render", arg(&zh_sample()), "-o", arg(out.path())]);
    assert!(rendered.status.success(), "{}", stderr(&rendered));
    let bundle = out.path().join(ZH_ID);

    let ok = dossier(&["verify", arg(&bundle)]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(String::from_utf8_lossy(&ok.stdout).contains("5 reports matching"));

    // One byte of one PDF changed.
    let plan = bundle.join("02-plan.pdf");
    let mut bytes = fs::read(&plan).expect("read");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    fs::write(&plan, bytes).expect("write");
    let altered = dossier(&["verify", arg(&bundle)]);
    assert_eq!(altered.status.code(), Some(1));
    assert!(
        stderr(&altered).contains("02-plan.pdf: altered"),
        "{}",
        stderr(&altered)
    );

    // A PDF deleted.
    fs::remove_file(bundle.join("03-survey.pdf")).expect("delete");
    let missing = dossier(&["verify", arg(&bundle)]);
    assert_eq!(missing.status.code(), Some(1));
    let text = stderr(&missing);
    assert!(text.contains("03-survey.pdf: missing"), "{text}");
    assert!(text.contains("02-plan.pdf: altered"), "{text}");
}

#[test]
fn bundles_are_identical_whatever_the_jobs_and_the_clock() {
    let one = tempfile::tempdir().expect("temp dir");
    let two = tempfile::tempdir().expect("temp dir");
    let samples = crate::common::root().join("samples");
    let first = dossier(&[
        "render",
        arg(&samples),
        "-o",
        arg(one.path()),
        "--jobs",
        "1",
    ]);
    assert!(first.status.success(), "{}", stderr(&first));
    // PDF dates have a resolution of one second: let the clock move on.
    std::thread::sleep(Duration::from_millis(1100));
    let second = dossier(&[
        "render",
        arg(&samples),
        "-o",
        arg(two.path()),
        "--jobs",
        "2",
    ]);
    assert!(second.status.success(), "{}", stderr(&second));
    let (a, b) = (tree(one.path()), tree(two.path()));
    assert_eq!(a.len(), 18, "three bundles of five reports and a manifest");
    assert_eq!(a.len(), b.len(), "both runs write the same files");
    for ((name_a, bytes_a), (name_b, bytes_b)) in a.iter().zip(&b) {
        assert_eq!(name_a, name_b);
        assert!(bytes_a == bytes_b, "{} differs", name_a.display());
    }
}

#[test]
fn worker_processes_report_a_batch_as_one_process_does() {
    let work = tempfile::tempdir().expect("temp dir");
    let team = work.path().join("team");
    generate(&team, 3);
    let broken = fs::read_to_string(en_sample()).expect("sample").replacen(
        "engagement:\n",
        "engagement:\n  colour: blue\n",
        1,
    );
    fs::write(team.join("broken.yaml"), broken).expect("write");
    // The same batch on worker processes (several engagements on several
    // jobs) and on the one worker in this process (`--jobs 1`).
    let run = |name: &str, jobs: &str| {
        let out = work.path().join(name);
        let summary_file = work.path().join(format!("{name}.json"));
        let args = vec![
            "render",
            arg(&team),
            "-o",
            arg(&out),
            "--jobs",
            jobs,
            "--summary",
            arg(&summary_file),
        ];
        let output = dossier(&args);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        let prefix = format!("{}/", out.display());
        let text = fs::read_to_string(&summary_file).expect("summary written");
        let summary: serde_json::Value =
            serde_json::from_str(&text.replace(&prefix, "OUT/")).expect("summary is JSON");
        let mut lines: Vec<String> = String::from_utf8_lossy(&output.stdout)
            .replace(&prefix, "OUT/")
            .lines()
            .filter(|l| l.contains(" → "))
            .map(str::to_string)
            .collect();
        lines.sort();
        (tree(&out), summary, lines, stderr(&output))
    };
    let (files, summary, lines, errors) = run("workers", "2");
    let (files_alone, summary_alone, lines_alone, errors_alone) = run("alone", "1");
    assert_eq!(
        files.len(),
        18,
        "three bundles of five reports and a manifest"
    );
    assert!(files == files_alone, "the bundles differ");
    assert_eq!(summary, summary_alone);
    assert_eq!(summary["totals"]["final"], 3);
    assert_eq!(summary["totals"]["failed"], 1);
    assert_eq!(lines, lines_alone);
    assert_eq!(
        lines.len(),
        3,
        "one line per rendered engagement: {lines:?}"
    );
    for text in [&errors, &errors_alone] {
        assert!(text.contains("broken.yaml:"), "{text}");
        assert!(text.contains("failed: "), "{text}");
    }
}

#[test]
fn shards_are_disjoint_and_cover_the_batch() {
    let work = tempfile::tempdir().expect("temp dir");
    let team = work.path().join("team");
    let ids: BTreeSet<String> = generate(&team, 24).into_iter().collect();
    let mut seen = BTreeSet::new();
    for k in 1..=3 {
        let summary_file = work.path().join(format!("shard-{k}.json"));
        crate::common::render_shard(&team, &work.path().join("out"), k, 3, &summary_file);
        let summary = summary(&summary_file);
        assert_eq!(summary["shard"], format!("{k}/3"));
        for entry in summary["engagements"].as_array().expect("list") {
            let id = entry["id"].as_str().expect("id").to_string();
            assert!(seen.insert(id.clone()), "{id} is in two shards");
        }
    }
    assert_eq!(seen, ids);
}

#[test]
fn the_same_id_twice_is_an_error_naming_both_files() {
    let work = tempfile::tempdir().expect("temp dir");
    let team = work.path().join("team");
    fs::create_dir_all(&team).expect("dir");
    let text = fs::read_to_string(en_sample()).expect("sample");
    fs::write(team.join("a.yaml"), &text).expect("write");
    fs::write(team.join("b.yaml"), &text).expect("write");
    let output = dossier(&[
        "render",
        arg(&team),
        "-o",
        arg(&work.path().join("out")),
        "--only",
        "startup",
        "--format",
        "typ",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("a.yaml") && text.contains("b.yaml"), "{text}");
    assert!(text.contains("is also used by"), "{text}");
    assert!(!work.path().join("out").exists(), "nothing is rendered");
}

#[test]
fn a_signed_bundle_is_not_overwritten_with_different_content_unless_forced() {
    let work = tempfile::tempdir().expect("temp dir");
    let engagement = copy_zh_sample(work.path());
    let yaml = engagement.join("engagement.yaml");
    let out = work.path().join("out");
    let first = dossier(&["render", arg(&engagement), "-o", arg(&out)]);
    assert!(first.status.success(), "{}", stderr(&first));
    let bundle = out.join(ZH_ID);
    let manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(bundle.join("manifest.json")).expect("read"))
            .expect("JSON");
    assert_eq!(manifest["signed_off"], true);
    let before = tree(&bundle);

    // The same input again: nothing changes, nothing is written.
    let again = dossier(&["render", arg(&engagement), "-o", arg(&out)]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(String::from_utf8_lossy(&again.stdout).contains("up to date"));
    assert_eq!(tree(&bundle), before);

    // Changed data: refused, the bundle untouched.
    let text = fs::read_to_string(&yaml).expect("read");
    let title = text
        .lines()
        .find(|l| l.trim_start().starts_with("title:"))
        .expect("a title")
        .to_string();
    fs::write(&yaml, text.replacen(&title, &format!("{title}（修訂）"), 1)).expect("write");
    let refused = dossier(&["render", arg(&engagement), "-o", arg(&out)]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    assert_eq!(tree(&bundle), before);

    let forced = dossier(&["render", arg(&engagement), "-o", arg(&out), "--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
    assert_ne!(tree(&bundle), before);
    let verified = dossier(&["verify", arg(&bundle)]);
    assert!(verified.status.success(), "{}", stderr(&verified));
}

#[test]
fn a_killed_batch_leaves_only_whole_files_and_a_rerun_completes_it() {
    let work = tempfile::tempdir().expect("temp dir");
    let team = work.path().join("team");
    let ids = generate(&team, 16);
    let out = work.path().join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["render", arg(&team), "-o", arg(&out), "--quiet"])
        .spawn()
        .expect("dossier starts");
    // Kill it once some bundles are written, well before the end.
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let bundles = fs::read_dir(&out).map(|d| d.count()).unwrap_or(0);
        if bundles >= 3 {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    // The kill must land while the batch runs, or it tests nothing.
    assert!(
        child.try_wait().expect("status").is_none(),
        "the batch ended before it could be killed"
    );
    child.kill().expect("SIGKILL");
    child.wait().expect("reaped");
    let written = walkdir(&out)
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .count();
    assert!(
        written < ids.len() * 5,
        "the killed run wrote every report: it was not interrupted"
    );

    for path in walkdir(&out) {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        assert!(
            name.ends_with(".pdf") || name == "manifest.json",
            "stray file {}",
            path.display()
        );
        if name.ends_with(".pdf") {
            lopdf::Document::load(&path)
                .unwrap_or_else(|e| panic!("{} is not a whole PDF: {e}", path.display()));
        }
    }

    let rerun = dossier(&["render", arg(&team), "-o", arg(&out), "--quiet"]);
    assert!(rerun.status.success(), "{}", stderr(&rerun));
    for id in &ids {
        let verified = dossier(&["verify", arg(&out.join(id))]);
        assert!(verified.status.success(), "{id}: {}", stderr(&verified));
    }
}

#[test]
fn typst_sources_compile_on_their_own() {
    let out = tempfile::tempdir().expect("temp dir");
    let output = dossier(&[
        "render",
        arg(&zh_sample()),
        "-o",
        arg(out.path()),
        "--format",
        "typ",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let bundle = out.path().join(ZH_ID);
    let style = fs::read_to_string(bundle.join("style.typ")).expect("style module written");
    let names: BTreeSet<String> = fs::read_dir(&bundle)
        .expect("bundle")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = [
        "01-startup.typ",
        "02-plan.typ",
        "03-survey.typ",
        "04-service.typ",
        "05-acceptance.typ",
        "brand",
        "brand.json",
        "cover.typ",
        "diagrams",
        "engagement.yaml",
        "evidence",
        "style.typ",
        "theme.typ",
    ]
    .map(String::from)
    .into();
    assert_eq!(names, expected);
    // A world holding nothing but what the folder holds — not the
    // engagement directory — typesets each report.
    let files = dossier::pipeline::typeset::files_in(&bundle).expect("folder reads");
    for name in expected
        .iter()
        .filter(|n| n.ends_with(".typ") && n.starts_with('0'))
    {
        let main = fs::read_to_string(bundle.join(name)).expect("source");
        let world =
            dossier::pipeline::typeset::ReportWorld::new(main, style.clone(), files.clone());
        let typeset = dossier::pipeline::typeset::compile(&world, name)
            .unwrap_or_else(|e| panic!("{name} does not compile: {e}"));
        assert!(typeset.pages() >= 3, "{name}");
    }
}

/// A PNG of `width` × `height` pixels of one colour, `shade`.
fn flat_png(width: u32, height: u32, shade: u8) -> Vec<u8> {
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_compression(png::Compression::Fast);
        let mut writer = encoder.write_header().expect("header");
        let mut stream = writer.stream_writer().expect("stream");
        let row: Vec<u8> = [shade, 120, shade.wrapping_mul(7)].repeat(width as usize);
        for _ in 0..height {
            std::io::Write::write_all(&mut stream, &row).expect("row");
        }
        stream.finish().expect("finish");
    }
    bytes
}

#[test]
fn a_batch_at_the_image_limits_stays_under_a_gigabyte() {
    // Each engagement holds the most image pixels allowed: two distinct
    // images of 30 million pixels. Two are in flight at a time.
    let dir = tempfile::tempdir().expect("temp dir");
    let team = dir.path().join("team");
    for i in 0..4u8 {
        let engagement = team.join(format!("e{i}"));
        copy_zh_sample_into(&engagement);
        fs::write(
            engagement.join("diagrams/architecture.png"),
            flat_png(6_000, 5_000, 2 * i),
        )
        .expect("write");
        fs::write(
            engagement.join("evidence/order-latency.png"),
            flat_png(6_000, 5_000, 2 * i + 1),
        )
        .expect("write");
        let yaml = fs::read_to_string(engagement.join("engagement.yaml")).expect("yaml");
        let yaml = yaml
            .replace("ZP-2026-FL-001", &format!("ZP-2026-M{i}"))
            .replace("diagrams/architecture.svg", "diagrams/architecture.png");
        fs::write(engagement.join("engagement.yaml"), yaml).expect("write");
    }
    // The default engine: two worker processes under the batch's own.
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args([
            "render",
            arg(&team),
            "-o",
            arg(&dir.path().join("out")),
            "--jobs",
            "2",
        ])
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("dossier starts");
    let peak = peak_tree_memory(&mut child) / (1024 * 1024);
    let output = child.wait_with_output().expect("dossier ends");
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{said}");
    assert!(said.contains("4 all final"), "{said}");
    assert!(peak > 100, "the sampling sees the workers: {peak} MiB");
    assert!(
        peak < 1024,
        "peak memory of all processes together: {peak} MiB"
    );
}

/// The most memory `child` and the processes it started held together
/// (the sum of their proportional set sizes, sampled every 20 ms) until it
/// exits, in bytes.
fn peak_tree_memory(child: &mut std::process::Child) -> u64 {
    let mut peak = 0;
    while child.try_wait().expect("wait").is_none() {
        let total: u64 = process_tree(child.id()).into_iter().filter_map(pss).sum();
        peak = peak.max(total);
        std::thread::sleep(Duration::from_millis(20));
    }
    peak
}

/// `pid` and its descendants.
fn process_tree(pid: u32) -> Vec<u32> {
    let mut all = vec![pid];
    let mut i = 0;
    while let Some(&pid) = all.get(i) {
        let tasks = fs::read_dir(format!("/proc/{pid}/task"))
            .into_iter()
            .flatten()
            .flatten();
        for task in tasks {
            let children = fs::read_to_string(task.path().join("children")).unwrap_or_default();
            all.extend(
                children
                    .split_whitespace()
                    .filter_map(|c| c.parse::<u32>().ok()),
            );
        }
        i += 1;
    }
    all
}

/// The proportional set size of `pid` in bytes: its own pages, and its
/// share of those it shares (the binary's).
fn pss(pid: u32) -> Option<u64> {
    let rollup = fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let line = rollup.lines().find(|l| l.starts_with("Pss:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
