//! Finds the external tools some tests judge the output with (qpdf,
//! poppler, openssl, and Python with pyHanko, the PDF/A and PDF/UA checker
//! and the holiday calendars), and sets a `tool_*` cfg for each one found.
//! A test that needs a missing tool is then reported as ignored, with the
//! tool it needs, instead of passing without it; CI installs them all and
//! fails on any ignored test. Nothing in the program itself depends on
//! these flags.

use std::path::PathBuf;
use std::process::{Command, Stdio};

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed=DOSSIER_PYTHON");
    // A tool installed later lands in one of these folders (or, for a
    // Python package, in the interpreter's site-packages): the flags are
    // worked out again when any of them changes.
    // Relative folders and those inside this package (`target/…`) change
    // with every build: they would run this script, and compile dossier,
    // each time.
    let package = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()) {
        if dir.is_absolute() && dir.is_dir() && !dir.starts_with(&package) {
            println!("cargo::rerun-if-changed={}", dir.display());
        }
    }
    let python = std::env::var("DOSSIER_PYTHON").unwrap_or_else(|_| "python3".into());
    if let Some(packages) = site_packages(&python) {
        println!("cargo::rerun-if-changed={}", packages.display());
    }
    let tools = [
        ("tool_qpdf", installed("qpdf", &["--version"])),
        ("tool_pdfsig", installed("pdfsig", &["-v"])),
        ("tool_pdfdetach", installed("pdfdetach", &["-v"])),
        ("tool_pdftotext", installed("pdftotext", &["-v"])),
        ("tool_openssl", installed("openssl", &["version"])),
        ("tool_pyhanko", imports(&python, "pyhanko.cli")),
        (
            "tool_conformance",
            imports(&python, "page, pikepdf, fontTools"),
        ),
        (
            "tool_calendars",
            imports(&python, "chinese_calendar, holidays"),
        ),
    ];
    for (cfg, found) in tools {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        if found {
            println!("cargo::rustc-cfg={cfg}");
        }
    }
}

/// Whether `program` is installed: it starts (poppler's tools exit 99
/// after printing their version).
fn installed(program: &str, args: &[&str]) -> bool {
    run(program, args).is_some()
}

/// Whether `python` can import `modules`.
fn imports(python: &str, modules: &str) -> bool {
    run(python, &["-c", &format!("import {modules}")]).is_some_and(|s| s.success())
}

/// How `program` with `args` ended, if it started.
fn run(program: &str, args: &[&str]) -> Option<std::process::ExitStatus> {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()
}

/// Where `python` installs packages.
fn site_packages(python: &str) -> Option<PathBuf> {
    let output = Command::new(python)
        .args([
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8(output.stdout).ok()?.trim());
    path.is_dir().then_some(path)
}
