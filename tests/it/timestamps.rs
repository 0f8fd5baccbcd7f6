//! Trusted time (PAdES B-T): signatures time-stamped by a time-stamping
//! authority on 127.0.0.1 (`tools/pki.py`, pyHanko's test time stamper
//! behind an HTTP server), checked by pyHanko, poppler's `pdfsig` and
//! `dossier verify`; and every way an authority can fail, each stopping the
//! signing with nothing written.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};

use crate::common::{arg, root, zh_sample};
use crate::signing::{EC_SIGNER, Pki, dossier, pdfs_in, pdfsig, pyhanko, said};
use crate::tools::python;

/// The services of a test PKI (`tools/pki.py`) listening on 127.0.0.1
/// until dropped: time-stamping authorities, an OCSP responder and a CRL
/// distribution point.
pub(crate) struct Services {
    child: Child,
    port: u16,
}

impl Services {
    /// Starts them for the authority folder of `pki`.
    pub(crate) fn start(pki: &Pki) -> Self {
        let mut child = Command::new(python())
            .arg(root().join("tools/pki.py"))
            .arg(pki.path(""))
            .stdout(Stdio::piped())
            .spawn()
            .expect("the test PKI's services start");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the services say their port");
        let port = line.trim().parse().expect("a port");
        Services { child, port }
    }

    /// The port they listen on.
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// The address of a time-stamping authority signing with the folder's
    /// `name.pem` and `name.key`, behaving as `behaviour` says (empty: as
    /// it should).
    pub(crate) fn tsa(&self, name: &str, behaviour: &str) -> String {
        format!("http://127.0.0.1:{}/tsa/{name}/{behaviour}", self.port)
    }

    /// Stops them: from then on, nothing answers at their addresses.
    pub(crate) fn stop(mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

impl Drop for Services {
    fn drop(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// Signed while rendering, every final carries a time-stamp over its
/// signature: `verify` says B-T with the authority and its time, pyHanko
/// validates the time-stamp token, pdfsig the signature; the customer's
/// countersignature is time-stamped too.
#[test]
#[cfg_attr(
    not(all(tool_openssl, tool_pdfsig, tool_pyhanko)),
    ignore = "needs openssl, poppler's pdfsig, pyHanko (DOSSIER_PYTHON)"
)]
fn signatures_time_stamped_by_an_authority_are_b_t() {
    let pki = Pki::new();
    let services = Services::start(&pki);
    let out = tempfile::tempdir().expect("temp dir");
    let url = services.tsa("tsa", "");
    let flags: Vec<&str> = EC_SIGNER.iter().copied().chain(["--tsa", &url]).collect();
    let rendered = pki.render(&zh_sample(), out.path(), &flags, None);
    assert!(rendered.status.success(), "{}", said(&rendered));
    let bundle = out.path().join("ZP-2026-FL-001");
    let text = pki.verified(&bundle);
    assert_eq!(
        text.matches("PAdES B-T, time-stamped ").count(),
        5,
        "{text}"
    );
    assert!(text.contains("by Dossier Test TSA"), "{text}");
    for file in pdfs_in(&bundle) {
        let report = pdfsig(&file);
        assert!(report.contains("Signature is Valid."), "{report}");
        let validated = pyhanko(&file, &pki.path("ca.pem"));
        let said_by = said(&validated);
        assert!(validated.status.success(), "{}: {said_by}", file.display());
        // pyHanko's summary: the signature, and its time-stamp token,
        // intact and trusted.
        assert!(
            said_by.contains(":INTACT:TRUSTED,TIMESTAMP_TOKEN<INTACT:TRUSTED>"),
            "{}: {said_by}",
            file.display()
        );
    }

    // The customer's countersignature, time-stamped as well.
    let acceptance = bundle.join("05-acceptance.pdf");
    let countersigned = dossier(
        &[
            "countersign",
            arg(&acceptance),
            "--key",
            arg(&pki.path("customer.key")),
            "--cert",
            arg(&pki.path("customer.pem")),
            "--tsa",
            &url,
        ],
        None,
    );
    assert!(countersigned.status.success(), "{}", said(&countersigned));
    let verified = dossier(&["verify", arg(&acceptance)], None);
    let text = said(&verified);
    assert!(verified.status.success(), "{text}");
    assert_eq!(text.matches("PAdES B-T").count(), 2, "{text}");
}

/// An authority that refuses, answers late, stamps other data, drops the
/// nonce, signs with a certificate that is not for time-stamping, is not
/// there, or is not a TSA at all stops the engagement: an error naming
/// the authority, and no PDF written.
#[test]
#[cfg_attr(
    not(all(tool_openssl, tool_pyhanko)),
    ignore = "needs openssl, pyHanko (DOSSIER_PYTHON)"
)]
fn an_authority_that_fails_stops_the_signing_and_nothing_is_written() {
    let pki = Pki::new();
    let services = Services::start(&pki);
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        listener.local_addr().expect("address").port()
    };
    let cases = [
        (
            services.tsa("tsa", "refuse"),
            "refused the request",
            "policy not accepted",
        ),
        (
            services.tsa("tsa", "foreign"),
            "message imprint mismatch",
            "",
        ),
        (services.tsa("tsa", "no-nonce"), "nonce", ""),
        (
            services.tsa("tsa", "html"),
            "something other than a time-stamp response",
            "",
        ),
        (services.tsa("tsa", "slow"), "no answer within 2 s", ""),
        (services.tsa("rsa", ""), "not for time-stamping", ""),
        (
            format!("http://127.0.0.1:{closed}/"),
            "could not be asked",
            "",
        ),
    ];
    for (url, problem, detail) in cases {
        let out = tempfile::tempdir().expect("temp dir");
        let flags: Vec<&str> = EC_SIGNER
            .iter()
            .copied()
            .chain(["--tsa", &url, "--tsa-timeout", "2", "--only", "survey"])
            .collect();
        let rendered = pki.render(&zh_sample(), out.path(), &flags, None);
        let text = said(&rendered);
        assert!(!rendered.status.success(), "{url}: {text}");
        assert!(
            text.contains(&url) && text.contains(problem) && text.contains(detail),
            "{url}: {text}"
        );
        let bundle = out.path().join("ZP-2026-FL-001");
        assert!(
            !bundle.exists() || pdfs_in(&bundle).is_empty(),
            "{url}: a PDF was written"
        );
    }
}
