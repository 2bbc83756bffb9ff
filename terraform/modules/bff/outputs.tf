output "service_name" {
  description = "ECS service name."
  value       = aws_ecs_service.this.name
}

output "oidc_client_secret_arn" {
  description = "Secret to put the IdP's client secret in before the first start."
  value       = aws_secretsmanager_secret.oidc_client_secret.arn
}

output "log_group_name" {
  description = "The BFF's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "waiting_for_oidc_client_secret" {
  description = "True while the OIDC client secret has no value: the service then runs no task."
  value       = !local.oidc_client_secret_set
}
