"""Finite-state machines, and how to read one off a trained recurrent network.

A deterministic finite automaton (DFA) over the alphabet ``0 .. n_symbols - 1``
is a table ``transitions[q, a]`` of next states, a set of accepting states and
a start state. It accepts a string when the state it ends in after reading the
string from the start is accepting.

A recurrent network trained to accept a regular language often ends up
simulating such a machine: its states gather in a few attractive sets, one per
state of the automaton, and each input symbol moves the state from one set to
another (Giles et al. 1992; Tino and Sajda 1995). :func:`extract_dfa` makes
this visible by quantising the state space: the states the network visits are
clustered, each cluster becomes a state of an automaton, and the symbol-driven
moves between clusters become its transitions. :func:`minimize` then merges
the clusters that behave alike, and :func:`equivalent` checks whether the
result is the automaton the network was trained on, for example
:func:`parity_dfa`.

Introduced in chapter 3, *Attractive sets*.
"""

from __future__ import annotations

import numbers
from collections import deque
from dataclasses import dataclass

import numpy as np

from rnnbook.clustering import kmeans
from rnnbook.sequences import one_hot, pad_sequences
from rnnbook.validation import (
    SeedLike,
    as_generator,
    as_symbols,
    check_finite_float,
    check_float_range,
    check_positive_int,
)


def _int_array(name: str, value, ndim: int) -> np.ndarray:
    arr = np.asarray(value)
    if arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions; got shape {arr.shape}")
    if arr.size and (arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer)):
        raise TypeError(f"{name} must hold integers; got dtype {arr.dtype}")
    return arr.astype(np.int64)


@dataclass(frozen=True, eq=False)
class DFA:
    """A deterministic finite automaton with a complete transition table.

    Parameters
    ----------
    transitions : array_like of int, shape ``(n_states, n_symbols)``
        ``transitions[q, a]`` is the state entered from state ``q`` on symbol ``a``;
        every entry is in ``0 .. n_states - 1``.
    accepting : array_like of bool, shape ``(n_states,)``
        Which states accept (integers 0 and 1 are taken as booleans).
    start : int
        The start state, in ``0 .. n_states - 1``.

    Notes
    -----
    The arrays are copied and made read-only, so a DFA never changes. Two DFAs
    compare equal (``==``) when their tables, accepting states and start are
    identical; whether they accept the same *language* is
    :func:`equivalent`'s question.
    """

    transitions: np.ndarray
    accepting: np.ndarray
    start: int

    def __post_init__(self):
        transitions = _int_array("transitions", self.transitions, 2)
        n_states, n_symbols = transitions.shape
        if n_states == 0 or n_symbols == 0:
            raise ValueError("transitions must have at least one state (row) and one symbol "
                             f"(column); got shape {transitions.shape}")
        bad = (transitions < 0) | (transitions >= n_states)
        if np.any(bad):
            q, a = np.argwhere(bad)[0]
            raise ValueError(f"transitions[{q}, {a}] = {transitions[q, a]} is not a state "
                             f"(0 .. {n_states - 1})")
        accepting = np.asarray(self.accepting)
        if accepting.shape != (n_states,):
            raise ValueError(f"accepting must have shape ({n_states},), one entry per state; "
                             f"got {accepting.shape}")
        if accepting.dtype != bool:
            if not (np.issubdtype(accepting.dtype, np.integer)
                    and np.all((accepting == 0) | (accepting == 1))):
                raise TypeError("accepting must hold booleans (or 0 and 1); got "
                                f"dtype {accepting.dtype}")
            accepting = accepting.astype(bool)
        start = self.start
        if isinstance(start, bool) or not isinstance(start, numbers.Integral):
            raise TypeError(f"start must be an integer state index; got {type(start).__name__}")
        if not 0 <= start < n_states:
            raise ValueError(f"start must be a state in 0 .. {n_states - 1}; got {start}")
        transitions = transitions.copy()
        accepting = accepting.copy()
        transitions.setflags(write=False)
        accepting.setflags(write=False)
        object.__setattr__(self, "transitions", transitions)
        object.__setattr__(self, "accepting", accepting)
        object.__setattr__(self, "start", int(start))

    @property
    def n_states(self) -> int:
        return self.transitions.shape[0]

    @property
    def n_symbols(self) -> int:
        return self.transitions.shape[1]

    def run(self, symbols) -> int:
        """The state reached after reading ``symbols`` from the start state.

        Parameters
        ----------
        symbols : array_like of int, shape ``(T,)``
            Symbol indices; ``T = 0`` (the empty string) gives :attr:`start`.
        """
        state = self.start
        for a in as_symbols("symbols", symbols, self.n_symbols):
            state = self.transitions[state, a]
        return int(state)

    def accepts(self, symbols) -> bool:
        """Whether the automaton accepts one string.

        Parameters
        ----------
        symbols : array_like of int, shape ``(T,)``
            Symbol indices in ``0 .. n_symbols - 1``; may be empty.

        Returns
        -------
        bool
        """
        return bool(self.accepting[self.run(symbols)])

    def accepts_many(self, symbols, lengths=None) -> np.ndarray:
        """Whether the automaton accepts each string of a padded batch.

        All the strings advance together, one step of the loop per time step,
        so a batch of ten thousand strings costs little more than one.

        Parameters
        ----------
        symbols : array_like of int, shape ``(B, T)``
            Row ``b`` holds string ``b`` in its first ``lengths[b]`` entries; the
            entries after that are padding and may hold anything (say ``-1``).
        lengths : array_like of int, shape ``(B,)``, optional
            The string lengths, each in ``0 .. T``; all ``T`` by default.

        Returns
        -------
        numpy.ndarray of bool, shape ``(B,)``
        """
        symbols = np.asarray(symbols)
        if symbols.ndim != 2:
            raise ValueError(f"symbols must have 2 dimensions (strings, steps); got shape "
                             f"{symbols.shape}")
        if symbols.size and (symbols.dtype == bool
                             or not np.issubdtype(symbols.dtype, np.integer)):
            raise TypeError(f"symbols must hold integer symbol indices; got dtype "
                            f"{symbols.dtype}")
        n_strings, n_steps = symbols.shape
        if lengths is None:
            lengths = np.full(n_strings, n_steps)
        else:
            lengths = _int_array("lengths", lengths, 1)
            if lengths.shape != (n_strings,):
                raise ValueError(f"lengths must have shape ({n_strings},), one per row of "
                                 f"symbols; got {lengths.shape}")
            if np.any((lengths < 0) | (lengths > n_steps)):
                raise ValueError(f"lengths must lie in 0 .. {n_steps} (the width of symbols); "
                                 f"got values from {lengths.min()} to {lengths.max()}")
        real = np.arange(n_steps) < lengths[:, None]
        bad = real & ((symbols < 0) | (symbols >= self.n_symbols))
        if np.any(bad):
            b, t = np.argwhere(bad)[0]
            raise ValueError(f"symbols[{b}, {t}] = {symbols[b, t]} is outside the alphabet of "
                             f"{self.n_symbols} symbols (0 .. {self.n_symbols - 1})")
        # Strings sorted by length: at step t only the rows from `first` on are
        # still reading. Time runs down the rows of `steps` (in the smallest
        # integer type that holds the alphabet) so that each step reads
        # contiguous memory, and the table is indexed flat: row q, symbol a is
        # entry q * n_symbols + a. Padding may wrap round in the cast; it is never read.
        order = np.argsort(lengths, kind="stable")
        sorted_lengths = lengths[order]
        compact = symbols.astype(np.min_scalar_type(self.n_symbols - 1), copy=False)
        steps = np.ascontiguousarray(compact[order].T)
        table = self.transitions.ravel()
        n_symbols = self.n_symbols
        states = np.full(n_strings, self.start, dtype=np.int64)
        for t in range(int(lengths.max(initial=0))):
            first = np.searchsorted(sorted_lengths, t, side="right")
            states[first:] = table[states[first:] * n_symbols + steps[t, first:]]
        result = np.empty(n_strings, dtype=bool)
        result[order] = self.accepting[states]
        return result

    def __eq__(self, other) -> bool:
        if not isinstance(other, DFA):
            return NotImplemented
        return (self.start == other.start
                and self.transitions.shape == other.transitions.shape
                and bool(np.array_equal(self.transitions, other.transitions))
                and bool(np.array_equal(self.accepting, other.accepting)))

    def __hash__(self) -> int:
        return hash((self.start, self.transitions.shape, self.transitions.tobytes(),
                     self.accepting.tobytes()))

    def __repr__(self) -> str:
        accepting = ", ".join(str(q) for q in np.flatnonzero(self.accepting))
        return (f"DFA(n_states={self.n_states}, n_symbols={self.n_symbols}, "
                f"start={self.start}, accepting={{{accepting}}})")


def parity_dfa() -> DFA:
    """The two-state automaton that accepts strings with an odd number of symbol 1.

    Over the alphabet ``{0, 1}`` (the lecture's ``{1, 2}``: index 1 is the
    symbol "2"), state 0 means "even so far" and state 1 "odd so far"; symbol 0
    keeps the state, symbol 1 flips it. State 1 accepts; the empty string
    (zero 1's) is rejected.

    Returns
    -------
    DFA
    """
    return DFA(transitions=np.array([[0, 1], [1, 0]]), accepting=np.array([False, True]),
               start=0)


def _bfs_order(transitions: np.ndarray, start: int) -> list[int]:
    """The states reachable from ``start``, in breadth-first order (symbols in index order)."""
    seen = {start}
    order = [start]
    queue = deque([start])
    while queue:
        q = queue.popleft()
        for r in transitions[q]:
            r = int(r)
            if r not in seen:
                seen.add(r)
                order.append(r)
                queue.append(r)
    return order


def minimize(dfa: DFA) -> DFA:
    """The minimal DFA accepting the same language, numbered canonically.

    1. *Reachable part.* A breadth-first search from the start state finds the
       states any string can reach; the others are dropped.
    2. *Moore's partition refinement.* Two states are equivalent when every
       string leads both to accepting states or both to rejecting ones.
       Start from the partition {accepting, rejecting} (strings of length 0)
       and refine: two states stay in one block only if they are in one block
       now and, for every symbol, their successors are in one block too (this
       extends the agreement to strings one symbol longer). The number of
       blocks grows until one round splits nothing; the partition is then the
       equivalence, and each block becomes one state.
    3. *Canonical numbering.* The blocks are numbered in breadth-first order
       from the start block, taking symbols in index order, so the start state
       is 0 and two minimal DFAs for one language are identical (``==``), not
       just equivalent.

    Parameters
    ----------
    dfa : DFA

    Returns
    -------
    DFA
        At most ``dfa.n_states`` states, none unreachable and no two equivalent.
    """
    if not isinstance(dfa, DFA):
        raise TypeError(f"dfa must be a DFA; got {type(dfa).__name__}")
    reachable = np.array(_bfs_order(dfa.transitions, dfa.start))
    index = np.full(dfa.n_states, -1)
    index[reachable] = np.arange(reachable.size)
    trans = index[dfa.transitions[reachable]]          # the reachable part, renumbered
    block = dfa.accepting[reachable].astype(np.int64)
    n_blocks = np.unique(block).size
    while True:
        signature = np.column_stack([block, block[trans]])
        _, block = np.unique(signature, axis=0, return_inverse=True)
        block = block.ravel()
        if block.max() + 1 == n_blocks:
            break
        n_blocks = block.max() + 1
    # one representative per block gives the quotient automaton
    representative = np.zeros(n_blocks, dtype=np.int64)
    representative[block] = np.arange(block.size)
    quotient = block[trans[representative]]
    start = int(block[0])                               # state 0 is the old start
    order = _bfs_order(quotient, start)                 # every block is reachable
    rename = np.empty(n_blocks, dtype=np.int64)
    rename[order] = np.arange(n_blocks)
    return DFA(transitions=rename[quotient[order]],
               accepting=dfa.accepting[reachable][representative[order]],
               start=0)


def _check_pair(a: DFA, b: DFA) -> None:
    for name, value in (("a", a), ("b", b)):
        if not isinstance(value, DFA):
            raise TypeError(f"{name} must be a DFA; got {type(value).__name__}")
    if a.n_symbols != b.n_symbols:
        raise ValueError(f"a and b must share their alphabet; got {a.n_symbols} and "
                         f"{b.n_symbols} symbols")


def find_counterexample(a: DFA, b: DFA) -> np.ndarray | None:
    """A shortest string that one automaton accepts and the other rejects.

    A breadth-first search over the product automaton, whose states are the
    pairs ``(p, q)`` reachable from ``(a.start, b.start)`` by reading the same
    string in both. The first pair found in which exactly one of ``p`` and
    ``q`` accepts ends the search; the path to it is the counterexample, and no
    shorter one exists because the search visits pairs in order of distance.

    Parameters
    ----------
    a, b : DFA
        Over the same alphabet.

    Returns
    -------
    numpy.ndarray of int64, shape ``(T,)``, or None
        The string (possibly empty); ``None`` if the languages are equal.
    """
    _check_pair(a, b)
    start = (a.start, b.start)
    parent: dict[tuple[int, int], tuple[tuple[int, int], int] | None] = {start: None}
    queue = deque([start])
    while queue:
        pair = queue.popleft()
        p, q = pair
        if a.accepting[p] != b.accepting[q]:
            path = []
            while parent[pair] is not None:
                pair, symbol = parent[pair]
                path.append(symbol)
            return np.array(path[::-1], dtype=np.int64)
        for symbol in range(a.n_symbols):
            nxt = (int(a.transitions[p, symbol]), int(b.transitions[q, symbol]))
            if nxt not in parent:
                parent[nxt] = (pair, symbol)
                queue.append(nxt)
    return None


def equivalent(a: DFA, b: DFA) -> bool:
    """Whether two automata accept the same language.

    True exactly when no pair of states reachable together in the product
    automaton disagrees on acceptance (see :func:`find_counterexample`).

    Parameters
    ----------
    a, b : DFA
        Over the same alphabet.

    Returns
    -------
    bool
    """
    return find_counterexample(a, b) is None


@dataclass(frozen=True, eq=False)
class ExtractionResult:
    """What :func:`extract_dfa` found.

    Attributes
    ----------
    dfa : DFA
        The raw automaton: state 0 is the network's initial state ``x(0)``,
        state ``k + 1`` is cluster ``k``, and a last, rejecting sink state is
        present if some (state, symbol) pair was never observed.
    minimal : DFA
        ``minimize(dfa)``.
    centers : numpy.ndarray, shape ``(n_clusters, n_states of the model)``
        The cluster centres in the network's state space.
    states : numpy.ndarray, shape ``(N, n_states of the model)``
        Every visited state ``x(t)``, ``t >= 1``: string by string (in the order
        given, empty strings skipped), step by step.
    labels : numpy.ndarray of int64, shape ``(N,)``
        The cluster of each row of ``states``.
    n_transitions : int
        Observed transitions, one per symbol read (``N``).
    transition_conflicts : int
        Observed transitions that did not go to the majority successor of their
        (state, symbol) pair. Zero when the clusters partition the state space
        so cleanly that each symbol moves a whole cluster into one cluster.
    output_conflicts : int
        Visited states whose own output (accept or reject) disagrees with the
        majority of their cluster.
    """

    dfa: DFA
    minimal: DFA
    centers: np.ndarray
    states: np.ndarray
    labels: np.ndarray
    n_transitions: int
    transition_conflicts: int
    output_conflicts: int

    @property
    def conflict_rate(self) -> float:
        """The fraction of observed transitions that disagreed with the majority."""
        return self.transition_conflicts / self.n_transitions


def extract_dfa(model, strings, n_symbols: int, *, n_clusters: int, seed: SeedLike = None,
                threshold: float = 0.5, accept_empty: bool | None = None) -> ExtractionResult:
    """Extract a finite automaton from a network by quantising its state space.

    1. The network reads every string (one-hot inputs, all strings in one padded
       batch) from its initial state ``x(0)``; the states ``x(t)`` after every
       non-empty prefix are collected.
    2. Those states are clustered by k-means (:func:`rnnbook.clustering.kmeans`,
       with exact distances, so the clusters are the same on every CPU, and
       k-means++ starts, seeded from ``seed``). Each cluster becomes a
       state of the automaton. The initial state ``x(0)`` is kept apart as
       state 0 and never clustered: it is usually not on any attractor, and
       merging it with a cluster would blur the first transition of every
       string.
    3. Transitions: for every (state, symbol) pair that the data show, the next
       state is the cluster most of the observed successors fall in (ties go to
       the lower cluster index). A pair never observed (a symbol never read from
       that cluster) leads to a rejecting *sink* state that loops on every
       symbol; the sink is added only when such a pair exists. The automaton
       therefore makes no claim beyond the data: it rejects whatever leaves
       the observed behaviour.
    4. Acceptance: a cluster accepts if most of the network's outputs at its
       states are ``>= threshold`` (a tie or an empty cluster rejects); state 0
       accepts as ``accept_empty`` says or, if it is ``None``, iff the output at
       ``x(0)`` is ``>= threshold``.

    Finally :func:`minimize` merges the states that behave alike. Use enough
    clusters that transient states after short prefixes get clusters of their
    own instead of being merged with an attractor they have not reached yet;
    the minimisation removes the surplus.

    Parameters
    ----------
    model : StateSpaceModel
        A network with ``n_inputs == n_symbols``, one output unit (read as the
        probability of acceptance), and ``initial_state()``, ``run()`` and
        ``readout()``, such as :class:`rnnbook.RNN`.
    strings : list of array_like of int
        At least one non-empty string; each is a 1-D array of symbol indices
        in ``0 .. n_symbols - 1``. Empty strings are allowed and contribute
        nothing.
    n_symbols : int
        Alphabet size.
    n_clusters : int
        Number of clusters, at most the number of distinct visited states.
    seed : int, numpy.random.Generator or None
        For the k-means++ starts.
    threshold : float
        An output ``>= threshold`` means "accept".
    accept_empty : bool, optional
        Whether the empty string is in the language. A network gives its first
        output only after reading a symbol, so training never sets its output
        at ``x(0)``, and reading the empty string's label from it is a guess;
        pass the label when it is known.

    Returns
    -------
    ExtractionResult
    """
    n_symbols = check_positive_int("n_symbols", n_symbols)
    n_clusters = check_positive_int("n_clusters", n_clusters)
    threshold = check_float_range("threshold", threshold, 0.0, 1.0)
    rng = as_generator(seed)
    for attribute in ("initial_state", "run", "readout"):
        if not callable(getattr(model, attribute, None)):
            raise TypeError(f"model must be a state-space model with {attribute}(); got "
                            f"{type(model).__name__}")
    if getattr(model, "n_inputs", n_symbols) != n_symbols:
        raise ValueError(f"model reads {model.n_inputs} inputs, but n_symbols is {n_symbols}: "
                         "the inputs must be the one-hot codes of the symbols")
    if getattr(model, "n_outputs", 1) != 1:
        raise ValueError(f"model must have one output unit (accept/reject); got "
                         f"n_outputs={model.n_outputs}")
    if isinstance(strings, np.ndarray) or not hasattr(strings, "__len__"):
        raise TypeError("strings must be a list of 1-D symbol arrays; got "
                        f"{type(strings).__name__}")
    if len(strings) == 0:
        raise ValueError("strings must hold at least one string")
    strings = [as_symbols(f"strings[{i}]", s, n_symbols) for i, s in enumerate(strings)]
    strings = [s for s in strings if s.size]
    if not strings:
        raise ValueError("strings must hold at least one non-empty string")

    # 1. every prefix's state, string by string and step by step
    u, mask = pad_sequences([one_hot(s, n_symbols) for s in strings])
    trajectory = model.run(u)
    real = mask.astype(bool)
    states = trajectory.states[real]
    outputs = np.asarray(model.readout(states)).reshape(-1)
    if accept_empty is None:
        accept_x0 = bool(np.asarray(model.readout(model.initial_state())).reshape(-1)[0]
                         >= threshold)
    elif isinstance(accept_empty, (bool, np.bool_)):
        accept_x0 = bool(accept_empty)
    else:
        raise TypeError(f"accept_empty must be True, False or None; got {accept_empty!r}")
    n_distinct = np.unique(states, axis=0).shape[0]
    if n_clusters > n_distinct:
        raise ValueError(f"n_clusters={n_clusters} exceeds the {n_distinct} distinct states "
                         "the network visited")

    # 2. clusters; automaton state k + 1 is cluster k, state 0 is x(0)
    centers, labels = kmeans(states, n_clusters, init="++", seed=rng)
    automaton_state = np.zeros(real.shape, dtype=np.int64)
    automaton_state[real] = labels + 1
    previous = np.concatenate([np.zeros((len(strings), 1), dtype=np.int64),
                               automaton_state[:, :-1]], axis=1)[real]
    symbols = np.zeros(real.shape, dtype=np.int64)
    for b, s in enumerate(strings):
        symbols[b, :s.size] = s

    # 3. majority transitions; unobserved pairs go to the sink
    n_core = n_clusters + 1
    counts = np.zeros((n_core, n_symbols, n_core), dtype=np.int64)
    np.add.at(counts, (previous, symbols[real], labels + 1), 1)
    observed = counts.sum(axis=2)
    majority = counts.argmax(axis=2)
    transition_conflicts = int(observed.sum() - counts.max(axis=2).sum())
    needs_sink = not np.all(observed > 0)
    n_total = n_core + needs_sink
    transitions = np.full((n_total, n_symbols), n_core, dtype=np.int64)
    transitions[:n_core][observed > 0] = majority[observed > 0]

    # 4. majority acceptance of each cluster
    says_accept = outputs >= threshold
    n_accept = np.bincount(labels, weights=says_accept, minlength=n_clusters)
    n_members = np.bincount(labels, minlength=n_clusters)
    cluster_accepts = 2 * n_accept > n_members
    output_conflicts = int(np.sum(says_accept != cluster_accepts[labels]))
    accepting = np.zeros(n_total, dtype=bool)
    accepting[0] = accept_x0
    accepting[1:n_core] = cluster_accepts

    dfa = DFA(transitions=transitions, accepting=accepting, start=0)
    return ExtractionResult(dfa=dfa, minimal=minimize(dfa), centers=centers, states=states,
                            labels=labels, n_transitions=int(labels.size),
                            transition_conflicts=transition_conflicts,
                            output_conflicts=output_conflicts)
