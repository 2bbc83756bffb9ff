"""Checks what modules/kong-config made of gateway/kong.yaml (the JSON of the
kong-render-check root module's `rendered` output, on stdin): the Terraform
side of the contract in gateway/README.md."""

import json
import sys

rendered = json.load(sys.stdin)
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
    assert keys == ["check-bff-key"], keys
    pems = [cred.get("rsa_public_key") for consumer in config["consumers"] for cred in consumer.get("jwt_secrets", [])]
    assert pems == ["-----BEGIN PUBLIC KEY-----\nMIIBCgKCAQEAcheck\n-----END PUBLIC KEY-----\n"], pems

    limits = [plugin["config"] for plugin in config["plugins"] if plugin["name"] == "rate-limiting"]
    assert [limit["policy"] for limit in limits] == [policy], limits
    if policy == "redis":
        redis = limits[0]["redis"]
        assert (redis["host"], redis["ssl"], redis["password"]) == (
            "redis.check.internal", True, "{vault://env/configurator-redis-password}"), redis

assert rendered["redis_password_env"] == "CONFIGURATOR_REDIS_PASSWORD", rendered["redis_password_env"]
print("kong.yaml renders: 4 aws-lambda services on `live`, the BFF key, the IdP PEM, local and redis rate limits")
