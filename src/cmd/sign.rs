//! `dossier sign`.

use std::process::ExitCode;
use std::sync::Arc;

use dossier::ops::sign::sign;
use dossier::pipeline::sign::{Signer, SignerFiles};

use crate::cli::SignArgs;
use crate::term::{fail, out, say};

pub fn run(args: &SignArgs) -> ExitCode {
    let files = SignerFiles {
        key: args.key.clone(),
        cert: args.cert.clone(),
        chain: args.chain.clone(),
    };
    let signer = match Signer::load(&files) {
        Ok(signer) => Arc::new(signer),
        Err(err) => return fail(err),
    };
    let name = signer.name();
    match sign(&args.dir, signer) {
        Ok(files) => {
            files.iter().for_each(|file| out(file.display()));
            say!("signed {} as {name}", args.dir.display());
            ExitCode::SUCCESS
        }
        Err(err) => fail(err),
    }
}
