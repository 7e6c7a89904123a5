//! `random.*`: values land in the target state key, bounds always hold, every outcome appears,
//! and bad input names the parameter.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use agentos_tools::{AppId, Error, Runtime};
use proptest::prelude::*;
use serde_json::{Value, json};

fn app() -> (Runtime, AppId) {
    let rt = common::runtime();
    let app = common::launch(
        &rt,
        r#"{"app": {"id": "r", "name": "R"}, "ui": {"components": [
            {"type": "input", "id": "display", "props": {"value": ""}},
            {"type": "input", "id": "names", "props": {"value": "ann, bob,\ncy"}}
        ]}}"#,
    );
    (rt, app)
}

fn state(rt: &Runtime, app: AppId, key: &str) -> Value {
    rt.state(app)
        .unwrap()
        .get(key)
        .cloned()
        .unwrap_or(Value::Null)
}

fn param_of(outcome: agentos_tools::Result<agentos_tools::Patch>) -> String {
    match outcome {
        Err(Error::InvalidParam { param, .. }) => param,
        other => panic!("expected a parameter error, got {other:?}"),
    }
}

#[test]
fn int_writes_display_or_the_target_within_bounds() {
    let (rt, app) = app();
    let patch = common::call(&rt, app, "random.int", json!({"min": 3, "max": 3})).unwrap();
    assert_eq!(patch.result, json!(3));
    assert_eq!(patch.changes["display"], json!(3));
    let drawn = common::call(
        &rt,
        app,
        "random.int",
        json!({"min": -5, "max": 5, "target": "n"}),
    )
    .unwrap()
    .result;
    assert!((-5..=5).contains(&drawn.as_i64().unwrap()));
    assert_eq!(state(&rt, app, "n"), drawn);
    let extreme = common::call(
        &rt,
        app,
        "random.int",
        json!({"min": i64::MIN, "max": i64::MAX}),
    )
    .unwrap()
    .result;
    assert!(extreme.is_i64());
    // Text inputs hold strings; `"{key}"` arguments pass them on as they are.
    let typed = common::call(&rt, app, "random.int", json!({"min": "7", "max": " 7 "}))
        .unwrap()
        .result;
    assert_eq!(typed, json!(7));
    let default = common::call(&rt, app, "random.int", json!({}))
        .unwrap()
        .result;
    assert!((1..=100).contains(&default.as_i64().unwrap()));
}

#[test]
fn float_stays_in_its_half_open_range_and_rounds() {
    let (rt, app) = app();
    for _ in 0..200 {
        let x = common::call(
            &rt,
            app,
            "random.float",
            json!({"min": 1.5, "max": 1.6, "decimals": 1}),
        )
        .unwrap()
        .result
        .as_f64()
        .unwrap();
        assert_eq!(x, 1.5, "the only one-decimal value in [1.5, 1.6)");
    }
    let x = common::call(&rt, app, "random.float", json!({"key": "f"}))
        .unwrap()
        .result;
    assert!((0.0..1.0).contains(&x.as_f64().unwrap()));
    assert_eq!(state(&rt, app, "f"), x);
}

#[test]
fn choice_and_shuffle_use_a_list_param_or_a_state_list() {
    let (rt, app) = app();
    let picked = common::call(
        &rt,
        app,
        "random.choice",
        json!({"items": ["red", "green", "blue"]}),
    )
    .unwrap()
    .result;
    assert!(["red", "green", "blue"].contains(&picked.as_str().unwrap()));
    assert_eq!(state(&rt, app, "display"), picked);

    // A text state list splits on commas and new lines.
    let mut seen = BTreeSet::new();
    for _ in 0..300 {
        let name = common::call(
            &rt,
            app,
            "random.choice",
            json!({"from": "names", "target": "winner"}),
        )
        .unwrap()
        .result;
        seen.insert(name.as_str().unwrap().to_owned());
    }
    assert_eq!(
        seen,
        BTreeSet::from(["ann".to_owned(), "bob".to_owned(), "cy".to_owned()])
    );

    // Shuffling a state list writes the permutation back to it.
    common::call(
        &rt,
        app,
        "ui.set",
        json!({"key": "deck", "value": [1, 2, 3, 4, 5]}),
    )
    .unwrap();
    let shuffled = common::call(&rt, app, "random.shuffle", json!({"from": "deck"}))
        .unwrap()
        .result;
    let mut sorted: Vec<i64> = shuffled
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(state(&rt, app, "deck"), shuffled);
    sorted.sort_unstable();
    assert_eq!(sorted, [1, 2, 3, 4, 5]);
    // Every order of three items turns up.
    let mut orders = BTreeSet::new();
    for _ in 0..600 {
        let order = common::call(
            &rt,
            app,
            "random.shuffle",
            json!({"items": ["a", "b", "c"]}),
        )
        .unwrap()
        .result;
        orders.insert(order.to_string());
    }
    assert_eq!(orders.len(), 6);
}

#[test]
fn dice_report_the_total_and_every_roll() {
    let (rt, app) = app();
    let roll = common::call(
        &rt,
        app,
        "random.dice",
        json!({"notation": "3d6+2", "rolls_key": "rolls"}),
    )
    .unwrap();
    let rolls: Vec<i64> = roll.result["rolls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(rolls.len(), 3);
    assert!(rolls.iter().all(|r| (1..=6).contains(r)));
    let total = rolls.iter().sum::<i64>() + 2;
    assert_eq!(roll.result["total"], json!(total));
    assert_eq!(roll.result["modifier"], json!(2));
    assert_eq!(roll.changes["display"], json!(total));
    assert_eq!(roll.changes["rolls"], json!(rolls));

    // Each face of a d6 turns up in 6,000 rolls (a face missing has probability ~1e-475).
    let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
    let many = common::call(&rt, app, "random.dice", json!({"notation": "1000d6"})).unwrap();
    for _ in 0..5 {
        let more = common::call(&rt, app, "random.dice", json!({"notation": "1000d6"})).unwrap();
        for face in more.result["rolls"].as_array().unwrap() {
            *counts.entry(face.as_i64().unwrap()).or_default() += 1;
        }
    }
    for face in many.result["rolls"].as_array().unwrap() {
        *counts.entry(face.as_i64().unwrap()).or_default() += 1;
    }
    assert_eq!(
        counts.keys().copied().collect::<Vec<_>>(),
        [1, 2, 3, 4, 5, 6]
    );
    assert_eq!(counts.values().sum::<usize>(), 6_000);
}

#[test]
fn coin_password_and_uuid() {
    let (rt, app) = app();
    let mut sides = BTreeSet::new();
    for _ in 0..200 {
        let side = common::call(&rt, app, "random.coin", json!({})).unwrap();
        assert_eq!(state(&rt, app, "display"), side.result);
        sides.insert(side.result.as_str().unwrap().to_owned());
    }
    assert_eq!(
        sides,
        BTreeSet::from(["Heads".to_owned(), "Tails".to_owned()])
    );

    let password = common::call(
        &rt,
        app,
        "random.password",
        json!({"length": 24, "key": "pw"}),
    )
    .unwrap()
    .result;
    let password = password.as_str().unwrap();
    assert_eq!(password.chars().count(), 24);
    assert!(password.chars().any(|c| c.is_ascii_lowercase()));
    assert!(password.chars().any(|c| c.is_ascii_uppercase()));
    assert!(password.chars().any(|c| c.is_ascii_digit()));
    assert!(password.chars().any(|c| !c.is_ascii_alphanumeric()));
    assert_eq!(state(&rt, app, "pw"), json!(password));
    let digits = common::call(
        &rt,
        app,
        "random.password",
        json!({"length": 8, "classes": ["digits"]}),
    )
    .unwrap()
    .result;
    assert!(digits.as_str().unwrap().chars().all(|c| c.is_ascii_digit()));

    let id = common::call(&rt, app, "random.uuid", json!({}))
        .unwrap()
        .result;
    let id = id.as_str().unwrap();
    assert_eq!(id.len(), 36);
    assert_eq!(&id[14..15], "4", "version 4: {id}");
    assert!(
        matches!(&id[19..20], "8" | "9" | "a" | "b"),
        "variant: {id}"
    );
    let other = common::call(&rt, app, "random.uuid", json!({}))
        .unwrap()
        .result;
    assert_ne!(other, json!(id));
}

#[test]
fn bad_input_names_the_parameter() {
    let (rt, app) = app();
    let call = |tool: &str, args: Value| common::call(&rt, app, tool, args);
    assert_eq!(
        param_of(call("random.int", json!({"min": 5, "max": 4}))),
        "max"
    );
    assert_eq!(param_of(call("random.int", json!({"min": 1.5}))), "min");
    assert_eq!(param_of(call("random.int", json!({"max": "ten"}))), "max");
    assert_eq!(
        param_of(call("random.float", json!({"min": 1, "max": 1}))),
        "max"
    );
    assert_eq!(
        param_of(call("random.float", json!({"min": -1e308, "max": 1e308}))),
        "max"
    );
    assert_eq!(
        param_of(call("random.float", json!({"decimals": 16}))),
        "decimals"
    );
    assert_eq!(param_of(call("random.choice", json!({}))), "items");
    assert_eq!(
        param_of(call("random.choice", json!({"items": []}))),
        "items"
    );
    assert_eq!(
        param_of(call("random.choice", json!({"items": "a,b"}))),
        "items"
    );
    assert_eq!(
        param_of(call("random.choice", json!({"from": "nothing"}))),
        "from"
    );
    common::call(&rt, app, "ui.set", json!({"key": "flag", "value": true})).unwrap();
    assert_eq!(
        param_of(call("random.shuffle", json!({"from": "flag"}))),
        "from"
    );
    for notation in ["", "6", "0d6", "2d1", "d", "2d6+x", "1001d6", "two dice"] {
        assert_eq!(
            param_of(call("random.dice", json!({"notation": notation}))),
            "notation",
            "{notation:?}"
        );
    }
    assert_eq!(
        param_of(call("random.dice", json!({"notation": ["2d6"]}))),
        "notation"
    );
    assert_eq!(
        param_of(call("random.password", json!({"length": 3}))),
        "length"
    );
    assert_eq!(
        param_of(call("random.password", json!({"length": 5000}))),
        "length"
    );
    assert_eq!(
        param_of(call("random.password", json!({"classes": []}))),
        "classes"
    );
    assert_eq!(
        param_of(call("random.password", json!({"classes": ["emoji"]}))),
        "classes[0]"
    );
    assert_eq!(
        param_of(call(
            "random.password",
            json!({"length": 4, "classes": ["lower", "upper", "digits", "symbols", "lower"]})
        )),
        "classes",
        "more than four entries"
    );
    assert_eq!(
        param_of(call("random.coin", json!({"key": {"a": 1}}))),
        "key"
    );
    let err = call("random.int", json!({"min": 5, "max": 4})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "tool `random.int`: parameter `max` must be at least min (5), found 4"
    );
    assert!(
        rt.state(app).unwrap().get("display") == Some(&json!("")),
        "nothing was written"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn draws_always_respect_their_bounds(
        a in any::<i64>(),
        b in any::<i64>(),
        x in -1e12f64..1e12,
        width in 1e-6f64..1e6,
        count in 1u32..=50,
        faces in 2u32..=1000,
        modifier in -100i64..=100,
        length in 4u64..=64,
        items in prop::collection::vec(any::<u16>(), 1..20),
    ) {
        let (rt, app) = app();
        let (min, max) = (a.min(b), a.max(b));
        let n = common::call(&rt, app, "random.int", json!({"min": min, "max": max})).unwrap().result;
        prop_assert!((min..=max).contains(&n.as_i64().unwrap()));

        let f = common::call(&rt, app, "random.float", json!({"min": x, "max": x + width})).unwrap().result;
        let f = f.as_f64().unwrap();
        prop_assert!(f >= x && f < x + width, "{} not in [{}, {})", f, x, x + width);

        let notation = format!("{count}d{faces}{modifier:+}");
        let roll = common::call(&rt, app, "random.dice", json!({"notation": notation})).unwrap().result;
        let rolls = roll["rolls"].as_array().unwrap();
        prop_assert_eq!(rolls.len(), count as usize);
        let mut sum = modifier;
        for r in rolls {
            let r = r.as_i64().unwrap();
            prop_assert!((1..=i64::from(faces)).contains(&r));
            sum += r;
        }
        prop_assert_eq!(roll["total"].as_i64(), Some(sum));

        let pw = common::call(&rt, app, "random.password", json!({"length": length})).unwrap().result;
        prop_assert_eq!(pw.as_str().unwrap().chars().count() as u64, length);

        let picked = common::call(&rt, app, "random.choice", json!({"items": items})).unwrap().result;
        prop_assert!(items.iter().any(|i| json!(i) == picked));
        let shuffled = common::call(&rt, app, "random.shuffle", json!({"items": items})).unwrap().result;
        let mut got: Vec<u64> = shuffled.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
        let mut want: Vec<u64> = items.iter().map(|i| u64::from(*i)).collect();
        got.sort_unstable();
        want.sort_unstable();
        prop_assert_eq!(got, want);
    }
}
