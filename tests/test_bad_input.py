"""Every public callable of rnnbook refuses bad input with an error naming the argument.

The public API is enumerated automatically (:func:`public_callables`: every
module's ``__all__``, or its public functions and classes, and each class's
public methods), so a new function cannot slip past this file:
:func:`test_every_public_callable_is_covered` fails unless it has an entry in
``TABLE`` or a justified exemption in ``EXEMPT``.

An entry gives a factory of valid baseline arguments (the callable and its
keyword arguments, tiny sizes). Arguments left out take their defaults, which
are tested too unless they are ``None`` (an optional input whose absence is
the baseline) or listed in ``skip`` with a reason. Each argument is then
replaced in turn by the bad values of its *kind* (inferred from the baseline
value, or set per entry): wrong types, bools for ints, NaN and inf, wrong
shapes, empty arrays, zero, negative and huge sizes, out-of-range rates,
invalid seeds. Every such case must raise ``TypeError`` or ``ValueError``
whose message names that argument, within a few seconds (a hang is a
failure). Each baseline call must itself succeed, so that an error is about the
bad value, not a broken baseline.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import inspect
import numbers
import pkgutil
import re
import signal

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnnbook  # noqa: E402

NAN, INF = float("nan"), float("inf")
HUGE = 10 ** 12
TIMEOUT = 5  # seconds per case


# --------------------------------------------------------------------- the API
def public_callables() -> dict[str, object]:
    """``{"module.name" or "module.Class.method": object}`` for the whole public API."""
    found = {}
    for info in pkgutil.iter_modules(rnnbook.__path__):
        mod = importlib.import_module(f"rnnbook.{info.name}")
        names = getattr(mod, "__all__", None)
        if names is None:
            names = [n for n, o in vars(mod).items()
                     if not n.startswith("_") and (inspect.isfunction(o) or inspect.isclass(o))
                     and o.__module__ == mod.__name__]
        for name in names:
            obj = getattr(mod, name)
            if not callable(obj):
                continue
            found[f"{info.name}.{name}"] = obj
            if inspect.isclass(obj):
                for meth, raw in vars(obj).items():
                    if meth.startswith("_"):
                        continue
                    if inspect.isfunction(raw) or isinstance(raw, (staticmethod, classmethod)):
                        found[f"{info.name}.{name}.{meth}"] = getattr(obj, meth)
    return found


def parameters(obj) -> list[inspect.Parameter]:
    """The parameters a caller passes (no ``self``, ``*args`` or ``**kwargs``)."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return []
    params = [p for p in sig.parameters.values()
              if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if params and params[0].name in ("self", "cls"):
        params = params[1:]
    return params


# -------------------------------------------------------------- bad values
def _array_bads(value, *, extra_dim=True, empty=True):
    arr = np.asarray(value, dtype=float)
    out = [("text", "abc")]
    if arr.size:
        nan = arr.copy()
        nan.flat[0] = NAN
        inf = arr.copy()
        inf.flat[-1] = INF
        out += [("nan", nan), ("inf", inf)]
    if extra_dim:
        out.append(("extra-dim", arr[None]))
    if empty and arr.ndim and arr.shape[0]:
        out.append(("empty", arr[:0]))
    return out


def _symbol_bads(value):
    arr = np.asarray(value)
    bad = arr.copy()
    bad.flat[0] = -1
    return [("float-symbols", arr.astype(float) + 0.5), ("negative-symbol", bad),
            ("2-d", arr[None]), ("empty", arr[:0]), ("text", "abc")]


KINDS = {
    "seed": lambda v: [("negative", -1), ("float", 1.5), ("text", "0"), ("bool", True)],
    "size": lambda v: [("text", "2"), ("float", 2.5), ("bool", True), ("zero", 0),
                       ("negative", -1), ("huge", HUGE)],
    "count": lambda v: [("text", "2"), ("float", 2.5), ("bool", True), ("negative", -1),
                        ("huge", HUGE)],
    "int": lambda v: [("text", "2"), ("float", 2.5), ("bool", True)],
    "float": lambda v: [("text", "x"), ("nan", NAN), ("inf", INF)],
    "pos": lambda v: [("text", "x"), ("nan", NAN), ("inf", INF), ("zero", 0.0),
                      ("negative", -1.0)],
    "nonneg": lambda v: [("text", "x"), ("nan", NAN), ("inf", INF), ("negative", -1.0)],
    "unit": lambda v: [("text", "x"), ("nan", NAN), ("negative", -0.5), ("above-one", 1.5)],
    "open_unit": lambda v: [("text", "x"), ("nan", NAN), ("zero", 0.0), ("one", 1.0),
                            ("above-one", 1.5)],
    "threshold": lambda v: [("text", "x"), ("nan", NAN), ("negative", -1.0)],
    "frac": lambda v: [("text", "x"), ("nan", NAN), ("zero", 0.0), ("negative", -0.5),
                       ("above-one", 1.5)],
    "bool": lambda v: [("text", "yes"), ("number", 2)],
    "labels": lambda v: [("number", 3), ("numbers", [1, 2, 3, 4, 5])],
    "none": lambda v: [],
    "array_free": lambda v: [b for b in _array_bads(v) if b[0] not in ("extra-dim", "empty")],
    "symbols_may_be_empty": lambda v: [b for b in _symbol_bads(v) if b[0] != "empty"],
    "choice": lambda v: [("unknown", "no such option"), ("number", 3)],
    "array": lambda v: _array_bads(v),
    "array_any_ndim": lambda v: _array_bads(v, extra_dim=False),
    "array_may_be_empty": lambda v: _array_bads(v, empty=False),
    "symbols": _symbol_bads,
    "object": lambda v: [("text", "x"), ("number", 3)],
    "callable": lambda v: [("number", 3)],
    "dict": lambda v: [("text", "x"), ("empty", {})],
}


def infer_kind(name, value):
    if name == "seed":
        return "seed"
    if name == "alphabet":
        return "labels"
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, numbers.Integral):
        return "size"
    if isinstance(value, numbers.Real):
        return "float"
    if isinstance(value, str):
        return "choice"
    if isinstance(value, dict):
        return "dict"
    if isinstance(value, np.ndarray):
        if np.issubdtype(value.dtype, np.integer):
            return "symbols"
        if np.issubdtype(value.dtype, np.floating):
            return "array"
        return None
    if inspect.isfunction(value) or inspect.ismethod(value):
        return "callable"
    if isinstance(value, (list, tuple)):
        return None  # set per entry
    return "object"


# ----------------------------------------------------------------- fixtures
@functools.cache
def _rng_array(*shape, seed=0):
    return np.random.default_rng(seed).uniform(-1, 1, shape)


def arr(*shape, seed=0):
    return _rng_array(*shape, seed=seed).copy()


def syms(length=40, n_symbols=3, seed=0):
    return np.random.default_rng(seed).integers(0, n_symbols, length)


def rnn(n_in=2, n_hidden=3, n_out=2, **kw):
    from rnnbook import RNN
    return RNN.random(n_in, n_hidden, n_out, seed=0, **kw)


def lstm():
    from rnnbook.lstm import LSTM
    return LSTM.random(2, 3, 2, seed=0)


def esn(**kw):
    from rnnbook.esn import EchoStateNetwork
    kw.setdefault("density", 0.5)
    return EchoStateNetwork.random(6, 1, seed=0, **kw)


def fitted_esn():
    model = esn(feedback_scaling=0.5)
    model.fit(arr(40, 1), arr(40, 1, seed=1), washout=5)
    return model


def coder():
    from rnnbook.contractive import ContractiveCoder
    return ContractiveCoder(3, 0.5)


@functools.cache
def _tree():
    from rnnbook.markov import fit_ngram
    return fit_ngram(syms(200), 3, 2)


@functools.cache
def _vlmm():
    from rnnbook.markov import fit_vlmm
    return fit_vlmm(syms(200), 3, max_depth=3, threshold=1.0)


@functools.cache
def _machine():
    from rnnbook.fpm import fit_fpm
    return fit_fpm(syms(200), 3, 4, seed=0)


@functools.cache
def _grid_machine():
    from rnnbook.fpm import fit_grid_fpm
    return fit_grid_fpm(syms(200), 3, 2)


@functools.cache
def _sweeps():
    from rnnbook.markov import ngram_sweep, vlmm_sweep
    from rnnbook.fpm import fpm_sweep
    train, valid, test = syms(300), syms(60, seed=1), syms(60, seed=2)
    ngram = ngram_sweep(train, valid, test, 3, [0, 1, 2], alphas=(0.1, 1.0))
    vlmm = vlmm_sweep(train, valid, test, 3, [0.5, 2.0], max_depth=3, alphas=(0.1, 1.0))
    fpm = fpm_sweep(train, valid, test, coder(), [2, 4], seed=0, alphas=(0.1, 1.0))
    return ngram, vlmm, fpm


@functools.cache
def _liquid_net():
    from rnnbook.lsm import liquid_network
    return liquid_network((3, 2, 2), seed=0)


def liquid():
    from rnnbook.lsm import Liquid
    return Liquid(_liquid_net())


def spike_inputs(n_trials=2, n_steps=40):
    u = np.zeros((n_trials, n_steps, 1))
    u[:, 2:10:3, 0] = 1.0
    return u


@functools.cache
def _liquid_run():
    return liquid().simulate(spike_inputs(), seed=0)


def dfa():
    from rnnbook.automata import parity_dfa
    return parity_dfa()


def parity_net():
    """A two-symbol, one-output network for DFA extraction."""
    return rnn(2, 4, 1)


def parity_strings():
    rng = np.random.default_rng(0)
    return [rng.integers(0, 2, n) for n in (3, 4, 5, 6, 7)]


def params_and_grads():
    p = {"a": arr(2, 2), "b": arr(3)}
    g = {"a": arr(2, 2, seed=1), "b": arr(3, seed=1)}
    return p, g


# --------------------------------------------------------------- the table
class Entry:
    def __init__(self, make, *, kinds=None, skip=None, extra=None):
        self.make = make              # () -> (callable, kwargs)
        self.kinds = kinds or {}      # argument -> kind name
        self.skip = skip or {}        # argument -> why its values are not probed
        self.extra = extra or {}      # argument -> [(label, bad value), ...]


TABLE: dict[str, Entry] = {}


def entry(qual, make, **kw):
    assert qual not in TABLE, qual
    TABLE[qual] = Entry(make, **kw)


def fn(module, name):
    return getattr(importlib.import_module(f"rnnbook.{module}"), name)


HOT = ("a state-space primitive that run() calls once per step (or a numpy-style "
       "elementwise function); run(), step() and the callers check the inputs, so the "
       "inner loop stays fast (issue 15)")
TEXT = "free text: any string is a valid label"
AX = "a matplotlib Axes, passed through to matplotlib"

EXEMPT = {}
RECORD = "a result record (dataclass) built by the library's own functions"
for _qual in ["core.Trajectory", "contractive.BoxCounting", "contractive.SuffixProfile",
              "datasets.Sunspots", "datasets.SymbolicSequence", "esn.MemoryCapacity",
              "esn.HorizonTest", "esn.GridSearch", "experiments.LatchingResult",
              "experiments.MemoryTaskResult", "automata.ExtractionResult", "markov.Sweep",
              "markov.QuantizedDifferences", "lsm.ScaleScan", "lsm.Separation",
              "lsm.SegmentReadouts", "lsm.LiquidRun", "optim.History", "readout.Readout",
              "lsm.LiquidNetwork", "activations.Activation",
              "ensemble.StackHistory"]:
    EXEMPT[_qual] = RECORD
FITTED = "constructed by the fitting functions (fit_*), which check their inputs"
for _qual in ["fpm.PredictionMachine", "fpm.CodebookMachine", "fpm.GridMachine",
              "markov.ContextTree"]:
    EXEMPT[_qual] = FITTED
EXEMPT["gated.GatedLayer"] = ("an abstract base class, never built itself (TypeError, "
                             "test_behaviour_lstm); its constructor's checks are tried "
                             "through lstm.LSTM and gru.GRU")
EXEMPT["core.StateSpaceModel.input_drive"] = "abstract: raises NotImplementedError"
EXEMPT["core.StateSpaceModel.transition"] = "abstract: raises NotImplementedError"
EXEMPT["core.StateSpaceModel.output"] = "abstract: raises NotImplementedError"
EXEMPT["core.StateSpaceModel.initial_state"] = "abstract: raises NotImplementedError"
EXEMPT["diagrams.check_chapters"] = (
    "reads the chapters of the book from disk (tested in tests/test_diagrams.py)")


# activations --------------------------------------------------------------
for _n in ["sigmoid", "tanh", "identity", "relu"]:
    entry(f"activations.{_n}", lambda _n=_n: (fn("activations", _n), dict(a=arr(3))),
          skip={"a": HOT})
for _n in ["softmax", "log_softmax"]:
    entry(f"activations.{_n}", lambda _n=_n: (fn("activations", _n), dict(a=arr(2, 3))),
          skip={"a": HOT}, kinds={"axis": "int"}, extra={"axis": [("out-of-range", 5)]})
entry("activations.get_activation", lambda: (fn("activations", "get_activation"),
                                              dict(name="tanh")),
      skip={"argument": "the caller's argument name put into the message"})

# automata -----------------------------------------------------------------
entry("automata.DFA", lambda: (fn("automata", "DFA"),
                               dict(transitions=np.array([[0, 1], [1, 0]]),
                                    accepting=np.array([True, False]), start=0)),
      kinds={"transitions": "symbols", "start": "count"},
      extra={"accepting": [("text", "abc"), ("wrong-length", np.array([True])),
                           ("numbers", np.array([0.5, 0.2]))],
             "start": [("out-of-range", 2)]})
for _m in ["run", "accepts"]:
    entry(f"automata.DFA.{_m}", lambda _m=_m: (getattr(dfa(), _m), dict(symbols=syms(5, 2))),
          kinds={"symbols": "symbols_may_be_empty"},
          extra={"symbols": [("out-of-range", np.array([0, 2]))]})
entry("automata.DFA.accepts_many",
      lambda: (dfa().accepts_many, dict(symbols=syms(10, 2).reshape(2, 5))),
      kinds={"symbols": "none", "lengths": "none"},
      extra={"symbols": [("float", np.full((2, 5), 0.5)), ("out-of-range", np.full((2, 5), 2)),
                         ("1-d", syms(5, 2)), ("text", "abc")],
             "lengths": [("too-long", np.array([6, 1])), ("negative", np.array([-1, 1])),
                         ("wrong-count", np.array([1]))]})
entry("automata.minimize", lambda: (fn("automata", "minimize"), dict(dfa=dfa())))
for _n in ["find_counterexample", "equivalent"]:
    entry(f"automata.{_n}", lambda _n=_n: (fn("automata", _n), dict(a=dfa(), b=dfa())))
entry("automata.extract_dfa",
      lambda: (fn("automata", "extract_dfa"),
               dict(model=parity_net(), strings=parity_strings(), n_symbols=2, n_clusters=3,
                    seed=0, accept_empty=False)),
      kinds={"threshold": "unit"},
      extra={"strings": [("text", "abc"), ("empty", []), ("out-of-range", [np.array([0, 5])]),
                         ("float", [np.array([0.5, 1.0])])],
             "n_symbols": [("mismatch", 3)], "n_clusters": [("too-many", 10 ** 6)]})

# clustering ---------------------------------------------------------------
EXEMPT["clustering.KMeans"] = RECORD
entry("clustering.kmeans", lambda: (fn("clustering", "kmeans"),
                                    dict(data=arr(12, 3), n_clusters=3, seed=0)),
      kinds={"init": "choice"},
      extra={"data": [("1-d", arr(12)), ("no-features", np.zeros((12, 0))),
                      ("text-rows", [["a", "b"]])],
             "n_clusters": [("too-many", 13)]})

# contractive --------------------------------------------------------------
entry("contractive.binary_corners", lambda: (fn("contractive", "binary_corners"),
                                             dict(n_symbols=3)))
entry("contractive.ContractiveCoder", lambda: (fn("contractive", "ContractiveCoder"),
                                               dict(n_symbols=3, k=0.5)),
      kinds={"k": "open_unit"},
      extra={"corners": [("wrong-shape", np.zeros((2, 2))), ("nan", np.full((3, 2), NAN))],
             "x0": [("wrong-shape", np.zeros(5)), ("nan", np.full(2, NAN))]})
entry("contractive.ContractiveCoder.input_drive",
      lambda: (coder().input_drive, dict(u=np.eye(3)[[0, 1, 2]])), kinds={"u": "array"})
entry("contractive.ContractiveCoder.transition",
      lambda: (coder().transition, dict(drive_t=np.array([0.0, 0.5]), x_prev=np.zeros(2))),
      kinds={"drive_t": "array", "x_prev": "array"})
entry("contractive.ContractiveCoder.code", lambda: (coder().code, dict(symbols=syms(6))),
      extra={"symbols": [("out-of-range", np.array([0, 3]))],
             "x0": [("wrong-shape", np.zeros(3)), ("nan", np.full(2, NAN))]})
entry("contractive.ContractiveCoder.block_codes",
      lambda: (coder().block_codes, dict(symbols=syms(10), n=2)),
      extra={"n": [("longer-than-symbols", 11)]})
entry("contractive.ContractiveCoder.code_blocks",
      lambda: (coder().code_blocks, dict(blocks=syms(6).reshape(3, 2))), kinds={"blocks": "none"},
      extra={"blocks": [("float", np.full((3, 2), 0.5)), ("out-of-range", np.full((3, 2), 3)),
                        ("1-d", syms(3)), ("text", "abc")]})
entry("contractive.ContractiveCoder.suffix_bound",
      lambda: (coder().suffix_bound, dict(length=3)), kinds={"length": "int"},
      extra={"length": [("negative", -1)]})
entry("contractive.all_blocks", lambda: (fn("contractive", "all_blocks"),
                                         dict(n_symbols=3, n=2)),
      kinds={"n": "count"}, extra={"n": [("huge-output", 40)]})
entry("contractive.common_suffix_lengths",
      lambda: (fn("contractive", "common_suffix_lengths"),
               dict(symbols=syms(20), first=np.array([5, 6]), second=np.array([10, 12]),
                    max_length=4)),
      extra={"first": [("out-of-range", np.array([25, 6]))],
             "second": [("mismatch", np.array([10]))]})
entry("contractive.box_counts", lambda: (fn("contractive", "box_counts"),
                                         dict(points=(arr(30, 2) + 1) / 2,
                                              exponents=np.array([1, 2]))),
      kinds={"base": "pos", "exponents": "array"},
      extra={"base": [("one", 1.0)], "exponents": [("huge", np.array([1, 200]))]})
entry("contractive.box_counting_dimension",
      lambda: (fn("contractive", "box_counting_dimension"),
               dict(points=(arr(30, 2) + 1) / 2, exponents=np.array([1, 2]))),
      kinds={"base": "pos", "exponents": "array"},
      extra={"base": [("one", 1.0)], "exponents": [("one-scale", np.array([1]))]})
entry("contractive.similarity_dimension",
      lambda: (fn("contractive", "similarity_dimension"), dict(n_maps=3, k=0.5)),
      kinds={"k": "open_unit"})
entry("contractive.suffix_distance_profile",
      lambda: (fn("contractive", "suffix_distance_profile"),
               dict(states=arr(60, 2), symbols=syms(60), max_length=3, n_pairs=50, seed=0,
                    n_symbols=3)),
      kinds={"skip": "count"},
      extra={"symbols": [("mismatch", syms(59))], "skip": [("too-large", 60)]})

# core ---------------------------------------------------------------------
entry("core.StateSpaceModel.step", lambda: (rnn().step, dict(u_t=arr(2), x_prev=arr(3))),
      kinds={"u_t": "array_any_ndim", "x_prev": "array_any_ndim"},
      extra={"u_t": [("wrong-size", arr(3))], "x_prev": [("wrong-size", arr(2))]})
entry("core.StateSpaceModel.readout", lambda: (rnn().readout, dict(x_t=arr(3))),
      kinds={"x_t": "array_any_ndim"}, extra={"x_t": [("wrong-size", arr(2))]})
entry("core.StateSpaceModel.run", lambda: (rnn().run, dict(u=arr(5, 2), x0=arr(3))),
      kinds={"u": "array_any_ndim", "x0": "array_any_ndim"},
      extra={"u": [("wrong-width", arr(5, 3))], "x0": [("wrong-size", arr(2))]})

# datasets -----------------------------------------------------------------
entry("datasets.SymbolicSequence.decode",
      lambda: (fn("datasets", "load_lambda_phage")().decode, dict(start=0, stop=10)),
      kinds={"start": "count", "stop": "count"},
      extra={"stop": [("past-end", 10 ** 7)]})

# diagrams -----------------------------------------------------------------
entry("diagrams.book_map", lambda: (fn("diagrams", "book_map"), dict()),
      extra={"chapters": [("number", 3), ("text-list", ["no such chapter"])]})

# dynamics -----------------------------------------------------------------
entry("dynamics.asymptotic_states",
      lambda: (fn("dynamics", "asymptotic_states"),
               dict(model=rnn(), u_t=arr(2), x0=arr(3), n_transient=5, n_keep=3)),
      kinds={"n_transient": "count", "u_t": "array", "x0": "array_any_ndim"},
      extra={"u_t": [("wrong-size", arr(3))], "x0": [("wrong-size", arr(2))]})
entry("dynamics.classify_orbit", lambda: (fn("dynamics", "classify_orbit"),
                                          dict(states=arr(20, 2))),
      kinds={"atol": "pos"})
entry("dynamics.state_jacobian", lambda: (fn("dynamics", "state_jacobian"),
                                          dict(model=rnn(), u_t=arr(2), x_prev=arr(3))),
      kinds={"u_t": "array_any_ndim", "x_prev": "array"},
      extra={"u_t": [("wrong-size", arr(3))], "x_prev": [("wrong-size", arr(2))]})
entry("dynamics.trajectory_jacobians",
      lambda: (fn("dynamics", "trajectory_jacobians"), dict(model=rnn(), u=arr(4, 2),
                                                             x0=arr(3))),
      kinds={"x0": "array"},
      extra={"u": [("wrong-width", arr(4, 3))], "x0": [("wrong-size", arr(2))]})
entry("dynamics.gradient_norms", lambda: (fn("dynamics", "gradient_norms"),
                                          dict(jacobians=arr(4, 3, 3))),
      extra={"jacobians": [("not-square", arr(4, 3, 2))]})
entry("dynamics.fit_log_slope", lambda: (fn("dynamics", "fit_log_slope"),
                                         dict(norms=np.array([1.0, 0.5, 0.25, 0.125]),
                                              lags=np.array([1.0, 2.0, 3.0, 4.0]))),
      extra={"norms": [("negative", np.array([1.0, -0.5, 0.5, 0.2]))],
             "lags": [("mismatch", np.array([1.0, 2.0]))]})
entry("dynamics.contraction_bound", lambda: (fn("dynamics", "contraction_bound"),
                                             dict(model=rnn())))
entry("dynamics.limit_contraction", lambda: (fn("dynamics", "limit_contraction"),
                                             dict(model=rnn(), bound=0.5)),
      kinds={"bound": "pos"})
entry("dynamics.stretch_ratios", lambda: (fn("dynamics", "stretch_ratios"),
                                          dict(model=rnn(), n_pairs=5, seed=0)),
      extra={"low": [("above-high", 2.0)], "high": [("below-low", -1.0)]})
entry("dynamics.forgetting_curve",
      lambda: (fn("dynamics", "forgetting_curve"),
               dict(model=rnn(), u=arr(4, 2), x0_a=arr(3), x0_b=arr(3, seed=1))),
      kinds={"x0_a": "array", "x0_b": "array"},
      extra={"x0_a": [("wrong-size", arr(2))], "u": [("wrong-width", arr(4, 3))]})
entry("dynamics.self_coupled_units", lambda: (fn("dynamics", "self_coupled_units"),
                                              dict(weights=arr(3))))
entry("dynamics.periodic_points",
      lambda: (fn("dynamics", "periodic_points"),
               dict(model=rnn(), inputs=arr(2, 2), starts=arr(2, 3))),
      kinds={"tol": "pos"},
      extra={"inputs": [("wrong-width", arr(2, 3))], "starts": [("wrong-width", arr(2, 2))]})
entry("dynamics.aligned_state_gap",
      lambda: (fn("dynamics", "aligned_state_gap"), dict(states_a=arr(5, 2),
                                                         states_b=arr(5, 2, seed=1))),
      extra={"states_b": [("mismatch", arr(4, 2))]})

# ensemble -----------------------------------------------------------------
entry("ensemble.stack", lambda: (fn("ensemble", "stack"), dict(models=[rnn(), rnn()])),
      extra={"models": [("empty", []), ("text", "abc"), ("mixed", [rnn(), lstm()]),
                        ("different-sizes", [rnn(), rnn(2, 4, 2)])]})
entry("ensemble.project",
      lambda: (fn("ensemble", "project"),
               dict(model=fn("ensemble", "stack")([rnn(), rnn()])[0],
                    masks=fn("ensemble", "stack")([rnn(), rnn()])[1])),
      extra={"masks": [("missing-key", {"W_rc": np.ones((6, 6), bool)}),
                       ("wrong-shape", {k: np.ones(1, bool) for k in
                                        ["W_ri", "W_rc", "W_or", "t_r", "t_o"]})]})
entry("ensemble.train_stack",
      lambda: (fn("ensemble", "train_stack"),
               dict(models=[rnn(2, 2, 1), rnn(2, 2, 1)], u=arr(4, 3, 2), targets=arr(4, 3, 1),
                    mask=np.ones((4, 3)), optimizer=fn("optim", "SGD")(0.1), epochs=1,
                    batch_size=2, clip=1.0, seed=0)),
      kinds={"clip": "pos"},
      extra={"models": [("empty", []), ("mixed", [rnn(2, 2, 1), lstm()])],
             "targets": [("wrong-width", arr(4, 3, 3)), ("mismatch", arr(3, 3, 1))],
             "mask": [("wrong-length", np.ones((3, 3)))],
             "optimizer": [("text", "sgd"), ("class-not-instance", fn("optim", "SGD"))],
             "truncate": [("text", "x"), ("zero", 0), ("float", 1.5), ("negative", -2)]})
entry("ensemble.unstack",
      lambda: (fn("ensemble", "unstack"),
               dict(stacked=fn("ensemble", "stack")([rnn(), rnn()])[0], n_members=2)),
      extra={"n_members": [("not-a-divisor", 4)]})

# esn ----------------------------------------------------------------------
entry("esn.spectral_radius", lambda: (fn("esn", "spectral_radius"), dict(W=arr(3, 3))),
      extra={"W": [("not-square", arr(3, 2))]})
entry("esn.random_reservoir", lambda: (fn("esn", "random_reservoir"),
                                       dict(n_units=5, density=0.5, seed=0)),
      kinds={"spectral_radius": "pos", "density": "frac"})
entry("esn.delay_line_reservoir", lambda: (fn("esn", "delay_line_reservoir"),
                                           dict(n_units=4, weight=0.5)))
entry("esn.delay_line_feedback_reservoir",
      lambda: (fn("esn", "delay_line_feedback_reservoir"),
               dict(n_units=4, weight=0.5, feedback=0.1)))
entry("esn.simple_cycle_reservoir", lambda: (fn("esn", "simple_cycle_reservoir"),
                                             dict(n_units=4, weight=0.5)))
entry("esn.random_input_weights", lambda: (fn("esn", "random_input_weights"),
                                           dict(n_units=4, seed=0)),
      kinds={"scale": "pos", "density": "unit"}, extra={"density": [("zero", 0.0)]})
entry("esn.pi_digits", lambda: (fn("esn", "pi_digits"), dict(n_digits=5)))
entry("esn.aperiodic_input_weights", lambda: (fn("esn", "aperiodic_input_weights"),
                                              dict(n_units=4)),
      kinds={"scale": "pos", "start": "count"})
entry("esn.min_dft_magnitude", lambda: (fn("esn", "min_dft_magnitude"), dict(v=arr(4))))
entry("esn.EchoStateNetwork",
      lambda: (fn("esn", "EchoStateNetwork"),
               dict(W_rc=fn("esn", "random_reservoir")(5, density=0.5, seed=0), W_ri=arr(5, 1))),
      kinds={"leak": "frac", "decay": "frac"},
      extra={"W_rc": [("text", "abc"), ("not-square", arr(5, 4)), ("nan", np.full((5, 5), NAN))],
             "W_ri": [("wrong-rows", arr(4, 1))],
             "t_r": [("wrong-size", arr(4))], "W_rf": [("wrong-shape", arr(4, 1))]})
entry("esn.EchoStateNetwork.random", lambda: (fn("esn", "EchoStateNetwork").random,
                                              dict(n_units=5, density=0.5, seed=0)),
      kinds={"spectral_radius": "pos", "density": "frac", "input_scaling": "pos",
             "input_density": "unit", "leak": "frac", "decay": "frac",
             "bias_scaling": "nonneg"},
      extra={"feedback_scaling": [("nan", NAN), ("negative", -1.0)]})
entry("esn.EchoStateNetwork.input_drive", lambda: (esn().input_drive, dict(u=arr(4, 1))),
      extra={"u": [("wrong-width", arr(4, 2))]})
entry("esn.EchoStateNetwork.transition",
      lambda: (esn().transition, dict(drive_t=arr(6), x_prev=arr(6))),
      extra={"x_prev": [("wrong-size", arr(5))]})
entry("esn.EchoStateNetwork.run", lambda: (esn().run, dict(u=arr(4, 1), x0=arr(6))),
      kinds={"u": "array_any_ndim"},
      extra={"u": [("wrong-width", arr(4, 2))], "x0": [("wrong-size", arr(5))]})
entry("esn.EchoStateNetwork.output", lambda: (fitted_esn().output, dict(x=arr(6))),
      kinds={"x": "array_any_ndim"}, extra={"x": [("wrong-size", arr(5))]})
entry("esn.EchoStateNetwork.split_runs", lambda: (esn(n_runs=2).split_runs, dict(a=arr(4, 12))),
      kinds={"a": "array_any_ndim"}, extra={"a": [("not-divisible", arr(4, 11))]})
entry("esn.EchoStateNetwork.teacher_forced_states",
      lambda: (esn(feedback_scaling=0.5).teacher_forced_states,
               dict(u=arr(6, 1), teacher=arr(6, 1, seed=1), seed=0)),
      kinds={"noise": "nonneg"},
      extra={"teacher": [("mismatch", arr(5, 1))], "x0": [("wrong-size", arr(5))],
             "y0": [("wrong-size", arr(2))]})
entry("esn.EchoStateNetwork.fit",
      lambda: (esn().fit, dict(u=arr(20, 1), targets=arr(20, 1, seed=1), washout=2, seed=0)),
      kinds={"washout": "count", "ridge": "nonneg", "noise": "nonneg"},
      extra={"targets": [("mismatch", arr(19, 1))], "washout": [("too-long", 20)]})
entry("esn.EchoStateNetwork.generate",
      lambda: (fitted_esn().generate, dict(u=arr(4, 1), x_last=arr(6))),
      extra={"x_last": [("wrong-size", arr(5))], "u": [("wrong-width", arr(4, 2))]})
entry("esn.EchoStateNetwork.predict",
      lambda: (fitted_esn().predict, dict(u=arr(4, 1), states=arr(4, 6))),
      extra={"states": [("mismatch", arr(3, 6)), ("1-d", arr(6))]})
entry("esn.memory_capacity",
      lambda: (fn("esn", "memory_capacity"),
               dict(model=esn(), max_delay=3, n_train=30, n_test=20, washout=5, seed=0)),
      kinds={"washout": "count", "input_range": "pos", "ridge": "nonneg"})
entry("esn.linear_scr_memory_capacity",
      lambda: (fn("esn", "linear_scr_memory_capacity"), dict(n_units=4, weight=0.5)),
      extra={"weight": [("unstable", 1.5)]})
entry("esn.state_distances",
      lambda: (fn("esn", "state_distances"),
               dict(model=esn(), u=arr(5, 1), x0_a=arr(6), x0_b=arr(6, seed=1))),
      extra={"x0_a": [("wrong-size", arr(5))], "u": [("wrong-width", arr(5, 2))]})
entry("esn.has_echo_states", lambda: (fn("esn", "has_echo_states"),
                                      dict(model=esn(), u=arr(10, 1), n_pairs=2, seed=0)),
      kinds={"tol": "pos"})
entry("esn.free_run_test",
      lambda: (fn("esn", "free_run_test"),
               dict(model=esn(feedback_scaling=0.5), series=np.sin(np.arange(200) / 5.0),
                    n_train=60, washout=5, horizon=5, n_tests=2, spacing=10, seed=0)),
      kinds={"n_valid": "count", "noise": "nonneg", "ridge": "nonneg",
             "washout": "count"},          # no washout is valid, as in fit
      extra={"n_train": [("too-long", 10 ** 6)], "series": [("short", np.zeros(10))]})
entry("esn.closed_loop",
      lambda: (fn("esn", "closed_loop"),
               dict(model=fitted_esn(), x_last=arr(6), y_last=arr(1), n_steps=3)),
      extra={"x_last": [("wrong-size", arr(5))], "y_last": [("wrong-size", arr(2))]})
entry("esn.grid_search",
      lambda: (fn("esn", "grid_search"),
               dict(make_model=lambda **kw: esn(**kw), grid={"leak": [0.5, 1.0]},
                    u=arr(60, 1), targets=arr(60, seed=1), n_train=30, n_valid=10,
                    washout=5)),
      # an empty grid is valid: one model made without arguments, ridge search only
      kinds={"washout": "count", "grid": "none"},
      extra={"grid": [("text", "x"), ("empty-values", {"leak": []}),
                      ("scalar-values", {"leak": 0.5})],
             "targets": [("mismatch", arr(59))], "ridges": [("negative", (-1.0,)),
                                                            ("empty", ())],
             "n_train": [("too-long", 10 ** 6)]})

# experiments --------------------------------------------------------------
def _latch_net(seed):
    return fn("rnn", "RNN").random(1, 2, 1, seed=seed)


def _parity_net(seed):
    return fn("rnn", "RNN").random(2, 2, 1, seed=seed)


entry("experiments.latching_success",
      lambda: (fn("experiments", "latching_success"),
               dict(make_network=_latch_net, lags=[2], n_seeds=2, n_train=4, n_test=4,
                    epochs=1, batch_size=2)),
      kinds={"seed": "seed", "noise": "nonneg", "learning_rate": "pos", "threshold": "unit"},
      extra={"lags": [("empty", []), ("negative", [-1]), ("float", [2.5]), ("text", "abc")]})
entry("experiments.parity_memory_accuracy",
      lambda: (fn("experiments", "parity_memory_accuracy"),
               dict(make_network=_parity_net, lengths=(3,), n_seeds=2, n_train=4,
                    max_train_length=3, n_test=4, epochs=1, batch_size=2, window=2)),
      kinds={"seed": "seed", "learning_rate": "pos"},
      extra={"lengths": [("empty", ()), ("negative", (-1,)), ("float", (2.5,))]})

# fpm ----------------------------------------------------------------------
for _m, _kw in [("input_drive", lambda: dict(u=np.eye(3)[[0, 1]])),
                ("transition", lambda: dict(drive_t=np.array([0.0, 0.5]),
                                            x_prev=np.zeros(2))),
                ("output", lambda: dict(x=np.zeros(2)))]:
    entry(f"fpm.PredictionMachine.{_m}",
          lambda _m=_m, _kw=_kw: (getattr(_machine(), _m), _kw()),
          kinds={k: "array_any_ndim" for k in _kw()},
          extra={k: [("wrong-size", np.zeros(3))] for k in _kw() if k in ("x_prev", "x")})
entry("fpm.PredictionMachine.with_alpha", lambda: (_machine().with_alpha, dict(alpha=0.5)),
      kinds={"alpha": "pos"})
for _m in ["predict_proba", "losses", "nll"]:
    entry(f"fpm.PredictionMachine.{_m}",
          lambda _m=_m: (getattr(_machine(), _m), dict(symbols=syms(10), before=syms(5))),
          kinds={"before": "symbols_may_be_empty"},
          extra={"symbols": [("out-of-range", np.array([0, 3]))],
                 "before": [("out-of-range", np.array([0, 3]))]})
entry("fpm.CodebookMachine.from_codebook",
      lambda: (fn("fpm", "CodebookMachine").from_codebook,
               dict(symbols=syms(50), encoder=coder(), codebook=arr(3, 2))),
      kinds={"alpha": "pos", "skip": "count"},
      extra={"codebook": [("wrong-width", arr(3, 3))], "skip": [("too-long", 50)]})
entry("fpm.GridMachine.input_drive", lambda: (_grid_machine().input_drive,
                                              dict(u=np.eye(3)[[0, 1]])),
      kinds={"u": "array_any_ndim"})
entry("fpm.GridMachine.transition",
      lambda: (_grid_machine().transition, dict(drive_t=np.array([0.0, 0.5]),
                                                x_prev=np.zeros(2))),
      kinds={"drive_t": "array_any_ndim", "x_prev": "array_any_ndim"},
      extra={"x_prev": [("wrong-size", np.zeros(3))]})
entry("fpm.fit_fpm", lambda: (fn("fpm", "fit_fpm"), dict(symbols=syms(50), n_symbols=3,
                                                         n_contexts=4, seed=0, n_fit=20)),
      kinds={"alpha": "pos", "skip": "count"},
      extra={"skip": [("too-long", 50)]})
entry("fpm.fit_grid_fpm", lambda: (fn("fpm", "fit_grid_fpm"),
                                   dict(symbols=syms(50), n_symbols=3, level=2)),
      kinds={"alpha": "pos", "level": "count"}, extra={"level": [("huge-grid", 40)]})
entry("fpm.fit_npm", lambda: (fn("fpm", "fit_npm"),
                              dict(symbols=syms(50), encoder=rnn(3, 2, 3), n_contexts=4,
                                   seed=0, n_fit=20)),
      kinds={"alpha": "pos", "skip": "count"}, extra={"skip": [("too-long", 50)]})
entry("fpm.fpm_sweep",
      lambda: (fn("fpm", "fpm_sweep"),
               dict(train=syms(100), valid=syms(30, seed=1), test=syms(30, seed=2),
                    encoder=coder(), sizes=[2, 3], seed=0, n_fit=50, alphas=(0.1, 1.0))),
      kinds={"skip": "count"},
      extra={"sizes": [("empty", []), ("zero", [0]), ("float", [2.5])],
             "alphas": [("empty", ()), ("negative", (-1.0,)), ("nan", (NAN,))],
             "valid": [("empty", np.array([], int))]})
entry("fpm.fpm_sweeps",
      lambda: (fn("fpm", "fpm_sweeps"),
               dict(train=syms(100), valid=syms(30, seed=1), test=syms(30, seed=2),
                    encoder=coder(), sizes=[2, 3], seeds=[0, 1], n_fit=50, alphas=(0.1, 1.0))),
      kinds={"skip": "count"},
      extra={"sizes": [("empty", []), ("zero", [0]), ("float", [2.5])],
             "seeds": [("empty", []), ("int", 3), ("generator", np.random.default_rng(0)),
                       ("text", "01"), ("negative", [0, -1]), ("float", [1.5])],
             "alphas": [("empty", ()), ("negative", (-1.0,)), ("nan", (NAN,))],
             "valid": [("empty", np.array([], int))]})
entry("fpm.cell_indicators", lambda: (fn("fpm", "cell_indicators"),
                                      dict(cells=np.array([0, 2, 1]), n_cells=3)),
      kinds={"cells": "symbols_may_be_empty"},
      extra={"cells": [("out-of-range", np.array([0, 3]))]})
entry("fpm.fit_indicator_readout",
      lambda: (fn("fpm", "fit_indicator_readout"),
               dict(cells=np.array([0, 1, 2, 0]), targets=np.array([1, 0, 2, 1]), n_cells=3,
                    n_symbols=3, alpha=0.1)),
      kinds={"cells": "symbols", "targets": "symbols", "alpha": "nonneg"},
      extra={"targets": [("mismatch", np.array([1, 0]))]})
entry("fpm.indicator_readout_proba",
      lambda: (fn("fpm", "indicator_readout_proba"),
               dict(machine=_machine(), train=syms(200), symbols=syms(10), alpha=0.1)),
      kinds={"alpha": "nonneg"}, extra={"before": [("out-of-range", np.array([0, 3]))]})

# gradcheck ----------------------------------------------------------------
for _n in ["numerical_gradients", "check_gradients"]:
    entry(f"gradcheck.{_n}",
          lambda _n=_n: (fn("gradcheck", _n), dict(model=rnn(2, 2, 1), u=arr(3, 2),
                                                   targets=arr(3, 1), mask=np.ones(3))),
          kinds={"epsilon": "pos", "mask": "array", "u": "array_any_ndim"},
          extra={"targets": [("mismatch", arr(2, 1))], "mask": [("wrong-length", np.ones(2))]})
entry("gradcheck.relative_error", lambda: (fn("gradcheck", "relative_error"),
                                           dict(numeric=arr(3), analytic=arr(3, seed=1))),
      kinds={"numeric": "array_any_ndim", "analytic": "array_any_ndim"},
      extra={"analytic": [("mismatch", arr(2))]})

# losses -------------------------------------------------------------------
entry("losses.check_loss", lambda: (fn("losses", "check_loss"),
                                    dict(loss="cross_entropy",
                                         output_activation=fn("activations",
                                                              "get_activation")("sigmoid"))))
entry("losses.loss_and_delta",
      lambda: (fn("losses", "loss_and_delta"),
               dict(loss="squared_error",
                    output_activation=fn("activations", "get_activation")("identity"),
                    logits=arr(3, 2), outputs=arr(3, 2), targets=arr(3, 2, seed=1),
                    weights=np.ones((3, 1)))),
      skip={k: HOT for k in ["logits", "outputs", "targets", "weights"]})
entry("losses.check_cross_entropy_targets",
      lambda: (fn("losses", "check_cross_entropy_targets"),
               dict(targets=np.array([0.0, 1.0, 0.5]), w=1.0)),
      skip={"w": HOT}, kinds={"targets": "none"},
      extra={"targets": [("above-one", np.array([0.0, 1.5]))]})
entry("losses.check_training_data",
      lambda: (fn("losses", "check_training_data"),
               dict(model=rnn(2, 2, 1), u=arr(3, 2), targets=arr(3, 1), mask=np.ones(3))),
      kinds={"mask": "array", "u": "array_any_ndim"},
      extra={"targets": [("mismatch", arr(2, 1))], "u": [("wrong-width", arr(3, 3))]})
entry("losses.model_loss", lambda: (fn("losses", "model_loss"),
                                    dict(model=rnn(2, 2, 1), u=arr(3, 2), targets=arr(3, 1),
                                         x0=arr(2))),
      kinds={"u": "array_any_ndim", "x0": "array_any_ndim"},
      extra={"targets": [("mismatch", arr(2, 1))], "x0": [("wrong-size", arr(3))]})

# lsm ----------------------------------------------------------------------
entry("lsm.LiquidNetwork.scaled", lambda: (_liquid_net().scaled, dict(factor=0.5)),
      kinds={"factor": "nonneg"})
entry("lsm.grid_positions", lambda: (fn("lsm", "grid_positions"), dict(shape=(3, 2, 2))),
      extra={"shape": [("zero", (3, 0, 2)), ("float", (3, 2.5, 2)), ("text", "abc"),
                       ("huge", (10 ** 6, 10 ** 6, 10 ** 6)), ("empty", ())]})
entry("lsm.connection_probability",
      lambda: (fn("lsm", "connection_probability"), dict(distance=arr(4) + 1.0, C=0.3,
                                                         lam=2.0)),
      kinds={"distance": "array_any_ndim", "C": "unit", "lam": "pos"},
      extra={"distance": [("negative", -np.ones(3))]})
entry("lsm.liquid_network", lambda: (fn("lsm", "liquid_network"),
                                     dict(shape=(3, 2, 2), seed=0)),
      kinds={"lam": "pos", "inhibitory_fraction": "unit", "input_fraction": "unit",
             "background": "nonneg", "spread": "nonneg"},
      extra={"shape": [("zero", (3, 0, 2)), ("huge", (10 ** 6, 10 ** 6, 10 ** 6))],
             "C": [("text", "abc"), ("bad-key", {"XY": 0.3})]})
entry("lsm.single_neuron", lambda: (fn("lsm", "single_neuron"), dict()),
      kinds={"background": "nonneg", "tau_m": "pos", "refractory": "nonneg",
             "resistance": "pos", "input_weight": "float"})
entry("lsm.LiquidRun.spike_times", lambda: (_liquid_run().spike_times, dict(trial=1)),
      kinds={"trial": "count"}, extra={"trial": [("out-of-range", 2)]})
entry("lsm.Liquid", lambda: (fn("lsm", "Liquid"), dict(network=_liquid_net(), dynamic=True)),
      kinds={"dt": "pos", "tau_state": "pos"}, extra={"network": [("wrong-type", dfa())]})
entry("lsm.Liquid.random_initial_states",
      lambda: (liquid().random_initial_states, dict(n_trials=2, seed=0)))
entry("lsm.Liquid.liquid_state", lambda: (liquid().liquid_state,
                                          dict(x=liquid().initial_state())),
      kinds={"x": "array_any_ndim"}, extra={"x": [("wrong-size", np.zeros(3))]})
entry("lsm.Liquid.transition",
      lambda: (liquid().transition, dict(drive_t=np.zeros(1), x_prev=liquid().initial_state())),
      kinds={"drive_t": "array", "x_prev": "array"},
      extra={"x_prev": [("wrong-size", np.zeros(3))], "drive_t": [("wrong-size", np.zeros(3))]})
entry("lsm.Liquid.simulate", lambda: (liquid().simulate,
                                      dict(inputs=spike_inputs(), seed=0,
                                           sample_steps=np.array([10, 40]))),
      kinds={"sample_steps": "symbols"},
      extra={"inputs": [("negative", -spike_inputs()), ("wrong-width", np.zeros((2, 40, 3)))],
             "sample_steps": [("out-of-range", np.array([0, 41]))],
             "x0": [("wrong-size", np.zeros(3))]})
entry("lsm.Liquid.run", lambda: (liquid().run, dict(u=spike_inputs()[0])),
      kinds={"u": "array_any_ndim"},
      extra={"u": [("wrong-width", np.zeros((40, 3)))], "x0": [("wrong-size", np.zeros(3))]})
entry("lsm.poisson_spike_train", lambda: (fn("lsm", "poisson_spike_train"),
                                          dict(rate=20.0, duration=100.0, seed=0)),
      kinds={"rate": "nonneg", "duration": "pos"}, extra={"rate": [("huge", 1e15)]})
entry("lsm.jitter_spike_train",
      lambda: (fn("lsm", "jitter_spike_train"),
               dict(times=np.array([5.0, 20.0]), sd=1.0, duration=50.0, seed=0)),
      kinds={"times": "array_may_be_empty", "sd": "nonneg", "duration": "pos"},
      extra={"times": [("outside", np.array([5.0, 60.0]))]})
entry("lsm.spike_counts",
      lambda: (fn("lsm", "spike_counts"),
               dict(trains=[np.array([1.0, 2.0])], duration=10.0, dt=0.1)),
      kinds={"duration": "pos", "dt": "pos"},
      extra={"trains": [("text", "abc"), ("nan", [np.array([NAN])]),
                        ("outside", [np.array([11.0])])],
             "duration": [("huge", 1e15)]})
entry("lsm.spike_train_distance",
      lambda: (fn("lsm", "spike_train_distance"),
               dict(a=np.array([1.0, 5.0]), b=np.array([2.0]), duration=10.0)),
      kinds={"a": "array_may_be_empty", "b": "array_may_be_empty", "duration": "pos",
             "tau": "pos"})
entry("lsm.spike_train_pair", lambda: (fn("lsm", "spike_train_pair"),
                                       dict(distance=0.1, duration=100.0, seed=0)),
      kinds={"distance": "nonneg", "rate": "pos", "duration": "pos", "tol": "pos"})
entry("lsm.filtered_spike_trains",
      lambda: (fn("lsm", "filtered_spike_trains"),
               dict(run=_liquid_run(), times=np.array([1.0, 3.0]),
                    n_neurons=_liquid_net().n_neurons)),
      kinds={"tau": "pos", "times": "array_may_be_empty"},
      extra={"run": [("text", "abc")], "n_neurons": [("too-few", 1)]})
entry("lsm.firing_rates",
      lambda: (fn("lsm", "firing_rates"),
               dict(run=_liquid_run(), start=0.0, stop=4.0, n_neurons=_liquid_net().n_neurons)),
      kinds={"start": "nonneg", "stop": "pos"},
      extra={"stop": [("before-start", 0.0)], "n_neurons": [("too-few", 1)]})
entry("lsm.state_distance", lambda: (fn("lsm", "state_distance"),
                                     dict(states_a=arr(2, 3, 4), states_b=arr(2, 3, 4, seed=1))),
      kinds={"states_a": "array_any_ndim", "states_b": "array_any_ndim"},
      extra={"states_b": [("mismatch", arr(2, 2, 4))]})
entry("lsm.fit_classifier",
      lambda: (fn("lsm", "fit_classifier"),
               dict(features=arr(6, 3), labels=np.array([0, 1, 0, 1, 1, 0]), n_classes=2)),
      kinds={"labels": "symbols", "ridge": "nonneg"},
      extra={"labels": [("out-of-range", np.array([0, 1, 2, 0, 1, 0])),
                        ("mismatch", np.array([0, 1]))]})


def _scan_inputs():
    u = np.zeros((1, 4500, 1))
    u[0, 1000:1500:50, 0] = 1.0
    return u


@functools.cache
def _scan():
    return fn("lsm", "scale_scan")(_liquid_net(), [0.5, 1.0], _scan_inputs(), seed=0)


entry("lsm.scale_scan", lambda: (fn("lsm", "scale_scan"),
                                 dict(network=_liquid_net(), scales=[1.0],
                                      inputs=_scan_inputs(), seed=0)),
      extra={"scales": [("negative", [-1.0]), ("nan", [NAN]), ("empty", []),
                        ("text", "abc")],
             "inputs": [("no-silence", np.ones((1, 4500, 1)))]})
def _scan_record():
    return fn("lsm", "ScaleScan")(np.array([0.5, 1.0, 2.0]), np.array([2.0, 5.0, 20.0]),
                                  np.array([0.0, 0.5, 30.0]), 1.0)


entry("lsm.choose_scale", lambda: (fn("lsm", "choose_scale"), dict(scan=_scan_record(),
                                                                   quiet=1.0)),
      kinds={"quiet": "nonneg"})
entry("lsm.separation_experiment",
      lambda: (fn("lsm", "separation_experiment"),
               dict(liquid=liquid(), distances=[0.0, 0.1], n_pairs=1, duration=20.0,
                    seed=0)),
      kinds={"rate": "pos", "duration": "pos", "every": "pos"},
      extra={"distances": [("negative", [-0.1]), ("nan", [NAN]), ("empty", [])],
             "every": [("longer-than-duration", 50.0)]})
entry("lsm.segment_templates", lambda: (fn("lsm", "segment_templates"),
                                        dict(n_segments=2, length=20.0, seed=0)),
      kinds={"length": "pos", "rate": "nonneg"})
entry("lsm.segment_inputs",
      lambda: (fn("lsm", "segment_inputs"),
               dict(templates=fn("lsm", "segment_templates")(2, length=20.0, seed=0),
                    n_trials=2, length=20.0, seed=0)),
      kinds={"length": "pos", "jitter": "nonneg", "dt": "pos"},
      extra={"templates": [("text", "abc"), ("empty", []), ("ragged", [[np.array([1.0])], []])]})
entry("lsm.segment_readouts",
      lambda: (fn("lsm", "segment_readouts"),
               dict(liquid=liquid(), templates=fn("lsm", "segment_templates")(2, length=10.0,
                                                                              seed=0),
                    n_train=4, n_test=2, times=[5.0, 15.0], length=10.0, seed=0)),
      kinds={"length": "pos", "jitter": "nonneg", "ridge": "nonneg"},
      extra={"times": [("outside", [100.0]), ("empty", []), ("nan", [NAN])]})

# lstm ---------------------------------------------------------------------
entry("lstm.LSTM", lambda: (fn("lstm", "LSTM"),
                            dict(W_ri=arr(12, 2), W_rc=arr(12, 3), W_or=arr(2, 3))),
      extra={"W_ri": [("wrong-rows", arr(11, 2))], "W_rc": [("wrong-shape", arr(12, 2))],
             "W_or": [("wrong-width", arr(2, 4))], "t_r": [("wrong-size", arr(5))],
             "t_o": [("wrong-size", arr(5))],
             "output_activation": [("unknown", "nope"), ("number", 3)]})
entry("gated.GatedLayer.parameters", lambda: (lstm().parameters, dict()))
entry("gated.GatedLayer.gate_slice", lambda: (lstm().gate_slice, dict(gate="forget")),
      extra={"gate": [("unknown", "nope"), ("number", 3)]})
entry("gated.GatedLayer.input_drive", lambda: (lstm().input_drive, dict(u=arr(4, 2))),
      kinds={"u": "array_any_ndim"}, extra={"u": [("wrong-width", arr(4, 3))]})
entry("lstm.LSTM.transition", lambda: (lstm().transition,
                                       dict(drive_t=arr(12), x_prev=arr(6))),
      kinds={"drive_t": "array_any_ndim", "x_prev": "array_any_ndim"},
      extra={"x_prev": [("wrong-size", arr(5))], "drive_t": [("wrong-size", arr(5))]})
entry("gated.GatedLayer.logits", lambda: (lstm().logits, dict(states=arr(4, 6))),
      kinds={"states": "array_any_ndim"}, extra={"states": [("wrong-width", arr(4, 5))]})
entry("gated.GatedLayer.output", lambda: (lstm().output, dict(x=arr(6))),
      kinds={"x": "array_any_ndim"}, extra={"x": [("wrong-size", arr(5))]})
entry("lstm.LSTM.jacobian", lambda: (lstm().jacobian, dict(u_t=arr(2), x_prev=arr(6))),
      kinds={"u_t": "array", "x_prev": "array"},
      extra={"x_prev": [("wrong-size", arr(5))], "u_t": [("wrong-size", arr(3))]})
for _m in ["loss", "loss_and_gradients"]:
    entry(f"{'gated.GatedLayer' if _m == 'loss' else 'lstm.LSTM'}.{_m}",
          lambda _m=_m: (getattr(lstm(), _m), dict(u=arr(4, 2), targets=arr(4, 2, seed=1),
                                                   mask=np.ones(4), x0=arr(6))),
          kinds={"mask": "array", "u": "array_any_ndim", "x0": "array_any_ndim"},
          extra={"targets": [("mismatch", arr(3, 2))], "mask": [("wrong-length", np.ones(3))],
                 "x0": [("wrong-size", arr(5))],
                 **({"truncate": [("text", "x"), ("zero", 0), ("float", 1.5)]}
                    if _m == "loss_and_gradients" else {})})
entry("lstm.LSTM.random", lambda: (fn("lstm", "LSTM").random,
                                   dict(n_inputs=2, n_hidden=3, n_outputs=2, seed=0)),
      kinds={"forget_bias": "float"},
      extra={"weight_scale": [("nan", NAN), ("negative", -1.0)]})

# markov -------------------------------------------------------------------
entry("markov.check_scored_sequence",
      lambda: (fn("markov", "check_scored_sequence"),
               dict(symbols=syms(5), before=syms(3), n_symbols=3)),
      kinds={"before": "symbols_may_be_empty"},
      extra={"symbols": [("out-of-range", np.array([0, 3]))],
             "before": [("out-of-range", np.array([0, 3]))]})
entry("markov.ContextTree.with_threshold", lambda: (_vlmm().with_threshold,
                                                    dict(threshold=0.5)),
      kinds={"threshold": "threshold"})
entry("markov.ContextTree.with_alpha", lambda: (_tree().with_alpha, dict(alpha=0.5)),
      kinds={"alpha": "pos"})
for _m in ["split_gain", "distribution"]:
    entry(f"markov.ContextTree.{_m}",
          lambda _m=_m: (getattr(_tree(), _m), dict(context=(1,))),
          extra={"context": [("out-of-range", (0, 5)), ("text", "abc"), ("float", (0.5,))]})
for _m in ["predict_proba", "losses", "nll"]:
    entry(f"markov.ContextTree.{_m}",
          lambda _m=_m: (getattr(_tree(), _m), dict(symbols=syms(10), before=syms(3))),
          kinds={"before": "symbols_may_be_empty"},
          extra={"symbols": [("out-of-range", np.array([0, 3]))],
                 "before": [("out-of-range", np.array([0, 3]))]})
entry("markov.ContextTree.sample", lambda: (_tree().sample, dict(length=5, seed=0,
                                                                 prefix=syms(2))),
      kinds={"prefix": "symbols_may_be_empty"},
      extra={"prefix": [("out-of-range", np.array([0, 3]))]})
entry("markov.ContextTree.transition",
      lambda: (_tree().transition, dict(drive_t=np.eye(3)[1], x_prev=np.eye(6)[1])),
      kinds={"drive_t": "array", "x_prev": "array"},
      extra={"drive_t": [("wrong-size", np.zeros(5))], "x_prev": [("wrong-size", np.zeros(5))]})
entry("markov.ContextTree.output", lambda: (_tree().output, dict(x=np.eye(6)[1])),
      kinds={"x": "array"}, extra={"x": [("wrong-size", np.zeros(5)),
                                         ("not-one-hot", np.full(6, 0.5))]})
entry("markov.fit_ngram", lambda: (fn("markov", "fit_ngram"),
                                   dict(symbols=syms(50), n_symbols=3, order=2)),
      kinds={"order": "count", "alpha": "pos"})
entry("markov.fit_vlmm", lambda: (fn("markov", "fit_vlmm"),
                                  dict(symbols=syms(50), n_symbols=3, max_depth=2,
                                       threshold=1.0)),
      kinds={"max_depth": "count", "threshold": "threshold", "alpha": "pos"})
entry("markov.sample_context_source",
      lambda: (fn("markov", "sample_context_source"),
               dict(contexts={(0,): [0.2, 0.8], (0, 1): [0.9, 0.1], (1, 1): [0.5, 0.5]},
                    length=5, seed=0)),
      extra={"contexts": [("not-normalised", {(0,): [0.2, 0.2], (1,): [0.5, 0.5]}),
                          ("nan", {(0,): [NAN, 1.0], (1,): [0.5, 0.5]}),
                          ("bad-symbol", {(0,): [0.5, 0.5], (7,): [0.5, 0.5]})]})
entry("markov.ngram_sweep",
      lambda: (fn("markov", "ngram_sweep"),
               dict(train=syms(100), valid=syms(30, seed=1), test=syms(30, seed=2),
                    n_symbols=3, orders=[0, 1, 2], alphas=(0.1, 1.0))),
      extra={"orders": [("empty", []), ("negative", [-1]), ("float", [1.5])],
             "alphas": [("empty", ()), ("negative", (-1.0,)), ("nan", (NAN,))],
             "test": [("out-of-range", np.array([0, 3]))]})
entry("markov.vlmm_sweep",
      lambda: (fn("markov", "vlmm_sweep"),
               dict(train=syms(100), valid=syms(30, seed=1), test=syms(30, seed=2),
                    n_symbols=3, thresholds=[0.5, 2.0], max_depth=2, alphas=(0.1, 1.0))),
      kinds={"max_depth": "count"},
      extra={"thresholds": [("empty", []), ("negative", [-1.0]), ("nan", [NAN])],
             "min_count": [("negative", -1), ("list-with-zero", [0])],
             "alphas": [("empty", ()), ("negative", (-1.0,))]})
entry("markov.quantize_differences",
      lambda: (fn("markov", "quantize_differences"), dict(series=arr(50), n_fit=30)),
      kinds={"lower_percentile": "float", "upper_percentile": "float"},
      extra={"lower_percentile": [("negative", -1.0), ("above-upper", 95.0)],
             "upper_percentile": [("above-100", 101.0), ("below-lower", 5.0)],
             "series": [("short", np.array([1.0]))]})
entry("markov.split_sequence", lambda: (fn("markov", "split_sequence"),
                                        dict(symbols=syms(20), fractions=(0.5, 0.25, 0.25))),
      extra={"fractions": [("not-summing-to-one", (0.5, 0.2, 0.1)),
                           ("negative", (1.2, -0.1, -0.1)), ("nan", (NAN, 0.5, 0.5)),
                           ("empty-part", (1.0, 0.0, 0.0)), ("text", "abc")]})

# optim --------------------------------------------------------------------
entry("optim.Optimizer", lambda: (fn("optim", "Optimizer"), dict(learning_rate=0.1)),
      kinds={"learning_rate": "pos"})
entry("optim.SGD", lambda: (fn("optim", "SGD"), dict(learning_rate=0.1)),
      kinds={"learning_rate": "pos"})
entry("optim.Momentum", lambda: (fn("optim", "Momentum"), dict(learning_rate=0.1)),
      kinds={"learning_rate": "pos", "momentum": "unit"}, extra={"momentum": [("one", 1.0)]})
entry("optim.Adam", lambda: (fn("optim", "Adam"), dict()),
      kinds={"learning_rate": "pos", "beta1": "unit", "beta2": "unit", "epsilon": "pos"},
      extra={"beta1": [("one", 1.0)], "beta2": [("one", 1.0)]})
entry("optim.Optimizer.step",
      lambda: (fn("optim", "Adam")(0.1).step, dict(zip(("params", "grads"),
                                                       params_and_grads()))),
      extra={"params": [("text", "abc"), ("not-arrays", {"a": [1.0], "b": [1.0]})],
             "grads": [("text", "abc"), ("nan", {"a": np.full((2, 2), NAN), "b": np.zeros(3)}),
                       ("misspelt", {"A": np.zeros((2, 2)), "b": np.zeros(3)}),
                       ("wrong-shape", {"a": np.zeros(3), "b": np.zeros(3)})]})
entry("optim.global_norm", lambda: (fn("optim", "global_norm"),
                                    dict(grads=params_and_grads()[1])),
      extra={"grads": [("nan", {"a": np.full(2, NAN)}), ("text-values", {"a": "abc"})]})
entry("optim.clip_by_global_norm", lambda: (fn("optim", "clip_by_global_norm"),
                                            dict(grads=params_and_grads()[1], max_norm=0.5)),
      kinds={"max_norm": "pos"},
      extra={"grads": [("nan", {"a": np.full(2, NAN)}), ("text-values", {"a": "abc"})]})
entry("optim.train",
      lambda: (fn("optim", "train"),
               dict(model=rnn(2, 2, 1), u=arr(4, 3, 2), targets=arr(4, 3, 1), mask=np.ones((4, 3)),
                    optimizer=fn("optim", "SGD")(0.1), epochs=1, batch_size=2, truncate=2,
                    clip=1.0, seed=0, report_every=1, stop_below=1e-9,
                    after_update=lambda m: None)),
      kinds={"clip": "pos", "stop_below": "nonneg", "report_every": "size"},
      extra={"targets": [("mismatch", arr(3, 3, 1))], "mask": [("wrong-length", np.ones((3, 3)))],
             "optimizer": [("text", "sgd"), ("class-not-instance", fn("optim", "SGD"))]})

# plotting -----------------------------------------------------------------
def pfn(name):
    return fn("plotting", name)


entry("plotting.principal_plane", lambda: (pfn("principal_plane"), dict(states=arr(10, 3))),
      extra={"states": [("one-state", arr(1, 3))]})
entry("plotting.plot_state_cloud",
      lambda: (pfn("plot_state_cloud"), dict(states=arr(10, 3), symbols=syms(10),
                                             alphabet="abc")),
      skip={"title": TEXT}, extra={"symbols": [("mismatch", syms(9))],
                                   "alphabet": [("too-short", "ab"), ("number", 3)],
                                   "dims": [("out-of-range", (0, 5)), ("same", (1, 1)),
                                            ("text", "ab")]})
entry("plotting.plot_trajectory",
      lambda: (pfn("plot_trajectory"), dict(states=arr(5, 2), labels=list("abcde"),
                                            x0=arr(2))),
      extra={"labels": [("mismatch", list("ab")), ("number", 3)],
             "x0": [("wrong-size", arr(3)), ("nan", np.full(2, NAN))],
             "dims": [("out-of-range", (0, 5)), ("text", "ab")],
             "limits": [("reversed", (1.0, 0.0)), ("nan", (NAN, 1.0))]})
entry("plotting.plot_orbit_diagram",
      lambda: (pfn("plot_orbit_diagram"), dict(weights=arr(4), orbits=arr(2, 3, 4),
                                               start_labels=["a", "b"])),
      skip={"xlabel": TEXT},
      extra={"orbits": [("mismatch", arr(2, 3, 5)), ("2-d", arr(3, 4))],
             "start_labels": [("mismatch", ["a"]), ("number", 3)]})
entry("plotting.rotation_network", lambda: (pfn("rotation_network"),
                                            dict(scale=2.0, angle=1.0)),
      kinds={"scale": "pos"})
entry("plotting.plot_scale_dynamics", lambda: (pfn("plot_scale_dynamics"), dict(n_steps=5)),
      kinds={"scale": "pos"})
entry("plotting.plot_next_symbol_prediction",
      lambda: (pfn("plot_next_symbol_prediction"),
               dict(probabilities=np.full((10, 3), 1 / 3), symbols=syms(11), alphabet="abc",
                    window=5)),
      kinds={"position": "count"},
      extra={"probabilities": [("not-normalised", np.full((10, 3), 0.5)),
                               ("too-long", np.full((11, 3), 1 / 3))],
             "symbols": [("out-of-range", np.full(11, 3))],
             "alphabet": [("too-short", "ab")], "position": [("past-end", 10)]})
entry("plotting.plot_extraction",
      lambda: (pfn("plot_extraction"),
               dict(model=parity_net(), strings=parity_strings(), n_symbols=2, n_clusters=3,
                    accept_empty=False, reference=dfa())),
      extra={"reference": [("text", "abc")], "strings": [("empty", [])]})
entry("plotting.frame_player",
      lambda: (pfn("frame_player"),
               dict(draw=pfn("plot_scale_dynamics"), values=[1.0, 2.0], param="scale",
                    n_steps=3, dpi=20)),
      kinds={"start": "count", "dpi": "pos"},
      extra={"values": [("empty", []), ("text", 3)], "param": [("unknown", "nope"),
                                                               ("number", 3)],
             "start": [("past-end", 2)]})
entry("plotting.plot_code_cloud",
      lambda: (pfn("plot_code_cloud"),
               dict(codes=coder().code(syms(30)), symbols=syms(30), alphabet="abc",
                    corners=coder().corners, grid_level=1, resolution=32)),
      skip={"title": TEXT},
      kinds={"size": "nonneg", "grid_level": "count"},
      extra={"symbols": [("mismatch", syms(29))], "alphabet": [("too-short", "ab")],
             "grid_level": [("huge-grid", 40)],
             "corners": [("wrong-width", np.zeros((3, 3)))],
             "codes": [("one-column", arr(30, 1))]})
entry("plotting.plot_chaos_game",
      lambda: (pfn("plot_chaos_game"),
               dict(k=0.5, source="iid", sources={"iid": (syms(300, 4), "abcd")},
                    n_points=200, washout=5)),
      kinds={"k": "open_unit", "washout": "count"},
      extra={"source": [("unknown", "nope"), ("number", 3)],
             "sources": [("text", "abc"), ("empty", {}),
                         ("out-of-alphabet", {"iid": (syms(300, 4), "abc")})],
             "washout": [("too-long", 10 ** 6)]})
entry("plotting.plot_architectural_bias",
      lambda: (pfn("plot_architectural_bias"),
               dict(symbols=syms(200, 4), alphabet="abcd", n_hidden=3, max_length=3,
                    washout=5)),
      kinds={"recurrent_scale": "nonneg", "input_scale": "nonneg", "washout": "count"},
      extra={"alphabet": [("too-short", "ab")], "symbols": [("short", syms(3, 4))]})
entry("plotting.gradient_decay_network", lambda: (pfn("gradient_decay_network"),
                                                  dict(gain=0.5, n_hidden=4)),
      kinds={"gain": "nonneg"})
entry("plotting.gradient_decay_norms",
      lambda: (pfn("gradient_decay_norms"), dict(gain=0.5, n_steps=5, n_hidden=4,
                                                 n_transient=5)),
      kinds={"gain": "nonneg", "noise": "nonneg", "n_transient": "count"})
entry("plotting.plot_gradient_decay", lambda: (pfn("plot_gradient_decay"),
                                               dict(n_steps=5, n_hidden=4)),
      kinds={"gain": "nonneg", "noise": "nonneg"})
entry("plotting.plot_forget_bias", lambda: (pfn("plot_forget_bias"),
                                            dict(n_steps=5, n_hidden=2)),
      kinds={"forget_bias": "float"})
entry("plotting.plot_nll_vs_contexts",
      lambda: (pfn("plot_nll_vs_contexts"), dict(ngram=_sweeps()[0], vlmm=_sweeps()[1],
                                                 marked=1)),
      skip={"title": TEXT}, kinds={"marked": "count"},
      extra={"ngram": [("vlmm-swapped", "abc")], "marked": [("out-of-range", 10)]})
entry("plotting.plot_vlmm_threshold",
      lambda: (pfn("plot_vlmm_threshold"), dict(ngram=_sweeps()[0], vlmm=_sweeps()[1],
                                                threshold=0.5)),
      skip={"title": TEXT}, kinds={"threshold": "nonneg"},
)
entry("plotting.plot_echo_distances",
      lambda: (pfn("plot_echo_distances"), dict(distances={"0.9": arr(5) + 1.0})),
      skip={"title": TEXT},
      extra={"distances": [("nan", {"a": np.full(3, NAN)}), ("2-d", {"a": arr(2, 2)}),
                           ("text-values", {"a": "abc"})]})
entry("plotting.plot_unit_traces",
      lambda: (pfn("plot_unit_traces"), dict(traces={"a": arr(6, 4)}, u=arr(6), n_units=2)),
      skip={"title": TEXT},
      extra={"traces": [("nan", {"a": np.full((3, 2), NAN)}), ("1-d", {"a": arr(3)})],
             "u": [("mismatch", arr(5)), ("nan", np.full(6, NAN))],
             "n_units": [("too-many", 10)]})
entry("plotting.plot_free_run",
      lambda: (pfn("plot_free_run"), dict(truth=arr(6), prediction=arr(6, seed=1),
                                          one_step=arr(6, seed=2))),
      skip={"title": TEXT, "ylabel": TEXT}, kinds={"start": "count"},
      extra={"prediction": [("mismatch", arr(5))], "one_step": [("mismatch", arr(5))]})
entry("plotting.plot_memory_curves",
      lambda: (pfn("plot_memory_curves"),
               dict(curves={"esn": fn("esn", "memory_capacity")(esn(), max_delay=3, n_train=30,
                                                                n_test=20, washout=5, seed=0)})),
      skip={"title": TEXT}, extra={"curves": [("not-capacities", {"a": arr(3)})]})
entry("plotting.plot_esn_mackey_glass",
      lambda: (pfn("plot_esn_mackey_glass"), dict(n_units=10)),
      kinds={"spectral_radius": "pos", "leak": "frac", "input_scaling": "pos",
             "seed": "seed"})
entry("plotting.plot_raster", lambda: (pfn("plot_raster"),
                                       dict(run=_liquid_run(), network=_liquid_net(), trial=1,
                                            input_times=np.array([1.0, 2.0]))),
      skip={"title": TEXT}, kinds={"trial": "count", "input_times": "array_may_be_empty"},
      extra={"trial": [("out-of-range", 2)]})
entry("plotting.plot_scale_scan", lambda: (pfn("plot_scale_scan"),
                                           dict(scan=_scan_record(), chosen=1.0)),
      kinds={"chosen": "nonneg"})
entry("plotting.plot_separation",
      lambda: (pfn("plot_separation"),
               dict(sep=fn("lsm", "separation_experiment")(liquid(), [0.0, 0.1], 1,
                                                           duration=20.0, seed=0),
                    window=(5.0, 15.0))),
      extra={"window": [("reversed", (15.0, 5.0)), ("nan", (NAN, 1.0)), ("text", "ab"),
                        ("outside", (5.0, 500.0))]})
entry("plotting.plot_segment_accuracy",
      lambda: (pfn("plot_segment_accuracy"),
               dict(readouts=fn("lsm", "segment_readouts")(
                   liquid(), fn("lsm", "segment_templates")(2, length=10.0, seed=0),
                   n_train=4, n_test=2, times=[5.0, 15.0], length=10.0, seed=0),
                   length=10.0)),
      kinds={"length": "pos"})
entry("plotting.plot_liquid_activity",
      lambda: (pfn("plot_liquid_activity"),
               dict(scale=0.5, network=_liquid_net(), inputs=spike_inputs()[0],
                    input_times=np.array([0.2, 0.5]))),
      kinds={"scale": "nonneg", "seed": "seed", "input_times": "array_may_be_empty"},
      extra={"inputs": [("wrong-width", np.zeros((40, 3)))]})
entry("plotting.plot_fpm_sweeps",
      lambda: (pfn("plot_fpm_sweeps"),
               dict(ngram=_sweeps()[0], vlmm=_sweeps()[1], machines={"fpm": [_sweeps()[2]]},
                    marked=("fpm", 1))),
      skip={"title": TEXT},
      extra={"machines": [("empty-list", {"fpm": []}), ("not-sweeps", {"fpm": ["abc"]})],
             "marked": [("unknown-label", ("nope", 0)), ("out-of-range", ("fpm", 10)),
                        ("text", "abc")]})
entry("plotting.plot_fpm_contexts",
      lambda: (pfn("plot_fpm_contexts"),
               dict(n_contexts=4, train=syms(200), alphabet="abc", n_points=50,
                    sweeps={"n-gram": _sweeps()[0], "VLMM": _sweeps()[1],
                            "fpm": [_sweeps()[2]]}, label="fpm")),
      kinds={"k": "open_unit", "seed": "seed", "train": "symbols"},
      extra={"alphabet": [("too-long", "abcde"), ("too-short", "ab")],
             "label": [("unknown", "nope")], "n_contexts": [("too-many", 10 ** 6)]})

# readout ------------------------------------------------------------------
entry("readout.Readout.predict",
      lambda: (fn("readout", "Readout")(arr(2, 3), arr(2)).predict, dict(features=arr(4, 3))),
      kinds={"features": "array_free"}, extra={"features": [("wrong-width", arr(4, 2))]})
entry("readout.fit_ridge", lambda: (fn("readout", "fit_ridge"),
                                    dict(features=arr(6, 2), targets=arr(6, 1))),
      kinds={"ridge": "nonneg"},
      extra={"targets": [("mismatch", arr(5, 1))],
             "features": [("no-features", np.ones((6, 0))),
                          ("no-features-runs", np.ones((2, 6, 0)))]})
entry("readout.fit_ridge_path",
      lambda: (fn("readout", "fit_ridge_path"),
               dict(features=arr(6, 2), targets=arr(6, 1), ridges=[1e-3, 1e-1])),
      extra={"targets": [("mismatch", arr(5, 1))],
             "features": [("no-features", np.ones((6, 0)))],
             "ridges": [("empty", []), ("negative", [-1.0]), ("nan", [NAN]), ("text", "abc")]})
entry("readout.nrmse", lambda: (fn("readout", "nrmse"),
                                dict(prediction=arr(5), target=arr(5, seed=1))),
      kinds={"prediction": "array_any_ndim", "target": "array_any_ndim"},
      extra={"target": [("mismatch", arr(4)), ("constant", np.ones(5))],
             "axis": [("out-of-range", 3), ("text", "x")]})

# report -------------------------------------------------------------------
EXEMPT["report.PairedDifference"] = RECORD
entry("report.glue", lambda: (fn("report", "glue"), dict(name="h4_probe", value=1.5)),
      kinds={"display": "bool", "floor": "pos", "name": "none", "value": "none"},
      extra={"name": [("number", 3), ("empty", "")], "value": [("text", "abc")]})
entry("report.paired_difference",
      lambda: (fn("report", "paired_difference"), dict(first=arr(12), second=arr(12, seed=1))),
      kinds={"n_blocks": "size"},
      extra={"second": [("mismatch", arr(11))], "n_blocks": [("one", 1), ("too-many", 13)]})
entry("report.significant", lambda: (fn("report", "significant"), dict(value=1.2345)),
      kinds={"value": "none"}, extra={"value": [("text", "abc"), ("object", object())]})
entry("report.small", lambda: (fn("report", "small"), dict(value=1e-14)),
      kinds={"floor": "pos"},
      extra={"value": [("text", "abc"), ("nan", NAN)], "spec": [("unknown", "%%"),
                                                                ("number", 3)]})

# rnn ----------------------------------------------------------------------
entry("rnn.RNN", lambda: (fn("rnn", "RNN"), dict(W_ri=arr(3, 2), W_rc=arr(3, 3),
                                                  W_or=arr(2, 3), t_r=arr(3), t_o=arr(2),
                                                  x0=arr(3))),
      extra={"W_rc": [("not-square", arr(3, 2))],
             "W_or": [("wrong-width", arr(2, 4))], "t_r": [("wrong-size", arr(2))],
             "t_o": [("wrong-size", arr(3))], "x0": [("wrong-size", arr(2))],
             "hidden_activation": [("unknown", "nope"), ("number", 3)],
             "output_activation": [("unknown", "nope"), ("number", 3)]})
entry("rnn.RNN.parameters", lambda: (rnn().parameters, dict()))
entry("rnn.RNN.input_drive", lambda: (rnn().input_drive, dict(u=arr(4, 2))),
      kinds={"u": "array_any_ndim"}, extra={"u": [("wrong-width", arr(4, 3))]})
entry("rnn.RNN.transition", lambda: (rnn().transition, dict(drive_t=arr(3), x_prev=arr(3))),
      kinds={"drive_t": "array_any_ndim", "x_prev": "array_any_ndim"},
      extra={"x_prev": [("wrong-size", arr(2))], "drive_t": [("wrong-size", arr(2))]})
entry("rnn.RNN.output", lambda: (rnn().output, dict(x=arr(3))),
      kinds={"x": "array_any_ndim"}, extra={"x": [("wrong-size", arr(2))]})
entry("rnn.RNN.logits", lambda: (rnn().logits, dict(states=arr(4, 3))),
      kinds={"states": "array_any_ndim"}, extra={"states": [("wrong-width", arr(4, 2))]})
for _m in ["loss", "loss_and_gradients"]:
    entry(f"rnn.RNN.{_m}",
          lambda _m=_m: (getattr(rnn(), _m), dict(u=arr(4, 2), targets=arr(4, 2, seed=1),
                                                  mask=np.ones(4), x0=arr(3))),
          kinds={"mask": "array", "u": "array_any_ndim", "x0": "array_any_ndim"},
          extra={"targets": [("mismatch", arr(3, 2))], "mask": [("wrong-length", np.ones(3))],
                 "x0": [("wrong-size", arr(2))], "loss": [("unknown", "nope")],
                 **({"truncate": [("text", "x"), ("zero", 0), ("float", 1.5)]}
                    if _m == "loss_and_gradients" else {})})
entry("rnn.RNN.random", lambda: (fn("rnn", "RNN").random,
                                 dict(n_inputs=2, n_hidden=3, n_outputs=2, seed=0)),
      kinds={"input_scale": "nonneg", "recurrent_scale": "nonneg", "output_scale": "nonneg",
             "threshold_scale": "nonneg"})
entry("rnn.RNN.feedforward", lambda: (fn("rnn", "RNN").feedforward,
                                      dict(W_ri=arr(3, 2), W_or=arr(2, 3), t_r=arr(3),
                                           t_o=arr(2))),
      extra={"W_or": [("wrong-width", arr(2, 4))], "t_r": [("wrong-size", arr(2))]})
entry("rnn.RNN.with_recurrent_weights", lambda: (rnn().with_recurrent_weights,
                                                 dict(W_rc=arr(3, 3))),
      extra={"W_rc": [("wrong-shape", arr(2, 2))]})
entry("rnn.train_elman_online",
      lambda: (fn("rnn", "train_elman_online"),
               dict(model=rnn(2, 2, 1), u=arr(4, 2), targets=arr(4, 1), learning_rate=0.1,
                    epochs=1, x0=arr(2))),
      kinds={"learning_rate": "pos"},
      extra={"targets": [("mismatch", arr(3, 1))], "x0": [("wrong-size", arr(3))],
             "loss": [("unknown", "nope")]})

# sequences ----------------------------------------------------------------
def sfn(name):
    return fn("sequences", name)


entry("sequences.one_hot", lambda: (sfn("one_hot"), dict(symbols=syms(5), n_symbols=3)),
      kinds={"symbols": "symbols_may_be_empty"})
entry("sequences.random_symbols", lambda: (sfn("random_symbols"),
                                           dict(length=5, n_symbols=3, seed=0,
                                                probabilities=np.full(3, 1 / 3))),
      kinds={"probabilities": "array"},
      extra={"probabilities": [("not-normalised", np.full(3, 0.5)),
                               ("wrong-length", np.full(2, 0.5))]})
entry("sequences.pad_sequences",
      lambda: (sfn("pad_sequences"), dict(sequences=[arr(3, 2), arr(2, 2)])),
      extra={"sequences": [("empty", []), ("text", "abc"), ("nan", [np.full((2, 2), NAN)]),
                           ("mixed-width", [arr(3, 2), arr(2, 3)])]})
entry("sequences.last_step_mask", lambda: (sfn("last_step_mask"),
                                           dict(lengths=np.array([2, 3]), n_steps=4)),
      kinds={"lengths": "symbols"},
      extra={"lengths": [("zero", np.array([0, 3])), ("too-long", np.array([2, 5]))]})
entry("sequences.temporal_xor", lambda: (sfn("temporal_xor"), dict(n_triples=3, seed=0)))
entry("sequences.elman_letters", lambda: (sfn("elman_letters"),
                                          dict(n_consonants=3, seed=0)))
entry("sequences.latching_task", lambda: (sfn("latching_task"),
                                          dict(n_sequences=3, n_noise=2, seed=0)),
      kinds={"n_noise": "count", "noise": "nonneg"})
entry("sequences.adding_problem", lambda: (sfn("adding_problem"),
                                           dict(n_sequences=3, length=4, seed=0)),
      extra={"length": [("too-short", 1)]})
entry("sequences.markov_chain",
      lambda: (sfn("markov_chain"), dict(transition_matrix=np.full((2, 2), 0.5), length=5,
                                         seed=0, initial=np.array([0.5, 0.5]))),
      kinds={"initial": "array"},
      extra={"transition_matrix": [("not-stochastic", np.full((2, 2), 0.7)),
                                   ("not-square", np.full((2, 3), 1 / 3))],
             "initial": [("not-normalised", np.array([0.5, 0.7])),
                         ("wrong-size", np.full(3, 1 / 3))]})
entry("sequences.parity_prefix_data",
      lambda: (sfn("parity_prefix_data"), dict(strings=[syms(3, 2), syms(2, 2)], window=2)),
      extra={"strings": [("empty", []), ("text", "abc"), ("out-of-range", [np.array([0, 2])]),
                         ("float", [np.array([0.5])])]})
entry("sequences.mackey_glass", lambda: (sfn("mackey_glass"), dict(n_samples=5, discard=5)),
      kinds={"tau": "pos", "beta": "float", "gamma": "float", "exponent": "pos",
             "dt": "pos", "discard": "count", "initial": "float"})
entry("sequences.narma", lambda: (sfn("narma"), dict(n_steps=20, order=3, seed=0)),
      extra={"order": [("beyond-n_steps", 30)]})
entry("sequences.lag_matrix", lambda: (sfn("lag_matrix"), dict(series=arr(6), order=2)),
      extra={"order": [("beyond-series", 6)]})

# validation ---------------------------------------------------------------
entry("validation.as_generator", lambda: (fn("validation", "as_generator"), dict(seed=0)))
for _n, _good, _kind in [("check_positive_int", 3, "size"), ("check_nonnegative_int", 0, "count"),
                         ("check_finite_float", 1.5, "float"),
                         ("check_positive_float", 1.5, "pos")]:
    entry(f"validation.{_n}",
          lambda _n=_n, _good=_good: (fn("validation", _n), dict(name="value", value=_good)),
          kinds={"value": _kind},
          skip={"name": "the label put into the messages",
                **({"maximum": "a bound set by library code (default MAX_SIZE)"}
                   if "int" in _n else {})})
entry("validation.as_float_array",
      lambda: (fn("validation", "as_float_array"), dict(name="value", value=arr(3, 2),
                                                        shape=(3, None))),
      kinds={"value": "array_may_be_empty"}, skip={"name": "the label put into the messages"})
entry("validation.as_symbols",
      lambda: (fn("validation", "as_symbols"), dict(name="value", value=syms(5), n_symbols=3)),
      kinds={"value": "symbols_may_be_empty"}, skip={"name": "the label put into the messages"})
entry("validation.check_smoothing", lambda: (fn("validation", "check_smoothing"),
                                             dict(alpha=0.5)), kinds={"alpha": "pos"})
entry("validation.check_smoothings", lambda: (fn("validation", "check_smoothings"),
                                              dict(alphas=[0.5, 1.0])),
      extra={"alphas": [("empty", []), ("negative", [-1.0]), ("nan", [NAN])]})
entry("validation.check_valid_test",
      lambda: (fn("validation", "check_valid_test"), dict(valid=syms(5), test=syms(5),
                                                          n_symbols=3)))

# widgets ------------------------------------------------------------------
def wfn(name):
    return fn("widgets", name)


entry("widgets.prediction_explorer",
      lambda: (wfn("prediction_explorer"),
               dict(probabilities=np.full((40, 3), 1 / 3), symbols=syms(41), alphabet="abc")),
      extra={"probabilities": [("too-long", np.full((41, 3), 1 / 3))],
             "alphabet": [("too-short", "ab")]})
entry("widgets.extraction_explorer",
      lambda: (wfn("extraction_explorer"),
               dict(model=parity_net(), strings=parity_strings(), n_symbols=2,
                    accept_empty=False, reference=dfa())),
      extra={"strings": [("empty", [])], "reference": [("text", "abc")]})
entry("widgets.chaos_game_explorer",
      lambda: (wfn("chaos_game_explorer"), dict(sources={"iid": (syms(300, 4), "abcd")})),
      extra={"sources": [("text", "abc"), ("empty", {}),
                         ("out-of-alphabet", {"iid": (syms(300, 4), "abc")})]})
entry("widgets.architectural_bias_explorer",
      lambda: (wfn("architectural_bias_explorer"), dict(symbols=syms(200, 4), alphabet="abcd")),
      extra={"alphabet": [("too-short", "ab")]})
entry("widgets.vlmm_explorer",
      lambda: (wfn("vlmm_explorer"), dict(sweeps={"x": (_sweeps()[0], _sweeps()[1])})),
      extra={"sweeps": [("not-pairs", {"x": "abc"})]})
entry("widgets.liquid_explorer",
      lambda: (wfn("liquid_explorer"), dict(network=_liquid_net(), inputs=spike_inputs()[0],
                                            input_times=np.array([0.2, 0.5]))),
      kinds={"input_times": "array_may_be_empty"},
      extra={"inputs": [("wrong-width", np.zeros((40, 3)))]})
entry("widgets.fpm_explorer",
      lambda: (wfn("fpm_explorer"), dict(train=syms(200), alphabet="abc", seed=0)),
      kinds={"train": "symbols", "seed": "seed"},
      extra={"alphabet": [("too-long", "abcde"), ("too-short", "ab")],
             "label": [("unknown", "nope")]})


# validation helpers added for issue 16 ---------------------------------------
_LABEL = {"name": "the label put into the messages"}
entry("validation.check_int", lambda: (fn("validation", "check_int"), dict(name="value", value=-3)),
      kinds={"value": "int"}, skip=_LABEL)
entry("validation.check_bool", lambda: (fn("validation", "check_bool"),
                                        dict(name="value", value=True)), skip=_LABEL)
entry("validation.check_callable", lambda: (fn("validation", "check_callable"),
                                            dict(name="value", value=len)),
      kinds={"value": "callable"}, skip=_LABEL)
entry("validation.check_choice", lambda: (fn("validation", "check_choice"),
                                          dict(name="value", value="a", options=("a", "b"))),
      skip={**_LABEL, "options": "the allowed values, set by library code"})
entry("validation.check_float_range",
      lambda: (fn("validation", "check_float_range"), dict(name="value", value=0.5, low=0.0,
                                                            high=1.0)),
      kinds={"value": "unit"},
      skip={**_LABEL, "low": "a bound set by library code", "high": "a bound set by library code",
            "low_open": "set by library code", "high_open": "set by library code"})
entry("validation.check_instance",
      lambda: (fn("validation", "check_instance"), dict(name="value", value=3, types=int)),
      kinds={"value": "none"}, extra={"value": [("wrong-type", "abc")]},
      skip={**_LABEL, "types": "set by library code", "what": "set by library code"})
entry("validation.check_methods",
      lambda: (fn("validation", "check_methods"), dict(name="value", value=rnn(),
                                                        methods=("run", "logits"))),
      kinds={"value": "none"}, extra={"value": [("wrong-type", "abc"), ("number", 3)]},
      skip={**_LABEL, "methods": "set by library code"})
entry("validation.check_labels", lambda: (fn("validation", "check_labels"),
                                          dict(name="value", value="abc", n=2)),
      kinds={"value": "labels"}, extra={"value": [("too-short", "a")]},
      skip={**_LABEL, "n": "a bound set by library code"})
entry("validation.check_nonnegative_float",
      lambda: (fn("validation", "check_nonnegative_float"), dict(name="value", value=0.5)),
      kinds={"value": "nonneg"}, skip=_LABEL)

# modules added by other helpers (gru, deep, new diagrams, plotting, lsm) ------
KERNEL = ("an inner-loop kernel of loss_and_gradients/run (issue 15 speed), called with "
          "arrays the method has already checked; not for readers")
for _qual in ["lstm.Tape", "lstm.Tape.allocate", "lstm.forward_step", "lstm.backward_step",
              "gru.backward_step"]:
    EXEMPT[_qual] = KERNEL
EXEMPT["experiments.RegressionRunResult"] = RECORD


def gru():
    return fn("gru", "GRU").random(2, 3, 2, seed=0)


def deepnet():
    return fn("deep", "DeepNet").random(3, 4, seed=0)


entry("gru.GRU", lambda: (fn("gru", "GRU"),
                          dict(W_ri=arr(9, 2), W_rc=arr(9, 3), W_or=arr(2, 3))),
      extra={"W_rc": [("wrong-shape", arr(9, 2))], "W_or": [("wrong-width", arr(2, 4))],
             "t_r": [("wrong-size", arr(5))], "t_o": [("wrong-size", arr(5))],
             "output_activation": [("unknown", "nope"), ("number", 3)]})
# gate_slice, input_drive, logits, output and loss are GatedLayer's, tried above
entry("gru.GRU.transition", lambda: (gru().transition, dict(drive_t=arr(9), x_prev=arr(3))))
entry("gru.GRU.jacobian", lambda: (gru().jacobian, dict(u_t=arr(2), x_prev=arr(3))),
      kinds={"u_t": "array", "x_prev": "array"},
      extra={"x_prev": [("wrong-size", arr(5))], "u_t": [("wrong-size", arr(3))]})
for _m in ["loss_and_gradients"]:
    entry(f"gru.GRU.{_m}",
          lambda _m=_m: (getattr(gru(), _m), dict(u=arr(4, 2), targets=arr(4, 2, seed=1),
                                                  mask=np.ones(4), x0=arr(3))),
          kinds={"mask": "array", "u": "array_any_ndim", "x0": "array_any_ndim"},
          extra={"targets": [("mismatch", arr(3, 2))], "mask": [("wrong-length", np.ones(3))],
                 "x0": [("wrong-size", arr(5))],
                 **({"truncate": [("text", "x"), ("zero", 0), ("float", 1.5)]}
                    if _m == "loss_and_gradients" else {})})
entry("gru.GRU.random", lambda: (fn("gru", "GRU").random,
                                 dict(n_inputs=2, n_hidden=3, n_outputs=2, seed=0)),
      extra={"weight_scale": [("nan", NAN), ("negative", -1.0)]})
entry("deep.DeepNet", lambda: (fn("deep", "DeepNet"), dict(weights=arr(4, 3, 3))),
      extra={"weights": [("not-square", arr(4, 3, 2))], "kind": [("unknown", "nope")],
             "biases": [("wrong-shape", arr(4, 2))]})
entry("deep.DeepNet.jacobian", lambda: (deepnet().jacobian, dict(layer=1, x_prev=arr(3))),
      extra={"layer": [("out-of-range", 5)], "x_prev": [("wrong-size", arr(2))]})
for _m in ["layer_gradient_norms", "layer_jacobians", "run"]:
    entry(f"deep.DeepNet.{_m}", lambda _m=_m: (getattr(deepnet(), _m), dict(x0=arr(3))),
          kinds={"x0": "array_any_ndim"}, extra={"x0": [("wrong-size", arr(2))]})
entry("deep.DeepNet.random", lambda: (fn("deep", "DeepNet").random,
                                      dict(width=3, depth=4, seed=0)),
      kinds={"weight_scale": "nonneg"}, extra={"kind": [("unknown", "nope")]})
entry("deep.depth_gradient_ratio", lambda: (fn("deep", "depth_gradient_ratio"),
                                            dict(norms=np.array([1.0, 0.5, 0.25]))),
      extra={"norms": [("zero-last", np.array([1.0, 0.5, 0.0]))]})
entry("deep.gradient_flow", lambda: (fn("deep", "gradient_flow"), dict(depth=4, width=3)),
      kinds={"weight_scale": "nonneg", "seed": "seed"})
entry("deep.plot_gradient_flow", lambda: (fn("deep", "plot_gradient_flow"),
                                          dict(depth=4, width=3)),
      kinds={"weight_scale": "nonneg", "seed": "seed"})
entry("diagrams.automaton", lambda: (fn("diagrams", "automaton"), dict(dfa=dfa(), alphabet="ab")),
      skip={"title": TEXT}, extra={"alphabet": [("too-short", "a")]})
entry("diagrams.contraction_maps", lambda: (fn("diagrams", "contraction_maps"),
                                            dict(coder=coder(), alphabet="abc")),
      kinds={"levels": "count"}, extra={"alphabet": [("too-short", "a")]})
entry("diagrams.elman_network", lambda: (fn("diagrams", "elman_network"), dict(net=rnn())))
entry("diagrams.liquid_column", lambda: (fn("diagrams", "liquid_column"),
                                         dict(network=_liquid_net())), skip={"title": TEXT})
entry("diagrams.lstm_cell", lambda: (fn("diagrams", "lstm_cell"), dict(model=lstm())))
entry("diagrams.parts", lambda: (fn("diagrams", "parts"),
                                 dict(fig=fn("diagrams", "elman_network")(rnn()), kind="unit")),
      kinds={"kind": "none"}, extra={"kind": [("number", 3)]})
entry("diagrams.prediction_machine", lambda: (fn("diagrams", "prediction_machine"),
                                              dict(machine=_machine(), symbols=syms(20),
                                                   alphabet="abc", n_shown=4)),
      extra={"symbols": [("out-of-range", np.array([0, 5]))]})
entry("diagrams.reservoir_graph", lambda: (fn("diagrams", "reservoir_graph"),
                                           dict(model=esn())), skip={"title": TEXT})
entry("diagrams.state_space_model", lambda: (fn("diagrams", "state_space_model"),
                                             dict(model=rnn())))
entry("diagrams.suffix_code", lambda: (fn("diagrams", "suffix_code"),
                                       dict(coder=coder(), suffix=[0, 1],
                                            prefixes=[[0, 1], [2, 2]], alphabet="abc")),
      extra={"suffix": [("empty", []), ("out-of-range", [0, 5]), ("text", "abc")],
             "prefixes": [("empty", []), ("out-of-range", [[0, 5]]), ("text", "abc")]})
entry("diagrams.suffix_tree", lambda: (fn("diagrams", "suffix_tree"),
                                       dict(model=_vlmm(), alphabet="abc")),
      extra={"alphabet": [("too-short", "a")]})
entry("diagrams.tree_contexts", lambda: (fn("diagrams", "tree_contexts"), dict(model=_vlmm())))
entry("diagrams.unrolled_network", lambda: (fn("diagrams", "unrolled_network"),
                                            dict(model=rnn())))
entry("experiments.train_regression_seeds",
      lambda: (fn("experiments", "train_regression_seeds"),
               dict(make_network=_latch_net, u=arr(4, 3, 1), targets=arr(4, 3, 1),
                    mask=np.ones((4, 3)), u_test=arr(2, 3, 1), target_test=arr(2),
                    n_seeds=2, epochs=2, batch_size=2, eval_every=1)),
      kinds={"seed": "seed", "learning_rate": "pos"},
      extra={"targets": [("mismatch", arr(3, 3, 1))], "target_test": [("mismatch", arr(3))]})
entry("lsm.segment_readouts_liquids",
      lambda: (fn("lsm", "segment_readouts_liquids"),
               dict(n_liquids=1, n_train=4, n_test=2, times=[5.0, 15.0], n_segments=2,
                    length=10.0, seed=0)),
      kinds={"length": "pos", "rate": "pos", "jitter": "nonneg", "ridge": "nonneg"},
      extra={"times": [("outside", [100.0]), ("empty", []), ("nan", [NAN])]})
entry("plotting.plot_noisy_cobweb",
      lambda: (pfn("plot_noisy_cobweb"),
               dict(latch=fn("dynamics", "self_coupled_units")(np.array([2.0])),
                    inputs=arr(5, 1), x0=0.3, show_inputs=(0.0, 0.5))),
      skip={"title": TEXT},
      extra={"latch": [("two-units", rnn())],
             "show_inputs": [("nan", (NAN,)), ("text", "abc")]})


# ------------------------------------------------------------------ the cases
def baseline_values(qual):
    """The callable and every probed argument's baseline value (given or default)."""
    func, kwargs = TABLE[qual].make()
    values = dict(kwargs)
    for p in parameters(func):
        if p.name not in values and p.default is not inspect.Parameter.empty:
            values[p.name] = p.default
    return func, kwargs, values


HOT_METHODS = {"input_drive", "transition", "output", "logits"}


def skipped(qual, name):
    """Why ``name`` of ``qual`` is not probed (``None``: it is)."""
    if name in TABLE[qual].skip:
        return TABLE[qual].skip[name]
    if name == "ax":
        return AX
    if qual.count(".") == 2 and qual.rsplit(".", 1)[1] in HOT_METHODS:
        return HOT
    return None


def bad_cases(qual):
    e = TABLE[qual]
    func, _, values = baseline_values(qual)
    names = [p.name for p in parameters(func)]
    for name in names:
        if skipped(qual, name):
            continue
        value = values.get(name)
        kind = e.kinds.get(name) or infer_kind(name, value)
        bads = list(KINDS[kind](value)) if kind and (value is not None or kind == "seed") else []
        bads += e.extra.get(name, [])
        for label, bad in bads:
            yield name, label, bad


def _collect():
    cases = []
    for qual in sorted(TABLE):
        try:
            found = list(bad_cases(qual))
        except Exception:   # a broken baseline: test_baseline_is_accepted reports it
            continue
        for name, label, bad in found:
            cases.append(pytest.param(qual, name, bad, id=f"{qual}-{name}-{label}"))
    return cases


CASES = _collect()


class Hang(Exception):
    pass


class timeout:
    """Fail a case that runs longer than ``seconds`` (a hang), instead of waiting forever."""

    def __init__(self, seconds):
        self.seconds = seconds

    def __enter__(self):
        def handler(signum, frame):
            raise Hang(f"no answer within {self.seconds} s")
        self.old = signal.signal(signal.SIGALRM, handler)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def __exit__(self, *exc):
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, self.old)
        return False


@contextlib.contextmanager
def _notebook_shell():
    """Run an explorer as in a notebook: with an IPython shell, printing short tracebacks.

    ``ipywidgets.interactive`` catches an exception of the first drawing; with an
    IPython shell it prints the traceback into the output area and swallows the
    error, which :mod:`rnnbook.widgets` then re-raises. The shell exists in a
    notebook (and in this process once ``report.glue`` has run), so it is made
    here whatever the order of the tests. Its tracebacks are set to "Minimal":
    the default mode highlights the source of every frame, ~0.1 s a case.
    """
    from IPython import get_ipython
    from IPython.core.interactiveshell import InteractiveShell

    shell = get_ipython() or InteractiveShell.instance()
    mode = shell.InteractiveTB.mode
    shell.InteractiveTB.set_mode("Minimal")
    try:
        yield
    finally:
        shell.InteractiveTB.set_mode(mode)


@contextlib.contextmanager
def calling(qual, seconds):
    """The context of one call: a time limit, the shell for explorers, figures closed after."""
    try:
        with timeout(seconds), (_notebook_shell() if qual.startswith("widgets.")
                                else contextlib.nullcontext()):
            yield
    finally:
        plt.close("all")


def test_every_public_callable_is_covered():
    api = public_callables()
    no_args = {q for q, obj in api.items() if not parameters(obj)}
    missing = sorted(set(api) - set(TABLE) - set(EXEMPT) - no_args)
    assert not missing, f"public callables without a bad-input entry: {missing}"
    stale = sorted((set(TABLE) | set(EXEMPT)) - set(api))
    assert not stale, f"entries for names that are not public callables: {stale}"
    assert len(CASES) > 1000


def test_every_entry_argument_is_a_parameter():
    for qual, e in TABLE.items():
        func, kwargs, _ = baseline_values(qual)
        names = {p.name for p in parameters(func)}
        takes_any = any(p.kind == p.VAR_KEYWORD
                        for p in inspect.signature(func).parameters.values())
        for arg in [*([] if takes_any else kwargs), *e.kinds, *e.skip, *e.extra]:
            assert arg in names, f"{qual}: {arg} is not a parameter"


@pytest.mark.parametrize("qual", sorted(TABLE))
def test_baseline_is_accepted(qual):
    func, kwargs = TABLE[qual].make()
    with calling(qual, 4 * TIMEOUT):
        func(**kwargs)


@pytest.mark.parametrize("qual, arg, bad", CASES)
def test_bad_value_is_refused(qual, arg, bad):
    func, kwargs = TABLE[qual].make()
    kwargs[arg] = bad
    with calling(qual, TIMEOUT), pytest.raises((TypeError, ValueError),
                                               match=rf"(?<![\w.]){re.escape(arg)}(?![\w(])"):
        func(**kwargs)
