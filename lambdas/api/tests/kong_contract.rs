//! Kong's declarative configuration (gateway/kong.yaml) against the
//! route table (`configurator_api::routes::OPERATIONS`) and Kong 3.9's schemas
//! (gateway/kong-3.9-schema.yaml), so the gateway cannot drift silently:
//! a new operation without its route, a route to the wrong function, a route
//! that skips authentication, a misspelt plugin field or an Enterprise-only
//! plugin each fail here with a message saying what to change.
//!
//! The template is rendered the way gateway/render.mjs and Terraform render it
//! (each placeholder becomes the JSON encoding of its value), once with the
//! values compose.yaml gives the `gateway-config` service and once with
//! production-like values, and both results are checked.
//!
//! Route selection is modelled on Kong 3.9's default router flavor
//! (`traditional_compatible`, kong/router/transform.lua `get_priority`): a
//! regex path `~/x` becomes `^/x`, matched by the Rust `regex` crate as in
//! Kong's ATC router, against the normalised path (query string removed).
//! Which operation a concrete path belongs to is decided by the route table's
//! own matcher, `configurator_api::routes::find`, the one the authorizer and
//! the console use: this test has no template matcher of its own.
//!
//! The ingest API (issue #16, operations with `ingest: true`) is open to
//! service consumers in the acl group `ingest` as well as the BFF; every
//! other operation stays the BFF's alone. The renderers add one consumer per
//! service below the template's INGEST_CONSUMERS line; this test does what
//! gateway/render.mjs does (compose's demo services, or a production list).

use std::{
    collections::{BTreeMap, BTreeSet},
    path::PathBuf,
    sync::LazyLock,
};

use configurator_api::{
    API_PREFIX, CLUSTER_ID_MAX_LEN, EVENTS_MAX_BODY_BYTES, MAX_MESSAGE_BYTES, REQUEST_ID_HEADER,
    check_cluster_id,
    routes::{self, Function, OPERATIONS, Operation},
};
use regex::Regex;
use serde_json::{Value, json};

const TEMPLATE: &str = "gateway/kong.yaml";
const SCHEMA: &str = "gateway/kong-3.9-schema.yaml";
const COMPOSE: &str = "compose.yaml";
const README: &str = "gateway/README.md";
const RENDER: &str = "gateway/render.mjs";
const LOCAL_IDP: &str = "scripts/idp/server.js";

/// The consumer and acl group of the BFF, the only caller allowed through.
const BFF: &str = "configurator-bff";
/// The acl group of the ingest services' consumers (render.mjs INGEST_GROUP).
const INGEST_GROUP: &str = "ingest";
/// The template's line the ingest consumers go below (render.mjs INGEST_MARKER).
const INGEST_MARKER: &str = "  # INGEST_CONSUMERS";
/// render.mjs's services when INGEST_SERVICES is unset: the local IdP's
/// service clients (checked against both files).
const DEMO_SERVICES: &[&str] = &["orders-service", "billing-service"];
/// The header the BFF sends its key in (bff/src/upstream.rs).
const BFF_KEY_HEADER: &str = "apikey";
/// Lambda's limit for a synchronous invoke payload, in bytes.
const LAMBDA_PAYLOAD_LIMIT: u64 = 6 * 1024 * 1024;
/// What every route must run, whatever its level (global, service, route).
const REQUIRED_EVERYWHERE: &[&str] = &[
    "jwt",
    "key-auth",
    "acl",
    "rate-limiting",
    "request-size-limiting",
    "correlation-id",
    "prometheus",
    "aws-lambda",
];
/// Plugins that would make this configuration depend on Kong Enterprise.
const ENTERPRISE_ONLY: &[&str] = &[
    "request-validator",
    "openid-connect",
    "rate-limiting-advanced",
    "jwt-signer",
    "oas-validation",
    "opa",
];
const METHODS: &[&str] = &["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
/// Values for `{param}` other than `{cluster}`: ordinary names, names equal
/// to the literal segments of other routes, an encoded slash (Kong keeps
/// reserved characters encoded when it normalises) and a decoded non-ASCII
/// character (it decodes those).
const PARAMS: &[&str] = &[
    "orders.v1",
    "x",
    "configs",
    "partitions",
    "purge",
    "schema",
    "messages",
    "reset-offsets",
    "topics",
    "consumer-groups",
    "health",
    "a%2Fb",
    "café",
    // Schema names (issue #13): the literal segments under /schemas, a
    // version, a Confluent subject with `:` (Kong keeps `%3A` encoded) and a
    // Glue name with `$` and `#` (`#` is always sent as `%23`).
    "schemas",
    "versions",
    "compatibility",
    "compatibility-check",
    "latest",
    // The ingest API's literal segments (issue #16).
    "events",
    "orders-value",
    "com.example.Order",
    "ctx%3Aorders-value",
    "a$b%23c",
];
/// The parameter every cluster's resources sit under
/// (`configurator_api::routes::CLUSTER_SCOPE`).
const CLUSTER_PARAM: &str = "{cluster}";
/// Values for `{cluster}` that `check_cluster_id` accepts: Kong must route
/// them. Among them ids equal to literal segments, digits only and the
/// longest id (built in `cluster_ids`).
const CLUSTER_IDS: &[&str] = &[
    "local-a",
    "prod-eu",
    "x",
    "0",
    "a-",
    "topics",
    "consumer-groups",
    "audit",
    "export",
    "clusters",
    "events",
];
/// Values for `{cluster}` that `check_cluster_id` refuses (the longest+1 is
/// added in `bad_cluster_ids`): Kong must route none of them, so the
/// functions never see an id they would refuse.
const BAD_CLUSTER_IDS: &[&str] = &[
    "Local",
    "PROD",
    "-a",
    "a.b",
    "a_b",
    "a%2Fb",
    "a%20b",
    "café",
    "orders.v1",
];
/// Requests that belong to no operation and must match no route at all.
const OUTSIDE: &[&str] = &[
    "/",
    "/api",
    "/api/v1",
    "/api/v1/",
    "/api/v2/clusters/a/topics",
    "/api/v1/unknown",
    "/api/v1/health/x",
    "/api/v1/openapi.jsonx",
    "/api/v1/openapiXjson",
    "/api/v1/mex",
    // The single-cluster paths before issue #12: gone, not silently kept.
    "/api/v1/cluster",
    "/api/v1/audit",
    "/api/v1/audit/export",
    "/api/v1/topics",
    "/api/v1/topics/t",
    "/api/v1/topics/t/messages",
    "/api/v1/consumer-groups",
    "/api/v1/consumer-groups/g",
    // Near misses of the cluster scope.
    "/api/v1/clusters/",
    "/api/v1/clustersx",
    "/api/v1/clusters//topics",
    "/api/v1/clusters/a/",
    "/api/v1/clusters/a/topicsx",
    "/api/v1/clusters/a/consumer-groupsx",
    "/api/v1/clusters/a/auditx",
    "/api/v1/clusters/a/audit/",
    "/api/v1/clusters/a/audit/exportx",
    "/api/v1/clusters/a/b",
    "/api/v1/clusters/a/b/topics",
    "/api/v1/schemas",
    "/api/v1/schemas/s",
    "/api/v1/clusters/a/schemasx",
    "/api/v1/clusters/a/schema",
    "/api/v1/clusters/a/b/schemas",
    // Near misses of the ingest API: exact paths, no catch-all.
    "/api/v1/events",
    "/api/v1/events/topics",
    "/api/v1/clusters/a/events",
    "/api/v1/clusters/a/events/",
    "/api/v1/clusters/a/eventsx/topics",
    "/api/v1/clusters/a/events/topicsx",
    "/api/v1/clusters/a/events/topics/",
    "/api/v1/clusters/a/events/topics/t",
    "/api/v1/clusters/a/events/topics/t/schemax",
    "/api/v1/clusters/a/events/topics/t/schema/x",
    "/API/V1/CLUSTERS/A/TOPICS",
    "/apix/v1/clusters/a/topics",
    "/clusters/a/topics",
    "/admin",
    "/metrics",
];

const SAMPLE_PEM: &str = "-----BEGIN PUBLIC KEY-----\n\
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAr+bmJSargP25MfSoz37v\n\
RckxJcQ3xAsAr8kOl5WvXi9+GB6QQhvULAfGQ6LcIPFSgbqRGMrQQQ6fshZmJFWQ\n\
zQIDAQAB\n\
-----END PUBLIC KEY-----\n";

// ---------------------------------------------------------------------------
// Files, YAML, rendering
// ---------------------------------------------------------------------------

fn read(relative: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// YAML as JSON values, with merge keys (`<<: *anchor`) applied.
fn yaml(text: &str, what: &str) -> Value {
    let mut value: serde_norway::Value =
        serde_norway::from_str(text).unwrap_or_else(|e| panic!("{what} is not valid YAML: {e}"));
    value.apply_merge().unwrap_or_else(|e| panic!("{what}: {e}"));
    serde_json::to_value(value).unwrap_or_else(|e| panic!("{what}: {e}"))
}

/// The placeholders declared in the template's header comment, in order:
/// `#   NAME   type   meaning` (the same rule as gateway/render.mjs).
fn declarations(template: &str) -> Vec<(String, String)> {
    let line = Regex::new(r"^#\s+([A-Z][A-Z0-9_]*)\s+(string\??|integer|boolean)\s+\S").unwrap();
    template
        .lines()
        .take_while(|l| l.starts_with('#'))
        .filter_map(|l| line.captures(l).map(|c| (c[1].to_owned(), c[2].to_owned())))
        .collect()
}

/// A placeholder's value from its text, typed as declared (render.mjs `typed`).
fn typed(name: &str, ty: &str, raw: Option<&str>) -> Value {
    let text = raw.unwrap_or("").trim();
    match ty {
        "string" => {
            assert!(!text.is_empty(), "{name} must be set");
            Value::String(raw.unwrap().to_owned())
        }
        "string?" if text.is_empty() || text == "null" => Value::Null,
        "string?" => Value::String(raw.unwrap().to_owned()),
        "integer" => json!(
            text.parse::<i64>()
                .unwrap_or_else(|_| panic!("{name} must be an integer, got {text:?}"))
        ),
        "boolean" => match text {
            "true" => json!(true),
            "false" => json!(false),
            other => panic!("{name} must be true or false, got {other:?}"),
        },
        other => panic!("{name}: unknown type {other}"),
    }
}

fn placeholder_pattern() -> Regex {
    Regex::new(r"\$\{([^}]*)\}").unwrap()
}

/// Each placeholder replaced by the JSON encoding of its value.
fn render(template: &str, values: &BTreeMap<String, Value>) -> String {
    placeholder_pattern()
        .replace_all(template, |c: &regex::Captures| {
            let value = values
                .get(&c[1])
                .unwrap_or_else(|| panic!("no value for ${{{}}}", &c[1]));
            serde_json::to_string(value).unwrap()
        })
        .into_owned()
}

/// The ingest services as render.mjs `ingestServices` reads them from its
/// environment: INGEST_SERVICES (comma- or space-separated; unset: the demo
/// services, keyed `local-only-<name>-key` unless INGEST_API_KEY_<NAME> is
/// set), each key from INGEST_API_KEY_<NAME>.
fn ingest_services(env: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let demo = !env.contains_key("INGEST_SERVICES");
    let names: Vec<String> = match env.get("INGEST_SERVICES") {
        None => DEMO_SERVICES.iter().map(|s| (*s).to_owned()).collect(),
        Some(list) => list
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    names
        .into_iter()
        .map(|name| {
            let variable = format!(
                "INGEST_API_KEY_{}",
                name.to_uppercase()
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect::<String>()
            );
            let key = match env.get(&variable).filter(|k| !k.trim().is_empty()) {
                Some(key) => key.clone(),
                None if demo => format!("local-only-{name}-key"),
                None => panic!("{variable} must be set (the key of {name})"),
            };
            (name, key)
        })
        .collect()
}

/// `rendered` with one consumer per service below [`INGEST_MARKER`], as
/// render.mjs `withIngestConsumers` and modules/kong-config insert them.
fn with_ingest_consumers(rendered: &str, services: &[(String, String)]) -> String {
    let mut lines: Vec<String> = rendered.split('\n').map(str::to_owned).collect();
    let at: Vec<usize> = (0..lines.len()).filter(|i| lines[*i] == INGEST_MARKER).collect();
    let [at] = at.as_slice() else {
        panic!(
            "{TEMPLATE}: the line {INGEST_MARKER:?} must be there exactly once (the renderers insert the ingest consumers below it)"
        );
    };
    let consumers = services.iter().map(|(name, key)| {
        let consumer = json!({
            "username": name,
            "keyauth_credentials": [{ "key": key }],
            "acls": [{ "group": INGEST_GROUP }],
        });
        format!("  - {consumer}")
    });
    lines.splice(at + 1..at + 1, consumers);
    lines.join("\n")
}

/// The services compose.yaml's `gateway-config` renders with.
fn compose_services() -> Vec<(String, String)> {
    ingest_services(&compose_env(&compose(), "gateway-config"))
}

/// Services of a production deployment (Terraform's var.ingest_services),
/// one key with characters YAML and JSON quote.
fn production_services() -> Vec<(String, String)> {
    vec![
        ("payments-service".into(), "Pq7/+:\"#x'y".into()),
        ("orders.v2".into(), "k-0rd3rs-2".into()),
    ]
}

/// compose.yaml's interpolation of `${VAR:-default}` as Compose does it when
/// VAR is unset.
fn compose_default(text: &str) -> String {
    Regex::new(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}")
        .unwrap()
        .replace_all(text, |c: &regex::Captures| {
            c.get(1).map_or("", |m| m.as_str()).to_owned()
        })
        .into_owned()
}

fn compose() -> Value {
    yaml(&read(COMPOSE), COMPOSE)
}

fn compose_env(compose: &Value, service: &str) -> BTreeMap<String, String> {
    let env = &compose["services"][service]["environment"];
    let map = env
        .as_object()
        .unwrap_or_else(|| panic!("compose.yaml: service {service} needs an `environment` mapping"));
    map.iter()
        .map(|(k, v)| {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            (k.clone(), compose_default(&text))
        })
        .collect()
}

/// The values compose.yaml's `gateway-config` service renders with (the
/// IdP's key is fetched at run time; a sample PEM stands in for it).
fn compose_values(template: &str) -> BTreeMap<String, Value> {
    let env = compose_env(&compose(), "gateway-config");
    declarations(template)
        .into_iter()
        .map(|(name, ty)| {
            let raw = match name.as_str() {
                "IDP_RSA_PUBLIC_KEY" => Some(SAMPLE_PEM),
                _ => env.get(&name).map(String::as_str),
            };
            let value = typed(&name, &ty, raw);
            (name, value)
        })
        .collect()
}

/// A production deployment as Terraform would render it: real Lambda
/// endpoint, function ARNs, Redis for several Kong nodes.
fn production_values(template: &str) -> BTreeMap<String, Value> {
    let arn = |f: &str| format!("arn:aws:lambda:eu-west-1:123456789012:function:configurator-prod-{f}");
    let raw: BTreeMap<&str, String> = [
        ("IDP_ISSUER", "https://login.example.com/realms/corp".to_owned()),
        ("IDP_RSA_PUBLIC_KEY", SAMPLE_PEM.to_owned()),
        ("BFF_API_KEY", "Zk3q/9+x:\"#ab'c".to_owned()),
        ("AWS_REGION", "eu-west-1".to_owned()),
        ("LAMBDA_HOST", "lambda.eu-west-1.amazonaws.com".to_owned()),
        ("LAMBDA_PORT", "443".to_owned()),
        ("LAMBDA_DISABLE_HTTPS", "false".to_owned()),
        ("LAMBDA_CLUSTER", arn("cluster")),
        ("LAMBDA_TOPICS", arn("topics")),
        ("LAMBDA_MESSAGES", arn("messages")),
        ("LAMBDA_GROUPS", arn("groups")),
        ("RATE_LIMIT_POLICY", "redis".to_owned()),
        (
            "REDIS_HOST",
            "master.configurator.abc123.euw1.cache.amazonaws.com".to_owned(),
        ),
        ("REDIS_PORT", "6379".to_owned()),
        ("REDIS_SSL", "true".to_owned()),
        (
            "REDIS_PASSWORD",
            "{vault://env/configurator-redis-password}".to_owned(),
        ),
    ]
    .into_iter()
    .collect();
    declarations(template)
        .into_iter()
        .map(|(name, ty)| {
            let value = typed(&name, &ty, raw.get(name.as_str()).map(String::as_str));
            (name, value)
        })
        .collect()
}

// ---------------------------------------------------------------------------
// The configuration, checked against Kong 3.9's schemas while it is read
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Plugin {
    name: String,
    config: Value,
}

impl Plugin {
    fn get(&self, field: &str) -> &Value {
        &self.config[field]
    }

    fn strings(&self, field: &str) -> Vec<String> {
        self.get(field)
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default()
    }
}

#[derive(Debug)]
struct Service {
    name: String,
    host: String,
    plugins: Vec<Plugin>,
}

#[derive(Debug)]
struct Route {
    name: String,
    service: usize,
    methods: Vec<String>,
    paths: Vec<String>,
    regexes: Vec<Regex>,
    regex_priority: u64,
    strip_path: bool,
    protocols: Vec<String>,
    plugins: Vec<Plugin>,
}

#[derive(Debug, Default)]
struct Consumer {
    username: String,
    keys: Vec<Value>,
    groups: Vec<String>,
    jwt_secrets: Vec<Value>,
    plugins: usize,
}

#[derive(Debug)]
struct Kong {
    label: &'static str,
    globals: Vec<Plugin>,
    services: Vec<Service>,
    routes: Vec<Route>,
    consumers: Vec<Consumer>,
}

fn schema() -> Value {
    yaml(&read(SCHEMA), SCHEMA)
}

fn object<'a>(
    value: &'a Value,
    at: &str,
    errors: &mut Vec<String>,
) -> Option<&'a serde_json::Map<String, Value>> {
    let o = value.as_object();
    if o.is_none() {
        errors.push(format!("{at}: expected a mapping, got {value}"));
    }
    o
}

/// One value against one field description of the schema fixture.
fn check_value(at: &str, value: &Value, field: &Value, errors: &mut Vec<String>) {
    if value.is_null() {
        if field["required"] == json!(true) {
            errors.push(format!("{at}: required"));
        }
        return;
    }
    let ty = field["type"].as_str().unwrap_or("any");
    if let Some(text) = value.as_str()
        && text.starts_with("{vault://")
    {
        if field["referenceable"] != json!(true) {
            errors.push(format!(
                "{at}: Kong 3.9 resolves vault references only in referenceable fields; this one would keep {text:?} literally"
            ));
        }
        return;
    }
    let ok = match ty {
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "boolean" => value.is_boolean(),
        "array" | "set" => value.is_array(),
        "record" => value.is_object(),
        "host" => value.as_str().is_some_and(|h| {
            Regex::new(r"^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$")
                .unwrap()
                .is_match(h)
        }),
        "port" => value.as_u64().is_some_and(|p| p <= 65535),
        _ => true,
    };
    if !ok {
        errors.push(format!("{at}: {value} is not a valid {ty}"));
        return;
    }
    if let Some(allowed) = field["one_of"].as_array()
        && !allowed.contains(value)
    {
        errors.push(format!(
            "{at}: {value} is not one of {}",
            Value::Array(allowed.clone())
        ));
    }
    if let Some([low, high]) = field["between"].as_array().map(Vec::as_slice)
        && let (Some(v), Some(l), Some(h)) = (value.as_f64(), low.as_f64(), high.as_f64())
        && !(l..=h).contains(&v)
    {
        errors.push(format!("{at}: {v} is not between {l} and {h}"));
    }
    if let (Some(gt), Some(v)) = (field["gt"].as_f64(), value.as_f64())
        && v <= gt
    {
        errors.push(format!("{at}: {v} must be greater than {gt}"));
    }
    if let (Some(items), Some(elements)) = (value.as_array(), field.get("elements")) {
        for (i, item) in items.iter().enumerate() {
            check_value(&format!("{at}[{i}]"), item, elements, errors);
        }
        if ty == "set" {
            let distinct: BTreeSet<String> = items.iter().map(Value::to_string).collect();
            if distinct.len() != items.len() {
                errors.push(format!("{at}: a set must not repeat elements"));
            }
        }
    }
    if let (Some(map), Some(fields)) = (value.as_object(), field["fields"].as_object()) {
        check_fields(at, map, fields, errors);
    }
}

fn check_fields(
    at: &str,
    map: &serde_json::Map<String, Value>,
    fields: &serde_json::Map<String, Value>,
    errors: &mut Vec<String>,
) {
    for (key, value) in map {
        match fields.get(key) {
            Some(field) => check_value(&format!("{at}.{key}"), value, field, errors),
            None => errors.push(format!(
                "{at}.{key}: no such field in Kong 3.9 (known: {})",
                fields.keys().cloned().collect::<Vec<_>>().join(", ")
            )),
        }
    }
    for (key, field) in fields {
        if field["required"] == json!(true) && !map.contains_key(key) {
            errors.push(format!("{at}.{key}: required"));
        }
    }
}

/// An entity's own fields (children named in `nested` are left to the caller).
fn check_entity(kind: &str, at: &str, entity: &Value, schema: &Value, errors: &mut Vec<String>) {
    let Some(map) = object(entity, at, errors) else {
        return;
    };
    let description = &schema["entities"][kind];
    let nested: BTreeSet<&str> = description["nested"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let own: serde_json::Map<String, Value> = map
        .iter()
        .filter(|(k, _)| !nested.contains(k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    check_fields(at, &own, description["fields"].as_object().unwrap(), errors);
}

fn read_plugins(at: &str, list: &Value, schema: &Value, errors: &mut Vec<String>) -> Vec<Plugin> {
    let mut plugins = Vec::new();
    let Some(items) = list.as_array() else {
        if !list.is_null() {
            errors.push(format!("{at}.plugins: expected a list"));
        }
        return plugins;
    };
    let bundled = schema["bundled_plugins"].as_array().unwrap();
    let entity_fields: BTreeSet<&str> = schema["plugin_entity_fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for (i, item) in items.iter().enumerate() {
        let Some(map) = object(item, &format!("{at}.plugins[{i}]"), errors) else {
            continue;
        };
        let name = map.get("name").and_then(Value::as_str).unwrap_or("").to_owned();
        let here = format!("{at}.plugins[{i}] ({name})");
        for key in map.keys() {
            if !entity_fields.contains(key.as_str()) {
                errors.push(format!("{here}.{key}: no such plugin field in Kong 3.9"));
            }
        }
        if ENTERPRISE_ONLY.contains(&name.as_str()) {
            errors.push(format!(
                "{here}: a Kong Enterprise plugin; this gateway runs Kong OSS"
            ));
            continue;
        } else if !bundled.contains(&json!(name)) {
            errors.push(format!("{here}: not a plugin bundled with Kong OSS 3.9"));
            continue;
        }
        if map.get("enabled") == Some(&json!(false)) {
            errors.push(format!(
                "{here}: disabled plugins are not allowed (a disabled route-level instance does not switch off the global one, it only confuses)"
            ));
        }
        let config = map.get("config").cloned().unwrap_or(json!({}));
        match schema["plugins"][&name]["config"].as_object() {
            Some(fields) => {
                if let Some(c) = object(&config, &format!("{here}.config"), errors) {
                    check_fields(&format!("{here}.config"), c, fields, errors);
                }
            }
            None => errors.push(format!(
                "{here}: gateway/kong-3.9-schema.yaml has no schema for it; transcribe kong/plugins/{name}/schema.lua (tag 3.9.1) first"
            )),
        }
        plugins.push(Plugin { name, config });
    }
    plugins
}

/// Kong's priority for a route in the `traditional_compatible` router
/// (kong/router/transform.lua `get_priority`), for the fields used here.
fn kong_priority(route: &Route) -> u64 {
    let match_weight = u64::from(!route.methods.is_empty()) + u64::from(!route.paths.is_empty());
    let regex_url = route.paths.iter().all(|p| p.starts_with('~'));
    (match_weight << 61) | (u64::from(regex_url) << 51) | (route.regex_priority << 19)
}

fn parse(label: &'static str, rendered: &str) -> Result<Kong, Vec<String>> {
    let schema = schema();
    let doc = yaml(rendered, TEMPLATE);
    let mut errors = Vec::new();
    let Some(top) = object(&doc, "(top)", &mut errors) else {
        return Err(errors);
    };
    for key in top.keys() {
        if ![
            "_format_version",
            "_transform",
            "_comment",
            "plugins",
            "services",
            "consumers",
        ]
        .contains(&key.as_str())
        {
            errors.push(format!(
                "(top).{key}: not expected here (routes belong under their service, so none is without a target)"
            ));
        }
    }
    if top.get("_format_version") != Some(&json!("3.0")) {
        errors.push("(top)._format_version: must be \"3.0\"".into());
    }

    let globals = read_plugins("(global)", &doc["plugins"], &schema, &mut errors);
    let mut services = Vec::new();
    let mut routes = Vec::new();
    for (s, service) in doc["services"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let at = format!("services[{s}]");
        check_entity("services", &at, service, &schema, &mut errors);
        let name = service["name"].as_str().unwrap_or("").to_owned();
        let at = format!("service {name}");
        let host = service["url"]
            .as_str()
            .and_then(|u| u.split("://").nth(1))
            .map(|rest| rest.split(['/', ':']).next().unwrap_or("").to_owned())
            .or_else(|| service["host"].as_str().map(str::to_owned))
            .unwrap_or_default();
        let plugins = read_plugins(&at, &service["plugins"], &schema, &mut errors);
        for (r, route) in service["routes"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            check_entity(
                "routes",
                &format!("{at}.routes[{r}]"),
                route,
                &schema,
                &mut errors,
            );
            let name = route["name"].as_str().unwrap_or("").to_owned();
            let here = format!("route {name}");
            for forbidden in ["hosts", "headers", "snis", "sources", "destinations"] {
                if route.get(forbidden).is_some() {
                    errors.push(format!("{here}: `{forbidden}` is not modelled by the contract test; match on methods and paths only"));
                }
            }
            let strings = |field: &str| -> Vec<String> {
                route[field]
                    .as_array()
                    .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
                    .unwrap_or_default()
            };
            let paths = strings("paths");
            let mut regexes = Vec::new();
            for path in &paths {
                match path.strip_prefix('~') {
                    Some(pattern) => match Regex::new(&format!("^{}", pattern.replace("?<", "?P<"))) {
                        Ok(re) => regexes.push(re),
                        Err(e) => errors.push(format!("{here}: path {path:?} does not compile: {e}")),
                    },
                    None => errors.push(format!(
                        "{here}: path {path:?} is a prefix path; use a regex path (`~/api/v1/...$`) so it matches exactly"
                    )),
                }
            }
            let regex_priority = match route["regex_priority"].as_i64().unwrap_or(0) {
                p @ 0..=0xFFFF_FFFF => p as u64,
                p => {
                    errors.push(format!("{here}: regex_priority {p} is outside 0..2^32"));
                    0
                }
            };
            routes.push(Route {
                name,
                service: s,
                methods: strings("methods"),
                paths,
                regexes,
                regex_priority,
                strip_path: route["strip_path"].as_bool().unwrap_or(true),
                protocols: {
                    let p = strings("protocols");
                    if p.is_empty() {
                        vec!["http".into(), "https".into()]
                    } else {
                        p
                    }
                },
                plugins: read_plugins(&here, &route["plugins"], &schema, &mut errors),
            });
        }
        services.push(Service { name, host, plugins });
    }

    let mut consumers = Vec::new();
    for (c, consumer) in doc["consumers"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let at = format!("consumers[{c}]");
        check_entity("consumers", &at, consumer, &schema, &mut errors);
        let list = |field: &str| consumer[field].as_array().cloned().unwrap_or_default();
        for (kind, field) in [
            ("keyauth_credentials", "keyauth_credentials"),
            ("jwt_secrets", "jwt_secrets"),
            ("acls", "acls"),
        ] {
            for (i, item) in list(field).iter().enumerate() {
                check_entity(kind, &format!("{at}.{field}[{i}]"), item, &schema, &mut errors);
            }
        }
        consumers.push(Consumer {
            username: consumer["username"].as_str().unwrap_or("").to_owned(),
            keys: list("keyauth_credentials")
                .iter()
                .map(|k| k["key"].clone())
                .collect(),
            groups: list("acls")
                .iter()
                .filter_map(|a| a["group"].as_str().map(str::to_owned))
                .collect(),
            jwt_secrets: list("jwt_secrets"),
            plugins: list("plugins").len(),
        });
    }

    if errors.is_empty() {
        Ok(Kong {
            label,
            globals,
            services,
            routes,
            consumers,
        })
    } else {
        Err(errors)
    }
}

/// The template rendered with compose's values and with production values
/// (read once; a schema problem fails every test that needs them).
fn configurations() -> &'static [Kong] {
    static CONFIGURATIONS: LazyLock<Vec<Kong>> = LazyLock::new(load_configurations);
    &CONFIGURATIONS
}

fn load_configurations() -> Vec<Kong> {
    let template = read(TEMPLATE);
    [
        ("compose", compose_values(&template), compose_services()),
        ("production", production_values(&template), production_services()),
    ]
    .into_iter()
    .map(|(label, values, services)| {
            parse(label, &with_ingest_consumers(&render(&template, &values), &services)).unwrap_or_else(|errors| {
                panic!(
                    "{TEMPLATE} rendered with the {label} values does not fit Kong 3.9's schemas ({SCHEMA}):\n  {}",
                    errors.join("\n  ")
                )
            })
        })
        .collect()
}

impl Kong {
    fn service_of(&self, route: &Route) -> &Service {
        &self.services[route.service]
    }

    /// The Lambda function a route ends at: its service's aws-lambda plugin.
    fn function_of(&self, route: &Route) -> Option<Function> {
        Function::ALL
            .into_iter()
            .find(|f| self.service_of(route).name == service_name(*f))
    }

    /// The route Kong selects for a request, or None (Kong answers 404).
    fn route_for(&self, method: &str, path: &str) -> Result<Option<&Route>, String> {
        let mut matching: Vec<&Route> = self
            .routes
            .iter()
            .filter(|r| r.methods.is_empty() || r.methods.iter().any(|m| m == method))
            .filter(|r| r.regexes.iter().any(|re| re.is_match(path)))
            .collect();
        matching.sort_by_key(|r| std::cmp::Reverse(kong_priority(r)));
        match matching.as_slice() {
            [] => Ok(None),
            [one] => Ok(Some(one)),
            [first, second, ..] if kong_priority(first) == kong_priority(second) => Err(format!(
                "{method} {path} matches routes {} and {} with the same priority: Kong's choice would be arbitrary; give the more specific one a higher regex_priority",
                first.name, second.name
            )),
            [first, rest @ ..] => {
                // Overlaps are meant only between read-only catch-alls.
                for r in std::iter::once(first).chain(rest) {
                    if r.methods != ["GET"] {
                        return Err(format!(
                            "{method} {path} matches routes {} at once; only GET routes may overlap",
                            matching
                                .iter()
                                .map(|r| r.name.as_str())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                    }
                }
                Ok(Some(first))
            }
        }
    }

    /// The plugins in effect on a route: route over service over global, by name.
    fn effective(&self, route: &Route) -> BTreeMap<String, (&'static str, Plugin)> {
        let mut map = BTreeMap::new();
        for (level, plugins) in [
            ("global", &self.globals),
            ("service", &self.service_of(route).plugins),
            ("route", &route.plugins),
        ] {
            for p in plugins {
                map.insert(p.name.clone(), (level, p.clone()));
            }
        }
        map
    }

    fn consumer(&self, username: &str) -> Option<&Consumer> {
        self.consumers.iter().find(|c| c.username == username)
    }

    /// The operations some sample request of which ends at `route`.
    fn served(&self, route: &Route) -> Vec<&'static Operation> {
        OPERATIONS
            .iter()
            .filter(|op| {
                samples(op).iter().any(|p| {
                    self.route_for(op.method.as_str(), p)
                        .ok()
                        .flatten()
                        .is_some_and(|r| r.name == route.name)
                })
            })
            .collect()
    }

    /// Whether the route's operations are the ingest API's (all of them; a
    /// route serving none is no ingest route).
    fn is_ingest_route(&self, route: &Route) -> bool {
        let served = self.served(route);
        !served.is_empty() && served.iter().all(|op| op.ingest)
    }

    /// The consumers the acl in effect on `route` lets through.
    fn admitted(&self, route: &Route) -> Vec<&Consumer> {
        let effective = self.effective(route);
        let Some((_, acl)) = effective.get("acl") else {
            return self.consumers.iter().collect();
        };
        let allow = acl.strings("allow");
        let deny = acl.strings("deny");
        self.consumers
            .iter()
            .filter(|c| {
                let allowed = allow.is_empty() || c.groups.iter().any(|g| allow.contains(g));
                allowed && !c.groups.iter().any(|g| deny.contains(g))
            })
            .collect()
    }
}

/// What a request-size-limiting instance lets through, in bytes (Kong's
/// units are powers of 1024; megabytes and 128 by default).
fn allowed_bytes(size: &Plugin) -> u64 {
    let unit = match size.get("size_unit").as_str().unwrap_or("megabytes") {
        "bytes" => 1,
        "kilobytes" => 1024,
        _ => 1024 * 1024,
    };
    size.get("allowed_payload_size").as_u64().unwrap_or(128) * unit
}

fn service_name(function: Function) -> String {
    format!("configurator-{}", function.name())
}

fn placeholder_of(function: Function) -> String {
    format!("LAMBDA_{}", function.name().to_uppercase())
}

fn full(path: &str) -> String {
    format!("{API_PREFIX}{path}")
}

static PARAM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\{[^}]+\}").unwrap());

/// The cluster segment as Kong's paths must spell it: `check_cluster_id`'s
/// rule as a regex (lower-case letters, digits and '-', not starting with
/// '-', at most `CLUSTER_ID_MAX_LEN`).
fn cluster_regex() -> String {
    format!("[a-z0-9][a-z0-9-]{{0,{}}}", CLUSTER_ID_MAX_LEN - 1)
}

/// Every cluster id Kong must route: [`CLUSTER_IDS`] and the longest one.
fn cluster_ids() -> Vec<String> {
    let mut ids: Vec<String> = CLUSTER_IDS.iter().map(|s| (*s).to_owned()).collect();
    ids.push(format!("a{}", "-".repeat(CLUSTER_ID_MAX_LEN - 1)));
    for id in &ids {
        assert!(
            check_cluster_id(id).is_ok(),
            "CLUSTER_IDS: {id:?} is not a valid cluster id"
        );
    }
    ids
}

/// Every cluster id Kong must refuse: [`BAD_CLUSTER_IDS`] and one too long.
fn bad_cluster_ids() -> Vec<String> {
    let mut ids: Vec<String> = BAD_CLUSTER_IDS.iter().map(|s| (*s).to_owned()).collect();
    ids.push("a".repeat(CLUSTER_ID_MAX_LEN + 1));
    for id in &ids {
        let decoded = routes::percent_decode(id).unwrap_or_default();
        assert!(
            check_cluster_id(&decoded).is_err(),
            "BAD_CLUSTER_IDS: {id:?} is a valid cluster id"
        );
    }
    ids
}

/// An operation's path with `{cluster}` set to `cluster` and every other
/// parameter to `param`.
fn instantiate(op: &Operation, cluster: &str, param: &str) -> String {
    let path = op.path.replace(CLUSTER_PARAM, cluster);
    full(&PARAM.replace_all(&path, param))
}

/// Concrete request paths for an operation: every sample cluster id and
/// every sample value of the other parameters each appear at least once
/// (side by side, not every combination: the two vary independently in the
/// regexes).
fn samples(op: &Operation) -> Vec<String> {
    if !op.path.contains('{') {
        return vec![full(op.path)];
    }
    let clusters = cluster_ids();
    let n = clusters.len().max(PARAMS.len());
    (0..n)
        .map(|i| instantiate(op, &clusters[i % clusters.len()], PARAMS[i % PARAMS.len()]))
        .collect()
}

/// The operation a concrete request belongs to, by the route table's own
/// matcher (`routes::find`, the one the authorizer and the console use).
fn operation_of(method: &str, path: &str) -> Option<&'static Operation> {
    routes::find(method, path.strip_prefix(API_PREFIX)?).map(|m| m.operation)
}

/// The route an operation needs, for failure messages.
fn suggestion(op: &Operation) -> String {
    // The other parameters first: the cluster's regex has braces of its own
    // ({0,62}) that PARAM would take for a parameter.
    let path = full(op.path).replace('.', r"\.").replace(CLUSTER_PARAM, "\0");
    let regex = PARAM.replace_all(&path, "[^/]+").replace('\0', &cluster_regex());
    let name = if op.method.is_mutating() {
        op.id.name().to_owned()
    } else {
        format!("{}-read", op.function.name())
    };
    format!(
        "add to service {} a route `name: {name}`, `methods: [{}]`, `paths: ['~{regex}$']`, `strip_path: false`{}",
        service_name(op.function),
        op.method.as_str(),
        if op.method.is_mutating() {
            ""
        } else {
            " (or widen the function's GET catch-all)"
        }
    )
}

fn fail_if(problems: Vec<String>, what: &str) {
    let mut seen = BTreeSet::new();
    let unique: Vec<String> = problems.into_iter().filter(|p| seen.insert(p.clone())).collect();
    let shown = unique.iter().take(40).cloned().collect::<Vec<_>>().join("\n  ");
    let more = unique.len().saturating_sub(40);
    assert!(
        unique.is_empty(),
        "{what}:\n  {shown}{}",
        if more > 0 {
            format!("\n  … and {more} more")
        } else {
            String::new()
        }
    );
}

// ---------------------------------------------------------------------------
// The template itself
// ---------------------------------------------------------------------------

#[test]
fn placeholders_are_declared_used_and_safe_for_terraform() {
    let template = read(TEMPLATE);
    let declared: BTreeMap<String, String> = declarations(&template).into_iter().collect();
    assert!(
        !declared.is_empty(),
        "{TEMPLATE}: no placeholder table in the header comment"
    );
    let used: BTreeSet<String> = placeholder_pattern()
        .captures_iter(&template)
        .map(|c| c[1].to_owned())
        .collect();
    let mut problems = Vec::new();
    for name in used.difference(&declared.keys().cloned().collect()) {
        problems.push(format!(
            "${{{name}}} is used but not declared in the header comment"
        ));
    }
    for name in declared.keys().filter(|n| !used.contains(*n)) {
        problems.push(format!("{name} is declared but never used"));
    }
    // templatefile() reads `%{` as a directive and `${…}` anywhere, comments included.
    if template.contains("%{") {
        problems.push("`%{` would be a Terraform template directive".into());
    }
    for (i, line) in template.lines().enumerate() {
        if line.trim_start().starts_with('#') && line.contains("${") {
            problems.push(format!(
                "line {}: a placeholder in a comment would be rendered too",
                i + 1
            ));
        }
    }
    // Every value differing per deployment is a placeholder, never written in.
    for name in [
        "IDP_ISSUER",
        "IDP_RSA_PUBLIC_KEY",
        "BFF_API_KEY",
        "AWS_REGION",
        "REDIS_HOST",
    ] {
        if !declared.contains_key(name) {
            problems.push(format!("{name} must be a placeholder"));
        }
    }
    for f in Function::ALL {
        if !declared.contains_key(&placeholder_of(f)) {
            problems.push(format!("{} must be a placeholder", placeholder_of(f)));
        }
    }
    fail_if(problems, TEMPLATE);
}

#[test]
fn rendering_keeps_every_value_intact() {
    let template = read(TEMPLATE);
    for (values, services) in [
        (compose_values(&template), compose_services()),
        (production_values(&template), production_services()),
        // A deployment without services (Terraform's default).
        (production_values(&template), Vec::new()),
    ] {
        let rendered = with_ingest_consumers(&render(&template, &values), &services);
        let doc = yaml(&rendered, TEMPLATE);
        let consumers = doc["consumers"].as_array().unwrap();
        let tail: Vec<(Value, Value)> = consumers[consumers.len() - services.len()..]
            .iter()
            .map(|c| (c["username"].clone(), c["keyauth_credentials"][0]["key"].clone()))
            .collect();
        let want: Vec<(Value, Value)> = services.iter().map(|(n, k)| (json!(n), json!(k))).collect();
        assert_eq!(
            tail, want,
            "each service's consumer, its name and key intact, after the gateway's own"
        );
        let bff = doc["consumers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["username"] == BFF)
            .unwrap();
        assert_eq!(bff["keyauth_credentials"][0]["key"], values["BFF_API_KEY"]);
        let secret = doc["consumers"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|c| c["jwt_secrets"].as_array().and_then(|s| s.first()))
            .expect("a jwt secret");
        assert_eq!(
            secret["rsa_public_key"], values["IDP_RSA_PUBLIC_KEY"],
            "the PEM's line breaks must survive"
        );
        assert_eq!(secret["key"], values["IDP_ISSUER"]);
        assert!(!rendered.contains("${"));
    }
}

#[test]
fn configuration_fits_kong_3_9_schemas_and_uses_only_oss_plugins() {
    // configurations() panics with every schema problem listed.
    for kong in configurations() {
        let schema = schema();
        let mut problems = Vec::new();
        let all: Vec<&Plugin> = kong
            .globals
            .iter()
            .chain(kong.services.iter().flat_map(|s| &s.plugins))
            .chain(kong.routes.iter().flat_map(|r| &r.plugins))
            .collect();
        for p in &all {
            if schema["plugins"][&p.name]["priority"].as_u64().is_none() {
                problems.push(format!("{}: no priority in {SCHEMA}", p.name));
            }
        }
        // Entity checks of the schemas that field types cannot express.
        for p in &all {
            match p.name.as_str() {
                "acl" if p.get("allow").is_array() == p.get("deny").is_array() => {
                    problems.push("acl: exactly one of allow and deny".into());
                }
                "jwt"
                    if p.get("maximum_expiration").as_f64().unwrap_or(0.0) > 0.0
                        && !p.strings("claims_to_verify").contains(&"exp".to_owned()) =>
                {
                    problems.push("jwt: maximum_expiration needs claims_to_verify to contain exp".into());
                }
                "rate-limiting" => {
                    let periods = ["second", "minute", "hour", "day", "month", "year"];
                    let limits: Vec<f64> = periods.iter().filter_map(|k| p.get(k).as_f64()).collect();
                    if limits.is_empty() {
                        problems.push("rate-limiting: at least one limit".into());
                    }
                    if limits.windows(2).any(|w| w[1] < w[0]) {
                        problems.push("rate-limiting: a longer period cannot have a lower limit".into());
                    }
                    let redis = p.get("policy") == "redis";
                    if !redis && p.get("sync_rate").as_f64().is_some_and(|r| r != -1.0) {
                        problems.push("rate-limiting: sync_rate only with the redis policy".into());
                    }
                    if redis {
                        for f in ["host", "port", "timeout"] {
                            if p.get("redis")[f].is_null() {
                                problems.push(format!("rate-limiting: policy redis needs redis.{f}"));
                            }
                        }
                    }
                    if p.get("limit_by") != "consumer" {
                        problems.push("rate-limiting: limit per consumer (limit_by: consumer)".into());
                    }
                }
                "aws-lambda" => {
                    for f in ["aws_key", "aws_secret", "aws_assume_role_arn", "proxy_url"] {
                        if !p.get(f).is_null() {
                            problems.push(format!(
                                "aws-lambda: {f} must not be set: Kong signs with the task or instance role"
                            ));
                        }
                    }
                }
                _ => {}
            }
        }
        for c in &kong.consumers {
            for secret in &c.jwt_secrets {
                let algorithm = secret["algorithm"].as_str().unwrap_or("HS256");
                if algorithm != "RS256" {
                    problems.push(format!(
                        "consumer {}: jwt secret algorithm {algorithm}, expected RS256",
                        c.username
                    ));
                }
                if !secret["rsa_public_key"]
                    .as_str()
                    .is_some_and(|k| k.contains("-----BEGIN PUBLIC KEY-----"))
                {
                    problems.push(format!(
                        "consumer {}: RS256 needs rsa_public_key (a PEM)",
                        c.username
                    ));
                }
                if !secret["secret"].is_null() {
                    problems.push(format!("consumer {}: no shared secret with RS256", c.username));
                }
            }
            if c.plugins > 0 {
                problems.push(format!(
                    "consumer {}: consumer-scoped plugins are outside what this test models",
                    c.username
                ));
            }
        }
        fail_if(problems, kong.label);
    }
}

#[test]
fn compose_loads_exactly_the_plugins_the_configuration_uses() {
    let compose = compose();
    let env = compose_env(&compose, "kong");
    let loaded: BTreeSet<String> = env
        .get("KONG_PLUGINS")
        .expect("compose.yaml: kong needs KONG_PLUGINS (only what the configuration uses)")
        .split(',')
        .map(|s| s.trim().to_owned())
        .collect();
    for kong in configurations() {
        let used: BTreeSet<String> = kong
            .globals
            .iter()
            .chain(kong.services.iter().flat_map(|s| &s.plugins))
            .chain(kong.routes.iter().flat_map(|r| &r.plugins))
            .map(|p| p.name.clone())
            .collect();
        assert_eq!(
            loaded, used,
            "compose.yaml KONG_PLUGINS must list exactly the plugins {TEMPLATE} uses"
        );
        let required: BTreeSet<String> = REQUIRED_EVERYWHERE.iter().map(|s| (*s).to_owned()).collect();
        assert_eq!(
            used, required,
            "the configuration uses plugins the contract does not cover, or lacks one"
        );
    }
}

// ---------------------------------------------------------------------------
// Routes against the route table
// ---------------------------------------------------------------------------

#[test]
fn every_operation_reaches_its_own_function_through_exactly_one_route() {
    for kong in configurations() {
        let mut problems = Vec::new();
        for op in OPERATIONS {
            let before = problems.len();
            // The first failing sample path says enough about an operation.
            for path in samples(op) {
                if problems.len() > before {
                    break;
                }
                let method = op.method.as_str();
                match kong.route_for(method, &path) {
                    Err(e) => problems.push(format!("{} ({method} {path}): {e}", op.id.name())),
                    Ok(None) => problems.push(format!(
                        "{} ({method} {path}): no route matches; {}",
                        op.id.name(),
                        suggestion(op)
                    )),
                    Ok(Some(route)) => {
                        if kong.function_of(route) != Some(op.function) {
                            problems.push(format!(
                                "{} ({method} {path}) ends at route {} of {}, but its function is {}; {}",
                                op.id.name(),
                                route.name,
                                kong.service_of(route).name,
                                op.function.name(),
                                suggestion(op)
                            ));
                        }
                        if op.method.is_mutating()
                            && (route.name != op.id.name() || route.methods != [method])
                        {
                            problems.push(format!(
                                "{} ({method} {path}) ends at route {} (methods {:?}); every mutating operation has its own route named after it: {}",
                                op.id.name(),
                                route.name,
                                route.methods,
                                suggestion(op)
                            ));
                        }
                    }
                }
            }
        }
        fail_if(problems, kong.label);
    }
}

#[test]
fn no_route_is_extra_or_overbroad() {
    for kong in configurations() {
        let mut problems = Vec::new();
        let mut names = BTreeSet::new();
        for route in &kong.routes {
            if !names.insert(route.name.as_str()) {
                problems.push(format!("route {}: the name is used twice", route.name));
            }
            if route.methods.is_empty() {
                problems.push(format!(
                    "route {}: no methods, so it would take writes too; list them",
                    route.name
                ));
            }
            if route.methods.iter().any(|m| m == "GET") && route.methods != ["GET"] {
                problems.push(format!(
                    "route {}: a GET route is read-only: methods must be exactly [GET], got {:?}",
                    route.name, route.methods
                ));
            }
            if route.methods.len() > 1 {
                problems.push(format!("route {}: one method per route", route.name));
            }
            if route.strip_path {
                problems.push(format!(
                    "route {}: strip_path must be false (the Lambdas route on /api/v1/...)",
                    route.name
                ));
            }
            if route.protocols.iter().any(|p| p != "http" && p != "https") {
                problems.push(format!(
                    "route {}: protocols must be http and/or https",
                    route.name
                ));
            }
            for path in &route.paths {
                if !path.starts_with(&format!("~{API_PREFIX}/")) || !path.ends_with('$') {
                    problems.push(format!(
                        "route {}: path {path:?} must start with ~{API_PREFIX}/ and end with $",
                        route.name
                    ));
                }
            }
            // A route no operation ends at is extra.
            let used = OPERATIONS.iter().any(|op| {
                samples(op).iter().any(|p| {
                    kong.route_for(op.method.as_str(), p)
                        .ok()
                        .flatten()
                        .is_some_and(|r| r.name == route.name)
                })
            });
            if !used {
                problems.push(format!(
                    "route {} of {}: no operation in configurator_api::routes::OPERATIONS ends here; remove it or add the operation",
                    route.name,
                    kong.service_of(route).name
                ));
            }
            if kong.function_of(route).is_none() {
                problems.push(format!(
                    "route {}: its service is not one of the Lambda functions",
                    route.name
                ));
            }
        }
        fail_if(problems, kong.label);
    }
}

#[test]
fn no_request_reaches_a_function_that_does_not_own_its_path() {
    for kong in configurations() {
        let mut problems = Vec::new();
        let paths: BTreeSet<String> = OPERATIONS.iter().flat_map(samples).collect();
        for path in &paths {
            // The functions serving some operation at this path, whatever the method.
            let owners: BTreeSet<&str> = METHODS
                .iter()
                .filter_map(|m| operation_of(m, path))
                .map(|op| op.function.name())
                .collect();
            for method in METHODS {
                let expected: BTreeSet<&str> = operation_of(method, path)
                    .map(|op| op.function.name())
                    .into_iter()
                    .collect();
                match kong.route_for(method, path) {
                    Err(e) => problems.push(e),
                    Ok(Some(route)) => {
                        let got = kong.function_of(route).map_or("?", Function::name);
                        let fine = if expected.is_empty() {
                            // No such operation: only a read-only catch-all of
                            // the path's owner may take it (the Lambda answers 404).
                            *method == "GET" && owners.contains(got)
                        } else {
                            expected.contains(got)
                        };
                        if !fine {
                            problems.push(format!(
                                "{method} {path} ends at route {} ({got}), but the path belongs to {owners:?} (operations with this method: {expected:?})",
                                route.name
                            ));
                        }
                    }
                    Ok(None) => {}
                }
            }
        }
        for path in OUTSIDE {
            for method in METHODS {
                match kong.route_for(method, path) {
                    Ok(None) => {}
                    Ok(Some(route)) => problems.push(format!(
                        "{method} {path} is no API path but matches route {}",
                        route.name
                    )),
                    Err(e) => problems.push(e),
                }
            }
        }
        fail_if(problems, kong.label);
    }
}

// ---------------------------------------------------------------------------
// Authentication, and the plugins on every route
// ---------------------------------------------------------------------------

#[test]
fn every_route_requires_the_bffs_key_and_a_user_token_unless_the_api_needs_none() {
    for kong in configurations() {
        let mut problems = Vec::new();
        for route in &kong.routes {
            let effective = kong.effective(route);
            let at = format!("route {}", route.name);
            for name in REQUIRED_EVERYWHERE {
                if !effective.contains_key(*name) {
                    problems.push(format!(
                        "{at}: plugin {name} is not in effect (global, service or route)"
                    ));
                }
            }
            let (Some((_, jwt)), Some((_, key_auth)), Some((_, acl))) = (
                effective.get("jwt"),
                effective.get("key-auth"),
                effective.get("acl"),
            ) else {
                continue;
            };

            // The BFF's key: header only, stripped, never optional.
            if !key_auth.get("anonymous").is_null() {
                problems.push(format!("{at}: key-auth must not have an anonymous consumer"));
            }
            if key_auth.get("hide_credentials") != true {
                problems.push(format!(
                    "{at}: key-auth must hide the key from the Lambda (hide_credentials)"
                ));
            }
            if key_auth.get("key_in_query") != false || key_auth.get("key_in_body") != false {
                problems.push(format!("{at}: key-auth must read the key from the header only"));
            }
            if key_auth.strings("key_names") != [BFF_KEY_HEADER] {
                problems.push(format!(
                    "{at}: key-auth key_names must be [{BFF_KEY_HEADER}], the header the BFF sends"
                ));
            }
            // Only the BFF's group, and the ingest services' on the ingest
            // API's routes.
            let groups: &[&str] = if kong.is_ingest_route(route) {
                &[BFF, INGEST_GROUP]
            } else {
                &[BFF]
            };
            if acl.strings("allow") != groups || !acl.get("deny").is_null() {
                problems.push(format!("{at}: acl must allow exactly {groups:?}"));
            }
            // The user's token: from the Authorization header, exp checked.
            if !jwt.strings("claims_to_verify").contains(&"exp".to_owned()) {
                problems.push(format!("{at}: jwt must verify exp"));
            }
            if jwt.get("key_claim_name") != "iss" {
                problems.push(format!("{at}: jwt credentials are keyed by iss"));
            }
            if jwt.strings("header_names") != ["authorization"]
                || !jwt.strings("uri_param_names").is_empty()
                || jwt.get("uri_param_names").is_null()
                || !jwt.strings("cookie_names").is_empty()
            {
                problems.push(format!(
                    "{at}: jwt must read the token from the Authorization header only (uri_param_names: [], cookie_names: [])"
                ));
            }

            // A token may be optional only where every operation needs none.
            let served = kong.served(route);
            if let Some(anonymous) = jwt.get("anonymous").as_str() {
                if let Some(op) = served.iter().find(|op| op.authenticated) {
                    problems.push(format!(
                        "{at}: jwt has an anonymous consumer, but {} needs a token; move the unauthenticated operations to a route of their own",
                        op.id.name()
                    ));
                }
                if route.methods != ["GET"] {
                    problems.push(format!("{at}: an optional token only on a GET route"));
                }
                match kong.consumer(anonymous) {
                    None => problems.push(format!(
                        "{at}: jwt's anonymous consumer {anonymous} does not exist"
                    )),
                    Some(c) if !c.groups.is_empty() || !c.keys.is_empty() || !c.jwt_secrets.is_empty() => {
                        problems.push(format!(
                            "{at}: the anonymous consumer {anonymous} must have no group and no credential"
                        ))
                    }
                    Some(_) => {}
                }
            } else if let Some(op) = served.iter().find(|op| !op.authenticated) {
                problems.push(format!(
                    "{at}: {} needs no token (authenticated: false) but the route requires one; give it a route whose jwt has `anonymous`",
                    op.id.name()
                ));
            }
        }
        fail_if(problems, kong.label);
    }
}

#[test]
fn consumers_are_the_bff_the_idps_key_and_the_anonymous_one() {
    let template = read(TEMPLATE);
    for kong in configurations() {
        let values = if kong.label == "compose" {
            compose_values(&template)
        } else {
            production_values(&template)
        };
        let mut problems = Vec::new();
        let bff = kong.consumer(BFF).expect("the BFF's consumer");
        if bff.keys != [values["BFF_API_KEY"].clone()] {
            problems.push(format!(
                "{BFF}: exactly one key-auth credential, the BFF_API_KEY placeholder"
            ));
        }
        if bff.groups != [BFF] {
            problems.push(format!("{BFF}: in the acl group {BFF} only"));
        }
        if !bff.jwt_secrets.is_empty() {
            problems.push(format!(
                "{BFF}: no jwt credential (a user token must not identify the BFF, or a token alone would pass acl)"
            ));
        }
        let issuers: Vec<&Consumer> = kong
            .consumers
            .iter()
            .filter(|c| !c.jwt_secrets.is_empty())
            .collect();
        match issuers.as_slice() {
            [idp] => {
                if !idp.groups.is_empty() || !idp.keys.is_empty() {
                    problems.push(format!(
                        "{}: holds the IdP's key only; no group, no API key",
                        idp.username
                    ));
                }
                if idp.jwt_secrets.iter().map(|s| &s["key"]).collect::<Vec<_>>() != [&values["IDP_ISSUER"]] {
                    problems.push(format!(
                        "{}: one jwt credential keyed by IDP_ISSUER",
                        idp.username
                    ));
                }
            }
            other => problems.push(format!(
                "exactly one consumer holds the IdP's key, found {}",
                other.len()
            )),
        }
        for c in &kong.consumers {
            if c.username != BFF && c.groups.iter().any(|g| g == BFF) {
                problems.push(format!("{}: only the BFF is in group {BFF}", c.username));
            }
        }
        fail_if(problems, kong.label);
    }
}

#[test]
fn every_function_has_one_hardened_lambda_target() {
    for kong in configurations() {
        let mut problems = Vec::new();
        for f in Function::ALL {
            if !kong.services.iter().any(|s| s.name == service_name(f)) {
                problems.push(format!(
                    "no service {} for function {}",
                    service_name(f),
                    f.name()
                ));
            }
        }
        for p in kong
            .globals
            .iter()
            .chain(kong.routes.iter().flat_map(|r| &r.plugins))
        {
            if p.name == "aws-lambda" {
                problems.push("aws-lambda belongs on the services only (one function per service)".into());
            }
        }
        let template = read(TEMPLATE);
        let values = if kong.label == "compose" {
            compose_values(&template)
        } else {
            production_values(&template)
        };
        for s in &kong.services {
            let at = format!("service {}", s.name);
            if !s.host.ends_with(".invalid") {
                problems.push(format!(
                    "{at}: its URL's host must end in .invalid, so it fails closed without its plugin"
                ));
            }
            let lambdas: Vec<&Plugin> = s.plugins.iter().filter(|p| p.name == "aws-lambda").collect();
            let [lambda] = lambdas.as_slice() else {
                problems.push(format!("{at}: exactly one aws-lambda plugin"));
                continue;
            };
            let function = Function::ALL.into_iter().find(|f| service_name(*f) == s.name);
            match function {
                Some(f) if lambda.get("function_name") == &values[&placeholder_of(f)] => {}
                _ => problems.push(format!(
                    "{at}: function_name must be the placeholder of its own function"
                )),
            }
            let expect = [
                ("awsgateway_compatible", json!(true)),
                ("is_proxy_integration", json!(true)),
                // The default, Tail, returns the function's log tail in a response header.
                ("log_type", json!("None")),
                ("invocation_type", json!("RequestResponse")),
                ("qualifier", json!("live")),
                // The default, true, silently drops bodies nginx buffered to disk.
                ("skip_large_bodies", json!(false)),
                ("base64_encode_body", json!(true)),
                ("aws_imds_protocol_version", json!("v2")),
                ("aws_region", values["AWS_REGION"].clone()),
                ("host", values["LAMBDA_HOST"].clone()),
                ("port", values["LAMBDA_PORT"].clone()),
                ("disable_https", values["LAMBDA_DISABLE_HTTPS"].clone()),
            ];
            for (field, want) in expect {
                if lambda.get(field) != &want {
                    problems.push(format!(
                        "{at}: aws-lambda {field} must be {want}, got {}",
                        lambda.get(field)
                    ));
                }
            }
            if !lambda
                .get("timeout")
                .as_f64()
                .is_some_and(|t| t > 0.0 && t < 30_000.0)
            {
                problems.push(format!(
                    "{at}: aws-lambda timeout must be under the BFF's 30 s upstream timeout, so Kong answers first"
                ));
            }
        }
        fail_if(problems, kong.label);
    }
}

#[test]
fn limits_request_ids_and_metrics_are_global() {
    for kong in configurations() {
        let mut problems = Vec::new();
        let global = |name: &str| kong.globals.iter().find(|p| p.name == name);
        for name in [
            "jwt",
            "key-auth",
            "acl",
            "rate-limiting",
            "request-size-limiting",
            "correlation-id",
            "prometheus",
        ] {
            if global(name).is_none() {
                problems.push(format!(
                    "{name} must be a global plugin, so a new route cannot miss it"
                ));
            }
        }
        for route in &kong.routes {
            let ingest = kong.is_ingest_route(route);
            for p in &route.plugins {
                // jwt (optional token on the public route) and rate-limiting
                // (routes with a ceiling of their own, checked in
                // `tail_and_copy_have_ceilings_of_their_own`); on the ingest
                // API's routes acl and request-size-limiting too (checked in
                // `ingest_operations_admit_the_services_and_the_bff_with_limits_per_consumer`).
                let allowed = p.name == "jwt"
                    || p.name == "rate-limiting"
                    || (ingest && (p.name == "acl" || p.name == "request-size-limiting"));
                if !allowed {
                    problems.push(format!(
                        "route {}: only jwt and rate-limiting may be overridden on a route (acl and request-size-limiting on the ingest API's routes), found {}",
                        route.name, p.name
                    ));
                }
                // Whatever the route, Kong's base64 of the body, plus
                // headers, must fit Lambda's payload limit.
                if p.name == "request-size-limiting" {
                    let allowed = allowed_bytes(p);
                    if allowed * 4 / 3 + 64 * 1024 > LAMBDA_PAYLOAD_LIMIT {
                        problems.push(format!(
                            "route {}: request-size-limiting {allowed} bytes, base64-encoded by Kong, exceeds Lambda's {LAMBDA_PAYLOAD_LIMIT}-byte payload limit",
                            route.name
                        ));
                    }
                }
            }
        }
        for s in &kong.services {
            for p in &s.plugins {
                if p.name != "aws-lambda" {
                    problems.push(format!(
                        "service {}: only aws-lambda belongs on a service, found {}",
                        s.name, p.name
                    ));
                }
            }
        }
        if let Some(size) = global("request-size-limiting") {
            let allowed = allowed_bytes(size);
            // A message of MAX_MESSAGE_BYTES as JSON, base64 included, must pass…
            if allowed < 2 * MAX_MESSAGE_BYTES as u64 {
                problems.push(format!(
                    "request-size-limiting: {allowed} bytes is too little for a {MAX_MESSAGE_BYTES}-byte message as JSON"
                ));
            }
            // …and Kong's base64 of the body, plus headers, must fit Lambda's payload limit.
            if allowed * 4 / 3 + 64 * 1024 > LAMBDA_PAYLOAD_LIMIT {
                problems.push(format!(
                    "request-size-limiting: {allowed} bytes, base64-encoded by Kong, exceeds Lambda's {LAMBDA_PAYLOAD_LIMIT}-byte payload limit"
                ));
            }
        }
        if let Some(id) = global("correlation-id") {
            if !id
                .get("header_name")
                .as_str()
                .is_some_and(|h| h.eq_ignore_ascii_case(REQUEST_ID_HEADER))
            {
                problems.push(format!("correlation-id: header_name must be {REQUEST_ID_HEADER}, the header the BFF and the Lambdas use"));
            }
            if id.get("echo_downstream") != true {
                problems
                    .push("correlation-id: echo_downstream, so Kong's own answers carry the id too".into());
            }
        }
        if let Some(limit) = global("rate-limiting") {
            let want = if kong.label == "compose" { "local" } else { "redis" };
            if limit.get("policy") != want {
                problems.push(format!(
                    "rate-limiting: policy must come from RATE_LIMIT_POLICY ({want} here)"
                ));
            }
            if let Some(password) = limit.get("redis")["password"].as_str()
                && !password.starts_with("{vault://")
            {
                problems.push(
                    "rate-limiting: redis.password must be a vault reference, never the password".into(),
                );
            }
        }
        fail_if(problems, kong.label);
    }
}

/// Routes whose operations need a rate limit of their own: a live tail is a
/// long poll that holds a Lambda execution for seconds, and a copy step
/// reads and writes thousands of records.
const OWN_LIMITS: &[routes::OperationId] = &[
    routes::OperationId::TailMessages,
    routes::OperationId::CopyMessages,
];

#[test]
fn tail_and_copy_have_ceilings_of_their_own() {
    const PERIODS: [&str; 6] = ["second", "minute", "hour", "day", "month", "year"];
    for kong in configurations() {
        let mut problems = Vec::new();
        let global = kong
            .globals
            .iter()
            .find(|p| p.name == "rate-limiting")
            .expect("a global rate-limiting (checked elsewhere)");
        for id in OWN_LIMITS {
            let op = routes::operation(*id);
            let name = op.id.name();
            // Every sample of the operation ends at its own route…
            let mut ends_at = BTreeSet::new();
            for path in samples(op) {
                match kong.route_for(op.method.as_str(), &path) {
                    Ok(Some(route)) => {
                        ends_at.insert(route.name.as_str());
                    }
                    _ => problems.push(format!("{name} ({path}): no single route")),
                }
            }
            if ends_at != BTreeSet::from([name]) {
                problems.push(format!(
                    "{name}: must end at a route of its own named {name}, ends at {ends_at:?}"
                ));
                continue;
            }
            let route = kong.routes.iter().find(|r| r.name == name).unwrap();
            // …whose route-level rate-limiting is in effect…
            let limit = match kong.effective(route).get("rate-limiting") {
                Some(("route", limit)) => limit.clone(),
                _ => {
                    problems.push(format!("route {name}: needs a rate-limiting of its own"));
                    continue;
                }
            };
            // …stricter than the console's ceiling in every period the
            // global one limits…
            let mut any = false;
            for period in PERIODS {
                match (limit.get(period).as_f64(), global.get(period).as_f64()) {
                    (Some(own), Some(all)) => {
                        any = true;
                        if own >= all {
                            problems.push(format!(
                                "route {name}: rate-limiting {period} {own} must be below the global {all}"
                            ));
                        }
                    }
                    (None, Some(_)) => problems.push(format!(
                        "route {name}: rate-limiting must limit per {period} too, as the global one does"
                    )),
                    _ => {}
                }
            }
            if !any {
                problems.push(format!("route {name}: rate-limiting sets no limit"));
            }
            // …and counted the way the global one counts (a route-level
            // instance replaces the global one as a whole).
            for field in [
                "limit_by",
                "policy",
                "fault_tolerant",
                "hide_client_headers",
                "sync_rate",
                "redis",
            ] {
                if limit.get(field) != global.get(field) {
                    problems.push(format!(
                        "route {name}: rate-limiting {field} must be the global one's ({}), got {}",
                        global.get(field),
                        limit.get(field)
                    ));
                }
            }
        }
        // No other route replaces the console's ceiling (the ingest API's
        // routes have limits of their own, checked in
        // `ingest_operations_admit_the_services_and_the_bff_with_limits_per_consumer`).
        for route in &kong.routes {
            if route.plugins.iter().any(|p| p.name == "rate-limiting")
                && !OWN_LIMITS.iter().any(|id| id.name() == route.name)
                && !kong.is_ingest_route(route)
            {
                problems.push(format!(
                    "route {}: a rate-limiting of its own replaces the console's ceiling there; add its operation to OWN_LIMITS if that is meant",
                    route.name
                ));
            }
        }
        fail_if(problems, kong.label);
    }
}

// ---------------------------------------------------------------------------
// The ingest API (issue #16): services as well as the BFF
// ---------------------------------------------------------------------------

/// The settings a route-level rate-limiting must share with the global one
/// (it replaces the global instance as a whole on its route).
const RATE_LIMIT_SHARED: [&str; 6] = [
    "limit_by",
    "policy",
    "fault_tolerant",
    "hide_client_headers",
    "sync_rate",
    "redis",
];

#[test]
fn ingest_operations_admit_the_services_and_the_bff_with_limits_per_consumer() {
    let ingest: Vec<&Operation> = OPERATIONS.iter().filter(|op| op.ingest).collect();
    assert!(!ingest.is_empty(), "the route table has ingest operations");
    for kong in configurations() {
        let mut problems = Vec::new();
        let global = kong
            .globals
            .iter()
            .find(|p| p.name == "rate-limiting")
            .expect("a global rate-limiting (checked elsewhere)");
        let services: Vec<&Consumer> = kong
            .consumers
            .iter()
            .filter(|c| c.groups.iter().any(|g| g == INGEST_GROUP))
            .collect();
        if services.is_empty() {
            problems.push(format!(
                "no consumer in acl group {INGEST_GROUP}, so nothing shows a service gets through (both renderings here have services)"
            ));
        }
        for op in &ingest {
            let name = op.id.name();
            for path in samples(op) {
                let method = op.method.as_str();
                let route = match kong.route_for(method, &path) {
                    Ok(Some(route)) => route,
                    Ok(None) => {
                        problems.push(format!(
                            "{name} ({method} {path}): no route matches; {}",
                            suggestion(op)
                        ));
                        continue;
                    }
                    Err(e) => {
                        problems.push(e);
                        continue;
                    }
                };
                let at = format!("{name} ({method} {path}), route {}", route.name);
                // A route of the ingest API only: its acl must not open a
                // console operation to the services.
                for other in kong.served(route).iter().filter(|o| !o.ingest) {
                    problems.push(format!(
                        "{at}: the route also serves the console's {}; the ingest operations need routes of their own",
                        other.id.name()
                    ));
                }
                // The BFF and every service pass acl.
                let admitted = kong.admitted(route);
                for who in std::iter::once(BFF).chain(services.iter().map(|c| c.username.as_str())) {
                    if !admitted.iter().any(|c| c.username == who) {
                        problems.push(format!(
                            "{at}: acl refuses {who}; a route-level acl with allow: [{BFF}, {INGEST_GROUP}]"
                        ));
                    }
                }
                let effective = kong.effective(route);
                // Limited per consumer, i.e. per service, by counters of the
                // route's own (not the console's ceiling).
                match effective.get("rate-limiting") {
                    Some(("route", limit)) => {
                        if limit.get("limit_by") != "consumer" {
                            problems.push(format!("{at}: rate-limiting limit_by must be consumer"));
                        }
                        if !["second", "minute", "hour", "day", "month", "year"]
                            .iter()
                            .any(|p| limit.get(p).as_f64().is_some())
                        {
                            problems.push(format!("{at}: rate-limiting sets no limit"));
                        }
                        for field in RATE_LIMIT_SHARED {
                            if limit.get(field) != global.get(field) {
                                problems.push(format!(
                                    "{at}: rate-limiting {field} must be the global one's ({}), got {}",
                                    global.get(field),
                                    limit.get(field)
                                ));
                            }
                        }
                    }
                    _ => problems.push(format!(
                        "{at}: needs a route-level rate-limiting (limit_by: consumer), so each service has its own limits and none uses up the console's"
                    )),
                }
                // The body: never more than the function takes, and for a
                // publish exactly that, so every batch it takes gets through.
                match effective.get("request-size-limiting") {
                    Some((_, size)) => {
                        let allowed = allowed_bytes(size);
                        if allowed > EVENTS_MAX_BODY_BYTES as u64 {
                            problems.push(format!(
                                "{at}: request-size-limiting lets {allowed} bytes through, more than EVENTS_MAX_BODY_BYTES ({EVENTS_MAX_BODY_BYTES})"
                            ));
                        }
                        if op.method.is_mutating() && allowed != EVENTS_MAX_BODY_BYTES as u64 {
                            problems.push(format!(
                                "{at}: request-size-limiting must let EVENTS_MAX_BODY_BYTES ({EVENTS_MAX_BODY_BYTES}) through, got {allowed}"
                            ));
                        }
                    }
                    None => problems.push(format!("{at}: no request-size-limiting in effect")),
                }
            }
        }
        fail_if(problems, kong.label);
    }
}

#[test]
fn console_operations_admit_the_bff_only() {
    for kong in configurations() {
        let mut problems = Vec::new();
        // Every request of every operation, with every method: only where an
        // ingest operation is served may anyone but the BFF get through.
        let paths: BTreeSet<String> = OPERATIONS.iter().flat_map(samples).collect();
        for path in paths.iter().map(String::as_str).chain(OUTSIDE.iter().copied()) {
            for method in METHODS {
                let Ok(Some(route)) = kong.route_for(method, path) else {
                    continue;
                };
                let others: Vec<&str> = kong
                    .admitted(route)
                    .into_iter()
                    .map(|c| c.username.as_str())
                    .filter(|c| *c != BFF)
                    .collect();
                let ingest = operation_of(method, path).is_some_and(|op| op.ingest);
                if !ingest && !others.is_empty() {
                    problems.push(format!(
                        "{method} {path} (route {}) is no ingest operation, but acl lets {others:?} through; only the BFF may reach the console",
                        route.name
                    ));
                }
                if !kong.admitted(route).iter().any(|c| c.username == BFF) {
                    problems.push(format!(
                        "{method} {path} (route {}): acl refuses the BFF",
                        route.name
                    ));
                }
            }
        }
        // And route by route: a route admitting the group `ingest` serves
        // ingest operations and nothing else.
        for route in &kong.routes {
            let opens = kong
                .effective(route)
                .get("acl")
                .is_some_and(|(_, acl)| acl.strings("allow").iter().any(|g| g != BFF));
            if opens && !kong.is_ingest_route(route) {
                problems.push(format!(
                    "route {}: its acl admits more than {BFF}, but it serves {:?}, not only ingest operations",
                    route.name,
                    kong.served(route).iter().map(|o| o.id.name()).collect::<Vec<_>>()
                ));
            }
        }
        fail_if(problems, kong.label);
    }
}

#[test]
fn service_consumers_have_a_key_and_the_ingest_group_only() {
    for kong in configurations() {
        let expected = if kong.label == "compose" {
            compose_services()
        } else {
            production_services()
        };
        let mut problems = Vec::new();
        let own = [BFF];
        let mut services = Vec::new();
        for c in &kong.consumers {
            if own.contains(&c.username.as_str()) {
                continue;
            }
            // The IdP's key holder and the anonymous consumer: nothing acl
            // or key-auth would know (checked elsewhere).
            if c.keys.is_empty() && c.groups.is_empty() {
                continue;
            }
            let at = format!("consumer {}", c.username);
            services.push((c.username.clone(), c.keys.first().cloned().unwrap_or(Value::Null)));
            if c.keys.len() != 1 || c.keys[0].as_str().is_none_or(|k| k.trim().is_empty()) {
                problems.push(format!(
                    "{at}: a service has exactly one key-auth credential, a non-empty key"
                ));
            }
            if c.groups != [INGEST_GROUP] {
                problems.push(format!(
                    "{at}: a service is in the acl group {INGEST_GROUP} only, got {:?}",
                    c.groups
                ));
            }
            if !c.jwt_secrets.is_empty() {
                problems.push(format!(
                    "{at}: a service holds no jwt credential (its token is the IdP's)"
                ));
            }
        }
        let want: Vec<(String, Value)> = expected.iter().map(|(n, k)| (n.clone(), json!(k))).collect();
        if services != want {
            problems.push(format!(
                "the service consumers must be one per ingest service, in order, each with its own key: expected {want:?}, got {services:?}"
            ));
        }
        // Kong refuses two credentials with one key; a service with the
        // BFF's key would be the BFF.
        let keys: Vec<&Value> = kong.consumers.iter().flat_map(|c| &c.keys).collect();
        if keys.iter().map(|k| k.to_string()).collect::<BTreeSet<_>>().len() != keys.len() {
            problems.push("every consumer's key differs from every other's (the BFF's included)".into());
        }
        let names: BTreeSet<&str> = kong.consumers.iter().map(|c| c.username.as_str()).collect();
        if names.len() != kong.consumers.len() {
            problems.push("consumer usernames are unique".into());
        }
        fail_if(problems, kong.label);
    }
}

#[test]
fn the_demo_services_are_the_local_idps_clients() {
    // render.mjs's defaults and this test's copy of them…
    let render = read(RENDER);
    let quoted = DEMO_SERVICES
        .iter()
        .map(|s| format!("'{s}'"))
        .collect::<Vec<_>>()
        .join(", ");
    assert!(
        render.contains(&format!("DEMO_SERVICES = [{quoted}]")),
        "{RENDER}: DEMO_SERVICES must be [{quoted}], as in this test"
    );
    assert!(
        render.contains(&format!("INGEST_MARKER = '{INGEST_MARKER}'"))
            && render.contains(&format!("INGEST_GROUP = '{INGEST_GROUP}'")),
        "{RENDER}: INGEST_MARKER and INGEST_GROUP must be this test's"
    );
    // …are the local IdP's service clients (client id = the token's sub).
    let idp = read(LOCAL_IDP);
    let clients = Regex::new(r"'IDP_SERVICE_CLIENTS',\s*'([^']*)'")
        .unwrap()
        .captures(&idp)
        .map(|c| c[1].to_owned())
        .expect("scripts/idp/server.js: the default IDP_SERVICE_CLIENTS");
    let ids: Vec<&str> = clients.split(',').filter_map(|c| c.split(':').next()).collect();
    assert_eq!(
        ids, DEMO_SERVICES,
        "{LOCAL_IDP}: the service clients are the demo services"
    );
    // Compose renders them unless it says otherwise.
    let services = compose_services();
    let env = compose_env(&compose(), "gateway-config");
    if !env.contains_key("INGEST_SERVICES") {
        let names: Vec<&str> = services.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, DEMO_SERVICES);
    }
}

// ---------------------------------------------------------------------------
// Docker Compose and the README
// ---------------------------------------------------------------------------

#[test]
fn compose_runs_kong_db_less_with_this_template_and_hides_its_admin_api() {
    let compose = compose();
    let services = compose["services"].as_object().expect("compose.yaml: services");
    let mut problems = Vec::new();

    let render = &services["gateway-config"];
    let command: Vec<String> = render["command"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
        .unwrap_or_default();
    let mounts_gateway = render["volumes"].as_array().is_some_and(|v| {
        v.iter()
            .any(|m| m.as_str().is_some_and(|m| m.starts_with("./gateway:/gateway")))
    });
    if !(mounts_gateway
        && command.iter().any(|a| a == "/gateway/render.mjs")
        && command.iter().any(|a| a == &format!("/{TEMPLATE}")))
    {
        problems.push(format!(
            "gateway-config must run gateway/render.mjs on {TEMPLATE}, the file this test checks"
        ));
    }
    let output = command.last().cloned().unwrap_or_default();

    let kong = &services["kong"];
    let env = compose_env(&compose, "kong");
    if !kong["image"]
        .as_str()
        .is_some_and(|i| i == "kong:3.9" || i.starts_with("kong:3.9."))
    {
        problems.push(format!(
            "kong: image must be Kong OSS 3.9 (kong:3.9…), got {}",
            kong["image"]
        ));
    }
    if env.get("KONG_DATABASE").map(String::as_str) != Some("off") {
        problems.push("kong: KONG_DATABASE=off (DB-less)".into());
    }
    if env.get("KONG_DECLARATIVE_CONFIG") != Some(&output) {
        problems.push(format!(
            "kong: KONG_DECLARATIVE_CONFIG must be what gateway-config writes ({output})"
        ));
    }
    if env
        .get("KONG_ROUTER_FLAVOR")
        .is_some_and(|f| f != "traditional_compatible")
    {
        problems.push("kong: the routes are checked for the traditional_compatible router".into());
    }
    if !env
        .get("KONG_ADMIN_LISTEN")
        .is_some_and(|l| l.split(',').all(|l| l.trim().starts_with("127.0.0.1:")))
    {
        problems.push("kong: KONG_ADMIN_LISTEN on 127.0.0.1 only".into());
    }
    if env.get("KONG_ADMIN_GUI_LISTEN").map(String::as_str) != Some("off") {
        problems
            .push("kong: KONG_ADMIN_GUI_LISTEN=off (Kong Manager listens on 0.0.0.0:8002 by default)".into());
    }
    for (name, service) in services {
        for port in service["ports"].as_array().into_iter().flatten() {
            let text = port.as_str().unwrap_or("");
            if !text.starts_with("127.0.0.1:") {
                problems.push(format!("{name}: port {port} must be published on 127.0.0.1 only"));
            }
            if name == "kong" && !text.ends_with(":8000") {
                problems.push(format!(
                    "kong: only the proxy (8000) may be published, not {text}"
                ));
            }
        }
    }
    if !services["kafka"]["image"]
        .as_str()
        .is_some_and(|i| i.starts_with("apache/kafka:3.9"))
    {
        problems.push("kafka: apache/kafka:3.9.x (KRaft)".into());
    }

    // The values wired through the stack agree with each other.
    let config = compose_env(&compose, "gateway-config");
    let bff = compose_env(&compose, "bff");
    let idp = compose_env(&compose, "idp");
    if bff.get("UPSTREAM_API_KEY") != config.get("BFF_API_KEY") {
        problems.push("bff: UPSTREAM_API_KEY must be the BFF_API_KEY Kong is configured with".into());
    }
    if bff.get("UPSTREAM_URL").map(String::as_str) != Some("http://kong:8000") {
        problems.push("bff: UPSTREAM_URL must be Kong's proxy".into());
    }
    let issuer = config.get("IDP_ISSUER");
    if idp.get("IDP_ISSUER") != issuer || bff.get("OIDC_ISSUER") != issuer {
        problems
            .push("the IdP's issuer, Kong's IDP_ISSUER and the BFF's OIDC_ISSUER must be the same".into());
    }
    let lambda_at = format!(
        "http://{}:{}/",
        config.get("LAMBDA_HOST").cloned().unwrap_or_default(),
        config.get("LAMBDA_PORT").cloned().unwrap_or_default()
    );
    for f in Function::ALL {
        let service = format!("lambda-{}", f.name());
        if !services.contains_key(&service) {
            problems.push(format!("no compose service {service}"));
            continue;
        }
        let env = compose_env(&compose, &service);
        let name = config.get(&placeholder_of(f)).cloned().unwrap_or_default();
        if env.get("CONFIGURATOR_FUNCTION").map(String::as_str) != Some(f.name()) {
            problems.push(format!("{service}: CONFIGURATOR_FUNCTION={}", f.name()));
        }
        if env.get("AWS_LAMBDA_RUNTIME_API") != Some(&format!("{lambda_at}{name}")) {
            problems.push(format!(
                "{service}: AWS_LAMBDA_RUNTIME_API must be {lambda_at}{name}, where Kong invokes {}",
                placeholder_of(f)
            ));
        }
        if env.get("OIDC_ISSUER") != issuer {
            problems.push(format!("{service}: OIDC_ISSUER must be the IdP's issuer"));
        }
    }
    fail_if(problems, COMPOSE);
}

#[test]
fn the_readme_documents_every_placeholder() {
    let readme = read(README);
    let missing: Vec<String> = declarations(&read(TEMPLATE))
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| !readme.contains(&format!("`{name}`")))
        .collect();
    assert!(missing.is_empty(), "{README} does not document {missing:?}");
}

#[test]
fn the_route_model_behaves_like_kong() {
    // Guards for the model itself, on the real configuration.
    let kong = &configurations()[0];
    let name = |m: &str, p: &str| kong.route_for(m, p).unwrap().map(|r| r.name.clone());
    // Anchored at both ends, and the escaped dot is a dot.
    assert_eq!(
        name("GET", "/api/v1/openapi.json").as_deref(),
        Some("cluster-public")
    );
    assert_eq!(name("GET", "/api/v1/openapiXjson"), None);
    // The cluster list and one cluster are the cluster function's.
    assert_eq!(name("GET", "/api/v1/clusters").as_deref(), Some("cluster-read"));
    assert_eq!(
        name("GET", "/api/v1/clusters/prod-eu").as_deref(),
        Some("cluster-read")
    );
    assert_eq!(
        name("GET", "/api/v1/clusters/prod-eu/audit/export").as_deref(),
        Some("cluster-read")
    );
    // The messages catch-all outranks the topics catch-all under /topics/{t}/messages.
    assert_eq!(
        name("GET", "/api/v1/clusters/a/topics/t/messages").as_deref(),
        Some("messages-read")
    );
    assert_eq!(
        name("GET", "/api/v1/clusters/a/topics/t/configs").as_deref(),
        Some("topics-read")
    );
    // Methods matter: the catch-alls are GET only.
    assert_eq!(name("POST", "/api/v1/me"), None);
    assert_eq!(name("POST", "/api/v1/clusters"), None);
    assert_eq!(name("DELETE", "/api/v1/clusters/a/topics/t/configs"), None);
    // The ingest API's publish has its own route; a GET of its path goes to
    // the messages function (the path's owner), not the topics catch-all.
    assert_eq!(
        name("POST", "/api/v1/clusters/a/topics/t/events").as_deref(),
        Some("publish_events")
    );
    assert_eq!(
        name("GET", "/api/v1/clusters/a/topics/t/events").as_deref(),
        Some("messages-read")
    );
    assert_eq!(
        name("GET", "/api/v1/clusters/a/events/topics/t/schema").as_deref(),
        Some("events-read")
    );
    // Kong keeps %2F encoded when it normalises, so it stays inside one segment…
    assert_eq!(
        name("DELETE", "/api/v1/clusters/a/consumer-groups/a%2Fb").as_deref(),
        Some("delete_group")
    );
    // …but the cluster segment admits no escape at all.
    assert_eq!(name("GET", "/api/v1/clusters/a%2Fb/topics"), None);
    assert!(
        kong_priority(kong.routes.iter().find(|r| r.name == "messages-read").unwrap())
            > kong_priority(kong.routes.iter().find(|r| r.name == "topics-read").unwrap())
    );
    // The route table's matcher agrees on what the paths are.
    assert_eq!(
        operation_of("GET", "/api/v1/clusters/a/topics/t/messages").map(|o| o.id.name()),
        Some("browse_messages")
    );
    assert_eq!(operation_of("GET", "/api/v1/topics"), None);
}

/// Registry schema names (issue #13) travel as one percent-encoded segment:
/// a Glue schema name (`[A-Za-z0-9-_$#.]`, 1 to 255 characters) or a
/// Confluent subject, which may hold more (`:` of contexts, `/`, spaces).
/// Kong keeps reserved escapes encoded when it normalises, so each shape
/// reaches the topics function through its operation's own route, and the
/// route table's matcher reads the same name back. (A name that is only
/// dots, `.` or `..`, cannot be sent: Kong removes dot segments, `%2E`
/// included, as every URL normaliser does.)
#[test]
fn registry_schema_names_reach_the_topics_function() {
    let glue_longest = format!("{}-_$#.", "A".repeat(250));
    assert_eq!(glue_longest.len(), 255);
    let names: Vec<(String, String)> = vec![
        (
            glue_longest.replace('$', "%24").replace('#', "%23"),
            glue_longest.clone(),
        ),
        (glue_longest.replace('#', "%23"), glue_longest.clone()),
        ("orders-value".into(), "orders-value".into()),
        ("com.example.Order".into(), "com.example.Order".into()),
        (
            "%3A.staging%3Aorders-value".into(),
            ":.staging:orders-value".into(),
        ),
        ("team%2Forders-value".into(), "team/orders-value".into()),
        ("orders%20value".into(), "orders value".into()),
        ("caf%C3%A9-value".into(), "café-value".into()),
    ];
    let schema_ops: Vec<&Operation> = OPERATIONS
        .iter()
        .filter(|op| op.path.contains("{schema}"))
        .collect();
    assert!(
        schema_ops.len() >= 5,
        "the route table has the registry's schema routes"
    );
    for kong in configurations() {
        let mut problems = Vec::new();
        for op in &schema_ops {
            let method = op.method.as_str();
            for (encoded, decoded) in &names {
                let path = full(
                    &op.path
                        .replace(CLUSTER_PARAM, "prod-eu")
                        .replace("{schema}", encoded)
                        .replace("{version}", "3"),
                );
                match kong.route_for(method, &path) {
                    Ok(Some(route)) => {
                        if kong.function_of(route) != Some(Function::Topics) {
                            problems.push(format!(
                                "{method} {path}: ends at route {}, not the topics function",
                                route.name
                            ));
                        }
                        if op.method.is_mutating() && route.name != op.id.name() {
                            problems.push(format!(
                                "{method} {path}: ends at route {}, not {}",
                                route.name,
                                op.id.name()
                            ));
                        }
                    }
                    Ok(None) => {
                        problems.push(format!("{method} {path}: no route matches; {}", suggestion(op)))
                    }
                    Err(e) => problems.push(e),
                }
                let matched = routes::find(method, path.strip_prefix(API_PREFIX).unwrap());
                match matched {
                    Some(m) if m.operation.id == op.id && m.param("schema") == Some(decoded) => {}
                    other => problems.push(format!(
                        "{method} {path}: the route table reads {:?}, expected {} with schema {decoded:?}",
                        other.map(|m| (m.operation.id.name(), m.param("schema").map(str::to_owned))),
                        op.id.name()
                    )),
                }
            }
        }
        fail_if(problems, kong.label);
    }
}

#[test]
fn cluster_ids_the_api_refuses_match_no_route() {
    let cluster_segment = format!("~{API_PREFIX}/clusters/{}", cluster_regex());
    for kong in configurations() {
        let mut problems = Vec::new();
        // Written the same way everywhere, so a reader sees one rule and a
        // looser `[^/]+` stands out.
        for route in &kong.routes {
            for path in &route.paths {
                if path.starts_with(&format!("~{API_PREFIX}/clusters/"))
                    && !path.starts_with(&format!("{cluster_segment}/"))
                    && !path.starts_with(&format!("{cluster_segment}("))
                    && path != &format!("{cluster_segment}$")
                {
                    problems.push(format!(
                        "route {}: path {path:?} must spell the cluster segment as {}, check_cluster_id's rule",
                        route.name,
                        cluster_regex()
                    ));
                }
            }
        }
        // And whatever the spelling, no request with a refused id gets through.
        for op in OPERATIONS.iter().filter(|op| op.cluster_scoped()) {
            for bad in bad_cluster_ids() {
                for param in PARAMS {
                    let path = instantiate(op, &bad, param);
                    for method in METHODS {
                        match kong.route_for(method, &path) {
                            Ok(None) => {}
                            Ok(Some(route)) => problems.push(format!(
                                "{method} {path}: {bad:?} is no cluster id (check_cluster_id), but route {} takes it",
                                route.name
                            )),
                            Err(e) => problems.push(e),
                        }
                    }
                }
            }
        }
        fail_if(problems, kong.label);
    }
}
