//! Generation straight into a running app: the one composition behind the server's
//! `POST /generate-ui` route and its WebSocket `generate_ui` message, so each of those is a
//! conversion plus one call.

use std::sync::Arc;

use agentos_blueprint::Blueprint;
use agentos_tools::{AppId, Launch, Runtime};
use futures_util::StreamExt;

use crate::{
    error::{Error, Result},
    event::GenerationEvent,
    generator::Generator,
};

/// A generated app, running.
#[derive(Debug, Clone)]
pub struct Launched {
    /// The running app.
    pub app_id: AppId,
    /// Its validated Blueprint, shared with the runtime (not copied).
    pub blueprint: Arc<Blueprint>,
    /// The generator's thoughts, in order.
    pub thoughts: Vec<String>,
}

impl Generator {
    /// Generates an app for `request` and launches it in `runtime`. Every event is shown to
    /// `observe` as it arrives (`Complete` included, before the launch), so a caller can
    /// forward progress; the thoughts are also collected into the result.
    ///
    /// # Errors
    /// [`Error::Generation`] with the message of an `Error` event (an empty or oversized
    /// request), [`Error::Incomplete`] when the stream ends without a Blueprint, and
    /// [`Error::Launch`] when the runtime refuses the Blueprint.
    pub async fn generate_and_launch(
        &self,
        runtime: &Runtime,
        request: &str,
        mut observe: impl FnMut(&GenerationEvent),
    ) -> Result<Launched> {
        let mut events = self.stream(request);
        let mut thoughts = Vec::new();
        while let Some(event) = events.next().await {
            observe(&event);
            match event {
                GenerationEvent::Thought(thought) => thoughts.push(thought),
                GenerationEvent::Complete(blueprint) => {
                    let blueprint = Arc::new(*blueprint);
                    let app_id = runtime
                        .launch_with(blueprint.clone(), Launch::default())
                        .map_err(|err| Error::Launch {
                            app: blueprint.app.id.clone(),
                            source: Arc::new(err),
                        })?;
                    return Ok(Launched {
                        app_id,
                        blueprint,
                        thoughts,
                    });
                }
                GenerationEvent::Error(message) => return Err(Error::Generation(message)),
                _ => {}
            }
        }
        Err(Error::Incomplete(request.to_owned()))
    }
}
