//! The five deliverables the contract promises (§5).

use std::fmt;
use std::str::FromStr;

/// One of the five reports.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ReportKey {
    /// 項目啟動報告: kick-off.
    Startup,
    /// 項目專家服務方案: the plan the customer confirms.
    Plan,
    /// 項目架構調查報告: business and architecture survey.
    Survey,
    /// 項目專家服務報告: findings, diagnosis, risks, tests, solutions.
    Service,
    /// 項目驗收報告: acceptance and sign-off.
    Acceptance,
}

impl ReportKey {
    /// All reports in delivery order.
    pub const ALL: [ReportKey; 5] = [
        ReportKey::Startup,
        ReportKey::Plan,
        ReportKey::Survey,
        ReportKey::Service,
        ReportKey::Acceptance,
    ];

    /// The stable key, as used on the command line and in file names.
    pub fn key(self) -> &'static str {
        match self {
            ReportKey::Startup => "startup",
            ReportKey::Plan => "plan",
            ReportKey::Survey => "survey",
            ReportKey::Service => "service",
            ReportKey::Acceptance => "acceptance",
        }
    }

    /// Position in delivery order, from 1.
    pub fn number(self) -> usize {
        Self::ALL
            .iter()
            .position(|k| *k == self)
            .map_or(0, |i| i + 1)
    }

    /// The output file name, e.g. `01-startup.pdf`.
    pub fn file_name(self, extension: &str) -> String {
        format!("{:02}-{}.{extension}", self.number(), self.key())
    }

    /// The name of the report's template.
    pub fn template(self) -> String {
        format!("{}.typ.j2", self.key())
    }
}

/// The reports that print what is written under a top-level key.
pub(crate) fn printed_by(section: &str) -> &'static [ReportKey] {
    use ReportKey::{Acceptance, Plan, Service, Startup, Survey};
    match section {
        "plan" => &[Startup, Plan],
        "survey" => &[Survey, Service],
        "acceptance" => &[Acceptance],
        "findings" | "risks" | "stress_tests" | "solutions" | "enablement" | "security" => {
            &[Service, Acceptance]
        }
        _ => &ReportKey::ALL,
    }
}

impl fmt::Display for ReportKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl FromStr for ReportKey {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL.into_iter().find(|k| k.key() == s).ok_or_else(|| {
            let keys: Vec<_> = Self::ALL.iter().map(|k| k.key()).collect();
            format!("unknown report `{s}`; expected one of {}", keys.join(", "))
        })
    }
}
