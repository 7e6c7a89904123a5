//! The symbolic math tools' deterministic work budget: adversarial inputs stop with
//! [`Error::Budget`] naming the operation and the limit, and arbitrary expressions always end
//! in a result or a typed error.

mod common;

use agentos_tools::{BudgetLimit, Error};
use proptest::prelude::*;
use serde_json::{Value, json};

fn math(tool: &str, args: Value) -> agentos_tools::Result<Value> {
    let rt = common::runtime();
    let app = common::app_with(&rt, "m", "[]", "[]");
    common::call(&rt, app, tool, args).map(|patch| patch.result)
}

/// The operation and limit of a budget error, or a panic with what came instead.
fn limit_hit(outcome: agentos_tools::Result<Value>) -> (&'static str, BudgetLimit, u64) {
    match outcome {
        Err(Error::Budget {
            operation,
            limit,
            max,
            ..
        }) => (operation, limit, max),
        other => panic!("expected a budget error, got {other:?}"),
    }
}

#[test]
fn expanding_past_the_degree_limit_names_expand_and_degree() {
    for expression in ["(x+1)^1000", "x^1000000000", "(x+1)^(10^9)", "(x^2+x)^33"] {
        assert_eq!(
            limit_hit(math("math.expand", json!({"expression": expression}))),
            ("expand", BudgetLimit::Degree, 64),
            "{expression}"
        );
    }
    let err = math("math.expand", json!({"expression": "(x+1)^1000"})).unwrap_err();
    assert_eq!(
        err.to_string(),
        "tool `math.expand`: expand stopped at its degree limit of 64"
    );
    // Repeated squaring stays within the limit five times, not seven.
    assert_eq!(
        math("math.expand", json!({"expression": "((((x^2)^2)^2)^2)^2"})).unwrap()["result"],
        "x^32"
    );
    assert_eq!(
        limit_hit(math(
            "math.expand",
            json!({"expression": "((((((x^2)^2)^2)^2)^2)^2)^2"})
        )),
        ("expand", BudgetLimit::Degree, 64)
    );
    assert_eq!(
        limit_hit(math("math.factor", json!({"expression": "(x+1)^1000"}))),
        ("factor", BudgetLimit::Degree, 64)
    );
}

#[test]
fn huge_exponents_fold_instead_of_multiplying_out() {
    assert_eq!(
        math("math.expand", json!({"expression": "2^1000 * x"})).unwrap()["result"],
        math("math.expand", json!({"expression": "2^1000 x"})).unwrap()["result"]
    );
    // Other operations treat an over-degree power as a non-polynomial and keep going.
    assert_eq!(
        math("math.simplify", json!({"expression": "(x+1)^1000 * 1"})).unwrap()["result"],
        "(x + 1)^1000"
    );
    assert_eq!(
        math("math.integrate", json!({"expression": "(x+1)^1000"})).unwrap()["result"],
        "(x + 1)^1001/1001 + C"
    );
    assert_eq!(
        math("math.derivative", json!({"expression": "x^1000000000"})).unwrap()["result"],
        "1000000000*x^999999999"
    );
    // Past the degree limit, solve searches numerically instead of building the polynomial.
    let roots = math("math.solve", json!({"expression": "(x-1)^1000"})).unwrap();
    assert!(
        roots["solutions"].as_array().unwrap().contains(&json!(1.0)),
        "{roots}"
    );
}

#[test]
fn deep_nesting_is_refused_by_depth_or_by_the_parser() {
    let parens = format!("{}x{}", "(".repeat(300), ")".repeat(300));
    assert!(matches!(
        math("math.simplify", json!({"expression": parens})),
        Err(Error::InvalidParam { ref param, .. }) if param == "expression"
    ));
    // A long chain nests one level per term without any parentheses.
    let chain = vec!["x"; 400].join("+");
    for (tool, operation) in [
        ("math.simplify", "simplify"),
        ("math.expand", "expand"),
        ("math.derivative", "derivative"),
        ("math.integrate", "integrate"),
        ("math.series", "series"),
        ("math.limit", "limit"),
        ("math.factor", "factor"),
    ] {
        assert_eq!(
            limit_hit(math(
                tool,
                json!({"expression": chain, "variable": "x", "point": 0})
            )),
            (operation, BudgetLimit::Depth, 256),
            "{tool}"
        );
    }
    assert_eq!(
        limit_hit(math(
            "math.solve",
            json!({"equation": format!("{chain} = 1")})
        )),
        ("solve", BudgetLimit::Depth, 256)
    );
    // A chain within the limit still works.
    let short = vec!["x"; 100].join("+");
    assert_eq!(
        math("math.simplify", json!({"expression": short})).unwrap()["result"],
        "100*x"
    );
}

#[test]
fn repeated_derivatives_of_towers_stop_on_the_budget() {
    let tower = "x^x^x^x^x^x^x^x";
    let (operation, limit, _) = limit_hit(math(
        "math.derivative",
        json!({"expression": tower, "order": 10}),
    ));
    assert_eq!(operation, "derivative");
    assert!(
        matches!(
            limit,
            BudgetLimit::Steps | BudgetLimit::Nodes | BudgetLimit::Depth
        ),
        "{limit}"
    );
    // The same input stops at the same limit every time.
    let again = limit_hit(math(
        "math.derivative",
        json!({"expression": tower, "order": 10}),
    ));
    assert_eq!((again.0, again.1), (operation, limit));
    let (operation, _, _) = limit_hit(math(
        "math.series",
        json!({"expression": "x^x^x^x^x^x^x^x^x", "point": 1, "order": 12}),
    ));
    assert_eq!(operation, "series");
}

#[test]
fn series_orders_past_the_schema_are_refused_naming_order() {
    for order in [13u64, 1_000_000, u64::MAX] {
        assert!(
            matches!(
                math("math.series", json!({"expression": "exp(x)", "order": order})),
                Err(Error::InvalidParam { ref param, .. }) if param == "order"
            ),
            "{order}"
        );
    }
}

#[test]
fn factor_survives_coefficients_whose_powers_overflow() {
    // 720720 has 240 divisors and r^16 overflows 128 bits for most of them.
    let result = math("math.factor", json!({"expression": "x^16 + 720720"})).unwrap();
    assert_eq!(result["result"], "(x^16 + 720720)");
    assert_eq!(
        math("math.factor", json!({"expression": "x^16 - 1"})).unwrap()["result"],
        "(x - 1)*(x + 1)*(x^14 + x^12 + x^10 + x^8 + x^6 + x^4 + x^2 + 1)"
    );
}

#[test]
fn oscillating_equations_end_in_roots_or_the_budget() {
    match math("math.solve", json!({"equation": "sin(1000x) = 0"})) {
        Ok(found) => assert!(!found["solutions"].as_array().unwrap().is_empty()),
        Err(err) => assert_eq!(limit_hit(Err(err)).0, "solve"),
    }
    match math(
        "math.integrate",
        json!({"expression": "sin(1/x)*x^x^x", "lower": 0.001, "upper": 5}),
    ) {
        Ok(value) => assert_eq!(value["method"], "numeric"),
        Err(Error::Failed { .. }) => {}
        Err(err) => assert_eq!(limit_hit(Err(err)).0, "integrate"),
    }
}

/// Expression text built from a random tree: numbers, `x`, `y`, the operators and functions.
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (0u32..20).prop_map(|n| n.to_string()),
        Just("x".to_owned()),
        Just("y".to_owned()),
        Just("0.5".to_owned()),
    ];
    leaf.prop_recursive(6, 48, 2, |inner| {
        prop_oneof![
            (
                inner.clone(),
                inner.clone(),
                prop::sample::select(vec!["+", "-", "*", "/"])
            )
                .prop_map(|(a, b, op)| format!("({a}){op}({b})")),
            (inner.clone(), 0u32..80).prop_map(|(a, n)| format!("({a})^{n}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a})^({b})")),
            (
                inner.clone(),
                prop::sample::select(vec!["sin", "cos", "exp", "ln", "sqrt", "abs", "tan"])
            )
                .prop_map(|(a, f)| format!("{f}({a})")),
            inner.prop_map(|a| format!("-({a})")),
        ]
    })
}

/// True for the outcomes a symbolic tool may have: a result or a typed error about the input,
/// the maths, or the budget.
fn acceptable(outcome: &agentos_tools::Result<Value>) -> bool {
    matches!(
        outcome,
        Ok(_) | Err(Error::InvalidParam { .. } | Error::Failed { .. } | Error::Budget { .. })
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]
    #[test]
    fn arbitrary_expressions_end_in_a_result_or_a_typed_error(
        text in expression(),
        order in 1u64..=10,
    ) {
        let rt = common::runtime();
        let app = common::app_with(&rt, "m", "[]", "[]");
        let calls = [
            ("math.simplify", json!({"expression": text})),
            ("math.expand", json!({"expression": text, "variable": "x"})),
            ("math.factor", json!({"expression": text, "variable": "x"})),
            ("math.derivative", json!({"expression": text, "variable": "x", "order": order})),
            ("math.integrate", json!({"expression": text, "variable": "x"})),
            ("math.integrate", json!({"expression": text, "variable": "x", "lower": 0, "upper": 2})),
            ("math.limit", json!({"expression": text, "variable": "x", "point": 1})),
            ("math.series", json!({"expression": text, "variable": "x", "point": 1, "order": order})),
            ("math.solve", json!({"equation": format!("{text} = 1"), "variable": "x"})),
        ];
        for (tool, args) in calls {
            let outcome = common::call(&rt, app, tool, args).map(|patch| patch.result);
            if let Err(Error::Budget { tool: ref named, .. }) = outcome {
                prop_assert_eq!(named.as_str(), tool);
            }
            prop_assert!(acceptable(&outcome), "{} on {}: {:?}", tool, text, outcome);
        }
    }
}

/// Polynomials whose companion matrix stalls nalgebra's Schur iteration (found by the
/// proptest above, which once ran for minutes on them) end with their roots.
#[test]
fn high_degree_polynomials_whose_eigenvalues_stall_still_end_with_their_roots() {
    let found = math(
        "math.solve",
        json!({"equation": "(-(x))^16 = 1", "variable": "x"}),
    )
    .unwrap();
    assert_eq!(found["solutions"], json!([-1.0, 1.0]));
    let complex = found["complex"].as_array().unwrap();
    assert_eq!(complex.len(), 14, "{found}");
    for root in complex {
        let (re, im) = (root[0].as_f64().unwrap(), root[1].as_f64().unwrap());
        assert!(
            (re.hypot(im) - 1.0).abs() < 1e-6,
            "{root} is a 16th root of unity"
        );
    }

    let found = math(
        "math.solve",
        json!({"equation": "(-((x)^36))-(((0.5)^(15))+(-(0.5))) = 1", "variable": "x"}),
    )
    .unwrap();
    // -x^36 = 0.5 + 0.5^15: no real root, 36 complex ones on one circle.
    assert_eq!(found["solutions"], json!([]));
    let complex = found["complex"].as_array().unwrap();
    assert_eq!(complex.len(), 36, "{found}");
    let radius = (0.5f64 + 0.5f64.powi(15)).powf(1.0 / 36.0);
    for root in complex {
        let (re, im) = (root[0].as_f64().unwrap(), root[1].as_f64().unwrap());
        assert!((re.hypot(im) - radius).abs() < 1e-6, "{root}");
    }
}
