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
