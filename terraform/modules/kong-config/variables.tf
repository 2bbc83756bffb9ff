variable "template_path" {
  description = "gateway/kong.yaml."
  type        = string
}

variable "idp_issuer" {
  description = "The IdP's issuer, exactly the iss of its access tokens."
  type        = string
}

variable "idp_rsa_public_key_pem" {
  description = "PEM (SubjectPublicKeyInfo) of the IdP's RS256 signing key."
  type        = string

  validation {
    condition     = startswith(trimspace(var.idp_rsa_public_key_pem), "-----BEGIN PUBLIC KEY-----")
    error_message = "idp_rsa_public_key_pem must be a PEM public key (-----BEGIN PUBLIC KEY-----)."
  }
}

variable "bff_api_key" {
  description = "The BFF's key-auth key."
  type        = string
  sensitive   = true
}

variable "aws_region" {
  description = "Region of the Lambda functions."
  type        = string
}

variable "lambda_function_names" {
  description = "Function name per route group: cluster, topics, messages, groups."
  type        = map(string)

  validation {
    condition     = alltrue([for fn in ["cluster", "topics", "messages", "groups"] : contains(keys(var.lambda_function_names), fn)])
    error_message = "lambda_function_names needs cluster, topics, messages and groups."
  }
}

variable "shared_rate_limits" {
  description = "Keep rate-limit counters in Redis (several Kong tasks) rather than in each task's memory."
  type        = bool
}

variable "redis_host" {
  description = "Redis primary endpoint (used when shared_rate_limits)."
  type        = string
}

variable "redis_port" {
  description = "Redis port."
  type        = number
  default     = 6379
}

variable "redis_password_vault_key" {
  description = "Kong env-vault key of the Redis AUTH token: Kong reads it from the environment variable of the same name, upper-cased with _ for -."
  type        = string
  default     = "configurator-redis-password"
}
