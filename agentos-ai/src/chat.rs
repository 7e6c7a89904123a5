//! The chat agent: a conversation with history (the system message plus the last 20
//! messages), streamed tokens and thoughts; offline it answers from a built-in help.

use std::{fmt::Write, sync::Arc};

use futures_util::{
    StreamExt,
    stream::{self, BoxStream},
};
use parking_lot::Mutex;

use crate::{
    generator::{Generator, MAX_REQUEST_CHARS},
    provider::{ChatMessage, Provider, ProviderRequest, Role},
    template::{CONFIDENT, TemplateLibrary},
};

/// Messages kept besides the system message.
pub const MAX_HISTORY: usize = 20;

/// The system message of the chat agent.
const SYSTEM: &str = "You are the assistant of AgentOS, an operating system whose apps are generated from a description. \
Answer briefly and helpfully. When someone wants an app, suggest the words to ask for it.";

/// One step of a chat answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChatEvent {
    /// The answer began.
    Start,
    /// A note on how the agent is answering.
    Thought(String),
    /// The next piece of the answer.
    Token(String),
    /// The whole answer, also added to the history.
    Complete(String),
    /// The message could not be answered.
    Error(String),
}

/// A conversation. Cheap to clone; clones share the history.
#[derive(Clone)]
pub struct ChatAgent {
    provider: Option<Arc<dyn Provider>>,
    templates: TemplateLibrary,
    history: Arc<Mutex<Vec<ChatMessage>>>,
}

impl std::fmt::Debug for ChatAgent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatAgent")
            .field("provider", &self.provider)
            .field("n_messages", &self.history.lock().len())
            .finish_non_exhaustive()
    }
}

impl ChatAgent {
    /// A chat agent that answers from the built-in help.
    pub fn offline() -> ChatAgent {
        ChatAgent::new(None)
    }

    /// A chat agent that asks `provider`, falling back to the built-in help when it fails.
    pub fn new(provider: Option<Arc<dyn Provider>>) -> ChatAgent {
        ChatAgent {
            provider,
            templates: TemplateLibrary::builtin(),
            history: Arc::new(Mutex::new(vec![ChatMessage::system(SYSTEM)])),
        }
    }

    /// A chat agent using the same provider as `generator`.
    pub fn for_generator(generator: &Generator) -> ChatAgent {
        ChatAgent::new(generator.inner.provider.clone())
    }

    /// The conversation so far: the system message, then at most [`MAX_HISTORY`] messages.
    pub fn history(&self) -> Vec<ChatMessage> {
        self.history.lock().clone()
    }

    /// Forgets everything but the system message.
    pub fn clear(&self) {
        self.history
            .lock()
            .retain(|message| message.role == Role::System);
    }

    /// Answers `message`, streaming the answer; the message and the answer join the history.
    pub fn send(&self, message: &str) -> BoxStream<'static, ChatEvent> {
        let message = message.trim();
        if message.is_empty() {
            return stream::iter([
                ChatEvent::Start,
                ChatEvent::Error("message is empty".to_owned()),
            ])
            .boxed();
        }
        if message.chars().count() > MAX_REQUEST_CHARS {
            let error = format!("message is longer than {MAX_REQUEST_CHARS} characters");
            return stream::iter([ChatEvent::Start, ChatEvent::Error(error)]).boxed();
        }
        push(&self.history, ChatMessage::user(message));
        let Some(provider) = self.provider.clone() else {
            let answer = help(message, &self.templates);
            push(&self.history, ChatMessage::assistant(answer.clone()));
            let mut events = vec![
                ChatEvent::Start,
                ChatEvent::Thought("Answering from the built-in help (offline)".to_owned()),
            ];
            events.extend(words(&answer).map(ChatEvent::Token));
            events.push(ChatEvent::Complete(answer));
            return stream::iter(events).boxed();
        };
        let request = ProviderRequest {
            messages: self.history(),
            response_schema: None,
        };
        let history = self.history.clone();
        let fallback = help(message, &self.templates);
        let start = stream::iter([ChatEvent::Start]);
        let answer = stream::unfold(
            Some(Answering::Begin {
                provider,
                request,
                history,
                fallback,
            }),
            step,
        )
        .flat_map(stream::iter);
        start.chain(answer).boxed()
    }
}

enum Answering {
    Begin {
        provider: Arc<dyn Provider>,
        request: ProviderRequest,
        history: Arc<Mutex<Vec<ChatMessage>>>,
        fallback: String,
    },
    Streaming {
        tokens: crate::provider::TokenStream,
        answer: String,
        history: Arc<Mutex<Vec<ChatMessage>>>,
        fallback: String,
    },
}

/// One step of a provider answer: the events it yields and what comes next.
async fn step(state: Option<Answering>) -> Option<(Vec<ChatEvent>, Option<Answering>)> {
    match state? {
        Answering::Begin {
            provider,
            request,
            history,
            fallback,
        } => match provider.stream(&request) {
            Ok(tokens) => Some((
                Vec::new(),
                Some(Answering::Streaming {
                    tokens,
                    answer: String::new(),
                    history,
                    fallback,
                }),
            )),
            Err(err) => Some((fall_back(&history, fallback, &err.to_string()), None)),
        },
        Answering::Streaming {
            mut tokens,
            mut answer,
            history,
            fallback,
        } => match tokens.next().await {
            Some(Ok(token)) => {
                answer.push_str(&token);
                Some((
                    vec![ChatEvent::Token(token)],
                    Some(Answering::Streaming {
                        tokens,
                        answer,
                        history,
                        fallback,
                    }),
                ))
            }
            Some(Err(err)) if answer.is_empty() => {
                Some((fall_back(&history, fallback, &err.to_string()), None))
            }
            Some(Err(err)) => {
                push(&history, ChatMessage::assistant(answer.clone()));
                Some((
                    vec![
                        ChatEvent::Thought(format!("The answer was cut short: {err}")),
                        ChatEvent::Complete(answer),
                    ],
                    None,
                ))
            }
            None => {
                push(&history, ChatMessage::assistant(answer.clone()));
                Some((vec![ChatEvent::Complete(answer)], None))
            }
        },
    }
}

fn fall_back(history: &Mutex<Vec<ChatMessage>>, answer: String, reason: &str) -> Vec<ChatEvent> {
    push(history, ChatMessage::assistant(answer.clone()));
    let mut events = vec![ChatEvent::Thought(format!(
        "The model failed ({reason}); answering from the built-in help"
    ))];
    events.extend(words(&answer).map(ChatEvent::Token));
    events.push(ChatEvent::Complete(answer));
    events
}

/// Adds `message`, then drops the oldest non-system messages beyond [`MAX_HISTORY`].
fn push(history: &Mutex<Vec<ChatMessage>>, message: ChatMessage) {
    let mut history = history.lock();
    history.push(message);
    let n_other = history.iter().filter(|m| m.role != Role::System).count();
    let mut n_drop = n_other.saturating_sub(MAX_HISTORY);
    history.retain(|m| {
        if n_drop > 0 && m.role != Role::System {
            n_drop -= 1;
            false
        } else {
            true
        }
    });
}

/// Splits an answer into word tokens that concatenate back to it.
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split_inclusive(' ').map(str::to_owned)
}

/// The built-in help: what AgentOS can build and how to open apps.
pub(crate) fn help(message: &str, templates: &TemplateLibrary) -> String {
    let lower = message.to_lowercase();
    let asks = |words: &[&str]| words.iter().any(|word| lower.contains(word));
    if let Some(found) = templates
        .best_match(message)
        .filter(|found| found.confidence >= CONFIDENT)
        && !asks(&["what can", "which apps", "list"])
    {
        return format!(
            "That sounds like the {} app. Ask me to generate it, for example: \"make a {}\". It opens in its own window and works offline.",
            found.template.kind.replace('-', " "),
            found.template.keywords[0]
        );
    }
    if asks(&[
        "what can",
        "which apps",
        "what apps",
        "build",
        "make",
        "create",
        "list",
        "examples",
    ]) {
        let mut answer = String::from("I can build these apps instantly, without a network: ");
        let kinds: Vec<String> = templates
            .templates()
            .iter()
            .map(|t| t.kind.replace('-', " "))
            .collect();
        let _ = write!(answer, "{}.", kinds.join(", "));
        answer.push_str(" Describe anything else and I will make a scratchpad for it, or a full app when an LLM key is set.");
        return answer;
    }
    if asks(&["key", "gemini", "openai", "llm", "model", "ollama"]) {
        return "Set GOOGLE_API_KEY (Gemini) or OPENAI_API_KEY / OPENAI_BASE_URL (OpenAI, Ollama, vLLM, llama.cpp, LM Studio) \
                and restart; I will then chat freely and design apps no template covers."
            .to_owned();
    }
    if asks(&[
        "open", "launch", "start", "run", "how do i", "how to", "window", "close",
    ]) {
        return "To open an app, describe it in the generate box (or run `agentos generate \"a pomodoro timer\"`); it opens in its own window. \
                Saved apps are in the Hub: click one to launch it. Close a window with its × button; your workspace can be saved as a session."
            .to_owned();
    }
    if asks(&["hello", "hi ", "hey", "good morning", "thanks", "thank you"]) || lower == "hi" {
        return "Hello! Tell me what app you need — a calculator, a todo list, a pomodoro timer… — and I will build it.".to_owned();
    }
    "I am running offline, so I answer from a short built-in help. I can build apps from a description \
     (try \"a tip calculator for $80\" or \"a shopping list for the party\"), tell you which apps I know, and explain how to open them. \
     Set GOOGLE_API_KEY or OPENAI_API_KEY for a full assistant."
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn offline_chat_answers_from_help_and_keeps_history() {
        let agent = ChatAgent::offline();
        let events: Vec<ChatEvent> = agent.send("What can you build?").collect().await;
        assert_eq!(events.first(), Some(&ChatEvent::Start));
        let Some(ChatEvent::Complete(answer)) = events.last() else {
            panic!("{events:?}")
        };
        assert!(
            answer.contains("pomodoro") && answer.contains("calculator"),
            "{answer}"
        );
        let tokens: String = events
            .iter()
            .filter_map(|e| match e {
                ChatEvent::Token(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(&tokens, answer);
        let history = agent.history();
        assert_eq!(
            history.iter().map(|m| m.role).collect::<Vec<_>>(),
            [Role::System, Role::User, Role::Assistant]
        );
    }

    #[test]
    fn chat_agent_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<ChatAgent>();
    }

    #[test]
    fn help_covers_apps_opening_keys_and_requests() {
        let templates = TemplateLibrary::builtin();
        assert!(help("how do I open an app?", &templates).contains("Hub"));
        assert!(
            help("a tip calculator please", &templates)
                .starts_with("That sounds like the tip calculator app")
        );
        assert!(help("how do I set an openai key", &templates).contains("OPENAI_API_KEY"));
        assert!(help("qwertyuiop", &templates).contains("offline"));
    }

    #[tokio::test]
    async fn history_keeps_the_system_message_and_the_last_twenty() {
        let agent = ChatAgent::offline();
        for i in 0..15 {
            let _: Vec<ChatEvent> = agent.send(&format!("message {i}")).collect().await;
        }
        let history = agent.history();
        assert_eq!(history.len(), 1 + MAX_HISTORY);
        assert_eq!(history[0].role, Role::System);
        assert_eq!(history[1], ChatMessage::user("message 5"));
        agent.clear();
        assert_eq!(agent.history().len(), 1);
        let events: Vec<ChatEvent> = agent.send("  ").collect().await;
        assert_eq!(
            events.last(),
            Some(&ChatEvent::Error("message is empty".to_owned()))
        );
    }
}
