//! The one HTTP client of the console. Every call goes to the BFF on the same
//! origin, carries `X-CSRF: 1` and an `X-Request-Id` of its own, and gets its
//! errors parsed from the shared envelope, in one place:
//!
//! - 401: the person is sent to the login and back to this page (once, even
//!   when several calls fail together);
//! - 403: [`ApiError::Forbidden`] names the missing permission and the
//!   cluster (the server's, else the route table's) and the page stays as it is;
//! - 5xx, timeouts and an unreachable server: a dismissible error toast with
//!   the request id, besides the error the caller gets.

use configurator_api::{
    API_PREFIX, CSRF_HEADER, ErrorBody, ErrorDetail, ErrorEnvelope, REQUEST_ID_HEADER, routes,
};
use gloo_net::http::{Method, RequestBuilder, Response};
use leptos::prelude::set_timeout_with_handle;
use serde::{Serialize, de::DeserializeOwned};
use std::time::Duration;

use crate::{components::toast, permissions};

/// Where the console lives; must match `public_url` in Trunk.toml.
pub const BASE: &str = "/dev/configurator";

/// A call without an answer by then is abandoned (the BFF gives up on the
/// API after 30 s and answers 504 itself).
const TIMEOUT: Duration = Duration::from_secs(35);

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The session is gone; the browser is already on its way to the login.
    SignInRequired,
    /// 403 for a permission the person lacks; `body.permission` and
    /// `body.cluster` say which and where, when known.
    Forbidden { body: ErrorBody },
    /// Any other error answer, with the server's explanation.
    Failed { status: u16, body: ErrorBody },
    /// No answer (network down, server unreachable) or none in time.
    Unreachable { timed_out: bool, request_id: String },
}

impl ApiError {
    pub fn message(&self) -> String {
        match self {
            Self::SignInRequired => "Your session has ended. Taking you to sign in…".into(),
            Self::Forbidden { body } => match body.permission {
                Some(p) => permissions::denied(p, body.cluster.as_deref()),
                None => format!("You do not have permission to do this. {}", body.message),
            },
            Self::Failed { body, .. } => body.message.clone(),
            Self::Unreachable { timed_out: true, .. } => {
                format!("The server did not answer within {} seconds.", TIMEOUT.as_secs())
            }
            Self::Unreachable { .. } => {
                "The console's server could not be reached. Check your connection and try again.".into()
            }
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Forbidden { body } | Self::Failed { body, .. } => body.request_id.as_deref(),
            Self::Unreachable { request_id, .. } => Some(request_id),
            Self::SignInRequired => None,
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            Self::SignInRequired => 401,
            Self::Forbidden { .. } => 403,
            Self::Failed { status, .. } => *status,
            Self::Unreachable { .. } => 0,
        }
    }

    pub fn code(&self) -> &str {
        match self {
            Self::Forbidden { body } | Self::Failed { body, .. } => &body.code,
            Self::SignInRequired => "unauthenticated",
            Self::Unreachable { .. } => "unreachable",
        }
    }

    /// The request field the error is about (`name`, `configs.retention.ms`, …).
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Failed { body, .. } => body.field.as_deref(),
            _ => None,
        }
    }

    pub fn details(&self) -> &[ErrorDetail] {
        match self {
            Self::Failed { body, .. } => &body.details,
            _ => &[],
        }
    }

    /// The server's fault or no server at all: worth a toast wherever it happens.
    /// (A 501 `not_supported_by_registry` or `not_supported_by_broker` is neither: the
    /// page or dialog shows its message.)
    fn is_outage(&self) -> bool {
        matches!(self, Self::Unreachable { .. })
            || (self.status() >= 500
                && !matches!(
                    self.code(),
                    "not_supported_by_registry" | "not_supported_by_broker"
                ))
    }
}

pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    decode(get_text(path).await?)
}

/// GET, the answer's body as it came (decoded by the caller).
pub async fn get_text(path: &str) -> Result<String, ApiError> {
    call(Method::GET, path, None).await
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    decode(call(Method::POST, path, Some(encode(body))).await?)
}

pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    decode(call(Method::PUT, path, Some(encode(body))).await?)
}

pub async fn patch<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, ApiError> {
    decode(call(Method::PATCH, path, Some(encode(body))).await?)
}

/// DELETE; the answer's body (if any) is not needed.
pub async fn delete(path: &str) -> Result<(), ApiError> {
    call(Method::DELETE, path, None).await.map(drop)
}

/// A path segment (topic or group name) made safe for a URL.
pub fn seg(name: &str) -> String {
    js_sys::encode_uri_component(name).into()
}

fn encode<B: Serialize>(body: &B) -> String {
    serde_json::to_string(body).expect("request bodies serialise")
}

pub fn decode<T: DeserializeOwned>(text: String) -> Result<T, ApiError> {
    crate::decode::from_str(&text).map_err(|e| ApiError::Failed {
        status: 200,
        body: error_body(
            "unexpected_answer",
            format!("The server's answer could not be read: {e}."),
        ),
    })
}

/// Every call goes through here; its answer body on success.
async fn call(method: Method, path: &str, body: Option<String>) -> Result<String, ApiError> {
    let response = send(method, path, body, None).await?;
    Ok(response.text().await.unwrap_or_default())
}

/// GET that the caller can abort with `controller` (a live tail's long poll
/// when the person stops following). An aborted call ends in
/// [`ApiError::Unreachable`] without a toast: nobody waits for it.
pub async fn get_abortable<T: DeserializeOwned>(
    path: &str,
    controller: web_sys::AbortController,
) -> Result<T, ApiError> {
    let response = send(Method::GET, path, None, Some(controller)).await?;
    decode(response.text().await.unwrap_or_default())
}

/// GET whose body the caller reads as it comes (an export's stream); errors
/// are handled as for every call. The timeout covers only the wait for the
/// answer's headers, so a long download is not cut off; `controller` cancels.
pub async fn open(path: &str, controller: web_sys::AbortController) -> Result<Response, ApiError> {
    send(Method::GET, path, None, Some(controller)).await
}

/// Sends one call; the answer when it is a success, else its error parsed
/// (and toasted when the server or the network failed).
async fn send(
    method: Method,
    path: &str,
    body: Option<String>,
    controller: Option<web_sys::AbortController>,
) -> Result<Response, ApiError> {
    let request_id = new_request_id();
    let controller = controller.or_else(|| web_sys::AbortController::new().ok());
    let timed_out = std::rc::Rc::new(std::cell::Cell::new(false));
    let timer = controller.clone().and_then(|c| {
        let timed_out = timed_out.clone();
        set_timeout_with_handle(
            move || {
                timed_out.set(true);
                c.abort();
            },
            TIMEOUT,
        )
        .ok()
    });
    let mut request = RequestBuilder::new(&format!("{BASE}{path}"))
        .method(method.clone())
        .header(CSRF_HEADER, "1")
        .header(REQUEST_ID_HEADER, &request_id)
        .header("accept", "application/json")
        .abort_signal(controller.as_ref().map(|c| c.signal()).as_ref());
    let sent = match body {
        Some(body) => {
            request = request.header("content-type", "application/json");
            match request.body(body) {
                Ok(request) => request.send().await,
                Err(e) => Err(e),
            }
        }
        None => request.send().await,
    };
    if let Some(timer) = timer {
        timer.clear();
    }
    let cancelled = !timed_out.get() && controller.as_ref().is_some_and(|c| c.signal().aborted());
    let result = match sent {
        Err(_) => Err(ApiError::Unreachable {
            timed_out: timed_out.get(),
            request_id,
        }),
        Ok(response) => {
            let status = response.status();
            if response.ok() {
                return Ok(response);
            }
            let text = response.text().await.unwrap_or_default();
            if status == 401 {
                go_to_login();
                return Err(ApiError::SignInRequired);
            }
            let mut body = crate::decode::from_str::<ErrorEnvelope>(&text)
                .map(|e| e.error)
                .unwrap_or_else(|_| {
                    error_body("http_error", format!("The server answered with status {status}."))
                });
            body.request_id.get_or_insert(request_id);
            // Only a refusal by the policy lacks a permission; other 403s
            // (a protected topic, …) explain themselves.
            if status == 403 && body.code == "forbidden" {
                explain_refusal(&mut body, &method, path);
                Err(ApiError::Forbidden { body })
            } else {
                Err(ApiError::Failed { status, body })
            }
        }
    };
    if let Err(error) = &result
        && error.is_outage()
        && !cancelled
    {
        toast::error(error);
    }
    result
}

pub fn error_body(code: &str, message: String) -> ErrorBody {
    ErrorBody {
        code: code.into(),
        message,
        field: None,
        request_id: None,
        login_url: None,
        cluster: None,
        permission: None,
        details: Vec::new(),
    }
}

/// Fills in what a refusal was about where the server did not say: the
/// permission and the cluster of the operation called, from the route table.
fn explain_refusal(body: &mut ErrorBody, method: &Method, path: &str) {
    let Some(matched) = path
        .split('?')
        .next()
        .and_then(|p| p.strip_prefix(API_PREFIX))
        .and_then(|p| routes::find(method.as_str(), p))
    else {
        return;
    };
    body.permission = body.permission.or(matched.operation.permission);
    if body.cluster.is_none() {
        body.cluster = matched.param("cluster").map(str::to_owned);
    }
}

/// Ids the BFF and the Lambdas log under; ours, so a call that never got an
/// answer can still be quoted.
fn new_request_id() -> String {
    let random = || (js_sys::Math::random() * 4_294_967_296.0) as u32;
    format!("spa-{:08x}{:08x}", random(), random())
}

/// Sends the browser to the BFF's login, asking to come back to this page.
/// Several calls may fail with 401 at once; only the first one navigates.
fn go_to_login() {
    thread_local!(static LEAVING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
    if LEAVING.with(|leaving| leaving.replace(true)) {
        return;
    }
    let Some(window) = web_sys::window() else { return };
    let location = window.location();
    let here = format!(
        "{}{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default(),
        location.hash().unwrap_or_default()
    );
    leave_to(&format!("{BASE}/auth/login?return_to={}", seg(&here)));
}

/// Navigates the whole window (the login, the IdP's logout).
pub fn leave_to(url: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(url);
    }
}
