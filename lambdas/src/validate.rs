//! Checks on request input that Kafka itself would do late, inconsistently or
//! (on some brokers) not at all: every failure is a 400 naming the field,
//! and nothing reaches the broker.

use std::collections::BTreeMap;

use crate::error::ApiError;

/// Upper bound for partitions per topic: more is almost always a typo, and
/// each partition costs the brokers file handles and memory.
pub const MAX_PARTITIONS: i32 = 10_000;

/// Kafka's rules: 1–249 characters of `[a-zA-Z0-9._-]`, not `.` or `..`.
pub fn topic_name(name: &str) -> Result<(), ApiError> {
    let bad = |message: &str| Err(ApiError::invalid("name", "invalid_topic_name", message));
    if name.is_empty() {
        return bad("A topic name cannot be empty.");
    }
    if name.len() > 249 {
        return bad("A topic name can have at most 249 characters.");
    }
    if name == "." || name == ".." {
        return bad("A topic cannot be named \".\" or \"..\".");
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Err(ApiError::invalid(
            "name",
            "invalid_topic_name",
            format!("A topic name may only contain letters, digits, '.', '_' and '-', not {c:?}."),
        ));
    }
    Ok(())
}

/// A page size: `value` (or `default`) within 1..=`max`.
pub fn limit(value: Option<u32>, default: u32, max: u32) -> Result<u32, ApiError> {
    let limit = value.unwrap_or(default);
    if (1..=max).contains(&limit) {
        Ok(limit)
    } else {
        Err(ApiError::invalid(
            "limit",
            "invalid_limit",
            format!("limit must be between 1 and {max}."),
        ))
    }
}

/// Kafka accepts almost any group id; we refuse only what no one means: an
/// empty one, control characters, and lengths no client sends.
pub fn group_id(group: &str) -> Result<(), ApiError> {
    let bad = |message: &str| Err(ApiError::invalid("group", "invalid_group_name", message));
    if group.is_empty() {
        return bad("A consumer group id cannot be empty.");
    }
    if group.len() > 255 {
        return bad("A consumer group id can have at most 255 bytes here.");
    }
    if group.chars().any(char::is_control) {
        return bad("A consumer group id cannot contain control characters (such as a line break).");
    }
    Ok(())
}

pub fn partitions(field: &str, count: i32) -> Result<(), ApiError> {
    if !(1..=MAX_PARTITIONS).contains(&count) {
        return Err(ApiError::invalid(
            field,
            "invalid_partitions",
            format!("The number of partitions must be between 1 and {MAX_PARTITIONS}."),
        ));
    }
    Ok(())
}

pub fn replication_factor(factor: i16, brokers: usize) -> Result<(), ApiError> {
    if factor < 1 || factor as usize > brokers {
        return Err(ApiError::invalid(
            "replication_factor",
            "invalid_replication_factor",
            format!("The replication factor must be between 1 and the number of brokers ({brokers})."),
        ));
    }
    Ok(())
}

/// Each key must be a topic-level config Kafka knows, with a value of its
/// type; `field` is `configs.<key>` (or `set.<key>` for a patch).
pub fn configs(prefix: &str, configs: &BTreeMap<String, String>) -> Result<(), ApiError> {
    for (key, value) in configs {
        let field = format!("{prefix}.{key}");
        let kind = TOPIC_CONFIGS
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, kind)| kind)
            .ok_or_else(|| {
                ApiError::invalid(
                    &field,
                    "unknown_config",
                    format!("{key} is not a topic config Kafka knows."),
                )
            })?;
        kind.check(value).map_err(|why| {
            ApiError::invalid(
                &field,
                "invalid_config_value",
                format!("{key} = {value:?}: {why}"),
            )
        })?;
    }
    Ok(())
}

/// A config patch: something to do, each key known and typed, no key both
/// set and reset.
pub fn config_patch(set: &BTreeMap<String, String>, delete: &[String]) -> Result<(), ApiError> {
    if set.is_empty() && delete.is_empty() {
        return Err(ApiError::bad_request(
            "empty_patch",
            "Name at least one config to set or delete.",
        ));
    }
    configs("set", set)?;
    config_keys("delete", delete)?;
    if let Some(key) = delete.iter().find(|k| set.contains_key(*k)) {
        return Err(ApiError::invalid(
            "delete",
            "conflicting_patch",
            format!("{key} is both set and deleted."),
        ));
    }
    Ok(())
}

/// Keys only: for resetting configs to their defaults.
pub fn config_keys(prefix: &str, keys: &[String]) -> Result<(), ApiError> {
    match keys
        .iter()
        .find(|k| !TOPIC_CONFIGS.iter().any(|(name, _)| name == k))
    {
        Some(key) => Err(ApiError::invalid(
            prefix,
            "unknown_config",
            format!("{key} is not a topic config Kafka knows."),
        )),
        None => Ok(()),
    }
}

enum Kind {
    /// A whole number at least this large.
    Long(i64),
    Bool,
    /// A number between the bounds.
    Ratio(f64, f64),
    OneOf(&'static [&'static str]),
    /// A comma-separated list of these.
    ListOf(&'static [&'static str]),
    /// Free text (e.g. replica lists).
    Text,
}

impl Kind {
    fn check(&self, value: &str) -> Result<(), String> {
        match self {
            Kind::Long(min) => match value.trim().parse::<i64>() {
                Ok(n) if n >= *min => Ok(()),
                Ok(_) => Err(format!("must be at least {min}")),
                Err(_) => Err("must be a whole number".into()),
            },
            Kind::Bool => match value {
                "true" | "false" => Ok(()),
                _ => Err("must be true or false".into()),
            },
            Kind::Ratio(lo, hi) => match value.trim().parse::<f64>() {
                Ok(x) if (*lo..=*hi).contains(&x) => Ok(()),
                _ => Err(format!("must be a number between {lo} and {hi}")),
            },
            Kind::OneOf(options) => {
                if options.contains(&value) {
                    Ok(())
                } else {
                    Err(format!("must be one of {}", options.join(", ")))
                }
            }
            Kind::ListOf(options) => {
                let items: Vec<&str> = value.split(',').map(str::trim).collect();
                if !items.is_empty() && items.iter().all(|i| options.contains(i)) {
                    Ok(())
                } else {
                    Err(format!(
                        "must be a comma-separated list of {}",
                        options.join(", ")
                    ))
                }
            }
            Kind::Text => Ok(()),
        }
    }
}

const COMPRESSION: &[&str] = &["uncompressed", "zstd", "lz4", "snappy", "gzip", "producer"];

/// Kafka's topic-level configs (Kafka 3.x `TopicConfig`), with their types.
const TOPIC_CONFIGS: &[(&str, Kind)] = &[
    ("cleanup.policy", Kind::ListOf(&["delete", "compact"])),
    ("compression.type", Kind::OneOf(COMPRESSION)),
    ("compression.gzip.level", Kind::Long(-1)),
    ("compression.lz4.level", Kind::Long(1)),
    ("compression.zstd.level", Kind::Long(-131072)),
    ("delete.retention.ms", Kind::Long(0)),
    ("file.delete.delay.ms", Kind::Long(0)),
    ("flush.messages", Kind::Long(1)),
    ("flush.ms", Kind::Long(0)),
    ("follower.replication.throttled.replicas", Kind::Text),
    ("index.interval.bytes", Kind::Long(0)),
    ("leader.replication.throttled.replicas", Kind::Text),
    ("local.retention.bytes", Kind::Long(-2)),
    ("local.retention.ms", Kind::Long(-2)),
    ("max.compaction.lag.ms", Kind::Long(1)),
    ("max.message.bytes", Kind::Long(0)),
    ("message.downconversion.enable", Kind::Bool),
    ("message.format.version", Kind::Text),
    ("message.timestamp.after.max.ms", Kind::Long(0)),
    ("message.timestamp.before.max.ms", Kind::Long(0)),
    ("message.timestamp.difference.max.ms", Kind::Long(0)),
    (
        "message.timestamp.type",
        Kind::OneOf(&["CreateTime", "LogAppendTime"]),
    ),
    ("min.cleanable.dirty.ratio", Kind::Ratio(0.0, 1.0)),
    ("min.compaction.lag.ms", Kind::Long(0)),
    ("min.insync.replicas", Kind::Long(1)),
    ("preallocate", Kind::Bool),
    ("remote.storage.enable", Kind::Bool),
    ("retention.bytes", Kind::Long(-1)),
    ("retention.ms", Kind::Long(-1)),
    ("segment.bytes", Kind::Long(14)),
    ("segment.index.bytes", Kind::Long(4)),
    ("segment.jitter.ms", Kind::Long(0)),
    ("segment.ms", Kind::Long(1)),
    ("unclean.leader.election.enable", Kind::Bool),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_names_follow_kafkas_rules() {
        for ok in ["orders", "a", "demo.orders_v2-eu", &"x".repeat(249)] {
            assert!(topic_name(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            ".",
            "..",
            "has space",
            "ümlaut",
            "slash/es",
            "t\n",
            "t\r",
            &"x".repeat(250),
        ] {
            assert_eq!(topic_name(bad).unwrap_err().code, "invalid_topic_name", "{bad}");
        }
    }

    #[test]
    fn config_values_are_checked_against_their_type() {
        let set = |k: &str, v: &str| BTreeMap::from([(k.to_owned(), v.to_owned())]);
        assert!(configs("configs", &set("retention.ms", "-1")).is_ok());
        assert!(configs("configs", &set("cleanup.policy", "compact,delete")).is_ok());
        let error = configs("configs", &set("retention.ms", "soon")).unwrap_err();
        assert_eq!(
            (error.code, error.field.as_deref()),
            ("invalid_config_value", Some("configs.retention.ms"))
        );
        assert_eq!(
            configs("configs", &set("cleanup.policy", "shred"))
                .unwrap_err()
                .code,
            "invalid_config_value"
        );
        assert_eq!(
            configs("configs", &set("retention.mss", "1")).unwrap_err().code,
            "unknown_config"
        );
        let both = config_patch(&set("retention.ms", "1"), &["retention.ms".into()]).unwrap_err();
        assert_eq!(
            (both.code, both.field.as_deref()),
            ("conflicting_patch", Some("delete"))
        );
        assert_eq!(
            config_patch(&BTreeMap::new(), &[]).unwrap_err().code,
            "empty_patch"
        );
    }
}
