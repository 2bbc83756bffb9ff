# The one root module of every Configurator environment. An environment is
# only its inputs: terraform/environments/<env>/backend.hcl (state) and
# terraform.tfvars (values), e.g. from this directory:
#   terraform init -reconfigure -backend-config=../environments/dev/backend.hcl
#   terraform plan -var-file=../environments/dev/terraform.tfvars

locals {
  name = "configurator-${var.environment}"
  tags = { Project = "configurator", Environment = var.environment }
}

module "platform" {
  source = "../modules/platform"

  name               = local.name
  log_retention_days = var.log_retention_days
}

module "network" {
  source = "../modules/network"

  name                 = local.name
  cidr                 = var.vpc_cidr
  azs                  = var.azs
  enable_nat_gateway   = var.enable_nat_gateway
  single_nat_gateway   = var.single_nat_gateway
  console_client_cidrs = var.console_client_cidrs
  external_kafka       = local.external_kafka
  external_registries  = local.external_registries
  glue_endpoint        = local.glue_endpoint
  xray_endpoint        = var.otel_collector_layer_arn != null || var.otel_collector_image != null
  kms_key_arn          = module.platform.kms_key_arn
  log_retention_days   = var.log_retention_days
  tags                 = local.tags
}

# Only when an entry of var.clusters is the stack's own (see clusters.tf).
module "msk" {
  source = "../modules/msk"
  count  = local.create_msk ? 1 : 0

  name               = local.name
  kafka_version      = var.kafka_version
  broker_count       = length(var.azs) * var.msk_brokers_per_az
  instance_type      = var.msk_instance_type
  volume_size_gib    = var.msk_volume_size_gib
  subnet_ids         = module.network.intra_subnet_ids
  security_group_id  = module.network.security_group_ids["msk"]
  kms_key_arn        = module.platform.kms_key_arn
  log_retention_days = var.log_retention_days
}

module "lambdas" {
  source = "../modules/lambdas"

  name                 = local.name
  package_path         = var.lambda_package_path
  memory_mb            = var.lambda_memory_mb
  reserved_concurrency = var.lambda_reserved_concurrency
  stable_versions      = var.lambda_stable_versions
  canary_weight        = var.lambda_canary_weight
  subnet_ids           = module.network.private_subnet_ids
  security_group_id    = module.network.security_group_ids["lambda"]
  kms_key_arn          = module.platform.kms_key_arn
  log_retention_days   = var.log_retention_days
  clusters             = local.clusters
  default_cluster      = var.default_cluster
  oidc_issuer          = var.oidc_issuer
  oidc_audience        = var.oidc_audience
  oidc_groups_claim    = var.oidc_groups_claim
  policy_file          = var.lambda_policy_file

  secrets_extension_layer_arn = var.lambda_secrets_extension_layer_arn
  otel_collector_layer_arn    = var.otel_collector_layer_arn

  sampler_enabled    = var.lag_sampler_enabled
  sampler_max_groups = var.lag_sampler_max_groups
  sampler_budget_ms  = var.lag_sampler_budget_ms
}

module "alb" {
  source = "../modules/alb"

  name                = local.name
  vpc_id              = module.network.vpc_id
  subnet_ids          = module.network.private_subnet_ids
  security_group_id   = module.network.security_group_ids["alb"]
  certificate_arn     = var.certificate_arn
  hostname            = var.console_hostname
  private_zone_id     = var.private_zone_id
  base_path           = var.base_path
  deletion_protection = var.deletion_protection
}

module "redis" {
  source = "../modules/redis"

  name               = local.name
  node_type          = var.redis_node_type
  nodes              = var.redis_nodes
  subnet_ids         = module.network.intra_subnet_ids
  security_group_id  = module.network.security_group_ids["redis"]
  kms_key_arn        = module.platform.kms_key_arn
  log_retention_days = var.log_retention_days
}

module "kong" {
  source = "../modules/kong"

  name                        = local.name
  account_id                  = var.account_id
  image                       = var.kong_image
  desired_count               = var.kong_desired_count
  config_template_path        = var.kong_config_path
  oidc_issuer                 = var.oidc_issuer
  idp_rsa_public_key_pem      = var.idp_rsa_public_key_pem
  ingest_services             = var.ingest_services
  redis_host                  = module.redis.primary_endpoint
  redis_port                  = module.redis.port
  redis_auth_token_secret_arn = module.redis.auth_token_secret_arn
  lambda_function_names       = module.lambdas.function_names
  lambda_alias_name           = module.lambdas.alias_name
  lambda_alias_arns           = module.lambdas.alias_arns
  ecs_cluster_arn             = module.platform.ecs_cluster_arn
  ecs_exec_policy_arn         = module.platform.ecs_exec_policy_arn
  vpc_id                      = module.network.vpc_id
  subnet_ids                  = module.network.private_subnet_ids
  task_security_group_id      = module.network.security_group_ids["kong"]
  lb_security_group_id        = module.network.security_group_ids["kong_lb"]
  certificate_arn             = var.certificate_arn
  hostname                    = var.kong_hostname
  private_zone_id             = var.private_zone_id
  access_logs_bucket          = module.alb.access_logs_bucket
  deletion_protection         = var.deletion_protection
  kms_key_arn                 = module.platform.kms_key_arn
  log_retention_days          = var.log_retention_days
  metric_namespace            = "Configurator/${var.environment}"
}

module "bff" {
  source = "../modules/bff"

  name                        = local.name
  account_id                  = var.account_id
  image                       = var.bff_image
  desired_count               = var.bff_desired_count
  public_url                  = "https://${var.console_hostname}"
  base_path                   = var.base_path
  oidc_issuer                 = var.oidc_issuer
  oidc_client_id              = var.oidc_client_id
  upstream_url                = module.kong.proxy_url
  upstream_api_key_secret_arn = module.kong.bff_api_key_secret_arn
  extra_environment           = var.bff_extra_environment
  otel_collector_image        = var.otel_collector_image
  ecs_cluster_arn             = module.platform.ecs_cluster_arn
  subnet_ids                  = module.network.private_subnet_ids
  security_group_id           = module.network.security_group_ids["bff"]
  target_group_arn            = module.alb.bff_target_group_arn
  session_store_secret_arn    = module.redis.url_secret_arn
  kms_key_arn                 = module.platform.kms_key_arn
  log_retention_days          = var.log_retention_days
}

module "observability" {
  source = "../modules/observability"

  name                         = local.name
  kms_key_arn                  = module.platform.kms_key_arn
  alarm_emails                 = var.alarm_emails
  lambda_function_names        = module.lambdas.function_names
  alb_arn_suffix               = module.alb.arn_suffix
  bff_target_group_arn_suffix  = module.alb.bff_target_group_arn_suffix
  kong_nlb_arn_suffix          = module.kong.nlb_arn_suffix
  kong_target_group_arn_suffix = module.kong.target_group_arn_suffix
  kong_metric_namespace        = module.kong.metric_5xx.namespace
  kong_metric_name             = module.kong.metric_5xx.name
  # The stack's own cluster's brokers; none when it creates no cluster.
  msk_cluster_name = local.create_msk ? local.own_msk.name : ""
  msk_broker_count = local.create_msk ? length(var.azs) * var.msk_brokers_per_az : 0
  # The lag sampler's alarms: the function, and the groups it judges.
  sampler_enabled         = var.lag_sampler_enabled
  sampler_function_name   = module.lambdas.sampler_function_name
  sampler_timeout_seconds = module.lambdas.sampler_timeout_seconds
  sampler_failure_metric  = module.lambdas.sampler_failure_metric
  cluster_ids             = [for c in var.clusters : c.id]
  group_lag_alarms        = var.group_lag_alarms
}
