//! The route table of API v1: every operation, the Lambda function that
//! serves it and the permission it needs. The Lambdas mount their routes from
//! it, the OpenAPI document is generated from it, the Kong configuration is
//! checked against it, and the authorizer and the console find an operation
//! from a method and path with [`find`]: one table, one matcher.
//!
//! Everything about a cluster's data lives under `/clusters/{cluster}/…`
//! ([`Operation::cluster_scoped`]); only `health`, `openapi`, `me` and the
//! cluster list sit above it.

use crate::Permission;

/// The Lambda functions API v1 is split into. All run the same binary (see
/// docs/architecture.md); each deployed function serves only its own
/// group's operations, has its own IAM role, concurrency and alarms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Function {
    Cluster,
    Topics,
    Messages,
    Groups,
}

impl Function {
    pub const ALL: [Function; 4] = [Self::Cluster, Self::Topics, Self::Messages, Self::Groups];

    /// The name in configuration (`CONFIGURATOR_FUNCTION`), Kong and Terraform.
    pub fn name(self) -> &'static str {
        match self {
            Self::Cluster => "cluster",
            Self::Topics => "topics",
            Self::Messages => "messages",
            Self::Groups => "groups",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }

    pub fn is_mutating(self) -> bool {
        self != Self::Get
    }
}

/// Every operation of API v1. The Lambdas' handler dispatch and the OpenAPI
/// shapes are exhaustive matches on it: an operation added here without a
/// handler or a documented shape does not compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OperationId {
    Health,
    Openapi,
    Me,
    ListClusters,
    GetCluster,
    GetAudit,
    ExportAudit,
    ListTopics,
    CreateTopic,
    GetTopic,
    DeleteTopic,
    GetTopicConfigs,
    AlterTopicConfigs,
    AddPartitions,
    PurgeTopic,
    GetSchema,
    PutSchema,
    DeleteSchema,
    GetTopicSchemas,
    ListSchemas,
    GetRegistrySchema,
    GetSchemaVersion,
    RegisterSchemaVersion,
    CheckSchemaCompatibility,
    SetSchemaCompatibility,
    BrowseMessages,
    GetMessage,
    ProduceMessage,
    TailMessages,
    CopyMessages,
    ListGroups,
    GetGroup,
    DeleteGroup,
    ResetOffsets,
    GetLagHistory,
    DeleteGroupOffsets,
    PublishEvents,
    ListEventTopics,
    GetEventTopic,
}

impl OperationId {
    /// The OpenAPI `operationId`, also the handler's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Health => "health",
            Self::Openapi => "openapi",
            Self::Me => "me",
            Self::ListClusters => "list_clusters",
            Self::GetCluster => "get_cluster",
            Self::GetAudit => "get_audit",
            Self::ExportAudit => "export_audit",
            Self::ListTopics => "list_topics",
            Self::CreateTopic => "create_topic",
            Self::GetTopic => "get_topic",
            Self::DeleteTopic => "delete_topic",
            Self::GetTopicConfigs => "get_topic_configs",
            Self::AlterTopicConfigs => "alter_topic_configs",
            Self::AddPartitions => "add_partitions",
            Self::PurgeTopic => "purge_topic",
            Self::GetSchema => "get_schema",
            Self::PutSchema => "put_schema",
            Self::DeleteSchema => "delete_schema",
            Self::GetTopicSchemas => "get_topic_schemas",
            Self::ListSchemas => "list_schemas",
            Self::GetRegistrySchema => "get_registry_schema",
            Self::GetSchemaVersion => "get_schema_version",
            Self::RegisterSchemaVersion => "register_schema_version",
            Self::CheckSchemaCompatibility => "check_schema_compatibility",
            Self::SetSchemaCompatibility => "set_schema_compatibility",
            Self::BrowseMessages => "browse_messages",
            Self::GetMessage => "get_message",
            Self::ProduceMessage => "produce_message",
            Self::TailMessages => "tail_messages",
            Self::CopyMessages => "copy_messages",
            Self::ListGroups => "list_groups",
            Self::GetGroup => "get_group",
            Self::DeleteGroup => "delete_group",
            Self::ResetOffsets => "reset_offsets",
            Self::GetLagHistory => "get_lag_history",
            Self::DeleteGroupOffsets => "delete_group_offsets",
            Self::PublishEvents => "publish_events",
            Self::ListEventTopics => "list_event_topics",
            Self::GetEventTopic => "get_event_topic",
        }
    }
}

/// One API operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    pub id: OperationId,
    pub method: Method,
    /// Relative to [`crate::API_PREFIX`], with `{param}` placeholders.
    pub path: &'static str,
    pub function: Function,
    /// The permission checked on the resource; `None` for the operations that
    /// need no token (`health`, `openapi`) and for `me` and `list_clusters`,
    /// which only need one (they answer with what the caller may see).
    pub permission: Option<Permission>,
    /// Whether a bearer token is required.
    pub authenticated: bool,
    /// Part of the ingest API: open to service clients (Kong's acl group
    /// `ingest`) as well as the BFF. Every other operation is the console's:
    /// only the BFF reaches it, and the Lambdas refuse service tokens there
    /// unless the policy lets the service use the console.
    pub ingest: bool,
    pub summary: &'static str,
}

/// The path segment every cluster's resources sit under.
pub const CLUSTER_SCOPE: &str = "/clusters/{cluster}";

impl Operation {
    /// Whether the operation works on one cluster's data (its path starts
    /// with [`CLUSTER_SCOPE`]).
    pub fn cluster_scoped(&self) -> bool {
        self.path.starts_with(CLUSTER_SCOPE)
    }
}

const fn op(
    id: OperationId,
    method: Method,
    path: &'static str,
    function: Function,
    permission: Permission,
    summary: &'static str,
) -> Operation {
    Operation {
        id,
        method,
        path,
        function,
        permission: Some(permission),
        authenticated: true,
        ingest: false,
        summary,
    }
}

/// An operation of the ingest API (see [`Operation::ingest`]).
const fn ingest(id: OperationId, method: Method, path: &'static str, summary: &'static str) -> Operation {
    Operation {
        ingest: true,
        ..op(id, method, path, Messages, Permission::EventsPublish, summary)
    }
}

use Function::{Cluster, Groups, Messages, Topics};
use Method::{Delete, Get, Patch, Post, Put};
use OperationId as Id;
use Permission as P;

pub const OPERATIONS: &[Operation] = &[
    Operation {
        id: Id::Health,
        method: Get,
        path: "/health",
        function: Cluster,
        permission: None,
        authenticated: false,
        ingest: false,
        summary: "Liveness; touches neither Kafka nor the IdP.",
    },
    Operation {
        id: Id::Openapi,
        method: Get,
        path: "/openapi.json",
        function: Cluster,
        permission: None,
        authenticated: false,
        ingest: false,
        summary: "This API's OpenAPI 3.1 document.",
    },
    Operation {
        id: Id::Me,
        method: Get,
        path: "/me",
        function: Cluster,
        permission: None,
        authenticated: true,
        ingest: false,
        summary: "The caller, their roles and their permissions on each cluster.",
    },
    Operation {
        id: Id::ListClusters,
        method: Get,
        path: "/clusters",
        function: Cluster,
        permission: None,
        authenticated: true,
        ingest: false,
        summary: "The clusters the caller may see, each with its health and totals (all asked at once; at most 2.5 s).",
    },
    op(
        Id::GetCluster,
        Get,
        "/clusters/{cluster}",
        Cluster,
        P::ClusterRead,
        "Cluster id, controller and brokers.",
    ),
    op(
        Id::GetAudit,
        Get,
        "/clusters/{cluster}/audit",
        Cluster,
        P::AuditRead,
        "The cluster's audit records, newest first: filtered, paged, each verified.",
    ),
    op(
        Id::ExportAudit,
        Get,
        "/clusters/{cluster}/audit/export",
        Cluster,
        P::AuditRead,
        "The filtered audit records as CSV (bounded; see x-audit-cursor).",
    ),
    op(
        Id::ListTopics,
        Get,
        "/clusters/{cluster}/topics",
        Topics,
        P::TopicsRead,
        "Search and page through topics.",
    ),
    op(
        Id::CreateTopic,
        Post,
        "/clusters/{cluster}/topics",
        Topics,
        P::TopicsCreate,
        "Create a topic.",
    ),
    op(
        Id::GetTopic,
        Get,
        "/clusters/{cluster}/topics/{topic}",
        Topics,
        P::TopicsRead,
        "Partitions and configs of a topic.",
    ),
    op(
        Id::DeleteTopic,
        Delete,
        "/clusters/{cluster}/topics/{topic}",
        Topics,
        P::TopicsDelete,
        "Delete a topic.",
    ),
    op(
        Id::GetTopicConfigs,
        Get,
        "/clusters/{cluster}/topics/{topic}/configs",
        Topics,
        P::TopicsRead,
        "A topic's configs.",
    ),
    op(
        Id::AlterTopicConfigs,
        Patch,
        "/clusters/{cluster}/topics/{topic}/configs",
        Topics,
        P::TopicsAlter,
        "Set or reset configs (IncrementalAlterConfigs).",
    ),
    op(
        Id::AddPartitions,
        Post,
        "/clusters/{cluster}/topics/{topic}/partitions",
        Topics,
        P::TopicsAlter,
        "Increase the partition count.",
    ),
    op(
        Id::PurgeTopic,
        Post,
        "/clusters/{cluster}/topics/{topic}/purge",
        Topics,
        P::TopicsPurge,
        "Delete records (DeleteRecords).",
    ),
    op(
        Id::GetSchema,
        Get,
        "/clusters/{cluster}/topics/{topic}/schema",
        Topics,
        P::SchemasRead,
        "The topic's JSON Schema.",
    ),
    op(
        Id::PutSchema,
        Put,
        "/clusters/{cluster}/topics/{topic}/schema",
        Topics,
        P::SchemasWrite,
        "Set the topic's JSON Schema.",
    ),
    op(
        Id::DeleteSchema,
        Delete,
        "/clusters/{cluster}/topics/{topic}/schema",
        Topics,
        P::SchemasWrite,
        "Remove the topic's JSON Schema.",
    ),
    op(
        Id::GetTopicSchemas,
        Get,
        "/clusters/{cluster}/topics/{topic}/schemas",
        Topics,
        P::SchemasRead,
        "The topic's key and value schemas in the cluster's schema registry.",
    ),
    op(
        Id::ListSchemas,
        Get,
        "/clusters/{cluster}/schemas",
        Topics,
        P::SchemasRead,
        "Search and page through the schema registry's subjects (Confluent) or schemas (Glue).",
    ),
    op(
        Id::GetRegistrySchema,
        Get,
        "/clusters/{cluster}/schemas/{schema}",
        Topics,
        P::SchemasRead,
        "A registry schema: its versions, compatibility mode and latest definition.",
    ),
    op(
        Id::GetSchemaVersion,
        Get,
        "/clusters/{cluster}/schemas/{schema}/versions/{version}",
        Topics,
        P::SchemasRead,
        "One version of a registry schema (a number or latest).",
    ),
    op(
        Id::RegisterSchemaVersion,
        Post,
        "/clusters/{cluster}/schemas/{schema}/versions",
        Topics,
        P::SchemasWrite,
        "Register a new version (creating the schema when it does not exist).",
    ),
    op(
        Id::CheckSchemaCompatibility,
        Post,
        "/clusters/{cluster}/schemas/{schema}/compatibility-check",
        Topics,
        P::SchemasRead,
        "The registry's compatibility verdict on a definition; registers nothing.",
    ),
    op(
        Id::SetSchemaCompatibility,
        Put,
        "/clusters/{cluster}/schemas/{schema}/compatibility",
        Topics,
        P::SchemasWrite,
        "Change a registry schema's compatibility mode.",
    ),
    op(
        Id::BrowseMessages,
        Get,
        "/clusters/{cluster}/topics/{topic}/messages",
        Messages,
        P::MessagesRead,
        "Read messages (bounded scan; large values as previews).",
    ),
    op(
        Id::GetMessage,
        Get,
        "/clusters/{cluster}/topics/{topic}/partitions/{partition}/offsets/{offset}",
        Messages,
        P::MessagesRead,
        "One message, whole.",
    ),
    op(
        Id::ProduceMessage,
        Post,
        "/clusters/{cluster}/topics/{topic}/messages",
        Messages,
        P::MessagesProduce,
        "Produce one message, validated against the topic's schema.",
    ),
    op(
        Id::TailMessages,
        Get,
        "/clusters/{cluster}/topics/{topic}/messages/tail",
        Messages,
        P::MessagesRead,
        "Follow a topic: a long poll (at most 5 s) for records past the cursor, newest first.",
    ),
    op(
        Id::CopyMessages,
        Post,
        "/clusters/{cluster}/topics/{topic}/messages/copy",
        Messages,
        P::MessagesRead,
        "One step of copying records to another topic or redriving a dead-letter topic (produce permission on each target).",
    ),
    op(
        Id::ListGroups,
        Get,
        "/clusters/{cluster}/consumer-groups",
        Groups,
        P::GroupsRead,
        "Consumer groups with their lag.",
    ),
    op(
        Id::GetGroup,
        Get,
        "/clusters/{cluster}/consumer-groups/{group}",
        Groups,
        P::GroupsRead,
        "Members and per-partition offsets and lag.",
    ),
    op(
        Id::DeleteGroup,
        Delete,
        "/clusters/{cluster}/consumer-groups/{group}",
        Groups,
        P::GroupsDelete,
        "Delete an empty consumer group.",
    ),
    op(
        Id::ResetOffsets,
        Post,
        "/clusters/{cluster}/consumer-groups/{group}/reset-offsets",
        Groups,
        P::GroupsReset,
        "Move an inactive group's committed offsets on one, several or all of its topics (dry run first).",
    ),
    op(
        Id::GetLagHistory,
        Get,
        "/clusters/{cluster}/consumer-groups/{group}/lag-history",
        Groups,
        P::GroupsRead,
        "The group's lag over the last hour, day or week, per topic or partition, with its trend.",
    ),
    op(
        Id::DeleteGroupOffsets,
        Post,
        "/clusters/{cluster}/consumer-groups/{group}/delete-offsets",
        Groups,
        P::GroupsDelete,
        "Forget the group's committed offsets on chosen topics (OffsetDelete).",
    ),
    ingest(
        Id::PublishEvents,
        Post,
        "/clusters/{cluster}/topics/{topic}/events",
        "Publish one event or a batch (at most 500 events, 4 MiB), validated against the topic's schema; a batch is written whole or not at all.",
    ),
    ingest(
        Id::ListEventTopics,
        Get,
        "/clusters/{cluster}/events/topics",
        "The topics the caller may publish events to, with where their schema lives.",
    ),
    ingest(
        Id::GetEventTopic,
        Get,
        "/clusters/{cluster}/events/topics/{topic}/schema",
        "What an event of the topic must be: its schema and the ingest limits.",
    ),
];

/// The operation with this id.
pub fn operation(id: OperationId) -> &'static Operation {
    OPERATIONS
        .iter()
        .find(|o| o.id == id)
        .expect("every operation id is in the route table (a test checks)")
}

/// An operation and the values of its `{param}` segments, percent-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    pub operation: &'static Operation,
    pub params: Vec<(&'static str, String)>,
}

impl Matched {
    /// The value of `{name}`, when the template has it.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// The operation for `method` and `path` (relative to [`crate::API_PREFIX`],
/// no query), matched as the Lambdas' router does: whole segments,
/// case-sensitive, no trailing `/`, and a parameter is never empty. A segment
/// whose percent-escapes are malformed or not UTF-8 matches nothing.
pub fn find(method: &str, path: &str) -> Option<Matched> {
    let segments: Vec<&str> = path.strip_prefix('/')?.split('/').collect();
    OPERATIONS
        .iter()
        .filter(|op| op.method.as_str() == method)
        .find_map(|operation| {
            let template: Vec<&str> = operation.path[1..].split('/').collect();
            if template.len() != segments.len() {
                return None;
            }
            let mut params = Vec::new();
            for (t, s) in template.iter().zip(&segments) {
                match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
                    Some(name) => params.push((name, percent_decode(s).filter(|v| !v.is_empty())?)),
                    None if t == s => {}
                    None => return None,
                }
            }
            Some(Matched { operation, params })
        })
}

/// `%XX` → byte, strictly: a malformed escape or a result that is not UTF-8
/// is `None`.
pub fn percent_decode(segment: &str) -> Option<String> {
    String::from_utf8(percent_decode_bytes(segment)?).ok()
}

/// `%XX` escapes decoded once, into bytes (which need not be UTF-8); `None`
/// for a `%` not followed by two hex digits. The BFF's path checks use it to
/// judge what a server will make of a path.
pub fn percent_decode_bytes(text: &str) -> Option<Vec<u8>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            // Not `from_str_radix` alone: it takes a sign, so `%+1` would pass.
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_escapes_are_decoded_once_and_strictly() {
        assert_eq!(percent_decode_bytes("a%2e%2Eb%25").unwrap(), b"a..b%");
        assert_eq!(percent_decode_bytes("%252e").unwrap(), b"%2e");
        for bad in ["%", "%2", "%zz", "%+1", "a%2"] {
            assert_eq!(percent_decode_bytes(bad), None, "{bad}");
        }
    }

    #[test]
    fn ids_and_method_path_pairs_are_unique() {
        for (i, a) in OPERATIONS.iter().enumerate() {
            for b in &OPERATIONS[i + 1..] {
                assert_ne!(a.id, b.id);
                assert_ne!(a.id.name(), b.id.name());
                assert!(
                    a.method != b.method || a.path != b.path,
                    "{:?} and {:?} clash",
                    a.id,
                    b.id
                );
            }
        }
    }

    #[test]
    fn every_mutation_needs_a_token_and_a_permission_on_a_cluster() {
        for o in OPERATIONS.iter().filter(|o| o.method.is_mutating()) {
            assert!(o.authenticated && o.permission.is_some(), "{:?}", o.id);
            assert!(o.cluster_scoped(), "{:?}", o.id);
        }
        // A permission is always checked on one cluster's resource.
        for o in OPERATIONS.iter().filter(|o| o.permission.is_some()) {
            assert!(o.cluster_scoped(), "{:?}", o.id);
        }
    }

    #[test]
    fn operations_match_whole_segments_and_decode_parameters() {
        let m = find("GET", "/clusters/local-a/topics/orders%2Eeu").unwrap();
        assert_eq!(m.operation.id, OperationId::GetTopic);
        assert_eq!(m.param("cluster"), Some("local-a"));
        assert_eq!(m.param("topic"), Some("orders.eu"));
        assert_eq!(
            find("GET", "/clusters").unwrap().operation.id,
            OperationId::ListClusters
        );
        assert_eq!(
            find("GET", "/clusters/prod").unwrap().operation.id,
            OperationId::GetCluster
        );
        assert!(find("GET", "/clusters//topics").is_none());
        assert!(find("GET", "/clusters/a/topics/").is_none());
        assert!(find("GET", "/clusters/a/topicsx").is_none());
        assert!(find("GET", "/clusters/a/topics/%zz").is_none());
        assert!(find("GET", "/clusters/a/topics/%+1").is_none());
        assert!(find("GET", "/clusters/a/topics/%ff").is_none(), "not UTF-8");
        assert!(find("PUT", "/clusters/a/topics").is_none());
        assert!(find("GET", "/topics").is_none());
    }
}
