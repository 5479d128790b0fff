"""Train many independent networks at once, as one block-diagonal network.

Success rates over seeds need many trainings, and for small networks a Python
loop over them costs far more than the arithmetic. :func:`stack` puts ``K``
networks of the same shape side by side in one network whose recurrent and
readout weights are block-diagonal: member ``k`` owns the ``k``-th block of
units and the ``k``-th block of outputs, and no weight connects two members.
Because the blocks never interact, the gradient of the stacked network's loss
(the sum of the members' losses) with respect to a member's weights is that
member's own gradient. :func:`project` zeroes the off-block weights after each
update (pass it as ``after_update`` to :func:`rnnbook.optim.train`), so they
stay zero whatever the optimiser does with them; with optimisers that treat
every weight separately (SGD, momentum, Adam), each member then trains exactly
as it would alone. Gradient clipping by the stack's global norm would couple
the members; :func:`train_stack` clips each member's gradient by its own norm
instead, so it trains each member exactly as :func:`rnnbook.optim.train`
would train it alone (clipping included), and records each member's history.

Works for :class:`rnnbook.RNN`, :class:`rnnbook.lstm.LSTM` and
:class:`rnnbook.gru.GRU` with elementwise output activations.

Introduced in chapter 4, *Information latching and vanishing gradients*.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rnnbook.activations import _slope_into
from rnnbook.core import _workspace
from rnnbook.gru import GRU
from rnnbook.losses import (
    _readout_loss_and_delta,
    check_loss,
    check_training_data,
    loss_and_delta,
)
from rnnbook.lstm import LSTM
from rnnbook.optim import Optimizer, global_norm
from rnnbook.rnn import RNN
from rnnbook.validation import (
    SeedLike,
    as_float_array,
    as_generator,
    check_instance,
    check_positive_float,
    check_positive_int,
)


#: The networks that can be stacked, with the number of gate blocks in their weights.
GATES = {RNN: 1, LSTM: 4, GRU: 3}
NETWORKS = tuple(GATES)


def _gate_rows(n_members: int, hidden: int, n_gates: int, k: int) -> np.ndarray:
    """Rows of member ``k`` in a stacked gate matrix ordered [gate][member][unit]."""
    total = n_members * hidden
    return np.concatenate([g * total + k * hidden + np.arange(hidden) for g in range(n_gates)])


def stack(models):
    """Put ``K`` networks of identical shape side by side in one network.

    Parameters
    ----------
    models : list of RNN or list of LSTM
        At least one; all of the same class, sizes and activations.

    Returns
    -------
    stacked : RNN or LSTM
        ``n_hidden = K * H``, ``n_outputs = K * n_outputs``; output block ``k``
        is member ``k``'s output.
    masks : dict of numpy.ndarray of bool
        For each parameter, which entries may be non-zero.
    """
    if isinstance(models, (str, bytes)) or not hasattr(models, "__iter__"):
        raise TypeError(f"models must be a list of RNN or LSTM networks; got {models!r}")
    models = list(models)
    if not models:
        raise ValueError("models must hold at least one network")
    first = models[0]
    if not isinstance(first, NETWORKS):
        raise TypeError(f"models must be RNN, LSTM or GRU networks; got "
                        f"{type(first).__name__}")
    def activations(m):
        return (getattr(m, "hidden_activation", None), m.output_activation)

    for m in models[1:]:
        if type(m) is not type(first) or any(m.parameters()[n].shape != v.shape
                                             for n, v in first.parameters().items()):
            raise ValueError("every network in models must have the same class and shapes")
        if activations(m) != activations(first):
            raise ValueError("every network in models must have the same activations")
    if first.output_activation.derivative_from_output is None:
        raise ValueError("stacking needs an elementwise output activation (not softmax)")
    n_members, hidden, n_out = len(models), first.n_hidden, first.n_outputs
    n_gates = GATES[type(first)]
    total = n_members * hidden
    W_ri = np.zeros((n_gates * total, first.n_inputs))
    W_rc = np.zeros((n_gates * total, total))
    t_r = np.zeros(n_gates * total)
    W_or = np.zeros((n_members * n_out, total))
    t_o = np.zeros(n_members * n_out)
    masks = {name: np.zeros(value.shape, dtype=bool) for name, value in
             dict(W_ri=W_ri, W_rc=W_rc, t_r=t_r, W_or=W_or, t_o=t_o).items()}
    for k, m in enumerate(models):
        rows = _gate_rows(n_members, hidden, n_gates, k)
        cols = k * hidden + np.arange(hidden)
        outs = k * n_out + np.arange(n_out)
        W_ri[rows] = m.W_ri
        W_rc[np.ix_(rows, cols)] = m.W_rc
        t_r[rows] = m.t_r
        W_or[np.ix_(outs, cols)] = m.W_or
        t_o[outs] = m.t_o
        masks["W_ri"][rows] = True
        masks["W_rc"][np.ix_(rows, cols)] = True
        masks["t_r"][rows] = True
        masks["W_or"][np.ix_(outs, cols)] = True
        masks["t_o"][outs] = True
    if n_gates > 1:
        stacked = type(first)(W_ri, W_rc, W_or, t_r, t_o,
                              output_activation=first.output_activation)
    else:
        x0 = np.concatenate([m.initial_state() for m in models])
        stacked = RNN(W_ri, W_rc, W_or, t_r, t_o, hidden_activation=first.hidden_activation,
                      output_activation=first.output_activation, x0=x0)
    return stacked, masks


def project(model, masks) -> None:
    """Zero, in place, every weight that ``masks`` says must be zero."""
    check_instance("model", model, NETWORKS)
    check_instance("masks", masks, dict, "dict of parameter name to boolean array")
    params = model.parameters()
    for name, value in params.items():
        if name not in masks or np.shape(masks[name]) != value.shape:
            raise ValueError(f"masks must hold a boolean array of shape {value.shape} for "
                             f"{name} (as stack returns); got "
                             f"{np.shape(masks[name]) if name in masks else 'none'}")
    for name, value in params.items():
        value[~np.asarray(masks[name], dtype=bool)] = 0.0


def unstack(stacked, n_members: int):
    """Split a stacked network back into its ``n_members`` members (copies)."""
    check_instance("stacked", stacked, NETWORKS)
    n_members = check_positive_int("n_members", n_members)
    total = stacked.n_hidden
    if n_members < 1 or total % n_members or stacked.n_outputs % n_members:
        raise ValueError(f"n_members must divide the stacked network's {total} units and "
                         f"{stacked.n_outputs} outputs; got {n_members}")
    hidden, n_out = total // n_members, stacked.n_outputs // n_members
    n_gates = GATES[type(stacked)]
    members = []
    for k in range(n_members):
        rows = _gate_rows(n_members, hidden, n_gates, k)
        cols = k * hidden + np.arange(hidden)
        outs = k * n_out + np.arange(n_out)
        parts = (stacked.W_ri[rows], stacked.W_rc[np.ix_(rows, cols)],
                 stacked.W_or[np.ix_(outs, cols)], stacked.t_r[rows], stacked.t_o[outs])
        if n_gates > 1:
            members.append(type(stacked)(*parts, output_activation=stacked.output_activation))
        else:
            members.append(RNN(*parts, hidden_activation=stacked.hidden_activation,
                               output_activation=stacked.output_activation,
                               x0=stacked.initial_state()[cols]))
    return members


def _member_entries(stacked, n_members: int) -> list[dict[str, np.ndarray]]:
    """For each member, the flat indices of its entries in every stacked parameter."""
    total = stacked.n_hidden
    hidden, n_out = total // n_members, stacked.n_outputs // n_members
    n_gates = GATES[type(stacked)]
    params = stacked.parameters()
    entries = []
    for k in range(n_members):
        rows = _gate_rows(n_members, hidden, n_gates, k)
        cols = k * hidden + np.arange(hidden)
        outs = k * n_out + np.arange(n_out)
        where = {"W_ri": np.ix_(rows, np.arange(stacked.n_inputs)), "W_rc": np.ix_(rows, cols),
                 "t_r": (rows,), "W_or": np.ix_(outs, cols), "t_o": (outs,)}
        entries.append({name: np.ravel_multi_index(
            tuple(np.broadcast_arrays(*where[name])), params[name].shape).ravel()
            for name in params})
    return entries


class _RNNMembers:
    """``K`` plain RNNs as weights with a leading member axis: ``W_rc`` is ``(K, H, H)``.

    Each step multiplies every member's state by its own weights at once
    (a batched product), so the work is ``K`` small products, not one product
    with a ``K``-times larger block-diagonal matrix. Forward and backward are
    :meth:`rnnbook.RNN.loss_and_gradients` with one more axis.
    """

    def __init__(self, models):
        first = models[0]
        self.hidden_activation = first.hidden_activation
        self.output_activation = first.output_activation
        self.params = {name: np.stack([m.parameters()[name] for m in models])
                       for name in ("W_ri", "W_rc", "t_r", "W_or", "t_o")}
        self.x0 = np.stack([m.initial_state() for m in models])          # (K, H)

    def members(self):
        p = self.params
        return [RNN(p["W_ri"][k], p["W_rc"][k], p["W_or"][k], p["t_r"][k], p["t_o"][k],
                    hidden_activation=self.hidden_activation,
                    output_activation=self.output_activation, x0=self.x0[k].copy())
                for k in range(len(self.x0))]

    def forward(self, u):
        """States ``(T + 1, K, B, H)`` (``x(0)`` first) and logits ``(T, K, B, O)``.

        The states are a workspace (:func:`rnnbook.core._workspace`): valid
        until the next call.
        """
        p = self.params
        n_batch, n_steps, _ = u.shape
        n_members, hidden = self.x0.shape
        shape = (n_steps, n_members, n_batch, hidden)
        drive = np.matmul(u.transpose(1, 0, 2)[:, None], p["W_ri"].transpose(0, 2, 1)[None],
                          out=_workspace("members.drive", shape))
        drive += p["t_r"][None, :, None, :]                                  # (T, K, B, H)
        states = _workspace("members.states", (n_steps + 1,) + shape[1:])
        states[0] = self.x0[:, None, :]
        W_rc_T = np.ascontiguousarray(p["W_rc"].transpose(0, 2, 1))
        g = self.hidden_activation.function
        for t in range(n_steps):
            states[t + 1] = g(drive[t] + np.matmul(states[t], W_rc_T))
        logits = np.matmul(states[1:], p["W_or"].transpose(0, 2, 1)[None])
        logits += p["t_o"][None, :, None, :]
        return states, logits

    def member_losses(self, loss, u, targets, mask):
        """Each member's loss (``targets`` ``(K, B, T, O)``)."""
        _, logits = self.forward(u)
        outputs, weights = self.output_activation(logits), mask.T / mask.sum()
        return np.array([loss_and_delta(loss, self.output_activation, logits[:, k],
                                        outputs[:, k], targets[k].transpose(1, 0, 2),
                                        weights)[0] for k in range(len(self.x0))])

    def gradients(self, loss, u, targets, mask, truncate=None):
        """Every member's gradient, each array with the leading member axis.

        ``truncate`` cuts the backward paths every ``truncate`` steps, as in
        :meth:`rnnbook.RNN.loss_and_gradients`.
        """
        p = self.params
        states, logits = self.forward(u)
        weights = (mask.T / mask.sum())[:, None, :]                          # (T, 1, B)
        _, delta_o = _readout_loss_and_delta(loss, self.output_activation, logits,
                                             targets.transpose(2, 0, 1, 3), weights)
        hidden = states[1:]
        # arrays reused between calls of one shape (core._workspace): fresh
        # ones cost more than the arithmetic
        slope = _slope_into(self.hidden_activation, hidden,
                            _workspace("members.slope", hidden.shape))
        error = np.matmul(delta_o, p["W_or"][None],                        # (T, K, B, H)
                          out=_workspace("members.error", hidden.shape))
        delta_r = _workspace("members.delta", hidden.shape)
        carried = np.zeros_like(hidden[0])
        for t in range(hidden.shape[0] - 1, -1, -1):
            if truncate is not None and (t + 1) % truncate == 0:
                carried[:] = 0.0                          # a window boundary: cut
            delta_r[t] = (error[t] + carried) * slope[t]
            carried = np.matmul(delta_r[t], p["W_rc"])
        n_members, hidden_size = self.x0.shape

        def by_member(a, name):  # (T, K, B, n) -> (K, T B, n): sums over time and batch
            block = _workspace(name, (a.shape[1], a.shape[0]) + a.shape[2:])
            np.copyto(block, a.transpose(1, 0, 2, 3))
            return block.reshape(n_members, -1, a.shape[-1])

        flat_r = by_member(delta_r, "members.flat_r")
        flat_o = by_member(delta_o, "members.flat_o")
        u_rep = np.broadcast_to(u.transpose(1, 0, 2)[:, None], (u.shape[1], n_members)
                                + (u.shape[0], u.shape[2]))
        return {"W_ri": np.matmul(flat_r.transpose(0, 2, 1), by_member(u_rep, "members.u")),
                "W_rc": np.matmul(flat_r.transpose(0, 2, 1),
                                  by_member(states[:-1], "members.previous")),
                "t_r": flat_r.sum(axis=1),
                "W_or": np.matmul(flat_o.transpose(0, 2, 1),
                                  by_member(hidden, "members.current")),
                "t_o": flat_o.sum(axis=1)}


def _member_norms(grads, n_members: int) -> np.ndarray:
    """The global norm of each member's gradient (arrays with a leading member axis)."""
    with np.errstate(over="ignore", under="ignore"):
        squares = sum(np.sum(np.square(g.reshape(n_members, -1)), axis=1)
                      for g in grads.values())
    norms = np.sqrt(squares)
    for k in np.flatnonzero(~((squares >= 1e-280) & (squares < np.inf))):
        norms[k] = global_norm({name: g[k] for name, g in grads.items()})   # rescaled sum
    return norms


@dataclass
class StackHistory:
    """What :func:`train_stack` recorded for every member, one row per epoch.

    Attributes
    ----------
    loss : numpy.ndarray, shape ``(epochs, n_members)``
        Each member's loss on the whole training set after the epoch.
    grad_norm : numpy.ndarray, shape ``(epochs, n_members)``
        Each member's gradient norm (its own parameters only, before
        clipping), averaged over the epoch's minibatches: the quantity
        :class:`rnnbook.optim.History` records for a network trained alone.
    """

    loss: np.ndarray
    grad_norm: np.ndarray


def train_stack(models, u, targets, mask=None, *, optimizer: Optimizer, epochs: int,
                batch_size: int | None = None, loss: str = "squared_error",
                truncate: int | None = None, clip: float | None = None,
                seed: SeedLike = None):
    """Train ``K`` networks of one shape at once, each as if it were trained alone.

    The networks are trained by minibatch BPTT like :func:`rnnbook.optim.train`
    with the same arguments: the same shuffled minibatches for every member,
    and one update per minibatch. Plain RNNs run side by side with a leading
    member axis on their weights (one batched product per step); LSTMs and
    GRUs as one block-diagonal network (:func:`stack`), whose off-block
    gradients are zeroed before each update and weights after it
    (:func:`project`). With ``clip``, each member's gradient is rescaled to at
    most ``clip`` by *its own* norm. So each member ends with the weights
    that ``train(model, u, targets, mask, optimizer=..., truncate=truncate,
    clip=clip, seed=seed)``
    would give it (up to round-off: the products sum in another order), with
    an optimiser that treats every weight separately (SGD, momentum, Adam).

    Parameters
    ----------
    models : list of RNN, LSTM or GRU
        The networks (same class, shapes and activations); they are not changed.
    u, mask : array_like
        Training data as for :func:`rnnbook.optim.train`: ``(B, T, n_inputs)``
        and ``(B, T)``.
    targets : array_like, shape ``(B, T, n_outputs)`` or ``(B, T, K n_outputs)``
        The same targets for every member, or block ``k`` of the last axis for
        member ``k``.
    optimizer : Optimizer
        A fresh optimiser; it updates the members' parameters.
    epochs, batch_size, loss, truncate, clip, seed
        As for :func:`rnnbook.optim.train` (``truncate``: truncated BPTT, the
        backward paths cut every ``truncate`` steps).

    Returns
    -------
    members : list
        The trained networks, copies, in the order of ``models``.
    history : StackHistory

    Introduced in chapter 4, *Information latching and vanishing gradients* (the
    clipping experiment).
    """
    stacked, masks = stack(models)          # checks the models
    n_members = len(models)
    check_instance("optimizer", optimizer, Optimizer,
                   "rnnbook.optim.Optimizer instance (SGD(0.1), Adam(), ...)")
    epochs = check_positive_int("epochs", epochs, maximum=10 ** 7)
    check_loss(loss, stacked.output_activation)
    if clip is not None:
        clip = check_positive_float("clip", clip)
    if truncate is not None:
        truncate = check_positive_int("truncate", truncate)
    n_out = stacked.n_outputs // n_members
    targets = as_float_array("targets", targets, ndim=3)
    if targets.shape[-1] == n_out and n_members > 1:
        targets = np.tile(targets, (1, 1, n_members))
    elif targets.shape[-1] != n_members * n_out:
        raise ValueError(f"targets must have {n_out} (shared) or {n_members * n_out} (one "
                         f"block per member) entries on the last axis; got shape "
                         f"{targets.shape}")
    u, targets, mask = check_training_data(stacked, as_float_array("u", u, ndim=3),
                                           targets, mask)
    n_sequences = u.shape[0]
    batch_size = n_sequences if batch_size is None else check_positive_int("batch_size",
                                                                          batch_size)
    rng = as_generator(seed)
    if isinstance(stacked, RNN):
        return _train_rnn_members(models, u, targets, mask, optimizer, epochs, batch_size,
                                  loss, truncate, clip, rng)
    entries = _member_entries(stacked, n_members)
    project(stacked, masks)
    params = stacked.parameters()
    activation = stacked.output_activation

    def update(rows):
        _, grads = stacked.loss_and_gradients(u[rows], targets[rows], mask[rows], loss=loss,
                                              truncate=truncate)
        norms = np.empty(n_members)
        for name, grad in grads.items():
            grad[~masks[name]] = 0.0
        for k, where in enumerate(entries):
            parts = {name: grad.ravel()[where[name]] for name, grad in grads.items()}
            norms[k] = global_norm(parts)
            if clip is not None and norms[k] > clip:
                for name, grad in grads.items():
                    grad.ravel()[where[name]] = parts[name] * (clip / norms[k])
        optimizer.step(params, grads)
        project(stacked, masks)
        return norms

    def member_losses():
        logits = stacked.logits(stacked.run(u).states)
        outputs, weights = activation(logits), mask / mask.sum()
        return [loss_and_delta(loss, activation, logits[..., block], outputs[..., block],
                               targets[..., block], weights)[0]
                for block in (slice(k * n_out, (k + 1) * n_out) for k in range(n_members))]

    history = _run_epochs(epochs, batch_size, mask, rng, update, member_losses)
    return unstack(stacked, n_members), history


def _epoch_batches(mask, batch_size: int, rng: np.random.Generator):
    """The minibatches of one pass, as :func:`rnnbook.optim.train` makes them: the
    sequences shuffled (unless one batch holds them all), batches with no target
    left out."""
    n_sequences = mask.shape[0]
    order = rng.permutation(n_sequences) if batch_size < n_sequences else np.arange(n_sequences)
    for start in range(0, n_sequences, batch_size):
        rows = order[start:start + batch_size]
        if mask[rows].any():
            yield rows


def _run_epochs(epochs, batch_size, mask, rng, update, member_losses) -> StackHistory:
    """The minibatch loop of :func:`train_stack`, shuffled like :func:`rnnbook.optim.train`.

    ``update(rows)`` makes one update from the sequences ``rows`` and returns
    the members' gradient norms; ``member_losses()`` gives their losses after
    an epoch.
    """
    losses, norms = [], []
    for _ in range(epochs):
        epoch_norms = [update(rows) for rows in _epoch_batches(mask, batch_size, rng)]
        norms.append(np.mean(epoch_norms, axis=0))
        losses.append(member_losses())
    return StackHistory(np.array(losses, dtype=float), np.array(norms))


def _train_rnn_members(models, u, targets, mask, optimizer, epochs, batch_size, loss,
                       truncate, clip, rng):
    """:func:`train_stack` for plain RNNs, on weights with a leading member axis."""
    n_members, (n_sequences, n_steps, _) = len(models), u.shape
    members = _RNNMembers(models)
    # targets (B, T, K O) -> (K, B, T, O)
    targets = targets.reshape(n_sequences, n_steps, n_members, -1).transpose(2, 0, 1, 3)

    def update(rows):
        grads = members.gradients(loss, u[rows], targets[:, rows], mask[rows], truncate)
        norms = _member_norms(grads, n_members)
        if clip is not None:
            scale = np.where(norms > clip, clip / norms, 1.0)
            for name, grad in grads.items():
                grads[name] = grad * scale.reshape((-1,) + (1,) * (grad.ndim - 1))
        optimizer.step(members.params, grads)
        return norms

    history = _run_epochs(epochs, batch_size, mask, rng, update,
                          lambda: members.member_losses(loss, u, targets, mask))
    return members.members(), history
