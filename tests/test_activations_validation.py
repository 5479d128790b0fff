"""Tests of rnnbook.activations, rnnbook.validation and rnnbook.sequences."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from rnnbook.activations import (
    ACTIVATIONS,
    Activation,
    get_activation,
    identity,
    log_softmax,
    sigmoid,
    softmax,
    tanh,
)
from rnnbook.sequences import one_hot, random_symbols
from rnnbook.validation import (
    as_float_array,
    as_generator,
    as_symbols,
    check_finite_float,
    check_positive_int,
)


# ----------------------------------------------------------------- sigmoid
def test_sigmoid_exact_and_silent_at_extremes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            hi = sigmoid(1000.0)
            lo = sigmoid(-1000.0)
            both = sigmoid(np.array([-1000.0, 1000.0, -1e308, 1e308]))
    assert hi == 1.0
    assert lo == 0.0
    np.testing.assert_array_equal(both, [0.0, 1.0, 0.0, 1.0])
    assert np.all(np.isfinite(both))


def test_sigmoid_at_zero_and_dtype():
    assert sigmoid(0) == 0.5
    assert sigmoid(0.0) == 0.5
    out = sigmoid(np.array([[0, 1], [2, 3]], dtype=np.int32))
    assert out.dtype == np.float64 and out.shape == (2, 2)


def test_sigmoid_matches_formula_and_symmetry():
    rng = np.random.default_rng(0)
    a = rng.uniform(-30, 30, 500)
    y = sigmoid(a)
    want = np.array([1.0 / (1.0 + math.exp(-v)) for v in a])
    np.testing.assert_allclose(y, want, rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(sigmoid(-a), 1.0 - y, rtol=0, atol=2e-16)
    assert np.all((y >= 0) & (y <= 1))
    assert np.all(np.diff(sigmoid(np.sort(a))) >= 0)       # monotone


def test_sigmoid_agrees_with_expit_and_leaves_its_input_alone():
    # the fast in-place formula against scipy's expit, over the whole range where
    # the sigmoid is neither 0 nor 1 (subnormal results included)
    from scipy.special import expit
    a = np.concatenate([np.linspace(-745.0, 40.0, 20001), [-708.5, -709.5, 36.7]])
    kept = a.copy()
    y = sigmoid(a)
    assert np.array_equal(a, kept)                          # written into a new array
    ulp = np.spacing(expit(a))
    assert np.all(np.abs(y - expit(a)) <= 2 * ulp)
    assert type(sigmoid(np.float64(2.0))) is np.float64     # a scalar stays a scalar


def test_activation_in_place_is_the_activation_bit_for_bit():
    # the in-place form used by loops of tiny steps (rnn.train_elman_online)
    from rnnbook.activations import ACTIVATIONS, RELU, _activation_into
    a = np.concatenate([np.linspace(-800.0, 800.0, 4001), [-0.0, 0.0, 1e-300, -1e-300]])
    for act in [ACTIVATIONS["sigmoid"], ACTIVATIONS["tanh"], ACTIVATIONS["identity"], RELU]:
        work = a.copy()
        with np.errstate(over="ignore", under="ignore"):
            got = _activation_into(act, work)
        assert got is work, act.name                        # written over its input
        want = act(a)
        assert np.array_equal(got, want) and np.array_equal(np.signbit(got),
                                                            np.signbit(want)), act.name


def test_tanh_and_identity_values():
    a = np.array([-2.0, 0.0, 0.5, 3.0])
    np.testing.assert_allclose(tanh(a), [math.tanh(v) for v in a], rtol=1e-15)
    np.testing.assert_array_equal(identity(a), a)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tanh(1000.0) == 1.0 and tanh(-1000.0) == -1.0


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "identity"])
def test_derivative_from_output_matches_finite_differences(name):
    act = get_activation(name)
    a = np.linspace(-5, 5, 41)
    h = 1e-5
    numeric = (act(a + h) - act(a - h)) / (2 * h)
    analytic = act.derivative_from_output(act(a))
    np.testing.assert_allclose(analytic, numeric, rtol=1e-7, atol=1e-10)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "identity"])
def test_outputs_within_output_range(name):
    act = get_activation(name)
    lo, hi = act.output_range
    y = act(np.linspace(-50, 50, 101))
    assert np.all((y >= lo) & (y <= hi))


def test_derivative_known_values():
    assert ACTIVATIONS["sigmoid"].derivative_from_output(0.5) == 0.25
    assert ACTIVATIONS["tanh"].derivative_from_output(0.0) == 1.0
    np.testing.assert_array_equal(
        ACTIVATIONS["identity"].derivative_from_output(np.array([3.0, -7.0])), [1.0, 1.0])


# ------------------------------------------------------------------ softmax
def test_softmax_large_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = softmax([1000.0, 0.0])
        lp = log_softmax([1000.0, 0.0])
    np.testing.assert_array_equal(p, [1.0, 0.0])
    assert not np.any(np.isnan(p))
    np.testing.assert_allclose(lp, [0.0, -1000.0], rtol=1e-15)


def test_softmax_rows_sum_to_one_and_log_softmax_consistent():
    rng = np.random.default_rng(1)
    for _ in range(20):
        a = rng.normal(scale=rng.uniform(0.1, 20), size=(int(rng.integers(1, 6)),
                                                         int(rng.integers(1, 8))))
        p = softmax(a)
        assert p.shape == a.shape
        np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-13)
        assert np.all(p >= 0)
        want = np.exp(a - a.max(axis=-1, keepdims=True))
        want /= want.sum(axis=-1, keepdims=True)
        np.testing.assert_allclose(p, want, rtol=1e-12, atol=1e-300)
        lp = log_softmax(a)
        np.testing.assert_allclose(np.exp(lp), p, rtol=1e-12, atol=1e-300)
        # shift invariance
        np.testing.assert_allclose(softmax(a + 123.0), p, rtol=1e-10, atol=1e-300)
        # along axis 0 the columns sum to one
        np.testing.assert_allclose(softmax(a, axis=0).sum(axis=0), 1.0, rtol=1e-13)


# ------------------------------------------------------------ get_activation
def test_get_activation_by_name_and_passthrough():
    for name in ["sigmoid", "tanh", "identity"]:
        act = get_activation(name)
        assert isinstance(act, Activation) and act.name == name
        assert get_activation(act) is act


@pytest.mark.parametrize("bad", ["relu", "Sigmoid", "", None, 3, ["sigmoid"]])
def test_get_activation_unknown_names_the_options(bad):
    with pytest.raises(ValueError, match=r"identity.*sigmoid.*tanh") as info:
        get_activation(bad)
    assert repr(bad) in str(info.value)


# -------------------------------------------------------------- as_generator
def test_as_generator_int_is_reproducible():
    a, b = as_generator(5), as_generator(5)
    assert isinstance(a, np.random.Generator)
    np.testing.assert_array_equal(a.random(10), b.random(10))
    np.testing.assert_array_equal(as_generator(5).random(10),
                                  np.random.default_rng(5).random(10))
    assert not np.array_equal(as_generator(5).random(10), as_generator(6).random(10))
    np.testing.assert_array_equal(as_generator(np.int64(5)).random(3),
                                  np.random.default_rng(5).random(3))


def test_as_generator_passes_a_generator_through():
    rng = np.random.default_rng(0)
    assert as_generator(rng) is rng


def test_as_generator_none_gives_fresh_generator():
    a, b = as_generator(None), as_generator(None)
    assert isinstance(a, np.random.Generator)
    assert a is not b
    assert not np.array_equal(a.random(8), b.random(8))


@pytest.mark.parametrize("seed", [1.0, 0.5, "1", True, False, np.random.RandomState(0),
                                  [1, 2], np.bool_(True)])
def test_as_generator_type_errors(seed):
    with pytest.raises(TypeError, match="seed"):
        as_generator(seed)


@pytest.mark.parametrize("seed", [-1, -(2 ** 40), np.int64(-3)])
def test_as_generator_negative(seed):
    with pytest.raises(ValueError, match="seed"):
        as_generator(seed)


# ------------------------------------------------- check_* and as_float_array
@pytest.mark.parametrize("value, error", [(0, ValueError), (-1, ValueError),
                                          (2.5, TypeError), (3.0, TypeError),
                                          (True, TypeError), (None, TypeError),
                                          ("4", TypeError)])
def test_check_positive_int_rejects(value, error):
    with pytest.raises(error, match="my_size"):
        check_positive_int("my_size", value)


def test_check_positive_int_accepts():
    assert check_positive_int("n", 3) == 3
    out = check_positive_int("n", np.int64(7))
    assert out == 7 and type(out) is int


def test_check_finite_float():
    assert check_finite_float("s", 2) == 2.0
    for bad, err in [(np.nan, ValueError), (np.inf, ValueError), (True, TypeError),
                     ("1", TypeError)]:
        with pytest.raises(err, match="s"):
            check_finite_float("s", bad)


def test_as_float_array_checks():
    out = as_float_array("w", [[1, 2], [3, 4]], shape=(2, None))
    assert out.dtype == np.float64 and out.shape == (2, 2)
    with pytest.raises(ValueError, match="w must have 1 dimensions"):
        as_float_array("w", [[1.0]], ndim=1)
    with pytest.raises(ValueError, match=r"w must have shape \(3, any\)"):
        as_float_array("w", np.zeros((2, 5)), shape=(3, None))
    with pytest.raises(ValueError, match="w contains NaN or inf"):
        as_float_array("w", [1.0, np.nan])
    with pytest.raises(TypeError, match="w"):
        as_float_array("w", ["a"])
    with pytest.raises(TypeError, match="w"):
        as_float_array("w", [True, False])
    with pytest.raises(ValueError, match="w"):
        as_float_array("w", [[1.0, 2.0], [3.0]])


# ---------------------------------------------------------------- as_symbols
def test_as_symbols_accepts_and_converts():
    out = as_symbols("s", np.array([0, 2, 1], dtype=np.uint8), 3)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(out, [0, 2, 1])


@pytest.mark.parametrize("seq, symbol, position", [([0, 1, 5, 2], 5, 2), ([-1, 0], -1, 0),
                                                   ([0, 0, 0, 3], 3, 3),
                                                   ([0, 4, 1, 7, -2], 4, 1)])  # the first bad one
def test_as_symbols_rejects_out_of_alphabet(seq, symbol, position):
    with pytest.raises(ValueError, match=rf"seq has symbol {symbol} at position {position}"):
        as_symbols("seq", seq, 3)


def test_as_symbols_other_errors():
    with pytest.raises(TypeError, match="seq"):
        as_symbols("seq", [0.0, 1.0], 3)
    with pytest.raises(ValueError, match="seq"):
        as_symbols("seq", [[0, 1]], 3)
    with pytest.raises(ValueError, match="n_symbols"):
        as_symbols("seq", [0], 0)


# ----------------------------------------------------------------- sequences
def test_one_hot_correct():
    rng = np.random.default_rng(2)
    for _ in range(20):
        k = int(rng.integers(1, 7))
        s = rng.integers(0, k, size=int(rng.integers(1, 30)))
        x = one_hot(s, k)
        assert x.shape == (len(s), k) and x.dtype == np.float64
        for t, sym in enumerate(s):
            row = [0.0] * k
            row[sym] = 1.0
            assert x[t].tolist() == row
    np.testing.assert_array_equal(one_hot([2, 0, 1], 3), [[0, 0, 1], [1, 0, 0], [0, 1, 0]])


def test_one_hot_rejects_bad_symbols():
    with pytest.raises(ValueError, match="position 1"):
        one_hot([0, 3], 3)


def test_random_symbols_reproducible_and_shaped():
    a = random_symbols(200, 4, seed=3)
    b = random_symbols(200, 4, seed=3)
    assert a.shape == (200,) and a.dtype == np.int64
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, random_symbols(200, 4, seed=4))
    assert a.min() >= 0 and a.max() <= 3
    assert set(np.unique(a)) == {0, 1, 2, 3}
    rng = np.random.default_rng(9)
    c, d = random_symbols(50, 4, seed=rng), random_symbols(50, 4, seed=rng)
    assert not np.array_equal(c, d)


def test_random_symbols_respects_probabilities():
    s = random_symbols(20000, 3, probabilities=[0.7, 0.0, 0.3], seed=0)
    assert not np.any(s == 1)
    freq = np.bincount(s, minlength=3) / s.size
    assert abs(freq[0] - 0.7) < 0.02 and abs(freq[2] - 0.3) < 0.02
    only = random_symbols(50, 4, probabilities=[0, 0, 1, 0], seed=1)
    np.testing.assert_array_equal(only, np.full(50, 2))


@pytest.mark.parametrize("p", [[0.5, 0.6, -0.1], [0.2, 0.2, 0.2], [0.5, 0.5],
                               [np.nan, 0.5, 0.5], [[0.5, 0.25, 0.25]], [1.5, -0.25, -0.25]])
def test_random_symbols_rejects_bad_probabilities(p):
    with pytest.raises(ValueError, match="probabilities"):
        random_symbols(10, 3, probabilities=p, seed=0)


@pytest.mark.parametrize("length, n_symbols, error, name", [
    (0, 3, ValueError, "length"), (2.5, 3, TypeError, "length"), (True, 3, TypeError, "length"),
    (5, 0, ValueError, "n_symbols"), (5, -2, ValueError, "n_symbols")])
def test_random_symbols_bad_sizes(length, n_symbols, error, name):
    with pytest.raises(error, match=name):
        random_symbols(length, n_symbols, seed=0)


def test_random_symbols_nearly_normalised_probabilities():
    p = [0.33333, 0.33333, 0.33333]            # sum 0.99999: accepted by the package's check
    try:
        s = random_symbols(10, 3, probabilities=p, seed=0)
    except ValueError as exc:                   # either reject it with the package's message...
        assert "probabilities must be non-negative and sum to 1" in str(exc)
    else:                                       # ...or accept it (e.g. after renormalising)
        assert s.shape == (10,) and set(s.tolist()) <= {0, 1, 2}


def test_as_symbols_reports_the_actual_uint64_symbol():
    with pytest.raises(ValueError, match=r"seq has symbol 18446744073709551615 at position 1"):
        as_symbols("seq", np.array([0, 2 ** 64 - 1], dtype=np.uint64), 3)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "identity", "relu"])
def test_slope_into_equals_the_derivative_bit_for_bit(name):
    from rnnbook.activations import ACTIVATIONS, RELU, _slope_into
    activation = RELU if name == "relu" else ACTIVATIONS[name]
    a = np.random.default_rng(3).normal(0.0, 3.0, (4, 7, 5))
    y = activation(a)[:, 1:]                       # a strided view, as BPTT passes
    out = np.full(y.shape, np.nan)
    result = _slope_into(activation, y, out)
    assert result is out
    np.testing.assert_array_equal(out, activation.derivative_from_output(y))
