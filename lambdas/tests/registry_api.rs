//! Schema registries through the API, against real local registries: moto
//! serving the AWS Glue API (`CONFIGURATOR_TEST_GLUE`) and the local
//! Confluent-compatible server (`CONFIGURATOR_TEST_CONFLUENT`), both started
//! by `scripts/test.sh`. Records are framed here by hand from the published
//! wire formats and written with a plain Kafka producer; what the API
//! produces is read back with a plain consumer and decoded here against the
//! definition the registry gives for the id in its frame.

// apache-avro deprecates its plain datum reader and writer in favour of
// generic ones; the plain datum is exactly what both registries frame.
#![allow(deprecated)]

mod support;

use std::{sync::OnceLock, time::Duration};

use apache_avro::{Schema as AvroSchema, types::Value as AvroValue};
use aws_sdk_glue::types::{Compatibility, DataFormat, RegistryId};
use configurator_lambdas::{
    clusters::ClusterSettings,
    registry::settings::{Backend, ConfluentAuth, RegistrySettings},
};
use rdkafka::{
    ClientConfig, Message, Offset, TopicPartitionList,
    consumer::{BaseConsumer, Consumer},
    producer::{FutureProducer, FutureRecord},
};
use serde_json::{Value, json};
use support::{Api, Idp, bootstrap_servers, cluster, config_with, create_topic, unique};

const REGION: &str = "eu-central-1";

const POLICY: &str = r#"
[groups]
kafka-admins = ["admin"]
kafka-viewers = ["viewer"]
kafka-orders = ["orders"]
[[roles.admin]]
actions = ["cluster:read", "topics:read", "topics:create", "messages:read", "messages:produce",
           "schemas:read", "schemas:write", "audit:read"]
[[roles.viewer]]
actions = ["cluster:read", "topics:read", "schemas:read"]
[[roles.orders]]
actions = ["cluster:read", "topics:read", "schemas:read"]
schemas = "orders-.*"
"#;
const ADMINS: &[&str] = &["kafka-admins"];
const VIEWERS: &[&str] = &["kafka-viewers"];

const ORDER_V1: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
  {"name":"id","type":"string"},
  {"name":"amount","type":"double"},
  {"name":"note","type":["null","string"],"default":null}]}"#;
/// v1 plus a field with a default: backward compatible.
const ORDER_V2: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
  {"name":"id","type":"string"},
  {"name":"amount","type":"double"},
  {"name":"note","type":["null","string"],"default":null},
  {"name":"channel","type":"string","default":"web"}]}"#;
/// v1 plus a field without a default: not backward compatible.
const ORDER_BAD: &str = r#"{"type":"record","name":"Order","namespace":"shop","fields":[
  {"name":"id","type":"string"},
  {"name":"amount","type":"double"},
  {"name":"note","type":["null","string"],"default":null},
  {"name":"region","type":"string"}]}"#;

const PAYMENT_PROTO: &str = r#"syntax = "proto3";
package pay;
message Refund { string id = 1; }
message Payment {
  string id = 1;
  int32 cents = 2;
  repeated string tags = 3;
}
"#;

fn glue_endpoint() -> String {
    std::env::var("CONFIGURATOR_TEST_GLUE")
        .expect("CONFIGURATOR_TEST_GLUE is not set: run scripts/test.sh (it starts moto), or start moto_server and set it to its URL")
}

fn confluent_url() -> String {
    std::env::var("CONFIGURATOR_TEST_CONFLUENT").expect(
        "CONFIGURATOR_TEST_CONFLUENT is not set: run scripts/test.sh (it starts scripts/local/confluent_registry.py), or start it and set this to its URL",
    )
}

fn policy_file() -> String {
    static PATH: OnceLock<String> = OnceLock::new();
    PATH.get_or_init(|| {
        let path = format!("{}/registry-policy.toml", env!("CARGO_TARGET_TMPDIR"));
        std::fs::write(&path, POLICY).unwrap();
        path
    })
    .clone()
}

/// The tests' Glue registry in moto (`CONFIGURATOR_TEST_GLUE_REGISTRY`,
/// created when missing; moto allows ten registries an account, so the tests
/// share one and name their schemas after their own topics).
async fn glue_registry() -> (aws_sdk_glue::Client, String) {
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(REGION))
        .endpoint_url(glue_endpoint())
        .credentials_provider(aws_sdk_glue::config::Credentials::new(
            "testing", "testing", None, None, "test",
        ))
        .load()
        .await;
    let glue = aws_sdk_glue::Client::new(&config);
    let name =
        std::env::var("CONFIGURATOR_TEST_GLUE_REGISTRY").unwrap_or_else(|_| "configurator-tests".into());
    let id = RegistryId::builder().registry_name(&name).build();
    if glue.get_registry().registry_id(id).send().await.is_err()
        && let Err(e) = glue.create_registry().registry_name(&name).send().await
    {
        // Another test made it meanwhile.
        let exists = e
            .as_service_error()
            .is_some_and(|e| e.is_already_exists_exception());
        assert!(exists, "creating the Glue registry {name}: {e:?}");
    }
    (glue, name)
}

fn with_registry(mut settings: ClusterSettings, backend: Backend) -> ClusterSettings {
    settings.schema_registry = Some(RegistrySettings {
        backend,
        strategy: Default::default(),
        names: Default::default(),
        timeout: Duration::from_secs(2),
    });
    settings
}

/// The API with cluster `g` (Glue registry `registry`), `c` (Confluent at
/// `confluent`) and `n` (no registry).
async fn api(idp: &Idp, registry: &str, confluent: &str) -> Api {
    let kafka = bootstrap_servers();
    let mut config = config_with(
        &idp.issuer,
        vec![
            with_registry(
                cluster("g", "dev", &kafka),
                Backend::Glue {
                    registry_name: registry.to_owned(),
                    region: Some(REGION.into()),
                    endpoint: Some(glue_endpoint()),
                },
            ),
            with_registry(
                cluster("c", "dev", &kafka),
                Backend::Confluent {
                    url: confluent.to_owned(),
                    auth: ConfluentAuth::None,
                },
            ),
            cluster("n", "dev", &kafka),
        ],
    );
    config.policy_file = Some(policy_file());
    Api::serve(config).await
}

async fn glue_schema(
    glue: &aws_sdk_glue::Client,
    registry: &str,
    name: &str,
    format: DataFormat,
    definition: &str,
) -> String {
    let out = glue
        .create_schema()
        .registry_id(RegistryId::builder().registry_name(registry).build())
        .schema_name(name)
        .data_format(format)
        .compatibility(Compatibility::Backward)
        .schema_definition(definition)
        .send()
        .await
        .unwrap();
    out.schema_version_id().unwrap().to_owned()
}

/// Glue's frame: header version 3, compression (0 none, 5 zlib), the
/// schema version's 16 bytes, the data.
fn glue_frame(version_id: &str, zlib: bool, data: &[u8]) -> Vec<u8> {
    let mut out = vec![3, if zlib { 5 } else { 0 }];
    out.extend_from_slice(uuid::Uuid::parse_str(version_id).unwrap().as_bytes());
    if zlib {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(data).unwrap();
        out.extend(z.finish().unwrap());
    } else {
        out.extend_from_slice(data);
    }
    out
}

/// Confluent's frame: magic 0, the id as 4 big-endian bytes, the data.
fn confluent_frame(id: u32, data: &[u8]) -> Vec<u8> {
    let mut out = vec![0];
    out.extend_from_slice(&id.to_be_bytes());
    out.extend_from_slice(data);
    out
}

fn order(id: &str, amount: f64, note: Option<&str>) -> Vec<u8> {
    let schema = AvroSchema::parse_str(ORDER_V1).unwrap();
    let value = AvroValue::Record(vec![
        ("id".into(), AvroValue::String(id.into())),
        ("amount".into(), AvroValue::Double(amount)),
        (
            "note".into(),
            match note {
                Some(n) => AvroValue::Union(1, Box::new(AvroValue::String(n.into()))),
                None => AvroValue::Union(0, Box::new(AvroValue::Null)),
            },
        ),
    ]);
    apache_avro::to_avro_datum(&schema, value).unwrap()
}

async fn write(topic: &str, records: Vec<(Option<Vec<u8>>, Vec<u8>)>) {
    let producer: FutureProducer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .create()
        .unwrap();
    for (key, value) in records {
        let mut record = FutureRecord::<[u8], [u8]>::to(topic).payload(&value).partition(0);
        if let Some(key) = &key {
            record = record.key(key);
        }
        producer.send(record, Duration::from_secs(5)).await.unwrap();
    }
}

/// Every record of partition 0, read with a plain consumer.
fn read_all(topic: &str) -> Vec<Vec<u8>> {
    let consumer: BaseConsumer = ClientConfig::new()
        .set("bootstrap.servers", bootstrap_servers())
        .set("group.id", unique("reader"))
        .set("enable.partition.eof", "true")
        .create()
        .unwrap();
    let mut tpl = TopicPartitionList::new();
    tpl.add_partition_offset(topic, 0, Offset::Beginning).unwrap();
    consumer.assign(&tpl).unwrap();
    let mut out = Vec::new();
    loop {
        match consumer.poll(Duration::from_secs(5)) {
            Some(Ok(m)) => out.push(m.payload().unwrap_or_default().to_vec()),
            Some(Err(rdkafka::error::KafkaError::PartitionEOF(_))) | None => return out,
            Some(Err(e)) => panic!("{e}"),
        }
    }
}

async fn confluent_register(url: &str, subject: &str, schema: &str, schema_type: Option<&str>) -> u32 {
    let mut body = json!({"schema": schema});
    if let Some(t) = schema_type {
        body["schemaType"] = json!(t);
    }
    let answer: Value = reqwest::Client::new()
        .post(format!("{url}/subjects/{subject}/versions"))
        .header("content-type", "application/vnd.schemaregistry.v1+json")
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    answer["id"].as_u64().unwrap() as u32
}

fn value_of(page: &Value, offset: i64) -> &Value {
    page["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["offset"] == offset)
        .map(|m| &m["value"])
        .unwrap_or_else(|| panic!("no offset {offset} in {page}"))
}

#[tokio::test]
async fn glue_framed_avro_and_protobuf_are_decoded_in_every_read() {
    let idp = Idp::start().await;
    let (glue, registry) = glue_registry().await;
    let api = api(&idp, &registry, &confluent_url()).await;
    let admin = idp.token("alice", ADMINS);
    let topic = unique("orders");
    create_topic(&topic, 1).await;
    let avro_id = glue_schema(&glue, &registry, &topic, DataFormat::Avro, ORDER_V1).await;
    let proto_name = format!("{topic}-payments");
    let proto_id = glue_schema(&glue, &registry, &proto_name, DataFormat::Protobuf, PAYMENT_PROTO).await;
    // Glue numbers the file's messages sorted by full name: pay.Payment is 0,
    // pay.Refund 1; one unsigned varint before the message.
    let payment = {
        let mut body = vec![0];
        body.extend([
            0x0a, 0x02, b'p', b'1', 0x10, 0xf4, 0x03, 0x1a, 0x03, b'v', b'i', b'p',
        ]);
        body
    };
    write(
        &topic,
        vec![
            (
                Some(b"o-1".to_vec()),
                glue_frame(&avro_id, false, &order("o-1", 12.5, Some("gift"))),
            ),
            (
                Some(b"o-2".to_vec()),
                glue_frame(&avro_id, true, &order("o-2", 7.0, None)),
            ),
            (None, glue_frame(&proto_id, false, &payment)),
            (None, b"plain text".to_vec()),
            (
                None,
                glue_frame(&uuid::Uuid::new_v4().to_string(), false, b"\x02\x00"),
            ),
            (None, glue_frame(&avro_id, false, b"\x08")),
        ],
    )
    .await;

    let (status, page, _) = api
        .get(&format!("/clusters/g/topics/{topic}/messages"), Some(&admin))
        .await;
    assert_eq!(status, 200, "{page}");
    let first = value_of(&page, 0);
    assert_eq!(
        first["decoded"],
        json!({"id": "o-1", "amount": 12.5, "note": "gift"})
    );
    assert_eq!(first["schema"]["format"], "avro");
    assert_eq!(first["schema"]["registry"], "glue");
    assert_eq!(first["schema"]["name"], topic);
    assert_eq!(first["schema"]["version"], 1);
    assert_eq!(first["schema"]["id"], avro_id);
    assert_eq!(first["base64"], true, "the raw bytes stay available");
    assert_eq!(value_of(&page, 1)["decoded"]["id"], "o-2", "zlib-compressed");
    assert_eq!(value_of(&page, 1)["decoded"]["note"], Value::Null);
    let proto = value_of(&page, 2);
    assert_eq!(proto["schema"]["message"], "pay.Payment");
    assert_eq!(proto["decoded"]["id"], "p1");
    assert_eq!(proto["decoded"]["cents"], 500);
    assert_eq!(proto["decoded"]["tags"], json!(["vip"]));
    let plain = value_of(&page, 3);
    assert_eq!(plain["data"], "plain text");
    assert!(plain.get("schema").is_none() && plain.get("decoded").is_none());
    assert_eq!(
        value_of(&page, 4)["undecoded"]["code"],
        "schema_not_found",
        "{page}"
    );
    assert_eq!(
        value_of(&page, 5)["undecoded"]["code"],
        "corrupt_payload",
        "{page}"
    );
    assert!(page.get("registry_error").is_none());

    // The text filter reads the decoded JSON.
    let (_, found, _) = api
        .get(
            &format!("/clusters/g/topics/{topic}/messages?q=gift"),
            Some(&admin),
        )
        .await;
    let offsets: Vec<i64> = found["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["offset"].as_i64().unwrap())
        .collect();
    assert_eq!(offsets, vec![0]);

    let (status, one, _) = api
        .get(
            &format!("/clusters/g/topics/{topic}/partitions/0/offsets/1"),
            Some(&admin),
        )
        .await;
    assert_eq!(status, 200, "{one}");
    assert_eq!(one["value"]["decoded"]["amount"], 7.0);
    assert_eq!(one["key"]["data"], "o-2");
}

#[tokio::test]
async fn confluent_framed_records_decode_and_a_registry_outage_is_told_once() {
    let idp = Idp::start().await;
    let url = confluent_url();
    let api = api(&idp, "unused", &url).await;
    let admin = idp.token("alice", ADMINS);
    let topic = unique("events");
    create_topic(&topic, 1).await;
    // A registry gives the same text one id whatever the subject, and names
    // the first subject: this test's text is its own.
    let own = ORDER_V1.replace(r#""name":"Order""#, &format!(r#""name":"Order","doc":"{topic}""#));
    let id = confluent_register(&url, &format!("{topic}-value"), &own, None).await;
    let proto_id = confluent_register(&url, &format!("{topic}-pay"), PAYMENT_PROTO, Some("PROTOBUF")).await;
    // Confluent's message indexes: [1] (the second message, pay.Payment) as
    // zigzag varints: count 1 → 0x02, index 1 → 0x02.
    let mut payment = vec![0x02, 0x02];
    payment.extend([0x0a, 0x02, b'p', b'2']);
    write(
        &topic,
        vec![
            (None, confluent_frame(id, &order("c-1", 1.5, None))),
            (None, confluent_frame(proto_id, &payment)),
            (None, confluent_frame(999_999, b"x")),
        ],
    )
    .await;
    let (status, page, _) = api
        .get(&format!("/clusters/c/topics/{topic}/messages"), Some(&admin))
        .await;
    assert_eq!(status, 200, "{page}");
    let first = value_of(&page, 0);
    assert_eq!(first["decoded"]["id"], "c-1");
    assert_eq!(first["schema"]["registry"], "confluent");
    assert_eq!(first["schema"]["name"], format!("{topic}-value"));
    assert_eq!(first["schema"]["id"], id.to_string());
    assert_eq!(value_of(&page, 1)["schema"]["message"], "pay.Payment");
    assert_eq!(value_of(&page, 1)["decoded"]["id"], "p2");
    assert_eq!(value_of(&page, 2)["undecoded"]["code"], "unknown_schema_id");

    // Nothing listens here: every framed record shows raw, the page says
    // why once, and the others are untouched.
    let down = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        format!("http://127.0.0.1:{port}")
    };
    let outage_api = api_on_confluent(&idp, &down).await;
    write(&topic, vec![(None, b"{\"plain\":true}".to_vec())]).await;
    let started = std::time::Instant::now();
    let (status, page, _) = outage_api
        .get(&format!("/clusters/c/topics/{topic}/messages"), Some(&admin))
        .await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(status, 200, "{page}");
    assert_eq!(page["registry_error"]["code"], "registry_unavailable", "{page}");
    for offset in 0..3 {
        assert_eq!(
            value_of(&page, offset)["undecoded"]["code"],
            "registry_unavailable"
        );
    }
    assert_eq!(value_of(&page, 3)["data"], "{\"plain\":true}");
}

async fn api_on_confluent(idp: &Idp, url: &str) -> Api {
    let mut config = config_with(
        &idp.issuer,
        vec![with_registry(
            cluster("c", "dev", &bootstrap_servers()),
            Backend::Confluent {
                url: url.to_owned(),
                auth: ConfluentAuth::None,
            },
        )],
    );
    config.policy_file = Some(policy_file());
    Api::serve(config).await
}

#[tokio::test]
async fn produce_with_a_schema_frames_for_the_registry_and_refuses_what_does_not_fit() {
    let idp = Idp::start().await;
    let (glue, registry) = glue_registry().await;
    let url = confluent_url();
    let api = api(&idp, &registry, &url).await;
    let admin = idp.token("alice", ADMINS);
    let topic = unique("produced");
    create_topic(&topic, 1).await;
    let glue_id = glue_schema(&glue, &registry, &topic, DataFormat::Avro, ORDER_V1).await;
    let subject = format!("{topic}-value");
    let confluent_id = confluent_register(&url, &subject, ORDER_V1, None).await;

    let produce = |cluster: &'static str, schema: Value, value: &str| {
        let body = json!({"value": {"data": value}, "value_schema": schema, "partition": 0});
        let path = format!("/clusters/{cluster}/topics/{topic}/messages");
        let api = &api;
        let admin = admin.clone();
        async move { api.call("POST", &path, &admin, Some(body)).await }
    };
    let (status, produced) = produce(
        "g",
        json!({"name": topic, "compression": "zlib"}),
        r#"{"id": "g-1", "amount": 3.25}"#,
    )
    .await;
    assert_eq!(status, 201, "{produced}");
    assert_eq!(produced["value_schema"]["id"], glue_id);
    assert_eq!(produced["value_schema"]["version"], 1);
    let (status, produced) = produce(
        "c",
        json!({"name": subject}),
        r#"{"id": "c-1", "amount": 1, "note": "hi"}"#,
    )
    .await;
    assert_eq!(status, 201, "{produced}");

    // Bad values: each names the field; nothing is written.
    let (status, refused) = produce("c", json!({"name": subject}), r#"{"id": 7, "amount": 1}"#).await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(refused["error"]["code"], "schema_validation_failed");
    assert!(
        refused["error"]["details"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["path"] == "/id"),
        "{refused}"
    );
    let (status, refused) = produce("c", json!({"name": subject}), "not json").await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (400, Some("value_not_json"))
    );
    let (status, refused) = produce("c", json!({"name": subject, "compression": "zlib"}), "{}").await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (400, Some("invalid_compression"))
    );
    let (status, refused) = produce("n", json!({"name": subject}), "{}").await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (409, Some("no_schema_registry"))
    );
    let (status, refused) = produce("c", json!({"name": "no-such-subject"}), "{}").await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (404, Some("schema_not_found"))
    );

    // An independent consumer sees exactly two records, framed as each
    // registry's format says, decodable with the registry's definition.
    let records = read_all(&topic);
    assert_eq!(records.len(), 2);
    let schema = AvroSchema::parse_str(ORDER_V1).unwrap();
    let glue_record = &records[0];
    assert_eq!(&glue_record[..2], &[3, 5]);
    assert_eq!(
        &glue_record[2..18],
        uuid::Uuid::parse_str(&glue_id).unwrap().as_bytes()
    );
    let inflated = {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(&glue_record[18..])
            .read_to_end(&mut out)
            .unwrap();
        out
    };
    let decoded = apache_avro::from_avro_datum(&schema, &mut &inflated[..], None).unwrap();
    assert!(format!("{decoded:?}").contains("g-1"), "{decoded:?}");
    let confluent_record = &records[1];
    assert_eq!(confluent_record[0], 0);
    assert_eq!(
        u32::from_be_bytes(confluent_record[1..5].try_into().unwrap()),
        confluent_id
    );
    let decoded = apache_avro::from_avro_datum(&schema, &mut &confluent_record[5..], None).unwrap();
    assert!(format!("{decoded:?}").contains("\"hi\""), "{decoded:?}");
}

#[tokio::test]
async fn registry_schemas_versions_compatibility_and_who_may_change_them() {
    let idp = Idp::start().await;
    let (glue, registry) = glue_registry().await;
    let url = confluent_url();
    let api = api(&idp, &registry, &url).await;
    let admin = idp.token("alice", ADMINS);
    let viewer = idp.token("victor", VIEWERS);
    let orders_only = idp.token("olga", &["kafka-orders"]);
    let topic = unique("shipments");
    create_topic(&topic, 1).await;
    let subject = format!("{topic}-value");
    confluent_register(&url, &subject, ORDER_V1, None).await;
    let base = format!("/clusters/c/schemas/{subject}");
    let new = |definition: &str| json!({"format": "avro", "definition": definition});

    // The topic's schemas by TopicNameStrategy.
    let (status, mine) = api
        .call(
            "GET",
            &format!("/clusters/c/topics/{topic}/schemas"),
            &viewer,
            None,
        )
        .await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine["value_names"], json!([subject]));
    assert_eq!(mine["value"][0]["latest_version"], 1);
    assert_eq!(mine["key"], json!([]));

    // Bad input first, then the permission: a viewer's broken definition is a 400.
    let (status, bad) = api
        .call(
            "POST",
            &format!("{base}/versions"),
            &viewer,
            Some(new("{not avro")),
        )
        .await;
    assert_eq!(
        (status, bad["error"]["code"].as_str()),
        (400, Some("invalid_schema")),
        "{bad}"
    );
    let (status, bad) = api
        .call("GET", &format!("{base}/versions/0"), &viewer, None)
        .await;
    assert_eq!(
        (status, bad["error"]["code"].as_str()),
        (400, Some("invalid_version"))
    );
    let (status, bad) = api
        .call(
            "PUT",
            &format!("{base}/compatibility"),
            &admin,
            Some(json!({"compatibility": "SIDEWAYS"})),
        )
        .await;
    assert_eq!(
        (status, bad["error"]["code"].as_str()),
        (400, Some("invalid_compatibility"))
    );

    // The verdict before registering: the registry's own.
    let (status, verdict) = api
        .call(
            "POST",
            &format!("{base}/compatibility-check"),
            &viewer,
            Some(new(ORDER_BAD)),
        )
        .await;
    assert_eq!(status, 200, "{verdict}");
    assert_eq!(verdict["compatible"], false);
    assert_eq!(verdict["compatibility"], "BACKWARD");
    let (_, verdict) = api
        .call(
            "POST",
            &format!("{base}/compatibility-check"),
            &viewer,
            Some(new(ORDER_V2)),
        )
        .await;
    assert_eq!(verdict["compatible"], true, "{verdict}");

    // A viewer sees, but cannot register.
    let (status, refused) = api
        .call("POST", &format!("{base}/versions"), &viewer, Some(new(ORDER_V2)))
        .await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    assert_eq!(refused["error"]["permission"], "schemas:write");
    let (status, refused) = api
        .call("POST", &format!("{base}/versions"), &admin, Some(new(ORDER_BAD)))
        .await;
    assert_eq!(
        (status, refused["error"]["code"].as_str()),
        (409, Some("incompatible_schema")),
        "{refused}"
    );
    let (status, registered) = api
        .call("POST", &format!("{base}/versions"), &admin, Some(new(ORDER_V2)))
        .await;
    assert_eq!(status, 201, "{registered}");
    assert_eq!(registered["version"]["version"], 2);
    assert_eq!(registered["created"], false);

    let (status, detail) = api.call("GET", &base, &viewer, None).await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["versions"], json!([1, 2]));
    assert_eq!(detail["compatibility"], "BACKWARD");
    assert_eq!(detail["latest"]["version"], 2);
    let (_, v1) = api
        .call("GET", &format!("{base}/versions/1"), &viewer, None)
        .await;
    assert!(v1["definition"].as_str().unwrap().contains("\"note\""));
    assert!(!v1["definition"].as_str().unwrap().contains("channel"));

    let (status, mode) = api
        .call(
            "PUT",
            &format!("{base}/compatibility"),
            &admin,
            Some(json!({"compatibility": "FULL"})),
        )
        .await;
    assert_eq!(status, 200, "{mode}");
    let (_, detail) = api.call("GET", &base, &viewer, None).await;
    assert_eq!(detail["compatibility"], "FULL");
    let (status, _) = api
        .call(
            "PUT",
            &format!("{base}/compatibility"),
            &viewer,
            Some(json!({"compatibility": "NONE"})),
        )
        .await;
    assert_eq!(status, 403);

    // Listing: search, paging, and only the names a person may read.
    let (status, list) = api
        .call(
            "GET",
            &format!("/clusters/c/schemas?q={topic}&limit=1"),
            &viewer,
            None,
        )
        .await;
    assert_eq!(status, 200, "{list}");
    assert_eq!(list["total"], 1);
    assert_eq!(list["schemas"][0]["name"], subject);
    assert_eq!(list["schemas"][0]["latest_version"], 2);
    let (_, list) = api
        .call(
            "GET",
            &format!("/clusters/c/schemas?q={topic}"),
            &orders_only,
            None,
        )
        .await;
    assert_eq!(list["total"], 0, "olga reads only orders-*: {list}");
    let (status, _) = api.call("GET", &base, &orders_only, None).await;
    assert_eq!(status, 403);

    // Glue: the same routes on moto; what moto lacks is a clear 501.
    let glue_name = topic.clone();
    glue_schema(&glue, &registry, &glue_name, DataFormat::Avro, ORDER_V1).await;
    let gbase = format!("/clusters/g/schemas/{glue_name}");
    let (status, registered) = api
        .call("POST", &format!("{gbase}/versions"), &admin, Some(new(ORDER_V2)))
        .await;
    assert_eq!(status, 201, "{registered}");
    assert_eq!(registered["version"]["version"], 2);
    assert_eq!(registered["version"]["status"], "AVAILABLE");
    let (status, detail) = api.call("GET", &gbase, &viewer, None).await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["versions"], json!([1, 2]));
    assert_eq!(detail["compatibility"], "BACKWARD");
    let (status, mode) = api
        .call(
            "PUT",
            &format!("{gbase}/compatibility"),
            &admin,
            Some(json!({"compatibility": "FULL_ALL"})),
        )
        .await;
    assert_eq!(status, 200, "{mode}");
    let (_, detail) = api.call("GET", &gbase, &viewer, None).await;
    assert_eq!(detail["compatibility"], "FULL_ALL");
    let (status, list) = api.call("GET", "/clusters/g/schemas", &viewer, None).await;
    assert_eq!(
        (status, list["error"]["code"].as_str()),
        (501, Some("not_supported_by_registry")),
        "{list}"
    );
    assert!(list["error"]["message"].as_str().unwrap().contains("ListSchemas"));
    let (status, mine) = api
        .call(
            "GET",
            &format!("/clusters/g/topics/{topic}/schemas"),
            &viewer,
            None,
        )
        .await;
    assert_eq!(status, 200, "{mine}");
    assert_eq!(
        mine["value_names"],
        json!([topic]),
        "Glue: schema name = topic name"
    );
    assert_eq!(mine["value"][0]["latest_version"], 2);

    // A cluster without a registry says so.
    let (status, none) = api.call("GET", "/clusters/n/schemas", &viewer, None).await;
    assert_eq!(
        (status, none["error"]["code"].as_str()),
        (409, Some("no_schema_registry"))
    );

    // The registration is in the cluster's audit trail.
    let (status, audit) = api
        .call("GET", "/clusters/c/audit?outcome=all", &admin, None)
        .await;
    assert_eq!(status, 200, "{audit}");
    assert!(
        audit.to_string().contains(&format!("schema:{subject}")),
        "{audit}"
    );
}
