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
