variable "name" {
  description = "Name prefix for every resource of the environment, e.g. configurator-dev."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the ECS Exec session log group."
  type        = number
  default     = 365
}

variable "kms_deletion_window_days" {
  description = "Waiting period before the KMS key is deleted after terraform destroy."
  type        = number
  default     = 30
}
