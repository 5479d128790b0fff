r"""Fixed input-driven contractions: the chaos game and the fractal coding of sequences.

The lecture's fixed, simple, input-driven dynamics: every symbol of an
alphabet of size ``A`` sits at a corner :math:`t(s)` of the unit hypercube
:math:`[0, 1]^D`, :math:`D = \lceil \log_2 A \rceil`, and reading a symbol
moves the state a fixed fraction of the way towards its corner,

.. math::

    x(t) = k\, x(t-1) + (1 - k)\, t\big(u(t)\big), \qquad 0 < k < 1 .

With four symbols at the corners of the unit square and :math:`k = 1/2` this
is the lecture's map and Jeffrey's (1990) chaos-game representation of
DNA. Each symbol's map :math:`w_s(x) = k x + (1 - k) t(s)` is
a contraction by exactly ``k``; together they form an iterated function
system whose attractor holds the codes of all infinite histories. Two
sequences that share their last ``L`` symbols are coded within
:math:`k^L \sqrt{D}` of each other (Tino and Dorffner 2001).

* :class:`ContractiveCoder`: the map as a :class:`~rnnbook.core.StateSpaceModel`
  (a reservoir with ``W_rc = k I`` and ``W_ri = (1 - k) T``), with a fast coder
  for long symbol sequences (:meth:`~ContractiveCoder.code`), the codes of
  every n-block of a sequence (:meth:`~ContractiveCoder.block_codes`) and of
  given blocks (:meth:`~ContractiveCoder.code_blocks`);
* :func:`binary_corners`, :data:`JEFFREY_CORNERS`: where the symbols sit;
* :func:`all_blocks`, :func:`common_suffix_lengths`, :func:`suffix_distance_profile`:
  blocks, shared suffixes, and distances between states against shared suffixes;
* :func:`box_counts`, :func:`box_counting_dimension`, :func:`similarity_dimension`:
  the fractal dimension of a cloud of codes, measured and predicted.

Introduced in chapter 6, *Fixed input-driven dynamics*; used in chapter 7,
*Mapping sequences with contractions*.
"""

from __future__ import annotations

import itertools
import math
from typing import NamedTuple

import numpy as np
from scipy.signal import lfilter

from rnnbook.core import StateSpaceModel
from rnnbook.validation import (
    as_float_array,
    as_symbols,
    check_finite_float,
    check_nonnegative_int,
    check_positive_int,
)
from rnnbook.validation import MAX_SIZE

#: Jeffrey's (1990) chaos-game corners for DNA over the alphabet ``"ACGT"``:
#: A bottom left (0, 0), C top left (0, 1), G top right (1, 1), T bottom right (1, 0).
JEFFREY_CORNERS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0]])
JEFFREY_CORNERS.flags.writeable = False

#: The largest number of blocks :func:`all_blocks` will list.
MAX_BLOCKS = 2 ** 22


def _check_k(k) -> float:
    k = check_finite_float("k", k)
    if not 0.0 < k < 1.0:
        raise ValueError(f"k must lie strictly between 0 and 1 (a contraction); got {k}")
    return k


def _check_n_symbols(n_symbols) -> int:
    n_symbols = check_positive_int("n_symbols", n_symbols)
    if n_symbols < 2:
        raise ValueError(f"n_symbols must be at least 2 (an alphabet of one symbol has "
                         f"nothing to code); got {n_symbols}")
    return n_symbols


def binary_corners(n_symbols: int) -> np.ndarray:
    """The corners of the unit hypercube that code the symbols of an alphabet.

    Symbol ``i`` sits at the corner given by the binary digits of ``i``, most
    significant first, in ``D = ceil(log2(n_symbols))`` dimensions. For four
    symbols: 0 at (0, 0), 1 at (0, 1), 2 at (1, 0), 3 at (1, 1).

    Parameters
    ----------
    n_symbols : int
        Alphabet size, at least 2.

    Returns
    -------
    numpy.ndarray, shape ``(n_symbols, D)``, float64
    """
    n_symbols = _check_n_symbols(n_symbols)
    n_dims = max(1, math.ceil(math.log2(n_symbols)))
    powers = 2 ** np.arange(n_dims - 1, -1, -1)
    return ((np.arange(n_symbols)[:, None] // powers) % 2).astype(np.float64)


class ContractiveCoder(StateSpaceModel):
    r"""The lecture's fixed input-driven contraction (the chaos game).

    .. math::

        x(t) = k\, x(t-1) + (1 - k)\, t\big(u(t)\big)

    It is the lecture's state-space model with a fixed recurrent map
    ``W_rc = k I`` and input map ``W_ri = (1 - k) T``, where column ``s`` of
    ``T`` is the corner :math:`t(s)` of symbol ``s``, and no nonlinearity: read
    one-hot, symbol ``s`` drives the state with ``(1 - k) t(s)``. A reservoir
    that is never trained.

    Parameters
    ----------
    n_symbols : int
        Alphabet size ``A``, at least 2.
    k : float
        Contraction coefficient, ``0 < k < 1``; the lecture's ``1/2`` by default.
    corners : array_like, shape ``(n_symbols, D)``, optional
        Where the symbols sit: distinct points of ``[0, 1]^D``. By default
        :func:`binary_corners` (symbol ``i`` at the binary digits of ``i``,
        ``D = ceil(log2 A)``); :data:`JEFFREY_CORNERS` is Jeffrey's layout for DNA.
    x0 : array_like, shape ``(D,)``, optional
        The initial state, a point of ``[0, 1]^D``; the centre of the hypercube
        by default.

    Attributes
    ----------
    n_inputs : int
        ``A`` (inputs are one-hot vectors for :meth:`run`).
    n_states : int
        ``D``.
    W_ri, W_rc : numpy.ndarray
        ``(1 - k) T`` of shape ``(D, A)`` and ``k I`` of shape ``(D, D)``.

    Notes
    -----
    :meth:`run` steps through time like every state-space model;
    :meth:`code` computes the same states for a symbol sequence without a
    Python loop and is the one to use for long sequences. Introduced in
    chapter 6, *Fixed input-driven dynamics*.
    """

    n_outputs = None

    def __init__(self, n_symbols: int = 4, k: float = 0.5, *, corners=None, x0=None):
        self.n_symbols = _check_n_symbols(n_symbols)
        self.k = _check_k(k)
        if corners is None:
            corners = binary_corners(self.n_symbols)
        else:
            corners = as_float_array("corners", corners, ndim=2).copy()
            if corners.shape[0] != self.n_symbols or corners.shape[1] == 0:
                raise ValueError(f"corners must have shape ({self.n_symbols}, D) with D >= 1, "
                                 f"one point per symbol; got {corners.shape}")
            if np.any(corners < 0) or np.any(corners > 1):
                raise ValueError("corners must lie in the unit hypercube [0, 1]^D")
            if len(np.unique(corners, axis=0)) != self.n_symbols:
                raise ValueError("corners must be distinct: two symbols share a corner")
        corners.flags.writeable = False
        self.corners = corners
        n_dims = corners.shape[1]
        if x0 is None:
            x0 = np.full(n_dims, 0.5)
        else:
            x0 = self._check_x0(as_float_array("x0", x0, shape=(n_dims,)))
        x0.flags.writeable = False
        self.x0 = x0

    # sizes follow the corners
    @property
    def n_inputs(self) -> int:
        return self.n_symbols

    @property
    def n_states(self) -> int:
        return self.corners.shape[1]

    @property
    def W_ri(self) -> np.ndarray:
        """Input-to-state weights ``(1 - k) T``, shape ``(D, A)``."""
        return (1.0 - self.k) * self.corners.T

    @property
    def W_rc(self) -> np.ndarray:
        """State-to-state weights ``k I``, shape ``(D, D)``."""
        return self.k * np.eye(self.n_states)

    def _check_x0(self, x0: np.ndarray) -> np.ndarray:
        if np.any(x0 < 0) or np.any(x0 > 1):
            raise ValueError(f"x0 must lie in the unit hypercube [0, 1]^{self.n_states}; "
                             f"got {x0}")
        return x0

    def _initial(self, x0) -> np.ndarray:
        if x0 is None:
            return self.x0
        return self._check_x0(as_float_array("x0", x0, shape=(self.n_states,)))

    # ------------------------------------------------------------ the model
    def input_drive(self, u: np.ndarray) -> np.ndarray:
        """``(1 - k) t(u(t))`` for every step at once: ``u @ W_ri.T``, shape ``(..., D)``."""
        return u @ self.W_ri.T

    def transition(self, drive_t: np.ndarray, x_prev: np.ndarray) -> np.ndarray:
        """``k x(t-1) + drive_t``."""
        return self.k * x_prev + drive_t

    def initial_state(self) -> np.ndarray:
        """The default initial state (the centre of the hypercube unless ``x0`` was given)."""
        return self.x0.copy()

    # ------------------------------------------------ coding symbol sequences
    def _symbols(self, symbols) -> np.ndarray:
        symbols = as_symbols("symbols", symbols, self.n_symbols)
        if symbols.size == 0:
            raise ValueError("symbols must hold at least one symbol; got an empty sequence")
        return symbols

    def code(self, symbols, x0=None) -> np.ndarray:
        r"""The code of every position of a symbol sequence, without a loop over time.

        .. math::

            x(t) = k^t x(0) + \sum_{j=1}^{t} (1 - k)\, k^{t-j}\, t(s_j)

        computed as a first-order recursive filter along time
        (:func:`scipy.signal.lfilter`), one pass per state dimension. The
        result equals :meth:`run` on the one-hot inputs.

        Parameters
        ----------
        symbols : array_like of int, shape ``(T,)``
            Symbol indices ``0 .. n_symbols - 1``, ``T >= 1``.
        x0 : array_like, shape ``(D,)``, optional
            Initial state; :attr:`x0` by default.

        Returns
        -------
        numpy.ndarray, shape ``(T, D)``
            Row ``t`` is the state after reading ``symbols[: t + 1]``.
        """
        symbols = self._symbols(symbols)
        x0 = self._initial(x0)
        drive = (1.0 - self.k) * self.corners[symbols]
        states, _ = lfilter([1.0], [1.0, -self.k], drive, axis=0,
                            zi=(self.k * x0)[None, :])
        return states

    def block_codes(self, symbols, n: int, x0=None) -> np.ndarray:
        r"""The code of every block of ``n`` consecutive symbols, each read from ``x0``.

        Row ``i`` is the state reached from ``x0`` after reading the block
        ``symbols[i : i + n]`` and nothing else,

        .. math::

            k^n x(0) + \sum_{m=0}^{n-1} (1 - k)\, k^{m}\, t(s_{i + n - 1 - m}),

        computed as a finite filter along time (cost proportional to ``T n``).

        Parameters
        ----------
        symbols : array_like of int, shape ``(T,)``
        n : int
            Block length, ``1 <= n <= T``.
        x0 : array_like, shape ``(D,)``, optional

        Returns
        -------
        numpy.ndarray, shape ``(T - n + 1, D)``
        """
        symbols = self._symbols(symbols)
        n = check_positive_int("n", n)
        if n > symbols.size:
            raise ValueError(f"n must not exceed the length of symbols ({symbols.size}); "
                             f"got {n}")
        x0 = self._initial(x0)
        taps = (1.0 - self.k) * self.k ** np.arange(n)
        filtered = lfilter(taps, [1.0], self.corners[symbols], axis=0)
        return filtered[n - 1:] + self.k ** n * x0

    def code_blocks(self, blocks, x0=None) -> np.ndarray:
        """The codes of given blocks of equal length, each read from ``x0``.

        Parameters
        ----------
        blocks : array_like of int, shape ``(N, n)``
            ``N`` blocks of ``n >= 1`` symbols (for example from :func:`all_blocks`).
        x0 : array_like, shape ``(D,)``, optional

        Returns
        -------
        numpy.ndarray, shape ``(N, D)``
            Row ``i`` is the state after reading ``blocks[i]`` from ``x0``.
        """
        blocks = np.asarray(blocks)
        if blocks.ndim != 2 or blocks.shape[1] == 0:
            raise ValueError(f"blocks must have shape (N, n) with n >= 1; got {blocks.shape}")
        as_symbols("blocks", blocks.ravel(), self.n_symbols)
        x0 = self._initial(x0)
        n = blocks.shape[1]
        weights = (1.0 - self.k) * self.k ** np.arange(n - 1, -1, -1)
        return np.einsum("j,njd->nd", weights, self.corners[blocks]) + self.k ** n * x0

    def suffix_bound(self, length) -> np.ndarray | float:
        r"""The bound :math:`k^L \sqrt{D}` on the distance between the codes of two
        sequences that share their last ``L`` symbols.

        The codes differ by :math:`k^L` times the difference of two points of
        the hypercube, whose diameter is :math:`\sqrt{D}`.

        Parameters
        ----------
        length : int or array_like of int
            Common suffix length(s) ``L >= 0``.
        """
        length = np.asarray(length)
        if not np.issubdtype(length.dtype, np.integer) or np.any(length < 0):
            raise ValueError("length must be a non-negative integer or an array of them")
        bound = self.k ** length.astype(float) * math.sqrt(self.n_states)
        return float(bound) if bound.ndim == 0 else bound

    def __repr__(self) -> str:
        return (f"ContractiveCoder(n_symbols={self.n_symbols}, k={self.k:g}, "
                f"n_states={self.n_states})")


def all_blocks(n_symbols: int, n: int) -> np.ndarray:
    """Every block of ``n`` symbols over an alphabet of ``n_symbols``, in lexicographic order.

    Returns
    -------
    numpy.ndarray, shape ``(n_symbols ** n, n)``, int64
        Row ``i`` holds the base-``n_symbols`` digits of ``i``, most significant first.
    """
    n_symbols = check_positive_int("n_symbols", n_symbols)
    n = check_positive_int("n", n)
    if n_symbols ** n > MAX_BLOCKS:
        raise ValueError(f"n_symbols ** n = {n_symbols ** n} blocks is more than "
                         f"{MAX_BLOCKS}; ask for shorter blocks")
    return np.array(list(itertools.product(range(n_symbols), repeat=n)), dtype=np.int64)


def common_suffix_lengths(symbols, first, second, max_length: int) -> np.ndarray:
    """How many final symbols the prefixes ending at two positions share, for many pairs.

    For each pair ``(i, j)`` this is the largest ``L <= max_length`` with
    ``symbols[i - m] == symbols[j - m]`` for ``m = 0 .. L - 1``; it also stops
    at the start of the sequence (position ``i`` has only ``i + 1`` symbols).

    Parameters
    ----------
    symbols : array_like of int, shape ``(T,)``
    first, second : array_like of int, shape ``(P,)``
        Positions ``0 .. T - 1``.
    max_length : int
        The longest suffix compared, a positive integer. No common suffix is
        longer than ``T`` (position ``i`` has ``i + 1 <= T`` symbols), so a
        ``max_length`` above ``T`` gives the same result as ``T``: the
        comparison runs ``min(max_length, T)`` rounds, and time and memory do
        not grow with ``max_length``.

    Returns
    -------
    numpy.ndarray, shape ``(P,)``, int64
    """
    symbols = as_symbols("symbols", symbols, MAX_SIZE)
    if symbols.size == 0:
        raise ValueError("symbols must be a non-empty 1-D array")
    max_length = check_positive_int("max_length", max_length)
    first, second = np.asarray(first), np.asarray(second)
    if first.shape != second.shape or first.ndim != 1:
        raise ValueError("first and second must be 1-D arrays of the same length; got "
                         f"shapes {first.shape} and {second.shape}")
    for name, pos in (("first", first), ("second", second)):
        if pos.size and (not np.issubdtype(pos.dtype, np.integer)
                         or pos.min() < 0 or pos.max() >= symbols.size):
            raise ValueError(f"{name} must hold integer positions 0 .. {symbols.size - 1}")
    lengths = np.zeros(first.shape, dtype=np.int64)
    alive = np.ones(first.shape, dtype=bool)
    for m in range(min(max_length, symbols.size)):   # no suffix is longer than T
        i, j = first - m, second - m
        alive &= (i >= 0) & (j >= 0)
        alive[alive] &= symbols[i[alive]] == symbols[j[alive]]
        lengths += alive
    return lengths


class BoxCounting(NamedTuple):
    """The result of :func:`box_counting_dimension`.

    Attributes
    ----------
    dimension : float
        The fitted slope of ``log N(eps)`` against ``log(1/eps)``.
    intercept : float
        The fit's intercept (natural logarithms).
    exponents : numpy.ndarray, shape ``(J,)``
        The box sides ``eps = base**-j`` used in the fit.
    counts : numpy.ndarray, shape ``(J,)``
        The number of occupied boxes at each side.
    """

    dimension: float
    intercept: float
    exponents: np.ndarray
    counts: np.ndarray


def box_counts(points, exponents, *, base: float = 2.0) -> np.ndarray:
    """Count the boxes of side ``base**-j`` of the unit hypercube that hold at least one point.

    Parameters
    ----------
    points : array_like, shape ``(N, D)``
        Points of ``[0, 1]^D`` (a point on the upper face counts in the last box).
    exponents : array_like of int, shape ``(J,)``
        Non-negative ``j``; the grid at ``j`` has ``ceil(base**j)`` boxes along each axis.
    base : float
        Greater than 1; 2 by default (dyadic boxes). A base of ``1/k`` aligns
        the boxes with the pieces of an iterated function system that
        contracts by ``k``.

    Returns
    -------
    numpy.ndarray, shape ``(J,)``, int64
    """
    points = as_float_array("points", points, ndim=2)
    if points.shape[0] == 0 or points.shape[1] == 0:
        raise ValueError(f"points must hold at least one point; got shape {points.shape}")
    if np.any(points < 0) or np.any(points > 1):
        raise ValueError("points must lie in the unit hypercube [0, 1]^D")
    exponents = np.asarray(exponents)
    if (exponents.ndim != 1 or exponents.size == 0
            or not np.issubdtype(exponents.dtype, np.integer) or np.any(exponents < 0)):
        raise ValueError("exponents must be a non-empty 1-D array of non-negative integers")
    base = check_finite_float("base", base)
    if base <= 1:
        raise ValueError(f"base must be greater than 1; got {base}")
    if np.any(exponents * points.shape[1] * math.log2(base) > 60):
        raise ValueError("exponents too large: the box index must fit in 62 bits")
    counts = []
    for j in exponents.tolist():
        scale = base ** j
        side = math.ceil(scale - 1e-9)  # boxes per axis (the last one may be cut short)
        cells = np.minimum((points * scale).astype(np.int64), side - 1)
        key = np.zeros(points.shape[0], dtype=np.int64)
        for column in cells.T:
            key = key * side + column
        if side ** points.shape[1] <= 2 ** 24:  # a table of all boxes is cheaper than sorting
            counts.append(int(np.count_nonzero(np.bincount(key))))
        else:
            counts.append(np.unique(key).size)
    return np.array(counts, dtype=np.int64)


def box_counting_dimension(points, exponents, *, base: float = 2.0) -> BoxCounting:
    r"""Estimate the box-counting dimension of a cloud of points.

    Counts the occupied boxes :math:`N(\varepsilon)` of side
    :math:`\varepsilon = b^{-j}` (base :math:`b = 2` by default) for each ``j``
    and fits a straight line to :math:`\log N(\varepsilon)` against
    :math:`\log(1/\varepsilon)` by least squares; the slope estimates the
    dimension. Choose the exponents where the line is straight: coarse enough
    that the boxes are well filled by the finite cloud (far fewer boxes than
    points), fine enough to see the self-similar structure.

    Parameters
    ----------
    points : array_like, shape ``(N, D)``
        Points of the unit hypercube; drop a transient of the chaos game first.
    exponents : array_like of int, shape ``(J,)``
        At least two distinct values.
    base : float
        The boxes' side is ``base**-j``; see :func:`box_counts`.

    Returns
    -------
    BoxCounting
    """
    exponents = np.asarray(exponents)
    counts = box_counts(points, exponents, base=base)
    if np.unique(exponents).size < 2:
        raise ValueError("exponents must hold at least two distinct values to fit a slope")
    slope, intercept = np.polyfit(exponents * math.log(base), np.log(counts), 1)
    return BoxCounting(float(slope), float(intercept), exponents.copy(), counts)


def similarity_dimension(n_maps: int, k: float) -> float:
    r"""The similarity dimension :math:`\log m / \log(1/k)` of ``m`` maps contracting by ``k``.

    It is the box-counting (and Hausdorff) dimension of the attractor of the
    iterated function system when the images of the maps do not overlap (the
    open set condition; for symbols at distinct corners of the hypercube,
    whenever ``k <= 1/2``). With overlaps it is only an upper bound.
    """
    n_maps = check_positive_int("n_maps", n_maps)
    k = _check_k(k)
    return math.log(n_maps) / math.log(1.0 / k)


class SuffixProfile(NamedTuple):
    """The result of :func:`suffix_distance_profile`.

    Attributes
    ----------
    lengths : numpy.ndarray, shape ``(max_length + 1,)``, int64
        Common suffix lengths ``0 .. max_length`` (the last one means "at least").
    mean_distance, max_distance : numpy.ndarray, shape ``(max_length + 1,)``
        Mean and largest distance between the states of the pairs with that
        common suffix length (NaN where there is no pair).
    counts : numpy.ndarray, shape ``(max_length + 1,)``, int64
        How many pairs have that common suffix length.
    overall_mean : float
        The mean distance over all pairs, for normalising.
    """

    lengths: np.ndarray
    mean_distance: np.ndarray
    max_distance: np.ndarray
    counts: np.ndarray
    overall_mean: float


def suffix_distance_profile(states, symbols, max_length: int, *, n_pairs: int = 200_000,
                            skip: int = 0, seed=None,
                            n_symbols: int | None = None) -> SuffixProfile:
    """How far apart the states of a run are, against how many final symbols their histories share.

    Draws ``n_pairs`` random pairs of distinct positions ``(i, j)`` of one run,
    measures the common suffix length of ``symbols[: i + 1]`` and
    ``symbols[: j + 1]`` (:func:`common_suffix_lengths`, capped at
    ``max_length``) and the Euclidean distance of ``states[i]`` and
    ``states[j]``, and summarises the distances per common suffix length. A
    state space organised by suffix (a Markovian one) shows distances that
    shrink geometrically with the length.

    Parameters
    ----------
    states : array_like, shape ``(T, n_states)``
        ``states[t]`` is the state after reading ``symbols[t]`` (any model).
    symbols : array_like of int, shape ``(T,)``
        Non-negative integer symbol indices; with ``n_symbols``, each below it.
    max_length : int
        The longest common suffix told apart: a positive integer at most
        ``T`` (two distinct positions share at most ``T - 1`` symbols; the
        result holds ``max_length + 1`` entries, so it is checked first).
    n_pairs : int
        How many random pairs to draw.
    skip : int
        Positions ``0 .. skip - 1`` (a transient) are never drawn.
    seed : int, numpy.random.Generator or None
    n_symbols : int, optional
        The alphabet size; if given, every symbol must lie in ``0 .. n_symbols - 1``.

    Returns
    -------
    SuffixProfile
    """
    from rnnbook.validation import as_generator

    states = as_float_array("states", states, ndim=2)
    symbols = np.asarray(symbols)
    if symbols.shape != states.shape[:1]:
        raise ValueError(f"symbols must have shape ({states.shape[0]},) to match states; "
                         f"got {symbols.shape}")
    if n_symbols is not None:
        symbols = as_symbols("symbols", symbols, n_symbols)
    elif symbols.size and not np.issubdtype(symbols.dtype, np.integer):
        raise TypeError(f"symbols must hold integer symbol indices; got dtype {symbols.dtype}")
    elif symbols.size and symbols.min() < 0:
        first_bad = int(np.flatnonzero(symbols < 0)[0])
        raise ValueError(f"symbols must hold non-negative symbol indices; got "
                         f"{symbols[first_bad]} at position {first_bad}")
    max_length = check_positive_int("max_length", max_length)
    if max_length > states.shape[0]:
        raise ValueError(f"max_length must be at most the length of the run, "
                         f"{states.shape[0]} (no two positions share a longer suffix); "
                         f"got {max_length}")
    n_pairs = check_positive_int("n_pairs", n_pairs)
    skip = check_nonnegative_int("skip", skip)
    if states.shape[0] - skip < 2:
        raise ValueError(f"states must hold at least two positions after skip={skip}")
    rng = as_generator(seed)
    first = rng.integers(skip, states.shape[0], n_pairs)
    second = rng.integers(skip, states.shape[0], n_pairs)
    keep = first != second
    first, second = first[keep], second[keep]
    lengths = common_suffix_lengths(symbols, first, second, max_length)
    distance = np.linalg.norm(states[first] - states[second], axis=1)
    counts = np.bincount(lengths, minlength=max_length + 1)
    sums = np.bincount(lengths, weights=distance, minlength=max_length + 1)
    largest = np.full(max_length + 1, -np.inf)
    np.maximum.at(largest, lengths, distance)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    largest[counts == 0] = np.nan
    return SuffixProfile(np.arange(max_length + 1), mean, largest, counts,
                         float(distance.mean()))
