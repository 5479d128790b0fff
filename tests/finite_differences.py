"""Independent finite-difference helpers shared by the gradient tests.

Written here, not taken from rnnbook.gradcheck, so that the tests check the
package's gradient checker too.
"""

from __future__ import annotations

import numpy as np


def own_central_differences(f, params, eps=1e-6):
    """Our own central-difference loop over copies of the parameters."""
    grads = {}
    for name, value in params.items():
        grad = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            plus = {k: v.copy() for k, v in params.items()}
            minus = {k: v.copy() for k, v in params.items()}
            plus[name][idx] += eps
            minus[name][idx] -= eps
            grad[idx] = (f(plus) - f(minus)) / (2 * eps)
        grads[name] = grad
    return grads


def rel_err(a, b):
    """``||a - b|| / (||a|| + ||b||)``, 0 when both vanish."""
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if scale == 0 else float(np.linalg.norm(a - b) / scale)
