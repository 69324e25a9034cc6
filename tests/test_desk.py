"""The coach's desk, its calendar and ``workbook status``, built from the example project.

Every value the desk shows is checked against what it comes from: the
profiles (read here with PyYAML, not with the package), the programmes and
the kept answers files.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import icalendar
import pytest
import yaml

from tests.conftest import copy_example

TODAY = "2026-11-23"
DAY = dt.date.fromisoformat(TODAY)


class _Desk(HTMLParser):
    """Each client card: its data attributes and the text of each ``data-field``."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: dict[str, dict[str, Any]] = {}
        self._card: dict[str, Any] | None = None
        self._field: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "li" and "desk-client" in (a.get("class") or ""):
            self._card = {"data": a, "fields": {}, "links": []}
            self.cards[str(a["data-id"])] = self._card
        elif self._card is not None and tag == "dd" and a.get("data-field"):
            self._field = a["data-field"]
            self._card["fields"][self._field] = ""
        elif self._card is not None and tag == "a":
            self._card["links"].append(a.get("href"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "dd":
            self._field = None
        if tag == "li" and self._field is None:
            pass

    def handle_data(self, data: str) -> None:
        if self._card is not None and self._field is not None:
            self._card["fields"][self._field] += data


def read_desk(path: Path) -> dict[str, dict[str, Any]]:
    parser = _Desk()
    parser.feed(path.read_text(encoding="utf-8"))
    for card in parser.cards.values():
        card["fields"] = {k: " ".join(v.split()) for k, v in card["fields"].items()}
    return parser.cards


def day(value: dt.date) -> str:
    return f"{value.day} {value:%b %Y}"


def profiles(root: Path) -> dict[str, dict[str, Any]]:
    return {
        p.stem: yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
        for p in sorted((root / "clients").glob("*.yml"))
    }


def programme(root: Path, pid: str) -> list[str]:
    data = yaml.safe_load((root / "content/programmes" / f"{pid}.yml").read_text())
    return [s["id"] for s in data["stages"]]


def kept_answers(root: Path, cid: str) -> list[dt.datetime]:
    times = []
    for path in sorted((root / "clients" / f"{cid}.answers").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for a in doc["answers"].values():
            times.append(dt.datetime.fromisoformat(a["updated"].replace("Z", "+00:00")))
    return times


def session_day(text: str) -> dt.date:
    return dt.date.fromisoformat(text[:10])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from workbook.cli import main

    root = copy_example(tmp_path_factory.mktemp("desk") / "example")
    cwd = os.getcwd()
    os.chdir(root)
    try:
        for args in (
            ["build", "--no-pdf", "--today", TODAY],
            ["build", "--no-pdf", "--today", TODAY, "--edition", "coach"],
        ):
            result = CliRunner().invoke(main, args, catch_exceptions=False)
            assert result.exit_code == 0, result.output
    finally:
        os.chdir(cwd)
    return root


def test_the_desk_lists_every_client_with_values_from_their_profiles(built):
    cards = read_desk(built / "coach" / "index.html")
    found = profiles(built)
    assert sorted(cards) == sorted(found)
    for cid, profile in found.items():
        card, fields = cards[cid], cards[cid]["fields"]
        stages = programme(built, profile["programme"])
        number = stages.index(profile["engagement"]["stage"]) + 1
        assert fields["stage"].startswith(f"{number} of {len(stages)}: "), (cid, fields)
        assert card["data"]["data-coach"] == profile["coach"]["name"]
        times = kept_answers(built, cid) if (built / "clients" / f"{cid}.answers").is_dir() else []
        assert fields["last-answers"] == (day(max(times).date()) if times else "None yet")
        overdue = [
            m
            for g in profile.get("goals", [])
            for m in g.get("milestones") or []
            if m.get("done") != "true" and m.get("due") and dt.date.fromisoformat(m["due"]) < DAY
        ]
        if overdue:
            assert fields["milestones"].startswith(f"{len(overdue)} past due: "), fields
            for m in overdue:
                assert (
                    f"{m['title']} ({day(dt.date.fromisoformat(m['due']))})" in fields["milestones"]
                )
        else:
            assert "past due" not in fields["milestones"]
        ahead = sorted(
            (s for s in profile["engagement"].get("sessions", []) if session_day(s["date"]) >= DAY),
            key=lambda s: s["date"],
        )
        if ahead:
            first = ahead[0]
            assert fields["next-session"].startswith(day(session_day(first["date"]))), fields
            if "T" in first["date"]:
                assert f"({first.get('minutes', '60')} min)" in fields["next-session"]
            if first.get("place"):
                assert first["place"] in fields["next-session"]
            if first.get("link"):
                assert first["link"] in card["links"]
        else:
            assert fields["next-session"] == "None planned"
        assert f"{cid}/index.html" in card["links"]
        assert f"{cid}/next-session.html" in card["links"]


def test_the_example_shows_real_variety(built):
    """Overdue milestones, answers back and none, zoned sessions: the desk has something to say."""
    cards = read_desk(built / "coach" / "index.html")
    assert cards["amara-okafor"]["fields"]["milestones"].startswith("1 past due: ")
    assert cards["jordan-rivera"]["fields"]["last-answers"] == "18 Nov 2026"
    assert cards["jordan-rivera"]["fields"]["exercises"] == "1 answered, 4 started, of 12"
    assert cards["jordan-rivera"]["fields"]["scores"] == "Leadership self-assessment: 29 → 34 of 50"
    assert "Europe/London (90 min)" in cards["jordan-rivera"]["fields"]["next-session"]
    assert cards["sofia-marquez"]["fields"]["next-session"] == "None planned"
    assert cards["sofia-marquez"]["data"]["data-attention"] == "1"
    assert cards["li-wei-chen"]["data"]["data-attention"] == "0"


def test_status_json_agrees_with_the_page(built, cli):
    result = cli(["status", "--json", "--today", TODAY], built)
    assert result.exit_code == 0, result.output
    status = json.loads(result.output)
    assert status["format"] == "workbook-status/1" and status["today"] == TODAY
    cards = read_desk(built / "coach" / "index.html")
    assert [c["id"] for c in status["clients"]] == sorted(cards, key=lambda c: c.split("-")[0])
    for c in status["clients"]:
        fields = cards[c["id"]]["fields"]
        stage = c["stage"]
        assert fields["stage"] == f"{stage['number']} of {stage['of']}: {stage['title']}"
        ex = c["exercises"]
        assert fields["exercises"] == (
            f"{ex['answered']} answered, {ex['started']} started, of {ex['total']}"
        )
        last = c["last_answers"]
        assert fields["last-answers"] == (day(dt.date.fromisoformat(last)) if last else "None yet")
        nxt = c["next_session"]
        if nxt:
            assert fields["next-session"].startswith(day(dt.date.fromisoformat(nxt["date"])))
        else:
            assert fields["next-session"] == "None planned"
        assert len(c["overdue"]) == (
            int(fields["milestones"].split()[0]) if "past due" in fields["milestones"] else 0
        )
        assert cards[c["id"]]["data"]["data-attention"] == ("1" if c["attention"] else "0")


def test_status_table_fits_the_terminal_and_colours_only_when_asked(built, cli):
    for width in (120, 80, 50):
        result = cli(["status", "--today", TODAY], built, env={"COLUMNS": str(width)})
        assert result.exit_code == 0
        lines = result.output.splitlines()
        assert all(len(line) <= width for line in lines), (width, lines)
        assert "\x1b[" not in result.output  # not a terminal: no colour
        assert lines[1].startswith("! Amara Okafor") or width < 60
    narrowed = cli(["status", "--today", TODAY, "--coach", "tom brennan"], built)
    assert narrowed.output.count("\n") == 2 and "Li Wei Chen" in narrowed.output
    wrong = cli(["status", "--coach", "Nobody"], built)
    assert wrong.exit_code == 2 and "coaches: Harriet Quayle, Helen Ashworth" in wrong.output


def test_status_colour_on_a_terminal_but_never_with_no_color():
    from workbook.commands.status import Status, coloured, table

    class Tty:
        def isatty(self) -> bool:
            return True

    summary = {
        "name": "Alex", "coach": "Casey", "stage": {"number": 1, "of": 2},
        "exercises": {"answered": 0, "total": 1, "started": 0}, "next_session": None,
        "overdue": [{"title": "x"}], "last_answers": None, "attention": ["1 milestone past due"],
    }  # fmt: skip
    status = Status(DAY, [summary])
    assert "\x1b[33m" in table(status, 80, colour=True)
    old = os.environ.pop("NO_COLOR", None)
    try:
        assert coloured(Tty())  # type: ignore[arg-type]
        os.environ["NO_COLOR"] = "1"
        assert not coloured(Tty())  # type: ignore[arg-type]
    finally:
        os.environ.pop("NO_COLOR", None)
        if old is not None:
            os.environ["NO_COLOR"] = old


def test_the_coach_calendar_holds_every_session_with_its_length_zone_and_place(built):
    cal = icalendar.Calendar.from_ical((built / "coach" / "calendar.ics").read_bytes())
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    zones = {str(z["TZID"]) for z in cal.walk("VTIMEZONE")}
    for cid, profile in profiles(built).items():
        for n, s in enumerate(profile["engagement"].get("sessions", []), start=1):
            event = events[f"session-{n}.{cid}.harbour@workbook"]
            assert profile["name"] in str(event["SUMMARY"])
            start = event.decoded("DTSTART")
            assert start.isoformat()[:10] == s["date"][:10]
            if "T" in s["date"]:
                assert event.decoded("DURATION") == dt.timedelta(minutes=int(s.get("minutes", 60)))
                if " " in s["date"]:
                    zone = s["date"].split(" ")[1]
                    assert event["DTSTART"].params["TZID"] == zone and zone in zones
                    assert f"{start:%H:%M}" == s["date"][11:16]
            if s.get("place"):
                assert str(event["LOCATION"]) == s["place"]
            elif s.get("link"):
                assert str(event["LOCATION"]) == s["link"]
    assert any(str(e["SUMMARY"]).startswith("Milestone: Amara Okafor: ") for e in events.values())


def test_the_desk_and_calendar_exist_only_under_the_coach_output(built):
    site = built / "site"
    assert not (site / "index.html").exists() and not (site / "calendar.ics").exists()
    assert not (site / "assets").exists()
    names = {cid: p["name"] for cid, p in profiles(built).items()}
    for top in (site, built / "coach"):
        for cid in names:
            for path in (top / cid).rglob("*"):
                if not path.is_file():
                    continue
                text = path.read_bytes().decode("utf-8", "replace")
                for other, name in names.items():
                    if other != cid:
                        assert name not in text, (path, name)
                assert "Your clients" not in text or top.name == "coach"


def test_coach_notes_never_reach_the_client_edition(built, cli):
    notes = [
        line.strip()
        for p in profiles(built).values()
        for line in (p.get("coach_notes") or "").splitlines()
        if line.strip()
    ]
    assert notes
    for path in (built / "site").rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            assert not any(n in text for n in notes), path
    exported = cli(["answers", "export", "jordan-rivera", "--format", "md"], built)
    assert not any(n in exported.output for n in notes)
    prep = (built / "coach" / "jordan-rivera" / "next-session.html").read_text(encoding="utf-8")
    assert "Jordan says yes to every request that reaches them" in prep
    assert not (built / "site" / "jordan-rivera" / "next-session.html").exists()


def test_an_unchanged_desk_is_left_alone_and_a_new_answer_refreshes_it(tmp_path, cli):
    root = copy_example(tmp_path / "example")
    args = ["build", "--no-pdf", "--today", TODAY, "--edition", "coach"]
    assert cli(args, root).exit_code == 0
    desk = root / "coach" / "index.html"
    before = desk.stat().st_ino
    assert cli(args, root).exit_code == 0
    assert desk.stat().st_ino == before  # nothing moved: not written again
    record = json.loads((root / ".workbook/cache/coach/desk.json").read_text())
    reads = record["tasks"]["desk:index.html"]["reads"]
    assert "summary:jordan-rivera" in reads and "template:desk.html" in reads
    desk.unlink()
    assert cli(args, root).exit_code == 0 and desk.exists()  # a missing desk is made again
    answers = root / "clients" / "li-wei-chen.answers"
    answers.mkdir()
    (answers / "20261122T100000Z-first.json").write_text(
        json.dumps(
            {
                "format": "workbook-answers/1",
                "client": "li-wei-chen",
                "programme": "executive-coaching",
                "exported": "2026-11-22T10:00:00Z",
                "answers": {
                    "about-you/strengths": {"value": "Numbers", "updated": "2026-11-22T09:00:00Z"}
                },
            }
        )
    )
    assert cli(args, root).exit_code == 0
    assert read_desk(desk)["li-wei-chen"]["fields"]["last-answers"] == "22 Nov 2026"


def test_coach_narrows_the_desk_and_its_calendar(tmp_path, cli):
    root = copy_example(tmp_path / "example")
    args = [
        "build",
        "--no-pdf",
        "--today",
        TODAY,
        "--edition",
        "coach",
        "--coach",
        "Helen Ashworth",
    ]
    result = cli(args, root)
    assert result.exit_code == 0, result.output
    assert sorted(read_desk(root / "coach" / "index.html")) == ["amara-okafor", "jordan-rivera"]
    cal = icalendar.Calendar.from_ical((root / "coach" / "calendar.ics").read_bytes())
    assert {str(e["UID"]).split(".")[1] for e in cal.walk("VEVENT")} == {
        "amara-okafor",
        "jordan-rivera",
    }
    client = cli(["build", "--no-pdf", "--coach", "Helen Ashworth"], root)
    assert client.exit_code == 2 and "use it with --edition coach" in client.output


def test_a_stage_not_yet_released_is_built_ahead_for_the_coach_only(tmp_path, cli):
    root = copy_example(tmp_path / "example")
    args = ["build", "jordan-rivera", "--no-pdf", "--today", TODAY, "--stage", "action-plan"]
    refused = cli(args, root)
    assert refused.exit_code == 2
    assert "--stage action-plan: the stage is not released yet for jordan-rivera" in refused.output
    assert not (root / "site").exists()
    ahead = cli([*args, "--edition", "coach"], root)
    assert ahead.exit_code == 0, ahead.output
    page = root / "coach" / "jordan-rivera" / "04-action-plan" / "index.html"
    assert page.is_file() and "Coach edition" in page.read_text(encoding="utf-8")
    # several clients: built where released, and said for the others
    mixed = cli(["build", "--no-pdf", "--today", TODAY, "--stage", "goal-setting"], root)
    assert mixed.exit_code == 0, mixed.output
    assert "not released yet for li-wei-chen" in mixed.output
    assert (root / "site" / "jordan-rivera" / "03-goal-setting" / "index.html").is_file()
    assert not (root / "site" / "li-wei-chen").exists()


def test_the_desk_can_be_encrypted_with_its_own_passphrase(tmp_path, cli):
    from workbook.outputs.encrypt import open_page

    root = copy_example(tmp_path / "example")
    args = ["build", "--no-pdf", "--today", TODAY, "--edition", "coach"]
    env = {"WORKBOOK_DESK_PASSPHRASE": "the coach's own passphrase"}
    result = cli(args, root, env=env)
    assert result.exit_code == 0, result.output
    assert "the encrypted desk leaves out calendar.ics" in result.output
    shell = (root / "coach" / "index.html").read_bytes()
    assert b"Jordan Rivera" not in shell and b"workbook-lock" in shell
    assert not (root / "coach" / "calendar.ics").exists()
    assert (root / "coach" / "assets" / "decrypt.js").is_file()
    opened = open_page(shell, "the coach's own passphrase").decode("utf-8")
    assert "Jordan Rivera" in opened and "Your clients" in opened
    # in clear again without it: the whole desk is made again
    assert cli(args, root, env={"WORKBOOK_DESK_PASSPHRASE": ""}).exit_code == 0
    assert b"Jordan Rivera" in (root / "coach" / "index.html").read_bytes()
    assert (root / "coach" / "calendar.ics").is_file()
    sealed_again = cli(args, root, env=env)
    assert sealed_again.exit_code == 0
    before = (root / "coach" / "index.html").stat().st_ino
    quiet = cli(args, root, env=env)  # unchanged: not sealed again, nothing to say
    assert quiet.exit_code == 0 and "leaves out" not in quiet.output
    assert (root / "coach" / "index.html").stat().st_ino == before
