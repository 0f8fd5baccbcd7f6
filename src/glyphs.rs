//! The missing-glyph check: every character of the engagement's text must
//! be drawable with the shipped fonts, or the customer's PDF would show a
//! blank box where it stands. One that no font covers is an error at its
//! position in the YAML, naming the character.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;
use crate::fonts::fonts;
use crate::load::Loaded;
use crate::model::Pos;

/// Every character in the YAML's values that no shipped font can draw;
/// one diagnostic per distinct character, at its first use. Comments are
/// not checked: they are never printed.
pub fn check(loaded: &Loaded) -> Vec<Diagnostic> {
    let fonts = fonts();
    let mut covered: HashMap<char, bool> = HashMap::new();
    let mut out = Vec::new();
    for (pos, c) in value_chars(&loaded.source) {
        if c.is_control() || c.is_whitespace() {
            continue;
        }
        let ok = *covered.entry(c).or_insert_with(|| {
            fonts
                .fonts
                .iter()
                .any(|f| f.info().coverage.contains(c as u32))
        });
        if !ok {
            covered.insert(c, true); // report each character once
            let mut d = Diagnostic::error(
                &loaded.file,
                pos,
                format!(
                    "the character `{c}` (U+{:04X}) is in none of the shipped fonts and would print as a blank box",
                    c as u32
                ),
            );
            d.code = Some(crate::diagnostic::Code::Glyph);
            d.reports = crate::ReportKey::ALL.to_vec();
            d.hints
                .push("replace it with text the Noto Sans CJK fonts cover, or remove it".into());
            out.push(d);
        }
    }
    out
}

/// The characters of a YAML text with their positions, leaving out
/// comments. A `#` starts a comment at the start of a line or after white
/// space, outside quotes and outside block scalars (`|`, `>`), whose lines
/// are all text.
fn value_chars(source: &str) -> impl Iterator<Item = (Pos, char)> + '_ {
    let mut block_indent: Option<usize> = None;
    source.lines().enumerate().flat_map(move |(i, line)| {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let blank = line.trim().is_empty();
        if let Some(parent) = block_indent {
            if blank || indent > parent {
                return text_of(i, line, line.len());
            }
            block_indent = None;
        }
        let end = comment_start(line).unwrap_or(line.len());
        let content = line[..end].trim_end();
        if starts_block_scalar(content) {
            block_indent = Some(indent);
        }
        text_of(i, line, end)
    })
}

fn text_of(i: usize, line: &str, end: usize) -> Vec<(Pos, char)> {
    line[..end]
        .chars()
        .enumerate()
        .map(|(column, c)| {
            (
                Pos {
                    line: (i + 1) as u32,
                    column: (column + 1) as u32,
                },
                c,
            )
        })
        .collect()
}

/// Where a comment starts in `line`, if it has one.
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '#') if previous == ' ' || previous == '\t' => return Some(i),
            (None, '"' | '\'') if matches!(previous, ' ' | ':' | '-' | '[' | '{' | ',') => {
                quote = Some(c)
            }
            (Some('"'), '\\') => {}
            (Some(q), c) if c == q && !(q == '"' && previous == '\\') => quote = None,
            _ => {}
        }
        previous = c;
    }
    None
}

/// Whether a line ends by opening a block scalar (`key: |`, `- >-`, …).
fn starts_block_scalar(content: &str) -> bool {
    let Some(last) = content.split_whitespace().last() else {
        return false;
    };
    let mut chars = last.chars();
    matches!(chars.next(), Some('|' | '>'))
        && chars.all(|c| matches!(c, '-' | '+' | '1'..='9'))
        && (content.trim_start() == last
            || content.ends_with(&format!(": {last}"))
            || content.trim_start().starts_with('-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(source: &str) -> String {
        value_chars(source).map(|(_, c)| c).collect()
    }

    #[test]
    fn comments_are_left_out_but_block_scalars_are_text() {
        let yaml = "# top 😀\nkey: value # note 😀\nquoted: \"a # b\"\ntext: |\n  # Heading\n  body\nnext: x\n";
        let text = values(yaml);
        assert!(!text.contains('😀'));
        assert!(text.contains("a # b"));
        assert!(text.contains("# Heading"));
        assert!(text.contains("next: x"));
    }

    #[test]
    fn positions_are_lines_and_character_columns() {
        let found: Vec<_> = value_chars("a: 中x\n").collect();
        assert_eq!(found[4], (Pos { line: 1, column: 5 }, 'x'));
    }
}
