//! `$if` and `$for` on components, evaluated against the app's state.
//!
//! `$if` is a boolean or a condition such as `count > 3 && !done`, `mode == 'edit'` or
//! `items` (truthy when non-empty). Names are state keys (ids may contain `-`); `a.b` reads
//! field `b` of the value under `a`. `$for` is a state key, or `{"each": key, "limit": n}`; its
//! items are that key's array (or `0..n` for a number). The results are written to the state
//! keys `<id>.$if` and `<id>.$for`, so they travel in patches like any other change.

use serde_json::Value;

use crate::{cursor::Cursor, state::State};

/// The directives one component carries: the model's `$if`/`$for` fields, or the same keys
/// left in props by a hand-written explicit component.
pub(crate) fn read(component: &agentos_blueprint::Component) -> (Option<&Value>, Option<&Value>) {
    (
        component
            .condition
            .as_deref()
            .or_else(|| component.props.get("$if")),
        component
            .repeat
            .as_deref()
            .or_else(|| component.props.get("$for")),
    )
}

/// A parsed `$if` condition.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cond {
    /// A literal value.
    Lit(Value),
    /// A state key, optionally followed by field names.
    Name(String),
    /// `!x`.
    Not(Box<Cond>),
    /// `a && b`.
    And(Box<Cond>, Box<Cond>),
    /// `a || b`.
    Or(Box<Cond>, Box<Cond>),
    /// A comparison.
    Cmp(Box<Cond>, CmpOp, Box<Cond>),
}

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// Parses a `$if` value: booleans and other literals stand for themselves.
pub(crate) fn parse_if(value: &Value) -> Result<Cond, String> {
    match value {
        Value::String(text) => {
            let mut parser = Parser {
                at: Cursor::new(text),
            };
            let cond = parser.or()?;
            parser.at.finish(cond)
        }
        other => Ok(Cond::Lit(other.clone())),
    }
}

/// A parsed `$for`: the state key of the items and an optional limit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ForEach {
    pub(crate) key: String,
    pub(crate) limit: Option<usize>,
}

/// Parses a `$for` value.
pub(crate) fn parse_for(value: &Value) -> Result<ForEach, String> {
    match value {
        Value::String(key) if !key.is_empty() => Ok(ForEach {
            key: key.clone(),
            limit: None,
        }),
        Value::Object(config) => {
            let key = config
                .get("each")
                .or_else(|| config.get("in"))
                .and_then(Value::as_str)
                .ok_or("`$for` needs `each`: the state key holding the items")?;
            let limit = config
                .get("limit")
                .and_then(Value::as_u64)
                .map(|n| n as usize);
            Ok(ForEach {
                key: key.to_owned(),
                limit,
            })
        }
        _ => Err("`$for` must be a state key or {\"each\": key}".to_owned()),
    }
}

/// The items a `$for` repeats over, given the state.
pub(crate) fn items(each: &ForEach, state: &State) -> Value {
    let items: Vec<Value> = match state.get(&each.key) {
        Some(Value::Array(items)) => items.clone(),
        Some(Value::Number(n)) => (0..n.as_u64().unwrap_or(0).min(10_000))
            .map(Value::from)
            .collect(),
        Some(Value::Object(map)) => map.values().cloned().collect(),
        _ => Vec::new(),
    };
    match each.limit {
        Some(limit) => Value::Array(items.into_iter().take(limit).collect()),
        None => Value::Array(items),
    }
}

/// JavaScript-like truthiness.
pub(crate) fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(_) => true,
    }
}

/// Evaluates a condition against the state.
pub(crate) fn eval(cond: &Cond, state: &State) -> bool {
    truthy(&value(cond, state))
}

fn lookup(name: &str, state: &State) -> Value {
    if let Some(value) = state.get(name) {
        return value.clone();
    }
    let mut parts = name.split('.');
    let Some(first) = parts.next() else {
        return Value::Null;
    };
    let mut current = match state.get(first) {
        Some(value) => value.clone(),
        None => return Value::Null,
    };
    for part in parts {
        current = match (&current, part.parse::<usize>()) {
            (Value::Object(map), _) => map.get(part).cloned().unwrap_or(Value::Null),
            (Value::Array(items), Ok(index)) => items.get(index).cloned().unwrap_or(Value::Null),
            (Value::Array(items), Err(_)) if part == "length" => Value::from(items.len()),
            (Value::String(text), Err(_)) if part == "length" => Value::from(text.chars().count()),
            _ => Value::Null,
        };
    }
    current
}

fn value(cond: &Cond, state: &State) -> Value {
    match cond {
        Cond::Lit(value) => value.clone(),
        Cond::Name(name) => lookup(name, state),
        Cond::Not(inner) => Value::Bool(!eval(inner, state)),
        Cond::And(a, b) => Value::Bool(eval(a, state) && eval(b, state)),
        Cond::Or(a, b) => Value::Bool(eval(a, state) || eval(b, state)),
        Cond::Cmp(a, op, b) => Value::Bool(compare(&value(a, state), *op, &value(b, state))),
    }
}

fn as_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        _ => None,
    }
}

fn compare(a: &Value, op: CmpOp, b: &Value) -> bool {
    let ordering = match (as_number(a), as_number(b)) {
        (Some(x), Some(y)) if !(a.is_string() && b.is_string()) => x.partial_cmp(&y),
        _ => match (a, b) {
            (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
            _ => None,
        },
    };
    match op {
        CmpOp::Eq => ordering.map_or(a == b, |o| o.is_eq()),
        CmpOp::Ne => ordering.map_or(a != b, |o| o.is_ne()),
        CmpOp::Lt => ordering.is_some_and(|o| o.is_lt()),
        CmpOp::Le => ordering.is_some_and(|o| o.is_le()),
        CmpOp::Gt => ordering.is_some_and(|o| o.is_gt()),
        CmpOp::Ge => ordering.is_some_and(|o| o.is_ge()),
    }
}

struct Parser {
    at: Cursor,
}

impl Parser {
    fn eat(&mut self, token: &str) -> bool {
        self.at.spaces();
        let end = self.at.pos + token.chars().count();
        if end <= self.at.chars.len()
            && self.at.chars[self.at.pos..end]
                .iter()
                .copied()
                .eq(token.chars())
        {
            self.at.pos = end;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Cond, String> {
        let mut left = self.and()?;
        while self.eat("||") {
            left = Cond::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Cond, String> {
        let mut left = self.cmp()?;
        while self.eat("&&") {
            left = Cond::And(Box::new(left), Box::new(self.cmp()?));
        }
        Ok(left)
    }

    fn cmp(&mut self) -> Result<Cond, String> {
        let left = self.unary()?;
        let ops = [
            ("==", CmpOp::Eq),
            ("!=", CmpOp::Ne),
            ("<=", CmpOp::Le),
            (">=", CmpOp::Ge),
            ("<", CmpOp::Lt),
            (">", CmpOp::Gt),
        ];
        for (token, op) in ops {
            if self.eat(token) {
                // `===` and `!==` read like `==` and `!=`.
                let _ = self.eat("=");
                return Ok(Cond::Cmp(Box::new(left), op, Box::new(self.unary()?)));
            }
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Cond, String> {
        self.at.enter("condition")?;
        let out = if self.eat("!") {
            Ok(Cond::Not(Box::new(self.unary()?)))
        } else {
            self.primary()
        };
        self.at.leave();
        out
    }

    fn primary(&mut self) -> Result<Cond, String> {
        self.at.spaces();
        let Some(&c) = self.at.chars.get(self.at.pos) else {
            return Err("unexpected end of condition".to_owned());
        };
        if c == '(' {
            self.at.pos += 1;
            let inner = self.or()?;
            if !self.eat(")") {
                return Err(format!("expected `)` at character {}", self.at.pos));
            }
            return Ok(inner);
        }
        if c == '\'' || c == '"' {
            self.at.pos += 1;
            let start = self.at.pos;
            while self.at.chars.get(self.at.pos).is_some_and(|&d| d != c) {
                self.at.pos += 1;
            }
            if self.at.pos >= self.at.chars.len() {
                return Err("unterminated string".to_owned());
            }
            let text: String = self.at.chars[start..self.at.pos].iter().collect();
            self.at.pos += 1;
            return Ok(Cond::Lit(Value::String(text)));
        }
        if c.is_ascii_digit()
            || (c == '-'
                && self
                    .at
                    .chars
                    .get(self.at.pos + 1)
                    .is_some_and(char::is_ascii_digit))
        {
            let start = self.at.pos;
            self.at.pos += 1;
            while self
                .at
                .chars
                .get(self.at.pos)
                .is_some_and(|d| d.is_ascii_digit() || *d == '.')
            {
                self.at.pos += 1;
            }
            let text: String = self.at.chars[start..self.at.pos].iter().collect();
            let number: f64 = text
                .parse()
                .map_err(|_| format!("malformed number `{text}`"))?;
            return Ok(Cond::Lit(
                serde_json::Number::from_f64(number).map_or(Value::Null, Value::Number),
            ));
        }
        if c.is_alphabetic() || c == '_' || c == '$' {
            let start = self.at.pos;
            while self
                .at
                .chars
                .get(self.at.pos)
                .is_some_and(|d| d.is_alphanumeric() || matches!(d, '_' | '-' | '.' | '$'))
            {
                self.at.pos += 1;
            }
            let name: String = self.at.chars[start..self.at.pos].iter().collect();
            let name = name.strip_prefix("state.").unwrap_or(&name).to_owned();
            return Ok(match name.as_str() {
                "true" => Cond::Lit(Value::Bool(true)),
                "false" => Cond::Lit(Value::Bool(false)),
                "null" => Cond::Lit(Value::Null),
                _ => Cond::Name(name),
            });
        }
        Err(format!("unexpected `{c}` at character {}", self.at.pos))
    }
}

/// The `$if`/`$for` of one component, parsed at launch.
#[derive(Debug, Clone)]
pub(crate) struct Directive {
    pub(crate) component: String,
    pub(crate) cond: Option<Cond>,
    pub(crate) each: Option<ForEach>,
}

/// Writes every directive's current result into `state`.
pub(crate) fn refresh(directives: &[Directive], state: &mut State) {
    for directive in directives {
        if let Some(cond) = &directive.cond {
            let shown = eval(cond, state);
            state.set(&format!("{}.$if", directive.component), Value::Bool(shown));
        }
        if let Some(each) = &directive.each {
            let items = items(each, state);
            state.set(&format!("{}.$for", directive.component), items);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(text: &str, state: &State) -> bool {
        eval(&parse_if(&json!(text)).unwrap(), state)
    }

    #[test]
    fn conditions_read_state() {
        let mut state = State::default();
        state.set("count", json!(4));
        state.set("mode", json!("edit"));
        state.set("task-input", json!(""));
        state.set("user", json!({"name": "ada", "tags": [1, 2]}));
        assert!(check("count > 3", &state));
        assert!(!check("count >= 5 || mode != 'edit'", &state));
        assert!(check("!task-input && mode == \"edit\"", &state));
        assert!(check("user.name == 'ada' && user.tags.length == 2", &state));
        assert!(check("(missing || true) && state.count === 4", &state));
        assert!(!check("missing", &state));
        assert!(parse_if(&json!("count >")).is_err());
        assert!(parse_if(&json!("(a")).is_err());
        assert!(parse_if(&json!("'x")).is_err());
        assert!(parse_if(&json!("a # b")).is_err());
        assert!(eval(&parse_if(&json!(true)).unwrap(), &state));
    }

    #[test]
    fn for_lists_items() {
        let mut state = State::default();
        state.set("todos", json!([{"t": 1}, {"t": 2}, {"t": 3}]));
        state.set("n", json!(2));
        assert_eq!(
            items(&parse_for(&json!("todos")).unwrap(), &state),
            json!([{"t": 1}, {"t": 2}, {"t": 3}])
        );
        assert_eq!(
            items(
                &parse_for(&json!({"each": "todos", "limit": 1})).unwrap(),
                &state
            ),
            json!([{"t": 1}])
        );
        assert_eq!(
            items(&parse_for(&json!("n")).unwrap(), &state),
            json!([0, 1])
        );
        assert_eq!(
            items(&parse_for(&json!("none")).unwrap(), &state),
            json!([])
        );
        assert!(parse_for(&json!(3)).is_err());
    }

    proptest::proptest! {
        #[test]
        fn conditions_never_panic(text in "[a-z0-9 !=<>&|()'.-]{0,40}") {
            if let Ok(cond) = parse_if(&Value::String(text)) {
                let _ = eval(&cond, &State::default());
            }
        }
    }
}
