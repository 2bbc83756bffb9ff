//! Following a topic live ("Follow"): a loop of long polls on the tail
//! endpoint, each passing the previous answer's cursor, until the person
//! stops, the page goes away, or the API refuses. The first poll has no
//! cursor and answers at once (the partitions' ends now).
//!
//! The loop belongs to one run: stopping, pausing or leaving the page bumps
//! (or disposes) `run`, aborts the poll in flight, and the loop ends at its
//! next check, so no loop outlives its page.

use std::collections::VecDeque;

use configurator_api::{Message, TailPage, TailQuery};
use leptos::prelude::*;

use crate::{
    api::{self, ApiError},
    query,
};

/// Records per poll and the long poll's wait: the contract's defaults are
/// for a quiet topic; a busy one is worth the maximum per poll.
const POLL_LIMIT: u32 = 500;
const POLL_WAIT_MS: u32 = 4_000;
/// The rate is over this much of the recent past.
const RATE_WINDOW_MS: f64 = 5_000.0;

#[derive(Clone, Copy)]
pub(super) struct Tail {
    pub following: RwSignal<bool>,
    pub paused: RwSignal<bool>,
    /// Records received since "Follow".
    pub received: RwSignal<u64>,
    /// Records per second over the last [`RATE_WINDOW_MS`].
    pub rate: RwSignal<f64>,
    /// Records the API skipped (too many since the last poll), in total.
    pub skipped: RwSignal<u64>,
    pub filter_errors: RwSignal<u64>,
    pub error: RwSignal<Option<ApiError>>,
    /// The API's words when it refused another tail (`too_many_tails`).
    pub refused: RwSignal<Option<String>>,
    run: StoredValue<u64>,
    in_flight: StoredValue<Option<web_sys::AbortController>, LocalStorage>,
    ticker: StoredValue<Option<IntervalHandle>>,
    /// (when, how many) of each answer within the rate's window.
    arrivals: StoredValue<VecDeque<(f64, u64)>>,
    started: StoredValue<f64>,
}

impl Tail {
    /// A tail that stops when the calling component goes away.
    pub fn new() -> Self {
        let tail = Self {
            following: RwSignal::new(false),
            paused: RwSignal::new(false),
            received: RwSignal::new(0),
            rate: RwSignal::new(0.0),
            skipped: RwSignal::new(0),
            filter_errors: RwSignal::new(0),
            error: RwSignal::new(None),
            refused: RwSignal::new(None),
            run: StoredValue::new(0),
            in_flight: StoredValue::new_local(None),
            ticker: StoredValue::new(None),
            arrivals: StoredValue::new(VecDeque::new()),
            started: StoredValue::new(0.0),
        };
        on_cleanup(move || tail.stop());
        tail
    }

    /// Follows `path` (the tail endpoint) with `query`'s partitions and
    /// filters; each answer's records (newest first) go to `on_records`.
    pub fn start(self, path: String, query: TailQuery, on_records: impl Fn(Vec<Message>) + 'static) {
        self.stop();
        let Some(run) = self.run.try_get_value() else {
            return;
        };
        self.following.set(true);
        self.paused.set(false);
        self.received.set(0);
        self.rate.set(0.0);
        self.skipped.set(0);
        self.filter_errors.set(0);
        self.error.set(None);
        self.refused.set(None);
        self.arrivals.set_value(VecDeque::new());
        self.started.set_value(js_sys::Date::now());
        // The rate falls while no records come, between answers too.
        let ticker = set_interval_with_handle(move || self.measure(), std::time::Duration::from_secs(1)).ok();
        self.ticker.set_value(ticker);
        leptos::task::spawn_local(async move {
            let mut cursor = None::<String>;
            while self.run.try_get_value() == Some(run) {
                if self.paused.try_get_untracked().unwrap_or(true) {
                    sleep(250).await;
                    continue;
                }
                let mut pairs = vec![
                    ("partition", query.partition.clone().unwrap_or_default()),
                    ("q", query.q.clone().unwrap_or_default()),
                    ("filter", query.filter.clone().unwrap_or_default()),
                ];
                if let Some(c) = &cursor {
                    pairs.push(("limit", POLL_LIMIT.to_string()));
                    pairs.push(("wait_ms", POLL_WAIT_MS.to_string()));
                    pairs.push(("cursor", c.clone()));
                }
                let Ok(controller) = web_sys::AbortController::new() else {
                    break;
                };
                self.in_flight.try_set_value(Some(controller.clone()));
                let answer = api::get_abortable::<TailPage>(&query::url(&path, &pairs), controller).await;
                self.in_flight.try_set_value(None);
                if self.run.try_get_value() != Some(run) {
                    break;
                }
                // Paused while the poll was out: it was aborted; ask again
                // from the same cursor on resuming.
                if self.paused.try_get_untracked().unwrap_or(true) {
                    continue;
                }
                match answer {
                    Ok(page) => {
                        cursor = Some(page.cursor);
                        let n = page.messages.len() as u64;
                        self.received.update(|r| *r += n);
                        self.skipped.update(|s| *s += page.skipped);
                        self.filter_errors.update(|e| *e += page.filter_errors);
                        self.arrivals
                            .update_value(|a| a.push_back((js_sys::Date::now(), n)));
                        self.measure();
                        if n > 0 {
                            on_records(page.messages);
                        }
                    }
                    Err(e) => {
                        if e.code() == "too_many_tails" {
                            self.refused.set(Some(e.message()));
                        } else if e != ApiError::SignInRequired {
                            self.error.set(Some(e));
                        }
                        self.stop();
                        break;
                    }
                }
            }
        });
    }

    /// Ends the loop and the poll in flight; the rows stay.
    pub fn stop(self) {
        self.run.try_update_value(|r| *r += 1);
        self.abort_in_flight();
        if let Some(Some(ticker)) = self.ticker.try_update_value(Option::take) {
            ticker.clear();
        }
        self.following.try_set(false);
        self.paused.try_set(false);
    }

    pub fn toggle_pause(self) {
        let paused = !self.paused.get_untracked();
        self.paused.set(paused);
        if paused {
            self.abort_in_flight();
        }
    }

    fn abort_in_flight(self) {
        if let Some(Some(controller)) = self.in_flight.try_update_value(Option::take) {
            controller.abort();
        }
    }

    fn measure(self) {
        let now = js_sys::Date::now();
        let Some(count) = self.arrivals.try_update_value(|a| {
            while a.front().is_some_and(|(t, _)| now - t > RATE_WINDOW_MS) {
                a.pop_front();
            }
            a.iter().map(|(_, n)| n).sum::<u64>()
        }) else {
            return;
        };
        // Over the time followed so far while that is under the window.
        let started = self.started.try_get_value().unwrap_or(now);
        let span = (now - started).clamp(1_000.0, RATE_WINDOW_MS) / 1_000.0;
        self.rate.try_set(count as f64 / span);
    }
}

/// Waits `ms` milliseconds without blocking the page.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
