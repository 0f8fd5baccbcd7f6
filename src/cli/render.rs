//! The arguments of `dossier render` and `dossier watch`.

use std::path::PathBuf;
use std::sync::Arc;

use clap::ValueEnum;

use dossier::ReportKey;
use dossier::engine::Shard;
use dossier::ops::render::RenderRequest;
use dossier::pipeline::fill::TemplateOptions;
use dossier::pipeline::load::versions::BaseSpec;
use dossier::pipeline::render::{OutputFormat, RenderOptions};
use dossier::pipeline::sign::SignerFiles;

/// Where output goes, which reports, from which templates: shared by
/// `render` and `watch`.
#[derive(Debug, clap::Args)]
pub struct OutputArgs {
    /// Output directory; each engagement is written to OUT/<engagement-id>/.
    #[arg(short, long, default_value = "out")]
    pub out: PathBuf,
    /// Render only these reports (comma-separated: startup, plan, survey,
    /// service, acceptance, or their titles in any locale, e.g. kick-off).
    /// The acceptance report lists the SHA-256 of the other four, so
    /// asking for it renders them too.
    #[arg(long, value_delimiter = ',', value_parser = parse_report)]
    pub only: Vec<ReportKey>,
    /// A directory of templates that replace the built-in ones, file by file.
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
}

impl OutputArgs {
    /// The render options these arguments set; the rest are defaults.
    fn options(&self) -> RenderOptions {
        RenderOptions {
            out: self.out.clone(),
            only: self.only.clone(),
            templates: TemplateOptions {
                dir: self.templates.clone(),
            },
            ..RenderOptions::default()
        }
    }
}

/// Arguments of `dossier render`.
#[derive(Debug, clap::Args)]
pub struct RenderArgs {
    /// Engagement directories, engagement files, or folders to search.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Where and what to render.
    #[command(flatten)]
    pub output: OutputArgs,
    /// What to write for each report.
    #[arg(long, value_enum, default_value_t = FormatArg::Pdf)]
    pub format: FormatArg,
    /// Resolution of --format png, in pixels per inch.
    #[arg(long, value_name = "PPI", default_value_t = 144, value_parser = clap::value_parser!(u32).range(18..=1200))]
    pub ppi: u32,
    /// Fail an engagement that has validation errors or open steps instead
    /// of rendering drafts: finals only.
    #[arg(long)]
    pub strict: bool,
    /// Render every engagement, even those whose bundle is up to date with
    /// their inputs, and overwrite a bundle whose acceptance report is
    /// signed off, even when the new render differs.
    #[arg(long)]
    pub force: bool,
    /// Do not attach the engagement file and the files it refers to to the
    /// acceptance report (by default it carries them, comments included).
    #[arg(long)]
    pub no_attach: bool,
    /// Attach the engagement file exactly as written, comments included
    /// (by default the acceptance report carries it without its comments,
    /// which are the engineers' working notes).
    #[arg(long, conflicts_with = "no_attach")]
    pub attach_verbatim: bool,
    /// Add to the plan, service and acceptance reports an appendix of what
    /// changed since a previous version. BASE is an engagement file or
    /// directory, an acceptance report carrying its engagement, or git:REV
    /// (each engagement's own file at that git revision).
    #[arg(long, value_name = "BASE")]
    pub since: Option<BaseSpec>,
    /// Sign every final report with this private key: PEM (PKCS#8, SEC1 or PKCS#1) or
    /// PKCS#12; its password, if any, is read from $DOSSIER_SIGN_PASSWORD.
    #[arg(long, value_name = "KEY")]
    pub sign_key: Option<PathBuf>,
    /// The signer's certificate (PEM or DER); a PKCS#12 key carries its own.
    #[arg(long, value_name = "CERT", requires = "sign_key")]
    pub sign_cert: Option<PathBuf>,
    /// Certificates of the issuing authorities, to embed in each signature.
    #[arg(long, value_name = "CA", requires = "sign_key", num_args = 1..)]
    pub sign_chain: Vec<PathBuf>,
    /// Trusted time and validation data for each signature.
    #[command(flatten)]
    pub time: super::TimeArgs,
    /// How many documents to typeset at once [default: the number of cores].
    #[arg(short, long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Render only the K-th of N deterministic slices of the engagements
    /// (by engagement id), e.g. 2/3, to split a batch across CI machines.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Also write the batch summary as JSON to FILE.
    #[arg(long, value_name = "FILE")]
    pub summary: Option<PathBuf>,
    /// Print the time spent per stage (load, validate, fill, typeset, pdf, write).
    #[arg(long)]
    pub timings: bool,
    /// Print nothing but errors.
    #[arg(short, long)]
    pub quiet: bool,
    /// Serve as a worker of a batch: engagements to render come in on
    /// standard input, what became of them goes out on standard output.
    #[arg(long, hide = true)]
    pub worker: bool,
}

/// Output formats of `render`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Print-ready PDF.
    Pdf,
    /// The generated Typst source.
    Typ,
    /// One PNG image per page (see --ppi).
    Png,
    /// One SVG image per page.
    Svg,
}

/// A report named by its key or by its title in any built-in locale, with
/// or without the words every title shares: `startup`, `kick-off`,
/// `Project Kick-off Report`, `項目啟動報告`, `启动`.
fn parse_report(s: &str) -> Result<ReportKey, String> {
    let wanted = normal(s);
    ReportKey::ALL
        .into_iter()
        .find(|key| aliases(*key).contains(&wanted))
        .map_or_else(|| s.parse(), Ok)
}

/// The names a report answers to, normalised.
fn aliases(key: ReportKey) -> Vec<String> {
    let mut names = vec![normal(key.key())];
    for locale in dossier::base::model::Locale::ALL {
        let name = dossier::base::locale::Catalogue::template_name(*locale);
        let catalogue = dossier::base::templates::builtin(&name)
            .and_then(|text| dossier::base::locale::Catalogue::parse(*locale, &name, text).ok());
        if let Some(title) = catalogue
            .as_ref()
            .and_then(|c| c.key("reports", key.key()).ok())
        {
            let title = normal(title);
            let bare = [
                "project", "expert", "report", "項目", "项目", "報告", "报告",
            ]
            .iter()
            .fold(title.clone(), |t, word| t.replace(word, ""));
            names.extend([title, bare]);
        }
    }
    names
}

/// A name as compared: lower case, without spaces, hyphens or brackets.
fn normal(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '_' | '《' | '》'))
        .flat_map(char::to_lowercase)
        .collect()
}

impl RenderArgs {
    /// How many threads to render on.
    pub fn jobs(&self) -> usize {
        self.jobs
            .map(usize::from)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }

    /// The library request these arguments ask for, the signer's key
    /// loaded. Signing with another format than PDF is a usage error.
    pub fn request(&self) -> Result<RenderRequest, String> {
        let mut options = self.options();
        if let Some(key) = &self.sign_key {
            if options.format != OutputFormat::Pdf {
                let format = self.format.to_possible_value();
                let name = format.as_ref().map_or("", |v| v.get_name());
                let mut command = super::command();
                let render = command.find_subcommand_mut("render").expect("render");
                let message =
                    format!("--sign-key signs PDF reports; it cannot be used with --format {name}");
                render
                    .error(clap::error::ErrorKind::ArgumentConflict, message)
                    .exit();
            }
            let files = SignerFiles {
                key: key.clone(),
                cert: self.sign_cert.clone(),
                chain: self.sign_chain.clone(),
            };
            let signer = super::load_signer(&files).map_err(|e| e.to_string())?;
            let signer = self.time.apply(signer).map_err(|e| e.to_string())?;
            options.sign = Some(Arc::new(signer));
        } else if self.time.tsa.is_some() {
            let mut command = super::command();
            let render = command.find_subcommand_mut("render").expect("render");
            render
                .error(
                    clap::error::ErrorKind::MissingRequiredArgument,
                    "--tsa time-stamps signatures: it needs --sign-key",
                )
                .exit();
        }
        Ok(RenderRequest {
            paths: self.paths.clone(),
            options,
            shard: self.shard,
            summary: self.summary.clone(),
        })
    }

    /// The library options these arguments ask for, signing aside.
    fn options(&self) -> RenderOptions {
        RenderOptions {
            format: match self.format {
                FormatArg::Pdf => OutputFormat::Pdf,
                FormatArg::Typ => OutputFormat::Typ,
                FormatArg::Png => OutputFormat::Png { ppi: self.ppi },
                FormatArg::Svg => OutputFormat::Svg,
            },
            strict: self.strict,
            force: self.force,
            attach: !self.no_attach,
            attach_verbatim: self.attach_verbatim,
            sign: None,
            since: self.since.clone(),
            ..self.output.options()
        }
    }
}

/// Arguments of `dossier watch`.
#[derive(Debug, clap::Args)]
pub struct WatchArgs {
    /// Engagement directories, engagement files, or folders to search.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Where and what to render.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Overwrite a bundle whose acceptance report is signed off.
    #[arg(long)]
    pub force: bool,
}

impl WatchArgs {
    /// The library options these arguments ask for.
    pub fn options(&self) -> dossier::ops::watch::WatchOptions {
        dossier::ops::watch::WatchOptions {
            paths: self.paths.clone(),
            render: RenderOptions {
                format: OutputFormat::Pdf,
                strict: false,
                force: self.force,
                progressive: true,
                ..self.output.options()
            },
        }
    }
}
