output "service_name" {
  description = "ECS service name."
  value       = aws_ecs_service.this.name
}

output "oidc_client_secret_arn" {
  description = "Secret to put the IdP's client secret in before the first start."
  value       = aws_secretsmanager_secret.oidc_client_secret.arn
}

output "redis_replication_group_id" {
  description = "ElastiCache replication group of the sessions."
  value       = aws_elasticache_replication_group.sessions.id
}

output "log_group_name" {
  description = "The BFF's log group."
  value       = aws_cloudwatch_log_group.this.name
}
