"""The parts of made-up email addresses: ASCII-folded names, company domains, free-mail providers."""

from __future__ import annotations

import functools
import re
import unicodedata

from ..state import World

FREE_MAIL = ("mail.example", "correo.example", "post.example", "inbox.example")


@functools.cache
def to_ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ø", "o").replace("æ", "ae"))
    return re.sub(r"[^a-z0-9]+", "", folded.encode("ascii", "ignore").decode().lower())


def slugify(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "company"


def company_domain(world: World, name: str) -> str:
    """`<slug>.example`, unique among every company's login emails (a second "Acme" gets `acme-2.example`)."""
    taken = {email.rpartition("@")[2] for email in world.users_by_email}
    base, number = slugify(name), 1
    domain = f"{base}.example"
    while domain in taken:
        number += 1
        domain = f"{base}-{number}.example"
    return domain
