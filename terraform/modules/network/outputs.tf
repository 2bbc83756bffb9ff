output "vpc_id" {
  description = "The VPC."
  value       = module.vpc.vpc_id
}

output "private_subnet_ids" {
  description = "Subnets for the ALB, Fargate tasks and Lambdas (egress through the NAT)."
  value       = module.vpc.private_subnets
}

output "intra_subnet_ids" {
  description = "Subnets without a route out, for MSK and Redis."
  value       = module.vpc.intra_subnets
}

output "security_group_ids" {
  description = "Security group per component: alb, bff, kong_lb, kong, lambda, msk, redis, endpoints."
  value = {
    alb       = aws_security_group.alb.id
    bff       = aws_security_group.bff.id
    kong_lb   = aws_security_group.kong_lb.id
    kong      = aws_security_group.kong.id
    lambda    = aws_security_group.lambda.id
    msk       = aws_security_group.msk.id
    redis     = aws_security_group.redis.id
    endpoints = aws_security_group.endpoints.id
  }
}
