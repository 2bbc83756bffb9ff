//! Permissions: IdP groups → roles → actions on resources matched by regular
//! expressions (in the spirit of AKHQ and kafbat UI). The policy is a TOML
//! file (`POLICY_FILE`; the built-in `lambdas/policy.toml` otherwise) read once
//! at start: a bad file stops the process with the reason.

use std::{collections::HashMap, fmt};

use anyhow::{Context, bail};
use regex::Regex;
use serde::Deserialize;

/// Everything a person can be allowed to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum Action {
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
}

impl Action {
    pub const ALL: [Action; 14] = [
        Self::ClusterRead,
        Self::TopicsRead,
        Self::TopicsCreate,
        Self::TopicsAlter,
        Self::TopicsDelete,
        Self::TopicsPurge,
        Self::MessagesRead,
        Self::MessagesProduce,
        Self::SchemasRead,
        Self::SchemasWrite,
        Self::GroupsRead,
        Self::GroupsReset,
        Self::GroupsDelete,
        Self::AuditRead,
    ];

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
            Self::SchemasRead => "schemas:read",
            Self::SchemasWrite => "schemas:write",
            Self::GroupsRead => "groups:read",
            Self::GroupsReset => "groups:reset",
            Self::GroupsDelete => "groups:delete",
            Self::AuditRead => "audit:read",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What an action is applied to.
#[derive(Debug, Clone, Copy)]
pub enum Resource<'a> {
    Cluster,
    Topic(&'a str),
    Group(&'a str),
}

impl Resource<'_> {
    /// Compact form for audit records: `cluster`, `topic:orders`, `group:billing`.
    pub fn key(&self) -> String {
        match self {
            Self::Cluster => "cluster".into(),
            Self::Topic(name) => format!("topic:{name}"),
            Self::Group(name) => format!("group:{name}"),
        }
    }
}

impl fmt::Display for Resource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cluster => f.write_str("the cluster"),
            Self::Topic(name) => write!(f, "topic {name}"),
            Self::Group(name) => write!(f, "consumer group {name}"),
        }
    }
}

#[derive(Debug)]
struct Grant {
    actions: Vec<Action>,
    topics: Regex,
    groups: Regex,
}

impl Grant {
    fn allows(&self, action: Action, resource: Resource<'_>) -> bool {
        self.actions.contains(&action)
            && match resource {
                Resource::Cluster => true,
                Resource::Topic(name) => self.topics.is_match(name),
                Resource::Group(name) => self.groups.is_match(name),
            }
    }
}

#[derive(Debug)]
pub struct Policy {
    group_roles: HashMap<String, Vec<String>>,
    roles: HashMap<String, Vec<Grant>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    groups: HashMap<String, Vec<String>>,
    roles: HashMap<String, Vec<GrantFile>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantFile {
    actions: Vec<Action>,
    #[serde(default)]
    topics: Option<String>,
    #[serde(default)]
    groups: Option<String>,
}

const BUILT_IN: &str = include_str!("../policy.toml");

impl Policy {
    /// The file at `path`, or the built-in policy.
    pub fn load(path: Option<&str>) -> anyhow::Result<Self> {
        match path {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("cannot read the policy file {path}"))?;
                Self::parse(&text).with_context(|| format!("the policy file {path} is not valid"))
            }
            None => Self::parse(BUILT_IN).context("the built-in policy is not valid"),
        }
    }

    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let file: PolicyFile = toml::from_str(text)?;
        let anchored = |pattern: Option<String>, what: &str, role: &str| {
            let pattern = pattern.unwrap_or_else(|| ".*".into());
            Regex::new(&format!("^(?:{pattern})$")).with_context(|| {
                format!("role {role}: the {what} pattern {pattern:?} is not a valid regular expression")
            })
        };
        let mut roles = HashMap::new();
        for (name, grants) in file.roles {
            let grants = grants
                .into_iter()
                .map(|g| {
                    Ok(Grant {
                        actions: g.actions,
                        topics: anchored(g.topics, "topics", &name)?,
                        groups: anchored(g.groups, "groups", &name)?,
                    })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            roles.insert(name, grants);
        }
        for (group, names) in &file.groups {
            if let Some(missing) = names.iter().find(|r| !roles.contains_key(*r)) {
                bail!("group {group} names the role {missing}, which the policy does not define");
            }
        }
        Ok(Self {
            group_roles: file.groups,
            roles,
        })
    }

    /// The roles a person holds through their IdP groups, sorted.
    pub fn roles_of(&self, groups: &[String]) -> Vec<String> {
        let mut roles: Vec<String> = groups
            .iter()
            .filter_map(|g| self.group_roles.get(g))
            .flatten()
            .cloned()
            .collect();
        roles.sort();
        roles.dedup();
        roles
    }

    pub fn allows(&self, roles: &[String], action: Action, resource: Resource<'_>) -> bool {
        self.grants(roles).any(|g| g.allows(action, resource))
    }

    /// The actions allowed on at least some resource (what the console may offer).
    pub fn actions_of(&self, roles: &[String]) -> Vec<Action> {
        Action::ALL
            .into_iter()
            .filter(|a| self.grants(roles).any(|g| g.actions.contains(a)))
            .collect()
    }

    fn grants<'a>(&'a self, roles: &'a [String]) -> impl Iterator<Item = &'a Grant> {
        roles.iter().filter_map(|r| self.roles.get(r)).flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(policy: &Policy, group: &str) -> Vec<String> {
        policy.roles_of(&[group.to_owned()])
    }

    #[test]
    fn the_built_in_roles_grow_from_viewer_to_admin() {
        let policy = Policy::load(None).unwrap();
        let (viewer, operator, admin) = (
            roles(&policy, "kafka-viewers"),
            roles(&policy, "kafka-operators"),
            roles(&policy, "kafka-admins"),
        );
        let topic = Resource::Topic("orders");
        assert!(policy.allows(&viewer, Action::TopicsRead, topic));
        assert!(!policy.allows(&viewer, Action::MessagesRead, topic));
        assert!(!policy.allows(&viewer, Action::TopicsCreate, topic));
        assert!(policy.allows(&operator, Action::GroupsReset, Resource::Group("billing")));
        assert!(policy.allows(&operator, Action::TopicsPurge, topic));
        assert!(!policy.allows(&operator, Action::TopicsCreate, topic));
        assert!(!policy.allows(&operator, Action::TopicsDelete, topic));
        assert_eq!(policy.actions_of(&admin).len(), Action::ALL.len());
        assert!(policy.roles_of(&["strangers".into()]).is_empty());
    }

    #[test]
    fn resource_patterns_match_whole_names() {
        let policy = Policy::parse(
            r#"
            [groups]
            payments-team = ["payments"]
            [[roles.payments]]
            actions = ["topics:read", "messages:produce"]
            topics = "payments\\..*"
            "#,
        )
        .unwrap();
        let team = roles(&policy, "payments-team");
        assert!(policy.allows(
            &team,
            Action::MessagesProduce,
            Resource::Topic("payments.refunds")
        ));
        assert!(!policy.allows(&team, Action::MessagesProduce, Resource::Topic("orders")));
        assert!(!policy.allows(
            &team,
            Action::MessagesProduce,
            Resource::Topic("x.payments.refunds")
        ));
    }

    #[test]
    fn a_bad_policy_is_refused_with_the_reason() {
        for (text, needle) in [
            ("[groups]\na = [\"ghost\"]\n[roles]\n", "ghost"),
            (
                "[groups]\n[[roles.r]]\nactions = [\"topics:fly\"]\n",
                "topics:fly",
            ),
            (
                "[groups]\n[[roles.r]]\nactions = []\ntopics = \"(\"\n",
                "not a valid regular expression",
            ),
        ] {
            let error = format!("{:#}", Policy::parse(text).unwrap_err());
            assert!(error.contains(needle), "{error}");
        }
    }
}
