//! `dossier countersign`.

use std::process::ExitCode;

use dossier::ops::countersign::countersign;

use crate::cli::CountersignArgs;
use crate::term::{fail, out, say};

pub fn run(args: &CountersignArgs) -> ExitCode {
    let signer = match args.signer.signer() {
        Ok(signer) => signer,
        Err(err) => return fail(err),
    };
    match countersign(&args.file, args.out.as_deref(), &signer) {
        Ok(signatures) => {
            let written = args.out.as_deref().unwrap_or(&args.file);
            out(written.display());
            for s in &signatures {
                say!(
                    "  {} by {} on {} (revision {} of {})",
                    if s.document_timestamp {
                        "time-stamped"
                    } else if s.certifies {
                        "certified"
                    } else {
                        "signed"
                    },
                    s.signer,
                    s.signed_at,
                    s.revision.0,
                    s.revision.1
                );
            }
            say!("countersigned {} as {}", written.display(), signer.name());
            ExitCode::SUCCESS
        }
        Err(err) => fail(err),
    }
}
