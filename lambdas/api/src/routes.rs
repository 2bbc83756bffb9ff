//! The route table of API v1: every operation, the Lambda function that
//! serves it and the permission it needs. The Lambdas mount their routes from
//! it, the OpenAPI document is generated from it, and the Kong configuration
//! is checked against it, so the three cannot drift apart.

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

/// One API operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// Stable name (OpenAPI `operationId`), also the handler's name.
    pub id: &'static str,
    pub method: Method,
    /// Relative to [`crate::API_PREFIX`], with `{param}` placeholders.
    pub path: &'static str,
    pub function: Function,
    /// The permission checked on the resource; `None` for the operations that
    /// need no token (`health`, `openapi`) and for `me`, which only needs one.
    pub permission: Option<&'static str>,
    /// Whether a bearer token is required.
    pub authenticated: bool,
    pub summary: &'static str,
}

const fn op(
    id: &'static str,
    method: Method,
    path: &'static str,
    function: Function,
    permission: &'static str,
    summary: &'static str,
) -> Operation {
    Operation {
        id,
        method,
        path,
        function,
        permission: Some(permission),
        authenticated: true,
        summary,
    }
}

use Function::{Cluster, Groups, Messages, Topics};
use Method::{Delete, Get, Patch, Post, Put};

pub const OPERATIONS: &[Operation] = &[
    Operation {
        id: "health",
        method: Get,
        path: "/health",
        function: Cluster,
        permission: None,
        authenticated: false,
        summary: "Liveness; touches neither Kafka nor the IdP.",
    },
    Operation {
        id: "openapi",
        method: Get,
        path: "/openapi.json",
        function: Cluster,
        permission: None,
        authenticated: false,
        summary: "This API's OpenAPI 3.1 document.",
    },
    Operation {
        id: "me",
        method: Get,
        path: "/me",
        function: Cluster,
        permission: None,
        authenticated: true,
        summary: "The caller, their roles and permissions.",
    },
    op(
        "get_cluster",
        Get,
        "/cluster",
        Cluster,
        "cluster:read",
        "Cluster id, controller and brokers.",
    ),
    op(
        "get_audit",
        Get,
        "/audit",
        Cluster,
        "audit:read",
        "Audit records, newest first: filtered, paged, each verified.",
    ),
    op(
        "export_audit",
        Get,
        "/audit/export",
        Cluster,
        "audit:read",
        "The filtered audit records as CSV (bounded; see x-audit-cursor).",
    ),
    op(
        "list_topics",
        Get,
        "/topics",
        Topics,
        "topics:read",
        "Search and page through topics.",
    ),
    op(
        "create_topic",
        Post,
        "/topics",
        Topics,
        "topics:create",
        "Create a topic.",
    ),
    op(
        "get_topic",
        Get,
        "/topics/{topic}",
        Topics,
        "topics:read",
        "Partitions and configs of a topic.",
    ),
    op(
        "delete_topic",
        Delete,
        "/topics/{topic}",
        Topics,
        "topics:delete",
        "Delete a topic.",
    ),
    op(
        "get_topic_configs",
        Get,
        "/topics/{topic}/configs",
        Topics,
        "topics:read",
        "A topic's configs.",
    ),
    op(
        "alter_topic_configs",
        Patch,
        "/topics/{topic}/configs",
        Topics,
        "topics:alter",
        "Set or reset configs (IncrementalAlterConfigs).",
    ),
    op(
        "add_partitions",
        Post,
        "/topics/{topic}/partitions",
        Topics,
        "topics:alter",
        "Increase the partition count.",
    ),
    op(
        "purge_topic",
        Post,
        "/topics/{topic}/purge",
        Topics,
        "topics:purge",
        "Delete records (DeleteRecords).",
    ),
    op(
        "get_schema",
        Get,
        "/topics/{topic}/schema",
        Topics,
        "schemas:read",
        "The topic's JSON Schema.",
    ),
    op(
        "put_schema",
        Put,
        "/topics/{topic}/schema",
        Topics,
        "schemas:write",
        "Set the topic's JSON Schema.",
    ),
    op(
        "delete_schema",
        Delete,
        "/topics/{topic}/schema",
        Topics,
        "schemas:write",
        "Remove the topic's JSON Schema.",
    ),
    op(
        "browse_messages",
        Get,
        "/topics/{topic}/messages",
        Messages,
        "messages:read",
        "Read messages (bounded scan; large values as previews).",
    ),
    op(
        "get_message",
        Get,
        "/topics/{topic}/partitions/{partition}/offsets/{offset}",
        Messages,
        "messages:read",
        "One message, whole.",
    ),
    op(
        "produce_message",
        Post,
        "/topics/{topic}/messages",
        Messages,
        "messages:produce",
        "Produce one message, validated against the topic's schema.",
    ),
    op(
        "list_groups",
        Get,
        "/consumer-groups",
        Groups,
        "groups:read",
        "Consumer groups with their lag.",
    ),
    op(
        "get_group",
        Get,
        "/consumer-groups/{group}",
        Groups,
        "groups:read",
        "Members and per-partition offsets and lag.",
    ),
    op(
        "delete_group",
        Delete,
        "/consumer-groups/{group}",
        Groups,
        "groups:delete",
        "Delete an empty consumer group.",
    ),
    op(
        "reset_offsets",
        Post,
        "/consumer-groups/{group}/reset-offsets",
        Groups,
        "groups:reset",
        "Move an inactive group's committed offsets (dry run first).",
    ),
];

/// The operation with this id; panics on a typo, which tests catch.
pub fn operation(id: &str) -> &'static Operation {
    OPERATIONS
        .iter()
        .find(|o| o.id == id)
        .unwrap_or_else(|| panic!("no API operation {id}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_method_path_pairs_are_unique() {
        for (i, a) in OPERATIONS.iter().enumerate() {
            for b in &OPERATIONS[i + 1..] {
                assert_ne!(a.id, b.id);
                assert!(
                    a.method != b.method || a.path != b.path,
                    "{} and {} clash",
                    a.id,
                    b.id
                );
            }
        }
    }

    #[test]
    fn every_mutation_needs_a_token_and_a_permission() {
        for o in OPERATIONS.iter().filter(|o| o.method.is_mutating()) {
            assert!(o.authenticated && o.permission.is_some(), "{}", o.id);
        }
    }
}
