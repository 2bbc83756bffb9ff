"""The AWS roles the GitHub workflows assume last as long as their jobs,
and no job asks for longer than docs/deploy.md tells people to allow.

STS refuses a session longer than the role's MaxSessionDuration (3,600 s
unless the role was created or updated with --max-session-duration), so a
workflow asking for more stops at its credentials step on every run, which
nothing here can see without an AWS account. The role's limit lives in the
documentation that tells people how to create it, so that is what is read:

- the plan and deploy roles are the bullets `**plan** role` and
  `**deploy** role` of docs/deploy.md; a `--max-session-duration N` in a
  bullet is that role's limit, none means AWS's default, 3,600 s;
- a job runs with the plan role when its GitHub environment is `plan-…`,
  with the deploy role otherwise (docs/deploy.md, GitHub environments);
- aws-actions/configure-aws-credentials asks for `role-duration-seconds`,
  3,600 s when it is not given.

Each job's session must also outlive the job (timeout-minutes): the
deploy job's last steps (canary promotion or rollback) call AWS.

Run with a python3 that has PyYAML (checkov's).
"""

import pathlib
import re
import sys

import yaml

AWS_DEFAULT_MAX_SESSION = 3600
ACTION_DEFAULT_DURATION = 3600
GITHUB_DEFAULT_TIMEOUT_MINUTES = 360

root = pathlib.Path(__file__).resolve().parents[2]
docs = (root / "docs/deploy.md").read_text()


def documented_max(role):
    # The bullet runs until the next bullet of the same list or a blank line.
    match = re.search(rf"^(\s*)- \*\*{role}\*\* role(.*?)(?=^\1- |\n\s*\n)", docs, re.M | re.S)
    if not match:
        sys.exit(f"docs/deploy.md: no '**{role}** role' bullet to read its MaxSessionDuration from")
    limit = re.search(r"--max-session-duration\s+(\d+)", match.group(2))
    return int(limit.group(1)) if limit else AWS_DEFAULT_MAX_SESSION


limits = {role: documented_max(role) for role in ("plan", "deploy")}
failures = []
checked = 0
for path in sorted((root / ".github/workflows").glob("*.y*ml")):
    workflow = yaml.safe_load(path.read_text())
    for job_id, job in (workflow.get("jobs") or {}).items():
        for step in job.get("steps") or []:
            if not str(step.get("uses", "")).startswith("aws-actions/configure-aws-credentials@"):
                continue
            checked += 1
            environment = str(job.get("environment", ""))
            role = "plan" if environment.startswith("plan-") else "deploy"
            duration = int((step.get("with") or {}).get("role-duration-seconds", ACTION_DEFAULT_DURATION))
            timeout = int(job.get("timeout-minutes", GITHUB_DEFAULT_TIMEOUT_MINUTES)) * 60
            where = f"{path.relative_to(root)} job {job_id}"
            if duration > limits[role]:
                failures.append(
                    f"{where}: role-duration-seconds {duration} exceeds the {role} role's MaxSessionDuration "
                    f"{limits[role]} (docs/deploy.md): STS refuses the credentials"
                )
            if duration < timeout:
                failures.append(
                    f"{where}: credentials last {duration} s but the job may run {timeout} s "
                    "(timeout-minutes): its last AWS calls would fail"
                )

if checked == 0:
    failures.append("no configure-aws-credentials step found in .github/workflows")
for failure in failures:
    print(f"FAIL {failure}", file=sys.stderr)
print(f"{checked} credential steps checked against MaxSessionDuration plan {limits['plan']} s, deploy {limits['deploy']} s")
sys.exit(1 if failures else 0)
