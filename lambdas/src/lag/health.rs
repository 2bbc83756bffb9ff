//! A group's health: ok, lagging, stalled or stopped, with the rule that
//! decided, from its live state and the sampler's recent records.
//!
//! The thresholds come from the policy file's `[[health]]` rules (the first
//! whose `clusters` and `groups` patterns match), defaults otherwise:
//!
//! ```toml
//! [[health]]
//! groups = "payments-.*"   # whole group id, regular expression
//! max_time_lag_ms = 30000  # lagging past this time lag (default 60000)
//! max_lag = 10000          # ... or past this many records (default: no limit)
//! stall_after_ms = 120000  # stalled when committed offsets sit still this long (default 300000)
//! alarm = true             # the sampler publishes this group's metrics to CloudWatch
//! ```

use std::collections::HashMap;

use anyhow::Context;
use configurator_api::{GroupHealth, Health};
use regex::Regex;
use serde::Deserialize;

use super::{human_ms, thousands};
use crate::kafka::{ffi::Committed, lag_history::GroupSample};

/// When a group counts as behind, and whether its metrics are published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    pub max_time_lag_ms: u64,
    pub max_lag: Option<u64>,
    pub stall_after_ms: u64,
    pub alarm: bool,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            max_time_lag_ms: 60_000,
            max_lag: None,
            stall_after_ms: 300_000,
            alarm: false,
        }
    }
}

/// A `[[health]]` section as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthFile {
    #[serde(default)]
    clusters: Option<String>,
    #[serde(default)]
    groups: Option<String>,
    #[serde(default)]
    max_time_lag_ms: Option<u64>,
    #[serde(default)]
    max_lag: Option<u64>,
    #[serde(default)]
    stall_after_ms: Option<u64>,
    #[serde(default)]
    alarm: bool,
}

#[derive(Debug)]
struct Rule {
    clusters: Regex,
    groups: Regex,
    thresholds: Thresholds,
}

/// The policy's health rules, in their order.
#[derive(Debug, Default)]
pub struct HealthRules(Vec<Rule>);

impl HealthRules {
    pub fn parse(sections: Vec<HealthFile>) -> anyhow::Result<Self> {
        let anchored = |pattern: Option<String>, what: &str, i: usize| {
            let pattern = pattern.unwrap_or_else(|| ".*".into());
            Regex::new(&format!("^(?:{pattern})$")).with_context(|| {
                format!(
                    "health rule {}: the {what} pattern {pattern:?} is not a valid regular expression",
                    i + 1
                )
            })
        };
        let defaults = Thresholds::default();
        sections
            .into_iter()
            .enumerate()
            .map(|(i, h)| {
                if h.stall_after_ms == Some(0) || h.max_time_lag_ms == Some(0) {
                    anyhow::bail!("health rule {}: times must be more than 0 ms", i + 1);
                }
                Ok(Rule {
                    clusters: anchored(h.clusters, "clusters", i)?,
                    groups: anchored(h.groups, "groups", i)?,
                    thresholds: Thresholds {
                        max_time_lag_ms: h.max_time_lag_ms.unwrap_or(defaults.max_time_lag_ms),
                        max_lag: h.max_lag,
                        stall_after_ms: h.stall_after_ms.unwrap_or(defaults.stall_after_ms),
                        alarm: h.alarm,
                    },
                })
            })
            .collect::<anyhow::Result<_>>()
            .map(Self)
    }

    /// The thresholds of `group` on `cluster`: the first matching rule's.
    pub fn for_group(&self, cluster: &str, group: &str) -> Thresholds {
        self.0
            .iter()
            .find(|r| r.clusters.is_match(cluster) && r.groups.is_match(group))
            .map(|r| r.thresholds)
            .unwrap_or_default()
    }

    /// The longest stall time of any rule: how far back a verdict on all
    /// groups must read the history.
    pub fn longest_stall_ms(&self) -> u64 {
        self.0
            .iter()
            .map(|r| r.thresholds.stall_after_ms)
            .chain([Thresholds::default().stall_after_ms])
            .max()
            .unwrap_or_default()
    }
}

/// What is known of a group right now.
pub struct Live<'a> {
    pub members: u32,
    pub lag: u64,
    /// Its worst partition's, when known.
    pub time_lag_ms: Option<u64>,
    pub committed: &'a [Committed],
}

/// The verdict on a group at `now_ms`, from `live` and its samples (any
/// order).
pub fn verdict(
    thresholds: &Thresholds,
    now_ms: i64,
    live: &Live<'_>,
    history: &[GroupSample],
) -> GroupHealth {
    let behind = thousands(live.lag);
    let said = |status, reason: String| GroupHealth { status, reason };
    if live.lag == 0 {
        return said(Health::Ok, "Caught up: no records left to read.".into());
    }
    if live.members == 0 {
        return said(
            Health::Stopped,
            format!("No members while {behind} records are left to read."),
        );
    }
    if let Some(since) = still_since(live.committed, history)
        && now_ms - since >= thresholds.stall_after_ms as i64
    {
        return said(
            Health::Stalled,
            format!(
                "Committed offsets unchanged for {} while {behind} records behind (stalled after {}).",
                human_ms((now_ms - since) as u64),
                human_ms(thresholds.stall_after_ms)
            ),
        );
    }
    if let Some(time_lag) = live.time_lag_ms
        && time_lag > thresholds.max_time_lag_ms
    {
        return said(
            Health::Lagging,
            format!(
                "Time lag {} is over {}.",
                human_ms(time_lag),
                human_ms(thresholds.max_time_lag_ms)
            ),
        );
    }
    if let Some(max) = thresholds.max_lag
        && live.lag > max
    {
        return said(
            Health::Lagging,
            format!("{behind} records behind, over {}.", thousands(max)),
        );
    }
    said(
        Health::Ok,
        match live.time_lag_ms {
            Some(t) => format!(
                "{behind} records behind, time lag {} (lagging past {}).",
                human_ms(t),
                human_ms(thresholds.max_time_lag_ms)
            ),
            None => format!("{behind} records behind; moving."),
        },
    )
}

/// Since when the committed offsets have been what they are now, with
/// records left to read all along: the oldest of the unbroken run of
/// samples, newest first, that had lag and the same committed offsets.
fn still_since(committed: &[Committed], history: &[GroupSample]) -> Option<i64> {
    let now: HashMap<(&str, i32), i64> = committed.iter().map(|(t, p, o)| ((t.as_str(), *p), *o)).collect();
    let mut newest_first: Vec<&GroupSample> = history.iter().collect();
    newest_first.sort_by_key(|s| std::cmp::Reverse(s.at_ms));
    let mut since = None;
    for sample in newest_first {
        let same = sample.lag() > 0 && now.iter().all(|((t, p), o)| sample.committed(t, *p) == Some(*o));
        if !same {
            break;
        }
        since = Some(sample.at_ms);
    }
    since
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(at_ms: i64, committed: i64, end: i64) -> GroupSample {
        GroupSample {
            at_ms,
            group: "g".into(),
            members: 1,
            partitions: vec![("orders".into(), 0, committed, end)],
        }
    }

    fn live(members: u32, lag: u64, time_lag_ms: Option<u64>, committed: &[Committed]) -> Live<'_> {
        Live {
            members,
            lag,
            time_lag_ms,
            committed,
        }
    }

    #[test]
    fn each_status_says_its_rule_with_the_numbers() {
        let t = Thresholds::default();
        let committed = vec![("orders".to_owned(), 0, 100)];
        let now = 1_000_000;
        let ok = verdict(&t, now, &live(1, 0, Some(0), &committed), &[]);
        assert_eq!(ok.status, Health::Ok);

        let stopped = verdict(&t, now, &live(0, 1234, Some(5_000), &committed), &[]);
        assert_eq!(stopped.status, Health::Stopped);
        assert!(stopped.reason.contains("1,234"), "{}", stopped.reason);

        // Six minutes of samples at the same committed offset while the end grew.
        let still: Vec<GroupSample> = (0..7)
            .map(|i| sample(now - 360_000 + i * 60_000, 100, 200 + i))
            .collect();
        let stalled = verdict(&t, now, &live(1, 1234, Some(5_000), &committed), &still);
        assert_eq!(stalled.status, Health::Stalled, "{}", stalled.reason);
        assert!(stalled.reason.contains("6 min"), "{}", stalled.reason);

        // Moved three minutes ago: not stalled yet, but the time lag is over a minute.
        let mut moved = still.clone();
        for s in moved.iter_mut().take(4) {
            s.partitions[0].2 = 50;
        }
        let lagging = verdict(&t, now, &live(1, 1234, Some(90_000), &committed), &moved);
        assert_eq!(lagging.status, Health::Lagging, "{}", lagging.reason);
        assert!(lagging.reason.contains("1 min"), "{}", lagging.reason);

        let behind = Thresholds {
            max_lag: Some(1000),
            ..t
        };
        assert_eq!(
            verdict(&behind, now, &live(1, 1234, Some(1), &committed), &moved).status,
            Health::Lagging
        );
        assert_eq!(
            verdict(&t, now, &live(1, 1234, Some(1), &committed), &moved).status,
            Health::Ok
        );
    }

    #[test]
    fn a_group_idle_without_lag_is_not_stalled_when_records_arrive() {
        let committed = vec![("orders".to_owned(), 0, 100)];
        let now = 1_000_000;
        // Caught up for ten minutes, then one sample with lag a minute ago.
        let mut history: Vec<GroupSample> = (0..10)
            .map(|i| sample(now - 600_000 + i * 60_000, 100, 100))
            .collect();
        history.push(sample(now - 60_000, 100, 150));
        let v = verdict(
            &Thresholds::default(),
            now,
            &live(1, 50, Some(1_000), &committed),
            &history,
        );
        assert_eq!(v.status, Health::Ok, "{}", v.reason);
    }

    #[test]
    fn the_first_matching_rule_gives_the_thresholds() {
        let rules: Vec<HealthFile> = toml::from_str::<toml::Table>(
            r#"
            [[health]]
            groups = "payments-.*"
            stall_after_ms = 60000
            alarm = true
            [[health]]
            clusters = "prod"
            max_lag = 10
            "#,
        )
        .unwrap()["health"]
            .clone()
            .try_into()
            .unwrap();
        let rules = HealthRules::parse(rules).unwrap();
        assert_eq!(rules.for_group("dev", "payments-eu").stall_after_ms, 60_000);
        assert!(rules.for_group("dev", "payments-eu").alarm);
        assert_eq!(rules.for_group("prod", "billing").max_lag, Some(10));
        assert_eq!(rules.for_group("dev", "billing"), Thresholds::default());
        assert_eq!(rules.longest_stall_ms(), 300_000);
        let bad: Vec<HealthFile> = vec![toml::from_str("groups = \"(\"").unwrap()];
        assert!(
            HealthRules::parse(bad)
                .unwrap_err()
                .to_string()
                .contains("health rule 1")
        );
    }
}
