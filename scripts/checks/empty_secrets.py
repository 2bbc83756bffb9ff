"""A secret Terraform creates empty must not stop an ECS service.

A Secrets Manager secret without a version (an operator puts the value in
later, so it never enters the state) cannot be injected into a task: ECS
fails to start every task of a service whose task definition names it, the
service never becomes stable and the deploy's wait fails. So a service
using such a secret must take its desired count from the secret's version
list (data "aws_secretsmanager_secret_versions"), directly or through a
local: no task until the value is there.

Reads every module under terraform/modules with python-hcl2 (run with the
python scripts/check-terraform.sh uses for it).
"""

import pathlib
import re
import sys

import hcl2

root = pathlib.Path(__file__).resolve().parents[2]
failures, checked = [], 0


def blocks(parsed, kind, type_):
    for block in parsed.get(kind, []):
        for t, named in block.items():
            if t.strip('"') == type_:
                for name, body in named.items():
                    yield name.strip('"'), body


for module in sorted(p for p in (root / "terraform/modules").iterdir() if p.is_dir()):
    parsed = {}
    for tf in sorted(module.glob("*.tf")):
        with tf.open() as f:
            for key, value in hcl2.load(f).items():
                parsed.setdefault(key, []).extend(value if isinstance(value, list) else [value])
    filled = {
        m.group(1)
        for _, body in blocks(parsed, "resource", "aws_secretsmanager_secret_version")
        for m in [re.search(r"aws_secretsmanager_secret\.(\w+)\.", str(body.get("secret_id")))]
        if m
    }
    empty = [n for n, _ in blocks(parsed, "resource", "aws_secretsmanager_secret") if n not in filled]
    versions_of = {
        m.group(1): name
        for name, body in blocks(parsed, "data", "aws_secretsmanager_secret_versions")
        for m in [re.search(r"aws_secretsmanager_secret\.(\w+)\.", str(body.get("secret_id")))]
        if m
    }
    locals_ = {k: str(v) for block in parsed.get("locals", []) for k, v in block.items()}
    tasks = dict(blocks(parsed, "resource", "aws_ecs_task_definition"))
    for service, body in blocks(parsed, "resource", "aws_ecs_service"):
        task = re.search(r"aws_ecs_task_definition\.(\w+)\.", str(body.get("task_definition")))
        containers = str(tasks.get(task.group(1), {}).get("container_definitions")) if task else ""
        count = str(body.get("desired_count"))
        # One level of locals: desired_count = local.x, x built from the data source.
        count += "".join(locals_.get(m, "") for m in re.findall(r"local\.(\w+)", count))
        count += "".join(locals_.get(m, "") for m in re.findall(r"local\.(\w+)", count))
        for secret in empty:
            if f"aws_secretsmanager_secret.{secret}." not in containers:
                continue
            checked += 1
            data = versions_of.get(secret)
            if data is None or f"data.aws_secretsmanager_secret_versions.{data}." not in count:
                failures.append(
                    f"modules/{module.name}: aws_ecs_service.{service} starts tasks that need "
                    f"aws_secretsmanager_secret.{secret}, which Terraform creates empty, whatever its "
                    "version list says: its tasks cannot start until an operator puts the value in, "
                    "and the deploy's services-stable wait fails"
                )

for failure in failures:
    print(f"FAIL {failure}", file=sys.stderr)
print(f"{checked} ECS services using a secret Terraform creates empty: desired count gated on its versions")
sys.exit(1 if failures else 0)
