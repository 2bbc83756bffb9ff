# The Kafka clusters the console serves (var.clusters), resolved into what
# the Lambdas and the network need: ARN, bootstrap servers and port for each.
# The entry without msk_cluster_arn and bootstrap_brokers is the MSK cluster
# this stack creates (module.msk, only when such an entry exists).

locals {
  is_own_cluster = { for c in var.clusters : c.id => c.msk_cluster_arn == null && c.bootstrap_brokers == null }
  create_msk     = anytrue(values(local.is_own_cluster))

  # one() is null when module.msk has no instance, so nothing below indexes
  # a module that does not exist.
  own_msk = {
    arn               = one(module.msk[*].cluster_arn)
    bootstrap_brokers = one(module.msk[*].bootstrap_brokers_iam)
    name              = one(module.msk[*].cluster_name)
  }
}

# Existing MSK clusters given by ARN alone: their bootstrap brokers for the
# listener of their auth. The provider's account and region only; give
# bootstrap_brokers for a cluster elsewhere.
data "aws_msk_bootstrap_brokers" "cluster" {
  for_each = { for c in var.clusters : c.id => c if c.msk_cluster_arn != null && c.bootstrap_brokers == null }

  cluster_arn = each.value.msk_cluster_arn
}

locals {
  clusters = [for c in var.clusters : {
    id          = c.id
    name        = coalesce(c.name, c.id)
    environment = local.is_own_cluster[c.id] ? coalesce(c.environment, var.environment) : c.environment
    auth        = c.auth
    # null for a SCRAM cluster given by bootstrap_brokers alone (not on MSK,
    # or not to be granted IAM): only msk-iam clusters get IAM statements.
    msk_cluster_arn = local.is_own_cluster[c.id] ? local.own_msk.arn : c.msk_cluster_arn
    bootstrap_servers = (
      local.is_own_cluster[c.id] ? local.own_msk.bootstrap_brokers :
      c.bootstrap_brokers != null ? c.bootstrap_brokers :
      c.auth == "msk-iam" ? data.aws_msk_bootstrap_brokers.cluster[c.id].bootstrap_brokers_sasl_iam :
      data.aws_msk_bootstrap_brokers.cluster[c.id].bootstrap_brokers_sasl_scram
    )
    scram_secret_arn = c.scram_secret_arn
    # Glue's region resolved (the IAM grants name it); the network fields
    # stay here (external_registries below), the functions never see them.
    schema_registry = c.schema_registry == null ? null : {
      kind               = c.schema_registry.kind
      registry_name      = c.schema_registry.registry_name
      region             = c.schema_registry.kind == "glue" ? coalesce(c.schema_registry.region, var.region) : null
      url                = c.schema_registry.url
      credentials        = c.schema_registry.credentials
      secret_arn         = c.schema_registry.secret_arn
      strategy           = c.schema_registry.strategy
      request_timeout_ms = c.schema_registry.request_timeout_ms
    }
  }]

  # Confluent-compatible registries in a VPC (security group or networks
  # given): the Lambdas get egress to each on its URL's port (443 unless the
  # URL says). Those without either are reached through the NAT on 443.
  external_registries = [for c in var.clusters : {
    id                = c.id
    port              = can(regex("^https://[^/:]+:([0-9]+)", c.schema_registry.url)) ? tonumber(regex("^https://[^/:]+:([0-9]+)", c.schema_registry.url)[0]) : 443
    security_group_id = c.schema_registry.security_group_id
    cidrs             = c.schema_registry.cidrs
    } if c.schema_registry != null && try(c.schema_registry.kind, "") == "confluent" && (try(c.schema_registry.security_group_id, null) != null || length(try(c.schema_registry.cidrs, [])) > 0)
  ]

  # A Glue registry in the stack's region: reached through a VPC interface
  # endpoint (no NAT needed); one in another region goes through the NAT.
  glue_endpoint = anytrue([for c in var.clusters : coalesce(c.schema_registry.region, var.region) == var.region if c.schema_registry != null && try(c.schema_registry.kind, "") == "glue"])

  # What the Lambdas' security group needs a way out to, for the clusters
  # the stack does not create (its own is wired in modules/network). The
  # ports are those of bootstrap_brokers when given, else MSK's listener
  # for the auth (9098 IAM, 9096 SCRAM, both TLS).
  external_kafka = [for c in var.clusters : {
    id                = c.id
    ports             = c.bootstrap_brokers != null ? distinct([for b in split(",", c.bootstrap_brokers) : tonumber(split(":", b)[1])]) : [c.auth == "msk-iam" ? 9098 : 9096]
    security_group_id = c.security_group_id
    broker_cidrs      = c.broker_cidrs
  } if !local.is_own_cluster[c.id]]
}

# The stack's MSK cluster was module.msk before clusters became a list.
moved {
  from = module.msk
  to   = module.msk[0]
}
