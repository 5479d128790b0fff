"""Behaviour of the explorers of :mod:`rnnbook.widgets` (the wiring, not the figures).

Each explorer's drawing function is replaced by a recorder, so a test builds
the widget in milliseconds and checks what it passes on: the first drawing
uses the plotting function's own defaults (the figure of the static book),
the sliders start there and cover the ranges the docstrings promise, and
fixed arguments reach the drawing unchanged.
"""

from __future__ import annotations

import inspect

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rnnbook import deep, plotting, widgets  # noqa: E402


class Recorder:
    """Stands in for a plotting function: records every call's keyword arguments."""

    def __init__(self, name, original, error=None):
        self.__name__ = name
        self.original = original
        self.calls = []
        self.error = error

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        if self.error is not None:
            raise self.error
        return None


@pytest.fixture
def record(monkeypatch):
    def install(module, name, error=None):
        rec = Recorder(name, getattr(module, name), error)
        monkeypatch.setattr(module, name, rec)
        return rec
    yield install
    plt.close("all")


@pytest.fixture
def shows(monkeypatch):
    calls = []
    monkeypatch.setattr(widgets.plt, "show", lambda *a, **k: calls.append(1))
    return calls


def controls(widget):
    """``{argument name: control}`` of an ``interactive`` widget."""
    return {w._kwarg: w for w in widget.kwargs_widgets}


def defaults(func):
    func = getattr(func, "original", func)
    return {n: p.default for n, p in inspect.signature(func).parameters.items()
            if p.default is not inspect.Parameter.empty}


NO_ARG = [
    ("scale_explorer", plotting, "plot_scale_dynamics"),
    ("gradient_decay_explorer", plotting, "plot_gradient_decay"),
    ("forget_bias_explorer", plotting, "plot_forget_bias"),
    ("esn_explorer", plotting, "plot_esn_mackey_glass"),
    ("gradient_flow_explorer", deep, "plot_gradient_flow"),
]


@pytest.mark.parametrize("explorer, module, name", NO_ARG)
def test_first_drawing_is_the_static_figure(record, shows, explorer, module, name):
    """Sliders start at the plotting function's defaults; the first drawing uses them."""
    real = defaults(getattr(module, name))
    rec = record(module, name)
    widget = getattr(widgets, explorer)()
    ctrls = controls(widget)
    assert len(rec.calls) == 1 and len(shows) == 1
    args, kwargs = rec.calls[0]
    assert args == ()
    assert set(kwargs) == set(ctrls)
    for arg, ctrl in ctrls.items():
        assert arg in real, arg
        assert ctrl.value == pytest.approx(real[arg]), arg
        assert kwargs[arg] == pytest.approx(real[arg]), arg
        assert ctrl.min < ctrl.value <= ctrl.max or ctrl.min <= ctrl.value < ctrl.max, arg
        assert ctrl.continuous_update is False, arg
        # the default is a position of the slider: a whole number of steps from min
        n = (ctrl.value - ctrl.min) / ctrl.step
        assert n == pytest.approx(round(n)), arg
        if isinstance(ctrl.value, int):   # and so is the top of the range
            assert (ctrl.max - ctrl.min) % ctrl.step == 0, arg
    assert widget.f.__name__ == name


def test_scale_explorer_ranges(record, shows):
    """The docstring's ranges: scale 0 to 30, angle 0 to pi."""
    record(plotting, "plot_scale_dynamics")
    c = controls(widgets.scale_explorer())
    assert (c["scale"].min, c["scale"].max) == (0.0, 30.0)
    assert (c["angle"].min, c["angle"].max) == (0.0, pytest.approx(np.pi))
    assert c["n_steps"].min >= 1


def test_shown_records_and_reraises_errors(record, shows):
    """A drawing that refuses its arguments is not shown and the error is kept."""
    rec = record(plotting, "plot_forget_bias", error=ValueError("forget_bias is wrong"))
    show = widgets._shown(plotting.plot_forget_bias)
    with pytest.raises(ValueError, match="forget_bias is wrong"):
        show(forget_bias=1.0)
    assert len(rec.calls) == 1 and shows == []
    assert [str(e) for e in show.errors] == ["forget_bias is wrong"]
    assert show.__name__ == "plot_forget_bias"


def test_shown_shows_once_per_drawing(record, shows):
    rec = record(plotting, "plot_forget_bias")
    show = widgets._shown(plotting.plot_forget_bias)
    show(forget_bias=1.0)
    show(forget_bias=2.0)
    assert [k for _, k in rec.calls] == [{"forget_bias": 1.0}, {"forget_bias": 2.0}]
    assert len(shows) == 2 and show.errors == []


def test_checked_raises_the_first_error():
    class W:
        pass

    w = W()
    w.f = lambda: None
    w.f.errors = [ValueError("first"), TypeError("second")]
    with pytest.raises(ValueError, match="first"):
        widgets._checked(w)
    w.f.errors = []
    assert widgets._checked(w) is w
    w.f = print  # a function without the attribute: no error recorded
    assert widgets._checked(w) is w


def test_prediction_explorer(record, shows):
    rec = record(plotting, "plot_next_symbol_prediction")
    probs = np.full((40, 3), 1 / 3)
    symbols = np.zeros(41, dtype=int)
    c = controls(widgets.prediction_explorer(probs, symbols, "abc"))
    # positions cover every step of the sequence, from the first
    assert (c["position"].min, c["position"].value, c["position"].max) == (0, 0, 39)
    # (the slider starts at window=30, as the static figure of chapter 2)
    assert c["window"].min <= c["window"].value <= c["window"].max
    (_, kwargs), = rec.calls
    assert kwargs["probabilities"] is probs and kwargs["symbols"] is symbols
    assert kwargs["alphabet"] == "abc" and kwargs["position"] == 0
    assert kwargs["window"] == c["window"].value
    with pytest.raises(ValueError, match="probabilities is empty"):
        widgets.prediction_explorer(np.zeros((0, 3)), symbols[:1], "abc")


def test_extraction_explorer(record, shows):
    rec = record(plotting, "plot_extraction")
    model, strings, ref = object(), ["ab"], object()
    c = controls(widgets.extraction_explorer(model, strings, 2, accept_empty=True,
                                             reference=ref))
    real = defaults(plotting.plot_extraction)
    assert c["n_clusters"].value == real["n_clusters"] and c["seed"].value == real["seed"]
    assert c["n_clusters"].min == 1
    (_, kwargs), = rec.calls
    assert kwargs["model"] is model and kwargs["strings"] is strings
    assert kwargs["reference"] is ref and kwargs["accept_empty"] is True
    assert kwargs["n_symbols"] == 2


def test_chaos_game_explorer(record, shows):
    rec = record(plotting, "plot_chaos_game")
    sources = {"first": ([0, 1], "ab"), "second": ([1, 0], "ab")}
    c = controls(widgets.chaos_game_explorer(sources))
    real = defaults(plotting.plot_chaos_game)
    assert (c["k"].min, c["k"].value, c["k"].max) == (0.1, real["k"], 0.9)
    assert c["source"].value == "first" and list(c["source"].options) == ["first", "second"]
    (_, kwargs), = rec.calls
    assert kwargs["sources"] is sources and kwargs["source"] == "first"
    assert kwargs["n_points"] == c["n_points"].value == real["n_points"]
    for bad in ({}, [("x", 1)]):
        with pytest.raises(TypeError, match="sources must be a non-empty dict"):
            widgets.chaos_game_explorer(bad)


def test_architectural_bias_explorer(record, shows):
    rec = record(plotting, "plot_architectural_bias")
    symbols = [0, 1, 2]
    c = controls(widgets.architectural_bias_explorer(symbols, "abc"))
    real = defaults(plotting.plot_architectural_bias)
    for arg in ("recurrent_scale", "input_scale", "n_hidden", "seed"):
        assert c[arg].value == real[arg], arg
    (_, kwargs), = rec.calls
    assert kwargs["symbols"] is symbols and kwargs["alphabet"] == "abc"


class FakeSweep:
    def __init__(self, settings, best):
        self.settings = settings
        self.best = best


def test_vlmm_explorer(record, shows):
    rec = record(plotting, "plot_vlmm_threshold")
    a = (FakeSweep([1, 2], 0), FakeSweep([0.0, 0.5, 0.01, 0.1], 3))
    b = (FakeSweep([1], 0), FakeSweep([0.2, 0.01], 0))
    c = controls(widgets.vlmm_explorer({"A": a, "B": b}))
    # the positive thresholds of all data sets, sorted, without repeats
    assert [v for _, v in c["threshold"].options] == [0.01, 0.1, 0.2, 0.5]
    assert [t for t, _ in c["threshold"].options] == ["0.01", "0.1", "0.2", "0.5"]
    # starts at the best threshold of the first data set
    assert c["threshold"].value == 0.1 and c["data_set"].value == "A"
    assert list(c["data_set"].options) == ["A", "B"]
    (args, kwargs), = rec.calls
    assert args[0] is a[0] and args[1] is a[1] and args[2] == 0.1
    assert kwargs == {"title": "A"}
    # a best threshold of zero starts at the nearest positive one
    c = controls(widgets.vlmm_explorer({"A": (FakeSweep([1], 0), FakeSweep([0.0, 0.3, 1.0], 0))}))
    assert c["threshold"].value == 0.3
    with pytest.raises(TypeError, match="sweeps must be a non-empty dict"):
        widgets.vlmm_explorer({})
    with pytest.raises(ValueError, match=r"pair \(ngram, vlmm\)"):
        widgets.vlmm_explorer({"A": a, "B": (a[0],)})


def test_liquid_explorer(record, shows):
    rec = record(plotting, "plot_liquid_activity")
    net, inputs, times = object(), np.zeros((3, 1)), np.array([0.2])
    c = controls(widgets.liquid_explorer(net, inputs, times))
    real = defaults(plotting.plot_liquid_activity)
    assert c["scale"].value == real["scale"]
    assert c["dynamic"].value is False
    # scales 2**-5 to 1
    assert (c["scale"].min, c["scale"].max, c["scale"].base) == (-5, 0, 2)
    (args, kwargs), = rec.calls
    assert args == (real["scale"],)
    assert kwargs["network"] is net and kwargs["inputs"] is inputs
    assert kwargs["input_times"] is times and kwargs["dynamic"] is False


def test_fpm_explorer(record, shows):
    rec = record(plotting, "plot_fpm_contexts")
    train, sweeps = [0, 1], {"x": 1}
    c = controls(widgets.fpm_explorer(train, "ab", sweeps, label="L", seed=7))
    sizes = list(c["n_contexts"].options)
    assert sizes == [2 ** j for j in range(1, 12)]
    assert c["n_contexts"].value == 64
    real = defaults(plotting.plot_fpm_contexts)
    assert (c["k"].min, c["k"].value, c["k"].max) == (0.1, real["k"], 0.9)
    (args, kwargs), = rec.calls
    assert args == (64,)
    assert kwargs == {"train": train, "alphabet": "ab", "k": real["k"], "seed": 7,
                      "sweeps": sweeps, "label": "L"}
