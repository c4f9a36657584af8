"""The dbt project's lists of the patients' histories equal the generator's, so the two
cannot drift: macros/chronic_conditions.sql (ehp_chronic_conditions, ehp_class_indications,
ehp_antibiotic_classes) against generator/conditions.py (CONDITIONS, CLASS_INDICATIONS,
ANTIBIOTICS). The macros are rendered with Jinja as dbt renders them (the `do` extension,
`return` handing back the value), with no dbt run needed."""

from __future__ import annotations

import re
from typing import Any

import jinja2
from helpers import ROOT

from generator import conditions

MACROS = ROOT / "macros" / "chronic_conditions.sql"


class _Returned(Exception):
    def __init__(self, value: Any) -> None:
        super().__init__()
        self.value = value


def _return(value: Any) -> None:
    raise _Returned(value)


MACRO_BLOCK = re.compile(r"\{%-?\s*macro\s+(\w+).*?\{%-?\s*endmacro\s*-?%\}", re.S)


def _macros(text: str) -> dict[str, Any]:
    """Each macro of ``text`` as a function returning what the macro returns. As in dbt,
    a macro's `return` ends that macro only, and macros call each other by name (each is
    compiled alone, so a call to another goes through the wrapped globals)."""
    env = jinja2.Environment(extensions=["jinja2.ext.do"])
    env.globals["return"] = _return

    def returning(name: str, block: str) -> Any:
        def call(*args: Any) -> Any:
            try:  # compiled at the call, when every macro is among the globals
                getattr(env.from_string(block).module, name)(*args)
            except _Returned as done:
                return done.value
            return None

        return call

    found = {m.group(1): returning(m.group(1), m.group(0)) for m in MACRO_BLOCK.finditer(text)}
    env.globals.update(found)
    return found


def call_macro(name: str, *args: Any) -> Any:
    """The value the macro ``name`` of macros/chronic_conditions.sql returns."""
    value = _macros(MACROS.read_text())[name](*args)
    assert value is not None, f"{name} returned nothing"
    return value


def test_the_chronic_conditions_are_the_generators():
    got = call_macro("ehp_chronic_conditions")
    want = [
        {
            "key": c.setting.removeprefix("prevalence_"),
            "name": c.name,
            "prefixes": list(c.prefixes),
        }
        for c in conditions.CONDITIONS
    ]
    assert got == want


def test_the_class_indications_are_the_generators():
    got = call_macro("ehp_class_indications")
    want = {k: list(v) for k, v in conditions.CLASS_INDICATIONS.items()}
    assert set(got) == set(want)
    assert {k: list(v) for k, v in got.items()} == want


def test_the_antibiotic_classes_are_the_generators():
    assert call_macro("ehp_antibiotic_classes") == list(conditions.ANTIBIOTICS)


def test_a_drift_would_be_seen():
    """The comparison reads the macro's text: one prefix changed there fails it."""
    text = MACROS.read_text()
    assert "'E78'" in text
    changed = text.replace("'prefixes': ['E78']", "'prefixes': ['E77']")
    assert changed != text
    got = _macros(changed)["ehp_chronic_conditions"]()
    assert got[2]["prefixes"] == ["E77"]
    assert got != call_macro("ehp_chronic_conditions")
