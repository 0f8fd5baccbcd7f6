//! The mistakes people make writing an engagement, one case per class:
//! each is reported with its message at the line and column where the fix
//! goes, with help, on each locale's sample.

use dossier::pipeline::load::load;

use crate::common::{engagement_file, position, root};

/// One mistake: a sample, one edit of it, and what `load` must say.
struct Case {
    /// What the case is.
    name: &'static str,
    /// The sample, relative to the repository.
    sample: &'static str,
    /// The text replaced (exactly once) and its replacement.
    from: &'static str,
    to: &'static str,
    /// The message, exactly.
    message: &'static str,
    /// A piece of the help.
    help: &'static str,
    /// Where the diagnostic points: the first occurrence of `at` in the
    /// edited file, plus `offset` characters.
    at: &'static str,
    offset: usize,
}

const EN: &str = "samples/northwind-logistics.yaml";
const HANS: &str = "samples/youxianhui-retail.yaml";
const HANT: &str = "samples/acme-retail/engagement.yaml";

const CASES: &[Case] = &[
    Case {
        name: "a missing key of a nested mapping",
        sample: EN,
        from: "  customer:\n    name: Northwind Logistics Ltd.\n",
        to: "  customer:\n",
        message: "missing key `name` in `engagement.customer`",
        help: "add `name:` under `customer:`",
        at: "  customer:\n",
        offset: 2,
    },
    Case {
        name: "a missing key of the engagement",
        sample: HANT,
        from: "  title: 臻品數位零售電商平臺全鏈路專家服務\n",
        to: "",
        message: "missing key `title` in `engagement`",
        help: "add `title:` under `engagement:`",
        at: "engagement:\n",
        offset: 0,
    },
    Case {
        name: "a missing key of a list item",
        sample: EN,
        from: "    product: PostgreSQL\n    severity: medium\n",
        to: "    product: PostgreSQL\n",
        message: "missing key `severity` in `findings[1] (NW-F2)`",
        help: "add `severity:` to this item",
        at: "id: NW-F2",
        offset: 0,
    },
    Case {
        name: "a tab in the indentation",
        sample: EN,
        from: "\n  title: Northwind Tracking Platform",
        to: "\n\ttitle: Northwind Tracking Platform",
        message: "a tab in the indentation",
        help: "replace the tab with spaces",
        at: "\ttitle",
        offset: 0,
    },
    Case {
        name: "a quote left open",
        sample: EN,
        from: "  classification: Confidential",
        to: "  classification: \"Confidential",
        message: "this quoted value is not closed on its line",
        help: "end the value with \"",
        at: "\"Confidential",
        offset: 0,
    },
    Case {
        name: "a bracket left open",
        sample: HANS,
        from: "  packages: [full-link-diagnosis, full-link-consulting]",
        to: "  packages: [full-link-diagnosis, full-link-consulting",
        message: "this `[` is not closed",
        help: "close it with `]` on the same line",
        at: "[full-link-diagnosis",
        offset: 0,
    },
    Case {
        name: "a key indented out of step",
        sample: EN,
        from: "\n  title: Northwind Tracking Platform",
        to: "\n   title: Northwind Tracking Platform",
        message: "`title` is indented by 3 spaces, the line above by 2",
        help: "indent `title:` like the keys of the same mapping",
        at: "   title:",
        offset: 3,
    },
    Case {
        name: "a date day first",
        sample: EN,
        from: "  applied_on: 2026-09-07",
        to: "  applied_on: 26/09/2026",
        message: "`26/09/2026` is not a date in the form `YYYY-MM-DD`",
        help: "write it as `2026-09-26`",
        at: "26/09/2026",
        offset: 0,
    },
    Case {
        name: "a day the month does not have",
        sample: HANS,
        from: "  applied_on: 2026-08-17",
        to: "  applied_on: 2026-02-30",
        message: "`2026-02-30` is not a date: February 2026 has 28 days",
        help: "`YYYY-MM-DD`, e.g. `2026-10-26`",
        at: "2026-02-30",
        offset: 0,
    },
    Case {
        name: "a month that does not exist",
        sample: EN,
        from: "  applied_on: 2026-09-07",
        to: "  applied_on: 2026-13-07",
        message: "`2026-13-07` is not a date: there is no month 13",
        help: "`YYYY-MM-DD`",
        at: "2026-13-07",
        offset: 0,
    },
    Case {
        name: "a date with a time",
        sample: HANT,
        from: "  applied_on: 2026-08-17",
        to: "  applied_on: 2026-08-17T09:00",
        message: "`2026-08-17T09:00` is a date and time; a date is expected",
        help: "write the date alone, `2026-08-17`",
        at: "2026-08-17T09:00",
        offset: 0,
    },
    Case {
        name: "yes for a boolean",
        sample: EN,
        from: "  large_resource_demand: false",
        to: "  large_resource_demand: yes",
        message: "`yes` is not a boolean",
        help: "write `true` or `false`",
        at: "large_resource_demand: yes",
        offset: 23,
    },
    Case {
        name: "text for a whole number",
        sample: HANS,
        from: "schema: 1",
        to: "schema: one",
        message: "`one` is not a whole number",
        help: "e.g. `3`",
        at: "one",
        offset: 0,
    },
    Case {
        name: "one value for a list",
        sample: EN,
        from: "  packages: [full-link-diagnosis]",
        to: "  packages: full-link-diagnosis",
        message: "expected a list",
        help: "one `- item` per line",
        at: "full-link-diagnosis",
        offset: 0,
    },
    Case {
        name: "a key without its value",
        sample: HANT,
        from: "  title: 臻品數位零售電商平臺全鏈路專家服務",
        to: "  title:",
        message: "this key has no value",
        help: "write its value after the colon",
        at: "  title:",
        offset: 7,
    },
    Case {
        name: "a date written the Chinese way",
        sample: HANS,
        from: "        from: 2026-10-13",
        to: "        from: 2026年10月13日",
        message: "`2026年10月13日` is not a date in the form `YYYY-MM-DD`",
        help: "write dates as `YYYY-MM-DD`",
        at: "2026年10月13日",
        offset: 0,
    },
    Case {
        name: "a value that is a full-width space",
        sample: EN,
        from: "    product: PostgreSQL\n    severity: medium\n",
        to: "    product: PostgreSQL\n    severity: \u{3000}\n",
        message: "unknown value `\u{3000}`",
        help: "expected one of `critical`",
        at: "severity: \u{3000}",
        offset: 10,
    },
];

#[test]
fn every_class_of_mistake_is_reported_where_the_fix_goes() {
    let mut failures = Vec::new();
    for case in CASES {
        let text = std::fs::read_to_string(root().join(case.sample)).expect("sample");
        assert_eq!(
            text.matches(case.from).count(),
            1,
            "{}: `{}` must occur once",
            case.name,
            case.from
        );
        let edited = text.replacen(case.from, case.to, 1);
        let (_dir, path) = engagement_file(&edited);
        let Err(err) = load(&path) else {
            failures.push(format!("{}: loaded", case.name));
            continue;
        };
        let d = err.diagnostic;
        let at = position(&edited, case.at, case.offset);
        let found = (d.pos.line, d.pos.column);
        if d.message != case.message
            || found != at
            || !d.hints.iter().any(|h| h.contains(case.help))
        {
            failures.push(format!(
                "{}: expected `{}` at {}:{} with help `{}`; got `{}` at {}:{} with {:?}",
                case.name,
                case.message,
                at.0,
                at.1,
                case.help,
                d.message,
                found.0,
                found.1,
                d.hints
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `check` and `render` read a tree the same way: an engagement `render`
/// refuses fails `check`, and `check --strict` fails exactly when
/// `render --strict` does.
#[test]
fn check_and_render_agree_on_a_tree() {
    use crate::common::{arg, dossier, en_sample, text};
    let work = tempfile::tempdir().expect("temp dir");
    let tree = work.path().join("tree");
    let sample = std::fs::read_to_string(en_sample()).expect("sample");
    // A previous version kept beside the current one: the same id twice.
    for name in ["current", "previous"] {
        std::fs::create_dir_all(tree.join(name)).expect("dir");
        std::fs::write(tree.join(name).join("engagement.yaml"), &sample).expect("write");
    }
    let check = dossier(&["check", arg(&tree)]);
    assert_eq!(check.status.code(), Some(1), "{}", text(&check.stderr));
    assert!(text(&check.stderr).contains("engagement id `NW-2026-007` is also used by"));
    let out = work.path().join("out");
    let render = dossier(&["render", arg(&tree), "-o", arg(&out)]);
    assert!(!render.status.success(), "{}", text(&render.stderr));

    // One engagement whose survey diagram is missing: an error for check,
    // drafts of the reports that print it for render, which still
    // delivers the whole bundle; under --strict both refuse it.
    std::fs::remove_dir_all(tree.join("previous")).expect("remove");
    let broken = sample.replace(
        "  analysis: |\n    The platform is sound",
        "  diagrams:\n    - path: diagrams/overview.png\n      caption: Overview\n      alt: The platform\n  analysis: |\n    The platform is sound",
    );
    assert_ne!(broken, sample);
    std::fs::write(tree.join("current").join("engagement.yaml"), &broken).expect("write");
    let check = dossier(&["check", arg(&tree)]);
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stderr).contains("`diagrams/overview.png` does not exist"));
    let out = work.path().join("out-2");
    let render = dossier(&["render", arg(&tree), "-o", arg(&out)]);
    let said = format!("{}{}", text(&render.stdout), text(&render.stderr));
    assert!(render.status.success(), "{said}");
    // The survey, the service report that shows the diagram too, and the
    // acceptance report that certifies them.
    assert!(said.contains("(2 final, 3 draft)"), "{said}");
    for strict in [["check", "--strict"], ["render", "--strict"]] {
        let mut args = strict.to_vec();
        args.push(arg(&tree));
        if strict[0] == "render" {
            args.extend(["-o", arg(&out)]);
        }
        let run = dossier(&args);
        assert!(!run.status.success(), "{strict:?}: {}", text(&run.stderr));
    }
}

/// `--only` takes a report's key or its title in any locale.
#[test]
fn only_accepts_each_locales_report_names() {
    use crate::common::{arg, dossier, en_sample, text};
    for name in [
        "startup",
        "kick-off",
        "Project Kick-off Report",
        "項目啟動報告",
        "启动",
    ] {
        let out = tempfile::tempdir().expect("temp dir");
        let run = dossier(&[
            "render",
            arg(&en_sample()),
            "-o",
            arg(out.path()),
            "--only",
            name,
            "--format",
            "typ",
        ]);
        assert!(run.status.success(), "{name}: {}", text(&run.stderr));
        let written = out.path().join("NW-2026-007");
        assert!(written.join("01-startup.typ").exists(), "{name}");
        assert!(!written.join("02-plan.typ").exists(), "{name}");
    }
    let run = dossier(&["render", arg(&en_sample()), "--only", "kickof"]);
    assert_eq!(run.status.code(), Some(2), "{}", text(&run.stderr));
}

/// A value past its field's limit is an error at the value (a block
/// scalar's first line of text), naming its place in the file with list
/// positions and ids, and the engagement is not laid out: one case per kind
/// of field, on each locale's sample.
#[test]
fn a_value_past_its_limit_is_refused_at_the_value() {
    use dossier::pipeline::validate::validate;
    let zh_title = "订单查询缺少复合索引导致主库 CPU 饱和";
    let mitigation = "完成索引最佳化；準備限流與排隊降級方案；預先演練主備援切換";
    let analysis = "長".repeat(40_001);
    // Sample, text replaced, its replacement, where the error must point
    // (the first occurrence of this text), the message.
    let cases = [
        (
            EN,
            "  title: Northwind Tracking Platform End-to-End Expert Service",
            format!(
                "  title: {}",
                "Northwind Tracking Platform ".repeat(11).trim_end()
            ),
            "Northwind Tracking Platform Northwind",
            "`engagement.title` is 307 characters long; a title or one-line item may have at most 300",
        ),
        (
            HANS,
            zh_title,
            zh_title.repeat(15),
            &*zh_title.repeat(2),
            "`findings[0] (F-01).title` is 315 characters long; a title or one-line item may have at most 300",
        ),
        (
            HANT,
            "    name: 臻品數位零售股份有限公司",
            format!("    name: {}", "臻品數位零售股份有限公司".repeat(11)),
            "臻品數位零售股份有限公司臻品",
            "`engagement.customer.name` is 132 characters long; a short field (a name, an id, a label) may have at most 120",
        ),
        (
            HANT,
            "    mitigation: 完成索引最佳化；準備限流與排隊降級方案；預先演練主備援切換",
            format!("    mitigation: {}", mitigation.repeat(70)),
            &*mitigation.repeat(2),
            "`risks[0] (R-01).mitigation` is 2,030 characters long; a one-paragraph field may have at most 2,000",
        ),
        (
            HANT,
            "  analysis: |\n",
            format!("  analysis: |\n    {analysis}\n"),
            &*analysis,
            "`survey.analysis` is 40,",
        ),
    ];
    let mut failures = Vec::new();
    for (sample, from, to, at, message) in &cases {
        let text = std::fs::read_to_string(root().join(sample)).expect("sample");
        assert_eq!(text.matches(from).count(), 1, "`{from}` must occur once");
        let edited = text.replacen(from, to, 1);
        let (_dir, path) = engagement_file(&edited);
        let loaded = load(&path).expect("an over-long value still loads");
        let validation = validate(&loaded);
        let found: Vec<_> = validation
            .diagnostics
            .iter()
            .filter(|d| d.code.is_some_and(|c| c.key() == "too-long"))
            .collect();
        let at = position(&edited, at, 0);
        match found.as_slice() {
            [d] if d.message.starts_with(message)
                && (d.pos.line, d.pos.column) == at
                && !d.hints.is_empty() => {}
            _ => failures.push(format!(
                "{message} at {at:?}: got {:?}",
                found
                    .iter()
                    .map(|d| (&d.message, d.pos))
                    .collect::<Vec<_>>()
            )),
        }
        assert!(validation.blocks_rendering(), "{message}: not refused");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The edit a missing key's diagnostic carries adds the key where the
/// message says it goes, indented like the mapping's other keys; the file
/// then reads on to that key's value.
#[test]
fn a_missing_key_comes_with_the_edit_that_adds_it() {
    let sample = std::fs::read_to_string(root().join(EN)).expect("sample");
    let from = "    product: PostgreSQL\n    severity: medium\n";
    let edited = sample.replacen(from, "    product: PostgreSQL\n", 1);
    let (_dir, file) = engagement_file(&edited);
    let err = load(&file).expect_err("a key is missing");
    let fix = err.diagnostic.fix.clone().expect("a fix");
    assert_eq!(fix.title, "add `severity:`");
    let at = fix.pos.byte_in(&edited);
    let fixed = format!("{}{}{}", &edited[..at], fix.insert, &edited[at..]);
    // The item's first key, after its dash.
    assert!(
        fixed.contains("  - severity: \n    id: NW-F2\n"),
        "{}",
        &fixed[at - 40..at + 60]
    );
    std::fs::write(&file, &fixed).expect("write");
    let next = load(&file).expect_err("the key has no value yet");
    let (line, _) = position(&fixed, "severity: \n    id: NW-F2", 0);
    assert_eq!(next.diagnostic.pos.line, line, "{}", next.diagnostic);
}
