"""A local S3 server for tests: moto's server mode on a loopback port (a fake at the network boundary)."""
from __future__ import annotations

import uuid

import pytest

CREDENTIALS = {"AWS_ACCESS_KEY_ID": "test-key", "AWS_SECRET_ACCESS_KEY": "test-secret",
               "AWS_DEFAULT_REGION": "us-east-1"}


@pytest.fixture(scope="session")
def s3_endpoint():
    from moto.server import ThreadedMotoServer
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_env(monkeypatch, s3_endpoint):
    for k, v in {**CREDENTIALS, "AWS_ENDPOINT_URL": s3_endpoint}.items():
        monkeypatch.setenv(k, v)
    return {**CREDENTIALS, "AWS_ENDPOINT_URL": s3_endpoint}


@pytest.fixture
def s3(s3_env):
    """A boto3 client of the local server, and a fresh bucket name in it."""
    import boto3
    client = boto3.client("s3", endpoint_url=s3_env["AWS_ENDPOINT_URL"])
    bucket = f"rq-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    return client, bucket
