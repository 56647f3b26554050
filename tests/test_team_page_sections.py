"""AppTest: the team page's sections, controls and exports for the demo's two-team persona."""

import io
import json
from datetime import timedelta

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import demo_client
from demo_app import app_test, demo_mode
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from copilot_usage.collector.run import collect
from copilot_usage.contract.figures import COLUMNS, figure
from copilot_usage.contract.keys import ADMIN_TEAMS_KEY, TEAMS_DIRECTORY, table_key
from copilot_usage.contract.names import PHASES
from copilot_usage.store import open_store
from copilot_usage.store.histories import load_team_histories
from copilot_usage.web.notes import first_days_note

pytestmark = pytest.mark.unit

KPI_LABELS = [figure(key).label for key in ("adoption", "monthly_active_users", "weekly_active_users",
                                             "daily_active_share", "acceptance_rate", "loc_added", "interactions",
                                             "agent_users")]


@pytest.fixture
def downloads(monkeypatch):
    """What the page hands to each download button, by label."""
    recorded = {}
    original = DeltaGenerator.download_button

    def record(self, label, data, *args, **kwargs):
        recorded[label] = (data() if callable(data) else data, kwargs.get("file_name"))  # made on the click
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", record)
    return recorded


def start(monkeypatch, store_url: str, **env) -> AppTest:
    demo_mode(monkeypatch, store_url, **env)
    at = app_test()
    at.run()
    return at


@pytest.fixture
def page(monkeypatch, demo_store_dir):
    at = start(monkeypatch, f"file://{demo_store_dir}")
    at.radio[0].set_value("two-teams")
    at.button[0].click().run()
    assert not at.exception
    return at


def charts(at):
    return [el for el in at.main if el.type == "vega_lite_chart"]


def kpi_values(at) -> dict:
    return {m.label: m.value for m in at.metric if m.label in KPI_LABELS}


def history_of(demo_store_dir, slug):
    histories, _ = load_team_histories(open_store(f"file://{demo_store_dir}"))
    return next(h for h in histories if h.team.slug == slug)


def test_every_section_renders(page):
    assert [m.label for m in page.metric][:len(KPI_LABELS)] == KPI_LABELS
    # users, acceptance, lines; rolling users, credits, CLI and code review, phases; features, IDEs, models, languages
    assert len(charts(page)) == 11
    assert [s.value for s in page.subheader] == ["Cost", "Activity", "Breakdowns", "Members", "Export"]  # cost up front
    assert page.date_input[0].label == "Date range" and page.radio[0].label == "Show by"
    assert page.toggle[0].label == "Compare with organisation"
    members = next(df.value for df in page.dataframe if "editor" in df.value)  # the Members table
    statuses = set(members["status"])
    assert statuses <= {"active", "inactive", "never used", "no licence"} and "active" in statuses
    assert any("licensed members on" in c.value for c in page.caption)


def test_the_default_range_is_the_last_28_days_with_data(page, demo_store_dir):
    history = history_of(demo_store_dir, page.query_params["team"])
    last = history.data[-1].date
    assert page.date_input[0].value == (last - timedelta(days=27), last)


def test_every_chart_is_named_and_readable_through_every_rerun(page):
    """The name and the dark text are set on each chart as it is shown (in place, not through
    Altair's copies): every chart has them, after a control's rerun as on the first render."""
    from copilot_usage.web.charts import TEXT

    for at in (page, page.radio[0].set_value("week").run()):
        specs = [json.loads(chart.proto.spec) for chart in charts(at)]
        assert len(specs) >= 7
        for spec in specs:
            assert spec["description"].startswith("Chart: ") and "table below" in spec["description"]
            assert spec["config"]["axis"] == {"labelColor": TEXT, "titleColor": TEXT}
            assert spec["config"]["legend"] == {"labelColor": TEXT, "titleColor": TEXT}
            assert spec["config"]["title"] == {"color": TEXT, "subtitleColor": TEXT}
            assert spec["height"] >= 200, spec.get("title")  # set on the layered charts in place too


def test_controls_change_the_kpi_row_and_the_charts(page):
    before = kpi_values(page)
    first, last = page.date_input[0].value
    page.date_input[0].set_value((first - timedelta(days=56), last - timedelta(days=56))).run()
    assert kpi_values(page) != before
    page.toggle[0].set_value(True).run()
    assert len(charts(page)) == 13          # active on an average day and acceptance rate beside the organisation's
    page.radio[0].set_value("month").run()
    spec = charts(page)[2].proto.spec      # 28 days hold no two whole months: weeks, and a note says so
    assert '"yearmonth"' not in spec and any("fewer than two whole months" in i.value for i in page.info)
    page.date_input[0].set_value((last - timedelta(days=99), last)).run()
    assert page.date_input[0].value == (last - timedelta(days=99), last)
    spec = charts(page)[2].proto.spec
    assert '"yearmonth"' in spec and not page.exception   # the lines chart now shows months


def test_no_change_against_days_that_were_never_collected(page, demo_store_dir):
    _, last = page.date_input[0].value
    chosen = (last - timedelta(days=89), last)
    page.date_input[0].set_value(chosen).run()
    days = {d.date for d in history_of(demo_store_dir, page.query_params["team"]).data}
    before = sum(chosen[0] - timedelta(days=90) <= d < chosen[0] for d in days)
    now = sum(chosen[0] <= d <= chosen[1] for d in days)
    assert before < now  # the demo's 120 days: the 90 before the range are not all there
    captions = [c.value for c in page.caption]
    assert (f"No change against the previous 90 days: data was collected on {before} of 90 days there, "
            f"against {now} in this range") in " ".join(captions)
    deltas = {m.label: m.delta for m in page.metric if m.label in KPI_LABELS}
    assert {deltas[k] for k in ("Lines added", "Interactions", "Acceptance rate", "Agent users / day")} == {"–"}
    # The last 28 days, whose previous 28 were collected, compare as before.
    page.date_input[0].set_value((last - timedelta(days=27), last)).run()
    assert any(c.value.startswith("Changes against the previous 28 days") for c in page.caption)
    assert {m.delta for m in page.metric if m.label == "Lines added"} != {"–"}


def test_exports_hold_exactly_the_chosen_range(monkeypatch, demo_store_dir, downloads):
    at = start(monkeypatch, f"file://{demo_store_dir}")
    at.radio[0].set_value("two-teams")
    at.button[0].click().run()
    first, last = at.date_input[0].value
    chosen = (first + timedelta(days=3), last - timedelta(days=5))
    at.date_input[0].set_value(chosen).run()
    slug = at.query_params["team"]
    expected = [d.date.isoformat() for d in history_of(demo_store_dir, slug).data
                if chosen[0] <= d.date <= chosen[1]]
    csv, csv_name = downloads["Daily table (CSV)"]
    table = pd.read_csv(io.BytesIO(csv))
    assert table["Date"].tolist() == expected
    # Downloading runs nothing again: the browser is told not to rerun the page.
    buttons = at.get("download_button")
    assert len(buttons) == 2 and all(button.proto.ignore_rerun for button in buttons)
    # Headers in words with units, the same names as the pages'; no code name left.
    assert {COLUMNS[c].label for c in ("active_users", "acceptance_rate", "code_generations", "weekly_active_users",
                                       "monthly_active_users", "code_review_users", "code_review_passive_users",
                                       "ai_credits", "adoption", "daily_active_share")} <= set(table.columns)
    assert not [c for c in table.columns if "_" in c]
    phases = [c for c in table.columns if c.startswith("Adoption phase: ")]  # a CSV has no mappings: a column each
    assert phases and all(c.removeprefix("Adoption phase: ").removesuffix(" (members)") in PHASES.values()
                          for c in phases)
    # Counts are whole numbers, rates percentages with one decimal, blanks only where there is no data.
    assert table[COLUMNS["code_generations"].label].dtype == "int64"
    rates = table[COLUMNS["acceptance_rate"].label].dropna()
    assert len(rates) and rates.between(0, 100).all() and (rates.round(1) == rates).all() and rates.max() > 1
    # Each day's AI credits priced, in USD (the default price of a credit, $0.01).
    credits, cost = table[COLUMNS["ai_credits"].label], table[COLUMNS["credits_cost"].label]
    assert COLUMNS["credits_cost"].label == "AI credits cost (USD)" and credits.sum() > 0
    assert ((cost - credits * 0.01).abs() < 0.006).all()
    payload, json_name = downloads["History (JSON)"]
    exported = json.loads(payload)
    assert set(exported) == {"team", "data"} and exported["team"]["slug"] == slug
    assert [d["date"] for d in exported["data"]] == expected
    assert any(d["by_adoption_phase"] for d in exported["data"])
    assert csv_name == json_name.replace(".json", ".csv") == f"{slug}-{chosen[0]:%Y%m%d}-{chosen[1]:%Y%m%d}.csv"


def test_a_team_shows_the_same_figures_on_its_page_the_overview_the_comparison_and_the_export(
        monkeypatch, demo_store_dir, downloads):
    # Two whole weeks ending on the last Sunday with data, by week, beside the organisation.
    at = start(monkeypatch, f"file://{demo_store_dir}")
    at.radio[0].set_value("admin")
    at.button[0].click().run()
    at.switch_page("app_pages/team_usage.py").run()
    _, last = at.date_input[0].value
    end = last - timedelta(days=(last.weekday() + 1) % 7)
    weeks = [(end - timedelta(days=13), end - timedelta(days=7)), (end - timedelta(days=6), end)]
    at.date_input[0].set_value((weeks[0][0], end)).run()
    at.radio[0].set_value("week").run()
    at.toggle[0].set_value(True).run()
    assert not at.exception
    team = at.header[0].value
    kpi = {m.label: m.value for m in at.metric}
    adoption, share = figure("adoption"), figure("daily_active_share")
    assert kpi[adoption.label] != "–" and kpi[share.label] != "–"

    # The export, by week as the page shows it: the last day's adoption, each week's share.
    table = pd.read_csv(io.BytesIO(downloads["Weekly table (CSV)"][0]))   # the weeks, as the page shows them
    column = {key: table[COLUMNS[key].label] for key in ("adoption", "daily_active_share")}
    assert table["Week starting"].tolist() == [f"{first:%Y-%m-%d}" for first, _ in weeks]
    assert f"{column['adoption'].iloc[-1]:.1f}%" == kpi[adoption.label]       # the last week's last day
    assert (column["adoption"] <= 100).all()
    # The comparison with the organisation: the team's share in each week, as a table under the chart.
    compared = next(e for e in at.expander if e.label == f"{share.label}: table").dataframe[0].value
    by_week = compared[compared["Series"] == team].set_index("Period starting")[f"{share.label} (%)"]

    # The overview, over the same two weeks and over each week: the same figures for the team.
    at.switch_page("app_pages/teams_overview.py").run()
    for first, stop in [(weeks[0][0], end), *weeks]:
        at.date_input[0].set_value((first, stop)).run()
        row = at.dataframe[0].value.set_index("team").loc[team]   # percent numbers, as shown
        if stop == end:
            assert f"{row['adoption']:.1f}%" == kpi[adoption.label]
        if first == weeks[0][0] and stop == end:
            assert f"{row['daily_active_share']:.1f}%" == kpi[share.label]
            # Every figure both pages show, formatted as each shows it.
            for key in ("acceptance_rate", "loc_added", "interactions", "agent_users"):
                value = row[key] / 100 if figure(key).is_share else row[key]
                assert figure(key).format.format(value) == kpi[figure(key).label], key
            for key in ("loc_added", "interactions"):  # and the export's weeks add up to them
                assert f"{table[COLUMNS[key].label].sum():,.0f}" == kpi[figure(key).label], key
        else:
            assert round(row["daily_active_share"], 1) == by_week[f"{first:%Y-%m-%d}"]
            assert round(row["daily_active_share"], 1) == column["daily_active_share"][weeks.index((first, stop))]


@pytest.fixture(scope="module")
def first_days_store(tmp_path_factory, demo_org):
    """A deployment's first days: the demo organisation collected over its last three days only."""
    root = tmp_path_factory.mktemp("first-days") / "store"
    store = open_store(f"file://{root}")
    with demo_client(demo_org) as client:
        collect(client, store, demo_org.org, since=demo_org.end_day - timedelta(days=3))
    store.write_json(ADMIN_TEAMS_KEY, demo_org.admin_teams, if_tag=None)
    return root


def test_the_first_days_say_when_the_monthly_figures_begin_and_draw_only_what_exists(monkeypatch,
                                                                                   first_days_store):
    first = open_store(f"file://{first_days_store}").first_fact_day()
    expected = (f"Per-user data has been collected since {first:%d %b %Y}: adoption and monthly active users "
                f"start on {first + timedelta(days=27):%d %b %Y}, after 28 days of data; weekly active users on "
                f"{first + timedelta(days=6):%d %b %Y}, after 7.")
    at = start(monkeypatch, f"file://{first_days_store}")
    at.radio[0].set_value("admin")
    at.button[0].click().run()
    at.switch_page("app_pages/team_usage.py").run()
    assert expected in [i.value for i in at.info]
    shown = {m.label: m.value for m in at.metric}
    assert {shown[figure(k).label] for k in ("adoption", "monthly_active_users", "weekly_active_users")} == {"–"}
    assert shown[figure("daily_active_share").label] != "–"
    # Tables show a missing figure as the KPIs do ("–"), not as Streamlit's "None".
    assert {table.proto.placeholder for table in at.dataframe} == {"–"}
    titles = [e.label.removesuffix(": table") for e in at.expander]
    assert "Active members: daily" in titles and not any("28-day" in t or "7-day" in t for t in titles)
    # The overview on the same store agrees: no adoption yet, and it says when it comes.
    at.switch_page("app_pages/teams_overview.py").run()
    assert expected in [i.value for i in at.info]
    table = at.dataframe[0].value
    assert len(table) and table["adoption"].isna().all() and table["daily_active_share"].notna().all()
    assert {table.proto.placeholder for table in at.dataframe} == {"–"}
    assert any(c.value.startswith("No ranking by adoption (28 days)") for c in at.caption)
    # A range reaching the 28th day has no such sentence.
    assert first_days_note(first, first + timedelta(days=27)) is None


def test_an_empty_store_says_how_to_collect(monkeypatch, tmp_path):
    at = start(monkeypatch, f"file://{tmp_path}")
    at.radio[0].set_value("two-teams")
    at.button[0].click().run()
    assert any("python -m copilot_usage collect" in i.value for i in at.info)
    assert not charts(at) and not at.metric


def test_an_unreachable_store_is_named_not_a_traceback(monkeypatch):
    at = start(monkeypatch, "s3://copilot-usage-store/prod", AWS_ENDPOINT_URL="http://127.0.0.1:9",
               AWS_MAX_ATTEMPTS="1", AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x")
    at.radio[0].set_value("two-teams")
    at.button[0].click().run()
    assert not at.exception
    assert any("s3://copilot-usage-store/prod" in e.value for e in at.error), [e.value for e in at.error]


def test_the_kpis_are_the_rolling_counts_of_the_ranges_last_day(page, demo_store_dir):
    last = history_of(demo_store_dir, page.query_params["team"]).data[-1]
    assert last.monthly_active_users is not None and last.licensed_members
    values = kpi_values(page)
    assert values["Monthly active users (distinct, 28 days)"] == f"{last.monthly_active_users:,}"
    assert values["Weekly active users"] == f"{last.weekly_active_users:,}"
    assert last.monthly_active_users <= last.monthly_licensed_members
    assert values["Adoption (28 days)"] == f"{last.monthly_active_users / last.monthly_licensed_members:.1%}"
    helps = {m.label: m.help for m in page.metric}
    assert "counts in both" in helps["Monthly active users (distinct, 28 days)"]


def test_the_cost_section_prices_credits_and_idle_seats_with_the_settings(page, demo_store_dir):
    metrics = {m.label: m.value for m in page.metric}
    first, last = page.date_input[0].value
    days = [d for d in history_of(demo_store_dir, page.query_params["team"]).data if first <= d.date <= last]
    credits = sum(d.ai_credits or 0 for d in days)
    assert credits > 0
    assert metrics["AI credits in the range"] == f"{credits:,.0f}"
    assert metrics["AI credits cost (USD)"] == (f"${credits * 0.01:,.2f}" if credits * 0.01 < 10 else f"${credits * 0.01:,.0f}")
    assert any("AI_CREDIT_PRICE_USD" in c.value for c in page.caption)
    assert metrics["Idle seats per month (USD)"].startswith("$")
    # Who holds an idle seat is one click away, not a long table above the charts.
    idle = next(e for e in page.expander if e.label.startswith("Idle seats: "))
    listed = idle.dataframe[0].value
    assert int(idle.label.split()[2]) == len(listed) > 0
    assert f"${listed['seat_month'].sum():,.0f}" == metrics["Idle seats per month (USD)"]


def test_a_rerun_showing_the_same_charts_replays_them_and_new_data_draws_them_again(
        monkeypatch, demo_store_dir, tmp_path):
    """The charts are drawn once per team, data version and view (sections.drawn_once): another
    run of the same view, by this viewer or another, shows the same charts without building
    them; another view, or a store with new numbers, builds them again."""
    import shutil

    from copilot_usage.web import charts as chart_builders
    from copilot_usage.web.ui import data

    built = []
    original = chart_builders.lines_chart
    monkeypatch.setattr(chart_builders, "lines_chart", lambda *a, **k: built.append(1) or original(*a, **k))
    store = tmp_path / "store"
    shutil.copytree(demo_store_dir, store)
    at = start(monkeypatch, f"file://{store}")
    at.radio[0].set_value("two-teams")
    at.button[0].click().run()
    first_specs = [c.proto.spec for c in charts(at)]
    assert len(first_specs) == 11 and len(built) == 1
    other = app_test()  # another viewer's session, same team and view
    other.run()
    other.radio[0].set_value("two-teams")
    other.button[0].click().run()
    assert [c.proto.spec for c in charts(other)] == first_specs and len(built) == 1
    assert [s.value for s in other.subheader] == ["Cost", "Activity", "Breakdowns", "Members", "Export"]
    at.radio[0].set_value("week").run()  # another view
    assert len(built) == 2 and len(charts(at)) == 11
    at.radio[0].set_value("day").run()  # the first view again: replayed
    assert len(built) == 2 and [c.proto.spec for c in charts(at)] == first_specs
    # A collection rewrites the tables: a new version of the directory, the charts are built again.
    slug = at.query_params["team"]
    directory = store / table_key(TEAMS_DIRECTORY)
    pq.write_table(pq.read_table(directory), directory, compression="gzip")  # other bytes: another version
    data._version_tag.clear()  # the tags are asked again after 15 s: as if they had passed
    at.run()
    assert at.query_params["team"] == slug and len(built) == 3 and len(charts(at)) == 11
