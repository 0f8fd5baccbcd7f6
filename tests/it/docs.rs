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
