"""rnnbook.report: numbers rounded to the digits that reproduce on other machines."""

from __future__ import annotations

import math

import numpy as np
import pytest

from rnnbook import report


@pytest.mark.parametrize("value, digits, expected", [
    (0.000234312, 4, 0.0002343),
    (0.00023427, 3, 0.000234),
    (18.963, 5, 18.963),
    (18.963, 3, 19.0),
    (-0.7378751686859512, 4, -0.7379),
    (123456.0, 2, 120000.0),
    (1.5849625007211563, 5, 1.585),
    (0.0, 4, 0.0),
])
def test_significant_rounds_floats(value, digits, expected):
    assert report.significant(value, digits) == expected


def test_significant_makes_perturbed_values_equal():
    # two results that differ at round-off level glue to the same value
    a = 0.19352359796262988
    assert report.significant(a) == report.significant(a * (1 + 4e-16))
    assert report.significant(a) == 0.1935


def test_significant_keeps_integers_and_booleans():
    assert report.significant(1013) == 1013
    assert isinstance(report.significant(np.int64(7)), int)
    assert report.significant(True) is True
    assert report.significant(np.bool_(False)) is False


def test_significant_containers_keep_their_type():
    got = report.significant({5: 1.0, 100: 0.30000000000000004, "x": [1.23456, 2]}, 3)
    assert got == {5: 1.0, 100: 0.3, "x": [1.23, 2]}
    assert report.significant((0.123456, 9), 2) == (0.12, 9)
    arr = report.significant(np.array([0.123456, 1e-20]))
    assert arr == [0.1235, 1e-20] and isinstance(arr, list)


def test_significant_passes_nan_and_inf_through():
    assert math.isnan(report.significant(float("nan")))
    assert report.significant(float("inf")) == float("inf")


@pytest.mark.parametrize("digits, error, match", [
    (0, ValueError, "digits"), (-1, ValueError, "digits"), (2.5, TypeError, "digits"),
    (True, TypeError, "digits"),
])
def test_significant_refuses_bad_digits(digits, error, match):
    with pytest.raises(error, match=match):
        report.significant(1.0, digits)


def test_significant_refuses_non_numbers():
    with pytest.raises(TypeError, match="value must be a number"):
        report.significant("0.5")
    with pytest.raises(TypeError, match="value must be a number"):
        report.significant([0.5, None])


@pytest.mark.parametrize("value, expected", [
    (6.2e-15, "< 1e-12"), (0.0, "< 1e-12"), (-3e-16, "< 1e-12"),
    (2.2e-05, "2.2e-05"), (1e-12, "1.0e-12"),
])
def test_small_prints_round_off_as_a_bound(value, expected):
    assert report.small(value) == expected


def test_small_floor_and_spec():
    assert report.small(5e-9, floor=1e-8) == "< 1e-08"
    assert report.small(0.25, spec=".3f") == "0.250"


@pytest.mark.parametrize("kwargs, error, match", [
    ({"value": float("nan")}, ValueError, "value must be finite"),
    ({"value": "1e-16"}, TypeError, "value must be a real number"),
    ({"value": 1.0, "floor": 0.0}, ValueError, "floor must be positive"),
    ({"value": 1.0, "floor": float("inf")}, ValueError, "floor must be finite"),
    ({"value": 1.0, "spec": 3}, TypeError, "spec must be a format str"),
])
def test_small_refuses_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        report.small(**kwargs)


def test_glue_records_the_rounded_value(monkeypatch):
    calls = []
    monkeypatch.setattr(report, "_record", lambda name, value, display: calls.append(
        (name, value, display)))
    report.glue("mg_nrmse84", 0.0002342723057460281, digits=3)
    report.glue("counts", {5: 0.7000000000000001}, display=True)
    assert calls == [("mg_nrmse84", 0.000234, False), ("counts", {5: 0.7}, True)]


def test_glue_floor_records_round_off_as_zero(monkeypatch):
    calls = []
    monkeypatch.setattr(report, "_record", lambda name, value, display: calls.append(value))
    report.glue("diff", 1.1102230246251565e-16, floor=1e-12)
    report.glue("diff", -4.4e-16, floor=1e-12)
    report.glue("diff", 2.5e-9, floor=1e-12)
    assert calls == [0.0, 0.0, 2.5e-9]


@pytest.mark.parametrize("value", [0.000234, 3, {5: 0.7, 10: 1.0}, [0.5, 0.25],
                                   "text"])
@pytest.mark.parametrize("display", [False, True])
def test_glue_writes_the_output_myst_nb_glue_writes(value, display):
    """myst-nb reads glued values back from the outputs: they must be its own."""
    import myst_nb
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    with capture_output() as ours:
        report._record("name", value, display)
    with capture_output() as theirs:
        myst_nb.glue("name", value, display=display)
    assert len(theirs.outputs) == 1
    assert [(o.data, o.metadata) for o in ours.outputs] == [
        (o.data, o.metadata) for o in theirs.outputs]


@pytest.mark.parametrize("args, kwargs, error, match", [
    (("x", 1.0), {"floor": 0.0}, ValueError, "floor must be positive"),
    (("x", 1.0), {"floor": float("nan")}, ValueError, "floor must be finite"),
    (("x", [1.0]), {"floor": 1e-12}, TypeError, "value must be a number when floor"),
    (("", 1.0), {}, TypeError, "name must be a non-empty str"),
    ((3, 1.0), {}, TypeError, "name must be a non-empty str"),
    (("x", 1.0), {"display": "no"}, TypeError, "display must be a bool"),
    (("x", "1.0"), {}, TypeError, "value must be a number"),
])
def test_glue_refuses_bad_input(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        report.glue(*args, **kwargs)


# ---------------------------------------------------------------- paired_difference

def test_paired_difference_by_hand():
    # differences 0, 1, 2, 3, 4, 5 in 3 blocks: block means 0.5, 2.5, 4.5
    first = np.arange(6.0) + 10.0
    second = np.full(6, 10.0)
    mean, stderr = report.paired_difference(first, second, n_blocks=3)
    assert mean == pytest.approx(2.5)
    assert stderr == pytest.approx(2.0 / math.sqrt(3))   # std(ddof=1) of the means is 2


def test_paired_difference_uneven_blocks_follow_array_split():
    diff = np.array([1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0])   # blocks 3, 2, 2 long
    means = [7 / 3, 12.0, 48.0]
    result = report.paired_difference(diff, np.zeros(7), n_blocks=3)
    assert result.mean == pytest.approx(diff.mean())
    assert result.stderr == pytest.approx(np.std(means, ddof=1) / math.sqrt(3))


def test_paired_difference_pairs_the_steps():
    # a shared hard stretch cancels: the difference is a constant, its error 0
    rng = np.random.default_rng(3)
    shared = rng.exponential(size=500) * 100
    mean, stderr = report.paired_difference(shared + 0.25, shared)
    assert mean == pytest.approx(0.25)
    assert stderr < 1e-12
    assert report.paired_difference(shared, shared + 0.25).mean == pytest.approx(-0.25)


def test_paired_difference_blocks_see_correlated_steps():
    # a slowly varying difference: blocks of neighbours carry its spread, so
    # the block error is far larger than the naive one of independent steps
    t = np.arange(1000)
    diff = np.sin(2 * np.pi * t / 400)
    _, stderr = report.paired_difference(diff, np.zeros(1000), n_blocks=10)
    naive = diff.std(ddof=1) / math.sqrt(diff.size)
    assert stderr > 5 * naive


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(first=[1.0, 2.0], second=[1.0]), ValueError, "second"),
    (dict(first=[[1.0, 2.0]], second=[[1.0, 2.0]]), ValueError, "first"),
    (dict(first=[], second=[]), ValueError, "first is empty"),
    (dict(first=[1.0, np.nan], second=[1.0, 2.0]), ValueError, "first"),
    (dict(first=[1.0, 2.0], second=[1.0, 2.0], n_blocks=1), ValueError, "n_blocks"),
    (dict(first=[1.0, 2.0], second=[1.0, 2.0], n_blocks=3), ValueError, "n_blocks"),
    (dict(first=[1.0, 2.0], second=[1.0, 2.0], n_blocks=2.5), TypeError, "n_blocks"),
])
def test_paired_difference_refuses_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        report.paired_difference(**kwargs)
