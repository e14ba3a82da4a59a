"""Extract the facts of Factorial's public API from the installed official client into one data file.

Run by hand when the client is upgraded, never at start-up:

    /work/main/.venv/bin/python tools/extract_factorial_facts.py [--output PATH]

The official client (`factorial-api-client`) is generated from Factorial's OpenAPI document: one module per
operation under `generated/api/<group>/`, whose `_get_kwargs` holds the method, the path and the query parameters,
and one attrs class per schema under `generated/models/`. This script imports those modules and reads their
signatures, type hints and (for the wire names the signatures rename) their source's syntax tree. It keeps facts
only: paths, names, types, required-ness, enum values. No description or other prose is copied.
"""

from __future__ import annotations

import argparse
import ast
import enum
import importlib
import importlib.metadata
import inspect
import json
import pkgutil
import sys
import textwrap
import types
import typing
from pathlib import Path
from typing import Any

CLIENT_PACKAGE = "factorial_api_client.generated"
CLIENT_DISTRIBUTION = "factorial-api-client"
DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "src/linkyard/factorial_facts/endpoints.json"
PATH_PREFIX = "/api/"
# Query parameters by which a list is paged: Factorial's cursor (`after_id`, `before_id`, `limit`) and the older
# offset style (`page`, `per_page`). The spec declares none of them on most lists, which page all the same.
PAGING_PARAMETERS = frozenset({"after_id", "before_id", "limit", "page", "per_page", "cursor"})
INLINE_WIDTH = 116


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the facts (JSON)")
    arguments = parser.parse_args(argv)
    facts = extract_facts()
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(render(facts), encoding="utf-8")
    print(f"{len(facts['endpoints'])} endpoints, {len(facts['models'])} models -> {arguments.output}")
    return 0


def extract_facts() -> dict[str, Any]:
    """Every operation of the client with the models it reads and writes, as plain sorted data."""
    models_module = importlib.import_module(f"{CLIENT_PACKAGE}.models")
    unset_type = importlib.import_module(f"{CLIENT_PACKAGE}.types").Unset
    file_type = importlib.import_module(f"{CLIENT_PACKAGE}.types").File
    reader = _TypeReader(models_module, unset_type, file_type)
    endpoints = [_endpoint(module, reader) for module in _operation_modules()]
    endpoints.sort(key=lambda endpoint: (endpoint["path"], endpoint["method"]))
    versions = sorted({endpoint["path"].split("/")[2] for endpoint in endpoints})
    models: dict[str, Any] = {}
    pending = sorted(reader.referenced)
    while pending:
        name = pending.pop()
        if name in models:
            continue
        models[name] = reader.model(getattr(models_module, name))
        pending.extend(sorted(reader.referenced - models.keys()))
    return {
        "client": {
            "distribution": CLIENT_DISTRIBUTION,
            "version": importlib.metadata.version(CLIENT_DISTRIBUTION),
        },
        "api_versions": versions,
        "endpoints": endpoints,
        "models": dict(sorted(models.items())),
    }


def _operation_modules() -> list[types.ModuleType]:
    api = importlib.import_module(f"{CLIENT_PACKAGE}.api")
    modules = []
    for info in pkgutil.walk_packages(api.__path__, f"{api.__name__}."):
        if info.ispkg:
            continue
        module = importlib.import_module(info.name)
        if hasattr(module, "_get_kwargs"):
            modules.append(module)
    return modules


def _endpoint(module: types.ModuleType, reader: _TypeReader) -> dict[str, Any]:
    get_kwargs = module._get_kwargs
    tree = ast.parse(textwrap.dedent(inspect.getsource(get_kwargs)))
    method, path = _method_and_path(tree)
    hints = typing.get_type_hints(get_kwargs, vars(module))
    signature = inspect.signature(get_kwargs)
    wire_names = _query_wire_names(tree)
    path_parameters, query, body = [], [], None
    for name, parameter in signature.parameters.items():
        if name == "body":
            body = {
                "model": reader.describe(hints[name])["model"],
                "required": parameter.default is inspect.Parameter.empty,
                "content_type": "multipart/form-data" if _sends(tree, "files") else "application/json",
            }
        elif f"{{{name}}}" in path:
            path_parameters.append({"name": name, **reader.describe(hints[name])})
        else:
            query.append(
                {
                    "name": wire_names.get(name, name),
                    "required": parameter.default is inspect.Parameter.empty,
                    **reader.describe(hints[name]),
                }
            )
    segments = path.split("/resources/", 1)[1].split("/")
    namespace, resource, rest = segments[0], segments[1], segments[2:]
    response = _response(module, reader)
    return {
        "operation": module.__name__.rsplit(".", 1)[1],
        "group": module.__name__.rsplit(".", 2)[1],
        "namespace": namespace,
        "resource": resource,
        "method": method.upper(),
        "path": path,
        "kind": _kind(method, rest, response),
        "action": rest[0] if rest and not rest[0].startswith("{") else None,
        "path_parameters": path_parameters,
        "query_parameters": sorted(query, key=lambda parameter: parameter["name"]),
        "body": body,
        "response": response,
        "pages": _pages(query, response, reader),
    }


def _method_and_path(tree: ast.Module) -> tuple[str, str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            entries = {
                key.value: value
                for key, value in zip(node.keys, node.values, strict=True)
                if isinstance(key, ast.Constant)
            }
            if "method" in entries and "url" in entries:
                url = entries["url"]
                if isinstance(url, ast.Call) and isinstance(url.func, ast.Attribute):
                    url = url.func.value
                return str(ast.literal_eval(entries["method"])), str(ast.literal_eval(url))
    raise LookupError("no method and url in _get_kwargs")


def _query_wire_names(tree: ast.Module) -> dict[str, str]:
    """Map each Python argument to the query key it is sent as (`ids` -> `ids[]`)."""
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target = node.targets[0]
        if (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and target.value.id == "params"
            and isinstance(target.slice, ast.Constant)
            and isinstance(node.value, ast.Name)
        ):
            argument = node.value.id.removeprefix("json_")
            names[argument] = str(target.slice.value)
    return names


def _sends(tree: ast.Module, key: str) -> bool:
    return any(
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Name)
        and node.value.id == "_kwargs"
        and isinstance(node.slice, ast.Constant)
        and node.slice.value == key
        for node in ast.walk(tree)
    )


def _response(module: types.ModuleType, reader: _TypeReader) -> dict[str, Any]:
    parse = module._parse_response
    tree = ast.parse(textwrap.dedent(inspect.getsource(parse)))
    statuses = sorted(
        int(node.comparators[0].value)  # type: ignore[arg-type]
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare)
        and isinstance(node.left, ast.Attribute)
        and node.left.attr == "status_code"
        and isinstance(node.comparators[0], ast.Constant)
    )
    returned = typing.get_type_hints(parse, vars(module))["return"]
    shape = reader.describe(returned)
    shape.pop("nullable", None)
    return {"status": statuses[0], **shape}


def _kind(method: str, rest: list[str], response: dict[str, Any]) -> str:
    by_id = bool(rest) and rest[0].startswith("{")
    if rest and not by_id:
        return "action"
    if method == "get":
        return "get" if by_id else "list"
    if method == "post" and not by_id:
        return "create"
    if method in ("put", "patch") and by_id:
        return "update"
    if method == "delete" and by_id:
        return "delete"
    return "action"


def _pages(query: list[dict[str, Any]], response: dict[str, Any], reader: _TypeReader) -> bool:
    if any(parameter["name"] in PAGING_PARAMETERS for parameter in query):
        return True
    model = response.get("model")
    if model is None:
        return False
    fields = {field["name"]: field for field in reader.model(getattr(reader.models, model))["fields"]}
    meta = fields.get("meta", {}).get("model")
    if meta is None:
        return False
    meta_fields = {field["name"] for field in reader.model(getattr(reader.models, meta))["fields"]}
    return "data" in fields and fields["data"].get("array", False) and "end_cursor" in meta_fields


class _TypeReader:
    """Turns the client's type hints into small JSON-able type descriptions and remembers the models it met."""

    def __init__(self, models: types.ModuleType, unset_type: type, file_type: type) -> None:
        self.models = models
        self.unset_type = unset_type
        self.file_type = file_type
        self.referenced: set[str] = set()
        self._model_cache: dict[str, dict[str, Any]] = {}

    def describe(self, annotation: Any) -> dict[str, Any]:
        nullable = False
        members = typing.get_args(annotation) if _is_union(annotation) else (annotation,)
        kept = []
        for member in members:
            if member is type(None):
                nullable = True
            elif member is not self.unset_type:
                kept.append(member)
        if len(kept) != 1:
            raise TypeError(f"unsupported union {annotation!r}")
        described = self._describe_one(kept[0])
        if nullable:
            described["nullable"] = True
        return described

    def _describe_one(self, annotation: Any) -> dict[str, Any]:
        origin = typing.get_origin(annotation)
        if origin is list:
            (item,) = typing.get_args(annotation)
            items = self.describe(item)
            return {"array": True, **items}
        if origin is dict or annotation is dict:
            return {"type": "object"}
        if annotation is Any:
            return {"type": "any"}
        if annotation is self.file_type:
            return {"type": "file"}
        if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            return {"type": "string", "enum": sorted(str(member.value) for member in annotation)}
        if isinstance(annotation, type) and hasattr(annotation, "__attrs_attrs__"):
            self.referenced.add(annotation.__name__)
            return {"type": "object", "model": annotation.__name__}
        scalars = {str: "string", int: "integer", float: "number", bool: "boolean"}
        if annotation in scalars:
            return {"type": scalars[annotation]}
        raise TypeError(f"unsupported type {annotation!r}")

    def model(self, cls: type) -> dict[str, Any]:
        cached = self._model_cache.get(cls.__name__)
        if cached is not None:
            return cached
        import attrs

        module = sys.modules[cls.__module__]
        namespace = {**vars(self.models), **vars(module)}
        hints = typing.get_type_hints(cls, namespace)
        wire_names = _model_wire_names(cls)
        fields = []
        for field in attrs.fields(cls):
            if field.name == "additional_properties":
                continue
            fields.append(
                {
                    "name": wire_names.get(field.name, field.name),
                    "required": field.default is attrs.NOTHING,
                    **self.describe(hints[field.name]),
                }
            )
        described = {"fields": fields}
        self._model_cache[cls.__name__] = described
        return described


def _is_union(annotation: Any) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType)


def _model_wire_names(cls: type) -> dict[str, str]:
    """Map each attribute to the JSON key `from_dict` reads it from (`all_` -> `all`)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls.from_dict)))  # type: ignore[attr-defined]
    field_names = {name for name in cls.__annotations__}
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
        ):
            continue
        call = next(
            (
                inner
                for inner in ast.walk(node.value)
                if isinstance(inner, ast.Call)
                and isinstance(inner.func, ast.Attribute)
                and inner.func.attr == "pop"
            ),
            None,
        )
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "pop"
            and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "d"
            and call.args
            and isinstance(call.args[0], ast.Constant)
        ):
            target = node.targets[0].id
            attribute = target if target in field_names else target.removeprefix("_")
            if attribute in field_names:
                names[attribute] = str(call.args[0].value)
    return names


def render(facts: dict[str, Any]) -> str:
    """JSON with short objects on one line, so a change to one field is a one-line diff."""
    return _render(facts, 0) + "\n"


def _render(value: Any, depth: int) -> str:
    compact = json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    if not isinstance(value, (dict, list)) or len(compact) + 2 * depth <= INLINE_WIDTH:
        return compact
    inner = "  " * (depth + 1)
    if isinstance(value, dict):
        items = [f"{inner}{json.dumps(key)}: {_render(item, depth + 1)}" for key, item in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * depth + "}"
    items = [f"{inner}{_render(item, depth + 1)}" for item in value]
    return "[\n" + ",\n".join(items) + "\n" + "  " * depth + "]"


if __name__ == "__main__":
    sys.exit(main())
