variable "name" {
  description = "Name prefix, e.g. configurator-dev."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for the SNS topic."
  type        = string
}

variable "alarm_emails" {
  description = "Addresses subscribed to the alarm topic (each confirms by mail); hook chat or paging to the topic as well."
  type        = list(string)
  default     = []
}

variable "lambda_function_names" {
  description = "Function name per route group."
  type        = map(string)
}

variable "lambda_errors_threshold" {
  description = "Errors in 5 minutes that raise the alarm."
  type        = number
  default     = 5
}

variable "lambda_p99_duration_ms" {
  description = "p99 duration that raises the alarm (the Kafka request timeout is 4 s)."
  type        = number
  default     = 3000
}

variable "http_5xx_threshold" {
  description = "5xx responses in 5 minutes that raise the ALB, BFF and Kong alarms."
  type        = number
  default     = 10
}

variable "alb_arn_suffix" {
  description = "ALB dimension."
  type        = string
}

variable "bff_target_group_arn_suffix" {
  description = "BFF target group dimension."
  type        = string
}

variable "kong_nlb_arn_suffix" {
  description = "Kong NLB dimension."
  type        = string
}

variable "kong_target_group_arn_suffix" {
  description = "Kong target group dimension."
  type        = string
}

variable "kong_metric_namespace" {
  description = "Namespace of the Kong 5xx log metric."
  type        = string
}

variable "kong_metric_name" {
  description = "Name of the Kong 5xx log metric."
  type        = string
}

variable "msk_cluster_name" {
  description = "Name of the stack's own MSK cluster (\"\" when it creates none)."
  type        = string
}

variable "msk_broker_count" {
  description = "Brokers of the stack's own MSK cluster (IDs 1..N); 0 when it creates none: no broker alarms or MSK widget."
  type        = number
}

variable "msk_disk_percent" {
  description = "Disk use (%) of a broker's data volume that raises the alarm."
  type        = number
  default     = 80
}

variable "msk_cpu_percent" {
  description = "User CPU (%) of a broker that raises the alarm."
  type        = number
  default     = 60
}

# --- The lag sampler (sampler.tf) ---------------------------------------------

variable "sampler_enabled" {
  description = "Whether the lag sampler runs (its alarms and widgets exist only then)."
  type        = bool
  default     = false
}

variable "sampler_function_name" {
  description = "The lag sampler's function name (null when it does not run)."
  type        = string
  default     = null
}

variable "sampler_timeout_seconds" {
  description = "The lag sampler's timeout; its duration alarm is at three quarters of it."
  type        = number
  default     = 60
}

variable "sampler_errors_threshold" {
  description = "Failed sampler runs (of 5, one a minute) in 5 minutes that raise its errors alarm."
  type        = number
  default     = 3
}

variable "sampler_failure_metric" {
  description = "Namespace and name of the metric counting clusters the sampler could not sample (modules/lambdas output sampler_failure_metric)."
  type        = object({ namespace = string, name = string })
  default     = { namespace = "Configurator", name = "SamplerClusterFailures" }
}

variable "cluster_ids" {
  description = "Ids of the clusters the sampler samples: one UnhealthyGroups alarm each."
  type        = list(string)
  default     = []
}

variable "group_lag_alarms" {
  description = "Per-group time-lag alarms on the sampler's GroupTimeLagMs (published only for groups a [[health]] rule with alarm = true matches)."
  type = list(object({
    cluster         = string
    group           = string
    max_time_lag_ms = number
  }))
  default = []
}
