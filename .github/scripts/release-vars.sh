#!/usr/bin/env bash
# Prints the Terraform variables of one release as JSON, for
# terraform/stack/release.tfvars.json, which deploy.yml and canary.sh pass as
# the last -var-file, after ../environments/<env>/terraform.tfvars, so these
# win (not *.auto.tfvars.json: any -var-file would override that):
#
#   bff_image               the BFF image to run
#   lambda_stable_versions  the versions `live` points at now, per function,
#                           when the zip brings new code (a canary is opened)
#   lambda_canary_weight    share of traffic for the new versions (0 = none)
#
# No canary when the functions do not exist yet (first deployment) or the
# zip's code equals what they run ($LATEST): Terraform then points `live` at
# the newest version directly. (An alias cannot list its own version as the
# canary, so a canary without new code would fail the apply.)
#
# Usage: release-vars.sh ENVIRONMENT ZIP BFF_IMAGE [CANARY_WEIGHT]
# Needs: AWS credentials for the environment's account, aws, jq, openssl.
set -euo pipefail

environment=$1 zip=$2 image=$3 weight=${4:-0.1}
name=configurator-$environment
# Lambda's CodeSha256: base64 of the zip's SHA-256.
zip_sha=$(openssl dgst -sha256 -binary "$zip" | base64)

stable='{}'
for fn in cluster topics messages groups; do
  function_name=$name-$fn
  if ! latest=$(aws lambda get-function-configuration --function-name "$function_name" \
      --query CodeSha256 --output text 2>&1); then
    if grep -q ResourceNotFoundException <<<"$latest"; then
      echo "release-vars: $function_name does not exist yet: first deployment, no canary" >&2
      stable='{}'
      break
    fi
    echo "$latest" >&2
    exit 1
  fi
  if [ "$latest" = "$zip_sha" ]; then
    echo "release-vars: $function_name already runs this code: no canary" >&2
    stable='{}'
    break
  fi
  live=$(aws lambda get-alias --function-name "$function_name" --name live \
    --query FunctionVersion --output text)
  stable=$(jq -c --arg fn "$fn" --arg version "$live" '. + {($fn): $version}' <<<"$stable")
done

[ "$stable" = '{}' ] && weight=0
jq -n --arg image "$image" --argjson stable "$stable" --argjson weight "$weight" \
  '{bff_image: $image, lambda_stable_versions: $stable, lambda_canary_weight: $weight}'
