"""Schemathesis fuzzes every operation of the served OpenAPI document: no 5xx allowed."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.server.conftest import Server, create_user


def test_fuzzing_the_openapi_document_finds_no_server_error(server: Server, tmp_path: Path) -> None:
    # An admin of a team of its own: what the fuzzer writes stays out of the other tests' way.
    token = create_user(server.data_dir, server.db_url, "fuzz@fuzz.test", "Fuzz", "admin")
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{server.base_url}/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        "not_a_server_error",
        "--phases",
        "fuzzing",  # the coverage phase is thorough but ~40 s; run it by hand after API changes
        "--max-examples",
        "5",
        "--workers",
        "2",
        "--seed",
        "5",
        "--generation-database",
        "none",
        "--no-color",
    ]
    done = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=110, check=False
    )
    assert done.returncode == 0, done.stdout[-15000:] + done.stderr[-5000:]
    tested = re.search(r"Tested:\s*(\d+)", done.stdout)
    assert tested is not None, done.stdout[-5000:]
    assert int(tested.group(1)) == _operations()  # every operation was exercised


def _operations() -> int:
    """Operations in the committed contract (test_contract keeps it equal to the served one)."""
    document = json.loads((Path(__file__).parents[2] / "docs" / "openapi.json").read_text())
    verbs = {"get", "put", "post", "delete", "patch", "head"}
    return sum(1 for path in document["paths"].values() for verb in path if verb in verbs)
