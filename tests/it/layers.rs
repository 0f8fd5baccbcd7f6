//! The library's layers are its folders: a module may use the modules
//! declared before it in the same parent (`mod` order in `lib.rs` or the
//! folder's `mod.rs`), its ancestors and its own descendants, never a
//! sibling declared after it nor anything inside one. The rule is read from
//! the tree itself, so moving a file moves it between layers, and the
//! declaration order leaves no cycle between siblings (a folder's
//! `mod.rs` and its own files may still use each other). Sizes are held
//! here too: no source file over 550 lines, no function over 80.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::root;

/// One module of the library: its path from the crate root, its file, and
/// its place among its siblings.
#[derive(Debug)]
struct Module {
    path: Vec<String>,
    file: PathBuf,
    rank: usize,
}

/// The `mod NAME;` declarations of a file's text, in order.
fn declared(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let line = line.trim();
            let rest = line
                .strip_prefix("pub mod ")
                .or_else(|| line.strip_prefix("pub(crate) mod "))
                .or_else(|| line.strip_prefix("mod "))?;
            let name = rest.strip_suffix(';')?;
            name.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
                .then(|| name.to_string())
        })
        .collect()
}

/// Every module of the library reachable from `src/lib.rs`.
fn modules() -> Vec<Module> {
    let src = root().join("src");
    let mut out = Vec::new();
    let mut queue = vec![(Vec::new(), src.join("lib.rs"), 0)];
    while let Some((path, file, rank)) = queue.pop() {
        let text = read(&file);
        let dir = if file.ends_with("lib.rs") || file.ends_with("mod.rs") {
            file.parent().expect("a folder").to_path_buf()
        } else {
            file.with_extension("")
        };
        for (i, name) in declared(&text).into_iter().enumerate() {
            let flat = dir.join(format!("{name}.rs"));
            let child = if flat.exists() {
                flat
            } else {
                dir.join(&name).join("mod.rs")
            };
            assert!(child.exists(), "{} declares `{name}`", file.display());
            let mut child_path = path.clone();
            child_path.push(name);
            queue.push((child_path, child, i));
        }
        out.push(Module { path, file, rank });
    }
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The module paths `text`, the source of module `own`, refers to through
/// `crate::` or `super::` (groups such as `crate::{a::B, c}` expanded),
/// each cut to the longest path that is a module.
fn references(
    text: &str,
    own: &[String],
    known: &BTreeMap<Vec<String>, usize>,
) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for start in ["crate::", "super::"] {
        for (at, _) in text.match_indices(start) {
            let before = text[..at].chars().last();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let mut base: Vec<String> = match start {
                "crate::" => Vec::new(),
                _ => own[..own.len().saturating_sub(1)].to_vec(),
            };
            let mut rest = &text[at + start.len()..];
            while let Some(more) = rest.strip_prefix("super::") {
                base.pop();
                rest = more;
            }
            let mut paths = Vec::new();
            expand(rest, base, &mut paths);
            for mut path in paths {
                while !path.is_empty() && !known.contains_key(&path) {
                    path.pop();
                }
                found.push(path);
            }
        }
    }
    found
}

/// The paths `rest` (what follows `crate::` or `super::`) names after
/// `base`: one for a plain path, one per item of a `{…}` group.
fn expand(mut rest: &str, mut base: Vec<String>, out: &mut Vec<Vec<String>>) {
    loop {
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 1;
            let end = group
                .char_indices()
                .find(|(_, c)| {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(group.len(), |(i, _)| i);
            let (mut depth, mut from) = (0, 0);
            let body = &group[..end];
            for (i, c) in body
                .char_indices()
                .chain(std::iter::once((body.len(), ',')))
            {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(body[from..i].trim(), base.clone(), out);
                        from = i + 1;
                    }
                    _ => {}
                }
            }
            return;
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            break;
        }
        rest = &rest[name.len()..];
        base.push(name);
        match rest.strip_prefix("::") {
            Some(more) => rest = more,
            None => break,
        }
    }
    out.push(base);
}

#[test]
fn no_module_uses_a_sibling_declared_after_it() {
    let modules = modules();
    let rank: BTreeMap<Vec<String>, usize> =
        modules.iter().map(|m| (m.path.clone(), m.rank)).collect();
    assert!(rank.len() > 40, "the tree has its modules: {rank:?}");
    let mut wrong = Vec::new();
    let mut seen = 0;
    for module in &modules {
        let text = read(&module.file);
        for target in references(&text, &module.path, &rank) {
            seen += 1;
            let own = &module.path;
            let shared = own.iter().zip(&target).take_while(|(a, b)| a == b).count();
            if shared == own.len() || shared == target.len() {
                continue;
            }
            let (mine, theirs) = (&own[..=shared], &target[..=shared]);
            if rank[theirs] >= rank[mine] {
                wrong.push(format!(
                    "{} uses crate::{}, declared after {} in its folder",
                    module
                        .file
                        .strip_prefix(root())
                        .unwrap_or(&module.file)
                        .display(),
                    target.join("::"),
                    mine.join("::"),
                ));
            }
        }
    }
    assert!(seen > 300, "the check sees the references ({seen})");
    assert!(wrong.is_empty(), "uses that go sideways or up: {wrong:#?}");
}

#[test]
fn groups_of_a_use_are_read_item_by_item() {
    let mut out = Vec::new();
    expand("{a::{B, c::D}, e}; x", vec!["p".to_string()], &mut out);
    let joined: Vec<String> = out.iter().map(|p| p.join("::")).collect();
    assert_eq!(joined, ["p::a::B", "p::a::c::D", "p::e"]);
}

#[test]
fn the_stages_stand_in_pipeline_order() {
    let modules = modules();
    let stages: Vec<&str> = {
        let mut pipeline: Vec<&Module> = modules
            .iter()
            .filter(|m| m.path.len() == 2 && m.path[0] == "pipeline")
            .collect();
        pipeline.sort_by_key(|m| m.rank);
        pipeline.iter().map(|m| m.path[1].as_str()).collect()
    };
    let order = ["load", "validate", "fill", "typeset", "sign", "deliver"];
    let positions: Vec<usize> = order
        .iter()
        .map(|s| {
            stages
                .iter()
                .position(|t| t == s)
                .unwrap_or_else(|| panic!("no stage `{s}` in {stages:?}"))
        })
        .collect();
    assert!(positions.is_sorted(), "{stages:?}");
}

/// Every Rust file under `src/`, library and binary.
fn sources() -> Vec<PathBuf> {
    walkdir::WalkDir::new(root().join("src"))
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.expect("walk src").into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect()
}

#[test]
fn no_source_file_is_over_550_lines() {
    let long: Vec<String> = sources()
        .iter()
        .map(|p| (p, read(p).lines().count()))
        .filter(|(_, n)| *n > 550)
        .map(|(p, n)| format!("{}: {n} lines", p.display()))
        .collect();
    assert!(long.is_empty(), "{long:#?}");
}

/// The functions of `text` with their first line and length in lines,
/// found by their braces (strings, characters and comments skipped).
fn functions(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(at) = words.iter().position(|w| *w == "fn") else {
            continue;
        };
        if !words[..at].iter().all(|w| {
            [
                "pub",
                "pub(crate)",
                "pub(super)",
                "const",
                "async",
                "unsafe",
            ]
            .contains(w)
        }) {
            continue;
        }
        let name = words
            .get(at + 1)
            .map_or("", |w| w.split(['(', '<']).next().unwrap_or(w));
        let (mut depth, mut opened) = (0i32, false);
        for (j, line) in lines[i..].iter().enumerate() {
            for c in code_of(line).chars() {
                match c {
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
            }
            if !opened && code_of(line).trim_end().ends_with(';') {
                break;
            }
            if opened && depth == 0 {
                out.push((name.to_string(), i + 1, j + 1));
                break;
            }
        }
    }
    out
}

/// A line without its strings, characters and comment.
fn code_of(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                while let Some(d) = chars.next() {
                    match d {
                        '\\' => {
                            chars.next();
                        }
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '\'' => {
                // A character literal, or a lifetime (left as it is).
                let rest: String = chars.clone().take(3).collect();
                if rest.starts_with('\\') || rest.chars().nth(1) == Some('\'') {
                    while let Some(d) = chars.next() {
                        if d == '\\' {
                            chars.next();
                        } else if d == '\'' {
                            break;
                        }
                    }
                }
            }
            '/' if chars.peek() == Some(&'/') => break,
            _ => out.push(c),
        }
    }
    out
}

#[test]
fn no_function_is_over_80_lines() {
    let mut long = Vec::new();
    let mut counted = 0;
    for path in sources() {
        for (name, line, n) in functions(&read(&path)) {
            counted += 1;
            if n > 80 {
                long.push(format!("{}:{line}: {name} is {n} lines", path.display()));
            }
        }
    }
    assert!(counted > 500, "the count sees the functions ({counted})");
    assert!(long.is_empty(), "{long:#?}");
}

#[test]
fn functions_are_measured_by_their_braces() {
    let text = "fn a() {\n    let s = \"}\";\n    let c = '{';\n    // }\n}\npub(crate) fn b<T>(x: T) -> T {\n    x\n}\n";
    assert_eq!(
        functions(text),
        [("a".to_string(), 1, 5), ("b".to_string(), 6, 3)]
    );
}
