# The four Lambda functions of the API, one per route group, all from the
# same `bootstrap.zip` (cargo lambda build --release --arm64 --output-format
# zip). CONFIGURATOR_FUNCTION tells each which routes it serves; each has its
# own role that allows only the Kafka actions those routes use, on every
# cluster of var.clusters that uses IAM (SCRAM clusters are governed by their
# Kafka ACLs). The clusters reach the functions as CLUSTERS_TOML.
#
# Releases: every apply that changes the zip publishes a new version. The
# `live` alias (what Kong invokes) points at it directly unless a canary is
# configured: then it stays on `stable_versions[fn]` and sends
# `canary_weight` of the traffic to the new version (see the README).
#
# The lag sampler (sampler.tf) is a fifth function from the same zip, run by
# a schedule rather than by Kong.

data "aws_partition" "current" {}

# The Glue registries are in the stack's account (their ARNs name it).
data "aws_caller_identity" "current" {}

locals {
  functions = toset(["cluster", "topics", "messages", "groups"])

  # IAM resources of every msk-iam cluster. A cluster's topics and groups
  # are arn:...:topic/<name>/<uuid>/<topic> and arn:...:group/<name>/<uuid>/<group>
  # beside its arn:...:cluster/<name>/<uuid>; each list below holds one
  # entry per cluster, so every statement grants the same on each cluster
  # (each has its own audit and schema topics and browser group).
  iam_cluster_arns = [for c in var.clusters : c.msk_cluster_arn if c.auth == "msk-iam"]
  topic_prefixes   = [for arn in local.iam_cluster_arns : replace(arn, ":cluster/", ":topic/")]
  group_prefixes   = [for arn in local.iam_cluster_arns : replace(arn, ":cluster/", ":group/")]

  cluster_arn  = local.iam_cluster_arns
  all_topics   = [for p in local.topic_prefixes : "${p}/*"]
  audit_topic  = [for p in local.topic_prefixes : "${p}/${var.audit_topic}"]
  schema_topic = [for p in local.topic_prefixes : "${p}/${var.schema_topic}"]
  # The ledger of copy and redrive steps (lambdas/src/kafka/messages/copy/
  # ledger.rs, RUNS_TOPIC; its name is fixed there): the messages function
  # creates it on first use, reads it and writes it.
  copy_runs_topic = [for p in local.topic_prefixes : "${p}/__configurator_copy_runs"]
  # The ingest API's idempotency keys (lambdas/src/ingest/ledger.rs,
  # KEYS_TOPIC): the messages function creates, reads and writes it.
  ingest_keys_topic = [for p in local.topic_prefixes : "${p}/__configurator_ingest_keys"]
  # The lag sampler's two topics (lambdas/src/kafka/lag_history.rs, names
  # fixed there): it creates both on first use and writes them; the groups
  # function reads the history (through all_topics), the topics function
  # the topic ends for produce rates.
  history_topic  = [for p in local.topic_prefixes : "${p}/__configurator_lag_history"]
  activity_topic = [for p in local.topic_prefixes : "${p}/__configurator_topic_activity"]
  sampler_topics = concat(local.history_topic, local.activity_topic)
  all_groups     = [for p in local.group_prefixes : "${p}/*"]
  # The short-lived consumer that browses messages and reads the audit and
  # schema topics (assign, no commits) uses this group id.
  browser_group = [for p in local.group_prefixes : "${p}/${var.browser_group}"]

  # Kafka permissions per function, as MSK IAM actions (each is the Kafka ACL
  # of the same name). Notes on the less obvious ones:
  # - DeleteRecords (purge) is authorised as DELETE on the topic, so the
  #   topics function needs DeleteTopic for it as well as for deletion.
  # - Committing offsets (reset-offsets) needs READ on the group *and* on
  #   the topic: AlterGroup plus ReadData for the groups function.
  # - The producers are idempotent (enable.idempotence), hence
  #   WriteDataIdempotently on the cluster wherever WriteData is granted.
  # - Mutating calls write an audit record to the audit topic, and reading
  #   schemas or the trail makes sure their topic exists: each function may
  #   create exactly the console topics it writes or reads (nothing else), so
  #   on a new cluster whichever call comes first creates them, with the
  #   settings in the code (AUDIT_TOPIC, SCHEMA_TOPIC).
  # Kafka's, MSK's and Configurator's own topics (`__*`) and a schema
  # registry's `_schemas`: the API refuses every generic change to them
  # (403 protected_topic); IAM refuses them too, in case the API ever did not.
  # On every cluster.
  protected_topics = flatten([for p in local.topic_prefixes : ["${p}/__*", "${p}/_schemas"]])

  kafka_statements = {
    cluster = [
      # GET /clusters (each cluster's health and totals), GET
      # /clusters/{cluster}, GET /clusters/{cluster}/audit (reads the audit
      # topic), GET /me.
      { sid = "Cluster", actions = ["Connect", "DescribeCluster"], resources = local.cluster_arn },
      # The totals and under-replicated partitions come from the cluster's
      # metadata, and MSK leaves out of it, without an error, every topic
      # the role may not describe: so every topic, the protected ones too.
      { sid = "DescribeTopics", actions = ["DescribeTopic"], resources = local.all_topics },
      { sid = "ReadAudit", actions = ["CreateTopic", "ReadData"], resources = local.audit_topic },
      { sid = "BrowserGroup", actions = ["DescribeGroup", "AlterGroup"], resources = local.browser_group },
    ]
    topics = [
      { sid = "Cluster", actions = ["Connect", "DescribeCluster", "WriteDataIdempotently"], resources = local.cluster_arn },
      # Creating stays allowed everywhere: the function creates the console's
      # own topics on first use (the API refuses a person's `__` names).
      {
        sid       = "ReadAndCreateTopics"
        actions   = ["CreateTopic", "DescribeTopic", "DescribeTopicDynamicConfiguration"]
        resources = local.all_topics
      },
      {
        sid           = "ChangeTopicsButProtected"
        actions       = ["AlterTopic", "DeleteTopic", "AlterTopicDynamicConfiguration"]
        not_resources = local.protected_topics
      },
      { sid = "Schemas", actions = ["ReadData", "WriteData"], resources = local.schema_topic },
      # A topic's page shows each partition's newest record time, and the
      # topic list produce rates from the sampler's topic ends.
      { sid = "NewestRecords", actions = ["ReadData"], not_resources = local.protected_topics },
      { sid = "TopicActivity", actions = ["ReadData"], resources = local.activity_topic },
      { sid = "WriteAudit", actions = ["WriteData"], resources = local.audit_topic },
      { sid = "BrowserGroup", actions = ["DescribeGroup", "AlterGroup"], resources = local.browser_group },
    ]
    messages = [
      # Browse and produce on any topic but the protected ones (the API's own
      # policy decides who may); reads schemas for validation and writes
      # audit records.
      { sid = "Cluster", actions = ["Connect", "WriteDataIdempotently"], resources = local.cluster_arn },
      { sid = "DescribeTopics", actions = ["DescribeTopic"], resources = local.all_topics },
      { sid = "MessagesButProtected", actions = ["ReadData", "WriteData"], not_resources = local.protected_topics },
      { sid = "ReadSchemas", actions = ["CreateTopic", "ReadData"], resources = local.schema_topic },
      { sid = "WriteAudit", actions = ["CreateTopic", "WriteData"], resources = local.audit_topic },
      # Copy and redrive steps record themselves here (a protected `__` topic,
      # so MessagesButProtected does not cover it).
      { sid = "CopyRuns", actions = ["CreateTopic", "ReadData", "WriteData"], resources = local.copy_runs_topic },
      # Posts with an Idempotency-Key record themselves here (protected too).
      { sid = "IngestKeys", actions = ["CreateTopic", "ReadData", "WriteData"], resources = local.ingest_keys_topic },
      { sid = "BrowserGroup", actions = ["DescribeGroup", "AlterGroup"], resources = local.browser_group },
    ]
    groups = [
      { sid = "Cluster", actions = ["Connect", "DescribeCluster", "WriteDataIdempotently"], resources = local.cluster_arn },
      # Lag needs offsets of every topic, time lag the record at each
      # committed offset, health the lag history (a protected topic);
      # reset-offsets commits on them.
      { sid = "TopicOffsets", actions = ["DescribeTopic", "ReadData"], resources = local.all_topics },
      { sid = "ManageGroups", actions = ["DescribeGroup", "AlterGroup", "DeleteGroup"], resources = local.all_groups },
      { sid = "WriteAudit", actions = ["CreateTopic", "WriteData"], resources = local.audit_topic },
    ]
    # The lag sampler (sampler.tf): every group's committed offsets, every
    # topic's end offsets and the record at each lagging committed offset
    # (for its timestamp); its writes go to its own two topics only, which it
    # creates on first use. It changes no group and writes no audit record.
    sampler = [
      { sid = "Cluster", actions = ["Connect", "DescribeCluster", "WriteDataIdempotently"], resources = local.cluster_arn },
      { sid = "TopicOffsets", actions = ["DescribeTopic", "ReadData"], resources = local.all_topics },
      { sid = "DescribeGroups", actions = ["DescribeGroup"], resources = local.all_groups },
      {
        sid       = "SamplerTopics"
        actions   = ["CreateTopic", "DescribeTopic", "ReadData", "WriteData"]
        resources = local.sampler_topics
      },
    ]
  }

  # Schema registries (issue #13). Glue: the functions call it with their
  # roles, so IAM decides, per function and per registry: the messages
  # function reads (decoding, producing with a chosen schema), the topics
  # function (the /schemas routes) also registers versions, creates schemas
  # and changes compatibility; cluster and groups get no Glue permission.
  # Always on a registry's ARN and its schemas' (registry/<name>,
  # schema/<name>/*), never `*`: a registry name holds no wildcard
  # characters (the stack validates it). The one exception,
  # CheckSchemaVersionValidity (topics only), has its own statement in the
  # function policy: see GlueCheckSchemaValidity there.
  glue_registries = { for c in var.clusters : c.id => c.schema_registry if c.schema_registry != null && try(c.schema_registry.kind, "") == "glue" }
  glue_prefix     = "arn:${data.aws_partition.current.partition}:glue"
  glue_registry_arns = distinct([
    for r in values(local.glue_registries) : "${local.glue_prefix}:${r.region}:${data.aws_caller_identity.current.account_id}:registry/${r.registry_name}"
  ])
  glue_schema_arns = distinct([
    for r in values(local.glue_registries) : "${local.glue_prefix}:${r.region}:${data.aws_caller_identity.current.account_id}:schema/${r.registry_name}/*"
  ])
  glue_read = ["GetRegistry", "ListSchemas", "GetSchema", "ListSchemaVersions", "GetSchemaVersion", "GetSchemaByDefinition"]
  glue_statements = {
    messages = [
      { sid = "ReadRegistry", actions = local.glue_read },
    ]
    topics = [
      { sid = "ReadRegistry", actions = local.glue_read },
      { sid = "ChangeRegistry", actions = ["CreateSchema", "RegisterSchemaVersion", "UpdateSchema", "GetSchemaVersionsDiff"] },
    ]
  }

  # Confluent-compatible registries with credentials: like the SCRAM
  # passwords, Terraform reads the secret and hands the password or token
  # to the functions in an environment variable named in CLUSTERS_TOML
  # (password_env or token_env). Only the functions that call the registry
  # (topics, messages) get the variables, and only their CLUSTERS_TOML
  # names a registry at all: cluster and groups never call one.
  registry_functions = toset(["topics", "messages"])
  registry_secret_clusters = {
    for c in var.clusters : c.id => c.schema_registry
    if c.schema_registry != null && try(c.schema_registry.kind, "") == "confluent" && try(c.schema_registry.credentials, "none") != "none"
  }
  registry_env = {
    for id, r in local.registry_secret_clusters : id => "SR_${r.credentials == "basic" ? "PASSWORD" : "TOKEN"}_${upper(replace(id, "-", "_"))}"
  }
  registry_secret = { for id, v in data.aws_secretsmanager_secret_version.registry : id => jsondecode(v.secret_string) }
  registry_secret_values = {
    for id, r in local.registry_secret_clusters : local.registry_env[id] => r.credentials == "basic" ? local.registry_secret[id].password : local.registry_secret[id].token
  }

  # A cluster's [clusters.schema_registry] table, last in its [[clusters]]
  # entry (TOML: the keys after a table header belong to that table).
  registry_toml = {
    for c in var.clusters : c.id => c.schema_registry == null ? [] : concat(
      [
        "[clusters.schema_registry]",
        "kind = ${jsonencode(c.schema_registry.kind)}",
      ],
      c.schema_registry.kind == "glue" ? [
        "registry_name = ${jsonencode(c.schema_registry.registry_name)}",
        "region = ${jsonencode(c.schema_registry.region)}",
      ] : ["url = ${jsonencode(c.schema_registry.url)}"],
      c.schema_registry.credentials == "basic" ? [
        "username = ${jsonencode(nonsensitive(local.registry_secret[c.id].username))}",
        "password_env = ${jsonencode(local.registry_env[c.id])}",
      ] : [],
      c.schema_registry.credentials == "bearer" ? ["token_env = ${jsonencode(local.registry_env[c.id])}"] : [],
      c.schema_registry.strategy == null ? [] : ["strategy = ${jsonencode(c.schema_registry.strategy)}"],
      c.schema_registry.request_timeout_ms == null ? [] : ["request_timeout_ms = ${c.schema_registry.request_timeout_ms}"],
    )
  }

  # SCRAM clusters: user and password from the cluster's AmazonMSK_*
  # secret. The functions read the password from an environment variable
  # named in CLUSTERS_TOML (password_env), one per cluster; ids hold no '_',
  # so the names cannot collide.
  scram_clusters = { for c in var.clusters : c.id => c if c.auth == "scram-sha-512" }
  password_env   = { for id, c in local.scram_clusters : id => "KAFKA_SASL_PASSWORD_${upper(replace(id, "-", "_"))}" }
  scram_secret   = { for id, v in data.aws_secretsmanager_secret_version.scram : id => jsondecode(v.secret_string) }

  # CLUSTERS_TOML, the list the functions read (lambdas/src/clusters/settings.rs),
  # per function and for the sampler: only topics and messages get the
  # schema registries.
  # jsonencode() makes each string a valid TOML basic string (the same
  # escapes: \", \\, \uXXXX). Only the fields the functions know: they
  # refuse any other.
  clusters_toml = { for fn in setunion(local.functions, ["sampler"]) : fn => join("\n", concat(
    var.default_cluster == null ? [] : ["default = ${jsonencode(var.default_cluster)}"],
    flatten([for c in var.clusters : concat(
      [
        "[[clusters]]",
        "id = ${jsonencode(c.id)}",
        "name = ${jsonencode(c.name)}",
      ],
      c.environment == null ? [] : ["environment = ${jsonencode(c.environment)}"],
      [
        "bootstrap_servers = ${jsonencode(c.bootstrap_servers)}",
        "auth = ${jsonencode(c.auth)}",
      ],
      # The region of the cluster's ARN signs its IAM tokens (it may differ
      # from the functions' AWS_REGION).
      c.auth == "msk-iam" ? ["region = ${jsonencode(split(":", c.msk_cluster_arn)[3])}"] : [],
      c.auth == "scram-sha-512" ? [
        "username = ${jsonencode(nonsensitive(local.scram_secret[c.id].username))}",
        "password_env = ${jsonencode(local.password_env[c.id])}",
      ] : [],
      contains(local.registry_functions, fn) ? local.registry_toml[c.id] : [],
    )]),
  )) }

  environment = {
    for fn in local.functions : fn => merge(
      {
        CONFIGURATOR_FUNCTION    = fn
        CLUSTERS_TOML            = local.clusters_toml[fn]
        KAFKA_REQUEST_TIMEOUT_MS = tostring(var.kafka_request_timeout_ms)
        OIDC_ISSUER              = var.oidc_issuer
        OIDC_AUDIENCE            = var.oidc_audience
        OIDC_GROUPS_CLAIM        = var.oidc_groups_claim
        # The secret's ARN, not its value: the value never appears in the
        # function's configuration.
        AUDIT_SIGNING_KEYS_SECRET_ARN = aws_secretsmanager_secret.audit_keys.arn
      },
      { for id, name in local.password_env : name => local.scram_secret[id].password },
      contains(local.registry_functions, fn) ? local.registry_secret_values : {},
      var.policy_file == "" ? {} : { POLICY_FILE = var.policy_file },
      local.otel_environment[fn],
    )
  }
  # With the ADOT collector layer, each request's span goes to the collector
  # beside the function (OTLP/HTTP on localhost), which sends it to X-Ray.
  otel_environment = {
    for fn in local.functions : fn => var.otel_collector_layer_arn == null ? {} : {
      OTEL_EXPORTER_OTLP_ENDPOINT = "http://localhost:4318"
      OTEL_SERVICE_NAME           = "${var.name}-${fn}"
    }
  }
  # Lambda's limit for all environment variables of a function together
  # (names and values).
  # nonsensitive: a SCRAM password's length is no secret worth hiding the
  # check's result for.
  environment_bytes = { for fn, env in local.environment : fn => nonsensitive(sum([for k, v in env : length(k) + length(v)])) }

  # Which version `live` points at, and whether it splits traffic.
  stable_version = {
    for fn in local.functions : fn => lookup(var.stable_versions, fn, aws_lambda_function.this[fn].version)
  }
  canary = {
    for fn in local.functions : fn => var.canary_weight > 0 && contains(keys(var.stable_versions), fn)
  }
}

# --- IAM ---------------------------------------------------------------------

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  for_each = local.functions

  name               = "${var.name}-${each.key}"
  description        = "Configurator ${each.key} Lambda"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "function" {
  for_each = local.functions

  # None without an msk-iam cluster: a statement needs a resource.
  dynamic "statement" {
    for_each = length(local.iam_cluster_arns) > 0 ? local.kafka_statements[each.key] : []

    content {
      sid           = "Kafka${statement.value.sid}"
      actions       = [for a in statement.value.actions : "kafka-cluster:${a}"]
      resources     = lookup(statement.value, "resources", null)
      not_resources = lookup(statement.value, "not_resources", null)
    }
  }

  # Glue schema registries: topics and messages only, on the registries'
  # and their schemas' ARNs only (see local.glue_statements).
  dynamic "statement" {
    for_each = length(local.glue_registry_arns) > 0 ? lookup(local.glue_statements, each.key, []) : []

    content {
      sid       = "Glue${statement.value.sid}"
      actions   = [for a in statement.value.actions : "glue:${a}"]
      resources = concat(local.glue_registry_arns, local.glue_schema_arns)
    }
  }

  # POST /clusters/{c}/schemas/{schema}/compatibility-check on a Glue
  # registry calls CheckSchemaVersionValidity, which IAM knows no resource
  # type for (Service Authorization Reference: `*` only), so `*` is the only
  # resource it can be granted on. That is harmless: the action reads no
  # registry, schema or Data Catalog object and changes nothing; it only
  # parses the definition given in the request (does it parse as Avro, JSON
  # Schema or Protobuf). Topics only (the /schemas routes), and only when a
  # Glue registry is configured; this one action, nothing else on `*`
  # (scripts/checks/glue_iam.py). Without it the route answers 502
  # registry_refused (AccessDenied).
  dynamic "statement" {
    for_each = each.key == "topics" && length(local.glue_registry_arns) > 0 ? [1] : []

    content {
      sid       = "GlueCheckSchemaValidity"
      actions   = ["glue:CheckSchemaVersionValidity"]
      resources = ["*"]
    }
  }

  # Defence in depth: whatever the statements above allow, no function may
  # delete or reconfigure a protected topic, on any cluster.
  dynamic "statement" {
    for_each = length(local.iam_cluster_arns) > 0 ? [1] : []

    content {
      sid    = "KafkaNeverChangeProtectedTopics"
      effect = "Deny"
      actions = [
        "kafka-cluster:DeleteTopic",
        "kafka-cluster:AlterTopic",
        "kafka-cluster:AlterTopicDynamicConfiguration",
      ]
      resources = local.protected_topics
    }
  }

  # Its own log group only (the function does not create log groups).
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this[each.key].arn}:*"]
  }

  # The audit signing keys, read once per cold start through the Parameters
  # and Secrets extension, which calls Secrets Manager with this role.
  statement {
    sid       = "AuditSigningKeys"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.audit_keys.arn]
  }

  # The environment variables (and the secret above) are encrypted with the
  # environment's key.
  statement {
    sid       = "DecryptEnvironment"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "function" {
  for_each = local.functions

  name   = "configurator-${each.key}"
  role   = aws_iam_role.this[each.key].id
  policy = data.aws_iam_policy_document.function[each.key].json
}

# ENIs in the VPC: these EC2 actions have no resource-level permissions, so
# the AWS-managed policy (ENI actions only, no logs) is as narrow as it gets.
resource "aws_iam_role_policy_attachment" "vpc" {
  for_each = local.functions

  role       = aws_iam_role.this[each.key].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaENIManagementAccess"
}

# Active tracing: Lambda sends segments with the function's role.
resource "aws_iam_role_policy_attachment" "xray" {
  for_each = local.functions

  role       = aws_iam_role.this[each.key].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

# --- SCRAM secrets of the clusters -----------------------------------------

# The password goes into the function's configuration (encrypted with the
# environment's key, var.kms_key_arn) and into Terraform's state: the
# functions read it from an environment variable. Whoever may read the
# function's configuration and decrypt with that key may read it.
data "aws_secretsmanager_secret_version" "scram" {
  for_each = local.scram_clusters

  secret_id = each.value.scram_secret_arn
}

# --- Schema registry credentials (confluent) --------------------------------

# As with the SCRAM secrets: the password or token goes into the topics and
# messages functions' configuration (encrypted with var.kms_key_arn) and
# into Terraform's state.
data "aws_secretsmanager_secret_version" "registry" {
  for_each = local.registry_secret_clusters

  secret_id = each.value.secret_arn

  lifecycle {
    postcondition {
      condition = (each.value.credentials == "basic"
        ? try(length(jsondecode(self.secret_string).username) > 0 && length(jsondecode(self.secret_string).password) > 0, false)
      : try(length(jsondecode(self.secret_string).token) > 0, false))
      error_message = "The schema registry secret of cluster ${each.key} must be JSON with non-empty \"username\" and \"password\" (credentials = basic) or \"token\" (bearer)."
    }
  }
}

# --- Audit signing keys ------------------------------------------------------

# The key the functions sign audit records with (HMAC-SHA256), as
# `id:secret`. To rotate: put `new-id:new-secret,old-id:old-secret` into the
# secret (the first signs, all verify) and publish the functions again; drop
# the old key once its records have aged out of the audit topic (90 days).
resource "random_password" "audit_key" {
  length  = 48
  special = false
}

resource "aws_secretsmanager_secret" "audit_keys" {
  #checkov:skip=CKV2_AWS_57:Rotation keeps the old key beside the new one for verifying older records (see above), which a rotation Lambda's single-value versions cannot express.
  name        = "${var.name}/lambdas/audit-signing-keys"
  description = "Keys the Configurator API signs and verifies audit records with (id:secret, first signs)"
  kms_key_id  = var.kms_key_arn
}

resource "aws_secretsmanager_secret_version" "audit_keys" {
  secret_id     = aws_secretsmanager_secret.audit_keys.id
  secret_string = "k1:${random_password.audit_key.result}"

  # Rotation is done on the secret itself; an apply must not undo it.
  lifecycle {
    ignore_changes = [secret_string]
  }
}

# --- Functions ---------------------------------------------------------------

resource "aws_cloudwatch_log_group" "this" {
  for_each = local.functions

  name              = "/aws/lambda/${var.name}-${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_lambda_function" "this" {
  for_each = local.functions
  #checkov:skip=CKV_AWS_116:Kong invokes these functions synchronously (RequestResponse); a DLQ only ever receives failed asynchronous events, so it would stay empty.
  #checkov:skip=CKV_AWS_272:The zip is built by cargo lambda and deployed by the same pipeline that builds it; source_code_hash pins the exact artifact. AWS Signer is not set up for this project.

  function_name = "${var.name}-${each.key}"
  description   = "Configurator API: ${each.key} routes"
  role          = aws_iam_role.this[each.key].arn

  filename         = var.package_path
  source_code_hash = filebase64sha256(var.package_path)
  runtime          = "provided.al2023"
  handler          = "bootstrap"
  architectures    = ["arm64"]

  # AWS Parameters and Secrets Lambda Extension (arm64): serves the audit
  # signing keys on localhost, so the binary needs no AWS SDK for it. The
  # ADOT collector, when set: takes the function's spans on localhost.
  layers = compact([var.secrets_extension_layer_arn, var.otel_collector_layer_arn])

  memory_size = var.memory_mb
  timeout     = var.timeout_seconds
  # A function cannot starve the others (or the account) of concurrency,
  # and a runaway caller is throttled instead of overwhelming the cluster.
  reserved_concurrent_executions = var.reserved_concurrency[each.key]

  # Each change publishes a version for the `live` alias (canary releases).
  publish     = true
  kms_key_arn = var.kms_key_arn

  tracing_config {
    mode = "Active"
  }

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [var.security_group_id]
  }

  environment {
    variables = local.environment[each.key]
  }

  lifecycle {
    precondition {
      condition     = local.environment_bytes[each.key] <= 4096
      error_message = "The ${each.key} function's environment variables would exceed Lambda's 4 KB: fewer clusters, shorter names, fewer brokers in bootstrap_brokers, or fewer or shorter schema registry settings and tokens."
    }
  }

  depends_on = [
    aws_cloudwatch_log_group.this,
    aws_iam_role_policy.function,
    aws_iam_role_policy_attachment.vpc,
    aws_secretsmanager_secret_version.audit_keys,
  ]
}

resource "aws_lambda_alias" "live" {
  for_each = local.functions

  name             = var.alias_name
  description      = "What Kong invokes; splits traffic during a canary release"
  function_name    = aws_lambda_function.this[each.key].function_name
  function_version = local.stable_version[each.key]

  dynamic "routing_config" {
    for_each = local.canary[each.key] ? [1] : []

    content {
      additional_version_weights = {
        (aws_lambda_function.this[each.key].version) = var.canary_weight
      }
    }
  }
}
