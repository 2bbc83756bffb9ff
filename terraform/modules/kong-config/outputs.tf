output "json" {
  description = "The rendered config as one-line JSON (contains the BFF's and the ingest services' keys)."
  value       = jsonencode(yamldecode(local.with_consumers))
  sensitive   = true

  precondition {
    condition     = length(split(local.ingest_marker, local.rendered)) == 2
    error_message = "The Kong template needs the line \"  # INGEST_CONSUMERS\" exactly once (the ingest services' consumers go below it)."
  }
}

output "sha256" {
  description = "Hash of the rendered config (rolls the Kong tasks when it changes)."
  # A SHA-256 of a config holding 48-character random keys reveals nothing.
  value = nonsensitive(sha256(local.with_consumers))
}

output "redis_password_env" {
  description = "Environment variable Kong's env vault reads the Redis AUTH token from."
  value       = upper(replace(var.redis_password_vault_key, "-", "_"))
}
