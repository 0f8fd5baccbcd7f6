//! The `dossier` command: parses arguments, calls one library operation,
//! prints its report, maps it to an exit code.

mod cli;
mod cmd;
mod term;

use std::process::ExitCode;

use cli::{Command, ManArgs, TemplatesCommand};
use term::{fail, out, plural, print};

/// Typesetting allocates and frees a great many small objects; mimalloc
/// serves them faster than the system allocator. The library leaves the
/// choice to the program that uses it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    match cli::parse().command {
        Command::Render(args) => cmd::render::run(&args),
        Command::Check(args) => cmd::check::run(&args),
        Command::Status(args) => cmd::status::run(&args),
        Command::Lsp(_) => match dossier::ops::lsp::stdio() {
            Ok(clean) => term::exit(clean),
            Err(err) => fail(err),
        },
        Command::Verify(args) => cmd::verify::run(&args),
        Command::Sign(args) => cmd::sign::run(&args),
        Command::Countersign(args) => cmd::countersign::run(&args),
        Command::Timestamp(args) => cmd::timestamp::run(&args),
        Command::Diff(args) => cmd::diff::run(&args),
        Command::Extract(args) => cmd::extract::run(&args),
        Command::Watch(args) => cmd::watch::run(&args),
        Command::Init(args) => cmd::init::run(&args),
        Command::Summary(command) => cmd::summary::run(&command),
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
        Command::Man(ManArgs { dir: Some(dir) }) => {
            let written = std::fs::create_dir_all(&dir)
                .and_then(|()| clap_mangen::generate_to(cli::command(), &dir));
            match written {
                Ok(()) => {
                    out(format!("wrote the man pages into {}", dir.display()));
                    ExitCode::SUCCESS
                }
                Err(err) => fail(format!(
                    "cannot write the man pages into {}: {err}",
                    dir.display()
                )),
            }
        }
        Command::Man(ManArgs { dir: None }) => {
            let mut page = Vec::new();
            // As `--dir` writes them: no page for `help`, which has none.
            let command = cli::command().disable_help_subcommand(true);
            match clap_mangen::Man::new(command).render(&mut page) {
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
