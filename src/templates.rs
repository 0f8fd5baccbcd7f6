//! The built-in templates, embedded in the binary.
//!
//! `*.typ.j2` files are minijinja templates that emit Typst; `style.typ` is
//! a plain Typst module they import; `locales/*.yaml` are label catalogues.

/// Every built-in template file: its name and its text.
pub const BUILTIN: &[(&str, &str)] = &[
    ("style.typ", include_str!("../templates/style.typ")),
    ("macros.typ.j2", include_str!("../templates/macros.typ.j2")),
    (
        "startup.typ.j2",
        include_str!("../templates/startup.typ.j2"),
    ),
    ("plan.typ.j2", include_str!("../templates/plan.typ.j2")),
    ("survey.typ.j2", include_str!("../templates/survey.typ.j2")),
    (
        "service.typ.j2",
        include_str!("../templates/service.typ.j2"),
    ),
    (
        "acceptance.typ.j2",
        include_str!("../templates/acceptance.typ.j2"),
    ),
    (
        "locales/zh-Hant.yaml",
        include_str!("../templates/locales/zh-Hant.yaml"),
    ),
    (
        "locales/zh-Hans.yaml",
        include_str!("../templates/locales/zh-Hans.yaml"),
    ),
    (
        "locales/en.yaml",
        include_str!("../templates/locales/en.yaml"),
    ),
];

/// The built-in text of the template `name`.
pub fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}
