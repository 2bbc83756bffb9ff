# The MSK cluster: IAM authentication only (port 9098), TLS between clients
# and brokers and between brokers, storage encrypted with the environment's
# KMS key, broker logs in CloudWatch. No public access, no unauthenticated or
# SCRAM listener.

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}

locals {
  # IAM resource ARNs for topics and groups of this cluster: the cluster's
  # name and UUID, then the topic or group name (see the Lambdas' policies).
  resource_arn_base = "arn:${data.aws_partition.current.partition}:kafka:${data.aws_region.current.region}:${data.aws_caller_identity.current.account_id}"
}

resource "aws_msk_configuration" "this" {
  name           = var.name
  kafka_versions = [var.kafka_version]
  description    = "Configurator ${var.name}: explicit topic creation, durable defaults"

  # Topics are created on purpose (through the console or by their owners),
  # never as a side effect of a typo in a producer. Replication 3 with
  # min.insync.replicas 2 survives the loss of one broker without losing
  # acknowledged writes.
  server_properties = <<-EOT
    auto.create.topics.enable=false
    default.replication.factor=${min(3, var.broker_count)}
    min.insync.replicas=${min(2, var.broker_count)}
    num.partitions=3
    unclean.leader.election.enable=false
    delete.topic.enable=true
  EOT
}

resource "aws_cloudwatch_log_group" "broker" {
  name              = "/aws/msk/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_msk_cluster" "this" {
  cluster_name           = var.name
  kafka_version          = var.kafka_version
  number_of_broker_nodes = var.broker_count
  # DEFAULT already publishes CpuUser and KafkaDataLogsDiskUsed per broker,
  # which is what the alarms watch.
  enhanced_monitoring = var.enhanced_monitoring

  broker_node_group_info {
    instance_type   = var.instance_type
    client_subnets  = var.subnet_ids
    security_groups = [var.security_group_id]

    storage_info {
      ebs_storage_info {
        volume_size = var.volume_size_gib
      }
    }

    connectivity_info {
      public_access {
        type = "DISABLED"
      }
    }
  }

  client_authentication {
    unauthenticated = false

    sasl {
      iam   = true
      scram = false
    }
  }

  encryption_info {
    encryption_at_rest_kms_key_arn = var.kms_key_arn

    encryption_in_transit {
      client_broker = "TLS"
      in_cluster    = true
    }
  }

  configuration_info {
    arn      = aws_msk_configuration.this.arn
    revision = aws_msk_configuration.this.latest_revision
  }

  logging_info {
    broker_logs {
      cloudwatch_logs {
        enabled   = true
        log_group = aws_cloudwatch_log_group.broker.name
      }
    }
  }
}
