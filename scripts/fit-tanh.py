#!/usr/bin/env python3
"""Derives the fast path's tanh coefficients (assembly/activations.ts).

tanh(x) ~ x * P(x^2) / Q(x^2), P of degree 4 and Q of degree 4 in x^2 with Q(0) = 1, on
[0, c] with c = 8.5 (the kernels clamp the input there). Minimax absolute error by the
differential-correction method (a linear program per iteration), with one extra point
asking that the value at c be 1 (the clamp's tail). Prints the fit's error in float64
and the coefficients rounded to float32. Needs numpy and scipy.
"""
import numpy as np
from scipy.optimize import linprog

M, N, C = 4, 4, 8.5


def fit(m, n, c, points=6000, iterations=40):
    x = np.unique(np.concatenate([np.linspace(0, c, points), c * (1 - np.cos(np.linspace(0, np.pi / 2, points)))]))
    x = np.append(x, c)
    y = np.append(np.tanh(x[:-1]), 1.0)
    s = x * x
    A_p = np.stack([x * s**i for i in range(m + 1)], 1)
    A_q = np.stack([s**i for i in range(1, n + 1)], 1)
    coef = np.linalg.lstsq(np.hstack([A_p, -y[:, None] * A_q]), y, rcond=None)[0]
    best = (np.inf, coef)
    for _ in range(iterations):
        q = 1 + A_q @ coef[m + 1:]
        err = np.max(np.abs((A_p @ coef[: m + 1]) / q - y))
        if err < best[0]:
            best = (err, coef.copy())
        nv = m + n + 2  # coefficients, then the bound d: |x P - y Q| <= d * Q_previous
        G1 = np.hstack([A_p, -y[:, None] * A_q, -q[:, None]])
        G2 = np.hstack([-A_p, y[:, None] * A_q, -q[:, None]])
        objective = np.zeros(nv)
        objective[-1] = 1
        r = linprog(objective, A_ub=np.vstack([G1, G2]), b_ub=np.concatenate([y, -y]),
                    bounds=[(None, None)] * (nv - 1) + [(0, None)], method='highs')
        if not r.success:
            break
        coef = r.x[:-1]
    return best


err, coef = fit(M, N, C)
print(f'max abs error of the fit in float64 on [0, {C}]: {err:.3g}')
for name, v in zip([f'P{i}' for i in range(M + 1)] + [f'Q{i}' for i in range(1, N + 1)], coef):
    print(f'const {name}: f32 = {float(np.float32(v))!r};')
