//! Unit tests of the template context: gaps in each language, labels.

use super::gaps::gap;
use super::*;

fn catalogue(locale: crate::base::model::Locale) -> Catalogue {
    let name = Catalogue::template_name(locale);
    let text = crate::base::templates::builtin(&name).expect("built in");
    Catalogue::parse(locale, &name, text).expect("parses")
}

fn sample() -> Engagement {
    let text = include_str!("../../../../samples/northwind-logistics.yaml");
    crate::pipeline::load::parse(text).expect("the sample parses")
}

/// The metadata is written into every report as a Typst dictionary:
/// its keys must come out in the order the generated sources list them.
#[test]
fn metadata_keys_are_in_alphabetical_order() {
    let t = catalogue(crate::base::model::Locale::En);
    let e = sample();
    let b = Builder { e: &e, t: &t };
    let meta = b.meta(NaiveDate::default()).expect("meta");
    // As the templates see it: minijinja keeps the order fields are
    // serialized in.
    let meta = minijinja::Value::from(minijinja::value::Serde(&meta));
    let keys = |v: &minijinja::Value| -> Vec<String> {
        v.try_iter()
            .expect("a map")
            .map(|k| k.to_string())
            .collect()
    };
    let labels = meta.get_attr("labels").expect("labels");
    for dict in [&meta, &labels] {
        let found = keys(dict);
        let mut sorted = found.clone();
        sorted.sort();
        assert_eq!(found, sorted);
        assert!(found.len() > 10);
    }
}

#[test]
fn a_report_gets_its_own_title_subject_and_gaps() {
    let t = catalogue(crate::base::model::Locale::En);
    let e = sample();
    let context = build(&e, &t, NaiveDate::default(), None).expect("builds");
    let plan = context
        .for_report(ReportKey::Plan, &t, &[], &Certified::default())
        .expect("plan context");
    let meta = plan.get_attr("meta").expect("meta");
    assert_eq!(
        meta.get_attr("title").expect("title").to_string(),
        "Expert Service Plan"
    );
    // The sample's plan is confirmed: its subject says so.
    assert!(
        meta.get_attr("subject")
            .expect("subject")
            .to_string()
            .contains("as confirmed in writing")
    );
    assert!(!meta.get_attr("draft").expect("draft").is_true());
    let report = plan.get_attr("report").expect("report");
    assert_eq!(report.get_attr("number").expect("number").to_string(), "2");
}

#[test]
fn a_gap_names_the_draft_report_it_comes_from() {
    let t = catalogue(crate::base::model::Locale::En);
    let mut d = crate::base::diagnostic::Diagnostic::error(
        "nw.yaml",
        crate::base::model::Pos {
            line: 34,
            column: 14,
        },
        "late",
    );
    d.rule = Some(crate::base::diagnostic::RuleId::LeadTime);
    d.code = Some(crate::base::diagnostic::Code::LeadTime);
    d.arg("days", 9).arg("earliest", "2026-09-21");
    let own = gap(
        &Gap {
            diagnostic: &d,
            draft: None,
        },
        &t,
    )
    .expect("gap");
    assert_eq!(own.0, "Application at least 10 working days ahead");
    // The clause it rests on, not the rule's id: the page may reach the
    // customer, and speaks neither of rules' ids nor of the file.
    assert_eq!(own.1, "§3, §6");
    assert!(own.2.contains("21 September 2026"), "{}", own.2);
    assert!(
        own.3
            .starts_with("The service starts on 21 September 2026 or later"),
        "{}",
        own.3
    );
    assert!(!own.3.contains("nw.yaml") && !own.2.contains("nw.yaml"));
    let via = gap(
        &Gap {
            diagnostic: &d,
            draft: Some(ReportKey::Startup),
        },
        &t,
    )
    .expect("gap");
    assert!(
        via.2
            .starts_with("The Project Kick-off Report is still a draft: ")
    );
}

#[test]
fn measurements_print_without_needless_decimals() {
    assert_eq!(number(7180.0), "7180");
    assert_eq!(number(0.06), "0.06");
    assert_eq!(number(1.5), "1.5");
    assert_eq!(number(2.0 / 3.0), "0.667");
    let grouped = crate::base::locale::grouped;
    assert_eq!(grouped("7180"), "7,180");
    assert_eq!(grouped("999"), "999");
    assert_eq!(grouped("1234567.25"), "1,234,567.25");
    assert_eq!(grouped("-12500"), "-12,500");
    assert_eq!(grouped("0.06"), "0.06");
    assert_eq!(grouped("n/a"), "n/a");
}

#[test]
fn a_label_differs_from_a_term_in_any_word_its_examples_included() {
    // Typography alone (full-width brackets, spacing) is no difference.
    assert!(!label_differs(
        "網絡性能調優（如操作系統內核網絡參數調優）",
        "網絡性能調優(如操作系統內核網絡參數調優)"
    ));
    assert!(!label_differs(
        "網絡安全產品攻擊防護應用技巧（如 CC 攻擊防護）",
        "網絡安全產品攻擊防護應用技巧(如CC攻擊防護)"
    ));
    // An example changed, dropped or added is.
    assert!(label_differs(
        "網絡性能調優（如核心網絡參數調優）",
        "網絡性能調優(如操作系統內核網絡參數調優)"
    ));
    assert!(label_differs(
        "對象存儲底層技術深度指導",
        "對象存儲底層技術深度指導(基礎知識簡介、OSS 入門及實操、應用在客戶場景的分析討論)"
    ));
    assert!(label_differs(
        "作業系統性能調優（如核心參數調優）",
        "操作系統性能調優(如操作系統內核參數調優)"
    ));
    assert!(label_differs(
        "Network tuning (kernel parameters)",
        "網絡性能調優(如操作系統內核網絡參數調優)"
    ));
}

#[test]
fn topics_count_once_and_only_sessions_deliver_them() {
    let mut e = sample();
    e.findings
        .value
        .iter_mut()
        .for_each(|f| f.consulting_topics.clear());
    e.solutions
        .value
        .iter_mut()
        .for_each(|s| s.consulting_topics.clear());
    let topic = crate::base::model::Spanned::detached(Topic::DatabaseTuning);
    let detached = crate::base::model::Spanned::detached;
    e.enablement.value.truncate(2);
    e.enablement.value[0].consulting_topics = vec![topic.clone()];
    e.enablement.value[1].consulting_topics = vec![topic.clone(), detached(Topic::OsTuning)];
    // A finding or solution on a topic is diagnosis work, not a session.
    e.findings.value[0].consulting_topics = vec![detached(Topic::NetworkTuning)];
    e.solutions.value[0].consulting_topics = vec![topic, detached(Topic::NetworkTuning)];
    assert_eq!(
        e.delivered_topics(),
        vec![Topic::OsTuning, Topic::DatabaseTuning]
    );
}
