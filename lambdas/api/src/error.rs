use serde::{Deserialize, Serialize};

/// The one error shape every API answer uses:
/// `{"error":{"code":"invalid_topic_name","message":"…","field":"name","request_id":"…"}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ErrorBody {
    /// Machine-readable, stable, snake_case (e.g. `unauthenticated`).
    pub code: String,
    /// A sentence a person understands.
    pub message: String,
    /// The request field the error is about, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Set by the BFF on `unauthenticated`: where the browser should go to log in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub login_url: Option<String>,
    /// On `forbidden` and `cluster_unavailable`: the cluster the call was on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// On `forbidden`: the permission the caller lacks there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<crate::Permission>,
    /// Item-by-item problems, e.g. each JSON Schema violation of a produced value.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ErrorDetail>,
}

/// One problem inside a request: where (a JSON pointer such as `/amount`) and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ErrorDetail {
    pub path: String,
    pub message: String,
}

impl ErrorEnvelope {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            error: ErrorBody {
                code: code.into(),
                message: message.into(),
                field: None,
                request_id: None,
                login_url: None,
                cluster: None,
                permission: None,
                details: Vec::new(),
            },
        }
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.error.field = Some(field.into());
        self
    }

    pub fn with_request_id(mut self, request_id: impl Into<String>) -> Self {
        self.error.request_id = Some(request_id.into());
        self
    }

    pub fn with_details(mut self, details: Vec<ErrorDetail>) -> Self {
        self.error.details = details;
        self
    }

    pub fn with_login_url(mut self, login_url: impl Into<String>) -> Self {
        self.error.login_url = Some(login_url.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_fields_are_left_out_of_the_json() {
        let json = serde_json::to_value(ErrorEnvelope::new("not_found", "No such topic.")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": {"code": "not_found", "message": "No such topic."}})
        );
    }

    #[test]
    fn parses_the_envelope_with_every_field() {
        let text =
            r#"{"error":{"code":"invalid_topic_name","message":"Bad.","field":"name","request_id":"r1"}}"#;
        let parsed: ErrorEnvelope = serde_json::from_str(text).unwrap();
        assert_eq!(
            parsed,
            ErrorEnvelope::new("invalid_topic_name", "Bad.")
                .with_field("name")
                .with_request_id("r1")
        );
    }
}
