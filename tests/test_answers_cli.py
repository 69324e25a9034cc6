"""``workbook answers import`` and ``export`` on the command line: every refusal, and exports."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from tests.answers_helpers import FILES, answers_doc, entry, snapshot, write_json
from tests.conftest import run_workbook

GOOD = {
    "hello/first": entry("I want to lead with less effort."),
    "goodbye/ready": entry(4),
    "shapes/habits": entry(["reading", "writing"]),
    "shapes/focus": entry("feedback"),
    "shapes/plan": entry([["Ask for feedback", "Me"], ["Review", "Sam"]]),
    "self-check/self": entry({"listens": 3, "delegates": 2}),
}


@pytest.fixture
def project(make_project):
    return make_project(FILES)


def kept(project: Path, cid: str = "alex") -> dict[str, bytes] | None:
    return snapshot(project / "clients" / f"{cid}.answers")


def test_import_keeps_the_file_byte_for_byte(project, cli, tmp_path):
    raw = json.dumps(answers_doc(GOOD), indent=2).encode() + b"\n"
    given = tmp_path / "from-alex.json"
    given.write_bytes(raw)
    result = cli(["answers", "import", str(given)], project)
    assert result.exit_code == 0, result.output
    files = kept(project)
    assert files is not None and list(files.values()) == [raw]
    (name,) = files
    assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{12}\.json", name)
    assert f"kept {given} as clients/alex.answers/{name}" in result.output


def test_import_again_is_recognised_and_writes_nothing(project, cli, tmp_path):
    given = write_json(tmp_path / "a.json", answers_doc(GOOD))
    assert cli(["answers", "import", str(given)], project).exit_code == 0
    before = kept(project)
    result = cli(["answers", "import", str(given)], project)
    assert result.exit_code == 0
    assert "already kept as clients/alex.answers/" in result.output
    assert kept(project) == before


def test_a_second_import_never_overwrites_and_newest_wins(project, cli, tmp_path):
    first = write_json(
        tmp_path / "1.json", answers_doc({"hello/first": entry("old", "2026-10-01T09:00:00Z")})
    )
    second = write_json(
        tmp_path / "2.json",
        answers_doc(
            {
                "hello/first": entry("new", "2026-11-01T09:00:00.500Z"),
                "goodbye/ready": entry(2, "2026-09-01T00:00:00+00:00"),
            }
        ),
    )
    third = write_json(
        tmp_path / "3.json", answers_doc({"hello/first": entry("older", "2026-10-15T00:00:00Z")})
    )
    for f in (first, second, third):
        assert cli(["answers", "import", str(f)], project).exit_code == 0
    assert len(kept(project) or {}) == 3
    result = cli(["answers", "export", "alex", "--format", "json"], project)
    doc = json.loads(result.output)
    values = {a["key"]: a["value"] for a in doc["answers"]}
    assert values == {"hello/first": "new", "goodbye/ready": 2}


def test_unknown_fields_are_reported_and_kept(project, cli, tmp_path):
    doc = answers_doc({**GOOD, "hello/retired-question": entry("still mine")})
    given = write_json(tmp_path / "a.json", doc)
    result = cli(["answers", "import", str(given)], project)
    assert result.exit_code == 0
    assert "hello/retired-question: no such field in the client's workbook today (kept)" in (
        result.output
    )
    exported = cli(["answers", "export", "alex", "--format", "json"], project)
    gone = [a for a in json.loads(exported.output)["answers"] if not a["in_workbook"]]
    assert [(a["key"], a["value"]) for a in gone] == [("hello/retired-question", "still mine")]


def test_items_that_changed_are_notes_not_refusals(project, cli, tmp_path):
    doc = answers_doc(
        {
            "goodbye/ready": entry(4),
            "shapes/habits": entry(["reading", "knitting"]),
            "self-check/self": entry({"listens": 3, "gone-item": 2}),
        }
    )
    result = cli(["answers", "import", str(write_json(tmp_path / "a.json", doc))], project)
    assert result.exit_code == 0, result.output
    assert "shapes/habits: items no longer in the exercise: knitting (kept)" in result.output
    assert "self-check/self: items no longer in the exercise: gone-item (kept)" in result.output


def test_scores_outside_the_fields_scale_are_refused(project, cli, tmp_path):
    doc = answers_doc({"goodbye/ready": entry(9), "self-check/self": entry({"listens": 7})})
    given = write_json(tmp_path / "a.json", doc)
    result = cli(["answers", "import", str(given)], project)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (
        f"{given}:7: the value of 'goodbye/ready' does not fit its .scale field: 9 is outside "
        "its scale 1–5 — download the answers again from the workbook"
    ) in lines
    assert (
        f"{given}:11: the value of 'self-check/self' does not fit its .rating field: the score "
        "7 is outside its scale 1–5 — download the answers again from the workbook"
    ) in lines
    assert kept(project) is None


def _bad_documents() -> list[tuple[str, bytes, str]]:
    good = answers_doc(GOOD)

    def doc(**change) -> bytes:
        return json.dumps({**good, **change}).encode()

    def answers(**change) -> bytes:
        return json.dumps({**good, "answers": {**GOOD, **change}}).encode()

    return [
        (
            "not-json",
            b'{"format": "workbook-answers/1",\n "client": ',
            "json:2:12: not valid JSON: Expecting value",
        ),
        ("not-utf8", b'{"format": "\xff\xfe"}', "the file is not UTF-8 text"),
        (
            "duplicate-key",
            b'{"format": "workbook-answers/1", "client": "alex", "client": "blair", "answers": {}}',
            "the key 'client' appears twice",
        ),
        (
            "nan",
            doc(
                answers={
                    "goodbye/ready": {"value": float("nan"), "updated": "2026-11-20T18:04:00Z"}
                }
            ),
            "NaN is not a JSON number",
        ),
        ("array", b"[]", "not a workbook-answers/1 answers file (no JSON object)"),
        (
            "no-format",
            json.dumps({"client": "alex", "answers": {}}).encode(),
            "('format' is missing)",
        ),
        (
            "future-format",
            doc(format="workbook-answers/2"),
            "format 'workbook-answers/2' is not one this version reads",
        ),
        ("unknown-top-key", doc(extra=1), "unknown key 'extra'"),
        (
            "no-client",
            json.dumps({"format": "workbook-answers/1", "answers": {}}).encode(),
            "'client' is not a valid client id",
        ),
        ("path-client", doc(client="../alex"), "'client' is not a valid client id: '../alex'"),
        ("reserved-client", doc(client="assets"), "'client' is not a valid client id: 'assets'"),
        ("unknown-client", doc(client="nobody"), "no client 'nobody' in this project"),
        ("bad-programme", doc(programme="No Such"), "'programme' is not a valid programme id"),
        ("bad-exported", doc(exported="yesterday"), "'exported' is not an RFC 3339 time in UTC"),
        ("no-answers", doc(answers=None), "the file has no 'answers' object"),
        (
            "too-many",
            doc(answers={f"hello/f{i}": entry("x") for i in range(5001)}),
            "the file holds 5001 answers, more than the limit of 5000",
        ),
        ("bad-key", answers(hello=entry("x")), "'hello' does not name an answer"),
        ("bad-key-path", answers(**{"../x/y": entry("x")}), "'../x/y' does not name an answer"),
        (
            "no-updated",
            answers(**{"hello/first": {"value": "x"}}),
            "should be an object with exactly 'value' and 'updated'",
        ),
        (
            "extra-entry-key",
            answers(**{"hello/first": {**entry("x"), "by": "me"}}),
            "exactly 'value' and 'updated'",
        ),
        (
            "bad-time",
            answers(**{"hello/first": entry("x", "20 Nov 2026")}),
            "'updated' of 'hello/first' is not an RFC 3339 time in UTC",
        ),
        (
            "not-utc",
            answers(**{"hello/first": entry("x", "2026-11-20T18:04:00+02:00")}),
            "is not an RFC 3339 time in UTC",
        ),
        (
            "bad-date",
            answers(**{"hello/first": entry("x", "2026-02-30T18:04:00Z")}),
            "is not an RFC 3339 time in UTC",
        ),
        (
            "too-long",
            answers(**{"hello/first": entry("x" * 100_001)}),
            "longer than 100,000 characters",
        ),
        ("float", answers(**{"goodbye/ready": entry(4.5)}), "is not a shape any field gives"),
        ("bool", answers(**{"goodbye/ready": entry(True)}), "is not a shape any field gives"),
        ("null", answers(**{"hello/first": entry(None)}), "is not a shape any field gives"),
        (
            "prompt-int",
            answers(**{"hello/first": entry(3)}),
            "does not fit its .prompt field: a prompt's answer is a text",
        ),
        ("scale-text", answers(**{"goodbye/ready": entry("4")}), "does not fit its .scale field"),
        (
            "choice-list",
            answers(**{"shapes/focus": entry(["feedback"])}),
            "does not fit its .choice field",
        ),
        (
            "checklist-text",
            answers(**{"shapes/habits": entry("reading")}),
            "does not fit its .checklist field",
        ),
        (
            "rating-list",
            answers(**{"self-check/self": entry(["listens"])}),
            "does not fit its .rating field",
        ),
        (
            "table-flat",
            answers(**{"shapes/plan": entry(["a", "b"])}),
            "does not fit its .table field",
        ),
        (
            "prompt-table",
            answers(**{"hello/first": entry([["a"]])}),
            "does not fit its .prompt field",
        ),
    ]


@pytest.mark.parametrize(
    ("case", "raw", "message"), _bad_documents(), ids=[c[0] for c in _bad_documents()]
)
def test_every_refusal_changes_nothing(project, cli, tmp_path, case, raw, message):
    accepted = write_json(tmp_path / "accepted.json", answers_doc(GOOD))
    assert cli(["answers", "import", str(accepted)], project).exit_code == 0
    before_alex, before_blair = kept(project), kept(project, "blair")
    bad = tmp_path / f"{case}.json"
    bad.write_bytes(raw)
    result = cli(["answers", "import", str(bad)], project)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert result.output.startswith(f"{bad}:") or f"\n{bad}:" in result.output
    assert "Refused files were not kept; nothing of them was changed." in result.output
    assert kept(project) == before_alex
    assert kept(project, "blair") == before_blair is None
    assert not list((project / "clients").glob("*.answers/.*"))


def test_refusals_with_no_folder_yet_create_none(project, cli, tmp_path):
    bad = write_json(tmp_path / "bad.json", answers_doc({"hello/first": entry(1)}))
    result = cli(["answers", "import", str(bad)], project)
    assert result.exit_code == 1
    assert kept(project) is None


def test_a_file_over_five_megabytes_is_refused_unread(project, cli, tmp_path):
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (5 * 1024 * 1024 + 1))
    result = cli(["answers", "import", str(big)], project)
    assert result.exit_code == 1
    assert f"{big}: the answers file is larger than 5 MB" in result.output
    assert kept(project) is None


def test_a_missing_file_is_refused(project, cli, tmp_path):
    result = cli(["answers", "import", str(tmp_path / "nope.json")], project)
    assert result.exit_code == 1
    assert "nope.json: no such file" in result.output


def test_good_files_are_kept_when_another_is_refused(project, cli, tmp_path):
    good = write_json(tmp_path / "good.json", answers_doc(GOOD))
    bad = write_json(tmp_path / "bad.json", answers_doc(GOOD, client="blair") | {"format": "x"})
    result = cli(["answers", "import", str(bad), str(good)], project)
    assert result.exit_code == 1
    assert len(kept(project) or {}) == 1
    assert kept(project, "blair") is None


def test_a_client_whose_workbook_has_problems_cannot_take_answers(project, cli, tmp_path):
    (project / "clients" / "alex.yml").write_text("name: Alex\ncoach: {name: C}\nstrenghts: []\n")
    given = write_json(tmp_path / "a.json", answers_doc(GOOD))
    result = cli(["answers", "import", str(given)], project)
    assert result.exit_code == 1
    assert "cannot check these answers: the workbook of 'alex' has problems" in result.output
    assert "clients/alex.yml:3:1: unknown key 'strenghts'" in result.output
    assert kept(project) is None


def test_import_in_a_real_process_shows_no_traceback(project, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\x00\x01 not json")
    done = run_workbook(["answers", "import", str(bad)], project)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "not valid JSON" in done.stderr


# ---- export --------------------------------------------------------------------------------


@pytest.fixture
def imported(project, cli, tmp_path):
    doc = answers_doc(
        {
            **GOOD,
            "hello/first": entry('=HYPERLINK("x")\nsecond line'),
            "hello/retired": entry("an old answer"),
        }
    )
    assert (
        cli(["answers", "import", str(write_json(tmp_path / "a.json", doc))], project).exit_code
        == 0
    )
    return project


def test_export_json_in_programme_order_with_gone_fields_last(imported, cli):
    result = cli(["answers", "export", "alex", "--format", "json"], imported)
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert doc["client"] == "alex" and doc["programme"] == "answers"
    keys = [a["key"] for a in doc["answers"]]
    assert keys == [
        "hello/first",
        "shapes/habits",
        "shapes/focus",
        "shapes/plan",
        "self-check/self",
        "goodbye/ready",
        "hello/retired",
    ]
    assert [a["in_workbook"] for a in doc["answers"]][-2:] == [True, False]
    assert doc["answers"][3]["value"] == [["Ask for feedback", "Me"], ["Review", "Sam"]]
    assert doc["answers"][0]["stage"] == "start" and doc["answers"][0]["kind"] == "prompt"


def test_export_csv_labels_answers_in_words_marks_gone_fields_and_defuses_formulas(imported, cli):
    result = cli(["answers", "export", "alex", "--format", "csv"], imported)
    rows = list(csv.reader(io.StringIO(result.output)))
    assert rows[0] == [
        "stage",
        "exercise",
        "question",
        "item",
        "answer",
        "scale",
        "updated",
        "status",
        "key",
    ]
    by_key: dict[str, list[list[str]]] = {}
    for r in rows[1:]:
        by_key.setdefault(r[8], []).append(r)
    first = by_key["hello/first"][0]
    assert first[0] == "Getting started" and first[4] == '\'=HYPERLINK("x")\nsecond line'
    assert by_key["hello/retired"][0][7] == "no longer in the workbook"
    ratings = by_key["self-check/self"]
    assert [r[1:6] for r in ratings] == [
        ["Self check", "How often?", "I listen.", "3", "1 (Rarely) to 5 (Always)"],
        ["Self check", "How often?", "I delegate.", "2", "1 (Rarely) to 5 (Always)"],
    ]
    assert [r[3:5] for r in by_key["shapes/habits"]] == [
        ["Reading", "ticked"],
        ["Writing", "ticked"],
    ]
    assert by_key["shapes/focus"][0][4] == "Feedback"
    assert [r[3:5] for r in by_key["shapes/plan"]] == [
        ["Row 1", "Step: Ask for feedback; Owner: Me"],
        ["Row 2", "Step: Review; Owner: Sam"],
    ]
    assert by_key["goodbye/ready"][0][5].startswith("1 ")


def test_export_markdown_reads_by_title_question_and_statement(imported, cli):
    result = cli(["answers", "export", "alex", "--format", "md"], imported)
    text = result.output
    assert text.startswith("# Answers of Alex Example\n")
    assert "## Getting started" in text and "### Shapes" in text
    assert '> \\=HYPERLINK("x")\n> second line' in text
    assert "## Answers to fields no longer in the workbook" in text
    assert "**retired** — no longer in the workbook" in text
    assert "**How often?** · scale 1 (Rarely) to 5 (Always)" in text
    assert "- I listen. — 3\n- I delegate. — 2" in text
    assert "- Row 1 — Step: Ask for feedback; Owner: Me" in text
    assert "explains-intent" not in text and "listens" not in text


def test_export_of_a_client_with_no_answers(project, cli):
    result = cli(["answers", "export", "blair", "--format", "json"], project)
    assert result.exit_code == 0
    assert json.loads(result.output)["answers"] == []


@pytest.mark.parametrize(
    ("cid", "message"),
    [("../alex", "client id '../alex' is not a valid id"), ("nobody", "no client named 'nobody'")],
)
def test_export_refuses_unknown_or_invalid_ids(project, cli, cid, message):
    result = cli(["answers", "export", cid], project)
    assert result.exit_code == 2
    assert message in result.output


def test_export_refuses_a_bad_format(project, cli):
    result = cli(["answers", "export", "alex", "--format", "xml"], project)
    assert result.exit_code == 2


def test_a_broken_kept_file_stops_export_and_build_with_its_location(imported, cli):
    folder = imported / "clients" / "alex.answers"
    (folder / "20990101T000000Z-hand-edited.json").write_text('{"format": "workbook-answers/1",')
    result = cli(["answers", "export", "alex"], imported)
    assert result.exit_code == 1
    assert "hand-edited.json:1:" in result.output and "not valid JSON" in result.output
    build = cli(["build", "--no-pdf", "alex"], imported)
    assert build.exit_code == 1
    assert "hand-edited.json" in build.output


def test_a_kept_file_of_another_client_is_a_problem(imported, cli, tmp_path):
    folder = imported / "clients" / "alex.answers"
    write_json(folder / "20990101T000000Z-moved.json", answers_doc({}, client="blair"))
    result = cli(["answers", "export", "alex"], imported)
    assert result.exit_code == 1
    assert "holds answers of 'blair', not 'alex'" in result.output
