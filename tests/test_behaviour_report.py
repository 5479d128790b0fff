"""Behaviour of rnnbook.report at its boundaries (values written down by hand)."""

import numpy as np
import pytest

from rnnbook import report


def test_significant_digits_bounds_and_default():
    assert report.significant(1 / 3) == 0.3333                      # 4 digits by default
    assert report.significant(2 / 3, 1) == 0.7
    assert report.significant(0.1 + 0.2, 17) == 0.30000000000000004
    with pytest.raises(ValueError, match=r"^digits must be at most 17; got 18$"):
        report.significant(1.0, 18)
    with pytest.raises(ValueError, match=r"^digits must be a positive integer; got 0$"):
        report.significant(1.0, 0)


@pytest.mark.parametrize("value, digits, expected", [
    (-0.00123456, 2, -0.0012), (-987.6, 2, -990.0), (9.9996, 4, 10.0), (1.0, 1, 1.0),
    (0.95, 1, 0.9), (12345.678, 6, 12345.7), (-1e-300, 3, -1e-300), (7.24e22, 2, 7.2e22),
])
def test_significant_by_hand(value, digits, expected):
    out = report.significant(value, digits)
    assert out == expected and type(out) is float


def test_significant_types():
    assert report.significant(np.float32(0.5)) == 0.5
    assert type(report.significant(np.float64(0.123456))) is float
    assert report.significant(-0.0) == 0.0
    out = report.significant({"a": (np.int32(3), np.float64(2.71828)), "b": np.array([[1.5]])}, 2)
    assert out == {"a": (3, 2.7), "b": [[1.5]]}
    assert type(out["a"]) is tuple and type(out["a"][0]) is int
    with pytest.raises(TypeError, match=r"^value must be a number or a list, tuple, dict or "
                                       r"array of numbers, got NoneType$"):
        report.significant(None)
    with pytest.raises(TypeError, match=r"got set$"):
        report.significant({1.0})


def test_small_boundaries():
    assert report.small(9.99e-13) == "< 1e-12"
    assert report.small(1e-12) == "1.0e-12"              # at the floor: printed
    assert report.small(-2e-12) == "-2.0e-12"
    assert report.small(3e-7, floor=3e-7, spec=".2g") == "3e-07"
    assert report.small(2.9e-7, floor=3e-7) == "< 3e-07"
    assert report.small(1, spec="") == "1.0"
    with pytest.raises(ValueError, match=r"^floor must be positive, got -1.0$"):
        report.small(0.5, floor=-1)
    with pytest.raises(ValueError, match=r"^spec must be a format specification for a float, "
                                        r"such as '.1e'; got 'd'$"):
        report.small(0.5, spec="d")


@pytest.fixture
def recorded(monkeypatch):
    calls = []
    monkeypatch.setattr(report, "_record",
                        lambda name, value, display: calls.append((name, value, display)))
    return calls


def test_glue_floor_boundary_and_types(recorded):
    report.glue("a", 1e-12, floor=1e-12)            # at the floor: kept
    report.glue("b", -1e-12, floor=1e-12)
    report.glue("c", 9e-13, floor=1e-12)
    report.glue("d", np.float64(-5e-13), floor=1e-12)
    report.glue("e", 3, floor=5)                     # an int below the floor is zero too
    report.glue("f", 0.123456)                       # default 4 digits, hidden
    assert recorded == [("a", 1e-12, False), ("b", -1e-12, False), ("c", 0.0, False),
                        ("d", 0.0, False), ("e", 0.0, False), ("f", 0.1235, False)]
    with pytest.raises(TypeError, match=r"^value must be a number when floor is given, got "
                                       r"bool$"):
        report.glue("g", True, floor=1.0)
    with pytest.raises(ValueError, match=r"^floor must be positive, got 0.0$"):
        report.glue("g", 1.0, floor=0)
    with pytest.raises(TypeError, match=r"^display must be a bool, got int$"):
        report.glue("g", 1.0, display=1)
    with pytest.raises(TypeError, match=r"^name must be a non-empty str, got ''$"):
        report.glue("", 1.0)
    assert len(recorded) == 6


def test_record_output_hidden_and_shown():
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    with capture_output() as hidden:
        report.glue("k", 0.123456, digits=2)
    with capture_output() as shown:
        report.glue("k", 0.123456, digits=2, display=True)
    (h,), (s,) = hidden.outputs, shown.outputs
    assert h.data == {"application/papermill.record/text/plain": "0.12"}
    assert h.metadata["scrapbook"] == {"name": "k",
                                       "mime_prefix": "application/papermill.record/"}
    assert s.data == {"text/plain": "0.12"}
    assert s.metadata["scrapbook"] == {"name": "k", "mime_prefix": ""}
