"""The layouts' words and script messages, on their fast paths, keep the sandbox's bounds.

``_()``/``ngettext()`` are called by the sandbox without its general call checks, and a
browser script's messages are measured and made into JSON once: what they make must still
be measured, escaped and the same as Jinja's own ``tojson``.
"""

from __future__ import annotations

import gettext
from pathlib import Path

import jinja2
import pytest
from markupsafe import Markup

from workbook.render import i18n
from workbook.render.sizes import MAX_VALUE, Frozen, deep_size, freeze
from workbook.render.templating import page_environment


def render(tmp_path: Path, source: str, **context: object) -> str:
    (tmp_path / "page.html").write_text(source, encoding="utf-8")
    env = page_environment([tmp_path])
    return env.get_template("page.html").render(
        lang="fr", **i18n.jinja_callables(gettext.NullTranslations()), **context
    )


def test_layout_words_fill_and_escape_their_values(tmp_path: Path) -> None:
    out = render(tmp_path, '{{ _("Hello %(name)s", name=who) }}', who="<b>Jo</b>")
    assert out == "Hello &lt;b&gt;Jo&lt;/b&gt;"
    inside = render(
        tmp_path,
        '{% for x in [1] %}{{ ngettext("%(num)s answer", "%(num)s answers", n) }}{% endfor %}',
        n=1234,
    )
    assert inside == "1\u202f234 answers"  # French digits, from CLDR, inside a loop


def test_layout_words_cannot_make_a_value_past_the_limit(tmp_path: Path) -> None:
    with pytest.raises(jinja2.TemplateError, match="larger than"):
        render(tmp_path, '{{ _("%(a)s%(a)s", a=big) }}', big="x" * (MAX_VALUE - 10))


def test_frozen_messages_print_as_jinja_prints_them(tmp_path: Path) -> None:
    messages = {"plural": "(n != 1)", "messages": {"a": ["one", "two"], "</script>": "b"}}
    frozen = freeze(messages)
    assert isinstance(frozen, Frozen) and isinstance(frozen["messages"], Frozen)
    assert deep_size(frozen) == deep_size(messages)
    source = '<script type="application/json">{{ value | tojson }}</script>'
    assert render(tmp_path, source, value=frozen) == render(tmp_path, source, value=messages)
    assert "</script>" not in render(tmp_path, "{{ value | tojson }}", value=frozen)
    assert isinstance(frozen.json, Markup)  # made once, then printed as made


def test_a_layout_cannot_change_frozen_messages(tmp_path: Path) -> None:
    frozen = freeze({"messages": {"a": "b"}})
    with pytest.raises(jinja2.exceptions.SecurityError):
        render(tmp_path, '{{ value.messages.update({"a": "c"}) }}', value=frozen)
    assert frozen["messages"]["a"] == "b"
