//! Making user text inert in Typst: as markup and as string literals.

/// Escapes `text` so that, placed in Typst markup, it shows exactly as
/// written and can never become markup or code.
///
/// Every character with a meaning in Typst markup is backslash-escaped
/// wherever it stands: code and markup starters (`#`, `*`, `_`, `$`, `@`,
/// `<`, `[`, `]`, `` ` ``, `\\`, `/`), line-start markers (`=`, `-`, `+`, `.`,
/// `:`), shorthands (`~`, `-`, `.`) and the brackets that could continue a
/// preceding call. Quotes stay unescaped so that they become typographic
/// quotes, which is all they can do in markup. Line breaks become spaces, so
/// text cannot start a new block; control characters are dropped.
pub fn markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    push_markup(&mut out, text);
    out
}

/// The characters escaped in markup.
const MARKUP_SYNTAX: &str = "\\/#*_$@<>[](){}`~=-+.:";

/// Appends the markup escape of `text` to `out`.
pub fn push_markup(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c if MARKUP_SYNTAX.contains(c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// Quotes `text` as a Typst string literal (with the quotes).
pub fn string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_escapes_every_syntax_character() {
        assert_eq!(
            markup("#import \"/etc/passwd\""),
            "\\#import \"\\/etc\\/passwd\""
        );
        assert_eq!(markup("*[$x$]*"), "\\*\\[\\$x\\$\\]\\*");
        assert_eq!(markup("= a\n- b"), "\\= a \\- b");
        assert_eq!(markup("中文 ok"), "中文 ok");
    }

    #[test]
    fn string_escapes_quotes_and_backslashes() {
        assert_eq!(string("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
        assert_eq!(string("\u{1}"), "\"\\u{1}\"");
    }
}
