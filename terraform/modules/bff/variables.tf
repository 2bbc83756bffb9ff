variable "name" {
  description = "Name prefix, e.g. configurator-dev."
  type        = string
}

variable "account_id" {
  description = "AWS account (confused-deputy guard in the trust policy)."
  type        = string
}

variable "image" {
  description = "BFF image (with the built SPA), e.g. <account>.dkr.ecr.<region>.amazonaws.com/configurator-bff:<tag>."
  type        = string
}

variable "port" {
  description = "Port the BFF listens on in the container."
  type        = number
  default     = 8080
}

variable "cpu" {
  description = "Task CPU units."
  type        = number
  default     = 256
}

variable "memory" {
  description = "Task memory (MiB)."
  type        = number
  default     = 512
}

variable "cpu_architecture" {
  description = "ARM64 or X86_64; must match the image."
  type        = string
  default     = "ARM64"
}

variable "desired_count" {
  description = "BFF tasks."
  type        = number
  default     = 2
}

variable "public_url" {
  description = "Origin people open the console at (https://host, no path)."
  type        = string
}

variable "base_path" {
  description = "Path of the console on that origin."
  type        = string
  default     = "/dev/configurator"
}

variable "oidc_issuer" {
  description = "The IdP's issuer URL."
  type        = string
}

variable "oidc_client_id" {
  description = "The BFF's OIDC client id."
  type        = string
  default     = "configurator-bff"
}

variable "oidc_scopes" {
  description = "Scopes the BFF asks for."
  type        = string
  default     = "openid profile email groups"
}

variable "upstream_url" {
  description = "Kong's internal proxy URL."
  type        = string
}

variable "upstream_api_key_secret_arn" {
  description = "Secret with the BFF's Kong key-auth key."
  type        = string
}

variable "session_store_secret_arn" {
  description = "Secret with the rediss:// URL of the session store (modules/redis)."
  type        = string
}

variable "session_idle_timeout_secs" {
  description = "A session ends after this long without a request."
  type        = number
  default     = 1800
}

variable "session_absolute_timeout_secs" {
  description = "A session ends this long after login, whatever happens."
  type        = number
  default     = 28800
}

variable "extra_environment" {
  description = "More non-secret environment (e.g. RUST_LOG, SPA_DIR); the settings above win on a clash."
  type        = map(string)
  default     = {}
}

variable "ecs_cluster_arn" {
  description = "ECS cluster to run in."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the tasks."
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the BFF tasks."
  type        = string
}

variable "target_group_arn" {
  description = "The ALB target group the tasks register in."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for secrets, Redis and logs."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the BFF's logs."
  type        = number
  default     = 365
}

variable "otel_collector_image" {
  description = "Image of the AWS Distro for OpenTelemetry collector, run beside the BFF to send its spans to X-Ray, e.g. public.ecr.aws/aws-observability/aws-otel-collector:v0.43.3 (pin it by digest). null: no collector, spans are not exported (trace ids are still carried and logged)."
  type        = string
  default     = null
}
