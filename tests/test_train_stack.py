"""rnnbook.ensemble.train_stack trains each member as rnnbook.optim.train trains it alone.

The reference is always a network trained by itself with
:func:`rnnbook.optim.train` (the same seed, so the same minibatches), never the
function's own output; gradient clipping is set so that it binds for some
members and minibatches and not for others, which is where a stack clipped by
its global norm would go wrong.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest

from rnnbook import RNN
from rnnbook.ensemble import StackHistory, train_stack
from rnnbook.gru import GRU
from rnnbook.lstm import LSTM
from rnnbook.optim import SGD, Adam, global_norm, train
from rnnbook.sequences import latching_task


def _members(kind, n=3):
    if kind == "rnn":
        nets = [RNN.random(1, 5, 1, hidden_activation="tanh", output_activation="sigmoid",
                           seed=s) for s in range(n)]
        for s, net in enumerate(nets):      # expanding starts: large, unequal gradients
            net.W_rc[:] = np.random.default_rng(s).normal(0.0, 0.5 + 0.4 * s, (5, 5))
        # and initial states of their own, not zero
        return [RNN(n.W_ri, n.W_rc, n.W_or, n.t_r, n.t_o, hidden_activation="tanh",
                    output_activation="sigmoid",
                    x0=np.random.default_rng(10 + s).uniform(-0.5, 0.5, 5))
                for s, n in enumerate(nets)]
    cls = LSTM if kind == "lstm" else GRU
    return [cls.random(1, 4, 1, output_activation="sigmoid", seed=s) for s in range(n)]


def _data():
    u, d, m, _ = latching_task(24, 6, noise=0.5, seed=3)
    return u, d, m


def _optimizer(name):
    return SGD(0.5) if name == "sgd" else Adam(0.05)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("opt", ["sgd", "adam"])
def test_each_member_ends_as_if_trained_alone_with_its_own_clipping(kind, opt):
    u, d, m = _data()
    models = _members(kind)
    before = [copy.deepcopy(net.parameters()) for net in models]
    settings = dict(epochs=4, batch_size=8, loss="cross_entropy")
    # a limit inside the range of the members' gradient norms, so that it binds
    # for some members and epochs and not for others
    free = train_stack(models, u, d, m, optimizer=_optimizer(opt), seed=11, **settings)[1]
    clip = float(np.median(free.grad_norm))
    assert (free.grad_norm > 1.05 * clip).any() and (free.grad_norm < 0.95 * clip).any()
    members, history = train_stack(models, u, d, m, optimizer=_optimizer(opt), clip=clip,
                                   seed=11, **settings)
    assert isinstance(history, StackHistory)
    assert history.loss.shape == history.grad_norm.shape == (4, 3)
    assert not np.allclose(history.loss, free.loss)            # the clipping acted
    for k, net in enumerate(models):
        for name, value in net.parameters().items():     # the inputs are not changed
            np.testing.assert_array_equal(value, before[k][name])
        alone, optimizer = copy.deepcopy(net), _optimizer(opt)
        rng = np.random.default_rng(11)        # one stream, as a single train() call uses
        for epoch in range(4):
            h = train(alone, u, d, m, optimizer=optimizer, clip=clip, seed=rng,
                      **{**settings, "epochs": 1})
            np.testing.assert_allclose(history.grad_norm[epoch, k], h.grad_norm[0],
                                       rtol=1e-9)
            np.testing.assert_allclose(history.loss[epoch, k],
                                       alone.loss(u, d, m, loss="cross_entropy"), rtol=1e-9)
        for name, value in alone.parameters().items():
            np.testing.assert_allclose(members[k].parameters()[name], value, rtol=1e-9,
                                       atol=1e-12)


def test_clipping_is_per_member_not_by_the_stack_norm():
    # with the stack's global norm the small-gradient member would be scaled
    # down with the large one; with its own norm it is not scaled at all
    u, d, m = _data()
    models = _members("rnn")
    g = [net.loss_and_gradients(u, d, m, loss="cross_entropy")[1] for net in models]
    norms = np.array([global_norm(x) for x in g])
    clip = float(np.sqrt(norms.min() * norms.max()))   # between the smallest and largest
    members, history = train_stack(models, u, d, m, optimizer=SGD(1.0), epochs=1,
                                   loss="cross_entropy", clip=clip, seed=0)
    np.testing.assert_allclose(history.grad_norm[0], norms, rtol=1e-9)
    for k, net in enumerate(models):
        scale = min(1.0, clip / norms[k])
        for name, value in net.parameters().items():
            np.testing.assert_allclose(members[k].parameters()[name],
                                       value - scale * g[k][name], rtol=1e-9, atol=1e-14)


def test_targets_may_differ_per_member():
    u, d, m = _data()
    models = _members("rnn", 2)
    flipped = 1.0 - d
    members, history = train_stack(models, u, np.concatenate([d, flipped], axis=-1), m,
                                   optimizer=Adam(0.05), epochs=3, batch_size=8,
                                   loss="cross_entropy", seed=2)
    for k, (net, target, trained) in enumerate(zip(models, (d, flipped), members)):
        alone = copy.deepcopy(net)
        train(alone, u, target, m, optimizer=Adam(0.05), epochs=3, batch_size=8,
              loss="cross_entropy", seed=2)
        np.testing.assert_allclose(trained.W_rc, alone.W_rc, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(history.loss[-1, k],
                                   alone.loss(u, target, m, loss="cross_entropy"), rtol=1e-9)


@pytest.mark.parametrize("width", [3, 4])
def test_targets_of_another_width_are_refused(width):
    u, d, m = _data()
    with pytest.raises(ValueError, match="targets"):
        train_stack(_members("rnn", 2), u, np.repeat(d, width, axis=-1), m,
                    optimizer=SGD(0.1), epochs=1)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_truncated_bptt_trains_each_member_as_alone(kind):
    # truncate=2 cuts the backward paths every two steps, in every member as in
    # train(..., truncate=2) alone; and it matters here: the result differs from
    # full BPTT
    u, d, m = _data()
    models = _members(kind)
    settings = dict(epochs=3, batch_size=8, loss="cross_entropy", seed=5)
    members, history = train_stack(models, u, d, m, optimizer=Adam(0.05), truncate=2,
                                   **settings)
    full, _ = train_stack(models, u, d, m, optimizer=Adam(0.05), **settings)
    for k, net in enumerate(models):
        alone = copy.deepcopy(net)
        h = train(alone, u, d, m, optimizer=Adam(0.05), truncate=2, **settings)
        np.testing.assert_allclose(history.grad_norm[:, k], h.grad_norm, rtol=1e-9)
        for name, value in alone.parameters().items():
            np.testing.assert_allclose(members[k].parameters()[name], value, rtol=1e-9,
                                       atol=1e-12)
        assert not np.allclose(members[k].parameters()["W_rc"],
                               full[k].parameters()["W_rc"], rtol=1e-6, atol=0)
