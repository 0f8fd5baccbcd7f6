//! A value `dossier init` wrote for the user to replace is a step not yet
//! taken: every report that prints it stays a draft until it is replaced.
//!
//! The typed model keeps positions only for values a rule names, so this
//! rule reads every scalar with its keys and position ([`scalars`]).

use super::{RuleId, reports_of};
use crate::base::diagnostic::Code;
use crate::pipeline::validate::{Input, Sink};

/// The values `dossier init` writes for the user to replace, by the key they stand
/// under, in every locale. A report that still prints one of them is kept
/// a draft: a blank engagement never yields finals for "Customer name".
pub(crate) const PLACEHOLDERS: &[(&str, &str)] = &[
    ("title", "全鏈路專家服務"),
    ("title", "全链路专家服务"),
    ("title", "End-to-End Expert Service"),
    // As `dossier init` wrote it before the English catalogue's wording.
    ("title", "Full-Link Expert Service"),
    ("name", "服務方名稱"),
    ("name", "服务方名称"),
    // As `dossier init` wrote them before the glossary's 服務方.
    ("name", "服務提供方名稱"),
    ("name", "服务提供方名称"),
    ("name", "Service provider name"),
    ("name", "客戶名稱"),
    ("name", "客户名称"),
    ("name", "Customer name"),
    ("name", "項目負責人"),
    ("name", "项目负责人"),
    ("name", "Engagement lead"),
    ("name", "客戶聯絡人"),
    ("name", "客户联系人"),
    ("name", "Customer contact"),
    ("owner", "客戶聯絡人"),
    ("owner", "客户联系人"),
    ("owner", "Customer contact"),
    ("author", "項目負責人"),
    ("author", "项目负责人"),
    ("author", "Engagement lead"),
    ("title", "請描述客戶的第一項營運目標"),
    ("title", "請描述客戶的第一項業務目標"),
    ("title", "请描述客户的第一项业务目标"),
    ("title", "Describe the customer's first goal"),
    ("detail", "現況、客戶的需求與期限。"),
    ("detail", "现状、客户的需求与期限。"),
    (
        "detail",
        "What happens today, what the customer needs, and by when.",
    ),
    ("business", "請描述客戶的營運概況與關鍵流程。"),
    ("business", "請描述客戶的業務與關鍵鏈路。"),
    ("business", "请描述客户的业务与关键链路。"),
    (
        "business",
        "Describe the customer's business and its critical paths.",
    ),
    ("architecture", "請描述目前部署的架構。"),
    ("architecture", "请描述当前部署的架构。"),
    (
        "architecture",
        "Describe the architecture as deployed today.",
    ),
];

pub(super) fn check(input: &Input<'_>, sink: &mut Sink<'_>) {
    for scalar in input.scalars {
        let key = scalar.path.last().map(String::as_str).unwrap_or_default();
        let value = scalar.text.trim();
        if !PLACEHOLDERS.iter().any(|(k, v)| *k == key && *v == value) {
            continue;
        }
        let dotted = scalar.path.join(".");
        let reports = reports_of(scalar.path.first().map(String::as_str).unwrap_or_default());
        let diagnostic = sink
            .report(
                RuleId::Placeholder,
                Code::Placeholder,
                scalar.pos,
                format!(
                    "`{dotted}` still holds the placeholder `{value}` that `dossier init` wrote"
                ),
            )
            .arg("key", key)
            .arg("value", value)
            .hint(format!(
                "write this engagement's own `{dotted}` in its place"
            ))
            .pending(RuleId::Placeholder);
        diagnostic.reports = reports.to_vec();
    }
}
