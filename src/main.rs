//! The `dossier` command: parses arguments, calls one library operation,
//! prints its report, maps it to an exit code.

mod cli;
mod cmd;
mod term;

use std::process::ExitCode;

use cli::{Command, TemplatesCommand};
use term::{fail, out, plural, print};

fn main() -> ExitCode {
    match cli::parse().command {
        Command::Render(args) => cmd::render::run(&args),
        Command::Check(args) => cmd::check::run(&args),
        Command::Verify(args) => cmd::verify::run(&args),
        Command::Sign(args) => cmd::sign::run(&args),
        Command::Countersign(args) => cmd::countersign::run(&args),
        Command::Timestamp(args) => cmd::timestamp::run(&args),
        Command::Diff(args) => cmd::diff::run(&args),
        Command::Extract(args) => cmd::extract::run(&args),
        Command::Watch(args) => cmd::watch::run(&args),
        Command::Init(args) => cmd::init::run(&args),
        Command::Templates(TemplatesCommand::Export(export)) => {
            match dossier::base::templates::export(&export.dir, export.force) {
                Ok(files) => {
                    let n = plural(files.len(), "template file");
                    out(format!("wrote {n} into {}", export.dir.display()));
                    ExitCode::SUCCESS
                }
                Err(err) => fail(err),
            }
        }
        Command::Completions(completions) => {
            let mut command = cli::command();
            let mut stdout = std::io::stdout().lock();
            clap_complete::generate(completions.shell, &mut command, "dossier", &mut stdout);
            ExitCode::SUCCESS
        }
        Command::Man => {
            let mut page = Vec::new();
            match clap_mangen::Man::new(cli::command()).render(&mut page) {
                Ok(()) => {
                    print(String::from_utf8_lossy(&page));
                    ExitCode::SUCCESS
                }
                Err(err) => fail(format!("cannot write the man page: {err}")),
            }
        }
        Command::Schema => {
            out(dossier::base::schema::json_schema());
            ExitCode::SUCCESS
        }
    }
}
