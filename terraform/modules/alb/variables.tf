variable "name" {
  description = "Name prefix, e.g. configurator-dev."
  type        = string
}

variable "vpc_id" {
  description = "The VPC."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the ALB (one per AZ)."
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the ALB (443 from console_client_cidrs)."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate for hostname."
  type        = string
}

variable "hostname" {
  description = "Host name people open the console at."
  type        = string
}

variable "private_zone_id" {
  description = "Route 53 private hosted zone for hostname; empty to manage DNS elsewhere."
  type        = string
  default     = ""
}

variable "base_path" {
  description = "Path forwarded to the BFF (and everything under it)."
  type        = string
  default     = "/dev/configurator"
}

variable "bff_port" {
  description = "Port of the BFF tasks."
  type        = number
  default     = 8080
}

variable "stickiness_seconds" {
  description = "Lifetime of the ALB's stickiness cookie."
  type        = number
  default     = 28800
}

variable "deletion_protection" {
  description = "Protect the ALB (and keep the log bucket on destroy)."
  type        = bool
  default     = true
}

variable "access_log_retention_days" {
  description = "Days access logs are kept."
  type        = number
  default     = 90
}
