output "proxy_url" {
  description = "Kong's internal proxy URL (the BFF's UPSTREAM_URL)."
  value       = "https://${var.hostname}"
}

output "nlb_dns_name" {
  description = "DNS name of the NLB (point hostname at it when DNS is managed elsewhere)."
  value       = aws_lb.this.dns_name
}

output "nlb_arn_suffix" {
  description = "NLB dimension for CloudWatch."
  value       = aws_lb.this.arn_suffix
}

output "target_group_arn_suffix" {
  description = "Target group dimension for CloudWatch."
  value       = aws_lb_target_group.proxy.arn_suffix
}

output "service_name" {
  description = "ECS service name."
  value       = aws_ecs_service.this.name
}

output "bff_api_key_secret_arn" {
  description = "Secret holding the BFF's key-auth key."
  value       = aws_secretsmanager_secret.bff_api_key.arn
}

output "log_group_name" {
  description = "Kong's log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "metric_5xx" {
  description = "Namespace and name of the Kong 5xx log metric."
  value = {
    namespace = var.metric_namespace
    name      = aws_cloudwatch_log_metric_filter.kong_5xx.metric_transformation[0].name
  }
}

output "ingest_api_key_secret_arns" {
  description = "Per ingest service, the secret holding its key-auth key (hand it to the service's owners)."
  value       = { for name, secret in aws_secretsmanager_secret.ingest_api_key : name => secret.arn }
}
