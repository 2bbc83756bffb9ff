"""No IdP key reaches Kong that Kong cannot read.

Kong's jwt DAO parses an RS256 credential's rsa_public_key with OpenSSL when
it loads the declarative config; a key it cannot parse makes Kong refuse the
whole config, and the task restarts forever. modules/kong-config's
validation of idp_rsa_public_key_pem is the guard at plan time, and this
checks that guard against OpenSSL itself (the openssl command): every key
the validation accepts must parse as an RSA public key, and every real RSA
key of 2048 bits or more must be accepted. The cases are the environments'
keys, the render check's sample key, and keys made here (RSA 2048 and 3072,
a truncated copy, RSA 1024, EC P-256, a private key, a placeholder).

The validation's condition is read from modules/kong-config/variables.tf
and evaluated by `terraform console` for all cases at once, so what is
checked is the condition Terraform runs, not a copy. Skipped (with a
message) when terraform or openssl is missing.

Run with the python that has python-hcl2 (scripts/check-terraform.sh).
"""

import json
import pathlib
import shutil
import subprocess
import sys
import tempfile

import hcl2

root = pathlib.Path(__file__).resolve().parents[2]
VARIABLE = "idp_rsa_public_key_pem"

for tool in ("terraform", "openssl"):
    if shutil.which(tool) is None:
        print(f"{tool} not installed: skipping the IdP key check")
        sys.exit(0)


def unquote(name):
    # python-hcl2 keeps a block label's quotes.
    return name.strip('"')


def source(value):
    """The HCL source of a string value as python-hcl2 returns it (a quoted
    literal with its escapes, or a heredoc in quotes), for Terraform to
    evaluate: Terraform reads it as the plan would."""
    return value[1:-1] + "\n" if value.startswith('"<<') else value


def condition():
    with (root / "terraform/modules/kong-config/variables.tf").open() as f:
        variables = hcl2.load(f)["variable"]
    for block in variables:
        for name, body in block.items():
            if unquote(name) == VARIABLE:
                (validation,) = body["validation"]
                expression = validation["condition"]
                assert expression.startswith("${") and expression.endswith("}"), expression
                return expression[2:-1]
    sys.exit(f"modules/kong-config declares no variable {VARIABLE}")


def openssl(*args, stdin=None):
    return subprocess.run(["openssl", *args], input=stdin, capture_output=True, text=True)


def openssl_reads_rsa(pem):
    """Whether OpenSSL reads `pem` as an RSA public key, as Kong's DAO does,
    and its size in bits."""
    out = openssl("pkey", "-pubin", "-noout", "-text", stdin=pem)
    if out.returncode != 0 or openssl("rsa", "-pubin", "-noout", stdin=pem).returncode != 0:
        return False, 0
    bits = int(out.stdout.split("(", 1)[1].split(" ", 1)[0])
    return True, bits


# name -> HCL source (from the repository's files) or value (made here).
sources, cases = {}, {}
for tfvars in sorted((root / "terraform/environments").glob("*/terraform.tfvars")):
    with tfvars.open() as f:
        value = hcl2.load(f).get(VARIABLE)
    if value is None:
        sys.exit(f"{tfvars.relative_to(root)} sets no {VARIABLE}")
    sources[f"environment {tfvars.parent.name}"] = source(value)
with (root / "terraform/tools/kong-render-check/main.tf").open() as f:
    (sample,) = [l["sample"][VARIABLE] for l in hcl2.load(f)["locals"] if "sample" in l]
sources["kong-render-check sample"] = source(sample)

with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)

    def public(*genpkey):
        private = openssl("genpkey", *genpkey).stdout
        return private, openssl("pkey", "-pubout", stdin=private).stdout

    _, cases["made: RSA 3072"] = public("-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072")
    private, rsa = public("-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048")
    cases["made: RSA 2048"] = rsa
    lines = rsa.splitlines()
    cases["made: RSA 2048 with CRLF"] = "".join(f"{l}\r\n" for l in lines)
    cases["made: RSA 2048 indented"] = "".join(f"  {l}\n" for l in lines)
    cases["made: RSA 2048 on one line"] = f"{lines[0]}\n{''.join(lines[1:-1])}\n{lines[-1]}\n"
    cases["made: RSA 2048 missing a line"] = "\n".join(lines[:2] + lines[3:]) + "\n"
    cases["made: RSA 2048 private key"] = private
    _, cases["made: RSA 1024"] = public("-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024")
    _, cases["made: EC P-256"] = public("-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256")
    cases["made: placeholder"] = "-----BEGIN PUBLIC KEY-----\nREPLACE-WITH-THE-IDP-SIGNING-KEY\n-----END PUBLIC KEY-----\n"

    made = list(cases)
    names = list(sources) + made
    (tmp / "main.tf").write_text(
        'variable "made" {\n  type = list(string)\n}\n\nlocals {\n  from_files = [\n'
        + "".join(f"    {s},\n" for s in sources.values())
        + "  ]\n}\n"
    )
    (tmp / "made.tfvars.json").write_text(json.dumps({"made": [cases[n] for n in made]}))
    expression = condition().replace(f"var.{VARIABLE}", "key")
    console = subprocess.run(
        ["terraform", f"-chdir={tmp}", "console", "-var-file=made.tfvars.json"],
        input=f"jsonencode([for key in concat(local.from_files, var.made) : [key, {expression}]])\n",
        capture_output=True, text=True,
        env={"TF_CLI_CONFIG_FILE": "/dev/null", "TF_DATA_DIR": str(tmp / ".terraform"), "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    if console.returncode != 0:
        sys.exit(f"terraform console could not evaluate the validation:\n{console.stderr}")
    evaluated = json.loads(json.loads(console.stdout))

failures = []
for name, (key, ok) in zip(names, evaluated):
    reads, bits = openssl_reads_rsa(key)
    verdict = f"plan {'accepts' if ok else 'refuses'}, OpenSSL {'reads RSA ' + str(bits) if reads else 'cannot read it as RSA'}"
    if ok and not reads:
        failures.append(f"{name}: {verdict}: Kong would refuse its whole config and restart forever")
    elif not ok and reads and bits >= 2048:
        failures.append(f"{name}: {verdict}: a real key refused")
    elif name.startswith("kong-render-check") and not ok:
        failures.append(f"{name}: {verdict}: the render check needs a key the plan accepts")
    else:
        print(f"  {name}: {verdict}")
for failure in failures:
    print(f"FAIL {failure}", file=sys.stderr)
print(f"{len(names)} IdP keys checked: plan validation against OpenSSL")
sys.exit(1 if failures else 0)
