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
as it would alone. Gradient clipping by a global norm would couple the
members, so do not clip a stack.

Works for :class:`rnnbook.RNN` and :class:`rnnbook.lstm.LSTM` with elementwise
output activations.

Introduced in chapter 4, *Information latching and vanishing gradients*.
"""

from __future__ import annotations

import numpy as np

from rnnbook.gru import GRU
from rnnbook.lstm import LSTM
from rnnbook.rnn import RNN
from rnnbook.validation import check_instance, check_positive_int


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
