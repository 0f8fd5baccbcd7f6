//! The README and the user guide: every relative link resolves (to a file,
//! and to a heading where it names one), the guide lists every page it
//! holds, and the README stays short.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

use crate::common::root;

/// README.md and every Markdown file under `docs/`.
fn documents() -> Vec<PathBuf> {
    let mut files = vec![root().join("README.md"), root().join("ARCHITECTURE.md")];
    for entry in walkdir::WalkDir::new(root().join("docs")).sort_by_file_name() {
        let path = entry.expect("walk docs").into_path();
        if path.extension().is_some_and(|x| x == "md") {
            files.push(path);
        }
    }
    files
}

/// The link targets of a Markdown text.
fn links(text: &str) -> Vec<String> {
    Parser::new(text)
        .filter_map(|event| match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                Some(dest_url.to_string())
            }
            _ => None,
        })
        .collect()
}

/// The anchors GitHub and mdBook give the headings of a Markdown text:
/// lower case, punctuation dropped, spaces as hyphens.
fn anchors(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut heading: Option<String> = None;
    for event in Parser::new(text) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::Text(t) | Event::Code(t) => {
                if let Some(h) = heading.as_mut() {
                    h.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(_)) => {
                let h = heading.take().unwrap_or_default();
                let slug: String = h
                    .to_lowercase()
                    .chars()
                    .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
                    .map(|c| if c == ' ' { '-' } else { c })
                    .collect();
                found.insert(slug);
            }
            _ => {}
        }
    }
    found
}

/// `path` with its `..` and `.` resolved, without touching the disk.
fn normalise(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn every_relative_link_in_the_readme_and_the_guide_resolves() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for doc in documents() {
        let text = read(&doc);
        for link in links(&text) {
            if link.contains("://") || link.starts_with("mailto:") {
                continue;
            }
            checked += 1;
            let (file, anchor) = match link.split_once('#') {
                Some((file, anchor)) => (file, Some(anchor)),
                None => (link.as_str(), None),
            };
            let target = if file.is_empty() {
                doc.clone()
            } else {
                doc.parent().expect("a folder").join(file)
            };
            let name = doc
                .strip_prefix(root())
                .unwrap_or(&doc)
                .display()
                .to_string();
            if !target.exists() {
                broken.push(format!("{name}: {link} (no such file)"));
                continue;
            }
            // A page of the book links only inside the book: mdBook turns
            // its pages into HTML, and a link out of it would break there.
            let book = root().join("docs/guide/src");
            if doc.starts_with(&book) && !normalise(&target).starts_with(&book) {
                broken.push(format!("{name}: {link} (leaves the book)"));
            }
            let markdown = target.extension().is_some_and(|x| x == "md");
            if let Some(anchor) = anchor.filter(|_| markdown)
                && !anchors(&read(&target)).contains(anchor)
            {
                broken.push(format!("{name}: {link} (no such heading)"));
            }
        }
    }
    assert!(checked > 50, "the check sees the links ({checked})");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_guide_is_a_book_that_lists_every_page() {
    let guide = root().join("docs/guide");
    assert!(read(&guide.join("book.toml")).contains("[book]"));
    let summary = read(&guide.join("src/SUMMARY.md"));
    let listed: BTreeSet<PathBuf> = links(&summary)
        .iter()
        .map(|l| guide.join("src").join(l))
        .collect();
    for entry in walkdir::WalkDir::new(guide.join("src")) {
        let path = entry.expect("walk the guide").into_path();
        if path.extension().is_some_and(|x| x == "md") && !path.ends_with("SUMMARY.md") {
            assert!(
                listed.contains(&path),
                "{} is not in SUMMARY.md",
                path.display()
            );
        }
    }
}

#[test]
fn the_readme_is_short_and_starts_with_install_and_a_quickstart() {
    let readme = read(&root().join("README.md"));
    let lines = readme.lines().count();
    assert!(lines <= 200, "README.md has {lines} lines");
    let headings: Vec<String> = {
        let mut out = Vec::new();
        let mut current: Option<String> = None;
        for event in Parser::new(&readme) {
            match event {
                Event::Start(Tag::Heading {
                    level: HeadingLevel::H2,
                    ..
                }) => current = Some(String::new()),
                Event::Text(t) => {
                    if let Some(c) = current.as_mut() {
                        c.push_str(&t);
                    }
                }
                Event::End(TagEnd::Heading(HeadingLevel::H2)) => {
                    out.extend(current.take());
                }
                _ => {}
            }
        }
        out
    };
    assert!(headings.len() >= 3, "{headings:?}");
    assert!(
        headings[0].to_lowercase().contains("install"),
        "{headings:?}"
    );
    assert!(
        headings[1].to_lowercase().contains("quickstart"),
        "{headings:?}"
    );
}

/// Every row of the statement of work's map (`contract.md`) is true of the
/// code: each rule it names exists (and so has its violating fixture, see
/// `validate::every_rule_has_a_violating_fixture`), each diagnostic code it
/// names is one a rule reports, and each report section it quotes is a
/// label the zh-Hant reports print.
#[test]
fn the_contract_map_names_only_rules_codes_and_sections_that_exist() {
    use dossier::base::diagnostic::Code;
    use dossier::pipeline::validate::RuleId;
    let map = read(&root().join("docs/guide/src/reference/contract.md"));
    let catalogue = read(&root().join("templates/locales/zh-Hant.yaml"));
    let rows: Vec<&str> = map
        .lines()
        .filter(|l| l.starts_with("| ") && l[2..].starts_with(|c: char| c.is_ascii_digit()))
        .collect();
    assert!(rows.len() >= 47, "{} rows", rows.len());
    let mut rules_named = 0;
    for row in &rows {
        let carried = row.rsplit(" | ").next().unwrap_or_default();
        for (i, quoted) in carried.split('`').enumerate() {
            if i % 2 == 0 {
                continue;
            }
            let kebab = quoted.contains('-')
                && quoted.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                && !quoted.starts_with('-');
            if !kebab {
                continue;
            }
            let rule = RuleId::ALL.iter().any(|r| r.id() == quoted);
            let code = Code::ALL.iter().any(|c| c.key() == quoted);
            assert!(
                rule || code,
                "{row}: `{quoted}` is neither a rule nor a code"
            );
            rules_named += usize::from(rule);
        }
        for (i, section) in carried.split('"').enumerate() {
            let cjk = section
                .chars()
                .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
            if i % 2 == 1 && cjk {
                assert!(
                    catalogue.contains(section),
                    "{row}: no report prints \"{section}\""
                );
            }
        }
    }
    assert!(rules_named > 10, "{rules_named} rule names read");
    // Every contract rule is mapped to the obligation it checks; the rules
    // no clause states (the file's own consistency, its versions, its
    // placeholders and images, retests, agreed deviations) are not.
    for rule in RuleId::ALL {
        let named = rows
            .iter()
            .any(|row| row.contains(&format!("rule `{}`", rule.id())));
        let unmapped = [
            "consistency",
            "versions",
            "placeholder",
            "alt-text",
            "retests",
            "deviations",
        ];
        assert!(
            named || unmapped.contains(&rule.id()),
            "no row of contract.md names the rule `{}`",
            rule.id()
        );
    }
}

/// The guide's limits page lists every text field under the limit the
/// check holds it to.
#[test]
fn the_limits_page_lists_every_text_field_with_its_limit() {
    use dossier::pipeline::validate::lengths::FIELDS;
    let page = read(&root().join("docs/guide/src/reference/limits.md"));
    // The lists by limit: bullets with a bold heading.
    let lists: Vec<&str> = page
        .split("\n- ")
        .filter(|b| b.starts_with("**"))
        .map(|b| b.split("\n\n").next().unwrap_or(b))
        .collect();
    for (field, length) in FIELDS {
        let quoted = format!("`{field}`");
        let times: usize = lists.iter().map(|b| b.matches(&quoted).count()).sum();
        assert_eq!(times, 1, "{field} is listed {times} times");
        let entry = lists.iter().find(|b| b.contains(&quoted)).unwrap();
        let heading = entry.split("**").nth(1).unwrap_or_default();
        let limit = length.limit().to_string();
        let shown = match limit.len() {
            0..=3 => limit,
            n => format!("{},{}", &limit[..n - 3], &limit[n - 3..]),
        };
        assert!(
            heading.contains(&format!("at most {shown} characters")),
            "{field} is listed under \"{heading}\", not under its limit of {shown}"
        );
    }
}

/// Each rule's page in the guide is what a diagnostic's link points at
/// (the language server links `rules.md#<rule id>`).
#[test]
fn every_rule_has_a_heading_of_its_id_in_the_rules_page() {
    let page = read(&root().join("docs/guide/src/reference/rules.md"));
    let anchors = anchors(&page);
    for rule in dossier::base::code::RuleId::ALL {
        assert!(
            anchors.contains(rule.id()),
            "no `## `{}`` heading in rules.md",
            rule.id()
        );
    }
}
