"""Behaviour of rnnbook.gradcheck, rnnbook.ensemble and rnnbook.experiments.

References are independent of the code under test: gradients written out by hand
for a one-step linear network (where a central difference is exact for any
epsilon), stacked networks compared with their members run alone, and the stacked
experiments compared with each network trained by itself with rnnbook.optim.train.
"""

import numpy as np
import pytest

from rnnbook import RNN
from rnnbook.ensemble import _gate_rows, project, stack, unstack
from rnnbook.experiments import (latching_success, parity_memory_accuracy,
                                 train_regression_seeds)
from rnnbook.gradcheck import check_gradients, numerical_gradients, relative_error
from rnnbook.gru import GRU
from rnnbook.lstm import LSTM
from rnnbook.optim import Adam, train
from rnnbook.sequences import latching_task, parity_prefix_data


# --- gradcheck ------------------------------------------------------------------

def _linear_net():
    rng = np.random.default_rng(3)
    return RNN(rng.normal(size=(3, 2)), rng.normal(size=(3, 3)), rng.normal(size=(2, 3)),
               rng.normal(size=3), rng.normal(size=2), hidden_activation="identity",
               output_activation="identity")


def _hand_gradients(net, u, d):
    """One step from x0 = 0, squared error 0.5 |y - d|^2 over one step."""
    x = net.W_ri @ u + net.t_r
    e = net.W_or @ x + net.t_o - d
    back = net.W_or.T @ e
    return {"W_ri": np.outer(back, u), "W_rc": np.zeros((3, 3)), "W_or": np.outer(e, x),
            "t_r": back, "t_o": e}


@pytest.mark.parametrize("epsilon", [1e-3, 0.5])
def test_numerical_gradients_exact_for_a_loss_quadratic_in_each_entry(epsilon):
    net = _linear_net()
    u, d = np.array([[0.7, -1.2]]), np.array([[0.3, -0.4]])
    before = {k: v.copy() for k, v in net.parameters().items()}
    numeric = numerical_gradients(net, u, d, epsilon=epsilon)
    hand = _hand_gradients(net, u[0], d[0])
    assert set(numeric) == set(hand)
    for name in hand:
        np.testing.assert_allclose(numeric[name], hand[name], rtol=1e-7, atol=1e-9)
    for name, value in net.parameters().items():   # every entry put back exactly
        assert np.array_equal(value, before[name])


def test_numerical_gradients_masked_steps_and_cross_entropy_shape():
    net = _linear_net()
    u = np.array([[0.7, -1.2], [5.0, 5.0]])
    d = np.array([[0.3, -0.4], [9.0, 9.0]])
    # the second step is masked out and, from x(1), the first step is unaffected
    numeric = numerical_gradients(net, u, d, np.array([1.0, 0.0]), epsilon=0.25)
    hand = _hand_gradients(net, u[0], d[0])
    for name in ("W_ri", "W_or", "t_r", "t_o"):
        np.testing.assert_allclose(numeric[name], hand[name], rtol=1e-7, atol=1e-9)


class _Doubled:
    """An RNN whose reported gradients are twice the true ones."""

    def __init__(self, net):
        self.net = net
        self.W_or = net.W_or
        self.n_inputs, self.n_outputs = net.n_inputs, net.n_outputs

    def parameters(self):
        return self.net.parameters()

    def run(self, *a, **k):
        return self.net.run(*a, **k)

    def logits(self, *a, **k):
        return self.net.logits(*a, **k)

    def loss(self, *a, **k):
        return self.net.loss(*a, **k)

    def loss_and_gradients(self, *a, **k):
        value, grads = self.net.loss_and_gradients(*a, **k)
        return value, {n: 2 * g for n, g in grads.items()}


def test_check_gradients_reports_one_third_for_doubled_gradients():
    net = _linear_net()
    u, d = np.array([[0.7, -1.2]]), np.array([[0.3, -0.4]])
    good = check_gradients(net, u, d, epsilon=1e-4)
    assert set(good) == {"W_ri", "W_rc", "W_or", "t_r", "t_o"}
    assert max(good.values()) < 1e-8
    bad = check_gradients(_Doubled(net), u, d, epsilon=1e-4)
    # |g - 2g| / (|g| + |2g|) = 1/3 for every non-zero gradient; W_rc's is zero
    for name in ("W_ri", "W_or", "t_r", "t_o"):
        assert bad[name] == pytest.approx(1 / 3, rel=1e-7)
    assert bad["W_rc"] == 0.0


def test_default_epsilon_is_1e_6():
    net = RNN.random(2, 3, 2, seed=4, hidden_activation="tanh", output_activation="sigmoid")
    u = np.random.default_rng(1).normal(size=(3, 2))
    d = np.full((3, 2), 0.25)
    default = numerical_gradients(net, u, d)
    explicit = numerical_gradients(net, u, d, epsilon=1e-6)
    other = numerical_gradients(net, u, d, epsilon=2e-6)
    assert all(np.array_equal(default[n], explicit[n]) for n in default)
    assert any(not np.array_equal(default[n], other[n]) for n in default)
    errors = check_gradients(net, u, d)
    assert errors == check_gradients(net, u, d, epsilon=1e-6)
    assert errors != check_gradients(net, u, d, epsilon=2e-6)


def test_numerical_gradients_refuses_bad_data_before_moving_any_weight():
    net = _linear_net()
    before = {k: v.copy() for k, v in net.parameters().items()}
    with pytest.raises(ValueError, match=r"^targets must have shape \(1, 2\) to match u"):
        numerical_gradients(net, [[0.5, 0.5]], [[0.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match=r"^mask selects no step"):
        numerical_gradients(net, [[0.5, 0.5]], [[0.0, 0.0]], [0.0])
    for name, value in net.parameters().items():
        assert np.array_equal(value, before[name])


def test_relative_error_values_and_refusals():
    assert relative_error([3.0, 4.0], [0.0, 0.0]) == 1.0
    assert relative_error([[1.0, 2.0]], [[1.0, 2.0]]) == 0.0
    assert relative_error([0.0], [0.0]) == 0.0
    assert relative_error([2.0], [1.0]) == pytest.approx(1 / 3, rel=1e-15)
    with pytest.raises(ValueError, match=r"^numeric is empty: there is nothing to compare$"):
        relative_error([], [])
    with pytest.raises(ValueError, match=r"^analytic must have shape \(2\); got \(3,\)$"):
        relative_error([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"^epsilon must be positive; got 0.0$"):
        numerical_gradients(_linear_net(), [[0.0, 0.0]], [[0.0, 0.0]], epsilon=0)
    with pytest.raises(ValueError, match=r"^epsilon must be positive; got -1.0$"):
        check_gradients(_linear_net(), [[0.0, 0.0]], [[0.0, 0.0]], epsilon=-1)
    with pytest.raises(TypeError, match=r"^model must be a model with parameters\(\)"):
        check_gradients(object(), [[0.0, 0.0]], [[0.0, 0.0]])


# --- ensemble --------------------------------------------------------------------

def test_gate_rows_by_hand():
    assert _gate_rows(2, 3, 2, 1).tolist() == [3, 4, 5, 9, 10, 11]
    assert _gate_rows(3, 2, 1, 0).tolist() == [0, 1]
    assert _gate_rows(2, 1, 4, 0).tolist() == [0, 2, 4, 6]


def _members(kind, n=3):
    if kind == "rnn":
        nets = [RNN.random(2, 3, 2, seed=s, threshold_scale=0.5) for s in range(n)]
        # tanh hidden units (not the default) and distinct initial states
        return [RNN(m.W_ri, m.W_rc, m.W_or, m.t_r, m.t_o, hidden_activation="tanh",
                    output_activation="sigmoid", x0=np.full(3, 0.1 * (s + 1)))
                for s, m in enumerate(nets)]
    if kind == "lstm":
        return [LSTM.random(2, 3, 2, seed=s, output_activation="sigmoid") for s in range(n)]
    return [GRU.random(2, 3, 2, seed=s, output_activation="sigmoid") for s in range(n)]


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_stack_runs_every_member_as_alone_and_unstack_gives_them_back(kind):
    members = _members(kind)
    u = np.random.default_rng(0).normal(size=(4, 5, 2))
    stacked, masks = stack(members)
    assert type(stacked) is type(members[0])
    assert stacked.n_hidden == 9 and stacked.n_outputs == 6
    out = stacked.run(u).outputs
    for k, m in enumerate(members):
        np.testing.assert_allclose(out[..., 2 * k:2 * k + 2], m.run(u).outputs,
                                   rtol=1e-12, atol=1e-14)
    gates = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    assert masks["W_rc"].sum() == gates * 3 * 9          # one 3x3 block per gate and member
    assert masks["W_ri"].sum() == gates * 9 * 2
    assert masks["W_or"].sum() == 3 * 2 * 3 and masks["t_o"].all()
    assert masks["t_r"].all()
    back = unstack(stacked, 3)
    assert len(back) == 3
    for m, b in zip(members, back):
        assert type(b) is type(m)
        for name, value in m.parameters().items():
            assert np.array_equal(b.parameters()[name], value)
        assert np.array_equal(b.initial_state(), m.initial_state())
        assert b.output_activation.name == "sigmoid"
        if kind == "rnn":
            assert b.hidden_activation.name == "tanh"
            assert b.initial_state()[0] != 0.0


@pytest.mark.parametrize("kind", ["rnn", "gru"])
def test_stack_of_one_and_of_a_generator(kind):
    members = _members(kind, 2)
    u = np.random.default_rng(1).normal(size=(2, 4, 2))
    single, _ = stack((members[0],))
    (back,) = unstack(single, 1)
    np.testing.assert_array_equal(back.run(u).outputs, members[0].run(u).outputs)
    from_generator, masks = stack(m for m in members)
    np.testing.assert_allclose(from_generator.run(u).outputs[..., 2:],
                               members[1].run(u).outputs, rtol=1e-12, atol=1e-14)
    assert masks["t_o"].shape == (4,)


def test_project_zeroes_off_block_weights_only():
    stacked, masks = stack(_members("rnn", 2))
    before = {k: v.copy() for k, v in stacked.parameters().items()}
    for value in stacked.parameters().values():
        value += 1.0
    project(stacked, masks)
    for name, value in stacked.parameters().items():
        assert np.all(value[~masks[name]] == 0.0)
        np.testing.assert_array_equal(value[masks[name]], before[name][masks[name]] + 1.0)


def test_ensemble_refusals():
    rnns = _members("rnn", 2)
    with pytest.raises(ValueError, match=r"^models must hold at least one network$"):
        stack([])
    with pytest.raises(TypeError, match=r"^models must be a list of RNN or LSTM networks"):
        stack("ab")
    with pytest.raises(TypeError, match=r"^models must be RNN, LSTM or GRU networks; got int$"):
        stack([1])
    with pytest.raises(ValueError, match=r"^every network in models must have the same class"):
        stack([rnns[0], RNN.random(2, 4, 2, seed=0, output_activation="sigmoid")])
    with pytest.raises(ValueError, match=r"^every network in models must have the same class"):
        stack([rnns[0], _members("lstm", 1)[0]])
    with pytest.raises(ValueError, match=r"^every network in models must have the same "
                                         r"activations$"):
        stack([rnns[0], RNN.random(2, 3, 2, seed=0, output_activation="identity")])
    with pytest.raises(ValueError, match=r"^stacking needs an elementwise output activation"):
        stack([RNN.random(2, 3, 2, seed=0, output_activation="softmax")])
    stacked, masks = stack(rnns)
    with pytest.raises(ValueError, match=r"^n_members must divide the stacked network's 6 "
                                         r"units and 4 outputs; got 4$"):
        unstack(stacked, 4)
    odd = RNN.random(2, 6, 3, seed=0)
    with pytest.raises(ValueError, match=r"^n_members must divide .* 3 outputs; got 2$"):
        unstack(odd, 2)
    with pytest.raises(ValueError, match=r"^masks must hold a boolean array of shape \(6, 6\) "
                                         r"for W_rc \(as stack returns\); got none$"):
        project(stacked, {k: v for k, v in masks.items() if k != "W_rc"})
    with pytest.raises(ValueError, match=r"^masks must hold .* for W_or .*; got \(1,\)$"):
        project(stacked, {**masks, "W_or": np.ones(1, dtype=bool)})
    with pytest.raises(TypeError, match=r"^masks must be a dict of parameter name"):
        project(stacked, [])


# --- experiments ------------------------------------------------------------------

def _latch_net(seed):
    return RNN.random(1, 3, 1, seed=seed, hidden_activation="tanh",
                      output_activation="sigmoid")


def test_latching_success_equals_each_network_trained_alone():
    # noisy enough, and short enough training, that the accuracies differ between
    # networks and lags (and from those at any step but the last)
    kw = dict(n_seeds=3, seed=2, noise=1.0, n_train=16, n_test=40, epochs=3,
              learning_rate=0.05, batch_size=8)
    result = latching_success(_latch_net, [2, 8], threshold=0.6, **kw)
    assert list(result.success) == [2, 8] and list(result.accuracy) == [2, 8]
    for lag in (2, 8):
        u, d, mask, _ = latching_task(16, lag, noise=1.0, seed=2 + 7919 * lag)
        u_test, _, _, labels = latching_task(40, lag, noise=1.0, seed=2 + 7919 * lag + 1)
        acc = []
        for s in range(3):
            net = _latch_net(2 + s)
            train(net, u, d, mask, optimizer=Adam(0.05), epochs=3, batch_size=8,
                  loss="cross_entropy", seed=2)
            y = net.run(u_test).outputs[:, -1, 0]
            acc.append(np.mean((y >= 0.5) == (labels == 1)))
        np.testing.assert_array_equal(result.accuracy[lag], acc)
        assert result.success[lag] == np.mean(np.array(acc) >= 0.6)
    assert len(set(result.accuracy[2].tolist() + result.accuracy[8].tolist())) >= 4
    assert 0 < result.success[2] < 1
    # the threshold counts an accuracy equal to it as a success
    some = float(np.max(result.accuracy[2]))
    again = latching_success(_latch_net, [2], threshold=some, **kw)
    assert again.success[2] == np.mean(result.accuracy[2] >= some)
    assert again.success[2] >= 1 / 3


def test_latching_success_refusals():
    with pytest.raises(ValueError, match=r"^n_seeds must be a positive integer; got 0$"):
        latching_success(_latch_net, [1], n_seeds=0)
    with pytest.raises(TypeError, match=r"^make_network must be callable; got int 3$"):
        latching_success(3, [1])
    with pytest.raises(ValueError, match=r"^seed must be a non-negative integer; got -1$"):
        latching_success(_latch_net, [1], seed=-1)
    with pytest.raises(ValueError, match=r"^lags must hold at least one lag$"):
        latching_success(_latch_net, [])
    with pytest.raises(TypeError, match=r"^lags must be a sequence of lags; got 3$"):
        latching_success(_latch_net, 3)
    with pytest.raises(ValueError, match=r"^threshold must lie in \[0, 1\]; got 1.5$"):
        latching_success(_latch_net, [1], threshold=1.5)


def _parity_net(seed):
    return RNN.random(2, 3, 1, seed=seed, hidden_activation="tanh",
                      output_activation="sigmoid")


@pytest.mark.parametrize("window", [None, 2])
def test_parity_memory_accuracy_equals_each_network_trained_alone(window):
    kw = dict(n_seeds=2, seed=1, n_train=12, max_train_length=4, n_test=25, epochs=2,
              learning_rate=0.05, batch_size=6)
    result = parity_memory_accuracy(_parity_net, window=window, lengths=(3, 6), **kw)
    assert list(result.accuracy) == [3, 6] and len(result.networks) == 2
    rng = np.random.default_rng(1)
    lengths = rng.integers(1, 5, 12)
    assert lengths.max() <= 4
    strings = [rng.integers(0, 2, n) for n in lengths]
    u, d, mask = parity_prefix_data(strings, window)
    tests = {n: rng.integers(0, 2, (25, n)) for n in (3, 6)}
    for s in range(2):
        net = _parity_net(1 + s)
        train(net, u, d, mask, optimizer=Adam(0.05), epochs=2, batch_size=6,
              loss="cross_entropy", seed=1)
        for name, value in net.parameters().items():
            np.testing.assert_allclose(result.networks[s].parameters()[name], value,
                                       rtol=1e-10, atol=1e-12)
        for n, strings_n in tests.items():
            k = n if window is None else window
            labels = strings_n[:, -k:].sum(axis=1) % 2        # brute-force parity
            u_test = np.stack([np.eye(2)[row] for row in strings_n])
            y = net.run(u_test).outputs[:, -1, 0]
            assert result.accuracy[n][s] == np.mean((y >= 0.5) == (labels == 1))


def test_parity_memory_accuracy_refusals():
    with pytest.raises(ValueError, match=r"^lengths must hold at least one test length$"):
        parity_memory_accuracy(_parity_net, lengths=())
    with pytest.raises(ValueError, match=r"^window must be a positive integer; got 0$"):
        parity_memory_accuracy(_parity_net, window=0)


def test_documented_defaults():
    """The chapters call these with their defaults (noise, sizes, budget, threshold):
    the stored outputs and the prose about them hold for these values only."""
    import inspect

    def defaults(f):
        return {k: p.default for k, p in inspect.signature(f).parameters.items()
                if p.default is not inspect.Parameter.empty}

    assert defaults(latching_success) == dict(
        n_seeds=10, seed=0, noise=0.5, n_train=128, n_test=500, epochs=40,
        learning_rate=0.01, batch_size=32, threshold=0.9)
    assert defaults(parity_memory_accuracy) == dict(
        window=None, lengths=(10, 20, 50, 100, 200), n_seeds=10, seed=0, n_train=1000,
        max_train_length=20, n_test=200, epochs=100, learning_rate=0.05, batch_size=100)
    assert defaults(train_regression_seeds) == dict(
        n_seeds=5, seed=0, epochs=20, learning_rate=0.01, batch_size=25, eval_every=2)
    assert defaults(numerical_gradients) == dict(mask=None, loss="squared_error",
                                                 epsilon=1e-6)


@pytest.mark.parametrize("function", ["latching", "parity"])
@pytest.mark.parametrize("change, error, match", [
    ({"n_seeds": 0}, ValueError, r"^n_seeds must be a positive integer; got 0$"),
    ({"seed": 1.5}, TypeError, r"^seed must be a non-negative integer; got float 1.5$"),
    ({"epochs": 0}, ValueError, r"^epochs must be a positive integer; got 0$"),
    ({"learning_rate": 0.0}, ValueError, r"^learning_rate must be positive; got 0.0$"),
    ({"batch_size": 0}, ValueError, r"^batch_size must be a positive integer; got 0$"),
    ({"n_train": 0}, ValueError, r"^n_train must be a positive integer; got 0$"),
    ({"n_test": -2}, ValueError, r"^n_test must be a positive integer; got -2$"),
])
def test_stacked_experiments_refuse_each_bad_argument(function, change, error, match):
    built = []   # bad input fails early: before any network is built or trained

    def make(seed):
        built.append(seed)
        return (_latch_net if function == "latching" else _parity_net)(seed)

    with pytest.raises(error, match=match):
        if function == "latching":
            latching_success(make, [1], **change)
        else:
            parity_memory_accuracy(make, **change)
    assert built == []


def test_experiment_specific_refusals():
    with pytest.raises(ValueError, match=r"^noise must lie in \[0, inf\); got -0.5$"):
        latching_success(_latch_net, [1], noise=-0.5)
    with pytest.raises(ValueError, match=r"^lags must be a non-negative integer; got -1$"):
        latching_success(_latch_net, [1, -1])
    with pytest.raises(ValueError, match=r"^max_train_length must be a positive integer; "
                                         r"got 0$"):
        parity_memory_accuracy(_parity_net, max_train_length=0)
    with pytest.raises(ValueError, match=r"^lengths must be a positive integer; got 0$"):
        parity_memory_accuracy(_parity_net, lengths=(5, 0))


def test_a_dict_of_makers_is_refused_where_it_is_not_supported():
    with pytest.raises(TypeError, match=r"^make_network must be callable"):
        latching_success({"x": _latch_net}, [2])
    with pytest.raises(TypeError, match=r"^make_network must be callable"):
        parity_memory_accuracy({"x": _latch_net})
