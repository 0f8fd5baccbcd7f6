//! Signatures that outlive their certificates (PAdES B-LT and B-LTA): the
//! validation data of every signature and time-stamp embedded from a test
//! PKI's OCSP responder and CRL distribution point on 127.0.0.1
//! (`tools/pki.py`) or from files, document time-stamps over it; judged by
//! pyHanko's AdES validator with the services stopped, poppler's `pdfsig`,
//! the independent PDF/A and PDF/UA checker, and `dossier verify` after
//! the signer's certificate expired.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{arg, zh_sample};
use crate::signing::{Pki, pdfs_in, pdfsig, said};
use crate::timestamps::Services;
use crate::tools::{keep_the_standards, python};

const EC: [&str; 4] = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"];
const RSA: [&str; 4] = ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"];

/// Runs dossier at the real time: a time-stamp is the authority's time,
/// so the signature must be made now as well.
fn dossier_now(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("DOSSIER_SIGN_PASSWORD")
        .output()
        .expect("dossier runs")
}

fn ok(out: Output) -> String {
    let text = said(&out);
    assert!(out.status.success(), "{text}");
    text
}

/// Renders the survey of the sample into `out`, signed by `name`, with
/// `flags`; returns the signed PDF.
fn signed_survey(pki: &Pki, out: &Path, name: &str, flags: &[&str]) -> PathBuf {
    signed(pki, out, name, "survey", flags)
}

/// Renders report `only` of the sample into `out`, signed by `name`, with
/// `flags`; returns the signed PDF.
fn signed(pki: &Pki, out: &Path, name: &str, only: &str, flags: &[&str]) -> PathBuf {
    let sample = zh_sample();
    let (key, cert, chain) = (
        pki.path(&format!("{name}.key")),
        pki.path(&format!("{name}.pem")),
        pki.path("ca.pem"),
    );
    let mut args = vec![
        "render",
        arg(&sample),
        "-o",
        arg(out),
        "--only",
        only,
        "--sign-key",
        arg(&key),
        "--sign-cert",
        arg(&cert),
        "--sign-chain",
        arg(&chain),
    ];
    args.extend_from_slice(flags);
    ok(dossier_now(&args));
    let files = pdfs_in(&out.join("ZP-2026-FL-001"));
    files
        .iter()
        .find(|f| f.to_string_lossy().ends_with(&format!("-{only}.pdf")))
        .unwrap_or_else(|| panic!("no {only} among {files:?}"))
        .clone()
}

/// What `dossier verify --format json` says of one file, validated at
/// `at` when given; and whether it passed.
fn verified(pki: &Pki, file: &Path, at: Option<&str>) -> (bool, serde_json::Value) {
    let ca = pki.path("ca.pem");
    let mut args = vec!["verify", arg(file), "--trust", arg(&ca), "--format", "json"];
    if let Some(at) = at {
        args.extend(["--at", at]);
    }
    let out = dossier_now(&args);
    let json =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", said(&out)));
    (out.status.success(), json)
}

/// pyHanko's AdES validation (`tools/ades.py`: revocation data required,
/// and only what the file carries), at `at` when given.
fn pyhanko_ades(pki: &Pki, file: &Path, at: Option<&str>) -> Output {
    let mut command = Command::new(python());
    command
        .arg(crate::common::root().join("tools/ades.py"))
        .arg(pki.path("ca.pem"))
        .arg(file);
    if let Some(at) = at {
        command.arg(at);
    }
    command.output().expect("pyHanko runs")
}

/// Every finding of the independent PDF/A and PDF/UA checker on `file` is
/// excused by evidence, and it claims both.
fn keeps_the_standards(file: &Path) {
    keep_the_standards(&[file.to_path_buf()]);
}

fn levels(json: &serde_json::Value) -> Vec<String> {
    json["items"][0]["signatures"]
        .as_array()
        .expect("signatures")
        .iter()
        .map(|s| match s["level"].as_str() {
            Some(level) => level.to_string(),
            None if s["document_timestamp"] == true => "document time-stamp".into(),
            None => "none".into(),
        })
        .collect()
}

/// Signed with `--ltv`, a report carries the chain and OCSP responses of
/// its signature and time-stamp (B-LT); `dossier timestamp` adds document
/// time-stamps over them (B-LTA), twice. With the PKI's services stopped,
/// pyHanko validates both from what the files carry; three days later,
/// when the signer's one-day certificate has expired, `dossier verify
/// --at` and pyHanko still do, and a B-T signature by the same signer no
/// longer does.
#[test]
#[cfg_attr(
    not(all(tool_openssl, tool_pdfsig, tool_pyhanko, tool_conformance)),
    ignore = "needs openssl, poppler's pdfsig, pyHanko and page-validation (DOSSIER_PYTHON)"
)]
fn long_term_signatures_outlive_their_certificates() {
    let pki = Pki::new();
    let services = Services::start(&pki);
    pki.reachable_at(services.port());
    let now = chrono::DateTime::from_timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs() as i64,
        0,
    )
    .expect("a time");
    let stamp = |t: chrono::DateTime<chrono::Utc>| t.format("%Y%m%d%H%M%SZ").to_string();
    let (from, to) = (
        stamp(now - chrono::Duration::hours(1)),
        stamp(now + chrono::Duration::days(1)),
    );
    pki.issue("brief", "Brief Signer", "reachable_signer", &from, &to, &EC);
    pki.issue(
        "lttsa",
        "Dossier LT TSA",
        "reachable_tsa",
        "20250101000000Z",
        "20351231000000Z",
        &RSA,
    );
    let tsa = services.tsa("lttsa", "");
    let later = (now + chrono::Duration::days(3))
        .format("%Y-%m-%d")
        .to_string();

    let lt_out = tempfile::tempdir().expect("temp dir");
    let lt = signed_survey(&pki, lt_out.path(), "brief", &["--tsa", &tsa, "--ltv"]);
    let (passed, json) = verified(&pki, &lt, None);
    assert!(passed, "{json}");
    assert_eq!(levels(&json), ["B-LT"], "{json}");
    keeps_the_standards(&lt);

    // The customer's countersignature carries its own validation data.
    pki.issue(
        "buyer",
        "Zhang Wenbin",
        "reachable_signer",
        &from,
        "20351231000000Z",
        &EC,
    );
    let acceptance_out = tempfile::tempdir().expect("temp dir");
    let acceptance = signed(
        &pki,
        acceptance_out.path(),
        "brief",
        "acceptance",
        &["--tsa", &tsa, "--ltv"],
    );
    ok(dossier_now(&[
        "countersign",
        arg(&acceptance),
        "--key",
        arg(&pki.path("buyer.key")),
        "--cert",
        arg(&pki.path("buyer.pem")),
        "--chain",
        arg(&pki.path("ca.pem")),
        "--tsa",
        &tsa,
        "--ltv",
    ]));
    let (passed, json) = verified(&pki, &acceptance, None);
    assert!(passed, "{json}");
    assert_eq!(levels(&json), ["B-LT", "B-LT"], "{json}");
    keeps_the_standards(&acceptance);

    let bt_out = tempfile::tempdir().expect("temp dir");
    let bt = signed_survey(&pki, bt_out.path(), "brief", &["--tsa", &tsa]);
    keeps_the_standards(&bt);

    // Document time-stamps, twice: the second extends the first.
    let bundle = lt_out.path().join("ZP-2026-FL-001");
    let lta = bundle.join(lt.file_name().expect("name"));
    let lt_copy = lt_out.path().join("b-lt.pdf");
    fs::copy(&lt, &lt_copy).expect("copy");
    for _ in 0..2 {
        let text = ok(dossier_now(&["timestamp", arg(&bundle), "--tsa", &tsa]));
        assert!(text.contains("time-stamped 1 file"), "{text}");
    }
    let (passed, json) = verified(&pki, &lta, None);
    assert!(passed, "{json}");
    assert_eq!(
        levels(&json),
        ["B-LTA", "document time-stamp", "document time-stamp"],
        "{json}"
    );
    assert!(
        json["items"][0]["signatures"][1]["signer"] == "Dossier LT TSA",
        "{json}"
    );
    let bundle_verified = ok(dossier_now(&[
        "verify",
        arg(&bundle),
        "--trust",
        arg(&pki.path("ca.pem")),
    ]));
    assert!(bundle_verified.contains("PAdES B-LTA"), "{bundle_verified}");
    keeps_the_standards(&lta);
    // poppler checks the signature; it does not check document
    // time-stamps (ETSI.RFC3161), and says so.
    let report = pdfsig(&lta);
    assert_eq!(report.matches("Signature is Valid.").count(), 1, "{report}");
    assert!(!report.contains("Invalid"), "{report}");

    // Nothing to ask from here on: what the files carry must suffice.
    services.stop();
    for file in [&lt_copy, &lta, &acceptance] {
        let validated = pyhanko_ades(&pki, file, None);
        assert!(
            validated.status.success(),
            "{}: {}",
            file.display(),
            said(&validated)
        );
    }
    let validated = pyhanko_ades(&pki, &lta, Some(&later));
    assert!(
        validated.status.success(),
        "at {later}: {}",
        said(&validated)
    );

    // Three days on, the signer's certificate has expired.
    for file in [&lt_copy, &lta] {
        let (passed, json) = verified(&pki, file, Some(&later));
        assert!(passed, "{}: {json}", file.display());
    }
    let (passed, json) = verified(&pki, &bt, Some(&later));
    assert!(!passed, "{json}");
    let error = json["items"][0]["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("Brief Signer") && error.contains("expired"),
        "{json}"
    );
    let (passed, json) = verified(&pki, &bt, None);
    assert!(passed, "{json}");
    assert_eq!(levels(&json), ["B-T"], "{json}");
}

/// Without network access, the validation data comes from files: a CRL
/// and an OCSP response made by openssl. A certificate whose status is
/// known neither from a file nor from an address it names, or that was
/// revoked, stops the signing with nothing written.
#[test]
#[cfg_attr(
    not(all(tool_openssl, tool_pyhanko)),
    ignore = "needs openssl, pyHanko (DOSSIER_PYTHON)"
)]
fn offline_validation_data_comes_from_files_and_a_revoked_signer_stops() {
    let pki = Pki::new();
    let services = Services::start(&pki);
    let tsa = services.tsa("tsa", "");
    pki.openssl(&[
        "ca", "-gencrl", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-crldays",
        "7", "-out", "ca.crl",
    ]);
    pki.openssl(&[
        "ocsp",
        "-issuer",
        "ca.pem",
        "-cert",
        "tsa.pem",
        "-no_nonce",
        "-reqout",
        "tsa.req",
    ]);
    pki.openssl(&[
        "ocsp",
        "-index",
        "index.txt",
        "-rsigner",
        "ca.pem",
        "-rkey",
        "ca.key",
        "-CA",
        "ca.pem",
        "-reqin",
        "tsa.req",
        "-respout",
        "tsa.ocsp",
        "-ndays",
        "1",
        "-rmd",
        "sha256",
    ]);
    let (crl, ocsp) = (pki.path("ca.crl"), pki.path("tsa.ocsp"));

    let out = tempfile::tempdir().expect("temp dir");
    let file = signed_survey(
        &pki,
        out.path(),
        "ec",
        &[
            "--tsa",
            &tsa,
            "--ltv",
            "--crl",
            arg(&crl),
            "--ocsp",
            arg(&ocsp),
        ],
    );
    let (passed, json) = verified(&pki, &file, None);
    assert!(passed, "{json}");
    assert_eq!(levels(&json), ["B-LT"], "{json}");
    services.stop();
    let validated = pyhanko_ades(&pki, &file, None);
    assert!(validated.status.success(), "{}", said(&validated));

    let services = Services::start(&pki);
    let tsa = services.tsa("tsa", "");
    let sample = zh_sample();
    let refused = |flags: &[&str], problem: &str| {
        let out = tempfile::tempdir().expect("temp dir");
        let mut args = vec![
            "render",
            arg(&sample),
            "-o",
            arg(out.path()),
            "--only",
            "survey",
            "--sign-key",
            "ec.key",
            "--sign-cert",
            "ec.pem",
            "--sign-chain",
            "ca.pem",
            "--tsa",
            &tsa,
            "--ltv",
        ];
        args.extend_from_slice(flags);
        let rendered = Command::new(env!("CARGO_BIN_EXE_dossier"))
            .args(&args)
            .current_dir(pki.path(""))
            .env("NO_COLOR", "1")
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .expect("dossier runs");
        let text = said(&rendered);
        assert!(!rendered.status.success(), "{text}");
        assert!(text.contains(problem), "{text}");
        let bundle = out.path().join("ZP-2026-FL-001");
        assert!(
            !bundle.exists() || pdfs_in(&bundle).is_empty(),
            "a PDF was written: {text}"
        );
    };
    refused(&[], "names no OCSP responder and no CRL distribution point");
    pki.openssl(&[
        "ca", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-revoke", "ec.pem",
    ]);
    pki.openssl(&[
        "ca", "-gencrl", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key", "-crldays",
        "7", "-out", "ca.crl",
    ]);
    refused(
        &["--crl", arg(&crl), "--ocsp", arg(&ocsp)],
        "Lin Zhiyuan was revoked on",
    );
}

/// `verify --at` takes a date or an RFC 3339 time, and says which when
/// given anything else.
#[test]
fn verify_at_says_the_forms_it_takes() {
    let out = dossier_now(&[
        "verify",
        "nothing.pdf",
        "--trust",
        "ca.pem",
        "--at",
        "26/10/2026",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", said(&out));
    assert!(
        said(&out).contains("YYYY-MM-DD (e.g. 2031-06-30)"),
        "{}",
        said(&out)
    );
}

/// A revocation after the signature's time-stamp does not undo it: the
/// validation data `dossier timestamp` gathers then records it, and the
/// signature still verifies. A revocation before does: `timestamp` records
/// it as well, and `verify` then refuses the signature.
#[test]
#[cfg_attr(
    not(all(tool_openssl, tool_pyhanko)),
    ignore = "needs openssl, pyHanko (DOSSIER_PYTHON)"
)]
fn a_revocation_before_the_time_stamp_undoes_a_signature_and_one_after_does_not() {
    let pki = Pki::new();
    let services = Services::start(&pki);
    pki.reachable_at(services.port());
    for (name, cn) in [("early", "Revoked Early"), ("late", "Revoked Late")] {
        pki.issue(
            name,
            cn,
            "reachable_signer",
            "20260101000000Z",
            "20301231000000Z",
            &EC,
        );
    }
    pki.issue(
        "lttsa",
        "Dossier LT TSA",
        "reachable_tsa",
        "20250101000000Z",
        "20351231000000Z",
        &RSA,
    );
    let tsa = services.tsa("lttsa", "");
    let serial = |name: &str| {
        let out = Command::new("openssl")
            .args(["x509", "-noout", "-serial", "-in"])
            .arg(pki.path(&format!("{name}.pem")))
            .output()
            .expect("openssl runs");
        said(&out).trim().trim_start_matches("serial=").to_string()
    };
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs()
    };
    let outs: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().expect("dir")).collect();
    let early = signed_survey(&pki, outs[0].path(), "early", &["--tsa", &tsa]);
    let late = signed_survey(&pki, outs[1].path(), "late", &["--tsa", &tsa]);
    std::thread::sleep(std::time::Duration::from_secs(2));
    fs::write(
        pki.path("revoked.txt"),
        format!(
            "{} {}\n{} {}\n",
            serial("early"),
            now() - 86_400,
            serial("late"),
            now()
        ),
    )
    .expect("revoked.txt");
    for file in [&early, &late] {
        ok(dossier_now(&["timestamp", arg(file), "--tsa", &tsa]));
    }
    let (passed, json) = verified(&pki, &late, None);
    assert!(passed, "{json}");
    assert_eq!(levels(&json), ["B-LTA", "document time-stamp"], "{json}");
    let (passed, json) = verified(&pki, &early, None);
    assert!(!passed, "{json}");
    let error = json["items"][0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("Revoked Early was revoked on"), "{json}");
}
