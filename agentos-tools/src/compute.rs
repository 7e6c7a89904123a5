//! A safe arithmetic evaluator for `ui.compute`: numbers, `+ - * / % ^`, parentheses, unary
//! minus, the calculator glyphs `× ÷ −`, constants and a few functions. Nothing else is evaluated.

use crate::error::{Error, Result};

/// Deepest nesting of parentheses and unary operators accepted, so hostile input cannot
/// exhaust the stack.
const MAX_DEPTH: usize = 64;

/// Evaluates an arithmetic expression such as `12×3`, `-(2 + 3) ^ 2` or `sqrt(16) % 3`.
///
/// # Errors
/// [`Error::Expression`] with the character position for garbage, division by zero, unknown
/// names and results that are not finite numbers.
pub fn evaluate(expression: &str) -> Result<f64> {
    let chars: Vec<char> = expression.chars().collect();
    let mut parser = Parser {
        expression,
        chars: &chars,
        position: 0,
        depth: 0,
    };
    let value = parser.expr()?;
    parser.skip_spaces();
    if parser.position < chars.len() {
        return Err(parser.error("unexpected character"));
    }
    if !value.is_finite() {
        return Err(parser.error("result is not a finite number"));
    }
    Ok(value)
}

/// Formats a result for a display: integers without a fraction, others to 12 significant digits.
pub(crate) fn format_number(value: f64) -> String {
    if value == 0.0 {
        return "0".to_owned();
    }
    if value.fract() == 0.0 && value.abs() < 1e15 {
        return format!("{}", value as i64);
    }
    if value.abs() >= 1e15 || value.abs() < 1e-9 {
        return format!("{value:e}");
    }
    let digits = 12 - (value.abs().log10().floor() as i32 + 1);
    let text = format!("{:.*}", digits.clamp(0, 15) as usize, value);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_owned()
}

struct Parser<'a> {
    expression: &'a str,
    chars: &'a [char],
    position: usize,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, reason: &'static str) -> Error {
        Error::Expression {
            expression: self.expression.to_owned(),
            position: self.position,
            reason,
        }
    }

    fn skip_spaces(&mut self) {
        while self
            .chars
            .get(self.position)
            .is_some_and(|c| c.is_whitespace())
        {
            self.position += 1;
        }
    }

    fn peek(&mut self) -> Option<char> {
        self.skip_spaces();
        self.chars.get(self.position).copied()
    }

    fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("expression nested too deeply"));
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<f64> {
        let mut value = self.term()?;
        loop {
            match self.peek() {
                Some('+') => {
                    self.position += 1;
                    value += self.term()?;
                }
                Some('-' | '−') => {
                    self.position += 1;
                    value -= self.term()?;
                }
                _ => return Ok(value),
            }
        }
    }

    fn term(&mut self) -> Result<f64> {
        let mut value = self.unary()?;
        loop {
            match self.peek() {
                Some('*' | '×') => {
                    self.position += 1;
                    value *= self.unary()?;
                }
                Some('/' | '÷') => {
                    self.position += 1;
                    let at = self.position;
                    let divisor = self.unary()?;
                    if divisor == 0.0 {
                        self.position = at;
                        return Err(self.error("division by zero"));
                    }
                    value /= divisor;
                }
                Some('%') => {
                    self.position += 1;
                    let at = self.position;
                    let divisor = self.unary()?;
                    if divisor == 0.0 {
                        self.position = at;
                        return Err(self.error("division by zero"));
                    }
                    value %= divisor;
                }
                _ => return Ok(value),
            }
        }
    }

    fn unary(&mut self) -> Result<f64> {
        self.enter()?;
        let value = match self.peek() {
            Some('-' | '−') => {
                self.position += 1;
                -self.unary()?
            }
            Some('+') => {
                self.position += 1;
                self.unary()?
            }
            _ => self.power()?,
        };
        self.depth -= 1;
        Ok(value)
    }

    fn power(&mut self) -> Result<f64> {
        let base = self.primary()?;
        if self.peek() == Some('^') {
            self.position += 1;
            let exponent = self.unary()?;
            return Ok(base.powf(exponent));
        }
        Ok(base)
    }

    fn primary(&mut self) -> Result<f64> {
        match self.peek() {
            Some('(') => {
                self.position += 1;
                self.enter()?;
                let value = self.expr()?;
                self.depth -= 1;
                if self.peek() != Some(')') {
                    return Err(self.error("expected `)`"));
                }
                self.position += 1;
                Ok(value)
            }
            Some(c) if c.is_ascii_digit() || c == '.' => self.number(),
            Some(c) if c.is_alphabetic() => self.name(),
            Some(_) => Err(self.error("expected a number")),
            None => Err(self.error("unexpected end of expression")),
        }
    }

    fn number(&mut self) -> Result<f64> {
        let start = self.position;
        while self
            .chars
            .get(self.position)
            .is_some_and(|c| c.is_ascii_digit() || *c == '.')
        {
            self.position += 1;
        }
        if matches!(self.chars.get(self.position), Some('e' | 'E'))
            && self
                .chars
                .get(self.position + 1)
                .is_some_and(|c| c.is_ascii_digit() || *c == '-' || *c == '+')
        {
            self.position += 2;
            while self
                .chars
                .get(self.position)
                .is_some_and(char::is_ascii_digit)
            {
                self.position += 1;
            }
        }
        let text: String = self.chars[start..self.position].iter().collect();
        text.parse::<f64>().map_err(|_| {
            self.position = start;
            self.error("malformed number")
        })
    }

    fn name(&mut self) -> Result<f64> {
        let start = self.position;
        while self
            .chars
            .get(self.position)
            .is_some_and(|c| c.is_alphanumeric())
        {
            self.position += 1;
        }
        let name: String = self.chars[start..self.position].iter().collect();
        match name.to_ascii_lowercase().as_str() {
            "pi" | "π" => return Ok(std::f64::consts::PI),
            "e" => return Ok(std::f64::consts::E),
            "tau" => return Ok(std::f64::consts::TAU),
            _ => {}
        }
        let function: fn(f64) -> f64 = match name.to_ascii_lowercase().as_str() {
            "sqrt" => f64::sqrt,
            "abs" => f64::abs,
            "sin" => f64::sin,
            "cos" => f64::cos,
            "tan" => f64::tan,
            "asin" => f64::asin,
            "acos" => f64::acos,
            "atan" => f64::atan,
            "ln" => f64::ln,
            "log" => f64::log10,
            "exp" => f64::exp,
            "floor" => f64::floor,
            "ceil" => f64::ceil,
            "round" => f64::round,
            _ => {
                self.position = start;
                return Err(self.error("unknown name"));
            }
        };
        if self.peek() != Some('(') {
            return Err(self.error("expected `(` after a function name"));
        }
        let argument = self.primary()?;
        Ok(function(argument))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn eval(text: &str) -> f64 {
        evaluate(text).unwrap()
    }

    #[test]
    fn arithmetic_with_precedence_and_glyphs() {
        assert_eq!(eval("7+3"), 10.0);
        assert_eq!(eval("12×3"), 36.0);
        assert_eq!(eval("8÷2−1"), 3.0);
        assert_eq!(eval("2+3*4"), 14.0);
        assert_eq!(eval("(2+3)*4"), 20.0);
        assert_eq!(eval("-2^2"), -4.0);
        assert_eq!(eval("2^3^2"), 512.0);
        assert_eq!(eval("7 % 4"), 3.0);
        assert_eq!(eval("1.5 * 2"), 3.0);
        assert_eq!(eval("--3"), 3.0);
        assert_eq!(eval("sqrt(16) + abs(-2)"), 6.0);
        assert_eq!(eval("2e3"), 2000.0);
    }

    #[test]
    fn garbage_and_division_by_zero_are_errors_with_positions() {
        let err = evaluate("1/0").unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot evaluate `1/0` at character 2: division by zero"
        );
        for bad in [
            "", "7+", "(1", "1)", "alert(1)", "1..2", "2**", "sqrt 4", "×", "1 2",
        ] {
            assert!(evaluate(bad).is_err(), "{bad:?} should be an error");
        }
        assert!(evaluate(&"(".repeat(10_000)).is_err());
        assert!(evaluate(&"-".repeat(10_000)).is_err());
    }

    #[test]
    fn results_format_like_a_calculator() {
        assert_eq!(format_number(eval("0.1+0.2")), "0.3");
        assert_eq!(format_number(10.0), "10");
        assert_eq!(format_number(-4.0), "-4");
        assert_eq!(format_number(1.0 / 3.0), "0.333333333333");
        assert_eq!(format_number(2.5), "2.5");
        assert_eq!(format_number(1e20), "1e20");
    }

    proptest! {
        #[test]
        fn never_panics(text in "[0-9+\\-*/%^().×÷− a-z]{0,40}") {
            let _ = evaluate(&text);
        }

        #[test]
        fn integer_sums_are_exact(a in -1_000_000i64..1_000_000, b in -1_000_000i64..1_000_000) {
            prop_assert_eq!(evaluate(&format!("{a}+{b}")).unwrap(), (a + b) as f64);
        }
    }
}
