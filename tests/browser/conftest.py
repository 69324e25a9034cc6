"""Browser tests: real headless Chromium (Debian's), driven by Playwright, over file:// sites.

Every test here is skipped, with the reason, only when /usr/bin/chromium is
missing. axe-core comes from npm (``.ci/run`` installs it into
tests/browser/node_modules); when it is missing the fixture installs it the
same way, and fails with the command to run if that is not possible.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.answers_helpers import FILES
from tests.conftest import REPO, write_files
from workbook.build.options import BuildOptions
from workbook.build.run import run

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
TODAY = dt.date(2026, 11, 15)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"{CHROMIUM} is missing: install Debian's chromium package")
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def playwright_api() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_api: Any) -> Iterator[Any]:
    b = playwright_api.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
    yield b
    b.close()


def build_site(root: Path, out: Path) -> Path:
    report = run(root, BuildOptions(out=out, today=TODAY, pdf=False))
    assert not report.problems, [p.format(root) for p in report.problems]
    return out


@pytest.fixture(scope="session")
def answers_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The answers test project (clients alex and blair), built once."""
    root = write_files(tmp_path_factory.mktemp("answers-project"), dict(FILES))
    return build_site(root, root / "site")


@pytest.fixture(scope="session")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's example project, built once into a temp folder."""
    return build_site(REPO, tmp_path_factory.mktemp("example-site"))


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.is_file():
        subprocess.run(
            ["npm", "install", "--no-save", "--prefix", str(HERE), "axe-core@4"],
            capture_output=True,
            check=False,
            timeout=300,
        )
    if not AXE.is_file():
        pytest.fail(
            f"axe-core is missing at {AXE}: run "
            "'npm install --no-save --prefix tests/browser axe-core@4' (.ci/run does)"
        )
    return AXE.read_text(encoding="utf-8")
