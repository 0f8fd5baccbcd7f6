//! `dossier timestamp`.

use std::process::ExitCode;

use dossier::ops::timestamp::timestamp;

use crate::cli::TimestampArgs;
use crate::term::{exit, fail, out, plural, say};

pub fn run(args: &TimestampArgs) -> ExitCode {
    let (tsa, ltv) = match args.sources() {
        Ok(sources) => sources,
        Err(err) => return fail(err),
    };
    let results = timestamp(&args.paths, &tsa, &ltv);
    let mut stamped = 0;
    for result in &results {
        match result {
            Ok(done) => {
                stamped += 1;
                let last = done.signatures.last();
                let time = last
                    .and_then(|s| s.timestamp.as_ref())
                    .map_or(String::new(), |t| {
                        format!(" at {} by {}", t.time, t.authority)
                    });
                out(format!("{}: time-stamped{time}", done.file.display()));
            }
            Err(err) => say!("error: {err}"),
        }
    }
    let failed = results.len() - stamped;
    if failed > 0 {
        say!(
            "time-stamped {}; {} failed",
            plural(stamped, "file"),
            plural(failed, "file")
        );
    } else {
        say!("time-stamped {}", plural(stamped, "file"));
    }
    exit(failed == 0 && stamped > 0)
}
