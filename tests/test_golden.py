"""The example project, built with a fixed date, is byte for byte the committed tree.

``tests/golden/example/`` holds every file of ``workbook build --today 2026-11-23`` of
the example project, except that each PDF is held as its text, page by page
(``<name>.pdf.txt``): a PDF's bytes follow the fonts and WeasyPrint release of the
machine, its words and pages do not. After an intended change of output, refresh the
tree and review the diff like any other change:

    WORKBOOK_REFRESH_GOLDEN=1 pytest tests/test_golden.py
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from tests.conftest import REPO, copy_example, run_workbook

GOLDEN = REPO / "tests" / "golden" / "example"
TODAY = "2026-11-23"


def pdf_text(path: Path) -> str:
    """The words of each page, spaces folded: what a pack says, not how the bytes lie."""
    done = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    pages = done.stdout.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    lines = [f"pages: {len(pages)}"]
    for number, page in enumerate(pages, 1):
        lines.append(f"--- page {number}")
        lines += [re.sub(r"\s+", " ", line).strip() for line in page.splitlines() if line.strip()]
    return "\n".join(lines) + "\n"


def built_tree(root: Path) -> dict[str, bytes]:
    result = run_workbook(["build", "--today", TODAY, "--jobs", "2"], root, timeout=900)
    assert result.returncode == 0, result.stderr
    tree: dict[str, bytes] = {}
    site = root / "site"
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(site).as_posix()
        if rel.endswith(".pdf"):
            tree[rel + ".txt"] = pdf_text(path).encode("utf-8")
        else:
            tree[rel] = path.read_bytes()
    return tree


def committed_tree() -> dict[str, bytes]:
    return {
        p.relative_to(GOLDEN).as_posix(): p.read_bytes()
        for p in sorted(GOLDEN.rglob("*"))
        if p.is_file()
    }


def test_the_example_project_builds_the_committed_tree(tmp_path: Path) -> None:
    tree = built_tree(copy_example(tmp_path / "example"))
    if os.environ.get("WORKBOOK_REFRESH_GOLDEN"):
        shutil.rmtree(GOLDEN, ignore_errors=True)
        for rel, data in tree.items():
            target = GOLDEN / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    golden = committed_tree()
    assert sorted(tree) == sorted(golden), "files differ: " + ", ".join(
        sorted(set(tree) ^ set(golden))[:10]
    )
    changed = [rel for rel in sorted(tree) if tree[rel] != golden[rel]]
    assert not changed, (
        f"{len(changed)} file(s) differ from tests/golden/example, first {changed[:5]}; if the "
        "change is intended, refresh with WORKBOOK_REFRESH_GOLDEN=1 pytest tests/test_golden.py"
    )
