//! The layering ARCHITECTURE.md states holds in the code: no module imports
//! one on its own line or below, and no two files of a module refer to each
//! other.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::root;

/// The layers as ARCHITECTURE.md lists them, lowest first: each module's
/// line number.
fn layers() -> BTreeMap<String, usize> {
    let doc = std::fs::read_to_string(root().join("ARCHITECTURE.md")).expect("ARCHITECTURE.md");
    let section = doc.split("## Layers").nth(1).expect("a Layers section");
    let block = section
        .split("```text\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("the layer list");
    let mut rank = BTreeMap::new();
    for (i, line) in block.lines().enumerate() {
        for module in line.split_whitespace() {
            assert!(
                rank.insert(module.to_string(), i).is_none(),
                "{module} is listed twice"
            );
        }
    }
    rank
}

/// Every Rust file of the library, with the module it belongs to and, for
/// files inside a module's folder, its own name there.
fn library_files() -> Vec<(String, Option<String>, String)> {
    let src = root().join("src");
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.expect("walk src");
        let path = entry.path();
        if path.extension().and_then(|x| x.to_str()) != Some("rs") {
            continue;
        }
        let relative = path.strip_prefix(&src).expect("inside src");
        let parts: Vec<String> = relative
            .iter()
            .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
            .collect();
        let module = parts[0].clone();
        if ["main", "cli", "lib"].contains(&module.as_str()) {
            continue;
        }
        let file = (parts.len() > 1)
            .then(|| parts[1].clone())
            .filter(|f| f != "mod");
        out.push((module, file, read(path)));
    }
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read source")
}

/// The top-level modules `text` refers to through `crate::`.
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let name: String = text[at + "crate::".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            found.insert(name);
        }
    }
    // `use crate::{a, b}` lists several.
    for (at, _) in text.match_indices("crate::{") {
        let rest = &text[at + "crate::{".len()..];
        let inner = rest.split('}').next().unwrap_or_default();
        for item in inner.split(',') {
            let name: String = item
                .trim()
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

#[test]
fn no_module_imports_one_above_it() {
    let rank = layers();
    let mut wrong = Vec::new();
    for (module, file, text) in library_files() {
        let own = *rank
            .get(&module)
            .unwrap_or_else(|| panic!("{module} is not in ARCHITECTURE.md's layers"));
        for used in crate_paths(&text) {
            if used == module {
                continue;
            }
            let Some(theirs) = rank.get(&used) else {
                continue;
            };
            if *theirs >= own {
                wrong.push(format!(
                    "{module}{} imports {used}",
                    file.as_deref().map(|f| format!("/{f}")).unwrap_or_default()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that go up or sideways: {wrong:#?}"
    );
}

#[test]
fn no_two_files_of_a_module_refer_to_each_other() {
    let files = library_files();
    let mut edges = BTreeSet::new();
    for (module, file, text) in &files {
        let Some(file) = file else { continue };
        for (other_module, other, _) in &files {
            let Some(other) = other else { continue };
            if other_module != module || other == file {
                continue;
            }
            let named = [
                format!("super::{other}"),
                format!("crate::{module}::{other}"),
            ];
            if named.iter().any(|n| text.contains(n.as_str())) {
                edges.insert((format!("{module}/{file}"), format!("{module}/{other}")));
            }
        }
    }
    let cycles: Vec<_> = edges
        .iter()
        .filter(|(a, b)| edges.contains(&(b.clone(), a.clone())))
        .collect();
    assert!(
        cycles.is_empty(),
        "files that refer to each other: {cycles:?}"
    );
    // The check sees references at all (the context uses the charts).
    assert!(
        edges.contains(&("fill/context".to_string(), "fill/charts".to_string())),
        "{edges:?}"
    );
}
