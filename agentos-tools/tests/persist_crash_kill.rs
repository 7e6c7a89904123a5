//! Crash consistency of the registry and sessions: a real child process (this test binary,
//! re-executed with [`CHILD_DIR`] set) saves a package and a session over and over through the
//! kernel to a `LocalFs` on a tempdir and is killed with SIGKILL mid-save, 60 times. After
//! every kill a fresh kernel on the same directory loads every file, each is the old or the
//! new version of what was in flight, every completed save is there, and the temporaries a
//! kill leaves behind are never taken for data (and are swept when the fresh runtime starts).

use std::{
    collections::BTreeSet,
    io::{BufRead, BufReader, Write},
    path::Path,
    process::{Command, Stdio},
    sync::Arc,
};

use agentos_kernel::{Kernel, LocalFs, ambient_authority};
use agentos_tools::{Registry, Runtime, SavePackage, SaveSession};
use serde_json::json;

/// Set in the child: the host directory to mount at `/system`.
const CHILD_DIR: &str = "AGENTOS_CRASH_CHILD_DIR";
/// Set in the child: the first version number it writes.
const CHILD_FROM: &str = "AGENTOS_CRASH_CHILD_FROM";
const TEST_NAME: &str = "registry_and_sessions_are_old_or_new_after_sigkill";
const KILLS: u64 = 60;
/// Kills allowed while waiting for one to land mid-replace (timing decides where kills land).
const MAX_KILLS: u64 = 600;
const PROBE: &str = r#"{"app": {"id": "crash-probe", "name": "Crash Probe"}, "ui": {"title": "Crash Probe", "components": []}}"#;

fn runtime_on(dir: &Path) -> Runtime {
    let kernel = Kernel::new();
    let local = LocalFs::open_ambient(
        dir,
        agentos_kernel::LocalFsOptions {
            read_only: false,
            create: true,
        },
        ambient_authority(),
    )
    .unwrap();
    kernel.mount("/system", Arc::new(local)).unwrap();
    Runtime::new(kernel, Registry::builtin())
}

/// The child: saves version `n`, `n + 1`, … of the probe package and a session, announcing
/// each save on stdout, until it is killed (or its parent stops reading).
fn child(dir: &Path, from: u64) -> ! {
    let rt = runtime_on(dir);
    rt.load_packages().unwrap();
    let app = rt
        .launch(agentos_blueprint::parse(PROBE).into_result().unwrap())
        .unwrap();
    let mut out = std::io::stdout().lock();
    let mut say = |line: String| {
        if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
            std::process::exit(3);
        }
    };
    for n in from..from + 100_000 {
        say(format!("begin {n}"));
        rt.save_package(
            app,
            SavePackage {
                description: Some(format!("v{n}")),
                ..SavePackage::default()
            },
        )
        .unwrap();
        rt.save_session(SaveSession {
            name: format!("s{n}"),
            ui_state: json!({"n": n}),
            ..SaveSession::default()
        })
        .unwrap();
        say(format!("done {n}"));
    }
    std::process::exit(0)
}

/// What a fresh kernel finds: the probe package's version and every session's version.
fn load(dir: &Path) -> (Option<u64>, Vec<u64>) {
    let rt = runtime_on(dir);
    rt.load_packages()
        .expect("every registry file parses after a kill");
    let probes: Vec<u64> = rt
        .packages(None)
        .into_iter()
        .filter(|package| package.id.starts_with("crash-probe-"))
        .map(|package| {
            package
                .description
                .strip_prefix('v')
                .and_then(|n| n.parse().ok())
                .unwrap()
        })
        .collect();
    assert!(probes.len() <= 1, "one probe package, got {probes:?}");
    let mut sessions = Vec::new();
    for summary in rt
        .sessions()
        .expect("every session file parses after a kill")
    {
        let session = rt.session(&summary.id).unwrap();
        sessions.push(session["workspace"]["ui_state"]["n"].as_u64().unwrap());
    }
    sessions.sort_unstable();
    (probes.first().copied(), sessions)
}

/// Host files in `dir` that are not `.json` data: each must be an atomic-replace temporary.
fn temporaries(dir: &Path) -> usize {
    let mut count = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".json") {
            continue;
        }
        let temp = name.starts_with('.')
            && name
                .rsplit_once(".json.tmp-")
                .is_some_and(|(_, tail)| tail.split('-').all(|part| part.parse::<u64>().is_ok()));
        assert!(temp, "unexpected file {name} in {}", dir.display());
        count += 1;
    }
    count
}

#[test]
fn registry_and_sessions_are_old_or_new_after_sigkill() {
    if let (Ok(dir), Ok(from)) = (std::env::var(CHILD_DIR), std::env::var(CHILD_FROM)) {
        child(Path::new(&dir), from.parse().unwrap());
    }
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let mut next = 1;
    let mut done_max = 0;
    let mut leftovers = 0;
    // Versions whose save finished, and those a kill interrupted.
    let mut completed = BTreeSet::new();
    let mut interrupted = BTreeSet::new();
    // At least KILLS kills, and more (up to MAX_KILLS) until one has landed between a
    // temporary's creation and its rename, so the case the test exists for surely happened.
    for kill in 0..MAX_KILLS {
        if kill >= KILLS && leftovers > 0 {
            break;
        }
        // Kill while save number `target` is in flight (after 1 to 5 saves of this child).
        let target = next + kill % 5;
        let mut process = Command::new(&exe)
            .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
            .env(CHILD_DIR, dir.path())
            .env(CHILD_FROM, next.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(process.stdout.take().unwrap()).lines();
        let mut begun_max = done_max;
        let mut n_done = |n: u64| {
            if n > 0 {
                completed.insert(n);
            }
        };
        // The harness's own `test … ... ` may precede the first announcement on its line.
        let mut note = |line: &str, begun_max: &mut u64, done_max: &mut u64| {
            let number = |word: &str| {
                line.find(word)
                    .map(|at| line[at + word.len()..].trim().parse::<u64>().unwrap())
            };
            if let Some(n) = number("begin ") {
                *begun_max = n;
            } else if let Some(n) = number("done ") {
                *done_max = n;
            }
            n_done(*done_max);
        };
        for line in lines.by_ref() {
            let line = line.unwrap();
            note(&line, &mut begun_max, &mut done_max);
            if begun_max == target {
                break;
            }
        }
        assert_eq!(begun_max, target, "kill {kill}: the child stopped early");
        process.kill().unwrap(); // SIGKILL
        process.wait().unwrap();
        for line in lines {
            note(&line.unwrap(), &mut begun_max, &mut done_max);
        }

        if begun_max > done_max {
            interrupted.insert(begun_max);
        }
        let temps =
            |dir: &Path| temporaries(&dir.join("registry")) + temporaries(&dir.join("sessions"));
        leftovers += temps(dir.path());
        let (package, sessions) = load(dir.path());
        assert_eq!(
            temps(dir.path()),
            0,
            "kill {kill}: the fresh runtime swept the temporaries"
        );
        // The package is whole and is the last completed save (old) or a later one a kill
        // interrupted after its package was written (new); never anything older.
        let Some(package) = package else {
            assert_eq!(
                done_max, 0,
                "kill {kill}: the completed package save is lost"
            );
            next = begun_max + 1;
            continue;
        };
        assert!(
            (package == done_max || interrupted.contains(&package))
                && (done_max..=begun_max).contains(&package),
            "kill {kill}: package v{package}, done {done_max}, begun {begun_max}"
        );
        // Every completed session save is there and whole; an interrupted one may be too.
        let found: BTreeSet<u64> = sessions.iter().copied().collect();
        assert_eq!(
            found.len(),
            sessions.len(),
            "kill {kill}: duplicate session"
        );
        assert!(
            found.is_superset(&completed)
                && found
                    .iter()
                    .all(|n| completed.contains(n) || interrupted.contains(n)),
            "kill {kill}: sessions {sessions:?}, completed {completed:?}, interrupted {interrupted:?}"
        );
        next = begun_max + 1;
    }
    assert!(
        leftovers > 0,
        "no kill landed between a temporary's creation and its rename"
    );
}
