# The lag sampler's alarms (issue #15), to the same SNS topic: the function
# itself (errors, runs near its timeout, runs that stopped), the groups it
# judges (UnhealthyGroups per cluster), and optional per-group time-lag
# alarms. The Configurator metrics come from the sampler's Embedded Metric
# Format log lines (lambdas/src/lag/sampler.rs), one datapoint per cluster
# and run, i.e. per minute.

locals {
  sampler     = var.sampler_enabled ? toset(["sampler"]) : toset([])
  sampler_ids = var.sampler_enabled ? toset(var.cluster_ids) : toset([])
  # "Near the timeout": three quarters of it, which is also about where the
  # default budgets end (45 s of 60 s); a run past its budget samples
  # nothing for that cluster.
  sampler_duration_alarm_ms = var.sampler_timeout_seconds * 750
  group_lag_alarms = var.sampler_enabled ? {
    for a in var.group_lag_alarms : "${a.cluster}/${a.group}" => a
  } : {}
}

resource "aws_cloudwatch_metric_alarm" "sampler_errors" {
  for_each = local.sampler

  alarm_name          = "${var.sampler_function_name}-errors"
  alarm_description   = "The lag sampler failed (crash or timeout) in ${var.sampler_errors_threshold}+ of its runs in 5 minutes: no lag history, no health verdicts, no UnhealthyGroups alarm meanwhile. Runbook: a group is unhealthy, step 4."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = var.sampler_function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.sampler_errors_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

resource "aws_cloudwatch_metric_alarm" "sampler_duration" {
  for_each = local.sampler

  alarm_name          = "${var.sampler_function_name}-duration"
  alarm_description   = "Lag sampler runs took over ${local.sampler_duration_alarm_ms} ms (its timeout is ${var.sampler_timeout_seconds} s) in 3 of 5 minutes: budgets nearly spent; lower lag_sampler_max_groups or look for a slow cluster (its log says which)."
  namespace           = "AWS/Lambda"
  metric_name         = "Duration"
  dimensions          = { FunctionName = var.sampler_function_name }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  threshold           = local.sampler_duration_alarm_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

# The others say nothing when the sampler does not run at all (schedule
# disabled or its role broken, throttled by a stuck run): no invocation for
# 10 minutes.
resource "aws_cloudwatch_metric_alarm" "sampler_not_running" {
  for_each = local.sampler

  alarm_name          = "${var.sampler_function_name}-not-running"
  alarm_description   = "The lag sampler has not run for 10 minutes (it should run every minute): check the ${var.name}-lag-sampler schedule (state, target, role) and the function's throttles."
  namespace           = "AWS/Lambda"
  metric_name         = "Invocations"
  dimensions          = { FunctionName = var.sampler_function_name }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 2
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

# A cluster the sampler cannot sample (MSK refused it, unreachable, over its
# budget) is no Lambda error: the run goes on with the next cluster, logs
# `lag sample failed` and reports 0 unhealthy groups for that cluster. The
# lambdas module counts those lines (a log metric filter); 3 failed runs in
# 5 minutes on any cluster raise this alarm.
resource "aws_cloudwatch_metric_alarm" "sampler_cluster_failures" {
  for_each = local.sampler

  alarm_name          = "${var.sampler_function_name}-cluster-failures"
  alarm_description   = "The lag sampler could not sample a cluster in 3+ runs in 5 minutes (its log: `lag sample failed` with the cluster and reason); that cluster's UnhealthyGroups reads 0 meanwhile. Runbook: a group is unhealthy, step 4."
  namespace           = var.sampler_failure_metric.namespace
  metric_name         = var.sampler_failure_metric.name
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 3
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

resource "aws_cloudwatch_metric_alarm" "unhealthy_groups" {
  for_each = local.sampler_ids

  alarm_name          = "${var.name}-${each.key}-unhealthy-groups"
  alarm_description   = "Cluster ${each.key} has had an unhealthy consumer group (lagging, stalled or stopped by the [[health]] rules) for 3 minutes. Runbook: a group is unhealthy (UnhealthyGroups alarm)."
  namespace           = "Configurator"
  metric_name         = "UnhealthyGroups"
  dimensions          = { Cluster = each.key }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  # A sampler that stopped is the not-running alarm's.
  treat_missing_data = "notBreaching"
  alarm_actions      = local.actions
  ok_actions         = local.actions
}

# Per group, opt-in: the sampler publishes GroupTimeLagMs only for groups a
# [[health]] rule with `alarm = true` matches, so an alarm here without such
# a rule stays INSUFFICIENT_DATA (hence "missing", not "notBreaching").
resource "aws_cloudwatch_metric_alarm" "group_time_lag" {
  for_each = local.group_lag_alarms

  alarm_name          = substr("${var.name}-${each.value.cluster}-group-${each.value.group}-time-lag", 0, 255)
  alarm_description   = "Consumer group ${each.value.group} on ${each.value.cluster} is more than ${each.value.max_time_lag_ms} ms behind (time lag) for 3 minutes."
  namespace           = "Configurator"
  metric_name         = "GroupTimeLagMs"
  dimensions          = { Cluster = each.value.cluster, Group = each.value.group }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  threshold           = each.value.max_time_lag_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "missing"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

locals {
  sampler_widgets = var.sampler_enabled ? [
    {
      type = "metric", x = 0, y = 18, width = 12, height = 6
      properties = {
        title   = "Unhealthy consumer groups per cluster", region = local.region, stat = "Maximum", period = 60, view = "timeSeries"
        metrics = [for id in var.cluster_ids : ["Configurator", "UnhealthyGroups", "Cluster", id, { label = id }]]
      }
    },
    {
      type = "metric", x = 12, y = 18, width = 12, height = 6
      properties = {
        title   = "Lag sampler duration (ms)", region = local.region, stat = "Maximum", period = 60, view = "timeSeries"
        metrics = [["AWS/Lambda", "Duration", "FunctionName", var.sampler_function_name, { label = "sampler" }]]
        annotations = {
          horizontal = [{ label = "alarm", value = local.sampler_duration_alarm_ms }]
        }
      }
    },
  ] : []
}
