"""An Arabic client in a copy of the example project: the profile says ``language: ar``."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import copy_example

FIXTURES = Path(__file__).parent / "fixtures" / "arabic"
ARABIC = "jordan-rivera"  # written right to left
ENGLISH = "amara-okafor"  # left to right, as before


def arabic_project(root: Path) -> Path:
    """The example with Jordan's profile in Arabic; the name appears in the exercises' text,
    so the pages and packs hold Arabic letters."""
    project = copy_example(root)
    profile = project / "clients" / f"{ARABIC}.yml"
    text = profile.read_text(encoding="utf-8")
    text = text.replace("preferred_name: Jordan\n", "preferred_name: جوردان\nlanguage: ar\n", 1)
    assert "language: ar" in text
    profile.write_text(text, encoding="utf-8")
    # one exercise in Arabic beside its English base, so its page (rating grid and all) is
    # Arabic text in an Arabic page; the others are shown in English, marked as such
    variant = FIXTURES / "leadership-self-assessment.ar.md"
    shutil.copy2(variant, project / "content/exercises/assessment" / variant.name)
    return project
