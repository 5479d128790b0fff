"""Echo state networks: a fixed random reservoir and a trained linear readout.

An echo state network (ESN; Jaeger 2001) is the state-space model

.. math::

    x(t) = (1 - a)\\, x(t-1) + a\\, f\\big(v(t)\\big),

    v(t) = W_{ri} u(t) + W_{rc} x(t-1) + W_{rf} y(t-1) + t_r,

    y(t) = W_{or} z(t) + t_o,

with ``z(t) = x(t)`` or ``[u(t); x(t)]`` (the readout's features). In the
lecture's weight names, the reservoir ``W_rc``, the input weights
``W_ri``, the optional output feedback ``W_rf`` and the bias ``t_r`` are drawn
once and **fixed**; only the readout ``W_or``, ``t_o`` is trained, by ridge
regression (:mod:`rnnbook.readout`). ``a`` in ``(0, 1]`` is the leak rate
(``a = 1``: the plain network) and ``f`` is ``tanh`` or the identity.

Reservoirs (all returned as :class:`scipy.sparse.csr_array`):

* :func:`random_reservoir`: sparse random weights scaled to a target spectral
  radius (:func:`spectral_radius` asks ARPACK for several eigenvalues of
  largest magnitude and takes the largest modulus);
* :func:`simple_cycle_reservoir`, :func:`delay_line_reservoir` and
  :func:`delay_line_feedback_reservoir`: the deterministic topologies of
  Rodan and Tino (2011), one weight value each;

and input weights :func:`random_input_weights` (dense uniform) or
:func:`aperiodic_input_weights` (one magnitude, signs from the decimal digits
of pi, as Rodan and Tino).

Many independent reservoirs ("runs") are simulated at once by putting them
side by side in one block-diagonal network (:meth:`EchoStateNetwork.random`
with ``n_runs > 1``): one sparse product per step serves every run, and the
readouts are fitted together by :func:`rnnbook.readout.fit_ridge`.

Introduced in chapter 9, *Echo state networks*.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import scipy.sparse
import scipy.sparse.linalg

from rnnbook.core import StateSpaceModel
from rnnbook.readout import Readout, fit_ridge, fit_ridge_path
from rnnbook.validation import (MAX_SIZE, SeedLike, as_float_array, as_generator,
                                check_callable, check_finite_float, check_instance,
                                check_nonnegative_float, check_nonnegative_int,
                                check_positive_float, check_positive_int)

ACTIVATIONS = ("tanh", "identity")
FEATURES = ("x", "ux")


# ------------------------------------------------------------------ checks
def _check_leak(value) -> float:
    value = check_finite_float("leak", value)
    if not 0 < value <= 1:
        raise ValueError(f"leak must be in (0, 1]; got {value}")
    return value


def _check_density(value, name: str = "density") -> float:
    value = check_finite_float(name, value)
    if not 0 < value <= 1:
        raise ValueError(f"{name} must be in (0, 1]; got {value}")
    return value


def _check_seed(seed) -> None:
    """Refuse a bad ``seed`` even where nothing is drawn from it (no noise):
    the rules of :func:`rnnbook.validation.as_generator`; draws nothing."""
    if seed is not None and not isinstance(seed, np.random.Generator):
        as_generator(seed)


def _check_model(model) -> "EchoStateNetwork":
    return check_instance("model", model, EchoStateNetwork, "EchoStateNetwork")


def _check_steps(name: str, u, n_inputs: int) -> np.ndarray:
    """Inputs of shape ``(T, n_inputs)`` or ``(B, T, n_inputs)`` with ``T, B >= 1``."""
    u = as_float_array(name, u, ndim=(2, 3))
    if u.shape[-1] != n_inputs:
        raise ValueError(f"{name} must have shape (T, {n_inputs}) or (B, T, {n_inputs}); "
                         f"got {u.shape}")
    if u.size == 0:
        raise ValueError(f"{name} must hold at least one step of at least one sequence; "
                         f"got shape {u.shape}")
    return u


def _check_washout(washout, n_steps: int) -> int:
    washout = check_nonnegative_int("washout", washout)
    if washout >= n_steps - 1:
        raise ValueError(f"washout ({washout}) must be shorter than the sequence minus one "
                         f"step ({n_steps} steps), so that at least two steps are fitted")
    return washout


# -------------------------------------------------------------- reservoirs
def spectral_radius(W) -> float:
    """The largest modulus of the eigenvalues of a square matrix.

    For matrices with more than 64 rows, ARPACK is asked for the six
    eigenvalues of largest magnitude and the largest modulus among them is
    returned (asking for one alone can converge to the wrong one when several
    share nearly the same modulus), except for triangular matrices, whose
    eigenvalues are their diagonal; smaller matrices are solved densely.
    """
    if scipy.sparse.issparse(W):
        shape = W.shape
    else:
        W = as_float_array("W", W, ndim=2)
        shape = W.shape
    if shape[0] != shape[1]:
        raise ValueError(f"W must be square; got shape {shape}")
    n = shape[0]
    if n <= 64:
        dense = W.toarray() if scipy.sparse.issparse(W) else W
        return float(np.max(np.abs(np.linalg.eigvals(dense))))
    # a Krylov space of 40 vectors (ARPACK's default is 20 for k = 6) halves
    # the restarts for random reservoirs, whose eigenvalues crowd the rim
    W = scipy.sparse.csr_array(W, dtype=float)
    # a triangular matrix has its eigenvalues on the diagonal: exact, and the
    # Krylov method is not (a delay line, nilpotent, would come out near 0.5:
    # a Jordan block's eigenvalues move by eps^(1/n) under round-off; a zero
    # matrix makes ARPACK fail)
    if (scipy.sparse.tril(W, k=-1).count_nonzero() == 0
            or scipy.sparse.triu(W, k=1).count_nonzero() == 0):
        return float(np.max(np.abs(W.diagonal())))
    operator = scipy.sparse.linalg.LinearOperator(W.shape, matvec=lambda x: _apply(W, x),
                                                  dtype=float)
    vals = scipy.sparse.linalg.eigs(operator, k=6, which="LM", ncv=min(n - 1, 40),
                                    return_eigenvectors=False, v0=np.ones(n), tol=1e-10,
                                    maxiter=50 * n)
    return float(np.max(np.abs(vals)))


def _sampler(distribution: str, rng: np.random.Generator):
    if distribution == "uniform":
        return lambda size: rng.uniform(-1, 1, size)
    if distribution == "sign":
        return lambda size: rng.choice([-1.0, 1.0], size)
    raise ValueError(f"distribution must be 'uniform' or 'sign'; got {distribution!r}")


def random_reservoir(n_units: int, spectral_radius: float = 0.9, *, density: float = 0.1,
                     distribution: str = "uniform",
                     seed: SeedLike = None) -> scipy.sparse.csr_array:
    """A sparse random reservoir ``W_rc`` scaled to a given spectral radius.

    Each of the ``n_units**2`` weights is present with probability ``density``
    (at least one per row is not guaranteed); present weights are uniform on
    ``[-1, 1]`` (``distribution="uniform"``) or ``+-1`` with equal
    probability (``"sign"``, as in Jaeger's Mackey-Glass network) before the
    scaling.

    Parameters
    ----------
    n_units : int
    spectral_radius : float
        The target largest eigenvalue modulus, ``> 0``.
    density : float
        In ``(0, 1]``.
    seed : int, numpy.random.Generator or None

    Returns
    -------
    scipy.sparse.csr_array, shape ``(n_units, n_units)``
    """
    n_units = check_positive_int("n_units", n_units)
    target = check_positive_float("spectral_radius", spectral_radius)
    density = _check_density(density)
    rng = as_generator(seed)
    W = scipy.sparse.random_array((n_units, n_units), density=density, format="csr", rng=rng,
                                  data_sampler=_sampler(distribution, rng))
    current = globals()["spectral_radius"](W)
    if current == 0:
        raise ValueError("the random reservoir is nilpotent (spectral radius 0); "
                         "raise density or n_units")
    return (W * (target / current)).tocsr()


def _banded(n_units: int, entries) -> scipy.sparse.csr_array:
    rows, cols, vals = zip(*entries) if entries else ((), (), ())
    return scipy.sparse.csr_array((np.array(vals, float), (np.array(rows, int),
                                   np.array(cols, int))), shape=(n_units, n_units))


def delay_line_reservoir(n_units: int, weight: float) -> scipy.sparse.csr_array:
    """Rodan and Tino's delay line (DLR): unit ``i`` feeds unit ``i + 1`` with ``weight``."""
    n_units = check_positive_int("n_units", n_units)
    r = check_positive_float("weight", weight)
    return _banded(n_units, [(i + 1, i, r) for i in range(n_units - 1)])


def delay_line_feedback_reservoir(n_units: int, weight: float,
                                  feedback: float) -> scipy.sparse.csr_array:
    """Delay line with feedback (DLRB): the delay line plus ``i + 1 -> i`` with ``feedback``."""
    n_units = check_positive_int("n_units", n_units)
    r = check_positive_float("weight", weight)
    b = check_positive_float("feedback", feedback)
    entries = [(i + 1, i, r) for i in range(n_units - 1)]
    entries += [(i, i + 1, b) for i in range(n_units - 1)]
    return _banded(n_units, entries)


def simple_cycle_reservoir(n_units: int, weight: float) -> scipy.sparse.csr_array:
    """Rodan and Tino's simple cycle reservoir (SCR): a ring of units, one weight.

    Unit ``i`` feeds unit ``i + 1`` and the last unit feeds the first, all with
    ``weight``, so the spectral radius equals ``weight``.
    """
    n_units = check_positive_int("n_units", n_units)
    r = check_positive_float("weight", weight)
    return _banded(n_units, [((i + 1) % n_units, i, r) for i in range(n_units)])


def random_input_weights(n_units: int, n_inputs: int = 1, scale: float = 1.0, *,
                         density: float = 1.0, distribution: str = "uniform",
                         seed: SeedLike = None) -> np.ndarray:
    """Input weights ``W_ri``: uniform on ``[-scale, scale]`` or ``+-scale``
    (``distribution="sign"``), each present with probability ``density``."""
    n_units = check_positive_int("n_units", n_units)
    n_inputs = check_positive_int("n_inputs", n_inputs)
    scale = check_positive_float("scale", scale)
    density = _check_density(density)
    rng = as_generator(seed)
    values = scale * _sampler(distribution, rng)((n_units, n_inputs))
    return np.where(rng.random((n_units, n_inputs)) < density, values, 0.0)


def pi_digits(n_digits: int) -> np.ndarray:
    """The first ``n_digits`` decimal digits of pi, ``3, 1, 4, 1, 5, ...``.

    Exact integer arithmetic with Machin's formula
    ``pi = 16 arctan(1/5) - 4 arctan(1/239)`` (a few guard digits).
    """
    n_digits = check_positive_int("n_digits", n_digits)
    scale = 10 ** (n_digits + 10)

    def arctan_inverse(x: int) -> int:  # arctan(1/x) * scale
        total, term, k, sign = 0, scale // x, 1, 1
        while term:
            total += sign * (term // k)
            term //= x * x
            k += 2
            sign = -sign
        return total

    pi_scaled = 16 * arctan_inverse(5) - 4 * arctan_inverse(239)
    return np.array([int(c) for c in str(pi_scaled)[:n_digits]], dtype=np.int64)


def aperiodic_input_weights(n_units: int, n_inputs: int = 1, scale: float = 1.0, *,
                            start: int = 0) -> np.ndarray:
    """Input weights of one magnitude with aperiodic signs (Rodan and Tino 2011).

    The sign of entry ``k`` (row-major) is ``-`` if decimal digit
    ``start + k`` of pi (``3, 1, 4, 1, 5, ...``) is 0 to 4 and ``+`` if it is
    5 to 9. Deterministic: no seed.

    For a simple cycle reservoir the sign pattern ``v`` must have no zero in its
    discrete Fourier transform, or some direction of the state space is never
    driven (see :func:`min_dft_magnitude`): the first 20 digits, for example,
    give ten of each sign, so the DFT vanishes at frequency 0; choose another
    ``start`` then.
    """
    n_units = check_positive_int("n_units", n_units)
    n_inputs = check_positive_int("n_inputs", n_inputs)
    scale = check_positive_float("scale", scale)
    start = check_nonnegative_int("start", start)
    digits = pi_digits(start + n_units * n_inputs)[start:]
    return scale * np.where(digits >= 5, 1.0, -1.0).reshape(n_units, n_inputs)


def min_dft_magnitude(v) -> float:
    """The smallest modulus of the discrete Fourier transform of a vector.

    The input weights ``v`` of a linear simple cycle reservoir reach every
    direction of the state space (the matrix of their cyclic shifts is
    invertible) exactly when this is not zero.
    """
    v = as_float_array("v", v, ndim=(1, 2))
    if v.ndim == 2 and v.shape[1] != 1:
        raise ValueError(f"v must be a vector, shape (N,), or one input's weights, shape "
                         f"(N, 1); got shape {v.shape}")
    if v.size == 0:
        raise ValueError("v is empty; it needs at least one entry")
    return float(np.min(np.abs(np.fft.fft(v.ravel()))))


try:  # the kernel behind scipy's ``W @ x`` for CSR matrices, called directly: for
    # the sparse reservoirs of this module scipy's dispatch around it costs more
    # than the product itself (same kernel, so bit-identical results)
    from scipy.sparse._sparsetools import csr_matvec as _csr_matvec
except ImportError:  # pragma: no cover - a future scipy without it: the public path
    _csr_matvec = None


def _apply(W, a: np.ndarray) -> np.ndarray:
    """``W @ a`` along the last axis of ``a``, for any leading axes (sparse ``W`` too)."""
    if a.ndim == 1 and _csr_matvec is not None and type(W) is scipy.sparse.csr_array:
        n_rows, n_cols = W.shape
        if (W.data.dtype == np.float64 and a.dtype == np.float64 and a.flags.c_contiguous
                and a.shape[0] == n_cols):
            out = np.zeros(n_rows)
            _csr_matvec(n_rows, n_cols, W.indptr, W.indices, W.data, a, out)
            return out
    if a.ndim <= 2:
        return (W @ a.T).T
    flat = a.reshape(-1, a.shape[-1])
    return (W @ flat.T).T.reshape(a.shape[:-1] + (W.shape[0],))


def _block_diag(blocks) -> scipy.sparse.csr_array:
    if len(blocks) == 1 and type(blocks[0]) is scipy.sparse.csr_array:
        return blocks[0]                             # one run: nothing to assemble
    return scipy.sparse.block_diag(blocks, format="csr")


# ------------------------------------------------------------------- model
class EchoStateNetwork(StateSpaceModel):
    """An echo state network (see the module docstring for the equations).

    Parameters
    ----------
    W_rc : scipy sparse matrix or array_like, shape ``(N, N)``
        The fixed reservoir.
    W_ri : array_like, shape ``(N, n_inputs)``
        The fixed input weights.
    leak : float
        The leak rate ``a`` in ``(0, 1]``.
    decay : float
        Jaeger's leaky-integrator variant: the previous state is kept with
        weight ``1 - a * decay`` instead of ``1 - a`` (``decay = 1``, the
        default, is the usual leaky ESN). In ``(0, 1 / a]``.
    activation : {"tanh", "identity"}
        The reservoir nonlinearity ``f``.
    t_r : array_like, shape ``(N,)``, optional
        A fixed bias inside ``f``; zero by default.
    W_rf : array_like, shape ``(N, n_outputs)``, optional
        Output feedback weights: the network then sees its own previous
        output. Training is teacher-forced (the desired previous output is fed
        back); :meth:`run` afterwards feeds back the network's own output.
    n_outputs : int
        The readout's width (the feedback's width when ``W_rf`` is given).
    features : {"x", "ux"}
        The readout's features: ``[1; x(t)]`` or ``[1; u(t); x(t)]`` (the 1 is
        the unpenalised bias ``t_o``). With output feedback only ``"x"``.
    n_runs : int
        The number ``R`` of independent reservoirs held side by side: ``N`` is
        then ``R * n_units``, ``W_rc`` must be block diagonal with blocks of
        ``n_units``, ``W_rf`` likewise with blocks of ``(n_units, n_outputs)``;
        every run sees the same input; outputs have ``R * n_outputs`` columns,
        run ``r``'s outputs in block ``r``. Build ensembles with
        :meth:`random`.

    Attributes
    ----------
    W_or, t_o : numpy.ndarray or None
        The trained readout, shapes ``(R, n_outputs, n_features)`` and
        ``(R, n_outputs)``; ``None`` until :meth:`fit`.
    """

    def __init__(self, W_rc, W_ri, *, leak: float = 1.0, decay: float = 1.0,
                 activation: str = "tanh", t_r=None, W_rf=None, n_outputs: int = 1,
                 features: str = "x", n_runs: int = 1):
        if scipy.sparse.issparse(W_rc):
            W_rc = scipy.sparse.csr_array(W_rc, dtype=float)
            if not np.all(np.isfinite(W_rc.data)):
                raise ValueError("W_rc contains NaN or inf")
        else:
            W_rc = as_float_array("W_rc", W_rc, ndim=2)
        if W_rc.shape[0] != W_rc.shape[1]:
            raise ValueError(f"W_rc must be square; got shape {W_rc.shape}")
        n_states = W_rc.shape[0]
        self.n_runs = check_positive_int("n_runs", n_runs)
        if n_states % self.n_runs:
            raise ValueError(f"W_rc has {n_states} units, not a multiple of n_runs={n_runs}")
        self.n_units = n_states // self.n_runs
        self.W_rc = W_rc
        self.W_ri = as_float_array("W_ri", W_ri, ndim=2)
        if self.W_ri.shape[0] != n_states:
            raise ValueError(f"W_ri must have {n_states} rows (one per unit); "
                             f"got shape {self.W_ri.shape}")
        self.leak = _check_leak(leak)
        self.decay = check_finite_float("decay", decay)
        if not 0 < self.decay <= 1 / self.leak:
            raise ValueError(f"decay must be in (0, 1 / leak]; got {decay}")
        if activation not in ACTIVATIONS:
            raise ValueError(f"activation must be one of {ACTIVATIONS}; got {activation!r}")
        self.activation = activation
        self.t_r = (np.zeros(n_states) if t_r is None
                    else as_float_array("t_r", t_r, shape=(n_states,)))
        self.n_outputs_per_run = check_positive_int("n_outputs", n_outputs)
        if features not in FEATURES:
            raise ValueError(f"features must be one of {FEATURES}; got {features!r}")
        self.features = features
        if W_rf is None:
            self.W_rf = None
        else:
            if features != "x":
                raise ValueError("with output feedback the readout features must be 'x'")
            if scipy.sparse.issparse(W_rf):
                W_rf = scipy.sparse.csr_array(W_rf, dtype=float)
            else:
                W_rf = as_float_array("W_rf", W_rf, ndim=2)
            want = (n_states, self.n_runs * self.n_outputs_per_run)
            if W_rf.shape != want:
                raise ValueError(f"W_rf must have shape {want}; got {W_rf.shape}")
            self.W_rf = W_rf
        self.n_inputs = self.W_ri.shape[1]
        self.n_states = n_states
        self.W_or: np.ndarray | None = None
        self.t_o: np.ndarray | None = None

    # --------------------------------------------------------- construction
    @classmethod
    def random(cls, n_units: int, n_inputs: int = 1, *, spectral_radius: float = 0.9,
               density: float = 0.1, input_scaling: float = 1.0,
               input_density: float = 1.0, distribution: str = "uniform",
               leak: float = 1.0, decay: float = 1.0,
               activation: str = "tanh", bias_scaling: float = 0.0,
               feedback_scaling: float | None = None, n_outputs: int = 1,
               features: str = "x", n_runs: int = 1,
               seed: SeedLike = None) -> "EchoStateNetwork":
        """``n_runs`` independent random ESNs side by side, from one seed.

        Reservoir ``r`` is :func:`random_reservoir` (``density``,
        ``spectral_radius``, ``distribution``); its input weights are
        :func:`random_input_weights` (``input_scaling``, ``input_density``,
        ``distribution``), its bias ``t_r`` uniform on
        ``[-bias_scaling, bias_scaling]`` and, if ``feedback_scaling`` is
        given, its feedback weights uniform on
        ``[-feedback_scaling, feedback_scaling]``.
        """
        n_units = check_positive_int("n_units", n_units)
        n_runs = check_positive_int("n_runs", n_runs)
        n_outputs = check_positive_int("n_outputs", n_outputs)
        _check_leak(leak)
        check_positive_float("spectral_radius", spectral_radius)
        check_positive_float("input_scaling", input_scaling)    # checked here, not as
        _check_density(input_density, "input_density")           # "scale" and "density"
        bias_scaling = check_finite_float("bias_scaling", bias_scaling)
        if bias_scaling < 0:
            raise ValueError(f"bias_scaling must be non-negative; got {bias_scaling}")
        if feedback_scaling is not None:
            check_positive_float("feedback_scaling", feedback_scaling)
        rng = as_generator(seed)
        reservoirs, inputs, biases, feedbacks = [], [], [], []
        for _ in range(n_runs):
            reservoirs.append(random_reservoir(n_units, spectral_radius, density=density,
                                               distribution=distribution, seed=rng))
            inputs.append(random_input_weights(n_units, n_inputs, input_scaling,
                                               density=input_density,
                                               distribution=distribution, seed=rng))
            biases.append(rng.uniform(-bias_scaling, bias_scaling, n_units))
            if feedback_scaling is not None:
                scale = float(feedback_scaling)                   # checked above
                feedbacks.append(rng.uniform(-scale, scale, (n_units, n_outputs)))
        W_rf = None if feedback_scaling is None else _block_diag(feedbacks)
        return cls(_block_diag(reservoirs), np.vstack(inputs), leak=leak, decay=decay,
                   activation=activation, t_r=np.concatenate(biases), W_rf=W_rf,
                   n_outputs=n_outputs, features=features, n_runs=n_runs)

    # ------------------------------------------------------- state-space core
    def input_drive(self, u: np.ndarray) -> np.ndarray:
        """``W_ri u(t) + t_r`` for every step at once."""
        if self.n_inputs == 1:
            # one product per entry, the numbers np.dot gives, but np.dot of a
            # batch (3-D u) takes a slow general path: 0.66 ms for 10 x 8000 entries
            drive = u * self.W_ri[:, 0]
        else:
            drive = np.dot(u, self.W_ri.T)
        drive += self.t_r                # in place: no second array
        return drive

    def _update(self, pre_input: np.ndarray, x_prev: np.ndarray) -> np.ndarray:
        """The leaky update from ``W_ri u + t_r (+ W_rf y)`` and ``x(t-1)``."""
        act = _apply(self.W_rc, x_prev)  # a new array: updated in place below
        act += pre_input
        if self.activation == "tanh":
            np.tanh(act, out=act)
        if self.leak == 1.0 and self.decay == 1.0:
            return act
        act *= self.leak
        act += (1.0 - self.leak * self.decay) * x_prev
        return act

    def _feedback(self, y_prev: np.ndarray) -> np.ndarray:
        return _apply(self.W_rf, y_prev)

    def transition(self, drive_t: np.ndarray, x_prev: np.ndarray) -> np.ndarray:
        pre = drive_t
        if self.W_rf is not None:
            if self.W_or is None:
                raise ValueError("a network with output feedback needs a trained "
                                 "readout to run freely; call fit first")
            pre = pre + self._feedback(self._readout(None, x_prev))
        return self._update(pre, x_prev)

    def run(self, u, x0=None):
        """Run over inputs of shape ``(T, n_inputs)`` or ``(B, T, n_inputs)``.

        With output feedback this is the **free run**: the network's own
        previous output is fed back. Returns a :class:`rnnbook.Trajectory`
        whose outputs are ``None`` before :meth:`fit`.
        """
        u = as_float_array("u", u, ndim=(2, 3))
        traj = super().run(u, x0)  # outputs only for "x" features (see n_outputs)
        if self.W_or is None or self.features == "x":
            return traj
        return traj._replace(outputs=self._readout(u, traj.states))

    @property
    def n_outputs(self) -> int | None:
        """The width ``R * n_outputs`` of what :meth:`readout` returns.

        ``None`` before :meth:`fit`, and with ``"ux"`` features, whose readout
        needs the input as well as the state (:meth:`run` and :meth:`predict`
        supply it).
        """
        if self.W_or is None or self.features == "ux":
            return None
        return self.n_runs * self.n_outputs_per_run

    def output(self, x: np.ndarray) -> np.ndarray:
        if self.W_or is None:
            raise ValueError("the readout is not trained yet; call fit first")
        if self.features == "ux":
            raise ValueError("with 'ux' features the readout needs the input too: use run")
        return self._readout(None, x)

    # --------------------------------------------------------------- readout
    def _split(self, a: np.ndarray, width: int) -> np.ndarray:
        """``(..., R * width)`` -> ``(R, ..., width)``."""
        a = a.reshape(a.shape[:-1] + (self.n_runs, width))
        return np.moveaxis(a, -2, 0)

    def _merge(self, a: np.ndarray) -> np.ndarray:
        """``(R, ..., width)`` -> ``(..., R * width)``."""
        a = np.moveaxis(a, 0, -2)
        return a.reshape(a.shape[:-2] + (-1,))

    def _feature_stack(self, u, states) -> np.ndarray:
        """Readout features ``(R, ..., n_features)``."""
        x = self._split(states, self.n_units)
        if self.features == "x":
            return x
        u = np.broadcast_to(u, (self.n_runs,) + u.shape)
        return np.concatenate([u, x], axis=-1)

    def _readout(self, u, states) -> np.ndarray:
        """Outputs ``(..., R * n_outputs)``; ``u`` is needed only for ``"ux"`` features."""
        return self._merge(Readout(self.W_or, self.t_o).predict(self._feature_stack(u, states)))

    def split_runs(self, a) -> np.ndarray:
        """Reshape states ``(..., R * n_units)`` or outputs ``(..., R * n_outputs)``
        to ``(R, ..., width)``: one slice per run."""
        a = as_float_array("a", a)
        if a.ndim == 0 or a.size == 0:
            raise ValueError(f"a must be a non-empty array of states or outputs; "
                             f"got shape {a.shape}")
        return self._split_runs(a)

    def _split_runs(self, a: np.ndarray) -> np.ndarray:
        """:meth:`split_runs` without the checks, for the library's own arrays."""
        for width in (self.n_units, self.n_outputs_per_run):
            if a.shape[-1] == self.n_runs * width:
                return self._split(a, width)
        raise ValueError(f"a must have n_runs * n_units = {self.n_runs * self.n_units} or "
                         f"n_runs * n_outputs = {self.n_runs * self.n_outputs_per_run} "
                         f"entries on its last axis; got shape {a.shape}")

    # ------------------------------------------------------------- training
    def teacher_forced_states(self, u, teacher, x0=None, *, y0=None, noise: float = 0.0,
                              seed: SeedLike = None) -> np.ndarray:
        """Harvest states while feeding back the *desired* outputs.

        ``x(t)`` sees ``d(t-1)``, with ``d(0) = y0`` (zero by default; pass
        the last desired output when continuing a run). ``noise`` adds uniform
        noise on ``[-noise, noise]`` inside ``f`` (Jaeger's stabiliser for
        free runs).

        Parameters
        ----------
        u : array_like, shape ``(T, n_inputs)`` or ``(B, T, n_inputs)``
        teacher : array_like, shape ``(T, n_outputs)`` or ``(B, T, n_outputs)``
            The desired outputs of one run (every run gets the same).

        Returns
        -------
        numpy.ndarray, shape ``(T, N)`` or ``(B, T, N)``
        """
        u = _check_steps("u", u, self.n_inputs)
        noise = check_finite_float("noise", noise)
        if noise < 0:
            raise ValueError(f"noise must be non-negative; got {noise}")
        _check_seed(seed)
        fed = None
        if self.W_rf is not None:
            d = as_float_array("teacher", teacher, ndim=(2, 3))
            if d.shape != u.shape[:-1] + (self.n_outputs_per_run,):
                raise ValueError(f"teacher must have shape {u.shape[:-1]} + "
                                 f"({self.n_outputs_per_run},), one output per step of u "
                                 f"(shape {u.shape}); got {d.shape}")
            d_prev = np.zeros_like(d)
            d_prev[..., 1:, :] = d[..., :-1, :]
            if y0 is not None:
                y0 = as_float_array("y0", y0, ndim=(0, 1, 2))
                want = d_prev.shape[:-2] + (self.n_outputs_per_run,)
                if y0.shape not in ((self.n_outputs_per_run,), want) and not (
                        y0.ndim == 0 and self.n_outputs_per_run == 1):
                    raise ValueError(f"y0 must have shape ({self.n_outputs_per_run},) or "
                                     f"{want}; got {y0.shape}")
                d_prev[..., 0, :] = y0
            fed = np.tile(d_prev, self.n_runs)
        rng = as_generator(seed) if noise > 0 else None
        x = self._check_initial_state(x0, u.shape[:-2])
        n_steps = u.shape[-2]
        states = np.empty(u.shape[:-1] + (self.n_states,))
        # the drive inside f, a block of steps at a time (all T steps of a large
        # ensemble at once would take T * N floats, several in temporaries)
        block = max(1, 2 ** 16 // (self.n_states * max(1, int(np.prod(u.shape[:-2])))))
        by_step = np.moveaxis(states, -2, 0)            # a view: by_step[t] = states at t
        for first in range(0, n_steps, block):
            steps = slice(first, min(first + block, n_steps))
            pre = self.input_drive(u[..., steps, :])
            if fed is not None:
                pre += self._feedback(fed[..., steps, :])
            if rng is not None:
                pre += rng.uniform(-noise, noise, pre.shape)
            for k, pre_t in enumerate(np.moveaxis(pre, -2, 0), start=first):
                x = self._update(pre_t, x)
                by_step[k] = x
        return states

    def fit(self, u, targets, *, washout: int = 100, ridge: float = 1e-8, x0=None,
            noise: float = 0.0, seed: SeedLike = None, solver: str = "auto"):
        """Train the readout by ridge regression (teacher-forced with feedback).

        Parameters
        ----------
        u : array_like, shape ``(T, n_inputs)`` or ``(B, T, n_inputs)``
        targets : array_like, shape ``(T,)``, ``(T, n_outputs)`` or with a
            leading batch axis: the desired output at every step, the same for
            every run.
        washout : int
            Initial steps (of every sequence) left out of the fit, while the
            state forgets ``x0``.
        ridge, solver
            See :func:`rnnbook.readout.fit_ridge`.
        noise, seed
            State noise during the harvest (see :meth:`teacher_forced_states`).

        Returns
        -------
        states : numpy.ndarray
            The harvested states (all steps), for inspection.
        """
        u = _check_steps("u", u, self.n_inputs)
        d = as_float_array("targets", targets, ndim=(u.ndim - 1, u.ndim))
        if d.ndim == u.ndim - 1:
            d = d[..., None]
        if d.shape != u.shape[:-1] + (self.n_outputs_per_run,):
            raise ValueError(f"targets must have shape {u.shape[:-1]} (+ "
                             f"({self.n_outputs_per_run},)), one target per step of u "
                             f"(shape {u.shape}); got {d.shape}")
        washout = _check_washout(washout, u.shape[-2])
        states = self.teacher_forced_states(u, d, x0, noise=noise, seed=seed)
        self._set_readout(fit_ridge(*self._regression(u, d, states, washout), ridge,
                                    solver=solver))
        return states

    def _regression(self, u, d, states, washout: int):
        """The readout's regression problem: features ``(R, samples, F)`` after
        the washout of every sequence, and the targets repeated for every run."""
        z = self._feature_stack(u[..., washout:, :], states[..., washout:, :])
        z = z.reshape(self.n_runs, -1, z.shape[-1])
        d_fit = np.broadcast_to(d[..., washout:, :], (self.n_runs,) + d[..., washout:, :].shape)
        return z, d_fit.reshape(self.n_runs, -1, d.shape[-1])

    def _set_readout(self, readout: Readout) -> None:
        self.W_or, self.t_o = readout.W_or, readout.t_o

    def generate(self, u, x_last, y_last=None) -> np.ndarray:
        """Run freely on from a teacher-forced state, feeding back own outputs.

        Parameters
        ----------
        u : array_like, shape ``(n_steps, n_inputs)`` or ``(B, n_steps, n_inputs)``
            The inputs of the free steps.
        x_last : array_like, shape ``(N,)`` or ``(B, N)``
            The last teacher-forced state.
        y_last : array_like, shape ``(n_outputs,)`` or ``(B, n_outputs)``, optional
            The last *true* output, fed back in the first free step (for every
            run). By default the network's own readout of ``x_last``.

        Returns
        -------
        numpy.ndarray, shape ``(R, n_steps, n_outputs)`` or ``(R, B, n_steps, n_outputs)``
            Output ``k`` is the prediction ``k + 1`` steps after ``y_last``.
        """
        if self.W_rf is None or self.W_or is None:
            raise ValueError("generate needs output feedback and a trained readout")
        u = _check_steps("u", u, self.n_inputs)
        x_last = as_float_array("x_last", x_last, ndim=(1, 2))
        if x_last.shape != u.shape[:-2] + (self.n_states,):
            raise ValueError(f"x_last must have shape {u.shape[:-2] + (self.n_states,)}, one "
                             f"state per sequence of u (shape {u.shape}); got {x_last.shape}")
        if y_last is None:
            fed = self._readout(None, x_last)
        else:
            y_last = as_float_array("y_last", y_last, ndim=(1, 2))
            if y_last.shape not in ((self.n_outputs_per_run,),
                                    u.shape[:-2] + (self.n_outputs_per_run,)):
                raise ValueError(f"y_last must have shape ({self.n_outputs_per_run},) or "
                                 f"{u.shape[:-2] + (self.n_outputs_per_run,)}; "
                                 f"got {y_last.shape}")
            fed = np.tile(y_last, self.n_runs)
        drive = self.input_drive(u)
        x = self._update(drive[..., 0, :] + self._feedback(fed), x_last)
        first = self._readout(None, x)[..., None, :]
        if u.shape[-2] == 1:
            return self._split_runs(first)
        rest = self.run(u[..., 1:, :], x).outputs
        return self._split_runs(np.concatenate([first, rest], axis=-2))

    def predict(self, u, states) -> np.ndarray:
        """Readout outputs ``(..., R * n_outputs)`` for given inputs and states."""
        if self.W_or is None:
            raise ValueError("the readout is not trained yet; call fit first")
        u = _check_steps("u", u, self.n_inputs)
        states = as_float_array("states", states, ndim=(2, 3))
        if states.shape != u.shape[:-1] + (self.n_states,):
            raise ValueError(f"states must have shape {u.shape[:-1] + (self.n_states,)}, one "
                             f"state per step of u (shape {u.shape}); got {states.shape}")
        return self._readout(u, states)

    def __repr__(self) -> str:
        runs = f", n_runs={self.n_runs}" if self.n_runs > 1 else ""
        fb = ", feedback" if self.W_rf is not None else ""
        return (f"EchoStateNetwork(n_units={self.n_units}, n_inputs={self.n_inputs}, "
                f"leak={self.leak}, activation={self.activation!r}{fb}{runs})")


# ------------------------------------------------------- memory and echoes
class MemoryCapacity(NamedTuple):
    """Result of :func:`memory_capacity`.

    Attributes
    ----------
    delays : numpy.ndarray of int
        ``k = 1, ..., max_delay``.
    mc_k : numpy.ndarray
        The squared correlation between ``u(t - k)`` and its best linear
        reconstruction from ``x(t)`` on held-out data, per delay.
    total : float
        ``sum_k mc_k``.
    """

    delays: np.ndarray
    mc_k: np.ndarray
    total: float


def memory_capacity(model: EchoStateNetwork, *, max_delay: int, n_train: int = 10_000,
                    n_test: int = 10_000, washout: int = 500, input_range: float = 0.5,
                    ridge: float = 1e-10, seed: SeedLike = None) -> MemoryCapacity:
    """Jaeger's short-term memory capacity of a one-input network.

    The input is i.i.d. uniform on ``[-input_range, input_range]``; for every
    delay ``k = 1 .. max_delay`` a linear readout of ``[1; x(t)]`` is trained
    (ridge) to output ``u(t - k)``, and ``MC_k`` is the squared correlation of
    its output with ``u(t - k)`` on fresh test steps. Only the first run of an
    ensemble is used. The model's own readout is left untouched.
    """
    _check_model(model)
    if model.n_inputs != 1:
        raise ValueError("memory capacity is defined here for one-input networks")
    max_delay = check_positive_int("max_delay", max_delay)
    n_train = check_positive_int("n_train", n_train)
    n_test = check_positive_int("n_test", n_test)
    washout = check_nonnegative_int("washout", washout)
    input_range = check_positive_float("input_range", input_range)
    check_nonnegative_float("ridge", ridge)
    _check_seed(seed)
    total = washout + max_delay + n_train + n_test
    _check_washout(washout, total)
    if total * (model.n_states + max_delay) > MAX_SIZE:  # states and targets, before allocating
        raise ValueError(f"washout + max_delay + n_train + n_test = {total} steps of "
                         f"{model.n_states} states and {max_delay} targets exceed "
                         f"{MAX_SIZE} numbers; shorten n_train, n_test or max_delay")
    u = as_generator(seed).uniform(-input_range, input_range, total)
    probe = EchoStateNetwork(model.W_rc, model.W_ri, leak=model.leak, decay=model.decay,
                             activation=model.activation, t_r=model.t_r, n_runs=model.n_runs)
    states = probe.run(u[:, None]).states[:, :model.n_units]
    start = washout + max_delay
    delays = np.arange(1, max_delay + 1)
    # targets[t, j] = u(t - delays[j])
    idx = np.arange(start, total)[:, None] - delays[None, :]
    targets = u[idx]
    split = n_train
    readout = fit_ridge(states[start:start + split], targets[:split], ridge)
    pred = readout.predict(states[start + split:])
    true = targets[split:]
    pc = pred - pred.mean(axis=0)
    tc = true - true.mean(axis=0)
    corr2 = (pc * tc).sum(0) ** 2 / ((pc ** 2).sum(0) * (tc ** 2).sum(0))
    return MemoryCapacity(delays, corr2, float(corr2.sum()))


def linear_scr_memory_capacity(n_units: int, weight: float) -> float:
    """Rodan and Tino's closed form for a linear simple cycle reservoir:
    ``MC = N - 1 + r^(2N)`` (input signs with no zero in their DFT)."""
    n_units = check_positive_int("n_units", n_units)
    r = check_positive_float("weight", weight)
    if r >= 1:
        raise ValueError(f"weight must be below 1 for a finite memory; got {r}")
    return n_units - 1 + r ** (2 * n_units)


def state_distances(model: EchoStateNetwork, u, x0_a, x0_b) -> np.ndarray:
    """``|x_a(t) - x_b(t)|`` for two initial states under the same input.

    The echo state property says this tends to zero whatever ``x0_a``,
    ``x0_b``. Feedback networks are run freely. Returns shape ``(T,)``.
    """
    _check_model(model)
    u = as_float_array("u", u, ndim=2)
    x0 = np.stack([as_float_array("x0_a", x0_a, shape=(model.n_states,)),
                   as_float_array("x0_b", x0_b, shape=(model.n_states,))])
    states = model.run(np.broadcast_to(u, (2,) + u.shape), x0).states
    return np.linalg.norm(states[0] - states[1], axis=-1)


def has_echo_states(model: EchoStateNetwork, u, *, n_pairs: int = 4, tol: float = 1e-6,
                    seed: SeedLike = None) -> bool:
    """An empirical echo-state-property check.

    Draws ``n_pairs`` pairs of initial states uniform on ``[-1, 1]^N`` and
    runs each pair under ``u``; returns whether every pair ends closer than
    ``tol`` (relative to the initial distance). A ``True`` is evidence for this
    input, not a proof.

    Raises
    ------
    TypeError, ValueError
        If ``n_pairs`` is not a positive integer or ``tol`` is not a finite
        number ``> 0`` (a NaN ``tol`` would otherwise pass every pair).
    """
    _check_model(model)
    n_pairs = check_positive_int("n_pairs", n_pairs)
    tol = check_positive_float("tol", tol)
    rng = as_generator(seed)
    for _ in range(n_pairs):
        a, b = rng.uniform(-1, 1, (2, model.n_states))
        dist = state_distances(model, u, a, b)
        if dist[-1] > tol * np.linalg.norm(a - b):
            return False
    return True


class HorizonTest(NamedTuple):
    """Result of :func:`free_run_test`.

    Attributes
    ----------
    nrmse : numpy.ndarray, shape ``(R,)``
        Per run: the NRMSE at the horizon over the test starts,
        ``sqrt(mean_j (y_j - d_j)^2 / var(d))`` (Jaeger's NRMSE84 for 84),
        in the coordinates of ``inverse`` if given.
    predictions : numpy.ndarray, shape ``(R, n_tests, horizon)``
        The free-run outputs (in the series' own coordinates);
        ``predictions[r, j, k]`` predicts ``series[starts[j] + k + 1]``.
    starts : numpy.ndarray of int
        The index of the last true value fed back before each test run.
    one_step_nrmse : numpy.ndarray, shape ``(R,)``
        The teacher-forced one-step NRMSE over the test stretch.
    ridge : numpy.ndarray, shape ``(R,)``
        The ridge each run's readout was fitted with.
    valid_nrmse : numpy.ndarray, shape ``(n_ridges, R)`` or None
        With several candidate ridges: the validation NRMSE at the horizon of
        every candidate (rows in the order given) for every run.
    test_nrmse : numpy.ndarray, shape ``(n_ridges, R)`` or None
        With several candidate ridges: the test NRMSE at the horizon every
        candidate would have had (rows in the order given), for comparison
        only; the choice is made on validation. Row ``i`` is what
        ``free_run_test`` with ``ridge=ridges[i]`` alone returns as ``nrmse``.
    """

    nrmse: np.ndarray
    predictions: np.ndarray
    starts: np.ndarray
    one_step_nrmse: np.ndarray
    ridge: np.ndarray
    valid_nrmse: np.ndarray | None = None
    test_nrmse: np.ndarray | None = None


#: States per piece (2 MB) when :func:`free_run_test` harvests a piece at a time.
_PIECE_ENTRIES = 2 ** 18


def _piece_bounds(n_steps: int, piece: int, marks=()) -> list[int]:
    """Boundaries ``0 = b_0 < b_1 < ... = n_steps``: every ``piece`` steps and at ``marks``."""
    inside = {int(m) for m in marks if 0 < m < n_steps}
    return sorted(set(range(0, n_steps, piece)) | inside | {n_steps})


def _forced_pieces(model: EchoStateNetwork, u, d, bounds, *, x0=None, y0=None,
                   noise: float = 0.0, seed: SeedLike = None):
    """:meth:`EchoStateNetwork.teacher_forced_states` over ``u`` and ``d`` a piece at a
    time (steps ``bounds[k]`` to ``bounds[k + 1] - 1``), yielding ``(first step,
    states)``. Each piece starts from the last state and teacher value of the one
    before, and the noise comes from one stream, so the states are those of one
    call over all steps, without all of them in memory at once."""
    rng = as_generator(seed) if noise > 0 else None
    x, y = x0, y0
    for first, stop in zip(bounds[:-1], bounds[1:]):
        states = model.teacher_forced_states(u[first:stop], d[first:stop], x, y0=y,
                                             noise=noise, seed=rng)
        yield first, states
        x, y = states[-1].copy(), d[stop - 1]
        del states                      # the caller's reference alone keeps the piece


def free_run_test(model: EchoStateNetwork, series, *, n_train: int, washout: int,
                  horizon: int, n_tests: int, spacing: int, bias_input: float = 0.2,
                  ridge=1e-8, n_valid: int = 0, noise: float = 0.0, inverse=None,
                  seed: SeedLike = None) -> HorizonTest:
    """Train a feedback ESN on a scalar series, then test free runs.

    The protocol of Jaeger's Mackey-Glass benchmark: the network's only input
    is a constant ``bias_input``; it is teacher-forced on ``series[:n_train]``
    and its readout fitted (after ``washout``) to output the next value. The
    teacher-forced run then continues through the series; every ``spacing``
    steps a free run of ``horizon`` steps branches off (all branches and all
    runs at once), started from the true value.

    Parameters
    ----------
    ridge : float or sequence of float
        The readout's ridge, or candidates: then every run chooses its own,
        the one whose free runs from ``n_valid`` validation starts have the
        lowest NRMSE at the horizon. The validation starts come right after
        the training data, the ``n_tests`` test starts after them, so the
        test data are used once.
    noise, seed
        State noise while harvesting the training states (see
        :meth:`EchoStateNetwork.teacher_forced_states`).
    inverse : callable, optional
        Maps series values back to original coordinates before any error is
        taken; the variance is then that of ``inverse(series)``. Jaeger's
        NRMSE84 undoes his squashing ``tanh(x - 1)`` with
        ``lambda y: np.arctanh(y) + 1``.
    """
    _check_model(model)
    d = as_float_array("series", series, ndim=1)
    n_train = check_positive_int("n_train", n_train)
    horizon = check_positive_int("horizon", horizon)
    n_tests = check_positive_int("n_tests", n_tests)
    spacing = check_positive_int("spacing", spacing)
    n_valid = check_nonnegative_int("n_valid", n_valid)
    bias_input = check_finite_float("bias_input", bias_input)
    noise = check_nonnegative_float("noise", noise)
    if inverse is not None:
        check_callable("inverse", inverse)
    _check_seed(seed)
    try:
        ridge_kind = np.asarray(ridge).dtype.kind
    except ValueError:                 # a ragged nested list
        ridge_kind = "O"
    if ridge_kind not in "iuf":        # strings ("1e-8" too), bools, objects
        raise TypeError(f"ridge must be a number or a sequence of numbers; got {ridge!r}")
    ridges = np.atleast_1d(np.asarray(ridge, dtype=float))
    if ridges.ndim != 1 or ridges.size == 0:
        raise ValueError(f"ridge must be a number or a sequence of numbers; got {ridge!r}")
    if not np.all(np.isfinite(ridges) & (ridges >= 0)):
        raise ValueError(f"ridge must be finite and non-negative; got {ridge!r}")
    if ridges.size > 1 and n_valid == 0:
        raise ValueError("several candidate ridges need validation starts: set n_valid > 0")
    n_after = (n_valid + n_tests) * spacing
    if n_train + n_after + horizon > d.size:
        raise ValueError(f"series is too short: need n_train + (n_valid + n_tests) * spacing "
                         f"+ horizon = {n_train + n_after + horizon} values; got {d.size}")
    if model.W_rf is None or model.n_inputs != 1 or model.n_outputs_per_run != 1:
        raise ValueError("free_run_test needs a one-input, one-output network with feedback")
    back = (lambda y: y) if inverse is None else inverse
    d_back = np.asarray(back(d), dtype=float)
    if d_back.shape != d.shape or not np.all(np.isfinite(d_back)):
        raise ValueError("inverse must map the series to finite values of the same shape")
    var = d_back.var()

    # The states are harvested in pieces of about 2 MB and only what is used is
    # kept: the training features and the free runs' start states. (Chapter 9's
    # ensemble has 8000 states: all 9000 steps' states at once took 576 MB.)
    piece = max(1, _PIECE_ENTRIES // model.n_states)
    washout = _check_washout(washout, n_train)
    u_train, d_train = np.full((n_train, 1), bias_input), d[:n_train, None]
    z = None
    for first, states in _forced_pieces(model, u_train, d_train,
                                        _piece_bounds(n_train, piece, [washout]),
                                        noise=noise, seed=seed):
        x_last = states[-1].copy()          # a copy: a view would keep the piece
        if first < washout:
            continue
        features = model._feature_stack(u_train[first:first + len(states)], states)
        if z is None:
            z = np.empty((model.n_runs, n_train - washout, features.shape[-1]))
        z[:, first - washout:first - washout + len(states)] = features
    d_fit = np.broadcast_to(d_train[washout:], (model.n_runs, n_train - washout, 1))
    candidates = fit_ridge_path(z, d_fit.reshape(model.n_runs, -1, 1), ridges)
    del z
    after = d[n_train:n_train + n_after, None]
    u_after = np.full((n_after, 1), bias_input)

    def forced_stretch(begin, end, x0, y0, on_piece=None):
        """Teacher-forced states from ``after[begin]`` to ``after[end - 1]``, a piece
        at a time; returns the state at the end of every ``spacing`` steps (the
        free runs' starts) and the last state."""
        starts = []
        bounds = _piece_bounds(end - begin, min(piece, spacing),
                               range(spacing, end - begin, spacing))
        for first, states in _forced_pieces(model, u_after[begin:end], after[begin:end],
                                            bounds, x0=x0, y0=y0):
            if (first + len(states)) % spacing == 0:
                starts.append(states[-1].copy())
            if on_piece is not None:
                on_piece(states)
        return np.stack(starts), states[-1].copy()

    def back_nrmse(y, truth):
        """NRMSE over the last axis in the coordinates of ``inverse``; a value
        that ``inverse`` cannot map back (a run that left the range) counts as
        an infinite error."""
        with np.errstate(invalid="ignore", divide="ignore"):
            err = (np.asarray(back(y), dtype=float) - truth) ** 2
        err = np.where(np.isfinite(err), err, np.inf)
        return np.sqrt(err.mean(axis=-1) / var)

    def horizon_runs(x_starts, first: int):
        """Free runs from the states ``x_starts``, the first after ``after[first]``
        and the others every ``spacing`` steps."""
        count = len(x_starts)
        offsets = first + np.arange(count) * spacing
        starts = n_train + offsets
        predictions = model.generate(np.full((count, horizon, 1), bias_input),
                                     x_starts, d[starts][:, None])[..., 0]
        return back_nrmse(predictions[..., -1], d_back[starts + horizon]), predictions, starts

    valid_end = n_valid * spacing
    first_test = valid_end + spacing - 1
    x_test, y_test = x_last, d[n_train - 1:n_train]
    valid_nrmse = test_nrmse = None
    if n_valid:
        valid_starts, x_test = forced_stretch(0, valid_end, x_test, y_test)
        y_test = after[valid_end - 1]
    if ridges.size > 1:
        valid_nrmse = np.empty((ridges.size, model.n_runs))
        for i, readout in enumerate(candidates):
            model._set_readout(readout)
            valid_nrmse[i] = horizon_runs(valid_starts, spacing - 1)[0]
        pick = np.argmin(valid_nrmse, axis=0)
        runs = np.arange(model.n_runs)
        final = Readout(np.stack([candidates[k].W_or[r] for r, k in zip(runs, pick)]),
                        np.stack([candidates[k].t_o[r] for r, k in zip(runs, pick)]))
        chosen = ridges[pick]
    else:
        final = candidates[0]
        chosen = np.full(model.n_runs, ridges[0])
    model._set_readout(final)
    one_step = []          # the chosen readout's one-step outputs over the test stretch
    test_starts, _ = forced_stretch(
        valid_end, n_after, x_test, y_test,
        on_piece=lambda states: one_step.append(
            model._split_runs(model._readout(None, states))[..., 0]))
    one_step_nrmse = back_nrmse(np.concatenate(one_step, axis=-1),
                                d_back[n_train + valid_end:n_train + n_after])
    if ridges.size > 1:
        test_nrmse = np.empty((ridges.size, model.n_runs))
        for i, readout in enumerate(candidates):
            model._set_readout(readout)
            test_nrmse[i] = horizon_runs(test_starts, first_test)[0]
        model._set_readout(final)
    nrmse_h, predictions, starts = horizon_runs(test_starts, first_test)
    return HorizonTest(nrmse_h, predictions, starts, one_step_nrmse, chosen, valid_nrmse,
                       test_nrmse)


def closed_loop(model: EchoStateNetwork, x_last, y_last, n_steps: int) -> np.ndarray:
    """Generate by feeding a one-step predictor's output back as its next input.

    For an input-driven network trained to output ``u(t + 1)`` (no ``W_rf``):
    from the state ``x_last`` after the input ``u(t)`` and the true next
    value ``y_last = u(t + 1)``, each step feeds the last output in as the
    input. Returns ``n_steps`` outputs; output ``k`` predicts ``u(t + k + 2)``.
    One run only (an ensemble shares its input, so its runs cannot each feed
    back their own output).
    """
    _check_model(model)
    if model.W_or is None:
        raise ValueError("the readout of model is not trained yet; call fit first")
    if model.n_runs != 1 or model.n_inputs != model.n_outputs_per_run:
        raise ValueError("closed_loop needs a model of one run whose outputs match its inputs")
    n_steps = check_positive_int("n_steps", n_steps)
    x = as_float_array("x_last", x_last, shape=(model.n_states,))
    y = as_float_array("y_last", y_last, ndim=(0, 1))
    if y.shape != (model.n_inputs,) and not (y.ndim == 0 and model.n_inputs == 1):
        raise ValueError(f"y_last must have shape ({model.n_inputs},) (a number for one "
                         f"input); got {y.shape}")
    y = y.reshape(model.n_inputs)
    out = np.empty((n_steps, model.n_inputs))
    for k in range(n_steps):
        x = model.step(y, x)
        y = model._readout(y, x)
        out[k] = y
    return out


class GridSearch(NamedTuple):
    """Result of :func:`grid_search`.

    Attributes
    ----------
    params : dict
        The chosen reservoir settings (lowest mean validation error).
    ridge : float
        The chosen ridge.
    valid_error, test_error : numpy.ndarray, shape ``(R,)``
        Per run, the chosen setting's normalised mean squared error (NMSE,
        ``mean((y - d)^2) / var(d)``) on the validation and test stretches.
    tried : list of tuple
        ``(params, ridge, mean validation NMSE)`` for every setting tried.
    """

    params: dict
    ridge: float
    valid_error: np.ndarray
    test_error: np.ndarray
    tried: list


def grid_search(make_model, grid: dict, u, targets, *, n_train: int, n_valid: int,
                washout: int, ridges=(1e-8, 1e-6, 1e-4)) -> GridSearch:
    """Choose reservoir settings and ridge on a validation stretch, then test once.

    ``make_model(**params)`` builds an :class:`EchoStateNetwork` (possibly an
    ensemble of runs) for every combination of the lists in ``grid``. Each is
    trained on the first ``n_train`` steps (after ``washout``), scored on the
    next ``n_valid`` and, for the winner only, on the rest (the test stretch).
    The runs' validation errors are averaged to choose.

    Parameters
    ----------
    u : array_like, shape ``(T, n_inputs)``
    targets : array_like, shape ``(T,)``
        One output per step.
    """
    import itertools

    check_callable("make_model", make_model)
    check_instance("grid", grid, dict)
    for name, values in grid.items():
        if not isinstance(name, str):
            raise TypeError(f"grid must map argument names of make_model to lists of "
                            f"values; got the key {name!r}")
        if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__len__"):
            raise TypeError(f"grid[{name!r}] must be a list of values to try; got {values!r}")
        if len(values) == 0:
            raise ValueError(f"grid[{name!r}] is empty; give at least one value to try")
    u = as_float_array("u", u, ndim=2)
    if u.size == 0:
        raise ValueError(f"u must hold at least one step; got shape {u.shape}")
    d = as_float_array("targets", targets, shape=(u.shape[0],))
    n_train = check_positive_int("n_train", n_train)
    n_valid = check_positive_int("n_valid", n_valid)
    if n_train + n_valid >= d.size:
        raise ValueError("n_train + n_valid must leave a test stretch")
    washout = _check_washout(washout, n_train)
    if isinstance(ridges, (str, bytes)) or not hasattr(ridges, "__iter__"):
        raise TypeError(f"ridges must be a sequence of numbers; got {ridges!r}")
    ridges = [check_nonnegative_float("ridges", r) for r in ridges]
    if not ridges:
        raise ValueError("ridges must hold at least one value")
    valid = slice(n_train, n_train + n_valid)
    test = slice(n_train + n_valid, d.size)

    def nmse(y, part):
        return np.mean((y[..., part] - d[part]) ** 2, axis=-1) / d[part].var()

    names = list(grid)
    best, tried = None, []
    for values in itertools.product(*(grid[name] for name in names)):
        params = dict(zip(names, values))
        model = make_model(**params)
        if not isinstance(model, EchoStateNetwork):
            raise TypeError(f"make_model must return an EchoStateNetwork; got "
                            f"{type(model).__name__} for {params}")
        if model.W_rf is not None:
            raise ValueError("grid_search is for input-driven networks (no W_rf)")
        # one run of the reservoir and one factorisation serve every ridge
        states = model.run(u).states
        features = model._feature_stack(u, states)
        problem = model._regression(u[:n_train], d[:n_train, None], states[:n_train],
                                    washout)
        for ridge, readout in zip(ridges, fit_ridge_path(*problem, ridges)):
            y = readout.predict(features)[..., 0]
            score = nmse(y, valid)
            tried.append((params, ridge, float(score.mean())))
            if best is None or score.mean() < best[2].mean():
                best = (params, ridge, score, nmse(y, test))
    return GridSearch(best[0], best[1], best[2], best[3], tried)
