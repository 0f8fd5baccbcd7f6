//! `dossier sign`.

use std::process::ExitCode;
use std::sync::Arc;

use dossier::ops::sign::sign;

use crate::cli::SignArgs;
use crate::term::{fail, out, say};

pub fn run(args: &SignArgs) -> ExitCode {
    let signer = match args.signer.signer() {
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
