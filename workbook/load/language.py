"""The form of a BCP 47 language tag (RFC 5646), and the tag a near miss was meant to be."""

from __future__ import annotations

import locale
import re

TAG_PATTERN = (
    "[A-Za-z]{2,3}(-[A-Za-z]{3}){0,3}"  # language (ISO 639), extended language
    "(-[A-Za-z]{4})?"  # script: Hant, Latn
    "(-([A-Za-z]{2}|[0-9]{3}))?"  # region: GB, 419
    "(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"  # variants: 1996, valencia
    "(-[0-9A-WYZa-wyz](-[A-Za-z0-9]{2,8})+)*"  # extensions: u-ca-gregory
    "(-[Xx](-[A-Za-z0-9]{1,8})+)?"  # private use: x-firm
)
LANGUAGE_TAG = re.compile(TAG_PATTERN)


def suggest_tag(text: str) -> str | None:
    """``en_GB`` → ``en-GB``; ``English`` → ``en`` (from the names the C library knows)."""
    candidate = text.strip().replace("_", "-")
    alias = locale.locale_alias.get(candidate.lower())
    if alias and text.isalpha():
        candidate = alias.split(".")[0].split("_")[0]
    parts = candidate.split("-")
    cased = [parts[0].lower()] + [
        p.title() if len(p) == 4 and p.isalpha() else p.upper() if len(p) == 2 else p.lower()
        for p in parts[1:]
    ]
    tag = "-".join(cased)
    return tag if tag != text and LANGUAGE_TAG.fullmatch(tag) else None
