terraform {
  # use_lockfile (S3-native state locking) needs 1.10 or later.
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # The community VPC module 6.6 needs 6.28 or later.
      version = "~> 6.28"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
  }

  # Partial configuration: bucket, region and key come from backend.hcl
  # (terraform init -backend-config=backend.hcl), so the same file serves
  # every account. State is encrypted and locked with a lock file in S3.
  backend "s3" {
    encrypt      = true
    use_lockfile = true
  }
}

provider "aws" {
  region              = var.region
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = {
      Project     = "configurator"
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}
