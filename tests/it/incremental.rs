//! Incremental batches: an engagement whose bundle is up to date with its
//! inputs is left alone, any change of an input renders it again, and the
//! shards of a batch split evenly and merge into one summary.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::Value;

use crate::common::{arg, copy_zh_sample, dossier, dossier_ok, en_sample, text};

const ZH_ID: &str = "ZP-2026-FL-001";
const TITLE: &str = "title: 臻品數位零售電商平臺全鏈路專家服務";

/// Every file of `dir` with its bytes and modification time.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>, SystemTime)> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .expect("bundle")
        .flatten()
        .map(|e| {
            let path = e.path();
            let modified = e.metadata().and_then(|m| m.modified()).expect("mtime");
            let bytes = fs::read(&path).expect("read");
            (path, bytes, modified)
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// The zh-Hant sample in `dir`, without its sign-off, so that changed
/// renders may replace its bundle.
fn engagement(dir: &Path) -> PathBuf {
    let engagement = copy_zh_sample(dir);
    let yaml = engagement.join("engagement.yaml");
    let text = fs::read_to_string(&yaml).expect("yaml");
    let signoff = "  signoff:\n    by: 張文彬\n    title: 技術長\n    on: 2026-11-24\n    method: email\n    reference: \"Message-ID: <acceptance-zp-2026-fl-001@zhenpin.example>\"\n";
    assert_eq!(text.matches(signoff).count(), 1, "the sample's sign-off");
    fs::write(&yaml, text.replacen(signoff, "", 1)).expect("write");
    engagement
}

/// `render` of `engagement` into `out` with `extra` arguments, and its
/// `--summary`.
fn render(engagement: &Path, out: &Path, extra: &[&str]) -> Value {
    let summary = out.with_extension("summary.json");
    let mut args = vec![
        "render",
        arg(engagement),
        "-o",
        arg(out),
        "--summary",
        arg(&summary),
    ];
    args.extend_from_slice(extra);
    let said = dossier(&args);
    let summary: Value =
        serde_json::from_str(&fs::read_to_string(&summary).expect("summary")).expect("JSON");
    assert!(
        said.status.success(),
        "{args:?}: {}\n{summary}",
        text(&said.stderr)
    );
    summary
}

/// An input changed: what, how, and the arguments the render takes from
/// then on.
type Change<'a> = (&'a str, Box<dyn Fn() + 'a>, Vec<&'a str>);

fn skipped(summary: &Value) -> bool {
    summary["engagements"][0]["skipped"] == true
}

#[test]
fn an_up_to_date_bundle_is_left_alone_and_any_changed_input_renders_it() {
    let work = tempfile::tempdir().expect("temp dir");
    let engagement = engagement(work.path());
    let out = work.path().join("out");
    let bundle = out.join(ZH_ID);
    let first = render(&engagement, &out, &[]);
    assert!(!skipped(&first), "{first}");
    let before = snapshot(&bundle);

    // Unchanged: left alone, bytes and modification times.
    let again = render(&engagement, &out, &[]);
    assert!(skipped(&again), "{again}");
    assert_eq!(again["totals"]["skipped"], 1);
    assert_eq!(again["totals"]["unchanged"], 1);
    assert_eq!(snapshot(&bundle), before);
    // A comment's words are no input: the bundle carries the file with
    // each comment line left blank.
    let yaml = engagement.join("engagement.yaml");
    let source = fs::read_to_string(&yaml).expect("yaml");
    let comment = "# 全鏈路專家服務：";
    assert!(source.contains(comment));
    fs::write(
        &yaml,
        source.replacen(comment, "# 全鏈路專家服務（待客戶確認）：", 1),
    )
    .expect("write");
    assert!(skipped(&render(&engagement, &out, &[])));
    assert_eq!(snapshot(&bundle), before);

    // Each kind of input, changed, renders again.
    let image = engagement.join("diagrams/architecture.svg");
    let svg = fs::read_to_string(&image).expect("svg");
    let templates = work.path().join("templates");
    dossier_ok(&["templates", "export", arg(&templates)]);
    let theme = templates.join("theme.typ");
    let changes: Vec<Change> = vec![
        (
            "the engagement file",
            Box::new(|| {
                fs::write(
                    &yaml,
                    source.replacen(TITLE, &format!("{TITLE}（修訂）"), 1),
                )
                .expect("write")
            }),
            vec![],
        ),
        (
            "an image",
            Box::new(|| fs::write(&image, format!("{svg}<!-- v2 -->\n")).expect("write")),
            vec![],
        ),
        (
            "a template",
            Box::new(|| {
                let text = fs::read_to_string(&theme).expect("theme");
                fs::write(&theme, format!("{text}\n// house colours\n")).expect("write")
            }),
            vec!["--templates", arg(&templates)],
        ),
        ("an option", Box::new(|| {}), vec!["--no-attach"]),
    ];
    let mut extra: Vec<&str> = Vec::new();
    for (what, change, args) in &changes {
        change();
        extra.extend(args.iter().copied());
        let rendered = render(&engagement, &out, &extra);
        assert!(!skipped(&rendered), "{what} changed, yet: {rendered}");
        assert!(skipped(&render(&engagement, &out, &extra)), "{what}");
    }

    // The bundle after those changes is the one a clean render writes.
    let clean = work.path().join("clean");
    render(&engagement, &clean, &extra);
    let files = |dir: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        snapshot(dir)
            .into_iter()
            .map(|(path, bytes, _)| (path.strip_prefix(dir).expect("inside").to_path_buf(), bytes))
            .collect()
    };
    assert_eq!(files(&bundle), files(&clean.join(ZH_ID)));

    // --force renders everything.
    let forced = render(
        &engagement,
        &out,
        &[extra.as_slice(), &["--force"]].concat(),
    );
    assert!(!skipped(&forced), "{forced}");
}

#[test]
fn an_altered_bundle_is_rendered_anew_and_said_to_be_altered() {
    let work = tempfile::tempdir().expect("temp dir");
    let engagement = engagement(work.path());
    let out = work.path().join("out");
    render(&engagement, &out, &[]);
    let plan = out.join(ZH_ID).join("02-plan.pdf");
    let delivered = fs::read(&plan).expect("plan");
    let mut tampered = delivered.clone();
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x20;
    fs::write(&plan, &tampered).expect("write");

    let said = dossier(&["render", arg(&engagement), "-o", arg(&out)]);
    assert!(said.status.success(), "{}", text(&said.stderr));
    let err = text(&said.stderr);
    assert!(
        err.contains("02-plan.pdf: altered") && err.contains("rendering anew"),
        "{err}"
    );
    assert_eq!(fs::read(&plan).expect("plan"), delivered, "restored");
    // Removed, and a stray report added: both seen.
    fs::remove_file(&plan).expect("remove");
    let summary = render(&engagement, &out, &[]);
    let altered = summary["engagements"][0]["altered"].to_string();
    assert!(altered.contains("02-plan.pdf: missing"), "{summary}");
    // A stray PDF is none of the render's: the bundle is still up to
    // date, and `verify` names the file.
    let stray = out.join(ZH_ID).join("06-extra.pdf");
    fs::write(&stray, b"%PDF-1.7").expect("write");
    assert!(skipped(&render(&engagement, &out, &[])));
    let verified = dossier(&["verify", arg(&out.join(ZH_ID))]);
    assert!(
        text(&verified.stdout).contains("06-extra.pdf: not listed")
            || text(&verified.stderr).contains("06-extra.pdf: not listed")
    );
    fs::remove_file(&stray).expect("remove");

    // --only: a bundle whose reports asked for are current is up to date.
    assert!(skipped(&render(
        &engagement,
        &out,
        &["--only", "plan,startup"]
    )));
}

/// A tree of `n` engagements: the English sample under new ids, some with
/// more findings than others.
fn tree(dir: &Path, n: usize) -> PathBuf {
    let root = dir.join("team");
    fs::create_dir_all(&root).expect("dir");
    let sample = fs::read_to_string(en_sample()).expect("sample");
    let signoff = "  signoff:\n    by: Daniel Whitfield\n    title: Head of Platform Engineering\n    on: 2026-11-16\n    method: email\n    reference: \"Message-ID: <acceptance-nw-2026-007@northwind.example>\"\n";
    assert_eq!(sample.matches(signoff).count(), 1, "the sample's sign-off");
    let sample = sample.replacen(signoff, "", 1);
    for i in 0..n {
        let mut text = sample.replace("NW-2026-007", &format!("NW-2026-{i:03}"));
        text.push_str(&"# padding\n".repeat(i * 37 % 200));
        fs::write(root.join(format!("e{i:02}.yaml")), text).expect("write");
    }
    root
}

fn ids(summary: &Value) -> Vec<String> {
    summary["engagements"]
        .as_array()
        .expect("engagements")
        .iter()
        .map(|e| e["id"].as_str().expect("id").to_string())
        .collect()
}

#[test]
fn shards_split_evenly_every_time_and_merge_into_one_summary() {
    let work = tempfile::tempdir().expect("temp dir");
    let team = tree(work.path(), 9);
    let shard = |k: u32, out: &str| {
        let summary = work.path().join(format!("{out}-{k}.json"));
        crate::common::render_shard(&team, &work.path().join(out), k, 3, &summary);
        summary
    };
    let files: Vec<PathBuf> = (1..=3).map(|k| shard(k, "a")).collect();
    let read = |file: &Path| -> Value {
        serde_json::from_str(&fs::read_to_string(file).expect("summary")).expect("JSON")
    };
    let split: Vec<Vec<String>> = files.iter().map(|f| ids(&read(f))).collect();
    let counts: Vec<usize> = split.iter().map(Vec::len).collect();
    let (most, least) = (counts.iter().max(), counts.iter().min());
    assert!(
        most.zip(least).is_some_and(|(m, l)| m - l <= 1),
        "{split:?}"
    );
    let all: BTreeSet<&String> = split.iter().flatten().collect();
    assert_eq!(all.len(), 9, "{split:?}");
    // The same tree splits the same way, whatever else.
    let again: Vec<Vec<String>> = (1..=3).map(|k| ids(&read(&shard(k, "b")))).collect();
    assert_eq!(split, again);

    // Merged: one summary of the batch, shown as Markdown.
    let merged = work.path().join("all.json");
    let args: Vec<&str> = ["summary", "merge"]
        .into_iter()
        .chain(files.iter().map(|f| arg(f)))
        .chain(["-o", arg(&merged)])
        .collect();
    dossier_ok(&args);
    let summary = read(&merged);
    assert_eq!(summary["totals"]["engagements"], 9);
    assert_eq!(summary["shards"], serde_json::json!(["1/3", "2/3", "3/3"]));
    let shown = text(&dossier_ok(&["summary", "show", arg(&merged)]).stdout);
    assert!(shown.starts_with("### dossier: 9 engagements"), "{shown}");
    assert_eq!(shown.matches("| NW-2026-").count(), 9, "{shown}");
    let json = text(&dossier_ok(&["summary", "show", arg(&merged), "--format", "json"]).stdout);
    assert_eq!(serde_json::from_str::<Value>(&json).expect("JSON"), summary);

    // Refused: a shard missing (unless partial), a shard twice, another split.
    let two = [arg(&files[0]), arg(&files[1])];
    let missing = dossier(&["summary", "merge", two[0], two[1], "-o", arg(&merged)]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        text(&missing.stderr).contains("shard 3/3 missing"),
        "{}",
        text(&missing.stderr)
    );
    let partial = work.path().join("partial.json");
    dossier_ok(&[
        "summary",
        "merge",
        two[0],
        two[1],
        "-o",
        arg(&partial),
        "--partial",
    ]);
    assert_eq!(read(&partial)["missing"], serde_json::json!(["3/3"]));
    assert!(text(&dossier_ok(&["summary", "show", arg(&partial)]).stdout).contains("Partial"));
    let twice = dossier(&["summary", "merge", two[0], two[0], "-o", arg(&merged)]);
    assert!(
        text(&twice.stderr).contains("both are shard 1/3"),
        "{}",
        text(&twice.stderr)
    );
    let halves = work.path().join("half.json");
    dossier_ok(&[
        "render",
        arg(&team),
        "-o",
        arg(&work.path().join("c")),
        "--format",
        "typ",
        "--only",
        "startup",
        "--shard",
        "1/2",
        "--summary",
        arg(&halves),
    ]);
    let other = dossier(&["summary", "merge", two[0], arg(&halves), "-o", arg(&merged)]);
    assert!(
        text(&other.stderr).contains("different numbers of shards"),
        "{}",
        text(&other.stderr)
    );
}

#[test]
fn a_whole_batch_renders_once_then_only_what_changed() {
    let work = tempfile::tempdir().expect("temp dir");
    let team = tree(work.path(), 4);
    let out = work.path().join("out");
    let summary = work.path().join("summary.json");
    let run = || {
        dossier_ok(&[
            "render",
            arg(&team),
            "-o",
            arg(&out),
            "--summary",
            arg(&summary),
        ]);
        let summary: Value =
            serde_json::from_str(&fs::read_to_string(&summary).expect("summary")).expect("JSON");
        summary["totals"]["skipped"].as_u64().expect("skipped")
    };
    assert_eq!(run(), 0);
    assert_eq!(run(), 4);
    let one = team.join("e02.yaml");
    let text = fs::read_to_string(&one).expect("yaml");
    let title = "  title: Northwind Tracking Platform End-to-End Expert Service";
    fs::write(&one, text.replacen(title, &format!("{title} (revised)"), 1)).expect("write");
    assert_eq!(run(), 3);
}
