//! `auth.*`: register, login, logout, verify, getUser. Passwords are hashed with Argon2id
//! (PHC strings); tokens are 32 random bytes (hex) with an expiry. Users and live tokens are
//! persisted through the kernel by the runtime's own PID in `<data_root>/users/` (one file per
//! user, `tokens.json` for sessions), replaced atomically, and loaded on first use.

use std::collections::BTreeMap;

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier, password_hash::SaltString};
use serde_json::{Map, Value, json};

use super::{add, object};
use crate::{
    error::{Error, Result},
    kernel_io,
    registry::Registry,
    runtime::Runtime,
    services::now_ms,
    tool::{ToolCx, ToolSpec, invalid, opt_str, req_str},
};

const USER_FORMAT: &str = "agentos.user/1";
const TOKENS_FORMAT: &str = "agentos.tokens/1";

/// Users and tokens, loaded from the kernel on first use.
#[derive(Default)]
pub(crate) struct AuthStore {
    loaded: bool,
    /// username → user record.
    users: BTreeMap<String, Value>,
    /// token → {user_id, username, expires_at_ms}.
    tokens: BTreeMap<String, Value>,
}

pub(crate) fn register(registry: &mut Registry) {
    let creds = json!({"username": {"type": "string"}, "password": {"type": "string"}, "email": {"type": "string", "maxLength": 255}});
    let token = object(
        json!({"token": {"type": "string", "minLength": 1, "maxLength": 256}}),
        &["token"],
    );
    add(
        registry,
        ToolSpec::new(
            "auth.register",
            "Creates user `username` (3-64 of A-Z a-z 0-9 _) with `password` (8-128 characters) and optional `email`.",
            object(creds.clone(), &["username", "password"]),
        ),
        register_user,
    );
    add(
        registry,
        ToolSpec::new(
            "auth.login",
            "Checks the password and returns a token valid for the configured lifetime.",
            object(creds, &["username", "password"]),
        ),
        login,
    );
    add(
        registry,
        ToolSpec::new("auth.logout", "Invalidates `token`.", token.clone()),
        logout,
    );
    add(
        registry,
        ToolSpec::new(
            "auth.verify",
            "Whether `token` is valid (and whose it is), or why not.",
            token.clone(),
        ),
        verify,
    );
    add(
        registry,
        ToolSpec::new("auth.getUser", "The user `token` belongs to.", token),
        get_user,
    );
}

/// Runs `op` on the store of `runtime`, loading it from the kernel first if needed.
fn with_store<T>(runtime: &Runtime, op: impl FnOnce(&mut AuthStore) -> Result<T>) -> Result<T> {
    let mut store = runtime.inner.services.auth.lock();
    if !store.loaded {
        load(runtime, &mut store)?;
        store.loaded = true;
    }
    op(&mut store)
}

fn dir(runtime: &Runtime) -> String {
    runtime.system_path("users")
}

fn load(runtime: &Runtime, store: &mut AuthStore) -> Result<()> {
    let (kernel, pid) = (&runtime.inner.kernel, runtime.inner.system_pid);
    let dir = dir(runtime);
    for entry in kernel_io::list(kernel, pid, &dir)? {
        let path = format!("{dir}/{}", entry.name);
        let corrupt = |reason: String| Error::Corrupt {
            path: path.clone(),
            reason,
        };
        if entry.is_dir || !entry.name.ends_with(".json") {
            continue;
        }
        let value: Value = serde_json::from_slice(&kernel_io::read(kernel, pid, &path)?)
            .map_err(|e| corrupt(e.to_string()))?;
        match value.get("format").and_then(Value::as_str) {
            Some(USER_FORMAT) => {
                let username = value["username"]
                    .as_str()
                    .ok_or_else(|| corrupt("missing username".to_owned()))?
                    .to_owned();
                store.users.insert(username, value);
            }
            Some(TOKENS_FORMAT) => {
                if let Some(tokens) = value.get("tokens").and_then(Value::as_object) {
                    store.tokens = tokens.clone().into_iter().collect();
                }
            }
            _ => return Err(corrupt("unknown format".to_owned())),
        }
    }
    Ok(())
}

fn save_tokens(runtime: &Runtime, store: &mut AuthStore) -> Result<()> {
    let now = now_ms();
    store
        .tokens
        .retain(|_, t| t["expires_at_ms"].as_u64().unwrap_or(0) > now);
    let file = json!({"format": TOKENS_FORMAT, "tokens": store.tokens});
    let bytes = serde_json::to_vec(&file).map_err(|e| Error::Corrupt {
        path: "tokens.json".to_owned(),
        reason: e.to_string(),
    })?;
    kernel_io::atomic_replace(
        &runtime.inner.kernel,
        runtime.inner.system_pid,
        &format!("{}/tokens.json", dir(runtime)),
        &bytes,
    )
}

fn random_hex(bytes: usize) -> Result<String> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| Error::Failed {
        tool: "auth".to_owned(),
        reason: format!("no randomness: {e}"),
    })?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

fn register_user(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    const TOOL: &str = "auth.register";
    let username = req_str(TOOL, args, "username")?;
    let password = req_str(TOOL, args, "password")?;
    let email = opt_str(args, "email").unwrap_or("");
    if !(3..=64).contains(&username.len())
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(invalid(
            TOOL,
            "username",
            "must be 3-64 characters of A-Z a-z 0-9 _",
        ));
    }
    if !(8..=128).contains(&password.chars().count()) {
        return Err(invalid(TOOL, "password", "must have 8-128 characters"));
    }
    if !email.is_empty()
        && !email.split_once('@').is_some_and(|(u, d)| {
            !u.is_empty() && d.contains('.') && !email.contains(char::is_whitespace)
        })
    {
        return Err(invalid(TOOL, "email", "is not an email address"));
    }
    let runtime = cx.runtime(TOOL)?;
    with_store(runtime, |store| {
        if store.users.contains_key(username) {
            return Err(Error::Failed {
                tool: TOOL.to_owned(),
                reason: "username already exists".to_owned(),
            });
        }
        let salt =
            SaltString::encode_b64(random_hex(16)?.as_bytes()).map_err(|e| Error::Failed {
                tool: TOOL.to_owned(),
                reason: e.to_string(),
            })?;
        let hash = Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map_err(|e| Error::Failed {
                tool: TOOL.to_owned(),
                reason: e.to_string(),
            })?
            .to_string();
        let user_id = format!("user-{}", random_hex(8)?);
        let user = json!({"format": USER_FORMAT, "user_id": user_id, "username": username, "email": email, "password_hash": hash, "created_at_ms": now_ms()});
        let bytes = serde_json::to_vec(&user).map_err(|e| Error::Corrupt {
            path: user_id.clone(),
            reason: e.to_string(),
        })?;
        kernel_io::atomic_replace(
            &runtime.inner.kernel,
            runtime.inner.system_pid,
            &format!("{}/{user_id}.json", dir(runtime)),
            &bytes,
        )?;
        store.users.insert(username.to_owned(), user);
        Ok(json!({"user_id": user_id, "username": username, "email": email}))
    })
}

fn login(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    const TOOL: &str = "auth.login";
    let username = req_str(TOOL, args, "username")?;
    let password = req_str(TOOL, args, "password")?;
    let runtime = cx.runtime(TOOL)?;
    let ttl_ms = runtime.config().token_ttl_secs.saturating_mul(1000);
    with_store(runtime, |store| {
        let denied = || Error::Failed {
            tool: TOOL.to_owned(),
            reason: "invalid credentials".to_owned(),
        };
        let user = store.users.get(username).ok_or_else(denied)?;
        let hash = user["password_hash"].as_str().unwrap_or_default();
        let parsed = PasswordHash::new(hash).map_err(|_| denied())?;
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .map_err(|_| denied())?;
        let token = random_hex(32)?;
        let expires_at_ms = now_ms().saturating_add(ttl_ms);
        let user_id = user["user_id"].clone();
        store.tokens.insert(
            token.clone(),
            json!({"user_id": user_id, "username": username, "expires_at_ms": expires_at_ms}),
        );
        save_tokens(runtime, store)?;
        Ok(
            json!({"token": token, "user_id": user_id, "username": username, "expires_at": expires_at_ms / 1000}),
        )
    })
}

fn logout(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let token = req_str("auth.logout", args, "token")?;
    let runtime = cx.runtime("auth.logout")?;
    with_store(runtime, |store| {
        let removed = store.tokens.remove(token).is_some();
        if removed {
            save_tokens(runtime, store)?;
        }
        Ok(json!({"logged_out": removed}))
    })
}

fn verify(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let token = req_str("auth.verify", args, "token")?;
    with_store(cx.runtime("auth.verify")?, |store| {
        Ok(match store.tokens.get(token) {
            None => json!({"valid": false}),
            Some(t) if t["expires_at_ms"].as_u64().unwrap_or(0) <= now_ms() => {
                json!({"valid": false, "reason": "expired"})
            }
            Some(t) => {
                json!({"valid": true, "user_id": t["user_id"], "expires_at": t["expires_at_ms"].as_u64().unwrap_or(0) / 1000})
            }
        })
    })
}

fn get_user(cx: &mut ToolCx<'_>, args: &Map<String, Value>) -> Result<Value> {
    let token = req_str("auth.getUser", args, "token")?;
    with_store(cx.runtime("auth.getUser")?, |store| {
        let invalid_token = || Error::Failed {
            tool: "auth.getUser".to_owned(),
            reason: "invalid or expired token".to_owned(),
        };
        let t = store
            .tokens
            .get(token)
            .filter(|t| t["expires_at_ms"].as_u64().unwrap_or(0) > now_ms())
            .ok_or_else(invalid_token)?;
        let user = store
            .users
            .get(t["username"].as_str().unwrap_or_default())
            .ok_or_else(invalid_token)?;
        Ok(
            json!({"user_id": user["user_id"], "username": user["username"], "email": user["email"]}),
        )
    })
}
