//! expand, factor (integer polynomials: content and rational roots), and solve (linear,
//! quadratic, polynomial roots from the companion matrix's eigenvalues — or, when that Schur
//! iteration does not converge within its cap, a bounded Durand–Kerner iteration — and a numeric
//! bracket-and-bisect search for other equations).

use nalgebra::{Complex, DMatrix, linalg::Schur};

use super::{
    budget::{Budget, Exceeded, Fail},
    expr::{Expr, eval_at, poly_or_none, poly_to_string, sub, to_poly},
};

/// Real roots and complex pairs `[re, im]`.
type Roots = (Vec<f64>, Vec<[f64; 2]>);

/// Roots of `lhs = rhs` in `var`: real roots and, for polynomials, complex pairs `[re, im]`.
pub(crate) fn solve(lhs: &Expr, rhs: &Expr, var: &str, budget: &Budget) -> Result<Roots, Fail> {
    let expr = sub(lhs.clone(), rhs.clone());
    budget.shape(&expr)?;
    if let Some(p) = poly_or_none(&expr, var, budget)? {
        // The companion matrix's eigenvalues take on the order of degree³ steps.
        budget.step((p.len() as u64).pow(3))?;
        return Ok(poly_roots(&p)?);
    }
    numeric_roots(&expr, var, budget)
}

fn clean(x: f64) -> f64 {
    let r = x.round();
    if (x - r).abs() < 1e-9 { r + 0.0 } else { x }
}

pub(crate) fn poly_roots(p: &[f64]) -> Result<Roots, String> {
    match p.len() {
        0 | 1 => {
            if p.first().is_none_or(|c| *c == 0.0) {
                Err("every value is a solution".to_owned())
            } else {
                Ok((Vec::new(), Vec::new()))
            }
        }
        2 => Ok((vec![clean(-p[0] / p[1])], Vec::new())),
        3 => {
            let (c, b, a) = (p[0], p[1], p[2]);
            let disc = b * b - 4.0 * a * c;
            if disc >= 0.0 {
                let s = disc.sqrt();
                let mut roots = vec![clean((-b - s) / (2.0 * a)), clean((-b + s) / (2.0 * a))];
                roots.sort_by(f64::total_cmp);
                roots.dedup();
                Ok((roots, Vec::new()))
            } else {
                let (re, im) = (
                    clean(-b / (2.0 * a)),
                    clean((-disc).sqrt() / (2.0 * a).abs()),
                );
                Ok((Vec::new(), vec![[re, -im], [re, im]]))
            }
        }
        n => {
            let degree = n - 1;
            let lead = p[degree];
            let companion = DMatrix::from_fn(degree, degree, |i, j| {
                if i == 0 {
                    -p[degree - 1 - j] / lead
                } else if i == j + 1 {
                    1.0
                } else {
                    0.0
                }
            });
            // nalgebra's own `complex_eigenvalues` iterates without a limit, and the Schur
            // iteration stalls on some companion matrices (e.g. of x^16 - 1): cap it.
            let eigen: Vec<Complex<f64>> =
                match Schur::try_new(companion, f64::EPSILON, SCHUR_ITERATIONS_PER_DEGREE * n) {
                    Some(schur) => schur.complex_eigenvalues().iter().copied().collect(),
                    None => durand_kerner(p),
                };
            let (mut real, mut complex) = (Vec::new(), Vec::new());
            for z in &eigen {
                if z.im.abs() < 1e-9 {
                    real.push(clean(polish(p, z.re)));
                } else {
                    complex.push([clean(z.re), clean(z.im)]);
                }
            }
            real.sort_by(f64::total_cmp);
            real.dedup_by(|a, b| (*a - *b).abs() < 1e-9);
            complex.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
            Ok((real, complex))
        }
    }
}

/// Schur iterations allowed per degree before the roots are found another way.
const SCHUR_ITERATIONS_PER_DEGREE: usize = 64;

/// Durand–Kerner sweeps at most; each costs degree² complex operations.
const DURAND_KERNER_SWEEPS: usize = 500;

/// The complex roots of `p` (coefficients lowest degree first, at least linear) by the
/// Durand–Kerner (Weierstrass) iteration: every root estimate moves by the polynomial's value
/// over the product of its distances to the others, for a bounded number of sweeps.
fn durand_kerner(p: &[f64]) -> Vec<Complex<f64>> {
    let degree = p.len() - 1;
    let lead = p[degree];
    let monic: Vec<f64> = p.iter().map(|c| c / lead).collect();
    // Start on a circle of the Cauchy bound's radius, at angles no root symmetry shares.
    let radius = 1.0 + monic[..degree].iter().fold(0.0f64, |m, c| m.max(c.abs()));
    let mut z: Vec<Complex<f64>> = (0..degree)
        .map(|k| {
            Complex::from_polar(
                radius,
                0.4 + std::f64::consts::TAU * k as f64 / degree as f64,
            )
        })
        .collect();
    for _ in 0..DURAND_KERNER_SWEEPS {
        let mut moved = 0.0f64;
        for i in 0..degree {
            let value = monic
                .iter()
                .rev()
                .fold(Complex::new(0.0, 0.0), |acc, c| acc * z[i] + c);
            let denominator = (0..degree)
                .filter(|&j| j != i)
                .fold(Complex::new(1.0, 0.0), |acc, j| acc * (z[i] - z[j]));
            if denominator.norm() == 0.0 {
                z[i] += Complex::new(1e-9, 1e-9);
                moved = f64::INFINITY;
                continue;
            }
            let step = value / denominator;
            if step.is_finite() {
                z[i] -= step;
                moved = moved.max(step.norm());
            }
        }
        if moved < 1e-14 * radius {
            break;
        }
    }
    z
}

/// A few Newton steps on a real root.
fn polish(p: &[f64], mut x: f64) -> f64 {
    for _ in 0..8 {
        let (mut value, mut slope) = (0.0, 0.0);
        for c in p.iter().rev() {
            slope = slope * x + value;
            value = value * x + c;
        }
        if slope == 0.0 {
            break;
        }
        x -= value / slope;
    }
    x
}

fn numeric_roots(expr: &Expr, var: &str, budget: &Budget) -> Result<Roots, Fail> {
    let f = |x: f64| eval_at(expr, var, x, budget);
    let mut roots: Vec<f64> = Vec::new();
    let (lo, hi, steps) = (-100.0, 100.0, 4000);
    let width = (hi - lo) / steps as f64;
    let mut prev_x = lo;
    let mut prev = f(lo)?;
    for i in 1..=steps {
        let x = lo + width * i as f64;
        let y = f(x)?;
        if prev == 0.0 {
            roots.push(prev_x);
        } else if prev.is_finite() && y.is_finite() && prev.signum() != y.signum() && y != 0.0 {
            let (mut a, mut b, mut fa) = (prev_x, x, prev);
            for _ in 0..100 {
                let m = (a + b) / 2.0;
                let fm = f(m)?;
                if fm.signum() == fa.signum() {
                    a = m;
                    fa = fm;
                } else {
                    b = m;
                }
            }
            let root = (a + b) / 2.0;
            // A sign change across a pole is not a root.
            if f(root)?.abs() < 1e-6 {
                roots.push(clean(root));
            }
        }
        prev_x = x;
        prev = y;
    }
    roots.dedup_by(|a, b| (*a - *b).abs() < 1e-7);
    Ok((roots, Vec::new()))
}

/// The expanded polynomial in `var`, printed; `None` when `expr` is not a polynomial in it.
/// A degree past the limit is the budget's error, not `None`.
pub(crate) fn expand(expr: &Expr, var: &str, budget: &Budget) -> Result<Option<String>, Exceeded> {
    Ok(to_poly(expr, var, budget)?.map(|p| poly_to_string(&p, var)))
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

/// The positive divisors of `n`, ascending, by trial division up to √|n| (one budget step
/// per trial).
fn divisors(n: i64, budget: &Budget) -> Result<Vec<i64>, Exceeded> {
    let n = n.unsigned_abs();
    let root = n.isqrt();
    budget.step(root)?;
    let mut out = Vec::new();
    for d in 1..=root {
        if n.is_multiple_of(d) {
            out.push(d);
            out.push(n / d);
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out
        .into_iter()
        .filter_map(|d| i64::try_from(d).ok())
        .collect())
}

/// `q^n p(r/q)` on integers, or `None` when it does not fit in 128 bits.
fn scaled_value(p: &[i64], r: i64, q: i64) -> Option<i128> {
    let n = p.len() - 1;
    let mut acc: i128 = 0;
    for (k, c) in p.iter().enumerate() {
        let term = i128::from(*c)
            .checked_mul(i128::from(r).checked_pow(k as u32)?)?
            .checked_mul(i128::from(q).checked_pow((n - k) as u32)?)?;
        acc = acc.checked_add(term)?;
    }
    Some(acc)
}

/// Factors a polynomial with integer coefficients over the rationals as far as its rational
/// roots allow: `content * (q x - p)… * rest`.
pub(crate) fn factor(expr: &Expr, var: &str, budget: &Budget) -> Result<String, Fail> {
    let p = to_poly(expr, var, budget)?.ok_or("factor needs a polynomial in one variable")?;
    if p.iter().any(|c| c.fract() != 0.0 || c.abs() > 1e6) {
        return Err("factor needs integer coefficients of at most 1000000 in size".into());
    }
    if p.len() > 17 {
        return Err("factor handles degrees up to 16".into());
    }
    let mut p: Vec<i64> = p.iter().map(|c| *c as i64).collect();
    if p.len() <= 1 {
        return Ok(poly_to_string(
            &p.iter().map(|c| *c as f64).collect::<Vec<_>>(),
            var,
        ));
    }
    let mut content = p.iter().fold(0, |g, c| gcd(g, *c));
    if p.last().is_some_and(|c| *c < 0) {
        content = -content;
    }
    for c in &mut p {
        *c /= content;
    }
    let mut factors: Vec<String> = Vec::new();
    // x^k factors.
    while p.len() > 1 && p[0] == 0 {
        p.remove(0);
        factors.push(var.to_owned());
    }
    'search: while p.len() > 2 {
        let (a0, an) = (p[0], p[p.len() - 1]);
        let numerators = divisors(a0, budget)?;
        for q in divisors(an, budget)? {
            for &num in &numerators {
                for sign in [1, -1] {
                    let r = sign * num;
                    // Is r/q a root? Evaluate q^n p(r/q) with integers; a value too large
                    // for 128 bits is not zero.
                    budget.step(p.len() as u64)?;
                    let acc = scaled_value(&p, r, q).unwrap_or(1);
                    if acc == 0 && gcd(r, q) == 1 {
                        let Some(quotient) = divide(&p, q, r) else {
                            break 'search;
                        };
                        factors.push(linear(q, r, var));
                        p = quotient;
                        continue 'search;
                    }
                }
            }
        }
        break;
    }
    if p.len() == 2 {
        factors.push(linear(p[1], -p[0], var));
        p = vec![1];
    }
    let rest: Vec<f64> = p.iter().map(|c| *c as f64).collect();
    let mut parts: Vec<String> = Vec::new();
    if content != 1 {
        parts.push(content.to_string());
    }
    parts.extend(factors.iter().map(|f| {
        if f.contains(' ') {
            format!("({f})")
        } else {
            f.clone()
        }
    }));
    if rest != [1.0] {
        parts.push(format!("({})", poly_to_string(&rest, var)));
    }
    Ok(if parts.is_empty() {
        "1".to_owned()
    } else {
        parts.join("*")
    })
}

/// `p / (q x - r)` by synthetic division on integers, for an exact root `r/q`; `None` on
/// overflow.
fn divide(p: &[i64], q: i64, r: i64) -> Option<Vec<i64>> {
    let n = p.len() - 1;
    let mut quotient = vec![0i64; n];
    let mut carry = 0i64;
    for k in (1..=n).rev() {
        let coefficient = p[k].checked_add(carry)?;
        quotient[k - 1] = coefficient / q;
        carry = quotient[k - 1].checked_mul(r)?;
    }
    Some(quotient)
}

/// `q*var - r` printed.
fn linear(q: i64, r: i64, var: &str) -> String {
    let lead = if q == 1 {
        var.to_owned()
    } else {
        format!("{q}*{var}")
    };
    match r.cmp(&0) {
        std::cmp::Ordering::Equal => lead,
        std::cmp::Ordering::Greater => format!("{lead} - {r}"),
        std::cmp::Ordering::Less => format!("{lead} + {}", -r),
    }
}
