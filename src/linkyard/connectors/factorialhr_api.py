"""Factorial's whole public API as actions, generated from its facts (`linkyard.factorial_facts`) on first use.

Every endpoint the declaration does not write by hand becomes `factorialhr_<verb>_<resource>`: `list` (a
collection, paged with Factorial's cursor), `get`, `create`, `update`, `delete`, or the endpoint's own word for an
action endpoint (`approve`, `bulk_create`); the resource is the path's, singular but for lists and bulk actions,
and prefixed with its namespace where two namespaces share it (`attendance_shift`, `shift_management_shift`).
Inputs come from the facts (path, query and body fields with their types, required-ness and enums); labels and
descriptions are written here from templates, never taken from Factorial's documentation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from linkyard.connectors.parameters import (
    DEFAULT_MAX_ITEMS,
    DEFAULT_MAX_LENGTH,
    FORMAT_MAX_LENGTH,
    MAX_PROPERTIES,
)

if TYPE_CHECKING:
    from linkyard.connectors.model import Action
    from linkyard.factorial_facts import Endpoint, Facts, Field

MAX_ID_LENGTH = 64
_PREFIX = "factorialhr_"
_API_PATH = re.compile(r"^/api/[^/]+/resources/")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_DESCRIBED_FIELDS = 12
"""How many of a record's fields a description names (what search matches on, beside the name)."""
_PAGING = frozenset({"limit", "after_id", "before_id", "page", "page_size", "next"})
"""Query parameters the cursor pagination owns: the platform's `page_size` and `next` stand for them."""
_NOT_IDS = ("uuid", "external", "identifier")
"""Words that, in a field named like an id, mean it is not one of Factorial's numeric ids."""
BIGINT = 2**63 - 1
NUMBER_BOUND = 1e15
_FORMS: Mapping[str, tuple[str, str, str]] = {
    "subscription_type": (
        r"^[a-z_]+/[a-z_]+/[a-z_]+$",
        "a webhook topic, namespace/resource/event",
        "employees/employee/update",
    ),
}
"""Text fields of a fixed form the facts do not state (Factorial refuses any other): the expression, what it
means in words, and an example."""
_NESTING = 4
"""How deep a nested record's members are described (Factorial's bodies nest at most three records deep)."""


@dataclass(frozen=True, slots=True)
class Area:
    """A namespace of Factorial's API: its title, and the OAuth scopes its resources need (Factorial's table
    of scopes; a resource listed under another scope there says so in `by_resource`)."""

    key: str
    title: str
    scopes: tuple[str, ...]
    by_resource: Mapping[str, tuple[str, ...]] | None = None


# Factorial's scope table (docs/platform-api.md cites it: factorial-notes §2.2); namespaces it does not list
# (approvals, compensations, it_management, processes, procurement) need no scope of ours, and Factorial decides.
AREAS: tuple[Area, ...] = (
    Area("api_public", "Credentials and webhooks", ()),
    Area("employees", "Employees", ("employees",)),
    Area("teams", "Teams", ("employees",)),
    Area("locations", "Locations", ("company_locations",)),
    Area("companies", "Legal entities", ("company_legal_entities",)),
    Area("holidays", "Company holidays", ("company_holidays",)),
    Area("contracts", "Contracts", ("contracts",)),
    Area("compensations", "Compensations and payroll runs", ()),
    Area("timeoff", "Time off", ("time_off",)),
    Area("attendance", "Attendance and time tracking", ("time_tracking",)),
    Area("work_schedule", "Work schedules", ("time_tracking",)),
    Area("time_planning", "Time planning", ("time_tracking",)),
    Area("time_settings", "Time settings", ("time_tracking",)),
    Area("shift_management", "Shift planning", ("shift_management",)),
    Area("ats", "Recruitment", ("recruitment",)),
    Area("documents", "Documents", ("documents",)),
    Area("custom_fields", "Custom fields", ("custom_fields",)),
    Area("custom_resources", "Custom resources", ("custom_fields",)),
    Area("employee_updates", "Employee updates", ("employee_updates",)),
    Area("bookkeepers_management", "Bookkeeper incidences", ("employee_updates",)),
    Area("expenses", "Expenses", ("expenses",)),
    Area("finance", "Finance and accounting", ("finance",)),
    Area("banking", "Banking", ("banking",)),
    Area("payroll", "Payroll", ("payroll",), {"supplements": ("payroll_supplements",)}),
    Area("payroll_employees", "Payroll employee data", ("payroll",)),
    Area("payroll_integrations_base", "Payroll integration codes", ("integrations",)),
    Area("integrations", "Integration sync runs", ("integrations",)),
    Area("job_catalog", "Job catalog", ("job_catalog",)),
    Area("marketplace", "Marketplace", ("marketplace",)),
    Area("performance", "Performance reviews", ("performance",)),
    Area("posts", "Posts", ("posts",)),
    # Factorial splits project management over three scopes; resources its table does not name (budgets,
    # rates, planned records, imputable projects) need the projects one, as the emulator has it.
    Area(
        "project_management",
        "Projects",
        ("project_management_projects",),
        {
            "expense_records": ("project_management_expenses",),
            "exportable_expenses": ("project_management_expenses",),
            "time_records": ("project_management_time",),
        },
    ),
    Area("tasks", "Tasks", ("tasks",)),
    Area("trainings", "Trainings", ("trainings",)),
    Area("approvals", "Approvals", ()),
    Area("processes", "Processes", ()),
    Area("procurement", "Procurement", ()),
    Area("it_management", "IT assets", ()),
)


# Resources whose own name says too little beside ~600 others (`types`, `groups`), or that another namespace's
# resource would be mistaken for: the noun their actions take instead (plural; singular by `singular`).
NOUNS: Mapping[tuple[str, str], str] = {
    ("procurement", "types"): "procurement_types",
    ("custom_resources", "resources"): "custom_resources",
    ("custom_fields", "fields"): "custom_fields",
    ("custom_fields", "options"): "custom_field_options",
    ("documents", "folders"): "document_folders",
    ("posts", "groups"): "post_groups",
    ("payroll_integrations_base", "codes"): "payroll_integration_codes",
    ("employee_updates", "summaries"): "employee_update_summaries",
    ("compensations", "concepts"): "compensation_concepts",
    ("compensations", "cycles"): "compensation_cycles",
    ("contracts", "compensations"): "contract_compensations",
    ("job_catalog", "levels"): "job_levels",
    ("job_catalog", "roles"): "job_roles",
    ("project_management", "rates"): "project_rates",
    ("trainings", "sessions"): "training_sessions",
    ("finance", "accounts"): "finance_accounts",
    ("finance", "contacts"): "finance_contacts",
    ("attendance", "reviews"): "attendance_reviews",
    ("bookkeepers_management", "incidences"): "bookkeeper_incidences",
    ("payroll_employees", "identifiers"): "payroll_identifiers",
    ("payroll", "supplements"): "payroll_supplements",
    ("payroll", "policy_periods"): "payroll_policy_periods",
    ("performance", "agreements"): "performance_agreements",
    ("teams", "memberships"): "team_memberships",
    ("timeoff", "policies"): "time_off_policies",
    ("timeoff", "policy_assignments"): "time_off_policy_assignments",
    ("timeoff", "policy_timelines"): "time_off_policy_timelines",
    ("timeoff", "allowances"): "time_off_allowances",
    ("ats", "answers"): "application_answers",
    ("ats", "questions"): "application_questions",
    ("ats", "messages"): "candidate_messages",
}


def noun_of(namespace: str, resource: str, *, shared: bool) -> str:
    """The plural noun of a resource's actions: its own name, the table's, or (where two namespaces share it)
    the namespace and its name."""
    if (namespace, resource) in NOUNS:
        return NOUNS[(namespace, resource)]
    return f"{namespace}_{resource}" if shared else resource


def area_titles() -> dict[str, str]:
    """Each area's title by its key (the namespace), in the order the dashboard shows them."""
    return {area.key: area.title for area in AREAS}


def proxy_rules() -> list[dict[str, Any]]:
    """What `POST /unified/proxy` may reach: every namespace of Factorial's REST API
    (`/api/{version}/resources/{namespace}/...`, any version), each needing the scopes of its area, a resource
    the scope table lists under another scope first (the first rule a path starts with applies). A namespace
    not among `AREAS` is refused by the proxy rather than guessed at."""
    rules: list[dict[str, Any]] = []
    for area in AREAS:
        prefix = f"/api/*/resources/{area.key}"
        for resource, scopes in (area.by_resource or {}).items():
            rules.append({"prefix": f"{prefix}/{resource}", "scopes": list(scopes)})
        rules.append({"prefix": prefix, "scopes": list(area.scopes)})
    return rules


def area_of(path: str) -> str:
    """The area (namespace) of an action's path: `/api/<v>/resources/timeoff/leaves` → `timeoff`."""
    return _API_PATH.sub("", path).split("/")[0]


def generated_actions(
    declared: Sequence[Action], facts: Facts, id_bounds: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """Action declarations for every endpoint of `facts` that no `declared` action calls already (same method and
    path); `id_bounds` are the declaration's bounds of a Factorial id."""
    areas = {area.key: area for area in AREAS}
    taken = {(action.method, action.path) for action in declared}
    shared = _shared_resources(facts.endpoints)
    names = {action.id for action in declared}
    specs: list[dict[str, Any]] = []
    for endpoint in facts.endpoints:
        if (endpoint.method, endpoint.path) in taken:
            continue
        generator = _Generator(
            endpoint, areas[endpoint.namespace], facts, id_bounds, endpoint.resource in shared
        )
        spec = generator.spec()
        spec["id"] = _unique_id(generator, names)
        names.add(spec["id"])
        specs.append(spec)
    return specs


def _unique_id(generator: _Generator, taken: set[str]) -> str:
    """The action's id: `<verb>_<noun>`; an action word long enough to say it alone stands alone when the whole
    would be longer than an id may be, and a name another action holds takes the namespace before the noun."""
    verb, noun = generator.verb_and_noun()
    namespace = singular(generator.endpoint.namespace)
    for candidate in (f"{verb}_{noun}", verb, f"{verb}_{namespace}_{noun}"):
        name = f"{_PREFIX}{candidate}"
        if len(name) <= MAX_ID_LENGTH and name not in taken and "_" in candidate:
            return name
    raise ValueError(f"cannot name {generator.endpoint.method} {generator.endpoint.path}")


def _shared_resources(endpoints: Iterable[Endpoint]) -> set[str]:
    namespaces: dict[str, set[str]] = {}
    for endpoint in endpoints:
        namespaces.setdefault(endpoint.resource, set()).add(endpoint.namespace)
    return {resource for resource, found in namespaces.items() if len(found) > 1}


def singular(word: str) -> str:
    """English singular of a snake_case plural's last word (`leave_types` → `leave_type`)."""
    head, _, last = word.rpartition("_")
    if last.endswith("ies") and len(last) > 4:
        last = last[:-3] + "y"
    elif last.endswith(("sses", "xes", "ches", "shes", "uses")):
        last = last[:-2]
    elif last.endswith("s") and not last.endswith(("ss", "us", "is")):
        last = last[:-1]
    return f"{head}_{last}" if head else last


def _words(name: str) -> str:
    return name.replace("_", " ").strip()


def _members_in_words(members: Mapping[str, Any], *, many: bool) -> str:
    """What a nested record holds, for its parameter's description (the input schema stays one level deep):
    ` Each holds: account_id (an id, required), debit_amount_cents (an integer, required), ...`."""
    required = set(members.get("required", ()))
    said = [
        f"{name} ({_kind_in_words(schema)}{', required' if name in required else ''})"
        for name, schema in members["properties"].items()
    ]
    return f" {'Each' if many else 'It'} holds: {', '.join(said)}." if said else ""


def _kind_in_words(schema: Mapping[str, Any]) -> str:
    if "enum" in schema:
        return f"one of {' | '.join(schema['enum'])}"
    if schema.get("type") == "array":
        return f"a list of {_kind_in_words(schema['items'])}"
    if "pattern" in schema:
        return "an id"
    words = {"date": "a date", "date-time": "a date and time", "email": "an email address"}
    if schema.get("format") in words:
        return words[schema["format"]]
    kinds = {"string": "text", "integer": "an integer", "number": "a number", "boolean": "true or false"}
    return kinds.get(schema.get("type", ""), "a record" if schema.get("type") == "object" else "any value")


class _Generator:
    """One endpoint's action declaration."""

    def __init__(
        self, endpoint: Endpoint, area: Area, facts: Facts, id_bounds: Mapping[str, Any], shared: bool
    ) -> None:
        self.endpoint = endpoint
        self.area = area
        self.facts = facts
        self.id_bounds = id_bounds
        self.plural = noun_of(endpoint.namespace, endpoint.resource, shared=shared)
        self.singular = singular(self.plural)

    # --- naming -----------------------------------------------------------------------------------------

    def verb_and_noun(self) -> tuple[str, str]:
        endpoint = self.endpoint
        if endpoint.kind == "action":
            word = endpoint.action or "run"
            many = word.startswith("bulk_") or word.endswith(("_all", "_in_bulk")) or "_all_" in word
            return word, self.plural if many else self.singular
        if endpoint.kind == "list":
            return "list", self.plural
        return endpoint.kind, self.singular

    def spec(self) -> dict[str, Any]:
        endpoint = self.endpoint
        verb, noun = self.verb_and_noun()
        scopes = (self.area.by_resource or {}).get(endpoint.resource, self.area.scopes)
        parameters = self.parameters()
        spec: dict[str, Any] = {
            "id": f"{_PREFIX}{verb}_{noun}",
            "label": f"{_words(verb).capitalize()} {_words(noun)}",
            "description": self.description(verb, parameters),
            "method": endpoint.method,
            "path": endpoint.path,
            "model": self.plural[:64],
            "area": endpoint.namespace,
            "required_scopes": list(scopes),
            "parameters": parameters,
            "result": "list" if endpoint.kind == "list" else "object",
            "default_enabled": False,
        }
        if endpoint.kind == "list" and endpoint.pages:
            from linkyard.connectors.factorialhr import PAGINATION

            spec["pagination"] = PAGINATION
        elif endpoint.response.array:
            # A bulk action answers with a bare JSON array of what it touched.
            spec["result"] = "list"
            spec["envelope"] = {"records": None}
        if endpoint.body is not None and endpoint.body.content_type == "multipart/form-data":
            spec["body"] = "multipart"
            spec["files"] = self._file_fields()
        return spec

    # --- descriptions -----------------------------------------------------------------------------------

    def description(self, verb: str, parameters: Sequence[Mapping[str, Any]]) -> str:
        endpoint = self.endpoint
        thing = _words(self.singular)
        things = _words(self.plural)
        where = f"in Factorial's {self.area.title.lower()} ({endpoint.namespace}/{endpoint.resource})"
        filters = [_words(p["name"]) for p in parameters if p["location"] == "query"]
        required = [_words(p["name"]) for p in parameters if p["location"] == "body" and p.get("required")]
        optional = [
            _words(p["name"]) for p in parameters if p["location"] == "body" and not p.get("required")
        ]
        fields = self._record_fields()
        has = f" Each has {', '.join(fields)}." if fields else ""
        match endpoint.kind:
            case "list":
                text = f"List the {things} {where}, a page at a time."
                if filters:
                    text += f" Filter by {', '.join(filters)}."
                return text + has
            case "get":
                return f"Get one {thing} by id {where}.{has}"
            case "create":
                text = f"Create a {thing} {where}."
                if required:
                    text += f" Needs {', '.join(required)}."
                if optional:
                    text += f" Also takes {', '.join(optional[:_DESCRIBED_FIELDS])}."
                return text + f" Returns the new {thing}."
            case "update":
                text = f"Change a {thing} by id {where}; only the fields sent change."
                if optional or required:
                    text += f" Takes {', '.join((required + optional)[:_DESCRIBED_FIELDS])}."
                return text + f" Returns the {thing}."
            case "delete":
                return f"Delete a {thing} by id {where}; this cannot be undone. Returns the deleted {thing}."
        noun = things if self.verb_and_noun()[1] == self.plural else thing
        text = f"{_words(verb).capitalize()} {noun} {where} (Factorial's {endpoint.action} action)."
        if required:
            text += f" Needs {', '.join(required)}."
        if optional:
            text += f" Also takes {', '.join(optional[:_DESCRIBED_FIELDS])}."
        return text

    def _record_fields(self) -> list[str]:
        """The first fields of the records the endpoint answers with (a list's `data` items)."""
        response = self.endpoint.response
        if response.model is None or response.model not in self.facts.models:
            return []
        model = self.facts.model(response.model)
        records = model.field("data")
        if self.endpoint.kind == "list" and records is not None and records.model in self.facts.models:
            model = self.facts.model(records.model)
        names = [f.name for f in model.fields if f.name not in ("id", "company_id", "data", "meta")]
        return [_words(name) for name in names[:_DESCRIBED_FIELDS]]

    # --- parameters -------------------------------------------------------------------------------------

    def parameters(self) -> list[dict[str, Any]]:
        endpoint = self.endpoint
        found: dict[str, dict[str, Any]] = {}
        body_fields = self._body_fields()
        body_names = {field.name for field in body_fields}
        for field in endpoint.path_parameters:
            parameter = {
                "name": field.name,
                "location": "path",
                "description": f'The id of the {_words(self.singular)} (a string of digits, e.g. "7").',
                "required": True,
                **self.id_bounds,
            }
            if field.name in body_names:
                parameter["also_in_body"] = True
            found[field.name] = parameter
        for field in endpoint.query_parameters:
            name = field.name.removesuffix("[]")
            if (name in _PAGING and endpoint.pages) or not _NAME.match(name) or name in found:
                continue
            filtering = self._parameter(field, name, "query")
            if filtering is not None:
                found[name] = filtering
        for field in body_fields:
            if field.name in found or field.type == "file":
                continue
            sent = self._parameter(field, field.name, "body")
            if sent is not None:
                found[field.name] = sent
        return list(found.values())

    def _body_fields(self) -> tuple[Field, ...]:
        body = self.endpoint.body
        if body is None or body.model not in self.facts.models:
            return ()
        fields = self.facts.model(body.model).fields
        if body.content_type == "multipart/form-data":
            # A form names its lists `ids[]`: the argument is `ids`, sent back as `ids[]` (`build_request`).
            fields = tuple(replace(field, name=field.name.removesuffix("[]")) for field in fields)
        return tuple(field for field in fields if _NAME.match(field.name))

    def _file_fields(self) -> list[dict[str, Any]]:
        return [
            {"name": field.name, "many": field.array, "required": field.required}
            for field in self._body_fields()
            if field.type == "file"
        ]

    def _parameter(self, field: Field, name: str, location: str) -> dict[str, Any] | None:
        """A parameter for one field of the facts; None for a field the platform cannot send (a nested object
        that is not required: an agent that needs it calls the proxy)."""
        words = _words(name)
        owner = _words(self.singular)
        if location == "query":
            description = (
                f"Only {_words(self.plural)} with these {words}."
                if field.array
                else (
                    f"Filter on {words}." if field.type != "boolean" else f"true or false: filter on {words}."
                )
            )
        else:
            description = f"The {owner}'s {words}."
        if name in _FORMS:
            description = f"{description[:-1]}: {_FORMS[name][1]}, e.g. {_FORMS[name][2]}."
        parameter: dict[str, Any] = {"name": name, "location": location, "description": description}
        if field.required:
            parameter["required"] = True
        if field.type == "object" or field.type == "any":
            if location == "query":
                return None
            parameter["type"] = "array" if field.array else "object"
            if field.array:
                parameter["items"] = "object"
            if field.model in self.facts.models:
                parameter["members"] = self._members(field.model, frozenset())
                parameter["description"] += _members_in_words(parameter["members"], many=field.array)
            return parameter
        if field.array:
            parameter["type"] = "array"
            parameter["max_items"] = DEFAULT_MAX_ITEMS
        elif field.type == "integer":
            parameter.update(type="integer", minimum=-BIGINT, maximum=BIGINT)
        elif field.type == "number":
            parameter.update(type="number", minimum=-NUMBER_BOUND, maximum=NUMBER_BOUND)
        elif field.type == "boolean":
            parameter["type"] = "boolean"
        if field.enum:
            if parameter.get("type", "string") in ("string", "array"):
                parameter["enum"] = list(field.enum)
            return parameter
        if parameter.get("type", "string") in ("string", "array") and field.type in ("string", "any"):
            rules = self._text_rules(name)
            if field.array:
                rules.pop("format", None)
            parameter.update(rules)
        return parameter

    def _members(self, model_name: str, outer: frozenset[str]) -> dict[str, Any]:
        """The JSON schema of a nested record's members, from its model in the facts (records it nests in turn
        are described to `_NESTING` levels; a record that holds its own kind is an object without members)."""
        properties: dict[str, Any] = {}
        required: list[str] = []
        for field in self.facts.model(model_name).fields:
            if not _NAME.match(field.name):
                continue
            one = self._member(field, outer | {model_name})
            properties[field.name] = (
                {"type": "array", "items": one, "maxItems": DEFAULT_MAX_ITEMS} if field.array else one
            )
            if field.required:
                required.append(field.name)
        members: dict[str, Any] = {"properties": properties}
        if required:
            members["required"] = required
        return members

    def _member(self, field: Field, outer: frozenset[str]) -> dict[str, Any]:
        """One member of a nested record: its type and the bounds a top-level parameter of its kind has."""
        if field.enum:
            return {"type": "string", "enum": list(field.enum)}
        match field.type:
            case "object" if field.model in self.facts.models and field.model not in outer:
                if len(outer) < _NESTING:
                    return {
                        "type": "object",
                        "maxProperties": MAX_PROPERTIES,
                        **self._members(field.model, outer),
                    }
                return {"type": "object", "maxProperties": MAX_PROPERTIES}
            case "object":
                return {"type": "object", "maxProperties": MAX_PROPERTIES}
            case "integer":
                return {"type": "integer", "minimum": -BIGINT, "maximum": BIGINT}
            case "number":
                return {"type": "number", "minimum": -NUMBER_BOUND, "maximum": NUMBER_BOUND}
            case "boolean":
                return {"type": "boolean"}
            case "string":
                rules = self._text_rules(field.name)
                schema: dict[str, Any] = {"type": "string", "maxLength": DEFAULT_MAX_LENGTH}
                if "pattern" in rules:
                    schema.update(pattern=rules["pattern"]["regex"], maxLength=rules["max_length"])
                elif "format" in rules and not field.array:
                    schema.update(format=rules["format"], maxLength=FORMAT_MAX_LENGTH[rules["format"]])
                return schema
        return {}  # "any" or a file: whatever the provider takes

    def _text_rules(self, name: str) -> dict[str, Any]:
        if name in _FORMS:
            regex, meaning, _ = _FORMS[name]
            return {"pattern": {"regex": regex, "meaning": meaning}}
        if (name == "id" or name.endswith(("_id", "_ids"))) and not any(word in name for word in _NOT_IDS):
            return dict(self.id_bounds)
        if name.endswith(("_on", "_date", "_gteq", "_lteq")) or name == "date":
            # `created_at_gteq` too: Factorial's bounds of a range are dates
            return {"format": "date"} if not name.endswith("s") else {}
        if name.endswith("_at"):
            return {"format": "date-time"}
        if name == "email" or name.endswith("_email"):
            return {"format": "email"}
        return {}
