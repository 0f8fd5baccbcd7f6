//! What a diagnostic is about, as types: its severity, the rule that
//! raised it, and the kind of problem (which names its wording in the
//! catalogues).

use std::fmt;

use crate::base::report::ReportKey;

/// How serious a diagnostic is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never blocks.
    Warning,
    /// Stops a final render.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// Declares a closed set of diagnostic codes with their stable spellings.
macro_rules! codes {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $key:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every code.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable spelling: the key of the problem's wording under
            /// `gaps` in the catalogues.
            pub fn key(self) -> &'static str {
                match self {
                    $($name::$variant => $key,)+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.key())
            }
        }
    };
}

codes! {
    /// The kind of problem a diagnostic reports.
    Code {
        /// `gaps.accepted-unnamed` in the catalogues.
        AcceptedUnnamed = "accepted-unnamed",
        /// `gaps.accepted-unreasoned` in the catalogues.
        AcceptedUnreasoned = "accepted-unreasoned",
        /// `gaps.alt-missing` in the catalogues.
        AltMissing = "alt-missing",
        /// `gaps.asset` in the catalogues.
        Asset = "asset",
        /// `gaps.asset-missing` in the catalogues.
        AssetMissing = "asset-missing",
        /// `gaps.asset-not-image` in the catalogues.
        AssetNotImage = "asset-not-image",
        /// `gaps.asset-outside` in the catalogues.
        AssetOutside = "asset-outside",
        /// `gaps.asset-too-large` in the catalogues.
        AssetTooLarge = "asset-too-large",
        /// `gaps.bad-colour` in the catalogues.
        BadColour = "bad-colour",
        /// `gaps.bad-id` in the catalogues.
        BadId = "bad-id",
        /// `gaps.calendar-conflict` in the catalogues.
        CalendarConflict = "calendar-conflict",
        /// `gaps.calendar-years` in the catalogues.
        CalendarYears = "calendar-years",
        /// `gaps.completion-missing` in the catalogues.
        CompletionMissing = "completion-missing",
        /// `gaps.console-missing` in the catalogues.
        ConsoleMissing = "console-missing",
        /// `gaps.date-order` in the catalogues.
        DateOrder = "date-order",
        /// `gaps.declined-unreasoned` in the catalogues.
        DeclinedUnreasoned = "declined-unreasoned",
        /// `gaps.deviation-unused` in the catalogues.
        DeviationUnused = "deviation-unused",
        /// `gaps.duplicate-id` in the catalogues.
        DuplicateId = "duplicate-id",
        /// `gaps.duplicate-key` in the catalogues.
        DuplicateKey = "duplicate-key",
        /// `gaps.empty-history` in the catalogues.
        EmptyHistory = "empty-history",
        /// `gaps.empty-team` in the catalogues.
        EmptyTeam = "empty-team",
        /// `gaps.fixed-unretested` in the catalogues.
        FixedUnretested = "fixed-unretested",
        /// `gaps.glyph` in the catalogues.
        Glyph = "glyph",
        /// `gaps.implement-late` in the catalogues.
        ImplementLate = "implement-late",
        /// `gaps.implement-undated` in the catalogues.
        ImplementUndated = "implement-undated",
        /// `gaps.implemented-late` in the catalogues.
        ImplementedLate = "implemented-late",
        /// `gaps.implemented-undated` in the catalogues.
        ImplementedUndated = "implemented-undated",
        /// `gaps.large-demand` in the catalogues.
        LargeDemand = "large-demand",
        /// `gaps.lead-time` in the catalogues.
        LeadTime = "lead-time",
        /// `gaps.measurement-order` in the catalogues.
        MeasurementOrder = "measurement-order",
        /// `gaps.measurement-replaced` in the catalogues.
        MeasurementReplaced = "measurement-replaced",
        /// `gaps.measurement-undated` in the catalogues.
        MeasurementUndated = "measurement-undated",
        /// `gaps.objective-unassessed` in the catalogues.
        ObjectiveUnassessed = "objective-unassessed",
        /// `gaps.objectives-missing` in the catalogues.
        ObjectivesMissing = "objectives-missing",
        /// `gaps.out-of-scope-finding` in the catalogues.
        OutOfScopeFinding = "out-of-scope-finding",
        /// `gaps.out-of-scope-solution` in the catalogues.
        OutOfScopeSolution = "out-of-scope-solution",
        /// `gaps.open-unowned` in the catalogues.
        OpenUnowned = "open-unowned",
        /// `gaps.placeholder` in the catalogues.
        Placeholder = "placeholder",
        /// `gaps.plan-late` in the catalogues.
        PlanLate = "plan-late",
        /// `gaps.plan-method` in the catalogues.
        PlanMethod = "plan-method",
        /// `gaps.plan-unconfirmed` in the catalogues.
        PlanUnconfirmed = "plan-unconfirmed",
        /// `gaps.resolved-unverified` in the catalogues.
        ResolvedUnverified = "resolved-unverified",
        /// `gaps.retest-order` in the catalogues.
        RetestOrder = "retest-order",
        /// `gaps.scenario-out` in the catalogues.
        ScenarioOut = "scenario-out",
        /// `gaps.schema-version` in the catalogues.
        SchemaVersion = "schema-version",
        /// `gaps.score-range` in the catalogues.
        ScoreRange = "score-range",
        /// `gaps.security-unauthorised` in the catalogues.
        SecurityUnauthorised = "security-unauthorised",
        /// `gaps.security-unrecorded` in the catalogues.
        SecurityUnrecorded = "security-unrecorded",
        /// `gaps.service-item-evidence` in the catalogues.
        ServiceItemEvidence = "service-item-evidence",
        /// `gaps.service-item-undelivered` in the catalogues.
        ServiceItemUndelivered = "service-item-undelivered",
        /// `gaps.service-item-unproven` in the catalogues.
        ServiceItemUnproven = "service-item-unproven",
        /// `gaps.service-item-unticked` in the catalogues.
        ServiceItemUnticked = "service-item-unticked",
        /// `gaps.service-items-missing` in the catalogues.
        ServiceItemsMissing = "service-items-missing",
        /// `gaps.signoff-console-only` in the catalogues.
        SignoffConsoleOnly = "signoff-console-only",
        /// `gaps.signoff-early` in the catalogues.
        SignoffEarly = "signoff-early",
        /// `gaps.signoff-missing` in the catalogues.
        SignoffMissing = "signoff-missing",
        /// `gaps.signoff-reference` in the catalogues.
        SignoffReference = "signoff-reference",
        /// `gaps.signoff-version` in the catalogues.
        SignoffVersion = "signoff-version",
        /// `gaps.status-missing` in the catalogues.
        StatusMissing = "status-missing",
        /// `gaps.status-retest` in the catalogues.
        StatusRetest = "status-retest",
        /// `gaps.target-missed` in the catalogues.
        TargetMissed = "target-missed",
        /// `gaps.target-unmeasured` in the catalogues.
        TargetUnmeasured = "target-unmeasured",
        /// `gaps.target-unsourced` in the catalogues.
        TargetUnsourced = "target-unsourced",
        /// `gaps.too-long` in the catalogues.
        TooLong = "too-long",
        /// `gaps.topic-undelivered` in the catalogues.
        TopicUndelivered = "topic-undelivered",
        /// `gaps.undelivered-invalid` in the catalogues.
        UndeliveredInvalid = "undelivered-invalid",
        /// `gaps.unknown-reference` in the catalogues.
        UnknownReference = "unknown-reference",
        /// `gaps.verdict-contradicts` in the catalogues.
        VerdictContradicts = "verdict-contradicts",
        /// `gaps.verdict-unexplained` in the catalogues.
        VerdictUnexplained = "verdict-unexplained",
        /// `gaps.version-backwards` in the catalogues.
        VersionBackwards = "version-backwards",
        /// `gaps.version-order` in the catalogues.
        VersionOrder = "version-order",
        /// `gaps.version-unchanged` in the catalogues.
        VersionUnchanged = "version-unchanged",
        /// `gaps.work-prevented` in the catalogues.
        WorkPrevented = "work-prevented",
        /// `gaps.wrong-phase` in the catalogues.
        WrongPhase = "wrong-phase",
    }
}

/// The stable identifier of a validation rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleId {
    /// The service starts at least 10 working days after the application.
    LeadTime,
    /// Large resource demand: apply a calendar month ahead.
    LargeDemand,
    /// The plan is confirmed in writing or by email within 5 working days.
    PlanConfirmed,
    /// Solutions are implemented within one calendar month of proposal.
    ImplementWindow,
    /// Nothing in an excluded category is treated as in scope.
    OutOfScope,
    /// The service and acceptance reports have every element of §3.1.4.
    Completion,
    /// The service report covers at least one item of §7 一.2.
    ServiceItems,
    /// A final acceptance report has the customer's sign-off.
    Signoff,
    /// Security work needs the 7x24 monitoring authorisation.
    SecurityAuth,
    /// Dates in order, ids unique, references resolve, assets exist.
    Consistency,
    /// A declined solution has the customer's technical reason.
    DeclinedReason,
    /// Measurable targets have measured results, and meet them.
    Targets,
    /// Values `init` wrote as placeholders have been replaced.
    Placeholder,
    /// Every image has a text alternative.
    AltText,
    /// A finding's status agrees with its retests, a fix is retested, an
    /// accepted risk names who accepted it.
    Retests,
    /// Versions in the history only go up, and a re-issue changes them.
    Versions,
    /// Agreed deviations cover a breach: applied after every other rule.
    Deviations,
}

use ReportKey::{Acceptance, Plan, Service, Startup, Survey};

impl RuleId {
    /// Every rule, in the order they run.
    pub const ALL: &'static [RuleId] = &[
        RuleId::Consistency,
        RuleId::LeadTime,
        RuleId::LargeDemand,
        RuleId::PlanConfirmed,
        RuleId::ImplementWindow,
        RuleId::OutOfScope,
        RuleId::Completion,
        RuleId::ServiceItems,
        RuleId::Signoff,
        RuleId::SecurityAuth,
        RuleId::DeclinedReason,
        RuleId::Targets,
        RuleId::Placeholder,
        RuleId::AltText,
        RuleId::Retests,
        RuleId::Versions,
        RuleId::Deviations,
    ];

    /// The id shown in diagnostics and documentation.
    pub fn id(self) -> &'static str {
        match self {
            RuleId::LeadTime => "lead-time",
            RuleId::LargeDemand => "large-demand",
            RuleId::PlanConfirmed => "plan-confirmed",
            RuleId::ImplementWindow => "implement-window",
            RuleId::OutOfScope => "out-of-scope",
            RuleId::Completion => "completion",
            RuleId::ServiceItems => "service-items",
            RuleId::Signoff => "signoff",
            RuleId::SecurityAuth => "security-auth",
            RuleId::Consistency => "consistency",
            RuleId::DeclinedReason => "declined-reason",
            RuleId::Targets => "targets",
            RuleId::Placeholder => "placeholder",
            RuleId::AltText => "alt-text",
            RuleId::Retests => "retests",
            RuleId::Versions => "versions",
            RuleId::Deviations => "deviations",
        }
    }

    /// The rule whose id is `id`.
    pub(crate) fn from_id(id: &str) -> Option<RuleId> {
        Self::ALL.iter().copied().find(|r| r.id() == id)
    }

    /// How serious a violation is.
    pub fn severity(self) -> Severity {
        match self {
            RuleId::LargeDemand
            | RuleId::OutOfScope
            | RuleId::Placeholder
            | RuleId::AltText
            | RuleId::Versions
            | RuleId::Deviations => Severity::Warning,
            _ => Severity::Error,
        }
    }

    /// The clause of the statement of work the rule comes from; none for
    /// the consistency checks, which no single clause states.
    pub fn clause(self) -> Option<&'static str> {
        Some(match self {
            RuleId::LeadTime => "§3, §6",
            RuleId::LargeDemand => "§3",
            RuleId::PlanConfirmed => "§3.1.2",
            RuleId::ImplementWindow => "§3, §3.1.2, §7 二",
            RuleId::OutOfScope => "§2.1",
            RuleId::Completion => "§3.1.4",
            RuleId::ServiceItems => "§7 一.2",
            RuleId::Signoff => "§7 一.1, 二, §8",
            RuleId::SecurityAuth => "§3.1.2",
            RuleId::DeclinedReason => "§3, §3.1.2",
            RuleId::Targets => "§3.1.3",
            RuleId::Consistency
            | RuleId::Placeholder
            | RuleId::AltText
            | RuleId::Retests
            | RuleId::Versions
            | RuleId::Deviations => {
                return None;
            }
        })
    }

    /// The reports a violation keeps from being final.
    pub fn reports(self) -> &'static [ReportKey] {
        match self {
            RuleId::LeadTime | RuleId::LargeDemand => &[Startup, Plan],
            RuleId::PlanConfirmed => &[Plan, Service, Acceptance],
            RuleId::ImplementWindow => &[Service, Acceptance],
            RuleId::OutOfScope => &[Service],
            RuleId::Completion => &[Service, Acceptance],
            RuleId::ServiceItems => &[Service, Acceptance],
            RuleId::Signoff => &[Acceptance],
            RuleId::SecurityAuth => &[Service, Acceptance],
            RuleId::DeclinedReason => &[Service, Acceptance],
            RuleId::Targets | RuleId::Retests => &[Service, Acceptance],
            RuleId::Consistency | RuleId::Placeholder | RuleId::AltText => {
                &[Startup, Plan, Survey, Service, Acceptance]
            }
            RuleId::Versions | RuleId::Deviations => &[],
        }
    }
}

impl std::fmt::Display for RuleId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl serde::Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> serde::Deserialize<'de> for RuleId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        RuleId::from_id(&id)
            .ok_or_else(|| serde::de::Error::custom(format!("no rule is called `{id}`")))
    }
}
