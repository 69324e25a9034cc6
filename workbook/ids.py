"""The one id rule of every file (docs/index.md), its reserved names, and folding text to an id."""

from __future__ import annotations

import re
import unicodedata

ID_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_ID = 64
RESERVED = frozenset(
    {"curriculum", "assets", "index", "packs", "con", "nul", "aux", "prn"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)


def id_problem(value: str, *, reserved: bool = False) -> str | None:
    """Why ``value`` is not a valid id, or None when it is."""
    if not ID_RE.fullmatch(value):
        return f"'{value}' is not a valid id"
    if len(value) > MAX_ID:
        return f"'{value[:20]}…' is longer than {MAX_ID} characters"
    if reserved and value in RESERVED:
        return f"'{value}' is a reserved name"
    return None


ID_FIX = "use lowercase letters, digits and single hyphens, e.g. 'jordan-rivera'"


def fold(text: str, limit: int = 48) -> str:
    """Fold text to an id: accents removed, lowercased, other runs to one hyphen, trimmed, cut.

    This is the contract's fold (docs/index.md): item keys of answers are made
    with it, so it must never change. Ids made from a person's or firm's name
    use :func:`name_id`, which transliterates instead.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-")


def name_id(name: str, limit: int = 64) -> str:
    """A client's (or a new firm's) id from a name in any script: ``Ærling Øst`` → ``aerling-ost``.

    :func:`fold` only strips accents, so letters with no decomposition (Æ, Ø, ß,
    Cyrillic, Greek, Han) vanish and ``Ærling Øst`` became ``rling-st``.
    python-slugify transliterates them (through text-unidecode) and cuts at a
    word boundary. An empty result means the name has nothing to make an id of:
    the caller asks for ``--id``.
    """
    from slugify import slugify

    return slugify(name, max_length=limit, word_boundary=True, save_order=True)
