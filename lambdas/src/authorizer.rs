//! An API Gateway (REST API) Lambda authorizer, for deployments that keep API
//! Gateway in front of the Lambdas instead of Kong. It applies the same checks
//! as the API itself: the same [`JwtVerifier`] (issuer, audience, expiry,
//! RS256/ES256 against the IdP's JWKS) and the same [`Policy`] (IdP groups →
//! roles → actions on resources), decided for the operation of
//! [`OPERATIONS`] the request is for. The API Lambdas still verify the token
//! and check the permission themselves; this only stops refused requests at
//! the edge.
//!
//! # Events
//!
//! - `REQUEST`: the token is the `Authorization` header; the operation is found
//!   from `httpMethod` and `path` (the stage, when API Gateway puts it in front,
//!   and [`API_PREFIX`] are stripped).
//! - `TOKEN`: API Gateway passes only the token source (`authorizationToken`,
//!   `Bearer …`) and `methodArn`; the operation is found from the verb and the
//!   path in `methodArn`
//!   (`arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/VERB/api/v1/clusters/prod/topics/orders`),
//!   which carries the concrete request path.
//!
//! # Decisions
//!
//! | Situation                                                 | Answer                                       | API Gateway says |
//! |-----------------------------------------------------------|----------------------------------------------|------------------|
//! | no token, not `Bearer …`, bad signature, expired, wrong `iss`/`aud` | `Err("Unauthorized")`              | 401              |
//! | valid token, operation allowed on the concrete resource   | `Allow` on exactly `methodArn`               | the call goes on |
//! | valid token, permission missing                           | `Deny` on exactly `methodArn`                | 403              |
//! | valid token, method + path is no API operation            | `Deny`                                       | 403              |
//! | the IdP's keys cannot be fetched                          | `Err(..)` (not "Unauthorized")               | 500              |
//! | not an authorizer event (no `type`/`methodArn`)           | `Err(..)`                                    | 500              |
//!
//! The resource checked is the topic or consumer group named in the path,
//! otherwise [`Resource::Cluster`], on the cluster named in the path; `me`,
//! the cluster list (and the token-less `health` and
//! `openapi`, which should not have the authorizer attached at all) need only
//! a valid token. For operations whose resource is named in the body (`POST
//! /topics`) or that list resources, `Cluster` means "allowed on some
//! resource"; the API Lambda then checks the concrete name, as it does behind
//! Kong.
//!
//! # Why the IdP being unreachable is an error, not a 401 or a Deny
//!
//! The keys are cached for the life of the process, so this only happens on a
//! cold start or for a token signed with a key we have not seen. We cannot say
//! whether the token is good: a 401 would make the console drop a valid
//! session, and a Deny (403) would tell the person they lack a permission they
//! may well have — and API Gateway would cache it. An error becomes a 500 that
//! API Gateway does not cache, so the next request asks again.
//!
//! # Caching
//!
//! Every policy names exactly the `methodArn` of the request (one stage, verb
//! and concrete path), never a wildcard. API Gateway caches a TOKEN
//! authorizer's answer per token and then evaluates the cached policy against
//! later requests; a policy for `…/GET/api/v1/clusters/prod/topics/*` or `…/*` would let one
//! Allow open every other topic or route for the cache TTL. With the exact ARN
//! a cached Allow can only ever re-open the same request, never a broader one.
//! The price is that, with a per-token cache, a second route within the TTL
//! finds a cached policy that does not name it and API Gateway answers 403 —
//! so deploy a TOKEN authorizer with `authorizerResultTtlInSeconds = 0`, or use
//! the REQUEST type with identity sources that also key the cache by request,
//! e.g. `method.request.header.Authorization, context.httpMethod, context.path`.

use std::fmt;

use configurator_api::{
    API_PREFIX,
    routes::{Matched, find},
};
use lambda_http::lambda_runtime::Diagnostic;
use serde_json::{Map, Value, json};

use crate::{
    auth::{JwtVerifier, Principal, VerifyError},
    policy::{Policy, Resource},
};

/// Why no policy was returned. The binary hands these to the Lambda runtime,
/// which reports `Display` as `errorMessage`.
#[derive(Debug, thiserror::Error)]
pub enum AuthorizerError {
    /// No usable bearer token. API Gateway turns exactly the message
    /// "Unauthorized" into a 401, so the reason (logged) is not part of it.
    #[error("Unauthorized")]
    Unauthorized,
    /// The IdP's signing keys could not be fetched; a 500, see the module docs.
    #[error("{0}")]
    IdentityProviderUnavailable(String),
    /// The event is not a TOKEN or REQUEST authorizer event; a 500 (the API is
    /// misconfigured).
    #[error("not an API Gateway authorizer event: {0}")]
    InvalidEvent(String),
}

impl From<AuthorizerError> for Diagnostic {
    fn from(error: AuthorizerError) -> Self {
        let error_type = match error {
            AuthorizerError::Unauthorized => "Unauthorized",
            AuthorizerError::IdentityProviderUnavailable(_) => "IdentityProviderUnavailable",
            AuthorizerError::InvalidEvent(_) => "InvalidEvent",
        };
        Diagnostic {
            error_type: error_type.into(),
            error_message: error.to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Allow => "Allow",
            Self::Deny => "Deny",
        })
    }
}

/// The request an event is about.
struct Request<'a> {
    method_arn: &'a str,
    method: String,
    path: String,
    /// REQUEST events only: the values API Gateway extracted for `{topic}`
    /// and `{group}`, which must agree with the path.
    path_parameters: Option<&'a Map<String, Value>>,
}

/// Decides one authorizer event: the IAM policy API Gateway expects, or the
/// error that makes it answer 401 (`Unauthorized`) or 500 (anything else).
pub async fn decide(
    event: &Value,
    verifier: &JwtVerifier,
    policy: &Policy,
) -> Result<Value, AuthorizerError> {
    let (request, token) = read_event(event)?;
    let Some(token) = token.and_then(bearer) else {
        tracing::info!(method_arn = request.method_arn, "no bearer token");
        return Err(AuthorizerError::Unauthorized);
    };
    let claims = match verifier.verify(token).await {
        Ok(claims) => claims,
        Err(VerifyError::Rejected(why)) => {
            tracing::info!(method_arn = request.method_arn, reason = %why, "token refused");
            return Err(AuthorizerError::Unauthorized);
        }
        Err(VerifyError::KeysUnavailable(why)) => {
            return Err(AuthorizerError::IdentityProviderUnavailable(why));
        }
    };
    let request_ids = configurator_api::server::RequestIds {
        own: event
            .pointer("/requestContext/requestId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned(),
        client: None,
    };
    let matched = find(&request.method, &request.path);
    // A service client on a console operation is refused like a missing permission.
    let principal = Principal::of(
        claims.clone(),
        verifier.groups_claim(),
        policy,
        matched.as_ref().map(|m| m.operation.id),
        request_ids.clone(),
    );
    let (principal, effect, operation) = match (principal, &matched) {
        (Ok(p), Some(m)) if params_agree(m, request.path_parameters) => {
            let allowed = permitted(m, &p.roles, policy);
            let effect = if allowed { Effect::Allow } else { Effect::Deny };
            (p, effect, m.operation.id.name())
        }
        (principal, m) => {
            let principal = principal.unwrap_or_else(|_| Principal {
                service: claims.service_client().map(str::to_owned),
                claims,
                groups: Vec::new(),
                roles: Vec::new(),
                request_ids,
            });
            (
                principal,
                Effect::Deny,
                m.as_ref().map_or("-", |m| m.operation.id.name()),
            )
        }
    };
    tracing::info!(
        sub = %principal.claims.sub,
        roles = ?principal.roles,
        method = %request.method,
        path = %request.path,
        operation,
        effect = %effect,
        "authorizer decision"
    );
    Ok(policy_response(&principal, effect, request.method_arn))
}

/// The response document. `context` values must be strings, numbers or
/// booleans (API Gateway rejects objects and arrays), so lists are joined.
pub fn policy_response(principal: &Principal, effect: Effect, method_arn: &str) -> Value {
    json!({
        "principalId": principal.claims.sub,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{
                "Action": "execute-api:Invoke",
                "Effect": effect.to_string(),
                // Exactly this request; see "Caching" in the module docs.
                "Resource": method_arn,
            }],
        },
        "context": {
            "sub": principal.claims.sub,
            "name": principal.display_name(),
            "roles": principal.roles.join(","),
            "groups": principal.groups.join(","),
        },
    })
}

fn read_event(event: &Value) -> Result<(Request<'_>, Option<&str>), AuthorizerError> {
    let invalid = |what: &str| AuthorizerError::InvalidEvent(what.to_owned());
    let method_arn = event
        .get("methodArn")
        .and_then(Value::as_str)
        .filter(|arn| arn.starts_with("arn:"))
        .ok_or_else(|| invalid("no methodArn"))?;
    match event.get("type").and_then(Value::as_str) {
        Some("TOKEN") => {
            let arn =
                parse_method_arn(method_arn).ok_or_else(|| invalid("methodArn is not an execute-api ARN"))?;
            let request = Request {
                method_arn,
                method: arn.verb.to_owned(),
                path: strip_api_prefix(&arn.path).to_owned(),
                path_parameters: None,
            };
            Ok((request, event.get("authorizationToken").and_then(Value::as_str)))
        }
        Some("REQUEST") => {
            let method = event
                .get("httpMethod")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid("a REQUEST event without httpMethod"))?;
            let path = event
                .get("path")
                .and_then(Value::as_str)
                .ok_or_else(|| invalid("a REQUEST event without path"))?;
            let stage = event.pointer("/requestContext/stage").and_then(Value::as_str);
            let request = Request {
                method_arn,
                method: method.to_owned(),
                path: relative_path(path, stage).to_owned(),
                path_parameters: event.get("pathParameters").and_then(Value::as_object),
            };
            Ok((request, authorization_header(event)?))
        }
        Some(other) => Err(AuthorizerError::InvalidEvent(format!(
            "type {other:?} (expected TOKEN or REQUEST)"
        ))),
        None => Err(invalid("no type")),
    }
}

/// The `Authorization` header of a REQUEST event, matched without regard to
/// case. Sent more than once (with different values) it is refused: API
/// Gateway passes one value here and the API Lambda might read another.
fn authorization_header(event: &Value) -> Result<Option<&str>, AuthorizerError> {
    let named = |key: &String| key.eq_ignore_ascii_case("authorization");
    if let Some(Value::Object(multi)) = event.get("multiValueHeaders")
        && multi
            .iter()
            .filter(|(k, _)| named(k))
            .any(|(_, v)| v.as_array().is_some_and(|values| values.len() > 1))
    {
        tracing::info!("more than one Authorization header");
        return Err(AuthorizerError::Unauthorized);
    }
    let mut values = match event.get("headers") {
        Some(Value::Object(headers)) => headers
            .iter()
            .filter(|(k, _)| named(k))
            .filter_map(|(_, v)| v.as_str())
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    values.dedup();
    match values.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one)),
        _ => {
            tracing::info!("conflicting Authorization headers");
            Err(AuthorizerError::Unauthorized)
        }
    }
}

/// The token of `Bearer <token>` (the scheme in any case).
fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && !token.contains(char::is_whitespace))
        .then_some(token)
}

/// The parts of `arn:PARTITION:execute-api:REGION:ACCOUNT:API_ID/STAGE/VERB/PATH`.
#[derive(Debug, PartialEq, Eq)]
pub struct MethodArn<'a> {
    pub api_id: &'a str,
    pub stage: &'a str,
    pub verb: &'a str,
    /// The resource path with a leading `/` (`/` when the ARN has none).
    pub path: String,
}

pub fn parse_method_arn(arn: &str) -> Option<MethodArn<'_>> {
    let mut fields = arn.splitn(6, ':');
    let (Some("arn"), Some(_partition), Some("execute-api"), Some(_region), Some(_account), Some(rest)) = (
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
    ) else {
        return None;
    };
    let mut parts = rest.splitn(4, '/');
    let api_id = parts.next().filter(|s| !s.is_empty())?;
    let stage = parts.next().filter(|s| !s.is_empty())?;
    let verb = parts.next().filter(|s| !s.is_empty())?;
    let path = format!("/{}", parts.next().unwrap_or_default());
    Some(MethodArn {
        api_id,
        stage,
        verb,
        path,
    })
}

/// The path relative to [`API_PREFIX`]. A REQUEST event's `path` may carry the
/// stage in front (as `requestContext.path` does); lambda_http accepts both
/// forms, and so do we. A path without the prefix is taken as relative already
/// (an API mapped at the root).
pub fn relative_path<'a>(path: &'a str, stage: Option<&str>) -> &'a str {
    let unstaged = stage
        .filter(|s| !s.is_empty() && *s != "$default")
        .and_then(|s| path.strip_prefix('/')?.strip_prefix(s))
        .filter(|rest| rest.starts_with(&format!("{API_PREFIX}/")));
    strip_api_prefix(unstaged.unwrap_or(path))
}

fn strip_api_prefix(path: &str) -> &str {
    match path.strip_prefix(API_PREFIX) {
        Some(rest) if rest.starts_with('/') => rest,
        _ => path,
    }
}

/// Whether API Gateway's own `pathParameters` (when the API defines
/// `{topic}` / `{group}` resources) name the same topic or group we matched.
fn params_agree(matched: &Matched, path_parameters: Option<&Map<String, Value>>) -> bool {
    let Some(given) = path_parameters else { return true };
    matched.params.iter().all(|(name, value)| match given.get(*name) {
        Some(v) => v.as_str() == Some(value.as_str()),
        None => true,
    })
}

fn permitted(matched: &Matched, roles: &[String], policy: &Policy) -> bool {
    let Some(permission) = matched.operation.permission else {
        // `me`, the cluster list (and the token-less operations): a valid
        // token is enough; they answer with what the caller may see.
        return true;
    };
    // Every operation with a permission is on one cluster (a contract test
    // checks), so a path without one matches no such operation.
    let Some(cluster) = matched.param("cluster") else {
        return false;
    };
    let resource = match (matched.param("topic"), matched.param("group")) {
        (Some(topic), _) => Resource::Topic(topic),
        (None, Some(group)) => Resource::Group(group),
        (None, None) => Resource::Cluster,
    };
    policy.allows(roles, permission, cluster, resource)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_arns_are_split_into_stage_verb_and_path() {
        let arn = parse_method_arn(
            "arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/POST/api/v1/clusters/prod/consumer-groups/billing/reset-offsets",
        )
        .unwrap();
        assert_eq!(
            arn,
            MethodArn {
                api_id: "abc123",
                stage: "prod",
                verb: "POST",
                path: "/api/v1/clusters/prod/consumer-groups/billing/reset-offsets".into(),
            }
        );
        assert_eq!(
            parse_method_arn("arn:aws-cn:execute-api:cn-north-1:1:x/*/GET/")
                .unwrap()
                .path,
            "/"
        );
        assert_eq!(
            parse_method_arn("arn:aws:execute-api:r:1:x/prod").map(|a| a.path),
            None
        );
        assert_eq!(parse_method_arn("arn:aws:lambda:r:1:function/prod/GET/x"), None);
    }

    #[test]
    fn paths_lose_the_stage_and_the_api_prefix() {
        assert_eq!(relative_path("/api/v1/topics", Some("prod")), "/topics");
        assert_eq!(relative_path("/prod/api/v1/topics", Some("prod")), "/topics");
        // A stage named like the prefix's first segment is not stripped twice.
        assert_eq!(relative_path("/api/v1/topics", Some("api")), "/topics");
        assert_eq!(relative_path("/topics", None), "/topics");
        assert_eq!(relative_path("/api/v1x/topics", None), "/api/v1x/topics");
    }

    #[test]
    fn the_resource_checked_is_the_one_in_the_path_on_its_cluster() {
        let policy = Policy::parse(
            r#"
            [groups]
            ops = ["operator"]
            [[roles.operator]]
            clusters = "dev-.*"
            actions = ["topics:purge", "groups:reset", "cluster:read"]
            topics = "orders"
            "#,
        )
        .unwrap();
        let roles = policy.roles_of(&["ops".to_owned()]);
        let decide = |method: &str, path: &str| permitted(&find(method, path).unwrap(), &roles, &policy);
        assert!(decide("POST", "/clusters/dev-eu/topics/orders/purge"));
        assert!(!decide("POST", "/clusters/prod-eu/topics/orders/purge"));
        assert!(!decide("POST", "/clusters/dev-eu/topics/payments/purge"));
        assert!(decide(
            "POST",
            "/clusters/dev-eu/consumer-groups/team%20a/reset-offsets"
        ));
        assert!(decide("GET", "/clusters/dev-eu"));
        assert!(!decide("GET", "/clusters/prod-eu"));
        // A valid token is enough for what answers with what one may see.
        assert!(decide("GET", "/clusters"));
        assert!(decide("GET", "/me"));
    }

    #[test]
    fn only_bearer_tokens_are_taken() {
        assert_eq!(bearer("Bearer abc"), Some("abc"));
        assert_eq!(bearer("bearer  abc "), Some("abc"));
        assert_eq!(bearer("Basic abc"), None);
        assert_eq!(bearer("Bearer "), None);
        assert_eq!(bearer("abc"), None);
        assert_eq!(bearer("Bearer a b"), None);
    }

    #[test]
    fn the_runtime_reports_unauthorized_verbatim() {
        let d = Diagnostic::from(AuthorizerError::Unauthorized);
        assert_eq!(d.error_message, "Unauthorized");
    }
}
