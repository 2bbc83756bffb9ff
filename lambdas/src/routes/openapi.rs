//! `GET /openapi.json`: the OpenAPI 3.1 document, generated at start from
//! the route table and the contract types' JSON Schemas, so it describes
//! exactly what the code serves (a test checks real answers against it).

use std::sync::LazyLock;

use axum::{Json, extract::State};
use configurator_api::schemars::{JsonSchema, SchemaGenerator, generate::SchemaSettings};
use configurator_api::{
    AddPartitions, AuditList, ClusterInfo, ClusterList, CompatibilityMode, CompatibilityVerdict, ConfigPatch,
    CopyRequest, CopyStep, CreateTopic, DeleteOffsets, DeletedOffsets, ErrorEnvelope, EventTopic,
    EventTopicList, EventsAccepted, EventsRequest, GroupDetail, GroupList, LagHistory, Me, Message,
    MessagePage, NewSchemaVersion, ProduceRequest, Produced, PurgeRequest, PurgeResult, Registered,
    ResetOffsets, ResetResult, SchemaList, SchemaSubject, SchemaVersion, TailPage, TopicConfigs, TopicDetail,
    TopicList, TopicSchema, TopicSchemas,
    routes::{OPERATIONS, Operation, OperationId as Id},
};

use crate::AppState;
use serde_json::{Map, Value, json};

static DOCUMENT: LazyLock<Value> = LazyLock::new(build);

/// The document, with the IdP's token endpoint (where services get their
/// client-credentials tokens) when this deployment names it.
pub async fn document(State(state): State<AppState>) -> Json<Value> {
    let mut document = DOCUMENT.clone();
    if let Some(url) = state.verifier.token_url() {
        document["components"]["securitySchemes"]["clientCredentials"] = json!({
            "type": "oauth2",
            "description": "Services: a client-credentials token from the IdP (POST client_id and secret to the token URL), then the ingest operations (tag ingest).",
            "flows": {"clientCredentials": {"tokenUrl": url, "scopes": {}}},
        });
    }
    Json(document)
}

/// Query parameters: name and description.
type QueryParams = &'static [(&'static str, &'static str)];

const AUDIT_QUERY: QueryParams = &[
    ("person", "name or subject contains (case-insensitive)"),
    ("action", "the permission exercised, e.g. topics:delete"),
    ("resource", "resource contains, e.g. topic:orders"),
    ("outcome", "allowed (default) | refused | all"),
    ("since", "Unix ms, inclusive"),
    ("until", "Unix ms, exclusive"),
    ("limit", "1–500, default 100"),
    ("cursor", "the previous page's cursor"),
];

/// Operations that answer with something other than JSON.
fn media_type(op: &Operation) -> &'static str {
    match op.id {
        Id::ExportAudit => "text/csv",
        _ => "application/json",
    }
}

/// What an operation takes and gives, beyond the route table.
struct Shape {
    request: Option<Value>,
    /// Success status and body schema (`None`: no body).
    response: (u16, Option<Value>),
    query: QueryParams,
}

fn shape(op: &Operation, g: &mut SchemaGenerator) -> Shape {
    let s = |v: Value| Some(v);
    let (request, response, query): (Option<Value>, (u16, Option<Value>), QueryParams) = match op.id {
        Id::Health => (
            None,
            (
                200,
                s(json!({"type": "object", "properties": {"status": {"const": "ok"}}})),
            ),
            &[],
        ),
        Id::Openapi => (None, (200, s(json!({"type": "object"}))), &[]),
        Id::Me => (None, (200, s(r::<Me>(g))), &[]),
        Id::ListClusters => (None, (200, s(r::<ClusterList>(g))), &[]),
        Id::GetCluster => (None, (200, s(r::<ClusterInfo>(g))), &[]),
        Id::GetAudit => (None, (200, s(r::<AuditList>(g))), AUDIT_QUERY),
        Id::ExportAudit => (None, (200, s(json!({"type": "string"}))), &AUDIT_QUERY[..6]),
        Id::ListTopics => (
            None,
            (200, s(r::<TopicList>(g))),
            &[
                ("q", "name contains (case-insensitive)"),
                ("page", "1-based"),
                ("per_page", "1–500, default 50"),
                ("internal", "true to include internal topics"),
                ("sort", "name | partitions | messages"),
                ("order", "asc | desc"),
            ],
        ),
        Id::CreateTopic => (s(r::<CreateTopic>(g)), (201, s(r::<TopicDetail>(g))), &[]),
        Id::GetTopic | Id::AddPartitions => (
            (op.id == Id::AddPartitions).then(|| r::<AddPartitions>(g)),
            (200, s(r::<TopicDetail>(g))),
            &[],
        ),
        Id::DeleteTopic | Id::DeleteSchema | Id::DeleteGroup => (None, (204, None), &[]),
        Id::GetTopicConfigs => (None, (200, s(r::<TopicConfigs>(g))), &[]),
        Id::AlterTopicConfigs => (s(r::<ConfigPatch>(g)), (200, s(r::<TopicConfigs>(g))), &[]),
        Id::PurgeTopic => (s(r::<PurgeRequest>(g)), (200, s(r::<PurgeResult>(g))), &[]),
        Id::GetSchema => (None, (200, s(r::<TopicSchema>(g))), &[]),
        Id::PutSchema => (s(r::<TopicSchema>(g)), (200, s(r::<TopicSchema>(g))), &[]),
        Id::GetTopicSchemas => (None, (200, s(r::<TopicSchemas>(g))), &[]),
        Id::ListSchemas => (
            None,
            (200, s(r::<SchemaList>(g))),
            &[
                ("q", "name contains (case-insensitive)"),
                ("limit", "1–200, default 50"),
                ("cursor", "the previous page's cursor"),
            ],
        ),
        Id::GetRegistrySchema => (None, (200, s(r::<SchemaSubject>(g))), &[]),
        Id::GetSchemaVersion => (None, (200, s(r::<SchemaVersion>(g))), &[]),
        Id::RegisterSchemaVersion => (s(r::<NewSchemaVersion>(g)), (201, s(r::<Registered>(g))), &[]),
        Id::CheckSchemaCompatibility => (
            s(r::<NewSchemaVersion>(g)),
            (200, s(r::<CompatibilityVerdict>(g))),
            &[],
        ),
        Id::SetSchemaCompatibility => (
            s(r::<CompatibilityMode>(g)),
            (200, s(r::<CompatibilityMode>(g))),
            &[],
        ),
        Id::BrowseMessages => (
            None,
            (200, s(r::<MessagePage>(g))),
            &[
                ("partition", "comma-separated partitions, default all"),
                ("from", "earliest | latest | offset:N | timestamp:MS"),
                (
                    "until",
                    "offset:N | timestamp:MS (exclusive), default the partitions' ends",
                ),
                ("limit", "1–500, default 50"),
                ("q", "key or value contains"),
                (
                    "filter",
                    "CEL expression over key, value, headers, partition, offset, timestamp",
                ),
                ("whole", "true: records whole instead of previews (exports)"),
                ("cursor", "the previous page's cursor"),
            ],
        ),
        Id::TailMessages => (
            None,
            (200, s(r::<TailPage>(g))),
            &[
                ("partition", "comma-separated partitions, default all"),
                ("q", "key or value contains"),
                ("filter", "CEL expression, as for a browse"),
                ("limit", "1–500, default 200"),
                ("wait_ms", "0–5000, default 4000"),
                (
                    "cursor",
                    "the previous poll's cursor; absent: start at the end now",
                ),
            ],
        ),
        Id::CopyMessages => (s(r::<CopyRequest>(g)), (200, s(r::<CopyStep>(g))), &[]),
        Id::GetMessage => (None, (200, s(r::<Message>(g))), &[]),
        Id::ProduceMessage => (s(r::<ProduceRequest>(g)), (201, s(r::<Produced>(g))), &[]),
        Id::ListGroups => (None, (200, s(r::<GroupList>(g))), &[]),
        Id::GetGroup => (None, (200, s(r::<GroupDetail>(g))), &[]),
        Id::ResetOffsets => (s(r::<ResetOffsets>(g)), (200, s(r::<ResetResult>(g))), &[]),
        Id::GetLagHistory => (
            None,
            (200, s(r::<LagHistory>(g))),
            &[
                ("window", "hour | day | week, default hour"),
                ("by_partition", "true: one series per partition"),
                ("topic", "only this topic's series"),
            ],
        ),
        Id::DeleteGroupOffsets => (s(r::<DeleteOffsets>(g)), (200, s(r::<DeletedOffsets>(g))), &[]),
        Id::PublishEvents => (s(r::<EventsRequest>(g)), (202, s(r::<EventsAccepted>(g))), &[]),
        Id::ListEventTopics => (None, (200, s(r::<EventTopicList>(g))), &[]),
        Id::GetEventTopic => (None, (200, s(r::<EventTopic>(g))), &[]),
    };
    Shape {
        request,
        response,
        query,
    }
}

/// A `$ref` to `T`'s schema in `components/schemas`.
fn r<T: JsonSchema>(g: &mut SchemaGenerator) -> Value {
    g.subschema_for::<T>().to_value()
}

fn build() -> Value {
    let mut g = SchemaSettings::draft2020_12()
        .with(|s| s.definitions_path = "/components/schemas".into())
        .into_generator();
    let error = r::<ErrorEnvelope>(&mut g);
    let mut paths = Map::new();
    for op in OPERATIONS {
        let shape = shape(op, &mut g);
        let mut parameters: Vec<Value> = op
            .path
            .split('/')
            .filter_map(|seg| seg.strip_prefix('{')?.strip_suffix('}'))
            .map(|name| match name {
                "cluster" => json!({"name": name, "in": "path", "required": true,
                    "description": "the cluster's id, as GET /clusters lists them",
                    "schema": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{0,62}$"}}),
                _ => json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}),
            })
            .collect();
        parameters.extend(shape.query.iter().map(|(name, description)| {
            json!({"name": name, "in": "query", "required": false, "description": description,
                   "schema": {"type": "string"}})
        }));
        let mut responses = Map::new();
        let (status, body) = shape.response;
        responses.insert(
            status.to_string(),
            match body {
                Some(schema) => json!({"description": "Success",
                    "content": {media_type(op): {"schema": schema}}}),
                None => json!({"description": "Success, no content"}),
            },
        );
        responses.insert(
            "default".into(),
            json!({"description": "Any error, in the one envelope (400, 401, 403, 404, 409, 413, 501, 503, 504)",
                   "content": {"application/json": {"schema": error}}}),
        );
        let mut operation = json!({
            "operationId": op.id.name(),
            "summary": op.summary,
            "tags": [if op.ingest { "ingest" } else { op.function.name() }],
            "parameters": parameters,
            "responses": responses,
            "x-configurator-function": op.function.name(),
        });
        if let Some(permission) = op.permission {
            operation["x-configurator-permission"] = json!(permission.name());
        }
        operation["security"] = if op.authenticated && op.ingest {
            json!([{"bearer": []}, {"clientCredentials": []}])
        } else if op.authenticated {
            json!([{"bearer": []}])
        } else {
            json!([])
        };
        if op.id == Id::PublishEvents {
            operation["parameters"].as_array_mut().expect("a list").push(json!({
                "name": "Idempotency-Key", "in": "header", "required": false,
                "description": "1–200 visible ASCII characters: a retry with the same key within 60 minutes writes nothing new and answers as the first post did",
                "schema": {"type": "string", "maxLength": configurator_api::IDEMPOTENCY_KEY_MAX_LEN}}));
        }
        if let Some(schema) = shape.request {
            operation["requestBody"] =
                json!({"required": true, "content": {"application/json": {"schema": schema}}});
        }
        let path = format!("{}{}", configurator_api::API_PREFIX, op.path);
        let entry = paths.entry(path).or_insert_with(|| json!({}));
        entry[op.method.as_str().to_lowercase()] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Configurator API",
            "version": "1",
            "description": "Kafka management across clusters: topics, messages, schemas, consumer groups and audit, each under /clusters/{cluster}. \
                Every call but health and openapi needs an IdP access token; permissions come from the policy. \
                Services publish governed events with the ingest operations (tag ingest), with a client-credentials token.",
        },
        "paths": paths,
        "components": {
            "schemas": g.take_definitions(true),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
        },
    })
}
