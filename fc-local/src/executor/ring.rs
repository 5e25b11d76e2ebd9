//! A bounded, numbered ring of records: the function logs and the invocation history keep
//! their last N entries, each numbered from 1 as it arrives so that readers can ask for what is
//! newer than the last one they saw.

use std::collections::VecDeque;
use std::sync::Mutex;

use super::logs::lock;

/// A record that carries its number in the ring.
pub(crate) trait Numbered: Clone {
    /// The record's number.
    fn seq(&self) -> u64;
    /// Sets the record's number (the ring numbers records as they arrive).
    fn set_seq(&mut self, seq: u64);
}

/// The last `capacity` records pushed, numbered from 1.
#[derive(Debug)]
pub(crate) struct Ring<T> {
    state: Mutex<(VecDeque<T>, u64)>,
    capacity: usize,
}

impl<T: Numbered> Ring<T> {
    /// An empty ring keeping at most `capacity` records (at least 1).
    pub(crate) fn new(capacity: usize) -> Self {
        Ring {
            state: Mutex::new((VecDeque::new(), 1)),
            capacity: capacity.max(1),
        }
    }

    /// Appends a record, numbering it; the oldest goes when the ring is full.
    pub(crate) fn push(&self, mut record: T) {
        let mut state = lock(&self.state);
        record.set_seq(state.1);
        state.1 += 1;
        if state.0.len() >= self.capacity {
            state.0.pop_front();
        }
        state.0.push_back(record);
    }

    /// The records numbered above `after` that `keep` accepts, oldest first.
    pub(crate) fn after(&self, after: u64, keep: impl Fn(&T) -> bool) -> Vec<T> {
        let state = lock(&self.state);
        let newer = state.0.iter().filter(|record| record.seq() > after);
        newer.filter(|record| keep(record)).cloned().collect()
    }
}
