//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};

use dossier::engine::LocalWorker;
use dossier::pipeline::render::RenderOptions;
use dossier::{RenderedEngagement, Renderer};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A worker rendering with `renderer`: it drops what Typst memoised for
/// earlier work first, as a batch does, so tests that typeset many
/// engagements in one process stay within bounded memory.
pub fn worker(renderer: Renderer) -> LocalWorker {
    LocalWorker::new(renderer, 2).expect("threads start")
}

/// The zh-Hant sample engagement directory.
pub fn zh_sample() -> PathBuf {
    root().join("samples/acme-retail")
}

/// The English single-file sample.
pub fn en_sample() -> PathBuf {
    root().join("samples/northwind-logistics.yaml")
}

/// Runs the `dossier` binary with `args`, colour off.
pub fn dossier(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("dossier runs")
}

/// Runs the `dossier` binary with `args` and checks that it succeeded.
pub fn dossier_ok(args: &[&str]) -> std::process::Output {
    let said = dossier(args);
    assert!(
        said.status.success(),
        "dossier {args:?}: {}",
        text(&said.stderr)
    );
    said
}

/// Renders shard `k` of `n` of the engagements under `team` into `out`,
/// the kick-off reports only and as Typst sources (fast; sharding is the
/// same), writing the shard's summary to `summary`; checks it succeeded.
pub fn render_shard(team: &Path, out: &Path, k: u32, n: u32, summary: &Path) {
    let shard = format!("{k}/{n}");
    dossier_ok(&[
        "render",
        arg(team),
        "-o",
        arg(out),
        "--format",
        "typ",
        "--only",
        "startup",
        "--shard",
        &shard,
        "--summary",
        arg(summary),
    ]);
}

/// A path as a command-line argument.
pub fn arg(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

/// What a command printed, as text.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Renders `path` into `out` with default options.
pub fn render(path: &Path, out: &Path) -> RenderedEngagement {
    let renderer = Renderer::new(RenderOptions {
        out: out.to_path_buf(),
        ..RenderOptions::default()
    });
    match worker(renderer).render(path) {
        Ok(done) => done,
        Err(err) => panic!("rendering {} failed: {err}", path.display()),
    }
}

/// The text of every page of a PDF, as lopdf extracts it.
pub fn pdf_text(doc: &lopdf::Document) -> String {
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).expect("text extracts")
}

/// The text poppler's `pdftotext` (which we did not write) extracts from
/// `pdf`, in reading order, with `extra` options.
pub fn poppler_text(pdf: &Path, extra: &[&str]) -> String {
    let out = std::process::Command::new("pdftotext")
        .args(extra)
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout)
}

/// `text` without any white space and with typographic quotes made
/// straight, for comparing extracted text with its source.
pub fn squeeze(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !is_default_ignorable(*c))
        .map(|c| match c {
            '‘' | '’' | '′' => '\'',
            '“' | '”' | '″' => '"',
            c => c,
        })
        .collect()
}

/// A copy of the zh-Hant sample directory (YAML and images) in `dir`.
pub fn copy_zh_sample(dir: &Path) -> PathBuf {
    let engagement = dir.join("acme");
    copy_zh_sample_into(&engagement);
    engagement
}

/// Copies the zh-Hant sample directory (YAML and images) into `engagement`.
pub fn copy_zh_sample_into(engagement: &Path) {
    for sub in ["diagrams", "evidence", "brand"] {
        std::fs::create_dir_all(engagement.join(sub)).expect("dir");
        for entry in std::fs::read_dir(zh_sample().join(sub)).expect("sample assets") {
            let entry = entry.expect("entry");
            std::fs::copy(entry.path(), engagement.join(sub).join(entry.file_name()))
                .expect("copy");
        }
    }
    std::fs::copy(
        zh_sample().join("engagement.yaml"),
        engagement.join("engagement.yaml"),
    )
    .expect("copy");
}

/// Writes `yaml` as a single-file engagement in a fresh temporary directory.
pub fn engagement_file(yaml: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("engagement.yaml");
    std::fs::write(&path, yaml).expect("write fixture");
    (dir, path)
}

/// The English sample's text with `from` replaced by `to` (exactly once).
pub fn en_sample_with(from: &str, to: &str) -> String {
    let text = std::fs::read_to_string(en_sample()).expect("sample");
    assert_eq!(
        text.matches(from).count(),
        1,
        "`{from}` must occur once in the sample"
    );
    text.replace(from, to)
}

/// A runner with `default` cases and a fixed seed, or, in a campaign,
/// `DOSSIER_FUZZ_CASES` cases and a fresh seed (printed with any failure).
pub fn runner(default: u32) -> proptest::test_runner::TestRunner {
    let campaign = std::env::var("DOSSIER_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok());
    proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
        cases: campaign.unwrap_or(default),
        failure_persistence: None,
        rng_seed: if campaign.is_some() {
            proptest::test_runner::RngSeed::Random
        } else {
            proptest::test_runner::RngSeed::Fixed(0x2026_1202)
        },
        max_shrink_iters: 64,
        ..proptest::test_runner::Config::default()
    })
}

/// The engagement schema, as JSON.
pub fn schema() -> serde_json::Value {
    let text =
        std::fs::read_to_string(root().join("schema/engagement.schema.json")).expect("schema");
    serde_json::from_str(&text).expect("schema parses")
}

/// Calls `f` with the field (`findings.title`: the path without list
/// indices) and the text of every free-text string of an engagement, by
/// the schema: strings with no enumeration, format or pattern. Image paths
/// are left out: they must name a file.
pub fn each_free_text(value: &mut serde_json::Value, f: &mut impl FnMut(&str, &mut String)) {
    let schema = schema();
    walk_free_text(value, &schema, &schema, &mut String::new(), f);
}

fn walk_free_text(
    value: &mut serde_json::Value,
    node: &serde_json::Value,
    root: &serde_json::Value,
    field: &mut String,
    f: &mut impl FnMut(&str, &mut String),
) {
    use serde_json::Value;
    let node = resolve(root, node);
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                if let Some(schema) = node.get("properties").and_then(|p| p.get(key)) {
                    let len = field.len();
                    if !field.is_empty() {
                        field.push('.');
                    }
                    field.push_str(key);
                    walk_free_text(child, schema, root, field, f);
                    field.truncate(len);
                }
            }
        }
        Value::Array(items) => {
            if let Some(schema) = node.get("items") {
                for item in items {
                    walk_free_text(item, schema, root, field, f);
                }
            }
        }
        Value::String(text) if is_free_text(node) => {
            let image = [".png", ".jpg", ".jpeg", ".svg"]
                .iter()
                .any(|x| text.ends_with(x));
            if !image {
                f(field, text);
            }
        }
        _ => {}
    }
}

/// The schema node `node` stands for, through `$ref`, a one-element
/// `allOf`, and the non-null branch of an optional value.
fn resolve<'a>(
    root: &'a serde_json::Value,
    mut node: &'a serde_json::Value,
) -> &'a serde_json::Value {
    use serde_json::Value;
    loop {
        if let Some(path) = node.get("$ref").and_then(Value::as_str) {
            node = &root["definitions"][path.trim_start_matches("#/definitions/")];
        } else if let Some([only]) = node
            .get("allOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            node = only;
        } else if let Some([a, b]) = node
            .get("anyOf")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
        {
            let null = |n: &Value| n.get("type").and_then(Value::as_str) == Some("null");
            node = if null(a) { b } else { a };
        } else {
            return node;
        }
    }
}

/// Whether a schema node is free text: a string with no enumeration,
/// format or pattern.
fn is_free_text(node: &serde_json::Value) -> bool {
    use serde_json::Value;
    let string = match node.get("type") {
        Some(Value::String(t)) => t == "string",
        Some(Value::Array(types)) => types.iter().any(|t| t == "string"),
        _ => false,
    };
    string
        && ["enum", "format", "pattern", "const"]
            .iter()
            .all(|k| node.get(*k).is_none())
}

/// Whether a value is an identifier (`F-01`, `ZP-2026-FL-001`): other
/// values refer to it, so it can only change everywhere at once.
pub fn is_identifier(text: &str) -> bool {
    text.chars().any(|c| c.is_ascii_digit())
        && text
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
}

/// Writes an engagement value as its file: JSON is YAML, in flow style.
pub fn write_json_yaml(file: &Path, value: &serde_json::Value) {
    std::fs::write(file, serde_json::to_string_pretty(value).expect("json")).expect("write");
}

/// Unicode's default-ignorable code points, which text shaping drops.
fn is_default_ignorable(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x034F | 0x061C | 0x115F..=0x1160 | 0x17B4..=0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164 | 0xFE00..=0xFE0F
        | 0xFEFF | 0xFFA0 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0000..=0xE0FFF)
}

/// A problem made by patching the English sample: `from` replaced by `to`
/// (exactly once), reported under `rule` (or, for a file that does not
/// load, with no rule) at the value that `at` starts, `offset` characters
/// in.
pub struct Violation {
    /// The rule that reports it; the file's name.
    pub rule: &'static str,
    /// The sample's text replaced.
    pub from: &'static str,
    /// Its replacement.
    pub to: &'static str,
    /// How serious the report is.
    pub severity: dossier::Severity,
    /// Text of the patched file where the offending value is written.
    pub at: &'static str,
    /// Characters from the start of `at` to the value.
    pub offset: usize,
}

use dossier::Severity::{Error, Warning};

/// One violation of each contract rule, and the load errors.
pub const VIOLATIONS: &[Violation] = &[
    Violation {
        rule: "lead-time",
        from: "  starts_on: 2026-09-28",
        to: "  starts_on: 2026-09-18",
        severity: Error,
        at: "starts_on: 2026-09-18",
        offset: 11,
    },
    Violation {
        rule: "large-demand",
        from: "  large_resource_demand: false",
        to: "  large_resource_demand: true",
        severity: Warning,
        at: "starts_on: 2026-09-28",
        offset: 11,
    },
    Violation {
        rule: "plan-confirmed",
        from: "  confirmed_on: 2026-10-05",
        to: "  confirmed_on: 2026-10-12",
        severity: Error,
        at: "confirmed_on: 2026-10-12",
        offset: 14,
    },
    Violation {
        rule: "implement-window",
        from: "    implement_by: 2026-11-13",
        to: "    implement_by: 2026-11-25",
        severity: Error,
        at: "implement_by: 2026-11-25",
        offset: 14,
    },
    Violation {
        rule: "out-of-scope",
        from: "    status: resolved\n    description: Queries for recent events",
        to: "    status: resolved\n    excluded: third-party-software\n    description: Queries for recent events",
        severity: Warning,
        at: "excluded: third-party-software",
        offset: 10,
    },
    Violation {
        rule: "completion",
        from: "  analysis: |\n    The platform is sound for its daily load, but two weak points coincide at night:\n\n    1. The batch import writes to the same `events` table that the API reads, in *one*\n       transaction per carrier file, and holds locks for minutes.\n    2. The API pods are sized for average load and scale on CPU alone, so they scale out too late.\n\n",
        to: "  analysis: \"\"\n",
        severity: Warning,
        at: "analysis: \"\"",
        offset: 10,
    },
    Violation {
        rule: "service-items",
        from: "  items:\n    - { item: expert-diagnosis, evidence: [NW-F1, NW-F2, NW-F3] }\n    - { item: risk-assessment, evidence: [NW-R1, NW-R2, NW-R3] }\n    - { item: quality-optimization, evidence: [NW-S1, NW-S2, NW-S3] }\n",
        to: "  items: []\n",
        severity: Warning,
        at: "items: []",
        offset: 7,
    },
    Violation {
        rule: "signoff",
        from: "  signoff:\n    by: Daniel Whitfield\n    title: Head of Platform Engineering\n    on: 2026-11-16\n    method: email\n    reference: \"Message-ID: <acceptance-nw-2026-007@northwind.example>\"\n",
        to: "",
        severity: Warning,
        at: "- { item: expert-diagnosis",
        offset: 0,
    },
    Violation {
        rule: "security-auth",
        from: "    - { item: quality-optimization, evidence: [NW-S1, NW-S2, NW-S3] }\n",
        to: "    - { item: quality-optimization, evidence: [NW-S1, NW-S2, NW-S3] }\n    - { item: security-inspection, evidence: [NW-F1] }\n",
        severity: Error,
        at: "security-inspection, evidence",
        offset: 0,
    },
    Violation {
        rule: "consistency",
        from: "    findings: [NW-F1]\n  - id: NW-R2",
        to: "    findings: [NW-F9]\n  - id: NW-R2",
        severity: Error,
        at: "NW-F9",
        offset: 0,
    },
    Violation {
        rule: "declined-reason",
        from: "    implemented_on: 2026-11-03\n    status: verified\n",
        to: "    status: declined\n",
        severity: Error,
        at: "status: declined",
        offset: 8,
    },
    Violation {
        rule: "targets",
        from: "November peak.\n",
        to: "November peak.\n    targets:\n      - { metric: p99, target: 300, unit: ms, comparison: at-most }\n",
        severity: Warning,
        at: "target: 300",
        offset: 8,
    },
    Violation {
        rule: "placeholder",
        from: "    name: Northwind Logistics Ltd.",
        to: "    name: Customer name",
        severity: Warning,
        at: "Customer name",
        offset: 0,
    },
    Violation {
        rule: "alt-text",
        from: "  analysis: |\n    The platform is sound",
        to: "  analysis: |\n    ![](fixture.png)\n\n    The platform is sound",
        severity: Warning,
        at: "![](fixture.png)",
        offset: 4,
    },
    Violation {
        rule: "deviations",
        from: "\nhistory:",
        to: "\nexceptions:\n  - rule: lead-time\n    what: x\n    agreed_by: { customer: a, provider: b }\n    agreed_on: 2026-09-08\n    evidence: y\n\nhistory:",
        severity: Warning,
        at: "rule: lead-time",
        offset: 6,
    },
    Violation {
        rule: "retests",
        from: "    severity: high\n    status: resolved",
        to: "    severity: high\n    status: open",
        severity: Error,
        at: "status: open",
        offset: 8,
    },
    Violation {
        rule: "versions",
        from: "  - version: \"1.1\"",
        to: "  - version: \"0.9\"",
        severity: Warning,
        at: "version: \"0.9\"",
        offset: 9,
    },
    Violation {
        rule: "unknown-key",
        from: "  title: Northwind Tracking",
        to: "  titel: Northwind Tracking",
        severity: Error,
        at: "titel",
        offset: 0,
    },
    Violation {
        rule: "unknown-scenario",
        from: "  scenarios: [data, cloud-native]",
        to: "  scenarios: [data, cloud-natve]",
        severity: Error,
        at: "cloud-natve",
        offset: 0,
    },
    Violation {
        rule: "invalid-date",
        from: "  starts_on: 2026-09-28",
        to: "  starts_on: 2026-02-30",
        severity: Error,
        at: "starts_on: 2026-02-30",
        offset: 11,
    },
    Violation {
        rule: "missing-key",
        from: "  customer:\n    name: Northwind Logistics Ltd.\n    contacts:\n      - name: Daniel Whitfield\n        role: Head of Platform Engineering\n        email: d.whitfield@northwind.example\n        phone: \"+44 20 7946 0321\"\n      - name: Priya Raman\n        role: SRE lead\n        email: p.raman@northwind.example\n",
        to: "",
        severity: Error,
        // The mapping that must hold it: its key's line.
        at: "engagement:\n",
        offset: 0,
    },
];

/// A valid PNG of one grey pixel.
pub fn one_pixel_png() -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, 1, 1);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("PNG header");
    writer.write_image_data(&[128]).expect("PNG data");
    writer.finish().expect("PNG end");
    bytes
}

/// The violation named `rule`.
pub fn violation(rule: &str) -> &'static Violation {
    VIOLATIONS
        .iter()
        .find(|v| v.rule == rule)
        .unwrap_or_else(|| panic!("no violation `{rule}`"))
}

impl Violation {
    /// The patched sample's text.
    pub fn yaml(&self) -> String {
        en_sample_with(self.from, self.to)
    }

    /// The patched sample written as `<rule>.yaml` in a fresh directory,
    /// beside an image it may refer to, `fixture.png`.
    pub fn file(&self) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(format!("{}.yaml", self.rule));
        std::fs::write(&path, self.yaml()).expect("write violation");
        std::fs::write(dir.path().join("fixture.png"), one_pixel_png()).expect("write image");
        (dir, path)
    }

    /// The line and column where the problem must be reported.
    pub fn position(&self) -> (u32, u32) {
        let yaml = self.yaml();
        let start = yaml
            .find(self.at)
            .unwrap_or_else(|| panic!("{}: `{}` not in the patched sample", self.rule, self.at));
        let before = &yaml[..start];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1 + self.offset;
        (line as u32, column as u32)
    }
}

/// The 1-based line and column where `needle` first starts in `text`, plus
/// `offset` characters (to point past a key at its value).
pub fn position(text: &str, needle: &str, offset: usize) -> (u32, u32) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in the YAML"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1 + offset;
    (line as u32, column as u32)
}
