variable "environment" {
  description = "dev, staging or prod; names every resource configurator-<environment>."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "account_id" {
  description = "The AWS account of this environment; the provider refuses any other."
  type        = string
}

variable "region" {
  description = "AWS region."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of every log group (Lambda, ECS, MSK, flow logs, ECS Exec)."
  type        = number
  default     = 365
}

variable "deletion_protection" {
  description = "Deletion protection on the load balancers (and keep their log bucket on destroy)."
  type        = bool
  default     = true
}

# --- Network -----------------------------------------------------------------

variable "vpc_cidr" {
  description = "The VPC's IPv4 range."
  type        = string
}

variable "azs" {
  description = "Availability zones by name (2 or 3; 3 for MSK replication factor 3)."
  type        = list(string)
}

variable "enable_nat_gateway" {
  description = "NAT egress (HTTPS) for the OIDC issuer and public registries."
  type        = bool
  default     = true
}

variable "single_nat_gateway" {
  description = "One NAT gateway for all AZs (cheaper) instead of one per AZ."
  type        = bool
  default     = false
}

variable "console_client_cidrs" {
  description = "Networks whose people may reach the internal ALB."
  type        = list(string)
}

# --- DNS and TLS -------------------------------------------------------------

variable "certificate_arn" {
  description = "ACM certificate whose names cover both console_hostname and kong_hostname, e.g. both as subject alternative names. A wildcard matches one label only: *.<env>.example.com covers configurator.<env>.example.com, not kong.configurator.<env>.example.com (the BFF verifies Kong by name)."
  type        = string
}

variable "console_hostname" {
  description = "Host name of the console."
  type        = string
}

variable "kong_hostname" {
  description = "Internal host name of Kong's proxy."
  type        = string
}

variable "private_zone_id" {
  description = "Route 53 private hosted zone for both host names; empty to manage DNS elsewhere."
  type        = string
  default     = ""
}

variable "base_path" {
  description = "Path of the console on its host."
  type        = string
  default     = "/dev/configurator"
}

# --- Identity ----------------------------------------------------------------

variable "oidc_issuer" {
  description = "The IdP's issuer URL."
  type        = string
}

variable "oidc_client_id" {
  description = "The BFF's OIDC client id."
  type        = string
  default     = "configurator-bff"
}

variable "oidc_audience" {
  description = "aud the Lambdas expect in access tokens."
  type        = string
  default     = "configurator-api"
}

variable "idp_rsa_public_key_pem" {
  description = "PEM of the IdP's RS256 signing key, for Kong's jwt plugin (OSS has no JWKS support; re-apply when the IdP rotates it)."
  type        = string
}

variable "oidc_groups_claim" {
  description = "Access-token claim with the caller's groups."
  type        = string
  default     = "groups"
}

# --- Kafka clusters ----------------------------------------------------------

variable "clusters" {
  description = <<-EOT
    The Kafka clusters the console serves, in the order people see them (issue #12). Each entry:
      id                 [a-z0-9-], 1 to 63 characters, not starting with '-', unique: in URLs (/clusters/<id>/...) and policy patterns
      name               optional, what people call it (the id otherwise)
      environment        optional label (prod, staging, dev) the console colours; the stack's own cluster defaults to var.environment
      msk_cluster_arn    an existing MSK cluster; IAM (msk-iam) is granted on this cluster's ARN and the topic and group ARNs derived from it
      bootstrap_brokers  optional host:port,...; looked up from msk_cluster_arn when absent (same account and region only)
      auth               "msk-iam" (default, port 9098) or "scram-sha-512" (port 9096)
      scram_secret_arn   scram-sha-512 only: the cluster's AmazonMSK_* Secrets Manager secret ({"username", "password"}); Terraform reads it
      security_group_id  the brokers' security group: the Lambdas get egress to it on the Kafka port (its owner allows ingress from output lambda_security_group_id)
      broker_cidrs       instead of or beside security_group_id: the brokers' networks (peered VPC, transit gateway)
      schema_registry    optional (issue #13; absent: the built-in per-topic JSON Schema store):
        kind                "glue" or "confluent"
        registry_name       glue: the registry, in this account ([A-Za-z0-9-_$#.], 1 to 255)
        region              glue, optional: the registry's region (var.region otherwise)
        url                 confluent: https://host[:port][/path] (https only)
        credentials         confluent: "none" (default), "basic" or "bearer"
        secret_arn          confluent basic or bearer: a Secrets Manager secret, JSON {"username", "password"} (basic) or {"token"} (bearer); Terraform reads it (like scram_secret_arn)
        strategy            optional: topic_name, topic_record_name or record_name (how schema names follow from a topic)
        request_timeout_ms  optional, 100 to 10000
        security_group_id   confluent, optional: the registry's security group (same or peered VPC): the Lambdas get egress to it on the URL's port
        cidrs               confluent, optional: instead of or beside security_group_id, the registry's networks
      A confluent registry with neither security_group_id nor cidrs is reached through the NAT on 443 (enable_nat_gateway; the URL's port must be 443).
      Glue: the topics function may read, register and change compatibility, the messages function may read, on that registry and its schemas only; the others get no Glue permission.
    An entry with neither msk_cluster_arn nor bootstrap_brokers is the MSK cluster this stack creates (msk-iam, at most one such entry); the stack creates it only when an entry names it.
    Size: every cluster is rendered into the functions' CLUSTERS_TOML variable, and Lambda allows 4 KB of environment variables in all, so at most 8 clusters (about 350 bytes each with three brokers, plus about 500 for the other variables; a schema registry adds about 100, and a confluent one's password or token its length again); the functions also check the rendered total at plan or apply.
  EOT
  type = list(object({
    id                = string
    name              = optional(string)
    environment       = optional(string)
    msk_cluster_arn   = optional(string)
    bootstrap_brokers = optional(string)
    auth              = optional(string, "msk-iam")
    scram_secret_arn  = optional(string)
    security_group_id = optional(string)
    broker_cidrs      = optional(list(string), [])
    schema_registry = optional(object({
      kind               = string
      registry_name      = optional(string)
      region             = optional(string)
      url                = optional(string)
      credentials        = optional(string, "none")
      secret_arn         = optional(string)
      strategy           = optional(string)
      request_timeout_ms = optional(number)
      security_group_id  = optional(string)
      cidrs              = optional(list(string), [])
    }))
  }))
  # Today's single-cluster setup: the stack's own MSK cluster, alone.
  default = [{ id = "main" }]

  validation {
    condition     = length(var.clusters) >= 1 && length(var.clusters) <= 8
    error_message = "clusters needs 1 to 8 entries (the functions' environment variables are limited to 4 KB in all)."
  }
  validation {
    condition     = alltrue([for c in var.clusters : can(regex("^[a-z0-9][a-z0-9-]{0,62}$", c.id))])
    error_message = "Every cluster id has only lower-case letters, digits and '-', 1 to 63 characters, and does not start with '-' (configurator_api::check_cluster_id)."
  }
  validation {
    condition     = length(distinct([for c in var.clusters : c.id])) == length(var.clusters)
    error_message = "Cluster ids must be unique."
  }
  validation {
    condition     = alltrue([for c in var.clusters : contains(["msk-iam", "scram-sha-512"], c.auth)])
    error_message = "auth must be msk-iam or scram-sha-512 (what MSK offers)."
  }
  validation {
    condition = alltrue([for c in var.clusters : alltrue([
      c.name == null ? true : length(c.name) >= 1 && length(c.name) <= 64,
      c.environment == null ? true : can(regex("^[A-Za-z0-9-]{1,32}$", c.environment)),
    ])])
    error_message = "A cluster's name has 1 to 64 characters, its environment 1 to 32 letters, digits or '-' (room in the 4 KB of environment variables)."
  }
  validation {
    condition     = alltrue([for c in var.clusters : c.msk_cluster_arn == null ? true : can(regex("^arn:aws[a-z-]*:kafka:[a-z0-9-]+:[0-9]{12}:cluster/[^/]+/[^/]+$", c.msk_cluster_arn))])
    error_message = "msk_cluster_arn must be an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>)."
  }
  validation {
    condition     = alltrue([for c in var.clusters : c.bootstrap_brokers == null ? true : can(regex("^[A-Za-z0-9.-]+:[0-9]+(,[A-Za-z0-9.-]+:[0-9]+)*$", c.bootstrap_brokers))])
    error_message = "bootstrap_brokers is host:port[,host:port...], no spaces."
  }
  validation {
    condition     = length([for c in var.clusters : c if c.msk_cluster_arn == null && c.bootstrap_brokers == null]) <= 1
    error_message = "At most one cluster entry may be the stack's own MSK cluster (neither msk_cluster_arn nor bootstrap_brokers)."
  }
  validation {
    # The stack's cluster has the IAM listener only, and its brokers' group
    # is the stack's own (modules/network).
    condition = alltrue([for c in var.clusters : c.auth == "msk-iam" && c.scram_secret_arn == null && c.security_group_id == null && length(c.broker_cidrs) == 0
    if c.msk_cluster_arn == null && c.bootstrap_brokers == null])
    error_message = "The stack's own cluster (no msk_cluster_arn, no bootstrap_brokers) uses msk-iam and takes no scram_secret_arn, security_group_id or broker_cidrs."
  }
  validation {
    # IAM is granted on the cluster's ARN: without it there is nothing to grant.
    condition     = alltrue([for c in var.clusters : c.msk_cluster_arn != null if c.auth == "msk-iam" && c.bootstrap_brokers != null])
    error_message = "An msk-iam cluster given by bootstrap_brokers needs its msk_cluster_arn too (the functions' IAM policy names it)."
  }
  validation {
    condition     = alltrue([for c in var.clusters : (c.auth == "scram-sha-512") == (c.scram_secret_arn != null)])
    error_message = "scram_secret_arn is required with auth = scram-sha-512 and not allowed otherwise."
  }
  validation {
    condition     = alltrue([for c in var.clusters : c.scram_secret_arn == null ? true : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:AmazonMSK_", c.scram_secret_arn))])
    error_message = "scram_secret_arn must be a Secrets Manager secret ARN whose name starts with AmazonMSK_ (MSK's rule for SCRAM secrets)."
  }
  validation {
    # Without either, the Lambdas' security group has no way out to the brokers.
    condition     = alltrue([for c in var.clusters : c.security_group_id != null || length(c.broker_cidrs) > 0 if c.msk_cluster_arn != null || c.bootstrap_brokers != null])
    error_message = "A cluster the stack does not create needs security_group_id or broker_cidrs, so the Lambdas may reach its brokers."
  }
  validation {
    condition     = alltrue([for c in var.clusters : alltrue([for cidr in c.broker_cidrs : can(cidrhost(cidr, 0))])])
    error_message = "broker_cidrs must be IPv4 CIDR blocks."
  }

  # --- schema_registry (issue #13) ---
  validation {
    condition     = alltrue([for c in var.clusters : contains(["glue", "confluent"], c.schema_registry.kind) if c.schema_registry != null])
    error_message = "schema_registry.kind must be glue or confluent (leave schema_registry out for the built-in per-topic JSON Schema store)."
  }
  validation {
    # The Glue name goes into the IAM resource ARNs: its character set has
    # no * or ?, so it can never widen them.
    condition = alltrue([for c in var.clusters : alltrue([
      can(regex("^[A-Za-z0-9_$#.-]{1,255}$", c.schema_registry.registry_name)),
      c.schema_registry.region == null ? true : can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", c.schema_registry.region)),
      c.schema_registry.url == null,
      c.schema_registry.credentials == "none",
      c.schema_registry.secret_arn == null,
      c.schema_registry.security_group_id == null,
      length(c.schema_registry.cidrs) == 0,
    ]) if c.schema_registry != null && try(c.schema_registry.kind, "") == "glue"])
    error_message = "A glue schema_registry needs registry_name ([A-Za-z0-9-_$#.], 1 to 255) and may set region (e.g. eu-central-1); url, credentials, secret_arn, security_group_id and cidrs are for confluent only (Glue is reached with the functions' IAM roles)."
  }
  validation {
    condition = alltrue([for c in var.clusters : alltrue([
      can(regex("^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%/-]*)?$", c.schema_registry.url)),
      c.schema_registry.registry_name == null,
      c.schema_registry.region == null,
    ]) if c.schema_registry != null && try(c.schema_registry.kind, "") == "confluent"])
    error_message = "A confluent schema_registry needs url = https://host[:port][/path] (https only, no user info, query or fragment: credentials come from secret_arn); registry_name and region are for glue only."
  }
  validation {
    condition = alltrue([for c in var.clusters : alltrue([
      contains(["none", "basic", "bearer"], c.schema_registry.credentials),
      (c.schema_registry.credentials != "none") == (c.schema_registry.secret_arn != null),
      c.schema_registry.secret_arn == null ? true : can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", c.schema_registry.secret_arn)),
    ]) if c.schema_registry != null])
    error_message = "schema_registry.credentials is none, basic or bearer; basic and bearer need secret_arn (a Secrets Manager secret ARN), none takes none."
  }
  validation {
    condition = alltrue([for c in var.clusters : alltrue([
      c.schema_registry.strategy == null ? true : contains(["topic_name", "topic_record_name", "record_name"], c.schema_registry.strategy),
      c.schema_registry.request_timeout_ms == null ? true : (floor(c.schema_registry.request_timeout_ms) == c.schema_registry.request_timeout_ms && c.schema_registry.request_timeout_ms >= 100 && c.schema_registry.request_timeout_ms <= 10000),
      alltrue([for cidr in c.schema_registry.cidrs : can(cidrhost(cidr, 0))]),
    ]) if c.schema_registry != null])
    error_message = "schema_registry.strategy is topic_name, topic_record_name or record_name; request_timeout_ms a whole number from 100 to 10000 (under the functions' timeout); cidrs IPv4 CIDR blocks."
  }
  validation {
    # Without a security group or networks, the only way out is the NAT's
    # HTTPS rule (443 to anywhere).
    condition = alltrue([for c in var.clusters : var.enable_nat_gateway && (!can(regex("^https://[^/]+:[0-9]+", c.schema_registry.url)) || can(regex("^https://[^/]+:443(/|$)", c.schema_registry.url)))
    if c.schema_registry != null && try(c.schema_registry.kind, "") == "confluent" && try(c.schema_registry.security_group_id, null) == null && length(try(c.schema_registry.cidrs, [])) == 0])
    error_message = "A confluent schema_registry without security_group_id or cidrs is reached through the NAT on port 443 only: set enable_nat_gateway (and use port 443), or give the registry's security_group_id or cidrs."
  }
  validation {
    # The stack's Glue interface endpoint serves its own region only.
    condition     = alltrue([for c in var.clusters : var.enable_nat_gateway || c.schema_registry.region == null || c.schema_registry.region == var.region if c.schema_registry != null && try(c.schema_registry.kind, "") == "glue"])
    error_message = "A glue schema_registry in another region than var.region is reached through the NAT: set enable_nat_gateway (the VPC's Glue endpoint serves var.region only)."
  }
}

variable "default_cluster" {
  description = "Id of the cluster cluster-less URLs (the old single-cluster links) open; null for the first of clusters."
  type        = string
  default     = null

  validation {
    condition     = var.default_cluster == null ? true : contains([for c in var.clusters : c.id], var.default_cluster)
    error_message = "default_cluster must be the id of an entry of clusters."
  }
}

# --- The stack's own MSK cluster (when an entry of clusters names it) ----------

variable "kafka_version" {
  description = "Apache Kafka version of the MSK cluster."
  type        = string
  default     = "3.8.x"
}

variable "msk_brokers_per_az" {
  description = "Brokers per availability zone."
  type        = number
  default     = 1
}

variable "msk_instance_type" {
  description = "Broker instance type."
  type        = string
}

variable "msk_volume_size_gib" {
  description = "EBS storage per broker."
  type        = number
}

# --- Lambdas -----------------------------------------------------------------

variable "lambda_package_path" {
  description = "bootstrap.zip from cargo lambda build --release --arm64 --output-format zip (relative to terraform/stack, where terraform runs)."
  type        = string
  default     = "../../target/lambda/configurator-lambdas/bootstrap.zip"
}

variable "lambda_memory_mb" {
  description = "Memory per function."
  type        = number
  default     = 512
}

variable "lambda_reserved_concurrency" {
  description = "Reserved concurrency per function (cluster, topics, messages, groups)."
  type        = map(number)
}

variable "lambda_stable_versions" {
  description = "Canary releases: version `live` keeps per function while the newest gets lambda_canary_weight."
  type        = map(string)
  default     = {}
}

variable "lambda_canary_weight" {
  description = "Share of traffic for the newest version during a canary (0 = none)."
  type        = number
  default     = 0
}

variable "lambda_secrets_extension_layer_arn" {
  description = "The AWS Parameters and Secrets Lambda Extension layer (arm64) of the region; the functions read their audit signing keys through it."
  type        = string
}

variable "otel_collector_layer_arn" {
  description = "Traces to X-Ray from the functions: the ADOT collector layer (arm64) of the region, e.g. arn:aws:lambda:eu-central-1:901920570463:layer:aws-otel-collector-arm64-ver-0-117-0:1. null: spans are not exported (trace ids are still carried and logged)."
  type        = string
  default     = null
}

variable "otel_collector_image" {
  description = "Traces to X-Ray from the BFF: the ADOT collector image run beside it, e.g. public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3 (pin a digest). null: no collector."
  type        = string
  default     = null
}

variable "lambda_policy_file" {
  description = "POLICY_FILE for the functions (a path inside the package); empty for the built-in policy."
  type        = string
  default     = ""
}

variable "lag_sampler_enabled" {
  description = "Run the lag sampler (a fifth function, every minute): lag history, health verdicts over time, the UnhealthyGroups alarms. Off: none of those."
  type        = bool
  default     = true
}

variable "lag_sampler_max_groups" {
  description = "LAG_SAMPLER_MAX_GROUPS: groups one sampler run samples per cluster; with more, they take turns over the minutes."
  type        = number
  default     = 1000
}

variable "lag_sampler_budget_ms" {
  description = "LAG_SAMPLER_BUDGET_MS per cluster (clusters are sampled one after the other within the 60 s timeout); null: 45 s shared between the clusters."
  type        = number
  default     = null
}

variable "group_lag_alarms" {
  description = "Per-group alarms on the sampler's GroupTimeLagMs: time lag above max_time_lag_ms for 3 minutes. Each group also needs a [[health]] rule with alarm = true in the policy, or the sampler publishes no metric for it."
  type = list(object({
    cluster         = string
    group           = string
    max_time_lag_ms = number
  }))
  default = []

  validation {
    condition     = alltrue([for a in var.group_lag_alarms : contains([for c in var.clusters : c.id], a.cluster) && length(a.group) > 0 && a.max_time_lag_ms > 0])
    error_message = "Each group_lag_alarms entry needs the id of an entry of clusters, a group id and a max_time_lag_ms above 0."
  }
  validation {
    condition     = length(distinct([for a in var.group_lag_alarms : "${a.cluster}/${a.group}"])) == length(var.group_lag_alarms)
    error_message = "group_lag_alarms lists a cluster and group twice."
  }
}

# --- Kong and BFF ------------------------------------------------------------

variable "ingest_services" {
  description = "Client ids (at the IdP) of the services that publish events through Kong (docs/ingest.md). Each also needs a [services] entry in the policy."
  type        = list(string)
  default     = []

  validation {
    condition     = length(distinct(var.ingest_services)) == length(var.ingest_services)
    error_message = "ingest_services lists a client id twice."
  }
}

variable "kong_image" {
  description = "Kong Gateway OSS image."
  type        = string
  default     = "kong:3.9"
}

variable "kong_desired_count" {
  description = "Kong tasks."
  type        = number
  default     = 2
}

variable "kong_config_path" {
  description = "Kong's declarative config template (the repository's gateway/kong.yaml, relative to terraform/stack, where terraform runs)."
  type        = string
  default     = "../../gateway/kong.yaml"
}

variable "bff_image" {
  description = "BFF image URI (with the SPA)."
  type        = string
}

variable "bff_desired_count" {
  description = "BFF tasks."
  type        = number
  default     = 2
}

variable "bff_extra_environment" {
  description = "More non-secret BFF environment (RUST_LOG, SPA_DIR, ...)."
  type        = map(string)
  default     = {}
}

variable "redis_node_type" {
  description = "ElastiCache node type (BFF sessions, Kong rate limits)."
  type        = string
  default     = "cache.t4g.small"
}

variable "redis_nodes" {
  description = "Redis nodes (2 or more: Multi-AZ failover)."
  type        = number
  default     = 2
}

# --- Alarms ------------------------------------------------------------------

variable "alarm_emails" {
  description = "Addresses that get the alarms."
  type        = list(string)
  default     = []
}
