//! `dossier extract`.

use std::process::ExitCode;

use dossier::ops::extract::extract;

use crate::cli::ExtractArgs;
use crate::term::{fail, out, plural, say};

pub fn run(args: &ExtractArgs) -> ExitCode {
    match extract(&args.file, args.out.as_deref(), args.force) {
        Ok(done) => {
            done.files.iter().for_each(|file| out(file.display()));
            say!(
                "extracted {} from {} into {}",
                plural(done.files.len(), "file"),
                args.file.display(),
                done.dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(err) => fail(err),
    }
}
