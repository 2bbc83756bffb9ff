# Renders Kong's declarative config template (gateway/kong.yaml) the way
# gateway/README.md specifies: every placeholder becomes the JSON encoding of
# its value. The result is normalised to one-line JSON (Kong accepts JSON or
# YAML), which also rejects a template that is not valid YAML at plan time.
#
# The ingest services' consumers (issue #16) are a list, which no placeholder
# can hold: as gateway/render.mjs does, one JSON flow mapping per service is
# inserted below the template's INGEST_CONSUMERS marker line.

locals {
  rendered = templatefile(var.template_path, {
    for name, value in {
      IDP_ISSUER           = var.idp_issuer
      IDP_RSA_PUBLIC_KEY   = var.idp_rsa_public_key_pem
      BFF_API_KEY          = var.bff_api_key
      AWS_REGION           = var.aws_region
      LAMBDA_HOST          = "lambda.${var.aws_region}.amazonaws.com"
      LAMBDA_PORT          = 443
      LAMBDA_DISABLE_HTTPS = false
      LAMBDA_CLUSTER       = var.lambda_function_names["cluster"]
      LAMBDA_TOPICS        = var.lambda_function_names["topics"]
      LAMBDA_MESSAGES      = var.lambda_function_names["messages"]
      LAMBDA_GROUPS        = var.lambda_function_names["groups"]
      RATE_LIMIT_POLICY    = var.shared_rate_limits ? "redis" : "local"
      REDIS_HOST           = var.shared_rate_limits ? var.redis_host : null
      REDIS_PORT           = var.redis_port
      REDIS_SSL            = true
      REDIS_PASSWORD       = var.shared_rate_limits ? "{vault://env/${var.redis_password_vault_key}}" : null
    } : name => jsonencode(value)
  })

  # Exactly as in gateway/render.mjs (INGEST_MARKER, withIngestConsumers).
  ingest_marker = "\n  # INGEST_CONSUMERS\n"
  ingest_consumers = join("", [
    for service in var.ingest_services :
    "  - ${jsonencode({ username = service.name, keyauth_credentials = [{ key = service.api_key }], acls = [{ group = "ingest" }] })}\n"
  ])
  with_consumers = replace(local.rendered, local.ingest_marker, "${local.ingest_marker}${local.ingest_consumers}")
}
