//! Everything a person can be allowed to do, as one enum: the policy file,
//! the route table, the API's checks and the console's buttons all name
//! permissions through it, so a misspelt one does not compile.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub enum Permission {
    #[serde(rename = "cluster:read")]
    ClusterRead,
    #[serde(rename = "topics:read")]
    TopicsRead,
    #[serde(rename = "topics:create")]
    TopicsCreate,
    #[serde(rename = "topics:alter")]
    TopicsAlter,
    #[serde(rename = "topics:delete")]
    TopicsDelete,
    #[serde(rename = "topics:purge")]
    TopicsPurge,
    #[serde(rename = "messages:read")]
    MessagesRead,
    #[serde(rename = "messages:produce")]
    MessagesProduce,
    /// See the fields the policy masks in clear.
    #[serde(rename = "messages:unmask")]
    MessagesUnmask,
    #[serde(rename = "schemas:read")]
    SchemasRead,
    #[serde(rename = "schemas:write")]
    SchemasWrite,
    #[serde(rename = "groups:read")]
    GroupsRead,
    #[serde(rename = "groups:reset")]
    GroupsReset,
    #[serde(rename = "groups:delete")]
    GroupsDelete,
    #[serde(rename = "audit:read")]
    AuditRead,
    /// Post governed events through the ingest API (services, mostly).
    #[serde(rename = "events:publish")]
    EventsPublish,
}

impl Permission {
    pub const ALL: [Permission; 16] = [
        Self::ClusterRead,
        Self::TopicsRead,
        Self::TopicsCreate,
        Self::TopicsAlter,
        Self::TopicsDelete,
        Self::TopicsPurge,
        Self::MessagesRead,
        Self::MessagesProduce,
        Self::MessagesUnmask,
        Self::SchemasRead,
        Self::SchemasWrite,
        Self::GroupsRead,
        Self::GroupsReset,
        Self::GroupsDelete,
        Self::AuditRead,
        Self::EventsPublish,
    ];

    /// The name in the policy file, the API's answers and audit records.
    pub fn name(self) -> &'static str {
        match self {
            Self::ClusterRead => "cluster:read",
            Self::TopicsRead => "topics:read",
            Self::TopicsCreate => "topics:create",
            Self::TopicsAlter => "topics:alter",
            Self::TopicsDelete => "topics:delete",
            Self::TopicsPurge => "topics:purge",
            Self::MessagesRead => "messages:read",
            Self::MessagesProduce => "messages:produce",
            Self::MessagesUnmask => "messages:unmask",
            Self::SchemasRead => "schemas:read",
            Self::SchemasWrite => "schemas:write",
            Self::GroupsRead => "groups:read",
            Self::GroupsReset => "groups:reset",
            Self::GroupsDelete => "groups:delete",
            Self::AuditRead => "audit:read",
            Self::EventsPublish => "events:publish",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    /// What it lets a person do, completing "You do not have permission to …".
    pub fn describe(self) -> &'static str {
        match self {
            Self::ClusterRead => "view the cluster",
            Self::TopicsRead => "view topics",
            Self::TopicsCreate => "create topics",
            Self::TopicsAlter => "change topic configs and partitions",
            Self::TopicsDelete => "delete topics",
            Self::TopicsPurge => "purge messages from topics",
            Self::MessagesRead => "read messages",
            Self::MessagesProduce => "produce messages",
            Self::MessagesUnmask => "see masked message fields",
            Self::SchemasRead => "view schemas",
            Self::SchemasWrite => "change schemas",
            Self::GroupsRead => "view consumer groups",
            Self::GroupsReset => "reset consumer group offsets",
            Self::GroupsDelete => "delete consumer groups",
            Self::AuditRead => "read the audit log",
            Self::EventsPublish => "publish events",
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Permission;

    #[test]
    fn names_round_trip_through_serde_and_from_name() {
        for p in Permission::ALL {
            let json = serde_json::to_string(&p).unwrap();
            assert_eq!(json, format!("\"{}\"", p.name()));
            assert_eq!(serde_json::from_str::<Permission>(&json).unwrap(), p);
            assert_eq!(Permission::from_name(p.name()), Some(p));
        }
        assert_eq!(Permission::from_name("topics:fly"), None);
    }
}
