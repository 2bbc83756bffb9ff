# From terraform/stack: terraform init -reconfigure -backend-config=../environments/dev/backend.hcl
# The bucket comes from terraform/bootstrap (one per account).
bucket = "configurator-tfstate-111111111111"
key    = "configurator/dev/terraform.tfstate"
region = "eu-central-1"
