"""The connector catalogue: lookup, the seam that adds connectors declared elsewhere, and the rules a connector
profile's scopes and actions must follow."""

from __future__ import annotations

import difflib
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache

from linkyard.connectors.model import Action, Connector
from linkyard.errors import ConfigError, FieldError, NotFound

# Connectors added by `add_connectors`, with how many open blocks added each: nested and concurrent blocks
# (two apps in one process, a CLI command inside a test) may add the same declaration.
_added: dict[str, tuple[Connector, int]] = {}
_lock = threading.Lock()


@cache
def _builtin() -> dict[str, Connector]:
    # Imported here so that importing the package validates nothing; the first lookup builds the catalogue.
    from linkyard.connectors.builtin import DECLARATIONS

    built = [declare() for declare in DECLARATIONS]
    return {connector.key: connector for connector in built}


def _connectors() -> dict[str, Connector]:
    builtin = _builtin()
    if not _added:
        return builtin
    return {**builtin, **{key: connector for key, (connector, _) in _added.items()}}


@contextmanager
def add_connectors(connectors: Sequence[Connector]) -> Iterator[None]:
    """Make `connectors` part of the catalogue for the length of the block (an app's lifespan, a platform).

    This is how a connector declared outside Linkyard's package (an operator's own, a test's) joins: every
    lookup in the process sees it while the block is open. A key that a different declaration holds already
    (a built-in one, or another added one) is refused with `ConfigError`, before anything is added.
    """
    with _lock:
        for connector in connectors:
            held = _builtin().get(connector.key) or _added.get(connector.key, (None, 0))[0]
            if held is not None and held is not connector and held.model_dump() != connector.model_dump():
                raise ConfigError(f"another connector already has the key {connector.key}")
        for connector in connectors:
            _, count = _added.get(connector.key, (connector, 0))
            if connector.key not in _builtin():
                _added[connector.key] = (connector, count + 1)
    try:
        yield
    finally:
        with _lock:
            for connector in connectors:
                if connector.key in _added:
                    held, count = _added[connector.key]
                    if count <= 1:
                        del _added[connector.key]
                    else:
                        _added[connector.key] = (held, count - 1)


def list_connectors() -> tuple[Connector, ...]:
    return tuple(_connectors().values())


def get_connector(key: str) -> Connector:
    """The connector with this key; `NotFound` otherwise (the message does not repeat the key)."""
    found = _connectors().get(key)
    if found is None:
        raise NotFound("No such connector", code="connector_not_found")
    return found


def validate_profile_selection(
    connector: Connector, scopes: Sequence[str] | None, actions: Sequence[str] | None
) -> list[FieldError]:
    """Every problem with a profile's `scopes` and `actions`, each naming its culprit by position.

    - an unknown scope or action: `{"field": "scopes[1]", "message": "unknown scope (did you mean ...)"}`
      (the submitted text is not repeated; a suggestion from the catalogue is);
    - an enabled action whose required scopes are not in `scopes`:
      `{"field": "actions[0]", "message": "acme_list_time_off_requests needs time_off"}`;
    - an enabled unified operation whose provider actions are not enabled with it (it reads or writes through them).

    Absent or empty `scopes` means none are sent at authorize, so the provider grants all of the application's
    scopes: the selection is then not restricted and the "needs" check is skipped (a missing grant surfaces
    as a 403 at call time instead). Absent `actions` means every standard action (`is_enabled`) the scopes allow.
    """
    problems: list[FieldError] = []
    for index, scope in enumerate(scopes or ()):
        if scope not in connector.scope_names:
            message = "unknown scope" + _suggestion(scope, connector.scope_names)
            problems.append({"field": f"scopes[{index}]", "message": message})
    granted = set(scopes) if scopes else None
    for index, action_id in enumerate(actions or ()):
        action = connector.find_tool(action_id)
        if action is None:
            message = "unknown action" + _suggestion(action_id, (a.id for a in connector.tools))
            problems.append({"field": f"actions[{index}]", "message": message})
            continue
        missing = action.missing_scopes(granted)
        if missing:
            problems.append(
                {"field": f"actions[{index}]", "message": f"{action.id} needs {', '.join(missing)}"}
            )
            continue
        chosen = set(actions or ())
        left_out = [read for read in (action.unified.reads if action.unified else ()) if read not in chosen]
        if left_out:
            verb = "writes" if action.unified is not None and action.unified.writes else "reads"
            problems.append(
                {
                    "field": f"actions[{index}]",
                    "message": f"{action.id} {verb} through {', '.join(left_out)}: enable it too",
                }
            )
    return problems


def enabled_actions(
    connector: Connector, scopes: Sequence[str] | None, actions: Sequence[str] | None
) -> tuple[Action, ...]:
    """The actions a profile enables, in catalogue order, then the unified operations it enables (see
    `is_enabled`). Ids the catalogue no longer has are skipped, so a stored profile survives an action's
    removal."""
    return tuple(action for action in connector.tools if is_enabled(action, scopes, actions))


def is_enabled(action: Action, scopes: Sequence[str] | None, actions: Sequence[str] | None) -> bool:
    """Whether a profile enables `action`: it is in the profile's `actions` when given; otherwise it is one of
    the connector's standard actions (`default_enabled`: the hand-declared ones and the unified operations, not
    the hundreds generated from the provider's whole API, which a profile names to enable) and the profile's
    scopes allow it (every one does when `scopes` is absent or empty)."""
    if actions is not None:
        return action.id in actions
    if not action.default_enabled:
        return False
    return not scopes or all(scope in scopes for scope in action.required_scopes)


def _suggestion(text: str, choices: Iterable[str]) -> str:
    if len(text) > 100:  # difflib is quadratic; nobody mistypes a scope by a hundred characters
        return ""
    close = difflib.get_close_matches(text, list(choices), n=1, cutoff=0.75)
    return f" (did you mean {close[0]}?)" if close else ""
