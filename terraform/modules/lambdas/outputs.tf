output "function_names" {
  description = "Function name per route group."
  value       = { for fn, f in aws_lambda_function.this : fn => f.function_name }
}

output "alias_arns" {
  description = "ARN of the `live` alias per route group (what Kong may invoke)."
  value       = { for fn, a in aws_lambda_alias.live : fn => a.arn }
}

output "alias_name" {
  description = "Name of the alias Kong invokes."
  value       = var.alias_name
}

output "latest_versions" {
  description = "Newest published version per function (copy into stable_versions before a canary)."
  value       = { for fn, f in aws_lambda_function.this : fn => f.version }
}

output "role_arns" {
  description = "Execution role per function."
  value       = { for fn, r in aws_iam_role.this : fn => r.arn }
}

output "sampler_function_name" {
  description = "The lag sampler's function name; null when sampler_enabled is false."
  value       = try(aws_lambda_function.sampler["sampler"].function_name, null)
}

output "sampler_timeout_seconds" {
  description = "The lag sampler's timeout (its Duration alarm is set below it)."
  value       = local.sampler_timeout_seconds
}

output "sampler_failure_metric" {
  description = "Namespace and name of the metric counting clusters the lag sampler could not sample (a log metric filter)."
  value       = local.sampler_failure_metric
}
