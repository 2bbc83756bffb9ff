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
  }]

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
