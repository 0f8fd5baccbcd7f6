//! The generated Typst of the samples, reviewed as text.

use dossier::Renderer;
use dossier::pipeline::load::load;

use crate::common::{en_sample, zh_sample};

fn snapshot_sources(path: &std::path::Path, prefix: &str) {
    let loaded = load(path).expect("loads");
    let validation = dossier::pipeline::validate::validate(&loaded);
    let sources = crate::common::worker(Renderer::new(Default::default()))
        .run(|r| r.sources(&loaded, &validation).map_err(|e| e.to_string()))
        .expect("fills");
    assert_eq!(sources.len(), 5);
    for filled in sources {
        insta::assert_snapshot!(
            format!("{prefix}-{}", filled.key),
            without_digests(&filled.source)
        );
    }
}

/// `text` with every SHA-256 digest (64 hexadecimal digits) blanked: the
/// acceptance report lists the other reports' digests, which change with
/// any change of their layout, and the snapshot is about this source.
fn without_digests(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    for c in text.chars() {
        if c.is_ascii_hexdigit() && !c.is_ascii_uppercase() {
            run.push(c);
            continue;
        }
        out.push_str(if run.len() == 64 { "[sha256]" } else { &run });
        run.clear();
        out.push(c);
    }
    out.push_str(if run.len() == 64 { "[sha256]" } else { &run });
    out
}

#[test]
fn digests_are_blanked_and_nothing_else() {
    let digest = "0123456789abcdef".repeat(4);
    assert_eq!(
        without_digests(&format!("(\"{digest}\", \"abc\", 42)")),
        "(\"[sha256]\", \"abc\", 42)"
    );
    assert_eq!(without_digests(&"a".repeat(65)), "a".repeat(65));
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
    insta::assert_snapshot!(
        "markdown",
        dossier::pipeline::fill::markdown::to_typst(markdown, 1)
    );
}
