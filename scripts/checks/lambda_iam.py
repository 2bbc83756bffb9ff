"""Each Lambda function's IAM role allows the Kafka calls its routes make.

With IAM authentication MSK answers only what the role allows, often
without an error: a metadata request leaves out every topic the role may not
DescribeTopic, so a function short of a grant shows one topic where there
are hundreds and no under-replicated partitions, silently. Nothing here can
call MSK, so this compares two tables:

- which function serves each operation: the route table,
  lambdas/api/src/routes.rs (read here; every OperationId must appear in it);
- what each operation asks Kafka for, as MSK IAM actions on kinds of
  resource: NEEDS below, one entry per OperationId (an operation added to
  the route table fails this check until its needs are written down);

against what terraform/modules/lambdas grants each function
(local.kafka_statements, and the Deny on the protected topics).

Resource kinds: cluster; any-topic (every topic, the protected ones
included: metadata, lists, details); user-topic (a topic a person names,
never a protected one); audit-topic, schema-topic, copy-runs-topic,
activity-topic, history-topic, ingest-keys-topic (the console's own);
browser-group (the reading consumer's group id); any-group.

Run with the python scripts/check-terraform.sh uses for python-hcl2.
"""

import pathlib
import re
import sys

import hcl2

root = pathlib.Path(__file__).resolve().parents[2]

CONNECT = [("Connect", "cluster")]
# A reading consumer (browse, audit, schemas): assign, no commits, with the
# browser group id.
READER = [("DescribeGroup", "browser-group")]
# Every mutating call writes one audit record with the idempotent producer,
# creating the audit topic first if it is not there yet (AUDIT_TOPIC.ensure):
# on a new cluster the first change may come through any function.
AUDIT = [
    ("DescribeTopic", "audit-topic"),
    ("CreateTopic", "audit-topic"),
    ("WriteData", "audit-topic"),
    ("WriteDataIdempotently", "cluster"),
]
# Reading the schemas also makes sure their topic exists (catch_up ensures it),
# so a produce on a new cluster may be the call that creates it.
READ_SCHEMA = [("DescribeTopic", "schema-topic"), ("CreateTopic", "schema-topic"), ("ReadData", "schema-topic")] + READER
# Writing a schema creates the schema topic on first use (SCHEMA_TOPIC.ensure).
WRITE_SCHEMA = READ_SCHEMA + [("CreateTopic", "schema-topic"), ("WriteData", "schema-topic"), ("WriteDataIdempotently", "cluster")]
TOPIC_DETAIL = [("DescribeTopic", "user-topic"), ("DescribeTopicDynamicConfiguration", "user-topic")]

NEEDS = {
    "health": [],
    "openapi": [],
    "me": [],
    # Each cluster's totals come from its full metadata: every topic,
    # including the protected ones, and their replicas.
    "list_clusters": CONNECT + [("DescribeTopic", "any-topic")],
    "get_cluster": CONNECT + [("DescribeCluster", "cluster"), ("DescribeTopic", "any-topic")],
    # The trail's reader makes sure the audit topic exists (AUDIT_TOPIC.ensure
    # in audit_trail: an empty trail on a new cluster, not an error) and reads
    # partition 0.
    "get_audit": CONNECT + [("DescribeTopic", "audit-topic"), ("CreateTopic", "audit-topic"), ("ReadData", "audit-topic")] + READER,
    "export_audit": CONNECT + [("DescribeTopic", "audit-topic"), ("CreateTopic", "audit-topic"), ("ReadData", "audit-topic")] + READER,
    # The list shows protected topics too, read-only.
    # Produce rates are measured against the lag sampler's topic ends.
    "list_topics": CONNECT + [("DescribeTopic", "any-topic"), ("ReadData", "activity-topic")],
    "create_topic": CONNECT + [("CreateTopic", "user-topic")] + TOPIC_DETAIL + AUDIT,
    # ... and each partition's newest record is read for its time.
    "get_topic": CONNECT + [("DescribeTopic", "any-topic"), ("DescribeTopicDynamicConfiguration", "any-topic"), ("ReadData", "user-topic"), ("ReadData", "activity-topic")] + READER,
    # Deleting a topic also deletes its schema.
    "delete_topic": CONNECT + [("DescribeTopic", "user-topic"), ("DeleteTopic", "user-topic")] + WRITE_SCHEMA + AUDIT,
    "get_topic_configs": CONNECT + [("DescribeTopic", "any-topic"), ("DescribeTopicDynamicConfiguration", "any-topic")],
    "alter_topic_configs": CONNECT + TOPIC_DETAIL + [("AlterTopicDynamicConfiguration", "user-topic")] + AUDIT,
    # CreatePartitions is ALTER on the topic.
    "add_partitions": CONNECT + TOPIC_DETAIL + [("AlterTopic", "user-topic")] + AUDIT,
    # DeleteRecords is DELETE on the topic.
    "purge_topic": CONNECT + [("DescribeTopic", "user-topic"), ("DeleteTopic", "user-topic")] + AUDIT,
    "get_schema": CONNECT + [("DescribeTopic", "user-topic")] + READ_SCHEMA,
    "put_schema": CONNECT + [("DescribeTopic", "user-topic")] + WRITE_SCHEMA + AUDIT,
    "delete_schema": CONNECT + [("DescribeTopic", "user-topic")] + WRITE_SCHEMA + AUDIT,
    # The schema registry's routes (issue #13). With a registry (Glue or
    # Confluent) they call it, not Kafka (the Glue grants are
    # scripts/checks/glue_iam.py's); a cluster without one answers from its
    # built-in per-topic store, the schema topic.
    "get_topic_schemas": CONNECT + [("DescribeTopic", "user-topic")] + READ_SCHEMA,
    "list_schemas": CONNECT + READ_SCHEMA,
    "get_registry_schema": CONNECT + READ_SCHEMA,
    "get_schema_version": CONNECT + READ_SCHEMA,
    # Changes to the registry are audited like every mutating call.
    "register_schema_version": CONNECT + AUDIT,
    "check_schema_compatibility": CONNECT,
    "set_schema_compatibility": CONNECT + AUDIT,
    "browse_messages": CONNECT + [("DescribeTopic", "user-topic"), ("ReadData", "user-topic")] + READER,
    "get_message": CONNECT + [("DescribeTopic", "user-topic"), ("ReadData", "user-topic")] + READER,
    # Validated against the topic's schema, produced idempotently.
    # A live tail reads like a browse (a long poll, same consumer).
    "tail_messages": CONNECT + [("DescribeTopic", "user-topic"), ("ReadData", "user-topic")] + READER,
    # A copy or redrive step reads the source, writes the targets
    # idempotently, and records itself in the copy-runs ledger, which it
    # creates on first use (RUNS_TOPIC in copy/ledger.rs).
    "copy_messages": CONNECT
    + [("DescribeTopic", "user-topic"), ("ReadData", "user-topic"), ("WriteData", "user-topic"), ("WriteDataIdempotently", "cluster")]
    + [("DescribeTopic", "copy-runs-topic"), ("CreateTopic", "copy-runs-topic"), ("ReadData", "copy-runs-topic"), ("WriteData", "copy-runs-topic")]
    + READER
    + AUDIT,
    "produce_message": CONNECT + [("DescribeTopic", "user-topic"), ("WriteData", "user-topic"), ("WriteDataIdempotently", "cluster")] + READ_SCHEMA + AUDIT,
    # Lag: the committed offsets and end offsets of every topic a group reads.
    # Time lag reads the record at each lagging committed offset; health
    # reads the lag history (`__configurator_lag_history`, protected).
    "list_groups": CONNECT + [("DescribeGroup", "any-group"), ("DescribeTopic", "any-topic"), ("ReadData", "any-topic")] + READER,
    "get_group": CONNECT + [("DescribeGroup", "any-group"), ("DescribeTopic", "any-topic"), ("ReadData", "any-topic")] + READER,
    "get_lag_history": CONNECT + [("DescribeGroup", "any-group"), ("DescribeTopic", "any-topic"), ("ReadData", "any-topic")] + READER,
    # OffsetDelete is DELETE on the group and READ on the topic.
    "delete_group_offsets": CONNECT + [("DescribeGroup", "any-group"), ("DeleteGroup", "any-group"), ("DescribeTopic", "user-topic"), ("ReadData", "user-topic")] + AUDIT,
    "delete_group": CONNECT + [("DescribeGroup", "any-group"), ("DeleteGroup", "any-group")] + AUDIT,
    # Committing offsets is READ on the group and on the topic.
    "reset_offsets": CONNECT + [("DescribeGroup", "any-group"), ("AlterGroup", "any-group"), ("DescribeTopic", "user-topic"), ("ReadData", "user-topic")] + AUDIT,
    # Ingest (lambdas/src/ingest/): events checked against the topic's
    # schema and written idempotently; a post with an Idempotency-Key reads
    # and writes the ingest-keys ledger, which it creates on first use
    # (KEYS_TOPIC in ingest/ledger.rs). Every post is audited.
    "publish_events": CONNECT
    + [("DescribeTopic", "user-topic"), ("WriteData", "user-topic"), ("WriteDataIdempotently", "cluster")]
    + READ_SCHEMA
    + [("DescribeTopic", "ingest-keys-topic"), ("CreateTopic", "ingest-keys-topic"), ("ReadData", "ingest-keys-topic"), ("WriteData", "ingest-keys-topic")]
    + AUDIT,
    # The catalogue: the topic list and which topics have a schema.
    "list_event_topics": CONNECT + [("DescribeTopic", "any-topic")] + READ_SCHEMA,
    "get_event_topic": CONNECT + [("DescribeTopic", "user-topic")] + READ_SCHEMA,
}

# What each local of modules/lambdas names, as resource kinds.
RESOURCES = {
    "cluster_arn": {"cluster"},
    "all_topics": {"any-topic", "user-topic", "audit-topic", "schema-topic", "copy-runs-topic", "activity-topic", "history-topic", "ingest-keys-topic"},
    "activity_topic": {"activity-topic"},
    "history_topic": {"history-topic"},
    "sampler_topics": {"history-topic", "activity-topic"},
    "ingest_keys_topic": {"ingest-keys-topic"},
    "audit_topic": {"audit-topic"},
    "copy_runs_topic": {"copy-runs-topic"},
    "schema_topic": {"schema-topic"},
    "all_groups": {"any-group", "browser-group"},
    "browser_group": {"browser-group"},
}
# NotResource = the protected topics: every topic but those (the audit and
# schema topics are protected: `__configurator_*`).
NOT_RESOURCES = {"protected_topics": {"user-topic"}}
# What the Deny on protected_topics takes away: any-topic includes them.
PROTECTED = {"any-topic", "audit-topic", "schema-topic", "copy-runs-topic", "activity-topic", "history-topic", "ingest-keys-topic"}


def pascal(snake):
    return "".join(part.capitalize() for part in snake.split("_"))


# --- the route table -----------------------------------------------------------
routes = (root / "lambdas/api/src/routes.rs").read_text()
variants = re.search(r"pub enum OperationId \{(.*?)\}", routes, re.S).group(1)
variants = re.findall(r"^\s*(\w+),", variants, re.M)
names = dict(re.findall(r"Self::(\w+) => \"(\w+)\"", routes.split("impl OperationId", 1)[1].split("\n}\n", 1)[0]))
table = routes.split("pub const OPERATIONS", 1)[1].split("\n];", 1)[0]
served_by = dict(re.findall(r"Operation \{\s*id: Id::(\w+),\s*method: \w+,\s*path: \"[^\"]*\",\s*function: (\w+),", table))
served_by.update(re.findall(r"op\(\s*Id::(\w+),\s*\w+,\s*\"[^\"]*\",\s*(\w+),", table))
# ingest(…) operations are the messages function's (routes.rs, `const fn ingest`).
served_by.update((v, "Messages") for v in re.findall(r"ingest\(\s*Id::(\w+),", table))

failures = []
if sorted(served_by) != sorted(variants):
    failures.append(f"routes.rs: read {sorted(served_by)} from OPERATIONS but OperationId has {sorted(variants)}: update this parser")
for variant in variants:
    name = names.get(variant)
    if name not in NEEDS:
        failures.append(f"operation {name or variant}: no entry in NEEDS of scripts/checks/lambda_iam.py: write down the Kafka calls it makes")
for name in NEEDS:
    if name not in names.values():
        failures.append(f"NEEDS names {name}, which the route table no longer has")

# --- the grants ----------------------------------------------------------------
with (root / "terraform/modules/lambdas/main.tf").open() as f:
    parsed = hcl2.load(f)
statements = next(l["kafka_statements"] for l in parsed["locals"] if "kafka_statements" in l)


def local_of(expression):
    m = re.fullmatch(r"\$\{local\.(\w+)\}", str(expression))
    return m and m.group(1)


def unquote(s):
    return s.strip('"')


denied = set()
for data in parsed["data"]:
    for doc in data.get('"aws_iam_policy_document"', data.get("aws_iam_policy_document", {})).values():
        for dynamic in doc.get("dynamic", []):
            statement = dynamic.get('"statement"', dynamic.get("statement"))
            for content in statement.get("content", []) if isinstance(statement, dict) else []:
                if unquote(str(content.get("effect", ""))) == "Deny" and local_of(content.get("resources")) == "protected_topics":
                    denied |= {unquote(a).removeprefix("kafka-cluster:") for a in content["actions"]}
if not denied:
    failures.append("modules/lambdas: found no Deny statement on local.protected_topics (the parser or the policy changed)")

granted = {}
for function, stmts in statements.items():
    allowed = set()
    for stmt in stmts:
        actions = [unquote(a) for a in stmt["actions"]]
        if "resources" in stmt:
            kinds = RESOURCES.get(local_of(stmt["resources"]))
        else:
            kinds = NOT_RESOURCES.get(local_of(stmt.get("not_resources")))
        if kinds is None:
            failures.append(f"modules/lambdas {function} {unquote(stmt['sid'])}: resources {stmt.get('resources', stmt.get('not_resources'))} unknown to this check")
            continue
        allowed |= {(a, k) for a in actions for k in kinds if not (a in denied and k in PROTECTED)}
    granted[function] = allowed

checked = 0
for variant, function in sorted(served_by.items()):
    name = names.get(variant)
    fn = function.lower()
    for action, kind in NEEDS.get(name, []):
        checked += 1
        if (action, kind) not in granted.get(fn, set()):
            failures.append(
                f"{name} ({fn} function): needs kafka-cluster:{action} on {kind}, which the {fn} role does not allow "
                "(terraform/modules/lambdas, local.kafka_statements): MSK refuses it or, for DescribeTopic, "
                "silently leaves the topics out"
            )

for failure in failures:
    print(f"FAIL {failure}", file=sys.stderr)
print(f"{len(served_by)} operations, {checked} Kafka needs checked against the four functions' IAM grants")
sys.exit(1 if failures else 0)
