"""Behaviour of rnnbook.lstm that the mutation run found unpinned."""

from __future__ import annotations

import numpy as np
import pytest

from rnnbook import lstm
from rnnbook.lstm import LSTM


@pytest.mark.parametrize("loss, match", [
    ("hinge", "loss must be one of"),
    ("cross_entropy", "cross_entropy loss needs sigmoid or softmax"),
])
def test_loss_and_gradients_checks_the_loss(loss, match):
    model = lstm.LSTM.random(2, 3, 1, seed=0)       # linear outputs
    u = np.zeros((1, 4, 2))
    targets = np.zeros((1, 4, 1))
    with pytest.raises(ValueError, match=match):
        model.loss_and_gradients(u, targets, loss=loss)


# ------------------------------------------------ the shared base of LSTM and GRU

def test_gated_layer_is_a_base_that_cannot_be_built_itself():
    from rnnbook.gated import GatedLayer
    from rnnbook.gru import GRU
    with pytest.raises(TypeError, match="abstract"):
        GatedLayer(np.zeros((4, 1)), np.zeros((4, 1)), np.zeros((1, 1)))

    class NoBlocks(GatedLayer):           # a subclass that forgot to name its blocks
        def transition(self, drive_t, x_prev):
            return x_prev

    with pytest.raises(TypeError, match="NoBlocks names no blocks .* build one of those"):
        NoBlocks(np.zeros((4, 1)), np.zeros((4, 1)), np.zeros((1, 1)))
    assert issubclass(LSTM, GatedLayer) and issubclass(GRU, GatedLayer)
    assert LSTM.GATES == ("input", "forget", "cell", "output")
    assert GRU.GATES == ("update", "reset", "candidate")


@pytest.mark.parametrize("blocks", [3, 4])
def test_gated_layer_shapes_slices_drive_and_readout(blocks):
    # the same base serves both: B blocks of H rows, a readout of the layer output
    from rnnbook.gru import GRU
    cls = LSTM if blocks == 4 else GRU
    rng = np.random.default_rng(blocks)
    hidden, n_in, n_out = 2, 3, 1
    W_ri = rng.normal(size=(blocks * hidden, n_in))
    W_rc = rng.normal(size=(blocks * hidden, hidden))
    W_or, t_r, t_o = rng.normal(size=(n_out, hidden)), rng.normal(size=blocks * hidden), [0.5]
    net = cls(W_ri, W_rc, W_or, t_r, t_o)
    assert (net.n_inputs, net.n_hidden, net.n_outputs) == (n_in, hidden, n_out)
    assert net.n_states == (2 * hidden if blocks == 4 else hidden)
    for k, gate in enumerate(cls.GATES):
        assert net.gate_slice(gate) == slice(k * hidden, (k + 1) * hidden)
    u = rng.normal(size=(5, n_in))
    np.testing.assert_allclose(net.input_drive(u), u @ W_ri.T + t_r, rtol=1e-15)
    x = rng.normal(size=(5, net.n_states))
    np.testing.assert_allclose(net.logits(x), x[:, :hidden] @ W_or.T + 0.5, rtol=1e-15)
    assert repr(net) == (f"{cls.__name__}(n_inputs=3, n_hidden=2, n_outputs=1, "
                         "output_activation='identity')")
    with pytest.raises(ValueError, match=f"W_ri must have {blocks} H rows"):
        cls(W_ri[:-1], W_rc, W_or)
    net.W_or = None
    with pytest.raises(ValueError, match=f"this {cls.__name__} has no readout .* "
                                         f"{cls.__name__}.random"):
        net.logits(x)


@pytest.mark.parametrize("weight_scale", [None, 0.3])
def test_random_gated_weights_are_uniform_on_the_open_interval(weight_scale):
    # every array of LSTM.random and GRU.random is drawn uniform on (-s, s),
    # s = 1/sqrt(H) by default: all inside, both signs, spread as a uniform's
    from rnnbook.gru import GRU
    hidden = 16
    s = 1 / np.sqrt(hidden) if weight_scale is None else weight_scale
    for cls in (LSTM, GRU):
        net = cls.random(12, hidden, 10, weight_scale=weight_scale, seed=3)
        for name in ("W_ri", "W_rc", "W_or"):
            w = getattr(net, name)
            assert np.all(np.abs(w) < s), name
            assert w.min() < -0.8 * s and w.max() > 0.8 * s, name
            # the standard deviation of U(-s, s) is s / sqrt(3), to sampling error
            assert abs(w.std() - s / np.sqrt(3)) < 0.15 * s, name
