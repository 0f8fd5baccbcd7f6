//! `dossier summary`.

use std::process::ExitCode;

use dossier::ops::summary;

use crate::cli::summary::{ShowFormat, SummaryCommand};
use crate::term::{fail, out, plural, print};

pub fn run(command: &SummaryCommand) -> ExitCode {
    match command {
        SummaryCommand::Merge(args) => {
            match summary::merge(&args.summaries, args.partial, &args.output) {
                Ok(merged) => {
                    let mut line = format!(
                        "merged {} ({}) into {}",
                        plural(merged.shards.len(), "shard"),
                        plural(merged.totals.engagements, "engagement"),
                        args.output.display()
                    );
                    if !merged.missing.is_empty() {
                        line.push_str(&format!("; missing: {}", merged.missing.join(", ")));
                    }
                    out(line);
                    ExitCode::SUCCESS
                }
                Err(err) => fail(err),
            }
        }
        SummaryCommand::Show(args) => match summary::read(&args.summary) {
            Ok(read) => {
                let text = match args.format {
                    ShowFormat::Markdown => read.to_markdown(),
                    ShowFormat::Json => match read.to_json() {
                        Ok(json) => json,
                        Err(err) => return fail(err),
                    },
                };
                print(text);
                ExitCode::SUCCESS
            }
            Err(err) => fail(err),
        },
    }
}
