//! The JSON Schema is generated from the model and describes the samples.

use serde_json::Value;

use crate::common::{en_sample, en_sample_with, root, zh_sample};

fn yaml_to_json(text: &str) -> Value {
    serde_saphyr::from_str(text).expect("YAML parses")
}

fn validator() -> jsonschema::Validator {
    let schema: Value =
        serde_json::from_str(&dossier::base::schema::json_schema()).expect("schema is JSON");
    jsonschema::draft7::new(&schema).expect("schema is valid draft-07")
}

#[test]
fn the_committed_schema_is_up_to_date() {
    let committed = std::fs::read_to_string(root().join(dossier::base::schema::SCHEMA_FILE))
        .expect("schema file");
    assert_eq!(
        committed.trim_end(),
        dossier::base::schema::json_schema().trim_end(),
        "schema/engagement.schema.json is stale: run `cargo run -- schema > schema/engagement.schema.json`"
    );
}

#[test]
fn the_samples_validate_against_the_schema() {
    let validator = validator();
    for path in [zh_sample().join("engagement.yaml"), en_sample()] {
        let text = std::fs::read_to_string(&path).expect("sample");
        assert!(
            text.starts_with("# yaml-language-server: $schema="),
            "{} has no schema line",
            path.display()
        );
        let errors: Vec<String> = validator
            .iter_errors(&yaml_to_json(&text))
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
}

#[test]
fn the_schema_rejects_an_unknown_key() {
    let text = en_sample_with("  title: Northwind Tracking", "  titel: Northwind Tracking");
    assert!(!validator().is_valid(&yaml_to_json(&text)));
}

#[test]
fn the_schema_line_points_at_the_committed_copy() {
    for (sample, dir) in [
        (zh_sample().join("engagement.yaml"), zh_sample()),
        (en_sample(), root().join("samples")),
    ] {
        let text = std::fs::read_to_string(&sample).expect("sample");
        let first = text.lines().next().expect("line");
        let target = first.trim_start_matches("# yaml-language-server: $schema=");
        assert!(
            dir.join(target).is_file(),
            "{} points at {target}",
            sample.display()
        );
    }
}
