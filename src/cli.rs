//! Command-line arguments, parsed once and turned into library options.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use dossier::ReportKey;
use dossier::fill::TemplateOptions;
use dossier::render::{OutputFormat, RenderOptions};

/// Turn expert-service engagements written in YAML into their five
/// deliverable reports, as print-ready PDF.
#[derive(Debug, Parser)]
#[command(name = "dossier", version, about, long_about = None)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render engagements into their reports.
    #[command(after_help = RENDER_EXAMPLES)]
    Render(RenderArgs),
}

const RENDER_EXAMPLES: &str = "\
Examples:
  dossier render samples/                 render every engagement under samples/ into ./out
  dossier render acme/ -o dist            render one engagement into dist/<id>/
  dossier render acme/ --only plan,service
  dossier render acme/ --format typ       write the generated Typst sources instead";

/// Arguments of `dossier render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Engagement directories, engagement files, or folders to search.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Output directory; each engagement is written to OUT/<engagement-id>/.
    #[arg(short, long, default_value = "out")]
    pub out: PathBuf,
    /// Render only these reports (comma-separated: startup, plan, survey, service, acceptance).
    #[arg(long, value_delimiter = ',', value_parser = parse_report)]
    pub only: Vec<ReportKey>,
    /// What to write for each report.
    #[arg(long, value_enum, default_value_t = FormatArg::Pdf)]
    pub format: FormatArg,
    /// A directory of templates that replace the built-in ones, file by file.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Output formats of `render`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Print-ready PDF.
    Pdf,
    /// The generated Typst source.
    Typ,
}

fn parse_report(s: &str) -> Result<ReportKey, String> {
    s.parse()
}

impl RenderArgs {
    /// The library options these arguments ask for.
    pub fn options(&self) -> RenderOptions {
        RenderOptions {
            out: self.out.clone(),
            only: self.only.clone(),
            templates: TemplateOptions {
                dir: self.templates.clone(),
            },
            format: match self.format {
                FormatArg::Pdf => OutputFormat::Pdf,
                FormatArg::Typ => OutputFormat::Typ,
            },
        }
    }
}
