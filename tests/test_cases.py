"""Every labelled case in seeds/cases runs through the library AND the CLI."""
from __future__ import annotations

import pytest

import cleaner
from conftest import expected_of, load_cases

CASES = load_cases()
PARAMS = [
    pytest.param(
        c,
        id=c["id"],
        marks=[pytest.mark.xfail(strict=True, reason=c["note"])] if c["kind"] == "known_failure" else [],
    )
    for c in CASES
]


def test_there_are_enough_cases():
    kinds = {k: sum(1 for c in CASES if c["kind"] == k) for k in ("wild", "keep", "synthetic", "known_failure")}
    assert len(CASES) >= 40, kinds
    assert kinds["keep"] >= 15 and kinds["wild"] >= 15 and kinds["known_failure"] >= 1


@pytest.mark.parametrize("case", PARAMS)
def test_library(case):
    assert cleaner.clean(case["text"]) == expected_of(case)


@pytest.mark.parametrize("case", PARAMS)
def test_cli(case, cli):
    (rec,) = cli([case["text"]])
    assert rec["text"] == expected_of(case)


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] == "keep"], ids=lambda c: c["id"])
def test_must_not_change_has_no_spans(case):
    assert cleaner.explain(case["text"]) == []
