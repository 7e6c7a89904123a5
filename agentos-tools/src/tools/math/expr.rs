//! A small expression AST for the symbolic tools: parsing (with implicit multiplication such
//! as `2x`), printing, evaluation, simplification and conversion to one-variable polynomials.

use std::{collections::BTreeMap, fmt};

use super::budget::{Budget, Exceeded, Fail};
use crate::{cursor::Cursor, error::BudgetLimit};

/// An expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Num(f64),
    Var(String),
    Neg(Box<Expr>),
    Add(Box<Expr>, Box<Expr>),
    Sub(Box<Expr>, Box<Expr>),
    Mul(Box<Expr>, Box<Expr>),
    Div(Box<Expr>, Box<Expr>),
    Pow(Box<Expr>, Box<Expr>),
    Func(Func, Box<Expr>),
}

/// The functions expressions may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Sin,
    Cos,
    Tan,
    Asin,
    Acos,
    Atan,
    Sinh,
    Cosh,
    Tanh,
    Exp,
    Ln,
    Sqrt,
    Abs,
}

impl Func {
    fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "sin" => Func::Sin,
            "cos" => Func::Cos,
            "tan" => Func::Tan,
            "asin" => Func::Asin,
            "acos" => Func::Acos,
            "atan" => Func::Atan,
            "sinh" => Func::Sinh,
            "cosh" => Func::Cosh,
            "tanh" => Func::Tanh,
            "exp" => Func::Exp,
            "ln" | "log" => Func::Ln,
            "sqrt" => Func::Sqrt,
            "abs" => Func::Abs,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Func::Sin => "sin",
            Func::Cos => "cos",
            Func::Tan => "tan",
            Func::Asin => "asin",
            Func::Acos => "acos",
            Func::Atan => "atan",
            Func::Sinh => "sinh",
            Func::Cosh => "cosh",
            Func::Tanh => "tanh",
            Func::Exp => "exp",
            Func::Ln => "ln",
            Func::Sqrt => "sqrt",
            Func::Abs => "abs",
        }
    }

    pub(crate) fn apply(self, x: f64) -> f64 {
        match self {
            Func::Sin => x.sin(),
            Func::Cos => x.cos(),
            Func::Tan => x.tan(),
            Func::Asin => x.asin(),
            Func::Acos => x.acos(),
            Func::Atan => x.atan(),
            Func::Sinh => x.sinh(),
            Func::Cosh => x.cosh(),
            Func::Tanh => x.tanh(),
            Func::Exp => x.exp(),
            Func::Ln => x.ln(),
            Func::Sqrt => x.sqrt(),
            Func::Abs => x.abs(),
        }
    }
}

use Expr::{Add, Div, Mul, Neg, Num, Pow, Sub, Var};

pub(crate) fn num(x: f64) -> Expr {
    Num(x)
}
pub(crate) fn add(a: Expr, b: Expr) -> Expr {
    Add(Box::new(a), Box::new(b))
}
pub(crate) fn sub(a: Expr, b: Expr) -> Expr {
    Sub(Box::new(a), Box::new(b))
}
pub(crate) fn mul(a: Expr, b: Expr) -> Expr {
    Mul(Box::new(a), Box::new(b))
}
pub(crate) fn div(a: Expr, b: Expr) -> Expr {
    Div(Box::new(a), Box::new(b))
}
pub(crate) fn pow(a: Expr, b: Expr) -> Expr {
    Pow(Box::new(a), Box::new(b))
}
pub(crate) fn func(f: Func, a: Expr) -> Expr {
    Expr::Func(f, Box::new(a))
}

/// Parses `text`; errors give the character position.
pub(crate) fn parse(text: &str) -> Result<Expr, String> {
    let mut parser = Parser {
        at: Cursor::new(text),
    };
    let expr = parser.sum()?;
    parser.at.finish(expr)
}

struct Parser {
    at: Cursor,
}

impl Parser {
    fn sum(&mut self) -> Result<Expr, String> {
        let mut left = self.product()?;
        loop {
            match self.at.peek() {
                Some('+') => {
                    self.at.pos += 1;
                    left = add(left, self.product()?);
                }
                Some('-' | '−') => {
                    self.at.pos += 1;
                    left = sub(left, self.product()?);
                }
                _ => return Ok(left),
            }
        }
    }
    fn product(&mut self) -> Result<Expr, String> {
        let mut left = self.unary()?;
        loop {
            match self.at.peek() {
                Some('*' | '×') => {
                    self.at.pos += 1;
                    left = mul(left, self.unary()?);
                }
                Some('/' | '÷') => {
                    self.at.pos += 1;
                    left = div(left, self.unary()?);
                }
                // Implicit multiplication: `2x`, `3(x+1)`, `x sin(x)`, `(x+1)(x-1)`.
                Some(c) if c.is_alphabetic() || c == '(' => left = mul(left, self.unary()?),
                _ => return Ok(left),
            }
        }
    }
    fn unary(&mut self) -> Result<Expr, String> {
        self.at.enter("expression")?;
        let out = match self.at.peek() {
            Some('-' | '−') => {
                self.at.pos += 1;
                self.unary().map(|e| Neg(Box::new(e)))
            }
            Some('+') => {
                self.at.pos += 1;
                self.unary()
            }
            _ => self.power(),
        };
        self.at.leave();
        out
    }
    fn power(&mut self) -> Result<Expr, String> {
        let base = self.atom()?;
        if self.at.peek() == Some('^') {
            self.at.pos += 1;
            return Ok(pow(base, self.unary()?));
        }
        Ok(base)
    }
    fn atom(&mut self) -> Result<Expr, String> {
        match self.at.peek() {
            Some('(') => {
                self.at.pos += 1;
                let inner = self.sum()?;
                if self.at.peek() != Some(')') {
                    return Err(format!("expected `)` at character {}", self.at.pos));
                }
                self.at.pos += 1;
                Ok(inner)
            }
            Some(c) if c.is_ascii_digit() || c == '.' => {
                let start = self.at.pos;
                while self
                    .at
                    .chars
                    .get(self.at.pos)
                    .is_some_and(|c| c.is_ascii_digit() || *c == '.')
                {
                    self.at.pos += 1;
                }
                let text: String = self.at.chars[start..self.at.pos].iter().collect();
                text.parse::<f64>()
                    .map(Num)
                    .map_err(|_| format!("malformed number `{text}` at character {start}"))
            }
            Some(c) if c.is_alphabetic() => {
                let start = self.at.pos;
                while self
                    .at
                    .chars
                    .get(self.at.pos)
                    .is_some_and(|c| c.is_alphanumeric() || *c == '_')
                {
                    self.at.pos += 1;
                }
                let name: String = self.at.chars[start..self.at.pos].iter().collect();
                if let Some(f) = Func::from_name(&name) {
                    if self.at.peek() != Some('(') {
                        return Err(format!("expected `(` after `{name}`"));
                    }
                    return Ok(func(f, self.atom()?));
                }
                Ok(match name.as_str() {
                    "pi" | "π" => Num(std::f64::consts::PI),
                    "e" => Num(std::f64::consts::E),
                    _ => Var(name),
                })
            }
            Some(c) => Err(format!("unexpected `{c}` at character {}", self.at.pos)),
            None => Err("unexpected end of expression".to_owned()),
        }
    }
}

/// Evaluates with `vars`, one budget step per node; unknown variables are an error.
pub(crate) fn eval(
    expr: &Expr,
    vars: &BTreeMap<String, f64>,
    budget: &Budget,
) -> Result<f64, Fail> {
    budget.step(1)?;
    Ok(match expr {
        Num(x) => *x,
        Var(name) => *vars
            .get(name)
            .ok_or_else(|| format!("no value for variable `{name}`"))?,
        Neg(a) => -eval(a, vars, budget)?,
        Add(a, b) => eval(a, vars, budget)? + eval(b, vars, budget)?,
        Sub(a, b) => eval(a, vars, budget)? - eval(b, vars, budget)?,
        Mul(a, b) => eval(a, vars, budget)? * eval(b, vars, budget)?,
        Div(a, b) => eval(a, vars, budget)? / eval(b, vars, budget)?,
        Pow(a, b) => eval(a, vars, budget)?.powf(eval(b, vars, budget)?),
        Expr::Func(f, a) => f.apply(eval(a, vars, budget)?),
    })
}

/// Evaluates a one-variable expression at `x`.
pub(crate) fn eval_at(expr: &Expr, var: &str, x: f64, budget: &Budget) -> Result<f64, Fail> {
    eval(expr, &BTreeMap::from([(var.to_owned(), x)]), budget)
}

/// The variables `expr` mentions, sorted.
pub(crate) fn variables(expr: &Expr, out: &mut Vec<String>) {
    match expr {
        Var(name) => {
            if !out.contains(name) {
                out.push(name.clone());
                out.sort();
            }
        }
        Num(_) => {}
        Neg(a) | Expr::Func(_, a) => variables(a, out),
        Add(a, b) | Sub(a, b) | Mul(a, b) | Div(a, b) | Pow(a, b) => {
            variables(a, out);
            variables(b, out);
        }
    }
}

fn is(expr: &Expr, value: f64) -> bool {
    matches!(expr, Num(x) if *x == value)
}

/// Folds constants and removes identities (`x+0`, `1*x`, `x^1`, …) bottom-up, one budget step
/// per node visited (rewrites visit again).
pub(crate) fn simplify(expr: &Expr, budget: &Budget) -> Result<Expr, Exceeded> {
    budget.step(1)?;
    Ok(match expr {
        Num(_) | Var(_) => expr.clone(),
        Neg(a) => match simplify(a, budget)? {
            Num(x) => Num(-x),
            Neg(inner) => *inner,
            other => Neg(Box::new(other)),
        },
        Add(a, b) => match (simplify(a, budget)?, simplify(b, budget)?) {
            (Num(x), Num(y)) => Num(x + y),
            (x, y) if is(&x, 0.0) => y,
            (x, y) if is(&y, 0.0) => x,
            (x, Neg(y)) => simplify(&sub(x, *y), budget)?,
            (x, Num(y)) if y < 0.0 => sub(x, Num(-y)),
            (x, y) if x == y => simplify(&mul(Num(2.0), x), budget)?,
            (x, y) => add(x, y),
        },
        Sub(a, b) => match (simplify(a, budget)?, simplify(b, budget)?) {
            (Num(x), Num(y)) => Num(x - y),
            (x, y) if is(&y, 0.0) => x,
            (x, y) if is(&x, 0.0) => simplify(&Neg(Box::new(y)), budget)?,
            (x, y) if x == y => Num(0.0),
            (x, Neg(y)) => add(x, *y),
            (x, Num(y)) if y < 0.0 => add(x, Num(-y)),
            (x, y) => sub(x, y),
        },
        Mul(a, b) => match (simplify(a, budget)?, simplify(b, budget)?) {
            (Num(x), Num(y)) => Num(x * y),
            (x, y) if is(&x, 0.0) || is(&y, 0.0) => Num(0.0),
            (x, y) if is(&x, 1.0) => y,
            (x, y) if is(&y, 1.0) => x,
            (x, y) if is(&x, -1.0) => simplify(&Neg(Box::new(y)), budget)?,
            (x, Num(y)) => simplify(&mul(Num(y), x), budget)?,
            (Num(x), Mul(inner_a, inner_b)) => match *inner_a {
                Num(y) => mul(Num(x * y), *inner_b),
                other => mul(Num(x), mul(other, *inner_b)),
            },
            (Neg(x), y) => simplify(&Neg(Box::new(mul(*x, y))), budget)?,
            (x, y) if x == y => pow(x, Num(2.0)),
            (x, y) => mul(x, y),
        },
        Div(a, b) => match (simplify(a, budget)?, simplify(b, budget)?) {
            (Num(x), Num(y)) if y != 0.0 => Num(x / y),
            (x, _) if is(&x, 0.0) => Num(0.0),
            (x, y) if is(&y, 1.0) => x,
            (x, y) if x == y && !is(&y, 0.0) => Num(1.0),
            (x, y) => div(x, y),
        },
        Pow(a, b) => match (simplify(a, budget)?, simplify(b, budget)?) {
            (Num(x), Num(y)) => Num(x.powf(y)),
            (_, y) if is(&y, 0.0) => Num(1.0),
            (x, y) if is(&y, 1.0) => x,
            (Pow(base, inner), Num(y)) => match *inner {
                Num(z) => pow(*base, Num(z * y)),
                other => pow(pow(*base, other), Num(y)),
            },
            (x, y) => pow(x, y),
        },
        Expr::Func(f, a) => match simplify(a, budget)? {
            Num(x) if matches!(f, Func::Exp | Func::Sin | Func::Cos) && x == 0.0 => {
                Num(f.apply(0.0))
            }
            Num(x) if *f == Func::Ln && x == 1.0 => Num(0.0),
            inner => func(*f, inner),
        },
    })
}

/// The coefficients (lowest degree first) when `expr` is a polynomial in `var` with numeric
/// coefficients; `Ok(None)` when it is not one. A polynomial of degree past
/// [`super::budget::MAX_DEGREE`] is the budget's `Degree` error (see [`poly_or_none`] for
/// callers to whom that just means "not a polynomial"); a constant power such as `2^1000`
/// is folded, not multiplied out.
pub(crate) fn to_poly(
    expr: &Expr,
    var: &str,
    budget: &Budget,
) -> Result<Option<Vec<f64>>, Exceeded> {
    budget.step(1)?;
    macro_rules! poly {
        ($e:expr) => {
            match to_poly($e, var, budget)? {
                Some(p) => p,
                None => return Ok(None),
            }
        };
    }
    let out = match expr {
        Num(x) => vec![*x],
        Var(name) if name == var => vec![0.0, 1.0],
        Var(_) => return Ok(None),
        Neg(a) => poly!(a).into_iter().map(|c| -c).collect(),
        Add(a, b) => poly_add(&poly!(a), &poly!(b), 1.0),
        Sub(a, b) => poly_add(&poly!(a), &poly!(b), -1.0),
        Mul(a, b) => poly_mul(&poly!(a), &poly!(b), budget)?,
        Div(a, b) => {
            let d = poly!(b);
            if d.len() != 1 || d[0] == 0.0 {
                return Ok(None);
            }
            poly!(a).into_iter().map(|c| c / d[0]).collect()
        }
        Pow(a, b) => {
            let Num(n) = simplify(b, budget)? else {
                return Ok(None);
            };
            if n < 0.0 || n.fract() != 0.0 || !n.is_finite() {
                return Ok(None);
            }
            let base = poly!(a);
            if base.len() == 1 {
                vec![base[0].powf(n)]
            } else {
                budget.degree(((base.len() - 1) as f64 * n).min(u64::MAX as f64) as u64)?;
                let mut acc = vec![1.0];
                for _ in 0..n as usize {
                    acc = poly_mul(&acc, &base, budget)?;
                }
                acc
            }
        }
        Expr::Func(..) => {
            let mut vars = Vec::new();
            variables(expr, &mut vars);
            if vars.iter().any(|v| v == var) {
                return Ok(None);
            }
            match eval(expr, &BTreeMap::new(), budget) {
                Ok(value) => vec![value],
                Err(Fail::Budget(exceeded)) => return Err(exceeded),
                Err(Fail::Reason(_)) => return Ok(None),
            }
        }
    };
    Ok(Some(trim(out)))
}

/// [`to_poly`] for callers that only try the polynomial route: too high a degree is "not a
/// polynomial" (`None`); running out of steps is still an error.
pub(crate) fn poly_or_none(
    expr: &Expr,
    var: &str,
    budget: &Budget,
) -> Result<Option<Vec<f64>>, Exceeded> {
    match to_poly(expr, var, budget) {
        Err(exceeded) if exceeded.limit == BudgetLimit::Degree => Ok(None),
        other => other,
    }
}

fn trim(mut coefficients: Vec<f64>) -> Vec<f64> {
    while coefficients.len() > 1 && coefficients.last().is_some_and(|c| c.abs() < 1e-12) {
        coefficients.pop();
    }
    coefficients
}

fn poly_add(a: &[f64], b: &[f64], sign: f64) -> Vec<f64> {
    (0..a.len().max(b.len()))
        .map(|i| a.get(i).copied().unwrap_or(0.0) + sign * b.get(i).copied().unwrap_or(0.0))
        .collect()
}

/// The product of two polynomials; one budget step per coefficient product, and the
/// product's degree is checked before it is built.
pub(crate) fn poly_mul(a: &[f64], b: &[f64], budget: &Budget) -> Result<Vec<f64>, Exceeded> {
    budget.degree((a.len() + b.len()).saturating_sub(2) as u64)?;
    budget.step((a.len() * b.len()) as u64)?;
    let mut out = vec![0.0; (a.len() + b.len()).saturating_sub(1)];
    for (i, x) in a.iter().enumerate() {
        for (j, y) in b.iter().enumerate() {
            out[i + j] += x * y;
        }
    }
    Ok(out)
}

/// Prints a polynomial (lowest degree first) in `var`, highest degree first.
pub(crate) fn poly_to_string(coefficients: &[f64], var: &str) -> String {
    let mut out = String::new();
    for (degree, c) in coefficients.iter().enumerate().rev() {
        if c.abs() < 1e-12 {
            continue;
        }
        let magnitude = c.abs();
        if out.is_empty() {
            if *c < 0.0 {
                out.push('-');
            }
        } else {
            out.push_str(if *c < 0.0 { " - " } else { " + " });
        }
        let coefficient = crate::compute::format_number(magnitude);
        match degree {
            0 => out.push_str(&coefficient),
            _ => {
                if magnitude != 1.0 {
                    out.push_str(&coefficient);
                    out.push('*');
                }
                out.push_str(var);
                if degree > 1 {
                    out.push_str(&format!("^{degree}"));
                }
            }
        }
    }
    if out.is_empty() { "0".to_owned() } else { out }
}

fn precedence(expr: &Expr) -> u8 {
    match expr {
        Add(..) | Sub(..) => 1,
        Mul(..) | Div(..) => 2,
        Neg(_) => 3,
        Pow(..) => 4,
        Num(x) if *x < 0.0 => 3,
        _ => 5,
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let wrap = |f: &mut fmt::Formatter<'_>, child: &Expr, min: u8| {
            if precedence(child) < min {
                write!(f, "({child})")
            } else {
                write!(f, "{child}")
            }
        };
        // A binary operator: its text and the precedence each side needs to go unbracketed.
        let (a, op, b, left, right) = match self {
            Num(x) => return f.write_str(&crate::compute::format_number(*x)),
            Var(name) => return f.write_str(name),
            Neg(a) => {
                f.write_str("-")?;
                return wrap(f, a, 4);
            }
            Expr::Func(func, a) => return write!(f, "{}({a})", func.name()),
            Add(a, b) => (a, " + ", b, 1, 2),
            Sub(a, b) => (a, " - ", b, 1, 2),
            Mul(a, b) => (a, "*", b, 2, 3),
            Div(a, b) => (a, "/", b, 2, 3),
            Pow(a, b) => (a, "^", b, 5, 4),
        };
        wrap(f, a, left)?;
        f.write_str(op)?;
        wrap(f, b, right)
    }
}
