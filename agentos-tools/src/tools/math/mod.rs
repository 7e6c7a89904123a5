//! `math.*`: the reference's numeric set (numeric.rs), matrices (matrix.rs) and the symbolic
//! set the original only advertised — solve, solve_linear, quadratic, expand, factor,
//! simplify, derivative, derivative_at, partial, integrate, integrate_definite, limit, series,
//! taylor — on a small expression AST (expr.rs, calculus.rs, algebra.rs). Every symbolic
//! operation runs on a deterministic work budget (budget.rs) and stops with
//! [`Error::Budget`] naming the operation and the limit it reached.

mod algebra;
mod budget;
mod calculus;
mod expr;
mod matrix;
mod numeric;

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use self::{
    budget::{Budget, Exceeded, Fail},
    expr::Expr,
};
use super::add;
use crate::{
    error::{Error, Result},
    registry::Registry,
    tool::{Tool, ToolCx, ToolSpec, invalid, opt_str, req_f64, req_str},
};

struct NumericTool {
    spec: ToolSpec,
    run: fn(&Map<String, Value>) -> Result<f64>,
}

impl Tool for NumericTool {
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    fn call(&self, _cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
        numeric::finish(&self.spec.name, (self.run)(args)?)
    }
}

pub(crate) fn register(registry: &mut Registry) {
    for (name, description, params, run) in numeric::all() {
        registry.register(NumericTool {
            spec: ToolSpec::new(name, description, params),
            run,
        });
    }
    let m = json!({"type": "array", "items": {"type": "array", "items": {"type": "number"}}});
    let symbolic: Vec<(&str, &str, Value, &[&str], crate::tool::ToolFn)> = vec![
        (
            "math.matrix_multiply",
            "The product a·b.",
            json!({"a": m, "b": m}),
            &["a", "b"],
            |_, a| matrix::multiply(a),
        ),
        (
            "math.matrix_determinant",
            "det(matrix).",
            json!({"matrix": m}),
            &["matrix"],
            |_, a| matrix::determinant(a),
        ),
        (
            "math.matrix_inverse",
            "matrix⁻¹ (fails for a singular matrix).",
            json!({"matrix": m}),
            &["matrix"],
            |_, a| matrix::inverse(a),
        ),
        (
            "math.matrix_transpose",
            "matrixᵀ.",
            json!({"matrix": m}),
            &["matrix"],
            |_, a| matrix::transpose(a),
        ),
        (
            "math.evaluate",
            "Evaluates `expression` with `variables` ({name: number}).",
            json!({"expression": text(), "variables": {"type": "object"}}),
            &["expression"],
            evaluate,
        ),
        (
            "math.simplify",
            "Folds constants and identities in `expression`.",
            json!({"expression": text()}),
            &["expression"],
            simplify,
        ),
        (
            "math.expand",
            "Expands a polynomial in `variable` (default x).",
            json!({"expression": text(), "variable": var()}),
            &["expression"],
            expand,
        ),
        (
            "math.factor",
            "Factors an integer polynomial over the rationals.",
            json!({"expression": text(), "variable": var()}),
            &["expression"],
            factor,
        ),
        (
            "math.solve",
            "Roots of `equation` (`lhs = rhs`, or an expression = 0) in `variable`.",
            json!({"equation": text(), "expression": text(), "variable": var()}),
            &[],
            solve,
        ),
        (
            "math.solve_linear",
            "Solves the linear system `a`·x = `b`.",
            json!({"a": m, "b": {"type": "array", "items": {"type": "number"}}}),
            &["a", "b"],
            solve_linear,
        ),
        (
            "math.quadratic",
            "Roots of a x² + b x + c.",
            json!({"a": {"type": "number"}, "b": {"type": "number"}, "c": {"type": "number"}}),
            &["a", "b", "c"],
            quadratic,
        ),
        (
            "math.derivative",
            "d/d`variable` of `expression`, symbolically.",
            json!({"expression": text(), "variable": var(), "order": {"type": "integer", "minimum": 1, "maximum": 10}}),
            &["expression"],
            derivative,
        ),
        (
            "math.derivative_at",
            "The derivative's value at `point`.",
            json!({"expression": text(), "variable": var(), "point": {"type": "number"}}),
            &["expression", "point"],
            derivative_at,
        ),
        (
            "math.partial",
            "∂/∂`variable` of a multi-variable `expression`.",
            json!({"expression": text(), "variable": var()}),
            &["expression", "variable"],
            derivative,
        ),
        (
            "math.integrate",
            "An antiderivative (symbolic where the rules cover it); with `lower` and `upper`, the definite integral (numeric otherwise).",
            json!({"expression": text(), "variable": var(), "lower": {"type": "number"}, "upper": {"type": "number"}}),
            &["expression"],
            integrate,
        ),
        (
            "math.integrate_definite",
            "∫ from `lower` to `upper`.",
            json!({"expression": text(), "variable": var(), "lower": {"type": "number"}, "upper": {"type": "number"}}),
            &["expression", "lower", "upper"],
            integrate,
        ),
        (
            "math.limit",
            "The limit as `variable` → `point` (a number, `inf` or `-inf`), from both sides.",
            json!({"expression": text(), "variable": var(), "point": {"type": ["number", "string"]}}),
            &["expression", "point"],
            limit,
        ),
        (
            "math.series",
            "Taylor polynomial around `point` (default 0) up to `order` (default 5, at most 12).",
            json!({"expression": text(), "variable": var(), "point": {"type": "number"}, "order": {"type": "integer", "minimum": 0, "maximum": 12}}),
            &["expression"],
            series,
        ),
        (
            "math.taylor",
            "Alias of math.series.",
            json!({"expression": text(), "variable": var(), "point": {"type": "number"}, "order": {"type": "integer", "minimum": 0, "maximum": 12}}),
            &["expression"],
            series,
        ),
    ];
    for (name, description, properties, required, run) in symbolic {
        add(
            registry,
            ToolSpec::new(
                name,
                description,
                json!({"type": "object", "properties": properties, "required": required}),
            ),
            run,
        );
    }
}

fn text() -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": 4096})
}

fn var() -> Value {
    json!({"type": "string", "minLength": 1, "maxLength": 32})
}

fn parse(tool: &str, args: &Map<String, Value>, name: &str, budget: &Budget) -> Result<Expr> {
    let e =
        expr::parse(req_str(tool, args, name)?).map_err(|reason| invalid(tool, name, reason))?;
    budget.shape(&e).map_err(|exceeded| over(tool, exceeded))?;
    Ok(e)
}

/// The [`Error::Budget`] of `tool`.
fn over(tool: &str, exceeded: Exceeded) -> Error {
    Error::Budget {
        tool: tool.to_owned(),
        operation: exceeded.operation,
        limit: exceeded.limit,
        max: exceeded.max,
    }
}

/// A [`Fail`] as the crate's error: the budget's, or `reason` turned into one by `otherwise`.
fn fail(tool: &str, failure: Fail, otherwise: impl FnOnce(String) -> Error) -> Error {
    match failure {
        Fail::Budget(exceeded) => over(tool, exceeded),
        Fail::Reason(reason) => otherwise(reason),
    }
}

/// The variable to work in: `variable`, else the expression's only variable, else `x`.
fn variable(tool: &str, args: &Map<String, Value>, e: &Expr) -> Result<String> {
    if let Some(name) = opt_str(args, "variable") {
        return Ok(name.to_owned());
    }
    let mut vars = Vec::new();
    expr::variables(e, &mut vars);
    match vars.len() {
        0 => Ok("x".to_owned()),
        1 => Ok(vars.remove(0)),
        _ => Err(invalid(
            tool,
            "variable",
            format!("is required: the expression mentions {}", vars.join(", ")),
        )),
    }
}

fn failed(tool: &str, reason: impl Into<String>) -> Error {
    Error::Failed {
        tool: tool.to_owned(),
        reason: reason.into(),
    }
}

fn finite(tool: &str, x: f64) -> Result<Value> {
    numeric::finish(tool, x)
}

fn evaluate(_cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    const TOOL: &str = "math.evaluate";
    let budget = Budget::new("evaluate");
    let e = parse(TOOL, args, "expression", &budget)?;
    let mut vars = BTreeMap::new();
    if let Some(Value::Object(given)) = args.get("variables") {
        for (name, value) in given {
            let v = value
                .as_f64()
                .ok_or_else(|| invalid(TOOL, &format!("variables.{name}"), "must be a number"))?;
            vars.insert(name.clone(), v);
        }
    }
    let value = expr::eval(&e, &vars, &budget)
        .map_err(|f| fail(TOOL, f, |reason| invalid(TOOL, "variables", reason)))?;
    finite(TOOL, value)
}

fn simplify(_cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    const TOOL: &str = "math.simplify";
    let budget = Budget::new("simplify");
    let e = parse(TOOL, args, "expression", &budget)?;
    let mut vars = Vec::new();
    expr::variables(&e, &mut vars);
    // One variable and a polynomial: the canonical expanded form is the simplest.
    if vars.len() <= 1 {
        let v = vars.first().cloned().unwrap_or_else(|| "x".to_owned());
        if let Some(p) = expr::poly_or_none(&e, &v, &budget).map_err(|x| over(TOOL, x))? {
            return Ok(json!({"result": expr::poly_to_string(&p, &v)}));
        }
    }
    let simplified = expr::simplify(&e, &budget).map_err(|x| over(TOOL, x))?;
    Ok(json!({"result": simplified.to_string()}))
}

fn expand(_cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    const TOOL: &str = "math.expand";
    let budget = Budget::new("expand");
    let e = parse(TOOL, args, "expression", &budget)?;
    let v = variable(TOOL, args, &e)?;
    let result = algebra::expand(&e, &v, &budget)
        .map_err(|x| over(TOOL, x))?
        .ok_or_else(|| failed(TOOL, format!("not a polynomial in {v}")))?;
    Ok(json!({"result": result}))
}

fn factor(_cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    const TOOL: &str = "math.factor";
    let budget = Budget::new("factor");
    let e = parse(TOOL, args, "expression", &budget)?;
    let v = variable(TOOL, args, &e)?;
    let result =
        algebra::factor(&e, &v, &budget).map_err(|f| fail(TOOL, f, |r| failed(TOOL, r)))?;
    Ok(json!({"result": result}))
}

fn solve(_cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    const TOOL: &str = "math.solve";
    let budget = Budget::new("solve");
    let name = if args.contains_key("equation") {
        "equation"
    } else {
        "expression"
    };
    let raw = req_str(TOOL, args, name)?;
    let (lhs, rhs) = match raw.split_once('=') {
        Some((l, r)) => (l, r),
        None => (raw, "0"),
    };
    let lhs = expr::parse(lhs).map_err(|r| invalid(TOOL, name, r))?;
    let rhs = expr::parse(rhs).map_err(|r| invalid(TOOL, name, r))?;
    let v = variable(TOOL, args, &expr::sub(lhs.clone(), rhs.clone()))?;
    let (real, complex) =
        algebra::solve(&lhs, &rhs, &v, &budget).map_err(|f| fail(TOOL, f, |r| failed(TOOL, r)))?;
    Ok(json!({"variable": v, "solutions": real, "complex": complex}))
}

fn solve_linear(_cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let a = matrix::read("math.solve_linear", args, "a")?;
    let b: Vec<f64> = args
        .get("b")
        .and_then(Value::as_array)
        .map(|b| b.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    if !a.is_square() || b.len() != a.nrows() {
        return Err(invalid(
            "math.solve_linear",
            "b",
            format!("needs a square `a` and {} values", a.nrows()),
        ));
    }
    let x = a
        .lu()
        .solve(&nalgebra::DVector::from_vec(b))
        .ok_or_else(|| failed("math.solve_linear", "the system is singular"))?;
    Ok(
        json!({"solution": x.iter().map(|v| if (v - v.round()).abs() < 1e-10 { v.round() + 0.0 } else { *v }).collect::<Vec<f64>>()}),
    )
}

fn quadratic(_cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let (a, b, c) = (
        req_f64("math.quadratic", args, "a")?,
        req_f64("math.quadratic", args, "b")?,
        req_f64("math.quadratic", args, "c")?,
    );
    if a == 0.0 {
        return Err(invalid("math.quadratic", "a", "must not be zero"));
    }
    let (real, complex) =
        algebra::poly_roots(&[c, b, a]).map_err(|r| failed("math.quadratic", r))?;
    Ok(json!({"solutions": real, "complex": complex, "discriminant": b * b - 4.0 * a * c}))
}

fn derivative(_cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    const TOOL: &str = "math.derivative";
    let budget = Budget::new("derivative");
    let e = parse(TOOL, args, "expression", &budget)?;
    let v = variable(TOOL, args, &e)?;
    let order = args.get("order").and_then(Value::as_u64).unwrap_or(1);
    let mut d = e;
    for _ in 1..=order {
        d = calculus::derivative(&d, &v, &budget).map_err(|x| over(TOOL, x))?;
        budget.shape(&d).map_err(|x| over(TOOL, x))?;
    }
    let mut vars = Vec::new();
    expr::variables(&d, &mut vars);
    let poly = if vars.len() <= 1 {
        expr::poly_or_none(&d, &v, &budget).map_err(|x| over(TOOL, x))?
    } else {
        None
    };
    let text = match poly {
        Some(p) => expr::poly_to_string(&p, &v),
        None => d.to_string(),
    };
    Ok(json!({"result": text, "variable": v}))
}

fn derivative_at(_cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    const TOOL: &str = "math.derivative_at";
    let budget = Budget::new("derivative");
    let e = parse(TOOL, args, "expression", &budget)?;
    let v = variable(TOOL, args, &e)?;
    let point = req_f64(TOOL, args, "point")?;
    let d = calculus::derivative(&e, &v, &budget).map_err(|x| over(TOOL, x))?;
    let value = expr::eval_at(&d, &v, point, &budget)
        .map_err(|f| fail(TOOL, f, |r| invalid(TOOL, "expression", r)))?;
    finite(TOOL, value)
}

fn integrate(_cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    const TOOL: &str = "math.integrate";
    let budget = Budget::new("integrate");
    let e = parse(TOOL, args, "expression", &budget)?;
    let v = variable(TOOL, args, &e)?;
    let anti = calculus::antiderivative(&e, &v, &budget).map_err(|x| over(TOOL, x))?;
    let bounds = match (args.get("lower"), args.get("upper")) {
        (Some(_), Some(_)) => Some((req_f64(TOOL, args, "lower")?, req_f64(TOOL, args, "upper")?)),
        (None, None) => None,
        _ => {
            return Err(invalid(TOOL, "upper", "`lower` and `upper` go together"));
        }
    };
    match (bounds, anti) {
        (None, Some(anti)) => {
            let text = match expr::poly_or_none(&anti, &v, &budget).map_err(|x| over(TOOL, x))? {
                Some(p) => expr::poly_to_string(&p, &v),
                None => anti.to_string(),
            };
            Ok(json!({"result": format!("{text} + C"), "method": "symbolic"}))
        }
        (None, None) => Err(failed(
            TOOL,
            "no symbolic antiderivative found; give `lower` and `upper` for a numeric value",
        )),
        (Some((a, b)), Some(anti)) => {
            let value = expr::eval_at(&anti, &v, b, &budget)
                .and_then(|fb| Ok(fb - expr::eval_at(&anti, &v, a, &budget)?));
            match value {
                Ok(x) if x.is_finite() => Ok(json!({"value": x, "method": "symbolic"})),
                Err(Fail::Budget(exceeded)) => Err(over(TOOL, exceeded)),
                _ => numeric_integral(&e, &v, a, b, &budget),
            }
        }
        (Some((a, b)), None) => numeric_integral(&e, &v, a, b, &budget),
    }
}

fn numeric_integral(e: &Expr, v: &str, a: f64, b: f64, budget: &Budget) -> Result<Value> {
    const TOOL: &str = "math.integrate";
    let f = |x: f64| expr::eval_at(e, v, x, budget);
    let value = calculus::simpson(&f, a, b).map_err(|f| fail(TOOL, f, |r| failed(TOOL, r)))?;
    Ok(json!({"value": value, "method": "numeric"}))
}

fn limit(_cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    const TOOL: &str = "math.limit";
    let budget = Budget::new("limit");
    let e = parse(TOOL, args, "expression", &budget)?;
    let v = variable(TOOL, args, &e)?;
    let point = match args.get("point") {
        Some(Value::String(s)) => match s.trim() {
            "inf" | "+inf" | "infinity" | "∞" => f64::INFINITY,
            "-inf" | "-infinity" | "-∞" => f64::NEG_INFINITY,
            other => other.parse().map_err(|_| {
                invalid(
                    TOOL,
                    "point",
                    format!("must be a number or inf, found {other:?}"),
                )
            })?,
        },
        _ => req_f64(TOOL, args, "point")?,
    };
    let (left, right) = calculus::limit(&e, &v, point, &budget)
        .map_err(|f| fail(TOOL, f, |r| invalid(TOOL, "expression", r)))?;
    let round = |x: f64| {
        if x.is_finite() && (x - x.round()).abs() < 1e-6 {
            x.round() + 0.0
        } else {
            x
        }
    };
    let (left, right) = (round(left), round(right));
    let show = |x: f64| {
        if x.is_finite() {
            json!(x)
        } else if x.is_nan() {
            json!(null)
        } else {
            json!(if x > 0.0 { "inf" } else { "-inf" })
        }
    };
    let exists = left == right
        || (left.is_finite()
            && right.is_finite()
            && (left - right).abs() < 1e-6 * (1.0 + left.abs()));
    Ok(
        json!({"limit": if exists { show(left) } else { Value::Null }, "left": show(left), "right": show(right), "exists": exists}),
    )
}

fn series(_cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    const TOOL: &str = "math.series";
    let budget = Budget::new("series");
    let e = parse(TOOL, args, "expression", &budget)?;
    let v = variable(TOOL, args, &e)?;
    let at = match args.get("point") {
        Some(_) => req_f64(TOOL, args, "point")?,
        None => 0.0,
    };
    let order = args.get("order").and_then(Value::as_u64).unwrap_or(5);
    let order = usize::try_from(order).map_err(|_| invalid(TOOL, "order", "is too large"))?;
    let coefficients = calculus::taylor(&e, &v, at, order, &budget)
        .map_err(|f| fail(TOOL, f, |r| failed(TOOL, r)))?;
    let coefficients: Vec<f64> = coefficients
        .into_iter()
        .map(|c| if c.abs() < 1e-12 { 0.0 } else { c })
        .collect();
    let shifted = if at == 0.0 {
        v.clone()
    } else {
        format!("({v} - {})", crate::compute::format_number(at))
    };
    Ok(
        json!({"result": expr::poly_to_string(&coefficients, &shifted), "coefficients": coefficients, "point": at, "order": order}),
    )
}
