# From terraform/stack: terraform init -reconfigure -backend-config=../environments/staging/backend.hcl
# The bucket comes from terraform/bootstrap (one per account).
bucket = "configurator-tfstate-222222222222"
key    = "configurator/staging/terraform.tfstate"
region = "eu-central-1"
