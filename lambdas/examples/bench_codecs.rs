//! How many ~1 KB records one core decodes (body → JSON value, as a read
//! does for every record on a page) and encodes (JSON value → body, as
//! produce does) with the registry codecs, for Avro and Protobuf. Single
//! thread, no Kafka needed.
//!
//!     cargo run --release --example bench_codecs -p configurator-lambdas [-- RECORDS]
//!
//! RECORDS defaults to 20,000, after a warm-up of a tenth of that.

use std::hint::black_box;
use std::time::Instant;

use configurator_api::SchemaFormat;
use configurator_lambdas::registry::codec::{Codec, Wire};
use serde_json::{Value, json};

const AVRO: &str = r#"{
  "type": "record", "name": "Order", "namespace": "shop",
  "fields": [
    {"name": "order_id", "type": "string"},
    {"name": "customer_id", "type": "long"},
    {"name": "email", "type": "string"},
    {"name": "status", "type": {"type": "enum", "name": "Status", "symbols": ["NEW", "PAID", "SHIPPED"]}},
    {"name": "placed_at", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "note", "type": ["null", "string"], "default": null},
    {"name": "total", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}},
    {"name": "labels", "type": {"type": "map", "values": "string"}},
    {"name": "lines", "type": {"type": "array", "items": {"type": "record", "name": "Line", "fields": [
      {"name": "sku", "type": "string"},
      {"name": "title", "type": "string"},
      {"name": "quantity", "type": "int"},
      {"name": "unit_price", "type": "double"}
    ]}}}
  ]
}"#;

const PROTO: &str = r#"
syntax = "proto3";
package shop;
import "google/protobuf/timestamp.proto";
message Order {
  enum Status { NEW = 0; PAID = 1; SHIPPED = 2; }
  message Line { string sku = 1; string title = 2; int32 quantity = 3; double unit_price = 4; }
  string order_id = 1;
  int64 customer_id = 2;
  string email = 3;
  Status status = 4;
  google.protobuf.Timestamp placed_at = 5;
  string note = 6;
  string total = 7;
  map<string, string> labels = 8;
  repeated Line lines = 9;
}
"#;

fn lines() -> Value {
    (0..12)
        .map(|i| {
            json!({
                "sku": format!("SKU-{i:05}"),
                "title": format!("Item number {i} with a longer title"),
                "quantity": i + 1,
                "unit_price": 9.99 + f64::from(i)
            })
        })
        .collect()
}

fn avro_record() -> Value {
    json!({
        "order_id": "ord-2024-000123456",
        "customer_id": 987654321,
        "email": "ada.lovelace@example.com",
        "status": "PAID",
        "placed_at": 1_714_979_289_000i64,
        "note": "leave at the door",
        "total": "1234.56",
        "labels": {"channel": "web", "campaign": "spring-sale", "region": "eu-west-1"},
        "lines": lines()
    })
}

fn proto_record() -> Value {
    json!({
        "order_id": "ord-2024-000123456",
        "customer_id": 987654321,
        "email": "ada.lovelace@example.com",
        "status": "PAID",
        "placed_at": "2024-05-06T07:08:09Z",
        "note": "leave at the door",
        "total": "1234.56",
        "labels": {"channel": "web", "campaign": "spring-sale", "region": "eu-west-1"},
        "lines": lines()
    })
}

fn bench(name: &str, codec: &Codec, value: &Value, wire: Wire, records: usize) {
    let body = codec
        .encode(value, None, wire)
        .expect("the sample record encodes");
    let warm = (records / 10).max(1);
    for _ in 0..warm {
        black_box(codec.decode(black_box(&body), wire).expect("decodes"));
    }
    let started = Instant::now();
    for _ in 0..records {
        black_box(codec.decode(black_box(&body), wire).expect("decodes"));
    }
    let decode = started.elapsed();
    for _ in 0..warm {
        black_box(codec.encode(black_box(value), None, wire).expect("encodes"));
    }
    let started = Instant::now();
    for _ in 0..records {
        black_box(codec.encode(black_box(value), None, wire).expect("encodes"));
    }
    let encode = started.elapsed();
    let rate = |d: std::time::Duration| records as f64 / d.as_secs_f64();
    println!(
        "{name:<9} {:>5} B body  decode {:>9.0} records/s ({:>6.2} µs each)  encode {:>9.0} records/s ({:>6.2} µs each)",
        body.len(),
        rate(decode),
        decode.as_secs_f64() * 1e6 / records as f64,
        rate(encode),
        encode.as_secs_f64() * 1e6 / records as f64,
    );
}

fn main() {
    let records: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    let avro = Codec::compile(SchemaFormat::Avro, AVRO, &[]).expect("the Avro schema compiles");
    let proto = Codec::compile(SchemaFormat::Protobuf, PROTO, &[]).expect("the .proto compiles");
    println!("{records} records per measurement, one thread, body → serde_json::Value and back");
    bench("Avro", &avro, &avro_record(), Wire::Confluent, records);
    bench("Protobuf", &proto, &proto_record(), Wire::Confluent, records);
    bench("Protobuf", &proto, &proto_record(), Wire::Glue, records);
}
