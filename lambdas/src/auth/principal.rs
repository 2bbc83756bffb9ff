use axum::{extract::FromRequestParts, http::request::Parts};
use serde::Deserialize;

use configurator_api::{
    routes::{OperationId, operation},
    server::RequestIds,
};

use super::VerifyError;
use configurator_api::Permission;

use crate::{
    AppState,
    error::ApiError,
    policy::{Policy, Resource},
};

/// The verified claims of the caller's access token.
#[derive(Debug, Clone, Deserialize)]
pub struct Claims {
    pub sub: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub preferred_username: Option<String>,
    /// RFC 9068: the client the token was issued to. A client-credentials
    /// token (a service acting for itself) has it equal to `sub`.
    #[serde(default)]
    pub client_id: Option<String>,
    /// Everything else, the groups claim among it (its name is configurable).
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl Claims {
    /// The service client a client-credentials token speaks for; `None`
    /// for a person's token (whose `sub` is the person).
    pub fn service_client(&self) -> Option<&str> {
        self.client_id.as_deref().filter(|c| *c == self.sub)
    }

    /// The IdP groups in `claim`: a list of strings, or one string.
    pub fn groups(&self, claim: &str) -> Vec<String> {
        match self.other.get(claim) {
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            Some(serde_json::Value::String(one)) => vec![one.clone()],
            _ => Vec::new(),
        }
    }
}

/// Extracting a `Principal` is what makes a route authenticated: the handler
/// only runs once the bearer token has been verified. It carries the roles
/// the policy gives the person's groups, or the service's.
#[derive(Debug, Clone)]
pub struct Principal {
    pub claims: Claims,
    pub groups: Vec<String>,
    pub roles: Vec<String>,
    /// The service client, for a client-credentials token.
    pub service: Option<String>,
    /// The request's ids (set by the request-id middleware), for audit records.
    pub request_ids: RequestIds,
}

impl Principal {
    /// Who a verified token speaks for, on `operation`: a person with the
    /// roles of their groups (`groups_claim`), or a service client with the
    /// roles of its `[services]` entry, refused on the console's operations
    /// unless that entry allows them.
    pub fn of(
        claims: Claims,
        groups_claim: &str,
        policy: &Policy,
        operation: Option<OperationId>,
        request_ids: RequestIds,
    ) -> Result<Self, ApiError> {
        let service = claims.service_client().map(str::to_owned);
        let (groups, roles) = match &service {
            Some(client) => {
                let registered = policy.service(client);
                refuse_console(client, registered.is_some_and(|s| s.console), operation)?;
                (
                    Vec::new(),
                    registered.map(|s| s.roles.clone()).unwrap_or_default(),
                )
            }
            None => {
                let groups = claims.groups(groups_claim);
                let roles = policy.roles_of(&groups);
                (groups, roles)
            }
        };
        Ok(Self {
            claims,
            groups,
            roles,
            service,
            request_ids,
        })
    }

    /// `Ok` when the policy allows `permission` on `resource` of `cluster`.
    /// Otherwise a cluster the person may not see at all is a 404
    /// (`cluster_not_found`, as if it did not exist) and a missing
    /// permission the 403 naming cluster and permission. Nothing has
    /// happened yet either way.
    pub fn require(
        &self,
        policy: &Policy,
        cluster: &str,
        permission: Permission,
        resource: Resource<'_>,
    ) -> Result<(), ApiError> {
        if policy.allows(&self.roles, permission, cluster, resource) {
            Ok(())
        } else if !policy.may_see(&self.roles, cluster) {
            Err(ApiError::cluster_not_found(cluster))
        } else {
            Err(ApiError::missing_permission(cluster, permission, resource))
        }
    }

    /// For lists: `Ok` when `permission` is held on at least some resource
    /// of `cluster` (the list then shows only those), the refusal otherwise.
    pub fn require_somewhere(
        &self,
        policy: &Policy,
        cluster: &str,
        permission: Permission,
    ) -> Result<(), ApiError> {
        if policy.actions_of(&self.roles, cluster).contains(&permission) {
            Ok(())
        } else if !policy.may_see(&self.roles, cluster) {
            Err(ApiError::cluster_not_found(cluster))
        } else {
            Err(ApiError::missing_permission(cluster, permission, "any resource"))
        }
    }

    /// Whether the person may see this topic at all (lists leave out the rest).
    pub fn may_read_topic(&self, policy: &Policy, cluster: &str, topic: &str) -> bool {
        policy.allows(
            &self.roles,
            Permission::TopicsRead,
            cluster,
            Resource::Topic(topic),
        )
    }

    pub fn display_name(&self) -> &str {
        if let Some(client) = &self.service {
            return client;
        }
        let c = &self.claims;
        c.name
            .as_deref()
            .or(c.preferred_username.as_deref())
            .unwrap_or(&c.sub)
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts.headers.get(http::header::AUTHORIZATION).ok_or_else(|| {
            ApiError::unauthenticated("This API needs an `Authorization: Bearer` access token.")
        })?;
        let token = header
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::unauthenticated("The Authorization header must be `Bearer <token>`."))?;
        match state.verifier.verify(token).await {
            Ok(claims) => {
                // Routers without the middleware (unit tests) still get an id.
                let request_ids =
                    parts
                        .extensions
                        .get::<RequestIds>()
                        .cloned()
                        .unwrap_or_else(|| RequestIds {
                            own: uuid::Uuid::new_v4().to_string(),
                            client: None,
                        });
                let operation = parts.extensions.get::<OperationId>().copied();
                Principal::of(
                    claims,
                    state.verifier.groups_claim(),
                    &state.policy,
                    operation,
                    request_ids,
                )
            }
            Err(VerifyError::Rejected(why)) => Err(ApiError::unauthenticated(why)),
            Err(VerifyError::KeysUnavailable(why)) => Err(ApiError::identity_provider_unavailable(why)),
        }
    }
}

/// A service client reaches the ingest API only, unless the policy lets it
/// use the console (`console = true` in its `[services]` entry). Routers
/// that do not name the operation (none in this crate) refuse it too.
fn refuse_console(client: &str, console: bool, op: Option<OperationId>) -> Result<(), ApiError> {
    if console || op.is_some_and(|id| operation(id).ingest) {
        return Ok(());
    }
    Err(ApiError::new(
        http::StatusCode::FORBIDDEN,
        "service_not_allowed_here",
        format!(
            "{client} is a service client: it may use the ingest API (events) only, unless the policy's [services] entry for it sets console = true."
        ),
    ))
}
