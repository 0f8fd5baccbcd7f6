//! One engagement's way from YAML to its bundle, a stage per module, each
//! taking one owned value and handing on the next:
//!
//! ```text
//! load      path → Loaded           the YAML with positions, its images, the previous version
//! validate  Loaded → Checked        the contract's rules → diagnostics; which reports are final
//! fill      Checked → Filled        the typed context through the templates → Typst source per report
//! typeset   Filled → Typeset        embedded Typst → PDF (or pages)
//! sign      Typeset → Typeset       a PAdES signature on each final PDF, when asked
//! deliver   Bundle → RenderedReport atomic writes of the reports and the manifest
//! ```
//!
//! [`render`] runs the stages for one engagement.

pub mod load;
pub mod validate;
pub mod fill;
pub mod typeset;
pub mod sign;
pub mod deliver;
pub mod render;
