//! Derivatives (symbolic, with the chain rule), integrals (symbolic for polynomials and
//! elementary functions of a linear argument, numeric adaptive Simpson otherwise), limits
//! (numeric, from both sides) and Taylor series (from symbolic derivatives).

use super::expr::{Expr, Func, add, div, eval_at, func, mul, num, pow, simplify, sub, to_poly};

/// Number of nodes in `expr`.
pub(crate) fn size(expr: &Expr) -> usize {
    match expr {
        Expr::Num(_) | Expr::Var(_) => 1,
        Expr::Neg(a) | Expr::Func(_, a) => 1 + size(a),
        Expr::Add(a, b) | Expr::Sub(a, b) | Expr::Mul(a, b) | Expr::Div(a, b) | Expr::Pow(a, b) => {
            1 + size(a) + size(b)
        }
    }
}

/// Largest expression the repeated-derivative tools build.
pub(crate) const MAX_NODES: usize = 200_000;

/// d expr / d var, simplified.
pub(crate) fn derivative(expr: &Expr, var: &str) -> Expr {
    simplify(&diff(expr, var))
}

fn diff(expr: &Expr, var: &str) -> Expr {
    match expr {
        Expr::Num(_) => num(0.0),
        Expr::Var(name) => num(if name == var { 1.0 } else { 0.0 }),
        Expr::Neg(a) => Expr::Neg(Box::new(diff(a, var))),
        Expr::Add(a, b) => add(diff(a, var), diff(b, var)),
        Expr::Sub(a, b) => sub(diff(a, var), diff(b, var)),
        Expr::Mul(a, b) => add(
            mul(diff(a, var), (**b).clone()),
            mul((**a).clone(), diff(b, var)),
        ),
        Expr::Div(a, b) => div(
            sub(
                mul(diff(a, var), (**b).clone()),
                mul((**a).clone(), diff(b, var)),
            ),
            pow((**b).clone(), num(2.0)),
        ),
        Expr::Pow(a, b) => {
            let exponent_free = !mentions(b, var);
            if exponent_free {
                // d(a^n) = n a^(n-1) a'
                mul(
                    mul(
                        (**b).clone(),
                        pow((**a).clone(), sub((**b).clone(), num(1.0))),
                    ),
                    diff(a, var),
                )
            } else {
                // d(a^b) = a^b (b' ln a + b a'/a)
                mul(
                    expr.clone(),
                    add(
                        mul(diff(b, var), func(Func::Ln, (**a).clone())),
                        div(mul((**b).clone(), diff(a, var)), (**a).clone()),
                    ),
                )
            }
        }
        Expr::Func(f, a) => {
            let inner = (**a).clone();
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
                Func::Abs => div(inner.clone(), func(Func::Abs, inner)),
            };
            mul(outer, diff(a, var))
        }
    }
}

pub(crate) fn mentions(expr: &Expr, var: &str) -> bool {
    let mut vars = Vec::new();
    super::expr::variables(expr, &mut vars);
    vars.iter().any(|v| v == var)
}

/// A symbolic antiderivative, when the rules cover `expr`.
pub(crate) fn antiderivative(expr: &Expr, var: &str) -> Option<Expr> {
    if let Some(coefficients) = to_poly(expr, var) {
        let mut out = num(0.0);
        for (degree, c) in coefficients.iter().enumerate() {
            if *c != 0.0 {
                let n = degree as f64 + 1.0;
                out = add(out, mul(num(c / n), pow(Expr::Var(var.to_owned()), num(n))));
            }
        }
        return Some(simplify(&out));
    }
    let result = match expr {
        Expr::Add(a, b) => add(antiderivative(a, var)?, antiderivative(b, var)?),
        Expr::Sub(a, b) => sub(antiderivative(a, var)?, antiderivative(b, var)?),
        Expr::Neg(a) => Expr::Neg(Box::new(antiderivative(a, var)?)),
        Expr::Mul(a, b) if !mentions(a, var) => mul((**a).clone(), antiderivative(b, var)?),
        Expr::Mul(a, b) if !mentions(b, var) => mul((**b).clone(), antiderivative(a, var)?),
        Expr::Div(a, b) if !mentions(b, var) => div(antiderivative(a, var)?, (**b).clone()),
        Expr::Div(a, b) if !mentions(a, var) && to_poly(b, var).is_some_and(|p| p.len() == 2) => {
            // c / (k x + m) = (c/k) ln|k x + m|
            let k = to_poly(b, var)?[1];
            mul(
                div((**a).clone(), num(k)),
                func(Func::Ln, func(Func::Abs, (**b).clone())),
            )
        }
        Expr::Pow(a, b) if !mentions(b, var) => {
            let slope = linear_slope(a, var)?;
            let n = simplify(b);
            if let Expr::Num(n) = n {
                if n == -1.0 {
                    return Some(simplify(&div(
                        func(Func::Ln, func(Func::Abs, (**a).clone())),
                        num(slope),
                    )));
                }
                return Some(simplify(&div(
                    pow((**a).clone(), num(n + 1.0)),
                    num(slope * (n + 1.0)),
                )));
            }
            return None;
        }
        Expr::Func(f, a) => {
            let slope = linear_slope(a, var)?;
            let inner = (**a).clone();
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
                _ => return None,
            };
            div(base, num(slope))
        }
        _ => return None,
    };
    Some(simplify(&result))
}

/// `k` when `expr` is `k*var + m` with `k != 0`.
fn linear_slope(expr: &Expr, var: &str) -> Option<f64> {
    let p = to_poly(expr, var)?;
    (p.len() == 2 && p[1] != 0.0).then(|| p[1])
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

type Sample<'a> = &'a dyn Fn(f64) -> Result<f64, String>;

fn segment(f: Sample<'_>, a: f64, b: f64, fa: f64, fb: f64) -> Result<Segment, String> {
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

fn refine(f: Sample<'_>, s: Segment, eps: f64, depth: u32) -> Result<f64, String> {
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
pub(crate) fn simpson(f: Sample<'_>, a: f64, b: f64) -> Result<f64, String> {
    // At most this many samples, so a nowhere-converging integrand cannot run for ever.
    let budget = std::cell::Cell::new(200_000u32);
    let counted = |x: f64| {
        let left = budget.get();
        if left == 0 {
            return Err("the integral did not converge within 200000 samples".to_owned());
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
        Err("the integral does not converge".to_owned())
    }
}

/// The limit of `expr` as `var` → `at` (±infinity allowed), estimated from both sides.
pub(crate) fn limit(expr: &Expr, var: &str, at: f64) -> Result<(f64, f64), String> {
    let sample = |x: f64| eval_at(expr, var, x);
    let estimate = |side: f64| -> Result<f64, String> {
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
pub(crate) fn taylor(expr: &Expr, var: &str, at: f64, order: usize) -> Result<Vec<f64>, String> {
    let mut current = expr.clone();
    let mut factorial = 1.0;
    let mut out = Vec::with_capacity(order + 1);
    for k in 0..=order {
        if k > 0 {
            factorial *= k as f64;
            current = derivative(&current, var);
            if size(&current) > MAX_NODES {
                return Err(format!("derivative {k} grows past {MAX_NODES} terms"));
            }
        }
        let value = eval_at(&current, var, at)?;
        if !value.is_finite() {
            return Err(format!("derivative {k} is not finite at {at}"));
        }
        out.push(value / factorial);
    }
    Ok(out)
}
