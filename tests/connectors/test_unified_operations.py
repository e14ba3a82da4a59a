"""StackOne's operation table is the client's: every `hris` and `ats` function of
`@stackone/stackone-client-ts@4.28.0` (its `src/funcs/*.ts`), by name, method and path, and nothing else."""

from __future__ import annotations

import re

from linkyard.connectors.unified.operations import OPERATIONS, operation_at, operation_named
from tests.stackone.ts_client import NODE_DIR

FUNCS = NODE_DIR / "node_modules" / "@stackone" / "stackone-client-ts" / "src" / "funcs"
_METHOD = re.compile(r'method:\s*"([A-Z]+)"')
_PATH = re.compile(r'pathToFunc\(\s*"([^"]+)"')


def _clients_operations() -> set[tuple[str, str, str]]:
    assert FUNCS.is_dir(), "the StackOne client is not installed: run `make node-deps`"
    found = set()
    for source in FUNCS.glob("*.ts"):
        if not source.stem.startswith(("hris", "ats")):
            continue
        text = source.read_text()
        method, path = _METHOD.search(text), _PATH.search(text)
        assert method and path, source.name
        name = re.sub(r"(?<!^)(?=[A-Z])", "_", source.stem).lower()
        found.add((name, method.group(1), path.group(1)))
    return found


def test_the_table_is_the_clients_148_unified_operations() -> None:
    clients = _clients_operations()
    assert len(clients) == len(OPERATIONS) == 148
    assert {(op.name, op.method, op.path) for op in OPERATIONS} == clients


def test_operations_are_found_by_method_and_template_whatever_the_placeholder_names() -> None:
    found = operation_at("get", "/unified/hris/employees/{employee_id}/time_off/{time_off_id}")
    assert found is not None and found.name == "hris_get_employees_time_off_request"
    assert operation_at("PUT", "/unified/hris/employees/{id}") is None
    assert operation_named("ats_move_application").path == "/unified/ats/applications/{id}/move"
