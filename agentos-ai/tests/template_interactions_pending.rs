//! Interactions of the templates whose tools (`timer.*`, `system.*`, `filesystem.*`) arrive with
//! the tools branch (issue 6). Enabled with `--features pending-tools` once that branch is merged.
//!
//! The Stop/Cancel buttons bind `timer.clear` without a `timer_id` (a template cannot know the
//! id a click will get): these tests expect that to cancel the app's timers.
#![cfg(feature = "pending-tools")]

mod common;

use common::launch;
use serde_json::Value;

#[test]
fn timer_starts_from_the_requested_duration_and_stops() {
    let app = launch("timer", "a timer for 25 minutes");
    assert_eq!(app.text("display"), "25:00");
    let started = app.click("start");
    assert_ne!(started, Value::Null, "timer.interval returns a timer id");
    assert_eq!(app.get("timer-id"), started);
    app.click("stop");
    app.click("reset");
    assert_eq!(app.text("elapsed"), "0");
}

#[test]
fn stopwatch_starts_and_counts_laps() {
    let app = launch("stopwatch", "stopwatch");
    assert_ne!(app.click("start"), Value::Null);
    app.click("lap");
    app.click("lap");
    assert_eq!(app.text("laps"), "2");
    app.click("stop");
}

#[test]
fn pomodoro_switches_modes_and_runs() {
    let app = launch("pomodoro", "pomodoro for 50 minutes");
    assert_eq!(app.text("display"), "50:00");
    app.click("mode-short");
    assert_eq!(app.text("display"), "05:00");
    assert_ne!(app.click("start"), Value::Null);
    app.click("session-done");
    assert_eq!(app.text("sessions"), "1");
    app.click("stop");
}

#[test]
fn alarm_clock_sets_and_cancels_and_tells_the_time() {
    let app = launch("alarm-clock", "alarm clock");
    assert_ne!(app.click("set-alarm"), Value::Null);
    app.click("cancel");
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
