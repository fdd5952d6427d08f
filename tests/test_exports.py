"""Exported cells can never run as spreadsheet formulas."""

import pytest

from core.exports import neutralise


@pytest.mark.parametrize("cell", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x"])
def test_formula_like_text_becomes_plain_text(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Phường Hồng Gai", "", "1.874", 42, -5, 3.5, None])
def test_other_values_are_untouched(cell):
    assert neutralise(cell) == cell
