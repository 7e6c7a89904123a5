//! What every route shares: the app runtime and the generator.

use agentos_ai::Generator;
use agentos_kernel::Kernel;
use agentos_tools::{Registry, Runtime};

/// Shared server state. Cheap to clone.
#[derive(Clone)]
pub struct ServerState {
    /// Runs launched apps.
    pub runtime: Runtime,
    /// Turns requests into Blueprints.
    pub generator: Generator,
}

impl ServerState {
    /// A fresh kernel, the built-in tools and the offline generator.
    pub fn offline() -> ServerState {
        ServerState {
            runtime: Runtime::new(Kernel::new(), Registry::builtin()),
            generator: Generator::offline(),
        }
    }
}
