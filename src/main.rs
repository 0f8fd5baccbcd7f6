//! The `dossier` command: parses arguments, calls the library, maps the
//! outcome to an exit code.

/// Writes a line to standard error; a closed stream is not an error (the
/// reader went away, as with `dossier check … 2>&1 | head`).
macro_rules! say {
    ($($arg:tt)*) => {{
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

mod cli;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{CommandFactory, FromArgMatches};
use indicatif::{ProgressBar, ProgressStyle};

use cli::{Args, CheckArgs, CheckFormat, Command, InitArgs, RenderArgs, VerifyArgs};
use dossier::atomic::write_atomic;
use dossier::batch::{Batch, Finished, Job, Outcome, Plan, Summary, SummaryEntry};
use dossier::discover::discover;
use dossier::fill::Filler;
use dossier::load::load;
use dossier::manifest::verify;
use dossier::validate::validate_since;
use dossier::versions::{BaseSpec, compare};
use dossier::{Diagnostic, Renderer, ReportKey};

/// `dossier 0.1.0 (Typst 0.15.1)`, for `--version`.
static VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "{} (Typst {})",
        env!("CARGO_PKG_VERSION"),
        dossier::typeset::typst_version()
    )
});

/// The command line's definition, with the full version.
fn command() -> clap::Command {
    Args::command().version(VERSION.as_str())
}

fn main() -> ExitCode {
    let args = match Args::from_arg_matches(&command().get_matches()) {
        Ok(args) => args,
        Err(err) => err.exit(),
    };
    match args.command {
        Command::Init(init) => run_init(&init),
        Command::Watch(watch) => run_watch(&watch),
        Command::Templates(cli::TemplatesCommand::Export(export)) => {
            match dossier::templates::export(&export.dir, export.force) {
                Ok(files) => {
                    let _ = writeln!(
                        std::io::stdout().lock(),
                        "wrote {} into {}",
                        plural(files.len(), "template file"),
                        export.dir.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(err) => {
                    say!("error: {err}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Completions(completions) => {
            let mut command = command();
            clap_complete::generate(
                completions.shell,
                &mut command,
                "dossier",
                &mut std::io::stdout().lock(),
            );
            ExitCode::SUCCESS
        }
        Command::Man => {
            let mut page = Vec::new();
            if let Err(err) = clap_mangen::Man::new(command()).render(&mut page) {
                say!("error: cannot write the man page: {err}");
                return ExitCode::FAILURE;
            }
            let _ = std::io::stdout().lock().write_all(&page);
            ExitCode::SUCCESS
        }
        Command::Render(render) => run_render(&render),
        Command::Check(check) => run_check(&check),
        Command::Verify(verify) => run_verify(&verify),
        Command::Extract(extract) => run_extract(&extract),
        Command::Diff(diff) => run_diff(&diff),
        Command::Sign(sign) => run_sign(&sign),
        Command::Schema => {
            let schema = dossier::schema::json_schema();
            let _ = writeln!(std::io::stdout().lock(), "{schema}");
            ExitCode::SUCCESS
        }
    }
}

/// Whether stderr wants colour.
fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn print_diagnostics(diagnostics: &[Diagnostic], source: Option<&str>) {
    for diagnostic in diagnostics {
        say!("{}", diagnostic.render(source, color()));
    }
}

fn engagements(paths: &[PathBuf], skip: Option<&std::path::Path>) -> Option<Vec<PathBuf>> {
    let found = discover(paths, skip);
    if found.is_empty() {
        say!("error: no engagement found under the given paths");
        return None;
    }
    Some(found)
}

fn run_render(args: &RenderArgs) -> ExitCode {
    let started = Instant::now();
    let mut options = args.options();
    if let Some(files) = args.signer_files() {
        if options.format != dossier::render::OutputFormat::Pdf {
            say!(
                "error: --sign-key signs PDF reports; it cannot be used with --format {}",
                args.format_name()
            );
            return ExitCode::FAILURE;
        }
        match dossier::sign::Signer::load(&files) {
            Ok(signer) => options.sign = Some(std::sync::Arc::new(signer)),
            Err(err) => {
                say!("error: {err}");
                return ExitCode::FAILURE;
            }
        }
    }
    if let Some(worker) = args.worker {
        return serve_worker(options, worker, args.quiet);
    }
    let Some(engagements) = engagements(&args.paths, Some(&options.out)) else {
        return ExitCode::FAILURE;
    };
    if !one_base_each(options.since.as_ref(), engagements.len()) {
        return ExitCode::FAILURE;
    }
    let renderer = Renderer::new(options);
    let batch = match Batch::new(args.jobs()) {
        Ok(batch) => batch,
        Err(err) => {
            say!("error: cannot start {} threads: {err}", args.jobs());
            return ExitCode::FAILURE;
        }
    };
    let plan = Plan::new(&batch, &renderer, &engagements, args.shard);
    let progress = Progress::new(plan.len(), args.quiet);
    let report = Report {
        color: color(),
        quiet: args.quiet,
    };
    let finished = std::sync::Mutex::new(Vec::new());
    let done = |f: Finished| {
        progress.report(&f);
        if let Ok(mut finished) = finished.lock() {
            finished.push(f);
        }
    };
    // Several engagements on several cores go to worker processes (see
    // `dossier::workers`), unless the stage timings of this process are
    // asked for.
    let processes = args.jobs().min(plan.to_render());
    let workers = (processes > 1 && !args.in_process && !args.timings)
        .then(|| start_workers(processes, report.color))
        .flatten();
    match workers {
        Some(workers) => {
            let (failed, jobs) = plan.split();
            for (index, outcome) in &failed {
                done(report.finished(*index, outcome));
            }
            dossier::workers::dispatch(workers, &jobs, |job, err| report.lost(job, err), done);
        }
        None => {
            plan.run(&batch, &renderer, |index, outcome| {
                done(report.finished(index, outcome))
            });
        }
    }
    progress.finish();
    let mut finished = finished.into_inner().unwrap_or_else(|e| e.into_inner());
    finished.sort_by_key(|f| f.index);
    let summary = Summary::new(&finished, args.shard);
    if let Some(file) = &args.summary
        && let Err(err) = summary
            .to_json()
            .map_err(std::io::Error::other)
            .and_then(|json| write_atomic(file, json.as_bytes()))
    {
        say!("error: cannot write {}: {err}", file.display());
        return ExitCode::FAILURE;
    }
    let totals = summary.totals;
    if !args.quiet {
        let mut line = format!(
            "rendered {} in {:.1} s: {} final, {} draft, {} failed",
            plural(totals.engagements, "engagement"),
            started.elapsed().as_secs_f64(),
            totals.finals,
            totals.draft,
            totals.failed,
        );
        if let Some(shard) = args.shard {
            line.push_str(&format!(" (shard {shard})"));
        }
        if totals.unchanged > 0 {
            line.push_str(&format!("; {} unchanged", totals.unchanged));
        }
        let _ = writeln!(std::io::stdout().lock(), "{line}");
    }
    for line in finished.iter().filter_map(|f| f.failure.as_ref()) {
        say!("{line}");
    }
    if args.timings {
        let cpu = dossier::timings::process_cpu_time();
        say!("{}", renderer.timings().report(cpu, started.elapsed()));
        if let Some(peak) = dossier::timings::peak_memory() {
            say!("peak memory: {} MiB", peak.div_ceil(1024 * 1024));
        }
    }
    if totals.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// What the user sees while a batch renders: a progress bar on a terminal,
/// one line per engagement otherwise; diagnostics as they come.
struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    fn new(len: usize, quiet: bool) -> Self {
        let bar = (!quiet && std::io::stderr().is_terminal() && len > 1).then(|| {
            let bar = ProgressBar::new(len as u64);
            let style = ProgressStyle::with_template(
                "{prefix:>9} [{bar:30}] {pos}/{len} {wide_msg} {elapsed}",
            )
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_prefix("rendering");
            bar
        });
        Self { bar }
    }

    /// Prints what became of one engagement.
    fn report(&self, finished: &Finished) {
        let print = || {
            if !finished.err.is_empty() {
                eprint!("{}", finished.err);
            }
            if let Some(line) = &finished.out {
                // A closed pipe is not an error worth reporting.
                let _ = writeln!(std::io::stdout().lock(), "{line}");
            }
        };
        match &self.bar {
            Some(bar) => {
                bar.suspend(print);
                if let Some(id) = &finished.id {
                    bar.set_message(id.clone());
                }
                bar.inc(1);
            }
            None => print(),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// How the engagements of a batch are reported: with colour or not, and
/// whether only errors are printed.
struct Report {
    color: bool,
    quiet: bool,
}

impl Report {
    /// What the command line prints of `outcome`, the `index`-th engagement
    /// of the plan, and its summary entry.
    fn finished(&self, index: usize, outcome: &Outcome) -> Finished {
        let entry = SummaryEntry::of(outcome);
        let mut err = String::new();
        let mut out = None;
        let mut failure = None;
        match outcome {
            Outcome::Rendered(done) => {
                if !self.quiet {
                    for d in &done.validation.diagnostics {
                        err.push_str(&d.render(Some(&done.text), self.color));
                        err.push('\n');
                    }
                    let finals = done.reports.iter().filter(|r| r.is_final).count();
                    let drafts = done.reports.len() - finals;
                    let verb = if done.changed {
                        "rendered"
                    } else {
                        "unchanged"
                    };
                    out = Some(format!(
                        "{verb} {} → {} ({finals} final, {drafts} draft)",
                        done.id,
                        done.dir.display()
                    ));
                }
            }
            Outcome::Failed { path, error, .. } => {
                err.push_str(&failure_text(path, error, self.color));
                err.push_str(&format!("error: {}: not rendered\n", path.display()));
                let why = match error.diagnostic() {
                    Some((d, _)) => format!(
                        "{}:{}:{}: {}",
                        d.file.display(),
                        d.pos.line,
                        d.pos.column,
                        d.message
                    ),
                    None => error.to_string(),
                };
                failure = Some(format!("failed: {}: {why}", path.display()));
            }
        }
        Finished {
            index,
            id: outcome.id().map(str::to_string),
            status: entry.status.to_string(),
            changed: entry.changed,
            entry: serde_json::to_value(&entry).unwrap_or_default(),
            out,
            err,
            failure,
        }
    }

    /// An engagement whose worker process failed it.
    fn lost(&self, job: &Job, err: &std::io::Error) -> Finished {
        let error = dossier::render::RenderError::Internal {
            message: err.to_string(),
        };
        self.finished(
            job.index,
            &Outcome::Failed {
                path: job.path.clone(),
                id: job.id.clone(),
                error,
            },
        )
    }
}

/// `count` worker processes: this program again, with this command line
/// and `--worker`. None when not even one starts (the batch then renders
/// in this process).
fn start_workers(count: usize, color: bool) -> Option<Vec<dossier::workers::Worker>> {
    let program = std::env::current_exe().ok()?;
    let worker = if color { "color" } else { "plain" };
    let workers: Vec<_> = (0..count)
        .filter_map(|_| {
            let mut command = std::process::Command::new(&program);
            command
                .args(std::env::args_os().skip(1))
                .arg(format!("--worker={worker}"));
            dossier::workers::Worker::start(command).ok()
        })
        .collect();
    (!workers.is_empty()).then_some(workers)
}

/// A worker of a batch (`render --worker`): renders the engagements that
/// come in on standard input, one at a time, and answers with what became
/// of each. Typst's memoised results of one engagement are dropped when the
/// next arrives, not when the last is done.
fn serve_worker(
    options: dossier::render::RenderOptions,
    color: cli::WorkerColor,
    quiet: bool,
) -> ExitCode {
    let renderer = Renderer::new(options);
    let batch = match Batch::new(1) {
        Ok(batch) => batch,
        Err(err) => {
            say!("error: cannot start a thread: {err}");
            return ExitCode::FAILURE;
        }
    };
    let report = Report {
        color: color == cli::WorkerColor::Color,
        quiet,
    };
    // A worker outlives no batch: when the process that started it ends
    // (killed, say), it stops too, rather than go on writing bundles.
    #[cfg(unix)]
    {
        let parent = std::os::unix::process::parent_id();
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(std::time::Duration::from_millis(100));
                if std::os::unix::process::parent_id() != parent {
                    std::process::exit(1);
                }
            }
        });
    }
    let mut rendered = false;
    let served =
        dossier::workers::serve(std::io::stdin().lock(), std::io::stdout().lock(), |job| {
            if rendered {
                renderer.release_cache();
            }
            rendered = true;
            let outcome = batch.install(|| job.render(&renderer));
            report.finished(job.index, &outcome)
        });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        // The batch went away: nobody is left to tell.
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::FAILURE,
        Err(err) => {
            say!("error: worker: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run_verify(args: &VerifyArgs) -> ExitCode {
    let mut failed = false;
    let anchors = match dossier::sign::load_anchors(&args.trust) {
        Ok(anchors) => anchors,
        Err(err) => {
            say!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    for dir in &args.dirs {
        if dir.is_file() {
            // A single file is given to check its signature.
            failed |= !check_signatures(dir, &anchors, true, &mut stdout);
            continue;
        }
        match verify(dir) {
            Ok((manifest, mismatches)) if mismatches.is_empty() => {
                let _ = writeln!(
                    stdout,
                    "ok: {} ({}, {} matching the manifest)",
                    dir.display(),
                    manifest.engagement.id,
                    plural(manifest.reports.len(), "report")
                );
                for report in &manifest.reports {
                    let must_be_signed =
                        !anchors.is_empty() && report.status == dossier::manifest::Status::Final;
                    failed |= !check_signatures(
                        &dir.join(&report.file),
                        &anchors,
                        must_be_signed,
                        &mut stdout,
                    );
                }
            }
            Ok((_, mismatches)) => {
                failed = true;
                for m in &mismatches {
                    say!("error: {}", dir.join(&m.file).display());
                    say!("  {m}");
                }
                say!(
                    "error: {}: {} not matching the manifest",
                    dir.display(),
                    plural(mismatches.len(), "file")
                );
            }
            Err(err) => {
                failed = true;
                say!("error: {err}");
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Checks the signatures of one PDF and says what they are; false when one
/// does not check out, does not chain to the trust anchors given, or is
/// missing where `must_be_signed`.
fn check_signatures(
    file: &std::path::Path,
    anchors: &[x509_cert::Certificate],
    must_be_signed: bool,
    stdout: &mut impl Write,
) -> bool {
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(err) => {
            say!("error: {}: cannot read: {err}", file.display());
            return false;
        }
    };
    match dossier::sign::verify_pdf(&bytes, anchors) {
        Err(problem) => {
            say!("error: {}: signature invalid: {problem}", file.display());
            false
        }
        Ok(signatures) if signatures.is_empty() => {
            if must_be_signed {
                say!("error: {}: not signed", file.display());
                false
            } else {
                true
            }
        }
        Ok(signatures) => {
            let mut ok = true;
            for s in signatures {
                let trust = match s.trusted {
                    Some(true) => "chains to a trusted certificate",
                    Some(false) => {
                        ok = false;
                        "does NOT chain to a certificate given with --trust"
                    }
                    None => "not checked against a trust anchor (give --trust CA.pem)",
                };
                if s.trusted == Some(false) {
                    say!(
                        "error: {}: signed by {} on {}; {trust}",
                        file.display(),
                        s.signer,
                        s.signed_at
                    );
                } else {
                    let _ = writeln!(
                        stdout,
                        "ok: {}: signed by {} on {}, intact; {trust}",
                        file.display(),
                        s.signer,
                        s.signed_at
                    );
                }
            }
            ok
        }
    }
}

fn run_sign(args: &cli::SignArgs) -> ExitCode {
    let files = dossier::sign::SignerFiles {
        key: args.key.clone(),
        cert: args.cert.clone(),
        chain: args.chain.clone(),
    };
    let signer = match dossier::sign::Signer::load(&files) {
        Ok(signer) => std::sync::Arc::new(signer),
        Err(err) => {
            say!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let name = signer.name();
    match dossier::sign_bundle::sign_bundle(&args.dir, signer) {
        Ok(files) => {
            let mut stdout = std::io::stdout().lock();
            for file in &files {
                let _ = writeln!(stdout, "{}", file.display());
            }
            say!("signed {} as {name}", args.dir.display());
            ExitCode::SUCCESS
        }
        Err(err) => {
            say!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run_extract(args: &cli::ExtractArgs) -> ExitCode {
    match dossier::extract::extract(&args.file, args.out.as_deref(), args.force) {
        Ok(done) => {
            let mut stdout = std::io::stdout().lock();
            for file in &done.files {
                let _ = writeln!(stdout, "{}", file.display());
            }
            say!(
                "extracted {} from {} into {}",
                plural(done.files.len(), "file"),
                args.file.display(),
                done.dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            say!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run_watch(args: &cli::WatchArgs) -> ExitCode {
    let options = args.options();
    if discover(&options.paths, Some(&options.render.out)).is_empty() {
        say!("error: no engagement found under the given paths");
        return ExitCode::FAILURE;
    }
    let result = dossier::watch::watch(&options, |render| {
        let ms = render.elapsed.as_millis();
        match render.outcome {
            Ok(done) => {
                print_diagnostics(&done.validation.diagnostics, Some(&done.text));
                let finals = done.reports.iter().filter(|r| r.is_final).count();
                let line = if done.changed {
                    format!(
                        "rendered {} → {} in {ms} ms ({} of {} typeset; {finals} final, {} draft)",
                        done.id,
                        done.dir.display(),
                        done.typeset,
                        done.reports.len(),
                        done.reports.len() - finals
                    )
                } else {
                    format!("unchanged {} ({ms} ms)", done.id)
                };
                let _ = writeln!(std::io::stdout().lock(), "{line}");
            }
            Err(error) => {
                eprint!("{}", failure_text(render.path, error, color()));
                say!(
                    "error: {}: not rendered; the last good reports stay in place",
                    render.path.display()
                );
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            say!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run_init(args: &InitArgs) -> ExitCode {
    let options = dossier::init::InitOptions {
        dir: args.dir.clone(),
        locale: args.locale.into(),
        today: dossier::init::today(),
    };
    match dossier::init::init(&options) {
        Ok(file) => {
            let _ = writeln!(
                std::io::stdout().lock(),
                "created {}\nnext: edit it, then `dossier check {dir}` and `dossier render {dir}`",
                file.display(),
                dir = args.dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            say!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

fn run_check(args: &CheckArgs) -> ExitCode {
    let Some(engagements) = engagements(&args.paths, None) else {
        return ExitCode::FAILURE;
    };
    if !one_base_each(args.since.as_ref(), engagements.len()) {
        return ExitCode::FAILURE;
    }
    let mut report = dossier::check::CheckReport::default();
    for path in &engagements {
        match load(path) {
            Ok(loaded) => {
                let since = match args
                    .since
                    .as_ref()
                    .map(|spec| compare(spec, &loaded))
                    .transpose()
                {
                    Ok(since) => since,
                    Err(err) => {
                        say!("error: {}: {err}", loaded.file.display());
                        return ExitCode::FAILURE;
                    }
                };
                let validation = validate_since(&loaded, since.as_ref());
                if args.format == CheckFormat::Human {
                    print_diagnostics(&validation.diagnostics, Some(&loaded.source));
                }
                let drafts = ReportKey::ALL
                    .into_iter()
                    .filter(|key| !validation.is_final(*key))
                    .collect();
                report.add(
                    &loaded.file,
                    Some(&loaded.engagement.engagement.id.value),
                    drafts,
                    validation.diagnostics,
                );
            }
            Err(err) => {
                if args.format == CheckFormat::Human {
                    print_diagnostics(std::slice::from_ref(&err.diagnostic), err.text.as_deref());
                }
                let file = err.diagnostic.file.clone();
                report.add(&file, None, Vec::new(), vec![*err.diagnostic]);
            }
        }
    }
    let mut stdout = std::io::stdout().lock();
    match args.format {
        CheckFormat::Json => match report.to_json() {
            Ok(json) => {
                let _ = writeln!(stdout, "{json}");
            }
            Err(err) => {
                say!("error: cannot write the report as JSON: {err}");
                return ExitCode::FAILURE;
            }
        },
        CheckFormat::Github => {
            let _ = write!(stdout, "{}", report.to_github());
        }
        CheckFormat::Human => {
            let (errors, warnings) = report.counts();
            let _ = writeln!(
                stdout,
                "checked {}: {}, {}",
                plural(engagements.len(), "engagement"),
                plural(errors, "error"),
                plural(warnings, "warning")
            );
            if args.strict {
                for e in report.engagements.iter().filter(|e| !e.drafts.is_empty()) {
                    let drafts: Vec<&str> = e.drafts.iter().map(|k| k.key()).collect();
                    let _ = writeln!(
                        stdout,
                        "not final: {} would render {} as {}",
                        e.file.display(),
                        drafts.join(", "),
                        if drafts.len() == 1 {
                            "a draft"
                        } else {
                            "drafts"
                        }
                    );
                }
            }
        }
    }
    if report.fails(args.strict) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Whether `--since` can serve `n` engagements: a file or a PDF is the
/// previous version of one engagement; a git revision serves each.
fn one_base_each(since: Option<&BaseSpec>, n: usize) -> bool {
    if let Some(spec @ BaseSpec::Path(_)) = since
        && n > 1
    {
        say!(
            "error: --since {spec} is one previous version, but {n} engagements were found; name one engagement, or use --since git:REV"
        );
        return false;
    }
    true
}

fn run_diff(args: &cli::DiffArgs) -> ExitCode {
    let loaded = match load(&args.new) {
        Ok(loaded) => loaded,
        Err(err) => {
            print_diagnostics(std::slice::from_ref(&err.diagnostic), err.text.as_deref());
            return ExitCode::FAILURE;
        }
    };
    let since = match compare(&args.base, &loaded) {
        Ok(since) => since,
        Err(err) => {
            say!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    match args.format {
        cli::DiffFormat::Json => match since.to_json() {
            Ok(json) => {
                let _ = writeln!(stdout, "{json}");
            }
            Err(err) => {
                say!("error: cannot write the changes as JSON: {err}");
                return ExitCode::FAILURE;
            }
        },
        cli::DiffFormat::Text => {
            let locale = loaded.engagement.locale.value;
            let text = Filler::new(Default::default())
                .catalogue(locale)
                .map_err(|e| e.to_string())
                .and_then(|t| since.to_text(&t).map_err(|e| e.to_string()));
            match text {
                Ok(text) => {
                    let _ = write!(stdout, "{text}");
                    let _ = writeln!(
                        stdout,
                        "{} since {}",
                        plural(since.changes.len(), "change"),
                        since.label
                    );
                }
                Err(err) => {
                    say!("error: {err}");
                    return ExitCode::FAILURE;
                }
            }
        }
    }
    if args.exit_code && !since.changes.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Why an engagement was not rendered: its diagnostics when the YAML is at
/// fault, else the error; each line ends with a newline.
fn failure_text(
    path: &std::path::Path,
    error: &dossier::render::RenderError,
    color: bool,
) -> String {
    match error.diagnostics() {
        Some((list, text)) => list
            .iter()
            .map(|d| format!("{}\n", d.render(text, color)))
            .collect(),
        None => format!("error: {}: {error}\n", path.display()),
    }
}

/// `n thing` or `n things`.
fn plural(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("{n} {thing}")
    } else {
        format!("{n} {thing}s")
    }
}
