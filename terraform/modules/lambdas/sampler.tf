# The lag sampler (issue #15): the API's zip with CONFIGURATOR_FUNCTION=
# sampler, invoked once a minute by an EventBridge Scheduler schedule. Each
# invocation samples every cluster once (lambdas/src/lag/sampler.rs): every
# group's committed offsets and the end offsets go to
# __configurator_lag_history and __configurator_topic_activity, each group's
# health is judged by the policy's [[health]] rules, and CloudWatch metrics
# leave as Embedded Metric Format lines in its log (namespace Configurator;
# no PutMetricData call, so no IAM for it).
#
# Not behind Kong and without the `live` alias: the schedule invokes
# $LATEST, so an apply with a new zip changes the sampler at once (canary
# releases and their rollback cover the four API functions only).
# Reserved concurrency 1: two runs never overlap, and a run that would start
# while one still runs is throttled and dropped (no retries, below); the
# next minute's run takes over.

locals {
  sampler = var.sampler_enabled ? toset(["sampler"]) : toset([])

  # The sampler gives each cluster LAG_SAMPLER_BUDGET_MS, one cluster after
  # the other, so the budgets together must end before the timeout with
  # room for a cold start and writing the samples: by default the
  # clusters share 45 s of the 60 s.
  sampler_timeout_seconds = 60
  sampler_budget_ms       = coalesce(var.sampler_budget_ms, floor(45000 / max(1, length(var.clusters))))

  sampler_environment = merge(
    {
      CONFIGURATOR_FUNCTION    = "sampler"
      CLUSTERS_TOML            = local.clusters_toml["sampler"]
      KAFKA_REQUEST_TIMEOUT_MS = tostring(var.kafka_request_timeout_ms)
      # The schedule's rate: run k samples the k-th slice of the groups
      # when a cluster has more than LAG_SAMPLER_MAX_GROUPS.
      LAG_SAMPLER_INTERVAL_MS = "60000"
      LAG_SAMPLER_MAX_GROUPS  = tostring(var.sampler_max_groups)
      LAG_SAMPLER_BUDGET_MS   = tostring(local.sampler_budget_ms)
    },
    { for id, name in local.password_env : name => local.scram_secret[id].password },
    # The [[health]] rules are read from the same policy as the API's.
    var.policy_file == "" ? {} : { POLICY_FILE = var.policy_file },
  )
  sampler_failure_metric    = { namespace = "Configurator", name = "SamplerClusterFailures" }
  sampler_environment_bytes = nonsensitive(sum([for k, v in local.sampler_environment : length(k) + length(v)]))
}

# --- IAM ---------------------------------------------------------------------

resource "aws_iam_role" "sampler" {
  for_each = local.sampler

  name               = "${var.name}-sampler"
  description        = "Configurator lag sampler Lambda"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "sampler" {
  for_each = local.sampler

  # Kafka: local.kafka_statements.sampler (main.tf), on every msk-iam cluster.
  dynamic "statement" {
    for_each = length(local.iam_cluster_arns) > 0 ? local.kafka_statements["sampler"] : []

    content {
      sid       = "Kafka${statement.value.sid}"
      actions   = [for a in statement.value.actions : "kafka-cluster:${a}"]
      resources = statement.value.resources
    }
  }

  # The same defence in depth as the API functions'.
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

  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.sampler[each.key].arn}:*"]
  }

  # The environment is encrypted with the environment's key. No Secrets
  # Manager: the sampler signs no audit record.
  statement {
    sid       = "DecryptEnvironment"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "sampler" {
  for_each = local.sampler

  name   = "configurator-sampler"
  role   = aws_iam_role.sampler[each.key].id
  policy = data.aws_iam_policy_document.sampler[each.key].json
}

resource "aws_iam_role_policy_attachment" "sampler_vpc" {
  for_each = local.sampler

  role       = aws_iam_role.sampler[each.key].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AWSLambdaENIManagementAccess"
}

resource "aws_iam_role_policy_attachment" "sampler_xray" {
  for_each = local.sampler

  role       = aws_iam_role.sampler[each.key].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"
}

# --- Function ----------------------------------------------------------------

resource "aws_cloudwatch_log_group" "sampler" {
  for_each = local.sampler

  name              = "/aws/lambda/${var.name}-sampler"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_lambda_function" "sampler" {
  for_each = local.sampler
  #checkov:skip=CKV_AWS_116:A failed run is not worth replaying: the next scheduled run a minute later samples afresh (retries are off, below), and failures raise the sampler's Errors alarm. A DLQ would only collect stale `{}` events.
  #checkov:skip=CKV_AWS_272:The same zip as the API functions, built and deployed by the same pipeline; source_code_hash pins the exact artifact. AWS Signer is not set up for this project.

  function_name = "${var.name}-sampler"
  description   = "Configurator lag sampler: every cluster's consumer groups, once a minute"
  role          = aws_iam_role.sampler[each.key].arn

  filename         = var.package_path
  source_code_hash = filebase64sha256(var.package_path)
  runtime          = "provided.al2023"
  handler          = "bootstrap"
  architectures    = ["arm64"]

  memory_size = var.memory_mb
  timeout     = local.sampler_timeout_seconds
  # One run at a time: runs must not overlap (rotation by slices, and the
  # history would get two samples of a minute).
  reserved_concurrent_executions = 1

  kms_key_arn = var.kms_key_arn

  tracing_config {
    mode = "Active"
  }

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [var.security_group_id]
  }

  environment {
    variables = local.sampler_environment
  }

  lifecycle {
    precondition {
      condition     = local.sampler_environment_bytes <= 4096
      error_message = "The sampler function's environment variables would exceed Lambda's 4 KB: fewer clusters, shorter names or fewer brokers in bootstrap_brokers."
    }
    precondition {
      condition     = local.sampler_budget_ms * max(1, length(var.clusters)) <= 50000
      error_message = "sampler_budget_ms is per cluster and the clusters are sampled one after the other: budget × clusters must stay within 50 s of the sampler's 60 s timeout."
    }
  }

  depends_on = [
    aws_cloudwatch_log_group.sampler,
    aws_iam_role_policy.sampler,
    aws_iam_role_policy_attachment.sampler_vpc,
  ]
}

# The schedule invokes asynchronously: no retries and no stale events (a run
# a minute late would overlap the next one's slice).
resource "aws_lambda_function_event_invoke_config" "sampler" {
  for_each = local.sampler

  function_name                = aws_lambda_function.sampler[each.key].function_name
  maximum_retry_attempts       = 0
  maximum_event_age_in_seconds = 60
}

# --- Schedule ----------------------------------------------------------------

data "aws_iam_policy_document" "scheduler_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

resource "aws_iam_role" "sampler_schedule" {
  for_each = local.sampler

  name               = "${var.name}-sampler-schedule"
  description        = "EventBridge Scheduler: invokes the Configurator lag sampler, nothing else"
  assume_role_policy = data.aws_iam_policy_document.scheduler_assume.json
}

data "aws_iam_policy_document" "sampler_schedule" {
  for_each = local.sampler

  statement {
    sid       = "InvokeTheSampler"
    actions   = ["lambda:InvokeFunction"]
    resources = [aws_lambda_function.sampler[each.key].arn]
  }
}

resource "aws_iam_role_policy" "sampler_schedule" {
  for_each = local.sampler

  name   = "invoke-sampler"
  role   = aws_iam_role.sampler_schedule[each.key].id
  policy = data.aws_iam_policy_document.sampler_schedule[each.key].json
}

resource "aws_scheduler_schedule" "sampler" {
  for_each = local.sampler
  #checkov:skip=CKV_AWS_297:The schedule's only payload is the constant `{}` (the sampler reads no input); a customer-managed key would protect nothing and need KMS grants for the deploy and scheduler roles.

  name        = "${var.name}-lag-sampler"
  description = "Runs the Configurator lag sampler once a minute"

  # LAG_SAMPLER_INTERVAL_MS above is this rate.
  schedule_expression = "rate(1 minute)"
  state               = "ENABLED"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_lambda_function.sampler[each.key].arn
    role_arn = aws_iam_role.sampler_schedule[each.key].arn
    input    = jsonencode({})

    retry_policy {
      maximum_retry_attempts       = 0
      maximum_event_age_in_seconds = 60
    }
  }

  depends_on = [aws_iam_role_policy.sampler_schedule]
}

# --- Failed clusters ---------------------------------------------------------

# A cluster that cannot be sampled fails no invocation (the run goes on with
# the next cluster): its `lag sample failed` log line is counted here, for
# the observability module's alarm.
resource "aws_cloudwatch_log_metric_filter" "sampler_cluster_failures" {
  for_each = local.sampler

  name           = "${var.name}-sampler-cluster-failures"
  log_group_name = aws_cloudwatch_log_group.sampler[each.key].name
  pattern        = "\"lag sample failed\""

  metric_transformation {
    namespace     = local.sampler_failure_metric.namespace
    name          = local.sampler_failure_metric.name
    value         = "1"
    default_value = "0"
  }
}
