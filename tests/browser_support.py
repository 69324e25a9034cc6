"""Real Chromium for browser tests: the system's /usr/bin/chromium, headless, nothing downloaded.

The browser itself is the session fixture ``browser`` of tests/browser/conftest.py.
Pages of the built sites run under their own Content-Security-Policy, so tests
wait with selectors (``wait_for_selector``), never with evaluated strings.
"""

from __future__ import annotations

from typing import Any


class Console:
    """Collects a page's console errors and uncaught exceptions."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
