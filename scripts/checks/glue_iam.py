"""Glue permissions: only the topics and messages functions, on their registries.

A cluster's schema registry may be an AWS Glue Schema Registry (issue #13).
The functions call Glue with their own roles, so IAM is what keeps a
function to its registry: the messages function reads (decoding, producing
with a chosen schema), the topics function also registers versions, creates
schemas and changes compatibility (the /schemas routes); cluster and groups
never call Glue. A grant on `*` (or on a registry name with a wildcard)
would open every registry in the account, the Data Catalog's Glue actions
included, and nothing at plan time would say so.

One exception: glue:CheckSchemaVersionValidity (the topics function's
POST .../schemas/{schema}/compatibility-check on a Glue registry) has no
resource type in IAM, so it can only be granted on `*`. It reads no
registry, schema or catalog object and changes nothing (it only parses the
definition in the request), so the topics role gets it, alone, on `*`, in
a statement of its own; nothing else is ever granted on `*`.

Checked, in every .tf file under terraform/ (python-hcl2, comments are not
seen):
- the only `glue:` actions are the ones terraform/modules/lambdas grants in
  its function policy: the Glue statement built from local.glue_statements,
  and the GlueCheckSchemaValidity statement;
- local.glue_statements has entries for topics and messages only; messages
  gets read actions only, topics the reads plus the registry's writes
  (register, create, compatibility) and nothing beyond the registry's API;
- the Glue statement's resources are local.glue_registry_arns and
  local.glue_schema_arns, which are ...:glue:<region>:<account>:registry/<name>
  and ...:schema/<name>/*, per configured registry, with no other wildcard;
- GlueCheckSchemaValidity is the one statement on `*`: an Allow of exactly
  ["glue:CheckSchemaVersionValidity"] on exactly ["*"], in the function
  policy, for the topics function only and only with a Glue registry
  configured (for_each `each.key == "topics" &&
  length(local.glue_registry_arns) > 0 ? [1] : []`);
- the topics function has every action its routes call (the validity check
  included), messages every read;
- the registry name's validation (terraform/stack) admits no `*` or `?`;
- no Allow statement anywhere has the action `*`, `glue:*` or a NotAction,
  and no role gets an AWS managed policy that carries Glue permissions.

Run with the python scripts/check-terraform.sh uses for python-hcl2.
"""

import pathlib
import re
import sys

import hcl2

root = pathlib.Path(__file__).resolve().parents[2]
LAMBDAS = root / "terraform/modules/lambdas/main.tf"
STACK_VARIABLES = root / "terraform/stack/variables.tf"

GLUE_FUNCTIONS = {"topics", "messages"}
READ = {"GetRegistry", "ListSchemas", "GetSchema", "ListSchemaVersions", "GetSchemaVersion", "GetSchemaByDefinition"}
# What the topics function may do beyond reading: the registry's own writes
# and its comparison of versions. Nothing that deletes or touches the Data
# Catalog.
CHANGE = {"CreateSchema", "RegisterSchemaVersion", "UpdateSchema", "GetSchemaVersionsDiff"}
ALLOWED = {"messages": READ, "topics": READ | CHANGE}
# The one action granted on `*` (it has no resource type in IAM), to the
# topics function only, in the function policy statement of this sid, when
# a Glue registry is configured.
VALIDITY = "CheckSchemaVersionValidity"
VALIDITY_FUNCTION = "topics"
VALIDITY_SID = "GlueCheckSchemaValidity"
VALIDITY_FOR_EACH = '${each.key == "topics" && length(local.glue_registry_arns) > 0 ? [1] : []}'
REQUIRED = {"messages": READ, "topics": READ | {"CreateSchema", "RegisterSchemaVersion", "UpdateSchema", VALIDITY}}
# AWS managed policies that carry Glue actions (on `*`).
MANAGED_WITH_GLUE = re.compile(r"Glue|AdministratorAccess|PowerUserAccess|ReadOnlyAccess|DataScientist|ViewOnlyAccess")

failures = []


def unquote(value):
    return str(value).strip('"')


def walk(value, path=()):
    """Every (path, key, value) in a parsed HCL tree."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield path, key, item
            yield from walk(item, path + (unquote(key),))
    elif isinstance(value, list):
        for item in value:
            yield from walk(item, path)


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


# --- every file: where glue: appears, wildcards, managed policies -------------
files = sorted(p for p in (root / "terraform").rglob("*.tf") if ".terraform" not in p.parts)
glue_sites = []
for tf in files:
    with tf.open() as f:
        parsed = hcl2.load(f)
    rel = tf.relative_to(root)
    for path, key, value in walk(parsed):
        k = unquote(key)
        # Comments and descriptions grant nothing (python-hcl2 keeps comments).
        if k in ("__comments__", "description", "error_message") or "__comments__" in path:
            continue
        leaf = isinstance(value, str) or (isinstance(value, list) and not any(isinstance(i, (dict, list)) for i in value))
        for s in strings(value) if leaf else []:
            # An IAM action: `glue:` then its name, a wildcard or an interpolation.
            if re.search(r"(?<![:\w])glue:[A-Za-z*?$]", s):
                glue_sites.append((rel, path, k, s))
            # Policies written with jsonencode() reach here as one string.
            if re.search(r'\bAction\s*=\s*(\[[^\]]*)?"(\*|glue:[^"]*\*[^"]*)"', s, re.I):
                failures.append(f"{rel} {'/'.join(path)}: a policy's Action `*` or `glue:*` grants Glue on everything; list the actions")
            if re.search(r"\bNotAction\b", s):
                failures.append(f"{rel} {'/'.join(path)}: NotAction allows every other action, Glue's included; list the actions instead")
        if k in ("actions", "Action", "not_actions", "NotAction"):
            listed = [unquote(a) for a in (value if isinstance(value, list) else [value])]
            for action in listed:
                if action == "*" or re.fullmatch(r"glue:.*\*.*", action, re.I):
                    failures.append(f"{rel} {'/'.join(path)}: action {action!r} grants Glue on everything; list the actions")
            if k in ("not_actions", "NotAction"):
                failures.append(f"{rel} {'/'.join(path)}: NotAction allows every other action, Glue's included; list the actions instead")
        if k == "policy_arn":
            for s in strings(value):
                if MANAGED_WITH_GLUE.search(s):
                    failures.append(f"{rel} {'/'.join(path)}: managed policy {s} carries Glue permissions on *")

expected_site = (
    "terraform/modules/lambdas/main.tf",
    "glue:${a}",
)
# The validity statement's literal action (its shape is checked below).
validity_site_path = ("data", "aws_iam_policy_document", "function", "dynamic", "statement", "content")
for rel, path, key, s in glue_sites:
    if (str(rel), s.strip('"${}[]')) == expected_site or (
        str(rel) == expected_site[0] and key == "actions" and '"glue:${a}"' in s and "statement.value.actions" in s
    ):
        continue
    if str(rel) == expected_site[0] and key == "actions" and path == validity_site_path and unquote(s) == f"glue:{VALIDITY}":
        continue
    failures.append(
        f"{rel} {'/'.join(path)}.{key}: {s!r} grants Glue outside the functions' Glue statement "
        "(terraform/modules/lambdas, local.glue_statements): only the topics and messages roles may have Glue permissions"
    )

# --- terraform/modules/lambdas -------------------------------------------------
with LAMBDAS.open() as f:
    lambdas = hcl2.load(f)
local = {}
for block in lambdas.get("locals", []):
    local.update(block)


def resolve_actions(expression):
    if isinstance(expression, list):
        return [unquote(a) for a in expression]
    m = re.fullmatch(r"\$\{local\.(\w+)\}", str(expression))
    if m and m.group(1) in local:
        return resolve_actions(local[m.group(1)])
    failures.append(f"modules/lambdas: actions {expression!r} unknown to this check (a list, or a local holding one)")
    return []


statements = local.get("glue_statements")
if not isinstance(statements, dict):
    failures.append("modules/lambdas: local.glue_statements not found (the Glue grants moved: update this check)")
    statements = {}
for function in sorted(set(statements) - GLUE_FUNCTIONS):
    failures.append(f"modules/lambdas local.glue_statements: the {function} function gets Glue permissions; only {sorted(GLUE_FUNCTIONS)} may")
granted = {}
for function, stmts in statements.items():
    actions = set()
    for stmt in stmts:
        if "resources" in stmt or "not_resources" in stmt:
            failures.append(f"modules/lambdas local.glue_statements {function}: a statement names its own resources; the Glue statement takes the registries' ARNs for all")
        actions |= set(resolve_actions(stmt.get("actions", [])))
    granted[function] = actions
    for action in sorted(actions - ALLOWED.get(function, set())):
        if action == VALIDITY:
            failures.append(
                f"modules/lambdas local.glue_statements {function}: glue:{VALIDITY} has no resource type, so on the registries' ARNs "
                f"it grants nothing; it belongs in the {VALIDITY_SID} statement (on `*`, {VALIDITY_FUNCTION} only)"
            )
        else:
            failures.append(f"modules/lambdas local.glue_statements {function}: glue:{action} is beyond what the {function} function may do")

# The one statement that turns local.glue_statements into policy, and the
# one that grants glue:CheckSchemaVersionValidity on `*`.
glue_statements_found = 0
validity_statements_found = 0
validity_granted = False
for data in lambdas.get("data", []):
    for type_, named in data.items():
        if unquote(type_) != "aws_iam_policy_document":
            continue
        for name, doc in named.items():
            for dynamic in doc.get("dynamic", []):
                for kind, body in dynamic.items():
                    if unquote(kind) != "statement":
                        continue
                    for content in body.get("content", []):
                        if "glue:" not in str(content.get("actions", "")):
                            continue
                        where = f"modules/lambdas data.aws_iam_policy_document.{unquote(name)} dynamic statement {unquote(content.get('sid', '?'))}"
                        if isinstance(content.get("actions"), list):
                            # Literal actions: only the validity statement has them.
                            validity_statements_found += 1
                            ok = True
                            actions = [unquote(a) for a in content["actions"]]
                            if actions != [f"glue:{VALIDITY}"]:
                                ok = False
                                failures.append(
                                    f"{where}: the statement on `*` may grant glue:{VALIDITY} alone, got {actions}; "
                                    "grant anything else on the registries' ARNs (local.glue_statements)"
                                )
                            if unquote(name) != "function":
                                ok = False
                                failures.append(f"{where}: Glue belongs in the functions' own policy only")
                            if unquote(content.get("sid", "")) != VALIDITY_SID:
                                ok = False
                                failures.append(f"{where}: expected sid {VALIDITY_SID}")
                            if str(body.get("for_each", "")) != VALIDITY_FOR_EACH:
                                ok = False
                                failures.append(
                                    f"{where}: for_each must be {VALIDITY_FOR_EACH[2:-1]} (the {VALIDITY_FUNCTION} function only, "
                                    f"with a Glue registry configured), got {body.get('for_each')!r}"
                                )
                            if unquote(content.get("effect", "Allow")) != "Allow":
                                ok = False
                                failures.append(f"{where}: must be an Allow (the {VALIDITY_FUNCTION} routes call glue:{VALIDITY})")
                            if any(k in content for k in ("not_resources", "not_actions", "condition", "principals", "not_principals")):
                                ok = False
                                failures.append(f"{where}: actions and resources only (no not_resources, not_actions, condition or principals)")
                            resources = content.get("resources")
                            if not isinstance(resources, list) or [unquote(r) for r in resources] != ["*"]:
                                ok = False
                                failures.append(f"{where}: resources must be [\"*\"] (the action has no resource type), got {resources!r}")
                            validity_granted = validity_granted or ok
                            continue
                        glue_statements_found += 1
                        if unquote(name) != "function":
                            failures.append(f"{where}: Glue belongs in the functions' own policy only")
                        if "local.glue_statements" not in str(body.get("for_each", "")) or "each.key" not in str(body.get("for_each", "")):
                            failures.append(f"{where}: for_each must pick the function's entry of local.glue_statements (each.key)")
                        if unquote(content.get("effect", "Allow")) != "Allow":
                            continue
                        if "not_resources" in content:
                            failures.append(f"{where}: not_resources would grant Glue on everything else")
                        if str(content.get("resources", "")) != "${concat(local.glue_registry_arns, local.glue_schema_arns)}":
                            failures.append(f"{where}: resources must be concat(local.glue_registry_arns, local.glue_schema_arns), got {content.get('resources')!r}")
if glue_statements_found != 1:
    failures.append(f"modules/lambdas: found {glue_statements_found} Glue statements in the function policy, expected 1 (update this check if the policy changed shape)")
if validity_statements_found != 1:
    failures.append(
        f"modules/lambdas: found {validity_statements_found} statements granting glue:{VALIDITY} on `*`, expected 1 "
        f"({VALIDITY_SID}, {VALIDITY_FUNCTION} only)"
    )
if validity_granted and validity_statements_found == 1:
    granted.setdefault(VALIDITY_FUNCTION, set()).add(VALIDITY)
for function, needed in REQUIRED.items():
    for action in sorted(needed - granted.get(function, set())):
        failures.append(f"modules/lambdas {function}: glue:{action} is missing (the {function} routes call it)")


def arn_template(name, resource):
    """The quoted ARN template inside local.<name>."""
    text = str(local.get(name, ""))
    found = re.findall(r'"(\$\{local\.glue_prefix\}:[^"]*)"', text)
    if len(found) != 1:
        failures.append(f"modules/lambdas local.{name}: expected one ARN template built on local.glue_prefix, got {text!r}")
        return
    template = found[0]
    parts = template.split(":", 3)
    if len(parts) != 4 or parts[1] != "${r.region}" or parts[2] != "${data.aws_caller_identity.current.account_id}" or parts[3] != resource:
        failures.append(
            f"modules/lambdas local.{name}: ARN template {template!r} must be "
            f"${{local.glue_prefix}}:${{r.region}}:${{data.aws_caller_identity.current.account_id}}:{resource} (one registry, this account)"
        )
    if "values(local.glue_registries)" not in text:
        failures.append(f"modules/lambdas local.{name}: must be built from local.glue_registries (the clusters' glue registries)")


arn_template("glue_registry_arns", "registry/${r.registry_name}")
arn_template("glue_schema_arns", "schema/${r.registry_name}/*")
if unquote(local.get("glue_prefix")) != "arn:${data.aws_partition.current.partition}:glue":
    failures.append(f"modules/lambdas local.glue_prefix: {local.get('glue_prefix')!r} is not arn:<partition>:glue")

# --- the registry name admits no wildcard ----------------------------------------
variables = STACK_VARIABLES.read_text()
patterns = re.findall(r'can\(regex\("(\^\[[^"]*)", c\.schema_registry\.registry_name\)\)', variables)
if not patterns:
    failures.append("terraform/stack/variables.tf: no validation of schema_registry.registry_name found (it goes into the IAM ARNs)")
for pattern in patterns:
    regex = re.compile(pattern.replace("\\\\", "\\"))
    for name in ("*", "a*", "?", "prod*", "a/b", ""):
        if regex.search(name):
            failures.append(f"terraform/stack/variables.tf: registry_name validation {pattern!r} admits {name!r}, which would widen the Glue grant")
    for name in ("prod-eu", "a_b$c#d.e", "A" * 255):
        if not regex.search(name):
            failures.append(f"terraform/stack/variables.tf: registry_name validation {pattern!r} refuses the valid Glue name {name[:20]!r}")

for failure in failures:
    print(f"FAIL {failure}", file=sys.stderr)
print(
    f"{len(files)} files: Glue granted to {sorted(granted)} only, "
    f"{sum(len(a) for a in granted.values()) - (VALIDITY in granted.get(VALIDITY_FUNCTION, set()))} actions on registry/<name> "
    f"and schema/<name>/* ARNs; on * only glue:{VALIDITY} ({VALIDITY_FUNCTION})"
)
sys.exit(1 if failures else 0)
