"""Fixed-order and variable-length Markov models of symbolic sequences.

A Markov model predicts the next symbol from a **context**, a suffix of the
symbols read so far. Contexts are written oldest symbol first, so the context
``w = (s(t-k), ..., s(t-1))`` of length ``k`` predicts ``s(t)``. Every model
here is a **context tree**: a suffix-closed set of contexts (with ``w`` it
holds ``w`` without its oldest symbol), each with the counts ``N(w, x)`` of the
symbols ``x`` that followed it in the training sequence. A model predicts with
the **longest context in the tree that is a suffix of the history**, smoothed
additively (Lidstone's law; ``alpha = 1`` is Laplace's):

.. math::

    P(x \\mid w) = \\frac{N(w, x) + \\alpha}{N(w) + A\\,\\alpha},
    \\qquad N(w) = \\sum_x N(w, x),

with ``A`` the alphabet size.

* :func:`fit_ngram`: the **n-gram** (Markov model of order ``n``) keeps every
  context of length ``n`` seen in training, and all their suffixes. A history
  whose last ``n`` symbols were never seen (or that is shorter than ``n``, at
  the start of a sequence) falls back to its longest suffix in the tree.
* :func:`fit_vlmm`: the **variable-length Markov model** (VLMM) is a
  *prediction suffix tree* (Ron, Singer and Tishby 1996). All contexts of up
  to ``max_depth`` symbols seen at least ``min_count`` times are counted, and
  the tree is then pruned from the leaves up, as in the context algorithm of
  Rissanen (1983) and Bühlmann and Wyner (1999): the ``c(w)`` children
  ``a w`` of a context ``w``, when they are all leaves, are removed if

  .. math::

      G(w) = \\sum_{a:\\,aw \\in \\text{tree}} N(aw)\\,
      D_A\\big(\\hat P(\\cdot \\mid aw) \\,\\|\\, \\hat P(\\cdot \\mid w)\\big)
      < \\text{threshold} \\cdot c(w),

  where :math:`\\hat P` are the unsmoothed (maximum-likelihood) estimates and
  :math:`D_A` is the Kullback-Leibler divergence in log base ``A``.
  :math:`G(w)` is exactly how much replacing ``w`` by its children lowers the
  log-loss of the training sequence (in the units of :meth:`ContextTree.nll`,
  summed over symbols), so a split survives only if each context it adds
  pays, on average, ``threshold`` for itself: contexts grow while they change
  the next-symbol distribution enough.

Both are state-space models (:class:`rnnbook.core.StateSpaceModel`): the state
is a shift register holding the last ``max_depth`` symbols one-hot (a delay
line, ``x(t) = [u(t), x_1(t-1), ..., x_{D-1}(t-1)]``), and the readout ``h``
looks up the longest matching context and returns its next-symbol
distribution. Only the readout is learned, by counting.

Held-out data are scored by the **negative log-likelihood per symbol in log
base A** (:meth:`ContextTree.nll`): a model that always predicts the uniform
distribution scores exactly 1, and a perfect predictor 0.

:func:`quantize_differences` turns a real-valued series into four symbols
from its first differences, in the spirit of Tiňo and Dorffner (2001);
:func:`ngram_sweep` and :func:`vlmm_sweep` fit a
family of models, choose the smoothing (and the model) on validation data
and score them on test data.

Introduced in chapter 8, *Variable-length Markov models*.
"""

from __future__ import annotations

import copy
import numbers
from typing import NamedTuple, Sequence

import numpy as np

from rnnbook.core import StateSpaceModel
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
from rnnbook.validation import MAX_SIZE

#: The smoothing constants :func:`ngram_sweep` and :func:`vlmm_sweep` choose from.
DEFAULT_ALPHAS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0,
                  1000.0)

#: Names of the four symbols of :func:`quantize_differences`: large decrease,
#: small decrease, small increase (or no change), large increase.
DIFFERENCE_ALPHABET = "DduU"


# ------------------------------------------------------------------ checks
def _check_depth(name: str, value, n_symbols: int) -> int:
    value = check_nonnegative_int(name, value)
    # a context of length k and its next symbol are coded in one int64: A**(k+1) values
    if n_symbols ** (int(value) + 1) >= 2 ** 63:
        raise ValueError(f"{name}={value} is too deep for {n_symbols} symbols: contexts of "
                         f"that length cannot be coded in 64-bit integers")
    return int(value)


def _check_train(train, n_symbols: int) -> np.ndarray:
    train = as_symbols("train", train, n_symbols)
    if train.size < 2:
        raise ValueError(f"train must hold at least 2 symbols; got {train.size}")
    return train


def _check_threshold(threshold, name: str = "threshold") -> float:
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {type(threshold).__name__} "
                        f"{threshold!r}")
    threshold = float(threshold)
    if np.isnan(threshold) or threshold < 0:
        raise ValueError(f"{name} must be non-negative (it may be inf); got {threshold}")
    return threshold


def _histories(symbols: np.ndarray, depth: int, before=None) -> np.ndarray:
    """The last ``depth`` symbols before every position, most recent first (-1: none).

    Returns an array ``H`` of shape ``(T, depth)`` with ``H[t, j] = s(t - 1 - j)``.
    ``before`` (a 1-D array) holds symbols that precede ``symbols``.
    """
    full = symbols if before is None else np.concatenate([before, symbols])
    offset = full.size - symbols.size
    t = np.arange(symbols.size)[:, None] + offset
    index = t - 1 - np.arange(depth)[None, :]
    return np.where(index >= 0, full[np.maximum(index, 0)], -1)


# ------------------------------------------------------------------ the model
def check_scored_sequence(symbols, before, n_symbols: int):
    """Check a sequence to be scored and the optional history ``before`` it.

    Returns both as int64 arrays (``before`` stays ``None`` if not given).
    Shared by every model that predicts symbols (:mod:`rnnbook.fpm` too).
    """
    symbols = as_symbols("symbols", symbols, n_symbols)
    if symbols.size == 0:
        raise ValueError("symbols is empty; there is nothing to predict")
    if before is not None:
        before = as_symbols("before", before, n_symbols)
    return symbols, before


class _Chain(NamedTuple):
    index: np.ndarray
    n_wx: np.ndarray | None
    n_w: np.ndarray | None


class ContextTree(StateSpaceModel):
    """A context-tree Markov model (n-gram or prediction suffix tree).

    Build it with :func:`fit_ngram` or :func:`fit_vlmm`, not directly. The tree
    stores the counts of every context up to :attr:`max_depth` that occurs at
    least :attr:`min_count` times in the training sequence (the *full* tree)
    and a pruning of it at :attr:`threshold`; :meth:`with_threshold` and
    :meth:`with_alpha` return the same counts pruned or smoothed differently,
    without counting again.

    As a :class:`~rnnbook.core.StateSpaceModel` it reads one-hot symbols
    (``n_inputs = A``), keeps the last ``max_depth`` of them in a shift register
    (``n_states = max_depth * A``, zeros where no symbol has been read yet) and
    reads out the next-symbol distribution (``n_outputs = A``).

    Attributes
    ----------
    n_symbols : int
        Alphabet size ``A``.
    max_depth : int
        The longest context the tree may hold (the order of an n-gram).
    min_count : int
        Contexts seen fewer times in training are not in the tree.
    threshold : float
        The pruning threshold (0 keeps the full tree).
    alpha : float
        The additive smoothing constant.
    n_train : int
        The number of training symbols counted (every symbol from position
        ``max_depth`` on, so that each has a history of full length).
    """

    def __init__(self, n_symbols: int, max_depth: int, min_count: int, alpha: float,
                 codes, totals, pair_keys, pair_counts, n_train: int):
        self.n_symbols = n_symbols
        self.max_depth = max_depth
        self.min_count = min_count
        self.alpha = alpha
        self.n_train = n_train
        self.n_inputs = n_symbols
        self.n_states = max_depth * n_symbols
        self.n_outputs = n_symbols
        self._codes = codes              # per depth: sorted context codes
        self._totals = totals            # per depth: N(w)
        self._pair_keys = pair_keys      # per depth: sorted code * A + x
        self._pair_counts = pair_counts  # per depth: N(w, x)
        self._parents = [None] + [np.searchsorted(codes[k - 1], codes[k] % n_symbols ** (k - 1))
                                  for k in range(1, max_depth + 1)]
        self._gains = self._split_gains()
        self._prune(0.0)

    # ----------------------------------------------------------- construction
    @classmethod
    def _count(cls, symbols: np.ndarray, n_symbols: int, max_depth: int, min_count: int,
               alpha: float) -> "ContextTree":
        A = n_symbols
        start = max_depth
        targets = symbols[start:]
        code = np.zeros(targets.size, dtype=np.int64)
        codes, totals, pair_keys, pair_counts = [], [], [], []
        for k in range(max_depth + 1):
            if k > 0:  # prepend the k-th most recent symbol as the most significant digit
                code = code + symbols[start - k: symbols.size - k] * A ** (k - 1)
            keys, counts = np.unique(code * A + targets, return_counts=True)
            ctx, first = np.unique(keys // A, return_index=True)
            tot = np.add.reduceat(counts, first)
            if k > 0 and min_count > 1:
                frequent = tot >= min_count
                keep_pairs = np.repeat(frequent, np.diff(np.append(first, keys.size)))
                ctx, tot = ctx[frequent], tot[frequent]
                keys, counts = keys[keep_pairs], counts[keep_pairs]
            codes.append(ctx)
            totals.append(tot.astype(np.int64))
            pair_keys.append(keys)
            pair_counts.append(counts.astype(np.int64))
        return cls(A, max_depth, min_count, alpha, codes, totals, pair_keys, pair_counts,
                   int(targets.size))

    def _split_gains(self) -> list[np.ndarray]:
        """G(w) for every context of the full tree (0 for contexts without children)."""
        A = self.n_symbols
        gains = [np.zeros(c.size) for c in self._codes]
        for k in range(1, self.max_depth + 1):
            keys, counts = self._pair_keys[k], self._pair_counts[k]
            if keys.size == 0:
                continue
            child = np.searchsorted(self._codes[k], keys // A)
            parent = self._parents[k][child]
            parent_keys = (keys // A) % A ** (k - 1) * A + keys % A
            n_parent_x = self._pair_counts[k - 1][np.searchsorted(self._pair_keys[k - 1],
                                                                  parent_keys)]
            ratio = (counts * self._totals[k - 1][parent]) / (
                self._totals[k][child] * n_parent_x)
            terms = counts * np.log(ratio) / np.log(max(A, 2))
            gains[k - 1] = np.maximum(np.bincount(parent, weights=terms,
                                                  minlength=self._codes[k - 1].size), 0.0)
        return gains

    def _prune(self, threshold: float) -> None:
        self.threshold = threshold
        D = self.max_depth
        keep = [np.ones(c.size, dtype=bool) for c in self._codes]
        has_children = [np.zeros(c.size, dtype=bool) for c in self._codes]
        for k in range(D, 0, -1):             # from the deepest contexts up
            parent = self._parents[k]         # of each context of length k
            n_parents = self._codes[k - 1].size
            n_children = np.bincount(parent, minlength=n_parents)
            # a split is undone only if all the children are leaves ...
            internal_child = np.bincount(parent, weights=has_children[k] & keep[k],
                                         minlength=n_parents) > 0
            # ... and if it gains less than threshold per child
            cheap = self._gains[k - 1] < threshold * np.maximum(n_children, 1)
            remove = cheap & (n_children > 0) & ~internal_child
            keep[k] = ~remove[parent]
            has_children[k - 1] = np.bincount(parent, weights=keep[k],
                                              minlength=n_parents) > 0
        # a context is in the tree only if its parent is (removals propagate down)
        for k in range(1, D + 1):
            keep[k] &= keep[k - 1][self._parents[k]]
        self._keep = keep
        self._kept = [np.flatnonzero(m) for m in keep]
        self._kept_codes = [c[m] for c, m in zip(self._codes, keep)]
        # the training symbols each kept context predicts: its count minus its children's
        residual = []
        for k in range(D + 1):
            r = np.where(keep[k], self._totals[k], 0)
            if k < D:
                r = r - np.bincount(self._parents[k + 1],
                                    weights=np.where(keep[k + 1], self._totals[k + 1], 0),
                                    minlength=r.size).astype(np.int64)
            residual.append(r)
        self._residual = residual

    # ----------------------------------------------------------- variants
    def with_threshold(self, threshold: float) -> "ContextTree":
        """The same counts pruned at another threshold (any, larger or smaller).

        Parameters
        ----------
        threshold : float
            Non-negative; ``numpy.inf`` prunes the tree down to its root (the
            order-0 model), 0 keeps the full tree.

        Returns
        -------
        ContextTree
            A new model; this one is unchanged.
        """
        threshold = _check_threshold(threshold)
        model = copy.copy(self)
        model._prune(threshold)
        return model

    def with_alpha(self, alpha: float) -> "ContextTree":
        """The same tree with another smoothing constant ``alpha > 0``."""
        model = copy.copy(self)
        model.alpha = check_smoothing(alpha)
        return model

    # ----------------------------------------------------------- structure
    @property
    def n_contexts(self) -> int:
        """The number of contexts actually used: those that predict at least one
        training symbol (for an n-gram of order ``n``, the distinct contexts of
        length ``n`` seen in training; for a VLMM, the leaves of the pruned tree
        plus any inner context that predicts the symbols after a rare child)."""
        return int(sum(np.count_nonzero(r > 0) for r in self._residual))

    @property
    def depth(self) -> int:
        """The length of the longest context in the (pruned) tree."""
        return max(k for k in range(self.max_depth + 1) if self._kept[k].size)

    def _decode(self, code: int, length: int) -> tuple[int, ...]:
        digits = [(code // self.n_symbols ** j) % self.n_symbols for j in range(length)]
        return tuple(int(d) for d in reversed(digits))

    def used_contexts(self) -> list[tuple[int, ...]]:
        """The contexts counted by :attr:`n_contexts`, oldest symbol first.

        Returns
        -------
        list of tuple of int
            Sorted by length, then by the symbols read backwards in time.
        """
        found = []
        for k in range(self.max_depth + 1):
            for code in self._codes[k][self._residual[k] > 0]:
                found.append(self._decode(int(code), k))
        return found

    def context_lengths(self) -> np.ndarray:
        """The lengths of the used contexts, shape ``(n_contexts,)``, int64."""
        return np.concatenate([np.full(np.count_nonzero(r > 0), k, dtype=np.int64)
                               for k, r in enumerate(self._residual)])

    def split_gain(self, context) -> tuple[float, int]:
        """The gain ``G(w)`` of splitting a context of the full tree, and its number of children.

        Parameters
        ----------
        context : array_like of int, shape ``(k,)``
            Symbols, oldest first; ``k < max_depth``.

        Returns
        -------
        gain : float
            :math:`G(w)`, in log base ``A`` units summed over the training symbols.
        n_children : int
            ``c(w)``, the children of ``w`` in the full tree; the split survives
            pruning if ``gain >= threshold * n_children`` (or a child is split).

        Raises
        ------
        ValueError
            If the context is not in the full tree (never seen ``min_count`` times).
        """
        context = as_symbols("context", context, self.n_symbols)
        k = context.size
        if k >= self.max_depth:
            raise ValueError(f"context must be shorter than max_depth={self.max_depth}; "
                             f"got length {k}")
        code = int(np.sum(context[::-1] * self.n_symbols ** np.arange(k)))
        pos = int(np.searchsorted(self._codes[k], code))
        if pos >= self._codes[k].size or self._codes[k][pos] != code:
            raise ValueError(f"context {tuple(context.tolist())} is not in the tree (seen "
                             f"fewer than min_count={self.min_count} times in training)")
        n_children = int(np.count_nonzero(self._parents[k + 1] == pos))
        return float(self._gains[k][pos]), n_children

    # ----------------------------------------------------------- prediction
    def _chain(self, histories: np.ndarray, targets: np.ndarray | None = None) -> _Chain:
        """Every context of the *full* tree that is a suffix of each history.

        ``index[t, k]`` is the full-tree index of the length-``k`` suffix of
        history ``t`` (-1 if that suffix is not in the full tree); with
        ``targets``, ``n_wx[t, k]`` and ``n_w[t, k]`` are its counts of the
        target and in total. Pruning only decides which of these contexts are
        kept, so one chain serves every threshold.
        """
        n, A = histories.shape[0], self.n_symbols
        index = np.full((n, self.max_depth + 1), -1, dtype=np.int64)
        index[:, 0] = 0
        active = np.arange(n)
        code = np.zeros(n, dtype=np.int64)
        for k in range(1, self.max_depth + 1):
            codes = self._codes[k]
            symbol = histories[active, k - 1]
            ok = symbol >= 0
            active, code = active[ok], code[ok] + symbol[ok] * A ** (k - 1)
            if active.size == 0 or codes.size == 0:
                break
            pos = np.minimum(np.searchsorted(codes, code), codes.size - 1)
            hit = codes[pos] == code
            active, code = active[hit], code[hit]
            index[active, k] = pos[hit]
        if targets is None:
            return _Chain(index, None, None)
        n_wx = np.zeros(index.shape, dtype=np.int64)
        n_w = np.zeros(index.shape, dtype=np.int64)
        for k in range(self.max_depth + 1):
            rows = np.flatnonzero(index[:, k] >= 0)
            if rows.size == 0:
                break
            nodes = index[rows, k]
            n_w[rows, k] = self._totals[k][nodes]
            keys = self._codes[k][nodes] * A + targets[rows]
            pk = self._pair_keys[k]
            pos = np.minimum(np.searchsorted(pk, keys), pk.size - 1)
            n_wx[rows, k] = np.where(pk[pos] == keys, self._pair_counts[k][pos], 0)
        return _Chain(index, n_wx, n_w)

    def _deepest_kept(self, chain: _Chain) -> np.ndarray:
        """The depth of the longest kept context along each chain."""
        depth = np.zeros(chain.index.shape[0], dtype=np.int64)
        for k in range(1, self.max_depth + 1):
            nodes = chain.index[:, k]
            kept = nodes >= 0
            kept[kept] = self._keep[k][nodes[kept]]
            if not kept.any():
                break
            depth[kept] = k
        return depth

    def _locate(self, histories: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Depth and (full-tree) index of the longest kept context of each history."""
        chain = self._chain(histories)
        depth = self._deepest_kept(chain)
        return depth, chain.index[np.arange(depth.size), depth]

    def _distributions(self, histories: np.ndarray) -> np.ndarray:
        A = self.n_symbols
        depth, index = self._locate(histories)
        probs = np.empty((histories.shape[0], A))
        for k in np.unique(depth):
            sel = np.flatnonzero(depth == k)
            nodes, inverse = np.unique(index[sel], return_inverse=True)
            table = np.zeros((nodes.size, A))
            lo = np.searchsorted(self._pair_keys[k], self._codes[k][nodes] * A)
            hi = np.searchsorted(self._pair_keys[k], (self._codes[k][nodes] + 1) * A)
            sizes = hi - lo
            rows = np.repeat(np.arange(nodes.size), sizes)
            pairs = np.arange(rows.size) + np.repeat(lo - (np.cumsum(sizes) - sizes), sizes)
            table[rows, self._pair_keys[k][pairs] % A] = self._pair_counts[k][pairs]
            table = (table + self.alpha) / (self._totals[k][nodes, None] + A * self.alpha)
            probs[sel] = table[inverse.ravel()]
        return probs

    def predict_proba(self, symbols, *, before=None) -> np.ndarray:
        """Next-symbol distributions along a sequence.

        Parameters
        ----------
        symbols : array_like of int, shape ``(T,)``
        before : array_like of int, shape ``(T0,)``, optional
            Symbols that precede ``symbols`` (for example the end of the
            training data), used as history but not predicted.

        Returns
        -------
        numpy.ndarray, shape ``(T, A)``
            Row ``t`` is :math:`P(\\cdot \\mid s(0), \\dots, s(t-1))`, the
            distribution of ``symbols[t]`` given everything before it; row 0 is
            predicted from ``before`` alone (from the empty context if it is
            not given). Each row sums to 1.
        """
        symbols, before = self._check_sequence(symbols, before)
        return self._distributions(_histories(symbols, self.max_depth, before))

    def distribution(self, context) -> np.ndarray:
        """The next-symbol distribution after a context.

        Parameters
        ----------
        context : array_like of int, shape ``(k,)``
            Symbols, oldest first; it may be empty or longer than the tree.

        Returns
        -------
        numpy.ndarray, shape ``(A,)``
            The smoothed distribution of the longest suffix of ``context`` in the tree.
        """
        context = as_symbols("context", context, self.n_symbols)
        history = np.full((1, self.max_depth), -1, dtype=np.int64)
        recent = context[::-1][: self.max_depth]
        history[0, : recent.size] = recent
        return self._distributions(history)[0]

    def losses(self, symbols, *, before=None) -> np.ndarray:
        """The log-loss of every symbol, :math:`-\\log_A P(s(t) \\mid s(0), \\dots, s(t-1))`.

        Parameters are those of :meth:`nll`.

        Returns
        -------
        numpy.ndarray, shape ``(T,)``
            Their mean is :meth:`nll`; two models' losses on the same data can
            be compared symbol by symbol.
        """
        chain = self._scoring_chain(symbols, before)
        depth = self._deepest_kept(chain)
        rows = np.arange(depth.size)
        n_wx, n_w = chain.n_wx[rows, depth], chain.n_w[rows, depth]
        p = (n_wx + self.alpha) / (n_w + self.n_symbols * self.alpha)
        return -np.log(p) / np.log(max(self.n_symbols, 2))

    def nll(self, symbols, *, before=None) -> float:
        """Negative log-likelihood per symbol, in log base ``A``.

        .. math::

            \\mathrm{NLL} = -\\frac{1}{T} \\sum_{t=0}^{T-1}
            \\log_A P\\big(s(t) \\mid s(0), \\dots, s(t-1)\\big)

        Parameters
        ----------
        symbols : array_like of int, shape ``(T,)``, ``T >= 1``
        before : array_like of int, optional
            History preceding ``symbols`` (see :meth:`predict_proba`).

        Returns
        -------
        float
            1 for a model no better than the uniform distribution; 0 for a
            perfect predictor. Multiply by ``log2(A)`` for bits per symbol.
        """
        return float(self._nll_for_alphas(symbols, [self.alpha], before=before)[0])

    def _scoring_chain(self, symbols, before=None) -> _Chain:
        symbols, before = self._check_sequence(symbols, before)
        return self._chain(_histories(symbols, self.max_depth, before), symbols)

    def _nll_for_alphas(self, symbols, alphas, *, before=None, chain=None) -> np.ndarray:
        if chain is None:
            chain = self._scoring_chain(symbols, before)
        depth = self._deepest_kept(chain)
        rows = np.arange(depth.size)
        n_wx, n_w = chain.n_wx[rows, depth], chain.n_w[rows, depth]
        alphas = np.asarray(alphas, dtype=float)[:, None]
        logp = np.log((n_wx + alphas) / (n_w + self.n_symbols * alphas))
        return -logp.mean(axis=1) / np.log(max(self.n_symbols, 2))

    def _check_sequence(self, symbols, before):
        return check_scored_sequence(symbols, before, self.n_symbols)

    # ----------------------------------------------------------- sampling
    def sample(self, length: int, *, seed: SeedLike = None, prefix=None) -> np.ndarray:
        """Draw a sequence from the model.

        Parameters
        ----------
        length : int
            The number of symbols to draw.
        seed : int, numpy.random.Generator or None
        prefix : array_like of int, optional
            Symbols taken as already read (not part of the result); without it
            the sequence starts from the empty context.

        Returns
        -------
        numpy.ndarray, shape ``(length,)``, int64
        """
        length = check_positive_int("length", length)
        rng = as_generator(seed)
        A, D = self.n_symbols, self.max_depth
        history = [] if prefix is None else as_symbols("prefix", prefix, A).tolist()
        kept = [set(c.tolist()) for c in self._kept_codes]
        cache: dict[tuple[int, int], np.ndarray] = {}
        uniforms = rng.random(length)
        out = np.empty(length, dtype=np.int64)
        for t in range(length):
            code, depth = 0, 0
            for k in range(1, min(D, len(history)) + 1):
                candidate = code + history[-k] * A ** (k - 1)
                if candidate not in kept[k]:
                    break
                code, depth = candidate, k
            cdf = cache.get((depth, code))
            if cdf is None:
                context = np.array(history[len(history) - depth:], dtype=np.int64)
                cdf = np.cumsum(self.distribution(context))
                cache[(depth, code)] = cdf
            symbol = min(int(np.searchsorted(cdf, uniforms[t] * cdf[-1], side="right")),
                         A - 1)
            out[t] = symbol
            history.append(symbol)
        return out

    # ----------------------------------------------------------- state-space view
    def transition(self, drive_t: np.ndarray, x_prev: np.ndarray) -> np.ndarray:
        """Shift the new one-hot symbol into the register and drop the oldest."""
        if self.max_depth == 0:
            return x_prev.copy()
        keep = x_prev[..., : (self.max_depth - 1) * self.n_symbols]
        return np.concatenate([drive_t, keep], axis=-1)

    def output(self, x: np.ndarray) -> np.ndarray:
        """The next-symbol distribution of the longest context in the register."""
        shape = x.shape[:-1]
        slots = x.reshape(int(np.prod(shape)), self.max_depth, self.n_symbols)
        histories = np.where(slots.sum(axis=-1) > 0.5, slots.argmax(axis=-1), -1)
        return self._distributions(histories).reshape(shape + (self.n_symbols,))

    def __repr__(self) -> str:
        return (f"ContextTree(n_symbols={self.n_symbols}, max_depth={self.max_depth}, "
                f"min_count={self.min_count}, threshold={self.threshold:g}, "
                f"alpha={self.alpha:g}, n_contexts={self.n_contexts})")


# ------------------------------------------------------------------ fitting
def _training_symbols(symbols, n_symbols: int, max_depth: int) -> np.ndarray:
    symbols = as_symbols("symbols", symbols, n_symbols)
    if symbols.size <= max_depth:
        raise ValueError(f"symbols must hold more than {max_depth} symbols (the longest "
                         f"context) to count anything; got {symbols.size}")
    return symbols


def fit_ngram(symbols, n_symbols: int, order: int, *, alpha: float = 0.1) -> ContextTree:
    """Fit a fixed-order Markov model (an n-gram of order ``order``) by counting.

    Parameters
    ----------
    symbols : array_like of int, shape ``(T,)``
        The training sequence, ``T > order``; symbols from position ``order`` on
        are counted.
    n_symbols : int
        Alphabet size ``A``.
    order : int
        Context length ``n >= 0`` (0: symbol frequencies only).
    alpha : float
        Additive smoothing constant, positive.

    Returns
    -------
    ContextTree
        The full tree of depth ``order``: every context of length ``order`` seen
        in training and its suffixes; ``n_contexts`` is the number of distinct
        contexts of length ``order`` seen.
    """
    n_symbols = check_positive_int("n_symbols", n_symbols)
    order = _check_depth("order", order, n_symbols)
    alpha = check_smoothing(alpha)
    symbols = _training_symbols(symbols, n_symbols, order)
    return ContextTree._count(symbols, n_symbols, order, 1, alpha)


def fit_vlmm(symbols, n_symbols: int, *, max_depth: int, threshold: float,
             min_count: int = 2, alpha: float = 0.1) -> ContextTree:
    """Fit a variable-length Markov model (a pruned prediction suffix tree).

    Counts every context of up to ``max_depth`` symbols that occurs at least
    ``min_count`` times, then prunes from the leaves up: the ``c(w)``
    children of a context ``w``, when they are all leaves, are removed if the
    split gains ``G(w) < threshold * c(w)`` (see the module docstring).

    Parameters
    ----------
    symbols : array_like of int, shape ``(T,)``
        The training sequence, ``T > max_depth``.
    n_symbols : int
        Alphabet size ``A``.
    max_depth : int
        The longest context considered.
    threshold : float
        The least gain per added context that a split must bring, in units of
        training log-loss (log base ``A``, summed over symbols); non-negative:
        0 keeps every counted context, ``inf`` only the root.
    min_count : int
        Contexts seen fewer times are never in the tree.
    alpha : float
        Additive smoothing constant, positive.

    Returns
    -------
    ContextTree
    """
    n_symbols = check_positive_int("n_symbols", n_symbols)
    max_depth = _check_depth("max_depth", max_depth, n_symbols)
    threshold = _check_threshold(threshold)
    min_count = check_positive_int("min_count", min_count)
    alpha = check_smoothing(alpha)
    symbols = _training_symbols(symbols, n_symbols, max_depth)
    model = ContextTree._count(symbols, n_symbols, max_depth, min_count, alpha)
    return model.with_threshold(threshold) if threshold > 0 else model


def sample_context_source(contexts, length: int, *, seed: SeedLike = None) -> np.ndarray:
    """Draw a sequence from a variable-length Markov source given by its contexts.

    At every step the source uses the longest of its contexts that is a suffix
    of the symbols drawn so far; while none is (at the start), it draws
    uniformly.

    Parameters
    ----------
    contexts : dict
        Maps contexts (tuples of symbol indices, oldest first) to next-symbol
        distributions (array_like of shape ``(A,)``, non-negative, summing to 1).
    length : int
        The number of symbols to draw.
    seed : int, numpy.random.Generator or None

    Returns
    -------
    numpy.ndarray, shape ``(length,)``, int64

    Examples
    --------
    After ``a`` (0) the source forgets everything else; after ``b`` (1) it
    looks one symbol further back:

    >>> source = {(0,): [0.2, 0.8], (0, 1): [0.9, 0.1], (1, 1): [0.5, 0.5]}
    >>> sample_context_source(source, 12, seed=0).shape
    (12,)
    """
    length = check_positive_int("length", length)
    if not isinstance(contexts, dict) or not contexts:
        raise TypeError("contexts must be a non-empty dict from tuples of symbols to "
                        "distributions")
    table = {}
    n_symbols = None
    for context, probabilities in contexts.items():
        p = as_float_array(f"contexts[{context!r}]", probabilities, ndim=1)
        if n_symbols is None:
            n_symbols = p.size
        if p.size != n_symbols or np.any(p < 0) or abs(p.sum() - 1) > 1e-8:
            raise ValueError(f"contexts[{context!r}] must be {n_symbols} non-negative "
                             f"probabilities summing to 1; got {p}")
        key = tuple(as_symbols(f"contexts key {context!r}", np.array(context, dtype=np.int64),
                               n_symbols).tolist())
        table[key] = np.cumsum(p)
    longest = max(len(key) for key in table)
    rng = as_generator(seed)
    uniforms = rng.random(length)
    uniform = np.cumsum(np.full(n_symbols, 1.0 / n_symbols))
    out = np.empty(length, dtype=np.int64)
    for t in range(length):
        cdf = uniform
        for k in range(min(longest, t), -1, -1):
            found = table.get(tuple(out[t - k: t].tolist()))
            if found is not None:
                cdf = found
                break
        out[t] = min(int(np.searchsorted(cdf, uniforms[t] * cdf[-1], side="right")),
                     n_symbols - 1)
    return out


# ------------------------------------------------------------------ model choice
class Sweep(NamedTuple):
    """A family of models, each smoothed as validation data prefer, and their scores.

    Attributes
    ----------
    settings : numpy.ndarray, shape ``(M,)``
        The order (n-grams) or the threshold (VLMMs) of each model.
    models : tuple of ContextTree
        The fitted models, each with the ``alpha`` that scored best on validation.
    n_contexts : numpy.ndarray of int64, shape ``(M,)``
        :attr:`ContextTree.n_contexts` of each model.
    alphas : numpy.ndarray, shape ``(M,)``
        The smoothing constant chosen for each model.
    valid_nll, test_nll : numpy.ndarray, shape ``(M,)``
        NLL per symbol (log base ``A``) on validation and test data (NaN
        without test data).
    best : int
        The index of the model with the lowest validation NLL (on ties, the
        one with fewer contexts).
    min_count : int
        The ``min_count`` of the models (1 for n-grams).
    """

    settings: np.ndarray
    models: tuple
    n_contexts: np.ndarray
    alphas: np.ndarray
    valid_nll: np.ndarray
    test_nll: np.ndarray
    best: int
    min_count: int


def _score(models, settings, valid, test, alphas) -> Sweep:
    chosen, alpha_of, valid_nll, test_nll = [], [], [], []
    chains = {}
    for model in models:
        # models pruned from one full tree share its counts, and their chains
        key = id(model._codes)
        if key not in chains:
            chains[key] = (model._scoring_chain(valid),
                           None if test is None else model._scoring_chain(test))
        valid_chain, test_chain = chains[key]
        scores = model._nll_for_alphas(valid, alphas, chain=valid_chain)
        i = int(np.argmin(scores))
        model = model.with_alpha(alphas[i])
        chosen.append(model)
        alpha_of.append(alphas[i])
        valid_nll.append(scores[i])
        test_nll.append(np.nan if test is None else
                        model._nll_for_alphas(test, [alphas[i]], chain=test_chain)[0])
    n_contexts = np.array([m.n_contexts for m in chosen], dtype=np.int64)
    valid_nll = np.array(valid_nll)
    best = int(np.lexsort((n_contexts, valid_nll))[0])
    return Sweep(np.asarray(settings), tuple(chosen), n_contexts, np.array(alpha_of),
                 valid_nll, np.array(test_nll), best, chosen[0].min_count)


def ngram_sweep(train, valid, test, n_symbols: int, orders: Sequence[int], *,
                alphas: Sequence[float] = DEFAULT_ALPHAS) -> Sweep:
    """Fit n-grams of several orders on ``train``, choose ``alpha`` on ``valid``, score.

    Parameters
    ----------
    train, valid : array_like of int, shapes ``(T_train,)`` and ``(T_valid,)``
        Training and validation sequences (each scored on its own, from an
        empty history).
    test : array_like of int or None
        Scored with every model (for the figures), never used for a choice.
    n_symbols : int
        Alphabet size ``A``.
    orders : sequence of int
        The orders to fit.
    alphas : sequence of float
        The smoothing constants to choose from, separately for each order.

    Returns
    -------
    Sweep
        ``settings`` are the orders; ``best`` the order chosen on validation.
    """
    n_symbols = check_positive_int("n_symbols", n_symbols)
    valid, test = check_valid_test(valid, test, n_symbols)
    alphas = check_smoothings(alphas)
    train = _check_train(train, n_symbols)
    orders = [check_nonnegative_int("orders", order) for order in orders]
    models = [fit_ngram(train, n_symbols, order, alpha=alphas[0]) for order in orders]
    if not models:
        raise ValueError("orders must hold at least one order")
    return _score(models, [m.max_depth for m in models], valid, test, alphas)


def vlmm_sweep(train, valid, test, n_symbols: int, thresholds: Sequence[float], *,
               max_depth: int, min_count: int | Sequence[int] = 2,
               alphas: Sequence[float] = DEFAULT_ALPHAS) -> Sweep:
    """Fit VLMMs over a range of thresholds, choose ``alpha`` (and ``min_count``) on ``valid``.

    The full tree is counted once per ``min_count`` and pruned at every
    threshold (:meth:`ContextTree.with_threshold`).

    Parameters
    ----------
    train, valid, test, n_symbols, alphas
        As in :func:`ngram_sweep`.
    thresholds : sequence of float
        Non-negative pruning thresholds (see :func:`fit_vlmm`).
    max_depth : int
        The longest context considered.
    min_count : int or sequence of int
        With several values, a sweep is made for each and the one whose best
        model scores lowest on validation is returned.

    Returns
    -------
    Sweep
        ``settings`` are the thresholds; ``best`` the threshold chosen on validation.
    """
    n_symbols = check_positive_int("n_symbols", n_symbols)
    valid, test = check_valid_test(valid, test, n_symbols)
    alphas = check_smoothings(alphas)
    train = _check_train(train, n_symbols)
    thresholds = [_check_threshold(th, "thresholds") for th in thresholds]
    if not thresholds:
        raise ValueError("thresholds must hold at least one threshold")
    counts = list(min_count) if isinstance(min_count, (list, tuple, np.ndarray)) else [min_count]
    if not counts:
        raise ValueError("min_count must be a positive integer or a non-empty sequence of them")
    counts = [check_positive_int("min_count", count) for count in counts]
    best = None
    for count in counts:
        full = fit_vlmm(train, n_symbols, max_depth=max_depth, threshold=0.0,
                        min_count=count, alpha=alphas[0])
        sweep = _score([full.with_threshold(th) for th in thresholds], thresholds, valid,
                       test, alphas)
        if best is None or sweep.valid_nll[sweep.best] < best.valid_nll[best.best]:
            best = sweep
    return best


# ------------------------------------------------------------------ quantising a series
class QuantizedDifferences(NamedTuple):
    """A real series turned into four symbols by its first differences.

    Attributes
    ----------
    symbols : numpy.ndarray, shape ``(T - 1,)``, int64
        ``symbols[t]`` codes the difference ``series[t + 1] - series[t]``.
    cut_points : tuple of float
        ``(low, high)``, with ``low < 0 < high``.
    alphabet : str
        :data:`DIFFERENCE_ALPHABET`, ``"DduU"``.
    """

    symbols: np.ndarray
    cut_points: tuple
    alphabet: str


def quantize_differences(series, lower_percentile: float = 10.0,
                         upper_percentile: float = 90.0, *,
                         n_fit: int | None = None) -> QuantizedDifferences:
    """Quantise a series into four symbols by the size and sign of its steps.

    With the differences :math:`\\Delta(t) = y(t) - y(t-1)` and the cut points
    ``low`` and ``high``, the ``lower_percentile``-th and
    ``upper_percentile``-th percentiles of the differences,

    ====== ================================ ==========================
    symbol difference                       meaning
    ====== ================================ ==========================
    0 "D"  :math:`\\Delta < low`              large decrease
    1 "d"  :math:`low \\le \\Delta < 0`        small decrease
    2 "u"  :math:`0 \\le \\Delta < high`       small increase (or none)
    3 "U"  :math:`\\Delta \\ge high`           large increase
    ====== ================================ ==========================

    following the scheme of Tiňo and Dorffner (2001) in spirit
    (percentile-based thresholds on the differences).

    Parameters
    ----------
    series : array_like, shape ``(T,)``
        Real values, ``T >= 2``.
    lower_percentile, upper_percentile : float
        ``0 < lower_percentile < upper_percentile < 100``.
    n_fit : int, optional
        Compute the percentiles from the first ``n_fit`` differences only (the
        training part), so that later data do not leak into the symbols;
        all differences by default.

    Returns
    -------
    QuantizedDifferences

    Raises
    ------
    ValueError
        If the percentiles are out of order, or if ``low`` is not negative or
        ``high`` not positive (then one of the four symbols could never occur).
    """
    series = as_float_array("series", series, ndim=1)
    if series.size < 2:
        raise ValueError(f"series must hold at least 2 values; got {series.size}")
    lower = check_finite_float("lower_percentile", lower_percentile)
    upper = check_finite_float("upper_percentile", upper_percentile)
    if not 0 < lower < upper < 100:
        raise ValueError("the percentiles must satisfy 0 < lower_percentile < "
                         f"upper_percentile < 100; got {lower} and {upper}")
    delta = np.diff(series)
    fit = delta
    if n_fit is not None:
        n_fit = check_positive_int("n_fit", n_fit)
        if n_fit > delta.size:
            raise ValueError(f"n_fit must be at most the number of differences "
                             f"{delta.size}; got {n_fit}")
        fit = delta[:n_fit]
    low, high = (float(v) for v in np.percentile(fit, [lower, upper]))
    if not low < 0 < high:
        raise ValueError(f"the cut points must straddle 0 (low < 0 < high); the percentiles "
                         f"give low = {low} and high = {high}")
    symbols = np.searchsorted(np.array([low, 0.0, high]), delta, side="right")
    return QuantizedDifferences(symbols.astype(np.int64), (low, high), DIFFERENCE_ALPHABET)


def split_sequence(symbols, fractions: Sequence[float] = (0.7, 0.15, 0.15)):
    """Split a sequence into contiguous blocks (train, validation, test, ...).

    Parameters
    ----------
    symbols : array_like, shape ``(T,)``
    fractions : sequence of float
        Positive fractions summing to 1 (within 1e-9); block ``i`` gets
        ``round(cumsum(fractions)[i] * T)`` minus the previous boundary.

    Returns
    -------
    tuple of numpy.ndarray
        One block per fraction, in order, each non-empty.
    """
    symbols = as_symbols("symbols", symbols, MAX_SIZE)
    fractions = as_float_array("fractions", fractions, ndim=1)
    if fractions.size == 0 or np.any(fractions <= 0) or abs(fractions.sum() - 1) > 1e-9:
        raise ValueError(f"fractions must be positive and sum to 1; got {fractions}")
    bounds = np.round(np.cumsum(fractions) * symbols.size).astype(int)
    bounds[-1] = symbols.size
    blocks = np.split(symbols, bounds[:-1])
    if any(b.size == 0 for b in blocks):
        raise ValueError(f"symbols ({symbols.size} of them) is too short for the fractions "
                         f"{fractions.tolist()}: a block would be empty")
    return tuple(blocks)
