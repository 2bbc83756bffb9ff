variable "name" {
  description = "Name prefix, e.g. configurator-dev."
  type        = string
}

variable "cidr" {
  description = "The VPC's IPv4 range (a /16 leaves room for /20 workload subnets)."
  type        = string
  default     = "10.40.0.0/16"
}

variable "azs" {
  description = "Availability zones by name, listed explicitly so the set never changes behind Terraform's back. Three keep MSK's replication factor at 3."
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 2 && length(var.azs) <= 3
    error_message = "List 2 or 3 availability zones."
  }
}

variable "enable_nat_gateway" {
  description = "NAT for HTTPS to the OIDC issuer and public registries. Turn off only when the IdP and images are reachable privately."
  type        = bool
  default     = true
}

variable "single_nat_gateway" {
  description = "One shared NAT gateway (cheaper, dev) instead of one per AZ (prod)."
  type        = bool
  default     = false
}

variable "console_client_cidrs" {
  description = "Networks (office, VPN, peered VPCs) whose people may open the console on the internal ALB."
  type        = list(string)
}

variable "bff_port" {
  description = "Port the BFF container listens on."
  type        = number
  default     = 8080
}

variable "kong_proxy_port" {
  description = "Kong's proxy port inside the task."
  type        = number
  default     = 8000
}

variable "kong_status_port" {
  description = "Kong's status API port (health checks)."
  type        = number
  default     = 8100
}

variable "kms_key_arn" {
  description = "KMS key for the flow log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the VPC flow logs."
  type        = number
  default     = 365
}

variable "tags" {
  description = "Tags for the resources the community modules create."
  type        = map(string)
  default     = {}
}

variable "external_kafka" {
  description = "Kafka clusters the stack does not create: id, the ports of their brokers, and their security group (same or peered VPC) and/or broker CIDRs. The Lambdas get egress to each; the stack's own MSK cluster is wired here already."
  type = list(object({
    id                = string
    ports             = list(number)
    security_group_id = optional(string)
    broker_cidrs      = optional(list(string), [])
  }))
  default = []
}

variable "external_registries" {
  description = "Confluent-compatible schema registries in a VPC (issue #13): cluster id, the registry's port (its URL's, 443 by default), and its security group and/or networks. The Lambdas get egress to each; a registry on the internet is reached through the NAT's HTTPS rule instead."
  type = list(object({
    id                = string
    port              = number
    security_group_id = optional(string)
    cidrs             = optional(list(string), [])
  }))
  default = []
}

variable "xray_endpoint" {
  description = "A VPC interface endpoint for AWS X-Ray (the ADOT collectors beside the functions and the BFF send traces there), so traces need no NAT."
  type        = bool
  default     = false
}

variable "glue_endpoint" {
  description = "A VPC interface endpoint for AWS Glue (a cluster's schema registry is a Glue registry in this region), so the Lambdas reach it without the NAT."
  type        = bool
  default     = false
}
