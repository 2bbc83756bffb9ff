"""Cross-checks the Terraform code the way `terraform validate` would at the
module boundaries, without providers (which this machine cannot download):

- every var.X and local.X used in a directory is declared there, and every
  declared variable is used;
- every module.M.O refers to a called module and, for our own modules, to an
  output it declares;
- every argument passed to one of our modules is a variable it declares, and
  every variable without a default is passed;
- every key of an environment's terraform.tfvars
  (terraform/environments/<env>/) is a variable of the root module
  terraform/stack, and every stack variable without a default is set.

Run from the repository root (scripts/check-terraform.sh does) with a Python
that has python-hcl2.
"""
import pathlib, re, sys
import hcl2

root = pathlib.Path("terraform")
stack = root / "stack"  # the one root module; environments hold its inputs only
dirs = sorted({p.parent for p in root.rglob("*.tf") if ".terraform" not in p.parts})
META = {"source", "version", "depends_on", "providers", "count", "for_each"}
problems = []

def strip_comments(text):
    out = []
    for line in text.splitlines():
        # Drop # and // comments outside strings (no heredoc or block
        # comments hold references in this code base).
        in_str = False
        cut = len(line)
        i = 0
        while i < len(line):
            c = line[i]
            if c == '"' and (i == 0 or line[i - 1] != "\\"):
                in_str = not in_str
            elif not in_str and (c == "#" or line.startswith("//", i)):
                cut = i
                break
            i += 1
        out.append(line[:cut])
    return "\n".join(out)

def load(d):
    info = {"vars": {}, "outputs": set(), "locals": set(), "modules": {}, "text": ""}
    for f in sorted(d.glob("*.tf")):
        text = f.read_text()
        info["text"] += strip_comments(text) + "\n"
        doc = hcl2.loads(text)
        for block in doc.get("variable", []):
            for name, body in block.items():
                info["vars"][name.strip('"')] = "default" in body
        for block in doc.get("output", []):
            info["outputs"].update(k.strip('"') for k in block)
        for block in doc.get("locals", []):
            info["locals"].update(k for k in block if not k.startswith("__"))
        for block in doc.get("module", []):
            for name, body in block.items():
                info["modules"][name.strip('"')] = body
    return info

infos = {d: load(d) for d in dirs}
for d, info in infos.items():
    text = info["text"]
    for name in sorted(set(re.findall(r"\bvar\.([A-Za-z0-9_]+)", text))):
        if name not in info["vars"]:
            problems.append(f"{d}: var.{name} is not declared")
    for name in sorted(set(re.findall(r"\blocal\.([A-Za-z0-9_]+)", text))):
        if name not in info["locals"]:
            problems.append(f"{d}: local.{name} is not declared")
    for name in sorted(info["vars"]):
        if not re.search(r"\bvar\." + name + r"\b", text):
            problems.append(f"{d}: variable {name} is never used")
    for mod, out in sorted(set(re.findall(r"\bmodule\.([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)", text))):
        if mod not in info["modules"]:
            problems.append(f"{d}: module.{mod} is not called")
            continue
        src = info["modules"][mod]["source"].strip(chr(34))
        if src.startswith("."):
            target = (d / src).resolve().relative_to(pathlib.Path.cwd().resolve())
            if out not in infos[target]["outputs"]:
                problems.append(f"{d}: module.{mod}.{out}: {target} has no such output")
    for mod, body in info["modules"].items():
        src = body["source"].strip(chr(34))
        if not src.startswith("."):
            continue
        target = (d / src).resolve().relative_to(pathlib.Path.cwd().resolve())
        declared = infos[target]["vars"]
        for arg in body:
            if arg.startswith("__"):
                continue
            if arg not in META and arg not in declared:
                problems.append(f"{d}: module {mod} passes {arg}, which {target} does not declare")
        for var, has_default in declared.items():
            if not has_default and var not in body:
                problems.append(f"{d}: module {mod} does not pass required {var}")

if stack not in infos:
    problems.append(f"{stack}: the root module is missing")
envs = sorted(d for d in (root / "environments").iterdir() if d.is_dir())
if not envs:
    problems.append(f"{root / 'environments'}: no environment found")
for env in envs:
    if any(env.glob("*.tf")):
        problems.append(f"{env}: holds .tf files; an environment is only backend.hcl and terraform.tfvars for {stack}")
    for name in ("backend.hcl", "terraform.tfvars"):
        if not (env / name).exists():
            problems.append(f"{env}: {name} is missing")
    tfvars = env / "terraform.tfvars"
    if not tfvars.exists() or stack not in infos:
        continue
    values = hcl2.loads(tfvars.read_text())
    declared = infos[stack]["vars"]
    for key in values:
        if key.startswith("__"):
            continue
        if key not in declared:
            problems.append(f"{tfvars}: {key} is not a variable")
    for var, has_default in declared.items():
        if not has_default and var not in values:
            problems.append(f"{tfvars}: required {var} is not set")

for p in problems:
    print("REFERENCE ERROR", p, file=sys.stderr)
print(f"{len(dirs)} directories and {len(envs)} environments' tfvars cross-checked, {len(problems)} problems")
sys.exit(1 if problems else 0)
