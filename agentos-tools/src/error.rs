//! The crate's one error type; every variant names the app, component, tool or parameter.

use crate::runtime::AppId;

/// Result alias for tool and runtime operations.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong running tools and apps.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No running app has this id.
    #[error("no such app: {0}")]
    UnknownApp(AppId),
    /// The app has no component with this id.
    #[error("app {app}: no component with id `{component}`")]
    UnknownComponent {
        /// The app that was addressed.
        app: AppId,
        /// The component id that was not found.
        component: String,
    },
    /// The component has no binding for this event.
    #[error("app {app}: component `{component}` has no binding for event `{event}`")]
    UnboundEvent {
        /// The app that was addressed.
        app: AppId,
        /// The component that received the event.
        component: String,
        /// The event name.
        event: String,
    },
    /// No tool is registered under this id.
    #[error("unknown tool `{0}`")]
    UnknownTool(String),
    /// A tool parameter is missing or has the wrong shape.
    #[error("tool `{tool}`: parameter `{param}` {reason}")]
    InvalidParam {
        /// The tool that was called.
        tool: String,
        /// The offending parameter.
        param: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An arithmetic expression could not be evaluated.
    #[error("cannot evaluate `{expression}` at character {position}: {reason}")]
    Expression {
        /// The expression as given.
        expression: String,
        /// 0-based character offset of the problem.
        position: usize,
        /// What is wrong, e.g. `division by zero`.
        reason: &'static str,
    },
    /// The Blueprint could not be launched.
    #[error("invalid blueprint: {0}")]
    Blueprint(#[from] agentos_blueprint::Error),
    /// A kernel call made on the app's behalf failed.
    #[error(transparent)]
    Kernel(#[from] agentos_kernel::Error),
}
