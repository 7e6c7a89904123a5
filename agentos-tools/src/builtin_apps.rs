//! The built-in default apps seeded into every registry: calculator, settings, app launcher.

/// The Blueprint documents of the built-in apps.
pub(crate) const ALL: [&str; 3] = [CALCULATOR, SETTINGS, APP_LAUNCHER];

/// The `calculator` app.
const CALCULATOR: &str = r#"{"app": {"id": "calculator", "name": "Calculator", "icon": "🧮", "category": "productivity", "description": "A four-function calculator", "version": "1.0.0", "author": "system"}, "ui": {"title": "Calculator", "layout": "vertical", "components": [{"type": "input", "id": "display", "props": {"value": "0", "readonly": true}}, {"type": "grid", "id": "keys", "props": {"columns": 4}, "children": [{"type": "button", "id": "btn-7", "props": {"text": "7"}, "on_event": {"click": "ui.append"}}, {"type": "button", "id": "btn-8", "props": {"text": "8"}, "on_event": {"click": "ui.append"}}, {"type": "button", "id": "btn-9", "props": {"text": "9"}, "on_event": {"click": "ui.append"}}, {"type": "button", "id": "btn-divide", "props": {"text": "÷"}, "on_event": {"click": "ui.append"}}, {"type": "button", "id": "btn-4", "props": {"text": "4"}, "on_event": {"click": "ui.append"}}, {"type": "button", "id": "btn-5", "props": {"text": "5"}, "on_event": {"click": "ui.append"}}, {"type": "button", "id": "btn-6", "props": {"text": "6"}, "on_event": {"click": "ui.append"}}, {"type": "button", "id": "btn-multiply", "props": {"text": "×"}, "on_event": {"click": "ui.append"}}, {"type": "button", "id": "btn-1", "props": {"text": "1"}, "on_event": {"click": "ui.append"}}, {"type": "button", "id": "btn-2", "props": {"text": "2"}, "on_event": {"click": "ui.append"}}, {"type": "button", "id": "btn-3", "props": {"text": "3"}, "on_event": {"click": "ui.append"}}, {"type": "button", "id": "btn-subtract", "props": {"text": "−"}, "on_event": {"click": "ui.append"}}, {"type": "button", "id": "btn-0", "props": {"text": "0"}, "on_event": {"click": "ui.append"}}, {"type": "button", "id": "btn-clear", "props": {"text": "C"}, "on_event": {"click": "ui.clear"}}, {"type": "button", "id": "btn-equals", "props": {"text": "="}, "on_event": {"click": "ui.compute"}}, {"type": "button", "id": "btn-add", "props": {"text": "+"}, "on_event": {"click": "ui.append"}}]}]}}"#;

/// The `settings` app.
const SETTINGS: &str = r#"{"app": {"id": "settings", "name": "Settings", "icon": "⚙️", "category": "system", "description": "System settings", "version": "1.0.0", "author": "system", "permissions": ["STANDARD"]}, "services": ["storage", "system"], "ui": {"title": "Settings", "layout": "horizontal", "lifecycle": {"on_mount": "system.info"}, "components": [{"type": "container", "id": "sidebar", "props": {"role": "sidebar", "layout": "vertical"}, "children": [{"type": "button", "id": "nav-general", "props": {"text": "General"}, "on_event": {"click": {"tool": "ui.tabs.switch", "args": {"tabs": "section", "tab": "general"}}}}, {"type": "button", "id": "nav-about", "props": {"text": "About"}, "on_event": {"click": {"tool": "ui.tabs.switch", "args": {"tabs": "section", "tab": "about"}}}}]}, {"type": "container", "id": "content", "props": {"role": "content", "layout": "vertical"}, "children": [{"type": "tabs", "id": "section", "props": {"defaultTab": "general"}, "children": [{"type": "container", "id": "general", "props": {"label": "General"}, "children": [{"type": "checkbox", "id": "dark-mode", "props": {"label": "Dark mode", "checked": false}}, {"type": "button", "id": "save-settings", "props": {"text": "Save"}, "on_event": {"click": {"tool": "storage.set", "args": {"key": "settings"}, "result": "settings-status"}}}, {"type": "text", "id": "settings-status", "props": {"content": ""}}]}, {"type": "container", "id": "about", "props": {"label": "About"}, "children": [{"type": "button", "id": "about-refresh", "props": {"text": "System info"}, "on_event": {"click": {"tool": "system.info", "result": "about-info"}}}, {"type": "text", "id": "about-info", "props": {"content": ""}}]}]}]}]}}"#;

/// The `app-launcher` app.
const APP_LAUNCHER: &str = r#"{"app": {"id": "app-launcher", "name": "App Launcher", "icon": "🚀", "category": "system", "description": "Browse and launch installed apps", "version": "1.0.0", "author": "system"}, "ui": {"title": "App Launcher", "layout": "vertical", "lifecycle": {"on_mount": "hub.load_apps"}, "components": [{"type": "text", "id": "launcher-title", "props": {"content": "Apps", "variant": "h1"}}, {"type": "input", "id": "search", "props": {"placeholder": "Search apps…", "value": ""}}, {"type": "text", "id": "all-count", "props": {"content": ""}}, {"type": "grid", "id": "app-grid", "props": {"columns": 4}, "$for": "hub_apps"}]}}"#;

#[cfg(test)]
mod tests {
    use crate::registry::Registry;

    #[test]
    fn built_in_apps_validate_without_a_single_diagnostic() {
        let registry = Registry::builtin();
        for source in super::ALL {
            let parsed = agentos_blueprint::parse_with(source, &registry);
            assert!(
                parsed.diagnostics.is_empty(),
                "{}: {:?}",
                parsed.blueprint.app.id,
                parsed.diagnostics
            );
        }
    }
}
