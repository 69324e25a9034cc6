"""The progress page and the calendar, built from real projects and read back."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import pytest

from tests.answers_helpers import FILES, answers_doc, entry, write_json


@pytest.fixture
def project(make_project, cli, tmp_path):
    root = make_project(FILES)
    first = answers_doc(
        {
            "self-check/self": entry({"listens": 2, "delegates": 1}, "2026-09-10T08:00:00Z"),
            "hello/first": entry("first thoughts", "2026-09-10T08:00:00Z"),
        }
    )
    second = answers_doc(
        {
            "self-check/self": entry({"listens": 3, "delegates": 3}, "2026-10-10T08:00:00Z"),
            "self-check-again/self": entry({"listens": 5, "delegates": 4}, "2026-11-10T08:00:00Z"),
        }
    )
    for n, doc in enumerate((first, second)):
        given = write_json(tmp_path / f"{n}.json", doc)
        assert cli(["answers", "import", str(given)], root).exit_code == 0
    return root


def build(cli, root: Path, today: str = "2026-11-15", out: str = "site") -> Path:
    result = cli(["build", "--no-pdf", "--today", today, "--out", out], root)
    assert result.exit_code == 0, result.output
    return root / out / "alex"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.scripts: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")
        if tag == "script":
            self.scripts.append(a)


def links(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def text_of(html: str) -> str:
    """The words a reader sees: scripts' data left out, isolated values (``<bdi>``) in line."""
    html = re.sub(r"<script[^>]*>.*?</script>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", re.sub(r"</?bdi>", "", html)).split())


def test_progress_page_goals_milestones_and_sessions(project, cli):
    site = build(cli, project)
    page = (site / "progress.html").read_text(encoding="utf-8")
    text = text_of(page)
    assert "Delegate more" in text
    assert "1 of 3 milestones done · 1 past its date" in text
    assert "1 milestone has passed its date. Plans move as work does: talk it through with" in text
    assert re.search(r'milestone-done">\s*<span class="milestone-status">Done</span>', page)
    assert re.search(
        r'milestone-overdue">\s*<span class="milestone-status">Past its date</span>\s*'
        r'<span class="milestone-title"><bdi>Hand over the review</bdi></span>\s*'
        r'<span class="milestone-due">was due 1 November 2026',
        page,
    )
    assert re.search(r'milestone-due">\s*<span class="milestone-status">Due</span>', page)
    assert "2 of 3 planned sessions held; the next is on 1 December 2026, 14:00." in text


def test_home_says_kindly_when_a_milestone_has_passed_its_date(project, cli):
    site = build(cli, project)
    home = text_of((site / "index.html").read_text(encoding="utf-8"))
    assert "The date for “Hand over the review” has passed." in home
    assert "bring it to your next conversation with Casey Coach" in home
    earlier = build(cli, project, today="2026-10-01", out="earlier")
    assert "has passed" not in text_of((earlier / "index.html").read_text(encoding="utf-8"))


def test_milestones_follow_today(project, cli):
    site = build(cli, project, today="2026-10-01")
    text = text_of((site / "progress.html").read_text(encoding="utf-8"))
    assert "1 of 3 milestones done ·" not in text
    assert "1 of 3 milestones done" in text
    assert "1 of 3 planned sessions held" in text


def test_progress_page_charts_history_and_repeated_self_assessment(project, cli):
    site = build(cli, project)
    page = (site / "progress.html").read_text(encoding="utf-8")
    svgs = re.findall(r"<svg\b.*?</svg>", page, flags=re.S)
    assert len(svgs) == 2
    series = next(s for s in svgs if 'id="series-self-check-self"' in s)
    history = next(s for s in svgs if 'id="history-self-check-self"' in s)
    # the repeated self-assessment: each statement in both exercises, current answers
    assert '<title id="series-self-check-self-title">Self check: each statement' in series
    assert "I listen.: Self check 3 of 5, Self check again 5 of 5" in series
    assert "I delegate.: Self check 3 of 5, Self check again 4 of 5" in series
    # the history across the kept files: 3 then 6 out of 10
    assert "10 Sept 2026: 3 of 10; 10 Oct 2026: 6 of 10" in history
    assert history.count("<circle") == 2
    assert "<polyline" in history
    # numbers also as a table
    assert re.search(
        r"<th scope=\"row\">Self check again</th><td>10 Nov 2026</td><td>9 of 10", page
    )
    # nothing from the network
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert 'src="https:' not in page


def test_a_series_not_yet_answered_says_so(make_project, cli):
    root = make_project(FILES)
    site = build(cli, root)
    page = (site / "progress.html").read_text(encoding="utf-8")
    assert "<svg" not in page
    assert "once Casey Coach has your answers to Self check and Self check again" in text_of(page)


def test_progress_and_calendar_are_linked_from_home_and_progress(project, cli):
    site = build(cli, project)
    home = links(site / "index.html").hrefs
    assert "progress.html" in home and "calendar.ics" in home
    assert "calendar.ics" in links(site / "progress.html").hrefs


def read_calendar(site: Path) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical((site / "calendar.ics").read_bytes())


def test_calendar_parses_and_holds_sessions_and_milestones(project, cli):
    site = build(cli, project)
    raw = (site / "calendar.ics").read_bytes()
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n") and raw.endswith(b"END:VCALENDAR\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    cal = read_calendar(site)
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"]).startswith("-//workbook//")
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    assert sorted(events) == [
        "milestone-delegate-1.alex.testfirm@workbook",
        "milestone-delegate-2.alex.testfirm@workbook",
        "milestone-delegate-3.alex.testfirm@workbook",
        "session-1.alex.testfirm@workbook",
        "session-2.alex.testfirm@workbook",
        "session-3.alex.testfirm@workbook",
    ]
    first = events["session-1.alex.testfirm@workbook"]
    assert first.decoded("DTSTART") == dt.date(2026, 9, 8)
    assert first.decoded("DTEND") == dt.date(2026, 9, 9)
    assert str(first["SUMMARY"]) == "Coaching session with Casey Coach: Agreement, and first steps"
    # no zone given: a floating time, the coach's local time
    second = events["session-2.alex.testfirm@workbook"].decoded("DTSTART")
    assert second == dt.datetime(2026, 10, 6, 9, 30) and second.tzinfo is None
    # a zone given: exact, written in UTC
    third = events["session-3.alex.testfirm@workbook"].decoded("DTSTART")
    assert third == dt.datetime(2026, 12, 1, 13, 0, tzinfo=dt.UTC)
    done = events["milestone-delegate-1.alex.testfirm@workbook"]
    assert str(done["SUMMARY"]) == "Done: Map decisions"
    assert not done.walk("VALARM")
    due = events["milestone-delegate-3.alex.testfirm@workbook"]
    assert due.decoded("DTSTART") == dt.date(2027, 2, 1)
    assert str(due["DESCRIPTION"]) == "Goal: Delegate more"
    assert [str(a["TRIGGER"].to_ical(), "ascii") for a in due.walk("VALARM")] == ["-P1D"]
    for event in events.values():
        assert event.decoded("DTSTAMP") == dt.datetime(2026, 11, 15, tzinfo=dt.UTC)


def test_builds_are_byte_identical_and_uids_stable(project, cli):
    a = build(cli, project, out="a")
    b = build(cli, project, out="b")
    for name in ("calendar.ics", "progress.html", "index.html"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    # moving a session's date updates the event with the same UID
    profile = project / "clients" / "alex.yml"
    profile.write_text(profile.read_text().replace("2026-10-06T09:30", "2026-10-07T10:00"))
    c = build(cli, project, out="c")
    moved = {str(e["UID"]): e for e in read_calendar(c).walk("VEVENT")}
    start = moved["session-2.alex.testfirm@workbook"].decoded("DTSTART")
    assert start == dt.datetime(2026, 10, 7, 10, 0)
    assert len(moved) == 6


def test_source_date_epoch_fixes_dtstamp(project, cli):
    result = cli(
        ["build", "--no-pdf", "--out", "e"], project, env={"SOURCE_DATE_EPOCH": "1790000000"}
    )
    assert result.exit_code == 0
    cal = read_calendar(project / "e" / "alex")
    stamps = {e.decoded("DTSTAMP") for e in cal.walk("VEVENT")}
    assert stamps == {dt.datetime(2026, 9, 21, tzinfo=dt.UTC)}


def test_text_is_escaped_and_long_lines_folded(make_project, cli):
    files = dict(FILES)
    files["clients/alex.yml"] = (
        "name: Alex Example\ncoach: {name: Casey Coach}\nprogramme: answers\n"
        "engagement:\n  sessions:\n"
        '    - {date: 2026-09-08, focus: "Semi; colons, commas \\\\ and a very long focus that '
        'goes on and on — with ünïcödé — well past seventy-five octets"}\n'
    )
    root = make_project(files)
    site = build(cli, root)
    raw = (site / "calendar.ics").read_bytes()
    assert b"Semi\\; colons\\, commas \\\\ and" in raw
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    (event,) = read_calendar(site).walk("VEVENT")
    assert "ünïcödé — well past seventy-five octets" in str(event["SUMMARY"])
    assert str(event["SUMMARY"]).count("\\") == 1


def test_pages_carry_ids_and_data_for_the_browser(project, cli):
    site = build(cli, project)
    exercise = (site / "01-start" / "self-check.html").read_text(encoding="utf-8")
    html = '<html lang="en" dir="ltr" data-firm="testfirm" data-client="alex"'
    assert html + ' data-programme="answers">' in exercise
    parsed = links(site / "01-start" / "self-check.html")
    assert {"src": "../assets/workbook.js", "defer": None} in parsed.scripts
    block = re.search(
        r'<script type="application/json" id="workbook-data">(.*?)</script>', exercise, re.S
    )
    assert block is not None
    data = json.loads(block.group(1))
    assert data["exercises"] == {"self-check": ["self-check/self"]}
    assert data["imported"]["self-check/self"] == {
        "value": {"listens": 3, "delegates": 3},
        "updated": "2026-10-10T08:00:00Z",
    }
    # imported answers are drawn in, so the page reads and prints without script
    assert 'name="self-check/self/listens" value="3" aria-label="3 of 5"' in exercise
    assert re.search(r'value="3" aria-label="3 of 5" aria-describedby="[^"]+" checked', exercise)
    hello = (site / "01-start" / "hello.html").read_text(encoding="utf-8")
    assert '<div class="print-copy" data-print-for="hello/first">first thoughts</div>' in hello
    home = (site / "index.html").read_text(encoding="utf-8")
    data = json.loads(
        re.search(r'id="workbook-data">(.*?)</script>', home, re.S).group(1)  # type: ignore[union-attr]
    )
    assert data["stages"] == {
        "01-start": ["hello", "shapes", "self-check"],
        "02-later": ["goodbye", "self-check-again"],
    }
    assert data["imported"]["hello/first"] == {
        "updated": "2026-09-10T08:00:00Z",
        "answered": True,
        "complete": True,
    }
    assert data["items"] == {"self-check/self": 2, "self-check-again/self": 2}
    # only executable script is the shipped file: no inline code
    for page in site.rglob("*.html"):
        for script in links(page).scripts:
            assert script.get("src") or script.get("type") == "application/json"


def test_answers_json_block_cannot_break_out_of_its_script(make_project, cli, tmp_path):
    root = make_project(FILES)
    doc = answers_doc({"hello/first": entry("</script><script>alert(1)</script>")})
    assert (
        cli(["answers", "import", str(write_json(tmp_path / "x.json", doc))], root).exit_code == 0
    )
    site = build(cli, root)
    page = (site / "01-start" / "hello.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    assert page.count("</script>") == 3  # workbook.js, its words and the data block


ZONED_PROFILE = (
    "name: Alex Example\ncoach: {name: Casey Coach}\nprogramme: answers\n"
    "engagement:\n  sessions:\n"
    "    - {date: 2026-10-20T09:30 Europe/London, minutes: 90, place: Room 4, "
    "link: 'https://meet.example.org/casey'}\n"
    "    - {date: 2026-11-03T09:30 Europe/London, link: 'https://meet.example.org/casey'}\n"
    "    - {date: 2026-11-10T15:00, minutes: 45}\n"
)


def test_sessions_keep_their_zone_length_place_and_link(make_project, cli):
    files = dict(FILES)
    files["clients/alex.yml"] = ZONED_PROFILE
    site = build(cli, make_project(files))
    cal = read_calendar(site)
    london = [tz for tz in cal.walk("VTIMEZONE") if str(tz["TZID"]) == "Europe/London"]
    assert len(london) == 1  # the zone's rules travel with the calendar
    first, second, third = sorted(cal.walk("VEVENT"), key=lambda e: str(e["UID"]))
    start = first.decoded("DTSTART")
    # 09:30 in London before the clocks go back (BST) and after (GMT)
    assert start.utcoffset() == dt.timedelta(hours=1) and start.hour == 9
    assert second.decoded("DTSTART").utcoffset() == dt.timedelta(0)
    assert first["DTSTART"].params["TZID"] == "Europe/London"
    assert first.decoded("DURATION") == dt.timedelta(minutes=90)
    assert second.decoded("DURATION") == dt.timedelta(minutes=60)
    assert third.decoded("DURATION") == dt.timedelta(minutes=45)
    assert third.decoded("DTSTART").tzinfo is None  # floating: the coach's local time
    assert str(first["LOCATION"]) == "Room 4"
    assert str(first["URL"]) == "https://meet.example.org/casey"
    assert str(second["LOCATION"]) == "https://meet.example.org/casey"  # no place: the link
    assert "Join: https://meet.example.org/casey" in str(first["DESCRIPTION"])


@pytest.mark.parametrize(
    ("session", "message"),
    [
        (
            "{date: 2026-10-20T09:30 Europe/Lundon}",
            "clients/alex.yml:6:14: 'engagement.sessions[0].date' names an unknown time zone: "
            "'Europe/Lundon' — use a zone name such as Europe/London, America/New_York or "
            "Asia/Singapore",
        ),
        (
            "{date: 2026-10-20T09:30+01:00 Europe/London}",
            "clients/alex.yml:6:14: 'engagement.sessions[0].date' gives both an offset and a "
            "zone: '2026-10-20T09:30+01:00 Europe/London' — keep one: 2026-09-08T09:30 "
            "Europe/London, or 2026-09-08T09:30+01:00",
        ),
        (
            "{date: 2026-10-20, link: 'http://meet.example.org'}",
            "clients/alex.yml:6:32: 'engagement.sessions[0].link' is not an https: address: "
            "'http://meet.example.org' — write the meeting's full address, starting with https://",
        ),
        (
            "{date: 2026-10-20, minutes: 0}",
            "clients/alex.yml:6:35: 'engagement.sessions[0].minutes' should be a whole number "
            "from 5 to 600, not '0' — write a number such as 20",
        ),
    ],
)
def test_bad_session_values_are_located(make_project, cli, session, message):
    files = dict(FILES)
    files["clients/alex.yml"] = (
        "name: Alex Example\ncoach: {name: Casey Coach}\nprogramme: answers\n"
        f"engagement:\n  sessions:\n    - {session}\n"
    )
    root = make_project(files)
    result = cli(["check"], root)
    assert result.exit_code == 1
    assert message in result.output, result.output
