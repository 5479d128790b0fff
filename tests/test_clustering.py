"""k-means with exact distances (rnnbook.clustering)."""

import numpy as np
import pytest
from scipy.cluster.vq import kmeans2

from rnnbook.clustering import kmeans


@pytest.mark.parametrize("init", ["++", "points"])
@pytest.mark.parametrize("dim, n, size", [(1, 300, 5), (2, 2000, 16), (5, 800, 12),
                                          (8, 500, 40)])
def test_kmeans_is_kmeans2_where_no_distance_is_near_a_tie(init, dim, n, size):
    # the same draws, rounds, means and empty-cluster rule as scipy's kmeans2:
    # on points in general position centres and labels agree to the last bit
    # (for 5 and more features kmeans2's distances go through BLAS, see below)
    data = np.random.default_rng(dim).standard_normal((n, dim))
    want_centres, want_labels = kmeans2(data, size, minit=init,
                                        rng=np.random.default_rng(7))
    got = kmeans(data, size, init=init, seed=7)
    np.testing.assert_array_equal(got.centres, want_centres)
    np.testing.assert_array_equal(got.labels, want_labels)
    assert got.labels.dtype == np.int64 and got.centres.shape == (size, dim)


def _nearest_exactly(data, centres):
    # differences first: no cancellation, so this is the nearest centre up to
    # one rounding of each squared distance
    return np.argmin(((data[:, None, :] - centres[None]) ** 2).sum(axis=-1), axis=1)


def test_kmeans_assigns_by_exact_distances_where_the_blas_formula_cancels():
    # points and centres far from the origin (1e7) and close together: the
    # formula |x|^2 + |c|^2 - 2 x.c that kmeans2 uses for 5+ features loses
    # about 0.02 to cancellation, more than the gaps between the distances.
    # After one round (iterations=1) the labels are the nearest starting
    # centres, which init="points" draws as rng.choice does.
    rng = np.random.default_rng(0)
    data = 1e7 + rng.uniform(0, 1, (2000, 8))
    start = data[np.random.default_rng(3).choice(2000, size=20, replace=False)]
    exact = _nearest_exactly(data, start)
    got = kmeans(data, 20, init="points", iterations=1, seed=3)
    np.testing.assert_array_equal(got.labels, exact)
    _, theirs = kmeans2(data, 20, iter=1, minit="points", rng=np.random.default_rng(3))
    assert np.sum(theirs != exact) > 100          # what this module is for


def test_kmeans_plus_plus_starts_one_centre_per_separated_blob():
    # four tight blobs far apart: k-means++ draws each next centre with
    # probability proportional to D^2, so a second centre in a blob already
    # holding one has probability below 1e-8; Lloyd then keeps one per blob
    rng = np.random.default_rng(1)
    corners = np.array([[0, 0], [10, 0], [0, 10], [10, 10]], dtype=float)
    data = np.vstack([rng.normal(c, 0.01, size=(100, 2)) for c in corners])
    for seed in range(5):
        result = kmeans(data, 4, init="++", seed=seed)
        blob_of_centre = _nearest_exactly(result.centres, corners)
        assert sorted(blob_of_centre.tolist()) == [0, 1, 2, 3]
        for j in range(4):
            np.testing.assert_allclose(result.centres[j],
                                       data[result.labels == j].mean(axis=0), atol=1e-12)


def test_kmeans_empty_cluster_keeps_its_centre_and_too_few_points_are_refused():
    # two equal points drawn as the two starting centres: in the first round
    # every point goes to the first of them and the other is left empty; it
    # stays where it was (not 0/0)
    data = np.array([[0.0], [0.0], [5.0]])
    seed = next(s for s in range(100)
                if set(np.random.default_rng(s).choice(3, size=2, replace=False)) == {0, 1})
    result = kmeans(data, 2, init="points", seed=seed)
    assert sorted(result.centres[:, 0].tolist()) == [0.0, 5.0]
    assert np.isfinite(result.centres).all()
    for init in ["++", "points"]:
        with pytest.raises(ValueError, match="n_clusters=3 is more than the 2 distinct points"):
            kmeans(data, 3, init=init, seed=0)


def test_kmeans_is_reproducible_from_its_seed_and_continues_a_generator():
    data = np.random.default_rng(5).standard_normal((300, 3))
    a, b = kmeans(data, 6, seed=11), kmeans(data, 6, seed=11)
    np.testing.assert_array_equal(a.centres, b.centres)
    rng = np.random.default_rng(11)
    first = kmeans(data, 6, seed=rng)
    np.testing.assert_array_equal(first.centres, a.centres)
    second = kmeans(data, 6, seed=rng)          # the generator has moved on
    assert not np.array_equal(second.centres, a.centres)
