//! The arguments of `dossier summary`.

use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};

/// What `dossier summary` does.
#[derive(Debug, Subcommand)]
pub enum SummaryCommand {
    /// Merge the summaries of a sharded batch's shards into one.
    #[command(after_help = SUMMARY_EXAMPLES)]
    Merge(MergeArgs),
    /// Print a batch summary as a Markdown table (for a CI job's summary or
    /// a merge request's note) or as JSON.
    #[command(after_help = SUMMARY_EXAMPLES)]
    Show(ShowArgs),
}

/// Arguments of `dossier summary merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// The summaries of the shards, as `render --shard K/N --summary FILE`
    /// wrote them.
    #[arg(required = true)]
    pub summaries: Vec<PathBuf>,
    /// Where to write the merged summary.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: PathBuf,
    /// Accept a batch with shards missing (the merged summary names them).
    #[arg(long)]
    pub partial: bool,
}

/// Arguments of `dossier summary show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// A summary, of a batch, a shard or merged shards.
    pub summary: PathBuf,
    /// How to print it.
    #[arg(long, value_enum, default_value_t = ShowFormat::Markdown)]
    pub format: ShowFormat,
}

/// How `summary show` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    /// A line of totals and a table with a row per engagement.
    Markdown,
    /// The summary as JSON, as `render --summary` writes it.
    Json,
}

const SUMMARY_EXAMPLES: &str = "\
Examples:
  # on each of three CI runners, K = 1, 2, 3:
  dossier render engagements/ --shard K/3 --summary summary-K.json
  # in the job that runs after them:
  dossier summary merge summary-*.json -o summary.json
  dossier summary show summary.json >> \"$GITHUB_STEP_SUMMARY\"

merge refuses summaries of different splits (2/3 beside 1/2), one shard
twice, one engagement in two shards, and a batch with shards missing unless
--partial is given.";
