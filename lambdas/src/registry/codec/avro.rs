//! Avro: the body is one binary-encoded datum (Avro spec, "Binary
//! Encoding"), with no container header, under both registries: Confluent's
//! wire format puts it right after the 5-byte frame, Glue's AvroSerializer
//! writes `BinaryEncoder` output after its 18-byte header.

use std::io;

use apache_avro::reader::datum::GenericDatumReader;
use apache_avro::schema::{ResolvedSchema, Schema};
use apache_avro::writer::datum::GenericDatumWriter;
use configurator_api::SchemaFormat;

use super::avro_json::{FromJson, Names, to_json};
use super::{CodecError, Dependency};

/// apache-avro allocates what a length prefix in the data asks for; a
/// corrupt or hostile record could ask for gigabytes. Records are at most
/// 1 MB (8 MiB inflated), so no honest value needs more than this.
const MAX_AVRO_ALLOCATION: usize = 16 * 1024 * 1024;

/// A compiled Avro schema and the named types it may refer to.
#[derive(Debug)]
pub struct AvroCodec {
    schema: Schema,
    /// Schemas of Confluent references, defining named types `schema` uses.
    dependencies: Vec<Schema>,
    names: Names,
}

impl AvroCodec {
    pub(crate) fn compile(definition: &str, dependencies: &[Dependency]) -> Result<Self, CodecError> {
        limit_allocations();
        let invalid = |e: apache_avro::Error| {
            CodecError::invalid_schema(format!("This is not a valid Avro schema: {e}."))
        };
        let (schema, dependencies) = if dependencies.is_empty() {
            (Schema::parse_str(definition).map_err(invalid)?, Vec::new())
        } else {
            Schema::parse_str_with_list(definition, dependencies.iter().map(|d| d.definition.as_str()))
                .map_err(invalid)?
        };
        let codec = Self {
            names: collect_names(&schema, &dependencies),
            schema,
            dependencies,
        };
        // Resolve every reference now, so a schema naming a type nobody
        // defines is refused here instead of failing on every record.
        codec.resolved().map_err(|e| {
            CodecError::invalid_schema(format!(
                "The Avro schema refers to a type it does not define: {e}."
            ))
        })?;
        Ok(codec)
    }

    /// Named types of the dependencies first: apache-avro resolves a list in
    /// order and does not look ahead.
    fn resolved(&self) -> apache_avro::AvroResult<ResolvedSchema<'_>> {
        let mut all: Vec<&Schema> = self.dependencies.iter().collect();
        all.push(&self.schema);
        ResolvedSchema::new_with_schemata(all)
    }

    pub(crate) fn decode(&self, body: &[u8]) -> Result<serde_json::Value, CodecError> {
        limit_allocations();
        let resolved = self
            .resolved()
            .map_err(|e| CodecError::corrupt(format!("The Avro schema cannot be used: {e}.")))?;
        let reader = GenericDatumReader::builder(&self.schema)
            .resolved_writer_schemata(resolved)
            .build()
            .map_err(|e| CodecError::corrupt(format!("The Avro schema cannot be used: {e}.")))?;
        let mut rest = body;
        let value = reader.read_value(&mut rest).map_err(read_error)?;
        if !rest.is_empty() {
            return Err(CodecError::corrupt(format!(
                "The Avro data has {} bytes left over after the value; it was probably written with another schema.",
                rest.len()
            )));
        }
        to_json(&value, &self.schema, &self.names).ok_or_else(|| {
            CodecError::corrupt("The Avro data decoded to a value that does not fit its schema.")
        })
    }

    pub(crate) fn encode(&self, json: &serde_json::Value) -> Result<Vec<u8>, CodecError> {
        let mut walker = FromJson::new(&self.names);
        let value = walker.convert(json, &self.schema);
        let value = match value {
            Some(v) if walker.problems.is_empty() => v,
            _ => return Err(CodecError::validation(SchemaFormat::Avro, walker.problems)),
        };
        let cannot = |e: apache_avro::Error| {
            CodecError::validation(
                SchemaFormat::Avro,
                vec![configurator_api::ErrorDetail {
                    path: String::new(),
                    message: format!("cannot be written as Avro: {e}"),
                }],
            )
        };
        let resolved = self.resolved().map_err(cannot)?;
        GenericDatumWriter::builder(&self.schema)
            .resolved_schemata(resolved)
            .build()
            .and_then(|w| w.write_value_to_vec(value))
            .map_err(cannot)
    }
}

/// Set once per process (later calls keep the first value, see
/// `apache_avro::util::max_allocation_bytes`).
fn limit_allocations() {
    apache_avro::util::max_allocation_bytes(MAX_AVRO_ALLOCATION);
}

/// Says what is wrong with corrupt data in words: running out of bytes is
/// by far the most common (a truncated record, or a wrong schema).
fn read_error(e: apache_avro::Error) -> CodecError {
    use apache_avro::error::Details;
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e.details());
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<io::Error>()
            && io.kind() == io::ErrorKind::UnexpectedEof
        {
            return CodecError::corrupt(
                "The Avro data ends early: the record is truncated or was written with another schema.",
            );
        }
        source = err.source();
    }
    if let Details::MemoryAllocation { desired, maximum } = e.details() {
        let desired = desired
            .map(|d| format!("{d} bytes"))
            .unwrap_or_else(|| "more".to_owned());
        return CodecError::corrupt(format!(
            "The Avro data declares a length of {desired}, over the {maximum} bytes the API allows; it is corrupt or was written with another schema."
        ));
    }
    CodecError::corrupt(format!("The Avro data does not match the schema: {e}."))
}

/// Every named type (record, enum, fixed) by full name, so the JSON walk can
/// follow `Schema::Ref`s like apache-avro's own resolver does.
fn collect_names(schema: &Schema, dependencies: &[Schema]) -> Names {
    fn walk(schema: &Schema, names: &mut Names) {
        use apache_avro::schema::{DecimalSchema, InnerDecimalSchema, UuidSchema};
        match schema {
            Schema::Record(r) => {
                names.insert(r.name.fullname(None), schema.clone());
                for field in &r.fields {
                    walk(&field.schema, names);
                }
            }
            Schema::Enum(e) => {
                names.insert(e.name.fullname(None), schema.clone());
            }
            Schema::Fixed(f) => {
                names.insert(f.name.fullname(None), schema.clone());
            }
            Schema::Decimal(DecimalSchema {
                inner: InnerDecimalSchema::Fixed(f),
                ..
            })
            | Schema::Uuid(UuidSchema::Fixed(f))
            | Schema::Duration(f) => {
                names.insert(f.name.fullname(None), schema.clone());
            }
            Schema::Array(a) => walk(&a.items, names),
            Schema::Map(m) => walk(&m.types, names),
            Schema::Union(u) => u.variants().iter().for_each(|v| walk(v, names)),
            _ => {}
        }
    }
    let mut names = Names::new();
    for s in dependencies.iter().chain(std::iter::once(schema)) {
        walk(s, &mut names);
    }
    names
}

#[cfg(test)]
mod tests {
    use apache_avro::Decimal;
    use apache_avro::types::Value as Avro;
    use configurator_api::SchemaFormat;
    use serde_json::json;

    use super::super::{Codec, Dependency, Wire};
    use super::*;

    const ORDER: &str = r#"{
      "type": "record", "name": "Order", "namespace": "shop",
      "fields": [
        {"name": "id", "type": "long"},
        {"name": "customer", "type": {"type": "record", "name": "Customer", "fields": [
            {"name": "email", "type": "string"},
            {"name": "nickname", "type": ["null", "string"], "default": null}
        ]}},
        {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID", "SHIPPED"]}},
        {"name": "tags", "type": {"type": "array", "items": "string"}},
        {"name": "attributes", "type": {"type": "map", "values": "int"}},
        {"name": "signature", "type": "bytes"},
        {"name": "total", "type": {"type": "bytes", "logicalType": "decimal", "precision": 10, "scale": 2}},
        {"name": "note", "type": ["null", "string", "Customer"], "default": null},
        {"name": "priority", "type": "int", "default": 3}
      ]
    }"#;

    fn order() -> Codec {
        Codec::compile(SchemaFormat::Avro, ORDER, &[]).unwrap()
    }

    /// Bytes written by apache-avro's own writer from its own Value type,
    /// independent of our JSON conversion.
    fn reference_bytes() -> Vec<u8> {
        let schema = Schema::parse_str(ORDER).unwrap();
        let value = Avro::Record(vec![
            ("id".into(), Avro::Long(42)),
            (
                "customer".into(),
                Avro::Record(vec![
                    ("email".into(), Avro::String("ada@example.com".into())),
                    (
                        "nickname".into(),
                        Avro::Union(1, Box::new(Avro::String("ada".into()))),
                    ),
                ]),
            ),
            ("status".into(), Avro::Enum(1, "PAID".into())),
            (
                "tags".into(),
                Avro::Array(vec![Avro::String("gift".into()), Avro::String("rush".into())]),
            ),
            (
                "attributes".into(),
                Avro::Map([("weight".to_owned(), Avro::Int(7))].into()),
            ),
            ("signature".into(), Avro::Bytes(vec![1, 2, 3, 255])),
            ("total".into(), Avro::Decimal(Decimal::from(vec![0xfb, 0x2e]))),
            ("note".into(), Avro::Union(0, Box::new(Avro::Null))),
            ("priority".into(), Avro::Int(3)),
        ]);
        GenericDatumWriter::builder(&schema)
            .build()
            .unwrap()
            .write_value_to_vec(value)
            .unwrap()
    }

    fn expected_json() -> serde_json::Value {
        json!({
            "id": 42,
            "customer": {"email": "ada@example.com", "nickname": "ada"},
            "status": "PAID",
            "tags": ["gift", "rush"],
            "attributes": {"weight": 7},
            "signature": "AQID/w==",
            "total": "-12.34",
            "note": null,
            "priority": 3
        })
    }

    #[test]
    fn decodes_bytes_from_apache_avros_writer() {
        let bytes = reference_bytes();
        // Spot-check the encoding itself: long 42 is zigzag 84 = 0x54, then
        // the email string's length 15 (zigzag 30 = 0x1e).
        assert_eq!(&bytes[..2], &[0x54, 0x1e]);
        let decoded = order().decode(&bytes, Wire::Confluent).unwrap();
        assert_eq!(decoded.value, expected_json());
        assert_eq!(decoded.message, None);
    }

    #[test]
    fn encodes_json_to_the_same_bytes_and_back() {
        let codec = order();
        let body = codec.encode(&expected_json(), None, Wire::Confluent).unwrap();
        assert_eq!(body, reference_bytes());
        assert_eq!(codec.decode(&body, Wire::Glue).unwrap().value, expected_json());
    }

    #[test]
    fn encode_fills_defaults_and_takes_tagged_unions() {
        let codec = order();
        let mut value = expected_json();
        let object = value.as_object_mut().unwrap();
        object.remove("priority");
        object.remove("note");
        object["customer"].as_object_mut().unwrap().remove("nickname");
        object.insert(
            "note".into(),
            json!({"shop.Customer": {"email": "b@example.com"}}),
        );
        object.insert("total".into(), json!(12.5));
        let body = codec.encode(&value, None, Wire::Confluent).unwrap();
        let back = codec.decode(&body, Wire::Confluent).unwrap().value;
        assert_eq!(back["priority"], 3);
        assert_eq!(back["customer"]["nickname"], serde_json::Value::Null);
        assert_eq!(back["note"], json!({"email": "b@example.com", "nickname": null}));
        assert_eq!(back["total"], "12.50");
        // Bare union value: the first branch that fits ("string").
        object_set(&mut value, "note", json!("hello"));
        let back = codec
            .decode(
                &codec.encode(&value, None, Wire::Confluent).unwrap(),
                Wire::Confluent,
            )
            .unwrap();
        assert_eq!(back.value["note"], "hello");
    }

    fn object_set(value: &mut serde_json::Value, key: &str, v: serde_json::Value) {
        value.as_object_mut().unwrap().insert(key.into(), v);
    }

    #[test]
    fn encode_errors_name_each_path() {
        let codec = order();
        let mut value = expected_json();
        value["customer"]["email"] = json!(42);
        value["tags"][1] = json!(false);
        value.as_object_mut().unwrap().remove("id");
        object_set(&mut value, "colour", json!("red"));
        value["status"] = json!("LOST");
        value["signature"] = json!("***");
        let err = codec.encode(&value, None, Wire::Confluent).unwrap_err();
        assert_eq!(err.code, "schema_validation_failed");
        let details: Vec<(&str, &str)> = err
            .details
            .iter()
            .map(|d| (d.path.as_str(), d.message.as_str()))
            .collect();
        assert_eq!(
            details,
            vec![
                (
                    "/id",
                    "is required: record shop.Order has no default for field id"
                ),
                ("/customer/email", "expected a string, found 42"),
                ("/status", "expected one of NEW, PAID, SHIPPED, found \"LOST\""),
                ("/tags/1", "expected a string, found false"),
                ("/signature", "is not valid base64: Invalid symbol 42, offset 0."),
                ("/colour", "is not a field of record shop.Order"),
            ]
        );
        assert!(
            err.message
                .starts_with("The value does not fit the Avro schema: /id: is required"),
            "{}",
            err.message
        );
        assert!(err.message.ends_with("(and 5 more problems)."), "{}", err.message);
    }

    #[test]
    fn union_errors_for_a_nullable_field_say_what_the_branch_wanted() {
        let codec = order();
        let mut value = expected_json();
        value["customer"]["nickname"] = json!(7);
        let err = codec.encode(&value, None, Wire::Confluent).unwrap_err();
        assert_eq!(err.details[0].path, "/customer/nickname");
        assert_eq!(err.details[0].message, "expected a string, found 7");
        value["customer"]["nickname"] = json!("x");
        value["note"] = json!(7);
        let err = codec.encode(&value, None, Wire::Confluent).unwrap_err();
        assert_eq!(err.details[0].path, "/note");
        assert_eq!(
            err.details[0].message,
            "expected a value of one of the union's types (null, string, shop.Customer), found 7"
        );
    }

    #[test]
    fn many_problems_stop_at_twenty() {
        let codec = Codec::compile(SchemaFormat::Avro, r#"{"type":"array","items":"int"}"#, &[]).unwrap();
        let err = codec
            .encode(&json!(vec!["x"; 100]), None, Wire::Confluent)
            .unwrap_err();
        assert_eq!(err.details.len(), 20);
        assert_eq!(err.details[19].path, "/19");
    }

    #[test]
    fn corrupt_bodies_are_errors_not_panics() {
        let codec = order();
        let bytes = reference_bytes();
        for cut in 0..bytes.len() {
            let err = codec.decode(&bytes[..cut], Wire::Confluent).unwrap_err();
            assert_eq!(err.code, "corrupt_payload");
        }
        let err = codec.decode(&bytes[..10], Wire::Confluent).unwrap_err();
        assert!(
            err.message.starts_with("The Avro data ends early"),
            "{}",
            err.message
        );
        // A string length of 2^62 (zigzag varint) must not be allocated.
        let mut huge = vec![0x54];
        huge.extend_from_slice(&[0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]);
        let err = codec.decode(&huge, Wire::Confluent).unwrap_err();
        assert_eq!(err.code, "corrupt_payload");
        assert!(err.message.contains("over the 16777216 bytes"), "{}", err.message);
        // Trailing garbage.
        let mut long = bytes.clone();
        long.push(0);
        assert!(
            codec
                .decode(&long, Wire::Confluent)
                .unwrap_err()
                .message
                .contains("1 bytes left over")
        );
        // Arbitrary junk, deterministic.
        for junk in super::super::junk(0x2545_f491_4f6c_dd1d, 400, 64) {
            let _ = codec.decode(&junk, Wire::Confluent);
        }
    }

    #[test]
    fn named_types_from_references_resolve() {
        let money = Dependency {
            name: "shop.Money".into(),
            definition: r#"{"type":"record","name":"Money","namespace":"shop","fields":[
                {"name":"amount","type":{"type":"fixed","name":"Amount","size":4,"logicalType":"decimal","precision":8,"scale":2}},
                {"name":"currency","type":"string"}]}"#.into(),
        };
        let schema = r#"{"type":"record","name":"Invoice","namespace":"shop","fields":[{"name":"total","type":"shop.Money"},{"name":"refund","type":["null","shop.Money"]}]}"#;
        let codec = Codec::compile(SchemaFormat::Avro, schema, &[money]).unwrap();
        let value = json!({"total": {"amount": "-1.50", "currency": "EUR"}, "refund": {"amount": "2", "currency": "EUR"}});
        let body = codec.encode(&value, None, Wire::Confluent).unwrap();
        // fixed(4) decimal -150 = ff ff ff 6a right after nothing else.
        assert_eq!(&body[..4], &[0xff, 0xff, 0xff, 0x6a]);
        let back = codec.decode(&body, Wire::Confluent).unwrap().value;
        assert_eq!(
            back,
            json!({"total": {"amount": "-1.50", "currency": "EUR"}, "refund": {"amount": "2.00", "currency": "EUR"}})
        );
        // Without the reference the schema does not compile.
        let err = Codec::compile(SchemaFormat::Avro, schema, &[]).unwrap_err();
        assert_eq!(err.code, "invalid_schema");
    }

    #[test]
    fn logical_types_show_as_their_values() {
        let schema = r#"{"type":"record","name":"L","fields":[
            {"name":"u","type":{"type":"string","logicalType":"uuid"}},
            {"name":"d","type":{"type":"int","logicalType":"date"}},
            {"name":"t","type":{"type":"long","logicalType":"timestamp-millis"}},
            {"name":"f","type":{"type":"fixed","name":"F","size":2}},
            {"name":"x","type":"double"}]}"#;
        let codec = Codec::compile(SchemaFormat::Avro, schema, &[]).unwrap();
        let value = json!({"u": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "d": 19000, "t": 1700000000000i64, "f": "AAE=", "x": "NaN"});
        let body = codec.encode(&value, None, Wire::Confluent).unwrap();
        assert_eq!(codec.decode(&body, Wire::Confluent).unwrap().value, value);
        let err = codec
            .encode(
                &json!({"u": "nope", "d": 1.5, "t": 1, "f": "AAAA", "x": 1}),
                None,
                Wire::Confluent,
            )
            .unwrap_err();
        let paths: Vec<&str> = err.details.iter().map(|d| d.path.as_str()).collect();
        assert_eq!(paths, ["/u", "/d", "/f"]);
        assert_eq!(err.details[2].message, "must be exactly 2 bytes, found 3");
    }

    #[test]
    fn invalid_schemas_say_why() {
        let err = Codec::compile(SchemaFormat::Avro, r#"{"type":"record","name":"R"}"#, &[]).unwrap_err();
        assert_eq!(err.code, "invalid_schema");
        assert!(
            err.message.starts_with("This is not a valid Avro schema: "),
            "{}",
            err.message
        );
        assert!(Codec::compile(SchemaFormat::Avro, "{", &[]).is_err());
    }
}
