"""Tests of finite automata and their extraction from recurrent networks (rnnbook.automata).

The reference answers are computed independently in this file: acceptance by
counting symbols (parity) or by stepping through a transition table in plain
Python, minimality by brute force over all short strings (Myhill-Nerode
classes), and shortest counterexamples by enumerating strings in order of length.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest

from rnnbook import RNN, StateSpaceModel
from rnnbook.automata import (
    DFA,
    ExtractionResult,
    equivalent,
    extract_dfa,
    find_counterexample,
    minimize,
    parity_dfa,
)
from rnnbook.optim import Adam, train
from rnnbook.sequences import one_hot, pad_sequences

N_CASES = 30  # random automata per property test


# --------------------------------------------------------------- references
def accepts_reference(transitions, accepting, start, string) -> bool:
    """Step through a transition table one symbol at a time, in plain Python."""
    table = np.asarray(transitions).tolist()
    state = int(start)
    for symbol in np.asarray(string).tolist():
        state = table[state][symbol]
    return bool(np.asarray(accepting)[state])


def odd_number_of_ones(string) -> bool:
    return bool(np.sum(np.asarray(string) == 1) % 2 == 1)


def all_strings(n_symbols: int, max_length: int):
    """Every string of length 0 .. max_length, shortest first."""
    for length in range(max_length + 1):
        for string in itertools.product(range(n_symbols), repeat=length):
            yield np.array(string, dtype=np.int64)


def random_dfa(rng, max_states: int = 6, max_symbols: int = 3) -> DFA:
    n_states = int(rng.integers(1, max_states + 1))
    n_symbols = int(rng.integers(1, max_symbols + 1))
    return DFA(transitions=rng.integers(0, n_states, size=(n_states, n_symbols)),
               accepting=rng.random(n_states) < 0.5,
               start=int(rng.integers(n_states)))


def random_strings(rng, n_strings: int, n_symbols: int, low: int, high: int):
    return [rng.integers(0, n_symbols, size=int(rng.integers(low, high + 1)))
            for _ in range(n_strings)]


def n_nerode_classes(dfa: DFA) -> int:
    """The number of states of the minimal DFA, by brute force.

    Reachable states are found by running every string of length < n_states;
    two of them are equivalent iff no string of length <= n_states tells them
    apart (two states of an n-state DFA that differ at all differ on a string
    of length <= n - 2).
    """
    n = dfa.n_states
    table = dfa.transitions.tolist()

    def run_from(state, string):
        for symbol in string.tolist():
            state = table[state][symbol]
        return state

    probes = list(all_strings(dfa.n_symbols, n))
    reachable = {run_from(dfa.start, s) for s in all_strings(dfa.n_symbols, n - 1)}
    signatures = {tuple(bool(dfa.accepting[run_from(q, s)]) for s in probes) for q in reachable}
    return len(signatures)


def renamed(dfa: DFA, perm: np.ndarray) -> DFA:
    """The same automaton with state q called perm[q]."""
    transitions = np.empty_like(dfa.transitions)
    accepting = np.empty_like(dfa.accepting)
    transitions[perm] = perm[dfa.transitions]
    accepting[perm] = dfa.accepting
    return DFA(transitions=transitions, accepting=accepting, start=int(perm[dfa.start]))


EVEN = DFA(transitions=np.array([[0, 1], [1, 0]]), accepting=np.array([True, False]), start=0)
CONTAINS_ONE = DFA(transitions=np.array([[0, 1], [1, 1]]), accepting=np.array([False, True]),
                   start=0)


# --------------------------------------------------------------------- DFA
@pytest.mark.parametrize("kwargs, error, match", [
    (dict(transitions=[0, 1], accepting=[True, False], start=0), ValueError, "transitions"),
    (dict(transitions=np.zeros((0, 2), int), accepting=[], start=0), ValueError, "transitions"),
    (dict(transitions=np.zeros((2, 0), int), accepting=[True, False], start=0), ValueError,
     "transitions"),
    (dict(transitions=[[0, 2], [1, 0]], accepting=[True, False], start=0), ValueError,
     r"transitions\[0, 1\]"),
    (dict(transitions=[[0, 1], [-1, 0]], accepting=[True, False], start=0), ValueError,
     r"transitions\[1, 0\]"),
    (dict(transitions=[[0.0, 1.0], [1.0, 0.0]], accepting=[True, False], start=0), TypeError,
     "transitions"),
    (dict(transitions=[[0, 1], [1, 0]], accepting=[True, False, True], start=0), ValueError,
     "accepting"),
    (dict(transitions=[[0, 1], [1, 0]], accepting=[0.5, 0.0], start=0), TypeError, "accepting"),
    (dict(transitions=[[0, 1], [1, 0]], accepting=[2, 0], start=0), TypeError, "accepting"),
    (dict(transitions=[[0, 1], [1, 0]], accepting=[True, False], start=2), ValueError, "start"),
    (dict(transitions=[[0, 1], [1, 0]], accepting=[True, False], start=-1), ValueError, "start"),
    (dict(transitions=[[0, 1], [1, 0]], accepting=[True, False], start=1.0), TypeError, "start"),
    (dict(transitions=[[0, 1], [1, 0]], accepting=[True, False], start=True), TypeError, "start"),
])
def test_dfa_validation_names_the_argument(kwargs, error, match):
    with pytest.raises(error, match=match):
        DFA(**kwargs)


def test_dfa_sizes_copies_and_immutability():
    transitions = np.array([[0, 1, 2], [2, 2, 0], [1, 0, 1]])
    accepting = np.array([1, 0, 1])
    dfa = DFA(transitions=transitions, accepting=accepting, start=np.int64(2))
    assert (dfa.n_states, dfa.n_symbols, dfa.start) == (3, 3, 2)
    assert dfa.accepting.dtype == bool and type(dfa.start) is int
    transitions[0, 0] = 1                         # the caller's arrays are not shared
    accepting[0] = 0
    assert dfa.transitions[0, 0] == 0 and dfa.accepting[0]
    with pytest.raises(ValueError):
        dfa.transitions[0, 0] = 1                 # read-only
    with pytest.raises(dataclasses.FrozenInstanceError):
        dfa.start = 0
    assert dfa == DFA(transitions=[[0, 1, 2], [2, 2, 0], [1, 0, 1]], accepting=[1, 0, 1], start=2)
    assert dfa != DFA(transitions=[[0, 1, 2], [2, 2, 0], [1, 0, 1]], accepting=[1, 0, 1], start=0)
    assert len({dfa, DFA(dfa.transitions, dfa.accepting, dfa.start)}) == 1
    assert repr(dfa) == "DFA(n_states=3, n_symbols=3, start=2, accepting={0, 2})"


def test_parity_dfa_accepts_exactly_odd_numbers_of_ones():
    parity = parity_dfa()
    assert (parity.n_states, parity.n_symbols) == (2, 2)
    rng = np.random.default_rng(0)
    strings = [np.array([], dtype=np.int64)] + random_strings(rng, 500, 2, 0, 40)
    for string in strings:
        assert parity.accepts(string) == odd_number_of_ones(string), string
    assert not parity.accepts([])                  # zero 1's is even
    assert parity.accepts([1]) and parity.accepts([0, 1, 0, 0])
    assert not parity.accepts([1, 0, 1])


def test_accepts_checks_its_string():
    with pytest.raises(ValueError, match="symbols"):
        parity_dfa().accepts([0, 2])
    with pytest.raises(ValueError, match="symbols"):
        parity_dfa().accepts([[0, 1]])
    with pytest.raises(TypeError, match="symbols"):
        parity_dfa().accepts([0.0, 1.0])


def test_accepts_agrees_with_stepping_through_the_table():
    rng = np.random.default_rng(1)
    for _ in range(N_CASES):
        dfa = random_dfa(rng)
        for string in random_strings(rng, 20, dfa.n_symbols, 0, 15):
            assert dfa.accepts(string) == accepts_reference(dfa.transitions, dfa.accepting,
                                                             dfa.start, string)


def test_accepts_many_agrees_with_accepts_on_padded_batches():
    rng = np.random.default_rng(2)
    for _ in range(N_CASES):
        dfa = random_dfa(rng)
        n_strings, n_steps = int(rng.integers(1, 40)), int(rng.integers(0, 25))
        symbols = rng.integers(0, dfa.n_symbols, size=(n_strings, n_steps))
        lengths = rng.integers(0, n_steps + 1, size=n_strings)
        padded = np.where(np.arange(n_steps) < lengths[:, None], symbols, -1)  # junk padding
        got = dfa.accepts_many(padded, lengths)
        assert got.shape == (n_strings,) and got.dtype == bool
        want = [dfa.accepts(padded[b, :lengths[b]]) for b in range(n_strings)]
        np.testing.assert_array_equal(got, want)
        # without lengths every row is read in full
        np.testing.assert_array_equal(dfa.accepts_many(symbols),
                                      [dfa.accepts(row) for row in symbols])


def test_accepts_many_checks_its_arguments():
    parity = parity_dfa()
    with pytest.raises(ValueError, match="symbols"):
        parity.accepts_many([0, 1, 1])
    with pytest.raises(TypeError, match="symbols"):
        parity.accepts_many(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="lengths"):
        parity.accepts_many(np.zeros((2, 3), int), [1, 2, 3])
    with pytest.raises(ValueError, match="lengths"):
        parity.accepts_many(np.zeros((2, 3), int), [1, 4])
    with pytest.raises(ValueError, match=r"symbols\[1, 0\]"):
        parity.accepts_many([[0, 1, -1], [2, 0, 0]], [2, 3])
    # entries past a string's end are padding and are not checked
    np.testing.assert_array_equal(parity.accepts_many([[1, 7, 7], [1, 1, 1]], [1, 3]),
                                  [True, True])


# ---------------------------------------------------------------- minimize
def test_minimize_redundant_parity_automaton():
    # states 0 and 2 both mean "even", 1 and 3 "odd"; state 4 is unreachable
    redundant = DFA(transitions=[[2, 1], [3, 2], [0, 3], [1, 0], [4, 0]],
                    accepting=[False, True, False, True, True], start=0)
    minimal = minimize(redundant)
    assert minimal.n_states == 2
    assert equivalent(minimal, parity_dfa())
    for string in random_strings(np.random.default_rng(3), 200, 2, 0, 30):
        assert minimal.accepts(string) == odd_number_of_ones(string)
    assert minimal == parity_dfa()                 # canonical: start 0, BFS order


def test_minimize_accept_everything_and_single_state():
    everything = DFA(transitions=[[1, 2], [2, 0], [0, 1]], accepting=[True, True, True], start=1)
    assert minimize(everything) == DFA(transitions=[[0, 0]], accepting=[True], start=0)
    nothing = DFA(transitions=[[1], [0]], accepting=[False, False], start=0)
    assert minimize(nothing).n_states == 1 and not minimize(nothing).accepting[0]


def test_minimize_matches_brute_force_and_preserves_the_language():
    rng = np.random.default_rng(4)
    for _ in range(N_CASES):
        dfa = random_dfa(rng)
        minimal = minimize(dfa)
        assert minimal.start == 0
        assert minimal.n_states == n_nerode_classes(dfa)
        for string in random_strings(rng, 30, dfa.n_symbols, 0, 12):
            assert minimal.accepts(string) == accepts_reference(
                dfa.transitions, dfa.accepting, dfa.start, string)


def test_minimize_is_idempotent_and_canonical():
    rng = np.random.default_rng(5)
    for _ in range(N_CASES):
        dfa = random_dfa(rng)
        minimal = minimize(dfa)
        assert minimize(minimal) == minimal
        # renaming the states does not change the result
        assert minimize(renamed(dfa, rng.permutation(dfa.n_states))) == minimal


def test_minimize_refuses_other_types():
    with pytest.raises(TypeError, match="dfa"):
        minimize([[0, 1], [1, 0]])


# ----------------------------------------------------- equivalence checking
def test_parity_and_even_parity_differ_on_the_empty_string():
    counterexample = find_counterexample(parity_dfa(), EVEN)
    assert counterexample is not None and counterexample.shape == (0,)
    assert not equivalent(parity_dfa(), EVEN)


def test_parity_and_contains_one_counterexample_is_shortest():
    counterexample = find_counterexample(parity_dfa(), CONTAINS_ONE)
    assert counterexample is not None
    assert parity_dfa().accepts(counterexample) != CONTAINS_ONE.accepts(counterexample)
    for string in all_strings(2, len(counterexample) - 1):
        assert parity_dfa().accepts(string) == CONTAINS_ONE.accepts(string)
    assert not equivalent(parity_dfa(), CONTAINS_ONE)


def test_counterexample_is_found_breadth_first():
    # symbol 0 leads at once to an accepting state, symbol 1 only after three steps
    a = DFA(transitions=[[4, 1], [1, 2], [2, 3], [3, 3], [4, 4]],
            accepting=[False, False, False, True, True], start=0)
    reject_all = DFA(transitions=[[0, 0]], accepting=[False], start=0)
    np.testing.assert_array_equal(find_counterexample(a, reject_all), [0])
    np.testing.assert_array_equal(find_counterexample(reject_all, a), [0])


def test_equivalence_against_brute_force():
    rng = np.random.default_rng(6)
    outcomes = set()
    for _ in range(2 * N_CASES):
        a = random_dfa(rng, max_states=3, max_symbols=2)
        # a partner over the same alphabet: a renamed copy, or a copy with one change
        b = renamed(a, rng.permutation(a.n_states))
        if rng.random() < 0.6:
            transitions, accepting = b.transitions.copy(), b.accepting.copy()
            if rng.random() < 0.5:
                accepting[rng.integers(b.n_states)] ^= True
            else:
                transitions[rng.integers(b.n_states), rng.integers(b.n_symbols)] = \
                    rng.integers(b.n_states)
            b = DFA(transitions, accepting, b.start)
        counterexample = find_counterexample(a, b)
        # DFAs with n and m states that differ at all differ on a string shorter than n * m
        disagreements = [s for s in all_strings(a.n_symbols, a.n_states * b.n_states - 1)
                         if a.accepts(s) != b.accepts(s)]
        assert equivalent(a, b) == (not disagreements)
        if disagreements:
            assert len(counterexample) == len(disagreements[0])   # shortest
            assert a.accepts(counterexample) != b.accepts(counterexample)
        else:
            assert counterexample is None
        assert equivalent(a, minimize(a)) and equivalent(minimize(b), b)
        outcomes.add(bool(disagreements))
    assert outcomes == {True, False}               # both cases were exercised


def test_equivalence_needs_a_common_alphabet():
    three = DFA(transitions=[[0, 0, 0]], accepting=[True], start=0)
    with pytest.raises(ValueError, match="alphabet"):
        equivalent(parity_dfa(), three)
    with pytest.raises(TypeError, match="b"):
        find_counterexample(parity_dfa(), "parity")


# -------------------------------------------------- extraction, exact model
class ParityMachine(StateSpaceModel):
    """A hand-built state-space model whose state is one-hot parity: [1, 0] even, [0, 1] odd."""

    n_inputs, n_states, n_outputs = 2, 2, 1

    def transition(self, drive_t, x_prev):
        flip = drive_t[..., 1:2]
        return (1 - flip) * x_prev + flip * x_prev[..., ::-1]

    def output(self, x):
        return x[..., 1:2]

    def initial_state(self):
        return np.array([1.0, 0.0])


def test_extract_from_an_exact_parity_machine():
    rng = np.random.default_rng(7)
    strings = [np.array([], dtype=np.int64)] + random_strings(rng, 50, 2, 1, 8)
    result = extract_dfa(ParityMachine(), strings, 2, n_clusters=2, seed=0)
    assert isinstance(result, ExtractionResult)
    n_symbols_read = sum(len(s) for s in strings)
    assert result.labels.shape == (n_symbols_read,) == (result.n_transitions,)
    assert result.states.shape == (n_symbols_read, 2) and result.centers.shape == (2, 2)
    assert result.transition_conflicts == 0 and result.output_conflicts == 0
    assert result.conflict_rate == 0.0
    # x(0) is a state of its own even though it coincides with the "even" cluster
    assert result.dfa.n_states == 3 and result.dfa.start == 0
    assert result.minimal == parity_dfa()


def test_unobserved_transitions_go_to_a_rejecting_sink():
    # only symbol 0 is ever read, so no transition on symbol 1 is observed
    result = extract_dfa(ParityMachine(), [np.zeros(4, dtype=np.int64), np.zeros(2, int)], 2,
                         n_clusters=1, seed=0)
    dfa = result.dfa
    assert dfa.n_states == 3                       # x(0), one cluster, the sink
    sink = 2
    np.testing.assert_array_equal(dfa.transitions[:, 1], [sink, sink, sink])
    np.testing.assert_array_equal(dfa.transitions[:, 0], [1, 1, sink])
    assert not dfa.accepting[sink]
    assert not dfa.accepts([1]) and not dfa.accepts([0, 0, 0])


def test_no_sink_when_every_transition_is_observed():
    strings = list(all_strings(2, 4))
    assert extract_dfa(ParityMachine(), strings, 2, n_clusters=2, seed=0).dfa.n_states == 3


class CountModThree(StateSpaceModel):
    """A hand-built model whose state is the number of 1's mod 3, one-hot; it accepts count 1."""

    n_inputs, n_states, n_outputs = 2, 3, 1

    def transition(self, drive_t, x_prev):
        shift = drive_t[..., 1:2]
        return (1 - shift) * x_prev + shift * np.roll(x_prev, 1, axis=-1)

    def output(self, x):
        return x[..., 1:2]

    def initial_state(self):
        return np.array([1.0, 0.0, 0.0])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_extraction_counts_majorities_and_conflicts(seed):
    """Too few clusters for three states: recount everything from the labels, in plain Python."""
    model = CountModThree()
    rng = np.random.default_rng(seed)
    strings = random_strings(rng, 40, 2, 1, 6)
    result = extract_dfa(model, strings, 2, n_clusters=2, seed=seed)
    labels = result.labels.tolist()
    outputs = model.readout(result.states)[:, 0].tolist()
    counts, k = {}, 0                               # (state, symbol) -> {next: count}
    for string in strings:
        state = 0
        for symbol in string.tolist():
            following = labels[k] + 1
            counts.setdefault((state, symbol), {}).setdefault(following, 0)
            counts[(state, symbol)][following] += 1
            state, k = following, k + 1
    conflicts = 0
    sink = 3
    for state in range(3):
        for symbol in range(2):
            seen = counts.get((state, symbol))
            if seen is None:
                assert result.dfa.transitions[state, symbol] == sink
                continue
            best = max(seen.values())
            assert result.dfa.transitions[state, symbol] == min(
                q for q, c in seen.items() if c == best)
            conflicts += sum(seen.values()) - best
    assert result.transition_conflicts == conflicts > 0   # a merged cluster cannot be clean
    assert result.n_transitions == len(labels)
    assert result.conflict_rate == conflicts / len(labels)
    output_conflicts = 0
    for cluster in range(2):
        said = [y >= 0.5 for y, c in zip(outputs, labels) if c == cluster]
        majority = 2 * sum(said) > len(said)
        assert result.dfa.accepting[cluster + 1] == majority
        output_conflicts += sum(v != majority for v in said)
    assert result.output_conflicts == output_conflicts
    assert not result.dfa.accepting[0]             # x(0) = count 0 rejects
    if result.dfa.n_states == 4:
        assert not result.dfa.accepting[sink]


def test_a_cluster_accepts_by_majority():
    # one cluster holding three "even" states and one "odd" state rejects
    result = extract_dfa(ParityMachine(), [np.array([0, 0, 0, 1])], 2, n_clusters=1, seed=0)
    assert result.output_conflicts == 1
    assert not result.dfa.accepting[1]


@pytest.mark.parametrize("strings, n_symbols, kwargs, error, match", [
    ([[0, 1], [0, 2]], 2, dict(n_clusters=2), ValueError, r"strings\[1\]"),
    ([[0, -1]], 2, dict(n_clusters=2), ValueError, r"strings\[0\]"),
    ([[0.0, 1.0]], 2, dict(n_clusters=2), TypeError, r"strings\[0\]"),
    ([[0, 1]], 2, dict(n_clusters=0), ValueError, "n_clusters"),
    ([[0, 1]], 2, dict(n_clusters=2.0), TypeError, "n_clusters"),
    ([], 2, dict(n_clusters=2), ValueError, "strings"),
    ([[], []], 2, dict(n_clusters=2), ValueError, "non-empty"),
    (np.array([[0, 1]]), 2, dict(n_clusters=2), TypeError, "strings"),
    ([[0, 1]], 3, dict(n_clusters=2), ValueError, "n_symbols"),
    ([[0, 1]], 0, dict(n_clusters=2), ValueError, "n_symbols"),
    ([[0, 1, 1]], 2, dict(n_clusters=3), ValueError, "n_clusters"),  # only 2 distinct states
    ([[0, 1]], 2, dict(n_clusters=2, seed=-1), ValueError, "seed"),
    ([[0, 1]], 2, dict(n_clusters=2, threshold=float("nan")), ValueError, "threshold"),
])
def test_extract_dfa_checks_its_arguments(strings, n_symbols, kwargs, error, match):
    with pytest.raises(error, match=match):
        extract_dfa(ParityMachine(), strings, n_symbols, **kwargs)


def test_extract_dfa_needs_one_output_and_a_state_space_model():
    two_outputs = RNN.random(2, 3, 2, seed=0)
    with pytest.raises(ValueError, match="output"):
        extract_dfa(two_outputs, [[0, 1]], 2, n_clusters=2)
    with pytest.raises(TypeError, match="model"):
        extract_dfa(object(), [[0, 1]], 2, n_clusters=2)


# ------------------------------------------- extraction, trained network
class EveryPrefix:
    """Train ``net`` on every prefix of the strings, the empty prefix included.

    ``loss_and_gradients`` of an RNN scores the outputs ``y(1) .. y(T)``; the
    answer on the empty string is the readout at ``x(0)``, which it never
    sees. Extraction reads that answer for its start state, so it is added to
    the loss here as one more cross-entropy term (target 0: no 1's, even) with
    weight ``EMPTY_WEIGHT``.
    """

    EMPTY_WEIGHT = 0.1

    def __init__(self, net: RNN):
        self.net = net

    def parameters(self):
        return self.net.parameters()

    def loss_and_gradients(self, u, targets, mask, *, loss, truncate=None):
        value, grads = self.net.loss_and_gradients(u, targets, mask, loss=loss,
                                                   truncate=truncate)
        w = self.EMPTY_WEIGHT
        x0 = self.net.initial_state()
        a0 = float(self.net.W_or[0] @ x0 + self.net.t_o[0])
        y0 = 1.0 / (1.0 + np.exp(-a0))
        grads = {name: (1 - w) * g for name, g in grads.items()}
        grads["W_or"][0] += w * y0 * x0            # d softplus(a0) / d a0 = sigmoid(a0)
        grads["t_o"][0] += w * y0
        return (1 - w) * value + w * float(np.logaddexp(0.0, a0)), grads


def parity_batch(strings):
    u, mask = pad_sequences([one_hot(s, 2) for s in strings])
    targets = np.zeros(mask.shape + (1,))
    for b, s in enumerate(strings):
        targets[b, :len(s), 0] = np.cumsum(s == 1) % 2   # parity of every prefix
    return u, targets, mask


def network_accepts(net, strings, threshold=0.5):
    """The network's verdict on each string: its output after the last symbol (x(0) if empty)."""
    verdicts = np.empty(len(strings), dtype=bool)
    empty = np.array([len(s) == 0 for s in strings])
    verdicts[empty] = net.readout(net.initial_state())[0] >= threshold
    if not empty.all():
        rows = [s for s in strings if len(s)]
        u, _ = pad_sequences([one_hot(s, 2) for s in rows])
        outputs = net.run(u).outputs[..., 0]
        last = outputs[np.arange(len(rows)), [len(s) - 1 for s in rows]]
        verdicts[~empty] = last >= threshold
    return verdicts


@pytest.fixture(scope="session")
def parity_network():
    """A sigmoid RNN with 8 hidden units trained on the parity of every prefix."""
    rng = np.random.default_rng(2024)
    strings = random_strings(rng, 500, 2, 1, 12)
    u, targets, mask = parity_batch(strings)
    net = RNN.random(2, 8, 1, seed=0)
    history = train(EveryPrefix(net), u, targets, mask, optimizer=Adam(0.05), epochs=150,
                    batch_size=50, loss="cross_entropy", seed=0, stop_below=0.01)
    outputs = net.run(u).outputs[..., 0]
    real = mask.astype(bool)
    wrong = int(np.sum((outputs[real] >= 0.5) != (targets[..., 0][real] == 1)))
    empty_wrong = bool(net.readout(net.initial_state())[0] >= 0.5)
    if wrong or empty_wrong:
        pytest.fail(f"the parity network did not learn its training set: {wrong} of "
                    f"{int(real.sum())} prefixes misclassified, empty string "
                    f"{'misclassified' if empty_wrong else 'right'}, after {history.epochs} "
                    f"epochs (final loss {history.loss[-1]:.4f})")
    return net, strings


def test_trained_network_extracts_to_parity(parity_network):
    net, strings = parity_network
    result = extract_dfa(net, [np.array([], dtype=np.int64)] + strings, 2, n_clusters=8, seed=0)
    assert result.centers.shape == (8, net.n_hidden)
    assert result.labels.shape == (sum(len(s) for s in strings),)
    assert result.dfa.n_states in (9, 10)         # x(0), 8 clusters, perhaps a sink
    assert result.minimal.n_states == 2
    assert equivalent(result.minimal, parity_dfa())
    assert result.minimal == parity_dfa()


def test_extracted_automaton_agrees_with_the_network_on_long_strings(parity_network):
    net, strings = parity_network
    minimal = extract_dfa(net, strings, 2, n_clusters=8, seed=0).minimal
    rng = np.random.default_rng(8)
    long_strings = random_strings(rng, 200, 2, 50, 100)
    lengths = np.array([len(s) for s in long_strings])
    padded = np.full((len(long_strings), lengths.max()), -1)
    for b, s in enumerate(long_strings):
        padded[b, :len(s)] = s
    np.testing.assert_array_equal(minimal.accepts_many(padded, lengths),
                                  network_accepts(net, long_strings))
    # and both are right: the network generalises far beyond its training lengths
    np.testing.assert_array_equal(network_accepts(net, long_strings),
                                  [odd_number_of_ones(s) for s in long_strings])


@pytest.mark.parametrize("seed", [0, 1])
def test_untrained_network_does_not_extract_to_parity(parity_network, seed):
    _, strings = parity_network
    net = RNN.random(2, 8, 1, input_scale=0.5, recurrent_scale=0.5, output_scale=0.5,
                     seed=seed)
    minimal = extract_dfa(net, strings, 2, n_clusters=8, seed=0).minimal
    assert not equivalent(minimal, parity_dfa())
    counterexample = find_counterexample(minimal, parity_dfa())
    assert minimal.accepts(counterexample) != odd_number_of_ones(counterexample)


def test_accept_empty_overrides_the_untrained_initial_output():
    from rnnbook.automata import extract_dfa

    class Constant:
        """Two states, an output that says 'accept' everywhere, x(0) included."""
        n_inputs, n_states, n_outputs = 2, 1, 1

        def initial_state(self):
            return np.zeros(1)

        def run(self, u, x0=None):
            from rnnbook.core import Trajectory
            states = np.cumsum(np.asarray(u)[..., 1:2], axis=-2) % 2
            return Trajectory(states, np.ones_like(states))

        def readout(self, x):
            return np.ones(np.shape(x)[:-1] + (1,))

    strings = [np.array([0, 1, 1]), np.array([1, 0])]
    guessed = extract_dfa(Constant(), strings, 2, n_clusters=2, seed=0)
    told = extract_dfa(Constant(), strings, 2, n_clusters=2, seed=0, accept_empty=False)
    assert guessed.dfa.accepting[0] and not told.dfa.accepting[0]
    assert guessed.dfa.accepts([]) and not told.dfa.accepts([])
    with pytest.raises(TypeError, match="accept_empty"):
        extract_dfa(Constant(), strings, 2, n_clusters=2, seed=0, accept_empty=1)
