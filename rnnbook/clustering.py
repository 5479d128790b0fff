"""k-means clustering whose result does not depend on the CPU.

Lloyd's algorithm: start from ``k`` centres, then repeat *assign every point
to its nearest centre* and *move every centre to the mean of its points*. The
book clusters network states (to extract automata, chapter 3) and fractal
codes (prediction machines, chapter 11) this way.

:func:`scipy.cluster.vq.kmeans2` runs the same algorithm, but for five or
more features it finds the nearest centre from ``|x|^2 + |c|^2 - 2 x.c``,
with the products from BLAS. Its rounding depends on the CPU's BLAS kernel,
and the cancellation in that formula makes the error far larger than one
rounding step of the distance: near a tie a point goes to another centre on
another machine, and the clustering changes from there on. Here the nearest
centre comes from a k-d tree (:class:`scipy.spatial.cKDTree`), which sums the
squared differences of the coordinates. The draws of the starting centres,
the ten rounds, the means and the rule for an empty cluster (it keeps its
centre) are those of ``kmeans2``, so where no point is near a tie the two give
the same centres, bit for bit.

Introduced in chapter 3, *Attractive sets* (automaton extraction); reused in
chapter 11.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np
from scipy.spatial import cKDTree
from scipy.spatial.distance import cdist

from rnnbook.validation import SeedLike, as_float_array, as_generator, check_positive_int

#: Lloyd rounds, as :func:`scipy.cluster.vq.kmeans2`'s default.
ITERATIONS = 10
INITS = ("++", "points")


class KMeans(NamedTuple):
    """The result of :func:`kmeans`.

    Attributes
    ----------
    centres : numpy.ndarray, shape ``(n_clusters, n_features)``
        The centres after the last round.
    labels : numpy.ndarray of int64, shape ``(n_points,)``
        Each point's nearest centre in the last round, before the centres moved
        to the means of these clusters (as :func:`scipy.cluster.vq.kmeans2`
        returns them).
    """

    centres: np.ndarray
    labels: np.ndarray


def kmeans(data, n_clusters: int, *, init: str = "++", iterations: int = ITERATIONS,
           seed: SeedLike = None) -> KMeans:
    """Cluster points by Lloyd's k-means with exact distances (the same on every CPU).

    Parameters
    ----------
    data : array_like, shape ``(n_points, n_features)``
        The points, finite.
    n_clusters : int
        At most the number of distinct points.
    init : {"++", "points"}
        The starting centres: k-means++ (each next centre drawn with
        probability proportional to the squared distance to the nearest centre
        drawn so far) or ``n_clusters`` distinct points drawn uniformly; the
        draws of ``kmeans2(minit="++")`` and ``kmeans2(minit="points")``.
    iterations : int
        Rounds of assigning and moving.
    seed : int, numpy.random.Generator or None

    Returns
    -------
    KMeans
    """
    data = as_float_array("data", data, ndim=2)
    if data.shape[0] == 0 or data.shape[1] == 0:
        raise ValueError(f"data must hold at least one point with at least one feature; "
                         f"got shape {data.shape} (one feature: data.reshape(-1, 1))")
    n_clusters = check_positive_int("n_clusters", n_clusters)
    if init not in INITS:
        raise ValueError(f"init must be one of {INITS}; got {init!r}")
    iterations = check_positive_int("iterations", iterations)
    rng = as_generator(seed)
    centres = _starting_centres(data, n_clusters, rng, init)
    return _lloyd(data, centres, iterations)


def _starting_centres(data: np.ndarray, n_clusters: int, rng: np.random.Generator,
                      init: str, *, name: str = "n_clusters", things: str = "points",
                      advice: str = "ask for fewer clusters") -> np.ndarray:
    """``n_clusters`` distinct starting centres drawn from ``data`` (a new array).

    Too few distinct points raise a ``ValueError`` naming ``name``, the points
    as ``things``, with ``advice``.
    """
    def refuse_if_too_few():              # counts the distinct points: a sort of every row
        n_distinct = np.unique(data, axis=0).shape[0]
        if n_clusters > n_distinct:
            raise ValueError(f"{name}={n_clusters} is more than the {n_distinct} distinct "
                             f"{things} to cluster; {advice}")

    n_points = data.shape[0]
    if init == "points":
        if n_clusters <= n_points:
            centres = data[rng.choice(n_points, size=n_clusters, replace=False)]
        # distinct draws prove there are enough distinct points; only otherwise
        # are they counted, which draws nothing
        if n_clusters > n_points or np.unique(centres, axis=0).shape[0] < n_clusters:
            refuse_if_too_few()
        return centres
    # k-means++ as kmeans2 draws it: the first centre uniformly, each next one
    # by inverting the cumulative distribution of D^2 / sum D^2 at a uniform
    # draw. D^2 is kept as a running minimum over the centres so far (kmeans2
    # takes the minimum over all of them again each time: the same numbers).
    centres = np.empty((n_clusters, data.shape[1]))
    centres[0] = data[rng.integers(n_points)]
    nearest_d2 = None
    for i in range(1, n_clusters):
        d2 = cdist(centres[i - 1:i], data, metric="sqeuclidean")[0]
        nearest_d2 = d2 if nearest_d2 is None else np.minimum(nearest_d2, d2)
        total = nearest_d2.sum()
        if total == 0:                      # every point is on one of i < n_clusters
            refuse_if_too_few()             # centres: too few distinct points, raises
        cumulative = (nearest_d2 / total).cumsum()
        centres[i] = data[int(np.searchsorted(cumulative, rng.uniform()))]
    return centres


def _lloyd(data: np.ndarray, centres: np.ndarray, iterations: int,
           nearest: Callable[[cKDTree], np.ndarray] | None = None) -> KMeans:
    """Lloyd's rounds from ``centres`` (updated in place).

    ``nearest(tree)`` gives every point's nearest centre from a tree of the
    centres; by default the tree is queried point by point (a caller with a
    faster search that gives the same answers passes it).
    """
    n_clusters = centres.shape[0]
    labels = np.zeros(data.shape[0], dtype=np.int64)
    for _ in range(iterations):
        tree = cKDTree(centres)
        labels = tree.query(data)[1] if nearest is None else nearest(tree)
        members = np.bincount(labels, minlength=n_clusters)
        sums = np.column_stack([np.bincount(labels, weights=column, minlength=n_clusters)
                                for column in data.T])
        used = members > 0                  # an empty cluster keeps its centre
        centres[used] = sums[used] / members[used, None]
    return KMeans(centres, np.asarray(labels, dtype=np.int64))
