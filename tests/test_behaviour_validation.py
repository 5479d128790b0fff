"""Behaviour of rnnbook.validation at its boundaries (each check, each side of each bound).

Every expected value is written down by hand from the documented contract: the
accepted interval, the returned type, the exact wording that names the argument.
"""

import numpy as np
import pytest

from rnnbook import validation as v


# --- as_generator ---------------------------------------------------------------

def test_as_generator_int_zero_and_generator_passthrough():
    a = v.as_generator(0).random(3)
    b = np.random.default_rng(0).random(3)
    assert np.array_equal(a, b)
    g = np.random.default_rng(5)
    assert v.as_generator(g) is g
    assert isinstance(v.as_generator(None), np.random.Generator)
    assert np.array_equal(v.as_generator(np.int64(7)).random(2),
                          np.random.default_rng(7).random(2))


def test_as_generator_refuses():
    with pytest.raises(ValueError, match=r"^seed must be a non-negative integer; got -1$"):
        v.as_generator(-1)
    with pytest.raises(TypeError, match=r"seed must be an int.*got bool"):
        v.as_generator(True)
    with pytest.raises(TypeError, match=r"seed must be an int.*got float"):
        v.as_generator(1.0)
    with pytest.raises(TypeError, match=r"got RandomState"):
        v.as_generator(np.random.RandomState(0))


# --- integers ---------------------------------------------------------------------

def test_check_positive_int_bounds():
    assert v.check_positive_int("n", 1) == 1
    out = v.check_positive_int("n", np.int32(5))
    assert out == 5 and type(out) is int
    assert v.check_positive_int("n", 10, maximum=10) == 10
    assert v.check_positive_int("n", v.MAX_SIZE) == v.MAX_SIZE
    with pytest.raises(ValueError, match=r"^n must be a positive integer; got 0$"):
        v.check_positive_int("n", 0)
    with pytest.raises(ValueError, match=r"^n must be a positive integer; got -3$"):
        v.check_positive_int("n", -3)
    with pytest.raises(ValueError, match=r"^n must be at most 10; got 11$"):
        v.check_positive_int("n", 11, maximum=10)
    with pytest.raises(ValueError, match=r"^n must be at most 100000000; got 100000001$"):
        v.check_positive_int("n", v.MAX_SIZE + 1)
    with pytest.raises(TypeError, match=r"^n must be a positive integer; got bool True$"):
        v.check_positive_int("n", True)
    with pytest.raises(TypeError, match=r"^n must be a positive integer; got float 3.0$"):
        v.check_positive_int("n", 3.0)


def test_max_size_value():
    assert v.MAX_SIZE == 100_000_000


def test_check_nonnegative_int_bounds():
    out = v.check_nonnegative_int("k", 0)
    assert out == 0 and type(out) is int
    assert v.check_nonnegative_int("k", np.int64(4)) == 4
    assert v.check_nonnegative_int("k", 7, maximum=7) == 7
    with pytest.raises(ValueError, match=r"^k must be a non-negative integer; got -1$"):
        v.check_nonnegative_int("k", -1)
    with pytest.raises(ValueError, match=r"^k must be at most 7; got 8$"):
        v.check_nonnegative_int("k", 8, maximum=7)
    with pytest.raises(ValueError, match=r"^k must be at most 100000000; got 100000001$"):
        v.check_nonnegative_int("k", v.MAX_SIZE + 1)
    with pytest.raises(TypeError, match=r"^k must be a non-negative integer; got bool False$"):
        v.check_nonnegative_int("k", False)
    with pytest.raises(TypeError, match=r"^k must be a non-negative integer; got str '1'$"):
        v.check_nonnegative_int("k", "1")


def test_check_int():
    out = v.check_int("i", np.int16(-4))
    assert out == -4 and type(out) is int
    assert v.check_int("i", 0) == 0
    with pytest.raises(TypeError, match=r"^i must be an integer; got bool True$"):
        v.check_int("i", True)
    with pytest.raises(TypeError, match=r"^i must be an integer; got float 2.5$"):
        v.check_int("i", 2.5)


def test_check_bool():
    assert v.check_bool("b", True) is True
    assert v.check_bool("b", False) is False
    out = v.check_bool("b", np.bool_(True))
    assert out is True
    with pytest.raises(TypeError, match=r"^b must be True or False; got int 1$"):
        v.check_bool("b", 1)


# --- choices, types, methods ---------------------------------------------------

def test_check_choice():
    assert v.check_choice("mode", "a", ["a", "b"]) == "a"
    assert v.check_choice("mode", "b", ("a", "b")) == "b"
    assert v.check_choice("mode", None, [None, "x"]) is None
    # equal and of the same type, but not the same object: accepted
    built = "".join(["s", "um"])
    options = ("mean", "sum")
    assert built is not options[1] and v.check_choice("how", built, options) == "sum"
    big = int("10" * 20)
    assert v.check_choice("n", big, [int("10" * 20)]) == big
    with pytest.raises(ValueError, match=r"^mode must be one of 'a', 'b'; got 'c'$"):
        v.check_choice("mode", "c", ["a", "b"])
    # equal but of another type: refused (1 == True, 1.0 == 1)
    with pytest.raises(ValueError, match=r"^m must be one of 1, 2; got True$"):
        v.check_choice("m", True, [1, 2])
    with pytest.raises(ValueError, match=r"^m must be one of 1, 2; got 1.0$"):
        v.check_choice("m", 1.0, [1, 2])
    # a generator of options is consumed once, still both checked and named
    with pytest.raises(ValueError, match=r"^m must be one of 'x', 'y'; got 'z'$"):
        v.check_choice("m", "z", (o for o in ["x", "y"]))


def test_check_instance():
    x = [1]
    assert v.check_instance("x", x, list) is x
    assert v.check_instance("x", 3, (str, int)) == 3
    with pytest.raises(TypeError, match=r"^x must be a list; got int$"):
        v.check_instance("x", 3, list)
    with pytest.raises(TypeError, match=r"^x must be a str or list; got int$"):
        v.check_instance("x", 3, (str, list))
    with pytest.raises(TypeError, match=r"^x must be a model; got int$"):
        v.check_instance("x", 3, list, what="model")


def test_check_methods():
    class M:
        def run(self):
            pass

        def step(self):
            pass
        fit = 3  # not callable

    m = M()
    assert v.check_methods("model", m, ["run", "step"]) is m
    with pytest.raises(TypeError, match=r"^model must be a model with run\(\), fit\(\), "
                                        r"go\(\); got M without fit, go$"):
        v.check_methods("model", m, ["run", "fit", "go"])


def test_check_callable():
    assert v.check_callable("f", len) is len
    with pytest.raises(TypeError, match=r"^f must be callable; got int 3$"):
        v.check_callable("f", 3)


# --- floats -------------------------------------------------------------------------

def test_check_finite_float():
    out = v.check_finite_float("x", 2)
    assert out == 2.0 and type(out) is float
    assert v.check_finite_float("x", np.float32(0.5)) == 0.5
    with pytest.raises(TypeError, match=r"^x must be a real number; got bool False$"):
        v.check_finite_float("x", False)
    with pytest.raises(TypeError, match=r"^x must be a real number; got complex 1j$"):
        v.check_finite_float("x", 1j)
    with pytest.raises(ValueError, match=r"^x must be finite; got nan$"):
        v.check_finite_float("x", float("nan"))
    with pytest.raises(ValueError, match=r"^x must be finite; got -inf$"):
        v.check_finite_float("x", -np.inf)


@pytest.mark.parametrize("low_open, high_open, interval", [
    (False, False, "[0, 1]"), (True, False, "(0, 1]"),
    (False, True, "[0, 1)"), (True, True, "(0, 1)")])
def test_check_float_range_endpoints(low_open, high_open, interval):
    kw = dict(low_open=low_open, high_open=high_open)
    assert v.check_float_range("p", 0.5, 0.0, 1.0, **kw) == 0.5
    esc = interval.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(") \
                  .replace(")", r"\)")
    for end in (0.0, 1.0):
        is_open = low_open if end == 0.0 else high_open
        if is_open:
            with pytest.raises(ValueError, match=rf"^p must lie in {esc}; got {end}$"):
                v.check_float_range("p", end, 0.0, 1.0, **kw)
        else:
            out = v.check_float_range("p", int(end), 0.0, 1.0, **kw)
            assert out == end and type(out) is float
    for bad in (-1e-12, 1.0 + 1e-12):
        with pytest.raises(ValueError, match=rf"^p must lie in {esc}; got "):
            v.check_float_range("p", bad, 0.0, 1.0, **kw)


def test_check_float_range_unbounded_sides():
    assert v.check_float_range("p", -1e300) == -1e300
    assert v.check_float_range("p", 5.0, high=5.0) == 5.0
    assert v.check_float_range("p", 2.0, low=2.0) == 2.0
    with pytest.raises(ValueError, match=r"^p must lie in \(-inf, 5\]; got 6.0$"):
        v.check_float_range("p", 6.0, high=5.0)
    with pytest.raises(ValueError, match=r"^p must lie in \[2, inf\); got 1.5$"):
        v.check_float_range("p", 1.5, low=2.0)
    with pytest.raises(ValueError, match=r"^p must lie in \(2, inf\); got 2.0$"):
        v.check_float_range("p", 2.0, low=2.0, low_open=True)
    with pytest.raises(ValueError, match=r"^p must lie in \(-inf, 0.25\); got 0.25$"):
        v.check_float_range("p", 0.25, high=0.25, high_open=True)
    with pytest.raises(ValueError, match=r"^p must be finite; got inf$"):
        v.check_float_range("p", np.inf)


def test_check_nonnegative_float():
    assert v.check_nonnegative_float("s", 0) == 0.0
    assert v.check_nonnegative_float("s", 3.5) == 3.5
    with pytest.raises(ValueError, match=r"^s must lie in \[0, inf\); got -0.5$"):
        v.check_nonnegative_float("s", -0.5)


def test_check_positive_float():
    out = v.check_positive_float("lr", 1)
    assert out == 1.0 and type(out) is float
    assert v.check_positive_float("lr", 5e-324) == 5e-324
    with pytest.raises(ValueError, match=r"^lr must be positive; got 0.0$"):
        v.check_positive_float("lr", 0)
    with pytest.raises(ValueError, match=r"^lr must be positive; got -2.0$"):
        v.check_positive_float("lr", -2)
    with pytest.raises(TypeError, match=r"^lr must be a real number; got str 'a'$"):
        v.check_positive_float("lr", "a")


# --- labels --------------------------------------------------------------------------

def test_check_labels():
    assert v.check_labels("alphabet", "abc") == ["a", "b", "c"]
    assert v.check_labels("alphabet", ("x", "yy"), n=2) == ["x", "yy"]
    assert v.check_labels("alphabet", [], n=None) == []
    assert v.check_labels("alphabet", ["a"], n=1) == ["a"]
    with pytest.raises(ValueError, match=r"^alphabet must hold at least 3 labels; got 2$"):
        v.check_labels("alphabet", "ab", n=3)
    with pytest.raises(TypeError, match=r"^alphabet must be a sequence of strings; got list$"):
        v.check_labels("alphabet", ["a", 1])
    with pytest.raises(TypeError, match=r"^alphabet must be a sequence of strings; got set$"):
        v.check_labels("alphabet", {"a"})


# --- arrays ---------------------------------------------------------------------------

def test_as_float_array_conversion_and_no_copy():
    a = np.arange(6.0).reshape(2, 3)
    out = v.as_float_array("a", a, shape=(2, None))
    assert out is a
    ints = v.as_float_array("a", [[1, 2]], ndim=2)
    assert ints.dtype == np.float64 and np.array_equal(ints, [[1.0, 2.0]])
    assert v.as_float_array("a", 3).shape == ()
    assert v.as_float_array("a", np.zeros((2, 3, 4)), ndim=(1, 3)).shape == (2, 3, 4)
    assert v.as_float_array("a", np.zeros((5,)), ndim=(1, 3)).shape == (5,)


def test_as_float_array_refuses():
    with pytest.raises(TypeError, match=r"^a must be a real numeric array; got dtype bool$"):
        v.as_float_array("a", [True, False])
    with pytest.raises(TypeError, match=r"^a must be a real numeric array; got dtype complex128$"):
        v.as_float_array("a", [1j])
    with pytest.raises(TypeError, match=r"^a must be a real numeric array; got dtype <U1$"):
        v.as_float_array("a", ["x"])
    with pytest.raises(ValueError, match=r"^a must be a rectangular numeric array .*pad_sequences"):
        v.as_float_array("a", [[1.0], [1.0, 2.0]])
    with pytest.raises(ValueError, match=r"^a must have 2 dimensions; got shape \(3,\)$"):
        v.as_float_array("a", [1, 2, 3], ndim=2)
    with pytest.raises(ValueError, match=r"^a must have 1 or 3 dimensions; got shape \(1, 1\)$"):
        v.as_float_array("a", [[1]], ndim=(1, 3))
    # shape implies ndim
    with pytest.raises(ValueError, match=r"^a must have 2 dimensions; got shape \(3,\)$"):
        v.as_float_array("a", [1, 2, 3], shape=(3, None))
    with pytest.raises(ValueError, match=r"^a must have shape \(any, 2\); got \(2, 3\)$"):
        v.as_float_array("a", np.zeros((2, 3)), shape=(None, 2))
    with pytest.raises(ValueError, match=r"^a must have shape \(3, any\); got \(2, 3\)$"):
        v.as_float_array("a", np.zeros((2, 3)), shape=(3, None))
    with pytest.raises(ValueError, match=r"^a contains NaN or inf$"):
        v.as_float_array("a", [1.0, np.nan])
    with pytest.raises(ValueError, match=r"^a contains NaN or inf$"):
        v.as_float_array("a", [[np.inf]], shape=(1, 1))


def test_as_symbols():
    out = v.as_symbols("s", np.array([0, 2, 1], dtype=np.int8), 3)
    assert out.dtype == np.int64 and out.tolist() == [0, 2, 1]
    same = np.array([1, 0], dtype=np.int64)
    assert v.as_symbols("s", same, 2) is same
    empty = v.as_symbols("s", [], 2)
    assert empty.shape == (0,) and empty.dtype == np.int64
    with pytest.raises(ValueError, match=r"^s has symbol 3 at position 2, outside the alphabet "
                                        r"of 3 symbols \(0 \.\. 2\)$"):
        v.as_symbols("s", [0, 1, 3, 5], 3)
    with pytest.raises(ValueError, match=r"^s has symbol -1 at position 1, outside"):
        v.as_symbols("s", [0, -1], 3)
    # a wrap-round value of a narrow dtype is refused before any cast
    with pytest.raises(ValueError, match=r"^s has symbol 256 at position 0"):
        v.as_symbols("s", np.array([256], dtype=np.int64), 2)
    with pytest.raises(ValueError, match=r"^s must be a 1-D array of symbol indices; "
                                        r"got shape \(1, 2\)$"):
        v.as_symbols("s", [[0, 1]], 2)
    with pytest.raises(TypeError, match=r"^s must hold integer symbol indices; got dtype float64$"):
        v.as_symbols("s", [0.0, 1.0], 2)
    with pytest.raises(ValueError, match=r"^n_symbols must be a positive integer; got 0$"):
        v.as_symbols("s", [0], 0)


# --- smoothing and sweeps -----------------------------------------------------------

def test_check_smoothing():
    out = v.check_smoothing(1)
    assert out == 1.0 and type(out) is float
    assert v.check_smoothing(1e-300) == 1e-300
    with pytest.raises(ValueError, match=r"^alpha must be positive \(additive smoothing\); "
                                        r"got 0.0$"):
        v.check_smoothing(0)
    with pytest.raises(ValueError, match=r"^alpha must be finite"):
        v.check_smoothing(np.nan)


def test_check_smoothings():
    assert v.check_smoothings([1, 0.5]) == [1.0, 0.5]
    assert v.check_smoothings(np.array([2.0])) == [2.0]
    assert v.check_smoothings(a for a in (0.1, 0.2)) == [0.1, 0.2]
    with pytest.raises(ValueError, match=r"^alphas must hold at least one smoothing constant$"):
        v.check_smoothings([])
    with pytest.raises(TypeError, match=r"^alphas must be a sequence of smoothing constants; "
                                       r"got 'ab'$"):
        v.check_smoothings("ab")
    with pytest.raises(TypeError, match=r"^alphas must be a sequence of smoothing constants; "
                                       r"got b'a'$"):
        v.check_smoothings(b"a")
    with pytest.raises(TypeError, match=r"^alphas must be a sequence of smoothing constants; "
                                       r"got 0.5$"):
        v.check_smoothings(0.5)
    with pytest.raises(ValueError, match=r"^alphas must be positive; got 0.0$"):
        v.check_smoothings([1.0, 0.0])


def test_check_valid_test():
    valid, test = v.check_valid_test([0, 1], None, 2)
    assert valid.tolist() == [0, 1] and test is None
    valid, test = v.check_valid_test([1], [0, 0], 2)
    assert valid.dtype == np.int64 and test.dtype == np.int64 and test.tolist() == [0, 0]
    with pytest.raises(ValueError, match=r"^valid is empty; model choice needs validation data$"):
        v.check_valid_test([], None, 2)
    with pytest.raises(ValueError, match=r"^test is empty$"):
        v.check_valid_test([0], [], 2)
    with pytest.raises(ValueError, match=r"^test has symbol 2 at position 0"):
        v.check_valid_test([0], [2], 2)
    with pytest.raises(ValueError, match=r"^valid has symbol 5 at position 1"):
        v.check_valid_test([0, 5], [0], 2)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("size", [10, 2 ** 16, 2 ** 16 + 1, 300_000])
def test_as_float_array_finds_one_bad_value_in_small_and_large_arrays(bad, size):
    """Large arrays are checked by their minimum and maximum (no boolean copy): one
    NaN or inf anywhere is still found, and finite values of any size pass."""
    from rnnbook.validation import as_float_array

    values = np.random.default_rng(size).normal(size=size) * 1e300
    assert as_float_array("z", values) is values
    for where in (0, size // 2, size - 1):
        spoilt = values.copy()
        spoilt[where] = bad
        with pytest.raises(ValueError, match="z contains NaN or inf"):
            as_float_array("z", spoilt.reshape(-1, 1) if where else spoilt)
