"""Reporting numbers so that they reproduce on every reader's machine.

The stored outputs of the book are checked on other machines, whose CPUs, BLAS
kernels and thread counts change the last bits of a floating-point result. A
number is printed or glued only to the digits that such a change cannot move:

* :func:`significant` rounds a result (or every number in a list, tuple,
  dict or array) to a few significant digits before it is glued;
* :func:`glue` records a rounded value as ``myst_nb.glue`` does, for the text
  and the appendix;
* :func:`small` prints a quantity that is zero up to round-off (a gap, a
  difference of two equal numbers) as a bound, ``"< 1e-12"``, instead of its
  round-off digits;
* :func:`paired_difference` gives the mean difference of two models' losses
  on the same test steps with a standard error from contiguous blocks, the
  uncertainty that goes with a claim that one model is better than another.

Used in every chapter.
"""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple

import numpy as np

from rnnbook.validation import as_float_array, check_finite_float, check_positive_int

__all__ = ["PairedDifference", "glue", "paired_difference", "significant", "small"]


def _round_float(value: float, digits: int) -> float:
    if value == 0 or not math.isfinite(value):
        return value
    exponent = math.floor(math.log10(abs(value)))
    return round(value, digits - 1 - exponent)


def significant(value, digits: int = 4):
    """Round a number, or every number in a container, to significant digits.

    Parameters
    ----------
    value : float, int, bool, numpy scalar or array, list, tuple or dict
        What to round. Integers and booleans are returned unchanged (counts are
        exact); floats are rounded to ``digits`` significant digits; containers
        are rounded element by element and keep their type (a NumPy array
        becomes a list of Python numbers, which is how ``glue`` stores it).
    digits : int, default 4
        Significant digits to keep, at least 1.

    Returns
    -------
    The rounded value, with Python ``float`` and ``int`` in place of NumPy
    scalars.

    Examples
    --------
    >>> significant(0.000234312)
    0.0002343
    >>> significant({"a": [1.23456, 7], "b": 2.0}, 2)
    {'a': [1.2, 7], 'b': 2.0}
    """
    digits = check_positive_int("digits", digits, maximum=17)   # a float64 holds 17
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return _round_float(float(value), digits)
    if isinstance(value, np.ndarray):
        return significant(value.tolist(), digits)
    if isinstance(value, dict):
        return {key: significant(item, digits) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(significant(item, digits) for item in value)
    raise TypeError(f"value must be a number or a list, tuple, dict or array of numbers, "
                    f"got {type(value).__name__}")


def glue(name: str, value, digits: int = 4, display: bool = False,
         floor: float | None = None) -> None:
    """Glue ``significant(value, digits)`` under ``name`` for the text.

    A drop-in for ``myst_nb.glue`` in the chapters: the same call, with the
    value rounded first.

    The stored output then holds only digits that reproduce on another machine;
    the appendix and ``tests/test_claims.py`` read the same rounded value.

    Parameters
    ----------
    name : str
        The glue key, quoted in the text as ``{glue:text}`name```.
    value : number or container of numbers
        See :func:`significant`.
    digits : int, default 4
        Significant digits kept.
    display : bool, default False
        Also display the value in the cell (as ``myst_nb.glue`` does).
    floor : float, optional
        For a number that is zero up to round-off (a difference of two equal
        results): below ``floor`` in absolute value it is glued as ``0.0``,
        the value every machine agrees on (print it with :func:`small`).
    """
    if not isinstance(display, bool):
        raise TypeError(f"display must be a bool, got {type(display).__name__}")
    if not isinstance(name, str) or not name:
        raise TypeError(f"name must be a non-empty str, got {name!r}")
    if floor is not None:
        floor = check_finite_float("floor", floor)
        if floor <= 0:
            raise ValueError(f"floor must be positive, got {floor}")
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(f"value must be a number when floor is given, got "
                            f"{type(value).__name__}")
        if abs(value) < floor:
            value = 0.0
    rounded = significant(value, digits)
    _record(name, rounded, display)


# How myst-nb finds a glued value in a notebook: a display output whose
# metadata has "scrapbook" with the value's name and the prefix of its mime
# types; the prefix below hides the value from the page (display=False), an
# empty one shows it. The output is written here rather than by myst_nb.glue,
# whose import (nbformat, jsonschema) costs every chapter's kernel about a
# second; tests/test_report.py checks that the two outputs are the same.
_HIDDEN = "application/papermill.record/"


def _record(name: str, value, display: bool) -> None:
    from IPython.core.formatters import format_display_data
    from IPython.display import display as show

    bundle, metadata = format_display_data(value)
    prefix = "" if display else _HIDDEN
    metadata["scrapbook"] = {"name": name, "mime_prefix": prefix}
    show({prefix + mime: data for mime, data in bundle.items()}, raw=True,
         metadata=metadata)


def small(value, floor: float = 1e-12, spec: str = ".1e") -> str:
    """Format a quantity that may be zero up to round-off.

    Parameters
    ----------
    value : float
        A non-negative size: a distance, a gap, an absolute difference.
    floor : float, default 1e-12
        Below this the value is round-off on any machine and is printed as
        ``"< floor"``; at or above it, with ``spec``.
    spec : str, default ".1e"
        Format specification for values at or above ``floor``.

    Returns
    -------
    str

    Examples
    --------
    >>> small(6.2e-15)
    '< 1e-12'
    >>> small(2.2e-05)
    '2.2e-05'
    """
    value = check_finite_float("value", value)
    floor = check_finite_float("floor", floor)
    if floor <= 0:
        raise ValueError(f"floor must be positive, got {floor}")
    if not isinstance(spec, str):
        raise TypeError(f"spec must be a format str, got {type(spec).__name__}")
    try:
        text = format(value, spec)
    except ValueError:
        raise ValueError(f"spec must be a format specification for a float, such as "
                         f"'.1e'; got {spec!r}") from None
    return f"< {floor:.0e}" if abs(value) < floor else text


class PairedDifference(NamedTuple):
    """Result of :func:`paired_difference`: unpacks as ``mean, stderr``."""

    mean: float
    stderr: float


def paired_difference(first, second, n_blocks: int = 10) -> PairedDifference:
    """Mean of ``first - second`` over the same test steps, with a block standard error.

    ``first`` and ``second`` are two models' losses (a squared error, a
    negative log-likelihood) at the same steps of one test sequence. Pairing
    them removes what the steps have in common (a hard stretch is hard for
    both). Neighbouring steps are not independent, so the standard error is
    not that of single steps: the differences are cut into ``n_blocks``
    contiguous blocks, as equal as possible (``numpy.array_split``), and the
    standard error is the standard deviation of the block means (``ddof=1``)
    over ``sqrt(n_blocks)``. Blocks much longer than the losses' correlation
    are nearly independent; shorter ones make the error too small.

    Parameters
    ----------
    first, second : array_like, shape ``(T,)``
        Finite losses, step by step.
    n_blocks : int, default 10
        At least 2 and at most ``T``.

    Returns
    -------
    PairedDifference
        ``mean`` (negative where ``first`` has the smaller loss) and ``stderr``.

    Examples
    --------
    >>> paired_difference([1.0, 2.0, 3.0, 4.0], [1.0, 1.0, 1.0, 1.0], n_blocks=2)
    PairedDifference(mean=1.5, stderr=1.0)
    """
    first = as_float_array("first", first, ndim=1)
    if first.size == 0:
        raise ValueError("first is empty: there are no test steps to compare")
    second = as_float_array("second", second, shape=first.shape)
    n_blocks = check_positive_int("n_blocks", n_blocks)
    if n_blocks < 2:
        raise ValueError(f"n_blocks must be at least 2 to estimate a standard error; "
                         f"got {n_blocks}")
    if n_blocks > first.size:
        raise ValueError(f"n_blocks ({n_blocks}) must not exceed the number of steps "
                         f"({first.size})")
    diff = first - second
    means = [block.mean() for block in np.array_split(diff, n_blocks)]
    return PairedDifference(float(diff.mean()), float(np.std(means, ddof=1) / np.sqrt(n_blocks)))
