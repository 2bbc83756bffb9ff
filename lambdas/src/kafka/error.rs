//! What can go wrong below the API, typed: the Kafka layer (clients, admin
//! calls, librdkafka's C API) returns these, and one `From` turns each into
//! the answer a person sees, so every code has exactly one message.

use std::time::Duration;

use rdkafka::{error::KafkaError as ClientError, types::RDKafkaErrorCode};

use crate::error::ApiError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KafkaError {
    /// No broker could be reached (or none answered) within the timeout.
    #[error("the cluster cannot be reached (waited {waited:?})")]
    Unreachable { waited: Duration },
    /// Records remain to be read but the broker stopped sending them.
    #[error("the cluster stopped sending records of {topic} (nothing for {waited:?})")]
    Stalled { topic: String, waited: Duration },
    /// A produced record was not confirmed in time: it may or may not exist.
    #[error("the write was not confirmed within {waited:?}")]
    WriteUnconfirmed { waited: Duration },
    #[error("the cluster does not support the operation: {detail}")]
    NotSupported { detail: String },
    #[error("there is no topic {0}")]
    TopicNotFound(String),
    #[error("topic {0} exists")]
    TopicExists(String),
    #[error("{topic} has no partition {partition}")]
    PartitionNotFound { topic: String, partition: i32 },
    #[error("there is no consumer group {0}")]
    GroupNotFound(String),
    /// `members` is `None` when the broker said so without a count.
    #[error("consumer group {group} has active members")]
    GroupActive { group: String, members: Option<usize> },
    /// The broker refused a config (value, policy); its own words.
    #[error("the cluster refused the configs: {detail}")]
    ConfigsRefused { detail: String },
    #[error("the cluster refused the replication factor")]
    ReplicationFactorRefused,
    #[error("the message is larger than the topic allows")]
    MessageTooLarge,
    /// The cluster refused Configurator's own credentials (IAM, SCRAM, ACLs).
    #[error("the cluster refused Configurator's credentials: {detail}")]
    Denied { detail: String },
    /// Anything unexpected from the client; the detail is for the logs.
    #[error("kafka client: {0}")]
    Client(String),
}

impl KafkaError {
    pub fn client(detail: impl std::fmt::Display) -> Self {
        Self::Client(detail.to_string())
    }
}

/// Maps a client error: an unreachable broker is a 503 the caller can retry,
/// an unconfirmed write a 504, anything unknown ours to investigate.
pub fn kafka_error(error: ClientError, timeout: Duration) -> KafkaError {
    // rdkafka does not report the code of a failed admin operation as one.
    let code = match &error {
        ClientError::AdminOp(code) => Some(*code),
        other => other.rdkafka_error_code(),
    };
    match code {
        Some(code) => error_code(code, &error.to_string(), timeout),
        None => KafkaError::client(error),
    }
}

/// The same for an error code from a per-resource result.
pub fn error_code(code: RDKafkaErrorCode, detail: &str, timeout: Duration) -> KafkaError {
    use RDKafkaErrorCode as C;
    match code {
        // A broker that is down shows up as a timeout too: both are "unreachable".
        C::BrokerTransportFailure
        | C::AllBrokersDown
        | C::Resolve
        | C::BrokerNotAvailable
        | C::OperationTimedOut
        | C::RequestTimedOut => KafkaError::Unreachable { waited: timeout },
        C::MessageTimedOut => KafkaError::WriteUnconfirmed { waited: timeout },
        C::UnsupportedFeature | C::UnsupportedVersion | C::InvalidRequest => KafkaError::NotSupported {
            detail: detail.to_owned(),
        },
        C::UnknownTopicOrPartition | C::UnknownTopic => KafkaError::TopicNotFound(String::new()),
        C::TopicAuthorizationFailed | C::ClusterAuthorizationFailed | C::GroupAuthorizationFailed => {
            KafkaError::Denied {
                detail: detail.to_owned(),
            }
        }
        C::MessageSizeTooLarge => KafkaError::MessageTooLarge,
        _ => KafkaError::Client(format!("{code:?}: {detail}")),
    }
}

impl From<KafkaError> for ApiError {
    fn from(error: KafkaError) -> Self {
        use KafkaError as E;
        let secs = |waited: Duration| waited.as_secs_f32();
        match error {
            E::Unreachable { waited } => ApiError::kafka_unavailable(format!(
                "The Kafka cluster cannot be reached (no answer within {} s); try again shortly.",
                secs(waited)
            )),
            E::Stalled { topic, waited } => ApiError::kafka_unavailable(format!(
                "The Kafka cluster stopped sending {topic}'s records ({:.1} s without any); try again shortly.",
                secs(waited)
            )),
            E::WriteUnconfirmed { waited } => ApiError::kafka_timeout(format!(
                "The Kafka cluster did not confirm the write within {} s; it may or may not have been written.",
                secs(waited)
            )),
            E::NotSupported { detail } => ApiError::not_supported(format!(
                "This Kafka cluster does not support the operation ({detail})."
            )),
            E::TopicNotFound(topic) if topic.is_empty() => {
                ApiError::not_found("topic_not_found", "The topic does not exist.")
            }
            E::TopicNotFound(topic) => {
                ApiError::not_found("topic_not_found", format!("There is no topic named {topic}."))
            }
            E::TopicExists(topic) => {
                ApiError::conflict("topic_exists", format!("A topic named {topic} already exists."))
                    .with_field("name")
            }
            E::PartitionNotFound { topic, partition } => ApiError::not_found(
                "partition_not_found",
                format!("{topic} has no partition {partition}."),
            ),
            E::GroupNotFound(group) => ApiError::not_found(
                "group_not_found",
                format!("There is no consumer group named {group}."),
            ),
            E::GroupActive { group, members } => ApiError::conflict(
                "group_active",
                match members {
                    Some(n) => format!(
                        "The consumer group {group} has {n} active member{}; stop its consumers first.",
                        if n == 1 { "" } else { "s" }
                    ),
                    None => {
                        format!("The consumer group {group} has active members; stop its consumers first.")
                    }
                },
            ),
            E::ConfigsRefused { detail } => ApiError::bad_request(
                "invalid_config",
                format!("The cluster refused the configs: {detail}"),
            ),
            E::ReplicationFactorRefused => ApiError::invalid(
                "replication_factor",
                "invalid_replication_factor",
                "The cluster refused the replication factor.",
            ),
            E::MessageTooLarge => ApiError::new(
                http::StatusCode::PAYLOAD_TOO_LARGE,
                "message_too_large",
                "The cluster refused the message as too large for this topic (max.message.bytes).",
            ),
            E::Denied { detail } => ApiError::internal(format!(
                "the cluster refused Configurator's own credentials: {detail}"
            )),
            E::Client(detail) => ApiError::internal(format!("kafka: {detail}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_failure_has_one_code() {
        let timeout = Duration::from_secs(4);
        let api = |code| ApiError::from(error_code(code, "detail", timeout));
        for down in [
            RDKafkaErrorCode::AllBrokersDown,
            RDKafkaErrorCode::BrokerTransportFailure,
            RDKafkaErrorCode::RequestTimedOut,
        ] {
            let error = api(down);
            assert_eq!((error.status.as_u16(), error.code), (503, "kafka_unavailable"));
            assert!(error.message.contains("4 s"), "{}", error.message);
        }
        assert_eq!(api(RDKafkaErrorCode::MessageTimedOut).code, "kafka_timeout");
        assert_eq!(api(RDKafkaErrorCode::UnsupportedFeature).status.as_u16(), 501);
        assert_eq!(api(RDKafkaErrorCode::TopicAuthorizationFailed).code, "internal");
        let active = ApiError::from(KafkaError::GroupActive {
            group: "billing".into(),
            members: Some(1),
        });
        assert_eq!(active.code, "group_active");
        assert!(active.message.contains("1 active member;"), "{}", active.message);
    }
}
