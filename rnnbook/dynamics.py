"""The dynamics of a state map: long-run behaviour, Jacobians and contraction.

For a fixed input ``u`` the state transition ``x -> f(u, x)`` is a map of the
state space into itself, and everything a recurrent network can do with its
memory depends on how that map behaves when it is iterated: its states may
settle on a fixed point, be pulled towards one of several attractors, or
oscillate.

For the lecture's network ``f(u, x) = g(W_ri u + W_rc x + t_r)`` the Jacobian is

.. math::

    \\frac{\\partial f}{\\partial x} = \\operatorname{diag}\\big(g'(a)\\big)\\, W^{RC},
    \\qquad a = W^{RI} u + W^{RC} x + T^R,

and because ``0 < sigmoid' <= 1/4`` the map is a contraction (in the Euclidean
norm) whenever the largest singular value of ``W_rc`` is below 4: two different
initial states driven by the same inputs then approach each other
geometrically, and the network forgets where it started.

Introduced in chapter 1, *State-space models*; chapters 3 and 4 build on it.
"""

from __future__ import annotations

import numpy as np

from rnnbook.core import StateSpaceModel
from rnnbook.rnn import RNN
from rnnbook.validation import (
    SeedLike,
    as_float_array,
    as_generator,
    check_finite_float,
    check_instance,
    check_positive_float,
    check_positive_int,
)


def _check_model(model) -> StateSpaceModel:
    return check_instance("model", model, StateSpaceModel, "rnnbook model (a StateSpaceModel)")

#: The largest slope of each activation, the factor in the contraction bound.
MAX_SLOPE = {"sigmoid": 0.25, "tanh": 1.0, "identity": 1.0}


def _constant_input(model: StateSpaceModel, u_t, n_steps: int, batch: tuple[int, ...]):
    u_t = as_float_array("u_t", u_t, shape=(model.n_inputs,))
    return np.broadcast_to(u_t, batch + (n_steps, model.n_inputs))


def asymptotic_states(model: StateSpaceModel, u_t, x0, *, n_transient: int = 500,
                      n_keep: int = 64) -> np.ndarray:
    """Iterate the state map under a constant input and keep the states after a transient.

    Parameters
    ----------
    model : StateSpaceModel
    u_t : array_like, shape ``(n_inputs,)``
        The input held constant at every step.
    x0 : array_like, shape ``(n_states,)`` or ``(B, n_states)``
        Initial state(s); a batch iterates several initial states at once.
    n_transient : int
        Steps discarded first (must be positive).
    n_keep : int
        Steps kept afterwards.

    Returns
    -------
    numpy.ndarray, shape ``(n_keep, n_states)`` or ``(B, n_keep, n_states)``
        The states ``x(n_transient + 1) .. x(n_transient + n_keep)``.
    """
    _check_model(model)
    n_transient = check_positive_int("n_transient", n_transient)
    n_keep = check_positive_int("n_keep", n_keep)
    x0 = as_float_array("x0", x0, ndim=(1, 2))
    batch = x0.shape[:-1]
    u = _constant_input(model, u_t, n_transient + n_keep, batch)
    states = model.run(u, x0).states
    return states[..., n_transient:, :]


def classify_orbit(states, *, atol: float = 1e-6, max_period: int = 16) -> str | int:
    """Name the long-run behaviour of an orbit of states.

    Parameters
    ----------
    states : array_like, shape ``(n_keep, n_states)``
        States after a transient, as from :func:`asymptotic_states`.
    atol : float
        Two states closer than this (max-norm) count as equal; finite and ``> 0``.
    max_period : int
        The longest period looked for.

    Returns
    -------
    int or str
        The smallest period ``p`` (1 for a fixed point) such that the orbit
        repeats every ``p`` steps, or ``"aperiodic"`` if none up to
        ``max_period`` fits (quasi-periodic or chaotic motion, or a transient
        that was too short).
    """
    states = as_float_array("states", states, ndim=2)
    atol = check_positive_float("atol", atol)
    max_period = check_positive_int("max_period", max_period)
    if states.shape[0] <= max_period:
        raise ValueError(f"states must hold more than max_period={max_period} steps; "
                         f"got {states.shape[0]}")
    for period in range(1, max_period + 1):
        if np.max(np.abs(states[period:] - states[:-period])) <= atol:
            return period
    return "aperiodic"


def state_jacobian(model, u_t, x_prev) -> np.ndarray:
    """Jacobian ``d x(t) / d x(t-1)`` of a network's state map at one point.

    For the lecture's network

    .. math::

        J = \\operatorname{diag}\\big(g'(a)\\big) W^{RC}, \\qquad
        a = W^{RI} u(t) + W^{RC} x(t-1) + T^R;

    a model with its own ``jacobian(u_t, x_prev)`` method (such as
    :class:`rnnbook.lstm.LSTM`) is asked for it.

    Parameters
    ----------
    model : RNN or a model with ``jacobian``
    u_t : array_like, shape ``(n_inputs,)``
    x_prev : array_like, shape ``(n_states,)``

    Returns
    -------
    numpy.ndarray, shape ``(n_states, n_states)``
    """
    if hasattr(model, "jacobian") and not isinstance(model, RNN):
        return model.jacobian(u_t, x_prev)
    if not isinstance(model, RNN):
        raise TypeError(f"model must be an rnnbook.RNN or have a jacobian() method; got "
                        f"{type(model).__name__}")
    x_t = model.step(u_t, as_float_array("x_prev", x_prev, shape=(model.n_hidden,)))
    slope = model.hidden_activation.derivative_from_output(x_t)
    return slope[:, None] * model.W_rc


def trajectory_jacobians(model, u, x0=None) -> np.ndarray:
    """The one-step Jacobians ``d x(t) / d x(t-1)`` along a run, ``t = 1 .. T``.

    Parameters
    ----------
    model : RNN or a model with ``jacobian``
    u : array_like, shape ``(T, n_inputs)``
    x0 : array_like, shape ``(n_states,)``, optional

    Returns
    -------
    numpy.ndarray, shape ``(T, n_states, n_states)``
    """
    _check_model(model)
    u = as_float_array("u", u, shape=(None, model.n_inputs))
    if u.shape[0] == 0:
        raise ValueError("u must hold at least one step")
    x_start = model._check_initial_state(x0, ())
    states = model.run(u, x_start).states
    previous = np.vstack([x_start[None], states[:-1]])
    return np.array([state_jacobian(model, u_t, x) for u_t, x in zip(u, previous)])


def gradient_norms(jacobians) -> np.ndarray:
    """Norms of ``d x(T) / d x(T-n)`` for lags ``n = 1 .. T``, from the one-step Jacobians.

    ``d x(T) / d x(T-n) = J(T) J(T-1) ... J(T-n+1)``: the factor by which a
    perturbation of the state ``n`` steps back (or, transposed, an error sent
    back ``n`` steps by BPTT) is scaled at most. The products are accumulated
    from the end, one matrix product per lag.

    Parameters
    ----------
    jacobians : array_like, shape ``(T, N, N)``
        ``jacobians[t - 1] = d x(t) / d x(t-1)`` as from :func:`trajectory_jacobians`.

    Returns
    -------
    numpy.ndarray, shape ``(T,)``
        Entry ``n - 1`` is the spectral norm (largest singular value) of the
        product over the last ``n`` steps.
    """
    jacobians = as_float_array("jacobians", jacobians, ndim=3)
    if jacobians.shape[0] == 0 or jacobians.shape[1] != jacobians.shape[2]:
        raise ValueError(f"jacobians must be a non-empty stack of square matrices, shape "
                         f"(T, n, n); got {jacobians.shape}")
    product = np.eye(jacobians.shape[1])
    norms = np.empty(jacobians.shape[0])
    for lag, J in enumerate(jacobians[::-1], start=1):
        product = product @ J
        norms[lag - 1] = np.linalg.norm(product, 2)
    return norms


def fit_log_slope(norms, lags=None) -> tuple[float, float]:
    """Least-squares line through ``log(norms)`` against lag: ``(slope, intercept)``.

    A straight line means exponential decay (slope < 0) or growth (slope > 0),
    at the rate ``exp(slope)`` per step. Zero norms (underflow) are left out.
    """
    norms = as_float_array("norms", norms, ndim=1)
    if np.any(norms < 0) or np.count_nonzero(norms) < 2:
        raise ValueError("norms must be non-negative, with at least two positive norms to "
                         "fit a line")
    lags = np.arange(1, norms.size + 1) if lags is None else as_float_array(
        "lags", lags, shape=(norms.size,))
    keep = norms > 0
    if keep.sum() < 2:
        raise ValueError(f"norms must hold at least two positive norms to fit a line; "
                         f"got {int(keep.sum())}")
    slope, intercept = np.polyfit(lags[keep], np.log(norms[keep]), 1)
    return float(slope), float(intercept)


def contraction_bound(model: RNN) -> float:
    """An upper bound on how much one step of the state map can stretch distances.

    ``max g' * ||W_rc||_2`` (``||.||_2`` the largest singular value): for any
    input and any two states, ``||f(u, x) - f(u, x')|| <= bound * ||x - x'||``.
    Below 1 the map is a contraction.
    """
    if not isinstance(model, RNN):
        raise TypeError(f"model must be an rnnbook.RNN; got {type(model).__name__}")
    return MAX_SLOPE[model.hidden_activation.name] * float(np.linalg.norm(model.W_rc, 2))


def limit_contraction(model: RNN, bound: float = 0.9) -> None:
    """Rescale ``W_rc`` in place so that :func:`contraction_bound` is at most ``bound``.

    Used as ``after_update`` in :func:`rnnbook.optim.train` to keep a network's
    state map a contraction while it learns: its states must then forget.
    Does nothing when the bound already holds.
    """
    if not isinstance(model, RNN):
        raise TypeError(f"model must be an rnnbook.RNN; got {type(model).__name__}")
    bound = check_positive_float("bound", bound)
    current = contraction_bound(model)
    if current > bound:
        model.W_rc *= bound / current


def stretch_ratios(model: StateSpaceModel, n_pairs: int = 1000, *, low: float = 0.0,
                   high: float = 1.0, seed: SeedLike = None) -> np.ndarray:
    """Measure ``||f(u, x) - f(u, x')|| / ||x - x'||`` on random inputs and state pairs.

    States are drawn uniformly from the box ``[low, high]^n_states`` (the sigmoid
    network's state space is ``[0, 1]^n``), inputs as random one-hot vectors.
    All pairs go through the model in one batched :meth:`~StateSpaceModel.step`.
    ``low`` and ``high`` must be finite with ``low < high`` (an empty box would
    give pairs of equal states and ratios 0 / 0).

    Returns
    -------
    numpy.ndarray, shape ``(n_pairs,)``
        One ratio per pair; for an :class:`RNN` none exceeds :func:`contraction_bound`.
    """
    _check_model(model)
    n_pairs = check_positive_int("n_pairs", n_pairs)
    low = check_finite_float("low", low)
    high = check_finite_float("high", high)
    if not low < high:
        raise ValueError(f"low must be less than high (the box [low, high] of states); "
                         f"got low={low}, high={high}")
    rng = as_generator(seed)
    x_a = rng.uniform(low, high, size=(n_pairs, model.n_states))
    x_b = rng.uniform(low, high, size=(n_pairs, model.n_states))
    u = np.eye(model.n_inputs)[rng.integers(model.n_inputs, size=n_pairs)]
    moved = np.linalg.norm(model.step(u, x_a) - model.step(u, x_b), axis=1)
    return moved / np.linalg.norm(x_a - x_b, axis=1)


def forgetting_curve(model: StateSpaceModel, u, x0_a, x0_b) -> np.ndarray:
    """Distance between two runs that differ only in their initial state.

    Parameters
    ----------
    model : StateSpaceModel
    u : array_like, shape ``(T, n_inputs)``
        One input sequence, fed to both runs.
    x0_a, x0_b : array_like, shape ``(n_states,)``
        The two initial states.

    Returns
    -------
    numpy.ndarray, shape ``(T + 1,)``
        ``||x_a(t) - x_b(t)||`` for ``t = 0 .. T``. It decays to zero when the
        network forgets its initial state, as every contraction does.
    """
    _check_model(model)
    x0 = np.stack([as_float_array("x0_a", x0_a, shape=(model.n_states,)),
                   as_float_array("x0_b", x0_b, shape=(model.n_states,))])
    u = as_float_array("u", u, shape=(None, model.n_inputs))
    states = model.run(np.stack([u, u]), x0).states
    gaps = np.linalg.norm(states[0] - states[1], axis=-1)
    return np.concatenate([[np.linalg.norm(x0[0] - x0[1])], gaps])


def self_coupled_units(weights, *, centre: float = 0.5) -> RNN:
    """Independent one-unit sigmoid networks ``x -> sigmoid(w (x - centre))``, one per weight.

    The unit with self-weight ``w`` and threshold ``-w * centre`` has a fixed
    point at ``centre`` (for ``centre = 1/2``) whose slope is ``w / 4``: it is
    stable for ``|w| < 4``; at ``w = 4`` two new stable fixed points appear
    near 0 and 1 (the state saturates and can latch a bit), and below
    ``w = -4`` the state oscillates with period 2. Putting all the units in one
    network (``W_rc = diag(weights)``, no input weights used) iterates every
    one of them in a single run.

    Parameters
    ----------
    weights : array_like, shape ``(K,)``
        Self-weights.
    centre : float
        Where the activation's midpoint sits.

    Returns
    -------
    RNN
        ``n_inputs = 1`` (a zero weight: the input does nothing), ``n_hidden = K``, no readout.
    """
    weights = as_float_array("weights", weights, ndim=1)
    if weights.size == 0:
        raise ValueError("weights must hold at least one self-weight")
    centre = check_finite_float("centre", centre)
    return RNN(np.zeros((weights.size, 1)), np.diag(weights), t_r=-centre * weights)


def periodic_points(model: RNN, inputs, starts, *, tol: float = 1e-10):
    """Find the periodic points of the state map under a repeating input, and their stability.

    With the input cycle ``inputs = (u_1, ..., u_p)`` the composed map
    ``F = f(u_p, .) o ... o f(u_1, .)`` is iterated; its fixed points are the
    points of period ``p`` (for ``p = 1``, the fixed points of ``f(u_1, .)``).
    Each start is refined with :func:`scipy.optimize.root` on ``F(x) - x``, and
    the roots are de-duplicated. A point is stable when every eigenvalue of
    the Jacobian of ``F`` there, the product of the one-step Jacobians
    :func:`state_jacobian` around the cycle, has modulus below 1.

    Parameters
    ----------
    model : RNN
    inputs : array_like, shape ``(p, n_inputs)``
        One period of the input.
    starts : array_like, shape ``(S, n_hidden)``
        Initial guesses (for example states the network visited).
    tol : float
        Roots whose residual exceeds ``sqrt(tol)`` are discarded; roots closer than
        ``1e-6`` are merged. Finite and ``> 0``.

    Returns
    -------
    points : numpy.ndarray, shape ``(K, n_hidden)``
    eigenvalues : numpy.ndarray, shape ``(K, n_hidden)``, complex
        Eigenvalues of the Jacobian of ``F`` at each point, largest modulus first.
    """
    from scipy.optimize import root

    if not isinstance(model, RNN):
        raise TypeError(f"model must be an rnnbook.RNN; got {type(model).__name__}")
    inputs = as_float_array("inputs", inputs, shape=(None, model.n_inputs))
    if inputs.shape[0] == 0:
        raise ValueError("inputs must hold at least one step")
    starts = as_float_array("starts", starts, shape=(None, model.n_hidden))
    if starts.shape[0] == 0:
        raise ValueError("starts must hold at least one initial guess")
    tol = check_positive_float("tol", tol)

    def composed(x):
        for u_t in inputs:
            x = model.step(u_t, x)
        return x

    def jacobian(x):
        total = np.eye(model.n_hidden)
        for u_t in inputs:
            total = state_jacobian(model, u_t, x) @ total
            x = model.step(u_t, x)
        return total

    points: list[np.ndarray] = []
    for start in starts:
        solution = root(lambda x: composed(x) - x, start, jac=lambda x: jacobian(x) - np.eye(len(x)),
                        tol=tol)
        x = solution.x
        if np.max(np.abs(composed(x) - x)) > np.sqrt(tol):
            continue
        if not any(np.max(np.abs(x - p)) < 1e-6 for p in points):
            points.append(x)
    points_array = np.array(points).reshape(-1, model.n_hidden)
    eigenvalues = np.array([sorted(np.linalg.eigvals(jacobian(p)), key=abs, reverse=True)
                            for p in points_array]).reshape(-1, model.n_hidden)
    return points_array, eigenvalues


def aligned_state_gap(states_a, states_b) -> float:
    """How different two state trajectories are once one is mapped linearly onto the other.

    Fits the affine map ``x_b ~ A x_a + c`` that best predicts one network's
    states from another's on the same inputs (least squares over all steps)
    and returns the part of ``states_b`` it leaves unexplained, relative to
    the spread of ``states_b``:

    .. math::

        \\text{gap} = \\sqrt{\\frac{\\sum_t \\|x_b(t) - A x_a(t) - c\\|^2}
                               {\\sum_t \\|x_b(t) - \\bar x_b\\|^2}}.

    0 means the two hidden layers carry the same information in linearly
    related coordinates (a rotation, scaling or permutation of units); values
    near 1 mean the first network's states say little, linearly, about the
    second's.

    Parameters
    ----------
    states_a, states_b : array_like, shape ``(T, n_a)`` and ``(T, n_b)``
        States of two networks at the same ``T`` steps (a batch may be
        flattened into the first axis). ``T`` must exceed ``n_a + 1``, and
        ``states_b`` must vary.

    Returns
    -------
    float

    Introduced in chapter 4, *Information latching and vanishing gradients*.
    """
    states_a = as_float_array("states_a", states_a, ndim=2)
    states_b = as_float_array("states_b", states_b, ndim=2)
    if states_a.shape[0] != states_b.shape[0]:
        raise ValueError(f"states_a and states_b must have the same number of steps; got "
                         f"{states_a.shape[0]} and {states_b.shape[0]}")
    if states_a.shape[0] <= states_a.shape[1] + 1:
        raise ValueError(f"states_a needs more steps ({states_a.shape[0]}) than units + 1 "
                         f"({states_a.shape[1] + 1}) for the fit to mean anything")
    centred = states_b - states_b.mean(axis=0)
    spread = float(np.sum(centred ** 2))
    if spread == 0:
        raise ValueError("states_b must vary over the steps (its spread is 0)")
    features = np.column_stack([states_a, np.ones(len(states_a))])
    weights, *_ = np.linalg.lstsq(features, states_b, rcond=None)
    residual = states_b - features @ weights
    return float(np.sqrt(np.sum(residual ** 2) / spread))
