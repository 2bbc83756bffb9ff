# The BFF on Fargate behind the internal ALB, with its sessions in the
# shared Redis (modules/redis) so any task can serve any session. Secrets
# reach the container through ECS `secrets` from Secrets Manager, never as
# plain environment values.

data "aws_region" "current" {}
data "aws_partition" "current" {}

# --- Secrets -----------------------------------------------------------------

# Created empty: the client secret comes from the IdP and is put in by an
# operator (see the README), so it never passes through Terraform state.
resource "aws_secretsmanager_secret" "oidc_client_secret" {
  #checkov:skip=CKV2_AWS_57:The value is issued by the IdP; rotating it is done in the IdP and then put here by an operator, which a Secrets Manager rotation Lambda cannot do.
  name        = "${var.name}/bff/oidc-client-secret"
  description = "OIDC client secret of the Configurator BFF (set by an operator)"
  kms_key_id  = var.kms_key_arn
}

# Whether an operator has put the client secret in yet: only its version
# list is read (ListSecretVersionIds), never its value. Until then the
# service runs no task: a task could not start (ECS cannot inject an empty
# secret), and a service that never becomes stable would fail the deploy's
# wait. On the very first apply the secret does not exist at plan time, so
# this is read during the apply, once the secret is created: no version, no
# task. The next plan after put-secret-value sees AWSCURRENT and starts
# var.desired_count tasks, so there is no later step to forget.
data "aws_secretsmanager_secret_versions" "oidc_client_secret" {
  secret_id = aws_secretsmanager_secret.oidc_client_secret.id
}

locals {
  # try(): the provider leaves versions null when there are none.
  oidc_client_secret_set = anytrue([
    for v in try(tolist(data.aws_secretsmanager_secret_versions.oidc_client_secret.versions), []) :
    contains(v.version_stages, "AWSCURRENT")
  ])
  desired_count = local.oidc_client_secret_set ? var.desired_count : 0
}

# --- Logs and IAM --------------------------------------------------------------

resource "aws_cloudwatch_log_group" "this" {
  name              = "/ecs/${var.name}/bff"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

# Task roles: only ECS tasks of this account (confused-deputy guard).
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [var.account_id]
    }
  }
}

data "aws_iam_policy_document" "assume_execution" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-bff-execution"
  description        = "ECS starts the BFF: image pull, logs, its three secrets"
  assume_role_policy = data.aws_iam_policy_document.assume_execution.json
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

data "aws_iam_policy_document" "execution" {
  statement {
    sid     = "ReadSecrets"
    actions = ["secretsmanager:GetSecretValue"]
    resources = [
      aws_secretsmanager_secret.oidc_client_secret.arn,
      var.session_store_secret_arn,
      var.upstream_api_key_secret_arn,
    ]
  }

  statement {
    sid       = "DecryptSecrets"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
}

resource "aws_iam_role_policy" "execution" {
  name   = "bff-secrets"
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.execution.json
}

# The BFF calls no AWS API (it reaches the API through Kong), and nobody
# can exec into it (see enable_execute_command below), so its task role
# allows nothing: it is there so the task never falls back to any other.
resource "aws_iam_role" "task" {
  name               = "${var.name}-bff-task"
  description        = "Configurator BFF tasks (no permissions)"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

# --- Service -----------------------------------------------------------------

resource "aws_ecs_task_definition" "this" {
  family                   = "${var.name}-bff"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  container_definitions = jsonencode(concat([
    {
      name                   = "bff"
      image                  = var.image
      essential              = true
      readonlyRootFilesystem = true

      portMappings = [{ containerPort = var.port, protocol = "tcp" }]

      environment = [for k, v in merge(var.extra_environment, {
        LISTEN_ADDR                   = "0.0.0.0:${var.port}"
        PUBLIC_URL                    = var.public_url
        BASE_PATH                     = var.base_path
        OIDC_ISSUER                   = var.oidc_issuer
        OIDC_CLIENT_ID                = var.oidc_client_id
        OIDC_SCOPES                   = var.oidc_scopes
        UPSTREAM_URL                  = var.upstream_url
        COOKIE_SECURE                 = "true"
        SESSION_IDLE_TIMEOUT_SECS     = tostring(var.session_idle_timeout_secs)
        SESSION_ABSOLUTE_TIMEOUT_SECS = tostring(var.session_absolute_timeout_secs)
      }, local.otel_environment) : { name = k, value = v }]

      secrets = [
        { name = "OIDC_CLIENT_SECRET", valueFrom = aws_secretsmanager_secret.oidc_client_secret.arn },
        { name = "UPSTREAM_API_KEY", valueFrom = var.upstream_api_key_secret_arn },
        { name = "SESSION_STORE", valueFrom = var.session_store_secret_arn },
      ]

      linuxParameters = { initProcessEnabled = true }

      logConfiguration = {
        logDriver = "awslogs"
        options   = merge(local.awslogs, { awslogs-stream-prefix = "bff" })
      }
    }
    ], var.otel_collector_image == null ? [] : [
    # ADOT's ECS default configuration: OTLP on localhost:4317/4318 in,
    # X-Ray out. Not essential: without it the BFF serves on, unobserved.
    {
      name                   = "otel-collector"
      image                  = var.otel_collector_image
      essential              = false
      readonlyRootFilesystem = true
      command                = ["--config=/etc/ecs/ecs-default-config.yaml"]
      logConfiguration = {
        logDriver = "awslogs"
        options   = merge(local.awslogs, { awslogs-stream-prefix = "otel-collector" })
      }
    }
  ]))
}

locals {
  # Both containers log to the service's log group, each under its prefix.
  awslogs = {
    awslogs-group  = aws_cloudwatch_log_group.this.name
    awslogs-region = data.aws_region.current.region
  }
  otel_environment = var.otel_collector_image == null ? {} : {
    OTEL_EXPORTER_OTLP_ENDPOINT = "http://localhost:4318"
    OTEL_SERVICE_NAME           = "${var.name}-bff"
  }
}

# The collector sends the spans to X-Ray with the task's role.
resource "aws_iam_role_policy_attachment" "xray" {
  count = var.otel_collector_image == null ? 0 : 1

  role       = aws_iam_role.task.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AWSXRayDaemonWriteAccess"
}



resource "aws_ecs_service" "this" {
  name             = "${var.name}-bff"
  cluster          = var.ecs_cluster_arn
  task_definition  = aws_ecs_task_definition.this.arn
  desired_count    = local.desired_count
  launch_type      = "FARGATE"
  platform_version = "LATEST"
  # No ECS Exec: the image is distroless (no shell to run) and the root
  # filesystem read-only, where the SSM agent cannot start. Look at the BFF
  # through its logs and /metrics (docs/runbook.md).
  enable_execute_command = false
  propagate_tags         = "TASK_DEFINITION"

  health_check_grace_period_seconds = 30

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [var.security_group_id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = var.target_group_arn
    container_name   = "bff"
    container_port   = var.port
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }
}
