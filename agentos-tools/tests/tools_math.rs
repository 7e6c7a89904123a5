//! `math.*`: numeric, statistics, special functions, matrices and the symbolic set.

mod common;

use agentos_tools::Error;
use serde_json::{Value, json};

fn math(tool: &str, args: Value) -> agentos_tools::Result<Value> {
    let rt = common::runtime();
    let app = common::app_with(&rt, "m", "[]", "[]");
    common::call(&rt, app, tool, args).map(|p| p.result)
}

fn close(a: &Value, b: f64) -> bool {
    (a.as_f64().unwrap() - b).abs() < 1e-9
}

#[test]
fn numeric_set_and_bad_input() {
    assert_eq!(
        math("math.add", json!({"numbers": [1, 2, 3.5]})).unwrap(),
        6.5
    );
    assert_eq!(math("math.divide", json!({"a": 7, "b": 2})).unwrap(), 3.5);
    assert_eq!(math("math.mod", json!({"a": -7, "b": 3})).unwrap(), 2.0);
    assert_eq!(math("math.factorial", json!({"n": 5})).unwrap(), 120.0);
    assert_eq!(math("math.gcd", json!({"a": 12, "b": 18})).unwrap(), 6.0);
    assert_eq!(math("math.lcm", json!({"a": 4, "b": 6})).unwrap(), 12.0);
    assert_eq!(
        math("math.median", json!({"numbers": [5, 1, 3, 2]})).unwrap(),
        2.5
    );
    assert_eq!(
        math("math.mode", json!({"numbers": [1, 2, 2, 3]})).unwrap(),
        2.0
    );
    assert!(close(
        &math("math.stdev", json!({"numbers": [2, 4, 4, 4, 5, 5, 7, 9]})).unwrap(),
        2.138089935299395
    ));
    assert!(close(
        &math("math.correlation", json!({"x": [1, 2, 3], "y": [2, 4, 6]})).unwrap(),
        1.0
    ));
    assert!(close(&math("math.gamma", json!({"x": 5})).unwrap(), 24.0));
    assert!(close(
        &math("math.beta", json!({"a": 2, "b": 3})).unwrap(),
        1.0 / 12.0
    ));
    assert!(close(&math("math.erf", json!({"x": 0})).unwrap(), 0.0));
    assert!(close(
        &math("math.celsiusToFahrenheit", json!({"x": 100})).unwrap(),
        212.0
    ));
    assert!(close(
        &math("math.log", json!({"x": 8, "base": 2})).unwrap(),
        3.0
    ));
    for (tool, args, param) in [
        ("math.divide", json!({"a": 1, "b": 0}), "b"),
        ("math.add", json!({"numbers": [1, "x"]}), "numbers[1]"),
        ("math.mean", json!({"numbers": []}), "numbers"),
        ("math.sqrt", json!({"x": -1}), "x"),
        ("math.factorial", json!({"n": 171}), "n"),
        ("math.log", json!({"x": 0}), "x"),
        ("math.gamma", json!({"x": -2}), "x"),
        ("math.correlation", json!({"x": [1, 2], "y": [1]}), "y"),
    ] {
        let err = math(tool, args).unwrap_err();
        assert!(
            matches!(err, Error::InvalidParam { param: ref p, .. } if p == param),
            "{tool}: {err}"
        );
    }
    assert!(
        matches!(
            math("math.power", json!({"base": 10, "exponent": 400})),
            Err(Error::Failed { .. })
        ),
        "overflow is an error"
    );
}

#[test]
fn matrices() {
    assert_eq!(
        math(
            "math.matrix_multiply",
            json!({"a": [[1, 2], [3, 4]], "b": [[5], [6]]})
        )
        .unwrap(),
        json!([[17.0], [39.0]])
    );
    assert_eq!(
        math(
            "math.matrix_determinant",
            json!({"matrix": [[1, 2], [3, 4]]})
        )
        .unwrap(),
        json!(-2.0)
    );
    assert_eq!(
        math("math.matrix_inverse", json!({"matrix": [[2, 0], [0, 4]]})).unwrap(),
        json!([[0.5, 0.0], [0.0, 0.25]])
    );
    assert_eq!(
        math("math.matrix_transpose", json!({"matrix": [[1, 2, 3]]})).unwrap(),
        json!([[1.0], [2.0], [3.0]])
    );
    assert_eq!(
        math(
            "math.solve_linear",
            json!({"a": [[2, 1], [1, 3]], "b": [3, 5]})
        )
        .unwrap()["solution"],
        json!([0.8, 1.4])
    );
    assert!(matches!(
        math("math.matrix_inverse", json!({"matrix": [[1, 2], [2, 4]]})),
        Err(Error::Failed { .. })
    ));
    assert!(
        math(
            "math.matrix_multiply",
            json!({"a": [[1, 2]], "b": [[1, 2]]})
        )
        .unwrap_err()
        .to_string()
        .contains("has 1 rows but `a` has 2 columns")
    );
    assert!(
        math("math.matrix_determinant", json!({"matrix": [[1, 2], [3]]}))
            .unwrap_err()
            .to_string()
            .contains("parameter `matrix[1]` has 1 entries, expected 2")
    );
    assert!(
        math("math.matrix_determinant", json!({"matrix": [[1, 2]]}))
            .unwrap_err()
            .to_string()
            .contains("must be square")
    );
}

#[test]
fn symbolic_algebra() {
    assert_eq!(
        math("math.expand", json!({"expression": "(x+1)^2"})).unwrap()["result"],
        "x^2 + 2*x + 1"
    );
    assert_eq!(
        math("math.expand", json!({"expression": "(2t - 1)(t + 3)"})).unwrap()["result"],
        "2*t^2 + 5*t - 3"
    );
    assert_eq!(
        math("math.factor", json!({"expression": "x^2 - 1"})).unwrap()["result"],
        "(x - 1)*(x + 1)"
    );
    assert_eq!(
        math("math.factor", json!({"expression": "2x^3 - 2x"})).unwrap()["result"],
        "2*x*(x - 1)*(x + 1)"
    );
    assert_eq!(
        math("math.factor", json!({"expression": "x^2 + 1"})).unwrap()["result"],
        "(x^2 + 1)"
    );
    assert!(matches!(
        math("math.factor", json!({"expression": "x^2 + 0.5"})),
        Err(Error::Failed { .. })
    ));
    assert_eq!(
        math("math.simplify", json!({"expression": "x*1 + 0 + x"})).unwrap()["result"],
        "2*x"
    );
    assert_eq!(
        math("math.simplify", json!({"expression": "sin(y)*1 + 0"})).unwrap()["result"],
        "sin(y)"
    );
    assert_eq!(
        math("math.solve", json!({"equation": "2x + 3 = 7"})).unwrap()["solutions"],
        json!([2.0])
    );
    assert_eq!(
        math("math.solve", json!({"equation": "x^2 - 5x + 6 = 0"})).unwrap()["solutions"],
        json!([2.0, 3.0])
    );
    assert_eq!(
        math("math.solve", json!({"expression": "x^2 + 1"})).unwrap()["complex"],
        json!([[0.0, -1.0], [0.0, 1.0]])
    );
    assert_eq!(
        math("math.solve", json!({"expression": "x^3 - 6x^2 + 11x - 6"})).unwrap()["solutions"],
        json!([1.0, 2.0, 3.0])
    );
    let cos = math(
        "math.solve",
        json!({"equation": "cos(x) = 0", "variable": "x"}),
    )
    .unwrap();
    assert!(
        cos["solutions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| (r.as_f64().unwrap() - std::f64::consts::FRAC_PI_2).abs() < 1e-9)
    );
    assert_eq!(
        math("math.quadratic", json!({"a": 1, "b": -3, "c": 2})).unwrap()["solutions"],
        json!([1.0, 2.0])
    );
    assert!(
        math("math.solve", json!({"equation": "x + y = 1"}))
            .unwrap_err()
            .to_string()
            .contains("parameter `variable` is required")
    );
    for bad in ["2x +", "(x", "x $ 2", "sin x", &"(".repeat(500)] {
        assert!(
            matches!(
                math("math.expand", json!({"expression": bad})),
                Err(Error::InvalidParam { .. })
            ),
            "{bad}"
        );
    }
}

#[test]
fn symbolic_calculus() {
    assert_eq!(
        math("math.derivative", json!({"expression": "x^3 + 2x"})).unwrap()["result"],
        "3*x^2 + 2"
    );
    assert_eq!(
        math("math.derivative", json!({"expression": "sin(x)"})).unwrap()["result"],
        "cos(x)"
    );
    assert_eq!(
        math("math.derivative", json!({"expression": "x^4", "order": 2})).unwrap()["result"],
        "12*x^2"
    );
    assert!(close(
        &math(
            "math.derivative_at",
            json!({"expression": "exp(2x)", "point": 0})
        )
        .unwrap(),
        2.0
    ));
    assert_eq!(
        math(
            "math.partial",
            json!({"expression": "x^2*y + y", "variable": "y"})
        )
        .unwrap()["result"],
        "x^2 + 1"
    );
    assert_eq!(
        math("math.integrate", json!({"expression": "3x^2 + 1"})).unwrap()["result"],
        "x^3 + x + C"
    );
    assert_eq!(
        math("math.integrate", json!({"expression": "cos(2x)"})).unwrap()["result"],
        "sin(2*x)/2 + C"
    );
    let definite = math(
        "math.integrate_definite",
        json!({"expression": "x^2", "lower": 0, "upper": 3}),
    )
    .unwrap();
    assert_eq!(
        (definite["value"].as_f64(), definite["method"].as_str()),
        (Some(9.0), Some("symbolic"))
    );
    let gauss = math(
        "math.integrate",
        json!({"expression": "exp(-x^2)", "lower": -6, "upper": 6}),
    )
    .unwrap();
    assert_eq!(gauss["method"], "numeric");
    assert!((gauss["value"].as_f64().unwrap() - std::f64::consts::PI.sqrt()).abs() < 1e-8);
    assert!(matches!(
        math("math.integrate", json!({"expression": "exp(-x^2)"})),
        Err(Error::Failed { .. })
    ));
    assert_eq!(
        math("math.limit", json!({"expression": "sin(x)/x", "point": 0})).unwrap()["limit"],
        1.0
    );
    assert_eq!(
        math(
            "math.limit",
            json!({"expression": "(1 + 1/x)^x", "point": "inf"})
        )
        .unwrap()["limit"]
            .as_f64()
            .map(|v| (v - std::f64::consts::E).abs() < 1e-4),
        Some(true)
    );
    let jump = math("math.limit", json!({"expression": "abs(x)/x", "point": 0})).unwrap();
    assert_eq!(
        (
            jump["left"].as_f64(),
            jump["right"].as_f64(),
            jump["exists"].as_bool()
        ),
        (Some(-1.0), Some(1.0), Some(false))
    );
    let series = math("math.taylor", json!({"expression": "exp(x)", "order": 3})).unwrap();
    assert_eq!(series["coefficients"].as_array().unwrap().len(), 4);
    assert!(close(&series["coefficients"][3], 1.0 / 6.0));
    assert_eq!(
        math(
            "math.series",
            json!({"expression": "x^2", "point": 1, "order": 2})
        )
        .unwrap()["result"],
        "(x - 1)^2 + 2*(x - 1) + 1"
    );
    assert!(
        math("math.series", json!({"expression": "ln(x)"})).is_err(),
        "ln has no series at 0"
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 64, ..Default::default() })]
    #[test]
    fn symbolic_tools_never_panic_on_arbitrary_text(text in "[-+*/^()x0-9. a-z=]{0,24}") {
        let rt = common::runtime();
        let app = common::app_with(&rt, "m", "[]", "[]");
        for tool in ["math.simplify", "math.expand", "math.factor", "math.derivative", "math.integrate", "math.series"] {
            let _ = common::call(&rt, app, tool, json!({"expression": text, "variable": "x"}));
        }
        let _ = common::call(&rt, app, "math.solve", json!({"equation": text, "variable": "x"}));
        let _ = common::call(&rt, app, "math.limit", json!({"expression": text, "variable": "x", "point": 0}));
    }
}
