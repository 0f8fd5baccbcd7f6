//! Making user text inert in Typst: as markup and as string literals, and
//! breakable, so that no run of it can be laid out past the page's edge.

use std::borrow::Cow;

use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// Escapes `text` so that, placed in Typst markup, it shows exactly as
/// written and can never become markup or code.
///
/// Every character with a meaning in Typst markup is backslash-escaped
/// wherever it stands: code and markup starters (`#`, `*`, `_`, `$`, `@`,
/// `<`, `[`, `]`, `` ` ``, `\\`, `/`), line-start markers (`=`, `-`, `+`, `.`,
/// `:`), shorthands (`~`, `-`, `.`) and the brackets that could continue a
/// preceding call. Quotes stay unescaped so that they become typographic
/// quotes, which is all they can do in markup. Line breaks become spaces, so
/// text cannot start a new block; control characters and the bidirectional
/// embeddings, overrides and isolates (which could show text in an order
/// other than the one written) are dropped. Long runs
/// without a break opportunity get invisible ones (see [`breakable`]).
pub fn markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    push_markup(&mut out, text);
    out
}

/// The characters escaped in markup.
const MARKUP_SYNTAX: &str = "\\/#*_$@<>[](){}`~=-+.:";

/// Appends the markup escape of `text` to `out`.
pub(crate) fn push_markup(out: &mut String, text: &str) {
    let text = glue_units(text);
    for c in breakable(&text).chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_dropped(c) => {}
            c if MARKUP_SYNTAX.contains(c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
}

/// Quotes `text`, to be shown as written, as a Typst string literal: like
/// [`string`], without the characters [`markup`] drops (line breaks stay)
/// and with the invisible break opportunities of [`breakable`].
pub(crate) fn shown_string(text: &str) -> String {
    let shown: String = text
        .chars()
        .filter(|&c| matches!(c, '\n' | '\t') || !is_dropped(c))
        .collect();
    string(&breakable(&glue_units(&shown)))
}

/// The units a number is never parted from at a line's end.
const UNITS: &[&str] = &[
    "ms", "s", "min", "h", "B", "KB", "MB", "GB", "TB", "KiB", "MiB", "GiB", "TiB", "vCPU", "CPU",
    "req/s", "rps", "QPS", "TPS", "Mbps", "Gbps", "%", "万", "萬", "亿", "億", "个", "個", "人",
    "台", "核", "秒", "分钟", "分鐘", "小时", "小時", "天", "日", "次", "笔", "筆", "单", "單",
    "行", "元", "年", "月", "项", "項", "组", "組", "场", "場", "条", "條",
];

/// `text` with a no-break space (U+00A0) for each space that separates a
/// number from its unit (`240 ms`, `2026 年 9 月`), and around a slash
/// between them (`1 / GB`): a line never ends on the number alone. Rates
/// (`req/s`) are not split at their slash either.
pub(crate) fn glue_units(text: &str) -> Cow<'_, str> {
    let words: Vec<&str> = text.split(' ').collect();
    if words.len() < 2 {
        return join_rates(Cow::Borrowed(text));
    }
    let number = |w: &str| w.ends_with(|c: char| c.is_ascii_digit());
    let unit = |w: &str| {
        // The word up to any punctuation after it (`ms,`, `req/s、P99`).
        let w = &w[..w
            .find(|c: char| ",.;:!?)，。、；：！？）」』".contains(c))
            .unwrap_or(w.len())];
        UNITS.contains(&w)
            || UNITS
                .iter()
                .any(|u| w.starts_with(u) && w[u.len()..].starts_with('/'))
    };
    let mut glued = false;
    let mut out = String::with_capacity(text.len() + 8);
    for (k, pair) in words.windows(2).enumerate() {
        if k == 0 {
            out.push_str(pair[0]);
        }
        let (left, right) = (pair[0], pair[1]);
        let before = k.checked_sub(1).map(|j| words[j]);
        let after = words.get(k + 2).copied();
        let glue = (number(left) && (unit(right) || right == "/"))
            || (left == "/" && before.is_some_and(number) && unit(right))
            || (right == "/" && number(left) && after.is_some_and(unit));
        if glue {
            out.push('\u{A0}');
            glued = true;
        } else {
            out.push(' ');
        }
        out.push_str(right);
    }
    let text = if glued {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(text)
    };
    join_rates(text)
}

/// Quantities a rate counts, and the times it counts them in (`req/s`).
const RATE_QUANTITIES: &[&str] = &[
    "req", "reqs", "ops", "tx", "msg", "rows", "B", "KB", "MB", "GB", "TB", "KiB", "MiB", "GiB",
    "bit", "Kb", "Mb", "Gb",
];
const RATE_TIMES: &[&str] = &["s", "ms", "min", "h", "sec", "day"];

/// `text` with a word joiner (U+2060) after the slash of a rate (`req/s`,
/// `GB/s`): a line may break after a slash, but not inside a unit. The
/// report's show rule sets the joined unit in a box and drops the joiner,
/// so the PDF's text carries the unit as written.
fn join_rates(text: Cow<'_, str>) -> Cow<'_, str> {
    let word = |s: &str| s.chars().all(|c| c.is_ascii_alphabetic()) && !s.is_empty();
    let mut joins = Vec::new();
    for (at, _) in text.match_indices('/') {
        let before = &text[..at];
        let start = before
            .char_indices()
            .rev()
            .find(|(_, c)| !c.is_ascii_alphabetic())
            .map_or(0, |(k, c)| k + c.len_utf8());
        let quantity = &before[start..];
        let after = &text[at + 1..];
        let time = &after[..after
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after.len())];
        if word(quantity) && RATE_QUANTITIES.contains(&quantity) && RATE_TIMES.contains(&time) {
            joins.push(at + 1);
        }
    }
    if joins.is_empty() {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 3 * joins.len());
    let mut from = 0;
    for at in joins {
        out.push_str(&text[from..at]);
        out.push('\u{2060}');
        from = at;
    }
    out.push_str(&text[from..]);
    Cow::Owned(out)
}

/// Characters user text loses on the page: control characters and the
/// bidirectional embeddings, overrides and isolates.
fn is_dropped(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
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

/// A run of more characters than this with no break opportunity (an
/// identifier, a hash, a path) gets invisible ones. Shorter words are left
/// whole: the tables break a word too wide for its column themselves, as a
/// last resort (`fit-words` in `style.typ`).
const LONG_RUN: usize = 20;

/// Inside a run, a stretch of more characters than this between two
/// separators may break after any character.
const LONG_STRETCH: usize = 12;

/// The fewest characters between two break opportunities inside a run.
const MIN_GAP: usize = 8;

/// The zero-width space: where a long run may break. The report's show
/// rule (`style.typ`) turns it into zero-width spacing, which lines break
/// at and which puts nothing into the PDF's text.
pub(crate) const BREAK: char = '\u{200B}';

/// Characters after which a run breaks first: those that end a component
/// of a path, an address, a qualified name or a parameter list.
const SEPARATORS: &str = "/\\.,:;_-=&?#@|+~)]}>";

/// `text` with zero-width break opportunities inside every run of more
/// than [`LONG_RUN`] characters that lines could not otherwise break (no
/// space, no CJK character). A run breaks after each separator, between a
/// lower-case letter and the capital that follows it, and after every
/// character of a long stretch between those. Ordinary words, CJK text and
/// short tokens come back unchanged; nothing visible is added, and no
/// opportunity splits a character from its combining marks.
pub(crate) fn breakable(text: &str) -> Cow<'_, str> {
    let runs = runs(text);
    if !runs.iter().any(|(run, _)| needs_breaks(run)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    for (run, between) in runs {
        push_run(&mut out, run);
        out.push_str(between);
    }
    Cow::Owned(out)
}

/// `text` cut into runs with no break opportunity, each with the
/// characters after it where lines may break. Spaces do not end a run
/// after an opening bracket or before closing punctuation: Unicode's line
/// breaking allows no break there (`f( x` and `x )` hold together).
fn runs(text: &str) -> Vec<(&str, &str)> {
    const OPENERS: &str = "([{";
    const CLOSERS: &str = ")]}!?;:,./";
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let glued = |i: usize| {
        let before = chars[..i].iter().rev().find(|(_, c)| !c.is_whitespace());
        let after = chars[i..].iter().find(|(_, c)| !c.is_whitespace());
        chars[i].1.is_whitespace()
            && (before.is_some_and(|(_, c)| OPENERS.contains(*c))
                || after.is_some_and(|(_, c)| CLOSERS.contains(*c)))
    };
    let mut runs = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        if breaks_anyway(chars[i].1) && !glued(i) {
            let run_end = chars[i].0;
            while i < chars.len() && breaks_anyway(chars[i].1) && !glued(i) {
                i += 1;
            }
            let next = chars.get(i).map_or(text.len(), |(at, _)| *at);
            runs.push((&text[start..run_end], &text[run_end..next]));
            start = next;
        } else {
            i += 1;
        }
    }
    if start < text.len() {
        runs.push((&text[start..], ""));
    }
    runs
}

/// Whether a run with no break opportunity needs some added: whether it
/// is longer than [`LONG_RUN`], punctuation around a word aside.
fn needs_breaks(run: &str) -> bool {
    let word = run.trim_matches(|c: char| !c.is_alphanumeric());
    word.chars().nth(LONG_RUN).is_some()
}

/// Appends one run of characters with no break opportunity, with
/// opportunities added if it needs them.
fn push_run(out: &mut String, run: &str) {
    if !needs_breaks(run) {
        out.push_str(run);
        return;
    }
    let chars: Vec<char> = run.chars().collect();
    let mut start = 0;
    // Characters since the last opportunity: opportunities are kept at
    // least `MIN_GAP` apart, few enough for Typst to lay out a run of
    // thousands of characters (each becomes an item of its own).
    let mut since = 0;
    while start < chars.len() {
        // A stretch ends after the next separator or before the capital
        // of a camel-case word (or at the run's end).
        let end = (start + 1..chars.len())
            .find(|&i| {
                SEPARATORS.contains(chars[i - 1])
                    || (chars[i - 1].is_lowercase() && chars[i].is_uppercase())
            })
            .unwrap_or(chars.len());
        let stretch = &chars[start..end];
        let anywhere = stretch.len() > LONG_STRETCH;
        for (i, &c) in stretch.iter().enumerate() {
            out.push(c);
            since += 1;
            let next = chars.get(start + i + 1).copied();
            let last = i + 1 == stretch.len();
            if (anywhere || last)
                && since >= MIN_GAP
                && next.is_some_and(|next| may_break_between(c, next))
            {
                out.push(BREAK);
                since = 0;
            }
        }
        start = end;
    }
}

/// Whether a line may already break at `c`: spaces and the characters of
/// scripts written without spaces.
fn breaks_anyway(c: char) -> bool {
    c.is_whitespace() || c == BREAK || is_cjk(c)
}

/// Whether a break between `a` and `b` leaves both characters whole: not
/// before a combining mark or a joiner, not after a joiner.
fn may_break_between(a: char, b: char) -> bool {
    const JOINERS: [char; 2] = ['\u{200C}', '\u{200D}'];
    !JOINERS.contains(&a)
        && !JOINERS.contains(&b)
        && b.general_category_group() != GeneralCategoryGroup::Mark
        && !matches!(b, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Whether a character is written without spaces between words (CJK).
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3000..=0x30FF | 0x3100..=0x31BF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF
        | 0x20000..=0x3FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_text_keeps_its_characters() {
        let ordinary = [
            "responsibilities",
            "中文段落沒有空格也能斷行",
            "p99 = 240 ms",
            "NW-2026-007",
            "PostgreSQL",
            "(Internationalisation),",
        ];
        for text in ordinary {
            assert_eq!(breakable(text), text);
        }
    }

    #[test]
    fn long_runs_break_after_separators_then_anywhere() {
        // Opportunities come after separators and before the capital of a
        // camel-case word, at least `MIN_GAP` characters apart.
        assert_eq!(
            breakable("see com.example.orders.OrderServiceImpl now").replace(BREAK, "|"),
            "see com.example.|orders.Order|ServiceImpl now"
        );
        for text in [
            "QueueWorker::drainPendingJobs()",
            // A space after an opening bracket does not end a run.
            "see Worker::drainAllOfThem( Order,PendingJobs )",
        ] {
            let broken = breakable(text);
            assert_eq!(broken.replace(BREAK, ""), text);
            let pieces: Vec<&str> = broken.split(BREAK).collect();
            assert!(pieces.len() > 2, "{broken}");
            // Between two opportunities, never fewer than `MIN_GAP`.
            for piece in &pieces[1..pieces.len() - 1] {
                assert!(piece.chars().count() >= MIN_GAP, "{broken}");
            }
        }
        // A hash breaks anywhere, every `MIN_GAP` characters.
        let hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        let broken = breakable(hash);
        assert_eq!(broken.matches(BREAK).count(), hash.len() / MIN_GAP - 1);
        assert!(broken.split(BREAK).all(|p| p.chars().count() == MIN_GAP));
    }

    #[test]
    fn combining_marks_stay_with_their_letter() {
        let text = "e\u{301}".repeat(30);
        let broken = breakable(&text);
        assert!(!broken.contains("\u{200B}\u{301}"));
        assert_eq!(broken.replace(BREAK, ""), text);
    }

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

#[cfg(test)]
mod unit_tests {
    use super::glue_units;

    #[test]
    fn numbers_keep_their_units() {
        let nb = '\u{A0}';
        assert_eq!(
            glue_units("p99 of 240 ms, then"),
            format!("p99 of 240{nb}ms, then")
        );
        assert_eq!(
            glue_units("NT$ 1 / GB a month"),
            format!("NT$ 1{nb}/{nb}GB a month")
        );
        assert_eq!(
            glue_units("2026 年 9 月 1 日"),
            format!("2026{nb}年 9{nb}月 1{nb}日")
        );
        let wj = '\u{2060}';
        assert_eq!(
            glue_units("4,350 req/s with"),
            format!("4,350{nb}req/{wj}s with")
        );
        assert_eq!(
            glue_units("“8,000 req/s、P99"),
            format!("“8,000{nb}req/{wj}s、P99")
        );
        assert_eq!(glue_units("2 GB/s"), format!("2{nb}GB/{wj}s"));
        assert_eq!(
            glue_units("16 vCPU / 64 GiB"),
            format!("16{nb}vCPU / 64{nb}GiB")
        );
        // A path or a choice still breaks after its slashes, and any
        // character may stand next to a slash.
        assert_eq!(glue_units("/var/lib/postgresql"), "/var/lib/postgresql");
        assert_eq!(glue_units("and/or"), "and/or");
        assert_eq!(
            glue_units("數據 GB/s é/s 😀/s"),
            format!("數據 GB/{wj}s é/s 😀/s")
        );
        // Words that are not units stay breakable.
        assert_eq!(glue_units("in 2026 the team"), "in 2026 the team");
        assert_eq!(glue_units("a / b"), "a / b");
    }
}
