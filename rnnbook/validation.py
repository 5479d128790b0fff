"""Argument checks and seed handling shared by every module.

Every public function of :mod:`rnnbook` checks its arguments with these helpers,
so that bad input fails early with an error that names the argument and says
what was expected. Nothing is silently clipped, reshaped or dropped.
"""

from __future__ import annotations

import numbers

import numpy as np

SeedLike = int | np.random.Generator | None

#: The largest size (a number of steps, units, samples, symbols ...) any
#: argument may ask for: an array of this many float64 numbers takes 800 MB, so
#: anything larger is refused with a clear error instead of a MemoryError
#: (or minutes of swapping) at allocation.
MAX_SIZE = 10 ** 8


def as_generator(seed: SeedLike) -> np.random.Generator:
    """Turn a seed into a :class:`numpy.random.Generator`.

    Parameters
    ----------
    seed : int, numpy.random.Generator or None
        A non-negative integer gives a new generator seeded with it (the same
        integer gives bit-identical draws); a generator is used as it is, so
        that successive calls draw fresh numbers from one stream; ``None``
        draws fresh entropy from the operating system (not reproducible).

    Returns
    -------
    numpy.random.Generator

    Raises
    ------
    TypeError
        If ``seed`` is of any other type (a float, a string, a bool, or the
        legacy :class:`numpy.random.RandomState`).
    ValueError
        If ``seed`` is a negative integer.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise TypeError(
            "seed must be an int, a numpy.random.Generator or None; "
            f"got {type(seed).__name__}"
        )
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer; got {seed}")
    return np.random.default_rng(int(seed))


def check_positive_int(name: str, value, *, maximum: int = MAX_SIZE) -> int:
    """Return ``value`` as an ``int`` after checking that it is an integer in ``1 .. maximum``.

    Raises
    ------
    TypeError
        If ``value`` is not an integer (bools and floats are refused, even 3.0).
    ValueError
        If ``value`` is zero, negative or larger than ``maximum`` (by default
        :data:`MAX_SIZE`: a size nothing in the book needs, refused before
        anything is allocated).
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a positive integer; got {type(value).__name__} {value!r}")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer; got {value}")
    if value > maximum:
        raise ValueError(f"{name} must be at most {maximum}; got {value}")
    return int(value)


def check_nonnegative_int(name: str, value, *, maximum: int = MAX_SIZE) -> int:
    """Return ``value`` as an ``int`` after checking that it is an integer in ``0 .. maximum``.

    Raises ``TypeError`` for a non-integer (bools and floats too) and
    ``ValueError`` for a negative one or one above ``maximum``, like
    :func:`check_positive_int`.
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be a non-negative integer; got {type(value).__name__} "
                        f"{value!r}")
    if value < 0:
        raise ValueError(f"{name} must be a non-negative integer; got {value}")
    if value > maximum:
        raise ValueError(f"{name} must be at most {maximum}; got {value}")
    return int(value)


def check_int(name: str, value) -> int:
    """Return ``value`` as an ``int`` after checking that it is an integer (any sign; no bool)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {type(value).__name__} {value!r}")
    return int(value)


def check_bool(name: str, value) -> bool:
    """Return ``value`` after checking that it is ``True`` or ``False`` (numpy bools too)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {type(value).__name__} {value!r}")
    return bool(value)


def check_choice(name: str, value, options):
    """Return ``value`` after checking that it is one of ``options`` (strings, say)."""
    options = tuple(options)
    if not any(value is o or (type(value) is type(o) and value == o) for o in options):
        raise ValueError(f"{name} must be one of {', '.join(repr(o) for o in options)}; "
                         f"got {value!r}")
    return value


def check_instance(name: str, value, types, what: str | None = None):
    """Return ``value`` after checking that it is an instance of ``types``."""
    if not isinstance(value, types):
        if what is None:
            classes = types if isinstance(types, tuple) else (types,)
            what = " or ".join(c.__name__ for c in classes)
        raise TypeError(f"{name} must be a {what}; got {type(value).__name__}")
    return value


def check_methods(name: str, value, methods) -> object:
    """Return ``value`` after checking that it has the callable ``methods`` (duck typing)."""
    missing = [m for m in methods if not callable(getattr(value, m, None))]
    if missing:
        raise TypeError(f"{name} must be a model with {', '.join(m + '()' for m in methods)}; "
                        f"got {type(value).__name__} without {', '.join(missing)}")
    return value


def check_callable(name: str, value):
    """Return ``value`` after checking that it can be called."""
    if not callable(value):
        raise TypeError(f"{name} must be callable; got {type(value).__name__} {value!r}")
    return value


def check_float_range(name: str, value, low: float | None = None, high: float | None = None,
                      *, low_open: bool = False, high_open: bool = False) -> float:
    """Return ``value`` as a finite ``float`` after checking that it lies in an interval.

    ``low`` and ``high`` (``None``: unbounded) are included unless
    ``low_open``/``high_open``; the message names ``name`` and the interval.
    """
    value = check_finite_float(name, value)
    below = low is not None and (value <= low if low_open else value < low)
    above = high is not None and (value >= high if high_open else value > high)
    if below or above:
        left = "-inf" if low is None else f"{low:g}"
        right = "inf" if high is None else f"{high:g}"
        interval = f"{'(' if low_open or low is None else '['}{left}, {right}" \
                   f"{')' if high_open or high is None else ']'}"
        raise ValueError(f"{name} must lie in {interval}; got {value}")
    return value


def check_nonnegative_float(name: str, value) -> float:
    """Return ``value`` as a ``float`` after checking that it is finite and ``>= 0``."""
    return check_float_range(name, value, 0.0)


def check_labels(name: str, value, n: int | None = None) -> list[str]:
    """Check a sequence of label strings (an alphabet, legend entries); at least ``n`` if given.

    A string counts as a sequence of one-character labels (``"abc"``).
    """
    if isinstance(value, (str, list, tuple)) and all(isinstance(v, str) for v in value):
        labels = list(value)
    else:
        raise TypeError(f"{name} must be a sequence of strings; got {type(value).__name__}")
    if n is not None and len(labels) < n:
        raise ValueError(f"{name} must hold at least {n} labels; got {len(labels)}")
    return labels


def check_finite_float(name: str, value) -> float:
    """Return ``value`` as a ``float`` after checking that it is a finite real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(value).__name__} {value!r}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    return value


def as_float_array(name: str, value, *, ndim: int | tuple[int, ...] | None = None,
                   shape: tuple[int | None, ...] | None = None) -> np.ndarray:
    """Convert ``value`` to a finite float64 array and check its shape.

    Parameters
    ----------
    name : str
        The argument's name, used in error messages.
    value : array_like
        Real numbers. Complex, string and object arrays are refused.
    ndim : int or tuple of int, optional
        The allowed numbers of dimensions.
    shape : tuple of (int or None), optional
        The expected shape; ``None`` entries match any length. Implies ``ndim``.

    Returns
    -------
    numpy.ndarray
        A float64 array (a copy only when a conversion was needed).

    Raises
    ------
    TypeError
        If ``value`` is not numeric.
    ValueError
        If it has the wrong number of dimensions or shape, or contains NaN or inf.
    """
    if type(value) is np.ndarray and value.dtype == np.float64:
        arr = value               # the common case, checked without conversions
    else:
        try:
            arr = np.asarray(value)
        except Exception as exc:  # ragged nested lists, for example
            raise ValueError(
                f"{name} must be a rectangular numeric array ({exc}); for sequences of "
                "unequal length use rnnbook.sequences.pad_sequences, which also returns the "
                "mask") from exc
        if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.integer)
                                     or np.issubdtype(arr.dtype, np.floating)):
            raise TypeError(f"{name} must be a real numeric array; got dtype {arr.dtype}")
        arr = arr.astype(np.float64, copy=False)
    if shape is not None:
        ndim = len(shape)
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(str(n) for n in allowed)
            raise ValueError(f"{name} must have {want} dimensions; got shape {arr.shape}")
    if shape is not None:
        if any(want is not None and got != want for got, want in zip(arr.shape, shape)):
            pretty = "(" + ", ".join("any" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"{name} must have shape {pretty}; got {arr.shape}")
    if arr.size <= 2 ** 16:
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} contains NaN or inf")
    # NaN propagates through min and max, and an inf is one of them: all finite
    # exactly when both are, checked without a boolean array the size of arr
    elif not (np.isfinite(arr.min()) and np.isfinite(arr.max())):
        raise ValueError(f"{name} contains NaN or inf")
    return arr


def as_symbols(name: str, value, n_symbols: int) -> np.ndarray:
    """Check a symbolic sequence: a 1-D array of integers in ``0 .. n_symbols - 1``.

    Returns
    -------
    numpy.ndarray
        The symbols as an int64 array of shape ``(T,)``.
    """
    n_symbols = check_positive_int("n_symbols", n_symbols)
    arr = np.asarray(value)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D array of symbol indices; got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integer symbol indices; got dtype {arr.dtype}")
    bad = (arr < 0) | (arr >= n_symbols)  # before any cast, so no value wraps round
    if np.any(bad):
        first = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name} has symbol {arr[first]} at position {first}, outside the alphabet "
            f"of {n_symbols} symbols (0 .. {n_symbols - 1})"
        )
    return arr.astype(np.int64, copy=False)


def check_smoothing(alpha) -> float:
    """Check an additive-smoothing constant: a finite number ``> 0``."""
    alpha = check_finite_float("alpha", alpha)
    if alpha <= 0:
        raise ValueError(f"alpha must be positive (additive smoothing); got {alpha}")
    return alpha


def check_smoothings(alphas) -> list[float]:
    """Check a non-empty list of additive-smoothing constants (for a sweep)."""
    if isinstance(alphas, (str, bytes)) or not hasattr(alphas, "__iter__"):
        raise TypeError(f"alphas must be a sequence of smoothing constants; got {alphas!r}")
    alphas = [check_positive_float("alphas", a) for a in alphas]
    if not alphas:
        raise ValueError("alphas must hold at least one smoothing constant")
    return alphas


def check_valid_test(valid, test, n_symbols: int):
    """Check the validation and (optional) test sequences of a model-choice sweep.

    Returns ``(valid, test)`` as int64 symbol arrays (``test`` may be ``None``);
    both must be non-empty.
    """
    valid = as_symbols("valid", valid, n_symbols)
    if valid.size == 0:
        raise ValueError("valid is empty; model choice needs validation data")
    if test is not None:
        test = as_symbols("test", test, n_symbols)
        if test.size == 0:
            raise ValueError("test is empty")
    return valid, test


def check_positive_float(name: str, value) -> float:
    """Return ``value`` as a ``float`` after checking that it is a finite real number ``> 0``.

    Raises ``TypeError`` for a non-number (bools too) and ``ValueError`` for
    NaN, inf, zero or a negative number; the message names ``name``.
    """
    value = check_finite_float(name, value)
    if value <= 0:
        raise ValueError(f"{name} must be positive; got {value}")
    return value
