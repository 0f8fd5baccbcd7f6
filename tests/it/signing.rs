//! Signed finals that a customer checks with tools we did not write:
//! pyHanko and poppler's `pdfsig`, and `dossier verify`. Test keys and
//! certificates are made here with the `openssl` command, valid from a date
//! before the samples' document dates; none is committed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::{arg, copy_zh_sample, root, text, zh_sample};
use crate::tools::{keep_the_standards, python};

/// The `render` flags that sign with the EC signer and embed the
/// authority's certificate.
pub(crate) const EC_SIGNER: [&str; 6] = [
    "--sign-key",
    "ec.key",
    "--sign-cert",
    "ec.pem",
    "--sign-chain",
    "ca.pem",
];

/// A test authority and the signers it issued, in a temporary folder.
pub(crate) struct Pki {
    dir: tempfile::TempDir,
}

impl Pki {
    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Makes the authority and signers: `ec` (P-256, PKCS#8 PEM), `rsa`
    /// (RSA-2048), `expired`, `tls` (a certificate not for signing), `p12`
    /// (the EC signer as PKCS#12, password `s3cret`) and `enc` (its key as
    /// encrypted PKCS#8), `customer` (P-256, the customer's signer), `tsa`
    /// (an RSA time-stamping authority) and the EC key as SEC1 (`sec1.key`, and
    /// after its curve's parameters, `ecparam.key`) and the RSA key as
    /// PKCS#1 (`pkcs1.key`).
    pub(crate) fn new() -> Self {
        let pki = Pki {
            dir: tempfile::tempdir().expect("temp dir"),
        };
        let d = pki.dir.path();
        fs::write(d.join("index.txt"), "").expect("index");
        fs::write(d.join("serial"), "1000\n").expect("serial");
        fs::write(
            d.join("ca.cnf"),
            format!(
                "[ ca ]\ndefault_ca = ca_default\n[ ca_default ]\ndir = {dir}\ndatabase = {dir}/index.txt\nnew_certs_dir = {dir}\nserial = {dir}/serial\ndefault_md = sha256\npolicy = any\nunique_subject = no\ncopy_extensions = none\ncrl_extensions = crl\n[ crl ]\nauthorityKeyIdentifier = keyid:always\n[ any ]\ncommonName = supplied\norganizationName = optional\n[ req ]\ndistinguished_name = dn\n[ dn ]\n[ authority ]\nbasicConstraints = critical, CA:TRUE\nkeyUsage = critical, keyCertSign, cRLSign\nsubjectKeyIdentifier = hash\n[ signer ]\nbasicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature, nonRepudiation\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n[ tls ]\nbasicConstraints = CA:FALSE\nkeyUsage = critical, keyEncipherment\n[ tsa ]\nbasicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = critical, timeStamping\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n",
                dir = d.display()
            ),
        )
        .expect("config");
        let ec = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"];
        pki.openssl(&[&["genpkey"][..], &ec, &["-out", "ca.key"]].concat());
        pki.openssl(&[
            "req",
            "-new",
            "-config",
            "ca.cnf",
            "-key",
            "ca.key",
            "-subj",
            "/CN=Dossier Test CA/O=Test",
            "-out",
            "ca.csr",
        ]);
        pki.openssl(&[
            "ca",
            "-batch",
            "-config",
            "ca.cnf",
            "-selfsign",
            "-keyfile",
            "ca.key",
            "-in",
            "ca.csr",
            "-out",
            "ca.pem",
            "-notext",
            "-extensions",
            "authority",
            "-startdate",
            "20250101000000Z",
            "-enddate",
            "20351231000000Z",
        ]);
        let rsa = ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"];
        pki.issue(
            "ec",
            "Lin Zhiyuan",
            "signer",
            "20260101000000Z",
            "20301231000000Z",
            &ec,
        );
        pki.issue(
            "rsa",
            "Northwind Signing",
            "signer",
            "20260101000000Z",
            "20301231000000Z",
            &rsa,
        );
        pki.issue(
            "customer",
            "Zhang Wenbin",
            "signer",
            "20260101000000Z",
            "20351231000000Z",
            &ec,
        );
        pki.issue(
            "expired",
            "Old Signer",
            "signer",
            "20200101000000Z",
            "20210101000000Z",
            &ec,
        );
        pki.issue(
            "tsa",
            "Dossier Test TSA",
            "tsa",
            "20250101000000Z",
            "20351231000000Z",
            &rsa,
        );
        pki.issue(
            "tls",
            "A Web Server",
            "tls",
            "20260101000000Z",
            "20301231000000Z",
            &ec,
        );
        pki.openssl(&[
            "pkcs12",
            "-export",
            "-inkey",
            "ec.key",
            "-in",
            "ec.pem",
            "-certfile",
            "ca.pem",
            "-out",
            "ec.p12",
            "-passout",
            "pass:s3cret",
        ]);
        pki.openssl(&[
            "pkcs8",
            "-topk8",
            "-in",
            "ec.key",
            "-out",
            "enc.key",
            "-passout",
            "pass:s3cret",
        ]);
        // The same keys in the forms older tools write: SEC1 (alone, and
        // after the curve's parameters, as `openssl ecparam -genkey`
        // writes it) and PKCS#1.
        pki.openssl(&["ec", "-in", "ec.key", "-out", "sec1.key"]);
        pki.openssl(&["ecparam", "-name", "prime256v1", "-out", "params.pem"]);
        let with_params = [
            fs::read_to_string(d.join("params.pem")).expect("params"),
            fs::read_to_string(d.join("sec1.key")).expect("sec1"),
        ]
        .concat();
        fs::write(d.join("ecparam.key"), with_params).expect("write");
        pki.openssl(&["rsa", "-in", "rsa.key", "-traditional", "-out", "pkcs1.key"]);
        pki
    }

    /// Renders `engagement` into `out` with `flags`, where the value of
    /// each `--sign-…` flag names a file of the authority's folder
    /// (`--sign-key ec.key`), and the key password when given.
    pub(crate) fn render(
        &self,
        engagement: &Path,
        out: &Path,
        flags: &[&str],
        password: Option<&str>,
    ) -> Output {
        let mut args = vec![
            "render".to_string(),
            arg(engagement).to_string(),
            "-o".into(),
            arg(out).to_string(),
        ];
        for (i, flag) in flags.iter().enumerate() {
            let names_a_file = i > 0 && flags[i - 1].starts_with("--sign-");
            args.push(if names_a_file {
                self.path(flag).display().to_string()
            } else {
                flag.to_string()
            });
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        dossier(&args, password)
    }

    /// Issues `name.key` and `name.pem` (common name `cn`) from the
    /// authority, with the `extensions` section of its configuration, valid
    /// `from` `to` (openssl's `YYYYMMDDHHMMSSZ`), a `key` made with `genpkey`.
    pub(crate) fn issue(
        &self,
        name: &str,
        cn: &str,
        extensions: &str,
        from: &str,
        to: &str,
        key: &[&str],
    ) {
        self.openssl(&[&["genpkey"][..], key, &["-out", &format!("{name}.key")]].concat());
        self.openssl(&[
            "req",
            "-new",
            "-config",
            "ca.cnf",
            "-key",
            &format!("{name}.key"),
            "-subj",
            &format!("/CN={cn}/O=Test"),
            "-out",
            &format!("{name}.csr"),
        ]);
        self.openssl(&[
            "ca",
            "-batch",
            "-config",
            "ca.cnf",
            "-cert",
            "ca.pem",
            "-keyfile",
            "ca.key",
            "-in",
            &format!("{name}.csr"),
            "-out",
            &format!("{name}.pem"),
            "-notext",
            "-extensions",
            extensions,
            "-startdate",
            from,
            "-enddate",
            to,
        ]);
    }

    /// Adds to the authority's configuration the extensions `reachable_signer`
    /// and `reachable_tsa`: those of `signer` and `tsa`, naming the OCSP
    /// responder, the CRL and the authority's certificate of the test PKI's
    /// services on `port`.
    pub(crate) fn reachable_at(&self, port: u16) {
        let config = self.path("ca.cnf");
        let mut text = fs::read_to_string(&config).expect("config");
        let urls = format!(
            "authorityInfoAccess = OCSP;URI:http://127.0.0.1:{port}/ocsp, caIssuers;URI:http://127.0.0.1:{port}/ca.cer\ncrlDistributionPoints = URI:http://127.0.0.1:{port}/ca.crl\n"
        );
        text.push_str(&format!(
            "[ reachable_signer ]\nbasicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature, nonRepudiation\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n{urls}[ reachable_tsa ]\nbasicConstraints = CA:FALSE\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = critical, timeStamping\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid\n{urls}"
        ));
        fs::write(&config, text).expect("config");
    }

    /// Runs openssl in the authority's folder.
    pub(crate) fn openssl(&self, args: &[&str]) {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .expect("openssl runs");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            text(&out.stderr)
        );
    }
}

/// Runs dossier with a fixed `SOURCE_DATE_EPOCH` and, when given, the key
/// password.
pub(crate) fn dossier(args: &[&str], password: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
    command
        .args(args)
        .env("NO_COLOR", "1")
        .env("SOURCE_DATE_EPOCH", "1767225600")
        .env_remove("DOSSIER_SIGN_PASSWORD");
    if let Some(password) = password {
        command.env("DOSSIER_SIGN_PASSWORD", password);
    }
    command.output().expect("dossier runs")
}

pub(crate) fn said(out: &Output) -> String {
    format!("{}{}", text(&out.stdout), text(&out.stderr))
}

/// The five PDFs of a bundle, in delivery order.
fn pdfs(bundle: &Path) -> Vec<PathBuf> {
    let files = pdfs_in(bundle);
    assert_eq!(files.len(), 5);
    files
}

/// The PDFs in `bundle`, in delivery order.
pub(crate) fn pdfs_in(bundle: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(bundle)
        .expect("bundle")
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    files.sort();
    files
}

impl Pki {
    /// What `dossier verify PATH --trust ca.pem` says, once it passed.
    pub(crate) fn verified(&self, path: &Path) -> String {
        let verified = dossier(
            &["verify", arg(path), "--trust", arg(&self.path("ca.pem"))],
            None,
        );
        let text = said(&verified);
        assert!(verified.status.success(), "{text}");
        text
    }
}

/// What pyHanko says of one file.
pub(crate) fn pyhanko(file: &Path, trust: &Path) -> Output {
    Command::new(python())
        .args([
            "-m",
            "pyhanko",
            "sign",
            "validate",
            "--no-revocation-check",
            "--trust-replace",
            "--trust",
        ])
        .arg(trust)
        .arg(file)
        .output()
        .expect("pyHanko runs")
}

/// What poppler's `pdfsig` prints of one file. It exits 0 even on a
/// digest mismatch: read its output.
pub(crate) fn pdfsig(file: &Path) -> String {
    said(
        &Command::new("pdfsig")
            .arg(file)
            .output()
            .expect("pdfsig runs"),
    )
}

#[test]
#[cfg_attr(
    not(all(tool_openssl, tool_pdfsig, tool_pyhanko)),
    ignore = "needs openssl, poppler's pdfsig, pyHanko (DOSSIER_PYTHON)"
)]
fn signed_finals_verify_in_pyhanko_pdfsig_and_dossier() {
    let pki = Pki::new();
    let out = tempfile::tempdir().expect("temp dir");
    let rendered = pki.render(&zh_sample(), out.path(), &EC_SIGNER, None);
    assert!(rendered.status.success(), "{}", said(&rendered));
    let bundle = out.path().join("ZP-2026-FL-001");
    let files = pdfs(&bundle);

    // The acceptance report lists the signed files' digests, as the
    // manifest does: what the customer's sha256sum gives.
    let manifest: serde_json::Value =
        serde_json::from_slice(&fs::read(bundle.join("manifest.json")).expect("manifest"))
            .expect("JSON");
    let acceptance = lopdf::Document::load(&files[4]).expect("PDF");
    let printed = crate::common::squeeze(&crate::common::pdf_text(&acceptance));
    for file in &files {
        let digest = dossier::base::digest::sha256_hex(&fs::read(file).expect("PDF"));
        let listed = manifest["reports"]
            .as_array()
            .expect("reports")
            .iter()
            .any(|r| r["sha256"] == digest.as_str());
        assert!(
            listed,
            "{} is listed with its signed digest",
            file.display()
        );
        if !file.ends_with("05-acceptance.pdf") {
            assert!(
                printed.contains(&digest[..32]),
                "the acceptance report prints {}",
                file.display()
            );
        }
    }

    for file in &files {
        {
            let report = pdfsig(file);
            assert!(
                report.contains("Signature is Valid."),
                "{}: {report}",
                file.display()
            );
            assert!(
                report.contains("Total document signed"),
                "{}: {report}",
                file.display()
            );
            assert!(report.contains("Lin Zhiyuan"), "{report}");
        }
        {
            let report = pyhanko(file, &pki.path("ca.pem"));
            let said = said(&report);
            assert!(report.status.success(), "{}: {said}", file.display());
            assert!(
                said.contains("INTACT") && said.contains("TRUSTED"),
                "{said}"
            );
        }
    }
    let report = pki.verified(&bundle);
    // The four certified reports are signed; the acceptance report is
    // certified, for the customer to countersign.
    assert_eq!(
        report.matches("signed by Lin Zhiyuan").count(),
        4,
        "{report}"
    );
    assert_eq!(
        report.matches("certified by Lin Zhiyuan").count(),
        1,
        "{report}"
    );

    // One byte changed after signing: every checker says so.
    let tampered = out.path().join("tampered.pdf");
    let mut bytes = fs::read(&files[3]).expect("PDF");
    let at = bytes.len() / 3;
    bytes[at] ^= 0x01;
    fs::write(&tampered, &bytes).expect("write");
    {
        let report = pdfsig(&tampered);
        assert!(!report.contains("Signature is Valid."), "{report}");
    }
    {
        let report = pyhanko(&tampered, &pki.path("ca.pem"));
        assert!(!report.status.success(), "{}", said(&report));
    }
    let refused = dossier(&["verify", arg(&tampered)], None);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        said(&refused).contains("tampered.pdf"),
        "{}",
        said(&refused)
    );

    // An unsigned file is not a signed one.
    let plain = tempfile::tempdir().expect("temp dir");
    crate::common::render(&zh_sample(), plain.path());
    let unsigned = dossier(
        &[
            "verify",
            arg(&plain.path().join("ZP-2026-FL-001")),
            "--trust",
            arg(&pki.path("ca.pem")),
        ],
        None,
    );
    assert_eq!(unsigned.status.code(), Some(1), "{}", said(&unsigned));
    assert!(
        said(&unsigned).contains("not signed"),
        "{}",
        said(&unsigned)
    );
}

#[test]
#[cfg_attr(
    not(all(tool_openssl, tool_conformance)),
    ignore = "needs openssl, page-validation, pikepdf and fonttools (DOSSIER_PYTHON)"
)]
fn signing_is_reproducible_and_keeps_the_standards() {
    let pki = Pki::new();
    let runs: Vec<tempfile::TempDir> = (0..2)
        .map(|_| {
            let out = tempfile::tempdir().expect("temp dir");
            let rendered = pki.render(
                &zh_sample(),
                out.path(),
                &["--sign-key", "ec.key", "--sign-cert", "ec.pem"],
                None,
            );
            assert!(rendered.status.success(), "{}", said(&rendered));
            out
        })
        .collect();
    let first = pdfs(&runs[0].path().join("ZP-2026-FL-001"));
    let second = pdfs(&runs[1].path().join("ZP-2026-FL-001"));
    for (a, b) in first.iter().zip(&second) {
        assert!(
            fs::read(a).expect("a") == fs::read(b).expect("b"),
            "{} differs between runs",
            a.display()
        );
    }
    keep_the_standards(&first);
}

#[test]
#[cfg_attr(
    not(all(tool_openssl, tool_pdfsig)),
    ignore = "needs openssl, poppler's pdfsig"
)]
fn pkcs12_encrypted_sec1_pkcs1_and_rsa_keys_sign_too() {
    let pki = Pki::new();
    for (key, label) in [
        ("sec1.key", "-----BEGIN EC PRIVATE KEY-----"),
        ("ecparam.key", "-----BEGIN EC PARAMETERS-----"),
        ("pkcs1.key", "-----BEGIN RSA PRIVATE KEY-----"),
    ] {
        let text = fs::read_to_string(pki.path(key)).expect("key");
        assert!(text.starts_with(label), "{key}: {text}");
    }
    let cases: [(&[&str], Option<&str>, &str); 6] = [
        (&["--sign-key", "ec.p12"], Some("s3cret"), "Lin Zhiyuan"),
        (
            &["--sign-key", "sec1.key", "--sign-cert", "ec.pem"],
            None,
            "Lin Zhiyuan",
        ),
        (
            &["--sign-key", "ecparam.key", "--sign-cert", "ec.pem"],
            None,
            "Lin Zhiyuan",
        ),
        (
            &["--sign-key", "pkcs1.key", "--sign-cert", "rsa.pem"],
            None,
            "Northwind Signing",
        ),
        (
            &["--sign-key", "enc.key", "--sign-cert", "ec.pem"],
            Some("s3cret"),
            "Lin Zhiyuan",
        ),
        (
            &[
                "--sign-key",
                "rsa.key",
                "--sign-cert",
                "rsa.pem",
                "--sign-chain",
                "ca.pem",
            ],
            None,
            "Northwind Signing",
        ),
    ];
    for (flags, password, name) in cases {
        let out = tempfile::tempdir().expect("temp dir");
        let rendered = pki.render(
            &root().join("samples/northwind-logistics.yaml"),
            out.path(),
            flags,
            password,
        );
        assert!(rendered.status.success(), "{flags:?}: {}", said(&rendered));
        let bundle = out.path().join("NW-2026-007");
        let verified = pki.verified(&bundle);
        assert!(
            verified.contains(&format!("signed by {name}")),
            "{flags:?}: {verified}"
        );
        {
            let report = pdfsig(&bundle.join("04-service.pdf"));
            assert!(
                report.contains("Signature is Valid."),
                "{flags:?}: {report}"
            );
        }
    }
}

#[test]
#[cfg_attr(not(tool_openssl), ignore = "needs openssl")]
fn bad_keys_are_refused_naming_the_file_and_nothing_is_written() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let engagement = copy_zh_sample(dir.path());
    let out = dir.path().join("out");
    let cases: [(&[&str], Option<&str>, &str, &str); 7] = [
        (
            &["--sign-key", "ec.p12"],
            Some("wrong"),
            "ec.p12",
            "wrong password",
        ),
        (
            &["--sign-key", "enc.key", "--sign-cert", "ec.pem"],
            None,
            "enc.key",
            "no password is set",
        ),
        (
            &["--sign-key", "ec.p12"],
            None,
            "ec.p12",
            "no password is set",
        ),
        (
            &["--sign-key", "expired.key", "--sign-cert", "expired.pem"],
            None,
            "expired.pem",
            "valid from",
        ),
        (
            &["--sign-key", "tls.key", "--sign-cert", "tls.pem"],
            None,
            "tls.pem",
            "not for signing",
        ),
        (
            &["--sign-key", "rsa.key", "--sign-cert", "ec.pem"],
            None,
            "rsa.key",
            "does not match",
        ),
        (
            &["--sign-key", "missing.key", "--sign-cert", "ec.pem"],
            None,
            "missing.key",
            "cannot read",
        ),
    ];
    for (flags, password, file, message) in cases {
        let refused = pki.render(&engagement, &out, flags, password);
        let report = said(&refused);
        assert_eq!(refused.status.code(), Some(1), "{flags:?}: {report}");
        assert!(
            report.contains(file) && report.contains(message),
            "{flags:?}: {report}"
        );
        assert!(
            !out.join("ZP-2026-FL-001").exists(),
            "{flags:?}: nothing is written"
        );
    }
}

#[test]
#[cfg_attr(not(tool_openssl), ignore = "needs openssl")]
fn a_bundle_rendered_elsewhere_is_signed_without_changing_its_content() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().expect("temp dir");
    // Signed while rendering, for comparison.
    let direct = dir.path().join("direct");
    let flags = EC_SIGNER;
    assert!(
        pki.render(&zh_sample(), &direct, &flags, None)
            .status
            .success()
    );

    // Rendered unsigned "in CI", then signed "on the locked-down machine".
    let ci = dir.path().join("ci");
    assert!(
        dossier(&["render", arg(&zh_sample()), "-o", arg(&ci)], None)
            .status
            .success()
    );
    let bundle = ci.join("ZP-2026-FL-001");
    let sign = |bundle: &Path| {
        dossier(
            &[
                "sign",
                arg(bundle),
                "--key",
                arg(&pki.path("ec.key")),
                "--cert",
                arg(&pki.path("ec.pem")),
                "--chain",
                arg(&pki.path("ca.pem")),
            ],
            None,
        )
    };
    let signed = sign(&bundle);
    assert!(signed.status.success(), "{}", said(&signed));
    for name in [
        "01-startup.pdf",
        "02-plan.pdf",
        "03-survey.pdf",
        "04-service.pdf",
        "05-acceptance.pdf",
        "manifest.json",
    ] {
        assert!(
            fs::read(bundle.join(name)).expect("signed")
                == fs::read(direct.join("ZP-2026-FL-001").join(name)).expect("direct"),
            "{name}: signing a bundle gives what signing while rendering gives"
        );
    }
    pki.verified(&bundle);

    // Signed already: refused.
    let again = sign(&bundle);
    assert_eq!(again.status.code(), Some(1));
    assert!(said(&again).contains("signed already"), "{}", said(&again));

    // A bundle whose files are not what its source renders to: refused,
    // nothing changed.
    let other = dir.path().join("other");
    assert!(
        dossier(&["render", arg(&zh_sample()), "-o", arg(&other)], None)
            .status
            .success()
    );
    let bundle = other.join("ZP-2026-FL-001");
    let plan = bundle.join("02-plan.pdf");
    let mut bytes = fs::read(&plan).expect("plan");
    let at = bytes.len() / 2;
    bytes[at] ^= 0x20;
    fs::write(&plan, &bytes).expect("write");
    let before: Vec<Vec<u8>> = pdfs(&bundle)
        .iter()
        .map(|f| fs::read(f).expect("read"))
        .collect();
    let refused = sign(&bundle);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        said(&refused).contains("02-plan.pdf") && said(&refused).contains("differs"),
        "{}",
        said(&refused)
    );
    let after: Vec<Vec<u8>> = pdfs(&bundle)
        .iter()
        .map(|f| fs::read(f).expect("read"))
        .collect();
    assert!(before == after, "nothing changed");
}

/// A single-file engagement's bundle, its file attached as written, is
/// signed to the same bytes as signing while rendering; every signed file
/// ends its last line.
#[test]
#[cfg_attr(not(tool_openssl), ignore = "needs openssl")]
fn a_single_file_bundle_attached_as_written_is_signed_too() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let engagement = root().join("samples/northwind-logistics.yaml");
    let flags = [
        "--attach-verbatim",
        "--sign-key",
        "ec.key",
        "--sign-cert",
        "ec.pem",
    ];
    let direct = dir.path().join("direct");
    let rendered = pki.render(&engagement, &direct, &flags, None);
    assert!(rendered.status.success(), "{}", said(&rendered));
    let ci = dir.path().join("ci");
    let plain = dossier(
        &[
            "render",
            arg(&engagement),
            "-o",
            arg(&ci),
            "--attach-verbatim",
        ],
        None,
    );
    assert!(plain.status.success(), "{}", said(&plain));
    let bundle = ci.join("NW-2026-007");
    let signed = dossier(
        &[
            "sign",
            arg(&bundle),
            "--key",
            arg(&pki.path("ec.key")),
            "--cert",
            arg(&pki.path("ec.pem")),
        ],
        None,
    );
    assert!(signed.status.success(), "{}", said(&signed));
    for file in pdfs(&bundle) {
        let bytes = fs::read(&file).expect("signed");
        let name = file.file_name().expect("name");
        assert!(
            bytes == fs::read(direct.join("NW-2026-007").join(name)).expect("direct"),
            "{}: signing the bundle gives what signing while rendering gives",
            file.display()
        );
        assert!(bytes.ends_with(b"%%EOF\n"), "{}", file.display());
    }
}

#[test]
#[cfg_attr(not(tool_openssl), ignore = "needs openssl")]
fn drafts_are_never_signed() {
    let pki = Pki::new();
    let dir = tempfile::tempdir().expect("temp dir");
    let engagement = copy_zh_sample(dir.path());
    let yaml = engagement.join("engagement.yaml");
    // An objective without its verdict keeps the service and acceptance
    // reports drafts.
    let source = fs::read_to_string(&yaml).expect("yaml");
    let verdict = "    verdict:\n      outcome: met\n      evidence: [F-01, S-01, T-01, A-11]\n      reason: 雙十一當晚（11 月 11 日）下單尖峰 5,900 req/s，下單 API 的 P99 最高 380 ms，未出現逾時（戰情室監控紀錄）。\n";
    assert_eq!(source.matches(verdict).count(), 1);
    fs::write(&yaml, source.replace(verdict, "")).expect("write");
    let out = dir.path().join("out");
    let rendered = pki.render(
        &engagement,
        &out,
        &["--sign-key", "ec.key", "--sign-cert", "ec.pem"],
        None,
    );
    assert!(rendered.status.success(), "{}", said(&rendered));
    assert!(
        said(&rendered).contains("(3 final, 2 draft)"),
        "{}",
        said(&rendered)
    );
    for file in pdfs(&out.join("ZP-2026-FL-001")) {
        let signatures = dossier::pipeline::sign::verify_pdf(&fs::read(&file).expect("PDF"), &[])
            .expect("readable");
        let draft = file.ends_with("05-acceptance.pdf") || file.ends_with("04-service.pdf");
        assert_eq!(signatures.len(), usize::from(!draft), "{}", file.display());
    }
    // Signing applies to PDF output only: a usage error.
    let typ = pki.render(
        &engagement,
        &out,
        &[
            "--format",
            "typ",
            "--sign-key",
            "ec.key",
            "--sign-cert",
            "ec.pem",
        ],
        None,
    );
    assert_eq!(typ.status.code(), Some(2));
    assert!(said(&typ).contains("--format typ"), "{}", said(&typ));
}

/// The signing times (`/M`) of every signature of `file`, in Unix seconds.
fn signing_times(file: &Path) -> Vec<i64> {
    let doc = lopdf::Document::load(file).expect("PDF");
    doc.objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| d.get(b"Type").and_then(|t| t.as_name()).ok() == Some(b"Sig".as_slice()))
        .map(|d| {
            let m = d.get(b"M").and_then(|m| m.as_str()).expect("/M");
            let text = std::str::from_utf8(&m[2..16]).expect("ASCII");
            chrono::NaiveDateTime::parse_from_str(text, "%Y%m%d%H%M%S")
                .expect("a PDF date")
                .and_utc()
                .timestamp()
        })
        .collect()
}

/// A signature carries the time it is made: without `SOURCE_DATE_EPOCH`,
/// now, so a certificate issued minutes ago signs reports dated weeks
/// before; `SOURCE_DATE_EPOCH` when it is not later than now, with the
/// certificate checked at that time; never a time still to come.
#[test]
#[cfg_attr(not(tool_openssl), ignore = "needs openssl")]
fn a_signature_made_now_carries_now() {
    let pki = Pki::new();
    let ec = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"];
    let now = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs() as i64
    };
    let issued = chrono::DateTime::from_timestamp(now() - 300, 0).expect("a time");
    let from = issued.format("%Y%m%d%H%M%SZ").to_string();
    pki.issue(
        "fresh",
        "New Signer",
        "signer",
        &from,
        "20351231000000Z",
        &ec,
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let sign = |epoch: Option<&str>, cert: &str, out: &Path| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_dossier"));
        command
            .args([
                "render",
                arg(&zh_sample()),
                "-o",
                arg(out),
                "--only",
                "survey",
            ])
            .arg("--sign-key")
            .arg(pki.path(&format!("{cert}.key")))
            .arg("--sign-cert")
            .arg(pki.path(&format!("{cert}.pem")))
            .env("NO_COLOR", "1")
            .env_remove("SOURCE_DATE_EPOCH");
        if let Some(epoch) = epoch {
            command.env("SOURCE_DATE_EPOCH", epoch);
        }
        let start = now();
        let output = command.output().expect("dossier runs");
        let end = now();
        (output, start, end)
    };
    let survey = |out: &Path| out.join("ZP-2026-FL-001/03-survey.pdf");

    for epoch in [None, Some("4102444800")] {
        let out = dir.path().join(format!("now-{}", epoch.unwrap_or("unset")));
        let (output, start, end) = sign(epoch, "fresh", &out);
        assert!(output.status.success(), "{epoch:?}: {}", said(&output));
        let times = signing_times(&survey(&out));
        assert_eq!(times.len(), 1, "{epoch:?}");
        assert!(
            (start..=end).contains(&times[0]),
            "{epoch:?}: signed at {} outside the run ({start}..={end})",
            times[0]
        );
    }

    let out = dir.path().join("fixed");
    let (output, ..) = sign(Some("1767225600"), "ec", &out);
    assert!(output.status.success(), "{}", said(&output));
    assert_eq!(signing_times(&survey(&out)), vec![1_767_225_600]);

    // At a fixed time before the certificate was issued, it is not valid:
    // refused, naming it, and nothing is written.
    let out = dir.path().join("before");
    let (output, ..) = sign(Some("1767225600"), "fresh", &out);
    assert!(!output.status.success());
    let message = said(&output);
    assert!(
        message.contains("fresh.pem") && message.contains("the time of signing"),
        "{message}"
    );
    assert!(!survey(&out).exists());
}

/// The README's recipe for a test authority and signer, run as written,
/// makes a signer that signs the sample's finals, and a bundle `verify`
/// trusts with that authority.
#[test]
#[cfg_attr(not(tool_openssl), ignore = "needs openssl")]
fn the_readmes_test_certificate_recipe_signs() {
    let readme = fs::read_to_string(root().join("README.md")).expect("README");
    let start = readme.find("```sh\nmkdir -p test-pki").expect("the recipe") + "```sh\n".len();
    let end = start + readme[start..].find("```").expect("its end");
    let dir = tempfile::tempdir().expect("temp dir");
    let made = Command::new("bash")
        .args(["-e", "-c", &readme[start..end]])
        .current_dir(dir.path())
        .output()
        .expect("bash runs");
    assert!(made.status.success(), "{}", said(&made));
    let pki = dir.path().join("test-pki");
    let out = dir.path().join("out");
    let rendered = Command::new(env!("CARGO_BIN_EXE_dossier"))
        .args(["render", arg(&zh_sample()), "-o", arg(&out)])
        .arg("--sign-key")
        .arg(pki.join("signer.key"))
        .arg("--sign-cert")
        .arg(pki.join("signer.pem"))
        .arg("--sign-chain")
        .arg(pki.join("ca.pem"))
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("dossier runs");
    assert!(rendered.status.success(), "{}", said(&rendered));
    let bundle = out.join("ZP-2026-FL-001");
    let verified = dossier(
        &["verify", arg(&bundle), "--trust", arg(&pki.join("ca.pem"))],
        None,
    );
    assert!(verified.status.success(), "{}", said(&verified));
    assert!(
        said(&verified).contains("signed by Test Signer"),
        "{}",
        said(&verified)
    );
}
