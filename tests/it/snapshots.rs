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

#[test]
fn zh_hans_sample_sources() {
    snapshot_sources(
        &crate::common::root().join("samples/youxianhui-retail.yaml"),
        "zh-hans",
    );
}

/// Every construct the Markdown writer knows, as the Typst it becomes.
#[test]
fn markdown_conversion() {
    let markdown = "\
# Heading

A paragraph with *emphasis*, **strong**, ~~struck~~ and `inline #code`,
a [link](https://example.com/a_b) and raw <script>alert(1)</script> HTML.

- one
- two
  1. nested *ordered*
  2. second

> A quote with `#set page(width: 1cm)`.

```typst
#set page(width: 1cm)
```

| left | right |
|:-----|------:|
| $x$  | [y]   |

![a figure](images/missing.png)
";
    insta::assert_snapshot!("markdown", dossier::fill::markdown::to_typst(markdown, 1));
}
