"""``language:`` is a BCP 47 tag, in workbook.yml and in profiles; the JSON Schema agrees."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import MINI_CLIENT
from workbook.load.schema import PROFILE, SETTINGS, Ctx
from workbook.load.sources import load_yaml_text

GOOD = ["en", "en-GB", "fr-CA", "zh-Hant-TW", "es-419", "de-CH-1996", "sr-Latn-RS", "EN-gb"]
GOOD += ["zh-yue-HK", "ca-valencia", "en-US-u-ca-gregory", "en-x-firm", "haw", "ast"]
BAD = {
    "xx!": "write a BCP 47 tag such as en, en-GB, fr-CA or zh-Hant-TW",
    "english": "did you mean 'en'?",
    "French": "did you mean 'fr'?",
    "en_GB": "did you mean 'en-GB'?",
    "zh_hant_tw": "did you mean 'zh-Hant-TW'?",
    "e": "write a BCP 47 tag such as en, en-GB, fr-CA or zh-Hant-TW",
    "en-": "write a BCP 47 tag such as en, en-GB, fr-CA or zh-Hant-TW",
    "en--GB": "write a BCP 47 tag such as en, en-GB, fr-CA or zh-Hant-TW",
    "en GB": "write a BCP 47 tag such as en, en-GB, fr-CA or zh-Hant-TW",
    "en-GBR1": "write a BCP 47 tag such as en, en-GB, fr-CA or zh-Hant-TW",
    "abcd": "write a BCP 47 tag such as en, en-GB, fr-CA or zh-Hant-TW",
}


def check_settings(text: str) -> tuple[object, list[str]]:
    path = Path("/project/workbook.yml")
    data, problems = load_yaml_text(text, path)
    assert not problems
    ctx = Ctx(path)
    clean = SETTINGS.check(data, ctx, "")
    return clean, [p.format() for p in ctx.problems]


@pytest.mark.parametrize("tag", GOOD)
def test_well_formed_tags_are_accepted(tag: str) -> None:
    clean, problems = check_settings(f"language: {tag}\n")
    assert problems == []
    assert clean["language"] == tag


@pytest.mark.parametrize("tag", list(BAD))
def test_malformed_tags_are_refused_with_a_fix(tag: str) -> None:
    clean, problems = check_settings(f"firm: {{name: F}}\nlanguage: '{tag}'\n")
    assert problems == [
        f"/project/workbook.yml:2:11: 'language' is not a language tag: '{tag}' — {BAD[tag]}"
    ]
    assert clean["language"] is None
    assert clean["firm"]["name"] == "F"  # the rest of the file is still read


def test_the_json_schema_pattern_agrees_with_the_check() -> None:
    schema = PROFILE.json()["properties"]["language"]
    pattern = re.compile(schema["pattern"])
    assert all(pattern.search(tag) for tag in GOOD)
    assert not any(pattern.search(tag) for tag in BAD)


def test_a_long_near_miss_is_refused_quickly() -> None:
    tag = "en-" + "-".join(["abcde"] * 1500) + "!"
    clean, problems = check_settings(f"language: '{tag[:9000]}'\n")
    assert clean["language"] is None and len(problems) == 1


def test_schema_command_prints_the_pattern(cli, make_project) -> None:
    root = make_project()
    result = cli(["schema"], root)
    assert result.exit_code == 0
    language = json.loads(result.output)["properties"]["language"]
    assert language["pattern"].startswith("^[A-Za-z]{2,3}")
    assert language["type"] == ["string", "null"]  # an optional key may be left empty


def test_a_profile_language_is_checked(make_project, cli) -> None:
    root = make_project({"clients/alex.yml": MINI_CLIENT + "language: en_GB\n"})
    result = cli(["check"], root)
    assert result.exit_code == 1
    assert (
        "clients/alex.yml:4:11: 'language' is not a language tag: 'en_GB' — did you mean "
        "'en-GB'?" in result.output.splitlines()
    )
