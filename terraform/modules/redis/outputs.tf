output "primary_endpoint" {
  description = "Host name of the primary (TLS)."
  value       = aws_elasticache_replication_group.this.primary_endpoint_address
}

output "port" {
  description = "Redis port."
  value       = aws_elasticache_replication_group.this.port
}

output "auth_token_secret_arn" {
  description = "Secret with the bare AUTH token."
  value       = aws_secretsmanager_secret.auth_token.arn
}

output "url_secret_arn" {
  description = "Secret with the rediss:// URL including the AUTH token."
  value       = aws_secretsmanager_secret.url.arn
}
