//! `dossier init`.

use std::process::ExitCode;

use dossier::ops::init::{InitOptions, init, today};

use crate::cli::InitArgs;
use crate::term::{fail, out};

pub fn run(args: &InitArgs) -> ExitCode {
    let options = InitOptions {
        dir: args.dir.clone(),
        locale: args.locale.into(),
        today: today(),
    };
    match init(&options) {
        Ok(file) => {
            out(format!(
                "created {}\nnext: edit it, then `dossier check {dir}` and `dossier render {dir}`",
                file.display(),
                dir = args.dir.display()
            ));
            ExitCode::SUCCESS
        }
        Err(err) => fail(err),
    }
}
