//! The cluster's schema registry: its schemas, their versions and
//! compatibility, and a topic's key and value schemas (paths relative to
//! `/clusters/{cluster}`). On a cluster without a registry these answer 409
//! `no_schema_registry`.
//!
//! Each handler checks its input first (names, versions, definitions that
//! do not compile, modes the registry does not have), then the permission on
//! the schema name (`schemas` patterns of the policy), then asks the registry.

use std::sync::Arc;

use axum::{
    Json,
    extract::{FromRequestParts, State},
    http::{StatusCode, request::Parts},
};
use configurator_api::{
    CompatibilityMode, CompatibilityVerdict, MAX_DEFINITION_BYTES, NewSchemaVersion, Permission, Registered,
    SCHEMA_LIST_MAX_LIMIT, SchemaList, SchemaListQuery, SchemaSubject, SchemaSummary, SchemaVersion,
    TopicSchemas,
};
use serde_json::json;

use crate::{
    AppState,
    audit::refuse_protected,
    auth::Principal,
    clusters::OnCluster,
    error::ApiError,
    extract::{self, Body, Query, SchemaPath, TopicPath},
    policy::Resource,
    registry::{Registry, catalog::VersionSel, codec::Codec},
};

const DEFAULT_LIMIT: u32 = 50;

/// `GET /topics/{topic}/schemas`: the names the topic's key and value
/// schemas have (strategy or configuration) and those the registry holds.
pub async fn get_topic_schemas(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    TopicPath(topic): TopicPath,
) -> Result<Json<TopicSchemas>, ApiError> {
    refuse_protected(&topic)?;
    let registry = on.require_registry()?;
    caller.require(
        &state.policy,
        on.id(),
        Permission::SchemasRead,
        Resource::Topic(&topic),
    )?;
    on.kafka.topic_meta(&topic).await?;
    let (key_names, value_names) = registry.topic_names(&topic).await?;
    let visible = |name: &&String| {
        state.policy.allows(
            &caller.roles,
            Permission::SchemasRead,
            on.id(),
            Resource::Schema(name),
        )
    };
    let found = |names: &[String]| {
        let names: Vec<String> = names.iter().filter(visible).cloned().collect();
        async move {
            let mut out = Vec::new();
            for name in names {
                if let Some(summary) = registry.summary(&name).await? {
                    out.push(summary);
                }
            }
            Ok::<_, ApiError>(out)
        }
    };
    let key = found(&key_names).await?;
    let value = found(&value_names).await?;
    Ok(Json(TopicSchemas {
        registry: registry.info(),
        strategy: registry.settings().strategy,
        key_names,
        value_names,
        key,
        value,
    }))
}

/// `GET /schemas?q=&limit=&cursor=`: names the caller may read, sorted,
/// paged by name (the cursor is the last name of the previous page).
pub async fn list_schemas(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    Query(query): Query<SchemaListQuery>,
) -> Result<Json<SchemaList>, ApiError> {
    let limit = crate::validate::limit(query.limit, DEFAULT_LIMIT, SCHEMA_LIST_MAX_LIMIT)?;
    let registry = on.require_registry()?;
    caller.require_somewhere(&state.policy, on.id(), Permission::SchemasRead)?;
    let (all, truncated) = registry.list().await?;
    let needle = query
        .q
        .as_deref()
        .map(str::to_lowercase)
        .filter(|q| !q.is_empty());
    let mut matching: Vec<SchemaSummary> = all
        .into_iter()
        .filter(|s| {
            needle
                .as_deref()
                .is_none_or(|q| s.name.to_lowercase().contains(q))
        })
        .filter(|s| {
            state.policy.allows(
                &caller.roles,
                Permission::SchemasRead,
                on.id(),
                Resource::Schema(&s.name),
            )
        })
        .collect();
    matching.sort_by(|a, b| a.name.cmp(&b.name));
    let total = matching.len() as u64;
    let start = query
        .cursor
        .as_deref()
        .map_or(0, |after| matching.partition_point(|s| s.name.as_str() <= after));
    let schemas: Vec<SchemaSummary> = matching
        .into_iter()
        .skip(start)
        .take(limit as usize + 1)
        .collect();
    let more = schemas.len() > limit as usize;
    let schemas: Vec<SchemaSummary> = schemas.into_iter().take(limit as usize).collect();
    Ok(Json(SchemaList {
        registry: registry.info(),
        cursor: more.then(|| schemas.last().map(|s| s.name.clone())).flatten(),
        schemas,
        total,
        truncated,
    }))
}

/// The cluster's registry, when the caller may read `name` in it.
fn readable<'a>(
    state: &AppState,
    caller: &Principal,
    on: &'a OnCluster,
    name: &str,
) -> Result<&'a Arc<Registry>, ApiError> {
    let registry = on.require_registry()?;
    caller.require(
        &state.policy,
        on.id(),
        Permission::SchemasRead,
        Resource::Schema(name),
    )?;
    Ok(registry)
}

/// `GET /schemas/{schema}`
pub async fn get_registry_schema(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    SchemaPath(name): SchemaPath,
) -> Result<Json<SchemaSubject>, ApiError> {
    let registry = readable(&state, &caller, &on, &name)?;
    Ok(Json(registry.subject(&name).await?))
}

/// The `{version}` path parameter: a number from 1 or `latest`.
pub struct VersionPath(VersionSel);

impl<S: Send + Sync> FromRequestParts<S> for VersionPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let params = extract::path_params(parts, state).await?;
        VersionSel::parse(extract::param(&params, "version")?).map(Self)
    }
}

/// `GET /schemas/{schema}/versions/{version}`
pub async fn get_schema_version(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    SchemaPath(name): SchemaPath,
    VersionPath(version): VersionPath,
) -> Result<Json<SchemaVersion>, ApiError> {
    let registry = readable(&state, &caller, &on, &name)?;
    Ok(Json(registry.version(&name, version).await?))
}

/// A definition is checked here before anyone is asked: not empty, within
/// [`MAX_DEFINITION_BYTES`], and compiling as its format (when it references
/// no other schema, which only the registry can resolve).
fn check_definition(new: &NewSchemaVersion) -> Result<(), ApiError> {
    if new.definition.trim().is_empty() {
        return Err(ApiError::invalid(
            "definition",
            "invalid_schema",
            "The definition is empty.",
        ));
    }
    if new.definition.len() > MAX_DEFINITION_BYTES {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "schema_too_large",
            format!(
                "The definition has {} bytes; at most {MAX_DEFINITION_BYTES} are accepted.",
                new.definition.len()
            ),
        )
        .with_field("definition"));
    }
    if new.references.is_empty() {
        Codec::compile(new.format, &new.definition, &[]).map_err(|e| {
            ApiError::invalid(
                "definition",
                "invalid_schema",
                format!("This is not a valid {} schema: {}", new.format.label(), e.message),
            )
            .with_details(e.details)
        })?;
    }
    Ok(())
}

/// `POST /schemas/{schema}/versions` → 201 with the registered version.
pub async fn register_schema_version(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    SchemaPath(name): SchemaPath,
    Body(new): Body<NewSchemaVersion>,
) -> Result<(StatusCode, Json<Registered>), ApiError> {
    check_definition(&new)?;
    let registry = on.require_registry()?;
    if let Some(mode) = &new.compatibility {
        registry.check_mode(mode)?;
    }
    let work = async { registry.register(&name, &new).await };
    let registered = state
        .mutate(
            &caller,
            &on,
            Permission::SchemasWrite,
            Resource::Schema(&name),
            json!({"format": new.format, "compatibility": new.compatibility}),
            StatusCode::CREATED,
            work,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(registered)))
}

/// `POST /schemas/{schema}/compatibility-check`: the registry's verdict;
/// nothing is registered.
pub async fn check_schema_compatibility(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    SchemaPath(name): SchemaPath,
    Body(new): Body<NewSchemaVersion>,
) -> Result<Json<CompatibilityVerdict>, ApiError> {
    check_definition(&new)?;
    let registry = readable(&state, &caller, &on, &name)?;
    Ok(Json(registry.check(&name, &new).await?))
}

/// `PUT /schemas/{schema}/compatibility`
pub async fn set_schema_compatibility(
    State(state): State<AppState>,
    caller: Principal,
    on: OnCluster,
    SchemaPath(name): SchemaPath,
    Body(mode): Body<CompatibilityMode>,
) -> Result<Json<CompatibilityMode>, ApiError> {
    let registry = on.require_registry()?;
    registry.check_mode(&mode.compatibility)?;
    let work = async {
        registry.set_compatibility(&name, &mode.compatibility).await?;
        Ok(mode.clone())
    };
    state
        .mutate(
            &caller,
            &on,
            Permission::SchemasWrite,
            Resource::Schema(&name),
            json!({"compatibility": mode.compatibility}),
            StatusCode::OK,
            work,
        )
        .await
        .map(Json)
}
