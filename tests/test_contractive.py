"""Tests of the fixed contractive coder (rnnbook.contractive) and of markov_chain.

The reference codes are computed here from the lecture's equation
``x(t) = k x(t-1) + (1 - k) t(s_t)`` written as a plain Python loop over
symbols and coordinates, not by calling into the package.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnnbook.contractive import (
    JEFFREY_CORNERS,
    ContractiveCoder,
    all_blocks,
    binary_corners,
    box_counting_dimension,
    box_counts,
    common_suffix_lengths,
    similarity_dimension,
    suffix_distance_profile,
)
from rnnbook.sequences import markov_chain, one_hot
from rnnbook.validation import MAX_SIZE

# ------------------------------------------------------------ strategies
alphabet_sizes = st.integers(min_value=2, max_value=20)
contractions = st.floats(min_value=0.01, max_value=0.99, allow_nan=False)


@st.composite
def coder_and_sequence(draw, min_length=1, max_length=40):
    n_symbols = draw(alphabet_sizes)
    k = draw(contractions)
    symbols = draw(st.lists(st.integers(0, n_symbols - 1), min_size=min_length,
                            max_size=max_length))
    return ContractiveCoder(n_symbols, k), np.array(symbols, dtype=np.int64)


def reference_code(n_symbols, k, symbols, x0):
    """The lecture's map, one symbol and one coordinate at a time, in plain Python."""
    n_dims = max(1, math.ceil(math.log2(n_symbols)))
    x = [float(v) for v in x0]
    states = []
    for s in symbols:
        corner = [(int(s) >> (n_dims - 1 - d)) & 1 for d in range(n_dims)]
        x = [k * x[d] + (1 - k) * corner[d] for d in range(n_dims)]
        states.append(x)
    return np.array(states)


# ------------------------------------------------------------------ corners
def test_lecture_corners_are_the_unit_square():
    assert binary_corners(4).tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    coder = ContractiveCoder()
    assert coder.k == 0.5 and coder.n_states == 2 and coder.n_inputs == 4
    assert coder.initial_state().tolist() == [0.5, 0.5]
    assert np.array_equal(coder.W_rc, 0.5 * np.eye(2))
    assert np.array_equal(coder.W_ri, 0.5 * binary_corners(4).T)


@given(alphabet_sizes)
def test_corners_are_distinct_binary_digits(n_symbols):
    corners = binary_corners(n_symbols)
    n_dims = math.ceil(math.log2(n_symbols))
    assert corners.shape == (n_symbols, n_dims)
    assert set(np.unique(corners)) <= {0.0, 1.0}
    assert len(np.unique(corners, axis=0)) == n_symbols
    # reading the digits back gives the symbol
    assert np.array_equal(corners @ 2 ** np.arange(n_dims - 1, -1, -1), np.arange(n_symbols))


def test_jeffrey_corners():
    coder = ContractiveCoder(4, corners=JEFFREY_CORNERS)
    # "ACGT": A bottom left, C top left, G top right, T bottom right
    assert coder.corners.tolist() == [[0, 0], [0, 1], [1, 1], [1, 0]]


# ------------------------------------------------------------- the coding
@given(coder_and_sequence())
def test_code_matches_the_lecture_equation(case):
    coder, symbols = case
    expected = reference_code(coder.n_symbols, coder.k, symbols, coder.x0)
    np.testing.assert_allclose(coder.code(symbols), expected, rtol=0, atol=1e-12)


@given(coder_and_sequence())
def test_fast_code_equals_state_space_run(case):
    coder, symbols = case
    run = coder.run(one_hot(symbols, coder.n_symbols)).states
    np.testing.assert_allclose(coder.code(symbols), run, rtol=0, atol=1e-13)


def test_code_from_a_given_initial_state_and_batch_run():
    coder = ContractiveCoder(5, 0.3)
    rng = np.random.default_rng(0)
    symbols = rng.integers(0, 5, (3, 25))
    x0 = rng.uniform(0, 1, 3)
    batch = coder.run(np.eye(5)[symbols], x0).states
    for b in range(3):
        np.testing.assert_allclose(coder.code(symbols[b], x0), batch[b], atol=1e-13)
        np.testing.assert_allclose(
            coder.code(symbols[b], x0), reference_code(5, 0.3, symbols[b], x0), atol=1e-13)


@given(coder_and_sequence(), st.data())
def test_each_map_contracts_by_exactly_k(case, data):
    coder, symbols = case
    rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 32 - 1)))
    x, y = rng.uniform(0, 1, (2, 50, coder.n_states))
    u = np.eye(coder.n_symbols)[rng.integers(0, coder.n_symbols, 50)]
    before = np.linalg.norm(x - y, axis=1)
    after = np.linalg.norm(coder.step(u, x) - coder.step(u, y), axis=1)
    np.testing.assert_allclose(after, coder.k * before, rtol=1e-12)
    # and a whole sequence from two initial states: the gap shrinks as k^t
    gap = np.linalg.norm(coder.code(symbols, x[0]) - coder.code(symbols, y[0]), axis=1)
    t = np.arange(1, symbols.size + 1)
    # (to the resolution of codes of size up to 1, as above)
    np.testing.assert_allclose(gap, coder.k ** t * before[0], rtol=1e-9, atol=1e-15)


@st.composite
def suffix_pairs(draw):
    n_symbols = draw(alphabet_sizes)
    k = draw(contractions)
    symbol = st.integers(0, n_symbols - 1)
    suffix = draw(st.lists(symbol, max_size=15))
    first = draw(st.lists(symbol, max_size=20))
    second = draw(st.lists(symbol, max_size=20))
    if not (first or suffix):
        first = [0]
    if not (second or suffix):
        second = [n_symbols - 1]
    return n_symbols, k, first + suffix, second + suffix


@given(suffix_pairs())
def test_shared_suffix_bound(case):
    n_symbols, k, a, b = case
    coder = ContractiveCoder(n_symbols, k)
    # the common suffix may be longer than the one drawn: measure it
    length = 0
    while length < min(len(a), len(b)) and a[-1 - length] == b[-1 - length]:
        length += 1
    distance = np.linalg.norm(coder.code(a)[-1] - coder.code(b)[-1])
    # the codes' coordinates are numbers up to 1 with rounding errors of a few
    # 1e-16, so a distance is known to about 1e-15 however small the bound is
    assert distance <= coder.suffix_bound(length) * (1 + 1e-12) + 1e-15
    assert coder.suffix_bound(length) == pytest.approx(k ** length * math.sqrt(coder.n_states))


def test_suffix_bound_is_approached_by_opposite_corners():
    # prefixes running into opposite corners, then the same suffix: ratio -> 1
    coder = ContractiveCoder(4, 0.5)
    suffix = [1, 2, 3]
    distance = np.linalg.norm(coder.code([0] * 60 + suffix)[-1] - coder.code([3] * 60 + suffix)[-1])
    assert distance / coder.suffix_bound(3) == pytest.approx(1.0, abs=1e-12)


def test_codes_of_blocks_sit_at_the_centres_of_their_cells():
    # k = 1/2, four symbols: an n-block read from the centre is the centre of the
    # cell of side 2^-n whose address is the block (most recent symbol = coarsest)
    coder = ContractiveCoder(4, 0.5)
    n = 4
    blocks = all_blocks(4, n)
    codes = coder.code_blocks(blocks)
    cells = codes * 2 ** n - 0.5
    assert np.array_equal(cells, np.round(cells))
    corners = coder.corners[blocks]                       # (N, n, 2)
    expected = (corners[:, ::-1, :] * 2 ** np.arange(n - 1, -1, -1)[None, :, None]).sum(1)
    assert np.array_equal(cells, expected)


@given(coder_and_sequence(min_length=1, max_length=30), st.integers(1, 8))
def test_block_codes(case, n):
    coder, symbols = case
    n = min(n, symbols.size)
    blocks = coder.block_codes(symbols, n)
    assert blocks.shape == (symbols.size - n + 1, coder.n_states)
    for i in range(symbols.size - n + 1):
        np.testing.assert_allclose(blocks[i], coder.code(symbols[i:i + n])[-1], atol=1e-12)
    windows = np.lib.stride_tricks.sliding_window_view(symbols, n)
    np.testing.assert_allclose(coder.code_blocks(windows), blocks, atol=1e-12)
    # the full code and the code of the last n symbols differ by k^n (x(t-n) - x0)
    full = coder.code(symbols)
    np.testing.assert_allclose(full[n - 1:] - blocks,
                               coder.k ** n * (np.vstack([coder.x0, full])[:-n] - coder.x0),
                               atol=1e-12)


def test_all_blocks():
    blocks = all_blocks(3, 2)
    assert blocks.shape == (9, 2)
    assert blocks.tolist()[:4] == [[0, 0], [0, 1], [0, 2], [1, 0]]
    assert len(np.unique(all_blocks(4, 5), axis=0)) == 4 ** 5
    with pytest.raises(ValueError, match="blocks"):
        all_blocks(20, 10)


# --------------------------------------------------- suffixes and profiles
@given(st.lists(st.integers(0, 2), min_size=1, max_size=30), st.data())
def test_common_suffix_lengths_by_brute_force(symbols, data):
    symbols = np.array(symbols)
    T = symbols.size
    i = np.array(data.draw(st.lists(st.integers(0, T - 1), min_size=1, max_size=10)))
    j = np.array(data.draw(st.lists(st.integers(0, T - 1), min_size=len(i),
                                    max_size=len(i))))
    got = common_suffix_lengths(symbols, i, j, 6)
    for a, b, g in zip(i, j, got):
        length = 0
        while length < 6 and a - length >= 0 and b - length >= 0 \
                and symbols[a - length] == symbols[b - length]:
            length += 1
        assert g == length


def test_suffix_distance_profile_obeys_the_bound():
    rng = np.random.default_rng(5)
    symbols = rng.integers(0, 4, 5000)
    coder = ContractiveCoder(4, 0.5)
    profile = suffix_distance_profile(coder.code(symbols), symbols, 6, n_pairs=20000,
                                      seed=1)
    assert profile.counts.sum() <= 20000 and profile.counts.sum() > 19990
    seen = profile.counts > 0
    assert np.all(profile.max_distance[seen] <= coder.suffix_bound(profile.lengths[seen]))
    # the mean distance halves with every shared symbol
    ratio = profile.mean_distance[1:5] / profile.mean_distance[:4]
    assert np.all(np.abs(ratio[1:] - 0.5) < 0.05)


# ------------------------------------------------------------ box counting
def test_box_counts_of_a_full_grid_and_a_line():
    grid = (np.stack(np.meshgrid(np.arange(16), np.arange(16)), -1).reshape(-1, 2) + 0.5) / 16
    assert box_counts(grid, [0, 1, 2, 3, 4, 5]).tolist() == [1, 4, 16, 64, 256, 256]
    line = np.column_stack([np.linspace(0, 1, 1025), np.zeros(1025)])
    result = box_counting_dimension(line, np.arange(1, 9))
    assert result.dimension == pytest.approx(1.0, abs=1e-9)


def test_box_dimension_of_the_sierpinski_triangle():
    coder = ContractiveCoder(4, 0.5)
    symbols = np.random.default_rng(0).integers(0, 3, 200_000)   # never symbol 3
    points = coder.code(symbols)[20:]
    result = box_counting_dimension(points, np.arange(2, 9))
    assert result.counts.tolist() == [3 ** j for j in range(2, 9)]
    assert result.dimension == pytest.approx(math.log(3) / math.log(2), abs=1e-9)
    assert similarity_dimension(3, 0.5) == pytest.approx(1.5849625, abs=1e-7)
    assert similarity_dimension(4, 1 / 3) == pytest.approx(math.log(4) / math.log(3))


# ------------------------------------------------------------------ errors
@pytest.mark.parametrize("k", [0, 1, -0.5, 1.5, 0.0, 1.0])
def test_k_outside_the_open_unit_interval(k):
    with pytest.raises(ValueError, match="k must lie strictly between 0 and 1"):
        ContractiveCoder(4, k)
    with pytest.raises(ValueError, match="k must"):
        similarity_dimension(3, k)


@pytest.mark.parametrize("k, error", [(float("nan"), ValueError), (float("inf"), ValueError),
                                      ("0.5", TypeError), (None, TypeError)])
def test_k_not_a_finite_number(k, error):
    with pytest.raises(error, match="k must"):
        ContractiveCoder(4, k)


def test_symbols_outside_the_alphabet():
    coder = ContractiveCoder(4)
    with pytest.raises(ValueError, match=r"symbols has symbol 4 at position 2, outside"):
        coder.code([0, 1, 4, 2])
    with pytest.raises(ValueError, match="symbols has symbol -1"):
        coder.code([-1, 0])
    with pytest.raises(TypeError, match="symbols must hold integer"):
        coder.code([0.0, 1.0])
    with pytest.raises(ValueError, match="symbols must be a 1-D"):
        coder.code([[0, 1]])
    with pytest.raises(ValueError, match="blocks has symbol 7"):
        coder.code_blocks([[0, 7]])
    with pytest.raises(ValueError, match="symbols has symbol 9"):
        coder.block_codes([0, 9, 1], 2)


def test_empty_input():
    coder = ContractiveCoder(4)
    with pytest.raises(ValueError, match="symbols must hold at least one symbol"):
        coder.code([])
    with pytest.raises(ValueError, match="symbols must hold at least one symbol"):
        coder.block_codes(np.array([], dtype=int), 1)
    with pytest.raises(ValueError, match="blocks must have shape"):
        coder.code_blocks(np.zeros((3, 0), dtype=int))
    with pytest.raises(ValueError, match="u must hold at least one step"):
        coder.run(np.zeros((0, 4)))
    with pytest.raises(ValueError, match="points must hold at least one point"):
        box_counts(np.zeros((0, 2)), [1, 2])


def test_other_bad_arguments():
    with pytest.raises(ValueError, match="n_symbols must be at least 2"):
        ContractiveCoder(1)
    with pytest.raises(TypeError, match="n_symbols"):
        ContractiveCoder(4.0)
    with pytest.raises(ValueError, match="corners must have shape"):
        ContractiveCoder(4, corners=np.zeros((3, 2)))
    with pytest.raises(ValueError, match="corners must lie in the unit hypercube"):
        ContractiveCoder(2, corners=[[0.0], [2.0]])
    with pytest.raises(ValueError, match="corners must be distinct"):
        ContractiveCoder(2, corners=[[0.0], [0.0]])
    with pytest.raises(ValueError, match="x0 must lie in the unit hypercube"):
        ContractiveCoder(4, x0=[0.5, 1.5])
    with pytest.raises(ValueError, match="x0 must have shape"):
        ContractiveCoder(4).code([0, 1], x0=[0.5])
    with pytest.raises(ValueError, match="n must not exceed"):
        ContractiveCoder(4).block_codes([0, 1], 3)
    with pytest.raises(ValueError, match="length must be a non-negative integer"):
        ContractiveCoder(4).suffix_bound(-1)
    with pytest.raises(ValueError, match="points must lie in the unit hypercube"):
        box_counts([[0.5, 1.5]], [1])
    with pytest.raises(ValueError, match="at least two distinct"):
        box_counting_dimension([[0.5, 0.5]], [3, 3])


# ------------------------------------------------------------ markov_chain
def test_markov_chain_respects_forbidden_transitions():
    P = np.array([[0.4, 0.3, 0.3, 0.0],
                  [0.3, 0.3, 0.2, 0.2],
                  [0.2, 0.2, 0.3, 0.3],
                  [0.0, 0.4, 0.3, 0.3]])
    s = markov_chain(P, 100_000, seed=3)
    assert s.dtype == np.int64 and s.shape == (100_000,)
    counts = np.zeros((4, 4))
    np.add.at(counts, (s[:-1], s[1:]), 1)
    assert counts[0, 3] == 0 and counts[3, 0] == 0
    np.testing.assert_allclose(counts / counts.sum(1, keepdims=True), P, atol=0.015)
    assert np.array_equal(markov_chain(P, 500, seed=3), s[:500])


def test_markov_chain_of_order_two():
    P = np.random.default_rng(0).dirichlet(np.ones(3), size=(3, 3))
    s = markov_chain(P, 100_000, seed=1)
    counts = np.zeros((3, 3, 3))
    np.add.at(counts, (s[:-2], s[1:-1], s[2:]), 1)
    np.testing.assert_allclose(counts / counts.sum(-1, keepdims=True), P, atol=0.03)
    start = markov_chain(P, 1, seed=1, initial=np.eye(3)[2][:, None] * np.eye(3)[1])
    assert start.tolist() == [2]


def test_markov_chain_errors():
    with pytest.raises(ValueError, match="transition_matrix must be non-negative"):
        markov_chain([[0.5, 0.6], [0.5, 0.5]], 10, seed=0)
    with pytest.raises(ValueError, match="transition_matrix must have at least two axes"):
        markov_chain([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0]], 10, seed=0)
    with pytest.raises(ValueError, match="length must be a positive integer"):
        markov_chain([[1.0, 0.0], [0.0, 1.0]], 0, seed=0)
    with pytest.raises(ValueError, match="initial must"):
        markov_chain([[1.0, 0.0], [0.0, 1.0]], 5, seed=0, initial=[0.7, 0.7])


def test_suffix_distance_profile_checks_symbols():
    rng = np.random.default_rng(5)
    symbols = rng.integers(0, 4, 200)
    states = ContractiveCoder(4, 0.5).code(symbols)
    with pytest.raises(TypeError, match="symbols"):
        suffix_distance_profile(states, symbols.astype(float), 4, n_pairs=100, seed=1)
    negative = symbols.copy()
    negative[7] = -1
    with pytest.raises(ValueError, match="symbols"):
        suffix_distance_profile(states, negative, 4, n_pairs=100, seed=1)
    outside = symbols.copy()
    outside[7] = 4
    with pytest.raises(ValueError, match="symbols"):
        suffix_distance_profile(states, outside, 4, n_pairs=100, seed=1, n_symbols=4)
    # with or without the alphabet size, valid symbols give the same profile
    a = suffix_distance_profile(states, symbols, 4, n_pairs=100, seed=1)
    b = suffix_distance_profile(states, symbols, 4, n_pairs=100, seed=1, n_symbols=4)
    assert np.array_equal(a.counts, b.counts)
    assert np.array_equal(a.mean_distance, b.mean_distance, equal_nan=True)


def test_huge_max_length_is_refused_or_cheap():
    """A max_length of 10**12 used to loop 10**12 times or allocate 10**12 entries."""
    symbols = np.array([0, 1, 0, 1, 1, 0, 1])
    first, second = np.array([2, 6, 0]), np.array([4, 3, 5])
    # common_suffix_lengths: no common suffix is longer than T, so a large max_length
    # gives the answer for T at once; sizes beyond validation.MAX_SIZE are refused
    big = MAX_SIZE
    assert np.array_equal(common_suffix_lengths(symbols, first, second, big),
                          common_suffix_lengths(symbols, first, second, symbols.size))
    assert np.array_equal(common_suffix_lengths(symbols, first, second, big), [0, 3, 1])
    with pytest.raises(ValueError, match="max_length"):
        common_suffix_lengths(symbols, first, second, 10**12)
    # suffix_distance_profile returns max_length + 1 entries: refused beyond T
    states = ContractiveCoder(2, 0.5).code(symbols)
    with pytest.raises(ValueError, match="max_length"):
        suffix_distance_profile(states, symbols, 10**12, n_pairs=10, seed=0)
    with pytest.raises(ValueError, match="max_length"):
        suffix_distance_profile(states, symbols, symbols.size + 1, n_pairs=10, seed=0)
    profile = suffix_distance_profile(states, symbols, symbols.size, n_pairs=10, seed=0)
    assert profile.counts.size == symbols.size + 1
