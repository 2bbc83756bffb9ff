//! Protobuf: the registry's `.proto` text (and the files it imports) is
//! compiled at run time with protox into a prost-reflect descriptor pool;
//! bodies are a message index (see [`super::message_index`]) then the
//! message's standard binary encoding.
//!
//! JSON follows the proto3 JSON mapping as prost-reflect implements it, with
//! three choices for a console: proto field names (`order_id`, not
//! `orderId`; produce accepts both), every field shown even at its default
//! (a zero is information when reading records), and 64-bit integers as JSON
//! numbers rather than the mapping's strings (produce accepts both; like
//! Avro longs, values beyond 2^53 lose precision in a browser).

use std::collections::HashMap;

use prost_reflect::prost::Message;
use prost_reflect::{
    DescriptorPool, DeserializeOptions, DynamicMessage, FileDescriptor, MessageDescriptor, SerializeOptions,
};
use protox::file::{ChainFileResolver, File, FileResolver, GoogleFileResolver};

use super::message_index;
use super::{CodecError, Decoded, Dependency, Wire};
use configurator_api::{ErrorDetail, SchemaFormat};

/// The main file's name in the compiler; imports are named by their path.
const MAIN_FILE: &str = "schema.proto";

const SERIALIZE: SerializeOptions = SerializeOptions::new()
    .use_proto_field_name(true)
    .skip_default_fields(false)
    .stringify_64_bit_integers(false);

#[derive(Debug)]
pub struct ProtobufCodec {
    file: FileDescriptor,
    /// Glue's numbering of the file's message types.
    glue_order: Vec<MessageDescriptor>,
}

/// Serves the registry's texts by import path; well-known types
/// (google/protobuf/*.proto) come from protox's bundled copies after these.
struct InMemory(HashMap<String, String>);

impl FileResolver for InMemory {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        match self.0.get(name) {
            Some(source) => File::from_source(name, source),
            None => Err(protox::Error::file_not_found(name)),
        }
    }
}

impl ProtobufCodec {
    pub(crate) fn compile(definition: &str, dependencies: &[Dependency]) -> Result<Self, CodecError> {
        // A dependency could itself be called schema.proto; the main file
        // then takes a name no import path can have.
        let main = if dependencies.iter().any(|d| d.name == MAIN_FILE) {
            "<schema>.proto"
        } else {
            MAIN_FILE
        };
        let mut files: HashMap<String, String> = dependencies
            .iter()
            .map(|d| (d.name.clone(), d.definition.clone()))
            .collect();
        files.insert(main.to_owned(), definition.to_owned());
        let mut resolver = ChainFileResolver::new();
        resolver.add(InMemory(files));
        resolver.add(GoogleFileResolver::new());
        let mut compiler = protox::Compiler::with_file_resolver(resolver);
        compiler.include_imports(true).include_source_info(false);
        compiler.open_file(main).map_err(|e| {
            // protox's Debug form is "file:line:column: message" when it
            // knows where; Display has only the message.
            let located = format!("{e:?}");
            CodecError::invalid_schema(format!(
                "This is not a valid Protobuf schema: {}.",
                located.trim_end_matches('.')
            ))
        })?;
        let pool: DescriptorPool = compiler.descriptor_pool();
        let file = pool
            .get_file_by_name(main)
            .ok_or_else(|| CodecError::invalid_schema("The Protobuf schema compiled to nothing."))?;
        if file.messages().len() == 0 {
            return Err(CodecError::invalid_schema(
                "The Protobuf schema defines no message type.",
            ));
        }
        Ok(Self {
            glue_order: message_index::glue_order(&file),
            file,
        })
    }

    /// File order, each message followed by its nested ones; map-entry
    /// types are an encoding detail and left out.
    pub(crate) fn message_types(&self) -> Vec<String> {
        fn walk(message: MessageDescriptor, out: &mut Vec<String>) {
            if message.is_map_entry() {
                return;
            }
            out.push(message.full_name().to_owned());
            for child in message.child_messages() {
                walk(child, out);
            }
        }
        let mut out = Vec::new();
        for message in self.file.messages() {
            walk(message, &mut out);
        }
        out
    }

    pub(crate) fn decode(&self, body: &[u8], wire: Wire) -> Result<Decoded, CodecError> {
        let (descriptor, bytes) = message_index::read(body, wire, &self.file, &self.glue_order)?;
        let message = DynamicMessage::decode(descriptor.clone(), bytes).map_err(|e| {
            CodecError::corrupt(format!(
                "The Protobuf data is not a valid {} message: {e}.",
                descriptor.full_name()
            ))
        })?;
        let value = message
            .serialize_with_options(serde_json::value::Serializer, &SERIALIZE)
            .map_err(|e| {
                CodecError::corrupt(format!("The Protobuf message cannot be shown as JSON: {e}."))
            })?;
        Ok(Decoded {
            value,
            message: Some(descriptor.full_name().to_owned()),
        })
    }

    pub(crate) fn encode(
        &self,
        value: &serde_json::Value,
        message: Option<&str>,
        wire: Wire,
    ) -> Result<Vec<u8>, CodecError> {
        let descriptor = self.find(message)?;
        let mut track = serde_path_to_error::Track::new();
        let deserializer = serde_path_to_error::Deserializer::new(value, &mut track);
        let options = DeserializeOptions::new().deny_unknown_fields(true);
        let dynamic = DynamicMessage::deserialize_with_options(descriptor.clone(), deserializer, &options)
            .map_err(|e| {
                let detail = ErrorDetail {
                    path: pointer(&track.path()),
                    message: e.to_string(),
                };
                CodecError::validation(SchemaFormat::Protobuf, vec![detail])
            })?;
        let mut out = Vec::with_capacity(dynamic.encoded_len() + 4);
        message_index::write(&mut out, wire, &descriptor, &self.glue_order);
        dynamic.encode(&mut out).map_err(|e| {
            CodecError::new(
                "schema_validation_failed",
                format!("The Protobuf message cannot be encoded: {e}."),
            )
        })?;
        Ok(out)
    }

    /// A message type of the main file, by full name (a leading "." and, if
    /// unambiguous, the name without the package are accepted too).
    fn find(&self, message: Option<&str>) -> Result<MessageDescriptor, CodecError> {
        let Some(name) = message else {
            return self
                .file
                .messages()
                .next()
                .ok_or_else(|| CodecError::invalid_schema("The Protobuf schema defines no message type."));
        };
        let name = name.trim_start_matches('.');
        let mut all = Vec::new();
        let mut queue: Vec<MessageDescriptor> = self.file.messages().collect();
        while let Some(m) = queue.pop() {
            queue.extend(m.child_messages());
            all.push(m);
        }
        if let Some(m) = all.iter().find(|m| m.full_name() == name) {
            return Ok(m.clone());
        }
        let package = self.file.package_name();
        if !package.is_empty() {
            let qualified = format!("{package}.{name}");
            if let Some(m) = all.iter().find(|m| m.full_name() == qualified) {
                return Ok(m.clone());
            }
        }
        Err(CodecError::new(
            "unknown_message_type",
            format!(
                "The schema has no message type {name}; it has {}.",
                self.message_types().join(", ")
            ),
        ))
    }
}

/// serde_path_to_error's path ("items[0].price") as a JSON pointer.
fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = super::Pointer::default();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => {
                out.push_index(*index);
            }
            Segment::Map { key } | Segment::Enum { variant: key } => {
                out.push(key);
            }
            Segment::Unknown => {
                out.push("?");
            }
        }
    }
    out.as_str().to_owned()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{Codec, Dependency, Wire};
    use configurator_api::SchemaFormat;

    const MONEY: &str = r#"
        syntax = "proto3";
        package common;
        message Money { string currency = 1; int64 units = 2; }
    "#;

    const SHOP: &str = r#"
        syntax = "proto3";
        package shop;
        import "common/money.proto";
        import "google/protobuf/timestamp.proto";

        message Order {
          enum Status { NEW = 0; PAID = 1; SHIPPED = 2; }
          message Line { string sku = 1; uint32 quantity = 2; common.Money price = 3; }
          string order_id = 1;
          Status status = 2;
          repeated Line lines = 3;
          map<string, string> labels = 4;
          google.protobuf.Timestamp placed_at = 5;
          int64 big = 6;
        }
        message Refund { string order_id = 1; common.Money amount = 2; }
    "#;

    fn shop() -> Codec {
        let money = Dependency {
            name: "common/money.proto".into(),
            definition: MONEY.into(),
        };
        Codec::compile(SchemaFormat::Protobuf, SHOP, &[money]).unwrap()
    }

    fn order_json() -> serde_json::Value {
        json!({
            "order_id": "o-1",
            "status": "PAID",
            "lines": [
                {"sku": "A-1", "quantity": 2, "price": {"currency": "EUR", "units": 5}},
                {"sku": "B-2", "quantity": 1, "price": {"currency": "EUR", "units": 12}}
            ],
            "labels": {"channel": "web"},
            "placed_at": "2024-05-06T07:08:09Z",
            "big": 9007199254740993i64
        })
    }

    #[test]
    fn lists_message_types_in_file_order_without_map_entries() {
        assert_eq!(
            shop().message_types(),
            ["shop.Order", "shop.Order.Line", "shop.Refund"]
        );
    }

    #[test]
    fn round_trips_under_both_wires() {
        let codec = shop();
        for wire in [Wire::Confluent, Wire::Glue] {
            let body = codec.encode(&order_json(), None, wire).unwrap();
            let decoded = codec.decode(&body, wire).unwrap();
            assert_eq!(decoded.message.as_deref(), Some("shop.Order"));
            assert_eq!(decoded.value, order_json(), "{wire:?}");
        }
    }

    #[test]
    fn defaults_are_shown_and_camel_case_is_accepted() {
        let codec = shop();
        let body = codec
            .encode(&json!({"orderId": "o-2"}), Some("shop.Order"), Wire::Confluent)
            .unwrap();
        let value = codec.decode(&body, Wire::Confluent).unwrap().value;
        assert_eq!(
            value,
            json!({"order_id": "o-2", "status": "NEW", "lines": [], "labels": {}, "big": 0})
        );
    }

    #[test]
    fn confluent_index_bytes_match_the_wire_format() {
        let codec = shop();
        // First top-level message: the single byte 0.
        let body = codec
            .encode(&json!({"order_id": "x"}), None, Wire::Confluent)
            .unwrap();
        assert_eq!(body, [0x00, 0x0a, 0x01, b'x']);
        // Second top-level: count 1 (zigzag 2), index 1 (zigzag 2).
        let body = codec
            .encode(&json!({"order_id": "x"}), Some("shop.Refund"), Wire::Confluent)
            .unwrap();
        assert_eq!(body, [0x02, 0x02, 0x0a, 0x01, b'x']);
        // Nested Order.Line: path [0, 0] → count 2, 0, 0. (Line is nested
        // type 0; Order's LabelsEntry map entry is nested type 1.)
        let body = codec
            .encode(&json!({"sku": "x"}), Some("shop.Order.Line"), Wire::Confluent)
            .unwrap();
        assert_eq!(body, [0x04, 0x00, 0x00, 0x0a, 0x01, b'x']);
        let decoded = codec.decode(&body, Wire::Confluent).unwrap();
        assert_eq!(decoded.message.as_deref(), Some("shop.Order.Line"));
        // A hand-written [1] with the long form (count 1, index 1) also decodes.
        let decoded = codec.decode(&[0x02, 0x02], Wire::Confluent).unwrap();
        assert_eq!(decoded.message.as_deref(), Some("shop.Refund"));
    }

    #[test]
    fn glue_index_is_the_sorted_position_as_a_plain_varint() {
        let codec = shop();
        // Glue's list, sorted by full name: shop.Order (0),
        // shop.Order.LabelsEntry (1), shop.Order.Line (2), shop.Refund (3).
        let body = codec.encode(&json!({"order_id": "x"}), None, Wire::Glue).unwrap();
        assert_eq!(body, [0x00, 0x0a, 0x01, b'x']);
        let body = codec
            .encode(&json!({"sku": "x"}), Some("shop.Order.Line"), Wire::Glue)
            .unwrap();
        assert_eq!(body, [0x02, 0x0a, 0x01, b'x']);
        let body = codec
            .encode(&json!({"order_id": "x"}), Some("Refund"), Wire::Glue)
            .unwrap();
        assert_eq!(body, [0x03, 0x0a, 0x01, b'x']);
        assert_eq!(
            codec.decode(&body, Wire::Glue).unwrap().message.as_deref(),
            Some("shop.Refund")
        );
    }

    #[test]
    fn unknown_message_types_are_refused() {
        let err = shop()
            .encode(&json!({}), Some("shop.Nope"), Wire::Confluent)
            .unwrap_err();
        assert_eq!(err.code, "unknown_message_type");
        assert_eq!(
            err.message,
            "The schema has no message type shop.Nope; it has shop.Order, shop.Order.Line, shop.Refund."
        );
        // Imported types are not the schema's own.
        assert_eq!(
            shop()
                .encode(&json!({}), Some("common.Money"), Wire::Glue)
                .unwrap_err()
                .code,
            "unknown_message_type"
        );
    }

    #[test]
    fn encode_errors_carry_the_json_pointer() {
        let codec = shop();
        let mut value = order_json();
        value["lines"][1]["quantity"] = json!("two");
        let err = codec.encode(&value, None, Wire::Confluent).unwrap_err();
        assert_eq!(err.code, "schema_validation_failed");
        assert_eq!(err.details.len(), 1);
        assert_eq!(err.details[0].path, "/lines/1/quantity");
        let mut value = order_json();
        value["colour"] = json!("red");
        let err = codec.encode(&value, None, Wire::Confluent).unwrap_err();
        assert!(err.details[0].message.contains("colour"), "{:?}", err.details);
        let mut value = order_json();
        value["status"] = json!("LOST");
        let err = codec.encode(&value, None, Wire::Confluent).unwrap_err();
        assert_eq!(err.details[0].path, "/status");
    }

    #[test]
    fn corrupt_bodies_are_errors_not_panics() {
        let codec = shop();
        let err = codec.decode(&[0x02, 0x0e], Wire::Confluent).unwrap_err();
        assert_eq!(err.code, "corrupt_payload");
        assert_eq!(
            err.message,
            "The Protobuf data names message index 7, which does not exist in the schema."
        );
        let err = codec.decode(&[0x07], Wire::Glue).unwrap_err();
        assert!(
            err.message.contains("message index 7, which does not exist"),
            "{}",
            err.message
        );
        assert_eq!(
            codec.decode(&[], Wire::Confluent).unwrap_err().code,
            "corrupt_payload"
        );
        assert_eq!(
            codec.decode(&[0x80], Wire::Glue).unwrap_err().code,
            "corrupt_payload"
        );
        // Count of -1, and a huge count.
        assert_eq!(
            codec.decode(&[0x01], Wire::Confluent).unwrap_err().code,
            "corrupt_payload"
        );
        assert_eq!(
            codec
                .decode(&[0xfe, 0xff, 0xff, 0xff, 0x07], Wire::Confluent)
                .unwrap_err()
                .code,
            "corrupt_payload"
        );
        // Valid index, then a length-delimited field claiming 1000 bytes.
        let err = codec
            .decode(&[0x00, 0x0a, 0xe8, 0x07, b'x'], Wire::Confluent)
            .unwrap_err();
        assert!(
            err.message
                .starts_with("The Protobuf data is not a valid shop.Order message"),
            "{}",
            err.message
        );
        let good = codec.encode(&order_json(), None, Wire::Glue).unwrap();
        for cut in 1..good.len() {
            let _ = codec.decode(&good[..cut], Wire::Glue);
        }
        for junk in super::super::junk(0x9e37_79b9_7f4a_7c15, 400, 80) {
            let _ = codec.decode(&junk, Wire::Confluent);
            let _ = codec.decode(&junk, Wire::Glue);
        }
    }

    #[test]
    fn invalid_schemas_give_line_and_column() {
        let err = Codec::compile(
            SchemaFormat::Protobuf,
            "syntax = \"proto3\";\nmessage A {\n  string x = 1\n}\n",
            &[],
        )
        .unwrap_err();
        assert_eq!(err.code, "invalid_schema");
        assert!(
            err.message
                .starts_with("This is not a valid Protobuf schema: schema.proto:4:1: "),
            "{}",
            err.message
        );
        let err = Codec::compile(
            SchemaFormat::Protobuf,
            "syntax = \"proto3\";\nimport \"missing.proto\";\nmessage A {}\n",
            &[],
        )
        .unwrap_err();
        assert!(err.message.contains("missing.proto"), "{}", err.message);
        let err = Codec::compile(
            SchemaFormat::Protobuf,
            "syntax = \"proto3\";\nmessage A { Nope x = 1; }\n",
            &[],
        )
        .unwrap_err();
        assert!(err.message.contains("schema.proto:2:"), "{}", err.message);
    }
}
