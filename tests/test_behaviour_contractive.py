"""Behaviour of rnnbook.contractive pinned against brute force and closed forms.

Box counts are recomputed with a Python set of cell tuples, the dimension fit
with an explicit least-squares solve, the suffix profile over *every* pair of
positions of a short run, codes of blocks from the lecture's sum.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from rnnbook.contractive import (
    ContractiveCoder,
    all_blocks,
    binary_corners,
    box_counting_dimension,
    box_counts,
    common_suffix_lengths,
    suffix_distance_profile,
)


def brute_boxes(points, j, base):
    scale = base ** j
    side = math.ceil(scale - 1e-9)
    return len({tuple(min(int(v * scale), side - 1) for v in p) for p in points})


@pytest.mark.parametrize("base", [2.0, 3.0, 2.5, 1 / 0.45])
def test_box_counts_equal_a_set_of_cells(base):
    rng = np.random.default_rng(1)
    points = np.vstack([rng.random((300, 3)) ** 2, [[1.0, 1.0, 1.0], [0.0, 1.0, 0.5]]])
    exponents = np.arange(0, 5)
    kwargs = {} if base == 2.0 else {"base": base}
    got = box_counts(points, exponents, **kwargs)
    assert got.tolist() == [brute_boxes(points, j, base) for j in exponents]
    fit = box_counting_dimension(points, exponents, **kwargs)
    x = exponents * math.log(base)
    design = np.column_stack([x, np.ones_like(x)])
    slope, intercept = np.linalg.lstsq(design, np.log(got), rcond=None)[0]
    assert fit.dimension == pytest.approx(slope, rel=1e-10)
    assert fit.intercept == pytest.approx(intercept, rel=1e-10, abs=1e-12)
    assert fit.counts.tolist() == got.tolist() and fit.exponents.tolist() == exponents.tolist()


def test_box_counts_many_cells_path():
    """More than 2**24 cells: counted by sorting instead of a table; same answer."""
    rng = np.random.default_rng(2)
    points = rng.random((500, 3))
    got = box_counts(points, [9, 2])
    assert got.tolist() == [brute_boxes(points, 9, 2.0), brute_boxes(points, 2, 2.0)]


def test_suffix_profile_over_all_pairs_of_a_short_run():
    symbols = np.array([0, 1, 1, 0, 1, 1, 2, 0])
    coder = ContractiveCoder(3, 0.4)
    states = coder.code(symbols)
    T, max_len = symbols.size, 3
    lengths, dist = {}, {}
    for i, j in itertools.permutations(range(T), 2):
        m = 0
        while m < max_len and i - m >= 0 and j - m >= 0 and symbols[i - m] == symbols[j - m]:
            m += 1
        lengths[(i, j)] = m
        dist[(i, j)] = float(np.linalg.norm(states[i] - states[j]))
    prof = suffix_distance_profile(states, symbols, max_len, n_pairs=40000, seed=3)
    assert prof.lengths.tolist() == [0, 1, 2, 3]
    total = prof.counts.sum()
    assert 40000 - 4 * 40000 / T - 600 < total < 40000      # about 1/T of draws are i == j
    for m in range(max_len + 1):
        pairs = [p for p in lengths if lengths[p] == m]
        if not pairs:
            assert prof.counts[m] == 0
            assert math.isnan(prof.mean_distance[m]) and math.isnan(prof.max_distance[m])
            continue
        assert prof.max_distance[m] == pytest.approx(max(dist[p] for p in pairs), rel=1e-12)
        share = len(pairs) / len(lengths)
        assert abs(prof.counts[m] / total - share) < 5 * math.sqrt(share / total)
        values = [dist[p] for p in pairs]
        assert min(values) - 1e-12 <= prof.mean_distance[m] <= max(values) + 1e-12
        assert abs(prof.mean_distance[m] - np.mean(values)) < 5 * (np.std(values) + 1e-12) \
            * math.sqrt(len(lengths) / (share * total)) + 1e-12
    weighted = np.nansum(prof.mean_distance * prof.counts) / total
    assert prof.overall_mean == pytest.approx(weighted, rel=1e-12)
    # skip: positions before it are never drawn, so their pairs never count
    skipped = suffix_distance_profile(states, symbols, max_len, n_pairs=4000, skip=6, seed=3)
    assert skipped.counts.sum() > 0
    assert skipped.max_distance[np.nanargmax(skipped.max_distance)] == pytest.approx(
        dist[(6, 7)], rel=1e-12)


def test_common_suffix_lengths_stop_at_the_start_and_the_cap():
    symbols = np.array([2, 2, 2, 2, 2])
    first, second = np.array([4, 4, 3, 0, 2]), np.array([3, 0, 4, 4, 2])
    assert common_suffix_lengths(symbols, first, second, 10).tolist() == [4, 1, 4, 1, 3]
    assert common_suffix_lengths(symbols, first, second, 2).tolist() == [2, 1, 2, 1, 2]
    assert common_suffix_lengths(symbols, first, second, 1).tolist() == [1, 1, 1, 1, 1]


@pytest.mark.parametrize("k", [0.5, 0.3, 0.8])
def test_block_codes_are_the_lecture_sum(k):
    coder = ContractiveCoder(5, k, x0=[0.1, 0.9, 0.3])
    corners = binary_corners(5)
    rng = np.random.default_rng(0)
    symbols = rng.integers(0, 5, 12)
    n = 3
    want = [k ** n * coder.x0 + sum((1 - k) * k ** m * corners[symbols[i + n - 1 - m]]
                                    for m in range(n)) for i in range(12 - n + 1)]
    assert np.allclose(coder.block_codes(symbols, n), want, rtol=1e-13)
    blocks = np.array([symbols[i:i + n] for i in range(12 - n + 1)])
    assert np.allclose(coder.code_blocks(blocks), want, rtol=1e-13)
    assert np.allclose(coder.code(symbols)[n - 1], want[0], rtol=1e-13)   # from x0
    assert np.allclose(coder.W_ri, (1 - k) * corners.T) and np.allclose(coder.W_rc, k * np.eye(3))
    assert np.allclose(coder.suffix_bound(np.array([0, 2])), [math.sqrt(3), k ** 2 * math.sqrt(3)])
    assert coder.suffix_bound(3) == pytest.approx(k ** 3 * math.sqrt(3))


def test_default_coder_and_corners():
    coder = ContractiveCoder()
    assert coder.n_symbols == 4 and coder.k == 0.5 and coder.n_states == 2
    assert np.array_equal(coder.initial_state(), [0.5, 0.5])
    assert binary_corners(2).tolist() == [[0.0], [1.0]]
    assert binary_corners(5).tolist() == [[0, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 1], [1, 0, 0]]
    assert all_blocks(2, 3).tolist() == [list(b) for b in itertools.product(range(2), repeat=3)]
    assert np.allclose(coder.code([3]), [[0.75, 0.75]])


@pytest.mark.parametrize("max_length, error", [(0, ValueError), (-2, ValueError),
                                               (1.0, TypeError), (True, TypeError),
                                               ("x", TypeError), (None, TypeError)])
def test_suffix_distance_profile_checks_max_length(max_length, error):
    symbols = np.array([0, 1, 1, 0])
    states = ContractiveCoder(2, 0.5).code(symbols)
    with pytest.raises(error, match="max_length"):
        suffix_distance_profile(states, symbols, max_length, n_pairs=10, seed=0)


def test_two_exponents_give_the_slope_through_two_points():
    rng = np.random.default_rng(4)
    points = rng.random((2000, 2))
    fit = box_counting_dimension(points, [1, 3])
    n1, n3 = brute_boxes(points, 1, 2.0), brute_boxes(points, 3, 2.0)
    assert fit.dimension == pytest.approx(math.log(n3 / n1) / (2 * math.log(2)), rel=1e-12)
    with pytest.raises(ValueError, match="two distinct"):
        box_counting_dimension(points, [2, 2])


def test_profile_marks_lengths_without_pairs_as_nan():
    symbols = np.array([0, 1, 2, 3, 4])           # no two positions share a last symbol
    states = ContractiveCoder(5, 0.5).code(symbols)
    prof = suffix_distance_profile(states, symbols, 3, n_pairs=500, seed=0)
    assert prof.counts[0] == prof.counts.sum() > 0 and np.all(prof.counts[1:] == 0)
    assert np.all(np.isnan(prof.mean_distance[1:])) and np.all(np.isnan(prof.max_distance[1:]))
    assert np.isfinite(prof.max_distance[0])


@pytest.mark.parametrize("call, error, match", [
    (lambda: all_blocks(2, 0), ValueError, "n must be"),
    (lambda: all_blocks(2, 1.5), TypeError, "n must be"),
    (lambda: all_blocks(4, 30), ValueError, f"n_symbols \\*\\* n = {4 ** 30} blocks"),
    (lambda: common_suffix_lengths([0, 1, 0], [3], [0], 2), ValueError, "first must hold"),
    (lambda: common_suffix_lengths([0, 1, 0], [0], [-1], 2), ValueError, "second must hold"),
])
def test_block_and_position_arguments_are_checked(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_box_counts_at_a_scale_too_fine_for_a_table_sorts_instead():
    # 2^40 boxes per axis: far too many to tabulate, yet two points are two boxes
    assert box_counts(np.array([[0.0], [1.0]]), [40]).tolist() == [2]
    assert box_counts(np.array([[0.25], [0.25 + 2.0 ** -41]]), [40]).tolist() == [1]
    assert box_counts(np.array([[0.25], [0.25 + 2.0 ** -40]]), [40]).tolist() == [2]
