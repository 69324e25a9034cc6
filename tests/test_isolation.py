"""A client's folder holds that client's data alone, for the whole example firm."""

from __future__ import annotations

import html
import json
from pathlib import Path

import yaml


def distinctive(profile: Path) -> list[str]:
    """What only this client's folder may contain: names, organisation, goals, sponsor."""
    data = yaml.safe_load(profile.read_text(encoding="utf-8"))
    found = [data["name"], data.get("organisation"), (data.get("sponsor") or {}).get("name")]
    found += [g["title"] for g in data.get("goals", [])]
    found += [(data.get("about") or {}).get("leadership_experience")]
    return [s for s in found if s]


def test_no_client_output_contains_another_clients_data(example_project: Path, cli) -> None:
    marks = {}
    for profile in sorted((example_project / "clients").glob("*.yml")):
        cid = profile.stem
        marks[cid] = f"Answer-only-{cid}-4471"
        folder = example_project / "clients" / f"{cid}.answers"
        folder.mkdir(exist_ok=True)
        (folder / "a.json").write_text(
            json.dumps(
                {
                    "format": "workbook-answers/1",
                    "client": cid,
                    "exported": "2026-11-22T10:00:00Z",
                    "answers": {
                        "coaching-agreement/hopes": {
                            "value": marks[cid],
                            "updated": "2026-11-20T18:04:00Z",
                        },
                        "about-you/strengths": {
                            "value": marks[cid],
                            "updated": "2026-11-20T18:04:00Z",
                        },
                    },
                }
            )
        )
    for edition in ("client", "coach"):
        result = cli(
            ["build", "--no-pdf", "--today", "2026-11-23", "--edition", edition], example_project
        )
        assert result.exit_code == 0, result.output
        out = example_project / ("site" if edition == "client" else "coach")
        texts = {
            cid: "\n".join(p.read_text(encoding="utf-8") for p in (out / cid).rglob("*.html"))
            for cid in marks
        }
        own_seen = 0
        for cid, profile in ((p.stem, p) for p in (example_project / "clients").glob("*.yml")):
            secrets = [*distinctive(profile), marks[cid]]
            for other, text in texts.items():
                for secret in secrets:
                    present = secret in text or html.escape(secret) in text
                    if other == cid:
                        own_seen += present
                    else:
                        assert not present, f"{cid}'s {secret!r} is in {other}'s {edition} site"
        assert own_seen >= 2 * len(marks)  # the check can see a client's own data
