//! Consumer groups: the list with lag, one group's members and offsets,
//! resetting an inactive group's offsets, and deleting an empty group.
//!
//! Lag is measured against the high watermark: Σ max(0, end − committed)
//! over the partitions the group has committed offsets for.

use std::{
    collections::{BTreeMap, BTreeSet, HashMap},
    time::Duration,
};

use configurator_api::{
    GroupDetail, GroupList, GroupMember, GroupSummary, OffsetChange, PartitionLag, ResetOffsets, ResetResult,
    ResetTarget, TopicPartitions,
};
use rdkafka::error::RDKafkaErrorCode;

use super::{
    Admin, Kafka, KafkaError, error_code,
    ffi::{self, Committed, GroupDescription, MemberDescription},
    kafka_error,
    metadata::ClusterMeta,
    topics::Watermarks,
};
use crate::error::ApiError;

impl Kafka {
    /// The groups `visible` lets the caller see, sorted by id, with state,
    /// member count, the topics they committed offsets for and their total
    /// lag. Takes a constant number of round trips whatever the number of
    /// groups: ListGroups + DescribeGroups (all groups in one request per
    /// broker); then, concurrently, ListConsumerGroupOffsets (one request per
    /// group, pipelined) and metadata; then the watermarks of all their
    /// partitions in one batch.
    pub async fn list_groups(&self, visible: impl Fn(&str) -> bool) -> Result<GroupList, ApiError> {
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
        let marks = self
            .watermarks(existing_partitions(&meta, offsets.values().flatten()))
            .await?;
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
                let topics: BTreeSet<&str> = committed.iter().map(|(t, _, _)| t.as_str()).collect();
                GroupSummary {
                    topics: topics.into_iter().map(str::to_owned).collect(),
                    total_lag: committed.iter().map(|c| lag_of(c, &marks).1).sum(),
                    members: group.members.len() as u32,
                    group_id: group.group_id,
                    state: group.state,
                }
            })
            .collect();
        Ok(GroupList { groups })
    }

    /// One group: state, assignor, members with their assignments, and the
    /// committed offset, end offset and lag of each partition it committed
    /// to. 404 `group_not_found` for a group Kafka does not know.
    pub async fn describe_group(&self, group: &str) -> Result<GroupDetail, ApiError> {
        let ((description, committed), meta) = tokio::try_join!(self.group_snapshot(group), self.metadata())?;
        let marks = self
            .watermarks(existing_partitions(&meta, committed.iter()))
            .await?;
        let mut offsets: Vec<PartitionLag> = committed
            .iter()
            .map(|c| {
                let (end_offset, lag) = lag_of(c, &marks);
                PartitionLag {
                    topic: c.0.clone(),
                    partition: c.1,
                    committed_offset: c.2,
                    end_offset,
                    lag,
                }
            })
            .collect();
        offsets.sort_by(|a, b| (&a.topic, a.partition).cmp(&(&b.topic, b.partition)));
        let total_lag = offsets.iter().map(|o| o.lag).sum();
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
        })
    }

    /// Moves the group's committed offsets on one topic (all its partitions
    /// or those listed) to the earliest or latest offset, the first offset at
    /// or after a time, or a given offset. Only for a group without active
    /// members (409 `group_active` otherwise, dry run included: the preview
    /// says what the real call would do). A dry run changes nothing.
    ///
    /// Checked in this order, all before anything changes: the request alone
    /// (400 `missing_value`), the group (404), the topic (404), its partitions
    /// (400 `invalid_partition`), the offset's range (400
    /// `offset_out_of_range`), then the group's members (409).
    pub async fn reset_offsets(&self, group: &str, request: &ResetOffsets) -> Result<ResetResult, ApiError> {
        let value = match request.to {
            ResetTarget::Earliest | ResetTarget::Latest => None,
            ResetTarget::Timestamp | ResetTarget::Offset => Some(request.value.ok_or_else(|| {
                ApiError::invalid(
                    "value",
                    "missing_value",
                    "Resetting to a timestamp or an offset needs `value` (Unix milliseconds, or the offset).",
                )
            })?),
        };
        if request.to == ResetTarget::Timestamp && value.is_some_and(|v| v < 0) {
            return Err(ApiError::invalid(
                "value",
                "invalid_value",
                "The timestamp must be Unix milliseconds (0 or more).",
            ));
        }
        let (snapshot, topic) = tokio::join!(self.group_snapshot(group), self.topic_meta(&request.topic));
        let (description, committed) = snapshot?;
        let (meta, index) = topic?;
        let topic = &meta.topics[index];
        let existing: BTreeSet<i32> = topic.partitions.iter().map(|p| p.id).collect();
        let partitions: Vec<i32> = match &request.partitions {
            None => existing.iter().copied().collect(),
            Some(listed) => {
                let unknown: BTreeSet<i32> =
                    listed.iter().copied().filter(|p| !existing.contains(p)).collect();
                if listed.is_empty() || !unknown.is_empty() {
                    let unknown: Vec<String> = unknown.iter().map(i32::to_string).collect();
                    return Err(ApiError::invalid(
                        "partitions",
                        "invalid_partition",
                        format!(
                            "{} The topic {} has partitions 0 to {}.",
                            if unknown.is_empty() {
                                "List at least one partition, or leave `partitions` out for all.".to_owned()
                            } else {
                                format!("No partition {} exists.", unknown.join(", "))
                            },
                            topic.name,
                            existing.len().saturating_sub(1)
                        ),
                    ));
                }
                let unique: BTreeSet<i32> = listed.iter().copied().collect();
                unique.into_iter().collect()
            }
        };
        let keys: Vec<(String, i32)> = partitions.iter().map(|p| (topic.name.clone(), *p)).collect();
        let marks = self.watermarks(keys.clone()).await?;
        let range = |key: &(String, i32)| marks.get(key).copied().unwrap_or((0, 0));
        if let (ResetTarget::Offset, Some(offset)) = (request.to, value)
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
        if !description.members.is_empty() {
            return Err(group_active(group, description.members.len()));
        }

        let targets: Vec<i64> = match (request.to, value) {
            (ResetTarget::Earliest, _) => keys.iter().map(|k| range(k).0).collect(),
            (ResetTarget::Latest, _) => keys.iter().map(|k| range(k).1).collect(),
            (ResetTarget::Offset, Some(offset)) => vec![offset; keys.len()],
            (ResetTarget::Timestamp, Some(time)) => {
                let found = self.offsets_for_time(&keys, time).await?;
                // No message at or after the time: the end (what a consumer would read next).
                keys.iter()
                    .map(|k| found.get(k).copied().flatten().unwrap_or(range(k).1))
                    .collect()
            }
            (_, None) => unreachable!("value checked above"),
        };
        let before: HashMap<(&str, i32), i64> =
            committed.iter().map(|(t, p, o)| ((t.as_str(), *p), *o)).collect();
        let changes: Vec<OffsetChange> = keys
            .iter()
            .zip(&targets)
            .map(|((topic, partition), after)| OffsetChange {
                topic: topic.clone(),
                partition: *partition,
                before: before.get(&(topic.as_str(), *partition)).copied(),
                after: *after,
            })
            .collect();
        if !request.dry_run {
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
            dry_run: request.dry_run,
            partitions: changes,
        })
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
