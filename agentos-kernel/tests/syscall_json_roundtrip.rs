//! Property: every `Syscall` survives its documented JSON form unchanged, and the form is the
//! documented one (`"call"` holds the reference name).

use agentos_kernel::{Pid, PipeId, QueueId, QueueKind, ShmId, Syscall};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![Just(String::new()), "[a-z/._ -]{0,12}", "\\PC{0,8}"]
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..32),
        "\\PC{0,16}".prop_map(String::into_bytes),
    ]
}

fn pid() -> impl Strategy<Value = Pid> {
    any::<u32>().prop_map(Pid)
}

fn filesystem() -> impl Strategy<Value = Syscall> {
    prop_oneof![
        text().prop_map(|path| Syscall::ReadFile { path }),
        (text(), bytes()).prop_map(|(path, data)| Syscall::WriteFile { path, data }),
        text().prop_map(|path| Syscall::CreateFile { path }),
        text().prop_map(|path| Syscall::DeleteFile { path }),
        text().prop_map(|path| Syscall::ListDirectory { path }),
        text().prop_map(|path| Syscall::FileExists { path }),
        text().prop_map(|path| Syscall::FileStat { path }),
        (text(), text()).prop_map(|(source, destination)| Syscall::MoveFile {
            source,
            destination
        }),
        (text(), text()).prop_map(|(source, destination)| Syscall::CopyFile {
            source,
            destination
        }),
        text().prop_map(|path| Syscall::CreateDirectory { path }),
    ]
}

fn filesystem_rest_and_system() -> impl Strategy<Value = Syscall> {
    prop_oneof![
        text().prop_map(|path| Syscall::RemoveDirectory { path }),
        Just(Syscall::GetWorkingDirectory),
        text().prop_map(|path| Syscall::SetWorkingDirectory { path }),
        (text(), any::<u64>()).prop_map(|(path, size)| Syscall::TruncateFile { path, size }),
        Just(Syscall::GetSystemInfo),
        Just(Syscall::GetCurrentTime),
        text().prop_map(|key| Syscall::GetEnvVar { key }),
        (text(), text()).prop_map(|(key, value)| Syscall::SetEnvVar { key, value }),
    ]
}

fn time_memory_fd() -> impl Strategy<Value = Syscall> {
    prop_oneof![
        any::<u64>().prop_map(|duration_ms| Syscall::Sleep { duration_ms }),
        Just(Syscall::GetUptime),
        Just(Syscall::GetMemoryStats),
        pid().prop_map(|target_pid| Syscall::GetProcessMemoryStats { target_pid }),
        prop::option::of(pid()).prop_map(|target_pid| Syscall::TriggerGc { target_pid }),
        (text(), any::<u32>(), any::<u32>()).prop_map(|(path, flags, mode)| Syscall::Open {
            path,
            flags,
            mode
        }),
        any::<u32>().prop_map(|fd| Syscall::Close { fd }),
        any::<u32>().prop_map(|fd| Syscall::Dup { fd }),
        (any::<u32>(), any::<u32>()).prop_map(|(oldfd, newfd)| Syscall::Dup2 { oldfd, newfd }),
        (any::<u32>(), any::<i64>(), any::<u32>())
            .prop_map(|(fd, offset, whence)| Syscall::Lseek { fd, offset, whence }),
    ]
}

fn fcntl_and_pipes() -> impl Strategy<Value = Syscall> {
    let pipe = || any::<u64>().prop_map(PipeId);
    prop_oneof![
        (any::<u32>(), any::<u32>(), any::<u64>()).prop_map(|(fd, cmd, arg)| Syscall::Fcntl {
            fd,
            cmd,
            arg
        }),
        (pid(), pid(), prop::option::of(any::<usize>())).prop_map(
            |(reader_pid, writer_pid, capacity)| {
                Syscall::CreatePipe {
                    reader_pid,
                    writer_pid,
                    capacity,
                }
            }
        ),
        (pipe(), bytes()).prop_map(|(pipe_id, data)| Syscall::WritePipe { pipe_id, data }),
        (pipe(), any::<usize>()).prop_map(|(pipe_id, size)| Syscall::ReadPipe { pipe_id, size }),
        pipe().prop_map(|pipe_id| Syscall::ClosePipe { pipe_id }),
        pipe().prop_map(|pipe_id| Syscall::DestroyPipe { pipe_id }),
        pipe().prop_map(|pipe_id| Syscall::PipeStats { pipe_id }),
    ]
}

fn shm() -> impl Strategy<Value = Syscall> {
    let segment = || any::<u64>().prop_map(ShmId);
    prop_oneof![
        any::<usize>().prop_map(|size| Syscall::CreateShm { size }),
        (segment(), any::<bool>()).prop_map(|(segment_id, read_only)| Syscall::AttachShm {
            segment_id,
            read_only
        }),
        segment().prop_map(|segment_id| Syscall::DetachShm { segment_id }),
        (segment(), any::<usize>(), bytes()).prop_map(|(segment_id, offset, data)| {
            Syscall::WriteShm {
                segment_id,
                offset,
                data,
            }
        }),
        (segment(), any::<usize>(), any::<usize>()).prop_map(|(segment_id, offset, size)| {
            Syscall::ReadShm {
                segment_id,
                offset,
                size,
            }
        }),
        segment().prop_map(|segment_id| Syscall::DestroyShm { segment_id }),
        segment().prop_map(|segment_id| Syscall::ShmStats { segment_id }),
    ]
}

fn queues() -> impl Strategy<Value = Syscall> {
    let queue = || any::<u64>().prop_map(QueueId);
    let kind = prop_oneof![
        Just(QueueKind::Fifo),
        Just(QueueKind::Priority),
        Just(QueueKind::PubSub)
    ];
    prop_oneof![
        (kind, prop::option::of(any::<usize>())).prop_map(|(queue_type, capacity)| {
            Syscall::CreateQueue {
                queue_type,
                capacity,
            }
        }),
        (queue(), bytes(), prop::option::of(any::<u8>())).prop_map(|(queue_id, data, priority)| {
            Syscall::SendQueue {
                queue_id,
                data,
                priority,
            }
        }),
        queue().prop_map(|queue_id| Syscall::ReceiveQueue { queue_id }),
        queue().prop_map(|queue_id| Syscall::SubscribeQueue { queue_id }),
        queue().prop_map(|queue_id| Syscall::UnsubscribeQueue { queue_id }),
        queue().prop_map(|queue_id| Syscall::CloseQueue { queue_id }),
        queue().prop_map(|queue_id| Syscall::DestroyQueue { queue_id }),
        queue().prop_map(|queue_id| Syscall::QueueStats { queue_id }),
    ]
}

fn syscall() -> impl Strategy<Value = Syscall> {
    prop_oneof![
        filesystem(),
        filesystem_rest_and_system(),
        time_memory_fd(),
        fcntl_and_pipes(),
        shm(),
        queues(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn every_syscall_round_trips_through_json(call in syscall()) {
        let json = call.to_json();
        let value: serde_json::Value = serde_json::from_str(&json).unwrap();
        prop_assert_eq!(value["call"].as_str(), Some(call.name()));
        prop_assert_eq!(Syscall::from_json(&json).unwrap(), call);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,64}") {
        let _ = Syscall::from_json(&text);
    }
}

#[test]
fn the_documented_forms_parse() {
    assert_eq!(
        Syscall::from_json(r#"{"call":"read_file","path":"/tmp/a"}"#).unwrap(),
        Syscall::ReadFile {
            path: "/tmp/a".into()
        }
    );
    assert_eq!(
        Syscall::from_json(r#"{"call":"write_file","path":"/tmp/a","data":"hi"}"#).unwrap(),
        Syscall::WriteFile {
            path: "/tmp/a".into(),
            data: b"hi".to_vec()
        }
    );
    assert_eq!(
        Syscall::from_json(r#"{"call":"write_file","path":"/tmp/a","data":{"base64":"/wA="}}"#)
            .unwrap(),
        Syscall::WriteFile {
            path: "/tmp/a".into(),
            data: vec![0xff, 0]
        }
    );
    assert_eq!(
        Syscall::from_json(r#"{"call":"send_queue","queue_id":3,"data":[1,2,3]}"#).unwrap(),
        Syscall::SendQueue {
            queue_id: QueueId(3),
            data: vec![1, 2, 3],
            priority: None
        }
    );
    assert_eq!(
        Syscall::WriteFile {
            path: "/b".into(),
            data: vec![0xff]
        }
        .to_json(),
        r#"{"call":"write_file","path":"/b","data":{"base64":"/w=="}}"#
    );
    assert_eq!(Syscall::GetUptime.to_json(), r#"{"call":"get_uptime"}"#);
    assert_eq!(
        Syscall::from_json(r#"{"call":"open","path":"/tmp/a"}"#).unwrap(),
        Syscall::Open {
            path: "/tmp/a".into(),
            flags: 0,
            mode: 0o644
        }
    );
    // The reference table has 76 calls; `network_request` needs the `http` feature.
    let expected = if cfg!(feature = "http") { 76 } else { 75 };
    assert_eq!(Syscall::names().len(), expected, "{:?}", Syscall::names());
}

#[test]
fn malformed_json_is_a_typed_error() {
    for bad in [
        r#"{"call":"read_file"}"#,
        r#"{"call":"read_file","path":"/a","extra":1}"#,
        r#"{"call":"spawn_everything"}"#,
        r#"{"path":"/a"}"#,
        r#"{"call":"write_file","path":"/a","data":{"base64":"!!"}}"#,
        r#"{"call":"write_file","path":"/a","data":[256]}"#,
        "not json",
    ] {
        let err = Syscall::from_json(bad).unwrap_err();
        assert!(
            matches!(err, agentos_kernel::Error::InvalidArgument(_)),
            "{bad}: {err}"
        );
    }
}

#[test]
fn outputs_have_a_documented_json_form() {
    use agentos_kernel::{Kernel, SandboxPolicy, SyscallOutput};
    let kernel = Kernel::new();
    let pid = kernel.create_process_with("root", SandboxPolicy::privileged());
    let run = |json: &str| -> serde_json::Value {
        let output = kernel
            .syscall(pid, Syscall::from_json(json).unwrap())
            .unwrap();
        serde_json::from_str(&output.to_json()).unwrap()
    };
    assert_eq!(
        run(r#"{"call":"write_file","path":"/tmp/a","data":"hi"}"#),
        serde_json::json!({"type":"none"})
    );
    assert_eq!(
        run(r#"{"call":"read_file","path":"/tmp/a"}"#),
        serde_json::json!({"type":"bytes","data":"hi"})
    );
    assert_eq!(
        run(r#"{"call":"file_exists","path":"/tmp/a"}"#),
        serde_json::json!({"type":"bool","value":true})
    );
    assert_eq!(
        run(r#"{"call":"list_directory","path":"/tmp"}"#),
        serde_json::json!({"type":"entries","entries":[{"name":"a","is_dir":false,"type":"file"}]})
    );
    let stat = run(r#"{"call":"file_stat","path":"/tmp/a"}"#);
    assert_eq!(
        (
            stat["type"].as_str(),
            stat["size"].as_u64(),
            stat["mode"].as_str()
        ),
        (Some("stat"), Some(2), Some("644"))
    );
    let time = run(r#"{"call":"get_current_time"}"#);
    assert!(time["value"]["secs"].as_u64().unwrap() > 1_700_000_000);
    assert_eq!(
        run(r#"{"call":"create_queue","queue_type":"fifo"}"#),
        serde_json::json!({"type":"queue_id","queue_id":1})
    );
    run(r#"{"call":"send_queue","queue_id":1,"data":{"base64":"AP8="}}"#);
    let message = run(r#"{"call":"receive_queue","queue_id":1}"#);
    assert_eq!(
        message["message"]["data"],
        serde_json::json!({"base64":"AP8="})
    );
    assert_eq!(message["message"]["from"], serde_json::json!(pid.0));
    assert_eq!(
        run(r#"{"call":"receive_queue","queue_id":1}"#),
        serde_json::json!({"type":"message","message":null})
    );
    assert_eq!(
        run(r#"{"call":"queue_stats","queue_id":1}"#)["queue_type"],
        serde_json::json!("fifo")
    );
    assert_eq!(
        SyscallOutput::Count(3).to_json(),
        r#"{"type":"count","value":3}"#
    );
}
