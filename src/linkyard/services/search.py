"""Finding actions by what they do: BM25 (the `bm25s` library) over the catalogue, with a small HR thesaurus,
then a re-ranking by what the action's name says.

Each action is indexed as its name's words (twice), its label, its description, its area's title (Factorial's
namespace: "Time off") and its parameters' names. A query is tokenised the same way and widened with the
catalogue's own words for common HR synonyms ("vacation" → "time off", "staff" → "employee"), since BM25 only
matches words. The BM25 score is normalised into [0, 1]: divided by what a document matching every query word
once, at average length, would score (clipped at 1), so an unmatched query word lowers every result instead of
leaving the best one at 1.

Among ~670 tools many share words (`list_projects`, `list_project_tasks`, `list_imputable_projects`), so the
score then weighs what the name says: how much of the action's noun the query asks for (all of `project`, not
`project task`), whether it asks for the action's verb, and a small lead for the standard actions (written by
hand for the common requests) over those generated from the provider's whole API. The similarity reported is
that weighted score, still in [0, 1].
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import bm25s
import numpy as np

from linkyard.connectors import Action, Connector, list_connectors

DEFAULT_TOP_K = 10
MAX_TOP_K = 100

_K1 = 1.5
_NOUN_WEIGHT = 0.3
"""The lead of an action whose noun the query names in full (less in proportion for a part of it)."""
_VERB_WEIGHT = 0.12
"""The lead of an action whose verb the query asks for (`approve`, `list`)."""
_STANDARD_WEIGHT = 0.06
"""The lead of a standard action (hand-written, enabled by default) over a generated one."""
_MAX_SCORE = 1 + _NOUN_WEIGHT + _VERB_WEIGHT + _STANDARD_WEIGHT
_B = 0.5  # descriptions differ in length more than in relevance: normalise lengths less
_WORD = re.compile(r"[a-z0-9]+")
# Words that carry no meaning in a request for an action. Not a general English list: those drop "off"
# ("time off") and "all" (a list).
_STOPWORDS = frozenset(
    _WORD.findall(
        "a an the of for to in on at by with from and or is are be it its this that these those please i me "
        "we you our their his her them can could would should how what which do does"
    )
)
# A query word → the catalogue's words for it. Both sides go through `_stem`.
_THESAURUS: dict[str, str] = {
    "staff": "employee",
    "people": "employee",
    "person": "employee",
    "personnel": "employee",
    "worker": "employee",
    "workforce": "employee",
    "colleague": "employee",
    "headcount": "employee",
    "hire": "create employee",
    "onboard": "create employee",
    "fire": "terminate employee",
    "dismiss": "terminate employee",
    "offboard": "terminate employee",
    "vacation": "time off leave",
    "holiday": "time off leave",
    "pto": "time off leave",
    "absence": "time off leave",
    "leave": "time off",
    "sick": "leave",
    "accept": "approve",
    "decline": "reject",
    "deny": "reject",
    "refuse": "reject",
    "withdraw": "cancel",
    "delete": "cancel",
    "add": "create",
    "new": "create",
    "edit": "update",
    "change": "update",
    "modify": "update",
    "show": "list get",
    "all": "list",
    "find": "list",
    "search": "list",
    "fetch": "get",
    "read": "get",
    "office": "location",
    "site": "location",
    "department": "team",
    "group": "team",
    "job": "posting",
    "opening": "posting",
    "vacancy": "posting",
    "position": "posting",
    "applicant": "candidate",
    "salary": "contract",
    "compensation": "contract",
    "pay": "contract salary",
    "attendance": "shift clock",
    "timesheet": "shift",
    "punch": "clock",
    "allowance": "balance",
    "remaining": "balance left",
    "entity": "legal entity",
    "employer": "legal entity",
    "who": "credentials",
    "whoami": "credentials",
    "raise": "contract salary",
    "promotion": "contract job title",
    "correct": "edit",
    "correction": "edit",
    "log": "create record",
    "track": "record",
    "enrol": "create membership",
    "enroll": "create membership",
    "announcement": "post",
    "laptop": "it asset",
    "equipment": "it asset",
    "rota": "shift management planning",
    "roster": "shift management planning",
    "plan": "create planning",
    "undo": "unterminate restore reopen",
    "block": "blocked",
    "ask": "create request",
    "assign": "create assign",
    "reimburse": "paid expense",
    "wage": "contract salary",
    "bonus": "compensation supplement",
    "review": "performance review",
    "appraisal": "performance review",
    "course": "training",
    "subscribe": "create webhook subscription",
    "message": "message",
    "day": "time off",
    "unterminate": "unterminate",
    "rehire": "unterminate",
}


@dataclass(frozen=True, slots=True)
class ActionMatch:
    """An action of `connector` that matched a query, with its similarity in [0, 1]."""

    connector: Connector
    action: Action
    score: float


@dataclass(frozen=True, slots=True)
class SearchResults:
    """The best `matches` first (at most `top_k`), and how many actions matched in all."""

    matches: tuple[ActionMatch, ...]
    total: int


def tokenize(text: str) -> list[str]:
    """Lowercase words without stopwords, plurals folded (`employees` → `employee`), `_` splitting words."""
    return [_stem(word) for word in _WORD.findall(text.lower()) if word not in _STOPWORDS]


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_SYNONYMS: dict[str, tuple[str, ...]] = {
    _stem(word): tuple(tokenize(meaning)) for word, meaning in _THESAURUS.items()
}


class ActionIndex:
    """A BM25 index over the actions of some connectors."""

    def __init__(self, connectors: Iterable[Connector]) -> None:
        self._entries: list[tuple[Connector, Action]] = [
            (connector, action) for connector in connectors for action in connector.tools
        ]
        documents = [_document(connector, action) for connector, action in self._entries]
        self._names = [_name_parts(connector, action) for connector, action in self._entries]
        self._standard = np.array([action.default_enabled for _, action in self._entries], dtype=np.float64)
        self._bm25 = bm25s.BM25(k1=_K1, b=_B, method="lucene")
        self._bm25.index(documents, show_progress=False)
        self._document_frequency: dict[str, int] = {}
        for document in documents:
            for token in set(document):
                self._document_frequency[token] = self._document_frequency.get(token, 0) + 1
        self._keys = np.array([connector.key for connector, _ in self._entries])

    def search(
        self,
        query: str,
        *,
        connector: str | None = None,
        top_k: int = DEFAULT_TOP_K,
        min_similarity: float = 0.0,
    ) -> SearchResults:
        """The actions that match `query` best first, only `connector`'s when given; only scores above zero
        and at least `min_similarity` count."""
        groups = [(token, (token, *_SYNONYMS.get(token, ()))) for token in tokenize(query)]
        # Repeats stay: a word asked for twice (`show all` → `list list get`) weighs twice.
        terms = [term for _, group in groups for term in group if term in self._vocabulary]
        if not terms or not self._entries:
            return SearchResults((), 0)
        mask = None if connector is None else (self._keys == connector).astype(np.float32)
        raw = np.asarray(self._bm25.get_scores(terms, weight_mask=mask), dtype=np.float64)
        scores = np.minimum(raw / self._bound(group for _, group in groups), 1.0)
        scores = (
            scores + self._name_leads({term for _, group in groups for term in group}, raw)
        ) / _MAX_SCORE
        order = np.argsort(-scores, kind="stable")  # ties keep catalogue order
        matches = [
            ActionMatch(self._entries[index][0], self._entries[index][1], round(float(scores[index]), 4))
            for index in order
            if raw[index] > 0 and scores[index] >= min_similarity
        ]
        return SearchResults(tuple(matches[:top_k]), len(matches))

    def _name_leads(
        self, asked: set[str], raw: np.ndarray[Any, np.dtype[np.float64]]
    ) -> np.ndarray[Any, Any]:
        """What each matching action's name adds to its score for a query asking for the words `asked`."""
        leads = np.zeros(len(self._entries), dtype=np.float64)
        for index in np.flatnonzero(raw > 0):
            verb, noun = self._names[index]
            if noun:
                named = sum(1 for word in noun if word in asked) / len(noun)
                leads[index] += _NOUN_WEIGHT * (named if named == 1 else named / 2)
            if verb in asked:
                leads[index] += _VERB_WEIGHT
        return leads + _STANDARD_WEIGHT * self._standard * (raw > 0)

    @property
    def _vocabulary(self) -> dict[str, int]:
        vocabulary: dict[str, int] = self._bm25.vocab_dict
        return vocabulary

    def _idf(self, frequency: int) -> float:
        """BM25's (Lucene) inverse document frequency of a word in `frequency` documents, as `bm25s` has it."""
        return math.log(1 + (len(self._entries) - frequency + 0.5) / (frequency + 0.5))

    def _bound(self, groups: Iterable[Sequence[str]]) -> float:
        """What a document matching each query word (or one of its synonyms) once, at average length, scores;
        a word the catalogue does not know counts as the rarest word."""
        bound = 0.0
        for group in groups:
            known = [
                self._idf(self._document_frequency[term])
                for term in group
                if term in self._document_frequency
            ]
            bound += max(known) if known else self._idf(0)
        return bound


def _document(connector: Connector, action: Action) -> list[str]:
    # The name says what the action does and the label repeats it: counted thrice against the description.
    name = action.id.removeprefix(f"{connector.key}_").replace("_", " ")
    area = connector.areas.get(action.area, "") if action.area else ""
    parameters = " ".join(parameter.name for parameter in action.parameters)
    return tokenize(" ".join((name, name, action.label, action.description, area, parameters)))


def _name_parts(connector: Connector, action: Action) -> tuple[str, tuple[str, ...]]:
    """The action's verb and its noun's words, as the tokeniser has them (`list`, (`time`, `off`, `request`));
    a unified operation's name starts with its category (`hris_list_employees`)."""
    words = action.id.removeprefix(f"{connector.key}_").split("_")
    if action.unified is not None:
        words = words[1:]
    verb, *noun = words
    return _stem(verb), tuple(tokenize(" ".join(noun)))


_built: list[tuple[tuple[Connector, ...], ActionIndex]] = []


def _catalogue_index() -> ActionIndex:
    """The index of the catalogue as it is now, rebuilt only when connectors were added or went away."""
    connectors = list_connectors()
    if (
        _built
        and len(_built[0][0]) == len(connectors)
        and all(a is b for a, b in zip(_built[0][0], connectors, strict=True))
    ):
        return _built[0][1]
    index = ActionIndex(connectors)
    _built[:] = [(connectors, index)]
    return index


def search_actions(
    query: str,
    *,
    connector: str | None = None,
    top_k: int = DEFAULT_TOP_K,
    min_similarity: float = 0.0,
) -> SearchResults:
    """Search the whole catalogue (the index is built on first use and kept)."""
    return _catalogue_index().search(query, connector=connector, top_k=top_k, min_similarity=min_similarity)
