//! The reference's numeric set: constants, arithmetic, trigonometry, statistics, unit
//! conversions and the special functions gamma, lgamma, beta, erf and erfc (from statrs).

use serde_json::{Map, Value, json};

use crate::{
    error::{Error, Result},
    tool::{invalid, req_f64},
};

/// A numeric tool: name, description, parameter schema, implementation.
pub(crate) type Numeric = (
    &'static str,
    &'static str,
    Value,
    fn(&Map<String, Value>) -> Result<f64>,
);

fn numbers(tool: &str, args: &Map<String, Value>, name: &str) -> Result<Vec<f64>> {
    let items = args
        .get(name)
        .and_then(Value::as_array)
        .ok_or_else(|| invalid(tool, name, "is required"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_f64()
                .ok_or_else(|| invalid(tool, &format!("{name}[{i}]"), "must be a number"))
        })
        .collect()
}

fn nonempty(tool: &str, args: &Map<String, Value>) -> Result<Vec<f64>> {
    let xs = numbers(tool, args, "numbers")?;
    if xs.is_empty() {
        return Err(invalid(tool, "numbers", "must not be empty"));
    }
    Ok(xs)
}

fn fail(tool: &str, reason: &str) -> Error {
    Error::Failed {
        tool: tool.to_owned(),
        reason: reason.to_owned(),
    }
}

fn mean(xs: &[f64]) -> f64 {
    xs.iter().sum::<f64>() / xs.len() as f64
}

fn variance(tool: &str, xs: &[f64]) -> Result<f64> {
    if xs.len() < 2 {
        return Err(invalid(tool, "numbers", "needs at least 2 values"));
    }
    let m = mean(xs);
    Ok(xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (xs.len() - 1) as f64)
}

fn sorted(xs: &[f64]) -> Vec<f64> {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

fn percentile(xs: &[f64], p: f64) -> f64 {
    let v = sorted(xs);
    let rank = p / 100.0 * (v.len() - 1) as f64;
    let (lo, hi) = (rank.floor() as usize, rank.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (rank - lo as f64)
}

fn pair(tool: &str, args: &Map<String, Value>) -> Result<(Vec<f64>, Vec<f64>)> {
    let (x, y) = (numbers(tool, args, "x")?, numbers(tool, args, "y")?);
    if x.len() != y.len() || x.len() < 2 {
        return Err(invalid(
            tool,
            "y",
            format!(
                "must have as many values as `x` (at least 2), found {} and {}",
                x.len(),
                y.len()
            ),
        ));
    }
    Ok((x, y))
}

fn covariance(x: &[f64], y: &[f64]) -> f64 {
    let (mx, my) = (mean(x), mean(y));
    x.iter()
        .zip(y)
        .map(|(a, b)| (a - mx) * (b - my))
        .sum::<f64>()
        / (x.len() - 1) as f64
}

fn integer(tool: &str, args: &Map<String, Value>, name: &str) -> Result<i64> {
    let x = req_f64(tool, args, name)?;
    if x.fract() != 0.0 || x.abs() > 9.0e15 {
        return Err(invalid(tool, name, "must be an integer"));
    }
    Ok(x as i64)
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

macro_rules! unary {
    ($name:literal, $desc:literal, $f:expr) => {
        ($name, $desc, json!({"type": "object", "required": ["x"], "properties": {"x": {"type": "number"}}}), |args| {
            let f: fn(f64) -> f64 = $f;
            Ok(f(req_f64($name, args, "x")?))
        })
    };
}

/// Every numeric tool.
pub(crate) fn all() -> Vec<Numeric> {
    let list = json!({"type": "object", "required": ["numbers"], "properties": {"numbers": {"type": "array", "items": {"type": "number"}, "maxItems": 1_000_000}}});
    let ab = json!({"type": "object", "required": ["a", "b"], "properties": {"a": {"type": "number"}, "b": {"type": "number"}}});
    let xy = json!({"type": "object", "required": ["x", "y"], "properties": {"x": {"type": "array", "items": {"type": "number"}}, "y": {"type": "array", "items": {"type": "number"}}}});
    let none = json!({"type": "object"});
    vec![
        ("math.pi", "π.", none.clone(), |_| Ok(std::f64::consts::PI)),
        ("math.e", "Euler's number.", none.clone(), |_| {
            Ok(std::f64::consts::E)
        }),
        ("math.tau", "τ = 2π.", none.clone(), |_| {
            Ok(std::f64::consts::TAU)
        }),
        ("math.phi", "The golden ratio.", none, |_| {
            Ok((1.0 + 5f64.sqrt()) / 2.0)
        }),
        ("math.add", "Sum of `numbers`.", list.clone(), |a| {
            Ok(numbers("math.add", a, "numbers")?.iter().sum())
        }),
        (
            "math.multiply",
            "Product of `numbers`.",
            list.clone(),
            |a| Ok(numbers("math.multiply", a, "numbers")?.iter().product()),
        ),
        ("math.subtract", "a − b.", ab.clone(), |a| {
            Ok(req_f64("math.subtract", a, "a")? - req_f64("math.subtract", a, "b")?)
        }),
        ("math.divide", "a ÷ b.", ab.clone(), |a| {
            let b = req_f64("math.divide", a, "b")?;
            if b == 0.0 {
                return Err(invalid("math.divide", "b", "must not be zero"));
            }
            Ok(req_f64("math.divide", a, "a")? / b)
        }),
        ("math.mod", "a mod b (sign of b).", ab.clone(), |a| {
            let b = req_f64("math.mod", a, "b")?;
            if b == 0.0 {
                return Err(invalid("math.mod", "b", "must not be zero"));
            }
            let x = req_f64("math.mod", a, "a")?;
            Ok(x - b * (x / b).floor())
        }),
        (
            "math.power",
            "base ^ exponent.",
            json!({"type": "object", "required": ["base", "exponent"], "properties": {"base": {"type": "number"}, "exponent": {"type": "number"}}}),
            |a| Ok(req_f64("math.power", a, "base")?.powf(req_f64("math.power", a, "exponent")?)),
        ),
        (
            "math.sqrt",
            "√x (x ≥ 0).",
            json!({"type": "object", "required": ["x"], "properties": {"x": {"type": "number", "minimum": 0}}}),
            |a| Ok(req_f64("math.sqrt", a, "x")?.sqrt()),
        ),
        unary!("math.abs", "|x|.", f64::abs),
        unary!("math.floor", "⌊x⌋.", f64::floor),
        unary!("math.ceil", "⌈x⌉.", f64::ceil),
        unary!("math.round", "x rounded half away from zero.", f64::round),
        unary!("math.exp", "eˣ.", f64::exp),
        (
            "math.log",
            "log of x > 0 in `base` (default e).",
            json!({"type": "object", "required": ["x"], "properties": {"x": {"type": "number"}, "base": {"type": "number"}}}),
            |a| {
                let x = req_f64("math.log", a, "x")?;
                if x <= 0.0 {
                    return Err(invalid("math.log", "x", "must be positive"));
                }
                match a.get("base") {
                    Some(_) => {
                        let base = req_f64("math.log", a, "base")?;
                        if base <= 0.0 || base == 1.0 {
                            return Err(invalid("math.log", "base", "must be positive and not 1"));
                        }
                        Ok(x.log(base))
                    }
                    None => Ok(x.ln()),
                }
            },
        ),
        (
            "math.factorial",
            "n! for integer 0 ≤ n ≤ 170.",
            json!({"type": "object", "required": ["n"], "properties": {"n": {"type": "integer", "minimum": 0, "maximum": 170}}}),
            |a| {
                let n = integer("math.factorial", a, "n")?;
                Ok((1..=n).map(|k| k as f64).product())
            },
        ),
        (
            "math.gcd",
            "Greatest common divisor of integers a and b.",
            ab.clone(),
            |a| Ok(gcd(integer("math.gcd", a, "a")?, integer("math.gcd", a, "b")?) as f64),
        ),
        (
            "math.lcm",
            "Least common multiple of integers a and b.",
            ab.clone(),
            |a| {
                let (x, y) = (integer("math.lcm", a, "a")?, integer("math.lcm", a, "b")?);
                if x == 0 || y == 0 {
                    return Ok(0.0);
                }
                Ok((x / gcd(x, y) * y).abs() as f64)
            },
        ),
        unary!("math.sin", "sin x (radians).", f64::sin),
        unary!("math.cos", "cos x (radians).", f64::cos),
        unary!("math.tan", "tan x (radians).", f64::tan),
        (
            "math.asin",
            "asin x, x in [−1, 1].",
            json!({"type": "object", "required": ["x"], "properties": {"x": {"type": "number", "minimum": -1, "maximum": 1}}}),
            |a| Ok(req_f64("math.asin", a, "x")?.asin()),
        ),
        (
            "math.acos",
            "acos x, x in [−1, 1].",
            json!({"type": "object", "required": ["x"], "properties": {"x": {"type": "number", "minimum": -1, "maximum": 1}}}),
            |a| Ok(req_f64("math.acos", a, "x")?.acos()),
        ),
        unary!("math.atan", "atan x.", f64::atan),
        unary!("math.sinh", "sinh x.", f64::sinh),
        unary!("math.cosh", "cosh x.", f64::cosh),
        unary!("math.tanh", "tanh x.", f64::tanh),
        unary!("math.radians", "Degrees to radians.", f64::to_radians),
        unary!("math.degrees", "Radians to degrees.", f64::to_degrees),
        ("math.mean", "Arithmetic mean.", list.clone(), |a| {
            Ok(mean(&nonempty("math.mean", a)?))
        }),
        ("math.median", "Median.", list.clone(), |a| {
            Ok(percentile(&nonempty("math.median", a)?, 50.0))
        }),
        (
            "math.mode",
            "Most frequent value (the smallest on a tie).",
            list.clone(),
            |a| {
                let v = sorted(&nonempty("math.mode", a)?);
                let (mut best, mut best_n, mut i) = (v[0], 0, 0);
                while i < v.len() {
                    let j = v[i..].iter().take_while(|x| **x == v[i]).count();
                    if j > best_n {
                        best = v[i];
                        best_n = j;
                    }
                    i += j;
                }
                Ok(best)
            },
        ),
        ("math.min", "Smallest value.", list.clone(), |a| {
            Ok(nonempty("math.min", a)?
                .into_iter()
                .fold(f64::INFINITY, f64::min))
        }),
        ("math.max", "Largest value.", list.clone(), |a| {
            Ok(nonempty("math.max", a)?
                .into_iter()
                .fold(f64::NEG_INFINITY, f64::max))
        }),
        ("math.sum", "Sum.", list.clone(), |a| {
            Ok(numbers("math.sum", a, "numbers")?.iter().sum())
        }),
        ("math.range", "max − min.", list.clone(), |a| {
            let v = sorted(&nonempty("math.range", a)?);
            Ok(v[v.len() - 1] - v[0])
        }),
        ("math.variance", "Sample variance.", list.clone(), |a| {
            variance("math.variance", &numbers("math.variance", a, "numbers")?)
        }),
        (
            "math.stdev",
            "Sample standard deviation.",
            list.clone(),
            |a| Ok(variance("math.stdev", &numbers("math.stdev", a, "numbers")?)?.sqrt()),
        ),
        (
            "math.percentile",
            "The `p`th percentile (0–100, linear interpolation).",
            json!({"type": "object", "required": ["numbers", "p"], "properties": {"numbers": {"type": "array", "items": {"type": "number"}}, "p": {"type": "number", "minimum": 0, "maximum": 100}}}),
            |a| {
                Ok(percentile(
                    &nonempty("math.percentile", a)?,
                    req_f64("math.percentile", a, "p")?,
                ))
            },
        ),
        (
            "math.covariance",
            "Sample covariance of `x` and `y`.",
            xy.clone(),
            |a| {
                let (x, y) = pair("math.covariance", a)?;
                Ok(covariance(&x, &y))
            },
        ),
        (
            "math.correlation",
            "Pearson correlation of `x` and `y`.",
            xy,
            |a| {
                let (x, y) = pair("math.correlation", a)?;
                let d = (covariance(&x, &x) * covariance(&y, &y)).sqrt();
                if d == 0.0 {
                    return Err(fail("math.correlation", "a series is constant"));
                }
                Ok(covariance(&x, &y) / d)
            },
        ),
        unary!("math.celsiusToFahrenheit", "°C → °F.", |c| c * 9.0
            / 5.0
            + 32.0),
        unary!("math.fahrenheitToCelsius", "°F → °C.", |f| (f - 32.0)
            * 5.0
            / 9.0),
        unary!("math.celsiusToKelvin", "°C → K.", |c| c + 273.15),
        unary!("math.kelvinToCelsius", "K → °C.", |k| k - 273.15),
        unary!("math.metersToFeet", "m → ft.", |m| m / 0.3048),
        unary!("math.feetToMeters", "ft → m.", |f| f * 0.3048),
        unary!("math.milesToKilometers", "mi → km.", |m| m * 1.609_344),
        unary!("math.kilometersToMiles", "km → mi.", |k| k / 1.609_344),
        (
            "math.gamma",
            "Γ(x).",
            json!({"type": "object", "required": ["x"], "properties": {"x": {"type": "number"}}}),
            |a| {
                let x = req_f64("math.gamma", a, "x")?;
                if x <= 0.0 && x.fract() == 0.0 {
                    return Err(invalid(
                        "math.gamma",
                        "x",
                        "must not be zero or a negative integer",
                    ));
                }
                Ok(statrs::function::gamma::gamma(x))
            },
        ),
        (
            "math.lgamma",
            "ln Γ(x), x > 0.",
            json!({"type": "object", "required": ["x"], "properties": {"x": {"type": "number"}}}),
            |a| {
                let x = req_f64("math.lgamma", a, "x")?;
                if x <= 0.0 {
                    return Err(invalid("math.lgamma", "x", "must be positive"));
                }
                Ok(statrs::function::gamma::ln_gamma(x))
            },
        ),
        ("math.beta", "B(a, b), a, b > 0.", ab, |a| {
            let (x, y) = (req_f64("math.beta", a, "a")?, req_f64("math.beta", a, "b")?);
            if x <= 0.0 || y <= 0.0 {
                return Err(invalid(
                    "math.beta",
                    if x <= 0.0 { "a" } else { "b" },
                    "must be positive",
                ));
            }
            Ok(statrs::function::beta::beta(x, y))
        }),
        unary!(
            "math.erf",
            "The error function.",
            statrs::function::erf::erf
        ),
        unary!(
            "math.erfc",
            "The complementary error function.",
            statrs::function::erf::erfc
        ),
    ]
}

/// Turns a non-finite result into an error.
pub(crate) fn finish(tool: &str, value: f64) -> Result<Value> {
    if !value.is_finite() {
        return Err(fail(tool, "the result is not a finite number"));
    }
    Ok(json!(value))
}
