# dev: the smallest footprint that still behaves like prod (IAM, TLS, three
# AZs for MSK, Redis failover); one NAT gateway, one task each.
environment = "dev"
account_id  = "111111111111"
region      = "eu-central-1"

vpc_cidr             = "10.40.0.0/16"
azs                  = ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
single_nat_gateway   = true
console_client_cidrs = ["10.0.0.0/8"]
# Load balancers keep deletion protection everywhere: set false and apply
# before a terraform destroy.
deletion_protection = true

certificate_arn  = "arn:aws:acm:eu-central-1:111111111111:certificate/00000000-0000-0000-0000-000000000000"
console_hostname = "configurator.dev.internal.example.com"
kong_hostname    = "kong.configurator.dev.internal.example.com"
private_zone_id  = ""

oidc_issuer    = "https://idp.example.com/realms/dev"
oidc_client_id = "configurator-bff"
# The IdP's RS256 signing key (public), for Kong's jwt plugin: `terraform plan`
# refuses this placeholder until the real key is here (docs/deploy.md step 5).
idp_rsa_public_key_pem = <<-EOT
  -----BEGIN PUBLIC KEY-----
  REPLACE-WITH-THE-IDP-SIGNING-KEY
  -----END PUBLIC KEY-----
EOT

# The clusters the console serves. An entry with neither msk_cluster_arn
# nor bootstrap_brokers is the MSK cluster this stack creates (sized below).
clusters = [
  { id = "dev", name = "Development" },
]

msk_instance_type   = "kafka.t3.small"
msk_volume_size_gib = 20

# AWS Parameters and Secrets Lambda Extension (arm64) of eu-central-1: the
# functions read their audit signing keys through it. Newer layer versions
# are listed in the Secrets Manager user guide ("Use AWS Secrets in Lambda").
lambda_secrets_extension_layer_arn = "arn:aws:lambda:eu-central-1:187925254637:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:2"

lambda_reserved_concurrency = {
  cluster  = 5
  topics   = 5
  messages = 5
  groups   = 5
}

kong_desired_count = 1
bff_image          = "111111111111.dkr.ecr.eu-central-1.amazonaws.com/configurator-bff:dev"
bff_desired_count  = 1
redis_node_type    = "cache.t4g.micro"
redis_nodes        = 2

alarm_emails = []
