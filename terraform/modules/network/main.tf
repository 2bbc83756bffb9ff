# The VPC: private subnets for the ALB, the Fargate tasks, the Lambdas and the
# interface endpoints; isolated ("intra") subnets with no route out for MSK and
# Redis; public subnets only to hold the NAT gateways. Every security group of
# the system lives here too, so who may talk to whom reads in one file.

locals {
  az_count = length(var.azs)

  # /20 per AZ for workloads (Lambda ENIs and Fargate tasks use one IP each),
  # /24 per AZ for data stores and for the NAT gateways.
  private_subnets = [for i in range(local.az_count) : cidrsubnet(var.cidr, 4, i)]
  intra_subnets   = [for i in range(local.az_count) : cidrsubnet(var.cidr, 8, 48 + i)]
  public_subnets  = var.enable_nat_gateway ? [for i in range(local.az_count) : cidrsubnet(var.cidr, 8, 64 + i)] : []

  # AWS APIs reached privately. ecr.* and s3 pull images; logs ships task
  # logs; secretsmanager and kms start tasks; lambda is Kong's upstream;
  # ssmmessages carries ECS Exec; sts serves SDK credential calls.
  # glue only when a cluster's schema registry is in Glue (issue #13);
  # xray only when traces are exported (issue #17).
  interface_endpoints = concat(
    ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "kms", "lambda", "ssmmessages", "sts"],
    var.glue_endpoint ? ["glue"] : [],
    var.xray_endpoint ? ["xray"] : [],
  )
}

# Pinned to the commit of the module's v6.6.0 tag: a tag or a registry
# version can be moved, a commit cannot.
module "vpc" {
  source = "git::https://github.com/terraform-aws-modules/terraform-aws-vpc.git?ref=82d1929e669efef4e2ad00611b8a68e7a56e049c"

  name = var.name
  cidr = var.cidr
  azs  = var.azs

  private_subnets = local.private_subnets
  intra_subnets   = local.intra_subnets
  public_subnets  = local.public_subnets

  # Egress for what has no VPC endpoint: the OIDC issuer (discovery, JWKS,
  # token endpoint) and public image registries. Prod keeps one NAT per AZ so
  # an AZ outage does not cut the others off.
  enable_nat_gateway      = var.enable_nat_gateway
  single_nat_gateway      = var.single_nat_gateway
  one_nat_gateway_per_az  = !var.single_nat_gateway
  map_public_ip_on_launch = false

  enable_dns_hostnames = true
  enable_dns_support   = true

  # The default security group allows nothing: every resource gets its own.
  manage_default_security_group  = true
  default_security_group_ingress = []
  default_security_group_egress  = []

  enable_flow_log                                 = true
  flow_log_traffic_type                           = "ALL"
  flow_log_max_aggregation_interval               = 60
  create_flow_log_cloudwatch_log_group            = true
  create_flow_log_cloudwatch_iam_role             = true
  flow_log_cloudwatch_log_group_retention_in_days = var.log_retention_days
  flow_log_cloudwatch_log_group_kms_key_id        = var.kms_key_arn

  tags = var.tags
}

module "endpoints" {
  source = "git::https://github.com/terraform-aws-modules/terraform-aws-vpc.git//modules/vpc-endpoints?ref=82d1929e669efef4e2ad00611b8a68e7a56e049c" # v6.6.0

  vpc_id             = module.vpc.vpc_id
  subnet_ids         = module.vpc.private_subnets
  security_group_ids = [aws_security_group.endpoints.id]

  endpoints = merge(
    {
      s3 = {
        service         = "s3"
        service_type    = "Gateway"
        route_table_ids = concat(module.vpc.private_route_table_ids, module.vpc.intra_route_table_ids)
      }
    },
    {
      for service in local.interface_endpoints : replace(service, ".", "_") => {
        service             = service
        private_dns_enabled = true
      }
    },
  )

  tags = var.tags
}

# --- Security groups --------------------------------------------------------

resource "aws_security_group" "endpoints" {
  #checkov:skip=CKV2_AWS_5:Attached to the interface endpoints by module.endpoints (security_group_ids) in this file; the check does not follow module inputs.
  name        = "${var.name}-endpoints"
  description = "VPC interface endpoints: HTTPS from inside the VPC"
  vpc_id      = module.vpc.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https" {
  security_group_id = aws_security_group.endpoints.id
  description       = "HTTPS to AWS APIs from anything in the VPC"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.cidr
}

resource "aws_security_group" "alb" {
  #checkov:skip=CKV2_AWS_5:Attached to the console ALB in modules/alb (aws_lb.this), which gets it as an input; the check does not follow module inputs.
  name        = "${var.name}-alb"
  description = "Internal ALB of the console"
  vpc_id      = module.vpc.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  for_each = toset(var.console_client_cidrs)

  security_group_id = aws_security_group.alb.id
  description       = "Console users (HTTPS) from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = each.value
}

resource "aws_vpc_security_group_egress_rule" "alb_to_bff" {
  security_group_id            = aws_security_group.alb.id
  description                  = "Forward to the BFF tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.bff_port
  to_port                      = var.bff_port
  referenced_security_group_id = aws_security_group.bff.id
}

resource "aws_security_group" "bff" {
  #checkov:skip=CKV2_AWS_5:Attached to the BFF service in modules/bff (aws_ecs_service.this), which gets it as an input; the check does not follow module inputs.
  name        = "${var.name}-bff"
  description = "BFF tasks"
  vpc_id      = module.vpc.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "bff_from_alb" {
  security_group_id            = aws_security_group.bff.id
  description                  = "Requests and health checks from the ALB"
  ip_protocol                  = "tcp"
  from_port                    = var.bff_port
  to_port                      = var.bff_port
  referenced_security_group_id = aws_security_group.alb.id
}

resource "aws_vpc_security_group_egress_rule" "bff_to_kong" {
  security_group_id            = aws_security_group.bff.id
  description                  = "API calls to Kong's load balancer (TLS)"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.kong_lb.id
}

resource "aws_vpc_security_group_egress_rule" "bff_to_redis" {
  security_group_id            = aws_security_group.bff.id
  description                  = "Session store (Redis over TLS)"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.redis.id
}

resource "aws_security_group" "kong_lb" {
  #checkov:skip=CKV2_AWS_5:Attached to Kong's NLB in modules/kong (aws_lb.this), which gets it as an input; the check does not follow module inputs.
  name        = "${var.name}-kong-lb"
  description = "Kong's internal NLB: reachable from the BFF only"
  vpc_id      = module.vpc.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "kong_lb_from_bff" {
  security_group_id            = aws_security_group.kong_lb.id
  description                  = "API calls from the BFF"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.bff.id
}

resource "aws_vpc_security_group_egress_rule" "kong_lb_to_proxy" {
  security_group_id            = aws_security_group.kong_lb.id
  description                  = "Forward to Kong's proxy port"
  ip_protocol                  = "tcp"
  from_port                    = var.kong_proxy_port
  to_port                      = var.kong_proxy_port
  referenced_security_group_id = aws_security_group.kong.id
}

resource "aws_vpc_security_group_egress_rule" "kong_lb_to_status" {
  security_group_id            = aws_security_group.kong_lb.id
  description                  = "Health checks on Kong's status port"
  ip_protocol                  = "tcp"
  from_port                    = var.kong_status_port
  to_port                      = var.kong_status_port
  referenced_security_group_id = aws_security_group.kong.id
}

resource "aws_security_group" "kong" {
  #checkov:skip=CKV2_AWS_5:Attached to the Kong service in modules/kong (aws_ecs_service.this), which gets it as an input; the check does not follow module inputs.
  name        = "${var.name}-kong"
  description = "Kong tasks (admin API stays on 127.0.0.1)"
  vpc_id      = module.vpc.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "kong_proxy_from_lb" {
  security_group_id            = aws_security_group.kong.id
  description                  = "Proxy traffic from the NLB"
  ip_protocol                  = "tcp"
  from_port                    = var.kong_proxy_port
  to_port                      = var.kong_proxy_port
  referenced_security_group_id = aws_security_group.kong_lb.id
}

resource "aws_vpc_security_group_ingress_rule" "kong_status_from_lb" {
  security_group_id            = aws_security_group.kong.id
  description                  = "Health checks from the NLB"
  ip_protocol                  = "tcp"
  from_port                    = var.kong_status_port
  to_port                      = var.kong_status_port
  referenced_security_group_id = aws_security_group.kong_lb.id
}

resource "aws_security_group" "lambda" {
  #checkov:skip=CKV2_AWS_5:Attached to the four functions in modules/lambdas (vpc_config), which get it as an input; the check does not follow module inputs.
  name        = "${var.name}-lambda"
  description = "Configurator Lambdas"
  vpc_id      = module.vpc.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "lambda_to_msk" {
  security_group_id            = aws_security_group.lambda.id
  description                  = "Kafka (IAM auth, TLS) on the MSK brokers"
  ip_protocol                  = "tcp"
  from_port                    = 9098
  to_port                      = 9098
  referenced_security_group_id = aws_security_group.msk.id
}

resource "aws_security_group" "msk" {
  #checkov:skip=CKV2_AWS_5:Attached to the brokers in modules/msk (broker_node_group_info), which gets it as an input; the check does not follow module inputs.
  name        = "${var.name}-msk"
  description = "MSK brokers: IAM listener from the Lambdas only"
  vpc_id      = module.vpc.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "msk_from_lambda" {
  security_group_id            = aws_security_group.msk.id
  description                  = "Kafka (IAM auth, TLS) from the Lambdas"
  ip_protocol                  = "tcp"
  from_port                    = 9098
  to_port                      = 9098
  referenced_security_group_id = aws_security_group.lambda.id
}

# Kafka clusters this stack does not create (var.external_kafka): a way out
# from the Lambdas to each, on its Kafka ports only. The ingress side is the
# cluster owner's (its security group is not this stack's): they allow the
# Lambdas' group (output security_group_ids["lambda"]) on the same ports.
# Kong and the BFF never talk to Kafka, so they get no rule.
locals {
  kafka_to_groups = {
    for rule in flatten([for c in var.external_kafka : [
      for port in c.ports : { key = "${c.id}:${port}", id = c.id, port = port, group = c.security_group_id }
    ] if c.security_group_id != null]) : rule.key => rule
  }
  kafka_to_cidrs = {
    for rule in flatten([for c in var.external_kafka : [
      for pair in setproduct(c.ports, c.broker_cidrs) : { key = "${c.id}:${pair[0]}:${pair[1]}", id = c.id, port = pair[0], cidr = pair[1] }
    ]]) : rule.key => rule
  }
}

resource "aws_vpc_security_group_egress_rule" "lambda_to_kafka_group" {
  for_each = local.kafka_to_groups

  security_group_id            = aws_security_group.lambda.id
  description                  = "Kafka (TLS) on the brokers of cluster ${each.value.id}"
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = each.value.group
}

resource "aws_vpc_security_group_egress_rule" "lambda_to_kafka_cidr" {
  for_each = local.kafka_to_cidrs

  security_group_id = aws_security_group.lambda.id
  description       = "Kafka (TLS) on the brokers of cluster ${each.value.id} in ${each.value.cidr}"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr
}

# Confluent-compatible schema registries in a VPC (var.external_registries,
# issue #13): a way out from the Lambdas to each, on its URL's port only.
# As with Kafka, the ingress side is the registry owner's. A registry on the
# internet needs no rule here: the NAT's HTTPS rule below reaches it.
locals {
  registry_to_groups = {
    for r in var.external_registries : "${r.id}:${r.port}" => r if r.security_group_id != null
  }
  registry_to_cidrs = {
    for rule in flatten([for r in var.external_registries : [
      for cidr in r.cidrs : { key = "${r.id}:${r.port}:${cidr}", id = r.id, port = r.port, cidr = cidr }
    ]]) : rule.key => rule
  }
}

resource "aws_vpc_security_group_egress_rule" "lambda_to_registry_group" {
  for_each = local.registry_to_groups

  security_group_id            = aws_security_group.lambda.id
  description                  = "Schema registry (HTTPS) of cluster ${each.value.id}"
  ip_protocol                  = "tcp"
  from_port                    = each.value.port
  to_port                      = each.value.port
  referenced_security_group_id = each.value.security_group_id
}

resource "aws_vpc_security_group_egress_rule" "lambda_to_registry_cidr" {
  for_each = local.registry_to_cidrs

  security_group_id = aws_security_group.lambda.id
  description       = "Schema registry (HTTPS) of cluster ${each.value.id} in ${each.value.cidr}"
  ip_protocol       = "tcp"
  from_port         = each.value.port
  to_port           = each.value.port
  cidr_ipv4         = each.value.cidr
}

resource "aws_security_group" "redis" {
  #checkov:skip=CKV2_AWS_5:Attached to the replication group in modules/redis (aws_elasticache_replication_group.this), which gets it as an input; the check does not follow module inputs.
  name        = "${var.name}-redis"
  description = "ElastiCache Redis (BFF sessions, Kong rate limits)"
  vpc_id      = module.vpc.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_bff" {
  security_group_id            = aws_security_group.redis.id
  description                  = "Session store from the BFF"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.bff.id
}

resource "aws_vpc_security_group_ingress_rule" "redis_from_kong" {
  security_group_id            = aws_security_group.redis.id
  description                  = "Rate-limit counters from Kong"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.kong.id
}

resource "aws_vpc_security_group_egress_rule" "kong_to_redis" {
  security_group_id            = aws_security_group.kong.id
  description                  = "Shared rate-limit counters (Redis over TLS)"
  ip_protocol                  = "tcp"
  from_port                    = 6379
  to_port                      = 6379
  referenced_security_group_id = aws_security_group.redis.id
}

# HTTPS out for the tasks and functions: to the interface endpoints, to S3
# (ECR image layers) through the gateway endpoint, and, where the IdP or an
# image registry lives outside AWS, to the internet through the NAT.
locals {
  https_clients = {
    bff    = aws_security_group.bff.id
    kong   = aws_security_group.kong.id
    lambda = aws_security_group.lambda.id
  }
}

resource "aws_vpc_security_group_egress_rule" "to_endpoints" {
  for_each = local.https_clients

  security_group_id            = each.value
  description                  = "AWS APIs through the VPC interface endpoints"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = aws_security_group.endpoints.id
}

resource "aws_vpc_security_group_egress_rule" "to_s3" {
  for_each = local.https_clients

  security_group_id = each.value
  description       = "S3 through the gateway endpoint (ECR image layers)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = module.endpoints.endpoints["s3"].prefix_list_id
}

resource "aws_vpc_security_group_egress_rule" "to_internet" {
  for_each = var.enable_nat_gateway ? local.https_clients : {}

  security_group_id = each.value
  description       = "HTTPS through the NAT: OIDC issuer (discovery, JWKS, tokens) and public registries"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}
