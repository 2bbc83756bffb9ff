//! Avro, Protobuf and JSON Schema codecs: a registry's schema definition is
//! compiled once into a [`Codec`] (cached and shared across threads by the
//! caller), which turns a record's body (the bytes after the registry's
//! frame, see [`super::wire`]) into JSON for display and JSON into a body for
//! produce. Everything here is pure and synchronous; nothing panics on
//! untrusted bytes.

mod avro;
mod avro_json;
mod json;
mod message_index;
mod protobuf;

use std::fmt;

use configurator_api::{ErrorDetail, MAX_DEFINITION_BYTES, SchemaFormat};

pub use avro::AvroCodec;
pub use json::JsonCodec;
pub use protobuf::ProtobufCodec;

/// Produce collects at most this many problems before giving up: enough to
/// fix a form in one go, few enough to read.
pub const MAX_DETAILS: usize = 20;

/// Protobuf bodies start with a message index whose encoding differs per registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    Confluent,
    Glue,
}

/// A schema the definition refers to: Avro named types defined in another schema (Confluent references), or a .proto import (name = import path, e.g. "common/money.proto").
///
/// JSON Schema: a schema a `$ref` points at, named by that reference (e.g.
/// "customer.json" or a full URI).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    pub name: String,
    pub definition: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodecError {
    pub code: &'static str,
    pub message: String,
    pub details: Vec<ErrorDetail>,
}

impl CodecError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            details: Vec::new(),
        }
    }

    pub(crate) fn invalid_schema(message: impl Into<String>) -> Self {
        Self::new("invalid_schema", message)
    }

    pub(crate) fn corrupt(message: impl Into<String>) -> Self {
        Self::new("corrupt_payload", message)
    }

    /// "The value does not fit the Avro schema: /a: expected … (and 2 more problems)."
    pub(crate) fn validation(format: SchemaFormat, details: Vec<ErrorDetail>) -> Self {
        let first = details
            .first()
            .map(|d| {
                if d.path.is_empty() {
                    d.message.clone()
                } else {
                    format!("{}: {}", d.path, d.message)
                }
            })
            .unwrap_or_else(|| "it is invalid".to_owned());
        let more = match details.len() {
            0 | 1 => String::new(),
            2 => " (and 1 more problem)".to_owned(),
            n => format!(" (and {} more problems)", n - 1),
        };
        Self {
            code: "schema_validation_failed",
            message: format!(
                "The value does not fit the {}: {first}{more}.",
                match format {
                    SchemaFormat::Avro => "Avro schema",
                    SchemaFormat::Protobuf => "Protobuf message type",
                    SchemaFormat::Json => "JSON Schema",
                }
            ),
            details,
        }
    }
}

impl fmt::Display for CodecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

impl std::error::Error for CodecError {}

/// A compiled schema, reusable across threads (Send + Sync).
#[derive(Debug)]
pub enum Codec {
    Avro(AvroCodec),
    Protobuf(ProtobufCodec),
    Json(JsonCodec),
}

/// A decoded body.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    pub value: serde_json::Value,
    /// Protobuf: full name of the message type
    pub message: Option<String>,
}

impl Codec {
    /// code "invalid_schema" with a sentence naming the problem (line/column for .proto when protox gives it). Refuses definitions over MAX_DEFINITION_BYTES ("schema_too_large").
    pub fn compile(
        format: SchemaFormat,
        definition: &str,
        dependencies: &[Dependency],
    ) -> Result<Codec, CodecError> {
        // The bound applies to each text compiled, so a schema cannot get
        // around it by moving its bulk into references.
        for (what, text) in std::iter::once(("The schema", definition)).chain(
            dependencies
                .iter()
                .map(|d| ("A schema it refers to", d.definition.as_str())),
        ) {
            if text.len() > MAX_DEFINITION_BYTES {
                return Err(CodecError::new(
                    "schema_too_large",
                    format!(
                        "{what} has {} bytes; the API compiles schemas of at most {MAX_DEFINITION_BYTES} bytes.",
                        text.len()
                    ),
                ));
            }
        }
        Ok(match format {
            SchemaFormat::Avro => Codec::Avro(AvroCodec::compile(definition, dependencies)?),
            SchemaFormat::Protobuf => Codec::Protobuf(ProtobufCodec::compile(definition, dependencies)?),
            SchemaFormat::Json => Codec::Json(JsonCodec::compile(definition, dependencies)?),
        })
    }

    pub fn format(&self) -> SchemaFormat {
        match self {
            Codec::Avro(_) => SchemaFormat::Avro,
            Codec::Protobuf(_) => SchemaFormat::Protobuf,
            Codec::Json(_) => SchemaFormat::Json,
        }
    }

    /// Protobuf: the message types' full names in file order (nested ones too); empty for other formats.
    pub fn message_types(&self) -> Vec<String> {
        match self {
            Codec::Protobuf(p) => p.message_types(),
            Codec::Avro(_) | Codec::Json(_) => Vec::new(),
        }
    }

    /// body = the bytes after the registry's frame (already inflated). code "corrupt_payload" (sentence says what is wrong, e.g. "the Avro data ends early", "message index 7 does not exist"), never panics on any input.
    pub fn decode(&self, body: &[u8], wire: Wire) -> Result<Decoded, CodecError> {
        match self {
            Codec::Avro(a) => a.decode(body).map(|value| Decoded { value, message: None }),
            Codec::Protobuf(p) => p.decode(body, wire),
            Codec::Json(j) => j.decode(body).map(|value| Decoded { value, message: None }),
        }
    }

    /// JSON → body (message index included for Protobuf). code "schema_validation_failed" with details naming each field path (JSON pointer) and what is wrong; "unknown_message_type" for a bad `message`. `message` None = the first message type.
    pub fn encode(
        &self,
        value: &serde_json::Value,
        message: Option<&str>,
        wire: Wire,
    ) -> Result<Vec<u8>, CodecError> {
        match self {
            Codec::Avro(a) => a.encode(value),
            Codec::Protobuf(p) => p.encode(value, message, wire),
            Codec::Json(j) => j.encode(value),
        }
    }
}

/// A JSON pointer (RFC 6901) built up while walking a value: "" is the
/// whole value, "/items/0/price" a field inside it.
#[derive(Debug, Default, Clone)]
pub(crate) struct Pointer(String);

impl Pointer {
    pub(crate) fn push(&mut self, segment: &str) -> usize {
        let len = self.0.len();
        self.0.push('/');
        for c in segment.chars() {
            match c {
                '~' => self.0.push_str("~0"),
                '/' => self.0.push_str("~1"),
                c => self.0.push(c),
            }
        }
        len
    }

    pub(crate) fn push_index(&mut self, index: usize) -> usize {
        let len = self.0.len();
        self.0.push('/');
        self.0.push_str(&index.to_string());
        len
    }

    pub(crate) fn truncate(&mut self, len: usize) {
        self.0.truncate(len);
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// How a JSON value is named in an error: short values literally, long
/// strings cut, containers by kind.
pub(crate) fn describe(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.chars().count() > 40 => {
            let cut: String = s.chars().take(40).collect();
            format!("\"{cut}…\"")
        }
        Value::String(s) => format!("{s:?}"),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// Deterministic junk inputs for the codecs' no-panic tests: `count` byte
/// strings of 0 to `max_len - 1` bytes from an xorshift generator.
#[cfg(test)]
pub(crate) fn junk(mut seed: u64, count: usize, max_len: usize) -> impl Iterator<Item = Vec<u8>> {
    (0..count).map(move |n| {
        (0..n % max_len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed as u8
            })
            .collect()
    })
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn codecs_are_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Codec>();
    }

    #[test]
    fn pointer_escapes_segments() {
        let mut p = Pointer::default();
        p.push("a/b");
        let mark = p.push("c~d");
        p.push_index(3);
        assert_eq!(p.as_str(), "/a~1b/c~0d/3");
        p.truncate(mark);
        assert_eq!(p.as_str(), "/a~1b");
    }

    #[test]
    fn oversized_definitions_are_refused() {
        let big = format!(
            "{{\"type\":\"string\",\"doc\":\"{}\"}}",
            "x".repeat(MAX_DEFINITION_BYTES)
        );
        for format in [SchemaFormat::Avro, SchemaFormat::Protobuf, SchemaFormat::Json] {
            let err = Codec::compile(format, &big, &[]).unwrap_err();
            assert_eq!(err.code, "schema_too_large");
        }
        let dep = Dependency {
            name: "big.avsc".into(),
            definition: big,
        };
        let err = Codec::compile(SchemaFormat::Avro, "\"string\"", &[dep]).unwrap_err();
        assert_eq!(err.code, "schema_too_large");
        assert!(
            err.message.starts_with("A schema it refers to has"),
            "{}",
            err.message
        );
    }

    #[test]
    fn validation_message_counts_problems() {
        let d = |p: &str| ErrorDetail {
            path: p.into(),
            message: "is wrong".into(),
        };
        let e = CodecError::validation(SchemaFormat::Avro, vec![d("/a"), d("/b"), d("/c")]);
        assert_eq!(
            e.message,
            "The value does not fit the Avro schema: /a: is wrong (and 2 more problems)."
        );
        assert_eq!(e.code, "schema_validation_failed");
    }
}
