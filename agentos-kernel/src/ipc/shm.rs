//! Shared memory segments: zero-filled, bounds-checked, owned by one PID, attached read-write or
//! read-only by others; reads hand out shared bytes without copying.

use std::{
    collections::BTreeMap,
    ops::Deref,
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
    ipc::budget::Budget,
    process::Pid,
};

/// Largest segment: 100 MB.
pub const SHM_MAX_SEGMENT: usize = 100 * 1024 * 1024;
/// Segments one PID may own.
pub const SHM_SEGMENTS_PER_PROCESS: usize = 10;
/// Bytes of all segments together: 500 MB.
pub const SHM_GLOBAL_BYTES: u64 = 500 * 1024 * 1024;

/// Identifies a segment. Ids start at 1 and are never reused within a kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ShmId(pub u64);

impl std::fmt::Display for ShmId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "shm segment {}", self.0)
    }
}

/// A snapshot of one segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShmStats {
    /// The segment.
    pub id: ShmId,
    /// Its size in bytes.
    pub size: usize,
    /// The PID that created it and alone may destroy it.
    pub owner_pid: Pid,
    /// Every attached PID (the owner included), ascending.
    pub attached_pids: Vec<Pid>,
    /// The attached PIDs that may only read, ascending.
    pub read_only_pids: Vec<Pid>,
}

/// Bytes read from a segment. They share the segment's memory until the next write to it,
/// which copies the segment instead of changing bytes a reader holds.
#[derive(Debug, Clone)]
pub struct SharedBytes {
    data: Arc<Vec<u8>>,
    start: usize,
    end: usize,
}

impl Deref for SharedBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.data[self.start..self.end]
    }
}

impl PartialEq<[u8]> for SharedBytes {
    fn eq(&self, other: &[u8]) -> bool {
        **self == *other
    }
}

struct Segment {
    id: ShmId,
    owner: Pid,
    size: usize,
    data: RwLock<Arc<Vec<u8>>>,
    /// Attached PID → read-only.
    attachments: Mutex<BTreeMap<Pid, bool>>,
}

/// Every segment of a kernel.
pub(crate) struct ShmTable {
    segments: RwLock<IdMap<ShmId, Arc<Segment>>>,
    per_owner: Mutex<IdMap<Pid, usize>>,
    next_id: AtomicU64,
    budget: Budget,
    bytes_moved: AtomicU64,
}

impl Default for ShmTable {
    fn default() -> ShmTable {
        ShmTable {
            segments: RwLock::new(IdMap::default()),
            per_owner: Mutex::new(IdMap::default()),
            next_id: AtomicU64::new(1),
            budget: Budget::new("global shared memory bytes", SHM_GLOBAL_BYTES),
            bytes_moved: AtomicU64::new(0),
        }
    }
}

impl ShmTable {
    /// Creates a zero-filled segment owned (and attached read-write) by `owner`.
    pub(crate) fn create(&self, owner: Pid, size: usize) -> Result<ShmId> {
        if size == 0 {
            return Err(Error::InvalidArgument(
                "shared memory size cannot be zero".into(),
            ));
        }
        if size > SHM_MAX_SEGMENT {
            return Err(Error::LimitExceeded {
                what: "shared memory segment bytes".into(),
                used: size as u64,
                limit: SHM_MAX_SEGMENT as u64,
            });
        }
        let mut per_owner = self.per_owner.lock();
        let owned = per_owner.get(&owner).copied().unwrap_or(0);
        if owned >= SHM_SEGMENTS_PER_PROCESS {
            return Err(Error::LimitExceeded {
                what: format!("shared memory segments of pid {owner}"),
                used: owned as u64 + 1,
                limit: SHM_SEGMENTS_PER_PROCESS as u64,
            });
        }
        self.budget.reserve(size as u64)?;
        *per_owner.entry(owner).or_insert(0) += 1;
        drop(per_owner);
        let id = ShmId(self.next_id.fetch_add(1, Ordering::Relaxed));
        let segment = Arc::new(Segment {
            id,
            owner,
            size,
            data: RwLock::new(Arc::new(vec![0; size])),
            attachments: Mutex::new(BTreeMap::from([(owner, false)])),
        });
        self.segments.write().insert(id, segment);
        Ok(id)
    }

    fn get(&self, id: ShmId) -> Result<Arc<Segment>> {
        self.segments
            .read()
            .get(&id)
            .cloned()
            .ok_or_else(|| Error::NotFound(id.to_string()))
    }

    /// Attaches `pid`, read-only or read-write. The owner always stays read-write.
    pub(crate) fn attach(&self, pid: Pid, id: ShmId, read_only: bool) -> Result<()> {
        let segment = self.get(id)?;
        let read_only = read_only && pid != segment.owner;
        segment.attachments.lock().insert(pid, read_only);
        Ok(())
    }

    /// Detaches `pid`.
    pub(crate) fn detach(&self, pid: Pid, id: ShmId) -> Result<()> {
        let segment = self.get(id)?;
        match segment.attachments.lock().remove(&pid) {
            Some(_) => Ok(()),
            None => Err(not_attached(pid, id)),
        }
    }

    /// Writes `data` at `offset`; needs a read-write attachment.
    pub(crate) fn write(&self, pid: Pid, id: ShmId, offset: usize, data: &[u8]) -> Result<()> {
        let segment = self.get(id)?;
        match segment.attachments.lock().get(&pid) {
            Some(false) => {}
            Some(true) => {
                return Err(Error::NotPermitted {
                    pid,
                    object: id.to_string(),
                    reason: "attached read-only; write permission required".into(),
                });
            }
            None => return Err(not_attached(pid, id)),
        }
        let end = segment.check_range(offset, data.len())?;
        let mut shared = segment.data.write();
        Arc::make_mut(&mut shared)[offset..end].copy_from_slice(data);
        self.bytes_moved
            .fetch_add(data.len() as u64, Ordering::Relaxed);
        Ok(())
    }

    /// Reads `len` bytes at `offset` without copying; needs any attachment.
    pub(crate) fn read(
        &self,
        pid: Pid,
        id: ShmId,
        offset: usize,
        len: usize,
    ) -> Result<SharedBytes> {
        let segment = self.get(id)?;
        if !segment.attachments.lock().contains_key(&pid) {
            return Err(not_attached(pid, id));
        }
        let end = segment.check_range(offset, len)?;
        let data = segment.data.read().clone();
        self.bytes_moved.fetch_add(len as u64, Ordering::Relaxed);
        Ok(SharedBytes {
            data,
            start: offset,
            end,
        })
    }

    /// Frees the segment; only its owner may.
    pub(crate) fn destroy(&self, pid: Pid, id: ShmId) -> Result<()> {
        let segment = self.get(id)?;
        if segment.owner != pid {
            return Err(Error::NotPermitted {
                pid,
                object: id.to_string(),
                reason: "only the owner can destroy the segment".into(),
            });
        }
        self.remove(id);
        Ok(())
    }

    fn remove(&self, id: ShmId) {
        let Some(segment) = self.segments.write().remove(&id) else {
            return;
        };
        self.budget.release(segment.size as u64);
        let mut per_owner = self.per_owner.lock();
        if let Some(count) = per_owner.get_mut(&segment.owner) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                per_owner.remove(&segment.owner);
            }
        }
    }

    pub(crate) fn stats(&self, id: ShmId) -> Result<ShmStats> {
        let segment = self.get(id)?;
        let attachments = segment.attachments.lock();
        Ok(ShmStats {
            id,
            size: segment.size,
            owner_pid: segment.owner,
            attached_pids: attachments.keys().copied().collect(),
            read_only_pids: attachments
                .iter()
                .filter(|(_, read_only)| **read_only)
                .map(|(pid, _)| *pid)
                .collect(),
        })
    }

    /// Destroys the segments `pid` owns and detaches it from the others.
    pub(crate) fn cleanup(&self, pid: Pid) {
        let segments: Vec<Arc<Segment>> = self.segments.read().values().cloned().collect();
        for segment in segments {
            if segment.owner == pid {
                self.remove(segment.id);
            } else {
                segment.attachments.lock().remove(&pid);
            }
        }
    }

    /// Destroys segments nobody is attached to any more and returns the bytes freed. With a
    /// PID, only segments it owns.
    pub(crate) fn collect_garbage(&self, pid: Option<Pid>) -> u64 {
        let doomed: Vec<(ShmId, usize)> = self
            .segments
            .read()
            .values()
            .filter(|segment| pid.is_none_or(|pid| segment.owner == pid))
            .filter(|segment| segment.attachments.lock().is_empty())
            .map(|segment| (segment.id, segment.size))
            .collect();
        doomed
            .into_iter()
            .map(|(id, size)| {
                self.remove(id);
                size as u64
            })
            .sum()
    }

    /// Bytes and number of segments `pid` owns.
    /// [`Self::usage_of`] for every PID at once, in one pass.
    pub(crate) fn usage_all(&self) -> std::collections::HashMap<Pid, (u64, u64)> {
        let mut usage: std::collections::HashMap<Pid, (u64, u64)> =
            std::collections::HashMap::new();
        for segment in self.segments.read().values() {
            let entry = usage.entry(segment.owner).or_default();
            entry.0 += segment.size as u64;
            entry.1 += 1;
        }
        usage
    }

    pub(crate) fn usage_of(&self, pid: Pid) -> (u64, u64) {
        self.segments
            .read()
            .values()
            .filter(|segment| segment.owner == pid)
            .fold((0, 0), |(bytes, count), segment| {
                (bytes + segment.size as u64, count + 1)
            })
    }

    pub(crate) fn reserved_bytes(&self) -> u64 {
        self.budget.used()
    }

    pub(crate) fn count(&self) -> usize {
        self.segments.read().len()
    }

    pub(crate) fn bytes_moved(&self) -> u64 {
        self.bytes_moved.load(Ordering::Relaxed)
    }
}

impl Segment {
    fn check_range(&self, offset: usize, len: usize) -> Result<usize> {
        match offset.checked_add(len) {
            Some(end) if end <= self.size => Ok(end),
            _ => Err(Error::InvalidArgument(format!(
                "{}: offset {offset}, size {len} outside segment size {}",
                self.id, self.size
            ))),
        }
    }
}

fn not_attached(pid: Pid, id: ShmId) -> Error {
    Error::NotPermitted {
        pid,
        object: id.to_string(),
        reason: "not attached; read permission required".into(),
    }
}
