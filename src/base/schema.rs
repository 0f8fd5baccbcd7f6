//! The JSON Schema of the engagement file, generated from the model types.

use schemars::generate::SchemaSettings;

use crate::base::model::Engagement;

/// The schema's `$id`, as kept in the repository.
pub const SCHEMA_FILE: &str = "schema/engagement.schema.json";

/// The JSON Schema (draft-07, what yaml-language-server reads best) of an
/// engagement file, pretty-printed.
pub fn json_schema() -> String {
    let mut schema = SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<Engagement>();
    schema.insert("title".into(), "dossier engagement".into());
    serde_json::to_string_pretty(&schema).unwrap_or_else(|_| "{}".into())
}
