//! The one HTTP client of the console. Every call goes to the BFF on the same
//! origin, carries `X-CSRF: 1`, and gets its errors parsed from the shared
//! envelope. A 401 sends the person to the login and back to where they were.

use configurator_api::{CSRF_HEADER, ErrorBody, ErrorEnvelope};
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;

/// Where the console lives; must match `public_url` in Trunk.toml.
pub const BASE: &str = "/dev/configurator";

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The session is gone; the browser is already on its way to the login.
    SignInRequired,
    /// 403: the person lacks a permission; shown as "not allowed", never a login.
    Forbidden(ErrorBody),
    /// Any other error answer, with the server's explanation.
    Failed { status: u16, body: ErrorBody },
    /// No answer at all (network down, BFF unreachable).
    Network(String),
}

impl ApiError {
    pub fn message(&self) -> String {
        match self {
            Self::SignInRequired => "Your session has ended. Taking you to sign in…".into(),
            Self::Forbidden(body) => format!("You do not have permission to do this. {}", body.message),
            Self::Failed { body, .. } => body.message.clone(),
            Self::Network(_) => {
                "The console's server could not be reached. Check your connection and try again.".into()
            }
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Forbidden(body) | Self::Failed { body, .. } => body.request_id.as_deref(),
            _ => None,
        }
    }
}

/// `GET {BASE}{path}` and parse the JSON answer.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    send(Request::get(&format!("{BASE}{path}"))).await
}

/// `POST {BASE}{path}` without a body and parse the JSON answer.
pub async fn post<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    send(Request::post(&format!("{BASE}{path}"))).await
}

/// Every call goes through here: the CSRF header, then the one place that
/// reads answers.
async fn send<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, ApiError> {
    let response = request
        .header(CSRF_HEADER, "1")
        .header("accept", "application/json")
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    parse(response).await
}

async fn parse<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let status = response.status();
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|e| ApiError::Network(format!("unexpected answer: {e}")));
    }
    if status == 401 {
        go_to_login();
        return Err(ApiError::SignInRequired);
    }
    let body = response
        .json::<ErrorEnvelope>()
        .await
        .map(|e| e.error)
        .unwrap_or_else(|_| ErrorBody {
            code: "http_error".into(),
            message: format!("The server answered with status {status}."),
            field: None,
            request_id: None,
            login_url: None,
            details: Vec::new(),
        });
    Err(if status == 403 {
        ApiError::Forbidden(body)
    } else {
        ApiError::Failed { status, body }
    })
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
    let return_to = String::from(js_sys::encode_uri_component(&here));
    let _ = location.set_href(&format!("{BASE}/auth/login?return_to={return_to}"));
}

/// Navigates the whole window (used for logout, which leaves the app).
pub fn leave_to(url: &str) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_href(url);
    }
}
