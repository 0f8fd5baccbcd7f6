//! What a YAML error means to the person who wrote the file: the place
//! where the fix goes, and a sentence of help for each class of mistake.

use std::path::Path;

use chrono::NaiveDate;
use serde_saphyr::{Error as YamlError, MessageFormatter, UserMessageFormatter};

use crate::base::diagnostic::{Diagnostic, Fix};
use crate::base::model::Pos;
use crate::base::scalars::{Under, first_key_beside, holder_of_key, tree};

/// Turns a YAML error into a diagnostic at the place the fix goes, with
/// help for its class: misspelt keys and values, missing keys, values of
/// the wrong form, and syntax.
pub(super) fn describe(file: &Path, source: &str, err: &YamlError) -> Diagnostic {
    let inner = innermost(err);
    let pos = inner
        .location()
        .or_else(|| err.location())
        .map(|l| Pos {
            line: u32::try_from(l.line()).unwrap_or(0),
            column: u32::try_from(l.column()).unwrap_or(0),
        })
        .unwrap_or_default();
    match inner {
        YamlError::SerdeUnknownField {
            field, expected, ..
        } => {
            let diagnostic = Diagnostic::error(file, pos, format!("unknown key `{field}`"));
            with_suggestion(diagnostic, source, field, expected)
        }
        YamlError::SerdeUnknownVariant {
            variant, expected, ..
        } => {
            let diagnostic = Diagnostic::error(file, pos, format!("unknown value `{variant}`"));
            with_suggestion(diagnostic, source, variant, expected)
        }
        YamlError::SerdeMissingField { field, .. } => missing(file, source, field, pos),
        YamlError::InvalidBooleanStrict { .. } => Diagnostic::error(
            file,
            pos,
            format!("`{}` is not a boolean", token(source, pos)),
        )
        .with_hint("write `true` or `false` (`yes`, `no`, `on` and `off` are text here)"),
        YamlError::InvalidScalar { ty, .. } => wrong_form(file, source, pos, ty),
        YamlError::SerdeInvalidType { expected, .. } => wrong_form(file, source, pos, expected),
        YamlError::Unexpected { expected, .. } => wrong_shape(file, pos, expected),
        YamlError::NullIntoString { .. } => Diagnostic::error(file, pos, "this key has no value")
            .with_hint("write its value after the colon, or remove the key"),
        other => {
            let message = UserMessageFormatter.format_message(other).into_owned();
            if is_date_error(&message) {
                return date(file, source, pos);
            }
            syntax(file, source, pos, message)
        }
    }
}

fn innermost(mut err: &YamlError) -> &YamlError {
    while let YamlError::WithSnippet { error, .. } | YamlError::AliasError { error, .. } = err {
        err = error;
    }
    err
}

fn with_suggestion(
    diagnostic: Diagnostic,
    source: &str,
    found: &str,
    expected: &[&str],
) -> Diagnostic {
    match closest(found, expected) {
        Some(best) => {
            let pos = diagnostic.position();
            let written = pos.is_known() && source[pos.byte_in(source)..].starts_with(found);
            let diagnostic = diagnostic.with_hint(format!("did you mean `{best}`?"));
            match written {
                true => diagnostic.with_fix(Fix::replace(pos, found, best)),
                false => diagnostic,
            }
        }
        None if expected.is_empty() => diagnostic,
        None => diagnostic.with_hint(format!(
            "expected one of {}",
            expected
                .iter()
                .map(|e| format!("`{e}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The candidate nearest to `found`, if it is near enough to be a typo and
/// nearer than every other candidate.
pub(crate) fn closest<'a>(found: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let mut scored: Vec<(f64, &str)> = candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(found, c), *c))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    match scored.as_slice() {
        [(best, name), (second, _), ..] if *best >= 0.8 && best - second > 1e-9 => Some(name),
        [(best, name)] if *best >= 0.8 => Some(name),
        _ => None,
    }
}

/// A missing key, at the mapping that must hold it: the parser notices
/// the gap at the mapping's last key, which is not where the key goes.
fn missing(file: &Path, source: &str, field: &str, pos: Pos) -> Diagnostic {
    let holder = tree(source).and_then(|t| holder_of_key(&t, source, pos.byte_in(source)));
    let Some(h) = holder.filter(|_| pos.is_known()) else {
        return Diagnostic::error(file, pos, format!("missing key `{field}`"))
            .with_hint(format!("add `{field}:` to this mapping"));
    };
    let (message, hint) = match &h.under {
        Under::Top => (
            format!("missing key `{field}`"),
            format!("add `{field}:` at the top level of the file, not indented"),
        ),
        Under::Key(key) => (
            format!("missing key `{field}` in `{}`", h.path),
            format!("add `{field}:` under `{key}:`, indented like its other keys"),
        ),
        Under::Item => (
            format!("missing key `{field}` in `{}`", h.path),
            format!("add `{field}:` to this item, indented like its other keys"),
        ),
    };
    let diagnostic = Diagnostic::error(file, h.pos, message).with_hint(hint);
    match add_key(source, field, pos) {
        Some(fix) => diagnostic.with_fix(fix),
        None => diagnostic,
    }
}

/// Adds `field:` to the mapping holding the key at `pos`, as its first
/// key (on a line of its own, indented like the others); none for a
/// mapping written on one line.
fn add_key(source: &str, field: &str, pos: Pos) -> Option<Fix> {
    let first = first_key_beside(&tree(source)?, pos.byte_in(source))?;
    let line_start = source[..first].rfind('\n').map_or(0, |i| i + 1);
    let before = &source[line_start..first];
    if !before.chars().all(|c| c == ' ' || c == '-') || in_flow(&source[..line_start]) {
        return None;
    }
    let newline = if source.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    Some(Fix {
        title: format!("add `{field}:`"),
        pos: Pos::of_byte(source, first),
        remove: String::new(),
        insert: format!("{field}: {newline}{}", " ".repeat(before.chars().count())),
    })
}

/// Whether the lines `above` a key leave it inside a flow collection
/// (`{` or `[` opened, or a `,` continuing one, on the last line that is
/// not blank or a comment).
fn in_flow(above: &str) -> bool {
    let last = above
        .lines()
        .map(|l| l.split(" #").next().unwrap_or_default().trim())
        .rfind(|l| !l.is_empty() && !l.starts_with('#'));
    last.is_some_and(|l| l.ends_with(['{', '[', ',']))
}

/// The plain text written at `pos`, up to the end of its line or a
/// comment.
fn token(source: &str, pos: Pos) -> &str {
    let start = pos.byte_in(source);
    let rest = &source[start..];
    let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
    let line = &rest[..end];
    line.split(" #").next().unwrap_or(line).trim()
}

/// A scalar that is not of the type its key takes.
fn wrong_form(file: &Path, source: &str, pos: Pos, ty: &str) -> Diagnostic {
    let written = token(source, pos);
    let (what, example) = match ty {
        t if t.contains("u8") || t.contains("u16") || t.contains("u32") || t.contains("u64") => {
            ("a whole number", "`3`")
        }
        t if t.contains("i32") || t.contains("i64") => ("a whole number", "`3`"),
        t if t.contains("f32") || t.contains("f64") || t.contains("float") => {
            ("a number", "`500` or `0.1`")
        }
        t if t.contains("bool") => ("`true` or `false`", "`true`"),
        t if t.contains("string") || t.contains("str") => ("text", "`a short title`"),
        t if t.contains("sequence") || t.contains("seq") => {
            return wrong_shape(file, pos, "sequence start");
        }
        t if t.contains("map") || t.contains("struct") => {
            return wrong_shape(file, pos, "mapping start");
        }
        other => return Diagnostic::error(file, pos, format!("expected {other}")),
    };
    Diagnostic::error(file, pos, format!("`{written}` is not {what}"))
        .with_hint(format!("write {what} here, e.g. {example}"))
}

/// A value of the wrong shape: a list, a mapping or a scalar where
/// another was expected.
fn wrong_shape(file: &Path, pos: Pos, expected: &str) -> Diagnostic {
    let (message, hint) = if expected.contains("sequence") {
        (
            "expected a list",
            "write a list: `[a, b]` on one line, or one `- item` per line under the key",
        )
    } else if expected.contains("mapping") {
        (
            "expected a mapping of keys",
            "write `key: value` pairs on the lines below, indented under this key",
        )
    } else {
        (
            "expected a single value",
            "write the value after the colon: text, a number or a date, not a list or mapping",
        )
    };
    Diagnostic::error(file, pos, message).with_hint(hint)
}

/// Whether `message` is one of chrono's date parsing errors.
fn is_date_error(message: &str) -> bool {
    [
        "input contains invalid characters",
        "input is out of range",
        "trailing input",
        "premature end of input",
        "input is not enough for unique date and time",
        "no possible date and time matching input",
    ]
    .iter()
    .any(|m| message.contains(m))
}

const EXAMPLE_DATE: &str = "e.g. `2026-10-26`";

/// A value that is not a date written `YYYY-MM-DD`, with what is wrong
/// with it: a day the month does not have, a time after the date, or a
/// different order of its parts.
fn date(file: &Path, source: &str, pos: Pos) -> Diagnostic {
    let written = token(source, pos).trim_matches(['"', '\'']);
    let numbers: Vec<&str> = written
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    let fail =
        |message: String, hint: String| Diagnostic::error(file, pos, message).with_hint(hint);
    let form = format!("write dates as `YYYY-MM-DD`, {EXAMPLE_DATE}");
    // Year first, as the form asks: only the day or month can be wrong.
    if let [y, m, d] = numbers[..]
        && y.len() == 4
        && written.starts_with(y)
        && written.len() <= 10
    {
        let (year, month, day) = (
            y.parse().unwrap_or(0),
            m.parse().unwrap_or(0),
            d.parse().unwrap_or(0),
        );
        if !(1..=12).contains(&month) {
            return fail(
                format!("`{written}` is not a date: there is no month {month}"),
                form,
            );
        }
        if let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) {
            let days = days_in_month(first);
            if day == 0 || day > days {
                let name = first.format("%B %Y");
                return fail(
                    format!("`{written}` is not a date: {name} has {days} days"),
                    form,
                );
            }
        }
    }
    let day = written.get(..10).filter(|_| written.len() > 10);
    if let Some(day) = day.filter(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()) {
        return fail(
            format!("`{written}` is a date and time; a date is expected"),
            format!("write the date alone, `{day}`"),
        );
    }
    // Day and month first: suggest the date where the order is certain.
    if let [a, b, y] = numbers[..]
        && y.len() == 4
    {
        let (a, b, year): (u32, u32, i32) = (
            a.parse().unwrap_or(0),
            b.parse().unwrap_or(0),
            y.parse().unwrap_or(0),
        );
        let guess = match (a > 12, b > 12) {
            (true, false) => NaiveDate::from_ymd_opt(year, b, a),
            (false, true) => NaiveDate::from_ymd_opt(year, a, b),
            _ => None,
        };
        if let Some(guess) = guess {
            return fail(
                format!("`{written}` is not a date in the form `YYYY-MM-DD`"),
                format!("write it as `{}`", guess.format("%Y-%m-%d")),
            );
        }
    }
    fail(
        format!("`{written}` is not a date in the form `YYYY-MM-DD`"),
        form,
    )
}

fn days_in_month(first: NaiveDate) -> u32 {
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(first);
    next.signed_duration_since(first).num_days() as u32
}

/// A syntax error, pointed at the character that is wrong: the tab, the
/// quote or bracket left open, the line indented out of step.
fn syntax(file: &Path, source: &str, pos: Pos, message: String) -> Diagnostic {
    let lines: Vec<&str> = source.lines().collect();
    let at = pos.line.max(1) as usize;
    if message.contains("tab") {
        // The parser may stop on the line before the tab.
        let found = (at..=at + 1)
            .filter_map(|n| Some((n, lines.get(n - 1)?.find('\t')?)))
            .next();
        if let Some((n, byte)) = found {
            let column = lines[n - 1][..byte].chars().count() as u32 + 1;
            return Diagnostic::error(
                file,
                Pos {
                    line: n as u32,
                    column,
                },
                "a tab in the indentation",
            )
            .with_hint("YAML indents with spaces only: replace the tab with spaces");
        }
    }
    if (message.contains("quoted scalar") || message.contains("quote"))
        && let Some(open) = unclosed(&lines[..at.min(lines.len())], &['"', '\''])
    {
        let quote = lines[open.line as usize - 1]
            .chars()
            .nth(open.column as usize - 1)
            .unwrap_or('"');
        return Diagnostic::error(file, open, "this quoted value is not closed on its line")
            .with_hint(format!(
                "end the value with {quote} on the same line, or write it without quotes"
            ));
    }
    let flow = ["flow sequence", "flow mapping", "indicator", "expected ','"];
    if flow.iter().any(|m| message.contains(m))
        && let Some(open) = unclosed(&lines[..at.min(lines.len())], &['[', '{'])
    {
        let bracket = lines[open.line as usize - 1]
            .chars()
            .nth(open.column as usize - 1)
            .unwrap_or('[');
        let close = if bracket == '[' { ']' } else { '}' };
        return Diagnostic::error(file, open, format!("this `{bracket}` is not closed")).with_hint(
            format!("close it with `{close}` on the same line, with `,` between its items"),
        );
    }
    if (message.contains("not allowed in this context")
        || message.contains("did not find expected key")
        || message.contains("indentation"))
        && let Some(diagnostic) = indentation(file, &lines, at)
    {
        return diagnostic;
    }
    Diagnostic::error(file, pos, message)
}

/// The first of `lines` whose value opens one of `opens` and leaves it
/// open, at the opening character: where a runaway value began.
fn unclosed(lines: &[&str], opens: &[char]) -> Option<Pos> {
    lines.iter().enumerate().find_map(|(i, line)| {
        let value = value_start(line)?;
        let first = line[value..].chars().next()?;
        if !opens.contains(&first) || balanced(&line[value..], first) {
            return None;
        }
        Some(Pos {
            line: i as u32 + 1,
            column: line[..value].chars().count() as u32 + 1,
        })
    })
}

/// The byte where a line's value starts: after `key: ` or `- `.
fn value_start(line: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    if trimmed.starts_with('#') {
        return None;
    }
    let indent = line.len() - trimmed.len();
    if let Some(rest) = trimmed.strip_prefix("- ") {
        return Some(indent + 2 + (rest.len() - rest.trim_start().len()));
    }
    let colon = trimmed.find(": ")?;
    let rest = &trimmed[colon + 2..];
    Some(indent + colon + 2 + (rest.len() - rest.trim_start().len()))
}

/// Whether the value `text`, opened by `open`, is closed on its line.
fn balanced(text: &str, open: char) -> bool {
    match open {
        '"' => {
            let mut escaped = false;
            text.chars().skip(1).any(|c| {
                let closes = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                closes
            })
        }
        // In single quotes, '' is a quote.
        '\'' => text[1..].replace("''", "").contains('\''),
        _ => {
            let close = if open == '[' { ']' } else { '}' };
            let mut depth = 0i32;
            let mut quoted: Option<char> = None;
            for c in text.chars() {
                match (quoted, c) {
                    (Some(q), c) if c == q => quoted = None,
                    (Some(_), _) => {}
                    (None, '"' | '\'') => quoted = Some(c),
                    (None, c) if c == open => depth += 1,
                    (None, c) if c == close => depth -= 1,
                    _ => {}
                }
            }
            depth <= 0
        }
    }
}

/// A line indented out of step with the keys around it, at its first
/// character, with the indentation it should have.
fn indentation(file: &Path, lines: &[&str], at: usize) -> Option<Diagnostic> {
    let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
    let content = |l: &&&str| !l.trim().is_empty() && !l.trim_start().starts_with('#');
    let line = *lines.get(at.checked_sub(1)?)?;
    let previous = lines[..at - 1].iter().rev().find(content)?;
    let (mine, theirs) = (indent(line), indent(previous));
    if mine == theirs || !line.trim_start().contains(':') {
        return None;
    }
    let pos = Pos {
        line: at as u32,
        column: mine as u32 + 1,
    };
    let key = line.trim_start().split(':').next().unwrap_or_default();
    Some(
        Diagnostic::error(
            file,
            pos,
            format!("`{key}` is indented by {mine} spaces, the line above by {theirs}"),
        )
        .with_hint(format!(
            "indent `{key}:` like the keys of the same mapping (a key under another is indented 2 more spaces)"
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_have_their_days() {
        let first = |y, m| NaiveDate::from_ymd_opt(y, m, 1).unwrap();
        assert_eq!(days_in_month(first(2026, 2)), 28);
        assert_eq!(days_in_month(first(2028, 2)), 29);
        assert_eq!(days_in_month(first(2026, 12)), 31);
    }

    #[test]
    fn open_values_are_found() {
        assert!(balanced("\"a \\\" b\"", '"'));
        assert!(!balanced("\"a", '"'));
        assert!(balanced("'it''s'", '\''));
        assert!(!balanced("[a, [b]", '['));
        assert_eq!(
            unclosed(&["a: 1", "  b: [x, y", "  c: 2"], &['[', '{']),
            Some(Pos { line: 2, column: 6 })
        );
    }
}
