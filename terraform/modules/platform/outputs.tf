output "kms_key_arn" {
  description = "ARN of the environment's customer-managed KMS key."
  value       = aws_kms_key.this.arn
}

output "ecs_cluster_arn" {
  description = "ARN of the ECS cluster for Kong and the BFF."
  value       = aws_ecs_cluster.this.arn
}

output "ecs_cluster_name" {
  description = "Name of the ECS cluster (ECS Exec and metrics use it)."
  value       = aws_ecs_cluster.this.name
}

output "ecs_exec_policy_arn" {
  description = "IAM policy a task role attaches to allow ECS Exec."
  value       = aws_iam_policy.ecs_exec.arn
}
