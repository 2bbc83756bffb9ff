output "json" {
  description = "The rendered config as one-line JSON (contains the BFF's key)."
  value       = jsonencode(yamldecode(local.rendered))
  sensitive   = true
}

output "sha256" {
  description = "Hash of the rendered config (rolls the Kong tasks when it changes)."
  # A SHA-256 of a config holding a 48-character random key reveals nothing.
  value = nonsensitive(sha256(local.rendered))
}

output "redis_password_env" {
  description = "Environment variable Kong's env vault reads the Redis AUTH token from."
  value       = upper(replace(var.redis_password_vault_key, "-", "_"))
}
