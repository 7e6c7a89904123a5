//! Generates the calculator offline, clicks 1 2 × 3 = and prints the display.
//!
//! Run with: `cargo run -p example-generate-and-click`

use agentos_ai::Generator;
use agentos_kernel::Kernel;
use agentos_tools::{Registry, Runtime, UiEvent};
use anyhow::Context;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Words in, Blueprint out: the offline template library needs no key and no network.
    let blueprint = Generator::offline().generate("a calculator").await?;

    // Launch it: the app gets a kernel PID and component state.
    let runtime = Runtime::new(Kernel::new(), Registry::builtin());
    let app = runtime.launch(blueprint.clone())?;

    // Click buttons by their labels; each click runs a deterministic tool, no model involved.
    for label in ["1", "2", "×", "3", "="] {
        let button = blueprint
            .ui
            .all_components()
            .find(|c| {
                c.kind == "button" && c.props.get("text").and_then(|t| t.as_str()) == Some(label)
            })
            .with_context(|| format!("no button labelled {label}"))?;
        runtime.dispatch(app, &UiEvent::click(&button.id))?;
    }

    let state = runtime.state(app)?;
    let display = state
        .get("display")
        .context("the calculator has a display")?;
    #[allow(clippy::print_stdout)]
    {
        println!("12×3 = {}", display.as_str().unwrap_or_default());
    }
    Ok(())
}
