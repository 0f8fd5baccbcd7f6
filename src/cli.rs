//! Command-line arguments, parsed once and turned into library options.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use dossier::ReportKey;
use dossier::batch::Shard;
use dossier::fill::TemplateOptions;
use dossier::render::{OutputFormat, RenderOptions};
use dossier::versions::BaseSpec;

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
    /// Validate engagements against the contract's rules, without rendering.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Print the JSON Schema of the engagement file.
    #[command(after_help = SCHEMA_EXAMPLES)]
    Schema,
    /// Check delivered bundles against their manifests.
    #[command(after_help = VERIFY_EXAMPLES)]
    Verify(VerifyArgs),
    /// Sign the final reports of a bundle rendered elsewhere, after checking
    /// that its source renders to exactly its files.
    #[command(after_help = SIGN_EXAMPLES)]
    Sign(SignArgs),
    /// Print what changed between two versions of an engagement.
    #[command(after_help = DIFF_EXAMPLES)]
    Diff(DiffArgs),
    /// Write out the engagement an acceptance report carries: the YAML as
    /// written and every file it refers to.
    #[command(after_help = EXTRACT_EXAMPLES)]
    Extract(ExtractArgs),
    /// Re-render engagements on every save of their YAML, images or templates.
    #[command(after_help = WATCH_EXAMPLES)]
    Watch(WatchArgs),
    /// Create a new engagement directory with a commented engagement.yaml.
    #[command(after_help = INIT_EXAMPLES)]
    Init(InitArgs),
    /// Print a shell completion script.
    #[command(after_help = COMPLETIONS_EXAMPLES)]
    Completions(CompletionsArgs),
    /// Print the man page (roff).
    #[command(after_help = MAN_EXAMPLES)]
    Man,
    /// Work with the report templates.
    #[command(subcommand)]
    Templates(TemplatesCommand),
}

/// What `dossier templates` does.
#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Write the built-in templates, style modules and label catalogues into
    /// DIR, for customising.
    #[command(after_help = TEMPLATES_EXAMPLES)]
    Export(TemplatesExportArgs),
}

const TEMPLATES_EXAMPLES: &str = "\
Examples:
  dossier templates export my-templates
  # edit my-templates/cover.typ, delete the files you keep as they are, then:
  dossier render acme/ --templates my-templates

render --templates DIR uses each file DIR holds and the built-in one for
every other: cover.typ (the cover page), theme.typ (the colours), style.typ
(page, headings, tables), the <report>.typ.j2 templates, macros.typ.j2 and
locales/<locale>.yaml (every label). An error in one of them is reported
with that file's name and line.";

/// Arguments of `dossier templates export`.
#[derive(Debug, clap::Args)]
pub struct TemplatesExportArgs {
    /// The directory to write into.
    pub dir: PathBuf,
    /// Overwrite files DIR already holds.
    #[arg(long)]
    pub force: bool,
}

const WATCH_EXAMPLES: &str = "\
Examples:
  dossier watch acme/                     keep out/<id>/ up to date while you edit
  dossier watch acme/ --only service      just the service report
  dossier watch acme/ --templates my-templates
                                          also re-render when a template is saved

Each save is checked as `dossier check` does; a save that cannot be read
leaves the last good PDFs in place. Only reports whose Typst source or files
changed are typeset again. Stop with Ctrl-C.";

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
    pub fn options(&self) -> dossier::watch::WatchOptions {
        dossier::watch::WatchOptions {
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

const INIT_EXAMPLES: &str = "\
Examples:
  dossier init acme                       a zh-Hant engagement in ./acme
  dossier init northwind --locale en      an English one
  dossier init acme && dossier render acme

The new engagement.yaml explains each field and the contract clause that
needs it, and starts with the yaml-language-server schema line. It passes
`dossier check` with only the warnings of steps not yet taken (the plan's
confirmation, the completion elements, the sign-off), which keep the
affected reports drafts. An existing engagement is never overwritten.";

/// Arguments of `dossier init`.
#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The directory to create [default: the current directory, if empty].
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The language of the reports and of the file's comments.
    #[arg(long, value_enum, default_value_t = LocaleArg::ZhHant)]
    pub locale: LocaleArg,
}

/// The locales `init` can scaffold.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LocaleArg {
    /// Traditional Chinese.
    #[value(name = "zh-Hant")]
    ZhHant,
    /// Simplified Chinese.
    #[value(name = "zh-Hans")]
    ZhHans,
    /// English.
    En,
}

impl From<LocaleArg> for dossier::model::Locale {
    fn from(locale: LocaleArg) -> Self {
        match locale {
            LocaleArg::ZhHant => Self::ZhHant,
            LocaleArg::ZhHans => Self::ZhHans,
            LocaleArg::En => Self::En,
        }
    }
}

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  source <(dossier completions bash)                       in ~/.bashrc
  dossier completions zsh > ~/.zfunc/_dossier              with fpath+=~/.zfunc
  dossier completions fish > ~/.config/fish/completions/dossier.fish
  dossier completions powershell >> $PROFILE";

/// Arguments of `dossier completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

const MAN_EXAMPLES: &str = "\
Examples:
  dossier man > /usr/local/share/man/man1/dossier.1
  dossier man | man -l -";

const VERIFY_EXAMPLES: &str = "\
Examples:
  dossier verify out/ZP-2026-FL-001       re-hash one bundle against its manifest.json
  dossier verify out/*/                   every bundle under out/

Exit status: 0 when every file matches, 1 when a file is missing, altered or
not listed, or a manifest cannot be read.";

const SIGN_EXAMPLES: &str = "\
Examples:
  dossier sign out/ZP-2026-FL-001 --key signer.key --cert signer.pem --chain ca.pem
  DOSSIER_SIGN_PASSWORD=… dossier sign out/ZP-2026-FL-001 --key signer.p12

The bundle is rendered again from the engagement its acceptance report
carries (same dossier, same SOURCE_DATE_EPOCH); signing is refused if that
differs from the bundle's files in any byte, so only signatures are added.
The acceptance report then lists the signed files' digests, and the manifest
too. Exit status: 0 when the bundle is signed, 1 otherwise (nothing changed).";

/// Arguments of `dossier sign`.
#[derive(Debug, clap::Args)]
pub struct SignArgs {
    /// The bundle folder, OUT/<id>.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The private key: PEM (PKCS#8) or PKCS#12; its password, if any, is
    /// read from $DOSSIER_SIGN_PASSWORD.
    #[arg(long, value_name = "KEY")]
    pub key: PathBuf,
    /// The signer's certificate (PEM or DER); a PKCS#12 key carries its own.
    #[arg(long, value_name = "CERT")]
    pub cert: Option<PathBuf>,
    /// Certificates of the issuing authorities, to embed in each signature.
    #[arg(long, value_name = "CA", num_args = 1..)]
    pub chain: Vec<PathBuf>,
}

const EXTRACT_EXAMPLES: &str = "\
Examples:
  dossier extract out/ZP-2026-FL-001/05-acceptance.pdf
                                          write ZP-2026-FL-001/engagement.yaml and its images
  dossier extract 05-acceptance.pdf -o received/
  dossier render received/                the same reports again, byte for byte

Any PDF reader's attachments pane shows the same files. Exit status: 0 when
every file was written, 1 when the PDF carries none, cannot be read, names a
file outside DIR, or a file exists (without --force).";

/// Arguments of `dossier extract`.
#[derive(Debug, clap::Args)]
pub struct ExtractArgs {
    /// An acceptance report.
    #[arg(value_name = "FILE.pdf")]
    pub file: PathBuf,
    /// The folder to write into [default: the engagement's id].
    #[arg(short, long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Overwrite files DIR already holds.
    #[arg(long)]
    pub force: bool,
}

/// Arguments of `dossier verify`.
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// Bundle folders, each holding a manifest.json, or single PDF files.
    #[arg(required = true, value_name = "DIR|FILE.pdf")]
    pub dirs: Vec<PathBuf>,
    /// Certificates of authorities to trust (PEM or DER): each signature
    /// must chain to one of them, and every final report must be signed.
    #[arg(long, value_name = "CA.pem")]
    pub trust: Vec<PathBuf>,
}

const CHECK_EXAMPLES: &str = "\
Examples:
  dossier check samples/                  check every engagement under samples/
  dossier check acme/ --format json       machine-readable diagnostics for CI
  dossier check team/ --format github     annotations on the YAML lines of a pull request
  dossier check team/ --strict            the CI gate: every report of every engagement ready to be final

Exit status: 0 when no engagement has errors (warnings allowed), 1 otherwise;
with --strict, also 1 when a pending step (no plan confirmation, no sign-off,
an element not yet written) would keep any report a draft.";

const SCHEMA_EXAMPLES: &str = "\
Examples:
  dossier schema > engagement.schema.json
  # then start engagement.yaml with:
  # yaml-language-server: $schema=engagement.schema.json";

/// Arguments of `dossier check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Engagement directories, engagement files, or folders to search.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// How to print the diagnostics.
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Fail on pending steps too, not only on errors: pass only when every
    /// report would be rendered final, as `render --strict` asks.
    #[arg(long)]
    pub strict: bool,
    /// Compare with a previous version: warn when a report changed but
    /// its version did not, or its version went back. BASE is an
    /// engagement file or directory, an acceptance report carrying its
    /// engagement, or git:REV (each engagement's own file at that revision).
    #[arg(long, value_name = "BASE")]
    pub since: Option<BaseSpec>,
}

/// Arguments of `dossier diff`.
#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    /// The previous version: an engagement file or directory, an acceptance
    /// report carrying its engagement, or git:REV (NEW's file at that
    /// revision).
    #[arg(value_name = "BASE")]
    pub base: BaseSpec,
    /// The engagement as it is now: a directory or a YAML file.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// How to print the changes.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit with 1 when something changed, as `git diff --exit-code` does.
    #[arg(long)]
    pub exit_code: bool,
}

/// Output formats of `diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    /// One block per item, in the engagement's language.
    Text,
    /// One JSON document, with stable keys.
    Json,
}

const DIFF_EXAMPLES: &str = "\
Examples:
  dossier diff acme/v1.0 acme/            what changed since the copy kept in acme/v1.0/
  dossier diff git:v1.0 acme/             since the engagement file as tagged v1.0 in git
  dossier diff out/acme/05-acceptance.pdf acme/
                                          since the engagement a delivered acceptance report carries
  dossier diff git:HEAD acme/ --format json

The same changes make the appendix `render --since BASE` adds to the plan,
service and acceptance reports. Items are paired by their ids (objectives by
their statement, milestones by their name), never by their text's position.";

/// Output formats of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// rustc-style diagnostics with source snippets.
    Human,
    /// One JSON document for CI.
    Json,
    /// GitHub Actions workflow commands: annotations on the YAML lines.
    Github,
}

const RENDER_EXAMPLES: &str = "\
Examples:
  dossier render samples/                 render every engagement under samples/ into ./out
  dossier render acme/ -o dist            render one engagement into dist/<id>/
  dossier render acme/ --only plan,service
  dossier render acme/ --format typ       write the generated Typst sources instead
  dossier render acme/ --format png --ppi 96
                                          one PNG per page, e.g. out/<id>/04-service/page-01.png
  dossier render samples/ --strict        finals only: fail an engagement that would have drafts
  dossier render team/ --shard 2/4 --summary summary.json
                                          the second quarter of a batch, with a JSON summary
  dossier render team/ --jobs 1 --timings one thread; print where the time went
  dossier render acme/ --since acme/v1.0  a re-issue: an appendix of what changed since v1.0
  dossier render team/ --since git:v1.0   each engagement against its file as tagged v1.0

A report whose rules fail is rendered as a draft: a DRAFT watermark on every
page and a closing page listing the open gaps. It is final once they pass.

Each bundle OUT/<id>/ holds a manifest.json with the SHA-256 of every report;
`dossier verify OUT/<id>` checks it. A bundle whose acceptance report is final
and signed off is not overwritten with different content unless --force is
given; a re-render that changes nothing writes nothing.

Exit status: 0 when every engagement rendered, 1 when any failed (or, with
--strict, would have had drafts), 2 on a usage error.";

/// Where output goes, which reports, from which templates: shared by
/// `render` and `watch`.
#[derive(Debug, clap::Args)]
pub struct OutputArgs {
    /// Output directory; each engagement is written to OUT/<engagement-id>/.
    #[arg(short, long, default_value = "out")]
    pub out: PathBuf,
    /// Render only these reports (comma-separated: startup, plan, survey,
    /// service, acceptance). The acceptance report lists the SHA-256 of the
    /// other four, so asking for it renders them too.
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
    /// Overwrite a bundle whose acceptance report is signed off, even when
    /// the new render differs.
    #[arg(long)]
    pub force: bool,
    /// Do not attach the engagement file and the files it refers to to the
    /// acceptance report (by default it carries them, comments included).
    #[arg(long)]
    pub no_attach: bool,
    /// Add to the plan, service and acceptance reports an appendix of what
    /// changed since a previous version. BASE is an engagement file or
    /// directory, an acceptance report carrying its engagement, or git:REV
    /// (each engagement's own file at that git revision).
    #[arg(long, value_name = "BASE")]
    pub since: Option<BaseSpec>,
    /// Sign every final report with this private key: PEM (PKCS#8) or
    /// PKCS#12; its password, if any, is read from $DOSSIER_SIGN_PASSWORD.
    #[arg(long, value_name = "KEY")]
    pub sign_key: Option<PathBuf>,
    /// The signer's certificate (PEM or DER); a PKCS#12 key carries its own.
    #[arg(long, value_name = "CERT", requires = "sign_key")]
    pub sign_cert: Option<PathBuf>,
    /// Certificates of the issuing authorities, to embed in each signature.
    #[arg(long, value_name = "CA", requires = "sign_key", num_args = 1..)]
    pub sign_chain: Vec<PathBuf>,
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
    /// Render a batch in this one process, its threads sharing Typst's
    /// cache, rather than in one worker process per job (less memory, less
    /// speed on several cores).
    #[arg(long)]
    pub in_process: bool,
    /// Serve as a worker of a batch: engagements to render come in on
    /// standard input, what became of them goes out on standard output.
    #[arg(long, value_name = "COLOR", hide = true)]
    pub worker: Option<WorkerColor>,
}

/// Whether a worker writes its messages with colour (its standard error is
/// a pipe; the batch's may be a terminal).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WorkerColor {
    /// With colour.
    Color,
    /// Without.
    Plain,
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

fn parse_report(s: &str) -> Result<ReportKey, String> {
    s.parse()
}

impl RenderArgs {
    /// How many threads to render on.
    pub fn jobs(&self) -> usize {
        self.jobs
            .map(usize::from)
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }

    /// The output format as written on the command line.
    pub fn format_name(&self) -> String {
        self.format
            .to_possible_value()
            .map_or_else(String::new, |v| v.get_name().to_string())
    }

    /// The signer's files, when signing is asked for.
    pub fn signer_files(&self) -> Option<dossier::sign::SignerFiles> {
        Some(dossier::sign::SignerFiles {
            key: self.sign_key.clone()?,
            cert: self.sign_cert.clone(),
            chain: self.sign_chain.clone(),
        })
    }

    /// The library options these arguments ask for.
    pub fn options(&self) -> RenderOptions {
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
            sign: None,
            since: self.since.clone(),
            ..self.output.options()
        }
    }
}
