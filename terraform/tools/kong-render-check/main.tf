# Renders the real gateway/kong.yaml through modules/kong-config with sample
# values, once for one Kong task (local rate limits) and once for several
# (Redis), the first with two ingest services and the second with none (the
# default). No providers, so scripts/check-terraform.sh applies it offline
# (state and .terraform in a temporary directory) and
# ../check_kong_render.py checks what Kong would get.

terraform {
  required_version = ">= 1.10"
}

locals {
  sample = {
    template_path = "${path.module}/../../../gateway/kong.yaml"
    idp_issuer    = "https://idp.example.com/realms/check"
    # A real RSA-2048 public key (its private half was thrown away): the
    # module's validation accepts only what OpenSSL, and so Kong, can read.
    idp_rsa_public_key_pem = <<-EOT
      -----BEGIN PUBLIC KEY-----
      MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEArO9DoyMQCFoDMmMvfoxf
      /pC8qYTzjQiFarFJRHYHxeYXc5kVLvJ87pLN5mwu8d3wgriZKQxkGOgH7hXenct0
      oFhPRMhSA859lUKFeSGDt9PotgsP2Lht5kuvnC967RDyBHNq4NTtXD535jlAjCuL
      0WCy8gZc5QPWdSKYcmg5Lm64SXFJNFWdPMjLdUQf2CQ9ZWR/TpaksbZjLOU3QEV4
      YBPCOK298Hfha1j9xCiQnpH5f+Sm3VtvH9D7qeQjSdmbxNVC/ll+acVEsHJC5vhW
      QYlUBYw+BX6VninBF0zXdJ4irL381XGCLRyM4T3S3Wq6HtsgVjd5fDXunpM9I06G
      MQIDAQAB
      -----END PUBLIC KEY-----
    EOT
    bff_api_key            = "check-bff-key"
    aws_region             = "eu-central-1"
    lambda_function_names  = { for fn in ["cluster", "topics", "messages", "groups"] : fn => "configurator-check-${fn}" }
    redis_host             = "redis.check.internal"
    # Two ingest services, one key with characters YAML and JSON quote.
    ingest_services = [
      { name = "orders-service", api_key = "check-orders-key" },
      { name = "payments.v2", api_key = "check-\"pay#ments: key" },
    ]
  }
}

module "one_task" {
  source = "../../modules/kong-config"

  template_path          = local.sample.template_path
  idp_issuer             = local.sample.idp_issuer
  idp_rsa_public_key_pem = local.sample.idp_rsa_public_key_pem
  bff_api_key            = local.sample.bff_api_key
  aws_region             = local.sample.aws_region
  lambda_function_names  = local.sample.lambda_function_names
  shared_rate_limits     = false
  redis_host             = local.sample.redis_host
  ingest_services        = local.sample.ingest_services
}

module "several_tasks" {
  source = "../../modules/kong-config"

  template_path          = local.sample.template_path
  idp_issuer             = local.sample.idp_issuer
  idp_rsa_public_key_pem = local.sample.idp_rsa_public_key_pem
  bff_api_key            = local.sample.bff_api_key
  aws_region             = local.sample.aws_region
  lambda_function_names  = local.sample.lambda_function_names
  shared_rate_limits     = true
  redis_host             = local.sample.redis_host
}

output "rendered" {
  description = "Both renderings and the env var Kong's env vault reads the Redis token from."
  value = {
    one_task           = module.one_task.json
    several_tasks      = module.several_tasks.json
    redis_password_env = module.several_tasks.redis_password_env
  }
  sensitive = true
}
