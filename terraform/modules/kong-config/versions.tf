terraform {
  required_version = ">= 1.10"
  # No providers: pure rendering, so scripts/check-terraform.sh can run it
  # offline against the real gateway/kong.yaml.
}
