"""Deterministic randomness: cheap per-(day, user) coin flips without a Random each.

`_mix` hashes integers (seed, stream id, day, user id) to 64 bits, stably across
processes; `_unit` turns that into a uniform float. `_poisson` and `_binomial`
draw counts from a seeded `random.Random`.
"""

from __future__ import annotations

import math
import random

_MASK = (1 << 64) - 1
# Stream ids keep independent decisions (active? chat? cli?) uncorrelated.
_S_BUILD, _S_TRAITS, _S_ACTIVE, _S_CHAT, _S_AGENT, _S_CLI, _S_LINE, _S_ORG, _S_SIG, _S_TIME = range(1, 11)
_S_REVIEW = 11  # a stream of its own: adding code review changed no earlier number


def _mix(*parts: int) -> int:
    """A 64-bit splitmix-style hash of integers; stable across processes."""
    h = 0x9E3779B97F4A7C15
    for part in parts:
        h = ((h ^ (part & _MASK)) * 0xBF58476D1CE4E5B9) & _MASK
        h ^= h >> 31
    h = (h * 0x94D049BB133111EB) & _MASK
    return h ^ (h >> 29)


def _unit(*parts: int) -> float:
    """A uniform float in [0, 1) from integers."""
    return (_mix(*parts) >> 11) * (1.0 / (1 << 53))


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam >= 30:  # normal approximation: Knuth's loop gets slow
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, prod = math.exp(-lam), 0, rng.random()
    while prod > limit:
        k += 1
        prod *= rng.random()
    return k


def _binomial(rng: random.Random, n: int, p: float) -> int:
    if n <= 0 or p <= 0:
        return 0
    if p >= 1:
        return n
    if n < 50:
        return sum(1 for _ in range(n) if rng.random() < p)
    return min(n, max(0, round(rng.gauss(n * p, math.sqrt(n * p * (1 - p))))))
