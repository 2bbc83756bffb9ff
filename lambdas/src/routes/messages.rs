//! Browse, one message, and produce. Audit records of a produce name the
//! topic, partition and offset, never the key, value or headers.
//!
//! Each handler checks its input first, then refuses protected topics and
//! checks the permission, then reads or writes.

use axum::{Extension, Json, extract::State, http::StatusCode};
use configurator_api::{
    CopyRequest, CopyStep, Message, MessagePage, MessageQuery, Permission, ProduceRequest, Produced,
    TailPage, TailQuery, trace::TraceContext,
};
use serde_json::json;

use crate::{
    AppState,
    audit::allowed,
    auth::Principal,
    clusters::OnCluster,
    error::ApiError,
    extract::{Body, Query, RecordPath, TopicPath},
    kafka::messages::{Browse, CopyRun, Outgoing, Tail, copy::Caller, mask::Masks, reader::Selection},
    policy::Resource,
};

/// The fields of `topic` masked for the caller on this cluster.
fn masks(state: &AppState, caller: &Principal, on: &OnCluster, topic: &str) -> Masks {
    state.policy.masks_for(&caller.roles, on.id(), topic)
}

/// The checks of every read of records: `messages:read` on the topic, then
/// no filter on a field masked for the caller. The caller's masks.
fn may_read(
    state: &AppState,
    caller: &Principal,
    on: &OnCluster,
    topic: &str,
    selection: &Selection,
) -> Result<Masks, ApiError> {
    allowed(
        state,
        caller,
        on.id(),
        Permission::MessagesRead,
        Resource::Topic(topic),
    )?;
    let masks = masks(state, caller, on, topic);
    selection.refuse_masked(&masks, topic)?;
    Ok(masks)
}

/// `GET /topics/{topic}/messages`
pub async fn browse_messages(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    TopicPath(topic): TopicPath,
    Query(query): Query<MessageQuery>,
) -> Result<Json<MessagePage>, ApiError> {
    let browse = Browse::parse(&query)?;
    let masks = may_read(&state, &caller, &on, &topic, browse.selection())?;
    Ok(Json(
        on.kafka
            .browse(&topic, &browse, on.registry().cloned(), masks)
            .await?,
    ))
}

/// `GET /topics/{topic}/messages/tail`: one long poll of a live tail.
pub async fn tail_messages(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    TopicPath(topic): TopicPath,
    Query(query): Query<TailQuery>,
) -> Result<Json<TailPage>, ApiError> {
    let tail = Tail::parse(&query)?;
    let masks = may_read(&state, &caller, &on, &topic, tail.selection())?;
    Ok(Json(
        on.kafka
            .tail(&topic, &tail, on.registry().cloned(), masks)
            .await?,
    ))
}

/// `POST /topics/{topic}/messages/copy`: one step of a copy or redrive.
/// Reading needs `messages:read` on the topic, writing `messages:produce`
/// on each target; a step that writes is audited with its counts.
pub async fn copy_messages(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    TopicPath(topic): TopicPath,
    Body(request): Body<CopyRequest>,
) -> Result<Json<CopyStep>, ApiError> {
    let run = CopyRun::parse(&request)?;
    let masks = may_read(&state, &caller, &on, &topic, run.selection())?;
    if !masks.is_empty() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "masked_fields",
            format!(
                "{topic} has fields masked for you; a copy would write them in clear elsewhere, so you cannot copy from it."
            ),
        ));
    }
    if let Some(target) = run.target_topic() {
        allowed(
            &state,
            &caller,
            on.id(),
            Permission::MessagesProduce,
            Resource::Topic(target),
        )?;
    }
    let may_produce = |target: &str| {
        caller
            .require(
                &state.policy,
                on.id(),
                Permission::MessagesProduce,
                Resource::Topic(target),
            )
            .is_ok()
    };
    let work = on.kafka.copy_step(
        &topic,
        &run,
        on.registry().cloned(),
        Caller {
            cluster: on.id(),
            subject: &caller.claims.sub,
            may_produce: &may_produce,
        },
    );
    let outcome = work.await;
    // A dry run or a replayed step changes nothing: no audit record.
    if run.is_dry_run() || outcome.as_ref().is_ok_and(|step| step.replayed) {
        return outcome.map(Json);
    }
    let parameters = match &outcome {
        Ok(step) => json!({
            "run_id": run.run_id(),
            "target": request.target,
            "scanned": step.scanned,
            "written": step.targets,
            "skipped": step.skipped,
            "done": step.cursor.is_none(),
        }),
        Err(_) => json!({"run_id": run.run_id(), "target": request.target}),
    };
    let step = state
        .audited(
            &caller,
            &on,
            Permission::MessagesProduce,
            Resource::Topic(&topic),
            parameters,
            outcome,
            StatusCode::OK,
        )
        .await?;
    Ok(Json(step))
}

/// `GET /topics/{topic}/partitions/{partition}/offsets/{offset}`: the
/// message whole, where a browse shows previews.
pub async fn get_message(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    at: RecordPath,
) -> Result<Json<Message>, ApiError> {
    allowed(
        &state,
        &caller,
        on.id(),
        Permission::MessagesRead,
        Resource::Topic(&at.topic),
    )?;
    Ok(Json(
        on.kafka
            .message(
                &at.topic,
                at.partition,
                at.offset,
                on.registry().cloned(),
                masks(&state, &caller, &on, &at.topic),
            )
            .await?,
    ))
}

/// `POST /topics/{topic}/messages` → 201 with where it was written.
pub async fn produce_message(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    TopicPath(topic): TopicPath,
    Extension(trace): Extension<TraceContext>,
    Body(request): Body<ProduceRequest>,
) -> Result<(StatusCode, Json<Produced>), ApiError> {
    let message = Outgoing::parse(&request)?.traced(&trace);
    if message.uses_registry() {
        on.require_registry()?;
    }
    let resource = Resource::Topic(&topic);
    let outcome = async {
        allowed(&state, &caller, on.id(), Permission::MessagesProduce, resource)?;
        on.kafka.produce(&topic, &message, on.registry()).await
    }
    .await;
    let schema = request.value_schema.as_ref().map(|s| s.name.clone());
    let parameters = match &outcome {
        Ok(p) => json!({"partition": p.partition, "offset": p.offset, "value_schema": schema}),
        Err(_) => json!({"partition": message.partition(), "value_schema": schema}),
    };
    let produced = state
        .audited(
            &caller,
            &on,
            Permission::MessagesProduce,
            resource,
            parameters,
            outcome,
            StatusCode::CREATED,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(produced)))
}
