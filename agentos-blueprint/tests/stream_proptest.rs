//! Property tests: chunking never changes the result, arbitrary bytes never panic, the
//! canonical form round-trips, and the JSON layer accepts exactly what serde_json (RFC 8259)
//! accepts.

mod common;

use std::collections::BTreeMap;

use agentos_blueprint::{
    AppInfo, Blueprint, Component, Event, EventBinding, Service, ServiceTools, StreamParser, Ui,
    parse, parse_json,
};
use proptest::prelude::*;
use serde_json::{Map, Value};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1.0e300f64..1.0e300).prop_map(Value::from),
        "\\PC{0,8}".prop_map(Value::String),
        "[\\u{0}-\\u{1f}\"\\\\é😀]{0,4}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(("\\PC{0,6}", inner), 0..5)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

fn props() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::vec(("[a-zA-Z@$#_ ]{0,8}", json_value()), 0..4)
        .prop_map(|pairs| pairs.into_iter().collect())
}

fn binding() -> impl Strategy<Value = EventBinding> {
    (
        "[a-z]{1,6}\\.[a-z_]{1,8}",
        props(),
        prop::option::of("[a-z-]{1,8}"),
    )
        .prop_map(|(tool, args, result)| EventBinding { tool, args, result })
}

fn component() -> impl Strategy<Value = Component> {
    let kinds = prop::sample::select(agentos_blueprint::COMPONENT_TYPES.to_vec());
    let leaf = (
        kinds,
        "[a-z][a-z0-9-]{0,10}",
        props(),
        prop::collection::btree_map("[a-z@]{1,8}", binding(), 0..3),
        prop::option::of(json_value()),
        prop::option::of(json_value()),
    )
        .prop_map(|(kind, id, props, on_event, condition, repeat)| Component {
            kind: kind.to_owned(),
            id,
            props,
            on_event,
            children: Vec::new(),
            condition: condition.map(Box::new),
            repeat: repeat.map(Box::new),
        });
    leaf.prop_recursive(3, 20, 4, |inner| {
        (inner.clone(), prop::collection::vec(inner, 0..4)).prop_map(|(mut parent, children)| {
            parent.children = children;
            parent
        })
    })
}

fn service() -> impl Strategy<Value = Service> {
    (
        "[a-z]{1,8}",
        prop::option::of(prop::collection::vec("[a-z_]{1,6}", 0..3)),
        prop::collection::vec(("[a-z]{1,5}", json_value()), 0..3),
    )
        .prop_map(|(name, tools, config)| Service {
            name,
            tools: tools.map_or(ServiceTools::All, ServiceTools::Only),
            config: config.into_iter().filter(|(k, _)| k != "tools").collect(),
        })
}

fn templates() -> impl Strategy<Value = BTreeMap<String, Map<String, Value>>> {
    prop::collection::btree_map("[a-z]{1,6}", props(), 0..3)
}

fn blueprint() -> impl Strategy<Value = Blueprint> {
    (
        (
            "[a-z-]{1,10}",
            "\\PC{1,10}",
            "\\PC{0,10}",
            "[0-9.]{1,5}",
            prop::collection::vec("\\PC{0,5}", 0..3),
        ),
        prop::collection::vec(service(), 0..3),
        (
            "\\PC{1,10}",
            prop::bool::ANY,
            prop::collection::btree_map(
                "on_[a-z]{1,6}",
                prop::collection::vec("[a-z]{1,4}\\.[a-z]{1,4}", 0..3),
                0..3,
            ),
        ),
        prop::collection::vec(component(), 0..5),
        (templates(), templates(), props()),
    )
        .prop_map(
            |(
                (id, name, description, version, tags),
                services,
                (title, horizontal, lifecycle),
                components,
                (top, ui_templates, config),
            )| Blueprint {
                app: AppInfo {
                    id,
                    name,
                    description,
                    version,
                    tags,
                    ..AppInfo::default()
                },
                services,
                ui: Ui {
                    title,
                    layout: if horizontal { "horizontal" } else { "vertical" }.to_owned(),
                    lifecycle,
                    components,
                    templates: ui_templates,
                },
                templates: top,
                config,
            },
        )
}

/// A document in mixed forms: keyed components, plain strings, aliases, fences.
fn mixed_document() -> impl Strategy<Value = String> {
    (blueprint(), any::<u8>(), prop::bool::ANY).prop_map(|(bp, seed, fenced)| {
        let mut value = serde_json::to_value(&bp).unwrap();
        if let Some(components) = value
            .pointer_mut("/ui/components")
            .and_then(Value::as_array_mut)
        {
            for (index, component) in components.iter_mut().enumerate() {
                if (seed as usize + index).is_multiple_of(3) {
                    // Keyed form: {"type#id": {props…, "@event": …, "children": […]}}.
                    let object = component.as_object().cloned().unwrap_or_default();
                    let mut body = object
                        .get("props")
                        .and_then(Value::as_object)
                        .cloned()
                        .unwrap_or_default();
                    if let Some(events) = object.get("on_event").and_then(Value::as_object) {
                        for (event, binding) in events {
                            body.insert(format!("@{event}"), binding.clone());
                        }
                    }
                    if let Some(children) = object.get("children") {
                        body.insert("children".into(), children.clone());
                    }
                    let kind = if seed % 2 == 0 {
                        "row"
                    } else {
                        object["type"].as_str().unwrap_or("text")
                    };
                    let key = format!("{kind}#{}", object["id"].as_str().unwrap_or(""));
                    *component = serde_json::json!({ key: body });
                } else if (seed as usize + index) % 3 == 1 {
                    *component = Value::String(format!("text {index}"));
                }
            }
        }
        let text = if seed % 2 == 0 {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        if fenced {
            format!("Here you go:\n```json\n{text}\n```\nEnjoy!")
        } else {
            text
        }
    })
}

/// Feeds `text` split at the given byte positions (moved to character boundaries).
fn stream(text: &str, cuts: &[usize]) -> (Vec<Event>, agentos_blueprint::Parsed) {
    let mut cuts: Vec<usize> = cuts
        .iter()
        .map(|cut| {
            let mut cut = cut % (text.len() + 1);
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            cut
        })
        .collect();
    cuts.sort_unstable();
    let mut parser = StreamParser::new();
    let mut events = Vec::new();
    let mut from = 0;
    for cut in cuts.into_iter().chain([text.len()]) {
        events.extend(parser.feed(&text[from..cut]));
        from = cut;
    }
    (events, parser.finish())
}

fn at_position<'a>(components: &'a [Component], position: &[usize]) -> Option<&'a Component> {
    let (first, rest) = position.split_first()?;
    let component = components.get(*first)?;
    if rest.is_empty() {
        Some(component)
    } else {
        at_position(&component.children, rest)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// (a) Any chunking of any valid document gives the whole parse's result, and every
    /// streamed component is the one the final Blueprint holds at its position.
    #[test]
    fn any_chunking_equals_the_whole_parse(text in mixed_document(), cuts in prop::collection::vec(any::<usize>(), 0..40)) {
        let whole = parse(&text);
        // The document is valid JSON, so the model was built from it.
        prop_assert!(!whole.blueprint.app.id.is_empty(), "{:?}", whole.diagnostics);
        let (events, streamed) = stream(&text, &cuts);
        prop_assert_eq!(&streamed, &whole);
        for event in &events {
            if let Event::Component { position, component, children, .. } = event {
                let fin = at_position(&whole.blueprint.ui.components, position).unwrap();
                prop_assert_eq!(*children, fin.children.len());
                // Templates defined after a component are applied only at the end.
                if whole.blueprint.templates.is_empty() && whole.blueprint.ui.templates.is_empty() {
                    let shell = Component { children: Vec::new(), ..fin.clone() };
                    prop_assert_eq!(component.as_ref(), &shell);
                }
            }
            if let Event::App(app) = event {
                prop_assert_eq!(app.as_ref(), &whole.blueprint.app);
            }
        }
    }

    /// (a) also holds for broken and truncated documents.
    #[test]
    fn any_chunking_equals_the_whole_parse_for_broken_text(text in mixed_document(), cut in any::<usize>(), cuts in prop::collection::vec(any::<usize>(), 0..20)) {
        let mut end = cut % (text.len() + 1);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let text = &text[..end];
        let (_, streamed) = stream(text, &cuts);
        prop_assert_eq!(streamed, parse(text));
    }

    /// (b) Arbitrary bytes in arbitrary chunks never panic.
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..300), cuts in prop::collection::vec(0usize..300, 0..10)) {
        let mut parser = StreamParser::new();
        let mut from = 0;
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
        cuts.sort_unstable();
        for cut in cuts.into_iter().chain([bytes.len()]) {
            parser.feed_bytes(&bytes[from..cut]);
            from = cut;
        }
        let _ = parser.finish();
        let _ = parse(&String::from_utf8_lossy(&bytes));
        let _ = parse_json(&String::from_utf8_lossy(&bytes));
    }

    /// (c) A serialised model parses back to the same model.
    #[test]
    fn serialised_model_parses_back(bp in blueprint(), pretty in any::<bool>()) {
        let text = if pretty { serde_json::to_string_pretty(&bp).unwrap() } else { serde_json::to_string(&bp).unwrap() };
        let parsed = parse(&text);
        prop_assert_eq!(parsed.blueprint, bp);
    }

    /// The JSON layer reads what serde_json writes, value for value.
    #[test]
    fn json_layer_reads_serde_json_output(value in json_value()) {
        let text = serde_json::to_string(&value).unwrap();
        prop_assert_eq!(parse_json(&text).unwrap(), value);
    }

    /// The JSON layer accepts exactly the texts serde_json accepts (RFC 8259).
    #[test]
    fn json_layer_accepts_what_serde_json_accepts(tokens in prop::collection::vec(prop::sample::select(vec![
        "{", "}", "[", "]", ",", ":", " ", "\n", "\"k\"", "\"\\u00e9\"", "\"\\n\"", "\"\\q\"", "\"\\u12\"", "\"a\tb\"",
        "0", "-", "1", "01", "-0", "0.5", ".5", "1.", "1e5", "1E+5", "1e", "-1.5e-3", "true", "tru", "false", "null", "nul",
        "\"", "'", "x", "\u{e9}", "\"😀\"",
    ]), 0..16)) {
        let text: String = tokens.concat();
        let ours = parse_json(&text);
        let theirs = serde_json::from_str::<Value>(&text);
        match &theirs {
            // RFC 8259 grammar allows any exponent; serde_json stops at what overflows an f64
            // (so it says nothing about the rest of the text).
            Err(err) if err.to_string().contains("number out of range") => {}
            _ => prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{:?}: ours {:?} theirs {:?}", text, ours, theirs),
        }
    }
}
