#!/usr/bin/env bash
# Static checks of terraform/ that need no cloud account and no provider
# download (terraform init/validate/plan do, so they are not run here):
#   1. every .tf, .tfvars and .hcl file parses (python-hcl2);
#   2. references across module boundaries resolve (variables, locals,
#      outputs, module arguments), each terraform/environments/<env>/
#      terraform.tfvars sets only and all required variables of the one root
#      module terraform/stack, and the environments hold no .tf files (only
#      backend.hcl and terraform.tfvars): terraform/tools/check_references.py;
#   3. terraform fmt -check, when a terraform binary is installed;
#   4. modules/kong-config (no providers) renders the real gateway/kong.yaml
#      with terraform itself, and the result is what Kong should get;
#   5. the deployment's own rules that no AWS-free tool knows
#      (scripts/checks/): the workflows' AWS sessions fit the roles
#      docs/deploy.md says to create; the plan refuses every IdP key Kong's
#      OpenSSL cannot read (the validation run by terraform console against
#      the openssl command); an ECS service needing a secret Terraform
#      creates empty runs no task until it has a value; each Lambda's IAM
#      role allows the Kafka calls of the routes it serves (routes.rs);
#      Glue (schema registries) is granted to the topics and messages
#      roles only, on their registries' and schemas' ARNs, never on * (except glue:CheckSchemaVersionValidity for the topics role, which IAM grants only on *);
#      resource arguments and ordering learnt from defects (resource_rules.py:
#      Redis token rotation, listener rules and bucket policies first);
#      no advice for a certificate that cannot cover both host names;
#   6. checkov finds no failed check (skips are written next to the resource
#      with their reason: grep -rn 'checkov:skip' terraform).
# Exits non-zero on the first failing step. Needs python-hcl2 and checkov
# (scripts/setup.sh installs both; no network is used here).
set -euo pipefail
cd "$(dirname "$0")/.."

started=$(date +%s)

# python-hcl2 from its own venv (scripts/setup.sh: checkov's parser fork
# installs a module of the same name), else whatever python3 has.
HCL2_PYTHON=${CONFIGURATOR_TOOLS_DIR:-$HOME/.cache/configurator}/python-hcl2/bin/python
[ -x "$HCL2_PYTHON" ] || HCL2_PYTHON=python3

echo "== terraform: parsing every file with python-hcl2"
"$HCL2_PYTHON" - <<'EOF'
import pathlib
import sys

import hcl2

files = sorted(
    p
    for pattern in ("*.tf", "*.tfvars", "*.hcl")
    for p in pathlib.Path("terraform").rglob(pattern)
    if ".terraform" not in p.parts
)
if not files:
    sys.exit("no Terraform files found under terraform/")
failed = 0
for path in files:
    try:
        with path.open() as f:
            hcl2.load(f)
    except Exception as error:  # the parser raises several types
        failed += 1
        print(f"PARSE ERROR {path}: {error}", file=sys.stderr)
print(f"{len(files)} files parsed, {failed} failed")
sys.exit(1 if failed else 0)
EOF

echo "== terraform: cross-checking variables, outputs, module arguments and each environment's tfvars against terraform/stack"
"$HCL2_PYTHON" terraform/tools/check_references.py

if command -v terraform >/dev/null 2>&1; then
  echo "== terraform fmt -check"
  # An absent ~/.terraformrc only produces a warning; fmt reads no config.
  if ! TF_CLI_CONFIG_FILE=/dev/null terraform fmt -check -recursive terraform; then
    echo "terraform fmt: the files above need 'terraform fmt -recursive terraform'" >&2
    exit 1
  fi
else
  echo "== terraform not installed: skipping fmt -check"
fi

if command -v terraform >/dev/null 2>&1 && [ -f gateway/kong.yaml ]; then
  echo "== terraform: rendering gateway/kong.yaml through modules/kong-config"
  # The root module has no providers and a local module only, so init needs
  # no network; its .terraform and state go to a temporary directory.
  render_tmp=$(mktemp -d)
  trap 'rm -rf "$render_tmp"' EXIT
  render() {
    TF_CLI_CONFIG_FILE=/dev/null TF_IN_AUTOMATION=1 TF_DATA_DIR="$render_tmp/.terraform" \
      terraform -chdir=terraform/tools/kong-render-check "$@"
  }
  if ! render init -input=false -no-color >"$render_tmp/init.log" 2>&1 ||
    ! render apply -auto-approve -input=false -no-color -state="$render_tmp/terraform.tfstate" >"$render_tmp/apply.log" 2>&1; then
    cat "$render_tmp"/*.log >&2
    exit 1
  fi
  render output -no-color -state="$render_tmp/terraform.tfstate" -json rendered |
    python3 terraform/tools/check_kong_render.py
else
  echo "== terraform or gateway/kong.yaml missing: skipping the Kong config rendering"
fi

echo "== deployment rules (scripts/checks/)"
python3 scripts/checks/workflow_roles.py
"$HCL2_PYTHON" scripts/checks/idp_key.py
"$HCL2_PYTHON" scripts/checks/empty_secrets.py
"$HCL2_PYTHON" scripts/checks/lambda_iam.py
"$HCL2_PYTHON" scripts/checks/glue_iam.py
"$HCL2_PYTHON" scripts/checks/resource_rules.py
"$HCL2_PYTHON" scripts/checks/certificate_names.py

echo "== checkov"
# --skip-download: no Prisma Cloud calls (guidelines, policies); external
# modules are not downloaded either (the community VPC module is scanned
# upstream, our own modules here). checkov exits 1 on any failed check.
checkov -d terraform --framework terraform --skip-download --quiet --compact 2> >(grep -v 'Failed to download module' >&2)

echo "terraform checks passed in $(($(date +%s) - started))s"
