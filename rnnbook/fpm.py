r"""Prediction machines: next-symbol models read out from the state of a fixed map.

A **prediction machine** runs a state-space model over a symbolic sequence
and predicts the next symbol from the **context** its state falls in. The
contexts partition the state space; each holds the counts ``N(c, x)`` of the
symbols ``x`` that followed a training state in context ``c``, smoothed
additively as in :mod:`rnnbook.markov`,

.. math::

    P(x \mid c) = \frac{N(c, x) + \alpha}{N(c) + A\,\alpha},
    \qquad N(c) = \sum_x N(c, x).

Only this readout is learned, by counting; the state map is fixed. The
counting readout is a linear readout fitted by least squares on one-hot
indicators of the context, as in reservoir computing
(:func:`cell_indicators`, :func:`fit_indicator_readout`,
:func:`indicator_readout_proba`).

* :func:`fit_fpm`: the **fractal prediction machine** (FPM) of Tiňo and
  Dorffner (2001). The state is the contractive (fractal) code of the history
  (:class:`rnnbook.contractive.ContractiveCoder`); the contexts are found by
  vector quantisation, ``M`` codebook vectors placed by k-means
  (:func:`rnnbook.clustering.kmeans`: Lloyd's algorithm, as
  :func:`scipy.cluster.vq.kmeans2` but with exact distances), and a state's
  context is its nearest codebook vector. Histories that share a long suffix
  have nearby codes, so dense regions of the code (frequent suffixes) get many
  small contexts and sparse regions few large ones: contexts of variable
  length, chosen by the geometry of the code.
* :func:`fit_grid_fpm`: the same with a regular grid of ``2**L`` cells along
  each axis instead of k-means. With ``k = 1/2`` and symbols at the corners
  of the hypercube (the default coder) the cell of a code *is* the suffix of
  length ``L``, and the machine is the order-``L`` n-gram of
  :func:`rnnbook.markov.fit_ngram`, to rounding: it counts the same symbols,
  falls back to coarser cells (shorter suffixes) where a cell was never seen
  in training, and uses level ``h`` for a history of only ``h < L`` symbols.
* :func:`fit_npm`: the **neural prediction machine** (NPM) of Tiňo,
  Čerňanský and Beňušková (2004): the k-means machine on the states of a
  recurrent network (:class:`rnnbook.RNN`, trained or not) instead of the
  fractal code.
* :func:`fpm_sweep`: fit machines of several sizes, choose the smoothing on
  validation data and score them, as :func:`rnnbook.markov.ngram_sweep` does
  for n-grams (the result is a :class:`rnnbook.markov.Sweep`);
  :func:`fpm_sweeps` does it for several k-means seeds on one set of states.

Held-out data are scored by the negative log-likelihood per symbol in log
base ``A`` (:meth:`PredictionMachine.nll`), exactly as
:meth:`rnnbook.markov.ContextTree.nll`.

Introduced in chapter 11, *Fractal prediction machines*.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Sequence

import numpy as np
from scipy.spatial import cKDTree

from rnnbook.clustering import ITERATIONS, _lloyd, _starting_centres
from rnnbook.contractive import ContractiveCoder
from rnnbook.core import StateSpaceModel
from rnnbook.markov import DEFAULT_ALPHAS, Sweep, check_scored_sequence
from rnnbook.readout import Readout
from rnnbook.sequences import one_hot
from rnnbook.validation import (
    SeedLike,
    as_float_array,
    as_generator,
    as_symbols,
    check_finite_float,
    check_nonnegative_int,
    check_positive_int,
    check_smoothing,
    check_smoothings,
    check_valid_test,
)

__all__ = [
    "PredictionMachine",
    "CodebookMachine",
    "GridMachine",
    "fit_fpm",
    "fit_grid_fpm",
    "fit_npm",
    "fpm_sweep",
    "fpm_sweeps",
    "cell_indicators",
    "fit_indicator_readout",
    "indicator_readout_proba",
]


# ------------------------------------------------------------------ checks
def _check_encoder(encoder, n_symbols: int) -> StateSpaceModel:
    if not isinstance(encoder, StateSpaceModel):
        raise TypeError("encoder must be a rnnbook.core.StateSpaceModel (a ContractiveCoder "
                        f"or an RNN, say); got {type(encoder).__name__}")
    if encoder.n_inputs != n_symbols:
        raise ValueError(f"encoder reads {encoder.n_inputs} inputs, but the alphabet has "
                         f"{n_symbols} symbols (one-hot inputs)")
    return encoder


def _check_skip(skip, n_train: int) -> int:
    skip = check_nonnegative_int("skip", skip)
    if skip >= n_train:
        raise ValueError(f"skip={skip} leaves no training symbol to count (the training "
                         f"sequence holds {n_train})")
    return skip


def _encoder_states(encoder: StateSpaceModel, full: np.ndarray, n_symbols: int) -> np.ndarray:
    """States before every symbol of ``full``: row ``t`` has read ``full[:t]``.

    Shape ``(T, n_states)``; row 0 is the encoder's initial state.
    """
    if full.size == 0:
        return encoder.initial_state()[None, :]
    if isinstance(encoder, ContractiveCoder):
        after = encoder.code(full)                 # fast, no loop over time
    else:
        after = encoder.run(one_hot(full, n_symbols)).states
    return np.vstack([encoder.initial_state()[None, :], after[:-1]])


# ------------------------------------------------------------------ nearest codebook vectors
class _HistoryGroups:
    """The states of one sequence grouped by their recent symbols, for nearest-vector search.

    A contractive code puts the histories that share their last ``L`` symbols
    in a box ``k**L`` wide, and so do many networks. A whole group whose
    bounding ball (centre ``c``, radius ``r``) has a clear nearest codebook
    vector goes to it without asking for its states one by one: if the nearest
    and second-nearest vectors of ``c`` are ``d1`` and ``d2`` away and
    ``d2 - d1 > 2 r``, every state of the group is nearer to the first (by the
    triangle inequality). The ball is the bounding box's (its centre and half
    diagonal). Groups that fail are split by more symbols and tried again, up
    to ``MAX_LENGTH`` symbols; the states left over are queried one by one.
    The test keeps a margin far above rounding (``1e-9`` of the distances plus
    ``1e-12`` of the coordinates, since a rounded centre is off by an ulp of
    its coordinates), so every state gets exactly the vector that querying it
    alone gives; near-ties go to those per-state queries. Which states go
    together only changes the speed, never the result.

    Built once per sequence (sorting the states by their recent symbols and
    bounding every group), then :meth:`nearest` serves any codebook. On
    chapter 11's text codes (210,000 states, 16 to 2048 vectors) the search was
    1.2 to 2.4 times faster for ``k = 1/2`` and 3 to 8 times for ``k = 0.3``.
    """

    MAX_LENGTH = 16       # the longest suffix that groups are split by

    def __init__(self, full: np.ndarray, read: np.ndarray, states: np.ndarray):
        # row i of states has read full[:read[i]]; a group shares its last L symbols
        self.full, self.read = full, read
        n = states.shape[0]
        base = int(full.max(initial=0)) + 2              # the symbols and "none that far back"
        depth = min(self.MAX_LENGTH, max(1, int(62 // np.log2(base))))   # keys fit in int64
        padded = np.concatenate([np.full(depth, base - 1, dtype=np.int64), full])
        last = read + (depth - 1)                        # row i's last symbol: padded[last[i]]
        lags, key = [], np.zeros(n, dtype=np.int64)
        for j in range(depth):                           # j = 0: the most recent symbol
            lags.append(padded[last - j])
            key = key * base + lags[-1]
        order = np.argsort(key, kind="stable")           # by the most recent symbol, then ...
        self.order = order
        self.states = states[order]
        self.scale = float(np.abs(states).max(initial=0.0))
        columns = np.ascontiguousarray(self.states.T)    # reduceat runs along rows faster
        new = np.zeros(n, dtype=bool)                   # first row of a group (sorted order)
        new[:1] = True
        self.levels = []                                 # per suffix length: the groups
        previous = None
        for lag in lags:
            sorted_lag = lag[order]
            new[1:] |= sorted_lag[1:] != sorted_lag[:-1]
            starts = np.flatnonzero(new)
            if previous is not None and starts.size < 1.5 * previous.size:
                continue                                 # few groups split: not worth a level
            if starts.size > n // 2:                     # mostly single states: query them
                break
            low = np.minimum.reduceat(columns, starts, axis=1).T
            high = np.maximum.reduceat(columns, starts, axis=1).T
            parent = (None if previous is None
                      else np.searchsorted(previous, starts, side="right") - 1)
            self.levels.append((starts, np.diff(np.append(starts, n)), parent,
                                0.5 * (low + high), 0.5 * np.linalg.norm(high - low, axis=1)))
            previous = starts

    @classmethod
    def of_sequence(cls, full: np.ndarray, skip: int, states: np.ndarray) -> "_HistoryGroups":
        """Groups of ``states``, whose row ``i`` has read ``full[:skip + i]``."""
        return cls(full, skip + np.arange(states.shape[0]), states)

    def subset(self, rows: np.ndarray, states: np.ndarray) -> "_HistoryGroups":
        """Groups of ``states``, the given rows of the states grouped here."""
        return _HistoryGroups(self.full, self.read[rows], states)

    def nearest(self, tree: cKDTree) -> np.ndarray:
        """The index of each state's nearest vector of the tree's codebook (as ``tree.query``)."""
        n = self.states.shape[0]
        # the rounding of a centre is relative to the coordinates, not to the distances:
        # near-ties (two vectors a few ulp apart) go to the per-state queries
        slack = 1e-12 * (self.scale + np.abs(tree.data).max(initial=0.0))
        found = np.full(n, -1, dtype=np.int64)           # in sorted order
        failed = None                                    # per group of the last level tried
        # a group is clear only if its box is smaller than a vector's cell: start
        # where there are at least a quarter as many groups as vectors
        sizes_of_levels = [level[0].size for level in self.levels]
        first = next((i for i, g in enumerate(sizes_of_levels) if 4 * g >= tree.n),
                     len(self.levels) - 1)
        for starts, sizes, parent, centres, radii in self.levels[max(first, 0):]:
            if failed is None:
                failed = np.ones(starts.size, dtype=bool)
                asked = np.arange(starts.size)
            else:
                if not failed.any():
                    break
                # a group that did not split has its parent's box, which failed already
                split = np.bincount(parent, minlength=failed.size) > 1
                failed = failed[parent]
                asked = np.flatnonzero(failed & split[parent])
            distance, index = tree.query(centres[asked], k=2)
            d1, d2 = distance[:, 0], distance[:, 1]
            reach = 2 * radii[asked]
            clear = d2 - d1 > reach + 1e-9 * (d1 + reach) + slack   # d2 is inf for one vector
            label = np.full(starts.size, -1, dtype=np.int64)
            label[asked[clear]] = index[clear, 0]
            rows = np.repeat(label, sizes)
            found[rows >= 0] = rows[rows >= 0]
            failed[asked[clear]] = False
            if np.count_nonzero(found < 0) < 2 * np.count_nonzero(failed):
                break                                    # about one state per group left
        left = np.flatnonzero(found < 0)
        if left.size:
            found[left] = tree.query(self.states[left])[1]
        rows = np.empty(n, dtype=np.int64)
        rows[self.order] = found
        return rows


# ------------------------------------------------------------------ the models
class PredictionMachine(StateSpaceModel):
    """A next-symbol model read out from the context of a fixed state map's state.

    As a :class:`~rnnbook.core.StateSpaceModel` it reads one-hot symbols
    (``n_inputs = A``), moves its state with the underlying ``encoder``'s map
    ``f`` and reads out ``h(x) = P(. | context(x))`` (``n_outputs = A``): the
    output after reading ``s(t)`` is the distribution of ``s(t + 1)``.

    Build one with :func:`fit_fpm`, :func:`fit_grid_fpm` or :func:`fit_npm`.
    Subclasses say how a state is assigned to a context (:meth:`_rows`).

    Attributes
    ----------
    encoder : rnnbook.core.StateSpaceModel
        The fixed state map (a contractive coder or a recurrent network).
    n_symbols : int
        Alphabet size ``A``.
    alpha : float
        The additive smoothing constant.
    skip : int
        Training symbols before position ``skip`` were not counted.
    n_train : int
        The number of training symbols counted.
    """

    def __init__(self, encoder: StateSpaceModel, n_symbols: int, counts: np.ndarray,
                 alpha: float, skip: int, used: np.ndarray):
        self.encoder = encoder
        self.n_symbols = n_symbols
        self.alpha = alpha
        self.skip = skip
        self._counts = counts                       # (rows, A): N(c, x)
        self._totals = counts.sum(axis=1)           # (rows,): N(c)
        self._used = used                           # rows that predict training symbols
        # each training symbol once: a grid machine's table stacks every level,
        # and its used rows are the finest level's
        self.n_train = int(counts[used].sum()) if used.size else 0
        self.n_outputs = n_symbols

    # ------------------------------------------------------------ for subclasses
    @abstractmethod
    def _rows(self, states: np.ndarray) -> np.ndarray:
        """The context (a row of the count table) of each state, shape ``(N,)``."""

    def _states(self, symbols: np.ndarray, before: np.ndarray | None) -> np.ndarray:
        """The state before each of ``symbols`` (after ``before`` and the symbols so far)."""
        full = symbols if before is None else np.concatenate([before, symbols])
        return _encoder_states(self.encoder, full, self.n_symbols)[full.size - symbols.size:]

    # ----------------------------------------------------------- state-space view
    @property
    def n_inputs(self) -> int:
        return self.n_symbols

    @property
    def n_states(self) -> int:
        return self.encoder.n_states

    def input_drive(self, u: np.ndarray) -> np.ndarray:
        """The encoder's input drive."""
        return self.encoder.input_drive(u)

    def transition(self, drive_t: np.ndarray, x_prev: np.ndarray) -> np.ndarray:
        """The encoder's state transition: the map is fixed, never trained."""
        return self.encoder.transition(drive_t, x_prev)

    def initial_state(self) -> np.ndarray:
        return self.encoder.initial_state()

    def output(self, x: np.ndarray) -> np.ndarray:
        """The smoothed next-symbol distribution of the context of each state."""
        shape = x.shape[:-1]
        rows = self._rows(x.reshape(-1, x.shape[-1]))
        return self._table(rows).reshape(shape + (self.n_symbols,))

    # ----------------------------------------------------------- structure
    @property
    def n_contexts(self) -> int:
        """The number of contexts actually used: those that predicted at least one
        training symbol (for a grid machine, the occupied cells of the finest grid)."""
        return int(self._used.size)

    def context_counts(self) -> np.ndarray:
        """The next-symbol counts ``N(c, x)`` of the used contexts, shape ``(n_contexts, A)``."""
        return self._counts[self._used].copy()

    def with_alpha(self, alpha: float) -> "PredictionMachine":
        """The same machine with another smoothing constant ``alpha > 0``."""
        import copy

        model = copy.copy(self)
        model.alpha = check_smoothing(alpha)
        return model

    # ----------------------------------------------------------- prediction
    def _table(self, rows: np.ndarray) -> np.ndarray:
        return (self._counts[rows] + self.alpha) / (
            self._totals[rows, None] + self.n_symbols * self.alpha)

    def _check_sequence(self, symbols, before):
        return check_scored_sequence(symbols, before, self.n_symbols)

    def predict_proba(self, symbols, *, before=None) -> np.ndarray:
        """Next-symbol distributions along a sequence.

        Parameters
        ----------
        symbols : array_like of int, shape ``(T,)``
        before : array_like of int, shape ``(T0,)``, optional
            Symbols that precede ``symbols`` (read, not predicted).

        Returns
        -------
        numpy.ndarray, shape ``(T, A)``
            Row ``t`` is the distribution of ``symbols[t]`` given everything
            before it; row 0 comes from the state after ``before`` alone (the
            initial state if it is not given). Each row sums to 1.
        """
        symbols, before = self._check_sequence(symbols, before)
        return self._table(self._rows(self._states(symbols, before)))

    def losses(self, symbols, *, before=None) -> np.ndarray:
        """The log-loss :math:`-\\log_A P(s(t) \\mid s(0), \\dots, s(t-1))` of every symbol.

        Returns
        -------
        numpy.ndarray, shape ``(T,)``
            Their mean is :meth:`nll`.
        """
        symbols, before = self._check_sequence(symbols, before)
        rows = self._rows(self._states(symbols, before))
        return self._losses(rows, symbols, np.array([self.alpha]))[0]

    def nll(self, symbols, *, before=None) -> float:
        """Negative log-likelihood per symbol, in log base ``A`` (1 is chance).

        Parameters
        ----------
        symbols : array_like of int, shape ``(T,)``, ``T >= 1``
        before : array_like of int, optional
            History preceding ``symbols`` (see :meth:`predict_proba`).
        """
        return float(self.losses(symbols, before=before).mean())

    def _losses(self, rows: np.ndarray, targets: np.ndarray, alphas: np.ndarray) -> np.ndarray:
        # the smoothing of rnnbook.markov, for several alphas at once: shape (n_alphas, T)
        n_wx = self._counts[rows, targets]
        n_w = self._totals[rows]
        alphas = np.asarray(alphas, dtype=float)[:, None]
        logp = np.log((n_wx + alphas) / (n_w + self.n_symbols * alphas))
        return -logp / np.log(max(self.n_symbols, 2))


class CodebookMachine(PredictionMachine):
    """A prediction machine whose contexts are the Voronoi cells of a codebook.

    A state's context is its nearest codebook vector (Euclidean distance).
    With the fractal code for a state this is Tiňo and Dorffner's fractal
    prediction machine; with a recurrent network's state, a neural prediction
    machine. Build it with :func:`fit_fpm` or :func:`fit_npm`, or from a
    given codebook with :meth:`from_codebook`.

    Attributes
    ----------
    codebook : numpy.ndarray, shape ``(M, n_states)``
        The codebook vectors (cluster centres), one per context.
    """

    def __init__(self, encoder, n_symbols, codebook, counts, alpha, skip, used):
        super().__init__(encoder, n_symbols, counts, alpha, skip, used)
        self.codebook = codebook
        self._tree = cKDTree(codebook)

    def _rows(self, states: np.ndarray) -> np.ndarray:
        _, nearest = self._tree.query(states)
        return np.asarray(nearest, dtype=np.int64)

    @classmethod
    def from_codebook(cls, symbols, encoder: StateSpaceModel, codebook, *,
                      alpha: float = 0.1, skip: int = 0) -> "CodebookMachine":
        """Count the next symbols of a training sequence per nearest codebook vector.

        Parameters
        ----------
        symbols : array_like of int, shape ``(T,)``
            The training sequence.
        encoder : rnnbook.core.StateSpaceModel
            The fixed state map; it reads one-hot symbols (``n_inputs = A``).
        codebook : array_like, shape ``(M, n_states)``
            The context centres, ``M >= 1``.
        alpha : float
            Additive smoothing constant, positive.
        skip : int
            The first ``skip`` symbols are read but not counted (a transient).

        Returns
        -------
        CodebookMachine
        """
        n_symbols = encoder.n_inputs if isinstance(encoder, StateSpaceModel) else None
        encoder = _check_encoder(encoder, n_symbols)
        symbols = _check_training_symbols("symbols", symbols, n_symbols)
        codebook = as_float_array("codebook", codebook, shape=(None, encoder.n_states))
        if codebook.shape[0] == 0:
            raise ValueError("codebook must hold at least one vector")
        alpha = check_smoothing(alpha)
        skip = _check_skip(skip, symbols.size)
        states = _encoder_states(encoder, symbols, n_symbols)
        return cls._count(encoder, n_symbols, codebook, states[skip:], symbols[skip:], alpha,
                          skip)

    @classmethod
    def _count(cls, encoder, n_symbols, codebook, states, targets, alpha, skip, groups=None):
        tree = cKDTree(codebook)
        # the nearest codebook vector of each state; with the states' _HistoryGroups
        # the same vectors, found for whole groups of similar histories at once
        rows = tree.query(states)[1] if groups is None else groups.nearest(tree)
        counts = np.zeros((codebook.shape[0], n_symbols), dtype=np.int64)
        np.add.at(counts, (rows, targets), 1)
        used = np.flatnonzero(np.bincount(rows, minlength=codebook.shape[0]))  # = np.unique
        return cls(encoder, n_symbols, codebook.copy(), counts, alpha, skip, used)

    def __repr__(self) -> str:
        return (f"CodebookMachine(encoder={self.encoder!r}, codebook_size="
                f"{self.codebook.shape[0]}, n_contexts={self.n_contexts}, "
                f"alpha={self.alpha:g})")


class GridMachine(PredictionMachine):
    """A fractal prediction machine on a regular grid, with fall-back to coarser grids.

    The code's cube ``[0, 1]^D`` is cut into ``2**j`` cells along each axis,
    for every level ``j = 0 .. L``. A state is predicted from its cell at the
    finest level ``j <= min(L, h)`` whose cell held training states, where
    ``h`` is the number of symbols read so far. For the default coder
    (``k = 1/2``, symbols at the corners of the cube) the level-``j`` cell of
    a code is exactly its suffix of length ``j``, so this is the order-``L``
    n-gram of :func:`rnnbook.markov.fit_ngram`.

    The state is the code and a clock: ``x = [code, min(h, L)]``
    (``n_states = D + 1``). Like the empty slots of the n-gram's shift
    register, the clock tells the readout how much history there is.

    Attributes
    ----------
    level : int
        ``L``, the finest grid (``2**L`` cells per axis).
    """

    def __init__(self, encoder, n_symbols, level, keys, offsets, counts, alpha, used):
        super().__init__(encoder, n_symbols, counts, alpha, level, used)
        self.level = level
        self._keys = keys          # per level: sorted occupied cell keys
        self._offsets = offsets    # per level: first row of that level in the count table

    @property
    def n_states(self) -> int:
        return self.encoder.n_states + 1

    def input_drive(self, u: np.ndarray) -> np.ndarray:
        return self.encoder.input_drive(u)

    def transition(self, drive_t: np.ndarray, x_prev: np.ndarray) -> np.ndarray:
        """The coder's contraction, and the clock counts up to ``L``."""
        code = self.encoder.transition(drive_t, x_prev[..., :-1])
        clock = np.minimum(x_prev[..., -1:] + 1.0, float(self.level))
        return np.concatenate([code, clock], axis=-1)

    def initial_state(self) -> np.ndarray:
        return np.append(self.encoder.initial_state(), 0.0)

    def _states(self, symbols, before):
        codes = super()._states(symbols, before)
        read = np.arange(symbols.size) + (0 if before is None else before.size)
        return np.column_stack([codes, np.minimum(read, self.level)])

    @staticmethod
    def _cell_keys(codes: np.ndarray, j: int) -> np.ndarray:
        side = 2 ** j
        cells = np.clip(np.floor(codes * side), 0, side - 1).astype(np.int64)
        key = np.zeros(codes.shape[0], dtype=np.int64)
        for column in cells.T:
            key = key * side + column
        return key

    def _rows(self, states: np.ndarray) -> np.ndarray:
        codes = states[:, :-1]
        deepest = np.minimum(np.rint(states[:, -1]).astype(np.int64), self.level)
        rows = np.full(states.shape[0], self._offsets[0], dtype=np.int64)  # the root
        for j in range(1, self.level + 1):
            keys = self._keys[j]
            if keys.size == 0:
                break
            key = self._cell_keys(codes, j)
            pos = np.minimum(np.searchsorted(keys, key), keys.size - 1)
            hit = (keys[pos] == key) & (deepest >= j)
            if not hit.any():
                break
            rows[hit] = self._offsets[j] + pos[hit]
            # a cell never seen has no seen sub-cell: coarser levels stand
        return rows

    def __repr__(self) -> str:
        return (f"GridMachine(encoder={self.encoder!r}, level={self.level}, "
                f"n_contexts={self.n_contexts}, alpha={self.alpha:g})")


# ------------------------------------------------------------------ fitting
def _default_coder(n_symbols: int, coder) -> ContractiveCoder:
    if coder is None:
        return ContractiveCoder(n_symbols, 0.5)
    if not isinstance(coder, ContractiveCoder):
        raise TypeError(f"coder must be a rnnbook.contractive.ContractiveCoder; got "
                        f"{type(coder).__name__}")
    if coder.n_symbols != n_symbols:
        raise ValueError(f"coder codes {coder.n_symbols} symbols, but n_symbols is "
                         f"{n_symbols}")
    return coder


def _check_level(level, n_dims: int) -> int:
    level = check_nonnegative_int("level", level)
    if level * n_dims > 62:
        raise ValueError(f"level={level} is too fine for a {n_dims}-dimensional code: "
                         "the cells cannot be numbered in 64-bit integers")
    return level


def fit_grid_fpm(symbols, n_symbols: int, level: int, *, coder: ContractiveCoder | None = None,
                 alpha: float = 0.1) -> GridMachine:
    """Fit a fractal prediction machine on a regular grid of ``2**level`` cells per axis.

    Every training symbol from position ``level`` on is counted in the cell
    of the code of its history at each level ``0 .. level`` (so that, like
    :func:`rnnbook.markov.fit_ngram`, every counted symbol has a history of
    full length).

    Parameters
    ----------
    symbols : array_like of int, shape ``(T,)``
        The training sequence, ``T > level``.
    n_symbols : int
        Alphabet size ``A``, at least 2.
    level : int
        ``L >= 0``; the finest grid has ``2**L`` cells along each of the code's
        ``D`` axes (``L * D <= 62``).
    coder : rnnbook.contractive.ContractiveCoder, optional
        The fractal code; ``ContractiveCoder(n_symbols, 0.5)`` by default, with
        which the machine equals the order-``L`` n-gram.
    alpha : float
        Additive smoothing constant, positive.

    Returns
    -------
    GridMachine
    """
    n_symbols = check_positive_int("n_symbols", n_symbols)
    coder = _default_coder(n_symbols, coder)
    level = _check_level(level, coder.n_states)
    alpha = check_smoothing(alpha)
    symbols = as_symbols("symbols", symbols, n_symbols)
    if symbols.size <= level:
        raise ValueError(f"symbols must hold more than level={level} symbols to count "
                         f"anything; got {symbols.size}")
    codes = _encoder_states(coder, symbols, n_symbols)[level:]
    targets = symbols[level:]
    keys, offsets, tables = [], [], []
    n_rows = 0
    for j in range(level + 1):
        cell = GridMachine._cell_keys(codes, j)
        occupied, rows = np.unique(cell, return_inverse=True)
        table = np.zeros((occupied.size, n_symbols), dtype=np.int64)
        np.add.at(table, (rows.ravel(), targets), 1)
        keys.append(occupied)
        offsets.append(n_rows)
        tables.append(table)
        n_rows += occupied.size
    used = offsets[level] + np.arange(keys[level].size)
    return GridMachine(coder, n_symbols, level, keys, offsets, np.vstack(tables), alpha, used)


def _kmeans_codebook(states: np.ndarray, n_contexts: int, rng: np.random.Generator,
                     n_fit: int | None, groups: _HistoryGroups | None = None) -> np.ndarray:
    """``n_contexts`` centres for ``states`` by :func:`rnnbook.clustering.kmeans`
    (``init="points"``), on ``n_fit`` states drawn first if ``n_fit`` is given.

    ``groups``, the :class:`_HistoryGroups` of ``states``, speeds up the
    assignments (the result is the same without).
    """
    data = states
    if n_fit is not None and n_fit < data.shape[0]:
        rows = np.sort(rng.choice(data.shape[0], n_fit, replace=False))
        data = data[rows]
        if groups is not None:
            groups = groups.subset(rows, data)
    codebook = _starting_centres(data, n_contexts, rng, "points", name="n_contexts",
                                 things="states",
                                 advice="ask for fewer contexts (or a larger n_fit)")
    return _lloyd(data, codebook, ITERATIONS,
                  None if groups is None else groups.nearest).centres


def _check_n_fit(n_fit):
    return None if n_fit is None else check_positive_int("n_fit", n_fit)


def _check_training_symbols(name: str, symbols, n_symbols) -> np.ndarray:
    """Training symbols: at least two (one history and the symbol after it)."""
    symbols = as_symbols(name, symbols, n_symbols)
    if symbols.size < 2:
        raise ValueError(f"{name} must hold at least 2 symbols to count a next symbol; "
                         f"got {symbols.size}")
    return symbols


def fit_npm(symbols, encoder: StateSpaceModel, n_contexts: int, *, alpha: float = 0.1,
            skip: int = 0, n_fit: int | None = None, seed: SeedLike = None) -> CodebookMachine:
    """Fit a prediction machine by k-means on the states of a fixed state map.

    The encoder reads the training sequence one-hot from its initial state;
    its states (from position ``skip`` on) are clustered into ``n_contexts``
    codebook vectors by k-means (:func:`rnnbook.clustering.kmeans` with
    initial centres drawn among the states: exact distances, so the
    clustering is the same on every CPU), and the symbol after each state is
    counted in the context of its nearest codebook vector. On the states of a recurrent
    network this is the neural prediction machine of Tiňo, Čerňanský and
    Beňušková (2004).

    Parameters
    ----------
    symbols : array_like of int, shape ``(T,)``
        The training sequence.
    encoder : rnnbook.core.StateSpaceModel
        Reads one-hot symbols (``n_inputs = A``): an :class:`rnnbook.RNN`, a
        :class:`~rnnbook.contractive.ContractiveCoder`, ...
    n_contexts : int
        ``M``, the number of codebook vectors; at most the number of distinct
        states clustered. Empty clusters are possible; :attr:`n_contexts` of
        the result counts the contexts actually used.
    alpha : float
        Additive smoothing constant, positive.
    skip : int
        The first ``skip`` states are neither clustered nor counted.
    n_fit : int, optional
        Cluster a random subset of this many states (all are counted); all
        states by default.
    seed : int, numpy.random.Generator or None
        For the subset and the initial centres.

    Returns
    -------
    CodebookMachine
    """
    n_symbols = encoder.n_inputs if isinstance(encoder, StateSpaceModel) else None
    encoder = _check_encoder(encoder, n_symbols)
    symbols = _check_training_symbols("symbols", symbols, n_symbols)
    n_contexts = check_positive_int("n_contexts", n_contexts)
    alpha = check_smoothing(alpha)
    skip = _check_skip(skip, symbols.size)
    n_fit = _check_n_fit(n_fit)
    rng = as_generator(seed)
    states = _encoder_states(encoder, symbols, n_symbols)[skip:]
    codebook = _kmeans_codebook(states, n_contexts, rng, n_fit)
    return CodebookMachine._count(encoder, n_symbols, codebook, states, symbols[skip:], alpha,
                                  skip)


def fit_fpm(symbols, n_symbols: int, n_contexts: int, *,
            coder: ContractiveCoder | None = None, alpha: float = 0.1, skip: int = 0,
            n_fit: int | None = None, seed: SeedLike = None) -> CodebookMachine:
    """Fit a fractal prediction machine (Tiňo and Dorffner 2001).

    :func:`fit_npm` on the fractal code: the contexts are ``n_contexts``
    k-means clusters of the codes of the training histories.

    Parameters
    ----------
    symbols : array_like of int, shape ``(T,)``
    n_symbols : int
        Alphabet size ``A``, at least 2.
    n_contexts : int
        ``M``, the number of codebook vectors.
    coder : rnnbook.contractive.ContractiveCoder, optional
        ``ContractiveCoder(n_symbols, 0.5)`` by default.
    alpha, skip, n_fit, seed
        As in :func:`fit_npm`.

    Returns
    -------
    CodebookMachine
    """
    n_symbols = check_positive_int("n_symbols", n_symbols)
    coder = _default_coder(n_symbols, coder)
    return fit_npm(symbols, coder, n_contexts, alpha=alpha, skip=skip, n_fit=n_fit, seed=seed)


# ------------------------------------------------------------------ model choice
def fpm_sweep(train, valid, test, encoder: StateSpaceModel, sizes: Sequence[int], *,
              skip: int = 0, n_fit: int | None = None, seed: SeedLike = None,
              alphas: Sequence[float] = DEFAULT_ALPHAS) -> Sweep:
    """Fit k-means prediction machines of several sizes, choose ``alpha`` on ``valid``, score.

    The encoder's states are computed once; one generator made from ``seed``
    draws the subsets and initial centres of all sizes in turn.

    Parameters
    ----------
    train, valid : array_like of int
        Training and validation sequences, each read from the encoder's
        initial state (an empty history), as in :func:`rnnbook.markov.ngram_sweep`.
    test : array_like of int or None
        Scored with every machine, never used for a choice.
    encoder : rnnbook.core.StateSpaceModel
        A :class:`~rnnbook.contractive.ContractiveCoder` (fractal prediction
        machines) or a network (neural prediction machines).
    sizes : sequence of int
        The codebook sizes ``M`` to fit.
    skip, n_fit, seed
        As in :func:`fit_npm`.
    alphas : sequence of float
        The smoothing constants to choose from, separately for each size.

    Returns
    -------
    rnnbook.markov.Sweep
        ``settings`` are the codebook sizes, ``n_contexts`` the contexts
        actually used, ``best`` the machine with the lowest validation NLL
        (on ties the one with fewer contexts); ``min_count`` is 1.
    """
    return fpm_sweeps(train, valid, test, encoder, sizes, skip=skip, n_fit=n_fit,
                      seeds=[as_generator(seed)], alphas=alphas)[0]


def fpm_sweeps(train, valid, test, encoder: StateSpaceModel, sizes: Sequence[int], *,
               seeds: Sequence[SeedLike], skip: int = 0, n_fit: int | None = None,
               alphas: Sequence[float] = DEFAULT_ALPHAS) -> list[Sweep]:
    """:func:`fpm_sweep` once for each of several k-means seeds, sharing what the seed does not change.

    The encoder's states of the three sequences, and their grouping for the
    nearest-vector search, are computed once for all seeds. Each result is
    the one ``fpm_sweep(..., seed=seed)`` returns.

    Parameters
    ----------
    train, valid, test, encoder, sizes, skip, n_fit, alphas
        As in :func:`fpm_sweep`.
    seeds : sequence of (int, numpy.random.Generator or None)
        One sweep per seed, in this order.

    Returns
    -------
    list of rnnbook.markov.Sweep
    """
    n_symbols = encoder.n_inputs if isinstance(encoder, StateSpaceModel) else None
    encoder = _check_encoder(encoder, n_symbols)
    train = _check_training_symbols("train", train, n_symbols)
    valid, test = check_valid_test(valid, test, n_symbols)
    alphas = np.array(check_smoothings(alphas))
    sizes = [check_positive_int("sizes", m) for m in sizes]
    if not sizes:
        raise ValueError("sizes must hold at least one codebook size")
    skip = _check_skip(skip, train.size)
    n_fit = _check_n_fit(n_fit)
    if isinstance(seeds, (str, bytes, dict)) or not hasattr(seeds, "__len__"):
        raise TypeError(f"seeds must be a sequence of seeds (one sweep each); got {seeds!r}")
    generators = []
    for i, seed in enumerate(seeds):
        try:
            generators.append(as_generator(seed))
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"seeds[{i}]: {exc}") from None
    if not generators:
        raise ValueError("seeds must hold at least one seed")
    states = _encoder_states(encoder, train, n_symbols)[skip:]
    groups = _HistoryGroups.of_sequence(train, skip, states)
    scored = {}
    for part, symbols in (("valid", valid), ("test", test)):
        if symbols is not None:
            part_states = _encoder_states(encoder, symbols, n_symbols)
            scored[part] = (symbols, _HistoryGroups.of_sequence(symbols, 0, part_states))
    return [_sweep_one_seed(encoder, n_symbols, train[skip:], skip, states, groups, scored,
                            sizes, n_fit, rng, alphas) for rng in generators]


def _sweep_one_seed(encoder, n_symbols, targets, skip, states, groups, scored, sizes, n_fit,
                    rng, alphas) -> Sweep:
    models, chosen, valid_nll, test_nll = [], [], [], []
    for size in sizes:
        codebook = _kmeans_codebook(states, size, rng, n_fit, groups)
        model = CodebookMachine._count(encoder, n_symbols, codebook, states, targets,
                                       alphas[0], skip, groups)
        symbols, part_groups = scored["valid"]
        scores = model._losses(part_groups.nearest(model._tree), symbols, alphas).mean(axis=1)
        i = int(np.argmin(scores))
        model = model.with_alpha(alphas[i])
        models.append(model)
        chosen.append(alphas[i])
        valid_nll.append(scores[i])
        if "test" not in scored:
            test_nll.append(np.nan)
        else:
            symbols, part_groups = scored["test"]
            test_nll.append(model._losses(part_groups.nearest(model._tree), symbols,
                                          alphas[i:i + 1]).mean())
    n_contexts = np.array([m.n_contexts for m in models], dtype=np.int64)
    valid_nll = np.array(valid_nll)
    best = int(np.lexsort((n_contexts, valid_nll))[0])
    return Sweep(np.array(sizes), tuple(models), n_contexts, np.array(chosen), valid_nll,
                 np.array(test_nll), best, 1)


# ------------------------------------------------------------------ reading the contexts
def context_suffix_lengths(machine: CodebookMachine, symbols, *, max_length: int = 32,
                           max_members: int | None = None) -> np.ndarray:
    """The longest suffix shared by all the training histories of each used context.

    A context of a k-means machine is a set of histories; if they all end
    with the same ``L`` symbols, the context acts like a Markov context of
    length ``L`` (a VLMM's leaf, say). This measures that ``L`` for every used
    context, capped at ``max_length``.

    Parameters
    ----------
    machine : CodebookMachine
        Fitted on ``symbols``.
    symbols : array_like of int, shape ``(T,)``
        The training sequence the machine was fitted on.
    max_length : int
        The longest suffix compared.
    max_members : int, optional
        Not used for the comparison beyond this many histories per context
        (all by default).

    Returns
    -------
    numpy.ndarray of int64, shape ``(n_contexts,)``
        In the order of :meth:`PredictionMachine.context_counts`.
    """
    from rnnbook.contractive import common_suffix_lengths

    if not isinstance(machine, CodebookMachine):
        raise TypeError(f"machine must be a CodebookMachine; got {type(machine).__name__}")
    symbols = as_symbols("symbols", symbols, machine.n_symbols)
    max_length = check_positive_int("max_length", max_length)
    start = max(machine.skip, 1)                 # position 0 has an empty history
    if symbols.size <= start:
        raise ValueError("symbols is too short for the machine's skip")
    states = _encoder_states(machine.encoder, symbols, machine.n_symbols)[start:]
    rows = machine._rows(states)
    last = np.arange(start, symbols.size) - 1    # the last symbol of each history
    if max_members is not None:
        max_members = check_positive_int("max_members", max_members)
        order = np.argsort(rows, kind="stable")
        rank = np.arange(order.size) - np.searchsorted(rows[order], rows[order])
        keep = np.sort(order[rank < max_members])
        rows, last = rows[keep], last[keep]
    first = np.full(machine.codebook.shape[0], -1, dtype=np.int64)
    first[rows[::-1]] = last[::-1]               # one member of each context
    shared = common_suffix_lengths(symbols, last, first[rows], max_length)
    lengths = np.full(machine.codebook.shape[0], max_length, dtype=np.int64)
    np.minimum.at(lengths, rows, shared)
    return lengths[machine._used]


# ------------------------------------------------------------------ the readout is linear
def _check_readout_alpha(alpha) -> float:
    alpha = check_finite_float("alpha", alpha)
    if alpha < 0:
        raise ValueError(f"alpha must be non-negative (0: no smoothing); got {alpha}")
    return alpha


def cell_indicators(cells, n_cells: int) -> np.ndarray:
    r"""One-hot indicators of the codebook cells: the features of the linear readout.

    .. math::

        z_j(t) = \begin{cases} 1 & j = c(t) \\ 0 & \text{otherwise} \end{cases},
        \qquad j = 0, \dots, M - 1,

    that is :math:`\mathbf{z}(t) = \mathbf{e}_{c(t)}`, where :math:`c(t)` is
    the cell (context) of the state before symbol ``t``.

    Parameters
    ----------
    cells : array_like of int, shape ``(T,)``
        Cell indices in ``0 .. n_cells - 1``.
    n_cells : int
        ``M``, the number of cells (the codebook size, empty cells included).

    Returns
    -------
    numpy.ndarray of float64, shape ``(T, n_cells)``
        Row ``t`` is the unit vector of ``cells[t]``. Dense: ``T * M`` numbers.

    Introduced in chapter 11, *Fractal prediction machines*.
    """
    n_cells = check_positive_int("n_cells", n_cells)
    cells = as_symbols("cells", cells, n_cells)
    features = np.zeros((cells.size, n_cells))
    features[np.arange(cells.size), cells] = 1.0
    return features


def fit_indicator_readout(cells, targets, n_cells: int, n_symbols: int, *,
                          alpha: float = 0.0) -> Readout:
    r"""Fit a linear next-symbol readout by least squares on cell indicators.

    The features are :math:`\mathbf{z}(t) = \mathbf{e}_{c(t)} \in \mathbb{R}^M`
    (:func:`cell_indicators`), the targets the next symbol one-hot,
    :math:`\mathbf{d}(t) = \mathbf{e}_{s(t)} \in \mathbb{R}^A`. Additive
    smoothing is ``alpha`` pseudo-observations of every symbol ``x`` in every
    cell ``c``: extra rows with feature :math:`\mathbf{e}_c` and target
    :math:`\mathbf{e}_x`, weighted by ``alpha`` (each scaled by
    :math:`\sqrt\alpha`, so ``alpha`` need not be an integer). The readout
    minimises

    .. math::

        \sum_t \lVert W_{or}\, \mathbf{z}(t) - \mathbf{d}(t) \rVert^2

    .. math::

        \qquad + \; \alpha \sum_{c=1}^{M} \sum_{x=1}^{A}
          \lVert W_{or}\, \mathbf{e}_c - \mathbf{e}_x \rVert^2 .

    Every feature row holds a single 1, so the normal equations are diagonal:

    .. math::

        \sum_t \mathbf{z}(t)\mathbf{z}(t)^\top + \alpha A \sum_c
        \mathbf{e}_c \mathbf{e}_c^\top = \operatorname{diag}\bigl(N(c) + A\alpha\bigr),

    .. math::

        \Bigl[\sum_t \mathbf{z}(t)\mathbf{d}(t)^\top\Bigr]_{cx} + \alpha
        = N(c, x) + \alpha,

    with :math:`N(c, x)` the number of times symbol ``x`` followed a state in
    cell ``c`` and :math:`N(c) = \sum_x N(c, x)`. Hence

    .. math::

        W_{or}[x, c] = \frac{N(c, x) + \alpha}{N(c) + A\,\alpha},

    the smoothed count table of a :class:`PredictionMachine` (and of
    :mod:`rnnbook.markov`), and the readout of a state in cell ``c`` is column
    ``c``. With ``alpha = 0`` it is the mean of the targets in each cell, the
    relative frequency :math:`N(c, x) / N(c)`; a cell that no training state
    visits then has a zero feature column and no determined readout, so
    ``alpha = 0`` needs every cell visited. Since
    :math:`\sum_x \lVert \mathbf{w} - \mathbf{e}_x \rVert^2
    = A \lVert \mathbf{w} - \mathbf{1}/A \rVert^2 + \text{const}`, the
    pseudo-observations are the same as a ridge penalty
    :math:`A\alpha \lVert W_{or} - \mathbf{1}\mathbf{1}^\top / A \rVert_F^2`
    that pulls every column towards the uniform distribution.

    The problem is solved by :func:`numpy.linalg.lstsq` on the stacked rows,
    which does not know that the features are indicators: the equality with
    the counts is the result, not an assumption of the code. There is no bias
    ``t_o`` (it is zero): the indicators sum to 1, so a bias would duplicate them.

    Parameters
    ----------
    cells : array_like of int, shape ``(T,)``
        The cell of the state before each training symbol, in ``0 .. n_cells - 1``.
    targets : array_like of int, shape ``(T,)``
        The training symbol that followed, in ``0 .. n_symbols - 1``.
    n_cells : int
        ``M``, the number of cells.
    n_symbols : int
        ``A``, the alphabet size.
    alpha : float, default 0.0
        The smoothing constant, ``>= 0``.

    Returns
    -------
    rnnbook.readout.Readout
        ``W_or`` of shape ``(n_symbols, n_cells)`` and ``t_o = 0`` of shape
        ``(n_symbols,)``, the readout type of :func:`rnnbook.readout.fit_ridge`;
        ``readout.predict(cell_indicators(cells, n_cells))`` gives the
        next-symbol distributions, shape ``(T, n_symbols)``.

    Raises
    ------
    ValueError
        For cells or symbols out of range, ``cells`` and ``targets`` of
        different lengths, a negative ``alpha``, or ``alpha = 0`` with a cell
        that no training state visits.

    Introduced in chapter 11, *Fractal prediction machines*.
    """
    n_cells = check_positive_int("n_cells", n_cells)
    n_symbols = check_positive_int("n_symbols", n_symbols)
    alpha = _check_readout_alpha(alpha)
    cells = as_symbols("cells", cells, n_cells)
    targets = as_symbols("targets", targets, n_symbols)
    if targets.size != cells.size:
        raise ValueError(f"targets must have one symbol per cell index; got {targets.size} "
                         f"targets and {cells.size} cells")
    if alpha == 0:
        empty = np.flatnonzero(np.bincount(cells, minlength=n_cells) == 0)
        if empty.size:
            listed = ", ".join(str(c) for c in empty[:5]) + (", ..." if empty.size > 5 else "")
            raise ValueError(f"with alpha = 0 every cell needs a training state; cells "
                             f"without one: {listed} ({empty.size} of {n_cells}); use "
                             "alpha > 0")
    features = cell_indicators(cells, n_cells)
    desired = np.zeros((targets.size, n_symbols))
    desired[np.arange(targets.size), targets] = 1.0
    if alpha > 0:
        # alpha pseudo-observations of each symbol x in each cell c: one row
        # (e_c, e_x) per pair, scaled by sqrt(alpha)
        pair_cells = np.repeat(np.arange(n_cells), n_symbols)
        pair_symbols = np.tile(np.arange(n_symbols), n_cells)
        features = np.vstack([features,
                              np.sqrt(alpha) * cell_indicators(pair_cells, n_cells)])
        prior = np.zeros((pair_symbols.size, n_symbols))
        prior[np.arange(pair_symbols.size), pair_symbols] = np.sqrt(alpha)
        desired = np.vstack([desired, prior])
    W_t, *_ = np.linalg.lstsq(features, desired, rcond=None)
    return Readout(W_t.T.copy(), np.zeros(n_symbols))


def indicator_readout_proba(machine: CodebookMachine, train, symbols, *, before=None,
                            alpha: float | None = None) -> np.ndarray:
    """Next-symbol distributions from a codebook machine's cells, by a least-squares readout.

    Runs the machine's fixed state map over ``train`` (its training
    sequence), takes the cell of the state before every counted training
    symbol (from position ``machine.skip`` on), fits
    :func:`fit_indicator_readout` on those cells with the training symbols as
    targets, and applies the fitted readout to the cell indicators of the
    states along ``symbols``. With ``alpha = machine.alpha`` (the default)
    the result equals ``machine.predict_proba(symbols, before=before)`` up to
    round-off: the counting readout is this linear readout.

    Parameters
    ----------
    machine : CodebookMachine
        A k-means or codebook machine (:func:`fit_fpm`, :func:`fit_npm`,
        :meth:`CodebookMachine.from_codebook`).
    train : array_like of int, shape ``(T_train,)``
        The sequence ``machine`` was fitted on.
    symbols : array_like of int, shape ``(T,)``
        The sequence to predict along.
    before : array_like of int, shape ``(T0,)``, optional
        Symbols that precede ``symbols`` (read, not predicted), as in
        :meth:`PredictionMachine.predict_proba`.
    alpha : float, optional
        The smoothing constant, ``>= 0``; ``machine.alpha`` by default.

    Returns
    -------
    numpy.ndarray, shape ``(T, A)``
        Row ``t`` is the distribution of ``symbols[t]`` given everything before it.

    Raises
    ------
    TypeError
        If ``machine`` is not a :class:`CodebookMachine`.
    ValueError
        If ``train`` is not the sequence the machine was fitted on (its cells
        do not hold the machine's training counts), and as
        :func:`fit_indicator_readout`.

    Introduced in chapter 11, *Fractal prediction machines*.
    """
    if not isinstance(machine, CodebookMachine):
        raise TypeError(f"machine must be a CodebookMachine (fit_fpm, fit_npm); got "
                        f"{type(machine).__name__}")
    n_symbols, n_cells = machine.n_symbols, machine.codebook.shape[0]
    alpha = machine.alpha if alpha is None else _check_readout_alpha(alpha)
    train = as_symbols("train", train, n_symbols)
    if train.size <= machine.skip:
        raise ValueError(f"train holds {train.size} symbols, no more than the machine's "
                         f"skip={machine.skip}: it is not the sequence the machine was "
                         "fitted on")
    states = _encoder_states(machine.encoder, train, n_symbols)[machine.skip:]
    cells = machine._rows(states)
    if not np.array_equal(np.bincount(cells, minlength=n_cells), machine._totals):
        raise ValueError("train is not the sequence the machine was fitted on: its states "
                         "do not fall into the machine's cells as often as in training")
    readout = fit_indicator_readout(cells, train[machine.skip:], n_cells, n_symbols,
                                    alpha=alpha)
    symbols, before = machine._check_sequence(symbols, before)
    rows = machine._rows(machine._states(symbols, before))
    return readout.predict(cell_indicators(rows, n_cells))
