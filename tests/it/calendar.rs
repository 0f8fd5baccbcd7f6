//! The built-in holiday tables against independent transcriptions of the
//! official announcements: PyPI's `chinesecalendar` (mainland China) and
//! `holidays` (Taiwan), read by `tools/calendars.py json`.

use std::process::Command;

use dossier::calendar::Table;
use dossier::model::HolidayRegion;

use crate::common::root;

/// The oracles' tables as JSON, or `None` where Python lacks the packages
/// (outside CI, which installs them and names its Python in
/// `DOSSIER_PYTHON`).
fn oracle() -> Option<serde_json::Value> {
    let python = std::env::var("DOSSIER_PYTHON").unwrap_or_else(|_| "python3".into());
    let output = Command::new(&python)
        .arg(root().join("tools/calendars.py"))
        .arg("json")
        .output();
    match output {
        Ok(out) if out.status.success() => {
            Some(serde_json::from_slice(&out.stdout).expect("calendars.py prints JSON"))
        }
        _ if std::env::var_os("CI").is_some() => {
            panic!("{python} cannot run tools/calendars.py: pip install chinesecalendar holidays")
        }
        _ => {
            eprintln!("skipped: {python} lacks chinesecalendar or holidays");
            None
        }
    }
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
fn the_holiday_tables_match_the_official_calendars() {
    let Some(oracle) = oracle() else { return };
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
