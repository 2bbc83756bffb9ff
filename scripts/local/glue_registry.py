#!/usr/bin/env python3
"""Creates the local AWS Glue Schema Registry in moto (idempotent).

    $MOTO_VENV/bin/python scripts/local/glue_registry.py --endpoint http://127.0.0.1:9500 \
        [--registry configurator-local] [--region eu-central-1]

Run with the moto venv's Python (scripts/setup.sh installs it; boto3 comes
with moto). It talks only to the endpoint it is given, with dummy
credentials, never to AWS. Prints the registry's ARN; a registry that
already exists is left as it is.
"""

import argparse
import sys

import boto3
from botocore.config import Config


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", required=True, help="moto's URL, e.g. http://127.0.0.1:9500")
    parser.add_argument("--registry", default="configurator-local")
    parser.add_argument("--region", default="eu-central-1")
    args = parser.parse_args()
    glue = boto3.client(
        "glue",
        endpoint_url=args.endpoint,
        region_name=args.region,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 2}, connect_timeout=5, read_timeout=10),
    )
    try:
        arn = glue.create_registry(
            RegistryName=args.registry,
            Description="Configurator's local schema registry (scripts/stack.sh, scripts/test.sh)",
        )["RegistryArn"]
        print(f"created Glue registry {args.registry}: {arn}")
    except glue.exceptions.AlreadyExistsException:
        arn = glue.get_registry(RegistryId={"RegistryName": args.registry})["RegistryArn"]
        print(f"Glue registry {args.registry} exists: {arn}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
