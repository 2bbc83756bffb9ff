//! JSON Schema: the body is the JSON document as UTF-8 bytes under both
//! registries (Confluent's wire format after the 5-byte frame; Glue's
//! JsonSerializer writes the JSON bytes after its header).

use std::collections::HashMap;

use configurator_api::{ErrorDetail, SchemaFormat};
use serde_json::Value;

use super::{CodecError, Dependency, MAX_DETAILS};

pub struct JsonCodec {
    validator: jsonschema::Validator,
}

impl std::fmt::Debug for JsonCodec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JsonCodec")
    }
}

/// Serves `$ref`s to the schemas the definition refers to, by their
/// reference name, and nothing else: compiling a schema must never reach
/// out to the network.
struct References(HashMap<String, Value>);

impl jsonschema::Retrieve for References {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let full = uri.as_str();
        // A relative $ref "customer.json" arrives resolved against the
        // default base, e.g. "json-schema:///customer.json".
        let path = uri.path().as_str().trim_start_matches('/');
        self.0
            .get(full)
            .or_else(|| self.0.get(path))
            .cloned()
            .ok_or_else(|| format!("the schema refers to {full}, which is not one of its references").into())
    }
}

impl JsonCodec {
    pub(crate) fn compile(definition: &str, dependencies: &[Dependency]) -> Result<Self, CodecError> {
        let schema: Value = serde_json::from_str(definition)
            .map_err(|e| CodecError::invalid_schema(format!("The JSON Schema is not valid JSON: {e}.")))?;
        if !schema.is_object() && !schema.is_boolean() {
            return Err(CodecError::invalid_schema(
                "A JSON Schema is an object (or true/false).",
            ));
        }
        let mut references = HashMap::new();
        for d in dependencies {
            let value: Value = serde_json::from_str(&d.definition).map_err(|e| {
                CodecError::invalid_schema(format!(
                    "The referenced JSON Schema {} is not valid JSON: {e}.",
                    d.name
                ))
            })?;
            references.insert(d.name.clone(), value);
        }
        let validator = jsonschema::options()
            .with_retriever(References(references))
            .build(&schema)
            .map_err(|e| CodecError::invalid_schema(format!("This is not a valid JSON Schema: {e}.")))?;
        Ok(Self { validator })
    }

    pub(crate) fn decode(&self, body: &[u8]) -> Result<Value, CodecError> {
        serde_json::from_slice(body).map_err(|e| CodecError::corrupt(format!("The data is not JSON: {e}.")))
    }

    pub(crate) fn encode(&self, value: &Value) -> Result<Vec<u8>, CodecError> {
        let details: Vec<ErrorDetail> = self
            .validator
            .iter_errors(value)
            .take(MAX_DETAILS)
            .map(|e| ErrorDetail {
                path: e.instance_path().as_str().to_owned(),
                message: e.to_string(),
            })
            .collect();
        if !details.is_empty() {
            return Err(CodecError::validation(SchemaFormat::Json, details));
        }
        serde_json::to_vec(value).map_err(|e| {
            CodecError::new(
                "schema_validation_failed",
                format!("The value cannot be written as JSON: {e}."),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{Codec, Dependency, Wire};
    use configurator_api::SchemaFormat;

    const ORDER: &str = r#"{
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "items": {"type": "array", "items": {"type": "object",
                "properties": {"price": {"type": "number", "minimum": 0}}, "required": ["price"]}}
        },
        "required": ["id"],
        "additionalProperties": false
    }"#;

    #[test]
    fn valid_values_encode_and_decode() {
        let codec = Codec::compile(SchemaFormat::Json, ORDER, &[]).unwrap();
        let value = json!({"id": "o-1", "items": [{"price": 2.5}]});
        let body = codec.encode(&value, None, Wire::Glue).unwrap();
        assert_eq!(body, br#"{"id":"o-1","items":[{"price":2.5}]}"#);
        assert_eq!(codec.decode(&body, Wire::Confluent).unwrap().value, value);
    }

    #[test]
    fn invalid_values_name_each_path() {
        let codec = Codec::compile(SchemaFormat::Json, ORDER, &[]).unwrap();
        let err = codec
            .encode(
                &json!({"items": [{"price": 1}, {"price": -3}, {}], "x": 1}),
                None,
                Wire::Confluent,
            )
            .unwrap_err();
        assert_eq!(err.code, "schema_validation_failed");
        let mut paths: Vec<&str> = err.details.iter().map(|d| d.path.as_str()).collect();
        paths.sort();
        assert_eq!(paths, ["", "", "/items/1/price", "/items/2"]);
        let price = err.details.iter().find(|d| d.path == "/items/1/price").unwrap();
        assert!(price.message.contains("minimum of 0"), "{}", price.message);
        assert!(
            err.message
                .starts_with("The value does not fit the JSON Schema: "),
            "{}",
            err.message
        );
    }

    #[test]
    fn non_json_bodies_are_corrupt() {
        let codec = Codec::compile(SchemaFormat::Json, "true", &[]).unwrap();
        let err = codec.decode(b"\x00\xffnot json", Wire::Confluent).unwrap_err();
        assert_eq!(err.code, "corrupt_payload");
        assert!(
            err.message.starts_with("The data is not JSON: "),
            "{}",
            err.message
        );
    }

    #[test]
    fn invalid_schemas_and_references() {
        assert_eq!(
            Codec::compile(SchemaFormat::Json, "{", &[]).unwrap_err().code,
            "invalid_schema"
        );
        assert_eq!(
            Codec::compile(SchemaFormat::Json, "[1]", &[]).unwrap_err().code,
            "invalid_schema"
        );
        assert_eq!(
            Codec::compile(SchemaFormat::Json, r#"{"type": 12}"#, &[])
                .unwrap_err()
                .code,
            "invalid_schema"
        );
        let schema = r#"{"type":"object","properties":{"customer":{"$ref":"customer.json"}}}"#;
        let customer = Dependency {
            name: "customer.json".into(),
            definition: r#"{"type":"object","required":["email"]}"#.into(),
        };
        let codec = Codec::compile(SchemaFormat::Json, schema, &[customer]).unwrap();
        let err = codec
            .encode(&json!({"customer": {}}), None, Wire::Confluent)
            .unwrap_err();
        assert_eq!(err.details[0].path, "/customer");
        assert!(Codec::compile(SchemaFormat::Json, schema, &[]).is_err());
    }
}
