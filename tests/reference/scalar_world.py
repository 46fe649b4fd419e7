"""A slow, obvious scalar version of the world model: one lab, one segment, no risk events.

The lab may lease data centres and hold one partner deal (its tranches, credits, instalments
and the partner's accounts).

Written from the equations in docs/model.md, one sample and one quarter at a
time with plain Python floats, so that the vectorised engine can be held to
it. Shares nothing with the engine but the scenario and the random streams
(:func:`labecon.uncertain.streams.uniforms`, tested on their own), from which
it takes the funding draw by its name.
"""

from __future__ import annotations

import math
from typing import Any

from labecon.uncertain.streams import uniforms

H100_FLOPS = 989.4e12


def funding_uniform(seed: int, lab: str, sample: int, t: int) -> float:
    """The engine's funding draw for lab ``lab`` at quarter ``t`` of sample ``sample``."""
    return float(uniforms(seed, f"labs.{lab}.funding[{t}]", sample, 1)[0])


def growth_years(decay: float, years: float) -> float:
    lam = -math.log1p(-decay)
    return -math.expm1(-lam * years) / lam if lam > 0 else years


def frontier_at(p: dict[str, Any], years: float) -> float:
    """The outside frontier after ``years`` (log10 FLOP at quarter-0 algorithms)."""
    return (
        p["f0"]
        + math.log10(p["f_mult"]) * growth_years(p["f_decay"], years)
        + years * 12.0 / p["halving"] * math.log10(2.0)
    )


def simulate_one(p: dict[str, Any], seed: int, sample: int) -> dict[str, Any]:
    """Run one sample; ``p`` holds plain numbers (see :func:`params_from_scenario`)."""
    H, hours = p["H"], p["hours"]
    slot = lambda q: min(int(q), H)  # noqa: E731 - a one-line helper reads best here
    sched: dict[str, list[float]] = {
        k: [0.0] * (H + 1)
        for k in (
            "owned",
            "retire",
            "retire_kw",
            "cost",
            "dep",
            "building",
            "commit",
            "pay",
            "repay",
            "dc_spend",
            "chip_pay",
            "leased",
            "lease_pay",
            "lease_fill",
            "lease_pending",
            "lease_refill",
            "lease_refill_last",
            "owned_kw",
            "leased_kw",
            "space_kw",
            "retire_space",
            "space_building",
            "building_kw",
            "dcap",
            "dpay",
            "dcost",
        )
    }
    o0, book, kw0 = p["owned0"], p["book_frac"], p["owned_kw_per_h100e"]  # the opening fleet's chip
    chip_v0 = o0 * p["owned_usd_per_h100e"]
    dc_v0 = o0 * kw0 * 1e-3 * p["dc_capex_per_mw"]
    rem_c = max(1.0, round(book * p["chip_life"]))
    rem_d = max(1.0, round(book * p["dc_life"]))
    sched["owned"][0] += o0
    sched["owned"][slot(rem_c)] -= o0
    sched["retire"][slot(rem_c)] += o0
    sched["retire_kw"][slot(rem_c)] += o0 * kw0
    sched["owned_kw"][0] += o0 * kw0
    sched["owned_kw"][slot(rem_c)] -= o0 * kw0
    sched["space_kw"][0] += o0 * kw0
    sched["space_kw"][slot(rem_d)] -= o0 * kw0
    sched["retire_space"][slot(rem_d)] += o0 * kw0
    sched["cost"][0] += chip_v0
    sched["cost"][slot(rem_c)] -= chip_v0
    sched["dep"][0] += chip_v0 * book / rem_c + dc_v0 * book / rem_d
    sched["dep"][slot(rem_c)] -= chip_v0 * book / rem_c
    sched["dep"][slot(rem_d)] -= dc_v0 * book / rem_d
    c0, crem = p["committed0"], p["committed_rem"]
    sched["commit"][0] += c0
    sched["commit"][slot(crem)] -= c0
    sched["pay"][0] += c0 * hours * p["commit_usd"]
    sched["pay"][slot(crem)] -= c0 * hours * p["commit_usd"]

    # The partner deal, if any: the opening contracts, the investment paid in before quarter 0.
    d_open = p["d_open"]
    sched["dcap"][0] += d_open
    sched["dcap"][slot(p["d_left"])] -= d_open
    sched["dpay"][0] += d_open * hours * p["d_price0"]
    sched["dpay"][slot(p["d_left"])] -= d_open * hours * p["d_price0"]
    sched["dcost"][0] += d_open * hours * (p["d_cap_cost0"] + p["d_run_cost"])
    sched["dcost"][slot(p["d_left"])] -= d_open * hours * (p["d_cap_cost0"] + p["d_run_cost"])
    contracted = d_pay = d_cost = 0.0
    credits = p["d_equity"] * p["d_credits_frac"]
    stake, post_money = p["d_stake"], p["rev0"] * p["multiple"]
    deal_npv, deal_disc = -stake * post_money, 1.0  # the stake held at quarter 0, at its value then
    v_q = (1.0 + p["d_rate"]) ** -0.25
    leased = lease_pay = lease_pending = owned_kw = leased_kw = space_kw = building_kw = 0.0
    space_building = 0.0  # IT space (kW) ordered and not yet built
    owned = cost = dep_rate = building = committed = commit_pay = repay_rate = dc_spend = 0.0
    cash, debt = p["cash0"] + p["d_equity"] - credits, p["debt0"]
    prop = chip_v0 * book + dc_v0 * book
    equity = cash + credits + prop - debt
    opening_value = post_money - (cash + credits) + debt  # what a buyer pays for the whole lab
    bill = in_service = served_total = 0.0
    buyer = []  # the buyer's flows: free cash flow each quarter, then the terminal value
    cap, run_flop, alive, ruined = p["cap0"], 0.0, 1.0, 0.0
    share = p["rev0"] / p["spend0"]
    attract0 = math.exp(min(p["w"] * (cap - max(p["f0"], cap)), 50.0))
    outside = max(1.0 - share, 1e-12)
    brand = share / attract0
    need_prev = share * (p["spend0"] / p["price0"] / 4.0) / hours
    hist = [p["rev0"] / 4.0] * 5
    burn_prev, discount = 0.0, 1.0
    disc_q = (1.0 + p["disc"]) ** -0.25
    years_n = -(-H // 4)
    out: dict[str, Any] = {
        "revenue_by_year": [0.0] * years_n,
        "cash_by_year": [0.0] * years_n,
        "capacity_by_year": [0.0] * years_n,
        "it_gw_by_year": [0.0] * years_n,
        "built_gw_by_year": [0.0] * years_n,
        "first_profit": float(H),
        "first_profit_year": float(H),
        "npv": 0.0,
        "peak_need": 0.0,
        "ruined": 0.0,
        "income": [],
        "cash_flow": [],
        "balance": [],
        "partner": [],
    }
    cum = last_fcf = last_revenue = peak_cap = 0.0
    raised_hist = [0.0, 0.0, 0.0]
    lam = -math.log1p(-p["g_decay"])

    def book_owned(
        came: float, chips: float, kw_each: float, chips_usd: float, dc_usd: float, over: float
    ) -> float:
        """Book owned chips arriving at ``came`` and their facility's cost; return its spend a quarter.

        Chips paid on delivery, the facility evenly over ``over`` quarters until then; each
        depreciated from its arrival over its life.
        """
        for key, value in (("owned", chips), ("owned_kw", chips * kw_each), ("cost", chips_usd)):
            sched[key][slot(came)] += value
            sched[key][slot(came + p["chip_life"])] -= value
        sched["building"][slot(came)] -= chips
        sched["building_kw"][slot(came)] -= chips * kw_each
        sched["retire"][slot(came + p["chip_life"])] += chips
        sched["retire_kw"][slot(came + p["chip_life"])] += chips * kw_each
        sched["dep"][slot(came)] += chips_usd / p["chip_life"] + dc_usd / p["dc_life"]
        sched["dep"][slot(came + p["chip_life"])] -= chips_usd / p["chip_life"]
        sched["dep"][slot(came + p["dc_life"])] -= dc_usd / p["dc_life"]
        sched["chip_pay"][slot(came)] += chips_usd
        sched["dc_spend"][slot(came)] -= dc_usd / max(over, 1.0)
        return dc_usd / max(over, 1.0)

    for t in range(H):
        years = t / 4.0
        owned += sched["owned"][t]
        cost += sched["cost"][t]
        dep_rate += sched["dep"][t]
        building += sched["building"][t]
        committed += sched["commit"][t]
        commit_pay += sched["pay"][t]
        repay_rate += sched["repay"][t]
        dc_spend += sched["dc_spend"][t]
        leased += sched["leased"][t]
        lease_pay += sched["lease_pay"][t]
        lease_pending += sched["lease_pending"][t]
        owned_kw += sched["owned_kw"][t]
        leased_kw += sched["leased_kw"][t]
        space_kw += sched["space_kw"][t]
        space_building += sched["space_building"][t]
        building_kw += sched["building_kw"][t]
        chip_price = p["own_usd_per_h100e"] * (1.0 - p["own_decline"]) ** years
        fill_capex = sched["lease_fill"][t] * alive * chip_price
        cost += fill_capex
        dep_rate += fill_capex / p["chip_life"]
        sched["cost"][slot(t + p["chip_life"])] -= fill_capex
        sched["dep"][slot(t + p["chip_life"])] -= fill_capex / p["chip_life"]
        contracted += sched["dcap"][t]
        d_pay += sched["dpay"][t]
        d_cost += sched["dcost"][t]
        d_limit = p["d_limit"] * (1.0 + p["d_limit_growth"]) ** years
        delivered = min(contracted, d_limit) * alive
        d_frac = delivered / contracted if contracted > 0 else 0.0
        owned_live, committed_live = owned * alive, committed * alive
        leased_live = leased * alive
        lead = p["lead"]
        # Decide.
        g_now = (1.0 + p["g"]) ** math.exp(-lam * years)
        need_growth = g_now * (1.0 - p["eff"]) / (1.0 - p["d_price"]) - 1.0
        rev_growth = hist[4] / max(hist[0], 1e-9) - 1.0
        runway = cash / burn_prev if burn_prev > 0 else math.inf
        # Training: the share rule, or what the run needs to finish at the frontier plus the gap.
        train_share, needed = p["training"], 0.0
        if p["frontier_gap_rule"]:
            left = p["run_length"] - t % p["run_length"]
            race = frontier_at(p, min(t + left - 1, H - 1) / 4.0)  # one lab: no other lab to race
            per_h100e = (
                hours
                * 3600.0
                * H100_FLOPS
                * p["util"]
                * 2.0 ** (3.0 * t / p["halving"])
                * p["final_run"]
                * left
            )
            needed = max(0.0, 10.0 ** (race + p["gap_target"]) - run_flop) / per_h100e
            base_now = owned_live + leased_live + committed_live + delivered
            wanted = needed / max(base_now, 1.0)
            train_share = max(p["training"], min(wanted, p["training_max"]))
        training = train_share * p["cut_factor"] if runway < p["cut_runway"] else train_share
        growth = min(max(need_growth, -0.9), 10.0)

        hw_growth = math.log10(p["f_mult"]) * (1.0 - p["f_decay"]) ** years  # the frontier's OOM a year

        def planned(
            h: float,
            growth: float = growth,
            need_prev: float = need_prev,
            needed: float = needed,
            hw_growth: float = hw_growth,
        ) -> float:
            forecast = need_prev * (1.0 + growth) ** (h / 4.0) * (1.0 + p["headroom"])
            tau = p["training"]
            if p["frontier_gap_rule"]:
                need_h = needed * 10.0 ** (hw_growth * h / 4.0)
                fit = need_h * (1.0 - p["research"]) / max(forecast + need_h, 1e-300)
                tau = max(p["training"], min(fit, p["training_max"]))
            return forecast / (1.0 - tau - p["research"])

        build = p["cut_build"] if runway < p["cut_runway"] else 1.0
        shares = shares_at(p, t)  # the route's shares of new capacity in force now
        own_target = shares["own_frac"] * planned(lead) * build
        commit_target = (
            shares["commit_frac"]
            * planned(p["commit_lead"])
            * (1.0 + p["commit_scale"] * min(max(rev_growth, 0.0), 5.0))
            * build
        )
        lease_target = shares["lease_frac"] * planned(p["lease_lead"]) * build
        partner_target = shares["partner_frac"] * planned(1.0) * build
        # Invest.
        can_buy = 1.0 if t >= p["available_q"] else 0.0
        # Chips for space free when they come, ordered a chip lead ahead (finance.chip_lead_quarters).
        halls_only = p["chip_lead"] > 0
        if halls_only:
            lc = min(float(p["chip_lead"]), lead)
            r_c = r_kw_c = closing_c = 0.0
            for q in range(t + 1, min(t + int(lc), H - 1) + 1):
                r_c += sched["retire"][q]
                r_kw_c += sched["retire_kw"][q]
                closing_c += sched["retire_space"][q]
            owned_later = kw_later = space_later = 0.0
            for q in range(t + int(lc) + 1, H + 1):  # what arrives after then (the last: after the horizon)
                owned_later -= sched["building"][q]
                kw_later -= sched["building_kw"][q]
                space_later -= sched["space_building"][q]
            owned_by, kw_by = building - owned_later, building_kw - kw_later
            free_c = space_kw - space_later - closing_c - (owned_kw - r_kw_c) - kw_by
            kw_c = p["kw_per_h100e"] * (1.0 - p["kw_decline"]) ** ((t + lc) / 4.0)
            wanted = max(0.0, shares["own_frac"] * planned(lc) * build - (owned - r_c) - owned_by)
            if p["owned_refill"] == "hall" and kw_c > 0:  # all the free space, whatever the plan
                fill = max(0.0, free_c) / kw_c * can_buy * alive
            else:
                fill = min(wanted, max(0.0, free_c) / kw_c if kw_c > 0 else math.inf) * can_buy * alive
            fill_chips_usd = fill * p["own_usd_per_h100e"] * (1.0 - p["own_decline"]) ** ((t + lc) / 4.0)
            refit_c = fill * kw_c * 1e-3 * p["dc_refit_per_mw"]
            building += fill
            building_kw += fill * kw_c
            dc_spend += book_owned(t + lc, fill, kw_c, fill_chips_usd, refit_c, lc)
        # What retires before an order placed now is online is replaced in time.
        retire = retire_kw = retire_space = 0.0
        for q in range(t + 1, min(t + int(lead), H - 1) + 1):
            retire += sched["retire"][q]
            retire_kw += sched["retire_kw"][q]
            retire_space += sched["retire_space"][q]
        order = max(0.0, own_target - (owned - retire) - building)
        # Chips go into free space of the lab's data centres first, less the space of those that
        # close before the order is online; only the rest is built.
        free = space_kw - retire_space - (owned_kw - retire_kw) - building_kw
        free_now = space_kw - (owned_kw - retire_kw) - building_kw
        kw_order = p["kw_per_h100e"] * (1.0 - p["kw_decline"]) ** ((t + lead) / 4.0)  # at delivery
        if p["owned_refill"] == "hall":  # as many as fit in the free space, whatever the plan
            order = max(order, max(0.0, free) / kw_order if kw_order > 0 else 0.0)
        order = order * can_buy * alive
        # Paid on delivery at the price of then.
        chip_capex = order * p["own_usd_per_h100e"] * (1.0 - p["own_decline"]) ** ((t + lead) / 4.0)
        # The chips in halls that close need new space (a shortfall without closures is replacements
        # waiting for space that frees up later: not built for).
        closing = (max(0.0, -free) - max(0.0, -free_now)) * can_buy * alive
        new_space = max(0.0, order * kw_order - max(0.0, free)) + closing
        refit = min(order * kw_order, max(0.0, free))  # the order's chips that go into free space
        if halls_only:  # those go in a chip lead ahead: now only the chips that do not fit
            hall_kw = max(0.0, order * kw_order - max(0.0, free))
            order, refit = (hall_kw / kw_order if kw_order > 0 else 0.0), 0.0
            chip_capex = order * p["own_usd_per_h100e"] * (1.0 - p["own_decline"]) ** ((t + lead) / 4.0)
        dc_capex = new_space * 1e-3 * p["dc_capex_per_mw"] + refit * 1e-3 * p["dc_refit_per_mw"]
        online = t + lead
        building += order
        building_kw += order * kw_order
        space_kw += new_space
        space_building += new_space  # counted as built from its arrival
        sched["space_building"][slot(online)] -= new_space
        sched["space_kw"][slot(online + p["dc_life"])] -= new_space
        sched["retire_space"][slot(online + p["dc_life"])] += new_space
        # Construction paid evenly until completion, chips on delivery.
        dc_spend += book_owned(online, order, kw_order, chip_capex, dc_capex, lead)
        capex = (dc_spend + sched["chip_pay"][t]) * alive + fill_capex
        debt_draw = capex * p["debt_frac"]
        per_q = debt_draw / p["maturity"]
        sched["repay"][slot(t + 1)] += per_q
        sched["repay"][slot(t + 1 + p["maturity"])] -= per_q
        # A commitment signed now starts after its lead: those signed before that start by then count.
        c_lead = p["commit_lead"]
        pending = sched["commit"][slot(t + 1)]
        for q in range(t + 2, min(t + c_lead, H) + 1):
            pending += sched["commit"][q]
        committed_then = committed + pending
        new_commit = max(0.0, min(commit_target, p["commit_limit"]) - committed_then) * alive
        commit_price = p["commit_usd"] * (1.0 - p["commit_decline"]) ** ((t + c_lead) / 4.0)  # at its start
        sched["commit"][slot(t + c_lead)] += new_commit
        sched["commit"][slot(t + c_lead + p["commit_term"])] -= new_commit
        sched["pay"][slot(t + c_lead)] += new_commit * hours * commit_price
        sched["pay"][slot(t + c_lead + p["commit_term"])] -= new_commit * hours * commit_price
        # Leased halls due for new chips next quarter get as many as the plan asks, within their
        # space (finance.lease_refill: plan); those chips leave a chip life on, or with the lease.
        life, term = p["chip_life"], p["lease_term"]
        if p["lease_refill"] == "plan" and t + 1 < H:
            whole, last = sched["lease_refill"][t + 1], sched["lease_refill_last"][t + 1]
            fits = whole + last
            if fits > 0:
                held_then = leased + lease_pending + sched["leased"][t + 1] + sched["lease_pending"][t + 1]
                bought = min(fits, max(0.0, lease_target - held_then)) * can_buy * alive
                renewed = bought / fits
                sched["leased"][t + 1] += bought
                sched["lease_fill"][t + 1] += bought
                sched["leased"][slot(t + 1 + life)] -= renewed * whole
                if term % life:
                    sched["leased"][slot(t + 1 + term % life)] -= renewed * last
        # Leases: the builder's data centre from t + lead for the term, chips bought at its start
        # and each chip life after while it runs.
        lease_growth = (1.0 + p["lease_limit_growth"]) ** (t / 4.0)
        lease_room = p["lease_limit"] * lease_growth - leased - lease_pending
        start = t + p["lease_lead"]
        kw_lease = p["kw_per_h100e"] * (1.0 - p["kw_decline"]) ** (start / 4.0)  # of its first chips
        # In MW: what is leased by the time a lease signed now starts, at the kW of its chips.
        leased_kw_then = leased_kw + sum(sched["leased_kw"][slot(t + 1) : slot(start) + 1])
        lease_room = min(lease_room, (p["lease_limit_kw"] * lease_growth - leased_kw_then) / kw_lease)
        new_lease = max(0.0, min(lease_target - leased - lease_pending, lease_room)) * can_buy * alive
        if new_lease > 0:
            x_pay = new_lease * kw_lease * 1e-3 * p["lease_usd"] / 4.0
            for key, value in (("leased", new_lease), ("lease_pay", x_pay), ("lease_fill", new_lease)):
                sched[key][slot(start)] += value
            sched["lease_pending"][slot(start)] -= new_lease
            sched["lease_pay"][slot(start + p["lease_term"])] -= x_pay
            sched["leased_kw"][slot(start)] += new_lease * kw_lease
            sched["leased_kw"][slot(start + p["lease_term"])] -= new_lease * kw_lease
            held = new_lease
            if p["lease_refill"] == "plan":  # its chips leave; what the hall holds then, to fill
                sched["leased"][slot(min(start + life, start + term))] -= new_lease
            for refill in range(start + p["chip_life"], min(start + p["lease_term"], H), p["chip_life"]):
                # The hall keeps its kW: it holds as many H100e as fit at the kW of the chips then.
                fits = new_lease * (1.0 - p["kw_decline"]) ** (-(refill - start) / 4.0)
                if p["lease_refill"] == "plan":
                    sched["lease_refill" if refill + life <= start + term else "lease_refill_last"][
                        refill
                    ] += fits
                    continue
                sched["leased"][refill] += fits - held
                sched["lease_fill"][refill] += fits
                held = fits
            if p["lease_refill"] != "plan":
                sched["leased"][slot(start + p["lease_term"])] -= held
        lease_pending += new_lease
        # Partner tranche: what the target lacks at t + lead, priced now at its start's prices,
        # take-or-pay for the term.
        if p["has_deal"] and t >= p["d_signed"]:
            start = t + p["d_lead"]
            pending = sum(sched["dcap"][slot(t + 1) : slot(start) + 1])
            limit_then = p["d_limit"] * (1.0 + p["d_limit_growth"]) ** ((t + p["d_lead"]) / 4.0)
            new_t = max(0.0, min(partner_target * p["d_split"], limit_then) - (contracted + pending)) * alive
            then = (t + p["d_lead"]) / 4.0
            price_t = p["d_price0"] * (1.0 - p["d_decline"]) ** then
            cost_t = (
                p["d_cap_cost0"] * (1.0 - p["d_cap_decline"]) ** then
                + p["d_run_cost"] * (1.0 - p["d_run_decline"]) ** then
            )
            for key, value in (
                ("dcap", new_t),
                ("dpay", new_t * hours * price_t),
                ("dcost", new_t * hours * cost_t),
            ):
                sched[key][slot(start)] += value
                sched[key][slot(start + p["d_term"])] -= value
        # Market.
        spend = p["spend0"] * (1.0 + p["g"]) ** growth_years(p["g_decay"], years)
        pref = p["price0"] * (1.0 - p["d_price"]) ** years
        cpu = (1.0 - p["eff"]) ** years
        volume = spend / pref / 4.0
        frontier = frontier_at(p, years)
        gap = cap - max(frontier, cap if alive > 0 else -math.inf)
        price = pref * (1.0 + p["premium"]) * max(0.05, 1.0 + p["pricing_power"] * min(max(gap, -1.0), 1.0))
        ratio = price / pref
        attract = math.exp(min(p["w"] * gap + p["drift"] * years - p["price_sens"] * math.log(ratio), 50.0))
        weighted = brand * alive * attract
        target = weighted / (weighted + outside)
        share = (p["inertia"] * share + (1.0 - p["inertia"]) * target) * alive
        demand = share * volume * min(1.0, ratio ** (-p["elasticity"]))
        need = demand * cpu / hours
        base_cap = owned_live + leased_live + committed_live + delivered
        infer_base = (1.0 - training - p["research"]) * base_cap
        rent_limit = max(
            0.0, p["rent_limit"] * (1.0 + p["rent_limit_growth"]) ** years - committed_live * p["rent_shares"]
        )
        rented = min(max(need - infer_base, 0.0), rent_limit) * alive
        infer_cap = infer_base + rented
        served = demand * (infer_cap / need if need > infer_cap else 1.0)
        share = served / volume
        revenue = served * price
        # Train.
        mult = 2.0 ** (3.0 * t / p["halving"])
        run_flop += training * base_cap * p["final_run"] * (hours * 3600.0 * H100_FLOPS) * p["util"] * mult
        if (t + 1) % p["run_length"] == 0 and alive > 0:
            if run_flop > 0:
                cap = max(cap, math.log10(run_flop))
            run_flop = 0.0
        # Money.
        rental = rented * hours * p["rent_usd"] * (1.0 - p["rent_decline"]) ** years
        commitment = commit_pay * alive
        power = (owned_kw + leased_kw) * alive * p["pue"] * hours * p["elec"]
        maintenance = p["maint"] / 4.0 * cost * alive
        fee = d_pay * d_frac
        credits_used = min(credits, fee)
        compute_cost = rental + commitment + fee + power + maintenance + lease_pay * alive
        depreciation = dep_rate * alive
        staff_factor = (hist[4] / (p["rev0"] / 4.0)) ** p["staff_elasticity"] if p["rev0"] > 0 else 1.0
        staff = p["staff0"] / 4.0 * (1.0 + p["staff_growth"]) ** years * staff_factor * alive
        interest = debt * (p["base_rate"] + p["spread"]) / 4.0 * alive
        net_income = revenue - compute_cost - depreciation - staff - interest
        # Finance.
        repay = min(debt + debt_draw, repay_rate) * alive
        operating = net_income + depreciation + credits_used
        investing = -capex
        scheduled = debt_draw - repay
        pre_money = revenue * 4.0 * (p["multiple"] * (1.0 + p["rank_premium"] * 0.5))  # alone: the leader
        paid = sum(usd for q, usd, _ in p["d_tranches"] if q == t) * alive
        credits_in = sum(usd * cf for q, usd, cf in p["d_tranches"] if q == t) * alive
        if paid > 0:
            stake = stake * (1.0 - paid / (pre_money + paid)) + paid / (pre_money + paid)
            post_money = pre_money + paid
        cash_pre = cash + operating + investing + scheduled + (paid - credits_in)
        burn = max(0.0, -(operating + investing + scheduled))
        runway_now = cash_pre / burn if burn > 0 else math.inf
        attempt = (runway_now < p["fund_trigger"] or cash_pre < 0) and burn > 0 and alive > 0
        loss = max(0.0, -net_income)
        loss_ratio = (loss / revenue if revenue > 0 else 5.0) if loss > 0 else 0.0
        z = (
            p["a_base"]
            + p["a_growth"] * min(max(rev_growth, -1.0), 5.0)
            + p["a_rank"] * 1.0
            - p["a_loss"] * min(max(loss_ratio, 0.0), 5.0)
        )
        p_ok = 1.0 / (1.0 + math.exp(-z))
        raised = 0.0
        ceiling = p["max_raise"] * (1.0 + p["max_raise_growth"]) ** years
        room = max(0.0, ceiling - sum(raised_hist))
        if attempt and funding_uniform(seed, "a", sample, t) < p_ok:
            wanted = max(p["fund_target"] * burn, burn - cash_pre)
            raised = min(wanted, max(pre_money * p["max_dilution"] / (1.0 - p["max_dilution"]), 0.0))
            raised = min(raised, room)
        if raised > 0:
            stake *= 1.0 - raised / (pre_money + raised)
            post_money = pre_money + raised
        financing = scheduled + raised + (paid - credits_in)
        cash = cash_pre + raised
        newly = 1.0 if (cash < 0 and alive > 0) else 0.0
        ruined = max(ruined, newly)
        debt = debt + debt_draw - repay
        prop = prop + capex - depreciation
        equity = equity + net_income + raised + paid
        credits = credits - credits_used + credits_in
        margin = fee - d_cost * d_frac
        deal_npv += deal_disc * (margin - paid)
        deal_disc *= v_q
        out["partner"].append([fee, margin, stake * post_money * alive])
        out["income"].append([revenue, compute_cost, depreciation, staff, interest, net_income])
        bill += compute_cost + depreciation
        in_service += (base_cap + rented) * hours
        served_total += served
        out["cash_flow"].append([operating, investing, financing, operating + investing + financing])
        out["balance"].append([cash, credits, prop, cash + credits + prop, debt, equity])
        y = t // 4
        out["revenue_by_year"][y] += revenue
        out["cash_by_year"][y] = cash
        out["capacity_by_year"][y] = base_cap + rented
        out["it_gw_by_year"][y] = (owned_kw * alive + leased_kw * alive) * 1e-6
        out["built_gw_by_year"][y] = (space_kw - space_building + leased_kw) * alive * 1e-6
        if out["first_profit"] == H and net_income > 0 and alive > 0:
            out["first_profit"] = float(t)
        if t >= 3 and out["first_profit_year"] == H and alive > 0:
            last_four = [row[5] for row in out["income"][-4:]]  # net income, oldest first
            if ((last_four[0] + last_four[1]) + last_four[2]) + last_four[3] > 0:
                out["first_profit_year"] = float(t)
        unlevered = operating + interest - credits_used + investing
        out["npv"] += discount * unlevered
        buyer.append(unlevered)
        if t >= H - 4:
            last_fcf += unlevered
            last_revenue += revenue
        peak_cap = max(peak_cap, (base_cap + rented) * (1.0 - p["cap_power_decline"]) ** (t / 4))
        cum += operating + investing + scheduled
        out["peak_need"] = max(out["peak_need"], -cum)
        alive *= 1.0 - newly
        need_prev = need
        hist = [*hist[1:], revenue]
        burn_prev = burn
        raised_hist = [*raised_hist[1:], raised]
        discount *= disc_q
    if p["tv_method"] == "gordon":
        spread = max(p["disc"] - p["tv_growth"], 0.01)
        terminal = last_fcf * (1.0 + p["tv_growth"]) / spread
    elif p["tv_method"] == "exit_multiple":
        terminal = p["tv_multiple"] * last_revenue
    else:
        terminal = prop * p["terminal"]
    out["npv"] += discount * terminal * alive
    out["compute_usd_per_h100e_hour"] = bill / in_service
    out["compute_usd_per_unit_served"] = bill / served_total
    out["buyer_flows"] = [buyer[0] - opening_value, *buyer[1:], terminal * alive]
    out["beyond"] = float(
        peak_cap > p["max_cap"]
        or out["peak_need"] > p["max_funding"]
        or max(out["revenue_by_year"]) > p["max_revenue"]
    )
    out["ruined"] = ruined
    stake_value = out["partner"][-1][2]
    if p["stake_at"] == "horizon":
        stake_value = stake * max(terminal + cash + credits - debt, 0.0) * alive
    out["deal_npv"] = deal_npv + deal_disc * stake_value
    return out


def shares_at(p: dict[str, Any], t: int) -> dict[str, float]:
    """Return the shares of new capacity in force at quarter ``t``: the strategy's, then its changes'."""
    shares = {name: p[name] for name in ("own_frac", "commit_frac", "lease_frac", "partner_frac")}
    for start, changed in p["route_changes"]:
        if start <= t:
            shares.update(changed)
    return shares


def params_from_scenario(sc: Any) -> dict[str, Any]:
    """Plain numbers of a one-lab, one-segment world scenario whose parameters are all fixed numbers."""
    (lab,) = sc.labs.values()
    st = lab.strategy
    (seg,) = sc.market.segments.values()
    own = sc.chips[st.own_chip]
    h_own = own.peak_bf16_tflops / 989.4
    owned = sc.chips[lab.owned_chip] if lab.owned_chip is not None else own  # the opening fleet's chip
    cc, rc = sc.clouds[st.commit_cloud], sc.clouds[st.rent_cloud]
    h_c = sc.chips[st.commit_chip].peak_bf16_tflops / 989.4
    h_r = sc.chips[st.rent_chip].peak_bf16_tflops / 989.4
    cap, fin = sc.capability, sc.finance
    lease = lab.lease
    deal_cloud = next((c for c in sc.clouds.values() if c.deal is not None), None)
    deal = {"has_deal": False, "d_open": 0.0, "d_left": 0, "d_price0": 0.0, "d_cap_cost0": 0.0}
    deal.update(
        d_run_cost=0.0,
        d_run_decline=0.0,
        d_equity=0.0,
        d_credits_frac=0.0,
        d_stake=0.0,
        d_rate=fin.discount_rate_per_year,
    )
    deal.update(d_limit=0.0, d_limit_growth=0.0, d_tranches=[], d_signed=0)
    if deal_cloud is not None and deal_cloud.deal is not None:
        dl = deal_cloud.deal
        later = dl.signed_quarter > 0  # then nothing at quarter 0: its investment is paid when signed
        own_limit = dl.capacity_limit_h100e is not None
        chip = sc.chips[dl.chip]
        h_d = chip.peak_bf16_tflops / 989.4
        own_disc = deal_cloud.own_chip_discount_frac if chip.sold_by != "anyone" else 0.0
        price0 = deal_cloud.prices[dl.chip].committed_usd_per_chip_hour * (1.0 - own_disc) / h_d
        price0 *= 1.0 - dl.preferential_discount_frac
        c = dl.cost or deal_cloud.cost
        if c is not None:
            r_q = (1.0 + c.cost_of_capital_per_year) ** 0.25 - 1.0
            crf = lambda n: r_q / (1.0 - (1.0 + r_q) ** -n)  # noqa: E731 - the annuity factor
            kw = c.power_kw_per_chip / h_d
            cap_cost0 = c.chip_capex_usd / h_d * crf(c.chip_life_quarters) / sc.hours_per_quarter
            run_cost = (
                kw * 1e-3 * c.dc_capex_usd_per_mw * crf(c.dc_life_quarters)
                + kw * c.pue * sc.hours_per_quarter * c.electricity_usd_per_kwh
            ) / sc.hours_per_quarter
            cap_decline, rate = chip.price_perf_decline_per_year, c.cost_of_capital_per_year
            run_decline = chip.power_decline_per_year
        else:
            cap_cost0, run_cost, run_decline = price0 * deal_cloud.cost_frac_of_price, 0.0, 0.0
            cap_decline, rate = deal_cloud.price_decline_per_year, fin.discount_rate_per_year
        deal.update(
            has_deal=True,
            d_open=0.0 if later else lab.partner_h100e * dl.capacity_split_frac,
            d_left=dl.opening_remaining_quarters,
            d_price0=price0,
            d_decline=deal_cloud.price_decline_per_year,
            d_cap_cost0=cap_cost0,
            d_cap_decline=cap_decline,
            d_run_cost=run_cost,
            d_run_decline=run_decline,
            d_equity=0.0 if later else dl.equity_usd,
            d_credits_frac=dl.credits_frac,
            d_stake=dl.stake_frac,
            d_rate=rate,
            d_limit=dl.capacity_limit_h100e if own_limit else deal_cloud.capacity_limit_h100e,
            d_limit_growth=0.0 if own_limit else deal_cloud.capacity_growth_per_year,
            d_signed=dl.signed_quarter,
            d_split=dl.capacity_split_frac,
            d_lead=dl.lead_quarters,
            d_term=dl.term_quarters,
            d_tranches=[(dl.signed_quarter, dl.equity_usd, dl.credits_frac)] * later
            + [(e.quarter, e.usd, e.credits_frac) for e in dl.equity_tranches],
        )
    return deal | {
        "lease_frac": st.lease_frac,
        "lease_usd": lease.usd_per_mw_per_year if lease else 0.0,
        "lease_lead": lease.lead_quarters if lease else 1,
        "lease_limit": lease.capacity_limit_h100e
        if lease and lease.capacity_limit_h100e is not None
        else math.inf,
        "lease_limit_growth": lease.capacity_growth_per_year if lease else 0.0,
        "lease_limit_kw": lease.capacity_limit_mw * 1e3
        if lease and lease.capacity_limit_mw is not None
        else math.inf,
        "lease_term": lease.term_quarters if lease else 1,
        "partner_frac": st.partner_frac,
        "H": sc.horizon_quarters,
        "hours": sc.hours_per_quarter,
        "owned0": lab.owned_h100e,
        "book_frac": lab.owned_book_frac,
        "own_usd_per_h100e": own.price_usd / h_own,
        "owned_usd_per_h100e": owned.price_usd / (owned.peak_bf16_tflops / 989.4),
        "owned_kw_per_h100e": owned.power_kw_all_in / (owned.peak_bf16_tflops / 989.4),
        "own_decline": own.price_perf_decline_per_year,
        "kw_per_h100e": own.power_kw_all_in / h_own,
        "kw_decline": own.power_decline_per_year,
        "available_q": max(0.0, math.ceil((own.first_year_available - sc.start_year) * 4.0)),
        "dc_capex_per_mw": fin.dc_capex_usd_per_mw,
        "dc_refit_per_mw": fin.dc_refit_usd_per_mw,
        "lead": float(fin.dc_lead_quarters),
        "chip_lead": fin.chip_lead_quarters or 0,
        "owned_refill": fin.owned_refill,
        "lease_refill": fin.lease_refill,
        "chip_life": fin.chip_life_quarters,
        "dc_life": fin.dc_life_quarters,
        "committed0": lab.committed_h100e,
        "committed_rem": lab.committed_remaining_quarters,
        "commit_usd": cc.prices[st.commit_chip].committed_usd_per_chip_hour / h_c,
        "commit_decline": cc.price_decline_per_year,
        "commit_limit": cc.capacity_limit_h100e,
        "commit_term": st.commit_term_quarters,
        "commit_lead": st.commit_lead_quarters,
        "rent_usd": rc.prices[st.rent_chip].on_demand_usd_per_chip_hour / h_r,
        "rent_decline": rc.price_decline_per_year,
        "rent_limit": rc.capacity_limit_h100e,
        "rent_limit_growth": rc.capacity_growth_per_year,
        "rent_shares": 1.0 if st.rent_cloud == st.commit_cloud else 0.0,
        "cash0": lab.cash_usd,
        "debt0": lab.debt_usd,
        "rev0": lab.revenue_usd_per_year,
        "cap0": lab.capability_log10_flop,
        "drift": lab.preference_drift_per_year,
        "staff0": lab.staff_usd_per_year,
        "staff_growth": st.staff_growth_per_year,
        "staff_elasticity": st.staff_revenue_elasticity,
        "own_frac": st.own_frac,
        "commit_frac": st.commit_frac,
        "route_changes": [
            (row.from_quarter, row.model_dump(exclude={"from_quarter"}, exclude_none=True))
            for row in st.route_changes or []
        ],
        "headroom": st.headroom_frac,
        "training": st.training_frac,
        "frontier_gap_rule": st.training_rule == "frontier_gap",
        "gap_target": st.training_target_gap_oom,
        "training_max": st.training_max_frac,
        "research": st.research_frac,
        "premium": st.price_premium_frac,
        "cut_runway": st.cut_training_runway_quarters,
        "cut_factor": st.cut_training_factor,
        "commit_scale": st.commit_scale_with_revenue,
        "fund_trigger": st.funding_trigger_runway_quarters,
        "fund_target": st.funding_target_runway_quarters,
        "debt_frac": st.debt_frac_of_capex,
        "maturity": st.debt_maturity_quarters,
        "run_length": st.run_length_quarters,
        "spend0": seg.spend_usd_per_year,
        "g": seg.growth_per_year,
        "g_decay": seg.growth_decay_per_year,
        "price0": seg.price_usd_per_unit,
        "d_price": seg.price_decline_per_year,
        "eff": seg.serving_efficiency_gain_per_year,
        "elasticity": seg.elasticity,
        "inertia": seg.inertia_frac,
        "util": cap.utilisation_frac,
        "halving": cap.algorithmic_halving_months,
        "f0": cap.frontier_log10_flop,
        "f_mult": cap.frontier_compute_multiple_per_year,
        "f_decay": cap.frontier_growth_decay_per_year,
        "final_run": cap.final_run_frac,
        "w": cap.share_weight_per_oom,
        "price_sens": cap.price_sensitivity,
        "pricing_power": cap.pricing_power_per_oom,
        "base_rate": fin.base_rate_per_year,
        "spread": fin.debt_spread_per_year,
        "disc": fin.discount_rate_per_year,
        "pue": fin.pue,
        "elec": fin.electricity_usd_per_kwh,
        "maint": fin.maintenance_frac_per_year,
        "terminal": fin.terminal_value_frac_of_book,
        "tv_method": fin.terminal_value_method,
        "stake_at": fin.stake_valued_at,
        "tv_growth": fin.terminal_growth_per_year,
        "tv_multiple": fin.terminal_revenue_multiple,
        "max_raise": fin.max_raise_usd_per_year,
        "max_raise_growth": fin.max_raise_growth_per_year,
        "a_loss": fin.funding_loss_logit,
        "cut_build": st.cut_build_factor,
        "max_cap": fin.plausible_max_capacity_h100e,
        "cap_power_decline": float(fin.plausible_max_capacity_power_decline_per_year),
        "max_funding": fin.plausible_max_funding_usd,
        "max_revenue": fin.plausible_max_revenue_usd_per_year,
        "multiple": fin.valuation_revenue_multiple,
        "rank_premium": fin.valuation_rank_premium_frac,
        "max_dilution": fin.max_dilution_frac,
        "a_base": fin.funding_base_logit,
        "a_growth": fin.funding_growth_logit,
        "a_rank": fin.funding_rank_logit,
    }
