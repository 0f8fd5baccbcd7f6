//! Loading YAML: good files load, bad ones point at the offending value.

use dossier::pipeline::load::load;

use crate::common::{en_sample, en_sample_with, engagement_file, root, zh_sample};

#[test]
fn samples_load() {
    let zh = load(&zh_sample()).expect("zh sample loads");
    assert_eq!(zh.engagement.engagement.id.value, "ZP-2026-FL-001");
    assert_eq!(zh.engagement.findings.len(), 6);
    let en = load(&en_sample()).expect("en sample loads");
    assert_eq!(en.engagement.locale.value.key(), "en");
    // Positions are kept for the values rules point at.
    let starts = &en.engagement.engagement.starts_on;
    assert_eq!((starts.pos.line, starts.pos.column), (34, 14));
}

/// Loads the sample broken as the violation `name` describes, and returns
/// its diagnostic, which must be where the violation says.
fn bad(name: &str) -> dossier::Diagnostic {
    let v = crate::common::violation(name);
    let (_dir, path) = v.file();
    let err = load(&path).expect_err("the file is broken");
    assert_eq!(
        (err.diagnostic.pos.line, err.diagnostic.pos.column),
        v.position(),
        "{name}"
    );
    *err.diagnostic
}

#[test]
fn unknown_key_is_reported_with_position_and_suggestion() {
    let d = bad("unknown-key");
    assert_eq!(d.message, "unknown key `titel`");
    assert_eq!((d.pos.line, d.pos.column), (8, 3));
    assert_eq!(d.hints, vec!["did you mean `title`?".to_string()]);
    assert!(d.to_string().contains("unknown-key.yaml:8:3"), "{d}");
}

#[test]
fn unknown_value_is_reported_with_suggestion() {
    let d = bad("unknown-scenario");
    assert_eq!(d.message, "unknown value `cloud-natve`");
    assert_eq!((d.pos.line, d.pos.column), (59, 21));
    assert_eq!(d.hints, vec!["did you mean `cloud-native`?".to_string()]);
}

#[test]
fn invalid_date_is_reported_at_the_value() {
    let d = bad("invalid-date");
    assert_eq!((d.pos.line, d.pos.column), (34, 14));
    assert!(
        d.message.contains("input is out of range") || d.message.contains("date"),
        "{}",
        d.message
    );
}

#[test]
fn missing_key_names_the_key() {
    let d = bad("missing-key");
    assert_eq!(d.message, "missing key `customer` in `engagement`");
    assert_eq!(
        d.hints,
        vec!["add `customer:` under `engagement:`, indented like its other keys".to_string()]
    );
}

#[test]
fn yes_is_not_a_boolean() {
    let yaml = en_sample_with("large_resource_demand: false", "large_resource_demand: yes");
    let (_dir, path) = engagement_file(&yaml);
    let err = load(&path).expect_err("`yes` is rejected");
    assert_eq!(err.diagnostic.pos.line, 40);
}

#[test]
fn malformed_yaml_is_reported_with_position() {
    let yaml = en_sample_with(
        "  title: Northwind Tracking",
        "  title: [Northwind Tracking",
    );
    let (_dir, path) = engagement_file(&yaml);
    let err = load(&path).expect_err("syntax error");
    assert!(err.diagnostic.pos.line >= 6, "{}", err.diagnostic);
}

#[test]
fn missing_file_is_an_error_not_a_panic() {
    let err = load(&root().join("tests/fixtures/nowhere.yaml")).expect_err("missing");
    assert!(err.diagnostic.message.starts_with("cannot read file"));
}

#[test]
fn alias_bombs_are_stopped() {
    let mut yaml = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = if i == 1 {
            "a".to_string()
        } else {
            format!("a{}", i - 1)
        };
        yaml.push_str(&format!("a{i}: &a{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
    }
    let (_dir, path) = engagement_file(&yaml);
    assert!(load(&path).is_err());
}

#[test]
fn rendered_diagnostic_shows_the_source_line() {
    let (_dir, path) = crate::common::violation("unknown-key").file();
    let err = load(&path).expect_err("bad");
    let text = err.diagnostic.render(err.text.as_deref(), false);
    assert!(text.contains("error: unknown key `titel`"), "{text}");
    assert!(text.contains("titel: Northwind"), "{text}");
    assert!(text.contains("^"), "{text}");
    assert!(text.contains("did you mean `title`?"), "{text}");
}

#[test]
fn the_markdown_fields_are_found_by_their_keys() {
    use dossier::base::model::markdown::MARKDOWN_FIELDS;
    for path in [zh_sample(), crate::common::en_sample()] {
        let loaded = load(&path).expect("loads");
        let mut by_key: Vec<String> = dossier::base::scalars::scalars(&loaded.source)
            .into_iter()
            .filter(|s| MARKDOWN_FIELDS.iter().any(|f| s.is_at(f)))
            .map(|s| s.text)
            .collect();
        let mut typed: Vec<String> = loaded
            .engagement
            .markdown_fields()
            .into_iter()
            .filter(|t| !t.is_empty())
            .map(str::to_string)
            .collect();
        by_key.sort();
        typed.sort();
        assert!(!typed.is_empty());
        assert_eq!(by_key, typed, "{}", path.display());
    }
}

#[test]
fn a_value_is_located_where_it_is_written() {
    let source =
        "a: plain 中x\nb: \"quoted 😀\"\nc: | # a comment with 😀\n  line one\n  line 😀 two\n";
    let scalars = dossier::base::scalars::scalars(source);
    let at = |key: &str, needle: &str| {
        let s = scalars.iter().find(|s| s.is_at(key)).expect("scalar");
        let pos = s.locate(source, needle);
        (pos.line, pos.column)
    };
    assert_eq!(at("a", "x"), (1, 11));
    assert_eq!(at("b", "😀"), (2, 12));
    // Not the comment after the block indicator: the text below it.
    assert_eq!(at("c", "😀"), (5, 8));
}

/// The English sample saved the ways other editors save it.
fn sample_bytes() -> Vec<u8> {
    std::fs::read(crate::common::en_sample()).expect("sample")
}

#[test]
fn a_byte_order_mark_and_crlf_line_ends_are_read() {
    let text = String::from_utf8(sample_bytes()).expect("UTF-8");
    let crlf = text.replace('\n', "\r\n");
    let mut with_bom = vec![0xEF, 0xBB, 0xBF];
    with_bom.extend(crlf.as_bytes());
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nw.yaml");
    std::fs::write(&path, &with_bom).expect("write");
    let loaded = load(&path).expect("a UTF-8 file with a BOM and CRLF loads");
    assert_eq!(loaded.engagement.engagement.id.value, "NW-2026-007");
    // Positions are those of the text as written, less the mark.
    assert_eq!(
        (
            loaded.engagement.engagement.starts_on.pos.line,
            loaded.engagement.engagement.starts_on.pos.column
        ),
        (34, 14)
    );
    // The manifest's digest is of the file as written.
    assert_eq!(loaded.bytes, with_bom);
}

#[test]
fn utf16_and_utf32_with_a_byte_order_mark_are_decoded() {
    let text = String::from_utf8(sample_bytes()).expect("UTF-8");
    let utf16le: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let utf16be: Vec<u8> = [0xFE, 0xFF]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
        .collect();
    let utf32le: Vec<u8> = [0xFF, 0xFE, 0x00, 0x00]
        .into_iter()
        .chain(text.chars().flat_map(|c| (c as u32).to_le_bytes()))
        .collect();
    for bytes in [utf16le, utf16be, utf32le] {
        assert_eq!(
            dossier::pipeline::load::decode(&bytes).expect("decodes"),
            text
        );
    }
    // Half a UTF-16 character at the end: the encoding is named.
    let broken = [0xFF, 0xFE, 0x41, 0x00, 0x42];
    let (_, message) = dossier::pipeline::load::decode(&broken).expect_err("broken");
    assert!(message.contains("UTF-16LE"), "{message}");
    // Latin-1 without a mark: where it stops being UTF-8.
    let (pos, message) =
        dossier::pipeline::load::decode(b"a: 1\nb: caf\xe9\n").expect_err("not UTF-8");
    assert_eq!((pos.line, pos.column), (2, 7));
    assert!(message.contains("UTF-8"), "{message}");
}

#[test]
fn an_unknown_format_version_stops_the_engagement() {
    let yaml = en_sample_with("schema: 1\n", "schema: 999\n");
    let (dir, path) = engagement_file(&yaml);
    let out = dir.path().join("out");
    let output = crate::common::dossier(&[
        "render",
        crate::common::arg(&path),
        "-o",
        crate::common::arg(&out),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = crate::common::text(&output.stderr);
    assert!(stderr.contains("unknown format version 999"), "{stderr}");
    assert!(stderr.contains("engagement.yaml:3:9"), "{stderr}");
    assert!(!out.exists() || std::fs::read_dir(&out).expect("out").count() == 0);
}

/// The copy of an engagement file the acceptance report attaches reads as
/// the same engagement without its comments, for every sample and for the
/// commented scaffolds `init` writes (whose notes sit beside block text,
/// quoted values and Markdown headings).
#[test]
fn every_commented_engagement_loses_its_comments_and_nothing_else() {
    use dossier::pipeline::load::comments::{Comments, attached_copy, is_stripped};
    let dir = tempfile::tempdir().expect("temp dir");
    let mut files = vec![
        zh_sample(),
        en_sample(),
        root().join("samples/youxianhui-retail.yaml"),
    ];
    for locale in ["zh-Hant", "zh-Hans", "en"] {
        let scaffold = dir.path().join(locale);
        crate::common::dossier_ok(&["init", crate::common::arg(&scaffold), "--locale", locale]);
        files.push(scaffold.join("engagement.yaml"));
    }
    for file in files {
        let loaded = load(&file).expect("loads");
        let (bytes, comments) = attached_copy(&loaded, false);
        assert_eq!(comments, Comments::Removed, "{}", file.display());
        let copy = String::from_utf8(bytes).expect("UTF-8");
        assert!(is_stripped(&copy), "stripping twice changes nothing");
        assert_eq!(copy.split('\n').count(), loaded.source.split('\n').count());
        let kept: Vec<&str> = copy
            .lines()
            .filter(|l| l.trim_start().starts_with('#'))
            .collect();
        // What still starts with `#` is text inside a block scalar.
        for line in kept {
            assert!(loaded.source.contains(line), "{line}");
        }
        let (verbatim, kept) = attached_copy(&loaded, true);
        assert_eq!((verbatim, kept), (loaded.bytes.clone(), Comments::Kept));
        let (_keep, path) = engagement_file(&copy);
        let reloaded = load(&path).expect("the copy loads");
        let (again, absent) = attached_copy(&reloaded, true);
        assert_eq!(
            (again, absent),
            (copy.clone().into_bytes(), Comments::Absent)
        );
    }
}
