//! `random.*`: int, float, choice, shuffle, dice, coin, password and uuid, drawn from a
//! cryptographically secure generator — the thread-local ChaCha generator `rand` reseeds from
//! the OS, and the OS generator itself for passwords and UUIDs.
//!
//! Like `ui.compute`, each tool writes what it drew into the app's state under `key` (alias
//! `target`), by default `display`; `random.shuffle` of a state list writes back to that list.
//! The tool's result is the value written, except `random.dice`, which returns the total with
//! the individual rolls.

use rand::{Rng, TryRngCore, rngs::OsRng, seq::SliceRandom};
use serde_json::{Map, Value, json};

use super::add;
use crate::{
    error::Result,
    registry::Registry,
    tool::{ToolCx, ToolSpec, arg_text, check_text_arg, invalid},
};

/// The state key written when the call names none.
const DISPLAY: &str = "display";
/// Most items `random.choice` and `random.shuffle` accept.
const MAX_ITEMS: usize = 10_000;
/// Most dice in one roll, and most faces on a die.
const MAX_DICE: u32 = 1_000;
const MAX_FACES: u32 = 1_000_000;
/// Shortest and longest password.
const PASSWORD_LENGTH: (u64, u64) = (4, 1024);

/// The password character classes, by name.
const CLASSES: [(&str, &str); 4] = [
    ("lower", "abcdefghijklmnopqrstuvwxyz"),
    ("upper", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    ("digits", "0123456789"),
    ("symbols", "!@#$%^&*()-_=+[]{};:,.<>?/~"),
];

pub(crate) fn register(registry: &mut Registry) {
    let items = json!({"type": "array", "maxItems": MAX_ITEMS,
        "description": "the values to draw from"});
    let from = json!({"type": "string", "maxLength": 256,
        "description": "state key holding the list (an array, or text split on commas and new lines)"});
    let tools: [(&str, &str, Value, crate::tool::ToolFn); 8] = [
        (
            "random.int",
            "A whole number from `min` to `max`, both included (default 1 to 100).",
            json!({"min": {"type": ["integer", "string"]}, "max": {"type": ["integer", "string"]}}),
            int,
        ),
        (
            "random.float",
            "A number from `min` (included) to `max` (excluded), default 0 to 1, rounded to `decimals` when given.",
            json!({"min": {"type": ["number", "string"]}, "max": {"type": ["number", "string"]},
                   "decimals": {"type": "integer", "minimum": 0, "maximum": 15}}),
            float,
        ),
        (
            "random.choice",
            "One of `items`, or of the list in state key `from`.",
            json!({"items": items, "from": from}),
            choice,
        ),
        (
            "random.shuffle",
            "`items`, or the list in state key `from`, in a uniformly random order.",
            json!({"items": items, "from": from}),
            shuffle,
        ),
        (
            "random.dice",
            "Rolls dice in `NdM+K` notation (default 1d6); the total is stored, the rolls returned too.",
            json!({"notation": {"type": "string", "minLength": 1, "maxLength": 32},
                   "rolls_key": {"type": "string", "maxLength": 256,
                                 "description": "state key for the individual rolls"}}),
            dice,
        ),
        (
            "random.coin",
            "Flips a coin: \"Heads\" or \"Tails\".",
            json!({}),
            coin,
        ),
        (
            "random.password",
            "A password of `length` characters (default 16) with at least one of each class in `classes` (lower, upper, digits, symbols; default all), from the OS generator.",
            json!({"length": {"type": ["integer", "string"], "minimum": PASSWORD_LENGTH.0, "maximum": PASSWORD_LENGTH.1},
                   "classes": {"type": "array", "maxItems": 4,
                               "items": {"type": "string", "enum": ["lower", "upper", "digits", "symbols"]}}}),
            password,
        ),
        ("random.uuid", "A random (version 4) UUID.", json!({}), uuid),
    ];
    for (name, description, extra, run) in tools {
        let mut properties = Map::new();
        properties.insert(
            "key".to_owned(),
            json!({"type": "string", "description": "state key to store the result in (default display)"}),
        );
        properties.insert(
            "target".to_owned(),
            json!({"type": "string", "description": "alias of key"}),
        );
        if let Value::Object(extra) = extra {
            properties.extend(extra);
        }
        let params = json!({"type": "object", "properties": properties});
        add(registry, ToolSpec::new(name, description, params), run);
    }
}

/// The state key to write: `key`, else `target`, else `fallback`.
fn target(tool: &str, args: &Map<String, Value>, fallback: &str) -> Result<String> {
    for param in ["key", "target"] {
        check_text_arg(tool, args, param)?;
    }
    Ok(arg_text(args, "key")
        .or_else(|| arg_text(args, "target"))
        .map_or_else(|| fallback.to_owned(), |key| key.into_owned()))
}

/// An optional whole-number argument: a JSON integer, or a string holding one (what a text
/// input passed as `"{key}"` holds).
fn opt_i64(tool: &str, args: &Map<String, Value>, name: &str) -> Result<Option<i64>> {
    let parsed = match args.get(name) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(text)) => text.trim().parse::<i64>().ok(),
        Some(value) => value.as_i64(),
    };
    match (parsed, args.get(name)) {
        (Some(n), _) => Ok(Some(n)),
        (None, found) => Err(invalid(
            tool,
            name,
            format!(
                "must be a whole number, found {}",
                found.unwrap_or(&Value::Null)
            ),
        )),
    }
}

/// An optional finite number argument: a JSON number, or a string holding one.
fn opt_f64(tool: &str, args: &Map<String, Value>, name: &str) -> Result<Option<f64>> {
    let parsed = match args.get(name) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(text)) => text.trim().parse::<f64>().ok(),
        Some(value) => value.as_f64(),
    };
    match (parsed.filter(|x| x.is_finite()), args.get(name)) {
        (Some(x), _) => Ok(Some(x)),
        (None, found) => Err(invalid(
            tool,
            name,
            format!(
                "must be a finite number, found {}",
                found.unwrap_or(&Value::Null)
            ),
        )),
    }
}

fn int(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    const TOOL: &str = "random.int";
    let key = target(TOOL, args, DISPLAY)?;
    let min = opt_i64(TOOL, args, "min")?.unwrap_or(1);
    let max = opt_i64(TOOL, args, "max")?.unwrap_or(100);
    if min > max {
        return Err(invalid(
            TOOL,
            "max",
            format!("must be at least min ({min}), found {max}"),
        ));
    }
    let drawn = rand::rng().random_range(min..=max);
    cx.state.set(&key, json!(drawn));
    Ok(json!(drawn))
}

fn float(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    const TOOL: &str = "random.float";
    let key = target(TOOL, args, DISPLAY)?;
    let min = opt_f64(TOOL, args, "min")?.unwrap_or(0.0);
    let max = opt_f64(TOOL, args, "max")?.unwrap_or(1.0);
    if min >= max || !(max - min).is_finite() {
        return Err(invalid(
            TOOL,
            "max",
            format!("must be greater than min ({min}) and within range of it, found {max}"),
        ));
    }
    let mut drawn = rand::rng().random_range(min..max);
    if let Some(decimals) = opt_i64(TOOL, args, "decimals")? {
        let decimals = i32::try_from(decimals.clamp(0, 15)).unwrap_or(15);
        let scale = 10f64.powi(decimals);
        // Rounding may land on `max`; step back into the half-open range.
        drawn = (drawn * scale).round() / scale;
        if drawn >= max {
            drawn = ((max * scale).ceil() - 1.0) / scale;
        }
        drawn = drawn.max(min);
    }
    cx.state.set(&key, json!(drawn));
    Ok(json!(drawn))
}

/// The list a choice or shuffle draws from: `items`, else the state list under `from`.
fn source(tool: &str, cx: &ToolCx<'_>, args: &Map<String, Value>) -> Result<Vec<Value>> {
    let items = match (args.get("items"), args.get("from")) {
        (Some(Value::Array(items)), _) => items.clone(),
        (Some(other), _) if !other.is_null() => {
            return Err(invalid(
                tool,
                "items",
                format!("must be a list, found {other}"),
            ));
        }
        (_, Some(Value::String(from))) => match cx.state.get(from) {
            Some(Value::Array(items)) => items.clone(),
            Some(Value::String(text)) => text
                .split([',', '\n'])
                .map(str::trim)
                .filter(|item| !item.is_empty())
                .map(|item| Value::String(item.to_owned()))
                .collect(),
            Some(other) => {
                return Err(invalid(
                    tool,
                    "from",
                    format!("state `{from}` holds {other}, not a list"),
                ));
            }
            None => {
                return Err(invalid(tool, "from", format!("state `{from}` is not set")));
            }
        },
        _ => return Err(invalid(tool, "items", "is required (or `from`)")),
    };
    if items.len() > MAX_ITEMS {
        return Err(invalid(
            tool,
            "from",
            format!("holds {} items, more than {MAX_ITEMS}", items.len()),
        ));
    }
    Ok(items)
}

fn choice(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    const TOOL: &str = "random.choice";
    let key = target(TOOL, args, DISPLAY)?;
    let items = source(TOOL, cx, args)?;
    let param = if args.get("items").is_some_and(|v| !v.is_null()) {
        "items"
    } else {
        "from"
    };
    if items.is_empty() {
        return Err(invalid(TOOL, param, "has nothing to choose from"));
    }
    let index = rand::rng().random_range(0..items.len());
    let picked = items[index].clone();
    cx.state.set(&key, picked.clone());
    Ok(picked)
}

fn shuffle(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    const TOOL: &str = "random.shuffle";
    let fallback = match (args.get("items"), args.get("from")) {
        (None | Some(Value::Null), Some(Value::String(from))) => from.clone(),
        _ => DISPLAY.to_owned(),
    };
    let key = target(TOOL, args, &fallback)?;
    let mut items = source(TOOL, cx, args)?;
    items.shuffle(&mut rand::rng());
    let shuffled = Value::Array(items);
    cx.state.set(&key, shuffled.clone());
    Ok(shuffled)
}

/// A parsed `NdM+K`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Dice {
    count: u32,
    faces: u32,
    modifier: i64,
}

/// Parses `NdM`, `dM`, `NdM+K` or `NdM-K` (spaces and case ignored).
fn parse_dice(text: &str) -> std::result::Result<Dice, String> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let (count, rest) = compact
        .split_once('d')
        .ok_or_else(|| format!("must look like 2d6 or 1d20+3, found {text:?}"))?;
    let (faces, modifier) = match rest.find(['+', '-']) {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, ""),
    };
    let number = |part: &str, what: &str| {
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse::<u32>().ok())
            .flatten()
            .ok_or_else(|| format!("has a bad {what} {part:?} in {text:?}"))
    };
    let count = if count.is_empty() {
        1
    } else {
        number(count, "dice count")?
    };
    let faces = number(faces, "face count")?;
    let modifier = if modifier.is_empty() {
        0
    } else {
        let magnitude = number(&modifier[1..], "modifier")?;
        if modifier.starts_with('-') {
            -i64::from(magnitude)
        } else {
            i64::from(magnitude)
        }
    };
    if !(1..=MAX_DICE).contains(&count) {
        return Err(format!("must roll 1 to {MAX_DICE} dice, found {count}"));
    }
    if !(2..=MAX_FACES).contains(&faces) {
        return Err(format!(
            "must have dice of 2 to {MAX_FACES} faces, found {faces}"
        ));
    }
    Ok(Dice {
        count,
        faces,
        modifier,
    })
}

fn dice(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    const TOOL: &str = "random.dice";
    let key = target(TOOL, args, DISPLAY)?;
    check_text_arg(TOOL, args, "notation")?;
    let notation = arg_text(args, "notation").map_or_else(|| "1d6".to_owned(), |n| n.into_owned());
    let parsed = parse_dice(&notation).map_err(|reason| invalid(TOOL, "notation", reason))?;
    let mut rng = rand::rng();
    let rolls: Vec<u32> = (0..parsed.count)
        .map(|_| rng.random_range(1..=parsed.faces))
        .collect();
    let total = rolls.iter().map(|roll| i64::from(*roll)).sum::<i64>() + parsed.modifier;
    cx.state.set(&key, json!(total));
    if let Some(rolls_key) = arg_text(args, "rolls_key") {
        cx.state.set(&rolls_key, json!(rolls));
    }
    Ok(json!({
        "notation": notation,
        "total": total,
        "rolls": rolls,
        "modifier": parsed.modifier,
    }))
}

fn coin(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let key = target("random.coin", args, DISPLAY)?;
    let side = if rand::rng().random_bool(0.5) {
        "Heads"
    } else {
        "Tails"
    };
    cx.state.set(&key, json!(side));
    Ok(json!(side))
}

fn password(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    const TOOL: &str = "random.password";
    let key = target(TOOL, args, DISPLAY)?;
    let length = opt_i64(TOOL, args, "length")?.unwrap_or(16);
    let length = u64::try_from(length)
        .ok()
        .filter(|n| (PASSWORD_LENGTH.0..=PASSWORD_LENGTH.1).contains(n))
        .ok_or_else(|| {
            invalid(
                TOOL,
                "length",
                format!(
                    "must be {} to {}, found {length}",
                    PASSWORD_LENGTH.0, PASSWORD_LENGTH.1
                ),
            )
        })? as usize;
    let classes: Vec<&str> = match args.get("classes") {
        None | Some(Value::Null) => CLASSES.iter().map(|(_, chars)| *chars).collect(),
        Some(Value::Array(names)) => {
            let mut chosen = Vec::new();
            for name in names {
                let chars = CLASSES
                    .iter()
                    .find(|(class, _)| Some(*class) == name.as_str())
                    .map(|(_, chars)| *chars)
                    .ok_or_else(|| {
                        invalid(
                            TOOL,
                            "classes",
                            format!("has {name}; use lower, upper, digits or symbols"),
                        )
                    })?;
                if !chosen.contains(&chars) {
                    chosen.push(chars);
                }
            }
            chosen
        }
        Some(other) => {
            return Err(invalid(
                TOOL,
                "classes",
                format!("must be a list, found {other}"),
            ));
        }
    };
    if classes.is_empty() {
        return Err(invalid(TOOL, "classes", "must name at least one class"));
    }
    let mut rng = OsRng.unwrap_err();
    // One character of each class, the rest from all of them, then shuffled.
    let alphabet: String = classes.concat();
    let mut chars: Vec<char> = classes.iter().map(|class| pick(&mut rng, class)).collect();
    while chars.len() < length {
        chars.push(pick(&mut rng, &alphabet));
    }
    chars.shuffle(&mut rng);
    let password: String = chars.into_iter().collect();
    cx.state.set(&key, json!(password));
    Ok(json!(password))
}

/// One character of `chars` (ASCII), uniformly.
fn pick(rng: &mut impl Rng, chars: &str) -> char {
    let bytes = chars.as_bytes();
    char::from(bytes[rng.random_range(0..bytes.len())])
}

fn uuid(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let key = target("random.uuid", args, DISPLAY)?;
    let mut bytes = [0u8; 16];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|err| crate::Error::Unavailable {
            tool: "random.uuid".to_owned(),
            reason: format!("the OS random generator failed: {err}"),
        })?;
    let id = uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string();
    cx.state.set(&key, json!(id));
    Ok(json!(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dice_notation_parses_and_rejects() {
        assert_eq!(
            parse_dice("2d6"),
            Ok(Dice {
                count: 2,
                faces: 6,
                modifier: 0
            })
        );
        assert_eq!(
            parse_dice(" D20 + 3 "),
            Ok(Dice {
                count: 1,
                faces: 20,
                modifier: 3
            })
        );
        assert_eq!(parse_dice("3d8-2").map(|d| d.modifier), Ok(-2));
        for bad in [
            "",
            "6",
            "d",
            "2d",
            "0d6",
            "2d1",
            "2d6+",
            "2d6+x",
            "xd6",
            "2d6d6",
            "1001d6",
            "1d1000001",
            "-1d6",
            "2d6++1",
        ] {
            assert!(parse_dice(bad).is_err(), "{bad:?}");
        }
    }
}
