"""Interactive explorers (ipywidgets) for the chapters.

Each explorer wraps a pure plotting function of :mod:`rnnbook.plotting` in
sliders, so what a reader sees in a live kernel is the same figure the static
book shows for the default values. Explorers need a running kernel; the static
book offers precomputed frames instead (:func:`rnnbook.plotting.frame_player`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from rnnbook import plotting


def _shown(draw):
    def show(**kwargs):
        try:
            draw(**kwargs)
        except (TypeError, ValueError) as exc:
            show.errors.append(exc)
            raise
        plt.show()

    show.errors = []
    show.__name__ = draw.__name__
    show.__doc__ = draw.__doc__
    return show


def _checked(widget):
    """Raise the error of the explorer's first drawing (bad arguments) instead of showing it.

    ``interactive`` draws once when it is built and catches any exception to
    print it in the output area; an explorer built with bad arguments would
    then look like a widget. Later moves of the sliders still print errors.
    """
    errors = getattr(widget.f, "errors", [])
    if errors:
        raise errors[0]
    return widget


def scale_explorer():
    """Chapter 1: move the scale and the angle of a two-unit network's ``W_rc``.

    Sliders for ``scale`` (0 to 30), ``angle`` (0 to pi) and ``n_steps`` drive
    :func:`rnnbook.plotting.plot_scale_dynamics`.

    Returns
    -------
    ipywidgets.interactive
        The widget (displayed by Jupyter when it is a cell's last value).
    """
    import numpy as np
    from ipywidgets import FloatSlider, IntSlider, interactive

    return _checked(interactive(
        _shown(plotting.plot_scale_dynamics),
        scale=FloatSlider(value=3.0, min=0.0, max=30.0, step=0.25, description="scale",
                          continuous_update=False),
        angle=FloatSlider(value=1.0, min=0.0, max=float(np.pi), step=0.05, description="angle",
                          continuous_update=False),
        n_steps=IntSlider(value=60, min=5, max=300, step=5, description="steps",
                          continuous_update=False),
    ))


def prediction_explorer(probabilities, symbols, alphabet):
    """Chapter 2: step along a sequence and see the predicted next-symbol distribution.

    Sliders for the first position shown and the window length drive
    :func:`rnnbook.plotting.plot_next_symbol_prediction`.

    Parameters
    ----------
    probabilities : array_like, shape ``(T, n_symbols)``
    symbols : array_like of int, shape ``(T + 1,)``
    alphabet : sequence of str
    """
    from ipywidgets import IntSlider, fixed, interactive

    from rnnbook.validation import as_float_array

    n_steps = len(as_float_array("probabilities", probabilities, ndim=2))
    if n_steps == 0:
        raise ValueError("probabilities is empty: nothing to explore")
    return _checked(interactive(
        _shown(plotting.plot_next_symbol_prediction),
        probabilities=fixed(probabilities), symbols=fixed(symbols), alphabet=fixed(alphabet),
        position=IntSlider(value=0, min=0, max=n_steps - 1, step=1, description="position",
                           continuous_update=False),
        window=IntSlider(value=30, min=10, max=80, step=5, description="window",
                         continuous_update=False),
    ))


def extraction_explorer(model, strings, n_symbols, *, accept_empty=None, reference=None):
    """Chapter 3: vary the number of clusters used to extract an automaton from a network.

    Sliders for ``n_clusters`` and the k-means ``seed`` drive
    :func:`rnnbook.plotting.plot_extraction`.
    """
    from ipywidgets import IntSlider, fixed, interactive

    return _checked(interactive(
        _shown(plotting.plot_extraction), model=fixed(model), strings=fixed(strings),
        n_symbols=fixed(n_symbols), accept_empty=fixed(accept_empty),
        reference=fixed(reference),
        n_clusters=IntSlider(value=8, min=1, max=20, step=1, description="clusters",
                             continuous_update=False),
        seed=IntSlider(value=0, min=0, max=20, step=1, description="k-means seed",
                       continuous_update=False),
    ))


def chaos_game_explorer(sources):
    """Chapter 6: move the contraction coefficient ``k`` and choose the source of the chaos game.

    A slider for ``k`` (0.1 to 0.9) and a menu of ``sources`` drive
    :func:`rnnbook.plotting.plot_chaos_game`.

    Parameters
    ----------
    sources : dict
        Name to ``(symbols, alphabet)`` or ``(symbols, alphabet, corners)``.
    """
    from ipywidgets import Dropdown, FloatSlider, IntSlider, fixed, interactive

    if not isinstance(sources, dict) or not sources:
        raise TypeError("sources must be a non-empty dict of name to (symbols, alphabet)")
    return _checked(interactive(
        _shown(plotting.plot_chaos_game), sources=fixed(sources),
        k=FloatSlider(value=0.5, min=0.1, max=0.9, step=0.05, description="k",
                      continuous_update=False),
        source=Dropdown(options=list(sources), value=next(iter(sources)),
                        description="source"),
        n_points=IntSlider(value=200_000, min=10_000, max=400_000, step=10_000,
                           description="points", continuous_update=False),
    ))


def architectural_bias_explorer(symbols, alphabet):
    """Chapter 7: the weight scales of an untrained RNN and how its states follow suffixes.

    Sliders for ``recurrent_scale``, ``input_scale``, ``n_hidden`` and the
    weight ``seed`` drive :func:`rnnbook.plotting.plot_architectural_bias`.
    """
    from ipywidgets import FloatSlider, IntSlider, fixed, interactive

    return _checked(interactive(
        _shown(plotting.plot_architectural_bias), symbols=fixed(symbols),
        alphabet=fixed(alphabet),
        recurrent_scale=FloatSlider(value=1.0, min=0.0, max=16.0, step=0.5,
                                    description="recurrent", continuous_update=False),
        input_scale=FloatSlider(value=2.0, min=0.25, max=8.0, step=0.25, description="input",
                                continuous_update=False),
        n_hidden=IntSlider(value=8, min=2, max=32, step=1, description="units",
                           continuous_update=False),
        seed=IntSlider(value=0, min=0, max=20, step=1, description="seed",
                       continuous_update=False),
    ))


def gradient_decay_explorer():
    """Chapter 4: the gain of ``W_rc`` and the input noise against the decay of gradients.

    Sliders drive :func:`rnnbook.plotting.plot_gradient_decay`.
    """
    from ipywidgets import FloatSlider, IntSlider, interactive

    return _checked(interactive(
        _shown(plotting.plot_gradient_decay),
        gain=FloatSlider(value=0.5, min=0.1, max=4.0, step=0.1, description="gain",
                         continuous_update=False),
        noise=FloatSlider(value=0.1, min=0.0, max=2.0, step=0.05, description="noise",
                          continuous_update=False),
        n_steps=IntSlider(value=60, min=10, max=200, step=10, description="steps",
                          continuous_update=False),
        n_hidden=IntSlider(value=64, min=2, max=128, step=2, description="units",
                           continuous_update=False),
    ))


def forget_bias_explorer():
    """Chapter 5: the forget-gate bias against how far back an LSTM passes gradients.

    Sliders drive :func:`rnnbook.plotting.plot_forget_bias`.
    """
    from ipywidgets import FloatSlider, IntSlider, interactive

    return _checked(interactive(
        _shown(plotting.plot_forget_bias),
        forget_bias=FloatSlider(value=3.0, min=-2.0, max=8.0, step=0.5,
                                description="forget bias", continuous_update=False),
        n_steps=IntSlider(value=100, min=10, max=300, step=10, description="steps",
                          continuous_update=False),
        n_hidden=IntSlider(value=16, min=1, max=64, step=1, description="units",
                           continuous_update=False),
    ))


def vlmm_explorer(sweeps):
    """Chapter 8: move a VLMM's pruning threshold and see its size, its score and its contexts.

    A drop-down menu picks the data set and a slider the threshold; they
    drive :func:`rnnbook.plotting.plot_vlmm_threshold`.

    Parameters
    ----------
    sweeps : dict
        Maps a data set's name to its pair ``(ngram, vlmm)`` of
        :class:`rnnbook.markov.Sweep` (with test data).
    """
    from ipywidgets import Dropdown, SelectionSlider, interactive

    if not isinstance(sweeps, dict) or not sweeps:
        raise TypeError("sweeps must be a non-empty dict of data-set name to (ngram, vlmm)")
    if not all(isinstance(pair, tuple) and len(pair) == 2 for pair in sweeps.values()):
        raise ValueError("sweeps must map each data set to a pair (ngram, vlmm) of sweeps")
    names = list(sweeps)
    thresholds = sorted({float(t) for _, vlmm in sweeps.values() for t in vlmm.settings
                         if t > 0})
    first = sweeps[names[0]][1]
    start = float(first.settings[first.best])

    def plot_vlmm_explorer(data_set, threshold):
        ngram, vlmm = sweeps[data_set]
        return plotting.plot_vlmm_threshold(ngram, vlmm, threshold, title=data_set)

    return _checked(interactive(
        _shown(plot_vlmm_explorer),
        data_set=Dropdown(options=names, value=names[0], description="data set"),
        threshold=SelectionSlider(options=[(f"{t:.3g}", t) for t in thresholds],
                                  value=min(thresholds, key=lambda t: abs(t - start)),
                                  description="threshold", continuous_update=False),
    ))


# ---- chapter 9: echo state networks ----
def esn_explorer():
    """Chapter 9: spectral radius, leak rate and input scaling against Mackey-Glass prediction.

    Sliders drive :func:`rnnbook.plotting.plot_esn_mackey_glass`.
    """
    from ipywidgets import FloatSlider, IntSlider, interactive

    return _checked(interactive(
        _shown(plotting.plot_esn_mackey_glass),
        spectral_radius=FloatSlider(value=0.9, min=0.1, max=1.5, step=0.05,
                                    description="radius", continuous_update=False),
        leak=FloatSlider(value=0.3, min=0.05, max=1.0, step=0.05, description="leak",
                         continuous_update=False),
        input_scaling=FloatSlider(value=0.5, min=0.05, max=2.0, step=0.05,
                                  description="input", continuous_update=False),
        n_units=IntSlider(value=200, min=20, max=500, step=20, description="units",
                          continuous_update=False),
        seed=IntSlider(value=0, min=0, max=9, description="seed", continuous_update=False),
    ))


# ---- chapter 10: liquid state machines ----
def liquid_explorer(network, inputs, input_times):
    """Chapter 10: scale a liquid's recurrent amplitudes and switch its synapses.

    A slider for the amplitude scale and a check box for dynamic synapses
    drive :func:`rnnbook.plotting.plot_liquid_activity` (each move simulates
    the liquid once).

    Parameters
    ----------
    network : rnnbook.lsm.LiquidNetwork
    inputs : array_like, shape ``(T, n_inputs)``
    input_times : array_like
        The input spike times (ms).
    """
    from ipywidgets import Checkbox, FloatLogSlider, interactive

    def plot_liquid_explorer(scale, dynamic):
        return plotting.plot_liquid_activity(scale, network=network, inputs=inputs,
                                             input_times=input_times, dynamic=dynamic)

    return _checked(interactive(
        _shown(plot_liquid_explorer),
        scale=FloatLogSlider(value=0.25, base=2, min=-5, max=0, step=0.5,
                             description="scale", continuous_update=False),
        dynamic=Checkbox(value=False, description="dynamic synapses"),
    ))


# ---- chapter 11: fractal prediction machines ----
def fpm_explorer(train, alphabet, sweeps=None, *, label=None, seed=0):
    """Chapter 11: move a fractal prediction machine's codebook size and contraction.

    Sliders for the number of codebook vectors ``M`` and the contraction
    coefficient ``k`` drive :func:`rnnbook.plotting.plot_fpm_contexts`.

    Parameters
    ----------
    train : array_like of int
        Training symbols (at most four symbols).
    alphabet : sequence of str
    sweeps : dict, optional
        Passed on to :func:`rnnbook.plotting.plot_fpm_contexts`.
    label : str, optional
        Passed on as well.
    seed : int
        For k-means.
    """
    from ipywidgets import FloatSlider, SelectionSlider, interactive

    def plot_fpm_explorer(n_contexts, k):
        return plotting.plot_fpm_contexts(n_contexts, train=train, alphabet=alphabet, k=k,
                                          seed=seed, sweeps=sweeps, label=label)

    sizes = [2 ** j for j in range(1, 12)]
    return _checked(interactive(
        _shown(plot_fpm_explorer),
        n_contexts=SelectionSlider(options=sizes, value=64, description="M",
                                   continuous_update=False),
        k=FloatSlider(value=0.5, min=0.1, max=0.9, step=0.05, description="k",
                      continuous_update=False),
    ))


def gradient_flow_explorer():
    """Chapter 5b: the weight scale, the depth and the gate bias against gradient flow.

    Sliders drive :func:`rnnbook.deep.plot_gradient_flow`: gradient norms
    through a plain, a residual and a highway network (depth) beside a tanh
    RNN, an LSTM and a GRU (time), on the same axes.
    """
    from ipywidgets import FloatSlider, IntSlider, interactive

    from rnnbook.deep import plot_gradient_flow

    return _checked(interactive(
        _shown(plot_gradient_flow),
        weight_scale=FloatSlider(value=0.8, min=0.1, max=3.0, step=0.1,
                                 description="weight scale", continuous_update=False),
        depth=IntSlider(value=100, min=10, max=300, step=10, description="depth / T",
                        continuous_update=False),
        width=IntSlider(value=32, min=2, max=64, step=2, description="units",
                        continuous_update=False),
        gate_bias=FloatSlider(value=-3.0, min=-6.0, max=2.0, step=0.5,
                              description="gate bias", continuous_update=False),
    ))
