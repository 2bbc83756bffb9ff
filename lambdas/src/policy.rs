//! Permissions: IdP groups → roles → permissions on clusters and on their
//! resources, both matched by regular expressions ("oscar operates `dev-.*`,
//! reads `prod-.*`"; in the spirit of AKHQ and kafbat UI). The policy is a
//! TOML file (`POLICY_FILE`; the built-in `lambdas/policy.toml` otherwise)
//! read once at start: a bad file stops the process with the reason.
//!
//! A person may *see* a cluster when some grant of theirs matches it; a
//! cluster they may not see answers as if it did not exist.

use std::{collections::HashMap, fmt};

use anyhow::{Context, bail};
use configurator_api::Permission;
use regex::Regex;
use serde::Deserialize;

use crate::{
    kafka::messages::mask::{MaskPath, Masks},
    lag::health::{HealthFile, HealthRules},
};

/// What an action is applied to.
#[derive(Debug, Clone, Copy)]
pub enum Resource<'a> {
    Cluster,
    Topic(&'a str),
    Group(&'a str),
    /// A schema registry subject (Confluent) or schema (Glue).
    Schema(&'a str),
}

impl Resource<'_> {
    /// Compact form for audit records: `cluster`, `topic:orders`, `group:billing`.
    pub fn key(&self) -> String {
        match self {
            Self::Cluster => "cluster".into(),
            Self::Topic(name) => format!("topic:{name}"),
            Self::Group(name) => format!("group:{name}"),
            Self::Schema(name) => format!("schema:{name}"),
        }
    }
}

impl fmt::Display for Resource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Cluster => f.write_str("the cluster"),
            Self::Topic(name) => write!(f, "topic {name}"),
            Self::Group(name) => write!(f, "consumer group {name}"),
            Self::Schema(name) => write!(f, "schema {name}"),
        }
    }
}

#[derive(Debug)]
struct Grant {
    actions: Vec<Permission>,
    clusters: Regex,
    topics: Regex,
    groups: Regex,
    schemas: Regex,
}

impl Grant {
    fn allows(&self, action: Permission, cluster: &str, resource: Resource<'_>) -> bool {
        self.actions.contains(&action)
            && self.clusters.is_match(cluster)
            && match resource {
                Resource::Cluster => true,
                Resource::Topic(name) => self.topics.is_match(name),
                Resource::Group(name) => self.groups.is_match(name),
                Resource::Schema(name) => self.schemas.is_match(name),
            }
    }
}

/// Fields hidden on matching topics from everyone but the roles named and
/// the holders of `messages:unmask` there.
#[derive(Debug)]
struct MaskRule {
    clusters: Regex,
    topics: Regex,
    fields: Vec<MaskPath>,
    reveal_to: Vec<String>,
}

/// A service client (a client-credentials token's `client_id`) and what
/// the policy gives it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub roles: Vec<String>,
    /// Whether it may use the console's operations too; by default a
    /// service reaches the ingest API only.
    #[serde(default)]
    pub console: bool,
}

#[derive(Debug)]
pub struct Policy {
    group_roles: HashMap<String, Vec<String>>,
    services: HashMap<String, Service>,
    roles: HashMap<String, Vec<Grant>>,
    masks: Vec<MaskRule>,
    /// When a consumer group counts as lagging or stalled ([`crate::lag::health`]).
    pub health: HealthRules,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    groups: HashMap<String, Vec<String>>,
    #[serde(default)]
    services: HashMap<String, Service>,
    roles: HashMap<String, Vec<GrantFile>>,
    #[serde(default)]
    masks: Vec<MaskFile>,
    #[serde(default)]
    health: Vec<HealthFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MaskFile {
    #[serde(default)]
    clusters: Option<String>,
    topics: String,
    fields: Vec<String>,
    #[serde(default)]
    reveal_to: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GrantFile {
    actions: Vec<Permission>,
    #[serde(default)]
    clusters: Option<String>,
    #[serde(default)]
    topics: Option<String>,
    #[serde(default)]
    groups: Option<String>,
    #[serde(default)]
    schemas: Option<String>,
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
                format!("{role}: the {what} pattern {pattern:?} is not a valid regular expression")
            })
        };
        let mut roles = HashMap::new();
        for (name, grants) in file.roles {
            let role = format!("role {name}");
            let grants = grants
                .into_iter()
                .map(|g| {
                    Ok(Grant {
                        actions: g.actions,
                        clusters: anchored(g.clusters, "clusters", &role)?,
                        topics: anchored(g.topics, "topics", &role)?,
                        groups: anchored(g.groups, "groups", &role)?,
                        schemas: anchored(g.schemas, "schemas", &role)?,
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
        for (client, service) in &file.services {
            if let Some(missing) = service.roles.iter().find(|r| !roles.contains_key(*r)) {
                bail!("service {client} names the role {missing}, which the policy does not define");
            }
        }
        let masks = file
            .masks
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                let what = format!("mask {} (topics {:?})", i + 1, m.topics);
                if let Some(missing) = m.reveal_to.iter().find(|r| !roles.contains_key(*r)) {
                    bail!("{what} reveals to the role {missing}, which the policy does not define");
                }
                if m.fields.is_empty() {
                    bail!("{what} names no fields");
                }
                Ok(MaskRule {
                    clusters: anchored(m.clusters, "clusters", &what)?,
                    topics: anchored(Some(m.topics), "topics", &what)?,
                    fields: m
                        .fields
                        .iter()
                        .map(|f| MaskPath::parse(f).map_err(|e| anyhow::anyhow!("{what}: {e}")))
                        .collect::<anyhow::Result<_>>()?,
                    reveal_to: m.reveal_to,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        Ok(Self {
            group_roles: file.groups,
            services: file.services,
            roles,
            masks,
            health: HealthRules::parse(file.health)?,
        })
    }

    /// The fields of `topic` on `cluster` masked for a person holding
    /// `roles`: none for holders of `messages:unmask` there.
    pub fn masks_for(&self, roles: &[String], cluster: &str, topic: &str) -> Masks {
        if self.allows(roles, Permission::MessagesUnmask, cluster, Resource::Topic(topic)) {
            return Masks::default();
        }
        Masks::new(
            self.masks
                .iter()
                .filter(|m| m.clusters.is_match(cluster) && m.topics.is_match(topic))
                .filter(|m| !m.reveal_to.iter().any(|r| roles.contains(r)))
                .flat_map(|m| m.fields.iter().cloned())
                .collect(),
        )
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

    /// The service client `client_id`, when the policy registers it.
    pub fn service(&self, client_id: &str) -> Option<&Service> {
        self.services.get(client_id)
    }

    pub fn allows(
        &self,
        roles: &[String],
        action: Permission,
        cluster: &str,
        resource: Resource<'_>,
    ) -> bool {
        self.grants(roles).any(|g| g.allows(action, cluster, resource))
    }

    /// The permissions held on at least some resource of `cluster` (what the
    /// console may offer there). Empty: the person may not see the cluster.
    pub fn actions_of(&self, roles: &[String], cluster: &str) -> Vec<Permission> {
        Permission::ALL
            .into_iter()
            .filter(|a| {
                self.grants(roles)
                    .any(|g| g.actions.contains(a) && g.clusters.is_match(cluster))
            })
            .collect()
    }

    /// Whether any grant of the person's matches `cluster`.
    pub fn may_see(&self, roles: &[String], cluster: &str) -> bool {
        self.grants(roles).any(|g| g.clusters.is_match(cluster))
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
        let on = "any-cluster";
        assert!(policy.allows(&viewer, Permission::TopicsRead, on, topic));
        assert!(!policy.allows(&viewer, Permission::MessagesRead, on, topic));
        assert!(!policy.allows(&viewer, Permission::TopicsCreate, on, topic));
        assert!(policy.allows(&operator, Permission::GroupsReset, on, Resource::Group("billing")));
        assert!(policy.allows(&operator, Permission::TopicsPurge, on, topic));
        assert!(!policy.allows(&operator, Permission::TopicsCreate, on, topic));
        assert!(!policy.allows(&operator, Permission::TopicsDelete, on, topic));
        assert_eq!(policy.actions_of(&admin, on).len(), Permission::ALL.len());
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
        let produce = |topic| policy.allows(&team, Permission::MessagesProduce, "c", Resource::Topic(topic));
        assert!(produce("payments.refunds"));
        assert!(!produce("orders"));
        assert!(!produce("x.payments.refunds"));
    }

    #[test]
    fn clusters_are_matched_by_pattern_and_unmatched_ones_are_invisible() {
        let policy = Policy::parse(
            r#"
            [groups]
            operators = ["operator"]
            [[roles.operator]]
            clusters = "dev-.*"
            actions = ["topics:read", "topics:purge"]
            [[roles.operator]]
            clusters = "prod-.*"
            actions = ["topics:read"]
            "#,
        )
        .unwrap();
        let oscar = roles(&policy, "operators");
        let topic = Resource::Topic("orders");
        assert!(policy.allows(&oscar, Permission::TopicsPurge, "dev-eu", topic));
        assert!(policy.allows(&oscar, Permission::TopicsRead, "prod-eu", topic));
        assert!(!policy.allows(&oscar, Permission::TopicsPurge, "prod-eu", topic));
        assert!(!policy.allows(&oscar, Permission::TopicsRead, "xprod-eu", topic));
        assert_eq!(policy.actions_of(&oscar, "prod-eu"), vec![Permission::TopicsRead]);
        assert!(policy.may_see(&oscar, "dev-1") && !policy.may_see(&oscar, "logging"));
        assert!(policy.actions_of(&oscar, "logging").is_empty());
    }

    #[test]
    fn masks_hold_for_everyone_but_the_roles_named_and_unmaskers() {
        let policy = Policy::parse(
            r#"
            [groups]
            viewers = ["viewer"]
            support = ["viewer", "support"]
            admins = ["admin"]
            [[roles.viewer]]
            actions = ["messages:read"]
            [[roles.support]]
            actions = ["messages:read"]
            [[roles.admin]]
            actions = ["messages:read", "messages:unmask"]
            [[masks]]
            topics = "payments\\..*"
            fields = ["value.card.number"]
            [[masks]]
            topics = "payments\\..*"
            fields = ["value.email"]
            reveal_to = ["support"]
            "#,
        )
        .unwrap();
        let fields = |group: &str, topic: &str| {
            let masks = policy.masks_for(&roles(&policy, group), "c", topic);
            ["value.card.number", "value.email"]
                .into_iter()
                .filter(|f| {
                    masks
                        .covering(&f.split('.').map(str::to_owned).collect::<Vec<_>>())
                        .is_some()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields("viewers", "payments.cards"),
            ["value.card.number", "value.email"]
        );
        assert_eq!(fields("support", "payments.cards"), ["value.card.number"]);
        assert!(fields("admins", "payments.cards").is_empty());
        assert!(fields("viewers", "orders").is_empty());
    }

    #[test]
    fn services_hold_their_own_roles_and_stay_off_the_console_by_default() {
        let policy = Policy::parse(
            r#"
            [groups]
            [services.orders-service]
            roles = ["orders-publisher"]
            [services.ops-bot]
            roles = ["orders-publisher"]
            console = true
            [[roles.orders-publisher]]
            actions = ["events:publish"]
            topics = "orders\\..*"
            "#,
        )
        .unwrap();
        let orders = policy.service("orders-service").unwrap();
        assert!(!orders.console && policy.service("ops-bot").unwrap().console);
        assert!(policy.service("stranger").is_none());
        let publish = |topic| {
            policy.allows(
                &orders.roles,
                Permission::EventsPublish,
                "c",
                Resource::Topic(topic),
            )
        };
        assert!(publish("orders.created") && !publish("payments.created"));
        let error = Policy::parse("[groups]\n[services.s]\nroles = [\"ghost\"]\n[roles]\n").unwrap_err();
        assert!(format!("{error:#}").contains("service s names the role ghost"));
    }

    #[test]
    fn the_local_stacks_policy_is_valid() {
        let local = Policy::parse(include_str!("../../scripts/local/policy.toml")).unwrap();
        let orders = &local.service("orders-service").unwrap().roles;
        assert!(local.allows(
            orders,
            Permission::EventsPublish,
            "local-c",
            Resource::Topic("orders.created")
        ));
        assert!(!local.allows(
            orders,
            Permission::TopicsRead,
            "local-c",
            Resource::Topic("orders.created")
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
            (
                "[groups]\n[roles]\n[[masks]]\ntopics = \"t\"\nfields = [\"value.x\"]\nreveal_to = [\"ghost\"]\n",
                "reveals to the role ghost",
            ),
            (
                "[groups]\n[roles]\n[[masks]]\ntopics = \"t\"\nfields = [\"body.x\"]\n",
                "starts with key, value or headers",
            ),
        ] {
            let error = format!("{:#}", Policy::parse(text).unwrap_err());
            assert!(error.contains(needle), "{error}");
        }
    }
}
