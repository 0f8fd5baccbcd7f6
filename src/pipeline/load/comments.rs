//! The engagement file without its comments: what the acceptance report
//! attaches by default, since comments are the engineers' notes, not the
//! customer's data.
//!
//! A comment is removed to the end of its line and the line itself stays
//! (blank when it held only the comment), so every value keeps its line and
//! column and a draft's gaps page reads the same from either copy. The
//! copy is used only when it reads back as exactly the same engagement,
//! positions included.

use serde::{Deserialize, Serialize};

use super::{Loaded, parse};

/// What became of the engagement file's comments in the copy the
/// acceptance report attaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Comments {
    /// They were removed.
    Removed,
    /// They were kept, as asked: the file is attached as written.
    Kept,
    /// The file has none: it is attached as written, which is the same as
    /// without its comments.
    Absent,
    /// They were kept because the file without them would not read as the
    /// same engagement: it is attached as written.
    Unremovable,
}

/// The engagement file as the acceptance report attaches it: without its
/// comments unless `verbatim`, and what became of them.
pub fn attached_copy(loaded: &Loaded, verbatim: bool) -> (Vec<u8>, Comments) {
    let stripped = strip(&loaded.source);
    if stripped == loaded.source {
        return (loaded.bytes.clone(), Comments::Absent);
    }
    if verbatim {
        return (loaded.bytes.clone(), Comments::Kept);
    }
    let same =
        parse(&stripped).is_ok_and(|e| format!("{e:?}") == format!("{:?}", loaded.engagement));
    if same {
        (stripped.into_bytes(), Comments::Removed)
    } else {
        (loaded.bytes.clone(), Comments::Unremovable)
    }
}

/// Whether `text`, an engagement file an acceptance report carries, was
/// attached without its comments (stripping it again changes nothing) or
/// as written.
pub fn is_stripped(text: &str) -> bool {
    strip(text) == text
}

impl Comments {
    /// Whether the attached file holds no comment: they were removed, or
    /// there were none. The acceptance report says so in the same words
    /// either way, so a file rendered again from its attached copy gives
    /// the same report.
    pub fn none_attached(self) -> bool {
        matches!(self, Comments::Removed | Comments::Absent)
    }
}

/// `source` with every comment removed: a `#` at the start of a line or
/// after a space or tab, outside quoted and block scalars, to the end of its
/// line, with the spaces before it.
pub fn strip(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    // Lines more indented than this belong to a block scalar (`|`, `>`).
    let mut block: Option<usize> = None;
    // The quote a scalar spanning lines is still open with.
    let mut quote: Option<char> = None;
    for line in source.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let end = &line[body.len()..];
        let indent = body.len() - body.trim_start_matches(' ').len();
        if let Some(parent) = block {
            if body.trim().is_empty() || indent > parent {
                out.push_str(line);
                continue;
            }
            block = None;
        }
        let scanned = scan(body, quote);
        quote = scanned.quote;
        match scanned.comment {
            Some(at) => {
                let kept = body[..at].trim_end();
                out.push_str(kept);
                if quote.is_none() {
                    block = block_parent(kept);
                }
            }
            None => {
                out.push_str(body);
                if quote.is_none() {
                    block = block_parent(body);
                }
            }
        }
        out.push_str(end);
    }
    out
}

/// What scanning one line found.
struct Scanned {
    /// Where its comment starts, if it has one.
    comment: Option<usize>,
    /// The quote still open at its end.
    quote: Option<char>,
}

/// Scans `body`, one line, entered inside `quote` if a quoted scalar is
/// open.
fn scan(body: &str, mut quote: Option<char>) -> Scanned {
    let chars: Vec<(usize, char)> = body.char_indices().collect();
    let mut i = 0;
    while let Some(&(at, c)) = chars.get(i) {
        let before = i.checked_sub(1).map(|j| chars[j].1);
        match quote {
            Some('"') if c == '\\' => i += 1,
            Some('"') if c == '"' => quote = None,
            Some('\'') if c == '\'' => {
                if chars.get(i + 1).is_some_and(|(_, n)| *n == '\'') {
                    i += 1;
                } else {
                    quote = None;
                }
            }
            Some(_) => {}
            None if c == '#' && before.is_none_or(|b| b == ' ' || b == '\t') => {
                return Scanned {
                    comment: Some(at),
                    quote: None,
                };
            }
            None if (c == '"' || c == '\'') && opens_scalar(&body[..at]) => quote = Some(c),
            None => {}
        }
        i += 1;
    }
    Scanned {
        comment: None,
        quote,
    }
}

/// Whether a quote after `before` opens a quoted scalar (rather than being
/// a character of a plain one, as in `customer's`): it stands where a value
/// starts.
fn opens_scalar(before: &str) -> bool {
    let trimmed = before.trim_end();
    if trimmed.is_empty() {
        return true;
    }
    let last = trimmed.chars().last();
    let spaced = trimmed.len() < before.len();
    match last {
        Some('[' | '{' | ',') => true,
        Some(':' | '-' | '?') => spaced,
        _ => false,
    }
}

/// The indentation a block scalar's content must exceed, when `line` (its
/// comment removed) ends with a block scalar indicator (`|`, `>`, with
/// chomping and indentation indicators): the column of its key, or of its
/// sequence dash when it is an item of a sequence.
fn block_parent(line: &str) -> Option<usize> {
    let last = line.split_whitespace().last()?;
    let indicator = last.starts_with(['|', '>'])
        && last[1..]
            .chars()
            .all(|c| c == '-' || c == '+' || c.is_ascii_digit());
    if !indicator {
        return None;
    }
    let mut column = line.len() - line.trim_start_matches(' ').len();
    let mut dash = None;
    let mut rest = &line[column..];
    while let Some(after) = rest.strip_prefix('-').filter(|a| a.starts_with(' ')) {
        dash = Some(column);
        let spaces = after.len() - after.trim_start_matches(' ').len();
        column += 1 + spaces;
        rest = &after[spaces..];
    }
    let rest = rest.trim_end();
    let before_indicator = rest[..rest.len() - last.len()].trim_end();
    if before_indicator.is_empty() {
        // `- |`: the item's content is indented past its dash.
        Some(dash.unwrap_or(column))
    } else if before_indicator.ends_with(':') {
        Some(column)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::strip;

    #[test]
    fn comments_go_and_their_lines_stay() {
        let yaml = "# head\nschema: 1 # inline\n  # indented\nname: a#b\n";
        assert_eq!(strip(yaml), "\nschema: 1\n\nname: a#b\n");
    }

    #[test]
    fn quoted_scalars_keep_their_hashes() {
        let yaml = "phone: \"+886 2 #301\" # call\nq: 'it''s # here' # x\nlist: [\"#a\", b] # y\n";
        assert_eq!(
            strip(yaml),
            "phone: \"+886 2 #301\"\nq: 'it''s # here'\nlist: [\"#a\", b]\n"
        );
        let multi = "d: \"first\n  # still text\" # gone\n";
        assert_eq!(strip(multi), "d: \"first\n  # still text\"\n");
    }

    #[test]
    fn a_quote_inside_a_plain_scalar_opens_nothing() {
        let yaml = "title: Customer's plan # note\nnext: x # y\n";
        assert_eq!(strip(yaml), "title: Customer's plan\nnext: x\n");
    }

    #[test]
    fn block_scalars_keep_their_hashes() {
        let yaml = "a:\n  text: | # keep the text\n    # A heading\n\n    body #1\n  other: x # go\n- |\n  # item\n- k: >-\n    # folded\n  j: 1 # go\n";
        assert_eq!(
            strip(yaml),
            "a:\n  text: |\n    # A heading\n\n    body #1\n  other: x\n- |\n  # item\n- k: >-\n    # folded\n  j: 1\n"
        );
    }

    #[test]
    fn stripping_twice_changes_nothing_and_line_ends_stay() {
        let yaml = "a: 1 # x\r\nb: |\r\n  # t\r\nc: 2\r\n";
        let once = strip(yaml);
        assert_eq!(once, "a: 1\r\nb: |\r\n  # t\r\nc: 2\r\n");
        assert_eq!(strip(&once), once);
    }
}
