# From terraform/stack: terraform init -reconfigure -backend-config=../environments/prod/backend.hcl
# The bucket comes from terraform/bootstrap (one per account).
bucket = "configurator-tfstate-333333333333"
key    = "configurator/prod/terraform.tfstate"
region = "eu-central-1"
