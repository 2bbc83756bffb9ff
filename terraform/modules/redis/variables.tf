variable "name" {
  description = "Replication group id, e.g. configurator-dev."
  type        = string
}

variable "engine_version" {
  description = "Redis OSS engine version."
  type        = string
  default     = "7.1"
}

variable "node_type" {
  description = "ElastiCache node type."
  type        = string
  default     = "cache.t4g.small"
}

variable "nodes" {
  description = "Nodes: one primary and its replicas in other AZs (Multi-AZ failover needs 2 or more)."
  type        = number
  default     = 2

  validation {
    condition     = var.nodes >= 2
    error_message = "nodes must be at least 2 (a primary and a replica for failover)."
  }
}

variable "snapshot_retention_days" {
  description = "Daily snapshots kept."
  type        = number
  default     = 1
}

variable "subnet_ids" {
  description = "Isolated subnets, one per AZ."
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of Redis (6379 from the BFF and Kong)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for data at rest, the secrets and the engine log."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the engine log."
  type        = number
  default     = 365
}
