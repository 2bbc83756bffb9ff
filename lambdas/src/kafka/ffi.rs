//! Admin operations rdkafka 0.39 does not wrap, called through librdkafka's
//! C API: IncrementalAlterConfigs, DescribeCluster, DescribeConsumerGroups,
//! ListConsumerGroupOffsets and AlterConsumerGroupOffsets.
//!
//! This is the one module of the crate allowed `unsafe` (the workspace denies
//! it): calling C needs it, and keeping every call here keeps the rest of the
//! crate safe. The rules followed throughout:
//! - every librdkafka object we create is owned by an [`Owned`] guard whose
//!   `Drop` destroys it, so nothing leaks on any path (errors, timeouts, `?`);
//! - everything read from a result is copied into owned Rust data before the
//!   result event (which owns it) is destroyed; no pointer escapes a function;
//! - requests run on a private reply queue ([`Call`]) and are waited for with
//!   the request timeout; librdkafka copies the request objects we pass in.
//!
//! All functions block their thread: call them through [`super::Kafka::blocking`].

#![allow(unsafe_code)]

use std::{
    collections::{BTreeMap, HashMap},
    ffi::{CStr, CString, c_char, c_int},
    ptr::{self, NonNull},
    time::{Duration, Instant},
};

use rdkafka::{
    bindings as rd,
    types::{RDKafkaErrorCode, RDKafkaRespErr},
};

use super::{Admin, KafkaError, error_code};

/// How many requests one [`run`] keeps in flight at once (e.g. one
/// ListConsumerGroupOffsets per group): 1,000 groups go out at once (a
/// window of 100 made their listing about twice as slow, see
/// `examples/bench_groups.rs`); more wait for a free slot, so the broker is
/// never flooded.
const MAX_IN_FLIGHT: usize = 1000;

/// Extra time we wait on the reply queue beyond the request timeout, so that
/// librdkafka's own timeout error (with its detail) normally arrives first.
const GRACE: Duration = Duration::from_millis(500);

// ---------------------------------------------------------------------------
// The generic runner
// ---------------------------------------------------------------------------

/// A librdkafka object we own, destroyed with its destructor when dropped.
struct Owned<T> {
    ptr: NonNull<T>,
    destroy: unsafe extern "C" fn(*mut T),
}

impl<T> Owned<T> {
    /// `None` for a null pointer.
    ///
    /// # Safety
    /// `ptr` is null or an object the caller owns (nobody else destroys it),
    /// and `destroy` is its destructor.
    unsafe fn new(ptr: *mut T, destroy: unsafe extern "C" fn(*mut T)) -> Option<Self> {
        NonNull::new(ptr).map(|ptr| Self { ptr, destroy })
    }

    fn ptr(&self) -> *mut T {
        self.ptr.as_ptr()
    }
}

impl<T> Drop for Owned<T> {
    fn drop(&mut self) {
        // SAFETY: we own the object (see `new`) and destroy it exactly once.
        unsafe { (self.destroy)(self.ptr.as_ptr()) }
    }
}

/// A result event taken off the reply queue; its results live as long as it.
type Event = Owned<rd::rd_kafka_event_t>;

/// Admin requests of one kind in flight: the client, a private reply queue,
/// the options (request timeout) and the deadline for all answers.
struct Call<'a> {
    admin: &'a Admin,
    queue: Owned<rd::rd_kafka_queue_t>,
    options: Owned<rd::rd_kafka_AdminOptions_t>,
    event_type: c_int,
    timeout: Duration,
    deadline: Instant,
}

impl<'a> Call<'a> {
    fn new(
        admin: &'a Admin,
        op: rd::rd_kafka_admin_op_t,
        event_type: c_int,
        timeout: Duration,
    ) -> Result<Self, KafkaError> {
        let rk = admin.inner().native_ptr();
        // SAFETY: `rk` is a live client (borrowed for 'a); the new queue is ours.
        let queue = unsafe { Owned::new(rd::rd_kafka_queue_new(rk), rd::rd_kafka_queue_destroy) }
            .ok_or_else(|| KafkaError::client("rd_kafka_queue_new returned null"))?;
        // SAFETY: as above; the options object is ours.
        let options = unsafe {
            Owned::new(
                rd::rd_kafka_AdminOptions_new(rk, op),
                rd::rd_kafka_AdminOptions_destroy,
            )
        }
        .ok_or_else(|| KafkaError::client(format!("rd_kafka_AdminOptions_new({op:?}) returned null")))?;
        let mut errstr = [0 as c_char; 512];
        // SAFETY: the options are alive; librdkafka writes at most `len` bytes,
        // NUL-terminated, into `errstr`.
        let code = unsafe {
            rd::rd_kafka_AdminOptions_set_request_timeout(
                options.ptr(),
                millis(timeout),
                errstr.as_mut_ptr(),
                errstr.len(),
            )
        };
        if code != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
            // SAFETY: `errstr` is NUL-terminated (zeroed, and librdkafka terminates it).
            let why = unsafe { string(errstr.as_ptr()) }.unwrap_or_default();
            return Err(KafkaError::client(format!("admin options: {why}")));
        }
        Ok(Self {
            admin,
            queue,
            options,
            event_type,
            timeout,
            deadline: Instant::now() + timeout + GRACE,
        })
    }

    fn rk(&self) -> *mut rd::rd_kafka_t {
        self.admin.inner().native_ptr()
    }

    fn options(&self) -> *const rd::rd_kafka_AdminOptions_t {
        self.options.ptr()
    }

    fn queue(&self) -> *mut rd::rd_kafka_queue_t {
        self.queue.ptr()
    }

    /// The next answer, or the timeout error once the deadline has passed.
    /// An error of the whole request (the event's) becomes the API's error.
    fn next(&self) -> Result<Event, KafkaError> {
        let remaining = self.deadline.saturating_duration_since(Instant::now());
        // SAFETY: the queue is alive; the event returned, if any, is ours to destroy.
        let event = unsafe {
            Owned::new(
                rd::rd_kafka_queue_poll(self.queue(), millis(remaining)),
                rd::rd_kafka_event_destroy,
            )
        };
        let Some(event) = event else {
            return Err(error_code(
                RDKafkaErrorCode::OperationTimedOut,
                "no answer before the deadline",
                self.timeout,
            ));
        };
        // SAFETY: the event is alive; its error string is NUL-terminated and
        // copied before the event goes.
        let (kind, code, detail) = unsafe {
            (
                rd::rd_kafka_event_type(event.ptr()),
                rd::rd_kafka_event_error(event.ptr()),
                string(rd::rd_kafka_event_error_string(event.ptr())),
            )
        };
        if code != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
            return Err(error_code(code.into(), &detail.unwrap_or_default(), self.timeout));
        }
        if kind != self.event_type {
            return Err(KafkaError::client(format!(
                "expected admin event type {}, got {kind}",
                self.event_type
            )));
        }
        Ok(event)
    }
}

/// Runs `requests` admin requests of one kind on a private queue, at most
/// [`MAX_IN_FLIGHT`] at a time, all within `timeout`: `start(call, i)` sends
/// request `i`, `read(event)` turns one answer into owned data. Answers come
/// in any order. The first error ends the run; requests still in flight are
/// dropped with the queue (librdkafka discards their answers).
fn run<T>(
    admin: &Admin,
    op: rd::rd_kafka_admin_op_t,
    event_type: c_int,
    timeout: Duration,
    requests: usize,
    mut start: impl FnMut(&Call<'_>, usize) -> Result<(), KafkaError>,
    mut read: impl FnMut(&Event) -> Result<T, KafkaError>,
) -> Result<Vec<T>, KafkaError> {
    let call = Call::new(admin, op, event_type, timeout)?;
    let mut results = Vec::with_capacity(requests);
    let mut started = 0;
    while results.len() < requests {
        while started < requests && started - results.len() < MAX_IN_FLIGHT {
            start(&call, started)?;
            started += 1;
        }
        let event = call.next()?;
        results.push(read(&event)?);
    }
    Ok(results)
}

/// [`run`] for a single request.
fn run_one<T>(
    admin: &Admin,
    op: rd::rd_kafka_admin_op_t,
    event_type: c_int,
    timeout: Duration,
    start: impl FnOnce(&Call<'_>) -> Result<(), KafkaError>,
    read: impl FnOnce(&Event) -> Result<T, KafkaError>,
) -> Result<T, KafkaError> {
    let (mut start, mut read) = (Some(start), Some(read));
    let mut results = run(
        admin,
        op,
        event_type,
        timeout,
        1,
        |call, _| start.take().map_or(Ok(()), |f| f(call)),
        |event| match read.take() {
            Some(f) => f(event),
            None => Err(KafkaError::client("a single admin request answered twice")),
        },
    )?;
    results
        .pop()
        .ok_or_else(|| KafkaError::client("admin request without an answer"))
}

// ---------------------------------------------------------------------------
// Small readers (copy C data into Rust data)
// ---------------------------------------------------------------------------

/// A copy of a C string; `None` for null.
///
/// # Safety
/// `p` is null or points to a NUL-terminated string alive for this call.
unsafe fn string(p: *const c_char) -> Option<String> {
    // SAFETY: see the function's contract.
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

/// The `cnt` pointers of a C array as a slice (empty for null).
///
/// # Safety
/// `array` is null or points to `cnt` initialized pointers alive for `'a`.
unsafe fn array<'a, T>(array: *mut *const T, cnt: usize) -> &'a [*const T] {
    if array.is_null() || cnt == 0 {
        &[]
    } else {
        // SAFETY: see the function's contract.
        unsafe { std::slice::from_raw_parts(array, cnt) }
    }
}

/// One element of a topic-partition list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionEntry {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub error: Option<RDKafkaErrorCode>,
}

/// A copy of a topic-partition list's elements.
///
/// # Safety
/// `list` is null or a list alive for this call.
unsafe fn partitions(list: *const rd::rd_kafka_topic_partition_list_t) -> Vec<PartitionEntry> {
    // SAFETY: see the function's contract.
    let Some(list) = (unsafe { list.as_ref() }) else {
        return Vec::new();
    };
    if list.cnt <= 0 || list.elems.is_null() {
        return Vec::new();
    }
    // SAFETY: `elems` holds `cnt` initialized elements (librdkafka's invariant).
    let elems = unsafe { std::slice::from_raw_parts(list.elems, list.cnt as usize) };
    elems
        .iter()
        .map(|e| PartitionEntry {
            // SAFETY: an element's topic is a NUL-terminated string owned by the list.
            topic: unsafe { string(e.topic) }.unwrap_or_default(),
            partition: e.partition,
            offset: e.offset,
            error: (e.err != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR).then(|| e.err.into()),
        })
        .collect()
}

/// Code and message of an `rd_kafka_error_t`; `None` for null.
///
/// # Safety
/// `error` is null or an error object alive for this call.
unsafe fn error_of(error: *const rd::rd_kafka_error_t) -> Option<(RDKafkaErrorCode, String)> {
    if error.is_null() {
        return None;
    }
    // SAFETY: the error is alive; its string is NUL-terminated and copied.
    let (code, message) = unsafe {
        (
            rd::rd_kafka_error_code(error),
            string(rd::rd_kafka_error_string(error)),
        )
    };
    Some((code.into(), message.unwrap_or_default()))
}

/// Takes ownership of an error librdkafka handed to us and returns its code
/// and message (the object is destroyed).
///
/// # Safety
/// `error` is null or an error object the caller owns.
unsafe fn take_error(error: *mut rd::rd_kafka_error_t) -> Option<(RDKafkaErrorCode, String)> {
    // SAFETY: we own it (contract); the guard destroys it after reading.
    let owned = unsafe { Owned::new(error, rd::rd_kafka_error_destroy) }?;
    // SAFETY: alive until `owned` drops at the end of this function.
    unsafe { error_of(owned.ptr()) }
}

fn c_string(value: &str, what: &str) -> Result<CString, KafkaError> {
    CString::new(value).map_err(|_| KafkaError::client(format!("the {what} contains a NUL byte")))
}

fn millis(d: Duration) -> c_int {
    d.as_millis().min(c_int::MAX as u128) as c_int
}

/// A request object as the one-element array the admin calls take.
fn one<T>(object: &Owned<T>) -> [*mut T; 1] {
    [object.ptr()]
}

// ---------------------------------------------------------------------------
// Topic configs (IncrementalAlterConfigs)
// ---------------------------------------------------------------------------

/// Sets the configs in `set` and resets those in `delete` to their defaults,
/// in one IncrementalAlterConfigs request for the topic. A value the broker
/// refuses (unknown config, invalid value, policy) is a 400 `invalid_config`
/// with the broker's message; an unknown topic a 404 `topic_not_found`.
pub fn incremental_alter_topic_configs(
    admin: &Admin,
    topic: &str,
    set: &BTreeMap<String, String>,
    delete: &[String],
    timeout: Duration,
) -> Result<(), KafkaError> {
    let mut deleted: Vec<&String> = delete.iter().collect();
    deleted.sort();
    deleted.dedup();
    let name = c_string(topic, "topic name")?;
    // SAFETY: `name` is a valid C string (librdkafka copies it); the resource is ours.
    let resource = unsafe {
        Owned::new(
            rd::rd_kafka_ConfigResource_new(
                rd::rd_kafka_ResourceType_t::RD_KAFKA_RESOURCE_TOPIC,
                name.as_ptr(),
            ),
            rd::rd_kafka_ConfigResource_destroy,
        )
    }
    .ok_or_else(|| KafkaError::client("rd_kafka_ConfigResource_new returned null"))?;
    let ops = set
        .iter()
        .map(|(k, v)| {
            (
                k,
                Some(v),
                rd::rd_kafka_AlterConfigOpType_t::RD_KAFKA_ALTER_CONFIG_OP_TYPE_SET,
            )
        })
        .chain(deleted.into_iter().map(|k| {
            (
                k,
                None,
                rd::rd_kafka_AlterConfigOpType_t::RD_KAFKA_ALTER_CONFIG_OP_TYPE_DELETE,
            )
        }));
    for (key, value, op) in ops {
        let key_c = c_string(key, "config name")?;
        let value_c = value.map(|v| c_string(v, "config value")).transpose()?;
        let value_ptr = value_c.as_ref().map_or(ptr::null(), |v| v.as_ptr());
        // SAFETY: the resource is alive; name and value are valid C strings (or
        // null for DELETE), copied by librdkafka; a returned error is ours.
        let refused = unsafe {
            take_error(rd::rd_kafka_ConfigResource_add_incremental_config(
                resource.ptr(),
                key_c.as_ptr(),
                op,
                value_ptr,
            ))
        };
        if let Some((_, message)) = refused {
            return Err(KafkaError::ConfigsRefused {
                detail: format!("{key} cannot be changed: {message}"),
            });
        }
    }
    run_one(
        admin,
        rd::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_INCREMENTALALTERCONFIGS,
        rd::RD_KAFKA_EVENT_INCREMENTALALTERCONFIGS_RESULT,
        timeout,
        |call| {
            let mut resources = one(&resource);
            // SAFETY: client, options, queue and resource are alive; librdkafka
            // copies the resource before returning.
            unsafe {
                rd::rd_kafka_IncrementalAlterConfigs(
                    call.rk(),
                    resources.as_mut_ptr(),
                    1,
                    call.options(),
                    call.queue(),
                )
            };
            Ok(())
        },
        |event| {
            let mut cnt = 0;
            // SAFETY: the event is alive and of this type (checked by `next`);
            // the resources belong to it and are read before it is destroyed.
            let errors: Vec<_> = unsafe {
                let result = rd::rd_kafka_event_IncrementalAlterConfigs_result(event.ptr());
                let resources = rd::rd_kafka_IncrementalAlterConfigs_result_resources(result, &mut cnt);
                array(resources, cnt)
                    .iter()
                    .map(|&r| {
                        (
                            rd::rd_kafka_ConfigResource_error(r),
                            string(rd::rd_kafka_ConfigResource_error_string(r)),
                        )
                    })
                    .collect()
            };
            for (code, message) in errors {
                if code == RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
                    continue;
                }
                let message = message.unwrap_or_default();
                return Err(match RDKafkaErrorCode::from(code) {
                    RDKafkaErrorCode::InvalidConfig | RDKafkaErrorCode::PolicyViolation => {
                        KafkaError::ConfigsRefused {
                            detail: broker_message(&message, "no reason given"),
                        }
                    }
                    RDKafkaErrorCode::UnknownTopicOrPartition => KafkaError::TopicNotFound(topic.to_owned()),
                    other => error_code(other, &message, timeout),
                });
            }
            Ok(())
        },
    )
}

fn broker_message(message: &str, fallback: &str) -> String {
    if message.trim().is_empty() {
        fallback.to_owned()
    } else {
        message.to_owned()
    }
}

// ---------------------------------------------------------------------------
// Cluster (DescribeCluster)
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterDescription {
    pub cluster_id: Option<String>,
    pub controller: Option<i32>,
    /// (id, host, port, rack) of every broker.
    pub brokers: Vec<(i32, String, u16, Option<String>)>,
}

/// The cluster id, the controller and the brokers with their racks.
pub fn describe_cluster(admin: &Admin, timeout: Duration) -> Result<ClusterDescription, KafkaError> {
    run_one(
        admin,
        rd::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_DESCRIBECLUSTER,
        rd::RD_KAFKA_EVENT_DESCRIBECLUSTER_RESULT,
        timeout,
        |call| {
            // SAFETY: client, options and queue are alive.
            unsafe { rd::rd_kafka_DescribeCluster(call.rk(), call.options(), call.queue()) };
            Ok(())
        },
        |event| {
            // SAFETY: the event is alive and of this type; nodes and strings
            // belong to it and are copied before it is destroyed.
            unsafe {
                let result = rd::rd_kafka_event_DescribeCluster_result(event.ptr());
                let mut cnt = 0;
                let nodes = rd::rd_kafka_DescribeCluster_result_nodes(result, &mut cnt);
                let controller = rd::rd_kafka_DescribeCluster_result_controller(result);
                Ok(ClusterDescription {
                    cluster_id: string(rd::rd_kafka_DescribeCluster_result_cluster_id(result)),
                    controller: (!controller.is_null()).then(|| rd::rd_kafka_Node_id(controller)),
                    brokers: array(nodes, cnt)
                        .iter()
                        .map(|&n| {
                            (
                                rd::rd_kafka_Node_id(n),
                                string(rd::rd_kafka_Node_host(n)).unwrap_or_default(),
                                rd::rd_kafka_Node_port(n),
                                string(rd::rd_kafka_Node_rack(n)),
                            )
                        })
                        .collect(),
                })
            }
        },
    )
}

// ---------------------------------------------------------------------------
// Consumer groups
// ---------------------------------------------------------------------------

/// One group as DescribeConsumerGroups reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupDescription {
    pub group_id: String,
    pub state: String,
    pub simple: bool,
    /// The assignor (`range`, `cooperative-sticky`, …); empty when no members.
    pub partition_assignor: String,
    pub members: Vec<MemberDescription>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberDescription {
    pub member_id: String,
    pub client_id: String,
    pub host: String,
    pub group_instance_id: Option<String>,
    /// (topic, partition) assigned to the member.
    pub assignment: Vec<(String, i32)>,
}

fn state_name(state: rd::rd_kafka_consumer_group_state_t) -> String {
    // SAFETY: returns a static NUL-terminated name for any state value.
    unsafe { string(rd::rd_kafka_consumer_group_state_name(state)) }.unwrap_or_else(|| "Unknown".into())
}

/// Members, state and assignor of the groups (one request per group,
/// pipelined by librdkafka, one answer). A group Kafka does not know comes
/// back as state `Dead` without members.
pub fn describe_consumer_groups(
    admin: &Admin,
    groups: &[String],
    timeout: Duration,
) -> Result<Vec<GroupDescription>, KafkaError> {
    let mut unique: Vec<&String> = groups.iter().collect();
    unique.sort();
    unique.dedup();
    if unique.is_empty() {
        return Ok(Vec::new());
    }
    let names = unique
        .iter()
        .map(|g| c_string(g, "group name"))
        .collect::<Result<Vec<_>, _>>()?;
    let mut pointers: Vec<*const c_char> = names.iter().map(|n| n.as_ptr()).collect();
    let described = run_one(
        admin,
        rd::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS,
        rd::RD_KAFKA_EVENT_DESCRIBECONSUMERGROUPS_RESULT,
        timeout,
        |call| {
            // SAFETY: `pointers` holds valid C strings (kept alive by `names`),
            // copied by librdkafka; client, options and queue are alive.
            unsafe {
                rd::rd_kafka_DescribeConsumerGroups(
                    call.rk(),
                    pointers.as_mut_ptr(),
                    pointers.len(),
                    call.options(),
                    call.queue(),
                )
            };
            Ok(())
        },
        |event| {
            // SAFETY: the event is alive and of this type; descriptions,
            // members and assignments belong to it and are copied before it is destroyed.
            unsafe {
                let result = rd::rd_kafka_event_DescribeConsumerGroups_result(event.ptr());
                let mut cnt = 0;
                let groups = rd::rd_kafka_DescribeConsumerGroups_result_groups(result, &mut cnt);
                Ok(array(groups, cnt)
                    .iter()
                    .map(|&g| read_description(g))
                    .collect::<Vec<_>>())
            }
        },
    )?;
    described
        .into_iter()
        .map(|(group_id, outcome)| {
            outcome.map_err(|(code, message)| match code {
                RDKafkaErrorCode::GroupIdNotFound | RDKafkaErrorCode::InvalidArgument => {
                    KafkaError::GroupNotFound(group_id.clone())
                }
                other => error_code(other, &message, timeout),
            })
        })
        .collect()
}

type Described = (String, Result<GroupDescription, (RDKafkaErrorCode, String)>);

/// # Safety
/// `g` is a description alive for this call.
unsafe fn read_description(g: *const rd::rd_kafka_ConsumerGroupDescription_t) -> Described {
    // SAFETY: see the function's contract; members and their assignments
    // belong to the description.
    unsafe {
        let group_id = string(rd::rd_kafka_ConsumerGroupDescription_group_id(g)).unwrap_or_default();
        if let Some(error) = error_of(rd::rd_kafka_ConsumerGroupDescription_error(g)) {
            return (group_id, Err(error));
        }
        let members = (0..rd::rd_kafka_ConsumerGroupDescription_member_count(g))
            .map(|i| rd::rd_kafka_ConsumerGroupDescription_member(g, i))
            .filter(|m| !m.is_null())
            .map(|m| {
                let assignment = rd::rd_kafka_MemberDescription_assignment(m);
                let assigned = if assignment.is_null() {
                    Vec::new()
                } else {
                    partitions(rd::rd_kafka_MemberAssignment_partitions(assignment))
                };
                MemberDescription {
                    member_id: string(rd::rd_kafka_MemberDescription_consumer_id(m)).unwrap_or_default(),
                    client_id: string(rd::rd_kafka_MemberDescription_client_id(m)).unwrap_or_default(),
                    host: string(rd::rd_kafka_MemberDescription_host(m)).unwrap_or_default(),
                    group_instance_id: string(rd::rd_kafka_MemberDescription_group_instance_id(m)),
                    assignment: assigned.into_iter().map(|p| (p.topic, p.partition)).collect(),
                }
            })
            .collect();
        let description = GroupDescription {
            group_id: group_id.clone(),
            state: state_name(rd::rd_kafka_ConsumerGroupDescription_state(g)),
            simple: rd::rd_kafka_ConsumerGroupDescription_is_simple_consumer_group(g) != 0,
            partition_assignor: string(rd::rd_kafka_ConsumerGroupDescription_partition_assignor(g))
                .unwrap_or_default(),
            members,
        };
        (group_id, Ok(description))
    }
}

/// A committed offset: (topic, partition, offset).
pub type Committed = (String, i32, i64);

/// The committed offsets of each group, all partitions it committed to
/// (groups without any map to an empty list). librdkafka takes one group
/// per ListConsumerGroupOffsets request, so the requests for all groups run
/// concurrently on one queue.
pub fn list_consumer_group_offsets(
    admin: &Admin,
    groups: &[String],
    timeout: Duration,
) -> Result<HashMap<String, Vec<Committed>>, KafkaError> {
    let mut unique: Vec<&String> = groups.iter().collect();
    unique.sort();
    unique.dedup();
    let names = unique
        .iter()
        .map(|g| c_string(g, "group name"))
        .collect::<Result<Vec<_>, _>>()?;
    let answers = run(
        admin,
        rd::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS,
        rd::RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT,
        timeout,
        names.len(),
        |call, i| {
            // SAFETY: the name is a valid C string; null partitions mean "all";
            // the request object is ours (destroyed by the guard).
            let request = unsafe {
                Owned::new(
                    rd::rd_kafka_ListConsumerGroupOffsets_new(names[i].as_ptr(), ptr::null()),
                    rd::rd_kafka_ListConsumerGroupOffsets_destroy,
                )
            }
            .ok_or_else(|| KafkaError::client("rd_kafka_ListConsumerGroupOffsets_new returned null"))?;
            let mut requests = one(&request);
            // SAFETY: client, options, queue and request are alive; librdkafka
            // copies the request before returning.
            unsafe {
                rd::rd_kafka_ListConsumerGroupOffsets(
                    call.rk(),
                    requests.as_mut_ptr(),
                    1,
                    call.options(),
                    call.queue(),
                )
            };
            Ok(())
        },
        |event| {
            let mut cnt = 0;
            // SAFETY: the event is alive and of this type; its group results
            // are copied before it is destroyed.
            Ok(unsafe {
                let result = rd::rd_kafka_event_ListConsumerGroupOffsets_result(event.ptr());
                read_group_results(
                    rd::rd_kafka_ListConsumerGroupOffsets_result_groups(result, &mut cnt),
                    cnt,
                )
            })
        },
    )?;
    let mut offsets = HashMap::with_capacity(answers.len());
    for answer in answers {
        for (group, outcome) in answer {
            let entries = outcome.map_err(|(code, message)| error_code(code, &message, timeout))?;
            let committed = entries
                .into_iter()
                // No committed offset there (-1), or a per-partition error: not committed.
                .filter(|p| p.error.is_none() && p.offset >= 0)
                .map(|p| (p.topic, p.partition, p.offset))
                .collect();
            offsets.insert(group, committed);
        }
    }
    Ok(offsets)
}

type GroupOutcome = (String, Result<Vec<PartitionEntry>, (RDKafkaErrorCode, String)>);

/// Copies of the group results of a ListConsumerGroupOffsets or
/// AlterConsumerGroupOffsets answer.
///
/// # Safety
/// `groups` is null or points to `cnt` group results alive for this call.
unsafe fn read_group_results(
    groups: *mut *const rd::rd_kafka_group_result_t,
    cnt: usize,
) -> Vec<GroupOutcome> {
    // SAFETY: see the function's contract; names, errors and partition lists
    // belong to the group results.
    unsafe {
        array(groups, cnt)
            .iter()
            .map(|&g| {
                let name = string(rd::rd_kafka_group_result_name(g)).unwrap_or_default();
                let outcome = match error_of(rd::rd_kafka_group_result_error(g)) {
                    Some(error) => Err(error),
                    None => Ok(partitions(rd::rd_kafka_group_result_partitions(g))),
                };
                (name, outcome)
            })
            .collect()
    }
}

/// Commits offsets for each group, as AlterConsumerGroupOffsets (the group
/// must have no active members): one request per group, concurrently.
/// `offsets` maps a group to its (topic, partition, offset) list.
pub fn alter_consumer_group_offsets(
    admin: &Admin,
    offsets: &[(String, Vec<Committed>)],
    timeout: Duration,
) -> Result<(), KafkaError> {
    let requests = offsets
        .iter()
        .map(|(group, partitions)| {
            let name = c_string(group, "group name")?;
            let mut tpl = rdkafka::TopicPartitionList::with_capacity(partitions.len());
            for (topic, partition, offset) in partitions {
                tpl.add_partition_offset(topic, *partition, rdkafka::Offset::Offset(*offset))
                    .map_err(|e| KafkaError::client(format!("offset list: {e}")))?;
            }
            Ok((name, tpl))
        })
        .collect::<Result<Vec<_>, KafkaError>>()?;
    let answers = run(
        admin,
        rd::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS,
        rd::RD_KAFKA_EVENT_ALTERCONSUMERGROUPOFFSETS_RESULT,
        timeout,
        requests.len(),
        |call, i| {
            let (name, tpl) = &requests[i];
            // SAFETY: the name is a valid C string and the list alive (owned by
            // `tpl`); both are copied; the request object is ours.
            let request = unsafe {
                Owned::new(
                    rd::rd_kafka_AlterConsumerGroupOffsets_new(name.as_ptr(), tpl.ptr()),
                    rd::rd_kafka_AlterConsumerGroupOffsets_destroy,
                )
            }
            .ok_or_else(|| KafkaError::client("rd_kafka_AlterConsumerGroupOffsets_new returned null"))?;
            let mut requests = one(&request);
            // SAFETY: client, options, queue and request are alive; librdkafka
            // copies the request before returning.
            unsafe {
                rd::rd_kafka_AlterConsumerGroupOffsets(
                    call.rk(),
                    requests.as_mut_ptr(),
                    1,
                    call.options(),
                    call.queue(),
                )
            };
            Ok(())
        },
        |event| {
            let mut cnt = 0;
            // SAFETY: the event is alive and of this type; its group results
            // are copied before it is destroyed.
            Ok(unsafe {
                let result = rd::rd_kafka_event_AlterConsumerGroupOffsets_result(event.ptr());
                read_group_results(
                    rd::rd_kafka_AlterConsumerGroupOffsets_result_groups(result, &mut cnt),
                    cnt,
                )
            })
        },
    )?;
    for (group, outcome) in answers.into_iter().flatten() {
        let failed = match outcome {
            Err(error) => Some(error),
            Ok(entries) => entries.into_iter().find_map(|p| {
                p.error
                    .map(|code| (code, format!("{} [{}]", p.topic, p.partition)))
            }),
        };
        if let Some((code, detail)) = failed {
            return Err(commit_error(&group, code, &detail, timeout));
        }
    }
    Ok(())
}

/// Forgets `group`'s committed offsets on these partitions (OffsetDelete,
/// KIP-496). The partitions of each answer, or the error of the first that
/// failed: `GroupSubscribedToTopic` while a member still reads the topic,
/// `UnsupportedVersion` where the broker lacks the request.
pub fn delete_consumer_group_offsets(
    admin: &Admin,
    group: &str,
    partitions: &[(String, i32)],
    timeout: Duration,
) -> Result<Vec<(String, i32)>, KafkaError> {
    let name = c_string(group, "group name")?;
    let mut tpl = rdkafka::TopicPartitionList::with_capacity(partitions.len());
    for (topic, partition) in partitions {
        tpl.add_partition(topic, *partition);
    }
    let answers = run(
        admin,
        rd::rd_kafka_admin_op_t::RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS,
        rd::RD_KAFKA_EVENT_DELETECONSUMERGROUPOFFSETS_RESULT,
        timeout,
        1,
        |call, _| {
            // SAFETY: the name is a valid C string and the list alive (owned by
            // `tpl`); both are copied; the request object is ours.
            let request = unsafe {
                Owned::new(
                    rd::rd_kafka_DeleteConsumerGroupOffsets_new(name.as_ptr(), tpl.ptr()),
                    rd::rd_kafka_DeleteConsumerGroupOffsets_destroy,
                )
            }
            .ok_or_else(|| KafkaError::client("rd_kafka_DeleteConsumerGroupOffsets_new returned null"))?;
            let mut requests = one(&request);
            // SAFETY: client, options, queue and request are alive; librdkafka
            // copies the request before returning.
            unsafe {
                rd::rd_kafka_DeleteConsumerGroupOffsets(
                    call.rk(),
                    requests.as_mut_ptr(),
                    1,
                    call.options(),
                    call.queue(),
                )
            };
            Ok(())
        },
        |event| {
            let mut cnt = 0;
            // SAFETY: the event is alive and of this type; its group results
            // are copied before it is destroyed.
            Ok(unsafe {
                let result = rd::rd_kafka_event_DeleteConsumerGroupOffsets_result(event.ptr());
                read_group_results(
                    rd::rd_kafka_DeleteConsumerGroupOffsets_result_groups(result, &mut cnt),
                    cnt,
                )
            })
        },
    )?;
    let mut deleted = Vec::new();
    for (_, outcome) in answers.into_iter().flatten() {
        let entries = outcome.map_err(|(code, detail)| commit_error(group, code, &detail, timeout))?;
        for entry in entries {
            if let Some(code) = entry.error {
                return Err(commit_error(
                    group,
                    code,
                    &format!("{} [{}]: {code}", entry.topic, entry.partition),
                    timeout,
                ));
            }
            deleted.push((entry.topic, entry.partition));
        }
    }
    Ok(deleted)
}

/// A refused offset commit: a group that has members again is a conflict.
fn commit_error(group: &str, code: RDKafkaErrorCode, detail: &str, timeout: Duration) -> KafkaError {
    use RDKafkaErrorCode as C;
    match code {
        C::UnknownMemberId
        | C::IllegalGeneration
        | C::RebalanceInProgress
        | C::NonEmptyGroup
        | C::GroupSubscribedToTopic => KafkaError::GroupActive {
            group: group.to_owned(),
            members: None,
        },
        other => error_code(other, &format!("{detail}: {other}"), timeout),
    }
}
