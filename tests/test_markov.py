"""Tests of n-grams, variable-length Markov models and the laser quantiser (rnnbook.markov).

The reference answers are computed independently here, in plain Python:
n-gram counts with dictionaries and predictions by searching for the longest
observed suffix, the entropy of an i.i.d. source from its probabilities, and
variable-length sources sampled by a loop of their own.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnnbook import markov
from rnnbook.core import StateSpaceModel
from rnnbook.markov import (
    fit_ngram,
    fit_vlmm,
    ngram_sweep,
    quantize_differences,
    sample_context_source,
    split_sequence,
    vlmm_sweep,
)
from rnnbook.sequences import one_hot
from reference_models import reference_ngram


# --------------------------------------------------------------- references
def reference_sample(contexts, length, seed):
    """A variable-length source in plain Python: longest matching context, else uniform."""
    rng = np.random.default_rng(seed)
    n_symbols = len(next(iter(contexts.values())))
    longest = max(len(context) for context in contexts)
    out = []
    for _ in range(length):
        p = None
        for k in range(min(len(out), longest), -1, -1):
            if tuple(out[len(out) - k:]) in contexts:
                p = contexts[tuple(out[len(out) - k:])]
                break
        if p is None:
            p = [1 / n_symbols] * n_symbols
        out.append(int(rng.choice(n_symbols, p=p)))
    return np.array(out, dtype=np.int64)


sequences = st.integers(1, 4).flatmap(
    lambda a: st.tuples(st.just(a), st.lists(st.integers(0, a - 1), min_size=8, max_size=80)))


# --------------------------------------------------------------- n-grams
@given(data=sequences, order=st.integers(0, 3),
       alpha=st.sampled_from([0.01, 0.5, 1.0, 7.0]), test=st.lists(st.integers(0, 3),
                                                                   min_size=1, max_size=30))
def test_ngram_matches_counting_by_hand(data, order, alpha, test):
    n_symbols, train = data
    test = [x % n_symbols for x in test]
    model = fit_ngram(np.array(train), n_symbols, order, alpha=alpha)
    _, predict = reference_ngram(train, n_symbols, order, alpha)
    expected = np.array([predict(test[:t]) for t in range(len(test))])
    np.testing.assert_allclose(model.predict_proba(test), expected, rtol=1e-12)
    if n_symbols == 1:
        assert model.nll(test) == 0.0                 # nothing is uncertain
    else:
        nll = -np.mean(np.log(expected[np.arange(len(test)), test])) / np.log(n_symbols)
        assert model.nll(test) == pytest.approx(nll, rel=1e-12)


@given(data=sequences, order=st.integers(0, 3))
def test_ngram_contexts_are_the_distinct_contexts_seen(data, order):
    n_symbols, train = data
    seen = {tuple(train[t - order:t]) for t in range(order, len(train))}
    model = fit_ngram(np.array(train), n_symbols, order)
    assert model.n_contexts == len(seen)
    assert set(model.used_contexts()) == seen
    assert np.all(model.context_lengths() == order)


@given(data=sequences, order=st.integers(0, 3), threshold=st.floats(0, 50))
def test_distributions_sum_to_one(data, order, threshold):
    n_symbols, train = data
    train = np.array(train)
    for model in (fit_ngram(train, n_symbols, order),
                  fit_vlmm(train, n_symbols, max_depth=order, threshold=threshold,
                           min_count=1)):
        probs = model.predict_proba(train)
        assert probs.shape == (train.size, n_symbols)
        assert np.all(probs > 0)
        np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-12)
        np.testing.assert_allclose(model.distribution(train[:3]).sum(), 1.0, rtol=1e-12)
        np.testing.assert_allclose(model.distribution([]).sum(), 1.0, rtol=1e-12)


@given(data=sequences, order=st.integers(0, 3))
def test_nll_is_the_mean_log_loss_in_base_A(data, order):
    n_symbols, train = data
    if n_symbols == 1:
        return
    train = np.array(train)
    model = fit_ngram(train, n_symbols, order, alpha=0.3)
    probs = model.predict_proba(train)
    losses = -np.log(probs[np.arange(train.size), train]) / np.log(n_symbols)
    np.testing.assert_allclose(model.losses(train), losses, rtol=1e-12)
    assert model.nll(train) == pytest.approx(losses.mean(), rel=1e-12)


def test_a_uniform_model_scores_exactly_one():
    for n_symbols in (2, 4, 65):
        train = np.tile(np.arange(n_symbols), 5)        # every symbol equally often
        model = fit_ngram(train, n_symbols, 0)
        test = np.random.default_rng(1).integers(0, n_symbols, 300)
        assert model.nll(test) == pytest.approx(1.0, abs=1e-12)


def test_nll_approaches_the_entropy_of_an_iid_source():
    p = np.array([0.5, 0.25, 0.125, 0.125])
    entropy = -np.sum(p * np.log(p)) / np.log(4)         # 1.75 bits = 0.875 in base 4
    rng = np.random.default_rng(7)
    train, test = rng.choice(4, size=200_000, p=p), rng.choice(4, size=100_000, p=p)
    for model in (fit_ngram(train, 4, 0), fit_ngram(train, 4, 2),
                  fit_vlmm(train, 4, max_depth=6, threshold=5.0)):
        assert model.nll(test) == pytest.approx(entropy, abs=0.005)
    # the VLMM finds no context worth keeping: the source has no memory
    assert fit_vlmm(train, 4, max_depth=6, threshold=5.0).n_contexts == 1


# --------------------------------------------------------------- prediction suffix trees
SOURCES = {
    "binary": {(0,): [0.2, 0.8], (0, 1): [0.9, 0.1], (0, 1, 1): [0.5, 0.5],
               (1, 1, 1): [0.05, 0.95]},
    "ternary": {(0,): [0.1, 0.6, 0.3], (1,): [0.7, 0.2, 0.1], (0, 2): [0.1, 0.1, 0.8],
                (1, 2): [0.4, 0.5, 0.1], (2, 2): [0.3, 0.3, 0.4]},
}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_vlmm_recovers_the_contexts_of_a_variable_length_source(name):
    source = SOURCES[name]
    n_symbols = len(next(iter(source.values())))
    symbols = reference_sample(source, 30_000, seed=3)
    for threshold in (3.0, 10.0, 30.0):
        model = fit_vlmm(symbols, n_symbols, max_depth=8, threshold=threshold)
        assert set(model.used_contexts()) == set(source)
        assert model.n_contexts == len(source)
        for context, p in source.items():
            np.testing.assert_allclose(model.distribution(context), p, atol=0.03)


def test_vlmm_without_pruning_is_the_ngram():
    symbols = np.random.default_rng(5).integers(0, 3, 3000)
    full = fit_vlmm(symbols, 3, max_depth=4, threshold=0.0, min_count=1, alpha=0.2)
    ngram = fit_ngram(symbols, 3, 4, alpha=0.2)
    assert full.n_contexts == ngram.n_contexts
    test = np.random.default_rng(6).integers(0, 3, 500)
    np.testing.assert_allclose(full.predict_proba(test), ngram.predict_proba(test))


@given(data=sequences, thresholds=st.lists(st.floats(0, 20), min_size=2, max_size=2))
def test_pruning_is_nested_and_can_be_redone(data, thresholds):
    n_symbols, train = data
    low, high = sorted(thresholds)
    full = fit_vlmm(np.array(train), n_symbols, max_depth=4, threshold=0.0, min_count=1)
    small, large = full.with_threshold(high), full.with_threshold(low)
    # a larger threshold keeps a subtree of the smaller one's tree
    for k in range(5):
        assert set(small._kept_codes[k]) <= set(large._kept_codes[k])
    # pruning an already pruned tree gives the same as pruning the full tree
    again = large.with_threshold(high)
    assert again.used_contexts() == small.used_contexts()
    root = full.with_threshold(np.inf)
    assert root.n_contexts == 1 and root.used_contexts() == [()]
    np.testing.assert_array_equal(root.predict_proba(train),
                                  np.tile(root.distribution([]), (len(train), 1)))


def test_pruning_to_the_root_with_rare_contexts_left_out():
    symbols = np.random.default_rng(3).integers(0, 5, 3000)
    model = fit_vlmm(symbols, 5, max_depth=6, threshold=np.inf, min_count=20)
    assert model.n_contexts == 1 and model.depth == 0
    assert fit_vlmm(symbols, 5, max_depth=6, threshold=0.0, min_count=20).depth < 6


def test_min_count_keeps_rare_contexts_out():
    symbols = np.random.default_rng(2).integers(0, 4, 2000)
    model = fit_vlmm(symbols, 4, max_depth=6, threshold=0.0, min_count=10)
    counts = Counter(tuple(symbols[t - k:t]) for t in range(6, symbols.size)
                     for k in range(1, 7))
    for context in model.used_contexts():
        assert len(context) == 0 or counts[context] >= 10


# --------------------------------------------------------------- state-space view
def test_a_context_tree_is_a_state_space_model():
    symbols = np.random.default_rng(4).integers(0, 3, 400)
    for model in (fit_ngram(symbols, 3, 0), fit_ngram(symbols, 3, 2),
                  fit_vlmm(symbols, 3, max_depth=5, threshold=1.0)):
        assert isinstance(model, StateSpaceModel)
        assert (model.n_inputs, model.n_states, model.n_outputs) == (3, 3 * model.max_depth, 3)
        run = model.run(one_hot(symbols[:50], 3))
        # after reading s(0..t) the readout predicts s(t+1)
        np.testing.assert_allclose(run.outputs[:-1], model.predict_proba(symbols[:50])[1:])
        if model.max_depth:
            np.testing.assert_array_equal(run.states[-1, :3], one_hot(symbols[49:50], 3)[0])


# --------------------------------------------------------------- sampling
def test_samples_are_reproducible_and_follow_the_model():
    symbols = np.random.default_rng(8).integers(0, 3, 5000)
    symbols[1::2] = (symbols[::2][: symbols[1::2].size] + 1) % 3   # strong order-1 structure
    model = fit_ngram(symbols, 3, 1)
    a, b = model.sample(20_000, seed=1), model.sample(20_000, seed=1)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, model.sample(20_000, seed=2))
    for previous in range(3):
        following = a[1:][a[:-1] == previous]
        freq = np.bincount(following, minlength=3) / following.size
        np.testing.assert_allclose(freq, model.distribution([previous]), atol=0.03)


def test_sample_context_source_matches_the_reference_distribution():
    source = SOURCES["binary"]
    drawn = sample_context_source(source, 40_000, seed=0)
    for context, p in source.items():
        k = len(context)
        # from t = 3 on exactly one of the four contexts is a suffix of the history
        after = [drawn[t] for t in range(3, drawn.size) if tuple(drawn[t - k:t]) == context]
        freq = np.bincount(after, minlength=2) / len(after)
        np.testing.assert_allclose(freq, p, atol=0.03)
    np.testing.assert_array_equal(drawn[:50], sample_context_source(source, 50, seed=0))


# --------------------------------------------------------------- sweeps
def test_sweeps_choose_on_validation_data():
    symbols = reference_sample(SOURCES["ternary"], 6000, seed=9)
    train, valid, test = split_sequence(symbols)
    alphas = (0.01, 0.1, 1.0)
    ngrams = ngram_sweep(train, valid, test, 3, [0, 1, 2, 3], alphas=alphas)
    assert list(ngrams.settings) == [0, 1, 2, 3]
    for model, alpha, v, t in zip(ngrams.models, ngrams.alphas, ngrams.valid_nll,
                                  ngrams.test_nll):
        by_hand = [model.with_alpha(a).nll(valid) for a in alphas]
        assert alpha == alphas[int(np.argmin(by_hand))]
        assert v == pytest.approx(min(by_hand), rel=1e-12)
        assert t == pytest.approx(model.nll(test), rel=1e-12)
    assert ngrams.best == int(np.argmin(ngrams.valid_nll))
    thresholds = [0.5, 2.0, 8.0, 1e6]
    vlmms = vlmm_sweep(train, valid, None, 3, thresholds, max_depth=5, min_count=(2, 5),
                       alphas=alphas)
    assert vlmms.min_count in (2, 5)
    assert np.all(np.isnan(vlmms.test_nll))
    assert vlmms.n_contexts[-1] == 1
    assert np.all(np.diff(vlmms.n_contexts) <= 0)
    assert vlmms.valid_nll[vlmms.best] == vlmms.valid_nll.min()
    other = vlmm_sweep(train, valid, None, 3, thresholds, max_depth=5,
                       min_count=7 - vlmms.min_count, alphas=alphas)
    assert vlmms.valid_nll.min() <= other.valid_nll.min()


def test_split_sequence():
    blocks = split_sequence(np.arange(1000))
    assert [b.size for b in blocks] == [700, 150, 150]
    np.testing.assert_array_equal(np.concatenate(blocks), np.arange(1000))
    with pytest.raises(ValueError, match="fractions"):
        split_sequence(np.arange(10), (0.5, 0.6))
    with pytest.raises(ValueError, match="empty"):
        split_sequence(np.arange(3), (0.8, 0.1, 0.1))


# --------------------------------------------------------------- quantising the laser
@given(st.lists(st.integers(-100, 100), min_size=30, max_size=200))
def test_quantize_differences_by_hand(steps):
    series = np.cumsum([0] + steps)
    delta = np.diff(series)
    low, high = np.percentile(delta, [10, 90])
    if not low < 0 < high:
        with pytest.raises(ValueError, match="straddle 0"):
            quantize_differences(series)
        return
    result = quantize_differences(series)
    assert result.cut_points == (low, high)
    assert result.alphabet == "DduU"
    expected = [0 if d < low else 1 if d < 0 else 2 if d < high else 3 for d in delta]
    np.testing.assert_array_equal(result.symbols, expected)


def test_quantize_differences_fits_on_the_first_part_only():
    series = np.cumsum(np.random.default_rng(0).normal(size=500))
    series[300:] *= 10                         # later steps are much larger
    part = quantize_differences(series, 20, 80, n_fit=200)
    np.testing.assert_allclose(part.cut_points, np.percentile(np.diff(series)[:200], [20, 80]))
    assert np.mean(np.isin(part.symbols[300:], [0, 3])) > 0.6


def test_laser_symbols():
    from rnnbook.datasets import load_laser

    result = quantize_differences(load_laser(), 10, 90)
    assert result.symbols.shape == (10092,)
    freq = np.bincount(result.symbols, minlength=4) / result.symbols.size
    assert freq[0] == pytest.approx(0.1, abs=0.01) and freq[3] == pytest.approx(0.1, abs=0.01)


# --------------------------------------------------------------- errors
def test_clear_errors():
    good = np.array([0, 1, 2, 1, 0, 2, 2, 1])
    with pytest.raises(ValueError, match="symbols has symbol 3 at position 2"):
        fit_ngram([0, 1, 3, 1], 3, 1)
    with pytest.raises(ValueError, match="symbols has symbol -1"):
        fit_vlmm([0, -1, 1], 3, max_depth=1, threshold=1.0)
    model = fit_ngram(good, 3, 1)
    with pytest.raises(ValueError, match="symbols has symbol 5"):
        model.nll([0, 5])
    with pytest.raises(ValueError, match="symbols has symbol 3"):
        model.predict_proba([3])
    with pytest.raises(ValueError, match="context has symbol 4"):
        model.distribution([4])
    with pytest.raises(ValueError, match="before has symbol 9"):
        model.nll([0], before=[9])
    with pytest.raises(ValueError, match="symbols is empty"):
        model.nll([])
    with pytest.raises(ValueError, match="more than 2 symbols"):
        fit_ngram([], 3, 2)
    with pytest.raises(ValueError, match="more than 3 symbols"):
        fit_vlmm([0, 1, 2], 3, max_depth=3, threshold=1.0)
    with pytest.raises(TypeError, match="symbol indices"):
        fit_ngram([0.5, 1.0], 3, 0)
    with pytest.raises(ValueError, match="alpha must be positive"):
        fit_ngram(good, 3, 1, alpha=0.0)
    with pytest.raises(ValueError, match="threshold must be non-negative"):
        fit_vlmm(good, 3, max_depth=2, threshold=-1.0)
    with pytest.raises(ValueError, match="order must be a non-negative"):
        fit_ngram(good, 3, -1)
    with pytest.raises(ValueError, match="too deep"):
        fit_vlmm(good, 65, max_depth=10, threshold=1.0)
    with pytest.raises(ValueError, match="min_count must be a positive"):
        fit_vlmm(good, 3, max_depth=2, threshold=1.0, min_count=0)
    with pytest.raises(ValueError, match="valid is empty"):
        ngram_sweep(good, [], None, 3, [0])
    with pytest.raises(ValueError, match="valid has symbol 3"):
        vlmm_sweep(good, [3], None, 3, [1.0], max_depth=2)
    with pytest.raises(ValueError, match="length must be a positive"):
        model.sample(0, seed=0)
    with pytest.raises(ValueError, match="percentiles must satisfy"):
        quantize_differences(np.arange(10.0), 90, 10)
    with pytest.raises(ValueError, match="straddle 0"):
        quantize_differences(np.arange(10.0))             # only increases
    with pytest.raises(ValueError, match="n_fit must be at most"):
        quantize_differences([0.0, 1.0, -1.0], n_fit=5)
    with pytest.raises(ValueError, match="summing to 1"):
        sample_context_source({(): [0.5, 0.6]}, 5)


def test_public_functions_are_documented():
    for name in dir(markov):
        obj = getattr(markov, name)
        if callable(obj) and not name.startswith("_") \
                and getattr(obj, "__module__", "") == "rnnbook.markov":
            assert obj.__doc__ and obj.__doc__.strip(), f"{name} has no docstring"
