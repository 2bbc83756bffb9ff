"""Rules about resource arguments and ordering that terraform validate and
checkov do not know, each learnt from a defect (issue #17). Run with the
python scripts/check-terraform.sh uses for python-hcl2.

- aws_elasticache_replication_group: with auth_token set, AWS provider 6.x
  has no default for auth_token_update_strategy, so changing the token (the
  documented rotation: a new random_password) fails at apply unless it is
  set.
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

for failure in failures:
    print(f"FAIL {failure}", file=sys.stderr)
print("resource rules: ElastiCache token rotation" + (" failed" if failures else " hold"))
sys.exit(1 if failures else 0)
