"""Seeded generators and encodings of input sequences.

A symbolic sequence is a 1-D integer array of symbol indices ``0 .. n_symbols - 1``
(plus, where it matters, an alphabet naming the symbols). Networks read it
one-hot encoded: symbol ``k`` becomes the ``k``-th unit vector.

Introduced in chapter 1, *State-space models*; later chapters add task generators.
"""

from __future__ import annotations

import numpy as np

from rnnbook.validation import (SeedLike, as_float_array, as_generator, as_symbols,
                                check_finite_float, check_nonnegative_int, check_positive_int)


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


def pad_sequences(sequences, *, value: float = 0.0):
    """Stack sequences of different lengths into one padded batch and its mask.

    Parameters
    ----------
    sequences : list of array_like, each of shape ``(T_b, d)``
        At least one sequence; all with the same ``d`` and ``T_b >= 1``.
    value : float
        What the padding steps hold (they come after each sequence's end, so
        they never influence its states; the mask keeps them out of the loss).

    Returns
    -------
    padded : numpy.ndarray, shape ``(B, max T_b, d)``
    mask : numpy.ndarray, shape ``(B, max T_b)``
        1.0 at the real steps, 0.0 at the padding.
    """
    if len(sequences) == 0:
        raise ValueError("sequences must hold at least one sequence")
    arrays = [as_float_array(f"sequences[{i}]", s, ndim=2) for i, s in enumerate(sequences)]
    widths = {a.shape[1] for a in arrays}
    if len(widths) != 1:
        raise ValueError(f"sequences must all have the same width; got widths {sorted(widths)}")
    lengths = np.array([a.shape[0] for a in arrays])
    if np.any(lengths == 0):
        raise ValueError(f"sequences[{int(np.argmin(lengths))}] is empty")
    padded = np.full((len(arrays), lengths.max(), widths.pop()),
                     check_finite_float("value", value))
    mask = np.zeros((len(arrays), lengths.max()))
    for i, a in enumerate(arrays):
        padded[i, :len(a)] = a
        mask[i, :len(a)] = 1.0
    return padded, mask


def last_step_mask(lengths, n_steps: int | None = None) -> np.ndarray:
    """A mask that selects only the last real step of each sequence.

    Parameters
    ----------
    lengths : array_like of int, shape ``(B,)``
        Positive sequence lengths.
    n_steps : int, optional
        Width of the mask; ``max(lengths)`` by default.

    Returns
    -------
    numpy.ndarray, shape ``(B, n_steps)``
        1.0 at ``(b, lengths[b] - 1)``, 0.0 elsewhere.
    """
    lengths = np.asarray(lengths)
    if lengths.ndim != 1 or lengths.size == 0 or not np.issubdtype(lengths.dtype, np.integer):
        raise ValueError(f"lengths must be a non-empty 1-D array of integers; got {lengths!r}")
    if np.any(lengths < 1):
        raise ValueError("lengths must all be positive")
    n_steps = int(lengths.max()) if n_steps is None else check_positive_int("n_steps", n_steps)
    if lengths.max() > n_steps:
        raise ValueError(f"lengths must not exceed n_steps={n_steps}; the longest is "
                         f"{lengths.max()}")
    mask = np.zeros((lengths.size, n_steps))
    mask[np.arange(lengths.size), lengths - 1] = 1.0
    return mask


def temporal_xor(n_triples: int, *, seed: SeedLike = None) -> np.ndarray:
    """Elman's (1990) temporal XOR stream: random bit pairs, each followed by their XOR.

    Returns
    -------
    numpy.ndarray, shape ``(3 * n_triples,)``, int64
        ``a1, b1, a1 ^ b1, a2, b2, a2 ^ b2, ...``: every third bit is predictable
        from the two before it, the others are fair coin flips.
    """
    n_triples = check_positive_int("n_triples", n_triples)
    rng = as_generator(seed)
    pairs = rng.integers(0, 2, size=(n_triples, 2))
    return np.column_stack([pairs, pairs[:, 0] ^ pairs[:, 1]]).ravel().astype(np.int64)


#: Elman's (1990) letter sequences: each consonant is followed by its vowels.
ELMAN_WORDS = {"b": "ba", "d": "dii", "g": "guuu"}


def elman_letters(n_consonants: int, *, seed: SeedLike = None) -> tuple[np.ndarray, str]:
    """Elman's (1990) letter task: random consonants b, d, g, each followed by its vowels.

    ``b -> ba``, ``d -> dii``, ``g -> guuu``: the consonants are unpredictable,
    the vowels (their identity and their number) are determined by the
    consonant before them.

    Returns
    -------
    symbols : numpy.ndarray of int64, shape ``(T,)``
    alphabet : str
        ``"abdgiu"``; ``symbols`` index it.
    """
    n_consonants = check_positive_int("n_consonants", n_consonants)
    rng = as_generator(seed)
    alphabet = "abdgiu"
    consonants = rng.choice(list(ELMAN_WORDS), size=n_consonants)
    text = "".join(ELMAN_WORDS[c] for c in consonants)
    return np.array([alphabet.index(ch) for ch in text], dtype=np.int64), alphabet


def latching_task(n_sequences: int, n_noise: int, *, n_signal: int = 3,
                  noise: float = 0.5, seed: SeedLike = None):
    """The information latching task of Bengio, Simard and Frasconi (1994).

    Each sequence belongs to one of two classes. Its first ``n_signal`` inputs
    carry the class (``+1`` for class 1, ``-1`` for class 0); then come
    ``n_noise`` inputs of Gaussian noise with standard deviation ``noise``,
    which carry no information. The class must be given at the last step: the
    network has to keep it for ``n_noise`` steps while noise keeps arriving.
    ``noise`` must be a finite number ``>= 0`` (0 gives silent noise steps).

    Returns
    -------
    u : numpy.ndarray, shape ``(n_sequences, n_signal + n_noise, 1)``
    targets : numpy.ndarray, shape ``(n_sequences, n_signal + n_noise, 1)``
        The class at every step (only the last one is meant to be used).
    mask : numpy.ndarray, shape ``(n_sequences, n_signal + n_noise)``
        1 at the last step only.
    labels : numpy.ndarray of int64, shape ``(n_sequences,)``
    """
    n_sequences = check_positive_int("n_sequences", n_sequences)
    n_noise = check_nonnegative_int("n_noise", n_noise)
    n_signal = check_positive_int("n_signal", n_signal)
    if check_finite_float("noise", noise) < 0:
        raise ValueError(f"noise must be a standard deviation >= 0; got {noise}")
    rng = as_generator(seed)
    labels = rng.integers(0, 2, size=n_sequences)
    length = n_signal + int(n_noise)
    u = np.empty((n_sequences, length, 1))
    u[:, :n_signal, 0] = (2.0 * labels - 1.0)[:, None]
    u[:, n_signal:, 0] = rng.normal(0.0, noise, size=(n_sequences, int(n_noise)))
    targets = np.broadcast_to(labels[:, None, None].astype(float), u.shape).copy()
    mask = np.zeros((n_sequences, length))
    mask[:, -1] = 1.0
    return u, targets, mask, labels.astype(np.int64)


def adding_problem(n_sequences: int, length: int, *, seed: SeedLike = None):
    """The adding problem (Hochreiter and Schmidhuber 1997).

    Each step has two inputs: a value drawn uniformly from ``[0, 1]`` and a
    marker that is 1 at exactly two steps (one in the first half of the
    sequence, one in the second) and 0 elsewhere. The target, due at the
    last step, is the sum of the two marked values. Always answering 1 gives
    a mean squared error of 1/6.

    Returns
    -------
    u : numpy.ndarray, shape ``(n_sequences, length, 2)``
    targets : numpy.ndarray, shape ``(n_sequences, length, 1)``
    mask : numpy.ndarray, shape ``(n_sequences, length)``
        1 at the last step only.
    """
    n_sequences = check_positive_int("n_sequences", n_sequences)
    length = check_positive_int("length", length)
    if length < 2:
        raise ValueError(f"length must be at least 2; got {length}")
    rng = as_generator(seed)
    values = rng.uniform(0.0, 1.0, size=(n_sequences, length))
    half = length // 2
    first = rng.integers(0, half, size=n_sequences)
    second = rng.integers(half, length, size=n_sequences)
    markers = np.zeros((n_sequences, length))
    rows = np.arange(n_sequences)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    u = np.stack([values, markers], axis=-1)
    total = values[rows, first] + values[rows, second]
    targets = np.broadcast_to(total[:, None, None], (n_sequences, length, 1)).copy()
    mask = np.zeros((n_sequences, length))
    mask[:, -1] = 1.0
    return u, targets, mask


def markov_chain(transition_matrix, length: int, seed: SeedLike = None,
                 initial=None) -> np.ndarray:
    """Draw a symbolic sequence from a Markov chain of order 1 or higher.

    A first-order chain has a transition matrix ``P[a, b]``, the probability
    that symbol ``b`` follows symbol ``a``; zeros are *forbidden transitions*
    that never occur. A chain of order ``m`` has an array of ``m + 1`` axes,
    ``P[s(t-m), ..., s(t-1), s(t)]``.

    Parameters
    ----------
    transition_matrix : array_like, shape ``(n_symbols,) * (order + 1)``
        Non-negative; every distribution over its last axis sums to 1 (within 1e-8).
    length : int
        Positive length of the sequence (the initial symbols included).
    seed : int, numpy.random.Generator or None
    initial : array_like, shape ``(n_symbols,) * order``, optional
        Distribution of the first ``order`` symbols; uniform over all blocks by default.

    Returns
    -------
    numpy.ndarray, shape ``(length,)``, int64

    Notes
    -----
    The chain is sampled by inverting the cumulative distribution of the
    current context with one uniform number per step. Introduced in chapter 6,
    *Fixed input-driven dynamics*.
    """
    from bisect import bisect_right

    length = check_positive_int("length", length)
    P = as_float_array("transition_matrix", transition_matrix)
    if P.ndim < 2 or len(set(P.shape)) != 1 or P.shape[0] == 0:
        raise ValueError("transition_matrix must have at least two axes, all of the same "
                         f"positive length (n_symbols); got shape {P.shape}")
    n_symbols, order = P.shape[0], P.ndim - 1
    rows = P.reshape(-1, n_symbols)
    if np.any(rows < 0) or np.any(np.abs(rows.sum(axis=1) - 1.0) > 1e-8):
        raise ValueError("transition_matrix must be non-negative and sum to 1 over its last "
                         "axis (one distribution of the next symbol per context)")
    n_contexts = n_symbols ** order
    if initial is None:
        initial = np.full(n_contexts, 1.0 / n_contexts)
    else:
        initial = as_float_array("initial", initial, shape=(n_symbols,) * order).ravel()
        if np.any(initial < 0) or abs(initial.sum() - 1.0) > 1e-8:
            raise ValueError("initial must be non-negative and sum to 1; "
                             f"got sum {initial.sum()}")
    rng = as_generator(seed)
    context = int(rng.choice(n_contexts, p=initial / initial.sum()))
    first = [(context // n_symbols ** (order - 1 - i)) % n_symbols for i in range(order)]
    cumulative = np.cumsum(rows, axis=1)
    for row, probs in zip(cumulative, rows):  # no draw may land on a forbidden symbol
        row[np.flatnonzero(probs > 0)[-1]:] = 1.0
    cumulative = cumulative.tolist()
    uniforms = rng.random(max(length - order, 0)).tolist()
    out = first + [0] * len(uniforms)
    for t, draw in enumerate(uniforms, start=order):
        symbol = bisect_right(cumulative[context], draw)
        out[t] = symbol
        context = (context * n_symbols + symbol) % n_contexts
    return np.array(out[:length], dtype=np.int64)


def parity_prefix_data(strings, window: int | None = None):
    """Training data for the parity language of chapter 3: a label for every prefix.

    The language is the strings over two symbols (indices 0 and 1, the
    lecture's `1` and `2`) with an odd number of 1's. With ``window = k`` the
    label is instead the parity of the 1's among the last ``k`` symbols only,

    .. math::

        d(t) = \\Big(\\sum_{\\tau = \\max(1, t - k + 1)}^{t} s(\\tau)\\Big) \\bmod 2,

    a *finite-memory* task (a definite-memory machine that stores the last
    ``k`` symbols solves it at any length), where the whole-prefix parity
    needs a memory that never fades (chapter 4).

    Parameters
    ----------
    strings : list of array_like of int
        Symbol sequences over ``{0, 1}``, each of length at least 1.
    window : int, optional
        Count only the last ``window`` symbols (at least 1). ``None``, the
        default, counts the whole prefix.

    Returns
    -------
    u : numpy.ndarray, shape ``(B, T, 2)``
        One-hot inputs, padded to the longest string.
    targets : numpy.ndarray, shape ``(B, T, 1)``
        The parity of the number of 1's in each prefix, or in its last
        ``window`` symbols (1.0 = odd).
    mask : numpy.ndarray, shape ``(B, T)``
        1 at the real steps.
    """
    if window is not None:
        window = check_positive_int("window", window)
    strings = [as_symbols(f"strings[{i}]", s, 2) for i, s in enumerate(strings)]
    if not strings:
        raise ValueError("strings must hold at least one string")
    u, mask = pad_sequences([one_hot(s, 2) for s in strings])
    targets = np.zeros(mask.shape + (1,))
    for b, s in enumerate(strings):
        counts = np.cumsum(s)
        if window is not None:
            counts = counts - np.concatenate([np.zeros(window, dtype=counts.dtype),
                                              counts[:-window]])[:len(s)]
        targets[b, :len(s), 0] = counts % 2
    return u, targets, mask


def mackey_glass(n_samples: int, *, tau: float = 17.0, beta: float = 0.2, gamma: float = 0.1,
                 exponent: float = 10.0, dt: float = 0.1, sample_every: int = 10,
                 initial: float = 1.2, discard: int = 1000) -> np.ndarray:
    """A sampled solution of the Mackey-Glass delay differential equation.

    .. math::

        \\dot x(t) = \\beta \\frac{x(t - \\tau)}{1 + x(t - \\tau)^{n}} - \\gamma x(t)

    (Mackey and Glass 1977), chaotic for ``tau = 17``. Integrated with the
    classical Runge-Kutta scheme at step ``dt`` (``tau / dt`` must be a whole
    number; delayed values at half steps are the mean of their neighbours),
    from the constant history ``x(t) = initial`` for ``t <= 0``, then sampled
    every ``sample_every`` steps (every time unit by default, as in Jaeger's
    benchmark). The first ``discard`` samples (the transient) are dropped.
    Deterministic: no seed.

    ``tau``, ``dt``, ``beta``, ``gamma`` and ``exponent`` must be finite and
    positive, with ``tau`` at least ``dt``; ``initial`` (a concentration) must
    be finite and ``>= 0``; ``discard`` is an integer ``>= 0``.

    Returns
    -------
    numpy.ndarray, shape ``(n_samples,)``
    """
    n_samples = check_positive_int("n_samples", n_samples)
    sample_every = check_positive_int("sample_every", sample_every)
    discard = check_nonnegative_int("discard", discard)
    for name, value in (("tau", tau), ("dt", dt), ("beta", beta), ("gamma", gamma),
                        ("exponent", exponent)):
        if check_finite_float(name, value) <= 0:
            raise ValueError(f"{name} must be a positive number; got {value}")
    if check_finite_float("initial", initial) < 0:
        raise ValueError(f"initial must be >= 0 (the history x(t) for t <= 0 is a "
                         f"concentration); got {initial}")
    lag = tau / dt
    if abs(lag - round(lag)) > 1e-9:
        raise ValueError(f"tau / dt must be a whole number of steps; got {lag}")
    lag = int(round(lag))
    if lag < 1:
        raise ValueError(f"tau must be at least dt (a delay of one step or more); got "
                         f"tau = {tau}, dt = {dt}")
    n_steps = (n_samples + discard) * sample_every
    x = [float(initial)] * (lag + 1) + [0.0] * n_steps  # x[lag] is x(0)

    def rate(value, delayed):
        return beta * delayed / (1.0 + delayed ** exponent) - gamma * value

    for i in range(lag, lag + n_steps):
        now, d0, d1 = x[i], x[i - lag], x[i - lag + 1]
        dmid = 0.5 * (d0 + d1)
        k1 = rate(now, d0)
        k2 = rate(now + 0.5 * dt * k1, dmid)
        k3 = rate(now + 0.5 * dt * k2, dmid)
        k4 = rate(now + dt * k3, d1)
        x[i + 1] = now + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    series = np.array(x[lag + sample_every::sample_every])
    return series[discard:discard + n_samples]


def narma(n_steps: int, order: int = 10, *, seed: SeedLike = None):
    """The NARMA task of order ``order`` (Atiya and Parlos 2000).

    Input ``u(t)`` i.i.d. uniform on ``[0, 0.5]``; target

    .. math::

        y(t+1) = 0.3\\, y(t) + 0.05\\, y(t) \\sum_{i=0}^{n-1} y(t-i)

        \\qquad + 1.5\\, u(t-n+1)\\, u(t) + 0.1 .

    Returns ``(u, y)``, each of shape ``(n_steps,)``, aligned so that ``y[t]``
    is the target to output at step ``t`` after seeing ``u[0..t]``, i.e.
    ``y[t]`` is ``y(t+1)`` of the formula. Raises if the recursion diverges
    (which it can for some draws of higher orders).

    ``order`` must be at most ``n_steps``: the term ``u(t - order + 1)`` first
    enters at step ``t = order - 1``, so in a shorter series it never would,
    and every larger order would give the same output. History before the
    start (``y(t)`` for ``t < 0`` and ``u(t)`` for ``t < 0``) counts as 0.
    """
    n_steps = check_positive_int("n_steps", n_steps)
    order = check_positive_int("order", order)
    if order > n_steps:
        raise ValueError(f"order ({order}) must be at most n_steps ({n_steps}): in a "
                         f"shorter series the term u(t - order + 1) never enters, so the "
                         f"output would not depend on the order")
    u = as_generator(seed).uniform(0.0, 0.5, n_steps)
    y = np.zeros(n_steps + 1)  # y[t] here is y(t); y(0) = 0
    for t in range(n_steps):
        past = y[max(0, t - order + 1):t + 1].sum()
        old_u = u[t - order + 1] if t - order + 1 >= 0 else 0.0
        y[t + 1] = 0.3 * y[t] + 0.05 * y[t] * past + 1.5 * old_u * u[t] + 0.1
    if not np.all(np.isfinite(y)) or np.abs(y).max() > 1e3:
        raise ValueError("the NARMA recursion diverged for this seed; try another")
    return u, y[1:]


def lag_matrix(series, order: int):
    """Lagged copies of a series for autoregression.

    Returns ``(X, y)`` with ``X[i] = (x[t-1], ..., x[t-order])`` and
    ``y[i] = x[t]`` for ``t = order, ..., T - 1`` (row ``i`` is ``t = order + i``).
    """
    x = as_float_array("series", series, ndim=1)
    order = check_positive_int("order", order)
    if order >= x.size:
        raise ValueError(f"order ({order}) must be below the series length ({x.size})")
    X = np.stack([x[order - k:x.size - k] for k in range(1, order + 1)], axis=1)
    return X, x[order:]
