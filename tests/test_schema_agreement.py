"""`workbook check` and the JSON Schema editors use agree on every file kind.

Documents are generated from each declaration (declared keys with good and bad
values, unknown keys, empty values, wrong shapes), written as YAML text, then
checked twice: by the project's loader and declaration, as ``workbook check``
does, and by the JSON Schema from ``workbook schema`` after reading the text
as an editor's YAML 1.2 reader does. Both must accept, or both refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.json_schema_check import errors, read_as_editors_do
from workbook.load.schema import (
    KINDS,
    Bool,
    Choice,
    Colour,
    Ctx,
    Date,
    FreeForm,
    Id,
    Int,
    Language,
    ListOf,
    Localised,
    Obj,
    ProgrammeRef,
    Spec,
    Text,
    json_schema,
)
from workbook.load.session_specs import Link, SessionDate
from workbook.load.sources import load_yaml_text

PATH = Path("file.yml")

# ---- scalars, as YAML tokens -------------------------------------------------------------------


def _repeat(char: str, then: str = "") -> st.SearchStrategy[str]:
    """Long runs of a digit (around the id length limit and Python's digit limit)."""
    return st.sampled_from([63, 64, 65, 80, 4500]).map(lambda n: char * n + then)


NUMBERS = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.sampled_from(
        ["+5", "007", "-0", "0", "1", "20", "600", "601", "0o17", "0x1F", "0x1f", "0b101"]
    ),
    st.sampled_from(["1_000", "20.0", "2e1", "1.5", ".5", "1.", "+.5", "-1e3", "1e400", "6e2"]),
    st.sampled_from([".inf", "-.Inf", "+.INF", ".nan", ".NaN", "nan", "inf", "1:30"]),
    _repeat("9"),
    _repeat("0", "12"),
    _repeat("1"),
)
BOOLS = st.sampled_from(
    ["true", "True", "TRUE", "false", "False", "FALSE", "tRue", "yes", "no", "on", "off", "y"]
)
NULLS = st.sampled_from(["~", "null", "Null", "NULL"])
_YEARS = st.sampled_from(["0000", "0001", "1900", "2000", "2024", "2026", "2100", "2400", "9999"])
_TWO = st.integers(0, 99).map(lambda n: f"{n:02d}")
DATES = st.builds(
    lambda y, m, d: f"{y}-{m}-{d}",
    _YEARS | st.integers(0, 9999).map(lambda n: f"{n:04d}"),
    st.sampled_from(["00", "01", "02", "04", "09", "11", "12", "13"]) | _TWO,
    st.sampled_from(["00", "01", "28", "29", "30", "31", "32"]) | _TWO,
)
ZONES = st.sampled_from(["", "Z", "+00:00", "-00:00", "+05:30", "+0530", "-23:59", "+24:00"]) | (
    st.builds(
        lambda s, h, c, m: f"{s}{h}{c}{m}",
        st.sampled_from("+-"),
        _TWO,
        st.sampled_from(["", ":"]),
        _TWO,
    )
)
DATETIMES = st.builds(
    lambda d, sep, h, m, s, z: f"{d}{sep}{h}:{m}{s}{z}",
    DATES,
    st.sampled_from(["T", " "]),
    st.sampled_from(["00", "09", "23", "24", "25"]) | _TWO,
    st.sampled_from(["00", "30", "59", "60"]) | _TWO,
    st.sampled_from(["", ":00", ":59", ":60"]),
    ZONES,
)
# a session's time in a named zone: zone names the database knows, and shapes that are not
# names at all (a misspelt but well-formed name is the loader's own check: not drawn here)
ZONED = st.builds(
    lambda d, sep, z: f"{d}{sep}{z}",
    DATETIMES,
    st.sampled_from([" ", "  "]),
    st.sampled_from(["Europe/London", "America/New_York", "UTC", "Asia/Kolkata", "9/x", "/a"]),
)
LINKS = st.sampled_from(
    [
        "https://meet.example.org/abc",
        "http://meet.example.org",
        "https://",
        "ftp://x",
        "https://a b",
        "javascript:alert(1)",
        "https://example.org/room-7",
    ]
)
IDS = st.one_of(
    st.from_regex(r"\A[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}\Z"),
    st.sampled_from(["Jordan", "a--b", "-a", "a-", "con", "index", "über"]),
    st.sampled_from([64, 65]).map(lambda n: "x" * n),
)
WORDS = st.sampled_from(
    ["A4", "a4", "Letter", "current", "all", "reflection", "exercise", "assessment", "reading"]
) | st.sampled_from(["mkdocs", "en-GB", "Jordan Rivera", "fff", "1f4e79", "n", "Z"])
PLAIN = st.one_of(NUMBERS, BOOLS, DATES, DATETIMES, IDS, WORDS)
TEXT = st.one_of(
    PLAIN,
    st.text(max_size=30),
    st.sampled_from(["#1f4e79", "#FFF", "#ffff", "#12345g", "#fff\n"]),
    st.sampled_from([10_000, 10_001]).map(lambda n: "x" * n),
    st.text(max_size=5).map(lambda t: t + "\n"),
)


def _escape(text: str) -> str:
    """A YAML double-quoted scalar holding exactly ``text``."""
    out = []
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif 0x20 <= code <= 0x7E or (0xA0 <= code <= 0xD7FF and code not in (0x2028, 0x2029)):
            out.append(char)  # printable, and not a line break to YAML 1.1
        elif (0xE000 <= code <= 0xFFFD and code != 0xFEFF) or code > 0xFFFF:
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        else:
            out.append(f"\\u{code:04x}")
    return '"' + "".join(out) + '"'


# A value to write: ("plain", token), ("quoted", text), ("null", token), ("list", [node…])
# or ("map", [(key, node)…])
Node = tuple[str, Any]


def scalars() -> st.SearchStrategy[Node]:
    return st.one_of(
        PLAIN.map(lambda t: ("plain", t)),
        TEXT.map(lambda t: ("quoted", t)),
        NULLS.map(lambda t: ("null", t)),
    )


def anything() -> st.SearchStrategy[Node]:
    """Any shape at all: where a declaration wants something else, the wrong shape."""
    return st.recursive(
        scalars(),
        lambda inner: st.one_of(
            st.lists(inner, max_size=3).map(lambda v: ("list", v)),
            st.lists(st.tuples(IDS, inner), max_size=3, unique_by=lambda kv: kv[0]).map(
                lambda v: ("map", v)
            ),
        ),
        max_leaves=6,
    )


def leaf(spec: Spec) -> st.SearchStrategy[Node]:
    """Values aimed at one kind of scalar: its good values, its near misses, and the rest."""
    aimed: dict[type, st.SearchStrategy[str]] = {
        Id: IDS | NUMBERS | BOOLS,
        ProgrammeRef: IDS
        | NUMBERS
        | BOOLS
        | st.sampled_from(["grow@2026-12-01", "grow@", "v1@", "a@b@c", "Grow@v1", "x@" + "a" * 65]),
        Choice: WORDS | BOOLS,
        Colour: st.sampled_from(["fff", "1f4e79", "ffffff"]),
        Language: st.sampled_from(["en", "en-GB", "fr-CA", "zh-Hant-TW", "es-419", "english"])
        | st.sampled_from(["en_GB", "xx!", "e", "en-", "EN-gb", "de-1996"]),
        Bool: BOOLS,
        Int: NUMBERS,
        Date: DATETIMES | DATES if getattr(spec, "times", False) else DATES,
        SessionDate: DATETIMES | DATES | ZONED,
        Link: LINKS,
    }
    near = aimed.get(type(spec), PLAIN)
    quoted = TEXT
    if isinstance(spec, Colour):
        quoted = st.sampled_from(["#1f4e79", "#FFF", "#ffff", "#12345g", "#fff\n", "#abc"]) | TEXT
    if isinstance(spec, Choice):
        quoted = st.sampled_from(spec.options) | TEXT
    if isinstance(spec, Date):
        quoted = DATES | DATETIMES | TEXT
    if isinstance(spec, SessionDate):
        quoted = DATES | DATETIMES | ZONED | TEXT
    if isinstance(spec, Link):
        quoted = LINKS | TEXT
    return st.one_of(
        near.map(lambda t: ("plain", t)),
        near.map(lambda t: ("plain", t)),
        quoted.map(lambda t: ("quoted", t)),
        scalars(),
    )


def values(spec: Spec) -> st.SearchStrategy[Node]:
    """Values for a declared key: mostly of its kind, sometimes of another shape."""
    if isinstance(spec, Obj):
        aimed = mappings(spec)
    elif isinstance(spec, ListOf):
        items = values(spec.item)
        aimed = st.one_of(
            st.lists(items, max_size=3).map(lambda v: ("list", v)),
            st.just(("list", [("plain", "a")] * (spec.limit + 1))),
        )
    elif isinstance(spec, FreeForm):
        aimed = st.lists(st.tuples(IDS, anything()), max_size=3, unique_by=lambda kv: kv[0]).map(
            lambda v: ("map", v)
        )
    elif isinstance(spec, Localised):
        aimed = st.one_of(values(spec.inner), translated(values(spec.inner)))
    else:
        aimed = leaf(spec)
    return st.one_of(aimed, aimed, aimed, anything())


TAGS = st.sampled_from(["en", "fr", "fr-CA", "zh-Hant-TW", "english", "en_GB", "x", "EN"])


def translated(inner: st.SearchStrategy[Node]) -> st.SearchStrategy[Node]:
    """A mapping of language keys (good ones, near misses) to values; sometimes empty."""
    return st.lists(st.tuples(TAGS, inner), max_size=3, unique_by=lambda kv: kv[0]).map(
        lambda v: ("map", v)
    )


UNKNOWN_KEYS = st.sampled_from(["titel", "strenghts", "Name", "notes", "x"])


@st.composite
def mappings(draw: st.DrawFn, spec: Obj) -> Node:
    """A mapping of some of the declared keys (the required ones usually there), now and
    then an unknown key."""
    items: list[tuple[str, Node]] = []
    for key, child in spec.fields.items():
        odds = [True] * 6 + [False] if child.required else [True, False]
        if not draw(st.sampled_from(odds)):
            continue
        if draw(st.integers(0, 9)) == 0:
            items.append((key, draw(NULLS.map(lambda t: ("null", t)))))
        else:
            items.append((key, draw(values(child))))
    if draw(st.integers(0, 7)) == 0:
        extra = draw(UNKNOWN_KEYS)
        if all(k != extra for k, _ in items):
            items.append((extra, draw(scalars())))
    return ("map", draw(st.permutations(items)))


def write(node: Node) -> str:
    """YAML text for a value, in flow style."""
    kind, value = node
    if kind in ("plain", "null"):
        return str(value)
    if kind == "quoted":
        return _escape(value)
    if kind == "list":
        return "[" + ", ".join(write(v) for v in value) + "]"
    return "{" + ", ".join(f"{k}: {write(v)}" for k, v in value) + "}"


def verdicts(spec: Obj, schema: dict[str, Any], text: str) -> tuple[list[str], list[str]]:
    """What ``workbook check`` says of the text, and what the JSON Schema says."""
    loaded, problems = load_yaml_text(text, PATH)
    assert problems == [], (text, problems)  # the generator writes valid YAML
    ctx = Ctx(PATH)
    spec.check(loaded, ctx, "")
    return [p.format() for p in ctx.problems], errors(schema, read_as_editors_do(text))


def assert_agree(spec: Obj, schema: dict[str, Any], text: str) -> None:
    checked, schemed = verdicts(spec, schema, text)
    assert bool(checked) == bool(schemed), (text, checked, schemed)


AGREE = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])

LEAVES = {
    "text": Text(),
    "id": Id(),
    "programme": ProgrammeRef(),
    "choice": Choice(("A4", "Letter")),
    "colour": Colour(),
    "language": Language(),
    "bool": Bool(),
    "int": Int(1, 600),
    "date": Date(),
    "datetime": Date(times=True),
    "session": SessionDate(),
    "link": Link(),
}


@pytest.mark.parametrize("name", LEAVES)
@AGREE
@given(data=st.data())
def test_each_kind_of_value_is_judged_alike(name: str, data: st.DataObject) -> None:
    spec = Obj({"value": LEAVES[name], "required": Text(required=True)})
    schema = spec.json()
    node = data.draw(st.one_of(leaf(LEAVES[name]), NULLS.map(lambda t: ("null", t))))
    assert_agree(spec, schema, "{required: x, value: " + write(node) + "}")


# ---- whole files: a valid one, then one fault in it ---------------------------------------------

GOOD: dict[type, Callable[[Spec], Node]] = {
    Text: lambda spec: ("plain", "Jordan Rivera"),
    Id: lambda spec: ("plain", "delegate"),
    ProgrammeRef: lambda spec: ("plain", "grow@2026-12-01"),
    Choice: lambda spec: ("plain", spec.options[-1]),  # type: ignore[attr-defined]
    Colour: lambda spec: ("quoted", "#1f4e79"),
    Language: lambda spec: ("plain", "en-GB"),
    Bool: lambda spec: ("plain", "true"),
    Int: lambda spec: ("plain", str(spec.high)),  # type: ignore[attr-defined]
    Date: lambda spec: ("plain", "2026-09-08T09:30" if spec.times else "2028-02-29"),  # type: ignore[attr-defined]
    SessionDate: lambda spec: ("plain", "2026-09-08T09:30 Europe/London"),
    Link: lambda spec: ("plain", "https://meet.example.org/helen"),
}


@st.composite
def valid(draw: st.DrawFn, spec: Spec) -> Node:
    """A value every checker should accept: required keys, some optional ones, good values."""
    if isinstance(spec, Obj):
        items = [
            (key, draw(valid(child)))
            for key, child in spec.fields.items()
            if child.required or draw(st.booleans())
        ]
        return ("map", draw(st.permutations(items)))
    if isinstance(spec, ListOf):
        return ("list", draw(st.lists(valid(spec.item), min_size=max(spec.least, 0), max_size=2)))
    if isinstance(spec, FreeForm):
        return ("map", [("cohort", ("plain", "Autumn 2026"))])
    if isinstance(spec, Localised):
        if draw(st.booleans()):
            return draw(valid(spec.inner))
        tags = draw(st.lists(st.sampled_from(["en", "fr", "fr-CA"]), min_size=1, unique=True))
        return ("map", [(tag, draw(valid(spec.inner))) for tag in tags])
    return GOOD[type(spec)](spec)


Path_ = tuple[int, ...]


def spots(node: Node, spec: Spec, path: Path_ = ()) -> list[tuple[Path_, Spec]]:
    """Every place in a value, with the declaration that governs it."""
    found = [(path, spec)]
    kind, value = node
    if isinstance(spec, Obj) and kind == "map":
        for i, (key, child) in enumerate(value):
            found += spots(child, spec.fields[key], (*path, i))
    elif isinstance(spec, ListOf) and kind == "list":
        for i, child in enumerate(value):
            found += spots(child, spec.item, (*path, i))
    elif isinstance(spec, Localised):
        if kind == "map":
            for i, (_, child) in enumerate(value):
                found += spots(child, spec.inner, (*path, i))
        else:
            found += spots(node, spec.inner, path)[1:]
    return found


def at(node: Node, path: Path_) -> Node:
    for i in path:
        node = node[1][i][1] if node[0] == "map" else node[1][i]
    return node


def replace(node: Node, path: Path_, new: Node) -> Node:
    if not path:
        return new
    kind, value = node
    items = list(value)
    i = path[0]
    if kind == "map":
        items[i] = (items[i][0], replace(items[i][1], path[1:], new))
    else:
        items[i] = replace(items[i], path[1:], new)
    return (kind, items)


@st.composite
def one_fault(draw: st.DrawFn, spec: Spec) -> tuple[Node, Node]:
    """A valid value, and the same with one place changed: a new value, a key more or less."""
    base = draw(valid(spec))
    path, governed = draw(st.sampled_from(spots(base, spec)))
    old = at(base, path)
    if isinstance(governed, Obj) and old[0] == "map" and draw(st.booleans()):
        items = list(old[1])
        drop = draw(st.booleans())
        if items and drop:
            del items[draw(st.integers(0, len(items) - 1))]  # a required key, or not
        else:
            extra = draw(UNKNOWN_KEYS)
            if all(k != extra for k, _ in items):
                items.insert(draw(st.integers(0, len(items))), (extra, draw(scalars())))
        return base, replace(base, path, ("map", items))
    new = draw(st.one_of(values(governed), anything(), NULLS.map(lambda t: ("null", t))))
    return base, replace(base, path, new)


@pytest.mark.parametrize("kind", KINDS)
@AGREE
@given(data=st.data())
def test_each_file_kind_is_judged_alike(kind: str, data: st.DataObject) -> None:
    spec, _ = KINDS[kind]
    schema = json_schema(kind)
    base, changed = data.draw(one_fault(spec))
    assert verdicts(spec, schema, write(base)) == ([], [])  # a good file passes both
    assert_agree(spec, schema, write(changed))


# ---- what each side says of some values that the two used to judge differently ----------------

SAID = [
    ("exercise", "{title: T, minutes: 20}", ""),
    ("exercise", "{title: T, minutes: 20.0}", ""),
    (
        "exercise",
        '{title: T, minutes: "20"}',
        "file.yml:1:21: 'minutes' should be a whole number from 1 to 600, not '20' — "
        "write the number without quotes",
    ),
    ("exercise", "{title: 1984}", ""),
    ("exercise", "{title: T, tracks: 360}", ""),
    (
        "exercise",
        "{title: T, tracks: true}",
        "file.yml:1:20: 'tracks': 'true' is read as true or false, not as an id — "
        "put it in quotes, in lowercase, if it is an id",
    ),
    (
        "exercise",
        "{title: T, tracks: -1}",
        "file.yml:1:20: 'tracks': '-1' is not a valid id — "
        "use lowercase letters, digits and single hyphens, e.g. 'jordan-rivera'",
    ),
    (
        "exercise",
        '{title: "T\\x07"}',
        "file.yml:1:9: 'title' holds a control character (U+0007) — "
        "remove it: text may hold any printable character, tabs and line breaks",
    ),
    ("settings", "{encrypt: True}", ""),
    (
        "settings",
        '{encrypt: "true"}',
        "file.yml:1:11: 'encrypt' should be true or false, not 'true' — "
        "write true or false without quotes",
    ),
    (
        "settings",
        "{encrypt: yes}",
        "file.yml:1:11: 'encrypt' should be true or false, not 'yes' — write true or false",
    ),
    ("settings", "{firm: {colours: {primary: '#1f4e79'}}}", ""),
    (
        "settings",
        '{firm: {colours: {primary: "#fff\\n"}}}',
        # the newline shown escaped, as every message shows control characters
        "file.yml:1:28: 'firm.colours.primary' is not a colour: '#fff\\n' — write it as #rrggbb",
    ),
    (
        "settings",
        "{coach: {email: a@example.org}}",
        "file.yml:1:9: missing required key 'coach.name' — add 'name:' here",
    ),
    ("profile", "{name: A, coach: {name: C}, engagement: {start: 2028-02-29}}", ""),
    (
        "profile",
        "{name: A, coach: {name: C}, engagement: {start: 2100-02-29}}",
        "file.yml:1:49: 'engagement.start' is not a real date: '2100-02-29' "
        "(day is out of range for month) — write dates as YYYY-MM-DD",
    ),
    (
        "profile",
        "{name: A, coach: {name: C}, engagement: {sessions: [{date: 2026-09-08T09:30+05:60}]}}",
        "file.yml:1:60: 'engagement.sessions[0].date' is not a real date: "
        "'2026-09-08T09:30+05:60' (the minutes of a time zone go from 00 to 59) — "
        "write dates as YYYY-MM-DD, times as YYYY-MM-DDTHH:MM",
    ),
    ("profile", "{name: A, coach: {name: C}, role: , encrypt: }", ""),
    (
        "profile",
        "{name: A, coach: }",
        "file.yml:1:1: missing required key 'coach' — add 'coach:' here",
    ),
    (
        "programme",
        "{title: T, stages: []}",
        "file.yml:1:20: 'stages' is empty — add at least one",
    ),
    ("programme", "{title: T}", "file.yml:1:1: missing required key 'stages' — add 'stages:' here"),
]


@pytest.mark.parametrize("kind, text, said", SAID)
def test_what_each_side_says(kind: str, text: str, said: str) -> None:
    spec, _ = KINDS[kind]
    checked, schemed = verdicts(spec, json_schema(kind), text)
    assert checked == ([said] if said else [])
    assert bool(schemed) == bool(said), schemed
