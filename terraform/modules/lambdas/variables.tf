variable "name" {
  description = "Name prefix; functions are named <name>-cluster, -topics, -messages, -groups (and -sampler)."
  type        = string
}

variable "package_path" {
  description = "The zip cargo lambda builds: target/lambda/configurator-lambdas/bootstrap.zip."
  type        = string
}

variable "memory_mb" {
  description = "Memory per function (CPU scales with it)."
  type        = number
  default     = 512
}

# 15 s also covers the messages function's longest call, a live tail's poll
# (TAIL_MAX_WAIT_MS 5 s + TAIL_MIN_INTERVAL_MS 1 s of pacing + the read, about
# 7 s) plus a cold start, and stays under Kong's aws-lambda timeout (28 s) and
# the BFF's upstream timeout (30 s), so the innermost timeout fires first.
variable "timeout_seconds" {
  description = "Function timeout; above KAFKA_REQUEST_TIMEOUT_MS plus a cold start, and above a live tail's poll (about 7 s)."
  type        = number
  default     = 15

  validation {
    condition     = var.timeout_seconds >= 10 && var.timeout_seconds < 28
    error_message = "timeout_seconds must leave room for a tail's ~7 s long poll plus a cold start (>= 10) and stay under Kong's aws-lambda timeout of 28 s."
  }
}

variable "reserved_concurrency" {
  description = "Reserved concurrent executions per function."
  type        = map(number)
  default = {
    cluster  = 10
    topics   = 10
    messages = 20
    groups   = 10
  }

  validation {
    condition     = alltrue([for fn in ["cluster", "topics", "messages", "groups"] : contains(keys(var.reserved_concurrency), fn)])
    error_message = "reserved_concurrency needs an entry for cluster, topics, messages and groups."
  }
}

variable "alias_name" {
  description = "The alias Kong invokes."
  type        = string
  default     = "live"
}

variable "stable_versions" {
  description = "During a canary: the version `live` keeps serving, per function (e.g. { topics = \"7\" }). Empty: `live` follows the newest version."
  type        = map(string)
  default     = {}
}

variable "canary_weight" {
  description = "Share of `live` traffic (0 to 0.5) sent to the newest version of the functions listed in stable_versions."
  type        = number
  default     = 0

  validation {
    condition     = var.canary_weight >= 0 && var.canary_weight <= 0.5
    error_message = "canary_weight must be between 0 and 0.5; promote by emptying stable_versions instead."
  }
}

variable "subnet_ids" {
  description = "Private subnets for the functions' ENIs."
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the functions."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for environment variables and logs."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the function log groups."
  type        = number
  default     = 365
}

variable "clusters" {
  description = "The Kafka clusters, resolved by the stack (terraform/stack/clusters.tf): id, name, environment (null for none), auth (msk-iam or scram-sha-512), bootstrap_servers, msk_cluster_arn (null for a SCRAM cluster not on MSK; IAM is granted on the msk-iam ones), scram_secret_arn (SCRAM only) and schema_registry (null for the built-in store; glue: registry_name and its region, resolved; confluent: url, credentials none/basic/bearer with secret_arn; both: strategy, request_timeout_ms). Rendered into CLUSTERS_TOML."
  type = list(object({
    id                = string
    name              = string
    environment       = optional(string)
    auth              = string
    bootstrap_servers = string
    msk_cluster_arn   = optional(string)
    scram_secret_arn  = optional(string)
    schema_registry = optional(object({
      kind               = string
      registry_name      = optional(string)
      region             = optional(string)
      url                = optional(string)
      credentials        = optional(string, "none")
      secret_arn         = optional(string)
      strategy           = optional(string)
      request_timeout_ms = optional(number)
    }))
  }))

  validation {
    condition     = alltrue([for c in var.clusters : c.msk_cluster_arn != null if c.auth == "msk-iam"])
    error_message = "Every msk-iam cluster needs its msk_cluster_arn (the IAM policy names it)."
  }
  validation {
    # The Glue grants name the registry's ARN: its name and region must be known.
    condition     = alltrue([for c in var.clusters : can(regex("^[A-Za-z0-9_$#.-]{1,255}$", c.schema_registry.registry_name)) && can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", c.schema_registry.region)) if c.schema_registry != null && try(c.schema_registry.kind, "") == "glue"])
    error_message = "Every glue schema_registry needs registry_name ([A-Za-z0-9-_$#.], no wildcard) and its region (the IAM policy names both)."
  }
  validation {
    condition     = alltrue([for c in var.clusters : (c.schema_registry.credentials != "none") == (c.schema_registry.secret_arn != null) if c.schema_registry != null && try(c.schema_registry.kind, "") == "confluent"])
    error_message = "A confluent schema_registry with basic or bearer credentials needs secret_arn, and one without takes none."
  }
}

variable "default_cluster" {
  description = "Id of the cluster cluster-less URLs open; null for the first."
  type        = string
  default     = null
}

variable "audit_topic" {
  description = "Topic the API writes audit records to."
  type        = string
  default     = "__configurator_audit"
}

variable "schema_topic" {
  description = "Topic the API keeps topic schemas in."
  type        = string
  default     = "__configurator_schemas"
}

variable "browser_group" {
  description = "Consumer group id of the API's reading consumer."
  type        = string
  default     = "configurator-browser"
}

variable "kafka_request_timeout_ms" {
  description = "Upper bound for one broker operation (the API answers 503 past it)."
  type        = number
  default     = 4000
}

variable "oidc_issuer" {
  description = "Expected iss of access tokens."
  type        = string
}

variable "oidc_audience" {
  description = "Expected aud of access tokens."
  type        = string
  default     = "configurator-api"
}

variable "oidc_groups_claim" {
  description = "Access-token claim that lists the caller's IdP groups."
  type        = string
  default     = "groups"
}

variable "policy_file" {
  description = "Path of a permission policy (TOML) inside the package; empty for the built-in policy."
  type        = string
  default     = ""
}

variable "secrets_extension_layer_arn" {
  description = "ARN of the AWS Parameters and Secrets Lambda Extension layer (arm64) in this region, e.g. arn:aws:lambda:eu-west-1:015030872274:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:17 (the account and version differ per region: see the AWS docs)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:[0-9]+$", var.secrets_extension_layer_arn))
    error_message = "secrets_extension_layer_arn must be the arm64 AWS-Parameters-and-Secrets-Lambda-Extension layer version ARN."
  }
}

variable "otel_collector_layer_arn" {
  description = "ARN of the AWS Distro for OpenTelemetry collector layer (arm64) in this region, e.g. arn:aws:lambda:eu-central-1:901920570463:layer:aws-otel-collector-arm64-ver-0-117-0:1 (the version differs per region: see the ADOT docs). Its default configuration takes OTLP on localhost:4318 and sends traces to X-Ray. null: spans are not exported (trace ids are still carried and logged)."
  type        = string
  default     = null

  validation {
    condition     = var.otel_collector_layer_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:aws-otel-collector-arm64-ver-[0-9-]+:[0-9]+$", var.otel_collector_layer_arn))
    error_message = "otel_collector_layer_arn must be an arm64 aws-otel-collector layer version ARN, or null."
  }
}

# --- The lag sampler (sampler.tf) ---------------------------------------------

variable "sampler_enabled" {
  description = "Run the lag sampler every minute. Off: no lag history, health verdicts from the live numbers only, no UnhealthyGroups metric."
  type        = bool
  default     = true
}

variable "sampler_max_groups" {
  description = "LAG_SAMPLER_MAX_GROUPS: groups one run samples per cluster; with more, the groups take turns over the minutes."
  type        = number
  default     = 1000

  validation {
    condition     = var.sampler_max_groups >= 1 && floor(var.sampler_max_groups) == var.sampler_max_groups
    error_message = "sampler_max_groups must be a whole number of at least 1."
  }
}

variable "sampler_budget_ms" {
  description = "LAG_SAMPLER_BUDGET_MS: how long one cluster's run may take (clusters run one after the other within the 60 s timeout); null: 45 s shared between the clusters."
  type        = number
  default     = null

  validation {
    condition     = var.sampler_budget_ms == null ? true : var.sampler_budget_ms >= 1000 && var.sampler_budget_ms <= 50000
    error_message = "sampler_budget_ms must be between 1000 and 50000 (the sampler's timeout is 60 s)."
  }
}
