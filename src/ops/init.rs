//! `dossier init`: a new engagement directory with a commented
//! `engagement.yaml` that passes `check` and renders at once.
//!
//! The scaffold's dates follow the contract from the day it is made: the
//! service starts 10 working days after the application (§3, §6), the plan
//! is submitted on the first day and due for confirmation 5 working days
//! later (§3.1.2). What a blank engagement cannot have yet (a confirmed
//! plan, findings, a sign-off) is reported as pending, never as an error.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use minijinja::Environment;

use crate::base::atomic::write_atomic;
use crate::base::calendar::WorkingCalendar;
use crate::base::discover::ENGAGEMENT_FILE;
use crate::base::model::{Calendar, HolidayRegion, Locale, Spanned};

/// The JSON Schema written beside a new engagement, for editors.
pub const SCHEMA_FILE: &str = "engagement.schema.json";

/// Today's date (UTC), the application date of a new engagement.
pub fn today() -> NaiveDate {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    NaiveDate::from_ymd_opt(1970, 1, 1)
        .and_then(|epoch| epoch.checked_add_days(chrono::Days::new(days)))
        .unwrap_or_default()
}

/// What to scaffold.
#[derive(Debug, Clone)]
pub struct InitOptions {
    /// The directory to create (or fill, when it exists and is empty).
    pub dir: PathBuf,
    /// The language of the reports.
    pub locale: Locale,
    /// The day the engagement is created: the application date.
    pub today: NaiveDate,
}

/// Why an engagement could not be scaffolded.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The directory already holds an engagement; nothing is overwritten.
    #[error("{0} already exists; dossier init never overwrites an engagement")]
    Exists(PathBuf),
    /// The directory exists and holds other files.
    #[error("{0} is not empty; choose a new directory")]
    NotEmpty(PathBuf),
    /// Writing failed.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The scaffold template is broken.
    #[error("the engagement template for {locale} is broken: {message}")]
    Template {
        /// Which locale's scaffold.
        locale: &'static str,
        /// What went wrong.
        message: String,
    },
}

/// The built-in scaffold of `locale`.
fn scaffold(locale: Locale) -> &'static str {
    match locale {
        Locale::ZhHant => include_str!("../../templates/init/zh-Hant.yaml"),
        Locale::ZhHans => include_str!("../../templates/init/zh-Hans.yaml"),
        Locale::En => include_str!("../../templates/init/en.yaml"),
    }
}

/// The text of a new `engagement.yaml` for `locale`, dated from `today`,
/// with `id` as its engagement id and `schema` as the path of the JSON
/// Schema for editors.
pub(crate) fn engagement_yaml(
    locale: Locale,
    today: NaiveDate,
    id: &str,
    schema: &str,
) -> Result<String, InitError> {
    // Dates skip the public holidays of the locale's usual region.
    let region = match locale {
        Locale::ZhHans => Some(HolidayRegion::MainlandChina),
        Locale::ZhHant => Some(HolidayRegion::Taiwan),
        Locale::En => None,
    };
    let calendar = WorkingCalendar::new(&Calendar {
        region: region.map(Spanned::detached),
        ..Calendar::default()
    });
    let day = |date: NaiveDate| date.format("%Y-%m-%d").to_string();
    let working = |from: NaiveDate, n: u32| calendar.add_working_days(from, n);
    let starts_on = working(today, 10);
    let survey_from = working(starts_on, 1);
    let survey_to = working(survey_from, 3);
    let inspect_from = working(survey_to, 1);
    let inspect_to = working(inspect_from, 14);
    let report_from = working(inspect_to, 1);
    let report_to = working(report_from, 2);
    let ends_on = working(report_to, 1);
    let context = minijinja::context! {
        schema,
        id,
        applied_on => day(today),
        starts_on => day(starts_on),
        submitted_on => day(starts_on),
        confirm_by => day(working(starts_on, 5)),
        survey_from => day(survey_from),
        survey_to => day(survey_to),
        inspect_from => day(inspect_from),
        inspect_to => day(inspect_to),
        report_from => day(report_from),
        report_to => day(report_to),
        ends_on => day(ends_on),
    };
    let broken = |e: minijinja::Error| InitError::Template {
        locale: locale.key(),
        message: e.to_string(),
    };
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.render_str(scaffold(locale), context).map_err(broken)
}

/// An engagement id for a new directory: its name, kept to the characters
/// an id may hold, or `NEW-ENGAGEMENT` when nothing is left.
pub fn id_for(dir: &Path) -> String {
    let name = dir
        .canonicalize()
        .ok()
        .and_then(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .or_else(|| dir.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default();
    let id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c.to_ascii_uppercase()
            } else {
                '-'
            }
        })
        .collect();
    let id = id.trim_matches(|c| matches!(c, '-' | '.')).to_string();
    if id.is_empty() {
        "NEW-ENGAGEMENT".into()
    } else {
        id
    }
}

/// Creates `options.dir` with a new `engagement.yaml` and the JSON Schema
/// its first line points editors at; refuses to touch a directory that
/// already holds anything. Returns the engagement file.
pub fn init(options: &InitOptions) -> Result<PathBuf, InitError> {
    let dir = &options.dir;
    let file = dir.join(ENGAGEMENT_FILE);
    if file.exists() {
        return Err(InitError::Exists(file));
    }
    if dir.exists() {
        let mut entries = fs::read_dir(dir).map_err(|source| InitError::Io {
            path: dir.clone(),
            source,
        })?;
        if entries.next().is_some() {
            return Err(InitError::NotEmpty(dir.clone()));
        }
    }
    fs::create_dir_all(dir).map_err(|source| InitError::Io {
        path: dir.clone(),
        source,
    })?;
    let text = engagement_yaml(options.locale, options.today, &id_for(dir), SCHEMA_FILE)?;
    let schema = dir.join(SCHEMA_FILE);
    for (path, bytes) in [
        (&schema, crate::base::schema::json_schema().into_bytes()),
        (&file, text.into_bytes()),
    ] {
        write_atomic(path, &bytes).map_err(|source| InitError::Io {
            path: path.clone(),
            source,
        })?;
    }
    Ok(file)
}
