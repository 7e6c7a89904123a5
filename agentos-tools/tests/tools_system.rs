//! `system.*`, `browser.*` and `analysis.*`.

mod common;

use agentos_tools::Error;
use serde_json::json;

#[test]
fn system_log_ring_filters_and_effects() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "s", r#"["system"]"#, "[]");
    let call = |tool: &str, args| common::call(&rt, app, tool, args);
    call("system.log", json!({"message": "hello"})).unwrap();
    call("system.log", json!({"message": "bad", "level": "error"})).unwrap();
    let logs = call("system.getLogs", json!({"level": "error"}))
        .unwrap()
        .result;
    assert_eq!(logs["count"], 1);
    assert_eq!(logs["logs"][0]["message"], "bad");
    assert_eq!(logs["logs"][0]["app_id"], app.to_string());
    assert!(
        call("system.log", json!({"message": "x", "level": "loud"}))
            .unwrap_err()
            .to_string()
            .contains("parameter `level` must be one of")
    );
    assert!(call("system.getLogs", json!({"limit": 0})).is_err());
    let time = call("system.time", json!({})).unwrap().result;
    assert!(
        time["iso"].as_str().unwrap().ends_with('Z')
            && time["unix_ms"].as_u64().unwrap() / 1000 == time["timestamp"].as_u64().unwrap()
    );
    assert_eq!(call("system.ping", json!({})).unwrap().result["pong"], true);
    let patch = call("system.alert", json!({"message": "hi"})).unwrap();
    assert_eq!(
        patch.effects,
        vec![json!({"type": "alert", "message": "hi"})]
    );
    call("system.clipboard.copy", json!({"text": "copied"})).unwrap();
    let paste = call("clipboard.paste", json!({"key": "pasted"})).unwrap();
    assert_eq!(paste.changes["pasted"], "copied");
    assert_eq!(
        call("notification.show", json!({"title": "T", "message": "M"}))
            .unwrap()
            .effects[0]["type"],
        "notification"
    );
}

#[test]
fn log_ring_drops_the_oldest_past_capacity() {
    let config = agentos_tools::RuntimeConfig {
        log_capacity: 3,
        ..Default::default()
    };
    let rt = agentos_tools::Runtime::with_config(
        agentos_kernel::Kernel::new(),
        agentos_tools::Registry::builtin(),
        config,
    );
    let app = common::app_with(&rt, "s", "[]", "[]");
    for n in 0..5 {
        common::call(&rt, app, "system.log", json!({"message": format!("m{n}")})).unwrap();
    }
    let logs = common::call(&rt, app, "system.getLogs", json!({}))
        .unwrap()
        .result;
    let messages: Vec<&str> = logs["logs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["message"].as_str().unwrap())
        .collect();
    assert_eq!(messages, ["m4", "m3", "m2"]);
}

#[test]
fn browser_history_and_bad_urls() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "b", "[]", "[]");
    let call = |tool: &str, args| common::call(&rt, app, tool, args);
    call("browser.navigate", json!({"url": "example.org"})).unwrap();
    call("browser.navigate", json!({"url": "http://a.test/x"})).unwrap();
    assert_eq!(
        call("browser.back", json!({})).unwrap().result,
        "https://example.org"
    );
    assert_eq!(
        call("browser.forward", json!({})).unwrap().result,
        "http://a.test/x"
    );
    assert_eq!(
        call("browser.forward", json!({})).unwrap().result,
        "http://a.test/x",
        "forward stops at the end"
    );
    call("browser.back", json!({})).unwrap();
    call("browser.navigate", json!({"url": "https://c.test"})).unwrap();
    assert_eq!(
        rt.state(app).unwrap()["browser-frame.history"],
        json!(["https://example.org", "https://c.test"])
    );
    assert_eq!(
        call("browser.refresh", json!({})).unwrap().effects[0]["type"],
        "reload"
    );
    for bad in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "not a url",
        "https://",
    ] {
        let err = call("browser.navigate", json!({"url": bad})).unwrap_err();
        assert!(
            matches!(err, Error::InvalidParam { ref param, .. } if param == "url"),
            "{bad}: {err}"
        );
    }
}

#[test]
fn analysis_refresh_auto_refresh_and_export() {
    let rt = common::runtime();
    let app = common::app_with(&rt, "a", r#"[{"system": ["info", "time"]}]"#, "[]");
    let call = |tool: &str, args| common::call(&rt, app, tool, args);
    assert!(
        call("analysis.export", json!({}))
            .unwrap_err()
            .to_string()
            .contains("run analysis.refresh first")
    );
    let patch = call("analysis.refresh", json!({})).unwrap();
    assert_eq!(patch.changes["app-count"], 1);
    let csv = call("analysis.export", json!({"format": "csv"})).unwrap();
    assert!(
        csv.result["content"]
            .as_str()
            .unwrap()
            .starts_with("metric,value\n")
    );
    assert_eq!(csv.effects[0]["filename"], "analysis.csv");
    assert!(call("analysis.export", json!({"format": "xml"})).is_err());
    let patches = rt.subscribe(app).unwrap();
    let started = call("analysis.start_auto_refresh", json!({"interval": 100})).unwrap();
    assert_eq!(
        patches
            .recv_timeout(std::time::Duration::from_secs(10))
            .unwrap(),
        started
    );
    // The next patch comes from the timer thread.
    let tick = patches
        .recv_timeout(std::time::Duration::from_secs(10))
        .unwrap();
    assert_eq!(tick.changes["analysis.refreshes"], 2);
    assert_eq!(
        call("analysis.stop_auto_refresh", json!({}))
            .unwrap()
            .result["stopped"],
        true
    );
    let plain = common::app_with(&rt, "p", "[]", "[]");
    assert!(matches!(
        common::call(&rt, plain, "analysis.refresh", json!({})),
        Err(Error::CapabilityDenied { .. })
    ));
}
