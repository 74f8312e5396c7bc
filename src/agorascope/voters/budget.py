"""Where to spend: tipping points, voter power and a budget allocation from simulated elections.

The draws are the elections domain's own (:func:`agorascope.elections.simulate.simulate_shares`
gives the very shares its forecast counts), so the win probability here equals the forecast's
for the same seed. From those draws:

- **Tipping point**: the state whose electoral votes put the winner over the line when states
  are ordered by the winner's margin (the elections domain's definition and kernel).
- **Voter power** (Gelman, King & Boscardin 1998; Gelman, Silver & Edlin 2012): the chance that
  one more vote in the state decides the Electoral College,
  ``P(state tied) * P(its votes decide | tied)``, with ``P(state tied) ~= f(0.5) / N``: ``f`` the
  density of the state's two-party share at one half and ``N`` its turnout. Both are estimated
  from the simulations with a uniform (box) kernel of half-width ``h``: among simulations whose
  share is within ``h`` of 0.5, the share in which giving the state's votes to one side or the
  other changes the winner (a 269-269 tie counts as an outcome of its own).
- **Budget**: spending ``x`` dollars in a state of ``N`` voters moves the candidate's two-party
  share there by ``a * ln(1 + x / (b * N))`` (diminishing returns; ``a`` the scale of the shift,
  ``b`` the dollars per voter at which it reaches ``a * ln 2``). The budget is spent greedily in
  equal chunks, each where it raises the objective (win probability, or expected electoral
  votes) the most over the same simulations; ties go to the larger expected-vote gain, then to
  the state with more close simulations.

The effect model is an assumption to be replaced by the campaign's own estimates (see
docs/voters-experiments.md for its limits).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from agorascope.elections.simulate import SimulationInput, simulate_shares, tally
from agorascope.elections.states import NAMES, STATES
from agorascope.errors import InvalidInputError

__all__ = ["Budget", "SpendingModel", "allocate", "plan_budget", "state_power"]

Objective = Literal["win", "ev"]


@dataclass(frozen=True)
class SpendingModel:
    """Diminishing returns: shift = ``a * ln(1 + spend / (b * voters))`` (two-party share).

    Attributes:
        a: scale of the shift (0.01 = one point of two-party share).
        b: dollars per voter at which the shift is ``a * ln 2``.
    """

    a: float = 0.01
    b: float = 10.0

    def shift(self, spend: np.ndarray, voters: np.ndarray) -> np.ndarray:
        """Shift of the two-party share bought by ``spend`` dollars among ``voters`` voters."""
        out: np.ndarray = self.a * np.log1p(np.asarray(spend) / (self.b * np.asarray(voters)))
        return out


def _membership(unit_states: list[str], states: list[str], ev: np.ndarray) -> np.ndarray:
    """``units x states`` matrix: a unit's electoral votes in its state's column."""
    col = {s: i for i, s in enumerate(states)}
    m = np.zeros((len(unit_states), len(states)))
    for u, s in enumerate(unit_states):
        m[u, col[s]] = ev[u]
    return m


def _outcome(votes: np.ndarray, total: int) -> np.ndarray:
    need = total // 2 + 1
    out: np.ndarray = np.where(votes >= need, 1, np.where(total - votes >= need, -1, 0))
    return out


def state_power(
    shares: np.ndarray,
    ev: np.ndarray,
    unit_states: list[str],
    states: list[str],
    turnout: np.ndarray,
    *,
    bandwidth: float = 0.01,
) -> pd.DataFrame:
    """Tipping-point chance and voter power of each state, from simulated shares.

    Args:
        shares: ``sims x units`` two-party shares of the candidate.
        ev: electoral votes of each unit.
        unit_states: the state of each unit (a district's is its state's); the first
            ``len(states)`` units are the states at large, in ``states`` order.
        states: the states.
        turnout: voters of each state.
        bandwidth: half-width ``h`` of the box kernel around a share of one half.

    Returns:
        One row per state: ``tipping_point``, ``p_close`` (share of simulations within ``h``),
        ``density`` (``f(0.5)``), ``p_decisive_if_close``, ``p_vote_decides`` (one vote decides
        the election) and ``power_index`` (that chance over the average voter's).
    """
    if not 0 < bandwidth < 0.5:
        raise InvalidInputError("the bandwidth must be in (0, 0.5)")
    ns = len(states)
    total = int(ev.sum())
    won = shares > 0.5
    dem_ev = won.astype(np.int64) @ ev
    counts = tally(shares, ev, turnout)
    tips = counts.tipping.astype(float)
    tips = tips / tips.sum() if tips.sum() > 0 else tips
    member = _membership(unit_states, states, ev)
    tip_state = tips @ (member > 0)
    rows = []
    for s in range(ns):
        near = np.abs(shares[:, s] - 0.5) < bandwidth
        own = dem_ev - ev[s] * won[:, s]
        pivotal = _outcome(own + ev[s], total) != _outcome(own, total)
        p_close = float(near.mean())
        density = p_close / (2 * bandwidth)
        dec = float(pivotal[near].mean()) if near.any() else 0.0
        rows.append(
            {
                "state": states[s], "tipping_point": float(tip_state[s]), "p_close": p_close,
                "density": density, "p_decisive_if_close": dec,
                "p_vote_decides": density * dec / float(turnout[s]),
            }
        )  # fmt: skip
    out = pd.DataFrame(rows)
    per_voter = (out["p_vote_decides"] * turnout).sum() / turnout.sum()
    out["power_index"] = out["p_vote_decides"] / per_voter if per_voter > 0 else 0.0
    return out


def allocate(
    shares: np.ndarray,
    ev: np.ndarray,
    unit_states: list[str],
    states: list[str],
    voters: np.ndarray,
    total: float,
    *,
    model: SpendingModel | None = None,
    steps: int = 100,
    objective: Objective = "win",
) -> tuple[np.ndarray, list[dict[str, float]]]:
    """Spend ``total`` in ``steps`` equal chunks, each where the objective gains most.

    Args:
        shares: ``sims x units`` two-party shares of the candidate the money helps.
        ev: electoral votes of each unit; ``unit_states`` the state of each unit.
        states: the states money may go to; ``voters`` their voters.
        total: dollars to spend.
        model: the effect of spending.
        steps: chunks (the allocation's resolution).
        objective: ``win`` (chance of an Electoral College majority) or ``ev`` (expected
            electoral votes).

    Returns:
        ``(spend per state, path)``: the path lists after each chunk the state chosen and the
        objective's values.
    """
    if total < 0 or steps < 1:
        raise InvalidInputError("the total must be >= 0 and steps >= 1")
    model = model or SpendingModel()
    member = _membership(unit_states, states, ev)  # units x states
    total_ev = int(ev.sum())
    need = total_ev // 2 + 1
    spend = np.zeros(len(states))
    chunk = total / steps
    unit_col = np.array([states.index(s) for s in unit_states])

    def state_votes(shift: np.ndarray) -> np.ndarray:
        # electoral votes each state gives the candidate in each simulation (sims x states)
        moved = shares + shift[unit_col][None, :]
        out: np.ndarray = (moved > 0.5).astype(np.float64) @ member
        return out

    current = state_votes(model.shift(spend, voters))
    path: list[dict[str, float]] = []
    for _ in range(steps):
        base = current.sum(axis=1)
        new_shift = model.shift(spend + chunk, voters)
        candidate = state_votes(new_shift)  # each column as if that state got the chunk
        votes = base[:, None] - current + candidate  # sims x states
        win = (votes >= need).mean(axis=0)
        exp_ev = votes.mean(axis=0)
        close = (np.abs(shares[:, : len(states)] + new_shift[None, :] - 0.5) < 0.01).mean(0)
        keys = (exp_ev, win) if objective == "ev" else (win, exp_ev)
        best = int(np.lexsort((close, keys[1], keys[0]))[-1])
        spend[best] += chunk
        current[:, best] = candidate[:, best]
        path.append({"state": float(best), "win": float(win[best]), "ev": float(exp_ev[best])})
    return spend, path


@dataclass
class Budget:
    """A budget plan.

    Attributes:
        rows: one row per state (see :func:`plan_budget`).
        meta: the win probability and expected electoral votes before and after, the model.
    """

    rows: list[dict[str, object]]
    meta: dict[str, object]


def plan_budget(
    inp: SimulationInput,
    total: float,
    *,
    sims: int = 20_000,
    seed: int = 0,
    party: Literal["dem", "rep"] = "dem",
    model: SpendingModel | None = None,
    steps: int = 100,
    objective: Objective = "win",
    bandwidth: float = 0.01,
) -> Budget:
    """Tipping points, voter power and an allocation of ``total`` dollars for ``party``.

    Args:
        inp: the elections simulation's input (a forecast's or a state table's).
        total: dollars to spend.
        sims: simulations drawn (the same draws as the elections forecast with this seed).
        seed: random seed; the same seed gives the same plan.
        party: the candidate the money helps.
        model: the effect of spending.
        steps: chunks of the greedy allocation.
        objective: ``win`` or ``ev``.
        bandwidth: half-width of the box kernel of the voter-power density.

    Raises:
        InvalidInputError: turnout missing (every state needs a number of voters).
    """
    model = model or SpendingModel()
    voters = np.asarray(inp.turnout, dtype=float)
    if voters.shape != (len(STATES),) or np.any(voters <= 1):
        raise InvalidInputError(
            "the budget needs each state's number of voters (a 'votes' column in the states "
            "table, or a results file)"
        )
    dem = simulate_shares(inp, sims, seed=seed)
    shares = dem if party == "dem" else 1 - dem
    ev = np.array([u.ev for u in inp.units], dtype=np.int64)
    unit_states = [u.state for u in inp.units]
    states = list(STATES)
    power = state_power(shares, ev, unit_states, states, voters, bandwidth=bandwidth)
    spend, path = allocate(
        shares, ev, unit_states, states, voters, total, model=model, steps=steps,
        objective=objective,
    )  # fmt: skip
    need = int(ev.sum()) // 2 + 1
    before = (shares > 0.5).astype(np.int64) @ ev
    shift = model.shift(spend, voters)
    moved = shares + shift[[states.index(s) for s in unit_states]][None, :]
    after = (moved > 0.5).astype(np.int64) @ ev
    at_large = shares[:, : len(states)]
    rows: list[dict[str, object]] = []
    for i, s in enumerate(states):
        r = power.iloc[i]
        rows.append(
            {
                "state": s, "name": NAMES.get(s, s), "ev": int(member_ev(ev, unit_states, s)),
                "voters": float(voters[i]), "win_prob": float((at_large[:, i] > 0.5).mean()),
                "tipping_point": float(r["tipping_point"]), "p_close": float(r["p_close"]),
                "p_decisive_if_close": float(r["p_decisive_if_close"]),
                "p_vote_decides": float(r["p_vote_decides"]),
                "power_index": float(r["power_index"]), "spend": float(spend[i]),
                "share": float(spend[i] / total) if total > 0 else 0.0,
                "shift": float(shift[i]),
                "win_prob_after": float((at_large[:, i] + shift[i] > 0.5).mean()),
            }
        )  # fmt: skip
    meta: dict[str, object] = {
        "party": party, "total": total, "simulations": sims, "seed": seed,
        "objective": objective, "steps": steps, "bandwidth": bandwidth,
        "model": {"a": model.a, "b": model.b, "shift": "a * ln(1 + spend / (b * voters))"},
        "win_before": float((before >= need).mean()), "win_after": float((after >= need).mean()),
        "ev_before": float(before.mean()), "ev_after": float(after.mean()),
        "path": [{"step": k + 1, "state": states[int(p["state"])], "win": p["win"],
                  "ev": p["ev"]} for k, p in enumerate(path)],
    }  # fmt: skip
    return Budget(rows, meta)


def member_ev(ev: np.ndarray, unit_states: list[str], state: str) -> int:
    """Electoral votes of ``state`` (its at-large votes and its districts')."""
    return int(sum(int(v) for v, s in zip(ev, unit_states, strict=True) if s == state))
