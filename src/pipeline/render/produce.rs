//! Filling and typesetting the reports of one engagement: the four the
//! acceptance report certifies in parallel, then the acceptance report with
//! their digests.

use rayon::prelude::*;

use super::{RenderError, Renderer};
use crate::base::digest::sha256_hex;
use crate::base::report::ReportKey;
use crate::pipeline::deliver::{OutputFormat, Produced};
use crate::pipeline::fill::{Certified, DeliveredReport, Fill, Filled, Filler, SourceFile};
use crate::pipeline::load::comments::{Comments, attached_copy};
use crate::pipeline::sign::{Kind, Signer};
use crate::pipeline::typeset::{
    self, Conformance, Files, PdfSettings, ReportWorld, Typeset, TypesetError,
};
use crate::pipeline::validate::Checked;

/// The last PDF typeset for a report, kept across renders that follow one
/// another (`dossier watch`) so that a report whose Typst source and files
/// did not change is not typeset again.
pub trait TypesetCache: Send + Sync {
    /// The PDF of `report` of the engagement in `file`, if it was typeset
    /// from exactly `inputs`.
    fn get(&self, file: &std::path::Path, report: ReportKey, inputs: &str) -> Option<Typeset>;
    /// Keeps the PDF of `report` typeset from `inputs`.
    fn put(&self, file: &std::path::Path, report: ReportKey, inputs: String, typeset: Typeset);
}

/// Every report of one engagement, produced in memory and not yet
/// written: what [`Renderer::deliver`] writes.
pub struct Production {
    /// What the reports were filled from.
    pub fill: Fill,
    /// The date printed on the reports.
    pub date: chrono::NaiveDate,
    /// The reports, in delivery order.
    pub reports: Vec<Produced>,
    /// What the acceptance report carries, when it attaches its source.
    pub attached: Option<Attached>,
}

/// What the acceptance report carries, as `render` tells it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Attached {
    /// The engagement file's name.
    pub engagement: String,
    /// What became of its comments.
    pub comments: Comments,
    /// The files it refers to, by their paths in the engagement directory.
    pub files: Vec<String>,
}

impl Attached {
    /// What `sources` hold; none when nothing is attached.
    fn of(sources: &[SourceFile]) -> Option<Self> {
        let (engagement, comments) = sources
            .iter()
            .find_map(|s| Some((s.name.clone(), s.engagement?)))?;
        let files = sources
            .iter()
            .filter(|s| s.engagement.is_none())
            .map(|s| s.name.clone())
            .collect();
        Some(Self {
            engagement,
            comments,
            files,
        })
    }
}

/// What every report of one engagement is produced from.
struct Inputs<'a> {
    checked: &'a Checked,
    fill: &'a Fill,
    /// The files the reports' worlds serve: images and style modules.
    files: Files,
    /// One digest of `files`.
    files_digest: String,
}

impl<'a> Inputs<'a> {
    fn new(checked: &'a Checked, fill: &'a Fill) -> Self {
        let files = typeset::files(&checked.assets, &fill.modules);
        Self {
            checked,
            fill,
            files_digest: files_digest(&files),
            files,
        }
    }
}

impl Renderer {
    /// Fills, typesets and signs the reports asked for, and the four the
    /// acceptance report certifies when it is asked for; `ready` sees those
    /// four before the acceptance report is made from their digests.
    pub(crate) fn produce(
        &self,
        checked: &Checked,
        ready: &dyn Fn(&[Produced]),
    ) -> Result<Production, RenderError> {
        let date = super::document_date(&checked.loaded);
        let fill = self.prepare(checked, date)?;
        let inputs = Inputs::new(checked, &fill);
        let signer = self.options.sign.as_deref();
        let mut reports = self.sign_all(self.certified(&inputs)?, signer)?;
        let mut attached = None;
        if self.selected(ReportKey::Acceptance) {
            ready(&reports);
            let (acceptance, carried) = self.acceptance(&inputs, &reports)?;
            reports.push(self.sign(acceptance, signer)?);
            attached = carried;
        }
        Ok(Production {
            fill,
            date,
            reports,
            attached,
        })
    }

    /// `unsigned`, the production of `checked`, with its final reports
    /// signed by `signer`: the four certified reports as they are, and the
    /// acceptance report made again from their signed digests.
    pub(crate) fn sign_production(
        &self,
        checked: &Checked,
        unsigned: Production,
        signer: &Signer,
    ) -> Result<Production, RenderError> {
        let Production {
            fill,
            date,
            reports,
            attached,
        } = unsigned;
        let certified: Vec<Produced> = reports
            .into_iter()
            .filter(|p| p.filled.key != ReportKey::Acceptance)
            .collect();
        let inputs = Inputs::new(checked, &fill);
        let mut reports = self.sign_all(certified, Some(signer))?;
        if self.selected(ReportKey::Acceptance) {
            let (acceptance, _) = self.acceptance(&inputs, &reports)?;
            reports.push(self.sign(acceptance, Some(signer))?);
        }
        Ok(Production {
            fill,
            date,
            reports,
            attached,
        })
    }

    /// The four reports the acceptance report certifies (or those of them
    /// asked for), filled and typeset: the longest source first, so the
    /// report that takes longest starts at once and the shorter ones fill
    /// the other cores around it.
    fn certified(&self, inputs: &Inputs<'_>) -> Result<Vec<Produced>, RenderError> {
        let certify = self.selected(ReportKey::Acceptance);
        // Sources are typeset when PDFs are wanted, and always for the
        // reports the acceptance report certifies.
        let typeset = certify || self.options.format != OutputFormat::Typ;
        let mut filled = ReportKey::ALL
            .into_iter()
            .filter(|k| *k != ReportKey::Acceptance && (certify || self.selected(*k)))
            .map(|key| self.fill(inputs, key, &Certified::default()))
            .enumerate()
            .map(|(i, filled)| Ok((i, filled?)))
            .collect::<Result<Vec<_>, RenderError>>()?;
        filled.sort_by_key(|(_, filled)| std::cmp::Reverse(filled.source.len()));
        let mut produced = filled
            .into_par_iter()
            .with_max_len(1)
            .map(|(i, filled)| Ok((i, self.produce_one(inputs, filled, typeset)?)))
            .collect::<Result<Vec<_>, RenderError>>()?;
        produced.sort_by_key(|(i, _)| *i);
        Ok(produced.into_iter().map(|(_, p)| p).collect())
    }

    /// The acceptance report, filled with the digests of `certified` and
    /// typeset. It carries the engagement's source files: its world serves
    /// the engagement file too.
    fn acceptance(
        &self,
        inputs: &Inputs<'_>,
        certified: &[Produced],
    ) -> Result<(Produced, Option<Attached>), RenderError> {
        let reports: Vec<DeliveredReport> = certified
            .iter()
            .filter_map(|p| {
                let pdf = p.typeset.as_ref()?;
                Some(DeliveredReport {
                    key: p.filled.key,
                    pages: pdf.pages,
                    sha256: pdf.sha256.clone(),
                    is_final: p.filled.is_final,
                })
            })
            .collect();
        let (sources, files) = if self.options.attach {
            sources(inputs.checked, &inputs.files, self.options.attach_verbatim)
        } else {
            (Vec::new(), inputs.files.clone())
        };
        let attached = Attached::of(&sources);
        let certified = Certified { reports, sources };
        let inputs = Inputs {
            files_digest: files_digest(&files),
            files,
            ..*inputs
        };
        let filled = self.fill(&inputs, ReportKey::Acceptance, &certified)?;
        let typeset = self.options.format != OutputFormat::Typ;
        Ok((self.produce_one(&inputs, filled, typeset)?, attached))
    }

    /// The signing stage over `produced`, in parallel.
    fn sign_all(
        &self,
        produced: Vec<Produced>,
        signer: Option<&Signer>,
    ) -> Result<Vec<Produced>, RenderError> {
        produced
            .into_par_iter()
            .with_max_len(1)
            .map(|p| self.sign(p, signer))
            .collect()
    }

    /// The signing stage: a final report's PDF signed by `signer`, if any;
    /// the digest the acceptance report and the manifest list is then the
    /// signed file's. Drafts are never signed, and only PDFs are.
    fn sign(
        &self,
        mut produced: Produced,
        signer: Option<&Signer>,
    ) -> Result<Produced, RenderError> {
        let Some(signer) = signer else {
            return Ok(produced);
        };
        if !produced.filled.is_final || self.options.format != OutputFormat::Pdf {
            return Ok(produced);
        }
        let key = produced.filled.key;
        if let Some(pdf) = produced.typeset.as_mut() {
            // The acceptance report is certified, with the customer's
            // signature field prepared: the customer countersigns it.
            let kind = match key {
                ReportKey::Acceptance => Kind::Certification(&pdf.fields),
                _ => Kind::Approval,
            };
            pdf.bytes = self
                .timings
                .time(crate::base::timings::Stage::Export, || {
                    crate::pipeline::sign::sign_pdf(&pdf.bytes, signer, kind)
                })
                .map_err(|source| RenderError::Sign {
                    report: key,
                    source,
                })?;
            pdf.sha256 = sha256_hex(&pdf.bytes);
        }
        Ok(produced)
    }

    /// The Typst source of report `key`.
    fn fill(
        &self,
        inputs: &Inputs<'_>,
        key: ReportKey,
        certified: &Certified,
    ) -> Result<Filled, RenderError> {
        self.timings
            .time(crate::base::timings::Stage::Fill, || {
                self.filler
                    .report(inputs.fill, key, &inputs.checked.validation, certified)
            })
            .map_err(|source| RenderError::Fill {
                report: key,
                source,
            })
    }

    /// A filled report typeset (when `typeset` asks for it), from the
    /// cache when its source and files did not change.
    fn produce_one(
        &self,
        inputs: &Inputs<'_>,
        filled: Filled,
        typeset: bool,
    ) -> Result<Produced, RenderError> {
        let key = filled.key;
        if !typeset {
            return Ok(Produced {
                filled,
                typeset: None,
                fresh: false,
            });
        }
        let file = &inputs.checked.loaded.file;
        let digest = format!(
            "{}{}{}",
            sha256_hex(filled.source.as_bytes()),
            inputs.files_digest,
            filled.is_final
        );
        if let Some(known) = self.cache.as_ref().and_then(|c| c.get(file, key, &digest)) {
            return Ok(Produced {
                filled,
                typeset: Some(known),
                fresh: false,
            });
        }
        let pdf = self.typeset(inputs, &filled)?;
        if let Some(cache) = &self.cache {
            cache.put(file, key, digest, pdf.clone());
        }
        Ok(Produced {
            filled,
            typeset: Some(pdf),
            fresh: true,
        })
    }

    fn typeset(&self, inputs: &Inputs<'_>, filled: &Filled) -> Result<Typeset, RenderError> {
        let origin = filled.key.template();
        let world = ReportWorld::new(
            filled.source.clone(),
            inputs.fill.style.clone(),
            inputs.files.clone(),
        );
        // The acceptance report's bytes also hold its attachments.
        let ident = match filled.key {
            ReportKey::Acceptance => format!("{}{}", filled.source, inputs.files_digest),
            _ => filled.source.clone(),
        };
        let settings = PdfSettings {
            ident: sha256_hex(ident.as_bytes()),
            // Final reports are archival and accessible, the acceptance
            // report with the engagement's files attached; drafts are
            // working copies.
            conformance: match (filled.is_final, filled.key) {
                (false, _) => Conformance::Draft,
                (true, ReportKey::Acceptance) => Conformance::FinalWithAttachments,
                (true, _) => Conformance::Final,
            },
        };
        let preview = self.options.format.preview();
        typeset::typeset(&world, &origin, &settings, preview, &self.timings).map_err(|source| {
            RenderError::Typeset {
                report: filled.key,
                source: locate(&self.filler, source),
            }
        })
    }
}

/// Points a Typst error at the template file and line it comes from: a
/// style module by its name, the generated report source through the
/// template line that produced the failing line.
fn locate(filler: &Filler, mut error: TypesetError) -> TypesetError {
    if let Some(generated) = error.generated.take()
        && let Some((name, line)) = filler.trace(&error.origin, &generated)
    {
        error.message = format!(
            "{} (line {} of the generated Typst)",
            error.message, error.line
        );
        error.origin = name;
        error.line = line;
        error.column = 1;
    }
    error.origin = filler.origin(&error.origin);
    error
}

/// The files the acceptance report carries: the engagement file (without
/// its comments unless `verbatim`) and every file it refers to, by their
/// paths relative to the engagement directory; and `files` with the
/// engagement file added, for the acceptance report's world.
fn sources(checked: &Checked, files: &Files, verbatim: bool) -> (Vec<SourceFile>, Files) {
    let loaded = &checked.loaded;
    let (bytes, comments) = attached_copy(loaded, verbatim);
    let engagement = SourceFile {
        size: bytes.len(),
        sha256: sha256_hex(&bytes),
        engagement: Some(comments),
        name: loaded.name(),
    };
    let referred = checked.assets.iter().map(|(path, asset)| SourceFile {
        name: path.trim_start_matches('/').to_string(),
        size: asset.bytes.len(),
        sha256: sha256_hex(&asset.bytes),
        engagement: None,
    });
    let mut served = (**files).clone();
    served.insert(
        format!("/{}", engagement.name),
        typst::foundations::Bytes::new(bytes),
    );
    let sources = std::iter::once(engagement).chain(referred).collect();
    (sources, std::sync::Arc::new(served))
}

/// One digest of the files a report's world serves, paths and contents.
fn files_digest(files: &Files) -> String {
    let listing: String = files
        .iter()
        .map(|(path, bytes)| format!("{}  {path}\n", sha256_hex(bytes)))
        .collect();
    sha256_hex(listing.as_bytes())
}
