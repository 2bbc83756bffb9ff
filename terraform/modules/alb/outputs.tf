output "console_url" {
  description = "Where people open the console."
  value       = "https://${var.hostname}${var.base_path}/"
}

output "dns_name" {
  description = "DNS name of the ALB (point hostname at it when DNS is managed elsewhere)."
  value       = aws_lb.this.dns_name
}

output "arn_suffix" {
  description = "ALB dimension for CloudWatch."
  value       = aws_lb.this.arn_suffix
}

output "bff_target_group_arn" {
  description = "Target group the BFF service registers in."
  value       = aws_lb_target_group.bff.arn

  # ECS refuses to register the BFF's tasks in a target group no listener
  # forwards to: the service, created from this ARN, waits for the rule.
  depends_on = [aws_lb_listener_rule.console]
}

output "bff_target_group_arn_suffix" {
  description = "Target group dimension for CloudWatch."
  value       = aws_lb_target_group.bff.arn_suffix
}

output "access_logs_bucket" {
  description = "Bucket with the ALB's and the Kong NLB's access logs."
  value       = aws_s3_bucket.logs.id

  # Kong's NLB enables access logs into this bucket, which the log delivery
  # may write only once the policy is there: it waits for the policy.
  depends_on = [aws_s3_bucket_policy.logs]
}
