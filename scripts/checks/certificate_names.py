"""The TLS certificate covers both host names: the console's (ALB) and
Kong's (NLB, which the BFF verifies by name).

A wildcard matches exactly one label (RFC 6125): `*.dev.example.com` covers
`configurator.dev.example.com` but not `kong.configurator.dev.example.com`,
and the BFF's TLS to Kong then fails name verification.

  certificate_names.py                  offline: for each environment, the
      names its certificate must cover and whether one wildcard could; fails
      when terraform/stack/variables.tf suggests a wildcard for a pair of
      names no single wildcard covers.
  certificate_names.py ENV NAME...      the certificate's names (ACM's
      SubjectAlternativeNames, e.g. from `aws acm describe-certificate`):
      fails unless they cover both host names of ENV (deploy.yml runs this
      before its plan).

The offline mode needs python-hcl2 (the python scripts/check-terraform.sh uses
for it); the other, none.
"""

import pathlib
import re
import sys

root = pathlib.Path(__file__).resolve().parents[2]


def covers(name, host):
    name, host = name.lower().rstrip("."), host.lower().rstrip(".")
    if name.startswith("*."):
        first, _, rest = host.partition(".")
        return bool(first) and rest == name[2:]
    return name == host


def hosts(environment):
    # Plain string assignments, read without python-hcl2 so the workflow's
    # runner needs nothing installed.
    text = (root / f"terraform/environments/{environment}/terraform.tfvars").read_text()
    return [re.search(rf'^{v}\s*=\s*"([^"]+)"', text, re.M).group(1) for v in ("console_hostname", "kong_hostname")]


if len(sys.argv) > 1:
    environment, names = sys.argv[1], sys.argv[2:]
    missing = [h for h in hosts(environment) if not any(covers(n, h) for n in names)]
    for host in missing:
        print(f"::error::the certificate ({', '.join(names) or 'no names'}) does not cover {host}", file=sys.stderr)
    sys.exit(1 if missing else 0)

import hcl2  # noqa: E402 (offline mode only)

failures = []
with (root / "terraform/stack/variables.tf").open() as f:
    variables = {k.strip('"'): v for block in hcl2.load(f)["variable"] for k, v in block.items()}
description = str(variables["certificate_arn"].get("description", ""))
for tfvars in sorted((root / "terraform/environments").glob("*/terraform.tfvars")):
    env = tfvars.parent.name
    console, kong = hosts(env)
    wildcards = {f"*.{h.partition('.')[2]}" for h in (console, kong)}
    one = [w for w in wildcards if covers(w, console) and covers(w, kong)]
    print(f"  {env}: the certificate must cover {console} and {kong}"
          + (f" ({one[0]} would)" if one else " (no single wildcard can: list both, or a wildcard for each)"))
    if not one and re.search(r"wildcard", description, re.I) and not re.search(r"one label|single label|not\b", description, re.I):
        failures.append(f"terraform/stack/variables.tf: certificate_arn suggests a wildcard, which cannot cover {env}'s {console} and {kong}")
for failure in failures:
    print(f"FAIL {failure}", file=sys.stderr)
sys.exit(1 if failures else 0)
