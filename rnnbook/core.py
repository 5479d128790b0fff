"""The state-space core that every model in :mod:`rnnbook` plugs into.

A recurrent network is a state-space model

.. math::

    x(t) = f\\big(u(t), x(t-1)\\big) \\qquad \\text{(state transition)}

    y(t) = h\\big(x(t)\\big) \\qquad\\qquad \\text{(readout)}

:class:`StateSpaceModel` implements running such a model over one sequence of
shape ``(T, n_inputs)`` or a batch of sequences of shape ``(B, T, n_inputs)``,
checking the arguments once. A concrete model says what ``f`` and ``h`` are.
For speed, ``f`` is split in two:

* :meth:`StateSpaceModel.input_drive` maps inputs to whatever the transition
  needs from them; it sees the whole sequence at once, so a model can compute,
  say, ``W_ri u(t)`` for every ``t`` in one matrix product;
* :meth:`StateSpaceModel.transition` combines one step's drive with the
  previous state.

so that ``f(u, x) = transition(input_drive(u), x)``. Only the transition runs
inside the loop over time.

Introduced in chapter 1, *State-space models*.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import NamedTuple

import numpy as np

from rnnbook.validation import as_float_array


class Trajectory(NamedTuple):
    """The result of :meth:`StateSpaceModel.run`.

    Attributes
    ----------
    states : numpy.ndarray
        ``x(1), ..., x(T)``: shape ``(T, n_states)``, or ``(B, T, n_states)`` for a batch.
        The initial state ``x(0)`` is not included.
    outputs : numpy.ndarray or None
        ``y(1), ..., y(T)``: shape ``(T, n_outputs)`` or ``(B, T, n_outputs)``;
        ``None`` for a model without a readout (for example a reservoir whose
        readout is not trained yet).
    """

    states: np.ndarray
    outputs: np.ndarray | None


class StateSpaceModel(ABC):
    """A discrete-time state-space model ``x(t) = f(u(t), x(t-1))``, ``y(t) = h(x(t))``.

    Subclasses set the sizes :attr:`n_inputs`, :attr:`n_states` and
    :attr:`n_outputs` (``None`` when there is no readout) and implement
    :meth:`transition`, and usually :meth:`input_drive` and :meth:`output`.

    Shapes
    ------
    One sequence is ``(T, n_inputs)``; a batch of ``B`` sequences of equal
    length is ``(B, T, n_inputs)``. States and outputs follow the same layout.
    """

    n_inputs: int
    n_states: int
    n_outputs: int | None = None

    # ----------------------------------------------------------- for subclasses
    def input_drive(self, u: np.ndarray) -> np.ndarray:
        """Map inputs to what :meth:`transition` needs; vectorised over leading axes.

        The default passes the inputs through unchanged.

        Parameters
        ----------
        u : numpy.ndarray, shape ``(..., n_inputs)``

        Returns
        -------
        numpy.ndarray, shape ``(..., n_drive)``
        """
        return u

    @abstractmethod
    def transition(self, drive_t: np.ndarray, x_prev: np.ndarray) -> np.ndarray:
        """One step of the state map, given the step's input drive.

        Parameters
        ----------
        drive_t : numpy.ndarray, shape ``(n_drive,)`` or ``(B, n_drive)``
        x_prev : numpy.ndarray, shape ``(n_states,)`` or ``(B, n_states)``

        Returns
        -------
        numpy.ndarray, same shape as ``x_prev``
        """

    def output(self, x: np.ndarray) -> np.ndarray:
        """The readout ``h``, vectorised over leading axes (no argument checks)."""
        raise NotImplementedError(f"{type(self).__name__} has no readout")

    def initial_state(self) -> np.ndarray:
        """The default initial state ``x(0)``: zeros of shape ``(n_states,)``."""
        return np.zeros(self.n_states)

    # ------------------------------------------------------------ public API
    def step(self, u_t, x_prev) -> np.ndarray:
        """Apply the state transition once: ``x(t) = f(u(t), x(t-1))``.

        Parameters
        ----------
        u_t : array_like, shape ``(n_inputs,)`` or ``(B, n_inputs)``
            The input at time ``t``.
        x_prev : array_like, shape ``(n_states,)`` or ``(B, n_states)``
            The state at time ``t - 1``.

        Returns
        -------
        numpy.ndarray
            The new state, shape ``(n_states,)`` or ``(B, n_states)``.
        """
        u_t = as_float_array("u_t", u_t, ndim=(1, 2))
        x_prev = as_float_array("x_prev", x_prev, ndim=(1, 2))
        if u_t.shape[-1] != self.n_inputs:
            raise ValueError(
                f"u_t must have {self.n_inputs} columns (n_inputs); got shape {u_t.shape}")
        if x_prev.shape[-1] != self.n_states:
            raise ValueError(
                f"x_prev must have {self.n_states} columns (n_states); got shape {x_prev.shape}")
        if u_t.ndim == 2 and x_prev.ndim == 2 and u_t.shape[0] != x_prev.shape[0]:
            raise ValueError(
                f"u_t and x_prev must have the same batch size; got {u_t.shape[0]} and "
                f"{x_prev.shape[0]}")
        return self.transition(self.input_drive(u_t), x_prev)

    def readout(self, x_t) -> np.ndarray:
        """Apply the readout: ``y(t) = h(x(t))``.

        Parameters
        ----------
        x_t : array_like, shape ``(..., n_states)``
            One state, or any stack of states (a trajectory, a batch).

        Returns
        -------
        numpy.ndarray, shape ``(..., n_outputs)``
        """
        if self.n_outputs is None:
            raise ValueError(f"{type(self).__name__} has no readout (n_outputs is None)")
        x_t = as_float_array("x_t", x_t)
        if x_t.ndim == 0 or x_t.shape[-1] != self.n_states:
            raise ValueError(
                f"x_t must have {self.n_states} entries on its last axis (n_states); "
                f"got shape {x_t.shape}")
        return self.output(x_t)

    def run(self, u, x0=None) -> Trajectory:
        """Run the model over one sequence or a batch of sequences.

        Parameters
        ----------
        u : array_like, shape ``(T, n_inputs)`` or ``(B, T, n_inputs)``
            Inputs ``u(1), ..., u(T)``; ``T >= 1``.
        x0 : array_like, shape ``(n_states,)`` or ``(B, n_states)``, optional
            Initial state ``x(0)``. One vector is used for every sequence of a
            batch. Defaults to :meth:`initial_state`.

        Returns
        -------
        Trajectory
            ``states`` of shape ``(T, n_states)`` or ``(B, T, n_states)`` and
            ``outputs`` of shape ``(T, n_outputs)`` or ``(B, T, n_outputs)``
            (``None`` if the model has no readout).
        """
        u = as_float_array("u", u, ndim=(2, 3))
        if u.shape[-1] != self.n_inputs:
            raise ValueError(
                f"u must have shape (T, {self.n_inputs}) or (B, T, {self.n_inputs}); "
                f"got {u.shape}")
        if u.shape[-2] == 0 or (u.ndim == 3 and u.shape[0] == 0):
            raise ValueError(f"u must hold at least one step of at least one sequence; "
                             f"got shape {u.shape}")
        batch = u.shape[:-2]
        x = self._check_initial_state(x0, batch)
        n_steps = u.shape[-2]
        states = np.empty(batch + (n_steps, self.n_states))
        # the drive of all steps at once, or for a large batch (more than 2**20
        # state entries in all) of a block of steps at a time: all steps' drive
        # of a large batch took tens of MB of fresh memory, slow to touch
        per_step = self.n_states * max(1, int(np.prod(batch)))
        block = n_steps if per_step * n_steps <= 2 ** 20 else max(1, 2 ** 16 // per_step)
        for first in range(0, n_steps, block):
            drive = self.input_drive(u[..., first:first + block, :])
            for k in range(drive.shape[-2]):
                x = self.transition(drive[..., k, :], x)
                states[..., first + k, :] = x
        outputs = None if self.n_outputs is None else self.output(states)
        return Trajectory(states, outputs)

    # -------------------------------------------------------------- internals
    def _check_initial_state(self, x0, batch: tuple[int, ...]) -> np.ndarray:
        if x0 is None:
            x = self.initial_state()
        else:
            x = as_float_array("x0", x0, ndim=(1, 2))
            if x.shape[-1] != self.n_states:
                raise ValueError(
                    f"x0 must have {self.n_states} entries (n_states); got shape {x.shape}")
            if x.ndim == 2 and (not batch or x.shape[0] != batch[0]):
                want = f"({batch[0]}, {self.n_states})" if batch else "a vector"
                raise ValueError(f"x0 must be of shape ({self.n_states},) or {want}; "
                                 f"got {x.shape}")
        return np.broadcast_to(x, batch + (self.n_states,)).copy()

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(n_inputs={self.n_inputs}, n_states={self.n_states}, "
                f"n_outputs={self.n_outputs})")


# ------------------------------------------------------------ BPTT workspaces
#: Largest workspace kept between calls, in float64 entries (64 MB).
_WORKSPACE_LIMIT = 8 * 2 ** 20
_WORKSPACES: dict[str, np.ndarray] = {}


def _affine_drive(u: np.ndarray, W_ri: np.ndarray, t_r: np.ndarray,
                 out: np.ndarray | None = None) -> np.ndarray:
    """``W_ri u(t) + t_r`` for every step at once, the input drive of the RNN and the
    gated layers; written into ``out`` if given (training reuses one array), the
    bias added in place."""
    drive = np.matmul(u, W_ri.T, out=out)
    drive += t_r
    return drive


def _workspace(name: str, shape: tuple[int, ...]) -> np.ndarray:
    """An uninitialised float64 array for ``name``; the last one again if the shape matches.

    Training calls ``loss_and_gradients`` thousands of times with one shape.
    Fresh arrays of a few hundred kB or more come from the operating system
    untouched, and the first write to each of their pages costs a page fault:
    that doubled the time of a small RNN's BPTT. Keeping the last array of
    each name (below 64 MB) avoids it. The caller must write every entry
    before reading it, must not return the array (or a view of it), and must
    not call anything that asks for the same name meanwhile.
    """
    array = _WORKSPACES.get(name)
    if array is None or array.shape != shape:
        array = np.empty(shape)
        if array.size <= _WORKSPACE_LIMIT:
            _WORKSPACES[name] = array
        else:
            _WORKSPACES.pop(name, None)
    return array
