//! Label catalogues: one per locale, the only source of report wording.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde_json::Value;

use crate::base::model::Locale;

/// The labels and boilerplate of one locale, as a tree of strings.
#[derive(Debug, Clone)]
pub struct Catalogue {
    locale: Locale,
    /// The file it was read from, for messages.
    name: String,
    tree: Value,
}

/// Why a catalogue cannot be used.
#[derive(Debug, Clone, thiserror::Error)]
pub enum CatalogueError {
    /// The catalogue is not valid YAML or not a mapping.
    #[error("locale catalogue `{name}`: {message}")]
    Invalid {
        /// The catalogue's template name.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// A catalogue from the template directory lacks labels the built-in
    /// one has.
    #[error("locale catalogue `{name}` lacks the labels {}", missing.join(", "))]
    Incomplete {
        /// The catalogue's file.
        name: String,
        /// The dotted paths of the missing labels.
        missing: Vec<String>,
    },
    /// A label the program needs is missing.
    #[error("locale catalogue for `{locale}` has no label `{path}`")]
    Missing {
        /// The locale.
        locale: Locale,
        /// The dotted path of the label.
        path: String,
    },
}

impl Catalogue {
    /// Parses a catalogue from its YAML text.
    pub fn parse(locale: Locale, name: &str, text: &str) -> Result<Self, CatalogueError> {
        let options = serde_saphyr::options! { strict_booleans: true };
        let tree: Value = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
            CatalogueError::Invalid {
                name: name.to_string(),
                message: e.to_string(),
            }
        })?;
        if !tree.is_object() {
            return Err(CatalogueError::Invalid {
                name: name.to_string(),
                message: "expected a mapping of labels".into(),
            });
        }
        Ok(Self {
            locale,
            name: name.to_string(),
            tree,
        })
    }

    /// The template name of the catalogue for `locale`.
    pub fn template_name(locale: Locale) -> String {
        format!("locales/{}.yaml", locale.key())
    }

    /// The locale this catalogue is for.
    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// The whole tree, as templates see it.
    pub fn tree(&self) -> &Value {
        &self.tree
    }

    /// The label at a dotted path such as `severities.high`; of a label
    /// with plural forms, the `other` form.
    pub fn get(&self, path: &str) -> Result<&str, CatalogueError> {
        path.split('.')
            .try_fold(&self.tree, |node, key| node.get(key))
            .and_then(|node| plural_form(node, 0))
            .ok_or_else(|| CatalogueError::Missing {
                locale: self.locale,
                path: path.to_string(),
            })
    }

    /// The label at `path` in its form for a count of `n`, unfilled.
    pub fn form(&self, path: &str, n: i64) -> Result<&str, CatalogueError> {
        path.split('.')
            .try_fold(&self.tree, |node, key| node.get(key))
            .and_then(|node| plural_form(node, n))
            .ok_or_else(|| CatalogueError::Missing {
                locale: self.locale,
                path: path.to_string(),
            })
    }

    /// The label at `path` for a count of `n`: the label itself, or, where
    /// the catalogue gives plural forms (`{ one: …, other: … }`), the form
    /// the locale uses for `n`, with `{n}` filled.
    pub fn count(&self, path: &str, n: usize) -> Result<String, CatalogueError> {
        Ok(fill(self.form(path, n as i64)?, &[("n", &n.to_string())]))
    }

    /// A clause reference of the statement of work, e.g. `§4.1 二`, as the
    /// locale writes it: Chinese keeps the statement's numerals, English
    /// reads them as item numbers (`§4.1 item 2`).
    pub fn clause(&self, clause: &str) -> String {
        if self.locale != Locale::En {
            // Chinese lists with the enumeration comma: §3、§3.1.2、§7 二.
            return clause.replace(", ", "、");
        }
        const NUMERALS: [char; 10] = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
        let mut out = String::new();
        for c in clause.chars() {
            match NUMERALS.iter().position(|n| *n == c) {
                Some(k) => out.push_str(&format!("item {}", k + 1)),
                None => out.push(c),
            }
        }
        out
    }

    /// The rows of a table the catalogue holds as a list of lists of
    /// `width` labels each, e.g. `contract_terms.wording`.
    pub fn rows(&self, path: &str, width: usize) -> Result<Vec<Vec<&str>>, CatalogueError> {
        let node = path
            .split('.')
            .try_fold(&self.tree, |node, key| node.get(key))
            .ok_or_else(|| CatalogueError::Missing {
                locale: self.locale,
                path: path.to_string(),
            })?;
        let invalid = || CatalogueError::Invalid {
            name: self.name.clone(),
            message: format!("`{path}` must be a list of rows of {width} labels"),
        };
        node.as_array()
            .ok_or_else(invalid)?
            .iter()
            .map(|row| {
                row.as_array()
                    .filter(|cells| cells.len() == width)
                    .ok_or_else(invalid)?
                    .iter()
                    .map(|cell| cell.as_str().ok_or_else(invalid))
                    .collect()
            })
            .collect()
    }

    /// The label of `key` in the group `group`, e.g. `("severities", "high")`.
    pub fn key(&self, group: &str, key: &str) -> Result<&str, CatalogueError> {
        self.get(&format!("{group}.{key}"))
    }

    /// A date written the locale's way, e.g. `2026年11月25日` or `25 November 2026`.
    pub fn date(&self, date: NaiveDate) -> Result<String, CatalogueError> {
        self.format_date("locale.date", date)
    }

    /// A date in the short form of chart axes, e.g. `11/25` or `25 Nov`.
    pub(crate) fn short_date(&self, date: NaiveDate) -> Result<String, CatalogueError> {
        self.format_date("locale.short_date", date)
    }

    fn format_date(&self, key: &str, date: NaiveDate) -> Result<String, CatalogueError> {
        use std::fmt::Write;
        let pattern = self.get(key)?;
        let mut out = String::new();
        write!(out, "{}", date.format(pattern)).map_err(|_| CatalogueError::Invalid {
            name: Self::template_name(self.locale),
            message: format!("`{key}` is not a valid date pattern: {pattern}"),
        })?;
        Ok(out)
    }

    /// Checks that this catalogue has every label of `reference` and that
    /// its date patterns are valid: after this, no lookup the templates or
    /// the program make can fail.
    pub(crate) fn check_against(&self, reference: &Catalogue) -> Result<(), CatalogueError> {
        let missing: Vec<String> = reference
            .paths()
            .difference(&self.paths())
            .cloned()
            .collect();
        if !missing.is_empty() {
            return Err(CatalogueError::Incomplete {
                name: self.name.clone(),
                missing,
            });
        }
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
        self.date(day)?;
        self.short_date(day)?;
        self.rows("contract_terms.wording", 3)?;
        Ok(())
    }

    /// Every dotted path of a string leaf, for comparing catalogues.
    pub fn paths(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        collect_paths(&self.tree, String::new(), &mut out);
        out
    }
}

/// The plural categories a label may have (CLDR's names).
const PLURAL_FORMS: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

/// The plural category of `n`: `one` for 1, else `other`. That is English's
/// rule; Chinese labels have no forms, so it is never asked of them.
pub(crate) fn plural_category(n: i64) -> &'static str {
    if n == 1 { "one" } else { "other" }
}

/// The form of the label `node` for a count of `n`: the label itself, or,
/// for a label with plural forms, the form of `n`'s category (else `other`).
pub(crate) fn plural_form(node: &Value, n: i64) -> Option<&str> {
    if is_plural(node) {
        node.get(plural_category(n))
            .or_else(|| node.get("other"))
            .and_then(Value::as_str)
    } else {
        node.as_str()
    }
}

/// Whether `node` is a label with plural forms: a mapping of CLDR plural
/// categories, `other` among them.
fn is_plural(node: &Value) -> bool {
    node.as_object().is_some_and(|map| {
        map.contains_key("other") && map.keys().all(|k| PLURAL_FORMS.contains(&k.as_str()))
    })
}

fn collect_paths(node: &Value, prefix: String, out: &mut BTreeSet<String>) {
    match node {
        Value::Object(map) if !is_plural(node) => {
            for (key, child) in map {
                let path = if prefix.is_empty() {
                    key.clone()
                } else {
                    format!("{prefix}.{key}")
                };
                collect_paths(child, path, out);
            }
        }
        _ => {
            out.insert(prefix);
        }
    }
}

/// A decimal number with its thousands grouped by commas, as reports in
/// every locale print figures: `7180` becomes `7,180`, `12500.5` becomes
/// `12,500.5`; anything that is not a plain decimal is returned as given.
pub fn grouped(number: &str) -> String {
    let (sign, rest) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let (whole, fraction) = match rest.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (rest, None),
    };
    let plain = !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit()));
    if !plain || whole.len() < 4 {
        return number.to_string();
    }
    let mut out = String::from(sign);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// The marks that end a sentence, Latin and full-width.
const SENTENCE_ENDS: [char; 6] = ['.', '。', '!', '！', '?', '？'];

/// Replaces each `{name}` in `pattern` with its value. A value that ends
/// its own sentence takes the place of the pattern's full stop ("… Ltd."
/// ends a sentence once, not as "Ltd..", nor a Chinese reason as "。。").
pub fn fill(pattern: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(pattern.to_string(), |text, (name, value)| {
            // A value that ends its own sentence takes the place of the
            // pattern's full stop, in either script: no `。。` or `..`.
            let text = if value.ends_with(SENTENCE_ENDS) {
                [".", "。"].iter().fold(text, |text, stop| {
                    text.replace(&format!("{{{name}}}{stop}"), value)
                })
            } else {
                text
            };
            text.replace(&format!("{{{name}}}"), value)
        })
}
