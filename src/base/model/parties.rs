//! Who serves whom, when and under which conditions: the engagement's
//! header, its parties and their people.

use schemars::JsonSchema;
use serde::Deserialize;

use super::*;

/// Identity, parties, dates and conditions of the engagement.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// Stable identifier; names the output folder.
    pub id: Spanned<String>,
    /// Title of the engagement as it appears on every cover.
    pub title: String,
    /// The service packages bought (§4.1).
    pub packages: Vec<Spanned<Package>>,
    /// Classification printed on every page, e.g. `機密` or `Confidential`.
    pub classification: String,
    /// The party delivering the service.
    pub provider: Provider,
    /// The party receiving the service.
    pub customer: Customer,
    /// When the customer applied for the service.
    pub applied_on: Date,
    /// When the service starts.
    pub starts_on: Date,
    /// When the service ends.
    pub ends_on: Date,
    /// Whether the work needs a large batch of resources (§3).
    #[serde(default)]
    pub large_resource_demand: Spanned<bool>,
    /// On-site residency windows agreed by both parties (§3.1.1).
    #[serde(default)]
    pub residency: Vec<Residency>,
    /// The provider's decision to take on the application (§3).
    #[serde(default)]
    pub accepted: Option<ApplicationAccepted>,
    /// The end of a service stopped before `ends_on` (§3).
    #[serde(default)]
    pub termination: Option<Termination>,
    /// Who the reports are distributed to, printed on the document-control
    /// page; a neutral sentence naming both parties when absent.
    #[serde(default)]
    pub distribution: Option<String>,
    /// The contract or purchase order the service is delivered under,
    /// named on every report's document-control page.
    #[serde(default)]
    pub contract: Option<Contract>,
}

/// The contract or order a service is delivered under, as procurement
/// knows it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// Its number, e.g. the contract or purchase-order number.
    pub reference: String,
    /// Its title, as the contract names itself.
    #[serde(default)]
    pub title: Option<String>,
    /// When both parties signed it.
    #[serde(default)]
    pub signed_on: Option<Date>,
}

/// The provider's acceptance of the customer's application (§3: it
/// assesses the goals and schedule, then confirms whether it takes the
/// service on).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationAccepted {
    /// When the provider confirmed it takes the service on.
    pub on: Date,
    /// Who confirmed it for the provider.
    pub by: String,
    /// Conditions or remarks of the acceptance.
    #[serde(default)]
    pub note: Option<String>,
}

/// A service ended or suspended before its planned end (§3).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Termination {
    /// The last day of service.
    pub on: Date,
    /// Whether the service was suspended (中止), to resume only if both
    /// parties agree, rather than ended early (提前結束); §3 allows both.
    #[serde(default)]
    pub suspended: bool,
    /// Why it ended.
    pub reason: Spanned<TerminationReason>,
    /// Who decided or agreed on it.
    pub by: String,
    /// What happened, in a sentence or two.
    pub note: String,
}

/// The provider and its service team.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    /// Legal or trading name.
    pub name: String,
    /// The expert service team (§3.1.3).
    pub team: Spanned<Vec<Person>>,
    /// The provider's logo and colour on the reports; the built-in look
    /// when absent.
    #[serde(default)]
    pub brand: Option<Brand>,
    /// The platform's community where customers get free advice on what
    /// the service excludes (§2.1 note); a generic name when absent.
    #[serde(default)]
    pub community: Option<String>,
    /// The platform's marketplace whose vendors help with third-party
    /// software (§2.1 note); a generic name when absent.
    #[serde(default)]
    pub marketplace: Option<String>,
}

/// `#rrggbb` (or `#rgb`) written as Typst's `rgb("#rrggbb")` argument:
/// the colour in lower-case six-digit form, if `text` is one.
pub(crate) fn hex_colour(text: &str) -> Option<String> {
    let digits = text.trim().strip_prefix('#')?;
    if !digits.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    match digits.len() {
        6 => Some(format!("#{}", digits.to_ascii_lowercase())),
        3 => Some(
            digits
                .chars()
                .flat_map(|c| [c, c])
                .fold(String::from("#"), |mut s, c| {
                    s.push(c.to_ascii_lowercase());
                    s
                }),
        ),
        _ => None,
    }
}

/// How the provider's reports look: data, not a template fork.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Brand {
    /// The accent colour of headings, rules and tables, as `#rrggbb`.
    #[serde(default)]
    pub accent: Option<Spanned<String>>,
    /// A logo (PNG, JPEG or SVG inside the engagement directory) shown on
    /// the cover page.
    #[serde(default)]
    pub logo: Option<Spanned<String>>,
}

/// The customer and its contacts.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Customer {
    /// Legal or trading name.
    pub name: String,
    /// People the team works with.
    pub contacts: Vec<Person>,
}

/// A named person with a role.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Full name.
    pub name: String,
    /// Role or job title in this engagement.
    pub role: String,
    /// Email address.
    #[serde(default)]
    pub email: Option<String>,
    /// Telephone number.
    #[serde(default)]
    pub phone: Option<String>,
}

/// A window in which engineers work at the customer's site.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Residency {
    /// First day on site.
    pub from: Date,
    /// Last day on site.
    pub to: Date,
    /// Where.
    pub location: String,
}
