//! `dossier init`.

use std::process::ExitCode;

use dossier::ops::init::{InitOptions, init, today};

use crate::cli::InitArgs;
use crate::term::{fail, out};

pub fn run(args: &InitArgs) -> ExitCode {
    let options = InitOptions {
        dir: args.dir.clone(),
        locale: args.locale.into(),
        today: today(),
    };
    match init(&options) {
        Ok(file) => {
            out(format!(
                "created {}\nnext: edit it, then `dossier check {dir}` and `dossier render {dir}`",
                file.display(),
                dir = shell_word(&args.dir.display().to_string())
            ));
            ExitCode::SUCCESS
        }
        Err(err) => fail(err),
    }
}

/// `word` as a POSIX shell reads it back: as written when it holds only
/// characters no shell treats specially, else in single quotes.
fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | '+' | ',' | ':' | '@')
        });
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::shell_word;

    #[test]
    fn paths_are_quoted_for_the_shell() {
        assert_eq!(shell_word("acme-2027"), "acme-2027");
        assert_eq!(shell_word("Harbour View 2027"), "'Harbour View 2027'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
        assert_eq!(shell_word("港灣 2027"), "'港灣 2027'");
    }
}
