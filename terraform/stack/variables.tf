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
  description = "ACM certificate covering console_hostname and kong_hostname (e.g. a wildcard)."
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

# --- MSK ---------------------------------------------------------------------

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

variable "lambda_policy_file" {
  description = "POLICY_FILE for the functions (a path inside the package); empty for the built-in policy."
  type        = string
  default     = ""
}

# --- Kong and BFF ------------------------------------------------------------

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
