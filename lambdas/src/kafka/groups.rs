//! Consumer groups: the list with lag, time lag and health, one group's
//! members and offsets, its lag history, resetting an inactive group's
//! offsets every way `kafka-consumer-groups` can, forgetting its offsets on
//! some topics, and deleting an empty group.
//!
//! Lag is measured against the high watermark: Σ max(0, end − committed)
//! over the partitions the group has committed offsets for. Time lag is how
//! old the record at the committed offset is ([`super::peek`]).

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    time::Duration,
};

use configurator_api::{
    DeleteOffsets, DeletedOffsets, GroupDetail, GroupList, GroupMember, GroupSummary, LagHistory,
    LagHistoryQuery, OffsetChange, PartitionLag, RESET_MAX_PARTITIONS, ResetOffsets, ResetResult,
    ResetTarget, SkippedPartition, TIME_LAG_BUDGET_MS, TopicPartitions,
};
use rdkafka::error::RDKafkaErrorCode;

use super::{
    Admin, Kafka, KafkaError, error_code,
    ffi::{self, Committed, GroupDescription, MemberDescription},
    kafka_error,
    lag_history::GroupSample,
    metadata::ClusterMeta,
    peek::At,
    topics::Watermarks,
};
use crate::{
    audit::now_ms,
    error::ApiError,
    lag::{
        chart::Chart,
        health::{HealthRules, Live, verdict},
    },
};

/// How much history before the longest stall time a verdict reads: enough
/// for a sample at or before the stall time when groups are sampled in turns.
const HEALTH_SLACK_MS: i64 = 10 * 60_000;
/// Records a health verdict on all groups reads from the history at most.
pub const HEALTH_SCAN_MAX: u64 = 200_000;

/// Every group the caller may see, with what it committed, and the
/// watermarks of those partitions (or of every partition, for the sampler).
pub struct Overview {
    pub groups: Vec<(GroupDescription, Vec<Committed>)>,
    pub marks: Watermarks,
    pub meta: ClusterMeta,
}

/// The health rules and the cluster they are applied on.
#[derive(Clone, Copy)]
pub struct Judge<'a> {
    pub rules: &'a HealthRules,
    pub cluster: &'a str,
}

impl Kafka {
    /// The groups `visible` lets the caller see, sorted by id, with state,
    /// member count, topics, lag, time lag and health. A constant number of
    /// round trips whatever the number of groups ([`Kafka::group_overview`]),
    /// then, at once, the history of the last minutes (one read per history
    /// partition) and the records at the committed offsets (one fetch per
    /// broker and round, within [`TIME_LAG_BUDGET_MS`]).
    pub async fn list_groups(
        &self,
        visible: impl Fn(&str) -> bool,
        judge: Judge<'_>,
    ) -> Result<GroupList, ApiError> {
        let now = now_ms();
        let overview = self.group_overview(visible, false).await?;
        let since = now - judge.rules.longest_stall_ms() as i64 - HEALTH_SLACK_MS;
        let ids: BTreeSet<String> = overview.groups.iter().map(|(g, _)| g.group_id.clone()).collect();
        let (history, times) = tokio::join!(
            self.recent_samples(Some(ids), since),
            self.time_lags(&overview, Duration::from_millis(TIME_LAG_BUDGET_MS))
        );
        let mut history = history?;
        let times = times?;
        let groups = overview
            .groups
            .iter()
            .map(|(group, committed)| {
                let lags = partition_lags(committed, &overview.marks, &times, now);
                let total_lag = lags.iter().map(|l| l.lag).sum();
                let time_lag_ms = worst(&lags);
                let topics: BTreeSet<&str> = committed.iter().map(|(t, _, _)| t.as_str()).collect();
                let samples = history.remove(&group.group_id).unwrap_or_default();
                let health = verdict(
                    &judge.rules.for_group(judge.cluster, &group.group_id),
                    now,
                    &Live {
                        members: group.members.len() as u32,
                        lag: total_lag,
                        time_lag_ms,
                        committed,
                    },
                    &samples,
                );
                GroupSummary {
                    group_id: group.group_id.clone(),
                    state: group.state.clone(),
                    members: group.members.len() as u32,
                    topics: topics.into_iter().map(str::to_owned).collect(),
                    total_lag,
                    time_lag_ms,
                    health,
                }
            })
            .collect();
        Ok(GroupList { groups })
    }

    /// The summed lag of the groups `visible` keeps (the cluster overview's):
    /// the overview alone, without time lags or history.
    pub async fn total_lag(&self, visible: impl Fn(&str) -> bool) -> Result<u64, KafkaError> {
        let overview = self.group_overview(visible, false).await?;
        Ok(overview
            .groups
            .iter()
            .flat_map(|(_, committed)| committed)
            .map(|c| lag_of(c, &overview.marks).1)
            .sum())
    }

    /// Every group `visible` keeps, described, with its committed offsets and
    /// the watermarks of those partitions (of all partitions of all topics
    /// with `all_partitions`): ListGroups + DescribeGroups (all groups in one
    /// request per broker); then, concurrently, ListConsumerGroupOffsets (one
    /// request per group, pipelined) and metadata; then the watermarks in one
    /// batch.
    pub async fn group_overview(
        &self,
        visible: impl Fn(&str) -> bool,
        all_partitions: bool,
    ) -> Result<Overview, KafkaError> {
        let mut groups = self
            .blocking(|admin, timeout| classic_groups(admin, None, timeout))
            .await?;
        groups.retain(|g| visible(&g.group_id));
        groups.sort_by(|a, b| a.group_id.cmp(&b.group_id));
        let ids: Vec<String> = groups.iter().map(|g| g.group_id.clone()).collect();
        // Groups of the new protocol (KIP-848) look dead to DescribeGroups.
        let next_gen: Vec<String> = groups
            .iter()
            .filter(|g| g.members.is_empty() && matches!(g.state.as_str(), "Dead" | "Unknown"))
            .map(|g| g.group_id.clone())
            .collect();
        let (described, mut offsets, meta) = tokio::try_join!(
            self.blocking(move |admin, timeout| ffi::describe_consumer_groups(admin, &next_gen, timeout)),
            self.blocking(move |admin, timeout| ffi::list_consumer_group_offsets(admin, &ids, timeout)),
            self.metadata(),
        )?;
        let wanted = if all_partitions {
            meta.topics
                .iter()
                .flat_map(|t| t.partitions.iter().map(|p| (t.name.clone(), p.id)))
                .collect()
        } else {
            existing_partitions(&meta, offsets.values().flatten())
        };
        let marks = self.watermarks(wanted).await?;
        let mut described: HashMap<String, GroupDescription> =
            described.into_iter().map(|d| (d.group_id.clone(), d)).collect();
        let groups = groups
            .into_iter()
            .map(|classic| {
                let group = match described.remove(&classic.group_id) {
                    Some(d) => richer(d, classic),
                    None => classic,
                };
                let committed = offsets.remove(&group.group_id).unwrap_or_default();
                (group, committed)
            })
            .collect();
        Ok(Overview { groups, marks, meta })
    }

    /// The timestamps of the records at the committed offsets of every
    /// partition where a group is behind, read within `budget`.
    pub async fn time_lags(
        &self,
        overview: &Overview,
        budget: Duration,
    ) -> Result<HashMap<At, i64>, KafkaError> {
        let wanted: Vec<At> = overview
            .groups
            .iter()
            .flat_map(|(_, committed)| committed)
            .filter(|c| lag_of(c, &overview.marks).1 > 0)
            .cloned()
            .collect();
        self.record_times(wanted, budget).await
    }

    /// The samples since `since_ms` of the groups named (all with `None`),
    /// by group, oldest first; at most [`HEALTH_SCAN_MAX`] records read.
    pub async fn recent_samples(
        &self,
        groups: Option<BTreeSet<String>>,
        since_ms: i64,
    ) -> Result<HashMap<String, Vec<GroupSample>>, KafkaError> {
        let single = groups
            .as_ref()
            .filter(|g| g.len() == 1)
            .and_then(|g| g.first().cloned());
        let (mut found, _) = self
            .scan_samples(
                single.as_deref(),
                since_ms,
                HEALTH_SCAN_MAX,
                HashMap::<String, Vec<GroupSample>>::new(),
                move |found, sample| {
                    if groups.as_ref().is_none_or(|g| g.contains(&sample.group)) {
                        found.entry(sample.group.clone()).or_default().push(sample);
                    }
                },
            )
            .await?;
        for samples in found.values_mut() {
            samples.sort_by_key(|s| s.at_ms);
        }
        Ok(found)
    }

    /// One group: state, assignor, members with their assignments, and the
    /// committed offset, end offset, lag and time lag of each partition it
    /// committed to, and its health. 404 `group_not_found` for a group Kafka
    /// does not know.
    pub async fn describe_group(&self, group: &str, judge: Judge<'_>) -> Result<GroupDetail, ApiError> {
        let now = now_ms();
        let since = now - judge.rules.for_group(judge.cluster, group).stall_after_ms as i64 - HEALTH_SLACK_MS;
        let wanted = BTreeSet::from([group.to_owned()]);
        let ((description, committed), meta, history) = tokio::try_join!(
            self.group_snapshot(group),
            self.metadata(),
            self.recent_samples(Some(wanted), since)
        )?;
        let marks = self
            .watermarks(existing_partitions(&meta, committed.iter()))
            .await?;
        let behind: Vec<At> = committed
            .iter()
            .filter(|c| lag_of(c, &marks).1 > 0)
            .cloned()
            .collect();
        let times = self
            .record_times(behind, Duration::from_millis(TIME_LAG_BUDGET_MS))
            .await?;
        let mut offsets = partition_lags(&committed, &marks, &times, now);
        offsets.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
        let total_lag = offsets.iter().map(|o| o.lag).sum();
        let time_lag_ms = worst(&offsets);
        let health = verdict(
            &judge.rules.for_group(judge.cluster, group),
            now,
            &Live {
                members: description.members.len() as u32,
                lag: total_lag,
                time_lag_ms,
                committed: &committed,
            },
            history.get(group).map_or(&[][..], Vec::as_slice),
        );
        let mut members: Vec<GroupMember> = description
            .members
            .into_iter()
            .map(|m| {
                let mut by_topic: BTreeMap<String, Vec<i32>> = BTreeMap::new();
                for (topic, partition) in m.assignment {
                    by_topic.entry(topic).or_default().push(partition);
                }
                GroupMember {
                    member_id: m.member_id,
                    client_id: m.client_id,
                    host: m.host,
                    assignment: by_topic
                        .into_iter()
                        .map(|(topic, mut partitions)| {
                            partitions.sort_unstable();
                            TopicPartitions { topic, partitions }
                        })
                        .collect(),
                }
            })
            .collect();
        members.sort_by(|a, b| a.member_id.cmp(&b.member_id));
        Ok(GroupDetail {
            group_id: description.group_id,
            state: description.state,
            // Kafka's protocol type: `consumer` for subscribing consumers, empty
            // for groups that only commit offsets (librdkafka reports only these two).
            protocol_type: if description.simple {
                String::new()
            } else {
                "consumer".into()
            },
            protocol: description.partition_assignor,
            members,
            offsets,
            total_lag,
            time_lag_ms,
            health,
        })
    }

    /// The group's lag over the query's window, from the sampler's records
    /// (one history partition read, at most [`LAG_HISTORY_MAX_SCAN`] records).
    /// 404 for a group Kafka does not know and that has no samples either.
    ///
    /// [`LAG_HISTORY_MAX_SCAN`]: configurator_api::LAG_HISTORY_MAX_SCAN
    pub async fn lag_history(&self, group: &str, query: &LagHistoryQuery) -> Result<LagHistory, ApiError> {
        let chart = Chart::new(query, now_ms());
        let since = chart.from_ms();
        let (known, scanned) = tokio::join!(
            self.group_snapshot(group),
            self.scan_samples(
                Some(group),
                since,
                configurator_api::LAG_HISTORY_MAX_SCAN,
                chart,
                |chart, sample| chart.add(&sample),
            )
        );
        let (chart, scanned) = scanned?;
        let history = chart.finish(group, scanned.truncated);
        match known {
            Ok(_) => Ok(history),
            // A group deleted since: its history is still worth seeing.
            Err(KafkaError::GroupNotFound(_)) if history.samples > 0 => Ok(history),
            Err(e) => Err(e.into()),
        }
    }

    /// Moves the group's committed offsets on the plan's topics (all their
    /// partitions, or those listed for one topic). Only for a group without
    /// active members (409 `group_active` otherwise, dry run included: the
    /// preview says what the real call would do). A dry run changes nothing.
    ///
    /// Checked in this order, all before anything changes: the topics
    /// (`may_read` on each, then 404), their partitions (400
    /// `invalid_partition`), the size (400 `too_many_partitions`), the
    /// offset's range (400 `offset_out_of_range`), the source group (404),
    /// then the group's members (409).
    pub async fn reset_offsets(
        &self,
        group: &str,
        plan: &ResetPlan,
        may_read: impl Fn(&str) -> Result<(), ApiError>,
    ) -> Result<ResetResult, ApiError> {
        let source = plan.from_group.clone();
        let (snapshot, meta, source) = tokio::join!(self.group_snapshot(group), self.metadata(), async {
            match source {
                Some(source) => self
                    .group_snapshot(&source)
                    .await
                    .map(|(_, committed)| Some(committed)),
                None => Ok(None),
            }
        });
        let (description, committed) = snapshot?;
        let meta = meta?;
        let topics: Vec<String> = match &plan.topics {
            Some(listed) => listed.clone(),
            None => {
                let mine: BTreeSet<String> = existing_partitions(&meta, committed.iter())
                    .into_iter()
                    .map(|(t, _)| t)
                    .collect();
                if mine.is_empty() {
                    return Err(ApiError::invalid(
                        "topics",
                        "no_committed_offsets",
                        format!(
                            "The group {group} has no committed offsets on any topic; name the topics to reset."
                        ),
                    ));
                }
                mine.into_iter().collect()
            }
        };
        let mut keys: Vec<(String, i32)> = Vec::new();
        for name in &topics {
            may_read(name)?;
            let topic = meta
                .topics
                .iter()
                .find(|t| &t.name == name)
                .ok_or_else(|| KafkaError::TopicNotFound(name.clone()))?;
            let existing: BTreeSet<i32> = topic.partitions.iter().map(|p| p.id).collect();
            let partitions: BTreeSet<i32> = match &plan.partitions {
                None => existing.clone(),
                Some(listed) => {
                    let unknown: Vec<String> = listed
                        .iter()
                        .filter(|p| !existing.contains(p))
                        .map(i32::to_string)
                        .collect();
                    if !unknown.is_empty() {
                        return Err(ApiError::invalid(
                            "partitions",
                            "invalid_partition",
                            format!(
                                "No partition {} exists. The topic {name} has partitions 0 to {}.",
                                unknown.join(", "),
                                existing.len().saturating_sub(1)
                            ),
                        ));
                    }
                    listed.iter().copied().collect()
                }
            };
            keys.extend(partitions.into_iter().map(|p| (name.clone(), p)));
        }
        if keys.len() > RESET_MAX_PARTITIONS {
            return Err(ApiError::invalid(
                "topics",
                "too_many_partitions",
                format!(
                    "The reset would change {} partitions; at most {RESET_MAX_PARTITIONS} at once. Reset fewer topics at a time.",
                    keys.len()
                ),
            ));
        }
        let marks = self.watermarks(keys.clone()).await?;
        let range = |key: &(String, i32)| marks.get(key).copied().unwrap_or((0, 0));
        if let (ResetTarget::Offset, Some(offset)) = (plan.to, plan.value)
            && let Some((key, (low, high))) = keys
                .iter()
                .map(|k| (k, range(k)))
                .find(|(_, (low, high))| offset < *low || offset > *high)
        {
            return Err(ApiError::invalid(
                "value",
                "offset_out_of_range",
                format!(
                    "Offset {offset} is outside partition {} of {}, which holds offsets {low} to {high}.",
                    key.1, key.0
                ),
            ));
        }
        let source: Option<HashMap<(String, i32), i64>> =
            source?.map(|c| c.into_iter().map(|(t, p, o)| ((t, p), o)).collect());
        if !description.members.is_empty() {
            return Err(group_active(group, description.members.len()));
        }

        let before: HashMap<(String, i32), i64> =
            committed.into_iter().map(|(t, p, o)| ((t, p), o)).collect();
        let by_time = match (plan.to, plan.value) {
            (ResetTarget::Timestamp, Some(time)) => self.offsets_for_time(&keys, time).await?,
            _ => HashMap::new(),
        };
        let mut changes = Vec::with_capacity(keys.len());
        let mut skipped = Vec::new();
        for key in keys {
            let (low, high) = range(&key);
            let was = before.get(&key).copied();
            let after = match plan.to {
                ResetTarget::Earliest => Ok(low),
                ResetTarget::Latest => Ok(high),
                ResetTarget::Offset => Ok(plan.value.unwrap_or(low)),
                // No record at or after the time: the end (what a consumer would read next).
                ResetTarget::Timestamp => Ok(by_time.get(&key).copied().flatten().unwrap_or(high)),
                ResetTarget::Shift => was
                    .map(|c| (c + plan.value.unwrap_or(0)).clamp(low, high))
                    .ok_or_else(|| "The group has no committed offset here to shift from.".to_owned()),
                ResetTarget::Group => source.as_ref().and_then(|s| s.get(&key).copied()).ok_or_else(|| {
                    format!(
                        "{} has no committed offset here.",
                        plan.from_group.as_deref().unwrap_or("The other group")
                    )
                }),
            };
            match after {
                Ok(after) => changes.push(OffsetChange {
                    lag_before: was.map(|c| (high - c).max(0) as u64),
                    lag_after: (high - after).max(0) as u64,
                    topic: key.0,
                    partition: key.1,
                    before: was,
                    after,
                }),
                Err(reason) => skipped.push(SkippedPartition {
                    topic: key.0,
                    partition: key.1,
                    reason,
                }),
            }
        }
        if !plan.dry_run && !changes.is_empty() {
            let commit: Vec<Committed> = changes
                .iter()
                .map(|c| (c.topic.clone(), c.partition, c.after))
                .collect();
            let group = group.to_owned();
            self.blocking(move |admin, timeout| {
                ffi::alter_consumer_group_offsets(admin, &[(group, commit)], timeout)
            })
            .await?;
        }
        Ok(ResetResult {
            dry_run: plan.dry_run,
            partitions: changes,
            skipped,
        })
    }

    /// Forgets the group's committed offsets on `topics` (every partition it
    /// committed to there). 404 for an unknown group, 400 `no_offsets` when it
    /// has none on those topics, 409 while a member reads one of them, 501
    /// where the broker lacks OffsetDelete.
    pub async fn delete_offsets(
        &self,
        group: &str,
        request: &DeleteOffsets,
    ) -> Result<DeletedOffsets, ApiError> {
        let (_, committed) = self.group_snapshot(group).await?;
        let wanted: BTreeSet<&str> = request.topics.iter().map(String::as_str).collect();
        let partitions: Vec<(String, i32)> = committed
            .iter()
            .filter(|(t, _, _)| wanted.contains(t.as_str()))
            .map(|(t, p, _)| (t.clone(), *p))
            .collect();
        if partitions.is_empty() {
            return Err(ApiError::invalid(
                "topics",
                "no_offsets",
                format!(
                    "The group {group} has no committed offsets on {}.",
                    request.topics.join(", ")
                ),
            ));
        }
        let deleted = self.offset_delete(group, partitions).await?;
        let mut by_topic: BTreeMap<String, Vec<i32>> = BTreeMap::new();
        for (topic, partition) in deleted {
            by_topic.entry(topic).or_default().push(partition);
        }
        Ok(DeletedOffsets {
            partitions: by_topic
                .into_iter()
                .map(|(topic, mut partitions)| {
                    partitions.sort_unstable();
                    TopicPartitions { topic, partitions }
                })
                .collect(),
        })
    }

    /// OffsetDelete on a client of its own, made for the call. librdkafka
    /// 2.12 releases its client's operation queue once too often when a
    /// broker lacks OffsetDelete (its coordinator-request failure path), so
    /// that client must never be used again nor destroyed: it is leaked,
    /// the cluster remembered as lacking the request, and every later call
    /// answered 501 without asking. One client per process at most.
    async fn offset_delete(
        &self,
        group: &str,
        partitions: Vec<(String, i32)>,
    ) -> Result<Vec<(String, i32)>, KafkaError> {
        use std::sync::atomic::Ordering;
        if self.no_offset_delete.load(Ordering::Relaxed) {
            return Err(KafkaError::NotSupported {
                detail: "OffsetDelete (KIP-496) is not supported by this cluster's brokers; Kafka 2.4 or later has it"
                    .into(),
            });
        }
        let (config, name) = (self.config.clone(), group.to_owned());
        let result = tokio::task::spawn_blocking(move || {
            let admin: Admin = super::client_config(&config)
                .create_with_context(super::KafkaContext::new(&config))
                .map_err(|e| KafkaError::client(format!("cannot create the client: {e}")))?;
            let result =
                ffi::delete_consumer_group_offsets(&admin, &name, &partitions, config.request_timeout);
            if matches!(result, Err(KafkaError::NotSupported { .. })) {
                std::mem::forget(admin);
            }
            result
        })
        .await
        .map_err(|e| KafkaError::client(format!("offset delete task failed: {e}")))?;
        if matches!(result, Err(KafkaError::NotSupported { .. })) {
            self.no_offset_delete.store(true, Ordering::Relaxed);
        }
        result
    }

    /// Deletes a group without members and its committed offsets: 404 for an
    /// unknown group, 409 `group_active` for one with members.
    pub async fn delete_group(&self, group: &str) -> Result<(), ApiError> {
        let (description, _) = self.group_snapshot(group).await?;
        if !description.members.is_empty() {
            return Err(group_active(group, description.members.len()));
        }
        let timeout = self.timeout();
        let options = rdkafka::admin::AdminOptions::new().request_timeout(Some(timeout));
        let results = self
            .admin
            .delete_groups(&[group], &options)
            .await
            .map_err(|e| kafka_error(e, timeout))?;
        for result in results {
            match result {
                Ok(_) => {}
                Err((_, RDKafkaErrorCode::NonEmptyGroup)) => {
                    return Err(KafkaError::GroupActive {
                        group: group.to_owned(),
                        members: None,
                    }
                    .into());
                }
                Err((_, RDKafkaErrorCode::GroupIdNotFound)) => return Err(group_not_found(group).into()),
                Err((_, code)) => {
                    return Err(error_code(code, &format!("DeleteGroups {group}"), timeout).into());
                }
            }
        }
        Ok(())
    }

    /// The group's description and committed offsets, fetched concurrently;
    /// 404 when Kafka does not know the group: it then reports it `Dead` (or
    /// an error), without members and without offsets.
    ///
    /// The group is described twice, by DescribeConsumerGroups (librdkafka
    /// asks ConsumerGroupDescribe first, which alone sees KIP-848 groups, then
    /// DescribeGroups) and by the classic DescribeGroups; the answer with more
    /// members wins. Some Kafka-compatible brokers (nisshi 0.8) answer
    /// ConsumerGroupDescribe for classic groups without their members, and a
    /// group must never look inactive while it has members.
    async fn group_snapshot(&self, group: &str) -> Result<(GroupDescription, Vec<Committed>), KafkaError> {
        let names = vec![group.to_owned()];
        let (names2, name) = (names.clone(), group.to_owned());
        let (described, classic, mut offsets) = tokio::try_join!(
            self.blocking(move |admin, timeout| ffi::describe_consumer_groups(admin, &names, timeout)),
            self.blocking(move |admin, timeout| classic_groups(admin, Some(&name), timeout)),
            self.blocking(move |admin, timeout| ffi::list_consumer_group_offsets(admin, &names2, timeout)),
        )?;
        let described = described.into_iter().find(|d| d.group_id == group);
        let classic = classic.into_iter().find(|d| d.group_id == group);
        let description = match (described, classic) {
            (Some(d), Some(c)) => richer(d, c),
            (Some(one), None) | (None, Some(one)) => one,
            (None, None) => return Err(group_not_found(group)),
        };
        let committed = offsets.remove(group).unwrap_or_default();
        if matches!(description.state.as_str(), "Dead" | "Unknown")
            && description.members.is_empty()
            && committed.is_empty()
        {
            return Err(group_not_found(group));
        }
        Ok((description, committed))
    }
}

/// Of two descriptions of the same group, the one with more members
/// (the first on a tie).
fn richer(first: GroupDescription, second: GroupDescription) -> GroupDescription {
    if second.members.len() > first.members.len() {
        second
    } else {
        first
    }
}

/// Consumer groups as the classic ListGroups + DescribeGroups see them
/// (librdkafka's `rd_kafka_list_groups`): all groups, or only `group`. Groups
/// of other protocols (Kafka Connect, …) are left out.
fn classic_groups(
    admin: &Admin,
    group: Option<&str>,
    timeout: Duration,
) -> Result<Vec<GroupDescription>, KafkaError> {
    let list = admin
        .inner()
        .fetch_group_list(group, timeout)
        .map_err(|e| kafka_error(e, timeout))?;
    Ok(list
        .groups()
        .iter()
        .filter(|g| matches!(g.protocol_type(), "consumer" | ""))
        .map(|g| GroupDescription {
            group_id: g.name().to_owned(),
            state: g.state().to_owned(),
            simple: g.protocol_type().is_empty(),
            partition_assignor: g.protocol().to_owned(),
            members: g
                .members()
                .iter()
                .map(|m| MemberDescription {
                    member_id: m.id().to_owned(),
                    client_id: m.client_id().to_owned(),
                    host: m.client_host().to_owned(),
                    group_instance_id: None,
                    assignment: m.assignment().map(parse_assignment).unwrap_or_default(),
                })
                .collect(),
        })
        .collect())
}

/// The (topic, partition) pairs of a consumer protocol assignment
/// (`ConsumerProtocolAssignment`: version, then topics with their
/// partitions, then user data). Empty when the bytes are not one.
fn parse_assignment(bytes: &[u8]) -> Vec<(String, i32)> {
    fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
        let (head, tail) = (bytes.get(..n)?, bytes.get(n..)?);
        *bytes = tail;
        Some(head)
    }
    fn i16_(bytes: &mut &[u8]) -> Option<i16> {
        take(bytes, 2).map(|b| i16::from_be_bytes([b[0], b[1]]))
    }
    fn i32_(bytes: &mut &[u8]) -> Option<i32> {
        take(bytes, 4).map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn parse(mut bytes: &[u8]) -> Option<Vec<(String, i32)>> {
        let bytes = &mut bytes;
        let _version = i16_(bytes)?;
        let mut assigned = Vec::new();
        for _ in 0..i32_(bytes)?.max(0) {
            let len = usize::try_from(i16_(bytes)?).ok()?;
            let topic = String::from_utf8(take(bytes, len)?.to_vec()).ok()?;
            for _ in 0..i32_(bytes)?.max(0) {
                assigned.push((topic.clone(), i32_(bytes)?));
            }
        }
        Some(assigned)
    }
    parse(bytes).unwrap_or_default()
}

/// (end offset, lag) of a committed offset; a partition whose topic is gone
/// has no end (-1) and no lag.
fn lag_of((topic, partition, committed): &Committed, marks: &Watermarks) -> (i64, u64) {
    match marks.get(&(topic.clone(), *partition)) {
        Some(&(_, high)) => (high, (high - committed).max(0) as u64),
        None => (-1, 0),
    }
}

/// The committed partitions that still exist (a group keeps offsets for
/// deleted topics until they expire), without duplicates.
fn existing_partitions<'a>(
    meta: &ClusterMeta,
    committed: impl Iterator<Item = &'a Committed>,
) -> Vec<(String, i32)> {
    let existing: BTreeMap<&str, BTreeSet<i32>> = meta
        .topics
        .iter()
        .map(|t| (t.name.as_str(), t.partitions.iter().map(|p| p.id).collect()))
        .collect();
    let wanted: BTreeSet<(String, i32)> = committed
        .filter(|(t, p, _)| existing.get(t.as_str()).is_some_and(|ps| ps.contains(p)))
        .map(|(t, p, _)| (t.clone(), *p))
        .collect();
    wanted.into_iter().collect()
}

/// A reset request checked on its own, before any permission check or
/// broker call.
#[derive(Debug, Clone)]
pub struct ResetPlan {
    pub topics: Option<Vec<String>>,
    pub partitions: Option<Vec<i32>>,
    pub to: ResetTarget,
    pub value: Option<i64>,
    pub from_group: Option<String>,
    pub dry_run: bool,
}

/// Topics one reset or offset deletion names at most.
pub const RESET_MAX_TOPICS: usize = 1_000;

impl ResetPlan {
    pub fn parse(group: &str, request: &ResetOffsets) -> Result<Self, ApiError> {
        let topics = match &request.topics {
            None => None,
            Some(listed) => Some(topic_list(listed)?),
        };
        if request.partitions.is_some() && topics.as_ref().is_none_or(|t| t.len() != 1) {
            return Err(ApiError::invalid(
                "partitions",
                "partitions_need_one_topic",
                "Partitions can only be chosen when resetting exactly one topic.",
            ));
        }
        if request.partitions.as_ref().is_some_and(Vec::is_empty) {
            return Err(ApiError::invalid(
                "partitions",
                "invalid_partition",
                "List at least one partition, or leave `partitions` out for all.",
            ));
        }
        let needs_value = match request.to {
            ResetTarget::Timestamp => Some("Unix milliseconds"),
            ResetTarget::Offset => Some("the offset"),
            ResetTarget::Shift => Some("the number of records to move, negative to go back"),
            ResetTarget::Earliest | ResetTarget::Latest | ResetTarget::Group => None,
        };
        match (needs_value, request.value) {
            (Some(what), None) => {
                return Err(ApiError::invalid(
                    "value",
                    "missing_value",
                    format!("Resetting this way needs `value`: {what}."),
                ));
            }
            (Some(_), Some(v)) if v < 0 && request.to != ResetTarget::Shift => {
                return Err(ApiError::invalid(
                    "value",
                    "invalid_value",
                    "The timestamp or offset must be 0 or more.",
                ));
            }
            _ => {}
        }
        let from_group = match (request.to, &request.from_group) {
            (ResetTarget::Group, None) => {
                return Err(ApiError::invalid(
                    "from_group",
                    "missing_from_group",
                    "Copying offsets needs `from_group`: the group to copy them from.",
                ));
            }
            (ResetTarget::Group, Some(source)) => {
                crate::validate::group_id(source).map_err(|e| e.with_field("from_group"))?;
                if source == group {
                    return Err(ApiError::invalid(
                        "from_group",
                        "same_group",
                        "Copying a group's offsets onto itself changes nothing; choose another group.",
                    ));
                }
                Some(source.clone())
            }
            (_, _) => None,
        };
        Ok(Self {
            topics,
            partitions: request.partitions.clone(),
            to: request.to,
            value: request.value,
            from_group,
            dry_run: request.dry_run,
        })
    }
}

/// The topics a request names: at least one, each a valid name, without
/// repeats, at most [`RESET_MAX_TOPICS`].
pub fn topic_list(listed: &[String]) -> Result<Vec<String>, ApiError> {
    if listed.is_empty() {
        return Err(ApiError::invalid(
            "topics",
            "invalid_topics",
            "List at least one topic, or leave `topics` out for all of the group's topics.",
        ));
    }
    if listed.len() > RESET_MAX_TOPICS {
        return Err(ApiError::invalid(
            "topics",
            "invalid_topics",
            format!("At most {RESET_MAX_TOPICS} topics at once."),
        ));
    }
    for name in listed {
        crate::validate::topic_name(name).map_err(|e| e.with_field("topics"))?;
    }
    let unique: BTreeSet<String> = listed.iter().cloned().collect();
    Ok(unique.into_iter().collect())
}

/// Each committed partition's lag and time lag at `now_ms`, given the
/// timestamps read at the committed offsets.
fn partition_lags(
    committed: &[Committed],
    marks: &Watermarks,
    times: &HashMap<At, i64>,
    now_ms: i64,
) -> Vec<PartitionLag> {
    committed
        .iter()
        .map(|c| {
            let (end_offset, lag) = lag_of(c, marks);
            let next_timestamp_ms = if lag > 0 { times.get(c).copied() } else { None };
            let time_lag_ms = if lag == 0 {
                Some(0)
            } else {
                next_timestamp_ms.map(|t| (now_ms - t).max(0) as u64)
            };
            PartitionLag {
                topic: c.0.clone(),
                partition: c.1,
                committed_offset: c.2,
                end_offset,
                lag,
                next_timestamp_ms,
                time_lag_ms,
            }
        })
        .collect()
}

/// The worst known time lag; 0 when nothing is behind, `None` when every
/// partition that is behind went unread.
fn worst(lags: &[PartitionLag]) -> Option<u64> {
    lags.iter()
        .filter_map(|l| l.time_lag_ms)
        .max()
        .or(if lags.iter().all(|l| l.lag == 0) {
            Some(0)
        } else {
            None
        })
}

fn group_not_found(group: &str) -> KafkaError {
    KafkaError::GroupNotFound(group.to_owned())
}

fn group_active(group: &str, members: usize) -> ApiError {
    KafkaError::GroupActive {
        group: group.to_owned(),
        members: Some(members),
    }
    .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_consumer_protocol_assignment_is_read_topic_by_topic() {
        let mut bytes = vec![0, 1]; // version 1
        bytes.extend(2i32.to_be_bytes()); // two topics
        bytes.extend(6i16.to_be_bytes());
        bytes.extend(b"orders");
        bytes.extend(2i32.to_be_bytes());
        bytes.extend(0i32.to_be_bytes());
        bytes.extend(2i32.to_be_bytes());
        bytes.extend(5i16.to_be_bytes());
        bytes.extend(b"audit");
        bytes.extend(1i32.to_be_bytes());
        bytes.extend(7i32.to_be_bytes());
        bytes.extend((-1i32).to_be_bytes()); // no user data
        assert_eq!(
            parse_assignment(&bytes),
            vec![("orders".into(), 0), ("orders".into(), 2), ("audit".into(), 7)]
        );
        assert!(parse_assignment(&[]).is_empty());
        assert!(parse_assignment(&bytes[..9]).is_empty(), "truncated");
    }
}
