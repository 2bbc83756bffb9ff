output "cluster_arn" {
  description = "ARN of the cluster (the kafka-cluster:Connect resource)."
  value       = aws_msk_cluster.this.arn
}

output "cluster_name" {
  description = "Name of the cluster (the CloudWatch 'Cluster Name' dimension)."
  value       = aws_msk_cluster.this.cluster_name
}

output "bootstrap_brokers_iam" {
  description = "Bootstrap brokers of the IAM listener (host:9098,...)."
  value       = aws_msk_cluster.this.bootstrap_brokers_sasl_iam
}

output "broker_count" {
  description = "Number of brokers (their IDs are 1..N)."
  value       = aws_msk_cluster.this.number_of_broker_nodes
}

output "topic_arn_prefix" {
  description = "ARN prefix of this cluster's topics; append a topic name or *."
  value       = "${local.resource_arn_base}:topic/${aws_msk_cluster.this.cluster_name}/${aws_msk_cluster.this.cluster_uuid}"
}

output "group_arn_prefix" {
  description = "ARN prefix of this cluster's consumer groups; append a group id or *."
  value       = "${local.resource_arn_base}:group/${aws_msk_cluster.this.cluster_name}/${aws_msk_cluster.this.cluster_uuid}"
}
