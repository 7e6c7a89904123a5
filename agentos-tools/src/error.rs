//! The crate's one error type; every variant names the app, component, tool or parameter.

use agentos_kernel::{CapabilityKind, Pid};

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
    /// The calling app's PID lacks a capability the tool's spec requires.
    #[error("tool `{tool}`: pid {pid} lacks capability {capability}")]
    CapabilityDenied {
        /// The tool that was called.
        tool: String,
        /// The calling app's process.
        pid: Pid,
        /// The capability that is not held.
        capability: CapabilityKind,
    },
    /// An I/O tool ran past its deadline.
    #[error("tool `{tool}`: timed out")]
    Timeout {
        /// The tool that was called.
        tool: String,
    },
    /// The tool needs a service its context does not offer.
    #[error("tool `{tool}`: unavailable: {reason}")]
    Unavailable {
        /// The tool that was called.
        tool: String,
        /// Why it cannot run.
        reason: String,
    },
    /// A named thing (package, session, timer, user, window) does not exist.
    #[error("no such {what}: `{id}`")]
    NotFound {
        /// What kind of thing was looked up, e.g. `package`.
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// A tool was called correctly but could not produce a result (e.g. a singular matrix).
    #[error("tool `{tool}`: {reason}")]
    Failed {
        /// The tool that was called.
        tool: String,
        /// What went wrong.
        reason: String,
    },
    /// A persisted file could not be read back.
    #[error("corrupt file {path}: {reason}")]
    Corrupt {
        /// The VFS path of the file.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The Blueprint asks for something the runtime will not grant.
    #[error("app `{app}`: {reason}")]
    Launch {
        /// The Blueprint's `app.id`.
        app: String,
        /// What was refused.
        reason: String,
    },
    /// An HTTP request failed.
    #[error("http {url}: {reason}")]
    Http {
        /// The requested URL.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// A symbolic math operation reached one of its deterministic work limits.
    #[error("tool `{tool}`: {operation} stopped at its {limit} limit of {max}")]
    Budget {
        /// The tool that was called.
        tool: String,
        /// The symbolic operation, e.g. `expand` or `derivative`.
        operation: &'static str,
        /// Which limit was reached.
        limit: BudgetLimit,
        /// The limit's value.
        max: u64,
    },
}

/// The work limits of the symbolic math operations ([`Error::Budget`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BudgetLimit {
    /// Elementary steps: nodes visited or built, coefficient products, function samples.
    Steps,
    /// Nodes in one expression built along the way.
    Nodes,
    /// Nesting depth of an expression.
    Depth,
    /// Degree of a polynomial.
    Degree,
}

impl std::fmt::Display for BudgetLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BudgetLimit::Steps => "step",
            BudgetLimit::Nodes => "node",
            BudgetLimit::Depth => "depth",
            BudgetLimit::Degree => "degree",
        })
    }
}
