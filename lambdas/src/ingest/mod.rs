//! The ingest API (issue #16): services post governed events. One post goes
//! [`request::parse`] (shape and sizes, no broker) → permission
//! (`events:publish` on the topic) → the idempotency ledger ([`ledger`], when
//! the post names a key) → [`publish::contract`] and
//! [`publish::encode_all`] (every event against the topic's schema; any
//! failure and nothing is written) → [`publish::write_all`].

pub mod ledger;
pub mod publish;
pub mod request;

use configurator_api::{EventWritten, EventsAccepted, trace::TraceContext};

use crate::{clusters::OnCluster, error::ApiError, kafka::messages::copy::ledger::claim_id};
use ledger::{Entry, Prior, State};
use request::Posted;

/// An accepted post's answer, and whether this call wrote it (not a replay).
pub struct Outcome {
    pub accepted: EventsAccepted,
    pub written_now: usize,
}

/// Checks and writes `posted` to `topic`; with an idempotency `key` (the
/// ledger's, see [`ledger::key_of`]) a retry answers from the first post.
/// The events carry `trace`, the post's span.
pub async fn publish(
    on: &OnCluster,
    topic: &str,
    posted: &Posted,
    key: Option<&str>,
    trace: &TraceContext,
) -> Result<Outcome, ApiError> {
    // The topic and its schema first: a post that cannot be written claims nothing.
    on.kafka.topic_meta(topic).await?;
    let contract = publish::contract(on, topic).await?;
    let (encoded, schema) = publish::encode_all(posted, &contract, trace)?;
    let Some(key) = key else {
        let written = publish::write_all(on, topic, &encoded, &[]).await?;
        return finish(topic, written, schema, None).await;
    };

    let prior = ledger::judge(&on.kafka.ingest_entries(key, None).await?, None);
    let done = match prior {
        Prior::Done(entry) => return replay(topic, posted, entry),
        Prior::InProgress => return Err(in_progress()),
        Prior::Partial(entry) => same_events(posted, &entry).map(|()| entry.written)?,
        Prior::Fresh => Vec::new(),
    };
    let claim = claim_id();
    let entry = |state, written: Vec<Option<EventWritten>>| Entry {
        key: key.to_owned(),
        state,
        fingerprint: posted.fingerprint.clone(),
        claim: claim.clone(),
        at_ms: crate::audit::now_ms(),
        written,
        schema: schema.clone(),
    };
    let at = on.kafka.record_ingest(&entry(State::Claimed, Vec::new())).await?;
    // Another post with this key may have claimed it first.
    let seen = on.kafka.ingest_entries(key, Some(at)).await?;
    if let Prior::InProgress = ledger::judge(&seen, Some(&claim)) {
        return Err(in_progress());
    }
    let results = publish::write_all(on, topic, &encoded, &done).await?;
    let written: Vec<Option<EventWritten>> = results.iter().map(|r| r.as_ref().ok().cloned()).collect();
    let state = if written.iter().all(Option::is_some) {
        State::Done
    } else {
        State::Partial
    };
    if let Err(e) = on.kafka.record_ingest(&entry(state, written)).await {
        // The events are written; only a retry's answer is at stake (it
        // would find the claim dead and write again).
        tracing::error!(error = %e, "the ingest outcome could not be recorded");
    }
    // Those a partial first post left unwritten, or all.
    let fresh = (0..results.len())
        .filter(|i| done.get(*i).is_none_or(Option::is_none))
        .count();
    let mut outcome = finish(topic, results, schema, Some(key)).await?;
    outcome.written_now = fresh;
    Ok(outcome)
}

async fn finish(
    topic: &str,
    results: Vec<Result<EventWritten, ApiError>>,
    schema: Option<configurator_api::SchemaRef>,
    key: Option<&str>,
) -> Result<Outcome, ApiError> {
    let total = results.len();
    let failed: Vec<(usize, ApiError)> = results
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.as_ref().err().map(|e| (i, e.clone())))
        .collect();
    if let Some((_, first)) = failed.first() {
        let retry = if key.is_some() {
            "retry with the same Idempotency-Key to write only the rest"
        } else {
            "a retry writes them all again (send an Idempotency-Key to avoid that)"
        };
        return Err(ApiError::new(
            first.status,
            "events_partly_written",
            format!(
                "{} of {total} events were written before Kafka failed ({}); {retry}.",
                total - failed.len(),
                first.message
            ),
        )
        .with_details(
            failed
                .iter()
                .map(|(i, e)| configurator_api::ErrorDetail {
                    path: format!("/events/{i}"),
                    message: e.message.clone(),
                })
                .collect(),
        ));
    }
    let events: Vec<EventWritten> = results.into_iter().filter_map(Result::ok).collect();
    Ok(Outcome {
        written_now: events.len(),
        accepted: EventsAccepted {
            topic: topic.to_owned(),
            events,
            schema,
            replayed: false,
        },
    })
}

fn replay(topic: &str, posted: &Posted, entry: Entry) -> Result<Outcome, ApiError> {
    same_events(posted, &entry)?;
    Ok(Outcome {
        written_now: 0,
        accepted: EventsAccepted {
            topic: topic.to_owned(),
            events: entry.written.into_iter().flatten().collect(),
            schema: entry.schema,
            replayed: true,
        },
    })
}

fn same_events(posted: &Posted, entry: &Entry) -> Result<(), ApiError> {
    if entry.fingerprint == posted.fingerprint {
        Ok(())
    } else {
        Err(ApiError::new(
            http::StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "This Idempotency-Key was used for other events (within the last 60 minutes); use a new key for new events.",
        ))
    }
}

fn in_progress() -> ApiError {
    ApiError::conflict(
        "request_in_progress",
        "Another post with this Idempotency-Key is being written; retry in a few seconds.",
    )
}
