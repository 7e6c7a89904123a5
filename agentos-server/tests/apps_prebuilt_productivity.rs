//! The prebuilt productivity apps (`apps/productivity/`): notes, pomodoro and habit tracker,
//! driven through `Runtime::dispatch`.

mod common;

use std::time::Duration;

use common::apps::{change, click, click_with, launch, runtime, state};
use serde_json::{Map, Value, json};

#[test]
fn notes_create_edit_save_list_and_delete() {
    let runtime = runtime();
    let app = launch(&runtime, "productivity/notes.bp");
    assert_eq!(state(&runtime, app, "notes"), json!([]), "on_mount listed");

    click(&runtime, app, "new-note");
    let id = state(&runtime, app, "current_note");
    assert!(id.as_str().unwrap().starts_with("note-"));
    change(&runtime, app, "note-title", json!("Groceries"));
    change(&runtime, app, "note-content", json!("milk, eggs"));
    let patch = click(&runtime, app, "save-note");
    assert_eq!(patch.result["title"], "Groceries");
    assert_eq!(patch.result["content"], "milk, eggs");
    let notes = state(&runtime, app, "notes");
    assert_eq!(notes.as_array().unwrap().len(), 1);
    assert_eq!(notes[0]["id"], id);
    assert_eq!(notes[0]["title"], "Groceries");

    // The note is on disk: a second Notes window lists it at mount.
    let second = launch(&runtime, "productivity/notes.bp");
    assert_eq!(state(&runtime, second, "notes")[0]["title"], "Groceries");

    click(&runtime, app, "close-note");
    assert_eq!(state(&runtime, app, "current_note"), Value::Null);
    assert_eq!(state(&runtime, app, "note-title"), "");
    change(&runtime, app, "note-title", json!("Ideas"));
    click(&runtime, app, "save-note");
    assert_eq!(state(&runtime, app, "notes").as_array().unwrap().len(), 2);

    click(&runtime, app, "delete-note");
    let notes = state(&runtime, app, "notes");
    assert_eq!(notes.as_array().unwrap().len(), 1);
    assert_eq!(notes[0]["title"], "Groceries");
    click(&runtime, second, "refresh-notes");
    assert_eq!(state(&runtime, second, "notes"), notes);
}

#[test]
fn pomodoro_counts_down_every_second() {
    let runtime = runtime();
    let app = launch(&runtime, "productivity/pomodoro.bp");
    assert_eq!(state(&runtime, app, "remaining"), "1500");
    let short = click(&runtime, app, "preset-short");
    assert_eq!(short.changes["remaining"], "300");
    assert_eq!(short.changes["phase"], "Short break");

    let patches = runtime.subscribe(app).unwrap();
    let started = click(&runtime, app, "start");
    let timer = started.result["timer_id"].as_u64().unwrap();
    assert_eq!(state(&runtime, app, "countdown")["timer_id"], timer);
    let tick = loop {
        let patch = patches.recv_timeout(Duration::from_secs(10)).unwrap();
        if let Some(remaining) = patch.changes.get("remaining") {
            break remaining.clone();
        }
    };
    assert_eq!(tick, "299");
    let pending = click(&runtime, app, "pending").changes["timers"].clone();
    assert!(
        pending["timers"]
            .as_array()
            .unwrap()
            .contains(&json!(timer))
    );
    let reminder = click(&runtime, app, "alarm");
    assert!(reminder.result["timer_id"].as_u64().unwrap() > timer);

    // The countdown's expression stops at zero instead of going negative.
    let bp = runtime.blueprint(app).unwrap();
    let start = bp.ui.all_components().find(|c| c.id == "start").unwrap();
    let tick_args = start.on_event["click"].args["args"]
        .as_object()
        .unwrap()
        .clone();
    for (from, to) in [("2", "1"), ("1", "0"), ("0", "0")] {
        let mut set = Map::new();
        set.insert("key".to_owned(), json!("remaining"));
        set.insert("value".to_owned(), json!(from));
        runtime.call_tool(app, "ui.set", set).unwrap();
        runtime
            .call_tool(app, "ui.compute", tick_args.clone())
            .unwrap();
        let now = state(&runtime, app, "remaining");
        // The interval may fire in between: it only ever moves towards zero, never below.
        assert!(now == to || now == "0", "{from} → {now}");
    }
    runtime.close(app).unwrap();
}

#[test]
fn habit_tracker_adds_ticks_clears_and_remembers_the_goal() {
    let runtime = runtime();
    let app = launch(&runtime, "productivity/habit-tracker.bp");

    change(&runtime, app, "habit-input", json!("Drink water"));
    click(&runtime, app, "add-habit");
    assert_eq!(state(&runtime, app, "habit-input"), "");
    change(&runtime, app, "habit-input", json!("  Read 10 pages "));
    click(&runtime, app, "add-habit");
    click(&runtime, app, "add-habit");
    assert_eq!(
        state(&runtime, app, "habits"),
        json!([
            {"id": "item-1", "text": "Drink water", "done": false},
            {"id": "item-2", "text": "Read 10 pages", "done": false}
        ]),
        "an empty input adds nothing"
    );

    let ticked = click_with(&runtime, app, "habits", json!("item-1"));
    assert_eq!(ticked.result, true);
    click(&runtime, app, "clear-done");
    assert_eq!(
        state(&runtime, app, "habits"),
        json!([{"id": "item-2", "text": "Read 10 pages", "done": false}])
    );

    change(&runtime, app, "daily-goal", json!("5 habits"));
    change(&runtime, app, "journal", json!("Good start."));
    let goal = click(&runtime, app, "load-goal").changes["saved-goal"].clone();
    assert_eq!(goal["value"], "5 habits");
    let journal = click(&runtime, app, "load-journal").changes["saved-journal"].clone();
    assert_eq!(journal["value"], "Good start.");
    let keys = runtime.call_tool(app, "storage.list", Map::new()).unwrap();
    assert_eq!(keys.result["keys"], json!(["daily-goal", "journal"]));

    click(&runtime, app, "clear-all");
    assert_eq!(state(&runtime, app, "habits"), json!([]));
}
