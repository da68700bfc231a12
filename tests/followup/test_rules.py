"""Plain follow-up rules: due dates in the workshop's time zone, tCO2e from the factor table,
the state and the status curve "as of a date" replayed from journal events."""
from datetime import date, datetime, timezone

import pytest

from app.followup import asof, dates, figures, impact


# -- overdue / due this week, in the user's time zone -------------------------------------------------
def test_today_is_the_day_where_the_workshop_is():
    # Monday 23:30 UTC is already Tuesday 00:30 in Paris (winter, UTC+1) but still Monday in Montréal.
    now = datetime(2026, 12, 7, 23, 30, tzinfo=timezone.utc)
    assert dates.today("Europe/Paris", now) == date(2026, 12, 8)
    assert dates.today("America/Montreal", now) == date(2026, 12, 7)
    assert dates.today("UTC", now) == date(2026, 12, 7)
    paris, montreal = dates.today("Europe/Paris", now), dates.today("America/Montreal", now)
    assert dates.due_state("2026-12-07", "explore", paris) == "overdue"
    assert dates.due_state("2026-12-07", "explore", montreal) == "week"


def test_summer_time_is_applied():
    # 22:30 UTC on 30 June is 00:30 on 1 July in Paris (UTC+2 in summer).
    assert dates.today("Europe/Paris", datetime(2026, 6, 30, 22, 30, tzinfo=timezone.utc)) == date(2026, 7, 1)
    assert dates.today("Europe/Paris", datetime(2026, 12, 30, 22, 30, tzinfo=timezone.utc)) == date(2026, 12, 30)


@pytest.mark.parametrize("due,expected", [
    ("2026-12-08", "overdue"),   # yesterday
    ("2026-12-09", "week"),      # today
    ("2026-12-13", "week"),      # Sunday of this week
    ("2026-12-14", "later"),     # next Monday
    (None, None), ("", None), ("pas une date", None),
])
def test_due_states_on_a_wednesday(due, expected):
    wednesday = date(2026, 12, 9)
    assert dates.due_state(due, "discussion", wednesday) == expected


@pytest.mark.parametrize("status", ["done", "abandoned"])
def test_closed_ideas_are_never_overdue(status):
    assert dates.due_state("2020-01-01", status, date(2026, 12, 9)) is None


def test_unknown_zone_falls_back_to_paris_and_is_refused_as_a_setting():
    assert dates.zone("Mars/Olympus").key == "Europe/Paris"
    assert not dates.valid_zone("Mars/Olympus") and not dates.valid_zone("") and not dates.valid_zone(3)
    assert dates.valid_zone("Europe/Paris") and dates.valid_zone("America/Cayenne")


def test_end_of_day_in_the_zone():
    assert dates.end_of_day_utc(date(2026, 6, 1), "Europe/Paris") == "2026-06-01T21:59:59.999+00:00"
    assert dates.end_of_day_utc(date(2026, 1, 15), "Europe/Paris") == "2026-01-15T22:59:59.999+00:00"


# -- tCO2e from the factor table ---------------------------------------------------------------------
def test_shipped_factors_are_documented():
    table = impact.defaults()
    assert {"wood", "cardboard", "plastics", "steel", "electricity", "natural_gas", "water"} <= set(table)
    for f in table.values():
        assert f["source"] and 1990 < f["year"] <= 2100 and f["kg_co2e"] >= 0
        assert f["family"] in impact.FAMILIES and f["unit"] == impact.UNIT_OF_FAMILY[f["family"]]
        assert f["label_fr"] and f["label_en"]


def test_co2_from_tonnes_mwh_and_water_keeps_the_factors():
    table = impact.table()
    figs = impact.compute({"tonnes": 30, "material": "wood", "mwh": 120, "energy": "natural_gas",
                           "water_m3": 1000, "jobs": 1}, table)
    wood, gas, water = table["wood"]["kg_co2e"], table["natural_gas"]["kg_co2e"], table["water"]["kg_co2e"]
    assert figs["co2_t"] == pytest.approx(30 * wood / 1000 + 120 * gas / 1000 + 1000 * water / 1000)
    used = {f["key"]: f for f in figs["factors_used"]}
    assert set(used) == {"wood", "natural_gas", "water"}
    assert used["wood"]["kg_co2e"] == wood and used["wood"]["source"] and used["wood"]["year"]
    assert used["wood"]["quantity"] == 30 and used["wood"]["co2_t"] == pytest.approx(30 * wood / 1000)


def test_the_organisers_factor_overrides_the_default_and_a_figure_keeps_its_own_copy():
    before = impact.compute({"tonnes": 10, "material": "cardboard"}, impact.table())
    edited = impact.table([{"key": "cardboard", "kg_co2e": 1000, "source": "Étude locale", "year": 2026}])
    after = impact.compute({"tonnes": 10, "material": "cardboard"}, edited)
    assert after["co2_t"] == pytest.approx(10.0)
    assert after["factors_used"][0]["source"] == "Étude locale"
    assert before["factors_used"][0]["kg_co2e"] == impact.defaults()["cardboard"]["kg_co2e"]  # untouched


@pytest.mark.parametrize("figs,field,key", [
    ({"tonnes": 5}, "material", "err.factor_required"),
    ({"tonnes": 5, "material": "unobtainium"}, "material", "err.factor_unknown"),
    ({"mwh": 5, "energy": "wood"}, "energy", "err.factor_family"),
    ({"tonnes": 5, "material": "electricity"}, "material", "err.factor_family"),
])
def test_a_quantity_without_its_factor_is_refused(figs, field, key):
    with pytest.raises(impact.ImpactError) as e:
        impact.compute(figs, impact.table())
    assert (e.value.field, e.value.key) == (field, key)


def test_no_quantity_no_co2():
    assert impact.compute({"jobs": 2, "euros": {"x": 5}}, impact.table())["co2_t"] == 0
    assert impact.euros_total({"a": 1200.5, "b": 300}) == 1500.5 and impact.euros_total(None) == 0


def test_suggested_factor_from_a_sheet_category():
    assert impact.suggest("packaging", "pallets") == "wood"
    assert impact.suggest("energy", "waste_heat") == "steam"
    assert impact.suggest("energy", None) == "natural_gas"
    assert impact.suggest("skills", None) is None


# -- as of a date, from the journal --------------------------------------------------------------------
def ev(seq, at, entity, eid, after):
    return {"seq": seq, "at": at, "entity": entity, "entity_id": eid, "after": after}


def idea(status, **kw):
    return {"id": "i1", "title": "Palettes", "status": status, "org_ids": ["a", "b"], "b2b": 1, "category": "packaging",
            **kw}


JOURNAL = [
    ev(1, "2026-01-15T14:00:00.000+00:00", "idea", "i1", idea("new")),
    ev(2, "2026-01-15T15:00:00.000+00:00", "idea", "i1", idea("explore")),
    ev(3, "2026-01-15T15:05:00.000+00:00", "idea", "i2", {**idea("soon"), "id": "i2"}),
    ev(4, "2026-03-10T09:00:00.000+00:00", "idea", "i1", idea("discussion")),
    ev(5, "2026-05-31T21:30:00.000+00:00", "idea", "i1", idea("soon")),       # 31 May 23:30 in Paris
    ev(6, "2026-06-01T22:30:00.000+00:00", "idea", "i1", idea("done")),       # 2 June 00:30 in Paris
    ev(7, "2026-06-02T08:00:00.000+00:00", "idea", "i2", {**idea("soon"), "id": "i2", "hidden": 1}),
]


def test_status_on_1_june_is_read_from_the_journal_in_the_workshops_zone():
    on_1_june = asof.state_at(JOURNAL, dates.end_of_day_utc(date(2026, 6, 1), "Europe/Paris"))
    assert on_1_june["idea"]["i1"]["status"] == "soon"  # done at 00:30 on 2 June, Paris time
    in_utc = asof.state_at(JOURNAL, dates.end_of_day_utc(date(2026, 6, 1), "UTC"))
    assert in_utc["idea"]["i1"]["status"] == "done"      # 22:30 UTC is still 1 June in UTC
    assert asof.state_at(JOURNAL, dates.end_of_day_utc(date(2026, 2, 1), "Europe/Paris"))["idea"]["i1"]["status"] \
        == "explore"
    assert asof.state_at(JOURNAL, "2026-01-01T00:00:00.000+00:00") == {}
    assert asof.state_at(JOURNAL)["idea"]["i1"]["status"] == "done"


def test_figures_as_of_a_date_count_what_was_then():
    june = figures.compute(asof.state_at(JOURNAL, dates.end_of_day_utc(date(2026, 6, 1), "Europe/Paris")))
    assert june["ideas"] == 2 and june["b2b"] == 2
    assert june["by_status"]["soon"] == 2 and june["by_status"]["done"] == 0
    assert june["funnel"]["soon"] == 2 and june["funnel"]["done"] == 0
    now = figures.compute(asof.state_at(JOURNAL))
    assert now["ideas"] == 1 and now["by_status"]["done"] == 1 and now["funnel"]["done"] == 1  # i2 hidden since


def test_status_curve_in_one_pass():
    points = [dates.end_of_day_utc(date(2026, m, d), "Europe/Paris") for m, d in ((1, 14), (1, 15), (3, 31), (6, 2))]
    curve = asof.status_series(JOURNAL, points)
    assert curve == [{}, {"explore": 1, "soon": 1}, {"discussion": 1, "soon": 1}, {"done": 1}]
    rep = figures.report(JOURNAL, as_of=date(2026, 6, 1), tz="Europe/Paris")
    assert rep["series"][0]["day"] == "2026-01-15" and rep["series"][-1]["day"] == "2026-06-01"
    assert rep["series"][-1]["by_status"] == {"soon": 2}
    assert rep["as_of"] == "2026-06-01"


def test_impact_totals_by_stage_and_factor():
    state = asof.state_at(JOURNAL)
    state["impact"] = {
        "x": {"idea_id": "i1", "stage": "actual", "tonnes": 30, "co2_t": 9.0, "euros": {"a": 1000, "b": 500},
              "jobs": 1, "factors_used": [{"key": "wood", "co2_t": 9.0}]},
        "y": {"idea_id": "i1", "stage": "estimated", "tonnes": 40, "co2_t": 12.0, "euros": {}, "jobs": 0,
              "factors_used": [{"key": "wood", "co2_t": 12.0}]},
        "z": {"idea_id": "i2", "stage": "actual", "tonnes": 99, "co2_t": 99, "factors_used": []},  # hidden idea
    }
    tot = figures.compute(state)["impact"]
    assert tot["actual"]["tonnes"] == 30 and tot["actual"]["euros"] == 1500 and tot["actual"]["co2_t"] == 9
    assert tot["actual"]["co2_by_factor"] == {"wood": 9.0} and tot["actual"]["ideas"] == 1
    assert tot["estimated"]["tonnes"] == 40
