"""Linear readouts fitted by ridge regression: what reservoir computing trains.

A reservoir (an echo state network, a liquid state machine) is a fixed
state-space model; only a linear readout

.. math::

    y = W_{or}\\, z + t_o

from a feature vector ``z`` (the state, possibly with the input) is trained.
:func:`fit_ridge` minimises

.. math::

    \\sum_t \\lVert W_{or} z(t) + t_o - d(t) \\rVert^2
    + \\lambda \\lVert W_{or} \\rVert_F^2

over ``W_or`` and ``t_o``: the bias ``t_o`` is not penalised. It centres the
features and targets (which removes the bias exactly) and solves the penalised
least-squares problem for the centred data, never forming an inverse:

* ``solver="auto"`` (default) solves the normal equations
  ``(Z_c^T Z_c + lambda I) W^T = Z_c^T D_c`` with a Cholesky factorisation of
  the Gram matrix (formed by a symmetric rank-k update, half the work of a
  general product), then *refines* the solution: the residual
  ``D_c - Z_c W^T`` of the original data is solved for a correction with the
  same factor until the correction is below ``1e-10`` of the weights. Each
  correction shrinks the error by a factor of roughly ``eps * cond^2``
  (``eps`` the float64 round-off, ``cond`` the condition number of the
  stacked matrix below), so where that is well below 1 the result agrees
  with the QR solver's to round-off (the tests check 1e-6 against an SVD
  least-squares solution at ``cond`` about 1e6), at a fraction of its cost;
  if the Cholesky factorisation fails or three corrections do not reach the
  tolerance, the problem is too badly conditioned for it and the QR solver
  is used instead;
* ``solver="qr"`` factors the stacked matrix ``[Z_c; sqrt(lambda) I]``, so the
  condition number is not squared; safe for the tiny ``lambda`` that
  chaotic-series prediction wants, but several times slower than ``"auto"``
  for many samples;
* ``solver="cholesky"`` solves the normal equations once, without
  refinement: it squares the condition number, so use it only with a ridge
  that is not tiny relative to the feature scale.

Many independent readouts (one per reservoir of an ensemble) are fitted at
once by giving ``features`` and ``targets`` a leading axis of runs.
:func:`fit_ridge_path` fits several ridges from one QR factorisation, for
choosing the ridge on validation data.

Introduced in chapter 9, *Echo state networks*; reused in chapter 10.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import scipy.linalg
import scipy.linalg.blas
import scipy.linalg.lapack

from rnnbook.validation import as_float_array, check_finite_float, check_int

SOLVERS = ("auto", "qr", "cholesky")
REFINE_TOL = 1e-10      # "auto": stop when a correction is below this fraction of W
REFINE_STEPS = 3        # "auto": corrections at most, else the QR solver


class Readout(NamedTuple):
    """A fitted linear readout ``y = W_or z + t_o``.

    Attributes
    ----------
    W_or : numpy.ndarray, shape ``(n_outputs, n_features)``
        Or ``(R, n_outputs, n_features)`` for ``R`` readouts fitted at once.
    t_o : numpy.ndarray, shape ``(n_outputs,)`` or ``(R, n_outputs)``
        The unpenalised bias.
    """

    W_or: np.ndarray
    t_o: np.ndarray

    def predict(self, features) -> np.ndarray:
        """Apply the readout to features of shape ``(..., n_features)``.

        For ``R`` readouts, features of shape ``(R, ..., n_features)`` give
        outputs of shape ``(R, ..., n_outputs)`` (readout ``r`` on slice ``r``).
        """
        z = as_float_array("features", features)
        if z.ndim == 0 or z.shape[-1] != self.W_or.shape[-1]:
            raise ValueError(f"features must have {self.W_or.shape[-1]} entries on the last "
                             f"axis; got shape {z.shape}")
        if self.W_or.ndim == 2:
            return z @ self.W_or.T + self.t_o
        n_runs = self.W_or.shape[0]
        if z.ndim < 2 or z.shape[0] != n_runs:
            raise ValueError(f"features for {n_runs} readouts must have shape "
                             f"({n_runs}, ..., n_features); got {z.shape}")
        flat = z.reshape(n_runs, -1, z.shape[-1])
        out = np.einsum("rtf,rof->rto", flat, self.W_or) + self.t_o[:, None, :]
        return out.reshape(z.shape[:-1] + (self.W_or.shape[1],))


def _solve_centred(Z: np.ndarray, D: np.ndarray, ridge: float, solver: str) -> np.ndarray:
    """Return ``W^T`` (``(..., F, O)``) minimising ``|Z W^T - D|^2 + ridge |W|^2``."""
    n_features = Z.shape[-1]
    if solver == "auto":
        if Z.ndim == 3:
            return np.stack([_solve_centred(z, d, ridge, solver) for z, d in zip(Z, D)])
        W_t = _solve_refined(Z, D, ridge)
        return _solve_centred(Z, D, ridge, "qr") if W_t is None else W_t
    if solver == "cholesky":
        gram = np.swapaxes(Z, -1, -2) @ Z
        gram = gram + ridge * np.eye(n_features)
        rhs = np.swapaxes(Z, -1, -2) @ D
        if Z.ndim == 2:
            return scipy.linalg.solve(gram, rhs, assume_a="pos")
        chol = np.linalg.cholesky(gram)
        half = np.linalg.solve(chol, rhs)
        return np.linalg.solve(np.swapaxes(chol, -1, -2), half)
    # QR of [Z; sqrt(ridge) I]: R W^T = Q^T [D; 0]
    if Z.ndim == 3:      # one run at a time: Q of every run at once took hundreds of MB
        return np.stack([_solve_qr(z, d, ridge, scipy_lapack=False) for z, d in zip(Z, D)])
    return _solve_qr(Z, D, ridge, scipy_lapack=True)


def _solve_qr(Z: np.ndarray, D: np.ndarray, ridge: float, *, scipy_lapack: bool) -> np.ndarray:
    """``W^T`` for one problem from the QR of ``[Z; sqrt(ridge) I]``: ``R W^T = Q^T [D; 0]``.

    One problem alone goes through scipy's QR and triangular solve; the runs of
    an ensemble through numpy's (their results have always come from those,
    and differ from scipy's in the last digits).
    """
    n_features = Z.shape[-1]
    stacked = np.concatenate([Z, np.sqrt(ridge) * np.eye(n_features)])
    rhs = np.concatenate([D, np.zeros((n_features, D.shape[-1]))])
    if scipy_lapack:
        q, r = scipy.linalg.qr(stacked, mode="economic")
        return scipy.linalg.solve_triangular(r, q.T @ rhs)
    q, r = np.linalg.qr(stacked)
    return np.linalg.solve(r, q.T @ rhs)


def _solve_refined(Z: np.ndarray, D: np.ndarray, ridge: float) -> np.ndarray | None:
    """The ``"auto"`` solver for one problem; ``None`` if it is too badly conditioned.

    Cholesky of ``G = Z^T Z + ridge I`` (upper triangle from BLAS ``dsyrk``),
    a first solution from the normal equations, then corrections from the
    residual of the original problem, ``G dW = Z^T (D - Z W) - ridge W``.
    """
    Z = np.ascontiguousarray(Z)
    gram = scipy.linalg.blas.dsyrk(1.0, Z.T)         # Z^T Z, upper triangle (Z.T: no copy)
    gram[np.diag_indices_from(gram)] += ridge
    factor, info = scipy.linalg.lapack.dpotrf(gram, lower=0, clean=0, overwrite_a=1)
    if info != 0:                                    # not numerically positive definite
        return None

    def solve(rhs):
        x, info = scipy.linalg.lapack.dpotrs(factor, rhs, lower=0)
        return x if info == 0 else np.full_like(rhs, np.nan)

    W_t = solve(Z.T @ D)
    for _ in range(REFINE_STEPS):
        correction = solve(Z.T @ (D - Z @ W_t) - ridge * W_t)
        W_t += correction
        if not np.all(np.isfinite(W_t)):
            return None
        size = np.linalg.norm(correction, axis=0)
        if np.all(size <= REFINE_TOL * np.linalg.norm(W_t, axis=0)):
            return W_t
    return None


def fit_ridge(features, targets, ridge: float = 1e-8, *, solver: str = "auto") -> Readout:
    """Fit a linear readout with an unpenalised bias by ridge regression.

    Parameters
    ----------
    features : array_like, shape ``(n_samples, n_features)``
        One feature vector per row (for example reservoir states after the
        washout). Or ``(R, n_samples, n_features)`` to fit ``R`` independent
        readouts at once.
    targets : array_like, shape ``(n_samples,)`` or ``(n_samples, n_outputs)``
        The desired outputs; ``(R, n_samples[, n_outputs])`` for ``R`` readouts.
        A 1-D target gives ``n_outputs = 1``.
    ridge : float
        The penalty ``lambda >= 0`` on ``W_or`` (not on ``t_o``). With 0 the
        problem must have full column rank.
    solver : {"auto", "qr", "cholesky"}
        See the module docstring: ``"auto"`` (Cholesky with iterative
        refinement, QR when that fails) and ``"qr"`` agree to round-off.

    Returns
    -------
    Readout
    """
    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {SOLVERS}; got {solver!r}")
    ridge = _check_ridge(ridge)
    Z, D, z_mean, d_mean = _problem(features, targets)
    if Z.ndim == 3:         # one run at a time (a batch of one): no copy of every run's data
        W_t = np.concatenate([_solve_centred((z - zm)[None], (d - dm)[None], ridge, solver)
                              for z, d, zm, dm in zip(Z, D, z_mean, d_mean)])
    else:
        W_t = _solve_centred(Z - z_mean, D - d_mean, ridge, solver)
    return _readout(W_t, z_mean, d_mean)


def fit_ridge_path(features, targets, ridges) -> list[Readout]:
    """:func:`fit_ridge` (QR solver) for several ridges, sharing the big factorisation.

    With ``Z_c = Q R`` (one QR of the centred features), the penalised problem
    for every ``lambda`` is the small one with ``R`` in place of ``Z_c`` and
    ``Q^T D_c`` in place of ``D_c``: each extra ridge costs a QR of
    ``[R; sqrt(lambda) I]`` (``2 F`` rows) instead of ``[Z_c; sqrt(lambda) I]``
    (``n_samples + F`` rows). Same arguments as :func:`fit_ridge`, with
    ``ridges`` a sequence of penalties; returns one :class:`Readout` per ridge,
    in order.
    """
    if isinstance(ridges, (str, bytes, dict)) or not np.iterable(ridges):
        raise TypeError(f"ridges must be a sequence of non-negative numbers; got "
                        f"{type(ridges).__name__} {ridges!r}")
    ridges = [_check_ridge(r, f"ridges[{i}]") for i, r in enumerate(ridges)]
    if not ridges:
        raise ValueError("ridges must hold at least one value")
    Z, D, z_mean, d_mean = _problem(features, targets)
    if Z.ndim == 2:
        r, qd = _r_and_qt(Z, D, z_mean, d_mean)
    else:                                    # one run at a time, as for one problem
        rank = min(Z.shape[-2:])                # the rows of the economic R
        r = np.empty((len(Z), rank, Z.shape[-1]))
        qd = np.empty((len(Z), rank, D.shape[-1]))
        for k, run in enumerate(zip(Z, D, z_mean, d_mean)):
            r[k], qd[k] = _r_and_qt(*run)
    if r.shape[-2] != r.shape[-1]:           # fewer samples than features: R is not square
        return [_readout(_solve_centred(r, qd, ridge, "qr"), z_mean, d_mean)
                for ridge in ridges]
    solve = _solve_triangular_ridge
    return [_readout(solve(r, qd, ridge) if r.ndim == 2 else
                     np.stack([solve(rk, qk, ridge) for rk, qk in zip(r, qd)]), z_mean, d_mean)
            for ridge in ridges]


def _solve_triangular_ridge(r: np.ndarray, qd: np.ndarray, ridge: float) -> np.ndarray:
    """``W^T`` minimising ``|R W^T - QD|^2 + ridge |W|^2`` for a square upper-triangular ``R``.

    The QR of ``[R; sqrt(ridge) I]``, two triangles stacked, by LAPACK's
    triangular-pentagonal QR (``dtpqrt``; ``dtpmqrt`` applies its ``Q^T`` to
    ``[QD; 0]``): about a sixth of the work of a general QR of those ``2 F``
    rows (3 against 18 ms for chapter 9's 401 features), with the same
    backward stability; the weights agree with the general QR's to about
    ``1e-14`` relative.
    """
    n_features = r.shape[-1]
    block = min(32, n_features)
    top, reflectors, factors, info = scipy.linalg.lapack.dtpqrt(
        n_features, block, r, np.sqrt(ridge) * np.eye(n_features))
    if info != 0:
        raise np.linalg.LinAlgError(f"LAPACK dtpqrt failed (info {info})")
    rhs, _, info = scipy.linalg.lapack.dtpmqrt(n_features, reflectors, factors, qd,
                                               np.zeros_like(qd), trans="T")
    if info != 0:
        raise np.linalg.LinAlgError(f"LAPACK dtpmqrt failed (info {info})")
    return scipy.linalg.solve_triangular(top, rhs)


def _r_and_qt(Z: np.ndarray, D: np.ndarray, z_mean: np.ndarray, d_mean: np.ndarray):
    """``R`` and ``Q^T D_c`` of the economic QR ``Z_c = Q R`` of the centred problem.

    LAPACK applies the Householder reflections to ``D_c`` directly (scipy's
    ``qr_multiply``): about a third of the time of forming ``Q`` and
    multiplying, and no ``n_samples x n_features`` array for ``Q``. The
    centred features are written once, in the column-major order LAPACK
    factors in place.
    """
    Zc = np.subtract(Z, z_mean, order="F")
    dq, r = scipy.linalg.qr_multiply(Zc, (D - d_mean).T, mode="right",
                                     overwrite_a=True)             # D_c^T Q and R
    return r, np.ascontiguousarray(dq.T)


def _check_ridge(ridge, name: str = "ridge") -> float:
    ridge = check_finite_float(name, ridge)
    if ridge < 0:
        raise ValueError(f"{name} must be non-negative; got {ridge}")
    return ridge


def _problem(features, targets):
    """Validated ``(Z, D)`` (``D`` with an output axis) and their means ``(z_mean, d_mean)``
    over the samples. The callers centre (``Z - z_mean``) one run at a time
    where they can: a centred copy of a whole ensemble's features can take
    hundreds of MB."""
    Z = as_float_array("features", features, ndim=(2, 3))
    if Z.shape[-1] == 0:
        raise ValueError(f"features must hold at least one feature per sample (a "
                         f"readout of nothing is only its bias); got shape {Z.shape}")
    D = as_float_array("targets", targets, ndim=(Z.ndim - 1, Z.ndim))
    if D.ndim == Z.ndim - 1:
        D = D[..., None]
    if D.shape[:-1] != Z.shape[:-1]:
        raise ValueError(f"features and targets must have the same leading shape "
                         f"(runs, samples); got {Z.shape} and {D.shape}")
    n_samples = Z.shape[-2]
    if n_samples < 2:
        raise ValueError(f"need at least 2 samples to fit a readout; got {n_samples}")
    z_mean = Z.mean(axis=-2, keepdims=True)
    d_mean = D.mean(axis=-2, keepdims=True)
    return Z, D, z_mean, d_mean


def _readout(W_t: np.ndarray, z_mean: np.ndarray, d_mean: np.ndarray) -> Readout:
    """The readout from the centred solution ``W^T``: the bias restores the means."""
    if not np.all(np.isfinite(W_t)):
        raise np.linalg.LinAlgError(
            "the ridge problem is singular; use a positive ridge or solver='qr'")
    t_o = (d_mean - z_mean @ W_t)[..., 0, :]
    return Readout(np.swapaxes(W_t, -1, -2).copy(), t_o)


def nrmse(prediction, target, *, axis=None) -> np.ndarray | float:
    """Normalised root mean squared error: ``sqrt(mean((y - d)^2) / var(d))``.

    The variance is the target's, over the same axis as the mean.
    """
    y = as_float_array("prediction", prediction)
    d = as_float_array("target", target)
    if y.shape != d.shape:
        raise ValueError(f"prediction and target must have the same shape; got {y.shape} "
                         f"and {d.shape}")
    if axis is not None:
        axes = axis if isinstance(axis, tuple) else (axis,)
        for a in axes:
            check_int("axis", a)
            if not -d.ndim <= a < d.ndim:
                raise ValueError(f"axis must lie in -{d.ndim} .. {d.ndim - 1} for arrays of "
                                 f"{d.ndim} dimensions; got {a}")
        if len({a % d.ndim for a in axes}) != len(axes):
            raise ValueError(f"axis must not repeat an axis; got {axis}")
    var = d.var(axis=axis)
    if np.any(var == 0):
        raise ValueError("the target is constant, so the NRMSE is undefined")
    out = np.sqrt(np.mean((y - d) ** 2, axis=axis) / var)
    return float(out) if np.ndim(out) == 0 else out
