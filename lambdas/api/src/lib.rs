//! The contract of Configurator's API v1, shared by every side of the wire.
//!
//! The Lambdas serialise these types, the BFF passes them through (and builds
//! [`ErrorEnvelope`]s of its own), and the SPA deserialises them: one
//! definition, so the three cannot drift apart.

mod error;
mod session;
mod topics;

pub use error::{ErrorBody, ErrorEnvelope};
pub use session::{LogoutResponse, Me, SessionInfo};
pub use topics::{TopicList, TopicSummary};

/// Path prefix of the API, the same locally, behind Kong and behind the BFF
/// (where it sits under the app's base path).
pub const API_PREFIX: &str = "/api/v1";

/// Header the SPA sends on every state-sensitive call; the BFF refuses calls
/// without it (a cross-site form or image cannot set a custom header).
pub const CSRF_HEADER: &str = "x-csrf";

/// Header carrying the id that ties a browser action to BFF, gateway and
/// Lambda logs.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

#[cfg(feature = "server")]
pub mod server;
