//! Byte pipes between a reader PID and a writer PID: bounded buffers, partial writes,
//! would-block and EOF semantics, per-PID and global limits, and awaiting read and write.

use std::{
    collections::VecDeque,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
};

use parking_lot::{Mutex, RwLock};
use serde::{Deserialize, Serialize};

use crate::{
    error::{Error, Result},
    id_hash::IdMap,
    ipc::{budget::Budget, signal::Signal},
    process::Pid,
};

/// Default pipe capacity: 64 KB.
pub const PIPE_DEFAULT_CAPACITY: usize = 64 * 1024;
/// Largest pipe capacity; larger requests are clamped to it: 1 MB.
pub const PIPE_MAX_CAPACITY: usize = 1024 * 1024;
/// Pipes one PID may be an endpoint of.
pub const PIPES_PER_PROCESS: usize = 100;
/// Capacity reserved by all pipes together: 50 MB.
pub const PIPE_GLOBAL_BYTES: u64 = 50 * 1024 * 1024;

/// Identifies a pipe. Ids start at 1 and are never reused within a kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PipeId(pub u64);

impl std::fmt::Display for PipeId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "pipe {}", self.0)
    }
}

/// A snapshot of one pipe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipeStats {
    /// The pipe.
    pub id: PipeId,
    /// The PID allowed to read.
    pub reader_pid: Pid,
    /// The PID allowed to write.
    pub writer_pid: Pid,
    /// Buffer capacity in bytes.
    pub capacity: usize,
    /// Bytes waiting to be read.
    pub buffered: usize,
    /// True once either end closed it.
    pub closed: bool,
}

struct Pipe {
    id: PipeId,
    reader: Pid,
    writer: Pid,
    capacity: usize,
    state: Mutex<PipeState>,
    readable: Signal,
    writable: Signal,
}

struct PipeState {
    buffer: VecDeque<u8>,
    closed: bool,
    destroyed: bool,
}

/// Every pipe of a kernel.
pub(crate) struct PipeTable {
    pipes: RwLock<IdMap<PipeId, Arc<Pipe>>>,
    per_pid: Mutex<IdMap<Pid, usize>>,
    next_id: AtomicU64,
    budget: Budget,
    bytes_moved: AtomicU64,
}

impl Default for PipeTable {
    fn default() -> PipeTable {
        PipeTable {
            pipes: RwLock::new(IdMap::default()),
            per_pid: Mutex::new(IdMap::default()),
            next_id: AtomicU64::new(1),
            budget: Budget::new("global pipe memory bytes", PIPE_GLOBAL_BYTES),
            bytes_moved: AtomicU64::new(0),
        }
    }
}

impl PipeTable {
    /// Creates a pipe from `writer` to `reader` with `capacity` (default 64 KB, clamped to 1 MB).
    pub(crate) fn create(
        &self,
        reader: Pid,
        writer: Pid,
        capacity: Option<usize>,
    ) -> Result<PipeId> {
        let capacity = capacity
            .unwrap_or(PIPE_DEFAULT_CAPACITY)
            .min(PIPE_MAX_CAPACITY);
        if capacity == 0 {
            return Err(Error::InvalidArgument(
                "pipe capacity must be above 0".into(),
            ));
        }
        let mut per_pid = self.per_pid.lock();
        for pid in endpoints(reader, writer) {
            let used = per_pid.get(&pid).copied().unwrap_or(0);
            if used >= PIPES_PER_PROCESS {
                return Err(Error::LimitExceeded {
                    what: format!("pipes of pid {pid}"),
                    used: used as u64 + 1,
                    limit: PIPES_PER_PROCESS as u64,
                });
            }
        }
        self.budget.reserve(capacity as u64)?;
        for pid in endpoints(reader, writer) {
            *per_pid.entry(pid).or_insert(0) += 1;
        }
        drop(per_pid);
        let id = PipeId(self.next_id.fetch_add(1, Ordering::Relaxed));
        let pipe = Arc::new(Pipe {
            id,
            reader,
            writer,
            capacity,
            state: Mutex::new(PipeState {
                buffer: VecDeque::new(),
                closed: false,
                destroyed: false,
            }),
            readable: Signal::default(),
            writable: Signal::default(),
        });
        self.pipes.write().insert(id, pipe);
        Ok(id)
    }

    fn get(&self, id: PipeId) -> Result<Arc<Pipe>> {
        self.pipes
            .read()
            .get(&id)
            .cloned()
            .ok_or_else(|| Error::NotFound(id.to_string()))
    }

    /// Writes as much of `data` as fits and returns the count.
    pub(crate) fn write(&self, pid: Pid, id: PipeId, data: &[u8]) -> Result<usize> {
        let pipe = self.get(id)?;
        let written = pipe.try_write(pid, data)?;
        self.bytes_moved
            .fetch_add(written as u64, Ordering::Relaxed);
        Ok(written)
    }

    /// Reads up to `max` bytes; an empty result means end of file.
    pub(crate) fn read(&self, pid: Pid, id: PipeId, max: usize) -> Result<Vec<u8>> {
        self.get(id)?.try_read(pid, max)
    }

    /// Waits for free space, then writes as much of `data` as fits.
    pub(crate) async fn write_async(&self, pid: Pid, id: PipeId, data: &[u8]) -> Result<usize> {
        let pipe = self.get(id)?;
        loop {
            let seen = pipe.writable.generation();
            match pipe.try_write(pid, data) {
                Err(Error::WouldBlock(_)) => pipe.writable.changed(seen).await,
                Ok(written) => {
                    self.bytes_moved
                        .fetch_add(written as u64, Ordering::Relaxed);
                    return Ok(written);
                }
                Err(other) => return Err(other),
            }
        }
    }

    /// Waits for data or end of file, then reads up to `max` bytes.
    pub(crate) async fn read_async(&self, pid: Pid, id: PipeId, max: usize) -> Result<Vec<u8>> {
        let pipe = self.get(id)?;
        loop {
            let seen = pipe.readable.generation();
            match pipe.try_read(pid, max) {
                Err(Error::WouldBlock(_)) => pipe.readable.changed(seen).await,
                other => return other,
            }
        }
    }

    /// Marks the pipe closed; only its reader or writer may.
    pub(crate) fn close(&self, pid: Pid, id: PipeId) -> Result<()> {
        let pipe = self.get(id)?;
        if pid != pipe.reader && pid != pipe.writer {
            return Err(not_endpoint(pid, id));
        }
        pipe.state.lock().closed = true;
        pipe.wake_all();
        Ok(())
    }

    /// Frees the pipe; only its reader or writer may.
    pub(crate) fn destroy(&self, pid: Pid, id: PipeId) -> Result<()> {
        let pipe = self.get(id)?;
        if pid != pipe.reader && pid != pipe.writer {
            return Err(not_endpoint(pid, id));
        }
        self.remove(id);
        Ok(())
    }

    fn remove(&self, id: PipeId) {
        let Some(pipe) = self.pipes.write().remove(&id) else {
            return;
        };
        {
            let mut state = pipe.state.lock();
            state.destroyed = true;
            state.closed = true;
            state.buffer = VecDeque::new();
        }
        self.budget.release(pipe.capacity as u64);
        let mut per_pid = self.per_pid.lock();
        for pid in endpoints(pipe.reader, pipe.writer) {
            if let Some(count) = per_pid.get_mut(&pid) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    per_pid.remove(&pid);
                }
            }
        }
        drop(per_pid);
        pipe.wake_all();
    }

    pub(crate) fn stats(&self, id: PipeId) -> Result<PipeStats> {
        let pipe = self.get(id)?;
        let state = pipe.state.lock();
        Ok(PipeStats {
            id,
            reader_pid: pipe.reader,
            writer_pid: pipe.writer,
            capacity: pipe.capacity,
            buffered: state.buffer.len(),
            closed: state.closed,
        })
    }

    /// Destroys every pipe `pid` is an endpoint of.
    pub(crate) fn cleanup(&self, pid: Pid) {
        let doomed: Vec<PipeId> = self
            .pipes
            .read()
            .values()
            .filter(|pipe| pipe.reader == pid || pipe.writer == pid)
            .map(|pipe| pipe.id)
            .collect();
        for id in doomed {
            self.remove(id);
        }
    }

    /// Destroys closed pipes with nothing left to read and returns the bytes freed. With a PID,
    /// only pipes it is an endpoint of.
    pub(crate) fn collect_garbage(&self, pid: Option<Pid>) -> u64 {
        let doomed: Vec<(PipeId, usize)> = self
            .pipes
            .read()
            .values()
            .filter(|pipe| pid.is_none_or(|pid| pipe.reader == pid || pipe.writer == pid))
            .filter(|pipe| {
                let state = pipe.state.lock();
                state.closed && state.buffer.is_empty()
            })
            .map(|pipe| (pipe.id, pipe.capacity))
            .collect();
        doomed
            .into_iter()
            .map(|(id, capacity)| {
                self.remove(id);
                capacity as u64
            })
            .sum()
    }

    /// Capacity reserved by `pid`'s pipes (as writer) and the number of such pipes.
    /// [`Self::usage_of`] for every PID at once, in one pass.
    pub(crate) fn usage_all(&self) -> std::collections::HashMap<Pid, (u64, u64)> {
        let mut usage: std::collections::HashMap<Pid, (u64, u64)> =
            std::collections::HashMap::new();
        for pipe in self.pipes.read().values() {
            let entry = usage.entry(pipe.writer).or_default();
            entry.0 += pipe.capacity as u64;
            entry.1 += 1;
        }
        usage
    }

    pub(crate) fn usage_of(&self, pid: Pid) -> (u64, u64) {
        let pipes = self.pipes.read();
        let mine = pipes.values().filter(|pipe| pipe.writer == pid);
        mine.fold((0, 0), |(bytes, count), pipe| {
            (bytes + pipe.capacity as u64, count + 1)
        })
    }

    pub(crate) fn reserved_bytes(&self) -> u64 {
        self.budget.used()
    }

    pub(crate) fn count(&self) -> usize {
        self.pipes.read().len()
    }

    pub(crate) fn bytes_moved(&self) -> u64 {
        self.bytes_moved.load(Ordering::Relaxed)
    }
}

impl Pipe {
    fn try_write(&self, pid: Pid, data: &[u8]) -> Result<usize> {
        if pid != self.writer {
            return Err(Error::NotPermitted {
                pid,
                object: self.id.to_string(),
                reason: "not the write end".into(),
            });
        }
        let mut state = self.state.lock();
        if state.destroyed {
            return Err(Error::NotFound(self.id.to_string()));
        }
        if state.closed {
            return Err(Error::Closed(self.id.to_string()));
        }
        if data.is_empty() {
            return Ok(0);
        }
        let free = self.capacity - state.buffer.len();
        if free == 0 {
            return Err(Error::WouldBlock(format!("{} buffer full", self.id)));
        }
        let n = free.min(data.len());
        state.buffer.extend(&data[..n]);
        drop(state);
        self.readable.notify();
        Ok(n)
    }

    fn try_read(&self, pid: Pid, max: usize) -> Result<Vec<u8>> {
        if pid != self.reader {
            return Err(Error::NotPermitted {
                pid,
                object: self.id.to_string(),
                reason: "not the read end".into(),
            });
        }
        let mut state = self.state.lock();
        if state.destroyed {
            return Err(Error::NotFound(self.id.to_string()));
        }
        if state.buffer.is_empty() {
            return if state.closed || max == 0 {
                Ok(Vec::new())
            } else {
                Err(Error::WouldBlock(format!("{} has no data", self.id)))
            };
        }
        let n = max.min(state.buffer.len());
        let mut out = Vec::with_capacity(n);
        let (front, back) = state.buffer.as_slices();
        let from_front = n.min(front.len());
        out.extend_from_slice(&front[..from_front]);
        out.extend_from_slice(&back[..n - from_front]);
        state.buffer.drain(..n);
        drop(state);
        self.writable.notify();
        Ok(out)
    }

    fn wake_all(&self) {
        self.readable.notify();
        self.writable.notify();
    }
}

fn endpoints(reader: Pid, writer: Pid) -> impl Iterator<Item = Pid> {
    std::iter::once(reader).chain((writer != reader).then_some(writer))
}

fn not_endpoint(pid: Pid, id: PipeId) -> Error {
    Error::NotPermitted {
        pid,
        object: id.to_string(),
        reason: "not an endpoint of the pipe".into(),
    }
}
