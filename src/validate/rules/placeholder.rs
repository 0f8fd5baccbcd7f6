//! A value `dossier init` wrote for the user to replace is a step not yet
//! taken: every report that prints it stays a draft until it is replaced.
//!
//! The typed model keeps positions only for values a rule names, so this
//! rule reads the file once more as a tree of spanned nodes, which gives
//! every scalar its key and position.

use serde::Deserialize;
use serde::de::{MapAccess, SeqAccess, Visitor};

use super::RuleId;
use crate::diagnostic::Code;
use crate::model::Spanned;
use crate::report::ReportKey;
use crate::validate::{Input, Sink};

/// The values `dossier init` writes for the user to replace, by the key they stand
/// under, in every locale. A report that still prints one of them is kept
/// a draft: a blank engagement never yields finals for "Customer name".
pub const PLACEHOLDERS: &[(&str, &str)] = &[
    ("title", "全鏈路專家服務"),
    ("title", "全链路专家服务"),
    ("title", "Full-Link Expert Service"),
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
    ("title", "請描述客戶的第一項業務目標"),
    ("title", "请描述客户的第一项业务目标"),
    ("title", "Describe the customer's first goal"),
    ("detail", "現況、客戶的需求與期限。"),
    ("detail", "现状、客户的需求与期限。"),
    (
        "detail",
        "What happens today, what the customer needs, and by when.",
    ),
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
    // The file parsed as an engagement already, so it parses as a tree.
    let Ok(tree) = serde_saphyr::from_str::<Spanned<Node>>(input.source) else {
        return;
    };
    let mut found = Vec::new();
    walk(&tree, &[], &mut found);
    for (path, value, pos) in found {
        let key = path.last().copied().unwrap_or_default();
        let dotted = path.join(".");
        let reports = reports_of(path.first().copied().unwrap_or_default());
        let diagnostic = sink
            .report(
                RuleId::Placeholder,
                Code::Placeholder,
                pos,
                format!(
                    "`{dotted}` still holds the placeholder `{value}` that `dossier init` wrote"
                ),
            )
            .arg("key", key)
            .arg("value", value)
            .hint(format!("replace it with the engagement's own {key}"))
            .pending(RuleId::Placeholder);
        diagnostic.reports = reports.to_vec();
    }
}

/// The reports that print what is written under a top-level key.
fn reports_of(section: &str) -> &'static [ReportKey] {
    use ReportKey::*;
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

/// Collects the scalars equal to a placeholder of their key.
fn walk<'a>(
    node: &'a Spanned<Node>,
    path: &[&'a str],
    found: &mut Vec<(Vec<&'a str>, &'a str, crate::model::Pos)>,
) {
    match &node.value {
        Node::Scalar(text) => {
            let key = path.last().copied().unwrap_or_default();
            let text = text.trim();
            if PLACEHOLDERS.iter().any(|(k, v)| *k == key && *v == text) {
                found.push((path.to_vec(), text, node.pos));
            }
        }
        Node::Seq(items) => {
            for item in items {
                walk(item, path, found);
            }
        }
        Node::Map(entries) => {
            for (key, value) in entries {
                let mut inner = path.to_vec();
                inner.push(key);
                walk(value, &inner, found);
            }
        }
    }
}

/// A YAML node: a scalar as text, a sequence, or a mapping with text keys.
enum Node {
    Scalar(String),
    Seq(Vec<Spanned<Node>>),
    Map(Vec<(String, Spanned<Node>)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Scalar(v.to_string()))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar(String::new()))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar(String::new()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Node>>()? {
            let key = match key.value {
                Node::Scalar(text) => text,
                _ => String::new(),
            };
            entries.push((key, map.next_value()?));
        }
        Ok(Node::Map(entries))
    }
}
