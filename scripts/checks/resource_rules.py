"""Rules about resource arguments and ordering that terraform validate and
checkov do not know, each learnt from a defect (issue #17). Run with the
python scripts/check-terraform.sh uses for python-hcl2.

- aws_elasticache_replication_group: with auth_token set, AWS provider 6.x
  has no default for auth_token_update_strategy, so changing the token (the
  documented rotation: a new random_password) fails at apply unless it is
  set.
- An ECS service registers in a target group only once a listener (rule)
  forwards to it ("target group does not have an associated load
  balancer"), and a load balancer enables access logs only once the bucket
  policy lets the log delivery write ("Access Denied for bucket"). Within a
  module the service / load balancer must depend on that listener (rule) /
  bucket policy; across modules the output handing out the target group's
  ARN / the bucket must depend on it, so whoever uses the output waits.
- ECS Exec needs a writable root filesystem (the SSM agent creates its
  directories in the container): a service with enable_execute_command
  whose task definition has a readonlyRootFilesystem container offers
  operators a session that cannot open.
"""

import pathlib
import re
import sys

import hcl2

root = pathlib.Path(__file__).resolve().parents[2]
failures = []


def modules():
    """(directory, {block kind: [blocks]}) of every module and the stack."""
    dirs = sorted(p for p in (root / "terraform/modules").iterdir() if p.is_dir()) + [root / "terraform/stack"]
    for d in dirs:
        parsed = {}
        for tf in sorted(d.glob("*.tf")):
            with tf.open() as f:
                for key, value in hcl2.load(f).items():
                    parsed.setdefault(key, []).extend(value if isinstance(value, list) else [value])
        yield d.relative_to(root / "terraform"), parsed


def resources(parsed, type_):
    for block in parsed.get("resource", []):
        for t, named in block.items():
            if t.strip('"') == type_:
                for name, body in named.items():
                    yield name.strip('"'), body


for where, parsed in modules():
    for name, body in resources(parsed, "aws_elasticache_replication_group"):
        if "auth_token" in body and "auth_token_update_strategy" not in body:
            failures.append(
                f"{where}: aws_elasticache_replication_group.{name} sets auth_token without "
                "auth_token_update_strategy (provider 6.x has no default: a token change fails at apply)"
            )



def refs(value, type_):
    """Names of `type_` resources that `value` (any parsed HCL) refers to."""
    return set(re.findall(rf"\b{type_}\.(\w+)\b", str(value)))


def depends_on(body):
    return str(body.get("depends_on", ""))


for where, parsed in modules():
    # target group -> the listeners and listener rules forwarding to it
    forwarders = {}
    for type_ in ("aws_lb_listener", "aws_lb_listener_rule"):
        for name, body in resources(parsed, type_):
            for group in refs(body, "aws_lb_target_group"):
                forwarders.setdefault(group, []).append(f"{type_}.{name}")
    # bucket -> its policy
    policies = {
        bucket: f"aws_s3_bucket_policy.{name}"
        for name, body in resources(parsed, "aws_s3_bucket_policy")
        for bucket in refs(body.get("bucket"), "aws_s3_bucket")
    }

    def waits_for(user, body, needed, why):
        if needed and not any(n in depends_on(body) for n in needed):
            failures.append(f"{where}: {user} does not depend on {' or '.join(needed)}: {why}")

    for name, body in resources(parsed, "aws_ecs_service"):
        for group in refs(body.get("load_balancer"), "aws_lb_target_group"):
            waits_for(f"aws_ecs_service.{name}", body, forwarders.get(group, []), "ECS refuses a target group no listener uses")
    for name, body in resources(parsed, "aws_lb"):
        for bucket in refs(body.get("access_logs"), "aws_s3_bucket"):
            waits_for(f"aws_lb.{name}", body, [policies[bucket]] if bucket in policies else [], "access logs need the bucket policy first")
    for block in parsed.get("output", []):
        for name, body in block.items():
            value = body.get("value")
            for group in refs(value, "aws_lb_target_group"):
                if re.search(rf"aws_lb_target_group\.{group}\.arn\b", str(value)):
                    waits_for(f"output {name.strip(chr(34))}", body, forwarders.get(group, []), "an ECS service given this ARN would register before a listener forwards to it")
            for bucket in refs(value, "aws_s3_bucket"):
                if bucket in policies:
                    waits_for(f"output {name.strip(chr(34))}", body, [policies[bucket]], "a load balancer given this bucket for access logs would be created before the bucket policy")

for where, parsed in modules():
    tasks = dict(resources(parsed, "aws_ecs_task_definition"))
    for name, body in resources(parsed, "aws_ecs_service"):
        if str(body.get("enable_execute_command")).lower() != "true":
            continue
        for task in refs(body.get("task_definition"), "aws_ecs_task_definition"):
            if re.search(r"readonlyRootFilesystem\W+true", str(tasks.get(task, {}).get("container_definitions"))):
                failures.append(
                    f"{where}: aws_ecs_service.{name} enables ECS Exec into aws_ecs_task_definition.{task}, "
                    "whose read-only root filesystem the SSM agent cannot start in"
                )

for failure in failures:
    print(f"FAIL {failure}", file=sys.stderr)
print("resource rules: ElastiCache token rotation, listener and bucket-policy ordering, ECS Exec" + (" failed" if failures else " hold"))
sys.exit(1 if failures else 0)
