//! The tool registry: namespaced tool ids of any depth mapped to their implementations.

use std::{collections::HashMap, sync::Arc};

use serde_json::{Map, Value};

use crate::{
    error::{Error, Result},
    tool::{Tool, ToolCx, ToolSpec},
};

/// The set of tools an app runtime can call, by id.
#[derive(Clone, Default)]
pub struct Registry {
    tools: HashMap<String, Arc<dyn Tool>>,
}

impl Registry {
    /// A registry with no tools.
    pub fn empty() -> Registry {
        Registry::default()
    }

    /// A registry with every built-in tool.
    pub fn builtin() -> Registry {
        let mut registry = Registry::empty();
        crate::ui::register(&mut registry);
        crate::list::register(&mut registry);
        registry
    }

    /// Adds `tool` under its spec's name, replacing any tool of the same name.
    pub fn register(&mut self, tool: impl Tool + 'static) {
        self.tools.insert(tool.spec().name.clone(), Arc::new(tool));
    }

    /// The tool registered as `name`.
    pub fn get(&self, name: &str) -> Option<&Arc<dyn Tool>> {
        self.tools.get(name)
    }

    /// True when a tool is registered as `name`.
    pub fn contains(&self, name: &str) -> bool {
        self.tools.contains_key(name)
    }

    /// Every tool's spec, sorted by name.
    pub fn specs(&self) -> Vec<&ToolSpec> {
        let mut specs: Vec<&ToolSpec> = self.tools.values().map(|tool| tool.spec()).collect();
        specs.sort_by(|a, b| a.name.cmp(&b.name));
        specs
    }

    /// Calls the tool `name` with `args`.
    ///
    /// # Errors
    /// [`Error::UnknownTool`] when no tool has that name, otherwise the tool's own error.
    pub fn call(
        &self,
        name: &str,
        cx: &mut ToolCx<'_>,
        args: &Map<String, Value>,
    ) -> Result<Value> {
        let tool = self
            .tools
            .get(name)
            .ok_or_else(|| Error::UnknownTool(name.to_owned()))?;
        tool.call(cx, args)
    }
}
