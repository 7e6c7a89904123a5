//! Kernel II's calls through the `Syscall` layer: every process, signal, scheduler and
//! network variant round-trips through its JSON form (proptest), and the calls do what
//! their names say when made as a PID.

use agentos_kernel::{Pid, Syscall};
use proptest::prelude::*;

fn pid() -> impl Strategy<Value = Pid> {
    any::<u32>().prop_map(Pid)
}

fn text() -> impl Strategy<Value = String> {
    "[ -~]{0,16}"
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..32)
}

fn process_call() -> impl Strategy<Value = Syscall> {
    prop_oneof![
        (
            text(),
            proptest::collection::vec(text(), 0..4),
            proptest::option::of(text()),
            proptest::option::of(any::<u8>()),
            proptest::option::of(any::<u64>())
        )
            .prop_map(|(program, args, name, priority, timeout_ms)| {
                Syscall::SpawnProcess {
                    program,
                    args,
                    name,
                    priority,
                    timeout_ms,
                }
            }),
        pid().prop_map(|target_pid| Syscall::KillProcess { target_pid }),
        pid().prop_map(|target_pid| Syscall::GetProcessInfo { target_pid }),
        Just(Syscall::GetProcessList),
        (pid(), any::<u8>()).prop_map(|(target_pid, priority)| Syscall::SetProcessPriority {
            target_pid,
            priority
        }),
        pid().prop_map(|target_pid| Syscall::GetProcessState { target_pid }),
        pid().prop_map(|target_pid| Syscall::GetProcessStats { target_pid }),
        (pid(), proptest::option::of(any::<u64>())).prop_map(|(target_pid, timeout_ms)| {
            Syscall::WaitProcess {
                target_pid,
                timeout_ms,
            }
        }),
        (pid(), any::<i32>())
            .prop_map(|(target_pid, signal)| Syscall::SendSignal { target_pid, signal }),
        Just(Syscall::ScheduleNext),
        Just(Syscall::YieldProcess),
        Just(Syscall::GetCurrentScheduled),
        Just(Syscall::GetSchedulerStats),
    ]
}

fn net_call() -> impl Strategy<Value = Syscall> {
    prop_oneof![
        (any::<i32>(), any::<i32>(), any::<i32>()).prop_map(|(domain, socket_type, protocol)| {
            Syscall::Socket {
                domain,
                socket_type,
                protocol,
            }
        }),
        (any::<u32>(), text()).prop_map(|(sockfd, address)| Syscall::Bind { sockfd, address }),
        (any::<u32>(), any::<u32>())
            .prop_map(|(sockfd, backlog)| Syscall::Listen { sockfd, backlog }),
        any::<u32>().prop_map(|sockfd| Syscall::Accept { sockfd }),
        (any::<u32>(), text()).prop_map(|(sockfd, address)| Syscall::Connect { sockfd, address }),
        (any::<u32>(), bytes()).prop_map(|(sockfd, data)| Syscall::Send { sockfd, data }),
        (any::<u32>(), any::<usize>()).prop_map(|(sockfd, size)| Syscall::Recv { sockfd, size }),
        (any::<u32>(), bytes(), text()).prop_map(|(sockfd, data, address)| Syscall::SendTo {
            sockfd,
            data,
            address
        }),
        (any::<u32>(), any::<usize>())
            .prop_map(|(sockfd, size)| Syscall::RecvFrom { sockfd, size }),
        any::<u32>().prop_map(|sockfd| Syscall::CloseSocket { sockfd }),
        (any::<u32>(), any::<i32>(), any::<i32>(), any::<u64>()).prop_map(
            |(sockfd, level, optname, value)| Syscall::SetSockOpt {
                sockfd,
                level,
                optname,
                value
            }
        ),
        (any::<u32>(), any::<i32>(), any::<i32>()).prop_map(|(sockfd, level, optname)| {
            Syscall::GetSockOpt {
                sockfd,
                level,
                optname,
            }
        }),
    ]
}

#[cfg(feature = "http")]
fn http_call() -> impl Strategy<Value = Syscall> {
    use agentos_kernel::HttpMethod;
    (
        prop_oneof![
            Just(HttpMethod::Get),
            Just(HttpMethod::Post),
            Just(HttpMethod::Put),
            Just(HttpMethod::Patch),
            Just(HttpMethod::Delete),
            Just(HttpMethod::Head),
        ],
        text(),
        proptest::collection::vec((text(), text()), 0..4),
        proptest::option::of(bytes()),
        proptest::option::of(any::<u64>()),
    )
        .prop_map(
            |(method, url, headers, body, timeout_ms)| Syscall::NetworkRequest {
                method,
                url,
                headers,
                body,
                timeout_ms,
            },
        )
}

#[cfg(not(feature = "http"))]
fn http_call() -> impl Strategy<Value = Syscall> {
    Just(Syscall::GetProcessList)
}

proptest! {
    #[test]
    fn kernel_two_calls_round_trip_through_json(
        call in prop_oneof![process_call(), net_call(), http_call()]
    ) {
        let json = call.to_json();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(value["call"].as_str(), Some(call.name()));
        prop_assert_eq!(Syscall::from_json(&json).unwrap(), call);
    }
}

#[test]
fn documented_forms_parse_with_defaults() {
    assert_eq!(
        Syscall::from_json(r#"{"call":"spawn_process","program":"/bin/echo","args":["hi"]}"#)
            .unwrap(),
        Syscall::SpawnProcess {
            program: "/bin/echo".into(),
            args: vec!["hi".into()],
            name: None,
            priority: None,
            timeout_ms: None,
        }
    );
    assert_eq!(
        Syscall::from_json(r#"{"call":"listen","sockfd":3}"#).unwrap(),
        Syscall::Listen {
            sockfd: 3,
            backlog: 128
        }
    );
    assert_eq!(
        Syscall::from_json(r#"{"call":"get_process_list"}"#).unwrap(),
        Syscall::GetProcessList
    );
    for name in [
        "spawn_process",
        "wait_process",
        "send_signal",
        "get_scheduler_stats",
        "socket",
        "get_sock_opt",
    ] {
        assert!(Syscall::names().contains(&name), "{name}");
    }
    assert!(Syscall::from_json(r#"{"call":"kill_process","target_pid":"x"}"#).is_err());
    assert!(Syscall::from_json(r#"{"call":"socket","domain":2,"extra":1}"#).is_err());
}

#[cfg(feature = "http")]
#[test]
fn network_request_json_without_headers_still_parses_and_with_them_is_pairs() {
    use agentos_kernel::HttpMethod;
    assert_eq!(
        Syscall::from_json(r#"{"call":"network_request","method":"GET","url":"http://h/"}"#)
            .unwrap(),
        Syscall::NetworkRequest {
            method: HttpMethod::Get,
            url: "http://h/".into(),
            headers: vec![],
            body: None,
            timeout_ms: None,
        }
    );
    let call = Syscall::from_json(
        r#"{"call":"network_request","method":"PATCH","url":"http://h/",
            "headers":[["X-A","1"],["x-a","2"]],"timeout_ms":500}"#,
    )
    .unwrap();
    assert_eq!(
        call,
        Syscall::NetworkRequest {
            method: HttpMethod::Patch,
            url: "http://h/".into(),
            headers: vec![("X-A".into(), "1".into()), ("x-a".into(), "2".into())],
            body: None,
            timeout_ms: Some(500),
        }
    );
    let json: serde_json::Value = serde_json::from_str(&call.to_json()).unwrap();
    assert_eq!(
        json["headers"],
        serde_json::json!([["X-A", "1"], ["x-a", "2"]])
    );
    for method in ["PUT", "DELETE", "HEAD"] {
        let text = format!(r#"{{"call":"network_request","method":"{method}","url":"u"}}"#);
        assert!(Syscall::from_json(&text).is_ok(), "{method}");
    }
    for bad in [
        r#"{"call":"network_request","method":"get","url":"u"}"#,
        r#"{"call":"network_request","method":"GET","url":"u","headers":{"X":"1"}}"#,
        r#"{"call":"network_request","method":"GET","url":"u","headers":[["X"]]}"#,
    ] {
        assert!(Syscall::from_json(bad).is_err(), "{bad}");
    }
}
