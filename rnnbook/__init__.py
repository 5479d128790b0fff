"""rnnbook: the library behind the lecture notes on recurrent neural networks.

Every model in the package is a state-space model

.. math::

    x(t) = f(u(t), x(t-1)), \\qquad y(t) = h(x(t)),

built on :class:`rnnbook.core.StateSpaceModel`. The chapters differ only in how
the state transition ``f`` is built and how the readout ``h`` is fitted.
"""

from rnnbook.core import StateSpaceModel, Trajectory
from rnnbook.gru import GRU
from rnnbook.rnn import RNN

__all__ = ["GRU", "RNN", "StateSpaceModel", "Trajectory"]
__version__ = "0.1.0"
