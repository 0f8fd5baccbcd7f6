//! Command-line arguments, parsed once and turned into library requests;
//! what each flag means is said here, in its help.

mod examples;
mod render;
mod status;
pub mod summary;

use std::path::PathBuf;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use dossier::pipeline::load::versions::BaseSpec;
use dossier::pipeline::sign::{KeyError, Ltv, Signer, SignerFiles, Tsa, UnreadableFile};
use examples::*;
pub use render::{RenderArgs, WatchArgs};
pub use status::{LspArgs, StatusArgs, StatusFormat};

/// `dossier 0.1.0 (Typst 0.15.1)`, for `--version`.
static VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "{} (Typst {})",
        env!("CARGO_PKG_VERSION"),
        dossier::pipeline::typeset::typst_version()
    )
});

/// The command line's definition, with the full version.
pub fn command() -> clap::Command {
    Args::command().version(VERSION.as_str())
}

/// The arguments of this process; exits on a usage error.
pub fn parse() -> Args {
    use clap::FromArgMatches;
    Args::from_arg_matches(&command().get_matches()).unwrap_or_else(|err| err.exit())
}

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
    /// Show where each engagement stands: which reports would be final and
    /// what keeps the others drafts, what the acceptance report carries,
    /// and whether the bundle in OUT is up to date and how it is signed.
    #[command(after_help = STATUS_EXAMPLES)]
    Status(StatusArgs),
    /// Run the language server for engagement files (LSP over stdin and
    /// stdout): `check`'s diagnostics as you type, hovers, completion.
    #[command(after_help = LSP_EXAMPLES)]
    Lsp(LspArgs),
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
    /// Add the customer's signature to a certified acceptance report, in
    /// the field the provider prepared for it.
    #[command(after_help = COUNTERSIGN_EXAMPLES)]
    Countersign(CountersignArgs),
    /// Keep the signed reports of bundles verifiable for years: embed their
    /// validation data and add a document time-stamp (PAdES B-LTA).
    #[command(after_help = TIMESTAMP_EXAMPLES)]
    Timestamp(TimestampArgs),
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
    /// Print the man page (roff), or write a page per subcommand.
    #[command(after_help = MAN_EXAMPLES)]
    Man(ManArgs),
    /// Work with the report templates.
    #[command(subcommand)]
    Templates(TemplatesCommand),
    /// Merge the summaries of a sharded batch, and print a summary.
    #[command(subcommand)]
    Summary(summary::SummaryCommand),
}

/// What `dossier templates` does.
#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Write the built-in templates, style modules and label catalogues into
    /// DIR, for customising.
    #[command(after_help = TEMPLATES_EXAMPLES)]
    Export(TemplatesExportArgs),
}

/// Arguments of `dossier templates export`.
#[derive(Debug, clap::Args)]
pub struct TemplatesExportArgs {
    /// The directory to write into.
    pub dir: PathBuf,
    /// Overwrite files DIR already holds.
    #[arg(long)]
    pub force: bool,
}

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

impl From<LocaleArg> for dossier::base::model::Locale {
    fn from(locale: LocaleArg) -> Self {
        match locale {
            LocaleArg::ZhHant => Self::ZhHant,
            LocaleArg::ZhHans => Self::ZhHans,
            LocaleArg::En => Self::En,
        }
    }
}

/// Arguments of `dossier man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write dossier.1 and a page for every subcommand (dossier-render.1,
    /// …) into this directory instead of printing the top page.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<std::path::PathBuf>,
}

/// Arguments of `dossier completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Arguments of `dossier sign`.
#[derive(Debug, clap::Args)]
pub struct SignArgs {
    /// The bundle folder, OUT/<id>.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The signer's key and certificates.
    #[command(flatten)]
    pub signer: KeyArgs,
}

/// A signer's key and certificates, as `sign` and `countersign` take them.
#[derive(Debug, clap::Args)]
pub struct KeyArgs {
    /// The private key: PEM (PKCS#8, SEC1 or PKCS#1) or PKCS#12; its password, if any, is
    /// read from $DOSSIER_SIGN_PASSWORD.
    #[arg(long, value_name = "KEY")]
    pub key: PathBuf,
    /// The signer's certificate (PEM or DER); a PKCS#12 key carries its own.
    #[arg(long, value_name = "CERT")]
    pub cert: Option<PathBuf>,
    /// Certificates of the issuing authorities, to embed in the signature.
    #[arg(long, value_name = "CA", num_args = 1..)]
    pub chain: Vec<PathBuf>,
    /// Trusted time and validation data for each signature.
    #[command(flatten)]
    pub time: TimeArgs,
}

/// Trusted time and long-term validation data for signatures.
#[derive(Debug, clap::Args)]
pub struct TimeArgs {
    /// Time-stamp each signature at this RFC 3161 time-stamping authority
    /// (PAdES B-T): an http:// or https:// address.
    #[arg(long, value_name = "URL", value_parser = tsa_url)]
    pub tsa: Option<String>,
    /// How long to wait for the time-stamping authority, and for each OCSP
    /// responder or CRL distribution point, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30, requires = "tsa")]
    pub tsa_timeout: u64,
    /// Embed the validation data of every signature and time-stamp (the
    /// certificates, and OCSP responses or CRLs from the addresses they
    /// name) so that they can be validated for years (PAdES B-LT).
    #[arg(long, requires = "tsa")]
    pub ltv: bool,
    /// A CRL to embed instead of fetching one (PEM or DER), for signing
    /// without network access.
    #[arg(long, value_name = "FILE", requires = "ltv", num_args = 1..)]
    pub crl: Vec<PathBuf>,
    /// An OCSP response to embed instead of asking the responder (DER), for
    /// signing without network access.
    #[arg(long, value_name = "FILE", requires = "ltv", num_args = 1..)]
    pub ocsp: Vec<PathBuf>,
}

impl TimeArgs {
    /// The time-stamping authority asked, if any.
    pub fn authority(&self) -> Option<Tsa> {
        self.tsa.as_ref().map(|url| Tsa {
            url: url.clone(),
            timeout: self.timeout(),
        })
    }

    fn timeout(&self) -> std::time::Duration {
        std::time::Duration::from_secs(self.tsa_timeout)
    }

    /// Where validation data comes from (the files given, then the
    /// network), when it is asked for.
    pub fn validation(&self) -> Result<Option<Ltv>, UnreadableFile> {
        if !self.ltv {
            return Ok(None);
        }
        Ltv::new(self.timeout(), &self.crl, &self.ocsp).map(Some)
    }

    /// `signer`, time-stamping and embedding validation data as asked.
    pub fn apply(&self, signer: Signer) -> Result<Signer, UnreadableFile> {
        let signer = match self.authority() {
            Some(tsa) => signer.with_tsa(tsa),
            None => signer,
        };
        Ok(match self.validation()? {
            Some(ltv) => signer.with_ltv(ltv),
            None => signer,
        })
    }
}

/// A time-stamping authority's address, as `--tsa` takes it.
pub fn tsa_url(text: &str) -> Result<String, String> {
    if text.starts_with("http://") || text.starts_with("https://") {
        Ok(text.to_string())
    } else {
        Err(
            "a time-stamping authority is asked over HTTP: give an http:// or https:// address"
                .into(),
        )
    }
}

impl KeyArgs {
    /// The files, as the library takes them.
    pub fn files(&self) -> dossier::pipeline::sign::SignerFiles {
        dossier::pipeline::sign::SignerFiles {
            key: self.key.clone(),
            cert: self.cert.clone(),
            chain: self.chain.clone(),
        }
    }

    /// The signer these files make, with its time-stamping authority and
    /// validation data.
    pub fn signer(&self) -> Result<Signer, String> {
        let signer = load_signer(&self.files()).map_err(|e| e.to_string())?;
        self.time.apply(signer).map_err(|e| e.to_string())
    }
}

/// The signer `files` make, with the password from the environment; on a
/// terminal, dossier asks for the password of an encrypted key when none is
/// set, without echoing it.
pub fn load_signer(files: &SignerFiles) -> Result<Signer, KeyError> {
    use std::io::IsTerminal;
    match Signer::load(files) {
        Err(KeyError::PasswordNeeded { file })
            if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() =>
        {
            let prompt = format!("password for {}: ", file.display());
            let password = rpassword::prompt_password(prompt).map_err(|e| KeyError::Read {
                file: file.clone(),
                message: e.to_string(),
            })?;
            Signer::load_with_password(files, Some(&password))
        }
        loaded => loaded,
    }
}

/// Arguments of `dossier countersign`.
#[derive(Debug, clap::Args)]
pub struct CountersignArgs {
    /// The acceptance report, certified by the provider.
    #[arg(value_name = "FILE.pdf")]
    pub file: PathBuf,
    /// The customer's key and certificates.
    #[command(flatten)]
    pub signer: KeyArgs,
    /// Write the countersigned report here instead of over FILE.
    #[arg(short, long, value_name = "OUT.pdf")]
    pub out: Option<PathBuf>,
}

/// Arguments of `dossier timestamp`.
#[derive(Debug, clap::Args)]
pub struct TimestampArgs {
    /// Bundle folders (their signed reports) or signed PDF files.
    #[arg(required = true, value_name = "DIR|FILE.pdf")]
    pub paths: Vec<PathBuf>,
    /// The RFC 3161 time-stamping authority: an http:// or https:// address.
    #[arg(long, value_name = "URL", value_parser = tsa_url)]
    pub tsa: String,
    /// How long to wait for the time-stamping authority, and for each OCSP
    /// responder or CRL distribution point, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub tsa_timeout: u64,
    /// A CRL to embed instead of fetching one (PEM or DER).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub crl: Vec<PathBuf>,
    /// An OCSP response to embed instead of asking the responder (DER).
    #[arg(long, value_name = "FILE", num_args = 1..)]
    pub ocsp: Vec<PathBuf>,
}

impl TimestampArgs {
    /// The authority and the validation data's sources, as the library
    /// takes them.
    pub fn sources(&self) -> Result<(Tsa, Ltv), UnreadableFile> {
        let timeout = std::time::Duration::from_secs(self.tsa_timeout);
        let tsa = Tsa {
            url: self.tsa.clone(),
            timeout,
        };
        Ok((tsa, Ltv::new(timeout, &self.crl, &self.ocsp)?))
    }
}

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
    /// Validate as of this time instead of now: YYYY-MM-DD (midnight UTC)
    /// or an RFC 3339 time. What carries no trusted time must be valid then.
    #[arg(long, value_name = "DATE", value_parser = validation_time, requires = "trust")]
    pub at: Option<i64>,
    /// How to print what was found.
    #[arg(long, value_enum, default_value_t = VerifyFormat::Human)]
    pub format: VerifyFormat,
}

/// Output formats of `verify`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifyFormat {
    /// A line per bundle and signature.
    Human,
    /// One JSON document: each bundle or file, each signature with its
    /// level, time-stamp and trust.
    Json,
}

/// A validation time, as `--at` takes it, in Unix seconds.
fn validation_time(text: &str) -> Result<i64, String> {
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date.and_time(chrono::NaiveTime::MIN).and_utc().timestamp());
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.timestamp())
        .map_err(|_| {
            "expected a date, YYYY-MM-DD (e.g. 2031-06-30), or an RFC 3339 time (e.g. 2031-06-30T09:00:00+08:00)".into()
        })
}

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

#[cfg(test)]
mod tests {
    /// Every subcommand, nested ones by their full path, as clap knows
    /// them (the generated `help` aside).
    fn subcommands(command: &clap::Command, path: &[String]) -> Vec<(Vec<String>, clap::Command)> {
        let mut out = Vec::new();
        for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut here = path.to_vec();
            here.push(sub.get_name().to_string());
            if sub.has_subcommands() {
                out.extend(subcommands(sub, &here));
            } else {
                out.push((here, sub.clone()));
            }
        }
        out
    }

    #[test]
    fn every_command_has_examples_in_its_help() {
        let mut command = super::command();
        command.build();
        let all = subcommands(&command, &[]);
        assert!(
            all.len() >= 12,
            "{:?}",
            all.iter().map(|(p, _)| p).collect::<Vec<_>>()
        );
        for (path, mut sub) in all {
            let help = sub.render_long_help().to_string();
            assert!(
                help.contains("Examples:"),
                "dossier {} has no examples",
                path.join(" ")
            );
        }
    }
}
