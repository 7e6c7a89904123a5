//! Derivatives (symbolic, with the chain rule), integrals (symbolic for polynomials and
//! elementary functions of a linear argument, numeric adaptive Simpson otherwise), limits
//! (numeric, from both sides) and Taylor series (from symbolic derivatives).

use super::{
    budget::{Budget, Exceeded, Fail},
    expr::{Expr, Func, add, div, eval_at, func, mul, num, poly_or_none, pow, simplify, sub},
};

/// Number of nodes in `expr` (recursive: only for expressions within the depth limit).
pub(crate) fn size(expr: &Expr) -> u64 {
    match expr {
        Expr::Num(_) | Expr::Var(_) => 1,
        Expr::Neg(a) | Expr::Func(_, a) => 1 + size(a),
        Expr::Add(a, b) | Expr::Sub(a, b) | Expr::Mul(a, b) | Expr::Div(a, b) | Expr::Pow(a, b) => {
            1 + size(a) + size(b)
        }
    }
}

/// d expr / d var, simplified. The raw derivative's shape is checked before it is simplified.
pub(crate) fn derivative(expr: &Expr, var: &str, budget: &Budget) -> Result<Expr, Exceeded> {
    let raw = diff(expr, var, budget)?;
    budget.shape(&raw)?;
    simplify(&raw, budget)
}

/// A copy of `expr`, one budget step per node copied.
fn copy(expr: &Expr, budget: &Budget) -> Result<Expr, Exceeded> {
    budget.step(size(expr))?;
    Ok(expr.clone())
}

fn diff(expr: &Expr, var: &str, budget: &Budget) -> Result<Expr, Exceeded> {
    budget.step(1)?;
    let d = |e: &Expr| diff(e, var, budget);
    let c = |e: &Expr| copy(e, budget);
    Ok(match expr {
        Expr::Num(_) => num(0.0),
        Expr::Var(name) => num(if name == var { 1.0 } else { 0.0 }),
        Expr::Neg(a) => Expr::Neg(Box::new(d(a)?)),
        Expr::Add(a, b) => add(d(a)?, d(b)?),
        Expr::Sub(a, b) => sub(d(a)?, d(b)?),
        Expr::Mul(a, b) => add(mul(d(a)?, c(b)?), mul(c(a)?, d(b)?)),
        Expr::Div(a, b) => div(
            sub(mul(d(a)?, c(b)?), mul(c(a)?, d(b)?)),
            pow(c(b)?, num(2.0)),
        ),
        Expr::Pow(a, b) => {
            if !mentions(b, var) {
                // d(a^n) = n a^(n-1) a'
                mul(mul(c(b)?, pow(c(a)?, sub(c(b)?, num(1.0)))), d(a)?)
            } else {
                // d(a^b) = a^b (b' ln a + b a'/a)
                mul(
                    c(expr)?,
                    add(
                        mul(d(b)?, func(Func::Ln, c(a)?)),
                        div(mul(c(b)?, d(a)?), c(a)?),
                    ),
                )
            }
        }
        Expr::Func(f, a) => {
            let inner = c(a)?;
            let outer = match f {
                Func::Sin => func(Func::Cos, inner),
                Func::Cos => Expr::Neg(Box::new(func(Func::Sin, inner))),
                Func::Tan => div(num(1.0), pow(func(Func::Cos, inner), num(2.0))),
                Func::Asin => div(
                    num(1.0),
                    func(Func::Sqrt, sub(num(1.0), pow(inner, num(2.0)))),
                ),
                Func::Acos => Expr::Neg(Box::new(div(
                    num(1.0),
                    func(Func::Sqrt, sub(num(1.0), pow(inner, num(2.0)))),
                ))),
                Func::Atan => div(num(1.0), add(num(1.0), pow(inner, num(2.0)))),
                Func::Sinh => func(Func::Cosh, inner),
                Func::Cosh => func(Func::Sinh, inner),
                Func::Tanh => sub(num(1.0), pow(func(Func::Tanh, inner), num(2.0))),
                Func::Exp => func(Func::Exp, inner),
                Func::Ln => div(num(1.0), inner),
                Func::Sqrt => div(num(1.0), mul(num(2.0), func(Func::Sqrt, inner))),
                Func::Abs => div(c(a)?, func(Func::Abs, inner)),
            };
            mul(outer, d(a)?)
        }
    })
}

pub(crate) fn mentions(expr: &Expr, var: &str) -> bool {
    let mut vars = Vec::new();
    super::expr::variables(expr, &mut vars);
    vars.iter().any(|v| v == var)
}

/// A symbolic antiderivative, when the rules cover `expr`.
pub(crate) fn antiderivative(
    expr: &Expr,
    var: &str,
    budget: &Budget,
) -> Result<Option<Expr>, Exceeded> {
    budget.step(1)?;
    macro_rules! some {
        ($e:expr) => {
            match $e {
                Some(value) => value,
                None => return Ok(None),
            }
        };
    }
    let anti = |e: &Expr| antiderivative(e, var, budget);
    if let Some(coefficients) = poly_or_none(expr, var, budget)? {
        let mut out = num(0.0);
        for (degree, c) in coefficients.iter().enumerate() {
            if *c != 0.0 {
                let n = degree as f64 + 1.0;
                out = add(out, mul(num(c / n), pow(Expr::Var(var.to_owned()), num(n))));
            }
        }
        return simplify(&out, budget).map(Some);
    }
    let result = match expr {
        Expr::Add(a, b) => add(some!(anti(a)?), some!(anti(b)?)),
        Expr::Sub(a, b) => sub(some!(anti(a)?), some!(anti(b)?)),
        Expr::Neg(a) => Expr::Neg(Box::new(some!(anti(a)?))),
        Expr::Mul(a, b) if !mentions(a, var) => mul(copy(a, budget)?, some!(anti(b)?)),
        Expr::Mul(a, b) if !mentions(b, var) => mul(copy(b, budget)?, some!(anti(a)?)),
        Expr::Div(a, b) if !mentions(b, var) => div(some!(anti(a)?), copy(b, budget)?),
        Expr::Div(a, b) if !mentions(a, var) => {
            // c / (k x + m) = (c/k) ln|k x + m|
            let k = some!(linear_slope(b, var, budget)?);
            mul(
                div(copy(a, budget)?, num(k)),
                func(Func::Ln, func(Func::Abs, copy(b, budget)?)),
            )
        }
        Expr::Pow(a, b) if !mentions(b, var) => {
            let slope = some!(linear_slope(a, var, budget)?);
            let Expr::Num(n) = simplify(b, budget)? else {
                return Ok(None);
            };
            let result = if n == -1.0 {
                div(
                    func(Func::Ln, func(Func::Abs, copy(a, budget)?)),
                    num(slope),
                )
            } else {
                div(pow(copy(a, budget)?, num(n + 1.0)), num(slope * (n + 1.0)))
            };
            return simplify(&result, budget).map(Some);
        }
        Expr::Func(f, a) => {
            let slope = some!(linear_slope(a, var, budget)?);
            let inner = copy(a, budget)?;
            let base = match f {
                Func::Sin => Expr::Neg(Box::new(func(Func::Cos, inner))),
                Func::Cos => func(Func::Sin, inner),
                Func::Exp => func(Func::Exp, inner),
                Func::Sinh => func(Func::Cosh, inner),
                Func::Cosh => func(Func::Sinh, inner),
                Func::Tan => Expr::Neg(Box::new(func(
                    Func::Ln,
                    func(Func::Abs, func(Func::Cos, inner)),
                ))),
                Func::Ln => sub(mul(inner.clone(), func(Func::Ln, inner.clone())), inner),
                _ => return Ok(None),
            };
            div(base, num(slope))
        }
        _ => return Ok(None),
    };
    budget.shape(&result)?;
    simplify(&result, budget).map(Some)
}

/// `k` when `expr` is `k*var + m` with `k != 0`.
fn linear_slope(expr: &Expr, var: &str, budget: &Budget) -> Result<Option<f64>, Exceeded> {
    Ok(poly_or_none(expr, var, budget)?.and_then(|p| (p.len() == 2 && p[1] != 0.0).then(|| p[1])))
}

/// One interval of adaptive Simpson: its ends, the samples at the ends and the middle, and
/// the Simpson estimate over it.
#[derive(Clone, Copy)]
struct Segment {
    a: f64,
    b: f64,
    fa: f64,
    fm: f64,
    fb: f64,
    whole: f64,
}

type Sample<'a> = &'a dyn Fn(f64) -> Result<f64, Fail>;

fn segment(f: Sample<'_>, a: f64, b: f64, fa: f64, fb: f64) -> Result<Segment, Fail> {
    let fm = f((a + b) / 2.0)?;
    Ok(Segment {
        a,
        b,
        fa,
        fm,
        fb,
        whole: (b - a) / 6.0 * (fa + 4.0 * fm + fb),
    })
}

fn refine(f: Sample<'_>, s: Segment, eps: f64, depth: u32) -> Result<f64, Fail> {
    let m = (s.a + s.b) / 2.0;
    let left = segment(f, s.a, m, s.fa, s.fm)?;
    let right = segment(f, m, s.b, s.fm, s.fb)?;
    let sum = left.whole + right.whole;
    if depth == 0 || (sum - s.whole).abs() <= 15.0 * eps {
        return Ok(sum + (sum - s.whole) / 15.0);
    }
    Ok(refine(f, left, eps / 2.0, depth - 1)? + refine(f, right, eps / 2.0, depth - 1)?)
}

/// ∫ f from a to b by adaptive Simpson's rule.
pub(crate) fn simpson(f: Sample<'_>, a: f64, b: f64) -> Result<f64, Fail> {
    // At most this many samples, so a nowhere-converging integrand cannot run for ever.
    let budget = std::cell::Cell::new(200_000u32);
    let counted = |x: f64| {
        let left = budget.get();
        if left == 0 {
            return Err(Fail::Reason(
                "the integral did not converge within 200000 samples".to_owned(),
            ));
        }
        budget.set(left - 1);
        f(x)
    };
    let f: Sample<'_> = &counted;
    let whole = segment(f, a, b, f(a)?, f(b)?)?;
    let value = refine(f, whole, 1e-10, 40)?;
    if value.is_finite() {
        Ok(value)
    } else {
        Err(Fail::Reason("the integral does not converge".to_owned()))
    }
}

/// The limit of `expr` as `var` → `at` (±infinity allowed), estimated from both sides.
pub(crate) fn limit(expr: &Expr, var: &str, at: f64, budget: &Budget) -> Result<(f64, f64), Fail> {
    let sample = |x: f64| eval_at(expr, var, x, budget);
    let estimate = |side: f64| -> Result<f64, Fail> {
        let mut last = f64::NAN;
        let mut previous = f64::NAN;
        for k in 1..=8 {
            let h = 10f64.powi(-k);
            let x = if at.is_infinite() {
                at.signum() * 10f64.powi(k)
            } else {
                at + side * h
            };
            let y = sample(x)?;
            if !y.is_finite() {
                if y.is_infinite() {
                    return Ok(y);
                }
                break;
            }
            previous = last;
            last = y;
        }
        if previous.is_nan() || (last - previous).abs() <= 1e-6 * (1.0 + last.abs()) {
            Ok(last)
        } else if last.abs() > 1e8 {
            Ok(last.signum() * f64::INFINITY)
        } else {
            Ok(last)
        }
    };
    if at.is_infinite() {
        let v = estimate(1.0)?;
        return Ok((v, v));
    }
    Ok((estimate(-1.0)?, estimate(1.0)?))
}

/// Taylor coefficients c_0..=c_order of `expr` around `at`.
pub(crate) fn taylor(
    expr: &Expr,
    var: &str,
    at: f64,
    order: usize,
    budget: &Budget,
) -> Result<Vec<f64>, Fail> {
    let mut current = expr.clone();
    let mut factorial = 1.0;
    let mut out = Vec::with_capacity(order.min(64) + 1);
    for k in 0..=order {
        if k > 0 {
            factorial *= k as f64;
            current = derivative(&current, var, budget)?;
            budget.shape(&current)?;
        }
        let value = eval_at(&current, var, at, budget)?;
        if !value.is_finite() {
            return Err(Fail::Reason(format!(
                "derivative {k} is not finite at {at}"
            )));
        }
        out.push(value / factorial);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{error::BudgetLimit, tools::math::expr::parse};

    #[test]
    fn a_series_of_order_a_million_stops_on_steps() {
        let budget = Budget::new("series");
        let e = parse("sin(x)*exp(x)").unwrap();
        match taylor(&e, "x", 0.0, 1_000_000, &budget) {
            Err(Fail::Budget(exceeded)) => {
                assert_eq!(exceeded.operation, "series");
                assert!(
                    matches!(
                        exceeded.limit,
                        BudgetLimit::Steps | BudgetLimit::Nodes | BudgetLimit::Depth
                    ),
                    "{exceeded:?}"
                );
            }
            other => panic!("{other:?}"),
        }
        // A polynomial's derivatives reach zero, and the steps still run out long before a
        // million terms.
        let budget = Budget::new("series");
        let polynomial = parse("x^3 + 1").unwrap();
        assert!(matches!(
            taylor(&polynomial, "x", 0.0, 1_000_000, &budget),
            Err(Fail::Budget(_))
        ));
    }

    #[test]
    fn copies_and_derivatives_draw_on_the_budget() {
        let e = parse("x^x^x^x^x").unwrap();
        let budget = Budget::new("derivative");
        let mut d = e;
        let mut outcome = Ok(());
        for _ in 0..12 {
            match derivative(&d, "x", &budget) {
                Ok(next) => d = next,
                Err(exceeded) => {
                    outcome = Err(exceeded);
                    break;
                }
            }
        }
        assert_eq!(outcome.map_err(|e| e.operation), Err("derivative"));
    }
}
