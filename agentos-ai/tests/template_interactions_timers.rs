//! Interactions of the templates built on `timer.*`, `system.*` and `filesystem.*`, through the
//! real app runtime.
//!
//! `timer.clear` needs the timer's id, which a Blueprint binding cannot read from state, so the
//! timer templates pause instead: each tick adds `1-{paused}`, Pause and Resume set `paused`,
//! and `$if` shows Start only until the first timer exists (one interval per app). The alarm
//! rings only while its "Alarm on" switch is on; Cancel turns it off. A tick is run here exactly
//! as the timer thread runs it (the bound action with its arguments, through the runtime), and
//! one test waits for a real tick on the app's patch subscription.

mod common;

use std::time::Duration;

use common::{App, launch};
use serde_json::{Map, Value, json};

/// Runs the action that `button`'s timer binding schedules, once, as the timer thread would.
fn fire(app: &App, button: &str) {
    let blueprint = app.runtime.blueprint(app.id).expect("blueprint");
    let component = blueprint
        .ui
        .all_components()
        .find(|c| c.id == button)
        .unwrap_or_else(|| panic!("no component {button}"));
    let binding = &component.on_event["click"];
    let action = binding.args["action"].as_str().expect("an action");
    let args: Map<String, Value> = binding.args["args"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    app.runtime
        .call_tool(app.id, action, args)
        .unwrap_or_else(|err| panic!("tick of {button}: {err}"));
}

/// Whether component `id`'s `$if` currently shows it.
fn shown(app: &App, id: &str) -> bool {
    app.get(&format!("{id}.$if")) == Value::Bool(true)
}

fn counts_pauses_and_resumes(kind: &str, request: &str) -> App {
    let app = launch(kind, request);
    assert!(shown(&app, "start") && !shown(&app, "stop") && !shown(&app, "resume"));
    let started = app.click("start");
    assert!(started["timer_id"].as_u64().is_some(), "{started}");
    assert_eq!(app.get("timer-id"), started);
    assert!(!shown(&app, "start"), "one interval per app");
    assert!(shown(&app, "stop"));
    fire(&app, "start");
    fire(&app, "start");
    assert_eq!(app.text("elapsed"), "2");
    app.click("stop");
    assert!(shown(&app, "resume") && !shown(&app, "stop"));
    fire(&app, "start");
    assert_eq!(app.text("elapsed"), "2", "a paused tick adds nothing");
    app.click("resume");
    fire(&app, "start");
    assert_eq!(app.text("elapsed"), "3");
    app.click("reset");
    assert_eq!(app.text("elapsed"), "0");
    app
}

#[test]
fn timer_starts_from_the_requested_duration_pauses_and_resets() {
    let app = counts_pauses_and_resumes("timer", "a timer for 25 minutes");
    assert_eq!(app.text("display"), "25:00");
}

#[test]
fn a_started_timer_really_ticks() {
    let app = launch("timer", "a timer for 2 minutes");
    let patches = app.runtime.subscribe(app.id).expect("subscribe");
    app.click("start");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let patch = patches.recv_timeout(left).expect("a tick within 10 s");
        if patch.changes.get("elapsed") == Some(&json!("1")) {
            break;
        }
    }
}

#[test]
fn stopwatch_starts_pauses_and_counts_laps() {
    let app = counts_pauses_and_resumes("stopwatch", "stopwatch");
    app.click("lap");
    app.click("lap");
    assert_eq!(app.text("laps"), "2");
}

#[test]
fn pomodoro_switches_modes_and_runs() {
    let app = launch("pomodoro", "pomodoro for 50 minutes");
    assert_eq!(app.text("display"), "50:00");
    app.click("mode-short");
    assert_eq!(app.text("display"), "05:00");
    drop(app);
    let app = counts_pauses_and_resumes("pomodoro", "pomodoro");
    app.click("session-done");
    assert_eq!(app.text("sessions"), "1");
}

#[test]
fn alarm_clock_rings_unless_cancelled_and_tells_the_time() {
    let app = launch("alarm-clock", "alarm clock");
    assert!(shown(&app, "status") && !shown(&app, "armed") && !shown(&app, "ring"));
    assert!(app.click("set-alarm")["timer_id"].as_u64().is_some());
    assert!(shown(&app, "armed") && !shown(&app, "status"));
    fire(&app, "set-alarm");
    assert!(shown(&app, "ring"), "the alarm rings");
    app.click("cancel");
    assert_eq!(app.get("alarm-on"), false);
    assert!(!shown(&app, "ring") && shown(&app, "status"));
    app.change("alarm-on", true);
    assert!(shown(&app, "ring"));
    app.click("now");
    assert_ne!(app.get("clock"), Value::Null);
}

#[test]
fn file_browser_lists_the_root() {
    let app = launch("file-browser", "file browser");
    app.click("go");
    assert_ne!(app.get("files"), Value::Null);
}

#[test]
fn process_monitor_refreshes_system_info() {
    let app = launch("process-monitor", "process monitor");
    app.click("refresh");
    assert!(app.get("info").is_object(), "{}", app.get("info"));
    app.click("time");
    assert_ne!(app.get("now"), Value::Null);
}
