//! The BFF's side of OpenID Connect: discovery, the authorization-code flow
//! with PKCE (S256), state and nonce, ID token verification, refresh,
//! revocation and RP-initiated logout. Built on the `openidconnect` crate,
//! the OIDC layer of `oauth2`.

mod keys;
mod reachability;

use std::{sync::Arc, time::Duration};

use openidconnect::{
    AdditionalClaims, AdditionalProviderMetadata, AuthorizationCode, ClaimsVerificationError, Client,
    ClientId, ClientSecret, CsrfToken, EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    IdToken, IdTokenClaims, IdTokenFields, IdTokenVerifier, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, PkceCodeVerifier, ProviderMetadata, RedirectUrl, RefreshToken, RequestTokenError,
    RevocationUrl, Scope, StandardErrorResponse, StandardTokenResponse,
    core::{
        CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreClaimName, CoreClaimType,
        CoreClientAuthMethod, CoreErrorResponseType, CoreGenderClaim, CoreGrantType, CoreJsonWebKey,
        CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm, CoreJwsSigningAlgorithm,
        CoreResponseMode, CoreResponseType, CoreRevocableToken, CoreRevocationErrorResponse,
        CoreSubjectIdentifierType, CoreTokenIntrospectionResponse, CoreTokenType,
    },
};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;
use url::Url;

use self::{
    keys::{Refetch, SigningKeys},
    reachability::Reachability,
};
use crate::{
    config::Config,
    session::{PendingLogin, TokenSet, now_unix},
};

const HTTP_TIMEOUT: Duration = Duration::from_secs(5);
/// Idle connections to the IdP are dropped before common servers drop them
/// (Node's HTTP server: 5 s), so a token request is rarely written on a
/// connection the IdP is closing: a POST that fails that way cannot be retried
/// (an authorization code is single use). Logins are few; a new connection
/// now and then costs nothing that matters.
const IDLE_CONNECTION_FOR: Duration = Duration::from_secs(3);

/// The claims we read beyond the standard ones.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupsClaim {
    #[serde(default)]
    pub groups: Vec<String>,
}
impl AdditionalClaims for GroupsClaim {}

/// Discovery fields `openidconnect` does not model itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogoutMetadata {
    pub end_session_endpoint: Option<Url>,
    pub revocation_endpoint: Option<Url>,
    /// RFC 9207: the IdP puts `iss` on its redirect back to us.
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
}
impl AdditionalProviderMetadata for LogoutMetadata {}

type Metadata = ProviderMetadata<
    LogoutMetadata,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;
type TokenResponse = StandardTokenResponse<
    IdTokenFields<
        GroupsClaim,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;
/// `R` says whether the revocation endpoint is known (typestate).
type OidcClient<R = EndpointNotSet> = Client<
    GroupsClaim,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    TokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    R,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    /// The IdP could not be reached or answered nonsense: retry later.
    #[error("identity provider unavailable: {0}")]
    Unavailable(String),
    /// The IdP refused (e.g. a revoked refresh token): the session is over.
    #[error("rejected by the identity provider: {0}")]
    Rejected(String),
    /// The callback or the ID token failed a check: no session is created.
    #[error("{0}")]
    Invalid(String),
}

/// Who signed in, from the verified ID token.
pub struct SignedIn {
    pub sub: String,
    pub name: String,
    pub email: Option<String>,
    pub groups: Vec<String>,
    pub tokens: TokenSet,
}

/// The discovered provider plus our client registration.
pub struct Provider {
    client: OidcClient,
    /// The same client, when the IdP publishes a revocation endpoint.
    revoker: Option<OidcClient<EndpointSet>>,
    http: reqwest::Client,
    issuer: String,
    scopes: Vec<String>,
    end_session_endpoint: Option<Url>,
    iss_parameter_supported: bool,
    client_id: String,
    client_secret: ClientSecret,
    /// The issuer as discovery confirmed it, for ID token verification.
    issuer_url: IssuerUrl,
    id_token_algs: Vec<CoreJwsSigningAlgorithm>,
    /// ID tokens are verified with these, not the client's own copy from discovery.
    signing_keys: SigningKeys,
    reachability: Reachability,
}

impl Provider {
    pub async fn discover(config: &Config) -> Result<Self, OidcError> {
        let oidc = &config.oidc;
        // No redirects: a token endpoint that redirects is an attack, not a feature.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(HTTP_TIMEOUT)
            .pool_idle_timeout(IDLE_CONNECTION_FOR)
            .build()
            .map_err(|e| OidcError::Unavailable(e.to_string()))?;
        let issuer_url = IssuerUrl::new(oidc.issuer.as_str().trim_end_matches('/').to_owned())
            .map_err(|e| OidcError::Invalid(format!("bad issuer URL: {e}")))?;
        let metadata = Metadata::discover_async(issuer_url, &http)
            .await
            .map_err(|e| OidcError::Unavailable(format!("discovery failed: {e}")))?;
        let extra = metadata.additional_metadata().clone();
        let signing_keys = SigningKeys::new(metadata.jwks_uri().clone(), metadata.jwks().clone());
        let issuer_url = metadata.issuer().clone();
        let id_token_algs = metadata.id_token_signing_alg_values_supported().clone();
        let redirect = RedirectUrl::new(config.public_url("/auth/callback").to_string())
            .map_err(|e| OidcError::Invalid(e.to_string()))?;
        let client = OidcClient::from_provider_metadata(
            metadata,
            ClientId::new(oidc.client_id.clone()),
            Some(ClientSecret::new(oidc.client_secret.expose().to_owned())),
        )
        .set_redirect_uri(redirect);
        let revoker = extra
            .revocation_endpoint
            .map(|url| client.clone().set_revocation_url(RevocationUrl::from_url(url)));
        let issuer = oidc.issuer.as_str().trim_end_matches('/').to_owned();
        Ok(Self {
            client,
            revoker,
            http,
            reachability: Reachability::new(&issuer)
                .map_err(|e| OidcError::Invalid(format!("bad issuer URL: {e}")))?,
            issuer,
            scopes: oidc.scopes.clone(),
            end_session_endpoint: extra.end_session_endpoint,
            iss_parameter_supported: extra.authorization_response_iss_parameter_supported,
            client_id: oidc.client_id.clone(),
            client_secret: ClientSecret::new(oidc.client_secret.expose().to_owned()),
            issuer_url,
            id_token_algs,
            signing_keys,
        })
    }

    /// Whether the IdP answers now (see [`reachability`]): a login is not
    /// sent to an IdP that does not.
    pub async fn reachable(&self) -> bool {
        self.reachability.is_up(&self.http).await
    }

    /// Starts a login: the IdP URL to send the browser to, the `state` that
    /// keys this attempt, and what the callback needs to finish it.
    pub fn begin_login(&self, return_to: String) -> (Url, String, PendingLogin) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = self.client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        for scope in self.scopes.iter().filter(|s| *s != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        let pending = PendingLogin {
            pkce_verifier: verifier.secret().clone(),
            nonce: nonce.secret().clone(),
            return_to,
            started_at: now_unix(),
        };
        (url, state.secret().clone(), pending)
    }

    /// Checks the `iss` response parameter (RFC 9207, mix-up defence).
    pub fn check_response_issuer(&self, iss: Option<&str>) -> Result<(), OidcError> {
        match iss {
            Some(iss) if iss.trim_end_matches('/') != self.issuer => Err(OidcError::Invalid(
                "The sign-in answer came from an unexpected identity provider.".into(),
            )),
            None if self.iss_parameter_supported => Err(OidcError::Invalid(
                "The sign-in answer lacks the issuer it must carry.".into(),
            )),
            _ => Ok(()),
        }
    }

    /// Redeems the authorization code and verifies the ID token (signature,
    /// issuer, audience, expiry, nonce).
    pub async fn finish_login(&self, code: String, pending: &PendingLogin) -> Result<SignedIn, OidcError> {
        let response = self
            .client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| OidcError::Invalid(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(token_error)?;
        let id_token = response
            .extra_fields()
            .id_token()
            .ok_or_else(|| OidcError::Invalid("The identity provider sent no ID token.".into()))?;
        let nonce = Nonce::new(pending.nonce.clone());
        let claims = match self.verify(id_token, &nonce) {
            // Perhaps the IdP rotated its keys since we fetched them.
            Err(ClaimsVerificationError::SignatureVerification(_))
                if self.signing_keys.refetch(&self.http).await? == Refetch::Changed =>
            {
                self.verify(id_token, &nonce)
            }
            other => other,
        }
        .map_err(|e| OidcError::Invalid(format!("The ID token failed verification: {e}")))?;
        let name = claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string())
            .or_else(|| claims.preferred_username().map(|u| u.to_string()))
            .unwrap_or_else(|| claims.subject().to_string());
        Ok(SignedIn {
            sub: claims.subject().to_string(),
            name,
            email: claims.email().map(|e| e.to_string()),
            groups: claims.additional_claims().groups.clone(),
            tokens: token_set(&response, None),
        })
    }

    fn verify<'t>(
        &self,
        id_token: &'t IdToken<
            GroupsClaim,
            CoreGenderClaim,
            CoreJweContentEncryptionAlgorithm,
            CoreJwsSigningAlgorithm,
        >,
        nonce: &Nonce,
    ) -> Result<&'t IdTokenClaims<GroupsClaim, CoreGenderClaim>, ClaimsVerificationError> {
        let verifier: IdTokenVerifier<'_, CoreJsonWebKey> = IdTokenVerifier::new_confidential_client(
            ClientId::new(self.client_id.clone()),
            self.client_secret.clone(),
            self.issuer_url.clone(),
            self.signing_keys.current(),
        )
        .set_allowed_algs(self.id_token_algs.clone());
        id_token.claims(&verifier, nonce)
    }

    /// Trades the refresh token for new tokens. The IdP rotates refresh
    /// tokens; when it sends none, the old one stays valid and is kept.
    pub async fn refresh(&self, tokens: &TokenSet) -> Result<TokenSet, OidcError> {
        let Some(refresh_token) = tokens.refresh_token.clone() else {
            return Err(OidcError::Rejected("the session has no refresh token".into()));
        };
        let refresh_token = RefreshToken::new(refresh_token);
        let response = self
            .client
            .exchange_refresh_token(&refresh_token)
            .map_err(|e| OidcError::Invalid(e.to_string()))?
            .request_async(&self.http)
            .await
            .map_err(token_error)?;
        Ok(token_set(&response, Some(tokens)))
    }

    /// Revokes the refresh token (and with it the grant) at logout; best effort.
    pub async fn revoke(&self, tokens: &TokenSet) {
        let (Some(refresh_token), Some(revoker)) = (tokens.refresh_token.clone(), &self.revoker) else {
            return;
        };
        let token = CoreRevocableToken::from(RefreshToken::new(refresh_token));
        let result = match revoker.revoke_token(token) {
            Ok(request) => request.request_async(&self.http).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(e) = result {
            tracing::warn!(error = %e, "refresh token revocation failed");
        }
    }

    /// Where the browser goes to end its IdP session (RP-initiated logout).
    pub fn end_session_url(&self, id_token: Option<&str>, post_logout_redirect: &Url) -> Option<Url> {
        let mut url = self.end_session_endpoint.clone()?;
        {
            let mut query = url.query_pairs_mut();
            if let Some(hint) = id_token {
                query.append_pair("id_token_hint", hint);
            }
            query
                .append_pair("client_id", &self.client_id)
                .append_pair("post_logout_redirect_uri", post_logout_redirect.as_str());
        }
        Some(url)
    }
}

fn token_set(response: &TokenResponse, previous: Option<&TokenSet>) -> TokenSet {
    let lifetime = response.expires_in().unwrap_or(Duration::from_secs(60));
    TokenSet {
        access_token: response.access_token().secret().clone(),
        refresh_token: response
            .refresh_token()
            .map(|t| t.secret().clone())
            .or_else(|| previous.and_then(|p| p.refresh_token.clone())),
        id_token: response
            .extra_fields()
            .id_token()
            .map(|t| t.to_string())
            .or_else(|| previous.and_then(|p| p.id_token.clone())),
        access_expires_at: now_unix() + lifetime.as_secs() as i64,
    }
}

fn token_error<E: std::error::Error + 'static>(
    error: RequestTokenError<E, StandardErrorResponse<CoreErrorResponseType>>,
) -> OidcError {
    match error {
        RequestTokenError::ServerResponse(response) => {
            let code = response.error().as_ref().to_owned();
            let detail = response.error_description().cloned().unwrap_or_default();
            OidcError::Rejected(format!("{code}: {detail}"))
        }
        RequestTokenError::Request(e) => OidcError::Unavailable(e.to_string()),
        other => OidcError::Unavailable(other.to_string()),
    }
}

/// The provider, discovered in the background: the BFF starts serving at once
/// and keeps retrying discovery with backoff until the IdP answers, so an IdP
/// that is down at start (or a BFF that starts first) heals by itself.
#[derive(Clone, Default)]
pub struct ProviderHandle(Arc<RwLock<Option<Arc<Provider>>>>);

impl ProviderHandle {
    pub fn spawn_discovery(config: Config) -> Self {
        let handle = Self::default();
        let slot = handle.clone();
        tokio::spawn(async move {
            let mut delay = Duration::from_millis(250);
            loop {
                match Provider::discover(&config).await {
                    Ok(provider) => {
                        tracing::info!(issuer = %config.oidc.issuer, "identity provider discovered");
                        *slot.0.write().await = Some(Arc::new(provider));
                        return;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, retry_in_ms = delay.as_millis() as u64, "identity provider discovery failed");
                        tokio::time::sleep(delay).await;
                        delay = (delay * 2).min(Duration::from_secs(30));
                    }
                }
            }
        });
        handle
    }

    pub async fn get(&self) -> Option<Arc<Provider>> {
        self.0.read().await.clone()
    }
}
