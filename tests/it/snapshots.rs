//! The generated Typst of the samples, reviewed as text.

use dossier::Renderer;
use dossier::load::load;

use crate::common::{en_sample, zh_sample};

fn snapshot_sources(path: &std::path::Path, prefix: &str) {
    let loaded = load(path).expect("loads");
    let renderer = Renderer::new(Default::default());
    let validation = dossier::validate::validate(&loaded);
    for filled in renderer.sources(&loaded, &validation).expect("fills") {
        insta::assert_snapshot!(format!("{prefix}-{}", filled.key), filled.source);
    }
}

#[test]
fn zh_hant_sample_sources() {
    snapshot_sources(&zh_sample(), "zh-hant");
}

#[test]
fn en_sample_sources() {
    snapshot_sources(&en_sample(), "en");
}
