#!/usr/bin/env bash
# Walks a Lambda canary opened by the release apply (10 % on the new
# versions, see release-vars.sh) through 50 % to 100 %, watching CloudWatch
# between steps, and rolls back when something fires.
#
# Run in terraform/stack (the one root module) after `terraform init
# -reconfigure -backend-config=../environments/<env>/backend.hcl` and the
# release's apply, with release.tfvars.json (release-vars.sh) there; its
# applies pass ../environments/<env>/terraform.tfvars, then that file, as
# -var-file. Steps:
#   1. bake at 10 %: for BAKE_MINUTES, every minute: no alarm of the four
#      functions (errors, throttles, p99 duration) or of Kong (5xx) in ALARM,
#      and no Errors of the new versions themselves (ExecutedVersion metric);
#   2. 50 %: `aws lambda update-alias --routing-config`, bake again;
#   3. 100 %: Terraform apply with no stable versions and weight 0, so `live`
#      points at the new versions and Terraform's state agrees; bake again.
# Rollback (any check fails): `live` back to the stable versions at once with
# update-alias, then a Terraform apply with the same stable versions and
# weight 0 so the state agrees; exit 1.
#
# Usage: canary.sh ENVIRONMENT [BAKE_MINUTES]
# Needs: AWS credentials, aws, jq, terraform (initialised).
set -euo pipefail

environment=$1 bake_minutes=${2:-10}
name=configurator-$environment
vars=release.tfvars.json
env_vars=../environments/$environment/terraform.tfvars
[ -f "$env_vars" ] || { echo "canary: $env_vars not found: run in terraform/stack" >&2; exit 1; }
functions=(cluster topics messages groups)

stable_json=$(jq -c '.lambda_stable_versions' "$vars")
if [ "$stable_json" = '{}' ]; then
  echo "canary: no canary in this release (first deployment or unchanged code); live points at the newest versions"
  exit 0
fi

declare -A stable new
latest_json=$(terraform output -json lambda_latest_versions)
for fn in "${functions[@]}"; do
  stable[$fn]=$(jq -r --arg fn "$fn" '.[$fn]' <<<"$stable_json")
  new[$fn]=$(jq -r --arg fn "$fn" '.[$fn]' <<<"$latest_json")
  echo "canary: $name-$fn stable ${stable[$fn]}, new ${new[$fn]}"
done

alarms=("$name-kong-5xx")
for fn in "${functions[@]}"; do
  alarms+=("$name-$fn-errors" "$name-$fn-throttles" "$name-$fn-duration-p99")
done
since=$(date -u +%Y-%m-%dT%H:%M:%SZ)

check() {
  local firing errors fn
  firing=$(aws cloudwatch describe-alarms --alarm-names "${alarms[@]}" --state-value ALARM \
    --query 'MetricAlarms[].AlarmName' --output text)
  if [ -n "$firing" ] && [ "$firing" != None ]; then
    echo "::error::alarm in ALARM: $firing"
    return 1
  fi
  for fn in "${functions[@]}"; do
    # Errors of the new version only: Lambda adds the ExecutedVersion
    # dimension to invocations through a weighted alias.
    errors=$(aws cloudwatch get-metric-statistics --namespace AWS/Lambda --metric-name Errors \
      --dimensions "Name=FunctionName,Value=$name-$fn" "Name=Resource,Value=$name-$fn:live" \
        "Name=ExecutedVersion,Value=${new[$fn]}" \
      --start-time "$since" --end-time "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --period 60 --statistics Sum \
      --query 'sum(Datapoints[].Sum)' --output text)
    if [ "${errors%.*}" != 0 ] && [ "${errors%.*}" != None ]; then
      echo "::error::$name-$fn version ${new[$fn]}: $errors errors since $since"
      return 1
    fi
  done
}

bake() {
  local label=$1 end=$((SECONDS + bake_minutes * 60))
  echo "canary: $label, watching for $bake_minutes min"
  while ((SECONDS < end)); do
    check || return 1
    sleep 60
  done
  check
}

shift_to() {
  local weight=$1 fn
  for fn in "${functions[@]}"; do
    aws lambda update-alias --function-name "$name-$fn" --name live \
      --routing-config "{\"AdditionalVersionWeights\":{\"${new[$fn]}\":$weight}}" >/dev/null
  done
  echo "canary: live sends $weight of the traffic to the new versions"
}

apply_vars() {
  jq "$1" "$vars" >"$vars.tmp" && mv "$vars.tmp" "$vars"
  terraform apply -input=false -auto-approve -no-color -var-file="$env_vars" -var-file="$vars"
}

rollback() {
  local fn
  echo "::error::canary failed; rolling back $name to the stable versions"
  for fn in "${functions[@]}"; do
    aws lambda update-alias --function-name "$name-$fn" --name live \
      --function-version "${stable[$fn]}" --routing-config '{"AdditionalVersionWeights":{}}' >/dev/null
  done
  # Terraform's state must agree, or the next apply re-opens the canary.
  apply_vars ".lambda_stable_versions = $stable_json | .lambda_canary_weight = 0"
  echo "::error::rolled back. Before any other apply of this environment, deploy the previous release: a plain apply points live at the newest (failed) version."
  exit 1
}

bake "10 %" || rollback
shift_to 0.5
bake "50 %" || rollback
apply_vars '.lambda_stable_versions = {} | .lambda_canary_weight = 0'
echo "canary: promoted, live points at the new versions"
bake "100 %" || rollback
echo "canary: done"
