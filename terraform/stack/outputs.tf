output "console_url" {
  description = "Where people open the console."
  value       = module.alb.console_url
}

output "kong_proxy_url" {
  description = "Kong's internal proxy URL (reachable from the BFF only)."
  value       = module.kong.proxy_url
}

output "msk_bootstrap_brokers" {
  description = "Bootstrap brokers of the IAM listener (port 9098) of the stack's own MSK cluster; null when it creates none."
  value       = local.own_msk.bootstrap_brokers
}

output "clusters" {
  description = "The clusters the console serves: id => bootstrap servers and auth, as the functions get them in CLUSTERS_TOML."
  value       = { for c in local.clusters : c.id => { bootstrap_servers = c.bootstrap_servers, auth = c.auth } }
}

output "lambda_security_group_id" {
  description = "The Lambdas' security group: the owner of a cluster the stack does not create allows ingress from it on the Kafka port."
  value       = module.network.security_group_ids["lambda"]
}

output "alb_dns_name" {
  description = "Point console_hostname here when DNS is not managed by this stack."
  value       = module.alb.dns_name
}

output "kong_nlb_dns_name" {
  description = "Point kong_hostname here when DNS is not managed by this stack."
  value       = module.kong.nlb_dns_name
}

output "lambda_latest_versions" {
  description = "Newest published version per function (for lambda_stable_versions during a canary)."
  value       = module.lambdas.latest_versions
}

output "lag_sampler_function_name" {
  description = "The lag sampler function (logs in /aws/lambda/<name>); null when lag_sampler_enabled is false."
  value       = module.lambdas.sampler_function_name
}

output "oidc_client_secret_arn" {
  description = "Put the IdP's client secret here before the BFF's first start."
  value       = module.bff.oidc_client_secret_arn
}

output "bff_waiting_for_oidc_client_secret" {
  description = "True until the OIDC client secret has a value: the BFF runs no task until then (put it in, then apply again)."
  value       = module.bff.waiting_for_oidc_client_secret
}

output "alarm_topic_arn" {
  description = "SNS topic of every alarm."
  value       = module.observability.alarm_topic_arn
}

output "dashboard_url" {
  description = "The CloudWatch dashboard."
  value       = module.observability.dashboard_url
}

output "ecs_cluster_name" {
  description = "For ECS Exec: aws ecs execute-command --cluster <this> ..."
  value       = module.platform.ecs_cluster_name
}

output "ingest_api_key_secret_arns" {
  description = "Per ingest service, the secret with its Kong key (docs/ingest.md)."
  value       = module.kong.ingest_api_key_secret_arns
}
