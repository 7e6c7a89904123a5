//! What the generator tells a model about the runtime: the component catalogue and the tool
//! catalogue, with the words that make a tool family relevant to a request.

/// One renderable component type and its main props.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComponentInfo {
    /// The `type` value.
    pub kind: &'static str,
    /// Its main props, as a short description.
    pub props: &'static str,
}

/// One tool an app's events can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolInfo {
    /// The tool id, e.g. `ui.append`.
    pub name: &'static str,
    /// Its arguments and what it does.
    pub summary: &'static str,
}

/// A family of tools and the request words that make it relevant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolFamily {
    /// The family prefix, e.g. `timer`.
    pub family: &'static str,
    /// Request words that call for it; empty means always relevant.
    pub triggers: &'static [&'static str],
    /// Its tools.
    pub tools: &'static [ToolInfo],
}

/// The 23 components the renderer draws, plus the layout aliases.
pub const COMPONENTS: &[ComponentInfo] = &[
    ComponentInfo {
        kind: "button",
        props: "text, variant default|primary|secondary|danger|ghost|outline, size, fullWidth, disabled",
    },
    ComponentInfo {
        kind: "input",
        props: "type text|password|email|number|tel|url|search, placeholder, value, readonly, disabled",
    },
    ComponentInfo {
        kind: "text",
        props: "content (required), variant h1|h2|h3|body|caption|label, weight, color, align",
    },
    ComponentInfo {
        kind: "checkbox",
        props: "label, checked, disabled",
    },
    ComponentInfo {
        kind: "radio",
        props: "label, name, value, disabled",
    },
    ComponentInfo {
        kind: "slider",
        props: "min, max, step, value",
    },
    ComponentInfo {
        kind: "container",
        props: "layout vertical|horizontal, gap, padding, align, justify, role",
    },
    ComponentInfo {
        kind: "grid",
        props: "columns 1..6, gap",
    },
    ComponentInfo {
        kind: "list",
        props: "variant default|bordered|striped; value = [{id, text, done}] for ui.list.* tools",
    },
    ComponentInfo {
        kind: "select",
        props: "options (required) [string | {label, value}], value",
    },
    ComponentInfo {
        kind: "textarea",
        props: "placeholder, value, rows",
    },
    ComponentInfo {
        kind: "image",
        props: "src (required), alt, width, height",
    },
    ComponentInfo {
        kind: "video",
        props: "src, controls, autoPlay, loop, muted",
    },
    ComponentInfo {
        kind: "audio",
        props: "src, controls",
    },
    ComponentInfo {
        kind: "canvas",
        props: "width, height, bordered",
    },
    ComponentInfo {
        kind: "badge",
        props: "text, variant default|primary|secondary|success|error|warning",
    },
    ComponentInfo {
        kind: "card",
        props: "title, footer; holds children",
    },
    ComponentInfo {
        kind: "divider",
        props: "orientation, variant",
    },
    ComponentInfo {
        kind: "modal",
        props: "title, open, size",
    },
    ComponentInfo {
        kind: "tabs",
        props: "defaultTab; each child is a tab whose id is the tab id and whose label prop is its title",
    },
    ComponentInfo {
        kind: "app_shortcut",
        props: "app_id, name, icon (required), description",
    },
    ComponentInfo {
        kind: "iframe",
        props: "src (required), title, width, height",
    },
    ComponentInfo {
        kind: "progress",
        props: "value (required), max, variant",
    },
    ComponentInfo {
        kind: "row",
        props: "alias of container with layout horizontal",
    },
    ComponentInfo {
        kind: "col",
        props: "alias of container with layout vertical",
    },
];

/// Every tool family of the runtime (the `ui` family is always relevant).
pub const TOOL_FAMILIES: &[ToolFamily] = &[
    ToolFamily {
        family: "ui",
        triggers: &[],
        tools: &[
            ToolInfo {
                name: "ui.set",
                summary: "{key, value}: stores value under key (default key: the component)",
            },
            ToolInfo {
                name: "ui.get",
                summary: "{key}: returns the value under key; with \"result\": \"<id>\" copies it to another component",
            },
            ToolInfo {
                name: "ui.append",
                summary: "{key?, value?}: appends the button's text (or value) to key (default display)",
            },
            ToolInfo {
                name: "ui.clear",
                summary: "{key?, default?}: resets key (default display) to default or \"0\"",
            },
            ToolInfo {
                name: "ui.backspace",
                summary: "{key?}: drops the last character of key (default display)",
            },
            ToolInfo {
                name: "ui.compute",
                summary: "{key?, expression?}: evaluates the expression (or key's text) and stores the result in key; {other-id} in the expression reads that component's value, e.g. {\"key\": \"total\", \"expression\": \"{price}*{qty}\"}",
            },
            ToolInfo {
                name: "ui.toggle",
                summary: "{key?}: flips a boolean (default key: the component)",
            },
            ToolInfo {
                name: "ui.list.add",
                summary: "{list, input, text: null}: adds the input component's text to list as {id, text, done} and clears the input",
            },
            ToolInfo {
                name: "ui.list.remove",
                summary: "{list}: removes the clicked item",
            },
            ToolInfo {
                name: "ui.list.toggle",
                summary: "{list}: flips done on the clicked item",
            },
            ToolInfo {
                name: "ui.list.clear",
                summary: "{list, done_only?}: removes all (or only done) items",
            },
        ],
    },
    ToolFamily {
        family: "ui-extra",
        triggers: &[
            "form", "tab", "tabs", "modal", "dialog", "popup", "wizard", "signup", "register",
            "survey",
        ],
        tools: &[
            ToolInfo {
                name: "ui.set_multiple",
                summary: "{values}: stores several keys at once",
            },
            ToolInfo {
                name: "ui.show",
                summary: "{key}: shows a component",
            },
            ToolInfo {
                name: "ui.hide",
                summary: "{key}: hides a component",
            },
            ToolInfo {
                name: "ui.form.validate",
                summary: "{form_id}: checks a form's fields",
            },
            ToolInfo {
                name: "ui.form.submit",
                summary: "{form_id}: submits a form",
            },
            ToolInfo {
                name: "ui.form.reset",
                summary: "{form_id}: clears a form",
            },
            ToolInfo {
                name: "ui.tabs.switch",
                summary: "{tabs, tab}: switches the active tab",
            },
            ToolInfo {
                name: "ui.modal.open",
                summary: "{key}: opens a modal",
            },
            ToolInfo {
                name: "ui.modal.close",
                summary: "{key}: closes a modal",
            },
        ],
    },
    ToolFamily {
        family: "timer",
        triggers: &[
            "timer",
            "countdown",
            "stopwatch",
            "alarm",
            "pomodoro",
            "remind",
            "reminder",
            "clock",
            "interval",
            "every",
            "seconds",
            "minutes",
        ],
        tools: &[
            ToolInfo {
                name: "timer.set",
                summary: "{delay, action: tool name, args}: runs that tool once after delay ms; returns {timer_id}; needs the TIME_ACCESS permission",
            },
            ToolInfo {
                name: "timer.interval",
                summary: "{interval, action: tool name, args}: runs that tool every interval ms; returns {timer_id}; needs the TIME_ACCESS permission",
            },
            ToolInfo {
                name: "timer.clear",
                summary: "{timer_id?}: stops a timer (without an id: the app's timers)",
            },
        ],
    },
    ToolFamily {
        family: "storage",
        triggers: &[
            "save",
            "saved",
            "persist",
            "remember",
            "store",
            "storage",
            "notes",
            "journal",
            "diary",
            "settings",
            "preferences",
            "history",
        ],
        tools: &[
            ToolInfo {
                name: "storage.set",
                summary: "{key, value}: saves a value for this app",
            },
            ToolInfo {
                name: "storage.get",
                summary: "{key}: loads a saved value",
            },
            ToolInfo {
                name: "storage.remove",
                summary: "{key}: deletes a saved value",
            },
            ToolInfo {
                name: "storage.list",
                summary: "{}: the saved keys",
            },
        ],
    },
    ToolFamily {
        family: "system",
        triggers: &[
            "system",
            "cpu",
            "memory",
            "process",
            "processes",
            "monitor",
            "time",
            "clock",
            "date",
            "log",
            "logs",
            "alert",
            "notify",
            "notification",
            "clipboard",
            "copy",
        ],
        tools: &[
            ToolInfo {
                name: "system.info",
                summary: "{}: OS, CPU and memory figures",
            },
            ToolInfo {
                name: "system.time",
                summary: "{}: {timestamp, iso, unix_ms}",
            },
            ToolInfo {
                name: "system.log",
                summary: "{message, level?}: writes a log line",
            },
            ToolInfo {
                name: "system.alert",
                summary: "{message}: shows an alert",
            },
            ToolInfo {
                name: "system.notify",
                summary: "{title, message}: shows a notification",
            },
        ],
    },
    ToolFamily {
        family: "filesystem",
        triggers: &[
            "file",
            "files",
            "folder",
            "folders",
            "directory",
            "explorer",
            "browse",
            "document",
            "documents",
            "disk",
            "path",
        ],
        tools: &[
            ToolInfo {
                name: "filesystem.list",
                summary: "{path}: entries of a directory",
            },
            ToolInfo {
                name: "filesystem.read",
                summary: "{path}: a file's text",
            },
            ToolInfo {
                name: "filesystem.write",
                summary: "{path, data}: writes a file",
            },
            ToolInfo {
                name: "filesystem.mkdir",
                summary: "{path}: creates a directory",
            },
            ToolInfo {
                name: "filesystem.delete",
                summary: "{path}: deletes a file",
            },
            ToolInfo {
                name: "filesystem.stat",
                summary: "{path}: size, type and dates",
            },
        ],
    },
    ToolFamily {
        family: "math",
        triggers: &[
            "math",
            "statistics",
            "stats",
            "mean",
            "median",
            "average",
            "deviation",
            "solve",
            "equation",
            "matrix",
            "derivative",
            "integral",
            "factorial",
            "gcd",
            "trigonometry",
        ],
        tools: &[
            ToolInfo {
                name: "math.mean",
                summary: "{numbers}: arithmetic mean",
            },
            ToolInfo {
                name: "math.median",
                summary: "{numbers}: median",
            },
            ToolInfo {
                name: "math.stdev",
                summary: "{numbers}: standard deviation",
            },
            ToolInfo {
                name: "math.solve",
                summary: "{equation}: roots of a polynomial equation",
            },
            ToolInfo {
                name: "math.derivative",
                summary: "{expression, variable}: symbolic derivative",
            },
            ToolInfo {
                name: "math.factorial",
                summary: "{n}: n!",
            },
        ],
    },
    ToolFamily {
        family: "http",
        triggers: &[
            "http", "api", "fetch", "url", "web", "download", "rest", "json",
        ],
        tools: &[
            ToolInfo {
                name: "http.get",
                summary: "{url}: GET through the kernel's network rules",
            },
            ToolInfo {
                name: "http.post",
                summary: "{url, body}: POST through the kernel's network rules",
            },
        ],
    },
    ToolFamily {
        family: "random",
        triggers: &[
            "random", "dice", "die", "roll", "coin", "flip", "toss", "password", "shuffle",
            "lottery", "uuid",
        ],
        tools: &[
            ToolInfo {
                name: "random.int",
                summary: "{min, max, key}: a whole number in [min, max] stored under key (default display)",
            },
            ToolInfo {
                name: "random.float",
                summary: "{min, max, decimals?, key}: a number in [min, max)",
            },
            ToolInfo {
                name: "random.choice",
                summary: "{items | from, key}: one of a list, or of the list in state key `from`",
            },
            ToolInfo {
                name: "random.shuffle",
                summary: "{items | from, key}: the list in random order",
            },
            ToolInfo {
                name: "random.dice",
                summary: "{notation: \"2d6+1\", key, rolls_key?}: total stored, rolls returned",
            },
            ToolInfo {
                name: "random.coin",
                summary: "{key}: \"Heads\" or \"Tails\"",
            },
            ToolInfo {
                name: "random.password",
                summary: "{length, classes?: [lower, upper, digits, symbols], key}: a password",
            },
            ToolInfo {
                name: "random.uuid",
                summary: "{key}: a random UUID",
            },
        ],
    },
    ToolFamily {
        family: "app",
        triggers: &[
            "launcher", "launch", "apps", "hub", "desktop", "open", "window", "windows",
        ],
        tools: &[
            ToolInfo {
                name: "app.spawn",
                summary: "{request}: generates and opens another app",
            },
            ToolInfo {
                name: "app.list",
                summary: "{}: running apps",
            },
            ToolInfo {
                name: "app.close",
                summary: "{app_id?}: closes an app",
            },
            ToolInfo {
                name: "hub.load_apps",
                summary: "{}: loads the registry's apps into state",
            },
            ToolInfo {
                name: "hub.launch_app",
                summary: "{app_id}: launches a saved app",
            },
        ],
    },
];

/// The tool families relevant to `request`: `ui` always, others when a trigger word appears.
pub fn relevant_tools(request: &str) -> Vec<&'static ToolFamily> {
    let lowercase = request.to_lowercase();
    let words: Vec<&str> = lowercase
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect();
    TOOL_FAMILIES
        .iter()
        .filter(|family| {
            family.triggers.is_empty() || family.triggers.iter().any(|t| words.contains(t))
        })
        .collect()
}

/// True when `name` is a tool of the catalogue.
pub(crate) fn is_known_tool(name: &str) -> bool {
    TOOL_FAMILIES
        .iter()
        .flat_map(|family| family.tools)
        .any(|tool| tool.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relevance_follows_request_words() {
        let families: Vec<&str> = relevant_tools("a pomodoro timer that saves history")
            .iter()
            .map(|f| f.family)
            .collect();
        assert_eq!(families, ["ui", "timer", "storage"]);
        let families: Vec<&str> = relevant_tools("a calculator")
            .iter()
            .map(|f| f.family)
            .collect();
        assert_eq!(families, ["ui"]);
    }

    #[test]
    fn every_template_binding_is_in_the_catalogue() {
        for template in crate::TemplateLibrary::builtin().templates() {
            let blueprint = agentos_blueprint::parse(template.source).blueprint;
            for component in blueprint.ui.all_components() {
                for binding in component.on_event.values() {
                    assert!(
                        is_known_tool(&binding.tool),
                        "{}: {}",
                        template.kind,
                        binding.tool
                    );
                }
            }
        }
    }
}
