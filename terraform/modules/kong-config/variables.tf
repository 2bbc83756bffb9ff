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

  # Kong's jwt DAO parses an RS256 key with OpenSSL when it loads the
  # declarative config, and refuses the whole config (Kong then restarts
  # forever) when it cannot; a placeholder must therefore stop the plan
  # instead. Terraform cannot call OpenSSL, so this reads the PEM as far as
  # its functions allow: the armour, a base64 body (lines of any length,
  # LF or CRLF, but not indented: OpenSSL refuses that), the DER of an RSA
  # SubjectPublicKeyInfo (SEQUENCE with a two-byte length, i.e. 2048 bits or
  # more, then the rsaEncryption algorithm identifier: the fixed base64 text
  # below) whose length in its header is the decoded length (a truncated or
  # padded copy fails). base64decode cannot help: it refuses bytes that are
  # not UTF-8. The one-element for expressions only name intermediate values.
  # scripts/checks/idp_key.py checks this condition against OpenSSL.
  validation {
    condition = try(alltrue(flatten([
      for body in [replace(regex("^-----BEGIN PUBLIC KEY-----\\r?\\n([A-Za-z0-9+/=\\r\\n]+)-----END PUBLIC KEY-----$", trimspace(var.idp_rsa_public_key_pem))[0], "/[\\r\\n]/", "")] : [
        for b64 in [split("", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")] :
        can(regex("^MII[A-Za-z0-9+/]{3}ANBgkqhkiG9w0BAQEFAAOC[A-Za-z0-9+/]+={0,2}$", body))
        && length(body) % 4 == 0
        && length(body) / 4 * 3 - length(regex("=*$", body)) == 4 + 256 * index(b64, substr(body, 3, 1)) + 4 * index(b64, substr(body, 4, 1)) + floor(index(b64, substr(body, 5, 1)) / 16)
      ]
    ])), false)
    error_message = "idp_rsa_public_key_pem must be the IdP's RS256 signing key as an RSA public key PEM of 2048 bits or more (-----BEGIN PUBLIC KEY-----, SubjectPublicKeyInfo), complete, as docs/deploy.md step 5 prints it: Kong parses it with OpenSSL at start and refuses its whole configuration otherwise."
  }
}

variable "bff_api_key" {
  description = "The BFF's key-auth key."
  type        = string
  sensitive   = true
}

variable "ingest_services" {
  description = "The services that call Kong directly to publish events (issue #16), each a consumer in the acl group ingest: name = the service's client id at the IdP (its tokens' sub), api_key = its own key-auth key (sent as apikey). None by default."
  type = list(object({
    name    = string
    api_key = string
  }))
  default   = []
  sensitive = true

  # Kong refuses a declarative config with two consumers of one name or two
  # credentials with one key, and a service holding the BFF's key (or the
  # reverse) would pass acl as the other.
  validation {
    condition = alltrue([
      for service in var.ingest_services :
      can(regex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$", service.name))
      && !contains(["configurator-bff", "configurator-idp", "configurator-anonymous"], service.name)
      && length(trimspace(service.api_key)) > 0
    ])
    error_message = "Each ingest service needs a client id as name (letters, digits, '.', '_', '-'; not one of the gateway's own consumers) and a non-empty api_key."
  }
  validation {
    condition = (
      length(distinct([for service in var.ingest_services : service.name])) == length(var.ingest_services)
      && length(distinct(concat([var.bff_api_key], [for service in var.ingest_services : service.api_key]))) == length(var.ingest_services) + 1
    )
    error_message = "Each ingest service needs a name and an api_key of its own, different from the BFF's key."
  }
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
