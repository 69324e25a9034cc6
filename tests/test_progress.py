"""Progress: plain lines in logs, a bar on a terminal, and the summary line at the end."""

from __future__ import annotations

import io

from workbook.build.executor import ClientResult
from workbook.commands.terminal import Progress, summary

SETTINGS = "firm: {name: Test Firm}\nprogramme: mini\n"
BEA = "name: Bea Second\ncoach: {name: Casey Coach}\nprogramme: mini\n"


def test_build_prints_plain_lines_and_a_summary(make_project, cli) -> None:
    root = make_project({"workbook.yml": SETTINGS, "clients/bea.yml": BEA})
    first = cli(["build", "--today", "2026-11-01", "--jobs", "2"], root)
    assert first.exit_code == 0, first.output
    assert "] built alex\n" in first.output and "] built bea\n" in first.output
    assert "2 clients: 2 built, 0 unchanged, 0 failed in" in first.output
    (root / "clients/bea.yml").write_text(BEA.replace("Bea Second", "Bea Renamed"))
    second = cli(["build", "--today", "2026-11-01"], root)
    assert "[2/2] built bea\n" in second.output  # alex, unchanged, was counted first
    assert "built alex" not in second.output  # unchanged clients are only counted
    assert "2 clients: 1 built, 1 unchanged, 0 failed in" in second.output
    third = cli(["build", "--today", "2026-11-01"], root)
    assert third.output.startswith("2 clients: 0 built, 2 unchanged, 0 failed in")


def test_failed_clients_are_counted_and_exit_1(make_project, cli) -> None:
    root = make_project({"workbook.yml": SETTINGS, "clients/bea.yml": "name: Bea\n"})
    result = cli(["build", "--today", "2026-11-01"], root)
    assert result.exit_code == 1
    assert "clients/bea.yml" in result.output
    assert "2 clients: 1 built, 0 unchanged, 1 failed in" in result.output


def test_terminal_gets_one_bar_redrawn_in_place() -> None:
    stream = io.StringIO()
    bar = Progress(4, stream=stream, bar=True)
    for cid, status in [("a", "built"), ("b", "unchanged"), ("c", "failed"), ("d", "built")]:
        bar(ClientResult(cid, status))
    bar.close()
    text = stream.getvalue()
    assert "\n" not in text and text.count("\r[") == 4
    assert "[############################] 4/4 · 2 built, 1 unchanged, 1 failed · d" in text
    assert text.endswith("\r")


def test_ci_gets_plain_lines_even_on_a_terminal(monkeypatch) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setenv("CI", "true")
    stream = Terminal()
    Progress(1, stream=stream)(ClientResult("a", "built"))
    assert stream.getvalue() == "[1/1] built a\n"


def test_summary_reads_well() -> None:
    assert summary(1, 0, 0, 0.04) == "1 client: 1 built, 0 unchanged, 0 failed in 0.0 s"
    assert summary(3, 196, 1, 2.5) == "200 clients: 3 built, 196 unchanged, 1 failed in 2.5 s"
