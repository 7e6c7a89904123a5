//! Slot filling: values a request carries into a template — its title ("for the party",
//! "called Groceries"), a duration ("25 minutes" → `25:00`), an amount ("$80"), a percentage
//! ("15%") and a head count ("4 people").

use agentos_blueprint::{Blueprint, Component};
use serde_json::Value;

use crate::template::Slot;

/// Longest title taken from a request, in characters.
const MAX_TITLE_CHARS: usize = 60;

/// Everything slot filling found in one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Slots {
    /// A title phrase: "for the party" or the name after "called"/"named"/"titled".
    pub title: Option<TitleSlot>,
    /// A total duration in seconds.
    pub duration_secs: Option<u64>,
    /// A money amount.
    pub amount: Option<f64>,
    /// A percentage, as a number (15 for 15%).
    pub percent: Option<f64>,
    /// A number of people.
    pub people: Option<u64>,
}

/// How the request named the app.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TitleSlot {
    /// "called Groceries": the whole title.
    Name(String),
    /// "for the party": appended to the template's name.
    Purpose(String),
}

impl Slots {
    /// Extracts every slot from `request`.
    pub fn extract(request: &str) -> Slots {
        let tokens = tokens(request);
        let mut slots = Slots::default();
        let mut used = vec![false; tokens.len()];
        numbers(&tokens, &mut used, &mut slots);
        slots.title = title(request);
        slots
    }
}

/// Writes `slots` into `blueprint`: the title everywhere it shows, and each value the template
/// declares into its component's initial value.
pub(crate) fn apply(blueprint: &mut Blueprint, declared: &[Slot], slots: &Slots) {
    if let Some(title) = &slots.title {
        let title = match title {
            TitleSlot::Name(name) => name.clone(),
            TitleSlot::Purpose(purpose) => format!("{} for {purpose}", blueprint.app.name),
        };
        blueprint.app.name = title.clone();
        blueprint.ui.title = title.clone();
        set_initial(&mut blueprint.ui.components, "title", Value::String(title));
    }
    for slot in declared {
        let (component, value) = match *slot {
            Slot::Duration { component } => (component, slots.duration_secs.map(format_duration)),
            Slot::Amount { component } => (component, slots.amount.map(format_number)),
            Slot::Percent { component } => (component, slots.percent.map(format_number)),
            Slot::People { component } => (component, slots.people.map(|n| n.to_string())),
        };
        if let Some(value) = value {
            set_initial(
                &mut blueprint.ui.components,
                component,
                Value::String(value),
            );
        }
    }
}

/// `25:00` for 1500 s, `1:30:00` for 5400 s.
pub fn format_duration(secs: u64) -> String {
    let (hours, minutes, seconds) = (secs / 3600, secs / 60 % 60, secs % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes:02}:{seconds:02}")
    }
}

fn format_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// Sets the initial value of component `id`: `content` for text, `value` for everything else.
fn set_initial(components: &mut [Component], id: &str, value: Value) -> bool {
    for component in components {
        if component.id == id {
            let prop = if component.kind == "text" {
                "content"
            } else {
                "value"
            };
            component.props.insert(prop.to_owned(), value);
            return true;
        }
        if set_initial(&mut component.children, id, value.clone()) {
            return true;
        }
    }
    false
}

/// Lowercased words and numbers, with currency and percent signs split off as their own tokens.
fn tokens(request: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in request.to_lowercase().chars() {
        let is_number_part = c.is_ascii_digit()
            || (c == '.' && current.chars().next().is_some_and(|f| f.is_ascii_digit()));
        let starts_number = c.is_ascii_digit()
            && !current.is_empty()
            && !current.chars().all(|d| d.is_ascii_digit() || d == '.');
        let ends_number = !is_number_part
            && c.is_alphanumeric()
            && current.chars().next().is_some_and(|f| f.is_ascii_digit());
        if starts_number || ends_number {
            out.push(std::mem::take(&mut current));
        }
        if c.is_alphanumeric() || is_number_part {
            current.push(c);
        } else {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            if matches!(c, '$' | '€' | '£' | '¥' | '%') {
                out.push(c.to_string());
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    for token in &mut out {
        if token.ends_with('.') {
            token.pop();
        }
    }
    out
}

fn word_number(word: &str) -> Option<f64> {
    const WORDS: [&str; 21] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
    ];
    if let Some(n) = WORDS.iter().position(|w| *w == word) {
        return Some(n as f64);
    }
    match word {
        "thirty" => Some(30.0),
        "forty" => Some(40.0),
        "fifty" => Some(50.0),
        "sixty" => Some(60.0),
        "ninety" => Some(90.0),
        "a" | "an" => Some(1.0),
        _ => None,
    }
}

fn unit_seconds(word: &str) -> Option<f64> {
    match word {
        "h" | "hr" | "hrs" | "hour" | "hours" => Some(3600.0),
        "m" | "min" | "mins" | "minute" | "minutes" => Some(60.0),
        "s" | "sec" | "secs" | "second" | "seconds" => Some(1.0),
        _ => None,
    }
}

fn is_currency_word(word: &str) -> bool {
    matches!(
        word,
        "dollar"
            | "dollars"
            | "usd"
            | "bucks"
            | "euro"
            | "euros"
            | "eur"
            | "pound"
            | "pounds"
            | "gbp"
            | "yen"
            | "jpy"
            | "francs"
            | "chf"
    )
}

/// Reads the numbers of a request and files each under the slot its neighbours suggest.
fn numbers(tokens: &[String], used: &mut [bool], slots: &mut Slots) {
    let mut duration = 0.0;
    let mut bare: Option<f64> = None;
    let mut consumed_until = 0;
    for index in 0..tokens.len() {
        if index < consumed_until {
            continue;
        }
        let token = tokens[index].as_str();
        let numeric = token
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite() && *n >= 0.0);
        let value = numeric.or_else(|| word_number(token).filter(|_| index + 1 < tokens.len()));
        let Some(mut value) = value else { continue };
        let mut next = index + 1;
        if (token == "a" || token == "an") && tokens.get(next).map(String::as_str) == Some("half") {
            continue;
        }
        if tokens.get(index.wrapping_sub(1)).map(String::as_str) == Some("half")
            && (token == "an" || token == "a")
        {
            value = 0.5;
        }
        // "forty five minutes": add a following unit word number.
        if numeric.is_none()
            && let Some(ones) = tokens
                .get(next)
                .and_then(|t| word_number(t))
                .filter(|n| *n < 10.0 && value >= 20.0)
        {
            value += ones;
            next += 1;
            consumed_until = next;
        }
        let following = tokens.get(next).map(String::as_str).unwrap_or("");
        let preceding = if index > 0 {
            tokens[index - 1].as_str()
        } else {
            ""
        };
        if let Some(unit) = unit_seconds(following) {
            duration += value * unit;
            used[index] = true;
        } else if token == "a" || token == "an" {
            // "a" and "an" count only as "a minute", "an hour".
        } else if following == "%" || following == "percent" || following == "pct" {
            slots.percent.get_or_insert(value);
        } else if matches!(preceding, "$" | "€" | "£" | "¥")
            || matches!(following, "$" | "€" | "£")
            || is_currency_word(following)
        {
            slots.amount.get_or_insert(value);
        } else if matches!(
            following,
            "people" | "persons" | "person" | "ways" | "friends" | "guests"
        ) && value.fract() == 0.0
        {
            slots.people.get_or_insert(value as u64);
        } else if numeric.is_some() && bare.is_none() {
            bare = Some(value);
        }
    }
    if duration > 0.0 {
        slots.duration_secs = Some(duration.round() as u64);
    }
    if slots.amount.is_none() && slots.duration_secs.is_none() {
        slots.amount = bare;
    }
}

/// "called X" / "named X" / "titled X" give the whole title; "for X" a purpose, unless X is
/// only a duration, an amount or a head count.
fn title(request: &str) -> Option<TitleSlot> {
    let lower = request.to_lowercase();
    // Lowercasing may change byte lengths outside ASCII; then slice the lowercased text.
    let source = if lower.len() == request.len() {
        request
    } else {
        lower.as_str()
    };
    for marker in [" called ", " named ", " titled "] {
        if let Some(at) = lower.find(marker) {
            // `get` guards the rare text whose lowercase has the same length but other
            // character boundaries.
            let name = clean(source.get(at + marker.len()..).unwrap_or_default());
            if !name.is_empty() {
                return Some(TitleSlot::Name(name));
            }
        }
    }
    let at = lower.find(" for ")?;
    let purpose = clean(source.get(at + " for ".len()..).unwrap_or_default());
    let purpose_tokens = tokens(&purpose);
    let mut probe = Slots::default();
    let mut used = vec![false; purpose_tokens.len()];
    numbers(&purpose_tokens, &mut used, &mut probe);
    let is_quantity = purpose_tokens
        .iter()
        .any(|t| t.parse::<f64>().is_ok() || word_number(t).is_some() && t != "a" && t != "an")
        && (probe.duration_secs.is_some()
            || probe.amount.is_some()
            || probe.people.is_some()
            || probe.percent.is_some());
    if purpose.is_empty() || is_quantity {
        return None;
    }
    Some(TitleSlot::Purpose(purpose))
}

/// Trims a title phrase: stops at a comma or sentence end, drops quotes, caps the length.
fn clean(text: &str) -> String {
    let end = text
        .find([',', ';', '.', '!', '?', '\n'])
        .unwrap_or(text.len());
    let phrase = text[..end]
        .trim()
        .trim_matches(|c| c == '"' || c == '\'' || c == '“' || c == '”')
        .trim();
    phrase.chars().take(MAX_TITLE_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_many_spellings() {
        let secs = |text: &str| Slots::extract(text).duration_secs;
        assert_eq!(secs("a timer for 25 minutes"), Some(1500));
        assert_eq!(secs("timer 1 hour 30 min"), Some(5400));
        assert_eq!(secs("countdown for 90s"), Some(90));
        assert_eq!(secs("set a 10-minute timer"), Some(600));
        assert_eq!(secs("timer for half an hour"), Some(1800));
        assert_eq!(secs("a timer for an hour"), Some(3600));
        assert_eq!(secs("five minute timer"), Some(300));
        assert_eq!(secs("forty five minutes of focus"), Some(2700));
        assert_eq!(secs("a timer"), None);
        assert_eq!(format_duration(1500), "25:00");
        assert_eq!(format_duration(5400), "1:30:00");
        assert_eq!(format_duration(90), "01:30");
    }

    #[test]
    fn amounts_percentages_and_people() {
        let slots = Slots::extract("split a $120.50 bill between 4 people with a 15% tip");
        assert_eq!(slots.amount, Some(120.5));
        assert_eq!(slots.people, Some(4));
        assert_eq!(slots.percent, Some(15.0));
        assert_eq!(
            Slots::extract("loan of 25000 dollars at 4.5 percent").amount,
            Some(25000.0)
        );
        assert_eq!(
            Slots::extract("loan of 25000 dollars at 4.5 percent").percent,
            Some(4.5)
        );
        assert_eq!(Slots::extract("convert 80 euros").amount, Some(80.0));
        assert_eq!(Slots::extract("tip on a 64 bill").amount, Some(64.0));
        assert_eq!(Slots::extract("tip calculator").amount, None);
    }

    #[test]
    fn lowercasing_that_moves_character_boundaries_never_panics() {
        // "İ" grows by one byte when lowercased and "ẞ" shrinks by one: same length, other boundaries.
        let _ = Slots::extract("İ notes called ẞx for the party");
        let _ = Slots::extract("ẞ for İ");
    }

    #[test]
    fn titles_from_purpose_or_name() {
        assert_eq!(
            Slots::extract("a shopping list for the party").title,
            Some(TitleSlot::Purpose("the party".into()))
        );
        assert_eq!(
            Slots::extract("notes called Ideas, please").title,
            Some(TitleSlot::Name("Ideas".into()))
        );
        assert_eq!(Slots::extract("a timer for 25 minutes").title, None);
        assert_eq!(Slots::extract("tip calculator for $80").title, None);
        assert_eq!(Slots::extract("split for 4 people").title, None);
    }

    #[test]
    fn apply_writes_title_and_values() {
        let library = crate::TemplateLibrary::builtin();
        let timer = library.get("timer").unwrap();
        let blueprint = crate::TemplateLibrary::instantiate(timer, "timer for 25 minutes");
        let display = blueprint
            .ui
            .all_components()
            .find(|c| c.id == "display")
            .unwrap();
        assert_eq!(display.props["content"], "25:00");
        let shopping = library.get("shopping-list").unwrap();
        let blueprint =
            crate::TemplateLibrary::instantiate(shopping, "a shopping list for the party");
        assert_eq!(blueprint.ui.title, "Shopping List for the party");
        assert_eq!(blueprint.app.name, "Shopping List for the party");
        let title = blueprint
            .ui
            .all_components()
            .find(|c| c.id == "title")
            .unwrap();
        assert_eq!(title.props["content"], "Shopping List for the party");
        let list = blueprint
            .ui
            .all_components()
            .find(|c| c.id == "list")
            .unwrap();
        assert!(
            list.props.get("value").is_none(),
            "a new list starts empty: {:?}",
            list.props
        );
    }

    proptest::proptest! {
        #[test]
        fn extraction_never_panics(request in "\\PC{0,120}") {
            let _ = Slots::extract(&request);
        }
    }
}
