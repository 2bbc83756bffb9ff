"""Checks what modules/kong-config made of gateway/kong.yaml (the JSON of the
kong-render-check root module's `rendered` output, on stdin): the Terraform
side of the contract in gateway/README.md."""

import json
import sys

rendered = json.load(sys.stdin)
# The sample key of kong-render-check/main.tf, as Kong must get it.
SAMPLE_PEM = """-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEArO9DoyMQCFoDMmMvfoxf
/pC8qYTzjQiFarFJRHYHxeYXc5kVLvJ87pLN5mwu8d3wgriZKQxkGOgH7hXenct0
oFhPRMhSA859lUKFeSGDt9PotgsP2Lht5kuvnC967RDyBHNq4NTtXD535jlAjCuL
0WCy8gZc5QPWdSKYcmg5Lm64SXFJNFWdPMjLdUQf2CQ9ZWR/TpaksbZjLOU3QEV4
YBPCOK298Hfha1j9xCiQnpH5f+Sm3VtvH9D7qeQjSdmbxNVC/ll+acVEsHJC5vhW
QYlUBYw+BX6VninBF0zXdJ4irL381XGCLRyM4T3S3Wq6HtsgVjd5fDXunpM9I06G
MQIDAQAB
-----END PUBLIC KEY-----
"""
functions = [f"configurator-check-{fn}" for fn in ("cluster", "groups", "messages", "topics")]

for name, policy in (("one_task", "local"), ("several_tasks", "redis")):
    config = json.loads(rendered[name])
    assert config["_format_version"] == "3.0", config["_format_version"]

    invokes = {
        plugin["config"]["function_name"]: plugin["config"]
        for service in config["services"]
        for plugin in service.get("plugins", [])
        if plugin["name"] == "aws-lambda"
    }
    assert sorted(invokes) == functions, sorted(invokes)
    for settings in invokes.values():
        got = (settings["qualifier"], settings["aws_region"], settings["host"], settings["port"], settings["disable_https"])
        assert got == ("live", "eu-central-1", "lambda.eu-central-1.amazonaws.com", 443, False), got

    keys = [cred["key"] for consumer in config["consumers"] for cred in consumer.get("keyauth_credentials", [])]
    # one_task has the two ingest services of kong-render-check/main.tf,
    # several_tasks none: each its own consumer, after the gateway's own,
    # with its key intact and in the acl group `ingest` only.
    services = [("orders-service", "check-orders-key"), ("payments.v2", 'check-"pay#ments: key')] if name == "one_task" else []
    assert keys == ["check-bff-key"] + [key for _, key in services], keys
    ingest = [
        (consumer["username"], [cred["key"] for cred in consumer.get("keyauth_credentials", [])], consumer.get("acls", []), "jwt_secrets" in consumer)
        for consumer in config["consumers"]
        if any(acl["group"] == "ingest" for acl in consumer.get("acls", []))
    ]
    assert ingest == [(n, [k], [{"group": "ingest"}], False) for n, k in services], ingest
    usernames = [consumer["username"] for consumer in config["consumers"]]
    assert usernames[len(usernames) - len(services):] == [n for n, _ in services], usernames
    pems = [cred.get("rsa_public_key") for consumer in config["consumers"] for cred in consumer.get("jwt_secrets", [])]
    assert pems == [SAMPLE_PEM], pems

    limits = [plugin["config"] for plugin in config["plugins"] if plugin["name"] == "rate-limiting"]
    assert [limit["policy"] for limit in limits] == [policy], limits
    if policy == "redis":
        redis = limits[0]["redis"]
        assert (redis["host"], redis["ssl"], redis["password"]) == (
            "redis.check.internal", True, "{vault://env/configurator-redis-password}"), redis

assert rendered["redis_password_env"] == "CONFIGURATOR_REDIS_PASSWORD", rendered["redis_password_env"]
print("kong.yaml renders: 4 aws-lambda services on `live`, the BFF key, the ingest services' consumers, the IdP PEM, local and redis rate limits")
