//! The bundled samples are separate engagements: no person, company,
//! contact detail, address or acceptance voucher appears in two of them.

use std::collections::BTreeMap;

use dossier::pipeline::load::load;

use crate::common::root;

/// The personal and identifying values of one engagement, by kind.
fn identifying(path: &std::path::Path) -> Vec<(&'static str, String)> {
    let loaded = load(path).expect("sample loads");
    let e = &loaded.engagement;
    let h = &e.engagement;
    let mut values = vec![
        ("engagement id", h.id.value.clone()),
        ("company", h.provider.name.clone()),
        ("company", h.customer.name.clone()),
    ];
    for person in h.provider.team.iter().chain(&h.customer.contacts) {
        values.push(("person", person.name.clone()));
        values.extend(person.email.clone().map(|m| ("e-mail", m)));
        // Phone numbers as dialled: digits only, so spacing hides nothing.
        values.extend(
            person
                .phone
                .as_ref()
                .map(|p| ("phone", p.chars().filter(char::is_ascii_digit).collect())),
        );
        if let Some(domain) = person.email.as_ref().and_then(|m| m.split('@').nth(1)) {
            values.push(("e-mail domain", domain.to_string()));
        }
    }
    for stay in &h.residency {
        values.push(("address", stay.location.clone()));
    }
    if let Some(signoff) = &e.acceptance.signoff {
        values.push(("person", signoff.by.clone()));
        values.extend(signoff.reference.clone().map(|r| ("voucher", r)));
    }
    values.sort();
    values.dedup();
    values
}

#[test]
fn samples_share_no_personal_data() {
    let samples = [
        root().join("samples/acme-retail"),
        root().join("samples/youxianhui-retail.yaml"),
        root().join("samples/northwind-logistics.yaml"),
    ];
    let mut seen: BTreeMap<(&str, String), &std::path::Path> = BTreeMap::new();
    let mut shared = Vec::new();
    for sample in &samples {
        let values = identifying(sample);
        assert!(
            values.iter().any(|(k, _)| *k == "voucher"),
            "{}: no voucher",
            sample.display()
        );
        for (kind, value) in values {
            // Addresses compare by their street, the part before any note.
            let value = if kind == "address" {
                value
                    .split(['（', '('])
                    .next()
                    .unwrap_or(&value)
                    .trim()
                    .to_string()
            } else {
                value
            };
            if let Some(other) = seen.insert((kind, value.clone()), sample)
                && other != sample.as_path()
            {
                shared.push(format!(
                    "{kind} “{value}”: {} and {}",
                    other.display(),
                    sample.display()
                ));
            }
        }
    }
    assert!(
        shared.is_empty(),
        "shared between samples:\n{}",
        shared.join("\n")
    );
}
