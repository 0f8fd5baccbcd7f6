//! The closed vocabularies of the contract: scenarios, consulting topics,
//! activities, service items, severities and statuses.
//!
//! Each key is spelled in YAML exactly as in its `#[serde(rename)]`, and the
//! same string names its label in the locale catalogues.

/// Declares a closed set of YAML keys with their stable spellings.
macro_rules! keys {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $key:literal,)+ }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Deserialize, serde::Serialize, schemars::JsonSchema,
        )]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $key)] $variant,)+
        }

        impl $name {
            /// Every key, in catalogue order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable spelling used in YAML and in the label catalogues.
            pub fn key(self) -> &'static str {
                match self {
                    $($name::$variant => $key,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.key())
            }
        }
    };
}

keys! {
    /// The service packages of the catalogue (§4.1).
    Package {
        /// Full-link expert diagnosis and tuning (§4.1 一).
        FullLinkDiagnosis = "full-link-diagnosis",
        /// Full-link technical consulting sessions (§4.1 二).
        FullLinkConsulting = "full-link-consulting",
    }
}

keys! {
    /// The diagnosis scenarios of §4.1 一.
    Scenario {
        /// Infrastructure cloud products.
        Infrastructure = "infrastructure",
        /// Data cloud products.
        Data = "data",
        /// Cloud-native application products.
        CloudNative = "cloud-native",
    }
}

keys! {
    /// The eighteen consulting topics of §4.1 二, in the seed's order.
    Topic {
        /// Attack protection with network security products (e.g. CC attacks).
        AttackProtection = "attack-protection",
        /// Diagnosis of security anomalies (e.g. unexpected blocking).
        SecurityDiagnosis = "security-diagnosis",
        /// Object storage in depth.
        ObjectStorage = "object-storage",
        /// Operating-system performance tuning (kernel parameters).
        OsTuning = "os-tuning",
        /// Compute instance anomaly diagnosis (e.g. core dumps).
        ComputeDiagnosis = "compute-diagnosis",
        /// Video cloud performance tuning (e.g. CDN hit ratio).
        VideoTuning = "video-tuning",
        /// Video cloud anomaly diagnosis (e.g. stream push/pull failures).
        VideoDiagnosis = "video-diagnosis",
        /// Database performance tuning (SQL, instance parameters).
        DatabaseTuning = "database-tuning",
        /// Database anomaly diagnosis (memory leaks, execution plans).
        DatabaseDiagnosis = "database-diagnosis",
        /// Network performance tuning (kernel network parameters).
        NetworkTuning = "network-tuning",
        /// Network anomaly diagnosis (e.g. packet loss).
        NetworkDiagnosis = "network-diagnosis",
        /// Product usage and best practices: high-performance networking.
        NetworkBestPractices = "network-best-practices",
        /// How cloud-native platforms work (Kubernetes, service mesh, serverless).
        CloudNativePrinciples = "cloud-native-principles",
        /// Cloud-native diagnosis methods and cases.
        CloudNativeDiagnosis = "cloud-native-diagnosis",
        /// Cloud-native solutions (e.g. Spark on Kubernetes).
        CloudNativeSolutions = "cloud-native-solutions",
        /// Application performance optimisation.
        ApplicationPerformance = "application-performance",
        /// Industry reference cases for middleware.
        MiddlewareCases = "middleware-cases",
        /// Product usage and best practices: architecture and database features.
        ProductBestPractices = "product-best-practices",
    }
}

keys! {
    /// The three phases of the service flow (§6).
    Phase {
        /// Requirements and surveys.
        Assessment = "assessment",
        /// Checks, diagnosis and tuning.
        Inspection = "inspection",
        /// Reports and sign-off.
        Acceptance = "acceptance",
    }
}

keys! {
    /// The activities of the service flow catalogue (§6).
    Activity {
        /// Requirements exchange.
        RequirementsExchange = "requirements-exchange",
        /// Business survey.
        BusinessSurvey = "business-survey",
        /// Technical architecture survey.
        ArchitectureSurvey = "architecture-survey",
        /// Cloud resource inventory.
        ResourceInventory = "resource-inventory",
        /// Health check.
        HealthCheck = "health-check",
        /// Risk assessment.
        RiskAssessment = "risk-assessment",
        /// Consulting session.
        ConsultingSession = "consulting-session",
        /// Expert diagnosis and optimisation of specific product problems.
        ExpertDiagnosis = "expert-diagnosis",
        /// Solutions and support for specific requirements.
        RequirementSolution = "requirement-solution",
        /// Solution support.
        SolutionSupport = "solution-support",
        /// Quality optimisation.
        QualityOptimization = "quality-optimization",
        /// Security hardening.
        SecurityHardening = "security-hardening",
        /// Security inspection.
        SecurityInspection = "security-inspection",
        /// Architecture transformation.
        ArchitectureTransformation = "architecture-transformation",
        /// Stress testing and tuning.
        StressTestTuning = "stress-test-tuning",
        /// Delivering the expert service report.
        ServiceReport = "service-report",
        /// Delivering the acceptance report.
        AcceptanceReport = "acceptance-report",
    }
}

impl Topic {
    /// Whether the topic is about security, which needs the customer's
    /// 24/7 monitoring authorisation (§3.1.2).
    pub(crate) fn is_security(self) -> bool {
        matches!(self, Topic::AttackProtection | Topic::SecurityDiagnosis)
    }
}

impl ServiceItem {
    /// Whether the item is security work, which needs the customer's 24/7
    /// monitoring authorisation (§3.1.2).
    pub(crate) fn is_security(self) -> bool {
        matches!(
            self,
            ServiceItem::SecurityHardening | ServiceItem::SecurityInspection
        )
    }

    /// The plan activity of the same name, if the catalogue of §6 has one:
    /// a delivered activity of that kind is evidence of the item.
    pub fn activity(self) -> Option<Activity> {
        Some(match self {
            ServiceItem::HealthCheck => Activity::HealthCheck,
            ServiceItem::RiskAssessment => Activity::RiskAssessment,
            ServiceItem::ConsultingSession => Activity::ConsultingSession,
            ServiceItem::ExpertDiagnosis => Activity::ExpertDiagnosis,
            ServiceItem::RequirementSolution => Activity::RequirementSolution,
            ServiceItem::QualityOptimization => Activity::QualityOptimization,
            ServiceItem::SecurityHardening => Activity::SecurityHardening,
            ServiceItem::SecurityInspection => Activity::SecurityInspection,
            ServiceItem::EventAssurance | ServiceItem::Other => return None,
        })
    }
}

impl Activity {
    /// The phase of §6 this activity belongs to.
    pub(crate) fn phase(self) -> Phase {
        use Activity::*;
        match self {
            RequirementsExchange | BusinessSurvey | ArchitectureSurvey | ResourceInventory => {
                Phase::Assessment
            }
            ServiceReport | AcceptanceReport => Phase::Acceptance,
            _ => Phase::Inspection,
        }
    }
}

keys! {
    /// The ten items a service report may cover (§7 一.2).
    ServiceItem {
        /// Health check.
        HealthCheck = "health-check",
        /// Risk assessment.
        RiskAssessment = "risk-assessment",
        /// Consulting session.
        ConsultingSession = "consulting-session",
        /// Expert diagnosis and optimisation of specific product problems.
        ExpertDiagnosis = "expert-diagnosis",
        /// Solutions and support for specific requirements.
        RequirementSolution = "requirement-solution",
        /// Assurance for a business event.
        EventAssurance = "event-assurance",
        /// Quality optimisation.
        QualityOptimization = "quality-optimization",
        /// Security hardening.
        SecurityHardening = "security-hardening",
        /// Security inspection.
        SecurityInspection = "security-inspection",
        /// Other specific requirements or problems.
        Other = "other",
    }
}

keys! {
    /// Categories the contract excludes from the service (§2.1).
    Exclusion {
        /// Code development and code diagnosis.
        CodeDevelopment = "code-development",
        /// Third-party business the customer built on the cloud products.
        SelfBuiltBusiness = "self-built-business",
        /// Operating the customer's business on its behalf.
        OperationsOnBehalf = "operations-on-behalf",
        /// Configuring or troubleshooting third-party software.
        ThirdPartySoftware = "third-party-software",
    }
}

keys! {
    /// How severe a finding is.
    Severity {
        /// Service is down or data is at risk now.
        Critical = "critical",
        /// Likely to cause an incident soon.
        High = "high",
        /// Degrades service or raises cost.
        Medium = "medium",
        /// Minor deviation from best practice.
        Low = "low",
        /// An observation, no action required.
        Info = "info",
    }
}

keys! {
    /// Where a finding stands.
    FindingStatus {
        /// Not yet addressed.
        Open = "open",
        /// Being addressed.
        InProgress = "in-progress",
        /// Fixed and verified.
        Resolved = "resolved",
        /// The customer accepts the remaining risk.
        Accepted = "accepted",
    }
}

keys! {
    /// What a retest of a finding found.
    RetestResult {
        /// The problem is gone.
        Fixed = "fixed",
        /// Better, not gone.
        PartlyFixed = "partly-fixed",
        /// Unchanged.
        NotFixed = "not-fixed",
        /// The customer accepts the remaining risk.
        RiskAccepted = "risk-accepted",
    }
}

impl RetestResult {
    /// The status a finding has after a retest with this result.
    pub fn status(self) -> FindingStatus {
        match self {
            RetestResult::Fixed => FindingStatus::Resolved,
            RetestResult::PartlyFixed => FindingStatus::InProgress,
            RetestResult::NotFixed => FindingStatus::Open,
            RetestResult::RiskAccepted => FindingStatus::Accepted,
        }
    }
}

keys! {
    /// Where a proposed solution stands.
    SolutionStatus {
        /// Proposed, not yet scheduled.
        Proposed = "proposed",
        /// Agreed and scheduled.
        Scheduled = "scheduled",
        /// Implemented by the customer.
        Implemented = "implemented",
        /// Implemented and verified.
        Verified = "verified",
        /// Declined by the customer.
        Declined = "declined",
    }
}

keys! {
    /// Where a security item stands.
    ItemStatus {
        /// Planned.
        Planned = "planned",
        /// Done.
        Done = "done",
        /// Not applicable.
        NotApplicable = "not-applicable",
    }
}

keys! {
    /// The kind of a security item (§6 inspection phase).
    SecurityKind {
        /// Hardening.
        Hardening = "hardening",
        /// Inspection.
        Inspection = "inspection",
    }
}

keys! {
    /// How the customer confirmed the plan (§3.1.2).
    Confirmation {
        /// In writing.
        Written = "written",
        /// By email.
        Email = "email",
    }
}

keys! {
    /// How the customer signed off the acceptance report (§7, §8).
    SignoffMethod {
        /// Confirmation online in the customer's cloud account console.
        Console = "console",
        /// By email.
        Email = "email",
        /// Company stamp.
        Stamp = "stamp",
        /// Handwritten signature.
        Signature = "signature",
    }
}

keys! {
    /// What acceptance found of an objective.
    Outcome {
        /// The objective was met, as the evidence shows.
        Met = "met",
        /// The objective was not met; the reason says why and what follows.
        NotMet = "not-met",
        /// The objective could not be measured; the reason says why.
        NotMeasured = "not-measured",
    }
}

keys! {
    /// What both parties agreed about a planned item that was not delivered.
    Decision {
        /// It is dropped from the engagement.
        Waived = "waived",
        /// It is moved to a later date, after acceptance.
        Deferred = "deferred",
    }
}

keys! {
    /// How an enablement session was held.
    SessionFormat {
        /// At the customer's site.
        OnSite = "on-site",
        /// Online.
        Online = "online",
    }
}

keys! {
    /// How a measured result is compared with its target.
    Comparison {
        /// The result must not exceed the target (latency, error rate).
        AtMost = "at-most",
        /// The result must reach the target (throughput, availability).
        AtLeast = "at-least",
    }
}

keys! {
    /// Why the service ended before its planned end (§3).
    TerminationReason {
        /// The customer withheld information the service needed; the
        /// provider may end or suspend the service (§3).
        WithheldInformation = "withheld-information",
        /// Both parties agreed to end it.
        Agreed = "agreed",
        /// The customer asked to end it.
        CustomerRequest = "customer-request",
    }
}

keys! {
    /// The contract rules a deviation agreed by both parties can cover:
    /// the timing rules. The others (confirmation, sign-off, scope,
    /// consistency) are facts a deviation cannot change.
    WaivableRule {
        /// The service starts at least 10 working days after the application.
        LeadTime = "lead-time",
        /// Large resource demand: apply a calendar month ahead.
        LargeDemand = "large-demand",
        /// The plan is confirmed within 5 working days.
        PlanConfirmed = "plan-confirmed",
        /// A solution is implemented within one calendar month.
        ImplementWindow = "implement-window",
    }
}

keys! {
    /// The language of a report's labels and boilerplate.
    Locale {
        /// Traditional Chinese.
        ZhHant = "zh-Hant",
        /// Simplified Chinese.
        ZhHans = "zh-Hans",
        /// English.
        En = "en",
    }
}

keys! {
    /// The regions whose public holidays dossier knows.
    HolidayRegion {
        /// Mainland China: the State Council's holidays and make-up working days (调休).
        MainlandChina = "CN",
        /// Taiwan: the Directorate-General of Personnel Administration's calendar.
        Taiwan = "TW",
    }
}
