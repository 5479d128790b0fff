"""Seeded generators and encodings of input sequences.

A symbolic sequence is a 1-D integer array of symbol indices ``0 .. n_symbols - 1``
(plus, where it matters, an alphabet naming the symbols). Networks read it
one-hot encoded: symbol ``k`` becomes the ``k``-th unit vector.

Introduced in chapter 1, *State-space models*; later chapters add task generators.
"""

from __future__ import annotations

import numpy as np

from rnnbook.validation import SeedLike, as_float_array, as_generator, as_symbols, check_positive_int


def one_hot(symbols, n_symbols: int) -> np.ndarray:
    """One-hot encode a symbolic sequence.

    Parameters
    ----------
    symbols : array_like of int, shape ``(T,)``
        Symbol indices in ``0 .. n_symbols - 1``.
    n_symbols : int
        Alphabet size.

    Returns
    -------
    numpy.ndarray, shape ``(T, n_symbols)``, float64
        Row ``t`` is the unit vector of ``symbols[t]``.
    """
    symbols = as_symbols("symbols", symbols, n_symbols)
    return np.eye(n_symbols)[symbols]


def random_symbols(length: int, n_symbols: int, *, probabilities=None,
                   seed: SeedLike = None) -> np.ndarray:
    """Draw an i.i.d. symbolic sequence.

    Parameters
    ----------
    length, n_symbols : int
        Positive sizes.
    probabilities : array_like, shape ``(n_symbols,)``, optional
        Symbol probabilities (non-negative, summing to 1 within 1e-8); uniform by default.
    seed : int, numpy.random.Generator or None

    Returns
    -------
    numpy.ndarray, shape ``(length,)``, int64
    """
    length = check_positive_int("length", length)
    n_symbols = check_positive_int("n_symbols", n_symbols)
    if probabilities is not None:
        probabilities = as_float_array("probabilities", probabilities, shape=(n_symbols,))
        if np.any(probabilities < 0) or abs(probabilities.sum() - 1.0) > 1e-8:
            raise ValueError("probabilities must be non-negative and sum to 1; "
                             f"got {probabilities} (sum {probabilities.sum()})")
    rng = as_generator(seed)
    return rng.choice(n_symbols, size=length, p=probabilities).astype(np.int64)
