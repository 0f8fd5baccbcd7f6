//! The external tools some tests judge the output with. `build.rs` finds
//! them and sets a `tool_*` cfg for each; a test that needs a missing one
//! carries `#[cfg_attr(not(tool_…), ignore = "needs …")]`, so it is
//! reported as ignored, with the reason, instead of passing without it.
//! CI installs them all and fails when any test is ignored.

use std::path::PathBuf;
use std::process::Command;

use crate::common::{root, text};

/// The Python with the checkers' packages: `DOSSIER_PYTHON`, else
/// `python3`.
pub fn python() -> String {
    std::env::var("DOSSIER_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// What `tools/conformance.py` (page-validation, an independent PDF/A and
/// PDF/UA checker, with the evidence that excuses a finding) says of
/// `pdfs`.
pub fn conformance(pdfs: &[PathBuf]) -> serde_json::Value {
    let python = python();
    let out = Command::new(&python)
        .arg(root().join("tools/conformance.py"))
        .args(pdfs)
        .output()
        .unwrap_or_else(|e| panic!("{python} runs: {e}"));
    assert!(
        out.status.success(),
        "{python} tools/conformance.py: {}",
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("conformance.py prints JSON")
}

/// Asserts that each of `pdfs` claims PDF/A and PDF/UA and that every
/// finding of the independent checker on it is excused by evidence.
pub fn keep_the_standards(pdfs: &[PathBuf]) {
    let report = conformance(pdfs);
    let files = report.as_array().expect("files");
    assert_eq!(files.len(), pdfs.len(), "{report}");
    for file in files {
        assert_eq!(file["claims"].as_array().map(Vec::len), Some(2), "{file}");
        for profile in file["profiles"].as_array().expect("profiles") {
            for finding in profile["findings"].as_array().expect("findings") {
                assert!(
                    !finding["excluded"].is_null(),
                    "{}: {finding}",
                    file["file"]
                );
            }
        }
    }
}
