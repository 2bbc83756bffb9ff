//! The ingest API: services (and people holding `events:publish`) post
//! events to a topic, and read the catalogue of topics they may post to.
//! Every post is audited, accepted or refused, with the caller (a service's
//! client id) and the counts, never the events themselves.

use axum::{Extension, Json, body::Body, extract::State, http::HeaderMap, http::StatusCode};
use configurator_api::{
    EVENT_MAX_BYTES, EVENT_TOPICS_MAX, EVENTS_MAX_BATCH, EVENTS_MAX_BODY_BYTES, EventSchemaSource,
    EventTopic, EventTopicList, EventTopicSummary, EventsAccepted, IDEMPOTENCY_WINDOW_MINUTES, Permission,
    trace::TraceContext,
};
use futures_util::{StreamExt, stream};
use serde_json::json;

use crate::{
    AppState,
    audit::{allowed, refuse_protected},
    auth::Principal,
    clusters::OnCluster,
    error::ApiError,
    extract::TopicPath,
    ingest::{self, ledger::key_of, request},
    kafka::is_internal,
    policy::Resource,
    registry::catalog::VersionSel,
};

/// Catalogue lookups of schemas run this many at a time.
const LOOKUPS_AT_ONCE: usize = 8;

/// `POST /topics/{topic}/events` → 202 with where each event went.
pub async fn publish_events(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    TopicPath(topic): TopicPath,
    Extension(trace): Extension<TraceContext>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<EventsAccepted>), ApiError> {
    let resource = Resource::Topic(&topic);
    let mut posted_count = None;
    let idempotency_key = request::idempotency_key(&headers);
    let outcome = async {
        // Input first (size, shape, each event, the key), then permission.
        let bytes = request::read_body(body).await?;
        let posted = request::parse(&bytes)?;
        posted_count = Some(posted.events.len());
        let key = idempotency_key.clone()?;
        allowed(&state, &caller, on.id(), Permission::EventsPublish, resource)?;
        let ledger_key = key.map(|k| key_of(&caller.claims.sub, on.id(), &topic, &k));
        ingest::publish(&on, &topic, &posted, ledger_key.as_deref(), &trace).await
    }
    .await;
    let parameters = match &outcome {
        Ok(o) => json!({
            "events": o.accepted.events.len(),
            "written": o.written_now,
            "replayed": o.accepted.replayed,
            "idempotency_key": idempotency_key.as_ref().ok().cloned().flatten(),
            "schema": o.accepted.schema.as_ref().and_then(|s| s.name.clone()),
        }),
        Err(_) => json!({
            "events": posted_count,
            "idempotency_key": idempotency_key.as_ref().ok().cloned().flatten(),
        }),
    };
    let outcome = state
        .audited(
            &caller,
            &on,
            Permission::EventsPublish,
            resource,
            parameters,
            outcome,
            StatusCode::ACCEPTED,
        )
        .await?;
    Ok((StatusCode::ACCEPTED, Json(outcome.accepted)))
}

/// `GET /events/topics`: the topics the caller may post to, by name, with
/// where each one's schema lives.
pub async fn list_event_topics(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
) -> Result<Json<EventTopicList>, ApiError> {
    caller.require_somewhere(&state.policy, on.id(), Permission::EventsPublish)?;
    let meta = on.kafka.recent_metadata().await?;
    let mut names: Vec<&str> = meta
        .topics
        .iter()
        .map(|t| t.name.as_str())
        .filter(|t| !is_internal(t) && refuse_protected(t).is_ok())
        .filter(|t| {
            state.policy.allows(
                &caller.roles,
                Permission::EventsPublish,
                on.id(),
                Resource::Topic(t),
            )
        })
        .collect();
    names.sort_unstable();
    let truncated = names.len() > EVENT_TOPICS_MAX;
    names.truncate(EVENT_TOPICS_MAX);
    let topics = match on.registry() {
        Some(registry) => {
            let owned: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
            let lookups = owned.into_iter().map(|name| {
                let registry = std::sync::Arc::clone(registry);
                async move {
                    let found = registry.value_schema(&name).await?;
                    Ok::<_, ApiError>(EventTopicSummary {
                        name,
                        schema: if found.is_some() {
                            EventSchemaSource::Registry
                        } else {
                            EventSchemaSource::None
                        },
                    })
                }
            });
            let mut found: Vec<EventTopicSummary> = stream::iter(lookups)
                .buffer_unordered(LOOKUPS_AT_ONCE)
                .collect::<Vec<_>>()
                .await
                .into_iter()
                .collect::<Result<_, _>>()?;
            found.sort_unstable_by(|a, b| a.name.cmp(&b.name));
            found
        }
        None => {
            let with_schema = on.kafka.schema_topics().await?;
            names
                .iter()
                .map(|name| EventTopicSummary {
                    name: (*name).to_owned(),
                    schema: if with_schema.contains(*name) {
                        EventSchemaSource::Builtin
                    } else {
                        EventSchemaSource::None
                    },
                })
                .collect()
        }
    };
    Ok(Json(EventTopicList { topics, truncated }))
}

/// `GET /events/topics/{topic}/schema`: what an event must be.
pub async fn get_event_topic(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    TopicPath(topic): TopicPath,
) -> Result<Json<EventTopic>, ApiError> {
    refuse_protected(&topic)?;
    caller.require(
        &state.policy,
        on.id(),
        Permission::EventsPublish,
        Resource::Topic(&topic),
    )?;
    on.kafka.topic_meta(&topic).await?;
    let mut answer = EventTopic {
        name: topic.clone(),
        source: EventSchemaSource::None,
        definition: None,
        schema_name: None,
        version: None,
        format: None,
        max_batch: EVENTS_MAX_BATCH,
        max_event_bytes: EVENT_MAX_BYTES,
        max_body_bytes: EVENTS_MAX_BODY_BYTES,
        idempotency_window_minutes: IDEMPOTENCY_WINDOW_MINUTES,
    };
    match on.registry() {
        Some(registry) => {
            if let Some(found) = registry.value_schema(&topic).await? {
                let latest = registry.version(&found.name, VersionSel::Latest).await?;
                answer.source = EventSchemaSource::Registry;
                answer.definition = Some(latest.definition);
                answer.version = Some(latest.version);
                answer.format = Some(latest.format);
                answer.schema_name = Some(found.name);
            }
        }
        None => {
            if let Some(schema) = on.kafka.schema(&topic).await? {
                answer.source = EventSchemaSource::Builtin;
                answer.definition = Some(schema.schema.to_string());
            }
        }
    }
    Ok(Json(answer))
}
