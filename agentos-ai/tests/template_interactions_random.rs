//! The templates that draw at random — dice roller, coin flip, random picker, password
//! generator, random number — launched in the app runtime: each main interaction runs a
//! `random.*` tool and its value lands where the app shows it, within range.

mod common;

use std::collections::BTreeSet;

use agentos_ai::TemplateLibrary;
use common::launch;
use serde_json::Value;

/// The tool each template's main button is bound to.
fn bound_tool(kind: &str, component: &str) -> String {
    let library = TemplateLibrary::builtin();
    let template = library.get(kind).unwrap();
    let blueprint = agentos_blueprint::parse(template.source).blueprint;
    let button = blueprint
        .ui
        .all_components()
        .find(|c| c.id == component)
        .unwrap_or_else(|| panic!("{kind}: no {component}"));
    button.on_event["click"].tool.clone()
}

#[test]
fn main_interactions_are_bound_to_random_tools() {
    for (kind, component, tool) in [
        ("dice-roller", "roll", "random.dice"),
        ("coin-flip", "flip", "random.coin"),
        ("random-picker", "pick", "random.choice"),
        ("random-picker", "shuffle", "random.shuffle"),
        ("password-generator", "generate", "random.password"),
        ("random-number", "draw", "random.int"),
    ] {
        assert_eq!(bound_tool(kind, component), tool, "{kind}");
    }
}

#[test]
fn dice_roller_rolls_the_typed_notation() {
    let app = launch("dice-roller", "roll some dice");
    assert_eq!(app.text("result"), "–");
    app.change("notation", "3d4+1");
    let mut totals = BTreeSet::new();
    for _ in 0..400 {
        let result = app.click("roll");
        let rolls: Vec<i64> = app
            .get("rolls")
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_i64().unwrap())
            .collect();
        assert_eq!(rolls.len(), 3);
        assert!(rolls.iter().all(|r| (1..=4).contains(r)), "{rolls:?}");
        let total = app.number("result") as i64;
        assert_eq!(total, rolls.iter().sum::<i64>() + 1);
        assert_eq!(result["total"], Value::from(total));
        totals.insert(total);
    }
    // 3d4+1 spans 4..=13; 400 rolls reach both ends (each has probability 1/64 per roll).
    assert_eq!(totals.first(), Some(&4));
    assert_eq!(totals.last(), Some(&13));
    app.click("roll-d20");
    assert!((1.0..=20.0).contains(&app.number("result")));
    app.change("notation", "two dice");
    assert!(
        app.runtime
            .dispatch(app.id, &agentos_tools::UiEvent::click("roll"))
            .is_err(),
        "a bad notation is an error, not a roll"
    );
}

#[test]
fn coin_flip_shows_heads_and_tails() {
    let app = launch("coin-flip", "flip a coin");
    let mut sides = BTreeSet::new();
    for _ in 0..200 {
        app.click("flip");
        sides.insert(app.text("result"));
    }
    assert_eq!(
        sides,
        BTreeSet::from(["Heads".to_owned(), "Tails".to_owned()])
    );
    app.click("reset");
    assert_eq!(app.text("result"), "Flip the coin");
}

#[test]
fn random_picker_picks_from_the_typed_list() {
    let app = launch("random-picker", "random name picker");
    app.change("choices", "Ann\nBob\nCy");
    let mut picked = BTreeSet::new();
    for _ in 0..300 {
        app.click("pick");
        picked.insert(app.text("picked"));
    }
    assert_eq!(
        picked,
        BTreeSet::from(["Ann".to_owned(), "Bob".to_owned(), "Cy".to_owned()])
    );
    app.click("shuffle");
    let mut order: Vec<String> = app
        .get("order")
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect();
    order.sort();
    assert_eq!(order, ["Ann", "Bob", "Cy"]);
    assert_eq!(
        app.text("choices"),
        "Ann\nBob\nCy",
        "the typed list is kept"
    );
}

#[test]
fn password_generator_uses_the_chosen_length_and_classes() {
    let app = launch("password-generator", "password generator");
    app.click("generate");
    let first = app.text("password");
    assert_eq!(first.chars().count(), 16);
    app.click("generate");
    assert_ne!(app.text("password"), first, "each click draws anew");
    app.change("length", "24");
    app.click("letters-digits");
    let password = app.text("password");
    assert_eq!(password.chars().count(), 24);
    assert!(password.chars().all(|c| c.is_ascii_alphanumeric()));
    app.click("pin");
    let pin = app.text("password");
    assert_eq!(pin.len(), 6);
    assert!(pin.chars().all(|c| c.is_ascii_digit()));
}

#[test]
fn random_number_stays_within_the_typed_bounds() {
    let app = launch("random-number", "random number generator");
    let first = {
        app.click("draw");
        app.number("number")
    };
    assert!((1.0..=100.0).contains(&first));
    app.change("min", "5");
    app.change("max", "7");
    let mut seen = BTreeSet::new();
    for _ in 0..200 {
        app.click("draw");
        seen.insert(app.number("number") as i64);
    }
    assert_eq!(seen, BTreeSet::from([5, 6, 7]));
}
