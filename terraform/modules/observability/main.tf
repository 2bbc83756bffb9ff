# Alarms to one KMS-encrypted SNS topic, and a dashboard of the same signals:
# Lambda errors, throttles and p99 duration per function; 5xx at the ALB (its
# own and the BFF's) and at Kong; unhealthy targets; MSK disk and CPU per
# broker of the stack's own cluster (clusters it does not create are watched
# by their owners). The lag sampler's alarms and widgets: sampler.tf.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  region     = data.aws_region.current.region
  brokers    = [for i in range(1, var.msk_broker_count + 1) : tostring(i)]
  actions    = [aws_sns_topic.alarms.arn]
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = var.kms_key_arn
}

data "aws_iam_policy_document" "alarms" {
  statement {
    sid       = "CloudWatchAlarmsPublish"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alarms.arn]

    principals {
      type        = "Service"
      identifiers = ["cloudwatch.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_sns_topic_policy" "alarms" {
  arn    = aws_sns_topic.alarms.arn
  policy = data.aws_iam_policy_document.alarms.json
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

# --- Lambda ------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "lambda_errors" {
  for_each = var.lambda_function_names

  alarm_name          = "${each.value}-errors"
  alarm_description   = "The ${each.key} function failed (unhandled error or timeout) ${var.lambda_errors_threshold}+ times in 5 minutes."
  namespace           = "AWS/Lambda"
  metric_name         = "Errors"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.lambda_errors_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

resource "aws_cloudwatch_metric_alarm" "lambda_throttles" {
  for_each = var.lambda_function_names

  alarm_name          = "${each.value}-throttles"
  alarm_description   = "The ${each.key} function hit its reserved concurrency: callers got 429/502 from Kong."
  namespace           = "AWS/Lambda"
  metric_name         = "Throttles"
  dimensions          = { FunctionName = each.value }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

resource "aws_cloudwatch_metric_alarm" "lambda_duration_p99" {
  for_each = var.lambda_function_names

  alarm_name          = "${each.value}-duration-p99"
  alarm_description   = "p99 duration of the ${each.key} function above ${var.lambda_p99_duration_ms} ms for 15 minutes (Kafka slow or unreachable?)."
  namespace           = "AWS/Lambda"
  metric_name         = "Duration"
  dimensions          = { FunctionName = each.value }
  extended_statistic  = "p99"
  period              = 300
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  threshold           = var.lambda_p99_duration_ms
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

# --- ALB and BFF -------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "alb_5xx" {
  alarm_name          = "${var.name}-alb-5xx"
  alarm_description   = "The ALB itself answered 5xx (no healthy BFF, or the BFF reset connections)."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_ELB_5XX_Count"
  dimensions          = { LoadBalancer = var.alb_arn_suffix }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.http_5xx_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

resource "aws_cloudwatch_metric_alarm" "bff_5xx" {
  alarm_name          = "${var.name}-bff-5xx"
  alarm_description   = "The BFF answered 5xx (its own failures and upstream errors it passes on)."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  dimensions          = { LoadBalancer = var.alb_arn_suffix, TargetGroup = var.bff_target_group_arn_suffix }
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.http_5xx_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

resource "aws_cloudwatch_metric_alarm" "bff_unhealthy" {
  alarm_name          = "${var.name}-bff-unhealthy"
  alarm_description   = "A BFF task fails the ALB's /healthz check."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "UnHealthyHostCount"
  dimensions          = { LoadBalancer = var.alb_arn_suffix, TargetGroup = var.bff_target_group_arn_suffix }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

# --- Kong --------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "kong_5xx" {
  alarm_name          = "${var.name}-kong-5xx"
  alarm_description   = "Kong answered 5xx (from its access log): Lambda invoke failures, function errors, or Kong itself."
  namespace           = var.kong_metric_namespace
  metric_name         = var.kong_metric_name
  statistic           = "Sum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.http_5xx_threshold
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

resource "aws_cloudwatch_metric_alarm" "kong_unhealthy" {
  alarm_name          = "${var.name}-kong-unhealthy"
  alarm_description   = "A Kong task fails the NLB's /status/ready check."
  namespace           = "AWS/NetworkELB"
  metric_name         = "UnHealthyHostCount"
  dimensions          = { LoadBalancer = var.kong_nlb_arn_suffix, TargetGroup = var.kong_target_group_arn_suffix }
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  threshold           = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

# --- MSK ---------------------------------------------------------------------

resource "aws_cloudwatch_metric_alarm" "msk_disk" {
  for_each = toset(local.brokers)

  alarm_name          = "${var.msk_cluster_name}-broker-${each.key}-disk"
  alarm_description   = "Broker ${each.key}'s data volume is over ${var.msk_disk_percent}% full: grow the EBS volume or shorten retention before it fills."
  namespace           = "AWS/Kafka"
  metric_name         = "KafkaDataLogsDiskUsed"
  dimensions          = { "Cluster Name" = var.msk_cluster_name, "Broker ID" = each.key }
  statistic           = "Maximum"
  period              = 300
  evaluation_periods  = 1
  threshold           = var.msk_disk_percent
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

resource "aws_cloudwatch_metric_alarm" "msk_cpu" {
  for_each = toset(local.brokers)

  alarm_name          = "${var.msk_cluster_name}-broker-${each.key}-cpu"
  alarm_description   = "Broker ${each.key}'s user CPU is over ${var.msk_cpu_percent}% for 15 minutes (AWS advises headroom for broker failover)."
  namespace           = "AWS/Kafka"
  metric_name         = "CpuUser"
  dimensions          = { "Cluster Name" = var.msk_cluster_name, "Broker ID" = each.key }
  statistic           = "Average"
  period              = 300
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  threshold           = var.msk_cpu_percent
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

# --- Dashboard ---------------------------------------------------------------

locals {
  lambda_metric = { for name in ["Invocations", "Errors", "Throttles"] : name => [
    for fn, fname in var.lambda_function_names : ["AWS/Lambda", name, "FunctionName", fname, { label = fn }]
  ] }

  widgets = [
    {
      type       = "metric", x = 0, y = 0, width = 8, height = 6
      properties = { title = "Lambda invocations", region = local.region, stat = "Sum", period = 60, view = "timeSeries", metrics = local.lambda_metric["Invocations"] }
    },
    {
      type       = "metric", x = 8, y = 0, width = 8, height = 6
      properties = { title = "Lambda errors", region = local.region, stat = "Sum", period = 60, view = "timeSeries", metrics = local.lambda_metric["Errors"] }
    },
    {
      type       = "metric", x = 16, y = 0, width = 8, height = 6
      properties = { title = "Lambda throttles", region = local.region, stat = "Sum", period = 60, view = "timeSeries", metrics = local.lambda_metric["Throttles"] }
    },
    {
      type = "metric", x = 0, y = 6, width = 12, height = 6
      properties = {
        title   = "Lambda duration p99 (ms)", region = local.region, stat = "p99", period = 60, view = "timeSeries"
        metrics = [for fn, fname in var.lambda_function_names : ["AWS/Lambda", "Duration", "FunctionName", fname, { label = fn }]]
        annotations = {
          horizontal = [{ label = "alarm", value = var.lambda_p99_duration_ms }]
        }
      }
    },
    {
      type = "metric", x = 12, y = 6, width = 12, height = 6
      properties = {
        title = "Console 5xx", region = local.region, stat = "Sum", period = 60, view = "timeSeries"
        metrics = [
          ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", var.alb_arn_suffix, { label = "ALB" }],
          ["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", "LoadBalancer", var.alb_arn_suffix, "TargetGroup", var.bff_target_group_arn_suffix, { label = "BFF" }],
          [var.kong_metric_namespace, var.kong_metric_name, { label = "Kong" }],
        ]
      }
    },
    {
      type = "metric", x = 0, y = 12, width = 12, height = 6
      properties = {
        title = "Console requests and latency", region = local.region, period = 60, view = "timeSeries"
        metrics = [
          ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", var.alb_arn_suffix, { stat = "Sum", label = "requests" }],
          ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", var.alb_arn_suffix, { stat = "p99", label = "BFF p99 (s)", yAxis = "right" }],
        ]
      }
    },
  ]

  # The stack's own MSK cluster, when it has one (a widget without metrics
  # is refused by CloudWatch).
  msk_widgets = var.msk_broker_count == 0 ? [] : [
    {
      type = "metric", x = 12, y = 12, width = 12, height = 6
      properties = {
        title = "MSK disk used (%) and user CPU (%)", region = local.region, period = 300, view = "timeSeries"
        metrics = concat(
          [for b in local.brokers : ["AWS/Kafka", "KafkaDataLogsDiskUsed", "Cluster Name", var.msk_cluster_name, "Broker ID", b, { stat = "Maximum", label = "disk ${b}" }]],
          [for b in local.brokers : ["AWS/Kafka", "CpuUser", "Cluster Name", var.msk_cluster_name, "Broker ID", b, { stat = "Average", label = "cpu ${b}" }]],
        )
      }
    },
  ]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({ widgets = concat(local.widgets, local.msk_widgets, local.sampler_widgets) })
}
