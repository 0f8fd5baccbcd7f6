//! What the command line prints, and how: diagnostics with their lines,
//! a batch's progress, counts in words. Only the binary prints.

use std::fmt::Display;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use indicatif::{ProgressBar, ProgressStyle};

use dossier::engine::{Done, Status};
use dossier::pipeline::load::comments::Comments;
use dossier::pipeline::render::Attached;
use dossier::{Diagnostic, ReportKey};

/// Writes a line to standard error; a closed stream is not an error (the
/// reader went away, as with `dossier check … 2>&1 | head`).
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}
pub(crate) use say;

/// Writes a line to standard output; a closed pipe is not an error.
pub fn out(line: impl Display) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// Writes `text` to standard output as it is; a closed pipe is not an
/// error.
pub fn print(text: impl Display) {
    let _ = write!(std::io::stdout().lock(), "{text}");
}

/// Says `error` on standard error and fails.
pub fn fail(error: impl Display) -> ExitCode {
    say!("error: {error}");
    ExitCode::FAILURE
}

/// Success or failure.
pub fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Whether standard error wants colour.
pub fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// Prints `diagnostics` on standard error, each with its line of `source`.
pub fn diagnostics(diagnostics: &[Diagnostic], source: Option<&str>) {
    let color = color();
    for diagnostic in diagnostics {
        say!("{}", diagnostic.render(source, color));
    }
}

/// What the acceptance report carries, in a line:
/// `05-acceptance.pdf carries engagement.yaml (comments removed), logo.svg`.
pub fn attachments(attached: &Attached) -> String {
    let comments = match attached.comments {
        Comments::Removed => "comments removed",
        Comments::Kept => "as written, comments included",
        Comments::Absent => "as written; it has no comments",
        Comments::Unremovable => "as written, comments included: removing them would change it",
    };
    let mut line = format!(
        "{} carries {} ({comments})",
        ReportKey::Acceptance.file_name("pdf"),
        attached.engagement
    );
    for file in &attached.files {
        line.push_str(", ");
        line.push_str(file);
    }
    line
}

/// `n thing` or `n things`.
pub fn plural(n: usize, thing: &str) -> String {
    if n == 1 {
        format!("{n} {thing}")
    } else {
        format!("{n} {thing}s")
    }
}

/// What the user sees while a batch renders: a progress bar on a terminal,
/// one line per engagement otherwise; diagnostics as they come.
pub struct Progress {
    bar: Option<ProgressBar>,
    quiet: bool,
    /// Held while one engagement is told, so that what two workers finish
    /// at once never interleaves.
    telling: std::sync::Mutex<()>,
}

impl Progress {
    /// Progress over `len` engagements; with `quiet`, errors only.
    pub fn new(len: usize, quiet: bool) -> Self {
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
        Self {
            bar,
            quiet,
            telling: std::sync::Mutex::new(()),
        }
    }

    /// Prints what became of one engagement.
    pub fn report(&self, done: &Done) {
        let _telling = self.telling.lock().unwrap_or_else(|e| e.into_inner());
        let print = || self.print(done);
        match &self.bar {
            Some(bar) => {
                bar.suspend(print);
                if let Some(id) = &done.entry.id {
                    bar.set_message(id.clone());
                }
                bar.inc(1);
            }
            None => print(),
        }
    }

    fn print(&self, done: &Done) {
        let entry = &done.entry;
        let text = done.text.as_deref();
        for altered in &entry.altered {
            say!(
                "warning: {}: {altered}; rendering anew",
                entry
                    .dir
                    .as_deref()
                    .unwrap_or(entry.file.as_path())
                    .display()
            );
        }
        if entry.status == Status::Failed {
            match &entry.error {
                Some(error) if entry.diagnostics.is_empty() => {
                    say!("error: {}: {error}", entry.file.display());
                }
                _ => diagnostics(&entry.diagnostics, text),
            }
            say!("error: {}: not rendered", entry.file.display());
            return;
        }
        if self.quiet {
            return;
        }
        diagnostics(&entry.diagnostics, text);
        let finals = entry
            .reports
            .iter()
            .filter(|r| r.status == dossier::pipeline::deliver::manifest::Status::Final)
            .count();
        let verb = match (entry.skipped, entry.changed) {
            (true, _) => "up to date",
            (false, true) => "rendered",
            (false, false) => "unchanged",
        };
        let since = match entry.outdated.as_slice() {
            [] => String::new(),
            changes => format!("; changed since: {}", changes.join(", ")),
        };
        out(format!(
            "{verb} {} → {} ({finals} final, {} draft{since})",
            entry.id.as_deref().unwrap_or_default(),
            entry
                .dir
                .as_deref()
                .unwrap_or(entry.file.as_path())
                .display(),
            entry.reports.len() - finals
        ));
        if let Some(attached) = &entry.attached {
            out(format!("  {}", attachments(attached)));
            if attached.comments == Comments::Unremovable {
                say!(
                    "warning: {}: its comments could not be removed without changing how it reads; the acceptance report carries it as written",
                    entry.file.display()
                );
            }
        }
    }

    /// Clears the progress bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
