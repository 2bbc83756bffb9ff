variable "name" {
  description = "Name prefix, e.g. configurator-dev."
  type        = string
}

variable "account_id" {
  description = "AWS account (confused-deputy guard in the trust policy)."
  type        = string
}

variable "image" {
  description = "Kong Gateway OSS image. Mirror it into ECR (pull-through cache) for prod."
  type        = string
  default     = "kong:3.9"
}

variable "cpu" {
  description = "Task CPU units."
  type        = number
  default     = 512
}

variable "memory" {
  description = "Task memory (MiB)."
  type        = number
  default     = 1024
}

variable "cpu_architecture" {
  description = "ARM64 or X86_64 (the official image has both)."
  type        = string
  default     = "ARM64"
}

variable "desired_count" {
  description = "Kong tasks (spread over the AZs)."
  type        = number
  default     = 2
}

variable "config_template_path" {
  description = "Kong's declarative config template (gateway/kong.yaml), rendered as gateway/README.md specifies."
  type        = string
}

variable "oidc_issuer" {
  description = "The IdP's issuer, exactly the iss of its access tokens (Kong's jwt credential)."
  type        = string
}

variable "idp_rsa_public_key_pem" {
  description = "PEM (SubjectPublicKeyInfo) of the IdP's RS256 signing key; Kong OSS's jwt plugin has no JWKS support."
  type        = string
}

variable "redis_host" {
  description = "Redis primary endpoint for shared rate-limit counters (used when desired_count > 1)."
  type        = string
}

variable "redis_port" {
  description = "Redis port."
  type        = number
  default     = 6379
}

variable "redis_auth_token_secret_arn" {
  description = "Secret with Redis's AUTH token (injected for Kong's env vault)."
  type        = string
}

variable "lambda_function_names" {
  description = "Function name per route group (cluster, topics, messages, groups)."
  type        = map(string)
}

variable "lambda_alias_name" {
  description = "Alias of the functions Kong invokes."
  type        = string

  validation {
    condition     = var.lambda_alias_name == "live"
    error_message = "gateway/kong.yaml invokes the qualifier `live`; rename both together."
  }
}

variable "lambda_alias_arns" {
  description = "ARN of that alias per function: the only resources the task role may invoke."
  type        = map(string)
}

variable "ecs_cluster_arn" {
  description = "ECS cluster to run in."
  type        = string
}

variable "ecs_exec_policy_arn" {
  description = "IAM policy that allows ECS Exec into the task."
  type        = string
}

variable "vpc_id" {
  description = "The VPC."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the tasks and the NLB."
  type        = list(string)
}

variable "task_security_group_id" {
  description = "Security group of the Kong tasks."
  type        = string
}

variable "lb_security_group_id" {
  description = "Security group of the NLB (443 from the BFF only)."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate for hostname (TLS on the NLB)."
  type        = string
}

variable "hostname" {
  description = "Internal name the BFF calls Kong by; must match the certificate."
  type        = string
}

variable "private_zone_id" {
  description = "Route 53 private hosted zone for hostname; empty to manage DNS elsewhere."
  type        = string
  default     = ""
}

variable "access_logs_bucket" {
  description = "S3 bucket for the NLB's access logs."
  type        = string
}

variable "deletion_protection" {
  description = "Protect the NLB from deletion."
  type        = bool
  default     = true
}

variable "kms_key_arn" {
  description = "KMS key for secrets and logs."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of Kong's logs."
  type        = number
  default     = 365
}

variable "metric_namespace" {
  description = "CloudWatch namespace of the Kong5xx log metric."
  type        = string
}

variable "ingest_services" {
  description = "Client ids of the services that publish events through Kong (acl group ingest); each gets its own key-auth key in Secrets Manager (<name>/kong/ingest/<id>)."
  type        = list(string)
  default     = []
}
