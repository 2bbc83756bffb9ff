# terraform init -backend-config=backend.hcl
# The bucket comes from terraform/bootstrap (one per account).
bucket = "configurator-tfstate-222222222222"
key    = "configurator/staging/terraform.tfstate"
region = "eu-central-1"
