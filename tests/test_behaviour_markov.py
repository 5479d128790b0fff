"""Behaviour of rnnbook.markov pinned against a brute-force prediction suffix tree.

The reference below counts contexts with dictionaries, computes the split
gains G(w) = sum_a N(aw) KL(P(.|aw) || P(.|w)) (log base A) from the counts,
prunes recursively from the leaves up with the rule of the module docstring,
and predicts with the longest kept suffix, all in plain Python. The tests
compare the library's pruned trees, gains, used contexts, predictions,
log-losses and samples with it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import numpy as np
import pytest

from rnnbook import markov


class BruteTree:
    def __init__(self, symbols, A, D, min_count, threshold, alpha):
        s = [int(x) for x in symbols]
        self.A, self.D, self.alpha = A, D, alpha
        self.n = Counter()                 # N(w), contexts as tuples oldest first
        self.nx = defaultdict(Counter)     # N(w, x)
        for t in range(D, len(s)):
            for k in range(D + 1):
                w = tuple(s[t - k:t])
                self.n[w] += 1
                self.nx[w][s[t]] += 1
        self.full = {w for w in self.n if len(w) == 0 or self.n[w] >= min_count}
        self.base = math.log(max(A, 2))
        self.kept = set(self.full)
        self._prune_at(threshold)

    def children(self, w, within):
        return [(a,) + w for a in range(self.A) if (a,) + w in within]

    def gain(self, w):
        g = 0.0
        for c in self.children(w, self.full):
            for x, nc in self.nx[c].items():
                p_child = nc / self.n[c]
                p_parent = self.nx[w][x] / self.n[w]
                g += nc * math.log(p_child / p_parent) / self.base
        return g

    def _prune_at(self, threshold):
        def visit(w):
            kids = self.children(w, self.kept)
            for c in kids:
                visit(c)
            kids = self.children(w, self.kept)
            all_leaves = all(not self.children(c, self.kept) for c in kids)
            c_w = len(self.children(w, self.full))
            if kids and all_leaves and self.gain(w) < threshold * c_w:
                for c in kids:
                    self.kept.discard(c)
        visit(())

    def longest(self, history):
        w = ()
        for k in range(1, min(self.D, len(history)) + 1):
            cand = tuple(history[len(history) - k:])
            if cand not in self.kept:
                break
            w = cand
        return w

    def prob(self, history):
        w = self.longest(history)
        return np.array([(self.nx[w][x] + self.alpha) / (self.n[w] + self.A * self.alpha)
                         for x in range(self.A)])

    def used(self):
        out = []
        for w in self.kept:
            rest = self.n[w] - sum(self.n[c] for c in self.children(w, self.kept))
            if rest > 0:
                out.append(w)
        return sorted(out, key=lambda w: (len(w), w))


SOURCE = {(0,): [0.2, 0.7, 0.1], (0, 1): [0.85, 0.05, 0.1], (2, 1): [0.1, 0.1, 0.8],
          (1, 1): [0.4, 0.3, 0.3], (2,): [0.3, 0.3, 0.4]}


@pytest.fixture(scope="module")
def train():
    return markov.sample_context_source(SOURCE, 900, seed=4)


@pytest.mark.parametrize("min_count, threshold", [(1, 0.0), (2, 0.4), (3, 1.5), (2, 4.0),
                                                  (1, 12.0), (2, np.inf)])
def test_vlmm_equals_the_brute_force_suffix_tree(train, min_count, threshold):
    A, D, alpha = 3, 4, 0.3
    model = markov.fit_vlmm(train, A, max_depth=D, threshold=threshold, min_count=min_count,
                            alpha=alpha)
    ref = BruteTree(train, A, D, min_count, threshold, alpha)
    assert model.used_contexts() == ref.used()
    assert model.n_contexts == len(ref.used())
    assert np.array_equal(model.context_lengths(), [len(w) for w in ref.used()])
    assert model.depth == max(len(w) for w in ref.kept)
    assert model.n_train == len(train) - D
    test = markov.sample_context_source(SOURCE, 150, seed=9)
    before = train[-5:]
    for use_before in (None, before):
        hist = [] if use_before is None else [int(x) for x in use_before]
        want = []
        for x in test:
            want.append(ref.prob(hist))
            hist.append(int(x))
        want = np.array(want)
        got = model.predict_proba(test, before=use_before)
        assert np.allclose(got, want, rtol=1e-13, atol=0)
        loss = -np.log(want[np.arange(test.size), test]) / math.log(A)
        assert np.allclose(model.losses(test, before=use_before), loss, rtol=1e-12)
        assert model.nll(test, before=use_before) == pytest.approx(loss.mean(), rel=1e-12)
    # the split gains of the full tree
    for w in sorted(ref.full, key=len):
        if len(w) < D:
            g, c = model.split_gain(w)
            assert g == pytest.approx(ref.gain(w), rel=1e-9, abs=1e-9)
            assert c == len(ref.children(w, ref.full))


def test_the_pruning_rule_decides_at_the_threshold(train):
    """A split survives exactly when G(w) >= threshold * c(w) (or a child is split)."""
    A, D = 3, 1
    full = markov.fit_vlmm(train, A, max_depth=D, threshold=0.0, min_count=1)
    gain, c = full.split_gain([])
    assert c == 3 and gain > 0
    at = gain / c
    assert full.with_threshold(at).n_contexts == 3          # G = threshold * c: kept
    assert full.with_threshold(at * (1 + 1e-9)).n_contexts == 1   # just above: pruned
    assert full.with_threshold(at * (1 - 1e-9)).depth == 1
    # a parent whose child is split is never pruned, whatever its own gain: in a
    # source where s(t) copies s(t-2) (w.p. 0.9), s(t-1) alone tells nothing
    # (the root's gain is small) but both symbols tell a lot
    copy2 = {(0, 0): [0.9, 0.1], (0, 1): [0.9, 0.1], (1, 0): [0.1, 0.9], (1, 1): [0.1, 0.9]}
    seq = markov.sample_context_source(copy2, 2000, seed=1)
    deep = markov.fit_vlmm(seq, 2, max_depth=2, threshold=0.0, min_count=1)
    root_gain, c = deep.split_gain([])
    child_gain = min(deep.split_gain([a])[0] for a in range(2))
    assert c == 2 and root_gain < child_gain / 4
    th = (root_gain / 2 + child_gain / 2) / 2     # prunes the root alone, not the children
    kept = deep.with_threshold(th)
    assert kept.depth == 2 and kept.n_contexts == 4
    assert kept.used_contexts() == BruteTree(seq, 2, 2, 1, th, 0.1).used()
    gains = [deep.split_gain([a])[0] for a in range(2)]
    one = deep.with_threshold(min(gains) / 2 * 1.001)     # the cheaper child's split goes
    assert one.depth == 2 and one.n_contexts == 3
    gone = deep.with_threshold(max(gains) / 2 * 1.001)    # both children's, then the root's
    assert gone.depth == 0 and gone.n_contexts == 1


def test_distribution_of_a_context_uses_its_longest_suffix(train):
    A, D, alpha = 3, 3, 0.5
    model = markov.fit_vlmm(train, A, max_depth=D, threshold=0.0, min_count=3, alpha=alpha)
    ref = BruteTree(train, A, D, 3, 0.0, alpha)
    for context in [(), (1,), (0, 1), (2, 1), (1, 0, 1), (2, 2, 2, 0, 1), (0,), (2,)]:
        assert np.allclose(model.distribution(list(context)), ref.prob(list(context)),
                           rtol=1e-13)
    # the empty context is the root: symbol frequencies of the counted training symbols
    counts = np.bincount(train[D:], minlength=A)
    assert np.allclose(model.distribution([]), (counts + alpha) / (counts.sum() + A * alpha))


def test_ngram_fallback_at_the_start_and_for_unseen_contexts():
    train = np.array([0, 1, 0, 1, 0, 1, 1, 0, 1, 0, 2, 2, 0, 1, 0, 1])
    model = markov.fit_ngram(train, 3, 2, alpha=0.2)
    ref = BruteTree(train, 3, 2, 1, 0.0, 0.2)
    test = np.array([2, 1, 2, 0, 0, 0, 1, 2])     # (1, 2), (2, 0), (0, 0) never seen
    hist, want = [], []
    for x in test:
        want.append(ref.prob(hist))
        hist.append(int(x))
    assert np.allclose(model.predict_proba(test), want, rtol=1e-13)
    assert model.n_contexts == len({tuple(train[t - 2:t]) for t in range(2, train.size)})


def test_with_alpha_and_with_threshold_leave_the_original_unchanged(train):
    model = markov.fit_vlmm(train, 3, max_depth=3, threshold=1.0, alpha=0.1)
    before = model.predict_proba(train[:50])
    other = model.with_alpha(2.0).with_threshold(0.0)
    assert model.alpha == 0.1 and model.threshold == 1.0
    assert np.array_equal(model.predict_proba(train[:50]), before)
    ref = BruteTree(train, 3, 3, 2, 0.0, 2.0)
    assert other.used_contexts() == ref.used()
    assert np.allclose(other.distribution([0, 1]), ref.prob([0, 1]), rtol=1e-13)


def test_sample_follows_the_fitted_model(train):
    """Sampled symbols have, per longest context, the model's distribution."""
    model = markov.fit_vlmm(train, 3, max_depth=2, threshold=0.5, alpha=0.1)
    draws = model.sample(6000, seed=1, prefix=[0, 1])
    hist = [0, 1]
    by_context = defaultdict(Counter)
    ref = BruteTree(train, 3, 2, 2, 0.5, 0.1)
    for x in draws:
        by_context[ref.longest(hist)][int(x)] += 1
        hist.append(int(x))
    for w, counts in by_context.items():
        n = sum(counts.values())
        if n < 300:
            continue
        p = ref.prob(list(w))
        freq = np.array([counts[x] for x in range(3)]) / n
        assert np.all(np.abs(freq - p) < 4.5 * np.sqrt(p * (1 - p) / n)), (w, freq, p)
    # the first draw follows the prefix's context, not the empty one
    firsts = np.array([model.sample(1, seed=s, prefix=[0, 1])[0] for s in range(300)])
    p = ref.prob([0, 1])
    assert abs(np.mean(firsts == 0) - p[0]) < 4.5 * math.sqrt(p[0] * (1 - p[0]) / 300)


def test_state_space_view_is_a_shift_register(train):
    model = markov.fit_ngram(train, 3, 2, alpha=0.3)
    x = np.zeros(6)
    e = np.eye(3)
    x1 = model.transition(e[1], x)
    x2 = model.transition(e[2], x1)
    assert np.array_equal(x1, np.r_[e[1], 0, 0, 0])
    assert np.array_equal(x2, np.r_[e[2], e[1]])
    assert np.allclose(model.output(x2), model.distribution([1, 2]))
    assert np.allclose(model.output(x1), model.distribution([1]))
    assert np.allclose(model.output(x), model.distribution([]))
    zero = markov.fit_ngram(train, 3, 0)
    assert zero.transition(e[1], np.zeros(0)).size == 0


def test_quantize_differences_cut_points_are_the_percentiles():
    rng = np.random.default_rng(3)
    series = np.cumsum(rng.standard_normal(401))
    q = markov.quantize_differences(series, 20.0, 75.0, n_fit=300)
    delta = np.diff(series)
    lo, hi = np.percentile(delta[:300], [20.0, 75.0])
    assert q.cut_points == pytest.approx((lo, hi), rel=1e-14)
    want = [0 if d < lo else 1 if d < 0 else 2 if d < hi else 3 for d in delta]
    assert q.symbols.tolist() == want
    assert q.alphabet == "DduU"
    default = markov.quantize_differences(series)
    assert default.cut_points == pytest.approx(tuple(np.percentile(delta, [10, 90])))


def test_split_sequence_block_sizes():
    blocks = markov.split_sequence(np.arange(101))
    assert [b.size for b in blocks] == [71, 15, 15]
    assert np.array_equal(np.concatenate(blocks), np.arange(101))
    blocks = markov.split_sequence(np.arange(10), (0.25, 0.75))
    assert [b.size for b in blocks] == [2, 8]


def test_sweeps_choose_alpha_and_min_count_by_validation_nll(train):
    valid = markov.sample_context_source(SOURCE, 300, seed=11)
    test = markov.sample_context_source(SOURCE, 200, seed=12)
    alphas = (0.05, 0.5, 5.0)
    sweep = markov.vlmm_sweep(train, valid, test, 3, [0.0, 2.0, 30.0], max_depth=3,
                              min_count=[1, 4], alphas=alphas)
    results = {}
    for mc in (1, 4):
        rows = []
        for th in (0.0, 2.0, 30.0):
            scores = [markov.fit_vlmm(train, 3, max_depth=3, threshold=th, min_count=mc,
                                      alpha=a).nll(valid) for a in alphas]
            rows.append((min(scores), alphas[int(np.argmin(scores))]))
        results[mc] = rows
    best_mc = min((1, 4), key=lambda mc: min(r[0] for r in results[mc]))
    assert sweep.min_count == best_mc
    assert np.allclose(sweep.valid_nll, [r[0] for r in results[best_mc]], rtol=1e-12)
    assert sweep.alphas.tolist() == [r[1] for r in results[best_mc]]
    for i, th in enumerate((0.0, 2.0, 30.0)):
        ref = markov.fit_vlmm(train, 3, max_depth=3, threshold=th, min_count=best_mc,
                              alpha=sweep.alphas[i])
        assert sweep.test_nll[i] == pytest.approx(ref.nll(test), rel=1e-12)
        assert sweep.n_contexts[i] == ref.n_contexts
    assert sweep.best == sorted(range(3), key=lambda i: (sweep.valid_nll[i],
                                                          sweep.n_contexts[i]))[0]
    grams = markov.ngram_sweep(train, valid, None, 3, [0, 2], alphas=alphas)
    assert grams.settings.tolist() == [0, 2] and np.all(np.isnan(grams.test_nll))
    for i, order in enumerate((0, 2)):
        scores = [markov.fit_ngram(train, 3, order, alpha=a).nll(valid) for a in alphas]
        assert grams.valid_nll[i] == pytest.approx(min(scores), rel=1e-12)
    assert grams.min_count == 1


def test_sample_context_source_uses_the_longest_context():
    source = {(0,): [1.0, 0.0], (1, 0): [0.0, 1.0], (1,): [0.0, 1.0]}
    # after 0: 0 unless the symbol before it was 1; after 1: always 1
    seq = markov.sample_context_source(source, 50, seed=0)
    for t in range(2, 50):
        if seq[t - 1] == 1:
            assert seq[t] == 1
        elif seq[t - 2] == 1:
            assert seq[t] == 1
        else:
            assert seq[t] == 0
    # no context matches at the start: uniform there
    firsts = [markov.sample_context_source({(0, 0): [0.5, 0.5]}, 1, seed=s)[0]
              for s in range(400)]
    assert abs(np.mean(firsts) - 0.5) < 4 * 0.5 / 20


@pytest.mark.parametrize("call, error, match", [
    (lambda: markov.fit_ngram([0, 1, 1], 2, 3), ValueError, "more than 3"),
    (lambda: markov.fit_ngram([0, 1, 1, 0], 2, 63), ValueError, "too deep"),
    (lambda: markov.fit_vlmm([0, 1, 1, 0], 2, max_depth=1, threshold=-1.0), ValueError,
     "threshold"),
    (lambda: markov.fit_vlmm([0, 1, 1, 0], 2, max_depth=1, threshold=True), TypeError,
     "threshold"),
    (lambda: markov.fit_vlmm([0, 1, 1, 0], 2, max_depth=1, threshold=np.nan), ValueError,
     "threshold"),
    (lambda: markov.vlmm_sweep([0, 1] * 5, [0, 1], None, 2, [], max_depth=1), ValueError,
     "thresholds"),
    (lambda: markov.vlmm_sweep([0, 1] * 5, [0, 1], None, 2, [1.0], max_depth=1,
                               min_count=[]), ValueError, "min_count"),
    (lambda: markov.ngram_sweep([0, 1] * 5, [0, 1], None, 2, []), ValueError, "orders"),
    (lambda: markov.fit_ngram([0, 1] * 5, 2, 1).split_gain([0]), ValueError, "shorter"),
    (lambda: markov.fit_vlmm([0, 1] * 5, 2, max_depth=2, threshold=0.0,
                             min_count=9).split_gain([1]), ValueError, "not in the tree"),
    (lambda: markov.fit_ngram([0, 1] * 5, 2, 1).nll([]), ValueError, "empty"),
    (lambda: markov.sample_context_source({(0,): [0.5, 0.6]}, 3), ValueError, "summing"),
    (lambda: markov.sample_context_source({}, 3), TypeError, "contexts"),
    (lambda: markov.quantize_differences([1.0]), ValueError, "at least 2"),
    (lambda: markov.quantize_differences([1.0, 2.0, 3.0], 50.0, 40.0), ValueError,
     "percentiles"),
    (lambda: markov.quantize_differences([1.0, 2.0, 3.0, 5.0]), ValueError, "straddle"),
    (lambda: markov.quantize_differences(np.arange(6.0) % 3, n_fit=9), ValueError, "n_fit"),
    (lambda: markov.split_sequence(np.arange(10), (0.5, 0.6)), ValueError, "fractions"),
    (lambda: markov.split_sequence(np.arange(2), (0.1, 0.9)), ValueError, "empty"),
    (lambda: markov.split_sequence(np.zeros((2, 2))), ValueError, "1-D"),
])
def test_bad_arguments_name_the_argument(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_default_alphas_are_one_and_three_per_decade():
    grid = tuple(m * 10.0 ** e for e in range(-3, 3) for m in (1, 3)) + (1000.0,)
    assert np.allclose(markov.DEFAULT_ALPHAS, grid, rtol=1e-12)
    assert len(markov.DEFAULT_ALPHAS) == 13


def test_quantize_with_n_fit_equal_to_all_differences():
    series = np.cumsum(np.random.default_rng(0).standard_normal(50))
    q = markov.quantize_differences(series, n_fit=49)
    assert q.cut_points == markov.quantize_differences(series).cut_points


def test_sweeps_take_the_shortest_training_sequence_and_refuse_negative_thresholds():
    # two symbols are the least a sweep can count: one history, one next symbol
    valid = np.array([1, 0, 1])
    for sweep in (markov.ngram_sweep(np.array([0, 1]), valid, None, 2, [0]),
                  markov.vlmm_sweep(np.array([0, 1]), valid, None, 2, [1.0],
                                    max_depth=1)):
        assert np.all(np.isfinite(sweep.valid_nll))
    for call in (lambda t: markov.ngram_sweep(t, valid, None, 2, [0]),
                 lambda t: markov.vlmm_sweep(t, valid, None, 2, [1.0], max_depth=1)):
        with pytest.raises(ValueError, match="train must hold at least 2 symbols; got 1"):
            call(np.array([0]))
    with pytest.raises(ValueError, match=r"^thresholds must be non-negative"):
        markov.vlmm_sweep(np.array([0, 1] * 10), valid, None, 2, [1.0, -1.0], max_depth=2)
