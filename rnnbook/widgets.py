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
        draw(**kwargs)
        plt.show()

    show.__name__ = draw.__name__
    show.__doc__ = draw.__doc__
    return show


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

    return interactive(
        _shown(plotting.plot_scale_dynamics),
        scale=FloatSlider(value=3.0, min=0.0, max=30.0, step=0.25, description="scale",
                          continuous_update=False),
        angle=FloatSlider(value=1.0, min=0.0, max=float(np.pi), step=0.05, description="angle",
                          continuous_update=False),
        n_steps=IntSlider(value=60, min=5, max=300, step=5, description="steps",
                          continuous_update=False),
    )


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

    n_steps = len(probabilities)
    return interactive(
        _shown(plotting.plot_next_symbol_prediction),
        probabilities=fixed(probabilities), symbols=fixed(symbols), alphabet=fixed(alphabet),
        position=IntSlider(value=0, min=0, max=n_steps - 1, step=1, description="position",
                           continuous_update=False),
        window=IntSlider(value=30, min=10, max=80, step=5, description="window",
                         continuous_update=False),
    )


def extraction_explorer(model, strings, n_symbols, *, accept_empty=None, reference=None):
    """Chapter 3: vary the number of clusters used to extract an automaton from a network.

    Sliders for ``n_clusters`` and the k-means ``seed`` drive
    :func:`rnnbook.plotting.plot_extraction`.
    """
    from ipywidgets import IntSlider, fixed, interactive

    return interactive(
        _shown(plotting.plot_extraction), model=fixed(model), strings=fixed(strings),
        n_symbols=fixed(n_symbols), accept_empty=fixed(accept_empty),
        reference=fixed(reference),
        n_clusters=IntSlider(value=8, min=1, max=20, step=1, description="clusters",
                             continuous_update=False),
        seed=IntSlider(value=0, min=0, max=20, step=1, description="k-means seed",
                       continuous_update=False),
    )
