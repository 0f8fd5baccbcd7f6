//! The arguments of `dossier status` and `dossier lsp`.

use std::path::PathBuf;

use clap::ValueEnum;

use dossier::pipeline::fill::TemplateOptions;
use dossier::pipeline::render::RenderOptions;

/// Arguments of `dossier status`.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// Engagement directories, engagement files, or folders to search.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The output directory whose bundles are compared with the inputs.
    #[arg(short, long, default_value = "out")]
    pub out: PathBuf,
    /// The template directory a render would use (templates are inputs).
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// As a render without attachments would: the acceptance report
    /// carries no source.
    #[arg(long)]
    pub no_attach: bool,
    /// As a render attaching the engagement file with its comments would.
    #[arg(long, conflicts_with = "no_attach")]
    pub attach_verbatim: bool,
    /// How to print the status.
    #[arg(long, value_enum, default_value_t = StatusFormat::Human)]
    pub format: StatusFormat,
}

/// Output formats of `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    /// Per engagement: a line per report, the gaps by rule, the
    /// attachments, the bundle and its signatures.
    Human,
    /// One JSON document: per engagement, each report with its gaps by
    /// rule, the attachments, the bundle's state and each signature.
    Json,
}

impl StatusArgs {
    /// The options of the render whose result the status describes.
    pub fn options(&self) -> RenderOptions {
        RenderOptions {
            out: self.out.clone(),
            attach: !self.no_attach,
            attach_verbatim: self.attach_verbatim,
            templates: TemplateOptions {
                dir: self.templates.clone(),
            },
            ..RenderOptions::default()
        }
    }
}

/// Arguments of `dossier lsp`.
#[derive(Debug, clap::Args)]
pub struct LspArgs {
    /// Talk over standard input and output (the only transport, and the
    /// default; accepted because editors' LSP clients pass it).
    #[arg(long)]
    pub stdio: bool,
}
