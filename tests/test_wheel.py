"""From an installed wheel, in an empty folder: init → new client → check → build → curriculum.

The wheel is built from this checkout and installed into a fresh virtual
environment, and its own ``workbook`` console script runs in a folder far from
the checkout, so the defaults must come from inside the wheel.

The new environment borrows its dependencies from the environment running the
tests through a ``.pth`` file listing that environment's site-packages folders.
``--system-site-packages`` would not do: run from inside a virtual environment it
gives the base interpreter's packages, not the ones installed here. A path line in
a ``.pth`` file is not a site folder, so the ``.pth`` files inside it (such as an
editable install of this checkout) are not read, and the wheel's own copy of
``workbook``, installed in the new environment's site-packages, comes first.
"""

from __future__ import annotations

import html
import json
import os
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from workbook.load.project import load_project

REPO = Path(__file__).resolve().parent.parent


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A venv with the wheel installed: its bin folder and a clean environment."""
    work = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    dist = work / "dist"
    flags = ["--no-build-isolation"]
    try:
        import hatchling  # noqa: F401
    except ImportError:  # pip fetches the build backend instead
        flags = []
    run(
        [sys.executable, "-m", "pip", "wheel", ".", "--no-deps", *flags, "-w", str(dist), "-q"],
        REPO,
        env,
    )
    wheel = next(dist.glob("workbook-*.whl"))
    venv = work / "venv"
    run([sys.executable, "-m", "venv", str(venv)], work, env)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = str(bin_dir / "python")
    pip = [python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall"]
    run([*pip, str(wheel)], work, env)
    where = run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], work, env
    )
    (Path(where.stdout.strip()) / "borrowed-dependencies.pth").write_text(
        "".join(f"{folder}\n" for folder in running_site_folders()), encoding="utf-8"
    )
    return bin_dir, env


def running_site_folders() -> list[str]:
    """The site-packages folders of the environment running the tests: the dependencies."""
    paths = sysconfig.get_paths()
    found = [paths["purelib"], paths["platlib"], *site.getsitepackages()]
    return [f for f in dict.fromkeys(found) if Path(f).is_dir()]


def test_a_firm_from_an_installed_wheel(
    installed: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    bin_dir, env = installed
    code = (
        "import workbook, workbook.load.defaults as d; print(workbook.__file__); print(d.content())"
    )
    here = run([str(bin_dir / "python"), "-c", code], tmp_path, env).stdout.splitlines()
    venv = bin_dir.parent.resolve()
    assert Path(here[0]).resolve().is_relative_to(venv), here  # the wheel's code, not the checkout
    assert Path(here[1]).resolve().is_relative_to(venv) and "_defaults" in here[1], here

    workbook = str(bin_dir / "workbook")
    run([workbook, "init", "firm", "--firm", "Northern Light Coaching"], tmp_path, env)
    firm = tmp_path / "firm"
    assert (firm / "content" / "programmes" / "coaching-partnership.yml").is_file()
    done = run([workbook, "new", "client", "Zoë Brontë-Okoro", "--coach", "Ada Quill"], firm, env)
    assert "clients/zoe-bronte-okoro.yml" in done.stdout
    profile = firm / "clients" / "zoe-bronte-okoro.yml"
    with profile.open("a", encoding="utf-8") as handle:
        handle.write("about:\n  strengths: [Unflappable in a crisis]\n")
    answers = firm / "clients" / "zoe-bronte-okoro.answers"
    answers.mkdir()
    known = "I learnt to lead on the night shift at the lighthouse"
    (answers / "1.json").write_text(
        json.dumps(
            {
                "format": "workbook-answers/1",
                "client": "zoe-bronte-okoro",
                "programme": "executive-coaching",
                "exported": "2026-11-22T10:00:00Z",
                "answers": {
                    "about-you/leadership-experience": {
                        "value": known,
                        "updated": "2026-11-20T18:04:00Z",
                    }
                },
            }
        ),
        encoding="utf-8",
    )
    done = run([workbook, "check"], firm, env)
    assert "No problems found (2 client(s) checked)" in done.stdout
    run([workbook, "build", "--no-pdf"], firm, env)
    zoe = (firm / "site" / "zoe-bronte-okoro" / "01-relationship" / "about-you.html").read_text()
    assert known in zoe and "Zoë Brontë-Okoro" in zoe and "Unflappable in a crisis" in zoe

    done = run([workbook, "curriculum"], firm, env)
    site = firm / "site" / "curriculum"
    text = "\n".join(
        p.read_text("utf-8", "replace")
        for p in site.rglob("*")
        if p.suffix in (".html", ".json", ".js", ".xml")
    )
    assert "Northern Light Coaching" in text
    project = load_project(firm)
    for programme in project.programmes.values():
        assert html.escape(programme.title, quote=False) in text
        for stage in programme.stages:
            assert html.escape(stage.title, quote=False) in text
    for exercise in project.exercises.values():
        page = site / "exercises" / exercise.id / "index.html"
        assert html.escape(exercise.title, quote=False) in page.read_text("utf-8")
    for secret in (
        "Zoë", "Brontë", "Ada Quill", "Unflappable in a crisis", known,
        "Jordan Rivera", "Delegate operational decisions to team leads", "Priya Raman",
    ):  # fmt: skip
        assert secret not in text, secret
    config = firm / ".workbook" / "curriculum" / "mkdocs.yml"
    strict = ["-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(tmp_path / "out")]
    run([str(bin_dir / "python"), *strict], firm, env)
