//! `dossier watch`.

use std::process::ExitCode;

use dossier::ops::watch::{WatchRender, watch};

use crate::cli::WatchArgs;
use crate::term::{color, diagnostics, fail, out, say};

pub fn run(args: &WatchArgs) -> ExitCode {
    match watch(&args.options(), report) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(err),
    }
}

/// Says what became of one render of one engagement.
fn report(render: WatchRender<'_>) {
    let ms = render.elapsed.as_millis();
    match render.outcome {
        Ok(done) if done.changed => {
            diagnostics(&done.validation.diagnostics, Some(&done.text));
            let finals = done.reports.iter().filter(|r| r.is_final).count();
            out(format!(
                "rendered {} → {} in {ms} ms ({} of {} typeset; {finals} final, {} draft)",
                done.id,
                done.dir.display(),
                done.typeset,
                done.reports.len(),
                done.reports.len() - finals
            ));
        }
        Ok(done) => {
            diagnostics(&done.validation.diagnostics, Some(&done.text));
            out(format!("unchanged {} ({ms} ms)", done.id));
        }
        Err(error) => {
            match error.diagnostics() {
                Some((list, text)) => {
                    let color = color();
                    list.iter().for_each(|d| say!("{}", d.render(text, color)));
                }
                None => say!("error: {}: {error}", render.path.display()),
            }
            say!(
                "error: {}: not rendered; the last good reports stay in place",
                render.path.display()
            );
        }
    }
}
