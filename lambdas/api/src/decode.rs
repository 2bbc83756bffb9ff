//! The answers as the SPA reads them: a parsed `serde_json::Value` → the
//! contract's type, written by hand (feature `decode`).
//!
//! Why not serde's `Deserialize`: its derive writes, for every struct, a
//! field-name visitor, a map visitor and a sequence visitor, each generic
//! over the deserializer, and the SPA's download carried all of them for
//! every answer type (about 20 KB brotli in all). Here a struct is one
//! function that takes its fields out of the object by name, through the
//! few shared, non-generic helpers below.
//!
//! The rules are serde's, so the two cannot disagree about an answer (the
//! tests at the end check every answer type against its derive):
//! - a missing field is an error, except an `Option` (→ `None`) or a field
//!   marked `default` here, as it is `#[serde(default)]` in the contract;
//! - `null` is only an `Option`'s `None`;
//! - unknown fields are ignored.
//!
//! Each [`from_json!`] lists a type's fields next to its name; a field left
//! out does not compile (the struct literal must be complete), and a
//! `default` that differs from the contract fails the tests.

use std::fmt;

use serde_json::{Map, Number, Value};

use crate::{
    AuditEntry, AuditList, AuditRecord, Broker, ClusterAccess, ClusterHealth, ClusterInfo, ClusterList,
    ClusterSummary, ClusterTotals, ConfigEntry, Data, ErrorBody, ErrorDetail, ErrorEnvelope, GroupDetail,
    GroupList, GroupMember, GroupSummary, Header, LogoutResponse, Message, MessagePage, OffsetChange,
    PartitionInfo, PartitionLag, Permission, Produced, PurgeResult, PurgedPartition, ResetResult, ScanStop,
    SessionInfo, TopicDetail, TopicList, TopicPartitions, TopicSchema, TopicSummary,
};

/// Why an answer could not be read: what was wrong, and where (`topics[2].name`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    problem: String,
    path: String,
}

impl DecodeError {
    fn new(problem: String) -> Self {
        Self {
            problem,
            path: String::new(),
        }
    }

    /// The same error, one step further out (a field name or `[index]`).
    fn at(mut self, step: &str) -> Self {
        if !self.path.is_empty() && !self.path.starts_with('[') {
            self.path.insert(0, '.');
        }
        self.path.insert_str(0, step);
        self
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.problem)?;
        if !self.path.is_empty() {
            write!(f, " at `{}`", self.path)?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

/// A type read from a parsed JSON value.
pub trait FromJson: Sized {
    fn from_json(value: Value) -> Result<Self, DecodeError>;

    /// What a missing field of this type reads as: an error, but `None` for
    /// an `Option` (as with serde).
    fn missing(name: &str) -> Result<Self, DecodeError> {
        Err(DecodeError::new(format!("missing field `{name}`")))
    }
}

/// A struct read from the entries of an object, which it takes out by name;
/// what is left (unknown fields) is ignored, or read by a flattened field.
pub trait FromObject: Sized {
    fn from_object(object: &mut Map<String, Value>) -> Result<Self, DecodeError>;
}

/// JSON text → `T`; an empty body reads as `null`.
pub fn from_str<T: FromJson>(text: &str) -> Result<T, DecodeError> {
    let text = if text.trim().is_empty() { "null" } else { text };
    let value = serde_json::from_str(text).map_err(|e| DecodeError::new(e.to_string()))?;
    T::from_json(value)
}

/// The error for a value of the wrong kind.
fn expected(what: &str, value: &Value) -> DecodeError {
    let found = match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    DecodeError::new(format!("invalid type: {found}, expected {what}"))
}

/// The object a struct is read from.
#[doc(hidden)]
#[inline(never)]
pub fn object(value: Value) -> Result<Map<String, Value>, DecodeError> {
    match value {
        Value::Object(entries) => Ok(entries),
        other => Err(expected("an object", &other)),
    }
}

/// A field's value, taken out of its object. Not generic and never inlined:
/// the map's search is written once, not once per field type.
#[inline(never)]
fn take(object: &mut Map<String, Value>, name: &str) -> Option<Value> {
    object.remove(name)
}

/// A field; missing reads as [`FromJson::missing`].
#[doc(hidden)]
pub fn field<T: FromJson>(object: &mut Map<String, Value>, name: &str) -> Result<T, DecodeError> {
    match take(object, name) {
        Some(value) => T::from_json(value).map_err(|e| e.at(name)),
        None => T::missing(name),
    }
}

/// A `#[serde(default)]` field; missing reads as the type's default.
#[doc(hidden)]
pub fn field_or_default<T: FromJson + Default>(
    object: &mut Map<String, Value>,
    name: &str,
) -> Result<T, DecodeError> {
    match take(object, name) {
        Some(value) => T::from_json(value).map_err(|e| e.at(name)),
        None => Ok(T::default()),
    }
}

/// Implements [`FromJson`] and [`FromObject`] for a struct of the contract
/// from its field list: `name` (required, or `None` when an `Option`),
/// `name: default` (`#[serde(default)]`), `name: flatten` (`#[serde(flatten)]`).
#[macro_export]
macro_rules! from_json {
    ($ty:ident { $($field:ident $(: $how:ident)?),* $(,)? }) => {
        impl $crate::decode::FromObject for $ty {
            fn from_object(
                object: &mut ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            ) -> ::std::result::Result<Self, $crate::decode::DecodeError> {
                Ok($ty { $($field: $crate::from_json!(@field object, $field $(, $how)?)?,)* })
            }
        }

        impl $crate::decode::FromJson for $ty {
            fn from_json(
                value: ::serde_json::Value,
            ) -> ::std::result::Result<Self, $crate::decode::DecodeError> {
                <Self as $crate::decode::FromObject>::from_object(&mut $crate::decode::object(value)?)
            }
        }
    };
    (@field $object:ident, $field:ident) => {
        $crate::decode::field($object, stringify!($field))
    };
    (@field $object:ident, $field:ident, default) => {
        $crate::decode::field_or_default($object, stringify!($field))
    };
    (@field $object:ident, $field:ident, flatten) => {
        $crate::decode::FromObject::from_object($object)
    };
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Null => Ok(None),
            value => T::from_json(value).map(Some),
        }
    }

    fn missing(_: &str) -> Result<Self, DecodeError> {
        Ok(None)
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let items = match value {
            Value::Array(items) => items,
            other => return Err(expected("an array", &other)),
        };
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            out.push(T::from_json(item).map_err(|e| at_index(e, i))?);
        }
        Ok(out)
    }
}

#[inline(never)]
fn at_index(e: DecodeError, i: usize) -> DecodeError {
    e.at(&format!("[{i}]"))
}

/// Any JSON (schemas, audit parameters).
impl FromJson for Value {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        Ok(value)
    }
}

/// An answer whose body is not needed: anything reads.
impl FromJson for () {
    fn from_json(_: Value) -> Result<Self, DecodeError> {
        Ok(())
    }
}

impl FromJson for String {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::String(s) => Ok(s),
            other => Err(expected("a string", &other)),
        }
    }
}

impl FromJson for bool {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        match value {
            Value::Bool(b) => Ok(b),
            other => Err(expected("a boolean", &other)),
        }
    }
}

/// The number in `value` as an `i128` (every integer in the answers fits), else why not.
fn integer(value: &Value, what: &str) -> Result<i128, DecodeError> {
    let n = match value {
        Value::Number(n) => n,
        other => return Err(expected(what, other)),
    };
    let int = |n: &Number| n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from));
    int(n).ok_or_else(|| DecodeError::new(format!("invalid value: {n}, expected {what}")))
}

macro_rules! integers {
    ($($ty:ident),*) => {$(
        impl FromJson for $ty {
            fn from_json(value: Value) -> Result<Self, DecodeError> {
                let what = concat!("an integer (", stringify!($ty), ")");
                let n = integer(&value, what)?;
                $ty::try_from(n).map_err(|_| DecodeError::new(format!("invalid value: {n}, expected {what}")))
            }
        }
    )*};
}

integers!(i32, i64, u16, u32, u64);

/// A string enum of the contract, by its names in the JSON.
fn named<T>(value: Value, what: &str, from_name: impl FnOnce(&str) -> Option<T>) -> Result<T, DecodeError> {
    let name = String::from_json(value)?;
    from_name(&name).ok_or_else(|| DecodeError::new(format!("unknown {what} `{name}`")))
}

impl FromJson for Permission {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        named(value, "permission", Permission::from_name)
    }
}

/// `ScanStop` (messages.rs), `rename_all = "snake_case"`.
impl FromJson for ScanStop {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        named(value, "scan stop", |name| match name {
            "record_budget" => Some(Self::RecordBudget),
            "time_budget" => Some(Self::TimeBudget),
            "byte_budget" => Some(Self::ByteBudget),
            _ => None,
        })
    }
}

/// `ClusterHealth` (cluster.rs): internally tagged by `status`.
impl FromJson for ClusterHealth {
    fn from_json(value: Value) -> Result<Self, DecodeError> {
        let mut object = object(value)?;
        let status: String = field(&mut object, "status")?;
        let elapsed_ms = field(&mut object, "elapsed_ms")?;
        match status.as_str() {
            "reachable" => Ok(Self::Reachable {
                elapsed_ms,
                totals: field(&mut object, "totals")?,
            }),
            "unreachable" => Ok(Self::Unreachable {
                elapsed_ms,
                reason: field(&mut object, "reason")?,
            }),
            other => Err(DecodeError::new(format!("unknown variant `{other}`")).at("status")),
        }
    }
}

// The field lists, by the contract's module. `default` is `#[serde(default)]` there.

// audit.rs
from_json!(AuditList {
    records,
    scanned,
    failed_verification,
    stopped_early,
    cursor
});
from_json!(AuditEntry {
    record: flatten,
    offset,
    verified,
    problem: default
});
from_json!(AuditRecord {
    time,
    subject,
    name,
    action,
    cluster: default,
    resource,
    parameters,
    result,
    status,
    request_id,
    client_request_id: default,
});

// cluster.rs
from_json!(ClusterInfo {
    cluster_id,
    controller,
    brokers,
    topic_count,
    partition_count,
    under_replicated_partitions
});
from_json!(Broker { id, host, port, rack });
from_json!(ClusterList {
    clusters,
    default_cluster
});
from_json!(ClusterSummary {
    id,
    name,
    environment,
    health,
    permissions
});
from_json!(ClusterTotals {
    brokers,
    topics,
    partitions,
    under_replicated_partitions,
    total_lag: default
});
from_json!(ClusterAccess {
    cluster,
    name,
    environment,
    permissions
});

// error.rs
from_json!(ErrorEnvelope { error });
from_json!(ErrorBody {
    code,
    message,
    field: default,
    request_id: default,
    login_url: default,
    cluster: default,
    permission: default,
    details: default,
});
from_json!(ErrorDetail { path, message });

// groups.rs
from_json!(GroupList { groups });
from_json!(GroupSummary {
    group_id,
    state,
    members,
    topics,
    total_lag
});
from_json!(GroupDetail {
    group_id,
    state,
    protocol_type,
    protocol,
    members,
    offsets,
    total_lag
});
from_json!(GroupMember {
    member_id,
    client_id,
    host,
    assignment
});
from_json!(TopicPartitions { topic, partitions });
from_json!(PartitionLag {
    topic,
    partition,
    committed_offset,
    end_offset,
    lag
});
from_json!(ResetResult { dry_run, partitions });
from_json!(OffsetChange {
    topic,
    partition,
    before,
    after
});

// messages.rs
from_json!(MessagePage {
    messages,
    scanned,
    bytes: default,
    stopped_early,
    cursor
});
from_json!(Message {
    partition,
    offset,
    timestamp,
    key,
    value,
    headers
});
from_json!(Data {
    data,
    base64: default,
    full_size: default
});
from_json!(Header { key, value });
from_json!(Produced { partition, offset });

// schema.rs
from_json!(TopicSchema {
    schema,
    updated_by: default,
    updated_at: default
});

// session.rs
from_json!(SessionInfo {
    sub,
    name,
    email: default,
    groups,
    clusters: default,
    session_expires_at,
    environment: default,
});
from_json!(LogoutResponse { logout_url });

// topics.rs
from_json!(TopicList {
    topics,
    total,
    page,
    per_page
});
from_json!(TopicSummary {
    name,
    partitions,
    replication_factor,
    internal,
    messages,
    under_replicated_partitions
});
from_json!(TopicDetail {
    name,
    internal,
    replication_factor,
    messages,
    partitions,
    configs
});
from_json!(PartitionInfo {
    partition,
    leader,
    replicas,
    isr,
    low_watermark,
    high_watermark,
    messages
});
from_json!(ConfigEntry {
    name,
    value,
    source,
    is_default,
    read_only,
    sensitive
});
from_json!(PurgeResult { partitions });
from_json!(PurgedPartition {
    partition,
    low_watermark
});

/// Every answer type against its serde derive: the sample round-trips, and
/// with any one field left out, `null` or an unknown field added, both
/// accept (the same value) or both refuse.
#[cfg(test)]
mod tests {
    use std::fmt::Debug;

    use serde::{Serialize, de::DeserializeOwned};
    use serde_json::json;

    use super::*;

    fn agrees<T: Serialize + DeserializeOwned + FromJson + PartialEq + Debug>(sample: T) {
        let value = serde_json::to_value(&sample).unwrap();
        assert_eq!(T::from_json(value.clone()).unwrap(), sample);
        let Value::Object(object) = value else {
            return;
        };
        let mut unknown = object.clone();
        unknown.insert("not_in_the_contract".into(), json!([1]));
        same::<T>(unknown, "an unknown field");
        for key in object.keys() {
            let mut left_out = object.clone();
            left_out.remove(key);
            same::<T>(left_out, &format!("`{key}` left out"));
            let mut null = object.clone();
            null.insert(key.clone(), Value::Null);
            same::<T>(null, &format!("`{key}` null"));
        }
    }

    fn same<T: DeserializeOwned + FromJson + PartialEq + Debug>(object: Map<String, Value>, case: &str) {
        let type_name = std::any::type_name::<T>();
        let value = Value::Object(object);
        match (serde_json::from_value::<T>(value.clone()), T::from_json(value)) {
            (Ok(serde), Ok(ours)) => assert_eq!(ours, serde, "{type_name}, {case}"),
            (Err(_), Err(_)) => {}
            (serde, ours) => panic!("{type_name}, {case}: serde {serde:?}, ours {ours:?}"),
        }
    }

    fn data() -> Data {
        Data {
            data: "aGk=".into(),
            base64: true,
            full_size: Some(20_000),
        }
    }

    fn access() -> ClusterAccess {
        ClusterAccess {
            cluster: "local-a".into(),
            name: "Local A".into(),
            environment: "dev".into(),
            permissions: vec![Permission::TopicsRead, Permission::AuditRead],
        }
    }

    fn totals() -> ClusterTotals {
        ClusterTotals {
            brokers: 3,
            topics: 12,
            partitions: 40,
            under_replicated_partitions: 1,
            total_lag: Some(u64::MAX),
        }
    }

    fn record() -> AuditRecord {
        AuditRecord {
            time: 1_700_000_000_000,
            subject: "s-1".into(),
            name: "Alice".into(),
            action: "topics:create".into(),
            cluster: "local-a".into(),
            resource: "topic/demo".into(),
            parameters: json!({"partitions": 3}),
            result: "ok".into(),
            status: 201,
            request_id: "r-1".into(),
            client_request_id: Some("c-1".into()),
        }
    }

    #[test]
    fn audit_answers_read_as_serde_reads_them() {
        let entry = AuditEntry {
            record: record(),
            offset: 7,
            verified: false,
            problem: Some("signature".into()),
        };
        agrees(record());
        agrees(entry.clone());
        agrees(AuditList {
            records: vec![entry],
            scanned: 20,
            failed_verification: 1,
            stopped_early: Some(ScanStop::RecordBudget),
            cursor: Some("9".into()),
        });
    }

    #[test]
    fn cluster_answers_read_as_serde_reads_them() {
        let broker = Broker {
            id: 1,
            host: "b1".into(),
            port: 9092,
            rack: Some("r1".into()),
        };
        agrees(broker.clone());
        agrees(ClusterInfo {
            cluster_id: Some("c".into()),
            controller: Some(1),
            brokers: vec![broker],
            topic_count: 2,
            partition_count: 6,
            under_replicated_partitions: 0,
        });
        agrees(totals());
        agrees(access());
        let reachable = ClusterHealth::Reachable {
            elapsed_ms: 12,
            totals: Some(totals()),
        };
        let unreachable = ClusterHealth::Unreachable {
            elapsed_ms: 2500,
            reason: "No broker answered.".into(),
        };
        agrees(reachable.clone());
        agrees(unreachable.clone());
        let summary = |health| ClusterSummary {
            id: "local-a".into(),
            name: "Local A".into(),
            environment: "dev".into(),
            health,
            permissions: vec![Permission::ClusterRead],
        };
        agrees(summary(reachable.clone()));
        agrees(ClusterList {
            clusters: vec![summary(reachable), summary(unreachable)],
            default_cluster: Some("local-a".into()),
        });
        assert!(ClusterHealth::from_json(json!({"status": "sleeping", "elapsed_ms": 1})).is_err());
    }

    #[test]
    fn error_answers_read_as_serde_reads_them() {
        let detail = ErrorDetail {
            path: "configs.retention.ms".into(),
            message: "Not a number.".into(),
        };
        let body = ErrorBody {
            code: "forbidden".into(),
            message: "No.".into(),
            field: Some("name".into()),
            request_id: Some("r".into()),
            login_url: Some("/login".into()),
            cluster: Some("local-a".into()),
            permission: Some(Permission::TopicsPurge),
            details: vec![detail.clone()],
        };
        agrees(detail);
        agrees(body.clone());
        agrees(ErrorEnvelope { error: body });
    }

    #[test]
    fn group_answers_read_as_serde_reads_them() {
        let assignment = TopicPartitions {
            topic: "t".into(),
            partitions: vec![0, 1],
        };
        let member = GroupMember {
            member_id: "m".into(),
            client_id: "c".into(),
            host: "/10.0.0.1".into(),
            assignment: vec![assignment.clone()],
        };
        let lag = PartitionLag {
            topic: "t".into(),
            partition: 0,
            committed_offset: -1,
            end_offset: 10,
            lag: 10,
        };
        let change = OffsetChange {
            topic: "t".into(),
            partition: 1,
            before: Some(3),
            after: 0,
        };
        agrees(assignment);
        agrees(member.clone());
        agrees(lag.clone());
        agrees(change.clone());
        let summary = GroupSummary {
            group_id: "g".into(),
            state: "Stable".into(),
            members: 1,
            topics: vec!["t".into()],
            total_lag: 10,
        };
        agrees(summary.clone());
        agrees(GroupList {
            groups: vec![summary],
        });
        agrees(GroupDetail {
            group_id: "g".into(),
            state: "Stable".into(),
            protocol_type: "consumer".into(),
            protocol: "range".into(),
            members: vec![member],
            offsets: vec![lag],
            total_lag: 10,
        });
        agrees(ResetResult {
            dry_run: true,
            partitions: vec![change],
        });
    }

    #[test]
    fn message_answers_read_as_serde_reads_them() {
        let header = Header {
            key: "h".into(),
            value: Some(data()),
        };
        let message = Message {
            partition: 0,
            offset: 42,
            timestamp: Some(-1),
            key: Some(Data::text("k")),
            value: Some(data()),
            headers: vec![header.clone()],
        };
        agrees(data());
        agrees(header);
        agrees(message.clone());
        agrees(MessagePage {
            messages: vec![message],
            scanned: 500,
            bytes: 4096,
            stopped_early: Some(ScanStop::ByteBudget),
            cursor: Some("0:43".into()),
        });
        agrees(Produced {
            partition: 2,
            offset: 9,
        });
        for stop in [ScanStop::RecordBudget, ScanStop::TimeBudget, ScanStop::ByteBudget] {
            let value = serde_json::to_value(stop).unwrap();
            assert_eq!(ScanStop::from_json(value).unwrap(), stop);
        }
    }

    #[test]
    fn session_and_schema_answers_read_as_serde_reads_them() {
        agrees(SessionInfo {
            sub: "s".into(),
            name: "Alice".into(),
            email: Some("a@example.com".into()),
            groups: vec!["ops".into()],
            clusters: vec![access()],
            session_expires_at: 1_700_000_000,
            environment: "dev".into(),
        });
        agrees(LogoutResponse {
            logout_url: "/bye".into(),
        });
        agrees(TopicSchema {
            schema: json!({"type": "object"}),
            updated_by: Some("alice".into()),
            updated_at: Some(1),
        });
        for p in Permission::ALL {
            let value = serde_json::to_value(p).unwrap();
            assert_eq!(Permission::from_json(value).unwrap(), p);
        }
    }

    #[test]
    fn topic_answers_read_as_serde_reads_them() {
        let summary = TopicSummary {
            name: "demo".into(),
            partitions: 3,
            replication_factor: 1,
            internal: false,
            messages: 10,
            under_replicated_partitions: 0,
        };
        let partition = PartitionInfo {
            partition: 0,
            leader: 1,
            replicas: vec![1],
            isr: vec![1],
            low_watermark: 0,
            high_watermark: 10,
            messages: 10,
        };
        let config = ConfigEntry {
            name: "retention.ms".into(),
            value: Some("1000".into()),
            source: "dynamic_topic".into(),
            is_default: false,
            read_only: false,
            sensitive: false,
        };
        let purged = PurgedPartition {
            partition: 0,
            low_watermark: 10,
        };
        agrees(summary.clone());
        agrees(partition.clone());
        agrees(config.clone());
        agrees(purged.clone());
        agrees(TopicList {
            topics: vec![summary],
            total: 1,
            page: 1,
            per_page: 50,
        });
        agrees(TopicDetail {
            name: "demo".into(),
            internal: false,
            replication_factor: 1,
            messages: 10,
            partitions: vec![partition],
            configs: vec![config],
        });
        agrees(PurgeResult {
            partitions: vec![purged],
        });
    }

    #[test]
    fn errors_say_what_and_where() {
        let missing =
            TopicList::from_json(json!({"topics": [{"name": "a"}], "total": 1, "page": 1, "per_page": 1}));
        assert_eq!(
            missing.unwrap_err().to_string(),
            "missing field `partitions` at `topics[0]`"
        );
        let wrong = from_str::<Produced>(r#"{"partition": "0", "offset": 1}"#);
        assert_eq!(
            wrong.unwrap_err().to_string(),
            "invalid type: a string, expected an integer (i32) at `partition`"
        );
        assert!(from_str::<Produced>(r#"{"partition": 2147483648, "offset": 1}"#).is_err());
        assert!(from_str::<Produced>("{").is_err());
        assert_eq!(from_str::<()>("").unwrap(), ());
    }
}
