//! The character cursor the hand-written recursive-descent parsers (`$if` conditions and the
//! symbolic math expressions) share: position, whitespace, a nesting guard, and the check
//! that nothing is left after the grammar's start rule.

/// Deepest nesting a parser accepts before it refuses the text.
const MAX_DEPTH: usize = 64;

/// Text as characters and a position in it.
pub(crate) struct Cursor {
    /// The text, one entry per character (positions in errors count characters).
    pub(crate) chars: Vec<char>,
    /// The next character to read.
    pub(crate) pos: usize,
    depth: usize,
}

impl Cursor {
    /// A cursor at the start of `text`.
    pub(crate) fn new(text: &str) -> Cursor {
        Cursor {
            chars: text.chars().collect(),
            pos: 0,
            depth: 0,
        }
    }

    /// Skips whitespace.
    pub(crate) fn spaces(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    /// The next character after whitespace, not consumed.
    pub(crate) fn peek(&mut self) -> Option<char> {
        self.spaces();
        self.chars.get(self.pos).copied()
    }

    /// Enters one level of nesting; `Err` naming `what` past the limit. Pair with [`leave`].
    ///
    /// [`leave`]: Cursor::leave
    pub(crate) fn enter(&mut self, what: &str) -> Result<(), String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(format!("{what} nested too deeply"));
        }
        Ok(())
    }

    /// Leaves the level [`Cursor::enter`] entered.
    pub(crate) fn leave(&mut self) {
        self.depth -= 1;
    }

    /// `parsed` when only whitespace is left; otherwise an error naming the first character
    /// left over and its position.
    pub(crate) fn finish<T>(mut self, parsed: T) -> Result<T, String> {
        self.spaces();
        match self.chars.get(self.pos) {
            None => Ok(parsed),
            Some(c) => Err(format!("unexpected `{c}` at character {}", self.pos)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finish_names_what_is_left_and_where() {
        let mut cursor = Cursor::new(" a b");
        assert_eq!(cursor.peek(), Some('a'));
        cursor.pos += 1;
        assert_eq!(
            cursor.finish(()),
            Err("unexpected `b` at character 3".to_owned())
        );
        assert_eq!(Cursor::new("  ").finish(7), Ok(7));
    }

    #[test]
    fn nesting_past_the_limit_is_an_error_naming_the_thing() {
        let mut cursor = Cursor::new("");
        for _ in 0..MAX_DEPTH {
            cursor.enter("condition").unwrap();
        }
        assert_eq!(
            cursor.enter("condition"),
            Err("condition nested too deeply".to_owned())
        );
    }
}
