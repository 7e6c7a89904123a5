//! The component catalogue (the 23 types a renderer draws, their props, events and whether
//! they hold children) and the tool catalogue a caller supplies.

use std::collections::{BTreeSet, HashSet};

use serde_json::Value;

/// Tells whether a tool id exists; the caller's tool registry implements it (the blueprint
/// crate does not depend on the tools crate). Closures, sets and slices of names work as is.
pub trait ToolCatalog {
    /// True when `tool` (e.g. `ui.append`) can be called.
    fn has_tool(&self, tool: &str) -> bool;
}

impl<F: Fn(&str) -> bool> ToolCatalog for F {
    fn has_tool(&self, tool: &str) -> bool {
        self(tool)
    }
}

impl ToolCatalog for HashSet<String> {
    fn has_tool(&self, tool: &str) -> bool {
        self.contains(tool)
    }
}

impl ToolCatalog for BTreeSet<String> {
    fn has_tool(&self, tool: &str) -> bool {
        self.contains(tool)
    }
}

impl ToolCatalog for &[&str] {
    fn has_tool(&self, tool: &str) -> bool {
        self.contains(&tool)
    }
}

impl<const N: usize> ToolCatalog for [&str; N] {
    fn has_tool(&self, tool: &str) -> bool {
        self.contains(&tool)
    }
}

impl ToolCatalog for Vec<String> {
    fn has_tool(&self, tool: &str) -> bool {
        self.iter().any(|name| name == tool)
    }
}

/// The 23 component types a renderer draws (reference section 12).
pub const COMPONENT_TYPES: [&str; 23] = [
    "button",
    "input",
    "text",
    "checkbox",
    "radio",
    "slider",
    "container",
    "grid",
    "list",
    "select",
    "textarea",
    "image",
    "video",
    "audio",
    "canvas",
    "badge",
    "card",
    "divider",
    "modal",
    "tabs",
    "app_shortcut",
    "iframe",
    "progress",
];

/// Aliases expanded to `container`: `row`/`col` set the layout, the semantic ones set `role`.
pub const CONTAINER_ALIASES: [&str; 9] = [
    "row", "col", "sidebar", "main", "editor", "header", "footer", "content", "section",
];

/// The value type a prop accepts.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ty {
    Str,
    Bool,
    Num,
    StrOrNum,
    Enum(&'static [&'static str]),
    Object,
    Url,
    /// `select` options: strings or `{label, value}` objects.
    Options,
    /// `grid` columns: 1 to 6, as a number or a string.
    Columns,
    /// A number ≥ 0.
    NonNeg,
    /// A number ≥ 1.
    AtLeastOne,
}

/// What a component type accepts.
#[derive(Debug)]
pub(crate) struct Spec {
    pub(crate) kind: &'static str,
    pub(crate) children: bool,
    pub(crate) props: &'static [(&'static str, Ty)],
    pub(crate) required: &'static [&'static str],
    pub(crate) events: &'static [&'static str],
}

const SIZE: Ty = Ty::Enum(&["small", "medium", "large"]);
const SPACING: Ty = Ty::Enum(&["none", "small", "medium", "large"]);
const ROUNDED: Ty = Ty::Enum(&["none", "small", "medium", "large", "full"]);
const FIT: Ty = Ty::Enum(&["cover", "contain", "fill", "none"]);

/// Props every component accepts.
pub(crate) const COMMON_PROPS: [(&str, Ty); 3] = [
    ("style", Ty::Object),
    ("className", Ty::Str),
    ("label", Ty::Str),
];

const SPECS: [Spec; 23] = [
    Spec {
        kind: "button",
        children: false,
        props: &[
            ("text", Ty::Str),
            (
                "variant",
                Ty::Enum(&[
                    "default",
                    "primary",
                    "secondary",
                    "danger",
                    "ghost",
                    "outline",
                ]),
            ),
            ("size", SIZE),
            ("fullWidth", Ty::Bool),
            ("disabled", Ty::Bool),
            ("icon", Ty::Str),
        ],
        required: &[],
        events: &["click", "hover", "focus", "blur"],
    },
    Spec {
        kind: "input",
        children: false,
        props: &[
            (
                "type",
                Ty::Enum(&[
                    "text", "password", "email", "number", "tel", "url", "search",
                ]),
            ),
            ("placeholder", Ty::Str),
            ("value", Ty::StrOrNum),
            (
                "variant",
                Ty::Enum(&["default", "filled", "outline", "underline"]),
            ),
            ("size", SIZE),
            ("error", Ty::Str),
            ("disabled", Ty::Bool),
            ("readonly", Ty::Bool),
        ],
        required: &[],
        events: &["change", "submit", "focus", "blur"],
    },
    Spec {
        kind: "text",
        children: false,
        props: &[
            ("content", Ty::Str),
            (
                "variant",
                Ty::Enum(&["h1", "h2", "h3", "body", "caption", "label"]),
            ),
            (
                "weight",
                Ty::Enum(&["normal", "medium", "semibold", "bold"]),
            ),
            (
                "color",
                Ty::Enum(&[
                    "primary",
                    "secondary",
                    "accent",
                    "muted",
                    "error",
                    "success",
                ]),
            ),
            ("align", Ty::Enum(&["left", "center", "right"])),
        ],
        required: &["content"],
        events: &["click", "hover"],
    },
    Spec {
        kind: "checkbox",
        children: false,
        props: &[
            ("checked", Ty::Bool),
            ("size", SIZE),
            ("variant", Ty::Enum(&["default", "primary"])),
            ("disabled", Ty::Bool),
        ],
        required: &[],
        events: &["change"],
    },
    Spec {
        kind: "radio",
        children: false,
        props: &[
            ("name", Ty::Str),
            ("value", Ty::StrOrNum),
            ("checked", Ty::Bool),
            ("size", SIZE),
            ("disabled", Ty::Bool),
        ],
        required: &["name", "value"],
        events: &["change"],
    },
    Spec {
        kind: "slider",
        children: false,
        props: &[
            ("min", Ty::Num),
            ("max", Ty::Num),
            ("step", Ty::Num),
            ("value", Ty::Num),
            ("size", SIZE),
            ("variant", Ty::Str),
            ("disabled", Ty::Bool),
        ],
        required: &[],
        events: &["change"],
    },
    Spec {
        kind: "container",
        children: true,
        props: &[
            ("layout", Ty::Enum(&["vertical", "horizontal"])),
            ("spacing", SPACING),
            ("padding", SPACING),
            ("align", Ty::Enum(&["start", "center", "end", "stretch"])),
            (
                "justify",
                Ty::Enum(&["start", "center", "end", "between", "around"]),
            ),
            ("gap", Ty::NonNeg),
            ("role", Ty::Str),
            ("itemHeight", Ty::NonNeg),
            ("maxHeight", Ty::StrOrNum),
        ],
        required: &[],
        events: &["click", "hover"],
    },
    Spec {
        kind: "grid",
        children: true,
        props: &[
            ("columns", Ty::Columns),
            ("spacing", SPACING),
            ("responsive", Ty::Bool),
            ("gap", Ty::NonNeg),
            ("itemHeight", Ty::NonNeg),
            ("maxHeight", Ty::StrOrNum),
        ],
        required: &[],
        events: &["click"],
    },
    Spec {
        kind: "list",
        children: true,
        props: &[
            ("variant", Ty::Enum(&["default", "bordered", "striped"])),
            ("spacing", SPACING),
        ],
        required: &[],
        events: &["click"],
    },
    Spec {
        kind: "select",
        children: false,
        props: &[
            ("options", Ty::Options),
            ("value", Ty::StrOrNum),
            ("placeholder", Ty::Str),
            ("variant", Ty::Str),
            ("size", SIZE),
            ("error", Ty::Str),
            ("disabled", Ty::Bool),
        ],
        required: &["options"],
        events: &["change"],
    },
    Spec {
        kind: "textarea",
        children: false,
        props: &[
            ("placeholder", Ty::Str),
            ("value", Ty::Str),
            ("variant", Ty::Str),
            ("size", SIZE),
            ("error", Ty::Str),
            ("disabled", Ty::Bool),
            ("readonly", Ty::Bool),
            ("rows", Ty::AtLeastOne),
            (
                "resize",
                Ty::Enum(&["none", "vertical", "horizontal", "both"]),
            ),
        ],
        required: &[],
        events: &["change", "focus", "blur"],
    },
    Spec {
        kind: "image",
        children: false,
        props: &[
            ("src", Ty::Url),
            ("alt", Ty::Str),
            ("width", Ty::StrOrNum),
            ("height", Ty::StrOrNum),
            ("fit", FIT),
            ("rounded", ROUNDED),
        ],
        required: &["src"],
        events: &["click", "load", "error"],
    },
    Spec {
        kind: "video",
        children: false,
        props: &[
            ("src", Ty::Url),
            ("controls", Ty::Bool),
            ("autoPlay", Ty::Bool),
            ("loop", Ty::Bool),
            ("muted", Ty::Bool),
            ("width", Ty::StrOrNum),
            ("height", Ty::StrOrNum),
            ("fit", FIT),
            ("rounded", ROUNDED),
        ],
        required: &[],
        events: &["play", "pause", "ended"],
    },
    Spec {
        kind: "audio",
        children: false,
        props: &[
            ("src", Ty::Url),
            ("controls", Ty::Bool),
            ("autoPlay", Ty::Bool),
            ("loop", Ty::Bool),
            ("variant", Ty::Enum(&["default", "minimal"])),
        ],
        required: &[],
        events: &["play", "pause", "ended"],
    },
    Spec {
        kind: "canvas",
        children: false,
        props: &[
            ("width", Ty::NonNeg),
            ("height", Ty::NonNeg),
            ("bordered", Ty::Bool),
            ("onMount", Ty::Str),
        ],
        required: &[],
        events: &["click", "draw"],
    },
    Spec {
        kind: "badge",
        children: false,
        props: &[
            ("text", Ty::Str),
            ("content", Ty::Str),
            (
                "variant",
                Ty::Enum(&[
                    "default",
                    "primary",
                    "secondary",
                    "success",
                    "error",
                    "warning",
                ]),
            ),
            ("size", SIZE),
        ],
        required: &[],
        events: &["click"],
    },
    Spec {
        kind: "card",
        children: true,
        props: &[("title", Ty::Str), ("footer", Ty::Str)],
        required: &[],
        events: &["click"],
    },
    Spec {
        kind: "divider",
        children: false,
        props: &[
            ("orientation", Ty::Enum(&["horizontal", "vertical"])),
            ("variant", Ty::Enum(&["solid", "dashed", "dotted"])),
        ],
        required: &[],
        events: &[],
    },
    Spec {
        kind: "modal",
        children: true,
        props: &[
            ("title", Ty::Str),
            ("open", Ty::Bool),
            (
                "size",
                Ty::Enum(&["small", "medium", "large", "fullscreen"]),
            ),
            ("centered", Ty::Bool),
        ],
        required: &[],
        events: &["open", "close"],
    },
    Spec {
        kind: "tabs",
        children: true,
        props: &[
            ("defaultTab", Ty::Str),
            ("variant", Ty::Enum(&["default", "bordered", "pills"])),
            ("size", SIZE),
        ],
        required: &[],
        events: &["change"],
    },
    Spec {
        kind: "app_shortcut",
        children: false,
        props: &[
            ("app_id", Ty::Str),
            ("name", Ty::Str),
            ("icon", Ty::Str),
            ("description", Ty::Str),
            ("category", Ty::Str),
            ("variant", Ty::Enum(&["icon", "card", "list"])),
        ],
        required: &["app_id", "name", "icon"],
        events: &["click"],
    },
    Spec {
        kind: "iframe",
        children: false,
        props: &[
            ("src", Ty::Url),
            ("title", Ty::Str),
            ("width", Ty::StrOrNum),
            ("height", Ty::StrOrNum),
            ("bordered", Ty::Bool),
            ("rounded", Ty::Bool),
            ("sandbox", Ty::Str),
        ],
        required: &["src"],
        events: &["load"],
    },
    Spec {
        kind: "progress",
        children: false,
        props: &[
            ("value", Ty::NonNeg),
            ("max", Ty::AtLeastOne),
            (
                "variant",
                Ty::Enum(&["default", "primary", "success", "error"]),
            ),
            ("size", SIZE),
        ],
        required: &["value"],
        events: &[],
    },
];

/// The spec of a component type, if it is one of the 23.
pub(crate) fn spec(kind: &str) -> Option<&'static Spec> {
    SPECS.iter().find(|spec| spec.kind == kind)
}

impl Spec {
    /// The type of a prop this component (or every component) accepts.
    pub(crate) fn prop(&self, name: &str) -> Option<Ty> {
        self.props
            .iter()
            .chain(COMMON_PROPS.iter())
            .find(|(prop, _)| *prop == name)
            .map(|(_, ty)| *ty)
    }

    /// The names of its own props, for messages.
    pub(crate) fn prop_names(&self) -> String {
        let names: Vec<&str> = self.props.iter().map(|(name, _)| *name).collect();
        names.join(", ")
    }
}

/// Checks a value against a prop type; the error completes "`name` must be …".
pub(crate) fn check(ty: Ty, value: &Value) -> Result<(), String> {
    let ok = match ty {
        Ty::Str => value.is_string(),
        Ty::Bool => value.is_boolean(),
        Ty::Num => value.is_number(),
        Ty::StrOrNum => value.is_string() || value.is_number(),
        Ty::Object => value.is_object(),
        Ty::Enum(options) => {
            return match value.as_str() {
                Some(text) if options.contains(&text) => Ok(()),
                _ => Err(format!("one of {}", quoted(options))),
            };
        }
        Ty::Url => {
            return match value.as_str() {
                Some(url) if is_url(url) => Ok(()),
                _ => Err("a URL (`https://…`, `/path`, `data:…`)".to_owned()),
            };
        }
        Ty::Options => {
            return match value.as_array() {
                Some(items) if items.iter().all(is_option) => Ok(()),
                _ => Err("a list of strings or {\"label\", \"value\"} objects".to_owned()),
            };
        }
        Ty::Columns => {
            let n = match value {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.parse::<f64>().ok(),
                _ => None,
            };
            return match n {
                Some(n) if (1.0..=6.0).contains(&n) && n.fract() == 0.0 => Ok(()),
                _ => Err("a whole number from 1 to 6".to_owned()),
            };
        }
        Ty::NonNeg => value.as_f64().is_some_and(|n| n >= 0.0),
        Ty::AtLeastOne => value.as_f64().is_some_and(|n| n >= 1.0),
    };
    if ok {
        Ok(())
    } else {
        Err(match ty {
            Ty::Str => "a string",
            Ty::Bool => "true or false",
            Ty::Num => "a number",
            Ty::StrOrNum => "a string or a number",
            Ty::Object => "an object",
            Ty::NonNeg => "a number ≥ 0",
            _ => "a number ≥ 1",
        }
        .to_owned())
    }
}

fn is_option(item: &Value) -> bool {
    match item {
        Value::String(_) => true,
        Value::Object(object) => object.contains_key("value"),
        _ => false,
    }
}

fn is_url(url: &str) -> bool {
    url.starts_with('/')
        || url.starts_with("data:")
        || url.starts_with("about:")
        || url.split_once("://").is_some_and(|(scheme, rest)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !rest.is_empty()
        })
}

/// `"a", "b", "c"` for messages.
pub(crate) fn quoted(options: &[&str]) -> String {
    let quoted: Vec<String> = options.iter().map(|o| format!("\"{o}\"")).collect();
    quoted.join(", ")
}
