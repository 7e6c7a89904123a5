//! Component state of one app, with change tracking so a dispatch can return just what changed.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

/// The state of one app: component id (or any other key) to value. Writes are tracked until
/// [`State::take_changes`] collects them.
#[derive(Debug, Clone, Default)]
pub struct State {
    values: HashMap<String, Value>,
    changed: Vec<String>,
}

impl State {
    /// The value under `key`, if any.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.values.get(key)
    }

    /// Stores `value` under `key`; the key is reported in the next patch if the value changed.
    pub fn set(&mut self, key: &str, value: Value) {
        match self.values.get_mut(key) {
            Some(old) if *old == value => {}
            Some(old) => {
                *old = value;
                self.mark(key);
            }
            None => {
                self.values.insert(key.to_owned(), value);
                self.mark(key);
            }
        }
    }

    /// The value under `key` as display text: strings as they are, numbers and booleans printed,
    /// missing or null values as `default`.
    pub fn text(&self, key: &str, default: &str) -> String {
        match self.values.get(key) {
            None | Some(Value::Null) => default.to_owned(),
            Some(value) => value_text(value),
        }
    }

    /// A copy of every key and value, sorted by key.
    pub fn snapshot(&self) -> BTreeMap<String, Value> {
        self.values
            .iter()
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect()
    }

    /// Replaces every value with `values`: keys not in `values` are removed, and every key
    /// that differs (or was removed, reported as `null`) goes into the next patch.
    pub fn replace(&mut self, values: std::collections::BTreeMap<String, Value>) {
        let removed: Vec<String> = self
            .values
            .keys()
            .filter(|key| !values.contains_key(*key))
            .cloned()
            .collect();
        for key in removed {
            self.values.remove(&key);
            self.mark(&key);
        }
        for (key, value) in values {
            self.set(&key, value);
        }
    }

    /// Removes `key`; it is reported as `null` in the next patch.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let old = self.values.remove(key);
        if old.is_some() {
            self.mark(key);
        }
        old
    }

    /// The keys written since the last call, with their current values.
    pub fn take_changes(&mut self) -> BTreeMap<String, Value> {
        let changed = std::mem::take(&mut self.changed);
        changed
            .into_iter()
            .map(|key| {
                let value = self.values.get(&key).cloned().unwrap_or(Value::Null);
                (key, value)
            })
            .collect()
    }

    fn mark(&mut self, key: &str) {
        if !self.changed.iter().any(|changed| changed == key) {
            self.changed.push(key.to_owned());
        }
    }
}

/// Display text of a JSON value: strings unquoted, everything else as JSON.
pub(crate) fn value_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_real_changes_are_reported() {
        let mut state = State::default();
        state.set("a", json!(1));
        state.set("b", json!("x"));
        state.set("a", json!(2));
        let changes = state.take_changes();
        assert_eq!(changes.len(), 2);
        assert_eq!(changes["a"], json!(2));
        state.set("a", json!(2));
        assert!(state.take_changes().is_empty());
    }

    #[test]
    fn text_renders_values() {
        let mut state = State::default();
        state.set("n", json!(12));
        state.set("s", json!("7"));
        assert_eq!(state.text("n", "0"), "12");
        assert_eq!(state.text("s", "0"), "7");
        assert_eq!(state.text("missing", "0"), "0");
    }
}
