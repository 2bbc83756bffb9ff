//! Live tails in flight, per session: a tail is a long poll (up to
//! `TAIL_MAX_WAIT_MS` plus `TAIL_MIN_INTERVAL_MS` of pacing) that holds one of
//! the `messages` function's executions while it waits, so one person may
//! follow at most [`TAILS_PER_SESSION`] topics at once. Kong's limit on the
//! tail route counts the whole console (its consumer is the BFF); this one
//! counts a session.
//!
//! Counted in this process's memory: with several BFF instances behind a
//! load balancer that does not keep a session on one instance, a session
//! could have that many tails on each.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

pub use configurator_api::TAILS_PER_SESSION;

#[derive(Default)]
pub struct TailSlots {
    in_flight: Mutex<HashMap<String, usize>>,
}

/// One tail poll in flight; its slot is given back when this is dropped
/// (the call answered, failed, or was cancelled by the browser going away).
pub struct TailSlot {
    slots: Arc<TailSlots>,
    session: String,
}

impl TailSlots {
    /// A slot for one more tail poll of `session` (its token record id), or
    /// `None` when it has [`TAILS_PER_SESSION`] in flight already.
    pub fn acquire(self: &Arc<Self>, session: &str) -> Option<TailSlot> {
        let mut in_flight = self.in_flight.lock().expect("never poisoned");
        let n = in_flight.entry(session.to_owned()).or_default();
        if *n >= TAILS_PER_SESSION {
            return None;
        }
        *n += 1;
        Some(TailSlot {
            slots: Arc::clone(self),
            session: session.to_owned(),
        })
    }

    /// Tail polls in flight, over all sessions.
    pub fn in_flight(&self) -> usize {
        self.in_flight.lock().expect("never poisoned").values().sum()
    }
}

impl Drop for TailSlot {
    fn drop(&mut self) {
        let mut in_flight = self.slots.in_flight.lock().expect("never poisoned");
        if let Some(n) = in_flight.get_mut(&self.session) {
            *n -= 1;
            if *n == 0 {
                in_flight.remove(&self.session);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_has_at_most_three_and_gets_each_back() {
        let slots = Arc::new(TailSlots::default());
        let held: Vec<TailSlot> = (0..TAILS_PER_SESSION)
            .map(|_| slots.acquire("a").expect("a free slot"))
            .collect();
        assert!(slots.acquire("a").is_none());
        // Another session is not affected.
        let other = slots.acquire("b").expect("b has its own");
        drop(other);
        let mut held = held.into_iter();
        drop(held.next());
        let again = slots.acquire("a").expect("a slot was given back");
        assert!(slots.acquire("a").is_none());
        drop(again);
        assert_eq!(slots.in_flight(), TAILS_PER_SESSION - 1);
        drop(held);
        assert_eq!(slots.in_flight(), 0);
        assert!(slots.in_flight.lock().unwrap().is_empty(), "nothing left behind");
    }
}
