# prod: one NAT gateway per AZ, Multi-AZ Redis, at least two tasks each,
# deletion protection on.
environment = "prod"
account_id  = "333333333333"
region      = "eu-central-1"

vpc_cidr             = "10.42.0.0/16"
azs                  = ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
single_nat_gateway   = false
console_client_cidrs = ["10.0.0.0/8"]
# Load balancers keep deletion protection everywhere: set false and apply
# before a terraform destroy.
deletion_protection = true

certificate_arn  = "arn:aws:acm:eu-central-1:333333333333:certificate/00000000-0000-0000-0000-000000000000"
console_hostname = "configurator.internal.example.com"
kong_hostname    = "kong.configurator.internal.example.com"
private_zone_id  = ""

oidc_issuer    = "https://idp.example.com/realms/prod"
oidc_client_id = "configurator-bff"
# The IdP's RS256 signing key (public), for Kong's jwt plugin: `terraform plan`
# refuses this placeholder until the real key is here (docs/deploy.md step 5).
idp_rsa_public_key_pem = <<-EOT
  -----BEGIN PUBLIC KEY-----
  REPLACE-WITH-THE-IDP-SIGNING-KEY
  -----END PUBLIC KEY-----
EOT

# The clusters the console serves, in this order. An entry with neither
# msk_cluster_arn nor bootstrap_brokers is the MSK cluster this stack creates
# (sized below); the others exist already: their owners allow ingress from
# the stack's output lambda_security_group_id on the Kafka port.
default_cluster = "prod-eu"
clusters = [
  { id = "prod-eu", name = "Production EU" },
  {
    # An existing MSK cluster (IAM) in this account and region: bootstrap
    # brokers are looked up from the ARN.
    id                = "payments-eu"
    name              = "Payments EU"
    environment       = "prod"
    msk_cluster_arn   = "arn:aws:kafka:eu-central-1:333333333333:cluster/payments-prod/11111111-2222-3333-4444-555555555555-3"
    security_group_id = "sg-0123456789abcdef0"
  },
  {
    # An existing MSK cluster with SASL/SCRAM, reached through a peered VPC.
    id                = "legacy-eu"
    name              = "Legacy EU"
    environment       = "prod"
    auth              = "scram-sha-512"
    bootstrap_brokers = "b-1.legacy.abc123.c2.kafka.eu-central-1.amazonaws.com:9096,b-2.legacy.abc123.c2.kafka.eu-central-1.amazonaws.com:9096"
    scram_secret_arn  = "arn:aws:secretsmanager:eu-central-1:333333333333:secret:AmazonMSK_configurator-AbCdEf"
    broker_cidrs      = ["10.60.0.0/16"]
  },
]

msk_instance_type   = "kafka.m7g.large"
msk_volume_size_gib = 500

# AWS Parameters and Secrets Lambda Extension (arm64) of eu-central-1: the
# functions read their audit signing keys through it. Newer layer versions
# are listed in the Secrets Manager user guide ("Use AWS Secrets in Lambda").
lambda_secrets_extension_layer_arn = "arn:aws:lambda:eu-central-1:187925254637:layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:2"

lambda_reserved_concurrency = {
  cluster  = 20
  topics   = 20
  messages = 40
  groups   = 20
}

kong_desired_count = 3
bff_image          = "333333333333.dkr.ecr.eu-central-1.amazonaws.com/configurator-bff:prod"
bff_desired_count  = 3
redis_node_type    = "cache.m7g.large"
redis_nodes        = 2

alarm_emails = []
