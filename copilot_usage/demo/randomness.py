"""Deterministic randomness: cheap per-(day, user) coin flips without a Random each.

`mix` hashes integers (seed, stream id, day, user id) to 64 bits, stably across
processes; `unit` turns that into a uniform float. `poisson` and `binomial`
draw counts from a seeded `random.Random`.
"""

from __future__ import annotations

import math
import random

_MASK = (1 << 64) - 1
# Stream ids keep independent decisions (active? chat? cli?) uncorrelated.
S_BUILD, S_TRAITS, S_ACTIVE, S_CHAT, S_AGENT, S_CLI, S_LINE, S_ORG, S_SIG, S_TIME = range(1, 11)
S_REVIEW = 11  # a stream of its own: adding code review changed no earlier number


def mix(*parts: int) -> int:
    """A 64-bit splitmix-style hash of integers; stable across processes."""
    h = 0x9E3779B97F4A7C15
    for part in parts:
        h = ((h ^ (part & _MASK)) * 0xBF58476D1CE4E5B9) & _MASK
        h ^= h >> 31
    h = (h * 0x94D049BB133111EB) & _MASK
    return h ^ (h >> 29)


def unit(*parts: int) -> float:
    """A uniform float in [0, 1) from integers."""
    return (mix(*parts) >> 11) * (1.0 / (1 << 53))


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam >= 30:  # normal approximation: Knuth's loop gets slow
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, prod = math.exp(-lam), 0, rng.random()
    while prod > limit:
        k += 1
        prod *= rng.random()
    return k


def binomial(rng: random.Random, n: int, p: float) -> int:
    if n <= 0 or p <= 0:
        return 0
    if p >= 1:
        return n
    if n < 50:
        return sum(1 for _ in range(n) if rng.random() < p)
    return min(n, max(0, round(rng.gauss(n * p, math.sqrt(n * p * (1 - p))))))
