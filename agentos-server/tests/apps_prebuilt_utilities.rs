//! The prebuilt utility apps (`apps/utilities/`): calculator, browser and unit converter, driven
//! through `Runtime::dispatch`.

mod common;

use agentos_tools::UiEvent;
use common::apps::{blueprint, change, click, launch, runtime, state};
use serde_json::json;

#[test]
fn calculator_computes_twelve_times_three() {
    let runtime = runtime();
    let app = launch(&runtime, "utilities/calculator.bp");
    assert_eq!(state(&runtime, app, "display"), "0");
    let keys = blueprint("utilities/calculator.bp")
        .ui
        .all_components()
        .filter(|component| component.kind == "button" && component.id != "btn-clear")
        .filter(|component| component.id != "btn-backspace")
        .count();
    assert_eq!(keys, 16, "a full 4×4 keypad");
    for key in ["btn-1", "btn-2", "btn-multiply", "btn-3"] {
        click(&runtime, app, key);
    }
    assert_eq!(state(&runtime, app, "display"), "12×3");
    let patch = click(&runtime, app, "btn-equals");
    assert_eq!(patch.changes["display"], "36");

    for key in [
        "btn-decimal",
        "btn-5",
        "btn-divide",
        "btn-2",
        "btn-backspace",
        "btn-4",
    ] {
        click(&runtime, app, key);
    }
    assert_eq!(state(&runtime, app, "display"), "36.5÷4");
    assert_eq!(
        click(&runtime, app, "btn-equals").changes["display"],
        "9.125"
    );
    assert_eq!(click(&runtime, app, "btn-clear").changes["display"], "0");
    for key in [
        "btn-7",
        "btn-subtract",
        "btn-9",
        "btn-add",
        "btn-0",
        "btn-equals",
    ] {
        click(&runtime, app, key);
    }
    assert_eq!(state(&runtime, app, "display"), "-2");
}

#[test]
fn browser_navigates_the_iframe_with_history() {
    let runtime = runtime();
    let app = launch(&runtime, "utilities/browser.bp");
    let bp = blueprint("utilities/browser.bp");
    assert_eq!(bp.ui.components[0].id, "nav-bar");
    assert!(bp.ui.all_components().any(|c| c.kind == "iframe"));

    change(&runtime, app, "url-input", json!("example.com"));
    let patch = click(&runtime, app, "go");
    assert_eq!(patch.changes["browser-frame"], "https://example.com");
    click(&runtime, app, "bookmark-rust");
    assert_eq!(
        state(&runtime, app, "browser-frame"),
        "https://www.rust-lang.org"
    );
    click(&runtime, app, "back");
    assert_eq!(state(&runtime, app, "browser-frame"), "https://example.com");
    click(&runtime, app, "forward");
    assert_eq!(
        state(&runtime, app, "browser-frame"),
        "https://www.rust-lang.org"
    );
    let reload = click(&runtime, app, "reload");
    assert_eq!(reload.effects[0]["type"], "reload");
    assert_eq!(reload.effects[0]["url"], "https://www.rust-lang.org");

    // Pressing Enter in the address bar navigates too; a non-address is refused.
    change(&runtime, app, "url-input", json!("docs.rs/serde"));
    let submit = UiEvent {
        component_id: "url-input".to_owned(),
        event: "submit".to_owned(),
        value: None,
    };
    runtime.dispatch(app, &submit).unwrap();
    assert_eq!(
        state(&runtime, app, "browser-frame"),
        "https://docs.rs/serde"
    );
    change(&runtime, app, "url-input", json!("javascript:alert(1)"));
    assert!(runtime.dispatch(app, &UiEvent::click("go")).is_err());
    assert_eq!(
        state(&runtime, app, "browser-frame"),
        "https://docs.rs/serde"
    );
}

#[test]
fn unit_converter_converts_as_you_type() {
    let runtime = runtime();
    let app = launch(&runtime, "utilities/unit-converter.bp");
    let miles = change(&runtime, app, "km", json!("10")).changes["miles"].clone();
    let miles: f64 = miles.as_str().unwrap().parse().unwrap();
    assert!((miles - 6.213_711_922).abs() < 1e-6, "{miles}");
    assert_eq!(
        change(&runtime, app, "celsius", json!(100)).changes["fahrenheit"],
        "212"
    );
    assert_eq!(
        change(&runtime, app, "celsius", json!("-40")).changes["fahrenheit"],
        "-40"
    );
    let feet = change(&runtime, app, "metres", json!("3.048")).changes["feet"].clone();
    assert_eq!(feet, "10");
    let pounds = change(&runtime, app, "kilograms", json!("1")).changes["pounds"].clone();
    let pounds: f64 = pounds.as_str().unwrap().parse().unwrap();
    assert!((pounds - 2.204_622_62).abs() < 1e-6, "{pounds}");

    let boiling = click(&runtime, app, "ref-boiling").changes["reference"].clone();
    assert_eq!(
        boiling.as_f64().or_else(|| boiling["result"].as_f64()),
        Some(212.0)
    );
    let marathon = click(&runtime, app, "ref-marathon").changes["reference"].clone();
    let marathon = marathon
        .as_f64()
        .or_else(|| marathon["result"].as_f64())
        .unwrap();
    assert!((marathon - 26.218_757).abs() < 1e-5, "{marathon}");
}

/// The button id of each calculator key.
fn key_id(key: char) -> String {
    match key {
        '+' => "btn-add".to_owned(),
        '−' => "btn-subtract".to_owned(),
        '×' => "btn-multiply".to_owned(),
        '÷' => "btn-divide".to_owned(),
        '.' => "btn-decimal".to_owned(),
        '=' => "btn-equals".to_owned(),
        'C' => "btn-clear".to_owned(),
        '<' => "btn-backspace".to_owned(),
        digit => format!("btn-{digit}"),
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Typing `a op b =` on the keypad gives the arithmetic result.
    #[test]
    fn calculator_keypad_matches_arithmetic(
        a in 0u32..100_000,
        b in 1u32..100_000,
        op in proptest::sample::select(vec!['+', '−', '×', '÷']),
    ) {
        let runtime = runtime();
        let app = runtime.launch(blueprint("utilities/calculator.bp")).unwrap();
        for key in format!("{a}{op}{b}=").chars() {
            click(&runtime, app, &key_id(key));
        }
        let (a, b) = (f64::from(a), f64::from(b));
        let expected = match op {
            '+' => a + b,
            '−' => a - b,
            '×' => a * b,
            _ => a / b,
        };
        let shown: f64 = state(&runtime, app, "display").as_str().unwrap().parse().unwrap();
        proptest::prop_assert!((shown - expected).abs() <= expected.abs() * 1e-9, "{shown} vs {expected}");
    }

    /// Any sequence of key presses is accepted and leaves a non-empty display.
    #[test]
    fn calculator_accepts_any_key_sequence(
        keys in proptest::collection::vec(
            proptest::sample::select("0123456789+−×÷.=C<".chars().collect::<Vec<_>>()),
            0..40,
        ),
    ) {
        let runtime = runtime();
        let app = runtime.launch(blueprint("utilities/calculator.bp")).unwrap();
        for key in keys {
            let patch = runtime.dispatch(app, &UiEvent::click(&key_id(key)));
            proptest::prop_assert!(patch.is_ok(), "{key}: {patch:?}");
            let display = state(&runtime, app, "display");
            proptest::prop_assert!(!display.as_str().unwrap().is_empty());
        }
    }
}
