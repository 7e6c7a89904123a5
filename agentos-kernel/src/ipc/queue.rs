//! Message queues owned by a PID: FIFO, priority (highest first, FIFO among equals) and
//! pub/sub (every subscriber gets every message), with capacities, a global byte limit and an
//! awaiting receive.

use std::{
    cmp::Ordering as CmpOrdering,
    collections::{BinaryHeap, VecDeque},
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::SystemTime,
};

use parking_lot::{Mutex, RwLock};
use serde::{Deserialize, Serialize};

use crate::{
    clock::coarse_now,
    error::{Error, Result},
    id_hash::IdMap,
    ipc::{budget::Budget, signal::Signal},
    process::Pid,
};

/// Default queue capacity in messages.
pub const QUEUE_DEFAULT_CAPACITY: usize = 1000;
/// Largest queue capacity; larger requests are clamped to it.
pub const QUEUE_MAX_CAPACITY: usize = 10_000;
/// Largest message: 1 MB.
pub const QUEUE_MAX_MESSAGE: usize = 1024 * 1024;
/// Queues one PID may own.
pub const QUEUES_PER_PROCESS: usize = 100;
/// Bytes of all queued messages together: 100 MB.
pub const QUEUE_GLOBAL_BYTES: u64 = 100 * 1024 * 1024;

/// Identifies a queue. Ids start at 1 and are never reused within a kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct QueueId(pub u64);

impl std::fmt::Display for QueueId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "queue {}", self.0)
    }
}

/// How a queue delivers messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum QueueKind {
    /// First in, first out.
    Fifo,
    /// Highest priority first; first in, first out among equal priorities.
    Priority,
    /// Every subscriber receives every message sent after it subscribed. Each subscriber's
    /// backlog holds at most the queue's capacity; a send that would overflow any backlog fails
    /// for all subscribers, so none misses a message another got.
    #[serde(rename = "pubsub")]
    PubSub,
}

impl QueueKind {
    /// Parses the reference's names `fifo`, `priority`, `pubsub` (case-insensitive).
    ///
    /// # Errors
    /// `InvalidArgument` for any other name.
    pub fn from_name(name: &str) -> Result<QueueKind> {
        match name.to_ascii_lowercase().as_str() {
            "fifo" => Ok(QueueKind::Fifo),
            "priority" => Ok(QueueKind::Priority),
            "pubsub" => Ok(QueueKind::PubSub),
            _ => Err(Error::InvalidArgument(format!(
                "invalid queue type {name:?} (must be: fifo, priority, pubsub)"
            ))),
        }
    }
}

/// One delivered message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueMessage {
    /// Per-queue message number, from 1.
    pub id: u64,
    /// The sending PID.
    pub from: Pid,
    /// The payload.
    pub data: Vec<u8>,
    /// The priority given at send (0 when none).
    pub priority: u8,
    /// When it was sent, from the coarse realtime clock (resolution of one scheduler tick).
    pub timestamp: SystemTime,
}

/// A snapshot of one queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueStats {
    /// The queue.
    pub id: QueueId,
    /// Its kind.
    pub kind: QueueKind,
    /// The owning PID.
    pub owner_pid: Pid,
    /// Capacity in messages (per subscriber for pub/sub).
    pub capacity: usize,
    /// Messages waiting (0 for pub/sub, whose messages wait per subscriber).
    pub length: usize,
    /// Subscribers (pub/sub only).
    pub subscriber_count: usize,
    /// True once the owner closed it.
    pub closed: bool,
}

/// One queue; shared by the table and by open handles.
pub(crate) struct Queue {
    pub(crate) id: QueueId,
    owner: Pid,
    kind: QueueKind,
    capacity: usize,
    state: Mutex<QueueState>,
    arrived: Signal,
}

#[derive(Default)]
struct QueueState {
    closed: bool,
    destroyed: bool,
    next_message: u64,
    bytes: u64,
    fifo: VecDeque<QueueMessage>,
    heap: BinaryHeap<Prioritized>,
    subscribers: IdMap<Pid, VecDeque<QueueMessage>>,
}

struct Prioritized(QueueMessage);

impl PartialEq for Prioritized {
    fn eq(&self, other: &Prioritized) -> bool {
        self.cmp(other) == CmpOrdering::Equal
    }
}
impl Eq for Prioritized {}
impl PartialOrd for Prioritized {
    fn partial_cmp(&self, other: &Prioritized) -> Option<CmpOrdering> {
        Some(self.cmp(other))
    }
}
impl Ord for Prioritized {
    fn cmp(&self, other: &Prioritized) -> CmpOrdering {
        // Higher priority first; among equals the lower (older) id first.
        self.0
            .priority
            .cmp(&other.0.priority)
            .then_with(|| other.0.id.cmp(&self.0.id))
    }
}

fn message_cost(data_len: usize) -> u64 {
    (std::mem::size_of::<QueueMessage>() + data_len) as u64
}

/// Every queue of a kernel.
pub(crate) struct QueueTable {
    queues: RwLock<IdMap<QueueId, Arc<Queue>>>,
    per_owner: Mutex<IdMap<Pid, usize>>,
    next_id: AtomicU64,
    budget: Budget,
    bytes_moved: AtomicU64,
}

impl Default for QueueTable {
    fn default() -> QueueTable {
        QueueTable {
            queues: RwLock::new(IdMap::default()),
            per_owner: Mutex::new(IdMap::default()),
            next_id: AtomicU64::new(1),
            budget: Budget::new("global queue message bytes", QUEUE_GLOBAL_BYTES),
            bytes_moved: AtomicU64::new(0),
        }
    }
}

impl QueueTable {
    /// Creates a queue owned by `owner` (capacity default 1000, clamped to 10000).
    pub(crate) fn create(
        &self,
        owner: Pid,
        kind: QueueKind,
        capacity: Option<usize>,
    ) -> Result<QueueId> {
        let capacity = capacity
            .unwrap_or(QUEUE_DEFAULT_CAPACITY)
            .min(QUEUE_MAX_CAPACITY);
        if capacity == 0 {
            return Err(Error::InvalidArgument(
                "queue capacity must be above 0".into(),
            ));
        }
        let mut per_owner = self.per_owner.lock();
        let owned = per_owner.get(&owner).copied().unwrap_or(0);
        if owned >= QUEUES_PER_PROCESS {
            return Err(Error::LimitExceeded {
                what: format!("queues of pid {owner}"),
                used: owned as u64 + 1,
                limit: QUEUES_PER_PROCESS as u64,
            });
        }
        *per_owner.entry(owner).or_insert(0) += 1;
        drop(per_owner);
        let id = QueueId(self.next_id.fetch_add(1, Ordering::Relaxed));
        let queue = Arc::new(Queue {
            id,
            owner,
            kind,
            capacity,
            state: Mutex::new(QueueState {
                next_message: 1,
                ..QueueState::default()
            }),
            arrived: Signal::default(),
        });
        self.queues.write().insert(id, queue);
        Ok(id)
    }

    fn get(&self, id: QueueId) -> Result<Arc<Queue>> {
        self.queues
            .read()
            .get(&id)
            .cloned()
            .ok_or_else(|| Error::NotFound(id.to_string()))
    }

    /// The queue with `id`, for a handle that skips the lookup on every call.
    pub(crate) fn lookup(&self, id: QueueId) -> Result<Arc<Queue>> {
        self.get(id)
    }

    /// Queues `data` from `pid`. For pub/sub, every subscriber gets a copy, or none does.
    pub(crate) fn send(&self, pid: Pid, id: QueueId, data: Vec<u8>, priority: u8) -> Result<()> {
        let queues = self.queues.read();
        let queue = queues
            .get(&id)
            .ok_or_else(|| Error::NotFound(id.to_string()))?;
        self.send_on(queue, pid, data, priority)
    }

    /// [`QueueTable::send`] on a queue already looked up.
    pub(crate) fn send_on(
        &self,
        queue: &Queue,
        pid: Pid,
        data: Vec<u8>,
        priority: u8,
    ) -> Result<()> {
        if data.len() > QUEUE_MAX_MESSAGE {
            return Err(Error::LimitExceeded {
                what: "queue message bytes".into(),
                used: data.len() as u64,
                limit: QUEUE_MAX_MESSAGE as u64,
            });
        }
        let len = data.len() as u64;
        queue.send(pid, data, priority, &self.budget)?;
        self.bytes_moved.fetch_add(len, Ordering::Relaxed);
        Ok(())
    }

    /// Takes the next message for `pid`; `None` when nothing is waiting.
    pub(crate) fn receive(&self, pid: Pid, id: QueueId) -> Result<Option<QueueMessage>> {
        let queues = self.queues.read();
        let queue = queues
            .get(&id)
            .ok_or_else(|| Error::NotFound(id.to_string()))?;
        queue.receive(pid, &self.budget)
    }

    /// [`QueueTable::receive`] on a queue already looked up.
    pub(crate) fn receive_on(&self, queue: &Queue, pid: Pid) -> Result<Option<QueueMessage>> {
        queue.receive(pid, &self.budget)
    }

    /// Waits for the next message for `pid`.
    pub(crate) async fn receive_async(&self, pid: Pid, id: QueueId) -> Result<QueueMessage> {
        let queue = self.get(id)?;
        self.receive_async_on(&queue, pid).await
    }

    /// [`QueueTable::receive_async`] on a queue already looked up.
    pub(crate) async fn receive_async_on(&self, queue: &Queue, pid: Pid) -> Result<QueueMessage> {
        loop {
            let seen = queue.arrived.generation();
            match queue.receive(pid, &self.budget)? {
                Some(message) => return Ok(message),
                None => queue.arrived.changed(seen).await,
            }
        }
    }

    pub(crate) fn subscribe(&self, pid: Pid, id: QueueId) -> Result<()> {
        let queue = self.get(id)?;
        queue.require_pubsub()?;
        let mut state = queue.state.lock();
        if state.closed {
            return Err(Error::Closed(id.to_string()));
        }
        state.subscribers.entry(pid).or_default();
        Ok(())
    }

    pub(crate) fn unsubscribe(&self, pid: Pid, id: QueueId) -> Result<()> {
        let queue = self.get(id)?;
        queue.require_pubsub()?;
        let mut state = queue.state.lock();
        match state.subscribers.remove(&pid) {
            Some(backlog) => {
                let freed: u64 = backlog.iter().map(|m| message_cost(m.data.len())).sum();
                state.bytes -= freed;
                self.budget.release(freed);
                drop(state);
                queue.arrived.notify();
                Ok(())
            }
            None => Err(Error::NotPermitted {
                pid,
                object: id.to_string(),
                reason: "not subscribed".into(),
            }),
        }
    }

    /// Closes the queue to further sends; owner only. Pub/sub subscribers are dropped.
    pub(crate) fn close(&self, pid: Pid, id: QueueId) -> Result<()> {
        let queue = self.get(id)?;
        queue.require_owner(pid, "close")?;
        let mut state = queue.state.lock();
        state.closed = true;
        let freed: u64 = state
            .subscribers
            .drain()
            .flat_map(|(_, backlog)| backlog)
            .map(|message| message_cost(message.data.len()))
            .sum();
        state.bytes -= freed;
        self.budget.release(freed);
        drop(state);
        queue.arrived.notify();
        Ok(())
    }

    /// Frees the queue; owner only.
    pub(crate) fn destroy(&self, pid: Pid, id: QueueId) -> Result<()> {
        self.get(id)?.require_owner(pid, "destroy")?;
        self.remove(id);
        Ok(())
    }

    fn remove(&self, id: QueueId) {
        let Some(queue) = self.queues.write().remove(&id) else {
            return;
        };
        {
            let mut state = queue.state.lock();
            state.destroyed = true;
            state.closed = true;
            self.budget.release(state.bytes);
            state.bytes = 0;
            state.fifo.clear();
            state.heap.clear();
            state.subscribers.clear();
        }
        let mut per_owner = self.per_owner.lock();
        if let Some(count) = per_owner.get_mut(&queue.owner) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                per_owner.remove(&queue.owner);
            }
        }
        drop(per_owner);
        queue.arrived.notify();
    }

    pub(crate) fn stats(&self, id: QueueId) -> Result<QueueStats> {
        let queue = self.get(id)?;
        let state = queue.state.lock();
        Ok(QueueStats {
            id,
            kind: queue.kind,
            owner_pid: queue.owner,
            capacity: queue.capacity,
            length: state.fifo.len() + state.heap.len(),
            subscriber_count: state.subscribers.len(),
            closed: state.closed,
        })
    }

    /// Destroys the queues `pid` owns and drops its subscriptions.
    pub(crate) fn cleanup(&self, pid: Pid) {
        let queues: Vec<Arc<Queue>> = self.queues.read().values().cloned().collect();
        for queue in queues {
            if queue.owner == pid {
                self.remove(queue.id);
            } else if queue.kind == QueueKind::PubSub {
                let _ = self.unsubscribe(pid, queue.id);
            }
        }
    }

    /// Destroys closed queues with nothing left to receive and returns the bytes freed. With a
    /// PID, only queues it owns.
    pub(crate) fn collect_garbage(&self, pid: Option<Pid>) -> u64 {
        let doomed: Vec<QueueId> = self
            .queues
            .read()
            .values()
            .filter(|queue| pid.is_none_or(|pid| queue.owner == pid))
            .filter(|queue| {
                let state = queue.state.lock();
                state.closed && state.bytes == 0
            })
            .map(|queue| queue.id)
            .collect();
        let n = doomed.len() as u64;
        for id in doomed {
            self.remove(id);
        }
        n * std::mem::size_of::<Queue>() as u64
    }

    /// Bytes queued in `pid`'s queues and the number of queues it owns.
    /// [`Self::usage_of`] for every PID at once, in one pass.
    pub(crate) fn usage_all(&self) -> std::collections::HashMap<Pid, (u64, u64)> {
        let mut usage: std::collections::HashMap<Pid, (u64, u64)> =
            std::collections::HashMap::new();
        for queue in self.queues.read().values() {
            let entry = usage.entry(queue.owner).or_default();
            entry.0 += queue.state.lock().bytes;
            entry.1 += 1;
        }
        usage
    }

    pub(crate) fn usage_of(&self, pid: Pid) -> (u64, u64) {
        self.queues
            .read()
            .values()
            .filter(|queue| queue.owner == pid)
            .fold((0, 0), |(bytes, count), queue| {
                (bytes + queue.state.lock().bytes, count + 1)
            })
    }

    pub(crate) fn reserved_bytes(&self) -> u64 {
        self.budget.used()
    }

    pub(crate) fn count(&self) -> usize {
        self.queues.read().len()
    }

    pub(crate) fn bytes_moved(&self) -> u64 {
        self.bytes_moved.load(Ordering::Relaxed)
    }
}

impl Queue {
    fn require_owner(&self, pid: Pid, action: &str) -> Result<()> {
        if pid == self.owner {
            Ok(())
        } else {
            Err(Error::NotPermitted {
                pid,
                object: self.id.to_string(),
                reason: format!("only the queue owner can {action} it"),
            })
        }
    }

    fn require_pubsub(&self) -> Result<()> {
        if self.kind == QueueKind::PubSub {
            Ok(())
        } else {
            Err(Error::InvalidArgument(format!(
                "{}: subscribe only works for pubsub queues",
                self.id
            )))
        }
    }

    fn full(&self, length: usize) -> Error {
        Error::LimitExceeded {
            what: format!("{} messages", self.id),
            used: length as u64 + 1,
            limit: self.capacity as u64,
        }
    }

    fn send(&self, pid: Pid, data: Vec<u8>, priority: u8, budget: &Budget) -> Result<()> {
        let mut state = self.state.lock();
        if state.closed {
            return Err(Error::Closed(self.id.to_string()));
        }
        let cost = message_cost(data.len());
        let message_id = state.next_message;
        let message = QueueMessage {
            id: message_id,
            from: pid,
            data,
            priority,
            timestamp: coarse_now(),
        };
        match self.kind {
            QueueKind::Fifo | QueueKind::Priority => {
                let length = state.fifo.len() + state.heap.len();
                if length >= self.capacity {
                    return Err(self.full(length));
                }
                budget.reserve(cost)?;
                if self.kind == QueueKind::Fifo {
                    state.fifo.push_back(message);
                } else {
                    state.heap.push(Prioritized(message));
                }
                state.bytes += cost;
            }
            QueueKind::PubSub => {
                let n_subscribers = state.subscribers.len() as u64;
                if let Some(backlog) = state
                    .subscribers
                    .values()
                    .map(VecDeque::len)
                    .find(|length| *length >= self.capacity)
                {
                    return Err(self.full(backlog));
                }
                budget.reserve(cost * n_subscribers)?;
                for backlog in state.subscribers.values_mut() {
                    backlog.push_back(message.clone());
                }
                state.bytes += cost * n_subscribers;
            }
        }
        state.next_message += 1;
        drop(state);
        self.arrived.notify();
        Ok(())
    }

    fn receive(&self, pid: Pid, budget: &Budget) -> Result<Option<QueueMessage>> {
        let mut state = self.state.lock();
        if state.destroyed {
            return Err(Error::NotFound(self.id.to_string()));
        }
        let closed = state.closed;
        let message = match self.kind {
            QueueKind::Fifo => state.fifo.pop_front(),
            QueueKind::Priority => state.heap.pop().map(|Prioritized(message)| message),
            QueueKind::PubSub => match state.subscribers.get_mut(&pid) {
                Some(backlog) => backlog.pop_front(),
                None if closed => None,
                None => {
                    return Err(Error::NotPermitted {
                        pid,
                        object: self.id.to_string(),
                        reason: "not subscribed to this pubsub queue".into(),
                    });
                }
            },
        };
        match message {
            Some(message) => {
                let cost = message_cost(message.data.len());
                state.bytes -= cost;
                budget.release(cost);
                Ok(Some(message))
            }
            None if state.closed => Err(Error::Closed(self.id.to_string())),
            None => Ok(None),
        }
    }
}
