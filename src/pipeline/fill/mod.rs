//! Templates → Typst source: minijinja with Typst-aware escaping.
//!
//! Every `{{ value }}` in a `*.typ.j2` template is escaped as Typst markup
//! unless the value was produced by this program as markup (the `markdown`
//! filter). Values placed in Typst code go through the `typ` filter, which
//! writes them as Typst literals. Undefined variables are errors.

pub mod charts;
mod context;
pub mod escape;
pub mod markdown;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use minijinja::value::{Kwargs, ValueKind};
use minijinja::{
    AutoEscape, Environment, Error as JinjaError, ErrorKind, State, UndefinedBehavior, Value,
};

pub use context::{
    Certified, DeliveredReport, EngagementContext, SourceFile, build as build_context,
};

use chrono::NaiveDate;

use crate::base::locale::{Catalogue, CatalogueError};
use crate::base::model::Locale;
use crate::base::report::ReportKey;
use crate::base::templates;
use crate::pipeline::validate::{Checked, Validation};

/// The name under which the style module is imported by the reports.
pub(crate) const STYLE_MODULE: &str = "style.typ";

/// The Typst modules the style module imports, each a template file of its
/// own so that it can be replaced alone (`--templates DIR`).
pub(crate) const STYLE_IMPORTS: &[&str] = &[THEME_MODULE, "cover.typ"];

/// The module holding the reports' colours.
pub(crate) const THEME_MODULE: &str = "theme.typ";

/// The provider's brand as the theme reads it: `{"accent": "#rrggbb"}`, or
/// `{"accent": null}` for the built-in look.
pub(crate) const BRAND_DATA: &str = "brand.json";

/// The template of Jinja macros the reports import.
const MACROS: &str = "macros.typ.j2";

/// How much work one template render may do before it is stopped.
const FUEL: u64 = 50_000_000;

/// Where templates come from: a user directory first, then the built-ins.
#[derive(Debug, Clone, Default)]
pub struct TemplateOptions {
    /// A directory whose files replace the built-in ones of the same name.
    pub dir: Option<PathBuf>,
}

/// Why a report's Typst source could not be produced.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FillError {
    /// A template failed to parse or render.
    #[error("template {name}{line}: {message}", line = line.map(|l| format!(":{l}")).unwrap_or_default())]
    Template {
        /// The template's name.
        name: String,
        /// The line in the template, when known.
        line: Option<usize>,
        /// What went wrong.
        message: String,
    },
    /// A label catalogue is broken.
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    /// A template file could not be read.
    #[error("cannot read template {path}: {message}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// What every report of one engagement is filled from: its labels, its
/// template context, and the style modules its reports import.
pub struct Fill {
    /// The labels of the engagement's locale.
    pub catalogue: Catalogue,
    /// What the templates see, shared by the five reports.
    pub context: EngagementContext,
    /// The style module's text.
    pub style: String,
    /// The modules the style imports, and the brand data the theme reads:
    /// name and text.
    pub modules: Vec<(&'static str, String)>,
    /// The template files in use, each with its SHA-256.
    pub templates: BTreeMap<String, String>,
}

/// One report's generated Typst source.
#[derive(Debug, Clone)]
pub struct Filled {
    /// Which report.
    pub key: ReportKey,
    /// The Typst source.
    pub source: String,
    /// Whether it passed its rules.
    pub is_final: bool,
}

/// The template engine, set up once and shared by every render.
pub struct Filler {
    env: Environment<'static>,
    options: TemplateOptions,
}

impl Filler {
    /// Sets up the engine with the built-in templates, overridden per file by
    /// `options.dir`.
    pub fn new(options: TemplateOptions) -> Self {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_fuel(Some(FUEL));
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".typ.j2") {
                AutoEscape::Custom("typst".into())
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(format_value);
        env.add_filter("typ", typ_filter);
        env.add_filter("exact", exact_filter);
        env.add_filter("markdown", markdown_filter);
        env.add_filter("fill", fill_filter);
        env.add_filter("plural", plural_filter);
        env.add_filter("join_labels", join_labels_filter);
        let dir = options.dir.clone();
        env.set_loader(move |name| match read_template(dir.as_deref(), name) {
            Ok(text) => Ok(text),
            Err(err) => Err(JinjaError::new(
                ErrorKind::TemplateNotFound,
                err.to_string(),
            )),
        });
        Self { env, options }
    }

    /// The template files a report of `locale` is made from (every report
    /// template, the style and its modules, the locale's catalogue), each
    /// with the SHA-256 of the text in use: the user directory's or the
    /// built-in one.
    pub fn in_use(&self, locale: Locale) -> BTreeMap<String, String> {
        let catalogue = Catalogue::template_name(locale);
        templates::BUILTIN
            .iter()
            .map(|(name, _)| *name)
            .filter(|name| !name.starts_with("locales/") || *name == catalogue)
            .filter_map(|name| {
                let text = read_template(self.options.dir.as_deref(), name).ok()??;
                Some((
                    name.to_string(),
                    crate::base::digest::sha256_hex(text.as_bytes()),
                ))
            })
            .collect()
    }

    /// The text of a template file, from the user directory or built in.
    pub fn source(&self, name: &str) -> Result<String, FillError> {
        read_template(self.options.dir.as_deref(), name)?.ok_or_else(|| FillError::Read {
            path: PathBuf::from(name),
            message: "no such template".into(),
        })
    }

    /// The label catalogue of `locale`, checked once: a catalogue from the
    /// template directory must have every label the built-in one has, so
    /// that no render stops half-way for a missing label.
    pub fn catalogue(&self, locale: Locale) -> Result<Catalogue, FillError> {
        let name = Catalogue::template_name(locale);
        let text = self.source(&name)?;
        let catalogue = Catalogue::parse(locale, &self.origin(&name), &text)?;
        if let Some(builtin) = templates::builtin(&name)
            && builtin != text
        {
            catalogue.check_against(&Catalogue::parse(locale, &name, builtin)?)?;
        }
        Ok(catalogue)
    }

    /// Prepares the filling of `checked`'s reports, dated `date`.
    pub(crate) fn prepare(&self, checked: &Checked, date: NaiveDate) -> Result<Fill, FillError> {
        let engagement = &checked.loaded.engagement;
        let catalogue = self.catalogue(engagement.locale.value)?;
        let mut context = context::build(engagement, &catalogue, date, checked.since.as_ref())?;
        context.set_unavailable(checked.unavailable_images());
        let style = self.source(STYLE_MODULE)?;
        let mut modules = STYLE_IMPORTS
            .iter()
            .map(|name| Ok((*name, self.source(name)?)))
            .collect::<Result<Vec<_>, FillError>>()?;
        // The provider's brand is data the theme reads, never Typst code.
        let brand = serde_json::json!({ "accent": checked.accent });
        modules.push((BRAND_DATA, brand.to_string()));
        Ok(Fill {
            templates: self.in_use(catalogue.locale()),
            catalogue,
            context,
            style,
            modules,
        })
    }

    /// Fills the template of `key`: a draft with its gaps unless
    /// `validation` lets it be final. `certified` holds what only the
    /// acceptance report shows: the reports it certifies, the files it
    /// carries.
    pub fn report(
        &self,
        fill: &Fill,
        key: ReportKey,
        validation: &Validation,
        certified: &Certified,
    ) -> Result<Filled, FillError> {
        let gaps = validation.gaps(key);
        let context = fill
            .context
            .for_report(key, &fill.catalogue, &gaps, certified)?;
        Ok(Filled {
            key,
            source: self.fill(key, &context)?,
            is_final: validation.is_final(key),
        })
    }

    /// How a template file is named to the user: its path when it comes
    /// from the template directory, its name when built in.
    pub(crate) fn origin(&self, name: &str) -> String {
        match &self.options.dir {
            Some(dir) if dir.join(name).is_file() => dir.join(name).display().to_string(),
            _ => name.to_string(),
        }
    }

    /// The template file and line that produced `generated`, a line of
    /// the Typst source filled from `template`: the template line whose
    /// literal text it holds, in the report's template first, then in the
    /// shared macros.
    pub(crate) fn trace(&self, template: &str, generated: &str) -> Option<(String, usize)> {
        [template, MACROS].iter().find_map(|name| {
            let text = self.source(name).ok()?;
            Some((name.to_string(), template_line(&text, generated)?))
        })
    }

    /// A Jinja error, named by the file the user can open.
    fn template_error(&self, name: &str, err: &JinjaError) -> FillError {
        let mut message = err
            .detail()
            .map(str::to_string)
            .unwrap_or_else(|| err.kind().to_string());
        let mut source = std::error::Error::source(err);
        while let Some(inner) = source {
            message.push_str(&format!(": {inner}"));
            source = inner.source();
        }
        FillError::Template {
            name: self.origin(err.name().unwrap_or(name)),
            line: err.line(),
            message,
        }
    }

    /// Renders the template of `report` with `context` into Typst source.
    pub fn fill(&self, report: ReportKey, context: &Value) -> Result<String, FillError> {
        let name = report.template();
        let template = self
            .env
            .get_template(&name)
            .map_err(|e| self.template_error(&name, &e))?;
        template
            .render(context)
            .map_err(|e| self.template_error(&name, &e))
    }
}

fn read_template(dir: Option<&Path>, name: &str) -> Result<Option<String>, FillError> {
    if let Some(dir) = dir {
        let path = dir.join(name);
        if path.is_file() {
            return std::fs::read_to_string(&path)
                .map(Some)
                .map_err(|e| FillError::Read {
                    path,
                    message: e.to_string(),
                });
        }
    }
    Ok(templates::builtin(name).map(str::to_string))
}

/// The line of `template` (from 1) that most likely produced `generated`:
/// the one whose literal pieces (the text outside `{{ }}`, `{% %}` and
/// `{# #}`) all occur in `generated`, in order, with the most such text.
fn template_line(template: &str, generated: &str) -> Option<usize> {
    let generated = generated.trim();
    template
        .lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let pieces = literal_pieces(line);
            let size: usize = pieces.iter().map(|p| p.len()).sum();
            let mut rest = generated;
            for piece in &pieces {
                let at = rest.find(piece.as_str())?;
                rest = &rest[at + piece.len()..];
            }
            (size >= 3).then_some((size, i + 1))
        })
        .max_by_key(|(size, line)| (*size, std::cmp::Reverse(*line)))
        .map(|(_, line)| line)
}

/// The text of a template line outside Jinja tags, in pieces, trimmed.
fn literal_pieces(line: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut rest = line;
    loop {
        let next = ["{{", "{%", "{#"]
            .iter()
            .filter_map(|open| rest.find(open).map(|at| (at, *open)))
            .min();
        let Some((at, open)) = next else {
            pieces.push(rest.trim().to_string());
            break;
        };
        pieces.push(rest[..at].trim().to_string());
        let close = match open {
            "{{" => "}}",
            "{%" => "%}",
            _ => "#}",
        };
        match rest[at..].find(close) {
            Some(end) => rest = &rest[at + end + close.len()..],
            None => break,
        }
    }
    pieces.retain(|p| !p.is_empty());
    pieces
}

/// Writes a value into a template's output: escaped as Typst markup, unless
/// it is markup this program produced.
fn format_value(
    out: &mut minijinja::Output,
    state: &mut State,
    value: &Value,
) -> Result<(), JinjaError> {
    let escape = matches!(state.auto_escape(), AutoEscape::Custom(name) if name == "typst");
    if !escape || value.is_safe() {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = match value.kind() {
        ValueKind::None => String::new(),
        ValueKind::Seq | ValueKind::Map | ValueKind::Iterable | ValueKind::Plain => {
            return Err(JinjaError::new(
                ErrorKind::InvalidOperation,
                "a list or mapping cannot be printed as text; pass it through `typ`",
            ));
        }
        _ => value.to_string(),
    };
    out.write_str(&escape::markup(&text))
        .map_err(|_| JinjaError::new(ErrorKind::WriteFailure, "write failed"))
}

/// `value|typ`: the value as a Typst literal (string, number, array,
/// dictionary, or `[markup]` for program-made markup). Strings are meant to
/// be shown: a long run in them carries invisible break opportunities
/// ([`escape::breakable`]), which `unbroken` in `style.typ` takes out where a
/// string is used as a value.
fn typ_filter(value: &Value) -> Result<Value, JinjaError> {
    let mut out = String::new();
    write_literal(&mut out, value, false)?;
    Ok(Value::from_safe_string(out))
}

/// `value|exact`: a string Typst uses as a value (a file path, a digest),
/// as a literal exactly as written.
fn exact_filter(value: &Value) -> Result<Value, JinjaError> {
    let mut out = String::new();
    write_literal(&mut out, value, true)?;
    Ok(Value::from_safe_string(out))
}

/// The context's keys whose values Typst uses as values (file paths to
/// read, digests to split): they are written exactly, without break
/// opportunities.
const EXACT_KEYS: [&str; 4] = ["alt", "logo", "sha256", "src"];

fn write_literal(out: &mut String, value: &Value, exact: bool) -> Result<(), JinjaError> {
    match value.kind() {
        ValueKind::Undefined | ValueKind::None => out.push_str("none"),
        ValueKind::Bool => out.push_str(if value.is_true() { "true" } else { "false" }),
        ValueKind::Number => {
            if let Some(i) = value.as_i64() {
                out.push_str(&i.to_string());
            } else {
                let f = f64::try_from(value.clone()).unwrap_or(f64::NAN);
                if f.is_finite() {
                    out.push_str(&format!("{f:?}"));
                } else {
                    out.push_str("none");
                }
            }
        }
        ValueKind::String if value.is_safe() => {
            out.push('[');
            out.push_str(value.as_str().unwrap_or_default());
            out.push(']');
        }
        ValueKind::Map => {
            out.push('(');
            let mut empty = true;
            for key in value.try_iter()? {
                empty = false;
                let name = key.to_string();
                out.push_str(&escape::string(&name));
                out.push_str(": ");
                write_literal(
                    out,
                    &value.get_item(&key)?,
                    EXACT_KEYS.contains(&name.as_str()),
                )?;
                out.push_str(", ");
            }
            if empty {
                out.push(':');
            }
            out.push(')');
        }
        ValueKind::Seq | ValueKind::Iterable => {
            out.push('(');
            for item in value.try_iter()? {
                write_literal(out, &item, false)?;
                out.push_str(", ");
            }
            out.push(')');
        }
        _ if exact => out.push_str(&escape::string(&value.to_string())),
        _ => out.push_str(&escape::shown_string(&value.to_string())),
    }
    Ok(())
}

/// `text|markdown(depth)`: Markdown converted to escaped Typst markup.
/// Images become figures when their path is among the context's checked
/// `images`; any other stays text.
fn markdown_filter(state: &minijinja::State, value: &Value, depth: Option<u8>) -> Value {
    let text = if value.is_none() || value.is_undefined() {
        String::new()
    } else {
        value.to_string()
    };
    let images: std::collections::BTreeSet<String> = state
        .lookup("images")
        .and_then(|v| {
            v.try_iter()
                .ok()
                .map(|it| it.map(|i| i.to_string()).collect())
        })
        .unwrap_or_default();
    // The images that cannot be used, and what their placeholder says.
    let meta = state.lookup("meta");
    let unavailable: std::collections::BTreeSet<String> = meta
        .as_ref()
        .and_then(|m| m.get_attr("unavailable").ok())
        .and_then(|v| {
            v.try_iter()
                .ok()
                .map(|it| it.map(|i| i.to_string()).collect())
        })
        .unwrap_or_default();
    let label = meta
        .as_ref()
        .and_then(|m| m.get_attr("labels").ok())
        .and_then(|l| l.get_attr("image_unavailable").ok())
        .map(|l| l.to_string())
        .unwrap_or_default();
    let images = markdown::Images {
        checked: &images,
        unavailable: &unavailable,
        label: &label,
    };
    Value::from_safe_string(markdown::to_typst_with(&text, depth.unwrap_or(0), images))
}

/// `pattern|fill(name=value, …)`: replaces each `{name}` in a catalogue text.
fn fill_filter(pattern: &str, kwargs: Kwargs) -> Result<String, JinjaError> {
    let mut text = pattern.to_string();
    for name in kwargs.args() {
        let value: Value = kwargs.get(name)?;
        text = crate::base::locale::fill(&text, &[(name, &value.to_string())]);
    }
    kwargs.assert_all_used()?;
    Ok(text)
}

/// `label|plural(n)`: the form of a catalogue label for a count of `n`
/// (see [`crate::base::locale::plural_form`]); a label without forms as it is.
fn plural_filter(label: &Value, n: i64) -> Result<Value, JinjaError> {
    if label.kind() != minijinja::value::ValueKind::Map {
        return Ok(label.clone());
    }
    let form = label.get_attr(crate::base::locale::plural_category(n))?;
    if form.is_undefined() {
        label.get_attr("other")
    } else {
        Ok(form)
    }
}

/// `items|join_labels(sep)`: joins the `label` of each item.
fn join_labels_filter(items: &Value, sep: &str) -> Result<String, JinjaError> {
    let mut labels = Vec::new();
    for item in items.try_iter()? {
        let label = item.get_attr("label")?;
        labels.push(if label.is_undefined() {
            item.to_string()
        } else {
            label.to_string()
        });
    }
    Ok(labels.join(sep))
}
