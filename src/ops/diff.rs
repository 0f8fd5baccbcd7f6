//! `dossier diff`: what changed between two versions of an engagement.

use std::path::Path;

use crate::base::model::Locale;
use crate::pipeline::fill::Filler;
use crate::pipeline::load::versions::{BaseError, BaseSpec, Since, compare};
use crate::pipeline::load::{LoadError, load};

/// The changes between two versions of an engagement.
#[derive(Debug)]
pub struct Diffed {
    /// The previous version and the changes since.
    pub since: Since,
    /// The engagement's language.
    locale: Locale,
}

impl Diffed {
    /// The reports whose content changed, by their keys.
    pub fn reports(&self) -> Vec<&'static str> {
        self.since.touched.iter().map(|r| r.key()).collect()
    }

    /// The changes as text, one per line, in the engagement's language.
    pub fn text(&self) -> Result<String, DiffError> {
        Filler::new(Default::default())
            .catalogue(self.locale)
            .map_err(|e| e.to_string())
            .and_then(|t| self.since.to_text(&t).map_err(|e| e.to_string()))
            .map_err(DiffError::Labels)
    }
}

/// Why two versions could not be compared.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// The new version could not be read.
    #[error("{}", .0.diagnostic)]
    Load(#[from] LoadError),
    /// The previous version could not be read.
    #[error(transparent)]
    Base(#[from] BaseError),
    /// The labels of the engagement's language could not be read.
    #[error("{0}")]
    Labels(String),
}

/// The changes of the engagement at `new` since `base`.
pub fn diff(base: &BaseSpec, new: &Path) -> Result<Diffed, DiffError> {
    let loaded = load(new)?;
    let mut since = compare(base, &loaded)?;
    crate::pipeline::render::measure(&Filler::new(Default::default()), base, &mut since, &loaded);
    let locale = loaded.engagement.locale.value;
    Ok(Diffed { since, locale })
}
