//! The label catalogues agree with each other and with the model's keys.

use dossier::base::code::Code;
use dossier::base::model::{
    Activity, Comparison, Exclusion, Locale, Package, Phase, Scenario, ServiceItem, Severity,
    TerminationReason, Topic, WaivableRule,
};
use dossier::pipeline::fill::{Filler, TemplateOptions};

fn catalogue(locale: Locale) -> dossier::base::locale::Catalogue {
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

/// The closing page of a draft may reach the customer: what it says of a
/// gap and of what closes it speaks of the engagement, never of the YAML
/// (no key, no `code`, no dotted path).
/// Whether `text` holds a YAML key or path: code in backticks, a
/// `snake_case` word or a `dotted.path`.
fn speaks_of_the_file(text: &str) -> bool {
    let is_key_char = |c: char| c.is_ascii_lowercase() || c == '_';
    text.contains('`')
        || text
            .split(|c: char| !(is_key_char(c) || c == '.'))
            .any(|word| {
                let word = word.trim_end_matches('.');
                let parts: Vec<&str> = word.split('.').collect();
                (word.contains('_') && word.chars().any(|c| c.is_ascii_lowercase()))
                    || (parts.len() > 1 && parts.iter().all(|p| p.len() >= 2))
            })
}

#[test]
fn a_drafts_gaps_page_names_no_key_of_the_file() {
    for locale in Locale::ALL {
        let t = catalogue(*locale);
        for group in ["gaps", "fixes"] {
            for code in Code::ALL {
                let path = format!("{group}.{}", code.key());
                for count in [1, 2] {
                    let text = t.form(&path, count).expect("label");
                    assert!(
                        !speaks_of_the_file(text),
                        "{locale}: {path} speaks of the file: {text}"
                    );
                }
            }
        }
    }
}

#[test]
fn every_key_of_the_model_has_a_label() {
    for locale in Locale::ALL {
        let t = catalogue(*locale);
        let groups: [(&str, Vec<&str>); 13] = [
            ("gaps", Code::ALL.iter().map(|k| k.key()).collect()),
            ("fixes", Code::ALL.iter().map(|k| k.key()).collect()),
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

#[test]
fn a_catalogue_of_ones_own_is_checked_before_anything_renders() {
    let work = tempfile::tempdir().expect("temp dir");
    let mine = work.path().join("mine");
    std::fs::create_dir_all(mine.join("locales")).expect("dir");
    let builtin = dossier::base::templates::builtin("locales/en.yaml").expect("built in");
    // A catalogue that lost two labels.
    let trimmed: String = builtin
        .lines()
        .filter(|l| !l.starts_with("  absent:") && !l.starts_with("  toc:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(mine.join("locales/en.yaml"), trimmed).expect("write");
    let out = work.path().join("out");
    let output = crate::common::dossier(&[
        "render",
        crate::common::arg(&crate::common::en_sample()),
        "-o",
        crate::common::arg(&out),
        "--templates",
        crate::common::arg(&mine),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = crate::common::text(&output.stderr);
    assert!(
        stderr.contains("lacks the labels doc.toc, locale.absent"),
        "{stderr}"
    );
    assert!(!out.join("NW-2026-007").exists(), "nothing is written");
}

#[test]
fn counts_take_the_plural_form_of_their_number() {
    let en = catalogue(Locale::En);
    let zh = catalogue(Locale::ZhHant);
    // Chinese has no plural forms: one label for every count.
    for (t, key, n, expected) in [
        (&en, "count_sessions", 1, "1 session"),
        (&en, "count_sessions", 2, "2 sessions"),
        (&en, "count_tests", 1, "1 stress test"),
        (&en, "count_findings", 0, "0 findings"),
        (&zh, "count_sessions", 1, "1 場教育訓練"),
        (&zh, "count_sessions", 3, "3 場教育訓練"),
    ] {
        assert_eq!(t.count(&format!("acceptance.{key}"), n).unwrap(), expected);
    }
    assert!(
        en.form("startup.lead_time", 1)
            .unwrap()
            .contains("1 working day later")
    );
    assert!(
        en.form("gaps.lead-time", 3)
            .unwrap()
            .contains("{days} working days")
    );
}

#[test]
fn a_single_item_reads_in_the_singular() {
    // With one stress test and one enablement session, the acceptance
    // report's completion table says "1 session", never "1 sessions".
    let one_session = crate::common::en_sample_with(
        "  - topic: Diagnosing slow scale-up of Kubernetes workloads\n    date: 2026-11-06\n    audience: Platform and SRE teams (7 people)\n    presenter: Mei Lin\n    format: online\n    consulting_topics: [cloud-native-diagnosis]\n",
        "",
    );
    let (dir, path) = crate::common::engagement_file(&one_session);
    let done = crate::common::render(&path, &dir.path().join("out"));
    let text = crate::common::squeeze(&crate::common::pdf_text(
        &lopdf::Document::load(&done.reports[4].file).expect("PDF"),
    ));
    for plural in [
        "1sessions",
        "1stresstests",
        "1findings",
        "1solutions",
        "1risks",
    ] {
        assert!(!text.contains(plural), "{plural} in {text}");
    }
    assert!(
        text.contains("1session") && text.contains("1stresstest"),
        "{text}"
    );
}

#[test]
fn a_name_ending_a_sentence_ends_it_once() {
    use dossier::base::locale::fill;
    assert_eq!(
        fill(
            "Distributed to {customer} and {provider}.",
            &[("customer", "Acme Ltd."), ("provider", "Cirrus Ltd.")]
        ),
        "Distributed to Acme Ltd. and Cirrus Ltd."
    );
    assert_eq!(fill("{a}. {a}", &[("a", "x")]), "x. x");
    // The same in Chinese, and for a reason that ends with a question.
    assert_eq!(
        fill(
            "風險接受理由：{reason}。",
            &[("reason", "已預留資源餘量。")]
        ),
        "風險接受理由：已預留資源餘量。"
    );
    assert_eq!(
        fill("Reason: {reason}.", &[("reason", "Why now?")]),
        "Reason: Why now?"
    );
}

#[test]
fn clauses_read_the_locales_way() {
    assert_eq!(catalogue(Locale::En).clause("§4.1 二"), "§4.1 item 2");
    assert_eq!(
        catalogue(Locale::En).clause("§7 一.1, §8"),
        "§7 item 1.1, §8"
    );
    assert_eq!(catalogue(Locale::ZhHant).clause("§4.1 二"), "§4.1 二");
    assert_eq!(
        catalogue(Locale::ZhHans).clause("§3, §3.1.2, §7 二"),
        "§3、§3.1.2、§7 二"
    );
}
