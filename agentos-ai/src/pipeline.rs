//! The LLM leg of generation: ask the provider, stream its answer through the parser,
//! validate, one repair round with the diagnostics, and the best template as a fallback — so
//! only valid Blueprints complete.
//!
//! It is a [`Stream`] polled by the caller itself, not a task feeding a channel: each provider
//! chunk is fed to the parser by reference and then moved, uncopied, into its `Token` event;
//! the components it completed wait in a queue and follow it.

use std::{
    collections::VecDeque,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use futures_util::{Stream, StreamExt};

use crate::{
    cache::Cached,
    event::GenerationEvent,
    generator::Generator,
    prompt,
    provider::{ChatMessage, Provider, ProviderRequest, TokenStream},
    validate::Assembler,
};

/// The LLM leg for one request, as a stream of events. Dropping it drops the provider's
/// stream, which cancels the request.
pub(crate) struct LlmGeneration {
    generator: Generator,
    provider: Arc<dyn Provider>,
    /// What the person asked for, normalised.
    wanted: String,
    /// The cache key; `None` when the cache is off.
    key: Option<String>,
    request: ProviderRequest,
    /// 0 for the first answer, 1 for the repair.
    round: u8,
    /// Events ready to hand out, oldest first.
    queue: VecDeque<GenerationEvent>,
    /// Copies of this round's events, kept for the cache (only when it is on).
    recorded: Vec<GenerationEvent>,
    state: State,
}

enum State {
    /// The next round's request is not sent yet.
    Ask,
    /// The provider is answering.
    Streaming {
        tokens: TokenStream,
        /// Boxed: the parser is large, and moves only once per round.
        assembler: Box<Assembler>,
    },
    /// `Complete` or `Error` is queued; nothing follows.
    Done,
}

impl LlmGeneration {
    /// The LLM leg for `request` (normalised); `key` is its cache key (`None` with the cache
    /// off); `first` are the events already decided (start, the thought on why the model is
    /// asked). The request is sent when the stream is first polled.
    pub(crate) fn new(
        generator: Generator,
        provider: Arc<dyn Provider>,
        wanted: String,
        key: Option<String>,
        first: Vec<GenerationEvent>,
    ) -> LlmGeneration {
        let provider_request = ProviderRequest {
            messages: vec![
                ChatMessage::system(prompt::system_prompt(&wanted, &generator.inner.tool_lines)),
                ChatMessage::user(wanted.as_str()),
            ],
            response_schema: Some(generator.inner.schema.clone()),
        };
        LlmGeneration {
            generator,
            provider,
            wanted,
            key,
            request: provider_request,
            round: 0,
            queue: VecDeque::from(first),
            recorded: Vec::new(),
            state: State::Ask,
        }
    }

    /// Sends this round's request.
    fn ask(&mut self) {
        self.recorded.clear();
        match self.provider.stream(&self.request) {
            Ok(tokens) => {
                self.state = State::Streaming {
                    tokens,
                    assembler: Box::default(),
                }
            }
            Err(err) => {
                self.queue
                    .push_back(GenerationEvent::Thought(format!("The model failed: {err}")));
                self.fallback();
            }
        }
    }

    /// The provider's answer ended: complete it, ask for a repair, or fall back.
    fn answered(&mut self, assembler: Box<Assembler>) {
        let n_components = assembler.announced();
        let (verdict, text) = assembler.finish_with_text(self.generator.tools());
        // The text goes back to the model if it needs repairing; only the first answer can.
        let text = (self.round == 0).then_some(text);
        let diagnostics = match verdict {
            Ok(blueprint) => {
                self.push(GenerationEvent::Thought(format!(
                    "{n_components} components"
                )));
                self.push(GenerationEvent::Complete(Box::new(blueprint)));
                if let Some(key) = self.key.take() {
                    let cached = Cached {
                        events: Arc::from(std::mem::take(&mut self.recorded)),
                        origin: Arc::from(self.provider.name()),
                    };
                    self.generator.inner.cache.lock().insert(key, cached);
                }
                self.state = State::Done;
                return;
            }
            Err(diagnostics) => diagnostics,
        };
        let first = diagnostics
            .first()
            .map(ToString::to_string)
            .unwrap_or_default();
        match text {
            Some(text) => {
                self.queue.push_back(GenerationEvent::Thought(format!(
                    "The answer has {} problem(s), first {first}; asking for a repair",
                    diagnostics.len()
                )));
                self.queue.push_back(GenerationEvent::Start {
                    message: "Repairing the Blueprint...".to_owned(),
                });
                self.request.messages.push(ChatMessage::assistant(text));
                self.request
                    .messages
                    .push(ChatMessage::user(prompt::repair_message(&diagnostics)));
                self.round += 1;
                self.state = State::Ask;
            }
            None => {
                self.queue.push_back(GenerationEvent::Thought(format!(
                    "The repaired answer is still invalid: {first}"
                )));
                self.fallback();
            }
        }
    }

    /// Queues `event`, and a copy for the cache when it is on.
    fn push(&mut self, event: GenerationEvent) {
        if self.key.is_some() {
            self.recorded.push(event.clone());
        }
        self.queue.push_back(event);
    }

    /// Answers with the best template (or the scratchpad) and says so.
    fn fallback(&mut self) {
        self.state = State::Done;
        let best = self.generator.templates().best_match(&self.wanted);
        match self.generator.template_answer(&self.wanted, best, true) {
            Ok(answer) => {
                self.queue.push_back(GenerationEvent::Thought(format!(
                    "Falling back to an offline answer. {}",
                    answer.thought
                )));
                self.queue.push_back(GenerationEvent::Start {
                    message: "Using an offline template...".to_owned(),
                });
                self.queue.extend(answer.events);
            }
            Err(err) => self
                .queue
                .push_back(GenerationEvent::Error(err.to_string())),
        }
    }
}

impl Stream for LlmGeneration {
    type Item = GenerationEvent;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<GenerationEvent>> {
        let this = self.get_mut();
        // Nearly every poll hands out a queued component or the provider's next chunk: those
        // two paths are kept here, small; everything else is in `advance`.
        if let Some(event) = this.queue.pop_front() {
            return Poll::Ready(Some(event));
        }
        if let Some(poll) = this.poll_stream(cx) {
            return poll;
        }
        this.advance(cx)
    }
}

impl LlmGeneration {
    /// Keeps copies of a chunk's `Token` and the components it completed (now queued), for
    /// the cache.
    #[cold]
    #[inline(never)]
    fn record(&mut self, chunk: &str) {
        self.recorded.push(GenerationEvent::Token(chunk.to_owned()));
        self.recorded.extend(self.queue.iter().cloned());
    }

    /// The provider's answer ended: complete, repair or fall back.
    #[cold]
    #[inline(never)]
    fn ended(&mut self) {
        if let State::Streaming { assembler, .. } = std::mem::replace(&mut self.state, State::Done)
        {
            self.answered(assembler);
        }
    }

    /// While streaming, polls the provider once: `Some` with what to return (its next chunk as
    /// a `Token`, the components that chunk completed queued behind it; or `Pending`), `None`
    /// when the answer ended or failed and the state moved on (or there is no stream).
    #[inline(always)]
    fn poll_stream(&mut self, cx: &mut Context<'_>) -> Option<Poll<Option<GenerationEvent>>> {
        let State::Streaming { tokens, assembler } = &mut self.state else {
            return None;
        };
        match tokens.poll_next_unpin(cx) {
            Poll::Pending => Some(Poll::Pending),
            Poll::Ready(Some(Ok(chunk))) => {
                // The queue is empty here, so the components this chunk completed follow its
                // token.
                assembler.feed(&chunk, &mut self.queue);
                if self.key.is_some() {
                    self.record(&chunk);
                }
                Some(Poll::Ready(Some(GenerationEvent::Token(chunk))))
            }
            Poll::Ready(Some(Err(err))) => {
                self.queue
                    .push_back(GenerationEvent::Thought(format!("The model failed: {err}")));
                self.fallback();
                None
            }
            Poll::Ready(None) => {
                self.ended();
                None
            }
        }
    }

    /// Moves the generation on until an event is ready or the provider is pending: sends a
    /// round's request, and streams until the answer ends or fails.
    #[cold]
    #[inline(never)]
    fn advance(&mut self, cx: &mut Context<'_>) -> Poll<Option<GenerationEvent>> {
        let this = self;
        loop {
            if let Some(event) = this.queue.pop_front() {
                return Poll::Ready(Some(event));
            }
            match &mut this.state {
                State::Done => return Poll::Ready(None),
                State::Ask => this.ask(),
                State::Streaming { .. } => {
                    if let Some(poll) = this.poll_stream(cx) {
                        return poll;
                    }
                }
            }
        }
    }
}
