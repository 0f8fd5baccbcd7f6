//! The whole pipeline, fuzzed: engagements of valid shape with hostile
//! values, engagements with odd structure (empty and huge lists, duplicate
//! ids, dates at the edges, odd paths), and byte-level mutations of real
//! files, each rendered by the binary. Whatever the input: no panic, no
//! hang; a rejected engagement writes nothing; an accepted one yields PDFs
//! that lopdf opens and `qpdf --check` passes, which print every value as
//! written and keep every glyph on the page.
//!
//! `cargo test` runs a fixed budget with a fixed seed; `bench/fuzz` runs a
//! long campaign with fresh seeds (`DOSSIER_FUZZ_CASES` cases a target).

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use serde_json::Value;

use dossier::base::model::markdown::MARKDOWN_FIELDS;
use dossier::pipeline::validate::lengths::length_of;

use crate::common::{
    arg, copy_zh_sample, each_free_text, en_sample, is_identifier, poppler_text, runner, squeeze,
    write_json_yaml,
};
use crate::layout::glyphs_off_the_page;

/// How long one engagement may take before it counts as a hang (the
/// samples take about a second).
const TIME_BOUND: Duration = Duration::from_secs(60);

/// What rendering one engagement did.
struct Outcome {
    status: Option<i32>,
    stderr: String,
    /// Every file under the output directory.
    written: Vec<PathBuf>,
}

/// Renders `input` into `out` with the dossier binary; a render that
/// outlives [`TIME_BOUND`] is killed and fails the case.
fn run(input: &Path, out: &Path) -> Result<Outcome, TestCaseError> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["render", arg(input), "-o", arg(out), "--jobs", "1"])
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1764633600")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dossier starts");
    let mut pipe = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > TIME_BOUND {
            let _ = child.kill();
            let _ = child.wait();
            return Err(TestCaseError::fail(format!(
                "no result after {TIME_BOUND:?}: a hang"
            )));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let written = walkdir::WalkDir::new(out)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect();
    Ok(Outcome {
        status: status.code(),
        stderr: reader.join().expect("reader"),
        written,
    })
}

/// `qpdf --check` on `pdf`: its complaint, if any.
fn qpdf_check(pdf: &Path) -> Result<(), String> {
    match Command::new("qpdf").arg("--check").arg(pdf).output() {
        Ok(output) if output.status.success() => Ok(()),
        Ok(output) => Err(format!(
            "qpdf --check {}: {}{}",
            pdf.display(),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )),
        Err(e) => Err(format!("qpdf does not run: {e}")),
    }
}

/// The properties every input must keep, accepted or not. Returns the PDFs
/// of an accepted engagement.
fn assert_sound(outcome: &Outcome, input: &Path) -> Result<Vec<PathBuf>, TestCaseError> {
    let stderr = &outcome.stderr;
    prop_assert!(!stderr.contains("panicked"), "a panic:\n{stderr}");
    match outcome.status {
        Some(0) => {}
        Some(1) => {
            prop_assert!(
                outcome.written.is_empty(),
                "a rejected engagement wrote {:?}\n{stderr}",
                outcome.written
            );
            let name = input.file_name().expect("name").to_string_lossy();
            prop_assert!(
                stderr.contains(&*name) || stderr.contains("engagement.yaml"),
                "the error does not name the file:\n{stderr}"
            );
            return Ok(Vec::new());
        }
        other => prop_assert!(false, "exit status {other:?}:\n{stderr}"),
    }
    let pdfs: Vec<PathBuf> = outcome
        .written
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .cloned()
        .collect();
    prop_assert_eq!(pdfs.len(), 5, "an accepted engagement gives five reports");
    for pdf in &pdfs {
        prop_assert!(
            lopdf::Document::load(pdf).is_ok(),
            "lopdf cannot open {}",
            pdf.display()
        );
        qpdf_check(pdf).map_err(TestCaseError::fail)?;
    }
    Ok(pdfs)
}

/// The text of all the PDFs as poppler reads it in content order (a value
/// wrapped in a table cell stays together), squeezed.
fn all_text(pdfs: &[PathBuf]) -> String {
    pdfs.iter()
        .map(|pdf| squeeze(&poppler_text(pdf, &["-raw"])))
        .collect()
}

/// The English sample as a value.
fn en_value() -> Value {
    let yaml = std::fs::read_to_string(en_sample()).expect("sample");
    serde_saphyr::from_str(&yaml).expect("the sample parses")
}

/// A marker that names free-text value `n`.
fn marker(n: usize) -> String {
    format!("Zq{n}qZ")
}

/// The free-text values of the English sample that its reports print
/// literally: each is replaced by a marker, and the markers the PDFs show
/// name them. Markdown fields are left out (their text is interpreted).
fn printed_fields() -> &'static BTreeSet<usize> {
    static PRINTED: OnceLock<BTreeSet<usize>> = OnceLock::new();
    PRINTED.get_or_init(|| {
        let mut value = en_value();
        let mut n = 0;
        each_free_text(&mut value, &mut |_, text| {
            if !is_identifier(text) {
                *text = marker(n);
            }
            n += 1;
        });
        let dir = tempfile::tempdir().expect("temp dir");
        let input = dir.path().join("engagement.yaml");
        write_json_yaml(&input, &value);
        let outcome = run(&input, &dir.path().join("out")).expect("the markers render");
        let pdfs = assert_sound(&outcome, &input).expect("the markers render");
        let text = all_text(&pdfs);
        let printed: BTreeSet<usize> = (0..n).filter(|i| text.contains(&marker(*i))).collect();
        assert!(
            printed.len() > n / 2,
            "only {} of {n} values are printed",
            printed.len()
        );
        printed
    })
}

/// Values a hostile or careless author writes.
fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("#set page(width: 1cm) #panic(\"boom\") ]) #{ 1 }".to_string()),
        Just("$x^2$ <label> @ref `code` \\ // /* */ = - + . :".to_string()),
        Just("{{ engagement }} {% for x in y %}{% endfor %} {# c #} {{".to_string()),
        Just("\u{202E}gnp.exe\u{202C} \u{2066}isolated\u{2069} \u{200F}rtl mark".to_string()),
        "[\\x00-\\x1f\\x7f]{1,6}[a-z]{1,6}",
        "[a-zA-Zα-ωА-я一-龥ぁ-ん가-힣0-9 ]{0,40}",
        "\\PC{0,24}",
        Just(String::new()),
        Just(" \t ".to_string()),
        "[A-Za-z0-9._/:-]{21,90}",
        Just("長".repeat(3000)),
        Just("e\u{301}\u{302}".repeat(40)),
    ]
}

/// `hostile` cut to what `field` may hold beside a space and `marker`: the
/// worst value an author can write there without being refused.
fn within_limit(field: &str, hostile: &str, marker: &str) -> String {
    let keys: Vec<String> = field.split('.').map(str::to_owned).collect();
    let room = length_of(&keys).limit() - 1 - marker.chars().count();
    hostile.chars().take(room).collect()
}

/// `text` as the reports print it: control and bidirectional formatting
/// characters dropped, line breaks as spaces (then squeezed away).
fn as_printed(text: &str) -> String {
    let shown: String = text
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        })
        .collect();
    squeeze(&shown)
}

/// One case of hostile values: every free-text value of the English sample
/// becomes a hostile string and its marker. With `whole`, each printed
/// value must be in the PDFs' text as written, in one piece; without, only
/// its end (its marker) must be: a value broken across pages has the
/// running head and the table's repeated header between its parts.
fn hostile_case(values: &[String], whole: bool) -> Result<(), TestCaseError> {
    let printed = printed_fields();
    let mut value = en_value();
    let mut n = 0;
    let mut expected = Vec::new();
    each_free_text(&mut value, &mut |field, text| {
        if is_identifier(text) {
            n += 1;
            return;
        }
        let hostile = within_limit(field, &values[n % values.len()], &marker(n));
        *text = format!("{hostile} {}", marker(n));
        if printed.contains(&n) && !MARKDOWN_FIELDS.contains(&field) {
            expected.push((field.to_string(), as_printed(text)));
        }
        n += 1;
    });
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("engagement.yaml");
    write_json_yaml(&input, &value);
    let out = dir.path().join("out");
    let outcome = run(&input, &out)?;
    let pdfs = assert_sound(&outcome, &input)?;
    if pdfs.is_empty() {
        return Ok(());
    }
    let text = all_text(&pdfs);
    for (field, shown) in &expected {
        let end = shown.rfind("Zq").map_or(shown.as_str(), |at| &shown[at..]);
        prop_assert!(
            if whole {
                text.contains(shown)
            } else {
                text.contains(end)
            },
            "{field} is not printed as written: {shown}"
        );
    }
    let outside = glyphs_off_the_page(&input, &dir.path().join("typ"));
    prop_assert!(
        outside.is_empty(),
        "text leaves the page:\n{}",
        outside.join("\n")
    );
    Ok(())
}

#[test]
#[cfg_attr(
    not(all(tool_qpdf, tool_pdftotext)),
    ignore = "needs qpdf and pdftotext"
)]
fn hostile_values_render_soundly_and_literally() {
    runner(6)
        .run(&prop::collection::vec(hostile(), 1..6), |values| {
            hostile_case(&values, true)
        })
        .unwrap();
}

/// Found by a fuzzing campaign: a value far taller than a page in a table
/// row, which must break across pages instead of running off the paper:
/// every value, cut to its field's limit, keeps its end on the page.
#[test]
#[cfg_attr(not(tool_qpdf), ignore = "needs qpdf")]
fn a_value_taller_than_a_page_is_printed_whole() {
    hostile_case(&["長".repeat(3000)], false).unwrap();
}

/// Dates at the edges of what a calendar and a chart can hold.
const EDGE_DATES: [&str; 6] = [
    "0001-01-01",
    "9999-12-31",
    "2024-02-29",
    "1970-01-01",
    "2262-04-12",
    "2026-10-01",
];

/// Image paths a careless or hostile author writes.
const ODD_PATHS: [&str; 9] = [
    "../../../../etc/passwd.png",
    "/etc/hostname.png",
    "diagrams/../../outside.png",
    "C:\\Windows\\logo.png",
    "https://example.com/x.png",
    "",
    "diagrams",
    "diagrams/./architecture.svg",
    "évidence/不存在.png",
];

/// Applies structural mutations to `value`, each choice taken from
/// `choices` in turn: lists emptied, doubled (duplicate ids) or blown up,
/// dates moved to the edges, image paths made odd.
fn mutate(value: &mut Value, choices: &mut impl Iterator<Item = u8>) {
    match value {
        Value::Array(items) => {
            for item in items.iter_mut() {
                mutate(item, choices);
            }
            match choices.next().unwrap_or(0) % 8 {
                0 => items.clear(),
                1 if !items.is_empty() => items.push(items[0].clone()),
                2 if !items.is_empty() => {
                    let first = items[0].clone();
                    items.resize(60, first);
                }
                _ => {}
            }
        }
        Value::Object(map) => {
            for (_, child) in map.iter_mut() {
                mutate(child, choices);
            }
        }
        Value::String(text) => {
            let choice = choices.next().unwrap_or(0) as usize;
            let date = text.len() == 10 && text.as_bytes()[4] == b'-' && text.as_bytes()[7] == b'-';
            let image = [".png", ".jpg", ".svg"].iter().any(|x| text.ends_with(x));
            if date && choice.is_multiple_of(3) {
                *text = EDGE_DATES[choice / 3 % EDGE_DATES.len()].to_string();
            } else if image && choice.is_multiple_of(2) {
                *text = ODD_PATHS[choice / 2 % ODD_PATHS.len()].to_string();
            }
        }
        _ => {}
    }
}

#[test]
#[cfg_attr(not(tool_qpdf), ignore = "needs qpdf")]
fn odd_structures_render_soundly() {
    runner(6)
        .run(&prop::collection::vec(any::<u8>(), 64..512), |choices| {
            let dir = tempfile::tempdir().expect("temp dir");
            let engagement = copy_zh_sample(dir.path());
            let file = engagement.join("engagement.yaml");
            let yaml = std::fs::read_to_string(&file).expect("sample");
            let mut value: Value = serde_saphyr::from_str(&yaml).expect("the sample parses");
            mutate(&mut value, &mut choices.into_iter().cycle());
            write_json_yaml(&file, &value);
            let outcome = run(&engagement, &dir.path().join("out"))?;
            assert_sound(&outcome, &file).map(drop)
        })
        .unwrap();
}

/// One byte-level edit of a file.
#[derive(Debug, Clone)]
enum Edit {
    Flip { at: usize, bit: u8 },
    Insert { at: usize, byte: u8 },
    Delete { at: usize, len: usize },
    Repeat { at: usize, len: usize, times: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), 0u8..8).prop_map(|(at, bit)| Edit::Flip { at, bit }),
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Edit::Insert { at, byte }),
        (any::<usize>(), 1usize..64).prop_map(|(at, len)| Edit::Delete { at, len }),
        (any::<usize>(), 1usize..200, 2usize..40).prop_map(|(at, len, times)| Edit::Repeat {
            at,
            len,
            times
        }),
    ]
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    if bytes.is_empty() {
        return;
    }
    match *edit {
        Edit::Flip { at, bit } => {
            let at = at % bytes.len();
            bytes[at] ^= 1 << bit;
        }
        Edit::Insert { at, byte } => {
            let at = at % (bytes.len() + 1);
            bytes.insert(at, byte);
        }
        Edit::Delete { at, len } => {
            let at = at % bytes.len();
            let end = (at + len).min(bytes.len());
            bytes.drain(at..end);
        }
        Edit::Repeat { at, len, times } => {
            let at = at % bytes.len();
            let piece = bytes[at..(at + len).min(bytes.len())].to_vec();
            for _ in 1..times {
                bytes.splice(at..at, piece.iter().copied());
            }
        }
    }
}

#[test]
#[cfg_attr(not(tool_qpdf), ignore = "needs qpdf")]
fn mutated_bytes_render_soundly() {
    let original = std::fs::read(en_sample()).expect("sample");
    runner(12)
        .run(&prop::collection::vec(edit(), 1..6), |edits| {
            let mut bytes = original.clone();
            for edit in &edits {
                apply(&mut bytes, edit);
            }
            let dir = tempfile::tempdir().expect("temp dir");
            let input = dir.path().join("engagement.yaml");
            std::fs::write(&input, &bytes).expect("write");
            let outcome = run(&input, &dir.path().join("out"))?;
            assert_sound(&outcome, &input).map(drop)
        })
        .unwrap();
}
