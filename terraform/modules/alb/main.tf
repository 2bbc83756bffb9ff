# The console's entry point: an internal ALB (HTTPS only) that forwards the
# base path to the BFF and answers 404 to everything else, with access logs
# in S3. The same bucket takes the Kong NLB's access logs.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

# The regional Elastic Load Balancing account that writes access logs (the
# regions opened before August 2022 use it; newer ones use the service
# principal below).
data "aws_elb_service_account" "this" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
}

# --- Access log bucket -------------------------------------------------------

resource "aws_s3_bucket" "logs" {
  #checkov:skip=CKV_AWS_18:This bucket is the access-log destination itself; logging it into another bucket would only move the question one bucket further.
  #checkov:skip=CKV_AWS_144:Load balancer access logs are operational data with a fixed retention; a replica in a second region is not worth its cost.
  #checkov:skip=CKV2_AWS_62:Nothing consumes events for new log objects; they are read on demand (Athena).
  #checkov:skip=CKV_AWS_145:Elastic Load Balancing can only write access logs to buckets encrypted with SSE-S3 (AES256), not with a KMS key.
  bucket        = "${var.name}-lb-logs-${local.account_id}"
  force_destroy = !var.deletion_protection
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "expire-access-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.access_log_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 7
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }
}

data "aws_iam_policy_document" "logs" {
  statement {
    sid       = "LoadBalancersWriteAccessLogs"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.logs.arn}/*/AWSLogs/${local.account_id}/*"]

    principals {
      type        = "AWS"
      identifiers = [data.aws_elb_service_account.this.arn]
    }

    principals {
      type        = "Service"
      identifiers = ["logdelivery.elasticloadbalancing.amazonaws.com", "delivery.logs.amazonaws.com"]
    }
  }

  # NLB (TLS listener) logs go through the log delivery service, which
  # checks the bucket ACL first.
  statement {
    sid       = "LogDeliveryChecksBucket"
    actions   = ["s3:GetBucketAcl"]
    resources = [aws_s3_bucket.logs.arn]

    principals {
      type        = "Service"
      identifiers = ["delivery.logs.amazonaws.com"]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.logs.arn, "${aws_s3_bucket.logs.arn}/*"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = data.aws_iam_policy_document.logs.json

  depends_on = [aws_s3_bucket_public_access_block.logs]
}

# --- Load balancer -----------------------------------------------------------

resource "aws_lb" "this" {
  #checkov:skip=CKV2_AWS_28:Internal ALB reachable only from the console_client_cidrs networks; every request to the console needs an OIDC session in the BFF and every API call a token Kong and the Lambdas verify. Attach a WAF web ACL here if the ALB ever becomes internet-facing.
  name                       = "${var.name}-console"
  internal                   = true
  load_balancer_type         = "application"
  subnets                    = var.subnet_ids
  security_groups            = [var.security_group_id]
  drop_invalid_header_fields = true
  desync_mitigation_mode     = "defensive"
  enable_deletion_protection = var.deletion_protection
  idle_timeout               = 60

  access_logs {
    bucket  = aws_s3_bucket.logs.id
    prefix  = "console-alb"
    enabled = true
  }

  depends_on = [aws_s3_bucket_policy.logs]
}

resource "aws_lb_target_group" "bff" {
  #checkov:skip=CKV_AWS_378:TLS ends at the ALB; the hop to the BFF task stays inside the private subnets and its security group admits the ALB only. The BFF serves plain HTTP.
  name                 = "${var.name}-bff"
  port                 = var.bff_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30

  # The BFF answers /healthz at its root, outside the base path, so the
  # listener rule below never exposes it; health checks go to the target
  # directly and do not pass through listener rules.
  health_check {
    path                = "/healthz"
    matcher             = "200"
    interval            = 15
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  # Token refresh is single-flight per BFF process: keeping a browser on one
  # task avoids two tasks refreshing the same session's token at once.
  stickiness {
    type            = "lb_cookie"
    enabled         = true
    cookie_duration = var.stickiness_seconds
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = var.certificate_arn
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  default_action {
    type = "fixed-response"

    fixed_response {
      content_type = "text/plain"
      message_body = "Not found"
      status_code  = "404"
    }
  }
}

resource "aws_lb_listener_rule" "console" {
  listener_arn = aws_lb_listener.https.arn
  priority     = 10

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.bff.arn
  }

  condition {
    path_pattern {
      values = [var.base_path, "${var.base_path}/*"]
    }
  }
}

resource "aws_route53_record" "console" {
  count = var.private_zone_id == "" ? 0 : 1

  zone_id = var.private_zone_id
  name    = var.hostname
  type    = "A"

  alias {
    name                   = aws_lb.this.dns_name
    zone_id                = aws_lb.this.zone_id
    evaluate_target_health = true
  }
}
