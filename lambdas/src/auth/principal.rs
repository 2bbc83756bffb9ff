use axum::{extract::FromRequestParts, http::request::Parts};
use serde::Deserialize;

use super::VerifyError;
use crate::{AppState, error::ApiError};

/// The verified claims of the caller's access token.
#[derive(Debug, Clone, Deserialize)]
pub struct Claims {
    pub sub: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub preferred_username: Option<String>,
    #[serde(default)]
    pub groups: Vec<String>,
}

/// Extracting a `Principal` is what makes a route authenticated: the handler
/// only runs once the bearer token has been verified.
#[derive(Debug, Clone)]
pub struct Principal(pub Claims);

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts.headers.get(http::header::AUTHORIZATION).ok_or_else(|| {
            ApiError::Unauthenticated("This API needs an `Authorization: Bearer` access token.".into())
        })?;
        let token = header
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::Unauthenticated("The Authorization header must be `Bearer <token>`.".into())
            })?;
        match state.verifier.verify(token).await {
            Ok(claims) => Ok(Principal(claims)),
            Err(VerifyError::Rejected(why)) => Err(ApiError::Unauthenticated(why)),
            Err(VerifyError::KeysUnavailable(why)) => Err(ApiError::IdentityProviderUnavailable(why)),
        }
    }
}
