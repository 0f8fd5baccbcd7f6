//! The reports say what the statement of work says: agreed deviations,
//! per-solution implementation windows, reasons for declining, security
//! authorisation, evidence for service items, measurable targets,
//! placeholders, and an acceptance report that certifies only finals.

use dossier::base::diagnostic::Diagnostic;
use dossier::pipeline::load::load;
use dossier::pipeline::render::{OutputFormat, RenderOptions};
use dossier::pipeline::validate::{Validation, validate};
use dossier::{Renderer, ReportKey, Severity};

use crate::common::{arg, dossier, en_sample_with, engagement_file, position, text};

/// The English sample's text, unchanged.
fn sample() -> String {
    std::fs::read_to_string(crate::common::en_sample()).expect("sample")
}

fn validation(yaml: &str) -> Validation {
    let (_dir, path) = engagement_file(yaml);
    validate(&load(&path).unwrap_or_else(|e| panic!("{}", e.diagnostic)))
}

/// The diagnostics of `rule`.
fn of<'a>(v: &'a Validation, rule: &str) -> Vec<&'a Diagnostic> {
    v.diagnostics
        .iter()
        .filter(|d| d.rule.map(|r| r.id()) == Some(rule))
        .collect()
}

/// The one diagnostic of `rule`, at `at`, with `severity`.
fn assert_one(v: &Validation, rule: &str, severity: Severity, at: (u32, u32)) -> Diagnostic {
    let found = of(v, rule);
    assert_eq!(found.len(), 1, "{rule}: {:?}", v.diagnostics);
    let d = found[0];
    assert_eq!(d.severity, severity, "{rule}: {d}");
    assert_eq!((d.pos.line, d.pos.column), at, "{rule}: {d}");
    assert!(!d.hints.is_empty(), "{rule}: no hint");
    d.clone()
}

const LATE_START: (&str, &str) = ("  starts_on: 2026-09-28", "  starts_on: 2026-09-18");

const EXCEPTION: &str = "
exceptions:
  - rule: lead-time
    what: The provider accepted the application nine working days ahead.
    agreed_by:
      customer: Daniel Whitfield
      provider: Hannah Okafor
    agreed_on: 2026-09-08
    evidence: Email \"Start on 18 September confirmed\"
";

#[test]
fn an_agreed_deviation_covers_a_timing_breach_instead_of_back_dating() {
    let late = en_sample_with(LATE_START.0, LATE_START.1);
    let v = validation(&late);
    let breach = assert_one(
        &v,
        "lead-time",
        Severity::Error,
        position(&late, LATE_START.1, 13),
    );
    for hint in &breach.hints {
        assert!(
            !hint.contains("applied_on"),
            "hint suggests back-dating: {hint}"
        );
        assert!(hint.contains("exceptions"), "{hint}");
    }
    assert!(!v.is_final(ReportKey::Startup));

    let agreed = late + EXCEPTION;
    let v = validation(&agreed);
    assert!(v.diagnostics.is_empty(), "{:?}", v.diagnostics);
    for key in ReportKey::ALL {
        assert!(v.is_final(key), "{key}");
    }
}

#[test]
fn an_exception_that_covers_nothing_is_a_warning_at_its_rule() {
    let yaml = sample() + EXCEPTION;
    let v = validation(&yaml);
    assert_one(
        &v,
        "deviations",
        Severity::Warning,
        position(&yaml, "  - rule: lead-time", 10),
    );
    assert!(v.is_final(ReportKey::Acceptance));

    // An implementation window's exception must name its solution.
    let unnamed = sample() + &EXCEPTION.replace("rule: lead-time", "rule: implement-window");
    let v = validation(&unnamed);
    let d = assert_one(
        &v,
        "deviations",
        Severity::Warning,
        position(&unnamed, "implement-window", 0),
    );
    assert!(d.message.contains("name the solution"), "{d}");
}

#[test]
fn work_recorded_on_a_day_an_exception_rules_out_is_a_warning_at_its_date() {
    let late = en_sample_with(LATE_START.0, LATE_START.1);
    let implemented = "    implemented_on: 2026-10-23";
    let prevented = |from: &str, to: &str| {
        late.clone()
            + &EXCEPTION.replace(
                "    agreed_by:",
                &format!("    prevented: {{ from: {from}, to: {to} }}\n    agreed_by:"),
            )
    };
    // A solution implemented on the one day no work was possible.
    let yaml = prevented("2026-10-22", "2026-10-23");
    let v = validation(&yaml);
    let d = assert_one(
        &v,
        "deviations",
        Severity::Warning,
        position(&yaml, implemented, 20),
    );
    assert!(d.message.contains("2026-10-23"), "{d}");
    assert!(
        v.is_final(ReportKey::Acceptance),
        "a warning drafts nothing"
    );
    // The days before and after are free, and the period's ends count.
    let v = validation(&prevented("2026-10-24", "2026-10-25"));
    assert!(of(&v, "deviations").is_empty(), "{:?}", v.diagnostics);
    let v = validation(&prevented("2026-10-23", "2026-10-23"));
    assert_eq!(of(&v, "deviations").len(), 1, "{:?}", v.diagnostics);
    // Every kind of dated work: a retest, a measurement, a session.
    let mut all = Vec::new();
    for line in sample().lines() {
        for key in [
            "    date: ",
            "      date: ",
            "    measured_on: ",
            "    implemented_on: ",
        ] {
            if let Some(day) = line.strip_prefix(key) {
                all.push(day.trim().to_string());
            }
        }
    }
    let (first, last) = (
        all.iter().min().expect("dates"),
        all.iter().max().expect("dates"),
    );
    let v = validation(&prevented(first, last));
    assert!(of(&v, "deviations").len() >= 8, "{:?}", v.diagnostics);
    // A period that ends before it starts is an error.
    let v = validation(&prevented("2026-10-24", "2026-10-22"));
    assert!(
        v.diagnostics.iter().any(|d| d.severity == Severity::Error
            && d.rule.map(|r| r.id()) == Some("consistency")),
        "{:?}",
        v.diagnostics
    );
}

#[test]
fn a_deviation_is_printed_in_the_reports_it_concerns() {
    let yaml = en_sample_with(LATE_START.0, LATE_START.1) + EXCEPTION;
    let sources = sources(&yaml);
    for (key, source) in &sources {
        let printed = source.contains("Deviations from the statement of work")
            && source.contains("nine working days ahead")
            && source.contains("Start on 18 September confirmed");
        // lead-time concerns the startup report and the plan; the
        // acceptance report lists every deviation.
        let expected = matches!(
            key,
            ReportKey::Startup | ReportKey::Plan | ReportKey::Acceptance
        );
        assert_eq!(printed, expected, "{key}");
    }
}

#[test]
fn the_implementation_window_applies_to_every_solution_the_customer_implements() {
    // NW-S2, a query rewrite, is implemented at an agreed time too: at
    // most a calendar month after its proposal.
    let late = en_sample_with(
        "    implement_by: 2026-11-06\n",
        "    implement_by: 2027-01-29\n",
    );
    assert_one(
        &validation(&late),
        "implement-window",
        Severity::Error,
        position(&late, "implement_by: 2027-01-29", 14),
    );

    // Implemented, the day it was implemented is what counts.
    let implemented = en_sample_with("    implement_by: 2026-11-06\n", "");
    assert!(of(&validation(&implemented), "implement-window").is_empty());

    // Not implemented yet, it needs the agreed time, at its status.
    let scheduled = implemented.replace(
        "    implemented_on: 2026-10-23\n    status: verified\n",
        "    status: scheduled\n",
    );
    let d = assert_one(
        &validation(&scheduled),
        "implement-window",
        Severity::Error,
        position(&scheduled, "status: scheduled", 8),
    );
    assert!(d.message.contains("no `implement_by`"), "{d}");

    // Marked verified, it says when it was implemented.
    let undated = implemented.replace("    implemented_on: 2026-10-23\n", "");
    let d = assert_one(
        &validation(&undated),
        "implement-window",
        Severity::Error,
        position(&undated, "    status: verified\n  - id: NW-S3", 12),
    );
    assert!(d.message.contains("does not say when"), "{d}");

    // One whose effect waits on its implementation keeps its deadline.
    let waiting = implemented.replace(
        "    proposed_on: 2026-10-16\n    implemented_on: 2026-10-23",
        "    proposed_on: 2026-10-16\n    needs_implementation: true\n    implemented_on: 2026-10-23",
    );
    let v = validation(&waiting);
    assert_one(&v, "implement-window", Severity::Error, {
        let (line, _) = position(
            &waiting,
            "    needs_implementation: true\n    implemented_on: 2026-10-23",
            0,
        );
        (line, 27)
    });
}

#[test]
fn the_completion_mark_is_a_stamp_or_signature_besides_the_console_confirmation() {
    let console_only = en_sample_with("    method: email\n", "    method: console\n");
    assert_one(
        &validation(&console_only),
        "signoff",
        Severity::Warning,
        position(&console_only, "method: console", 8),
    );

    // The console confirmation is asked for besides the e-mail (§7 一.1),
    // and the acceptance report says so while it is not recorded.
    let no_console = en_sample_with(
        "  console:\n    on: 2026-11-16\n    reference: CNF-2026111600291\n",
        "",
    );
    let v = validation(&no_console);
    let d = assert_one(
        &v,
        "signoff",
        Severity::Warning,
        position(&no_console, "method: email", 8),
    );
    assert!(d.message.contains("cloud account console"), "{d}");
    let acceptance = source_of(&sources(&no_console), ReportKey::Acceptance);
    assert!(
        acceptance.contains("also confirms this report online in its cloud account console"),
        "{acceptance}"
    );
    let acceptance = source_of(&sources(&sample()), ReportKey::Acceptance);
    // As markup, the brackets and the hyphen are escaped.
    assert!(
        acceptance.contains("\\(confirmation CNF\\-2026111600291\\)"),
        "{acceptance}"
    );
    assert!(!acceptance.contains("or by confirming online"));

    // A sign-off before the service report's first issue accepts nothing
    // yet.
    let early = en_sample_with(
        "    on: 2026-11-16\n    method: email",
        "    on: 2026-11-10\n    method: email",
    );
    let d = assert_one(
        &validation(&early),
        "signoff",
        Severity::Error,
        position(&early, "on: 2026-11-10\n    method", 4),
    );
    assert!(d.message.contains("2026-11-13"), "{d}");
}

#[test]
fn an_engagement_without_objectives_is_pending() {
    let text = sample();
    let from = text.find("\nobjectives:\n").expect("objectives") + 1;
    let to = from + text[from..].find("\nscope:").expect("scope") + 1;
    let none = format!("{}objectives: []\n{}", &text[..from], &text[to..]);
    let v = validation(&none);
    assert_one(
        &v,
        "targets",
        Severity::Warning,
        position(&none, "objectives: []", 12),
    );
    for key in [ReportKey::Startup, ReportKey::Plan, ReportKey::Acceptance] {
        assert!(!v.is_final(key), "{key:?}");
    }
}

#[test]
fn a_declined_solution_needs_a_technical_reason() {
    let declined = en_sample_with(
        "    implemented_on: 2026-11-03\n    status: verified\n",
        "    status: declined\n",
    );
    let v = validation(&declined);
    assert_one(
        &v,
        "declined-reason",
        Severity::Error,
        position(&declined, "status: declined", 8),
    );
    assert!(!v.is_final(ReportKey::Service));

    let reasoned = declined.replace(
        "    status: declined\n",
        "    status: declined\n    declined_reason: The warm pool conflicts with the customer's reserved-instance contract.\n",
    );
    let v = validation(&reasoned);
    assert!(v.diagnostics.is_empty(), "{:?}", v.diagnostics);
    let service = sources(&reasoned)
        .into_iter()
        .find(|(k, _)| *k == ReportKey::Service)
        .map(|(_, s)| s)
        .expect("service");
    assert!(service.contains("reserved-instance contract"));
}

#[test]
fn security_work_anywhere_needs_the_monitoring_authorisation() {
    // A security consulting topic.
    let topic = en_sample_with(
        "  topics: [database-tuning,",
        "  topics: [attack-protection, database-tuning,",
    );
    let v = validation(&topic);
    let d = assert_one(
        &v,
        "security-auth",
        Severity::Error,
        position(&topic, "attack-protection", 0),
    );
    assert!(d.message.contains("attack-protection"), "{d}");

    // A finding on a security topic.
    let finding = en_sample_with(
        "    consulting_topics: [database-diagnosis]\n    retests:\n      - date: 2026-10-26",
        "    consulting_topics: [database-diagnosis, security-diagnosis]\n    retests:\n      - date: 2026-10-26",
    );
    let v = validation(&finding);
    assert_one(
        &v,
        "security-auth",
        Severity::Error,
        position(&finding, "security-diagnosis]", 0),
    );

    // Recorded, it passes.
    let authorised = finding
        + "\nsecurity:\n  monitoring_authorised: true\n  authorised_on: 2026-09-29\n  authorised_by: Daniel Whitfield\n";
    assert!(of(&validation(&authorised), "security-auth").is_empty());
}

#[test]
fn a_ticked_service_item_names_what_delivered_it() {
    let bare = en_sample_with(
        "    - { item: risk-assessment, evidence: [NW-R1, NW-R2, NW-R3] }\n",
        "    - risk-assessment\n",
    );
    let v = validation(&bare);
    assert_one(
        &v,
        "service-items",
        Severity::Error,
        position(&bare, "    - risk-assessment\n", 6),
    );
    assert!(!v.is_final(ReportKey::Service));

    let unknown = en_sample_with(
        "evidence: [NW-R1, NW-R2, NW-R3]",
        "evidence: [NW-R1, NW-R9]",
    );
    let v = validation(&unknown);
    let d = assert_one(
        &v,
        "consistency",
        Severity::Error,
        position(&unknown, "NW-R9", 0),
    );
    assert!(d.hints.iter().any(|h| h.contains("NW-R1")), "{d}");

    // Risk-assessment work in the plan while the item is not ticked.
    let unticked = en_sample_with(
        "    - { item: risk-assessment, evidence: [NW-R1, NW-R2, NW-R3] }\n",
        "",
    );
    let v = validation(&unticked);
    assert_one(
        &v,
        "service-items",
        Severity::Warning,
        position(&unticked, "activity: risk-assessment", 10),
    );
    assert!(v.is_final(ReportKey::Service));
}

const TARGET: &str = "    targets:
      - metric: P99 latency of the tracking API
        target: 400
        unit: ms
        comparison: at-most
        result: 310
        measured_by: NW-T1
";

/// The sample with `target` given to its second objective, whose verdict
/// then comes from the figures.
fn with_target(target: &str) -> String {
    en_sample_with(
        "\n\nscope:",
        &format!("\n{}\nscope:", target.trim_end_matches('\n')),
    )
    .replace(
        "    verdict:\n      outcome: met\n      evidence: [NW-T1, NW-S3]\n",
        "",
    )
}

#[test]
fn measurable_targets_are_compared_with_their_results() {
    let met = with_target(TARGET);
    let v = validation(&met);
    assert!(v.diagnostics.is_empty(), "{:?}", v.diagnostics);
    let all = sources(&met);
    for (key, source) in &all {
        let table = source.contains("Targets and results")
            && source.contains("P99 latency of the tracking API");
        assert_eq!(
            table,
            matches!(key, ReportKey::Service | ReportKey::Acceptance),
            "{key}"
        );
    }

    let unmeasured =
        with_target(&TARGET.replace("        result: 310\n        measured_by: NW-T1\n", ""));
    let v = validation(&unmeasured);
    let d = assert_one(
        &v,
        "targets",
        Severity::Warning,
        position(&unmeasured, "target: 400", 8),
    );
    assert_eq!(d.reports, vec![ReportKey::Acceptance]);
    assert!(v.is_final(ReportKey::Service));
    assert!(!v.is_final(ReportKey::Acceptance));

    let unsourced = with_target(&TARGET.replace("        measured_by: NW-T1\n", ""));
    let v = validation(&unsourced);
    assert_one(
        &v,
        "targets",
        Severity::Error,
        position(&unsourced, "result: 310", 8),
    );

    let missed = with_target(&TARGET.replace("result: 310", "result: 450"));
    let v = validation(&missed);
    assert_one(
        &v,
        "targets",
        Severity::Warning,
        position(&missed, "result: 450", 8),
    );
    assert!(v.is_final(ReportKey::Acceptance));

    let dangling = with_target(&TARGET.replace("measured_by: NW-T1", "measured_by: NW-T7"));
    let v = validation(&dangling);
    assert_one(
        &v,
        "consistency",
        Severity::Error,
        position(&dangling, "NW-T7", 0),
    );
}

#[test]
fn a_placeholder_keeps_every_report_that_prints_it_a_draft() {
    let yaml = en_sample_with(
        "    name: Northwind Logistics Ltd.",
        "    name: Customer name",
    );
    let v = validation(&yaml);
    let d = assert_one(
        &v,
        "placeholder",
        Severity::Warning,
        position(&yaml, "Customer name", 0),
    );
    assert_eq!(d.reports, ReportKey::ALL.to_vec());
    for key in ReportKey::ALL {
        assert!(!v.is_final(key), "{key}");
    }

    // Under `survey`, only the reports that print the survey.
    let survey = en_sample_with(
        "  business: |\n    Northwind moves about 1.2 million parcels a day for 300 retail customers. Retailers and\n    their shoppers follow each parcel through the tracking API, which answers **35 million\n    requests a day**; carrier scan events arrive in nightly batches and in real time.\n",
        "  business: Describe the customer's business and its critical paths.\n",
    );
    let v = validation(&survey);
    let d = assert_one(
        &v,
        "placeholder",
        Severity::Warning,
        position(&survey, "Describe the customer's business", 0),
    );
    assert_eq!(d.reports, vec![ReportKey::Survey, ReportKey::Service]);
}

#[test]
fn a_blank_engagement_renders_no_final() {
    let work = tempfile::tempdir().expect("temp dir");
    let dir = work.path().join("blank");
    assert!(
        dossier(&["init", arg(&dir), "--locale", "en"])
            .status
            .success()
    );
    let out = work.path().join("out");
    let rendered = dossier(&[
        "render",
        arg(&dir),
        "-o",
        arg(&out),
        "--summary",
        arg(&work.path().join("s.json")),
    ]);
    assert!(rendered.status.success(), "{}", text(&rendered.stderr));
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(work.path().join("s.json")).expect("summary"))
            .expect("JSON");
    let reports = summary["engagements"][0]["reports"]
        .as_array()
        .expect("reports");
    assert_eq!(reports.len(), 5);
    for r in reports {
        assert_eq!(r["status"], "draft", "{r}");
    }
}

#[test]
fn the_acceptance_report_is_final_only_when_all_it_certifies_are() {
    // All five final.
    let ok = validation(&sample());
    assert!(ok.is_final(ReportKey::Acceptance));
    assert!(ok.gaps(ReportKey::Acceptance).is_empty());

    // A late start keeps the startup report and the plan drafts; the
    // signed-off acceptance report must not certify them.
    let late = en_sample_with(LATE_START.0, LATE_START.1);
    let v = validation(&late);
    assert!(of(&v, "signoff").is_empty(), "the sign-off is there");
    assert!(!v.is_final(ReportKey::Acceptance));
    let gaps = v.gaps(ReportKey::Acceptance);
    let drafts: Vec<Option<ReportKey>> = gaps.iter().map(|g| g.draft).collect();
    // One gap for each report the breach keeps a draft, each named.
    assert_eq!(
        drafts,
        vec![Some(ReportKey::Startup), Some(ReportKey::Plan)]
    );
    assert!(
        gaps.iter()
            .all(|g| g.diagnostic.rule.map(|r| r.id()) == Some("lead-time"))
    );

    // The customer's sign-off missing besides: the acceptance report
    // waits for the reports it certifies, not for the signature.
    let unsigned = en_sample_with(
        "  signoff:\n    by: Daniel Whitfield\n    title: Head of Platform Engineering\n    on: 2026-11-16\n    method: email\n    reference: \"Message-ID: <acceptance-nw-2026-007@northwind.example>\"\n",
        "",
    )
    .replace(LATE_START.0, LATE_START.1);
    let v = validation(&unsigned);
    let gaps = v.gaps(ReportKey::Acceptance);
    assert_eq!(gaps.len(), 2, "{gaps:?}");
    assert!(
        gaps.iter()
            .all(|g| g.diagnostic.rule.map(|r| r.id()) == Some("lead-time")),
        "{gaps:?}"
    );
    assert_eq!(of(&v, "signoff").len(), 1, "{:?}", v.diagnostics);
}

#[test]
fn a_draft_acceptance_names_each_draft_report_and_why() {
    let late = en_sample_with(LATE_START.0, LATE_START.1);
    let (dir, path) = engagement_file(&late);
    let out = dir.path().join("out");
    let done = crate::common::render(&path, &out);
    let status: Vec<(ReportKey, bool)> = done.reports.iter().map(|r| (r.key, r.is_final)).collect();
    assert_eq!(
        status,
        vec![
            (ReportKey::Startup, false),
            (ReportKey::Plan, false),
            (ReportKey::Survey, true),
            (ReportKey::Service, true),
            (ReportKey::Acceptance, false),
        ]
    );
    let acceptance = lopdf::Document::load(&done.reports[4].file).expect("PDF");
    let words = crate::common::squeeze(&crate::common::pdf_text(&acceptance));
    assert!(
        words.contains(&crate::common::squeeze(
            "The Project Kick-off Report is still a draft"
        )),
        "{words}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(done.dir.join("manifest.json")).expect("manifest"))
            .expect("JSON");
    assert_eq!(manifest["signed_off"], false);
}

#[test]
fn contract_wording_follows_the_engagement() {
    let remote = sources(&sample());
    let startup = source_of(&remote, ReportKey::Startup);
    // The monitoring authorisation is a duty without conditions.
    assert!(
        startup.contains("Authorises the provider to monitor and analyse security events 24/7.")
    );
    assert!(!startup.contains("where security services are in scope"));
    // No residency: no on-site duties.
    assert!(!startup.contains("office conditions"));
    assert!(!startup.contains("Works at the customer’s site"));
    let plan = source_of(&remote, ReportKey::Plan);
    assert!(plan.contains("as confirmed in writing by the customer"));
    // The exclusions of the contract, with the help note, always.
    assert!(plan.contains("The service does not cover"));
    assert!(plan.contains("the platform’s community"));
    // Only the packages bought promise their deliverables.
    assert!(!plan.contains("consulting sessions are also held"));
    let acceptance = source_of(&remote, ReportKey::Acceptance);
    assert!(acceptance.contains("in its cloud account console"));
    assert!(!acceptance.contains("provider's account console"));
    // The distribution statement invents no obligation.
    assert!(!startup.contains("disclos"));

    let onsite = en_sample_with(
        "  large_resource_demand: false\n",
        "  large_resource_demand: false\n  distribution: Northwind platform team and Contoso engagement team only.\n  residency:\n    - from: 2026-09-28\n      to: 2026-10-02\n      location: Northwind HQ, Rotterdam\n",
    )
    .replace(
        "  packages: [full-link-diagnosis]",
        "  packages: [full-link-diagnosis, full-link-consulting]",
    );
    let onsite = onsite.replace(
            "  provider:\n    name: Cirrus Expert Services Ltd.",
            "  provider:\n    name: Cirrus Expert Services Ltd.\n    community: the Contoso Developer Forum\n    marketplace: Contoso Marketplace",
        );
    let all = sources(&onsite);
    let startup = source_of(&all, ReportKey::Startup);
    assert!(startup.contains("office conditions"));
    assert!(startup.contains("staff are kept safe"));
    assert!(startup.contains("Works at the customer’s site"));
    assert!(startup.contains("Northwind platform team and Contoso engagement team only."));
    let plan = source_of(&all, ReportKey::Plan);
    assert!(plan.contains("consulting sessions are also held"));
    assert!(plan.contains("the Contoso Developer Forum"));
    assert!(plan.contains("Contoso Marketplace"));
}

#[test]
fn topics_count_what_was_delivered() {
    let counted = |yaml: &str, expected: &str| {
        let service = source_of(&sources(yaml), ReportKey::Service);
        assert!(
            service.contains(expected),
            "{}",
            service
                .lines()
                .find(|l| l.contains("Consulting topics"))
                .unwrap_or_default()
        );
    };
    let two = en_sample_with(
        "    format: online\n    consulting_topics: [cloud-native-diagnosis]\n",
        "    format: online\n",
    );
    // Finding NW-F3 is on the topic, but only a session delivers one.
    assert!(two.contains("    consulting_topics: [cloud-native-diagnosis]\n"));
    counted(&two, "Consulting topics\\: 2 of the 3 planned delivered");
    let three = two.replace(
        "    format: online\n\nacceptance:",
        "    format: online\n    consulting_topics: [cloud-native-diagnosis]\n\nacceptance:",
    );
    counted(&three, "Consulting topics\\: 3 of the 3 planned delivered");
}

fn source_of(all: &[(ReportKey, String)], key: ReportKey) -> String {
    all.iter()
        .find(|(k, _)| *k == key)
        .map(|(_, s)| s.clone())
        .expect("report")
}

/// The generated Typst source of every report of `yaml`.
fn sources(yaml: &str) -> Vec<(ReportKey, String)> {
    let (_dir, path) = engagement_file(yaml);
    let loaded = load(&path).expect("loads");
    let validation = validate(&loaded);
    let renderer = Renderer::new(RenderOptions {
        format: OutputFormat::Typ,
        ..RenderOptions::default()
    });
    crate::common::worker(renderer)
        .run(|r| r.sources(&loaded, &validation).map_err(|e| e.to_string()))
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|f| (f.key, f.source))
        .collect()
}

#[test]
fn acceptance_of_the_application_and_early_termination_are_recorded() {
    let yaml = en_sample_with(
        "  large_resource_demand: false\n",
        "  large_resource_demand: false\n  termination:\n    on: 2026-11-06\n    reason: withheld-information\n    by: Hannah Okafor\n    note: The carrier feed's error logs were not provided after two requests.\n",
    );
    let v = validation(&yaml);
    assert!(v.diagnostics.is_empty(), "{:?}", v.diagnostics);
    let all = sources(&yaml);
    let startup = source_of(&all, ReportKey::Startup);
    assert!(startup.contains("confirmed on 9 September 2026 that it would take on this service"));
    for (key, source) in &all {
        assert!(
            source.contains("This service ended early, on 6 November 2026")
                && source.contains("the customer withheld information the service needed")
                && source.contains("This report covers the work completed before the end"),
            "{key}"
        );
    }

    // Suspended (中止) rather than ended, every report says so.
    let suspended = yaml.replace(
        "    reason: withheld-information\n",
        "    suspended: true\n    reason: withheld-information\n",
    );
    assert!(validation(&suspended).diagnostics.is_empty());
    for (key, source) in &sources(&suspended) {
        assert!(
            source.contains("The service was suspended on 6 November 2026")
                && source.contains("covers only the work done before the suspension")
                && !source.contains("ended early"),
            "{key}"
        );
    }

    // Both dates must fall where the contract puts them.
    let early = yaml.replace("    on: 2026-09-09\n", "    on: 2026-09-01\n");
    let v = validation(&early);
    let (line, _) = position(&early, "    on: 2026-09-01", 0);
    let d = assert_one(&v, "consistency", Severity::Error, (line, 9));
    assert!(d.message.contains("accepted.on"), "{d}");
    let after = yaml.replace("    on: 2026-11-06\n", "    on: 2026-12-01\n");
    let v = validation(&after);
    let (line, _) = position(&after, "    on: 2026-12-01", 0);
    assert_one(&v, "consistency", Severity::Error, (line, 9));
}

#[test]
fn the_statement_of_works_own_terms_are_kept_beside_the_catalogues() {
    let dir = crate::common::zh_sample();
    let loaded = load(&dir).expect("loads");
    let validation = validate(&loaded);
    let renderer = Renderer::new(RenderOptions {
        format: OutputFormat::Typ,
        ..RenderOptions::default()
    });
    let all: Vec<(ReportKey, String)> = crate::common::worker(renderer)
        .run(|r| r.sources(&loaded, &validation).map_err(|e| e.to_string()))
        .expect("sources")
        .into_iter()
        .map(|f| (f.key, f.source))
        .collect();
    let plan = source_of(&all, ReportKey::Plan);
    // The plan is the statement of work's 支持計劃; a topic label that
    // differs from the statement of work's term (here by the statement's
    // own 云) keeps that term beside it.
    assert!(plan.contains("與工作說明書用語對照"));
    assert!(
        plan.contains("(\"項目專家服務方案\", \"支持計劃\", \"§3.1.2\")"),
        "{plan}"
    );
    assert!(plan.contains(
        "\"雲原生組成原理（Kubernetes、Istio、Serverless 等）\", \"云原生組成原理(Kubernetes、Istio、Serverless等)\""
    ));
    // The whole label is compared, its examples included: the seed's
    // product names replaced (RDS) are a difference of words.
    assert!(
        plan.contains("\"資料庫效能調校（如 SQL 調校、實例參數調校）\", \"數據庫性能調優(如SQL調優、RDS參數調優)\""),
        "{plan}"
    );
    // A label in Taiwan usage differs from the statement of work's words
    // (網路 for 網絡) and is listed beside it; typography alone would not
    // be (see `label_differs`).
    assert!(plan.contains(
        "\"網路安全產品攻擊防護應用技巧（如 CC 攻擊防護）\", \"網絡安全產品攻擊防護應用技巧(如CC攻擊防護)\""
    ));
    let service = source_of(&all, ReportKey::Service);
    // As markup, the hyphen is escaped.
    assert!(
        service.contains("《專家服務報告\\-全鏈路專家診斷與調優》"),
        "{service}"
    );
}

const FIRST_VERDICT: &str = "    verdict:\n      outcome: met\n      evidence: [NW-F1, NW-S1]\n      reason: No tracking request timed out during the import nights of 29 October to 12 November.\n";

#[test]
fn every_objective_gets_a_verdict_with_its_evidence_or_reason() {
    // No verdict, no targets to settle it: pending at the objective, for
    // the service and acceptance reports.
    let unassessed = en_sample_with(FIRST_VERDICT, "");
    let v = validation(&unassessed);
    let d = assert_one(
        &v,
        "targets",
        Severity::Warning,
        position(&unassessed, "title: Stop the nightly timeouts", 0),
    );
    assert_eq!(d.reports, vec![ReportKey::Service, ReportKey::Acceptance]);
    assert!(!v.is_final(ReportKey::Acceptance));
    assert!(!v.is_final(ReportKey::Service));
    assert!(v.is_final(ReportKey::Plan));

    // Not met, or not measured, says why.
    for outcome in ["not-met", "not-measured"] {
        let bare = en_sample_with(
            FIRST_VERDICT,
            &format!("    verdict:\n      outcome: {outcome}\n"),
        );
        let v = validation(&bare);
        let d = assert_one(
            &v,
            "targets",
            Severity::Error,
            position(&bare, &format!("outcome: {outcome}"), 9),
        );
        assert!(d.message.contains("gives no reason"), "{d}");
    }
    // Met names its evidence (or its figures do).
    let bare = en_sample_with(FIRST_VERDICT, "    verdict:\n      outcome: met\n");
    let v = validation(&bare);
    let d = assert_one(
        &v,
        "targets",
        Severity::Error,
        position(&bare, "outcome: met\n  - title", 9),
    );
    assert!(d.message.contains("names no evidence"), "{d}");
    // Its evidence exists.
    let dangling = en_sample_with("evidence: [NW-F1, NW-S1]", "evidence: [NW-F1, NW-S9]");
    let v = validation(&dangling);
    assert_one(
        &v,
        "consistency",
        Severity::Error,
        position(&dangling, "NW-S9", 0),
    );

    // A verdict against the figures is an error; the figures alone decide.
    let contradicting = with_target(TARGET).replace(
        "    targets:\n",
        "    verdict: { outcome: not-met, reason: Too slow. }\n    targets:\n",
    );
    let v = validation(&contradicting);
    let d = assert_one(
        &v,
        "targets",
        Severity::Error,
        position(&contradicting, "outcome: not-met", 9),
    );
    assert!(d.message.contains("contradicts"), "{d}");

    // Not measured, with the reason: the unmeasured target is excused.
    let excused = with_target(&TARGET.replace("        result: 310\n        measured_by: NW-T1\n", ""))
        .replace(
            "    targets:\n",
            "    verdict: { outcome: not-measured, reason: The peak came after the service ended. }\n    targets:\n",
        );
    let v = validation(&excused);
    assert!(v.diagnostics.is_empty(), "{:?}", v.diagnostics);
    let all = sources(&excused);
    let acceptance = source_of(&all, ReportKey::Acceptance);
    assert!(
        acceptance.contains("Business goals and outcomes"),
        "{acceptance}"
    );
    assert!(acceptance.contains("The peak came after the service ended."));
    assert!(acceptance.contains("\"Not measured\""), "{acceptance}");
    let service = source_of(&all, ReportKey::Service);
    assert!(service.contains("Business goals and outcomes"));
}

#[test]
fn every_planned_topic_and_service_item_is_delivered_waived_or_deferred() {
    // A planned topic nothing delivered: pending at the topic, for the
    // acceptance report, and listed as open.
    let undelivered = en_sample_with(
        "    format: online\n    consulting_topics: [cloud-native-diagnosis]\n",
        "    format: online\n",
    );
    let v = validation(&undelivered);
    let topics = position(&undelivered, "cloud-native-diagnosis]", 0);
    let d = assert_one(&v, "service-items", Severity::Warning, topics);
    assert_eq!(d.reports, vec![ReportKey::Acceptance]);
    assert!(!v.is_final(ReportKey::Acceptance));
    let acceptance = source_of(&sources(&undelivered), ReportKey::Acceptance);
    assert!(
        acceptance.contains("The planned consulting topic “Cloud-native diagnosis"),
        "{acceptance}"
    );
    assert!(!acceptance.contains("No items remain open"));

    // Waived by agreement: final, printed with its reason, and closed.
    let waived = undelivered.replace(
        "  signoff:\n",
        "  undelivered:\n    - topic: cloud-native-diagnosis\n      decision: waived\n      reason: The customer's team reviewed the autoscaler with the vendor instead.\n      agreed_by: { customer: Daniel Whitfield, provider: Hannah Okafor }\n      agreed_on: 2026-11-10\n  signoff:\n",
    );
    let v = validation(&waived);
    assert!(v.diagnostics.is_empty(), "{:?}", v.diagnostics);
    let acceptance = source_of(&sources(&waived), ReportKey::Acceptance);
    assert!(acceptance.contains("Planned items not delivered"));
    assert!(acceptance.contains("reviewed the autoscaler with the vendor"));
    assert!(acceptance.contains("No items remain open"), "{acceptance}");

    // Deferred: open, with its new date.
    let deferred = waived
        .replace("decision: waived", "decision: deferred")
        .replace(
            "agreed_on: 2026-11-10\n",
            "agreed_on: 2026-11-10\n      due: 2027-01-15\n",
        );
    let v = validation(&deferred);
    assert!(v.diagnostics.is_empty(), "{:?}", v.diagnostics);
    let acceptance = source_of(&sources(&deferred), ReportKey::Acceptance);
    assert!(!acceptance.contains("No items remain open"));
    assert!(acceptance.contains("15 January 2027"), "{acceptance}");

    // A record that names something delivered, or unplanned, is an error
    // at the name.
    for (topic, why) in [
        ("database-diagnosis", "which was delivered"),
        ("network-tuning", "not among the planned topics"),
    ] {
        let wrong = waived.replace(
            "    - topic: cloud-native-diagnosis\n",
            &format!("    - topic: {topic}\n"),
        );
        let v = validation(&wrong);
        let found: Vec<_> = of(&v, "service-items")
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        assert_eq!(found.len(), 1, "{topic}: {:?}", v.diagnostics);
        assert!(found[0].message.contains(why), "{}", found[0]);
        let at = position(&wrong, &format!("- topic: {topic}"), 9);
        assert_eq!((found[0].pos.line, found[0].pos.column), at);
    }

    // A service item a plan activity promised, not delivered: pending at
    // the activity.
    let unticked = en_sample_with(
        "    - { item: risk-assessment, evidence: [NW-R1, NW-R2, NW-R3] }\n",
        "",
    );
    let v = validation(&unticked);
    let d = assert_one(
        &v,
        "service-items",
        Severity::Warning,
        position(&unticked, "activity: risk-assessment", 10),
    );
    assert_eq!(d.reports, vec![ReportKey::Acceptance]);
    let deferred_item = unticked.replace(
        "  signoff:\n",
        "  undelivered:\n    - item: risk-assessment\n      decision: deferred\n      reason: Moved to the next engagement.\n      agreed_by: { customer: Daniel Whitfield, provider: Hannah Okafor }\n      agreed_on: 2026-11-10\n      due: 2027-03-01\n  signoff:\n",
    );
    let v = validation(&deferred_item);
    assert!(v.diagnostics.is_empty(), "{:?}", v.diagnostics);
    assert!(v.is_final(ReportKey::Acceptance));
}

#[test]
fn a_finding_still_open_at_acceptance_names_its_owner_and_date() {
    let open = en_sample_with(
        "\nrisks:\n",
        "  - id: NW-F4\n    title: Carrier webhook retries pile up\n    scenario: data\n    product: PostgreSQL\n    severity: low\n    status: open\n    description: Failed webhooks are retried without backoff.\n    root_cause: The retry loop has no backoff.\n    recommendation: Retry with exponential backoff.\n\nrisks:\n",
    );
    let v = validation(&open);
    let d = assert_one(
        &v,
        "retests",
        Severity::Warning,
        position(&open, "id: NW-F4", 4),
    );
    assert_eq!(d.reports, vec![ReportKey::Acceptance]);
    assert!(!v.is_final(ReportKey::Acceptance));

    let owned = open.replace(
        "    recommendation: Retry with exponential backoff.\n",
        "    recommendation: Retry with exponential backoff.\n    owner: Tomás Reyes\n    due: 2026-12-18\n",
    );
    let v = validation(&owned);
    assert!(v.diagnostics.is_empty(), "{:?}", v.diagnostics);
    let acceptance = source_of(&sources(&owned), ReportKey::Acceptance);
    let row = acceptance
        .lines()
        .find(|l| l.contains("NW-F4 Carrier webhook retries pile up"))
        .unwrap_or_else(|| panic!("an open item: {acceptance}"));
    assert!(
        row.contains("Tomás Reyes") && row.contains("18 December 2026"),
        "{row}"
    );
    assert!(!acceptance.contains("No items remain open"));
}

#[test]
fn the_sign_off_names_the_version_the_customer_confirmed() {
    // Version 1.1 records the sign-off, the day it was given: the customer
    // confirmed 1.0.
    let confirmed = |yaml: &str| {
        let acceptance = source_of(&sources(yaml), ReportKey::Acceptance);
        acceptance
            .lines()
            .find(|l| l.contains("The customer confirmed acceptance"))
            .unwrap_or_default()
            .to_string()
    };
    assert!(confirmed(&sample()).contains("version 1\\.0 of this report"));
    let named = en_sample_with(
        "    method: email\n",
        "    method: email\n    version: \"1.1\"\n",
    );
    assert!(validation(&named).diagnostics.is_empty());
    assert!(confirmed(&named).contains("version 1\\.1 of this report"));
    let unknown = en_sample_with(
        "    method: email\n",
        "    method: email\n    version: \"2.0\"\n",
    );
    let v = validation(&unknown);
    assert_one(
        &v,
        "signoff",
        Severity::Error,
        position(&unknown, "\"2.0\"", 0),
    );
}

#[test]
fn accepting_a_risk_instead_of_the_fix_needs_a_technical_reason() {
    let accepted = en_sample_with(
        "        result: fixed\n        evidence: EXPLAIN of the recent-events query shows 1 of 24 partitions scanned.\n",
        "        result: risk-accepted\n        accepted_by: Daniel Whitfield, Head of Platform Engineering\n        evidence: E-mail of 26 October.\n",
    );
    let v = validation(&accepted);
    assert_one(
        &v,
        "declined-reason",
        Severity::Error,
        position(&accepted, "result: risk-accepted", 8),
    );
    assert!(!v.is_final(ReportKey::Service));
    assert!(!v.is_final(ReportKey::Acceptance));

    let reasoned = accepted.replace(
        "        evidence: E-mail of 26 October.\n",
        "        reason: Partitioning the events table needs a maintenance window the customer has booked for January.\n        evidence: E-mail of 26 October.\n",
    );
    let v = validation(&reasoned);
    assert!(of(&v, "declined-reason").is_empty(), "{:?}", v.diagnostics);
    let all = sources(&reasoned);
    for key in [ReportKey::Service, ReportKey::Acceptance] {
        assert!(
            source_of(&all, key).contains("maintenance window the customer has booked"),
            "{key:?} prints the reason"
        );
    }
}

#[test]
fn a_large_resource_demand_prints_the_advice_to_apply_a_month_ahead() {
    // Applied on 7 September, starting on 28 September: under a month.
    let large = en_sample_with(
        "  large_resource_demand: false",
        "  large_resource_demand: true",
    );
    let startup = source_of(&sources(&large), ReportKey::Startup);
    assert!(
        startup.contains(
            "the statement of work advises applying a month ahead \\(a start no earlier than 7 October 2026\\)"
        ),
        "{startup}"
    );
    assert!(startup.contains("this service starts earlier"), "{startup}");
    // A month ahead, the advice is printed as kept.
    let kept = large.replace("  starts_on: 2026-09-28", "  starts_on: 2026-10-07");
    let startup = source_of(&sources(&kept), ReportKey::Startup);
    assert!(
        startup.contains("the service starts no earlier than 7 October 2026, as advised"),
        "{startup}"
    );
    // Without a large demand, nothing is said of it.
    let plain = source_of(&sources(&sample()), ReportKey::Startup);
    assert!(!plain.contains("advises applying a month ahead"));
}

#[test]
fn evidence_fits_the_service_item_it_proves() {
    // A risk cannot show that an expert diagnosis was delivered.
    let unfit = en_sample_with(
        "evidence: [NW-F1, NW-F2, NW-F3]",
        "evidence: [NW-F1, NW-R1, NW-F3]",
    );
    let v = validation(&unfit);
    let d = assert_one(
        &v,
        "service-items",
        Severity::Error,
        position(&unfit, "NW-R1, NW-F3]", 0),
    );
    assert!(d.message.contains("NW-R1 is a risk"), "{d}");
    assert!(!v.is_final(ReportKey::Acceptance));
    // Findings can show a risk assessment as well as risks.
    let fit = en_sample_with(
        "evidence: [NW-R1, NW-R2, NW-R3]",
        "evidence: [NW-R1, NW-F2, NW-R3]",
    );
    assert!(of(&validation(&fit), "service-items").is_empty());
}

#[test]
fn a_stress_test_whose_tuning_changed_little_has_two_charts() {
    // The tuned latency gets a chart of its own only when the untuned
    // figures would flatten it; otherwise the report has two charts.
    let yaml = en_sample_with(
        "      - { concurrency: 300, throughput: 4350, p50: 31, p95: 120, p99: 240, error_rate: 0.01 }",
        "      - { concurrency: 300, throughput: 2400, p50: 80, p95: 400, p99: 1100, error_rate: 1.5 }",
    );
    let service = source_of(&sources(&yaml), ReportKey::Service);
    assert_eq!(service.matches("#figure(line-chart(").count(), 2);
}
