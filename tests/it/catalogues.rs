//! The label catalogues agree with each other and with the model's keys.

use dossier::code::Code;
use dossier::fill::{Filler, TemplateOptions};
use dossier::model::{
    Activity, Comparison, Exclusion, Locale, Package, Phase, Scenario, ServiceItem, Severity,
    TerminationReason, Topic, WaivableRule,
};

fn catalogue(locale: Locale) -> dossier::locale::Catalogue {
    Filler::new(TemplateOptions::default())
        .catalogue(locale)
        .expect("catalogue parses")
}

#[test]
fn every_locale_has_the_same_labels() {
    let reference = catalogue(Locale::ZhHant).paths();
    for locale in Locale::ALL {
        let paths = catalogue(*locale).paths();
        let missing: Vec<_> = reference.difference(&paths).collect();
        let extra: Vec<_> = paths.difference(&reference).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{locale}: missing {missing:?}, extra {extra:?}"
        );
    }
}

#[test]
fn every_key_of_the_model_has_a_label() {
    for locale in Locale::ALL {
        let t = catalogue(*locale);
        let groups: [(&str, Vec<&str>); 12] = [
            ("gaps", Code::ALL.iter().map(|k| k.key()).collect()),
            (
                "rule_names",
                WaivableRule::ALL.iter().map(|k| k.key()).collect(),
            ),
            (
                "termination_reasons",
                TerminationReason::ALL.iter().map(|k| k.key()).collect(),
            ),
            (
                "comparisons",
                Comparison::ALL.iter().map(|k| k.key()).collect(),
            ),
            ("packages", Package::ALL.iter().map(|k| k.key()).collect()),
            ("scenarios", Scenario::ALL.iter().map(|k| k.key()).collect()),
            ("topics", Topic::ALL.iter().map(|k| k.key()).collect()),
            ("phases", Phase::ALL.iter().map(|k| k.key()).collect()),
            (
                "activities",
                Activity::ALL.iter().map(|k| k.key()).collect(),
            ),
            (
                "service_items",
                ServiceItem::ALL.iter().map(|k| k.key()).collect(),
            ),
            (
                "exclusions",
                Exclusion::ALL.iter().map(|k| k.key()).collect(),
            ),
            (
                "severities",
                Severity::ALL.iter().map(|k| k.key()).collect(),
            ),
        ];
        for (group, keys) in groups {
            for key in keys {
                assert!(
                    t.key(group, key).is_ok(),
                    "{locale}: no label {group}.{key}"
                );
            }
        }
        assert!(t.date("2026-11-25".parse().expect("date")).is_ok());
    }
}

#[test]
fn dates_are_written_the_locale_way() {
    let date = "2026-11-25".parse().expect("date");
    assert_eq!(
        catalogue(Locale::ZhHant).date(date).expect("date"),
        "2026年11月25日"
    );
    assert_eq!(
        catalogue(Locale::En).date(date).expect("date"),
        "25 November 2026"
    );
}
