//! The customer's side of the sign-off: the acceptance report certified by
//! the provider, with an empty field prepared for the customer; the
//! customer countersigns it with pyHanko or `dossier countersign`, and
//! pyHanko, poppler's `pdfsig`, the independent PDF/A and PDF/UA checker and
//! `dossier verify` all accept the result. Anything else appended after
//! the certification is rejected, saying what changed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{arg, zh_sample};
use crate::signing::{EC_SIGNER, Pki, dossier, pdfsig, pyhanko, said};
use crate::tools::{keep_the_standards, python};

/// The zh-Hant sample rendered and signed by the provider into a bundle
/// under `out`; returns the bundle.
fn signed_bundle(pki: &Pki, out: &Path) -> PathBuf {
    let rendered = pki.render(&zh_sample(), out, &EC_SIGNER, None);
    assert!(rendered.status.success(), "{}", said(&rendered));
    out.join("ZP-2026-FL-001")
}

/// A copy of `bundle` at `to`.
fn copy_bundle(bundle: &Path, to: &Path) -> PathBuf {
    fs::create_dir_all(to).expect("dir");
    for entry in fs::read_dir(bundle).expect("bundle") {
        let entry = entry.expect("entry");
        fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
    to.to_path_buf()
}

/// pyHanko signs `file`'s field `field` (a `PAGE/X1,Y1,X2,Y2/NAME` spec
/// creates one) as the customer, in place.
fn pyhanko_sign(pki: &Pki, file: &Path, field: &str) -> std::process::Output {
    let signed = file.with_extension("signed.pdf");
    let out = Command::new(python())
        .args([
            "-m", "pyhanko", "sign", "addsig", "--field", field, "pemder", "--key",
        ])
        .arg(pki.path("customer.key"))
        .arg("--cert")
        .arg(pki.path("customer.pem"))
        .arg("--chain")
        .arg(pki.path("ca.pem"))
        .arg("--no-pass")
        .arg(file)
        .arg(&signed)
        .output()
        .expect("pyHanko runs");
    if out.status.success() {
        fs::rename(&signed, file).expect("replace");
    }
    out
}

/// `dossier countersign` as the customer.
fn countersign(pki: &Pki, file: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "countersign".to_string(),
        arg(file).to_string(),
        "--key".into(),
        arg(&pki.path("customer.key")).to_string(),
        "--cert".into(),
        arg(&pki.path("customer.pem")).to_string(),
        "--chain".into(),
        arg(&pki.path("ca.pem")).to_string(),
    ];
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    dossier(&args, None)
}

#[test]
#[cfg_attr(
    not(all(tool_openssl, tool_pdfsig, tool_pyhanko, tool_conformance)),
    ignore = "needs openssl, poppler's pdfsig, pyHanko and page-validation (DOSSIER_PYTHON)"
)]
fn the_customer_countersigns_the_certified_acceptance_with_any_pades_tool() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let bundle = signed_bundle(&pki, &dir.path().join("out"));
    let acceptance = bundle.join("05-acceptance.pdf");

    // Certified, with an empty field for the customer on the customer's
    // signature block (the last page).
    let signatures = dossier::pipeline::sign::verify_pdf(&fs::read(&acceptance).expect("PDF"), &[])
        .expect("valid");
    assert_eq!(signatures.len(), 1);
    assert!(signatures[0].certifies);
    let report = pdfsig(&acceptance);
    assert!(
        report.contains("CustomerSignature") && report.contains("not signed"),
        "{report}"
    );
    let doc = lopdf::Document::load(&acceptance).expect("PDF");
    let last = *doc.get_pages().values().last().expect("pages");
    let annots = format!("{:?}", doc.get_page_annotations(last).expect("annotations"));
    assert!(annots.contains("CustomerSignature"), "{annots}");
    // Only the acceptance report is certified.
    let startup = dossier::pipeline::sign::verify_pdf(
        &fs::read(bundle.join("01-startup.pdf")).expect("PDF"),
        &[],
    )
    .expect("valid");
    assert!(!startup[0].certifies);

    let by_pyhanko = copy_bundle(&bundle, &dir.path().join("pyhanko"));
    let signed = pyhanko_sign(
        &pki,
        &by_pyhanko.join("05-acceptance.pdf"),
        "CustomerSignature",
    );
    assert!(signed.status.success(), "{}", said(&signed));
    let by_dossier = copy_bundle(&bundle, &dir.path().join("dossier"));
    let signed = countersign(&pki, &by_dossier.join("05-acceptance.pdf"), &[]);
    assert!(signed.status.success(), "{}", said(&signed));
    assert!(said(&signed).contains("countersigned"), "{}", said(&signed));

    for bundle in [&by_pyhanko, &by_dossier] {
        let file = bundle.join("05-acceptance.pdf");
        // The provider's revision is the delivered file, byte for byte.
        let delivered = fs::read(&acceptance).expect("PDF");
        assert!(fs::read(&file).expect("PDF").starts_with(&delivered));

        let report = pyhanko(&file, &pki.path("ca.pem"));
        let text = said(&report);
        assert!(report.status.success(), "{}: {text}", file.display());
        assert!(
            text.contains("Signature1:")
                && text
                    .contains("INTACT:TRUSTED,EXTENDED_WITH_FORM_FILLING,ACCEPTABLE_MODIFICATIONS"),
            "the certification allows the countersignature: {text}"
        );
        assert!(
            text.contains("CustomerSignature:") && text.contains("INTACT:TRUSTED,UNTOUCHED"),
            "{text}"
        );
        let report = pdfsig(&file);
        assert_eq!(report.matches("Signature is Valid.").count(), 2, "{report}");
        assert!(report.contains("Zhang Wenbin"), "{report}");

        let verified = dossier(
            &["verify", arg(bundle), "--trust", arg(&pki.path("ca.pem"))],
            None,
        );
        let text = said(&verified);
        assert!(verified.status.success(), "{text}");
        assert!(
            text.contains(
                "certified by Lin Zhiyuan on 2026-01-01 00:00:00 UTC (revision 2 of 3; PAdES B-B)"
            ),
            "{text}"
        );
        assert!(
            text.contains("signed by Zhang Wenbin")
                && text.contains("(revision 3 of 3; PAdES B-B)"),
            "{text}"
        );
        let single = dossier(&["verify", arg(&file)], None);
        assert!(single.status.success(), "{}", said(&single));
    }

    // dossier's countersignature keeps the file PDF/A and PDF/UA: the
    // checker's only finding on a twice-signed file is excused by the
    // evidence that each signature covers its own revision.
    keep_the_standards(&[by_dossier.join("05-acceptance.pdf")]);

    // With -o, the certified file stays as it is.
    let copy = dir.path().join("copy.pdf");
    let before = fs::read(&acceptance).expect("PDF");
    let signed = countersign(&pki, &acceptance, &["-o", arg(&copy)]);
    assert!(signed.status.success(), "{}", said(&signed));
    assert_eq!(fs::read(&acceptance).expect("PDF"), before);
    assert!(fs::read(&copy).expect("PDF").len() > before.len());

    // Nothing left to countersign: a signed field, a report not certified.
    for file in [copy.as_path(), &bundle.join("01-startup.pdf")] {
        let before = fs::read(file).expect("PDF");
        let refused = countersign(&pki, file, &[]);
        assert_eq!(refused.status.code(), Some(1), "{}", said(&refused));
        assert!(said(&refused).contains(arg(file)), "{}", said(&refused));
        assert_eq!(fs::read(file).expect("PDF"), before, "nothing written");
    }
}

#[test]
#[cfg_attr(
    not(all(tool_openssl, tool_pyhanko)),
    ignore = "needs openssl, pyHanko (DOSSIER_PYTHON)"
)]
fn anything_else_appended_after_the_certification_is_rejected() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let bundle = signed_bundle(&pki, &dir.path().join("out"));
    let forge = |kind: &str, from: &Path, to: &Path| {
        let out = Command::new(python())
            .arg(crate::common::root().join("tests/forge.py"))
            .arg(kind)
            .arg(from)
            .arg(to)
            .output()
            .expect("forge.py runs");
        assert!(out.status.success(), "{kind}: {}", said(&out));
    };
    let cases: [(&str, &str); 5] = [
        ("annotation", "an annotation (/Text) was added on page 1"),
        ("content", "the content of page 1 was changed"),
        ("field", "a new form field “Note” was added on page 1"),
        (
            "unprepared",
            "a new signature field “Other” was added on page 1; only the prepared field may be signed",
        ),
        (
            "second",
            "a new signature field “Second” was added on page 1; only the prepared field may be signed",
        ),
    ];
    for (kind, said_what) in cases {
        let copy = copy_bundle(&bundle, &dir.path().join(kind));
        let file = copy.join("05-acceptance.pdf");
        match kind {
            "unprepared" => {
                let out = pyhanko_sign(&pki, &file, "1/100,100,200,150/Other");
                assert!(out.status.success(), "{}", said(&out));
            }
            "second" => {
                // Countersigned as it should be, then a second customer
                // signature in a field of its own.
                assert!(countersign(&pki, &file, &[]).status.success());
                let out = pyhanko_sign(&pki, &file, "1/100,100,200,150/Second");
                assert!(out.status.success(), "{}", said(&out));
            }
            _ => {
                let forged = dir.path().join(format!("{kind}.pdf"));
                forge(kind, &file, &forged);
                fs::rename(&forged, &file).expect("replace");
            }
        }
        for target in [&file, &copy] {
            let verified = dossier(&["verify", arg(target)], None);
            let text = said(&verified);
            assert_eq!(verified.status.code(), Some(1), "{kind}: {text}");
            assert!(
                text.contains(&format!(
                    "the file was changed after it was signed: {said_what}"
                )),
                "{kind}: {text}"
            );
        }
    }
}

#[test]
#[cfg_attr(not(tool_openssl), ignore = "needs openssl")]
fn a_countersigned_acceptance_is_recorded_and_checked() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let bundle = signed_bundle(&pki, &dir.path().join("out"));
    let engagement = crate::common::copy_zh_sample(dir.path());
    let signed = engagement.join("signed");
    fs::create_dir_all(&signed).expect("dir");
    let certified = signed.join("certified.pdf");
    fs::copy(bundle.join("05-acceptance.pdf"), &certified).expect("copy");
    let countersigned = signed.join("countersigned.pdf");
    let out = countersign(&pki, &certified, &["-o", arg(&countersigned)]);
    assert!(out.status.success(), "{}", said(&out));

    // Countersigned in place, in the bundle: rendering the same engagement
    // again leaves the bundle alone, up to date; a changed engagement never
    // replaces it, unless forced.
    let in_place = bundle.join("05-acceptance.pdf");
    fs::copy(&countersigned, &in_place).expect("copy");
    let out_dir = bundle.parent().expect("out");
    let again = pki.render(&engagement, out_dir, &EC_SIGNER, None);
    assert_eq!(again.status.code(), Some(0), "{}", said(&again));
    assert!(said(&again).contains("up to date"), "{}", said(&again));
    let yaml = engagement.join("engagement.yaml");
    let source = fs::read_to_string(&yaml).expect("yaml");
    fs::write(
        &yaml,
        source.replacen("# 全鏈路專家服務：", "# 全鏈路專家服務（已簽回）：", 1),
    )
    .expect("write");
    let unsigned = dossier(&["render", arg(&engagement), "-o", arg(out_dir)], None);
    assert_eq!(unsigned.status.code(), Some(0), "{}", said(&unsigned));
    assert!(
        said(&unsigned).contains("up to date"),
        "{}",
        said(&unsigned)
    );
    let title = "title: 臻品數位零售電商平臺全鏈路專家服務";
    fs::write(
        &yaml,
        source.replacen(title, &format!("{title}（修訂）"), 1),
    )
    .expect("write");
    let changed = pki.render(&engagement, out_dir, &EC_SIGNER, None);
    assert_eq!(changed.status.code(), Some(1), "{}", said(&changed));
    assert!(
        said(&changed).contains("the customer countersigned; this render would replace it"),
        "{}",
        said(&changed)
    );
    fs::write(&yaml, &source).expect("write");
    assert_eq!(
        fs::read(&in_place).expect("PDF"),
        fs::read(&countersigned).expect("PDF")
    );

    let yaml = engagement.join("engagement.yaml");
    let source = fs::read_to_string(&yaml).expect("yaml");
    let console = "    method: email\n    reference: \"Message-ID: <acceptance-zp-2026-fl-001@zhenpin.example>\"\n";
    assert_eq!(source.matches(console).count(), 1);
    let record = |by: &str, method: &str, file: &str| {
        let text = source
            .replace(
                "    by: 張文彬\n    title: 技術長\n",
                &format!("    by: {by}\n    title: 技術長\n"),
            )
            .replace(
                console,
                &format!("    method: {method}\n    file: {file}\n"),
            );
        fs::write(&yaml, text).expect("write");
        let checked = dossier(&["check", arg(&engagement)], None);
        (checked.status.code(), said(&checked))
    };

    // The countersigned report, signed by the customer the sign-off names:
    // clean, and the acceptance report stays final.
    let (code, text) = record("Zhang Wenbin", "signature", "signed/countersigned.pdf");
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("0 errors, 0 warnings"), "{text}");

    // Signed by someone else than the sign-off names: a warning at `file`.
    let (code, text) = record("張文彬", "signature", "signed/countersigned.pdf");
    assert_eq!(code, Some(0), "{text}");
    assert!(
        text.contains("is countersigned by Zhang Wenbin, but the sign-off names 張文彬"),
        "{text}"
    );

    // Errors at `file`: not countersigned, missing, another method.
    for (method, file, says) in [
        (
            "signature",
            "signed/certified.pdf",
            "carries no countersignature by the customer",
        ),
        (
            "signature",
            "signed/missing.pdf",
            "cannot read the countersigned report",
        ),
        (
            "email",
            "signed/countersigned.pdf",
            "the sign-off's method is `email`",
        ),
    ] {
        let (code, text) = record("Zhang Wenbin", method, file);
        assert_eq!(code, Some(1), "{file}: {text}");
        assert!(text.contains(says), "{file}: {text}");
        assert!(text.contains("engagement.yaml:"), "at its position: {text}");
    }

    // A countersigned file changed afterwards does not verify.
    let mut bytes = fs::read(&countersigned).expect("PDF");
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    fs::write(signed.join("tampered.pdf"), &bytes).expect("write");
    let (code, text) = record("Zhang Wenbin", "signature", "signed/tampered.pdf");
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("does not verify"), "{text}");
}
