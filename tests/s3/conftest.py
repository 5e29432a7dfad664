"""A local S3 server (moto, 127.0.0.1 only) and fresh buckets for the object-store tests."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow.fs as pafs
import pytest

moto_server = pytest.importorskip("moto.server", reason="moto[server] is a dev dependency")

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "data" / "samples"
DAY = dt.date(2026, 11, 1)
TEST_KEY = "s3-test-key-0123456789-0123456789-012345"
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class S3Server:
    """The running server: its endpoint and an admin filesystem that may create buckets."""

    endpoint: str
    admin: pafs.S3FileSystem


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    """Start moto on a free loopback port; point every `s3://` URI at it through the env.

    `FileSystem.from_uri` (the only way deidflow opens URIs) honours `AWS_ENDPOINT_URL`. Credential
    files and the EC2 metadata service are switched off, so nothing leaves the machine.
    """
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one log line per request otherwise
    server = moto_server.ThreadedMotoServer(ip_address=LOOPBACK, port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    env = pytest.MonkeyPatch()
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/nonexistent/aws-config",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
        "DEIDFLOW_KEY": TEST_KEY,
    }.items():
        env.setenv(name, value)
    env.delenv("AWS_PROFILE", raising=False)
    env.delenv("AWS_SESSION_TOKEN", raising=False)
    admin = pafs.S3FileSystem(
        endpoint_override=endpoint, allow_bucket_creation=True, allow_bucket_deletion=True
    )
    try:
        yield S3Server(endpoint, admin)
    finally:
        env.undo()
        server.stop()


@pytest.fixture
def bucket(s3_server: S3Server) -> str:
    """Create an empty bucket for one test and return its name."""
    name = f"deidflow-{uuid.uuid4().hex[:12]}"
    s3_server.admin.create_dir(name)
    return name


def upload_tree(fs: pafs.FileSystem, local: Path, prefix: str) -> list[str]:
    """Copy every file under `local` to `prefix` (bucket/key) and return the keys written."""
    keys = []
    for path in sorted(p for p in local.rglob("*") if p.is_file()):
        key = f"{prefix}/{path.relative_to(local).as_posix()}"
        with fs.open_output_stream(key, compression=None) as out:  # upload as stored
            out.write(path.read_bytes())
        keys.append(key)
    return keys


def list_files(fs: pafs.FileSystem, prefix: str) -> list[str]:
    """Every object under `prefix`, as paths relative to it, sorted."""
    infos = fs.get_file_info(pafs.FileSelector(prefix, recursive=True, allow_not_found=True))
    return sorted(i.path[len(prefix) + 1 :] for i in infos if i.type == pafs.FileType.File)
