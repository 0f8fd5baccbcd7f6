//! One term per thing: no catalogue, template or sample uses a variant its
//! locale's glossary (`docs/glossary/<locale>.yaml`) says to avoid.

use std::path::{Path, PathBuf};

use dossier::base::model::Locale;

use crate::common::root;

#[derive(serde::Deserialize)]
struct Entry {
    #[serde(rename = "use")]
    term: String,
    avoid: Vec<String>,
}

fn glossary(locale: Locale) -> Vec<Entry> {
    let file = root().join(format!("docs/glossary/{}.yaml", locale.key()));
    let text = std::fs::read_to_string(&file).expect("glossary");
    serde_saphyr::from_str(&text).expect("glossary parses")
}

/// The texts written in `locale`: its catalogue, its `init` scaffold and
/// the samples that declare it.
fn texts(locale: Locale) -> Vec<PathBuf> {
    let mut files = vec![
        root().join(format!("templates/locales/{}.yaml", locale.key())),
        root().join(format!("templates/init/{}.yaml", locale.key())),
    ];
    let samples = walk(&root().join("samples"))
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "yaml"))
        .filter(|f| {
            std::fs::read_to_string(f)
                .expect("sample")
                .lines()
                .any(|l| l.trim() == format!("locale: {}", locale.key()))
        });
    files.extend(samples);
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("dir") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Where `variant` occurs in `text` as the glossary means it: anywhere for
/// Chinese, as a whole word for English.
fn occurs(text: &str, variant: &str, whole_word: bool) -> bool {
    text.match_indices(variant).any(|(at, _)| {
        if !whole_word {
            return true;
        }
        let before = text[..at].chars().next_back();
        let after = text[at + variant.len()..].chars().next();
        ![before, after]
            .into_iter()
            .flatten()
            .any(|c| c.is_alphanumeric() || c == '-' || c == '_')
    })
}

fn violations(locale: Locale, files: &[PathBuf]) -> Vec<String> {
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|file| {
            (
                file.strip_prefix(root())
                    .unwrap_or(file)
                    .display()
                    .to_string(),
                std::fs::read_to_string(file).expect("text"),
            )
        })
        .collect();
    violations_in(locale, &texts)
}

/// Each line of the named `texts` that holds a variant `locale` avoids.
fn violations_in(locale: Locale, texts: &[(String, String)]) -> Vec<String> {
    let mut found = Vec::new();
    for entry in glossary(locale) {
        assert!(
            !entry.avoid.contains(&entry.term),
            "{}: {} avoids itself",
            locale,
            entry.term
        );
        for (name, text) in texts {
            for (n, line) in text.lines().enumerate() {
                for variant in &entry.avoid {
                    if occurs(line, variant, locale == Locale::En) {
                        found.push(format!(
                            "{}:{}: “{variant}” (use “{}”): {}",
                            name,
                            n + 1,
                            entry.term,
                            line.trim()
                        ));
                    }
                }
            }
        }
    }
    found
}

#[test]
fn every_text_holds_its_locales_terms() {
    let mut found = Vec::new();
    for locale in Locale::ALL {
        found.extend(violations(*locale, &texts(*locale)));
    }
    assert!(
        found.is_empty(),
        "{} avoided variants:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[test]
fn the_templates_hold_no_avoided_chinese_variant() {
    // The templates are shared by every locale: Chinese in them would be
    // boilerplate the catalogues should carry, and must not be a variant.
    let templates: Vec<PathBuf> = walk(&root().join("templates"))
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "j2" || e == "typ"))
        .collect();
    let mut found = Vec::new();
    for locale in [Locale::ZhHant, Locale::ZhHans] {
        found.extend(violations(locale, &templates));
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// What the customer reads holds its locale's terms too: every page of
/// every sample, as poppler extracts it (the statement of work's own terms,
/// quoted in the plan's terms table and in report titles, are not among
/// the variants a glossary avoids).
#[test]
#[cfg_attr(not(tool_pdftotext), ignore = "needs pdftotext")]
fn every_rendered_page_holds_its_locales_terms() {
    let dir = tempfile::tempdir().expect("temp dir");
    let samples = [
        (Locale::ZhHant, root().join("samples/acme-retail")),
        (Locale::En, root().join("samples/northwind-logistics.yaml")),
        (
            Locale::ZhHans,
            root().join("samples/youxianhui-retail.yaml"),
        ),
    ];
    let mut found = Vec::new();
    for (k, (locale, sample)) in samples.iter().enumerate() {
        let done = crate::common::render(sample, &dir.path().join(k.to_string()));
        let pages: Vec<(String, String)> = done
            .reports
            .iter()
            .map(|r| {
                // Line by line: cells side by side are not one word.
                let text = crate::common::poppler_text(&r.file, &[]);
                (r.file.display().to_string(), text)
            })
            .collect();
        found.extend(violations_in(*locale, &pages));
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
