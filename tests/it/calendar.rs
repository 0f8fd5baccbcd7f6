//! The built-in holiday tables against independent transcriptions of the
//! official announcements: PyPI's `chinesecalendar` (mainland China) and
//! `holidays` (Taiwan), read by `tools/calendars.py json`.

use std::process::Command;

use dossier::base::calendar::Table;
use dossier::base::model::HolidayRegion;

use crate::common::root;
use crate::tools::python;

/// The oracles' tables as JSON: two independent transcriptions of the
/// official holiday calendars, by `tools/calendars.py`.
fn oracle() -> serde_json::Value {
    let python = python();
    let output = Command::new(&python)
        .arg(root().join("tools/calendars.py"))
        .arg("json")
        .output()
        .unwrap_or_else(|e| panic!("{python} runs: {e}"));
    assert!(
        output.status.success(),
        "{python} tools/calendars.py failed"
    );
    serde_json::from_slice(&output.stdout).expect("calendars.py prints JSON")
}

fn days(value: &serde_json::Value) -> Vec<(String, String)> {
    value
        .as_array()
        .expect("a list of days")
        .iter()
        .map(|d| {
            (
                d[0].as_str().unwrap().to_owned(),
                d[1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn shipped(days: &[(&str, &str)]) -> Vec<(String, String)> {
    days.iter()
        .map(|(d, n)| (d.to_string(), n.to_string()))
        .collect()
}

#[test]
#[cfg_attr(
    not(tool_calendars),
    ignore = "needs chinesecalendar and holidays (DOSSIER_PYTHON)"
)]
fn the_holiday_tables_match_the_official_calendars() {
    let oracle = oracle();
    for region in HolidayRegion::ALL {
        let table = Table::of(*region);
        let expected = &oracle[region.key()];
        assert_eq!(
            (table.years.0 as i64, table.years.1 as i64),
            (
                expected["years"][0].as_i64().unwrap(),
                expected["years"][1].as_i64().unwrap()
            ),
            "{region}: years"
        );
        assert_eq!(
            shipped(table.holidays),
            days(&expected["holidays"]),
            "{region}: holidays"
        );
        assert_eq!(
            shipped(table.workdays),
            days(&expected["workdays"]),
            "{region}: make-up days"
        );
    }
}
