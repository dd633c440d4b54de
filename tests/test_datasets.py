"""The example datasets: identical regeneration, the loader, and every documented story.

* ``TestRegeneration``: ``datasets/generate.py`` rebuilds every file and each one is identical to the
  committed file (CSV, JSON and Markdown byte for byte; the xlsx member by member, because its
  compressed bytes depend on the zlib library).
* ``TestList`` / ``TestLoad`` / ``TestInfo`` / ``TestPath``: the public functions of
  ``qitools.datasets``.
* ``Test<Dataset>Story``: each dataset charted with qitools shows exactly what its catalogue
  story says was planted (and nothing else). The planted values are read from the catalogue's
  ``facts``; the checks recompute them from the data where they can (a binomial z-score next to
  the funnel plot, the sums of two wards next to the messy export).
* ``TestReadmeTable``: the table in the top-level README is the catalogue.
* ``TestWheel``: a wheel built from the source ships the data, and ``qi.datasets.load`` works from
  it in a fresh virtual environment (marked ``slow``; it runs in the default test command).
"""

from __future__ import annotations

import importlib.util
import io
import json
import subprocess
import sys
import textwrap
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import qitools as qi
from qitools import QITypeError, QIValueError

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "datasets"
README = ROOT / "README.md"

NAMES = [
    "ward_falls",
    "sepsis_antibiotics",
    "ed_four_hour",
    "cdiff",
    "pressure_ulcer_dates",
    "door_to_needle",
    "staff_sickness",
    "readmissions_by_trust",
    "team_export_messy",
    "pdsa_falls_project",
    "falls_incidents",
    "ct_waits",
    "caesarean_ssi",
    "ed_time_in_department",
]

#: Files in datasets/ that generate.py does not write.
NOT_GENERATED = {"generate.py", ".gitattributes", "__pycache__"}


def _generate_module():
    spec = importlib.util.spec_from_file_location("qitools_datasets_generate", DATASETS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generate():
    """datasets/generate.py, imported from its file."""
    return _generate_module()


@pytest.fixture(scope="module")
def regenerated(generate):
    """Every file of datasets/, rebuilt in memory from the seeds."""
    return generate.build_all()


def _quiet(func, *args, **kwargs):
    """Call a qitools function, ignoring its warnings (sorted rows, too few points...)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args, **kwargs)


def _facts(name):
    return qi.datasets.info(name)["facts"]


# ------------------------------------------------------------------------------------------------
class TestRegeneration:
    """generate.py rebuilds every committed file identically from the fixed seeds."""

    def test_the_same_files(self, regenerated):
        committed = {p.name for p in DATASETS.iterdir() if p.name not in NOT_GENERATED}
        assert committed == set(regenerated), (
            "datasets/ and generate.py disagree about which files exist: run python datasets/generate.py"
        )

    @pytest.mark.parametrize(
        "name",
        sorted(p.name for p in DATASETS.iterdir() if p.name not in NOT_GENERATED and p.suffix != ".xlsx"),
    )
    def test_text_files_byte_identical(self, regenerated, name):
        committed = (DATASETS / name).read_bytes()
        fresh = regenerated[name]
        if committed != fresh:
            at = next(i for i, (a, b) in enumerate(zip(committed, fresh, strict=False)) if a != b) if fresh else 0
            pytest.fail(
                f"datasets/{name} differs from a fresh regeneration (first difference at byte {at}; sizes "
                f"{len(committed)} vs {len(fresh)}). If generate.py was changed on purpose, run "
                "python datasets/generate.py --update-readme and commit the files."
            )

    @pytest.mark.parametrize("name", sorted(p.name for p in DATASETS.glob("*.xlsx")))
    def test_xlsx_same_content(self, generate, regenerated, name):
        """The workbook's members (names, order, uncompressed bytes) and its fixed timestamps."""
        with zipfile.ZipFile(DATASETS / name) as a, zipfile.ZipFile(io.BytesIO(regenerated[name])) as b:
            assert a.namelist() == b.namelist()
            for member in a.namelist():
                assert a.read(member) == b.read(member), f"{name}: member {member} differs"
            assert {i.date_time for i in a.infolist()} == {generate.XLSX_TIMESTAMP}
            core = a.read("docProps/core.xml").decode()
            assert core.count("2024-04-03T08:15:00Z") == 2  # created and modified, not the time of the run

    def test_twice_in_one_process(self, generate, regenerated):
        again = generate.build_all()
        assert set(again) == set(regenerated)
        for name, data in again.items():
            if name.endswith(".xlsx"):
                continue
            assert data == regenerated[name], name

    def test_script_writes_the_files(self, generate, tmp_path):
        """The command line writes the same bytes as build_all()."""
        result = subprocess.run(
            [sys.executable, str(DATASETS / "generate.py"), "--out", str(tmp_path)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert (tmp_path / "ward_falls.csv").read_bytes() == (DATASETS / "ward_falls.csv").read_bytes()
        assert (tmp_path / "catalogue.json").read_bytes() == (DATASETS / "catalogue.json").read_bytes()

    def test_one_documented_seed_per_dataset(self, generate):
        catalogue = json.loads((DATASETS / "catalogue.json").read_text(encoding="utf-8"))
        assert [e["name"] for e in catalogue] == NAMES
        for entry in catalogue:
            assert entry["seed"] == generate.SEEDS[entry["name"]]
            assert isinstance(entry["seed"], int)

    def test_csv_format_fixed(self):
        """LF line endings and UTF-8 without BOM, except the messy export (CRLF + BOM, as Excel writes)."""
        for path in DATASETS.glob("*.csv"):
            data = path.read_bytes()
            if path.name == "team_export_messy.csv":
                assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") == data.count(b"\n")
            else:
                assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data, path.name


# ------------------------------------------------------------------------------------------------
class TestList:
    """qi.datasets.list(): the catalogue as a DataFrame."""

    def test_one_row_per_dataset(self):
        cat = qi.datasets.list()
        assert cat["name"].tolist() == NAMES
        assert list(cat.columns[:5]) == ["name", "title", "description", "suggested_chart", "rows"]

    def test_every_entry_is_documented(self):
        cat = qi.datasets.list()
        for col in ("description", "suggested_chart", "columns", "story", "basis", "provenance", "period", "use"):
            assert cat[col].map(lambda v: isinstance(v, str) and len(v) > 10).all(), col
        assert cat["provenance"].str.startswith("synthetic").all()
        assert cat["seed"].dtype == np.int64

    def test_rows_match_the_data(self):
        cat = qi.datasets.list().set_index("name")
        for name in NAMES:
            assert len(qi.datasets.load(name)) == cat.loc[name, "rows"], name

    def test_columns_have_units(self):
        for name in NAMES:
            columns = qi.datasets.info(name)["columns"]
            assert columns and all(c["unit"] and c["description"] for c in columns), name

    def test_basis_cites_nhs_sources(self):
        cat = qi.datasets.list().set_index("name")
        expected = {
            "ward_falls": "6.63",
            "ed_four_hour": "A&E Attendances",
            "cdiff": "UKHSA",
            "door_to_needle": "SSNAP",
            "staff_sickness": "Sickness Absence",
            "readmissions_by_trust": "I02040",
            "sepsis_antibiotics": "NG51",
            "ct_waits": "DM01",
            "caesarean_ssi": "NG125",
        }
        for name, citation in expected.items():
            assert citation in cat.loc[name, "basis"], name

    def test_a_fresh_frame_each_time(self):
        a = qi.datasets.list()
        a.loc[0, "name"] = "changed"
        assert qi.datasets.list().loc[0, "name"] == "ward_falls"


class TestLoad:
    """qi.datasets.load(name): the data with dates parsed and numbers typed."""

    @pytest.mark.parametrize("name", [n for n in NAMES if n != "team_export_messy"])
    def test_dtypes_follow_the_catalogue(self, name):
        df = qi.datasets.load(name)
        columns = qi.datasets.info(name)["columns"]
        assert list(df.columns) == [c["name"] for c in columns]
        for c in columns:
            col = df[c["name"]]
            if c["dtype"] in ("date", "datetime"):
                assert pd.api.types.is_datetime64_any_dtype(col), c["name"]
                assert col.notna().all()
            elif c["dtype"] == "int":
                assert col.dtype == np.int64, c["name"]
            elif c["dtype"] == "float":
                assert col.dtype == np.float64, c["name"]
            else:
                assert pd.api.types.is_string_dtype(col) or col.dtype == object, c["name"]
        assert df.attrs["qitools_dataset"] == name

    def test_monthly_dates_are_first_of_month(self):
        for name, col in [("ward_falls", "month"), ("cdiff", "month"), ("ed_four_hour", "month")]:
            assert (qi.datasets.load(name)[col].dt.day == 1).all()

    def test_datetime_to_the_minute(self):
        df = qi.datasets.load("door_to_needle")
        assert (df["arrival"].dt.second == 0).all()
        assert (df["arrival"].dt.to_period("M").dt.start_time == df["month"]).all()

    def test_counts_are_consistent(self):
        assert (qi.datasets.load("ed_four_hour").eval("breaches <= attendances")).all()
        assert (qi.datasets.load("sepsis_antibiotics").eval("antibiotics_within_1h <= sepsis_patients")).all()
        assert (qi.datasets.load("readmissions_by_trust").eval("readmissions <= discharges")).all()
        staff = qi.datasets.load("staff_sickness")
        np.testing.assert_allclose(
            staff["sickness_absence_pct"], 100 * staff["fte_days_lost"] / staff["fte_days_available"], atol=0.006
        )

    def test_messy_export_is_raw_text(self):
        raw = qi.datasets.load("team_export_messy")
        facts = _facts("team_export_messy")
        assert raw.shape == (32, 6)
        assert all(pd.api.types.is_string_dtype(raw[c]) or raw[c].dtype == object for c in raw)
        assert raw.iloc[3].tolist() == [
            "Month",
            "Number",
            "With harm",
            "Occupied bed days",
            "Occupancy %",
            "Harm free care %",
        ]
        assert raw.iloc[facts["total_line"] - 1, 0] == "Total"
        for line in facts["blank_lines"]:
            assert (raw.iloc[line - 1] == "").all()
        assert raw.iloc[4, 0] == "01/04/2022" and raw.iloc[4, 3].count(",") == 1 and raw.iloc[4, 4].endswith("%")

    def test_name_forgiving_about_case_and_extension(self):
        pd.testing.assert_frame_equal(qi.datasets.load(" Ward_Falls.csv "), qi.datasets.load("ward_falls"))

    def test_a_fresh_frame_each_time(self):
        df = qi.datasets.load("cdiff")
        df.loc[0, "cases"] = -1
        assert qi.datasets.load("cdiff").loc[0, "cases"] >= 0

    def test_unknown_name_lists_names_and_suggests(self):
        with pytest.raises(QIValueError, match=r"no example dataset called 'ward_fall'\. Did you mean 'ward_falls'\?"):
            qi.datasets.load("ward_fall")
        with pytest.raises(QIValueError, match=r"The datasets are: 'ward_falls', 'sepsis_antibiotics'.*qi\.datasets"):
            qi.datasets.load("zzz")

    def test_name_must_be_text(self):
        with pytest.raises(QITypeError, match=r"dataset name must be text.*got 3 \(int\)"):
            qi.datasets.load(3)

    def test_reachable_from_import_qitools(self):
        assert qi.datasets is importlib.import_module("qitools.datasets")
        assert "datasets" in qi.__all__


class TestInfo:
    """qi.datasets.info(name): a catalogue entry with its planted facts."""

    def test_facts_of_the_falls_bundle(self):
        facts = _facts("ward_falls")
        assert facts["bundle_wards"] == ["Ash", "Cedar"]
        assert facts["bundle_start"] == "2022-11-01" and facts["bundle_start_month_number"] == 20

    def test_a_copy(self):
        entry = qi.datasets.info("ward_falls")
        entry["facts"]["bundle_wards"].append("Oak")
        assert _facts("ward_falls")["bundle_wards"] == ["Ash", "Cedar"]

    def test_unknown(self):
        with pytest.raises(QIValueError, match="Did you mean 'cdiff'"):
            qi.datasets.info("c_diff")


class TestPath:
    """qi.datasets.path(name, fmt): the file itself."""

    def test_default_is_the_first_file(self):
        assert qi.datasets.path("ward_falls").name == "ward_falls.csv"
        assert qi.datasets.path("ward_falls").is_file()

    def test_xlsx_and_json(self):
        assert qi.datasets.path("team_export_messy", "xlsx").name == "team_export_messy.xlsx"
        assert qi.datasets.path("pdsa_falls_project", ".JSON").name == "pdsa_falls_project.json"

    def test_missing_format(self):
        with pytest.raises(QIValueError, match=r"'cdiff' has no 'xlsx' file; it has 'csv'"):
            qi.datasets.path("cdiff", "xlsx")


# ------------------------------------------------------------------------------------------------
# The stories: what each catalogue entry says was planted is what qitools finds.
# ------------------------------------------------------------------------------------------------
class TestWardFallsStory:
    """Falls bundle on Ash and Cedar from month 20; six stable wards."""

    @pytest.fixture(scope="class")
    @classmethod
    def df(cls):
        return qi.datasets.load("ward_falls")

    def _u(self, df, **kwargs):
        return _quiet(
            qi.control_chart,
            df,
            x="month",
            y="falls",
            n="occupied_bed_days",
            chart="u",
            multiply=1000,
            facet="ward",
            **kwargs,
        )

    def test_shift_signalled_on_the_bundle_wards_only(self, df):
        facts = _facts("ward_falls")
        summary = self._u(df).summary.set_index("ward")
        assert summary.loc[facts["bundle_wards"], "runs_signal"].all()
        assert summary.loc[facts["bundle_wards"], "sigma_signals"].eq(0).all()
        others = summary.loc[facts["other_wards"]]
        assert not others["runs_signal"].any() and others["sigma_signals"].eq(0).all()

    def test_the_runs_signal_is_the_shift(self, df):
        """Too few crossings, or a long run: above the centre line before month 20, below it after."""
        facts = _facts("ward_falls")
        start = pd.Timestamp(facts["bundle_start"])
        cc = self._u(df)
        summary = cc.summary.set_index("ward")
        for ward in facts["bundle_wards"]:
            run = cc.data[(cc.data["ward"] == ward) & cc.data["long_run"]]
            few_crossings = summary.loc[ward, "n_crossings"] < summary.loc[ward, "n_crossings_min"]
            assert len(run) > 0 or few_crossings
            before, after = run["x"] < start, run["x"] >= start
            assert ((before & (run["y"] > run["cl"])) | (after & (run["y"] < run["cl"]))).all()

    def test_parts_at_the_bundle_are_stable_and_lower(self, df):
        facts = _facts("ward_falls")
        summary = self._u(df, part=[pd.Timestamp(facts["bundle_start"])]).summary
        for ward in facts["bundle_wards"]:
            parts = summary[summary["ward"] == ward].sort_values("part")
            assert not parts["runs_signal"].any() and parts["sigma_signals"].eq(0).all()
            ratio = parts["cl"].iloc[1] / parts["cl"].iloc[0]
            assert 0.3 < ratio < 0.8, (ward, ratio)  # planted 0.6

    def test_rates_are_realistic(self, df):
        """About 6-7 falls per 1000 occupied bed days overall before the bundle (NHS Improvement 2017: 6.63)."""
        before = df[df["month"] < pd.Timestamp(_facts("ward_falls")["bundle_start"])]
        rate = 1000 * before["falls"].sum() / before["occupied_bed_days"].sum()
        assert 5.5 < rate < 8.0
        occupancy = df["occupied_bed_days"] / (df["beds"] * df["month"].dt.days_in_month)
        assert 0.85 < occupancy.mean() < 0.97

    def test_notes_mark_the_start(self, df):
        facts = _facts("ward_falls")
        noted = df.dropna(subset=["notes"])
        assert sorted(noted["ward"]) == facts["bundle_wards"]
        assert (noted["month"] == pd.Timestamp(facts["bundle_start"])).all()


class TestSepsisStory:
    """A stable baseline, a ramp of PDSA cycles, then two steps up."""

    @pytest.fixture(scope="class")
    @classmethod
    def df(cls):
        return qi.datasets.load("sepsis_antibiotics")

    def test_baseline_and_ramp_are_random(self, df):
        facts = _facts("sepsis_antibiotics")
        for weeks in (facts["baseline_weeks"], facts["step_weeks"][0] - 1):
            rc = _quiet(qi.run_chart, df.iloc[:weeks], x="week", y="antibiotics_within_1h", n="sepsis_patients")
            assert not rc.summary["runs_signal"].any(), weeks

    def test_whole_series_shows_the_improvement(self, df):
        rc = _quiet(qi.run_chart, df, x="week", y="antibiotics_within_1h", n="sepsis_patients")
        assert rc.summary["runs_signal"].all()

    def test_p_chart_in_three_stable_parts(self, df):
        facts = _facts("sepsis_antibiotics")
        cc = _quiet(
            qi.control_chart,
            df,
            x="week",
            y="antibiotics_within_1h",
            n="sepsis_patients",
            chart="p",
            part=[pd.Timestamp(d) for d in facts["step_starts"]],
        )
        summary = cc.summary.sort_values("part")
        assert len(summary) == 3
        assert not summary["runs_signal"].any() and summary["sigma_signals"].eq(0).all()
        np.testing.assert_allclose(summary["cl"], facts["true_proportions"], atol=0.04)

    def test_pdsa_notes(self, df):
        facts = _facts("sepsis_antibiotics")
        weeks = (df.index[df["pdsa"].notna()] + 1).tolist()
        assert weeks == facts["pdsa_weeks"]
        assert df["pdsa"].dropna().str.startswith("PDSA").all()


class TestEdFourHourStory:
    """Over-dispersion: the p chart's false signals, removed by Laney's p'; one improving trust."""

    @pytest.fixture(scope="class")
    @classmethod
    def df(cls):
        df = qi.datasets.load("ed_four_hour")
        return df.assign(within_4h=df["attendances"] - df["breaches"])

    def test_p_prime_removes_the_false_signals(self, df):
        others = df[df["trust"] != _facts("ed_four_hour")["improving_trust"]]
        kw = dict(x="month", y="within_4h", n="attendances", facet="trust")
        p = _quiet(qi.control_chart, others, chart="p", **kw)
        pp = _quiet(qi.control_chart, others, chart="pp", **kw)
        assert p.data["sigma_signal"].mean() > 0.4
        assert pp.data["sigma_signal"].mean() < 0.03
        # p' limits are wider than p limits for every trust: the month-to-month variation is real
        assert (pp.summary["ucl"].to_numpy() > p.summary["ucl"].to_numpy()).all()

    def test_the_improving_trust(self, df):
        facts = _facts("ed_four_hour")
        t07 = df[df["trust"] == facts["improving_trust"]]
        whole = _quiet(qi.control_chart, t07, x="month", y="within_4h", n="attendances", chart="pp")
        assert whole.summary["runs_signal"].all()
        start = pd.Timestamp(facts["improvement_start"])
        parts = _quiet(
            qi.control_chart, t07, x="month", y="within_4h", n="attendances", chart="pp", part=[start]
        ).summary.sort_values("part")
        assert not parts["runs_signal"].any() and parts["sigma_signals"].eq(0).all()
        assert 0.06 < parts["cl"].iloc[1] - parts["cl"].iloc[0] < 0.14

    def test_volumes_performance_and_winter(self, df):
        per_trust = df.groupby("trust")[["attendances", "within_4h"]].sum()
        months = df.groupby("trust")["attendances"].mean()
        assert months.between(5000, 16000).all()
        performance = per_trust["within_4h"] / per_trust["attendances"]
        assert performance.max() < 0.95  # nobody meets the constitutional standard
        assert (performance < 0.76).sum() >= 10  # many below the interim standard
        national = df.groupby("month")[["within_4h", "attendances"]].sum()
        national = national["within_4h"] / national["attendances"]
        winter = national[national.index.month.isin([12, 1, 2])].mean()
        summer = national[national.index.month.isin([6, 7, 8])].mean()
        assert 0.70 < national.mean() < 0.80 and summer - winter > 0.02


class TestCdiffStory:
    """One astronomical month; otherwise a stable process."""

    @pytest.fixture(scope="class")
    @classmethod
    def df(cls):
        return qi.datasets.load("cdiff")

    @pytest.mark.parametrize("chart, extra", [("c", {}), ("u", {"n": "bed_days", "multiply": 100_000})])
    def test_only_the_outbreak_month_signals(self, df, chart, extra):
        outbreak = pd.Timestamp(_facts("cdiff")["outbreak_month"])
        for exclude in (None, [outbreak]):
            cc = _quiet(qi.control_chart, df, x="month", y="cases", chart=chart, exclude=exclude, **extra)
            assert cc.data.loc[cc.data["sigma_signal"], "x"].tolist() == [outbreak]
            assert not cc.summary["runs_signal"].any()

    def test_rate_per_100000_bed_days(self, df):
        outbreak = pd.Timestamp(_facts("cdiff")["outbreak_month"])
        usual = df[df["month"] != outbreak]
        rate = 100_000 * usual["cases"].sum() / usual["bed_days"].sum()
        assert 15 < rate < 25  # UKHSA: about 15-25 per 100,000 bed days


class TestPressureUlcerStory:
    """Days between ulcers lengthen after the intervention (t and g charts, limits frozen on the baseline)."""

    @pytest.fixture(scope="class")
    @classmethod
    def gaps(cls):
        df = qi.datasets.load("pressure_ulcer_dates")
        assert df["date"].is_monotonic_increasing and df["date"].is_unique
        return df.assign(days=df["date"].diff().dt.days).dropna(subset=["days"]).reset_index(drop=True)

    @pytest.mark.parametrize("chart", ["t", "g"])
    def test_improvement_signalled_after_the_intervention(self, gaps, chart):
        start = pd.Timestamp(_facts("pressure_ulcer_dates")["intervention_date"])
        last_baseline = gaps.loc[gaps["date"] < start, "date"].iloc[-1]
        cc = _quiet(qi.control_chart, gaps, x="date", y="days", chart=chart, freeze=last_baseline)
        data = cc.data
        baseline = data["x"] <= last_baseline
        assert not data.loc[baseline, "sigma_signal"].any()
        assert (data["sigma_signal"] & ~baseline & (data["y"] > data["ucl"])).any()
        assert not (data["sigma_signal"] & (data["y"] < data["lcl"])).any()
        assert cc.summary["runs_signal"].all()
        run = data[data["long_run"]]
        assert len(run) and ((run["x"] > last_baseline) & (run["y"] > run["cl"])).all()

    @pytest.mark.parametrize("chart", ["t", "g"])
    def test_baseline_alone_is_stable(self, gaps, chart):
        start = pd.Timestamp(_facts("pressure_ulcer_dates")["intervention_date"])
        cc = _quiet(qi.control_chart, gaps[gaps["date"] < start], x="date", y="days", chart=chart)
        assert not cc.summary["runs_signal"].any() and cc.summary["sigma_signals"].eq(0).all()

    def test_gaps_match_the_planted_rates(self, gaps):
        facts = _facts("pressure_ulcer_dates")
        after = gaps["date"] >= pd.Timestamp(facts["intervention_date"])
        assert gaps.loc[~after, "days"].mean() == pytest.approx(facts["expected_days_between_before"], rel=0.35)
        assert gaps.loc[after, "days"].mean() == pytest.approx(facts["expected_days_between_after"], rel=0.35)


class TestDoorToNeedleStory:
    """Skewed times; a step down in October 2022; xbar/s stable in parts; the i chart's tail."""

    @pytest.fixture(scope="class")
    @classmethod
    def df(cls):
        return qi.datasets.load("door_to_needle")

    @pytest.mark.parametrize("chart", ["xbar", "s"])
    def test_stable_in_parts(self, df, chart):
        start = pd.Timestamp(_facts("door_to_needle")["change_month"])
        cc = _quiet(qi.control_chart, df, x="month", y="door_to_needle_min", chart=chart, part=[start])
        assert not cc.summary["runs_signal"].any() and cc.summary["sigma_signals"].eq(0).all()

    def test_xbar_signals_the_shift(self, df):
        facts = _facts("door_to_needle")
        cc = _quiet(qi.control_chart, df, x="month", y="door_to_needle_min", chart="xbar")
        assert cc.summary["runs_signal"].all()
        start = pd.Timestamp(facts["change_month"])
        before = df.loc[df["month"] < start, "door_to_needle_min"].median()
        after = df.loc[df["month"] >= start, "door_to_needle_min"].median()
        assert before == pytest.approx(facts["true_median_before_min"], abs=8)
        assert after == pytest.approx(facts["true_median_after_min"], abs=8)

    def test_i_chart_flags_the_upper_tail_only(self, df):
        start = df.loc[df["month"] >= pd.Timestamp(_facts("door_to_needle")["change_month"]), "arrival"].iloc[0]
        ic = _quiet(qi.control_chart, df, x="arrival", y="door_to_needle_min", chart="i", part=[start]).data
        assert (ic["sigma_signal"] & (ic["y"] > ic["ucl"])).sum() >= 2
        assert not (ic["sigma_signal"] & (ic["y"] < ic["lcl"])).any()
        logs = df.assign(log_minutes=np.log(df["door_to_needle_min"]))
        il = _quiet(qi.control_chart, logs, x="arrival", y="log_minutes", chart="i", part=[start])
        assert il.summary["sigma_signals"].eq(0).all() and not il.summary["runs_signal"].any()
        assert df["door_to_needle_min"].skew() > 1


class TestStaffSicknessStory:
    """Seasonal sickness absence (signals only in winter highs and summer lows); stable turnover."""

    @pytest.fixture(scope="class")
    @classmethod
    def df(cls):
        return qi.datasets.load("staff_sickness")

    def test_signals_are_seasonal(self, df):
        cc = _quiet(qi.control_chart, df, x="month", y="sickness_absence_pct", chart="i", facet="directorate")
        data = cc.data
        high = data[data["sigma_signal"] & (data["y"] > data["ucl"])]
        low = data[data["sigma_signal"] & (data["y"] < data["lcl"])]
        assert high["x"].dt.month.isin([11, 12, 1, 2, 3]).all()
        assert low["x"].dt.month.isin([5, 6, 7, 8, 9]).all()
        assert data.groupby("directorate")["sigma_signal"].sum().gt(0).all()

    def test_winter_peak_and_level(self, df):
        by_month = df.assign(m=df["month"].dt.month)
        for _, d in by_month.groupby("directorate"):
            winter = d.loc[d["m"].isin([12, 1, 2]), "sickness_absence_pct"].mean()
            summer = d.loc[d["m"].isin([6, 7, 8]), "sickness_absence_pct"].mean()
            assert winter - summer > 1.0
        overall = 100 * df["fte_days_lost"].sum() / df["fte_days_available"].sum()
        assert 4.5 < overall < 5.6  # NHS Digital: about 4.3% (2019) to 5.6% (2022)

    def test_turnover_is_common_cause(self, df):
        cc = _quiet(qi.control_chart, df, x="month", y="leavers", n="headcount", chart="u", facet="directorate")
        assert not cc.summary["runs_signal"].any() and cc.summary["sigma_signals"].eq(0).all()
        annual = 12 * df["leavers"].sum() / df["headcount"].sum()
        assert 0.09 < annual < 0.13


class TestReadmissionsStory:
    """Five true outliers among 150 trusts: the funnel plot finds them, a league table does not."""

    @pytest.fixture(scope="class")
    @classmethod
    def df(cls):
        return qi.datasets.load("readmissions_by_trust")

    def _outliers(self):
        facts = _facts("readmissions_by_trust")
        return set(facts["outliers_high"]), set(facts["outliers_low"])

    def test_funnel_plot_finds_the_planted_outliers(self, df):
        high, low = self._outliers()
        fp = _quiet(qi.funnel_plot, df, unit="trust", y="readmissions", n="discharges")
        outside = fp.data[fp.data["outside"].fillna("").str.endswith("99.8%")]
        assert set(outside.loc[outside["outside"].str.startswith("above"), "unit"]) == high
        assert set(outside.loc[outside["outside"].str.startswith("below"), "unit"]) == low

    def test_binomial_z_scores_agree(self, df):
        """Independent of the funnel code: z = (p - p0) / sqrt(p0 (1 - p0) / n), 99.8% two-sided."""
        high, low = self._outliers()
        p0 = df["readmissions"].sum() / df["discharges"].sum()
        z = (df["readmissions"] / df["discharges"] - p0) / np.sqrt(p0 * (1 - p0) / df["discharges"])
        assert set(df.loc[z > 3.0902, "trust"]) == high
        assert set(df.loc[z < -3.0902, "trust"]) == low

    def test_league_table_misleads(self, df):
        high, _ = self._outliers()
        rate = df["readmissions"] / df["discharges"]
        worst_ten = df.loc[rate.sort_values(ascending=False).index[:10], "trust"]
        assert sum(t not in high for t in worst_ten) >= 3
        assert 0.12 < df["readmissions"].sum() / df["discharges"].sum() < 0.15


class TestEdTimeInDepartmentStory:
    """A four-hour regime from April 2023: departures bunch just before 4 hours; balancing measures rise."""

    @pytest.fixture(scope="class")
    @classmethod
    def df(cls):
        df = qi.datasets.load("ed_time_in_department")
        start = pd.Timestamp(_facts("ed_time_in_department")["regime_start"])
        return df.assign(after=df["month"] >= start, within_4h=df["minutes"] < 240, patients=1)

    def test_an_audit_sample_of_attendances(self, df):
        assert df.groupby("month").size().eq(_facts("ed_time_in_department")["sample_per_month"]).all()
        assert df["month"].nunique() == 24 and set(df["disposition"]) == {"admitted", "discharged"}
        assert 0.25 < (df["disposition"] == "admitted").mean() < 0.35
        admitted = df["disposition"] == "admitted"
        assert df.loc[admitted, "reattended_7d"].isna().all() and df.loc[~admitted, "reattended_7d"].notna().all()
        assert df.loc[~admitted, "short_stay"].isna().all() and df.loc[admitted, "short_stay"].notna().all()

    def test_departures_bunch_just_before_four_hours(self, df):
        """The spike (Locker & Mason 2005): the 15 minutes before 240 fill up, the 15 after empty."""
        before, after = df[~df["after"]], df[df["after"]]
        last15 = [d["minutes"].between(225, 239).mean() for d in (before, after)]
        first15 = [d["minutes"].between(240, 254).mean() for d in (before, after)]
        assert 0.02 < last15[0] < 0.07 and last15[1] > 0.12
        assert first15[1] < first15[0] / 2
        # a spike, not a shift of the whole distribution: the 15 minutes before the window do not change
        earlier = [d["minutes"].between(210, 224).mean() for d in (before, after)]
        assert abs(earlier[1] - earlier[0]) < 0.015

    def test_target_hit_but_typical_wait_unchanged(self, df):
        within = df.groupby("after")["within_4h"].mean()
        assert 0.66 < within[False] < 0.74 and 0.79 < within[True] < 0.87
        median = df.groupby("after")["minutes"].median()
        assert abs(median[True] - median[False]) <= 6
        twelve_hours = df.groupby("after")["minutes"].apply(lambda m: (m >= 720).mean())
        assert abs(twelve_hours[True] - twelve_hours[False]) < 0.01

    @pytest.mark.parametrize(
        "measure, who",
        [("within_4h", None), ("last15", None), ("reattended_7d", "discharged"), ("short_stay", "admitted")],
    )
    def test_each_measure_shifts_at_the_regime(self, df, measure, who):
        d = df.assign(last15=df["minutes"].between(225, 239))
        if who:
            d = d[d["disposition"] == who]
        rc = _quiet(qi.run_chart, d, x="month", y=measure, n="patients")
        assert bool(rc.summary["runs_signal"].iloc[0])
        start = _facts("ed_time_in_department")["regime_start"]
        cc = _quiet(qi.control_chart, d, x="month", y=measure, n="patients", chart="p", part=[start])
        assert not cc.summary["runs_signal"].any() and cc.summary["sigma_signals"].eq(0).all()
        assert cc.summary["cl"].iloc[1] > cc.summary["cl"].iloc[0]
        base = _quiet(qi.control_chart, d[~d["after"]], x="month", y=measure, n="patients", chart="p")
        assert not base.summary["runs_signal"].iloc[0] and base.summary["sigma_signals"].iloc[0] == 0

    def test_balancing_measures_match_the_planted_rates(self, df):
        facts = _facts("ed_time_in_department")
        before = df[~df["after"]]
        discharged = before[before["disposition"] == "discharged"]["reattended_7d"].astype(float).mean()
        admitted = before[before["disposition"] == "admitted"]["short_stay"].astype(float).mean()
        assert abs(discharged - facts["reattend_7d_usual"]) < 0.02
        assert abs(admitted - facts["short_stay_usual"]) < 0.03


class TestMessyExportStory:
    """The export reads into the clean numbers (Ash + Cedar of ward_falls) from CSV and from Excel."""

    @pytest.fixture(scope="class")
    @classmethod
    def expected(cls):
        clean = _facts("team_export_messy")["clean_values"]
        return pd.DataFrame(clean).assign(month=lambda d: pd.to_datetime(d["month"]))

    def test_clean_values_are_ward_falls(self, expected):
        facts = _facts("team_export_messy")
        falls = qi.datasets.load("ward_falls")
        both = falls[falls["ward"].isin(facts["wards"])].groupby("month")[["falls", "occupied_bed_days"]].sum()
        both = both.loc[expected["month"]]
        assert both["falls"].tolist() == expected["falls"].tolist()
        assert both["occupied_bed_days"].tolist() == expected["occupied_bed_days"].tolist()

    @pytest.mark.parametrize("fmt", ["csv", "xlsx"])
    def test_read_measure_recovers_the_values(self, expected, fmt):
        df = _quiet(qi.read_measure, qi.datasets.path("team_export_messy", fmt))
        df = df[df.iloc[:, 0].notna()].reset_index(drop=True)  # a footnote line may come through empty
        assert len(df) == len(expected)
        cols = list(df.columns)
        assert pd.to_datetime(df[cols[0]]).tolist() == expected["month"].tolist()
        np.testing.assert_array_equal(df[cols[1]], expected["falls"])
        np.testing.assert_array_equal(df[cols[2]], expected["falls_with_harm"])
        np.testing.assert_array_equal(df[cols[3]], expected["occupied_bed_days"])
        np.testing.assert_allclose(df[cols[4]], expected["occupancy_pct"] / 100)
        np.testing.assert_allclose(df[cols[5]], expected["harm_free_pct"].astype(float) / 100)

    def test_text_numbers_are_refused_with_advice(self):
        raw = qi.datasets.load("team_export_messy")
        body = raw.iloc[4:30]
        body = body[body[0].str.match(r"\d\d/\d\d/\d{4}")]
        with pytest.raises(QITypeError, match="thousands separators"):
            qi.control_chart(y=body[1].astype(int).tolist(), n=body[3].tolist(), chart="u")


class TestPdsaProjectStory:
    """The falls project loads with qitools.pdsa, its measure data is ward_falls, its chart shows the shift."""

    @pytest.fixture(scope="class")
    @classmethod
    def project(cls):
        import qitools.pdsa as pdsa

        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a clean project: no validation warnings either
            return pdsa.load_json(qi.datasets.path("pdsa_falls_project", "json"))

    def test_loads_and_checks_clean(self, project):
        import qitools.pdsa as pdsa

        facts = _facts("pdsa_falls_project")
        assert [c.id for c in project.cycles] == facts["cycles"]
        assert [c.id for c in project.cycles if c.act == "abandon"] == facts["abandoned_cycles"]
        assert not [p for p in pdsa.check(project) if p.level == "error"]

    def test_measures_are_the_bundle_wards(self):
        facts = _facts("pdsa_falls_project")
        measures = qi.datasets.load("pdsa_falls_project").set_index("month")
        falls = qi.datasets.load("ward_falls")
        both = falls[falls["ward"].isin(facts["wards"])].groupby("month")[["falls", "occupied_bed_days"]].sum()
        pd.testing.assert_frame_equal(measures[["falls", "occupied_bed_days"]], both, check_names=False)
        base = measures.iloc[:19]
        baseline = round(1000 * base["falls"].sum() / base["occupied_bed_days"].sum(), 1)
        assert baseline == facts["aim_baseline_per_1000_obd"]

    def test_outcome_chart_shows_the_shift_and_process_improves(self, project):
        import qitools.pdsa as pdsa

        m1 = _quiet(pdsa.measure_chart, project, "M1")
        assert m1.summary["runs_signal"].all()
        df = qi.datasets.load("pdsa_falls_project")
        start = pd.Timestamp(_facts("pdsa_falls_project")["bundle_start"])
        m2 = _quiet(
            qi.control_chart, df, x="month", y="lsbp_recorded", n="lsbp_audited", chart="p", part=[start]
        ).summary.sort_values("part")
        assert m2["cl"].iloc[1] > 0.8 and m2["cl"].iloc[0] < 0.45
        m3 = _quiet(qi.control_chart, df, x="month", y="mean_length_of_stay", chart="i")
        assert not m3.summary["runs_signal"].any() and m3.summary["sigma_signals"].eq(0).all()


class TestFallsIncidentsStory:
    """A year of falls on one ward: the planted vital few, overall and by shift; harm unrelated to cause."""

    @pytest.fixture(scope="class")
    @classmethod
    def df(cls):
        return qi.datasets.load("falls_incidents")

    def test_counts_are_the_planted_ones(self, df):
        facts = _facts("falls_incidents")
        assert len(df) == facts["falls"] == 96
        assert df["cause"].value_counts().to_dict() == facts["causes"]
        by_shift = df.groupby(["cause", "shift"]).size()
        for cause, shifts in facts["causes_by_shift"].items():
            for shift, n in shifts.items():
                assert by_shift.get((cause, shift), 0) == n, (cause, shift)
        assert df["shift"].value_counts().to_dict() == facts["falls_by_shift"] == {"night": 60, "day": 36}
        assert df["harm"].value_counts().to_dict() == facts["harm"]

    @pytest.mark.parametrize("shift", [None, "night", "day"])
    def test_pareto_shows_the_planted_vital_few(self, df, shift):
        facts = _facts("falls_incidents")
        part = df if shift is None else df[df["shift"] == shift]
        table = qi.pareto_table(part, category="cause")
        expected = facts["vital_few" if shift is None else f"vital_few_{shift}"]
        assert table.loc[table["vital_few"], "category"].tolist() == expected
        # the stories' shares: 81.25% with three causes overall, 90% with two at night, 80.6% with three by day
        share = table.loc[table["vital_few"], "cumulative_percent"].iloc[-1]
        assert share == pytest.approx({None: 81.25, "night": 90.0, "day": 2900 / 36}[shift])

    def test_stratifying_by_shift_changes_the_vital_few(self):
        facts = _facts("falls_incidents")
        assert facts["vital_few_night"][0] != facts["vital_few_day"][0]
        assert "Low blood pressure on standing" in facts["vital_few_day"]
        assert "Low blood pressure on standing" not in facts["vital_few_night"]

    def test_times_and_shifts(self, df):
        assert df["reported"].is_monotonic_increasing and df["incident_id"].is_unique
        assert df["reported"].min() >= pd.Timestamp("2023-04-01")
        assert df["reported"].max() < pd.Timestamp("2024-04-01")
        hours = df["reported"].dt.hour
        assert (df["shift"] == np.where((hours >= 8) & (hours < 20), "day", "night")).all()
        night = hours[df["shift"] == "night"]
        assert night.between(1, 5).mean() > 0.5  # the small hours

    def test_harm_is_not_planted_by_cause(self, df):
        # the harm grades were shuffled over the falls: no cause has all the moderate or severe harm
        serious = df[df["harm"].isin(["Moderate harm", "Severe harm"])]
        assert serious["cause"].nunique() >= 2


class TestExamples:
    """Each catalogue entry's ``example`` call runs on its dataset."""

    @pytest.mark.parametrize("name", NAMES)
    def test_example_runs(self, name):
        import qitools.pdsa  # noqa: F401 - the PDSA example uses qi.pdsa

        entry = qi.datasets.info(name)
        namespace = {"qi": qi, "pd": pd, "np": np, "df": qi.datasets.load(name)}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            exec(compile(entry["example"], f"<example of {name}>", "exec"), namespace)  # noqa: S102


class TestCtWaitsStory:
    """About 300 scans a month: xbar limits too tight for the months' ordinary variation; an I chart of
    the monthly median is stable until the community diagnostic centre opens, then signals the fall."""

    @pytest.fixture(scope="class")
    @classmethod
    def df(cls):
        return qi.datasets.load("ct_waits")

    @pytest.fixture(scope="class")
    @classmethod
    def baseline(cls, df):
        return df[df["month"] < pd.Timestamp(_facts("ct_waits")["change_month"])]

    def test_volumes_and_skew(self, df):
        per_month = df.groupby("month").size()
        assert len(per_month) == 30 and per_month.between(240, 360).all()
        assert df["wait_days"].min() >= 0 and df["wait_days"].skew() > 1

    def test_medians_match_the_planted_values(self, df):
        facts = _facts("ct_waits")
        after = df["month"] >= pd.Timestamp(facts["change_month"])
        assert df.loc[~after, "wait_days"].median() == pytest.approx(facts["true_median_before_days"], rel=0.15)
        assert df.loc[after, "wait_days"].median() == pytest.approx(facts["true_median_after_days"], rel=0.15)

    @pytest.mark.parametrize("chart", ["xbar", "s"])
    def test_big_subgroups_signal_on_ordinary_months(self, baseline, chart):
        cc = _quiet(qi.control_chart, baseline, x="month", y="wait_days", chart=chart)
        assert cc.data["sigma_signal"].sum() >= 5  # of 18 months in which nothing changed

    @pytest.mark.parametrize("agg", ["median", "mean"])
    def test_i_chart_of_monthly_values_is_stable(self, baseline, agg):
        cc = _quiet(qi.control_chart, baseline, x="month", y="wait_days", chart="i", agg=agg)
        assert cc.summary["sigma_signals"].eq(0).all() and not cc.summary["runs_signal"].any()

    def test_i_chart_of_medians_signals_the_change_and_is_stable_in_parts(self, df):
        start = pd.Timestamp(_facts("ct_waits")["change_month"])
        frozen = _quiet(qi.control_chart, df, x="month", y="wait_days", chart="i", agg="median",
                        freeze=start - pd.offsets.MonthBegin(1))
        d = frozen.data
        assert not d.loc[d["x"] < start, "sigma_signal"].any()
        assert (d["sigma_signal"] & (d["x"] >= start) & (d["y"] < d["lcl"])).sum() >= 3
        assert frozen.summary["runs_signal"].all()
        parts = _quiet(qi.control_chart, df, x="month", y="wait_days", chart="i", agg="median", part=[start])
        assert parts.summary["sigma_signals"].eq(0).all() and not parts.summary["runs_signal"].any()


class TestCaesareanSsiStory:
    """Sections between infections: a stable baseline on a g chart, longer gaps after the bundle."""

    @pytest.fixture(scope="class")
    @classmethod
    def gaps(cls):
        df = qi.datasets.load("caesarean_ssi")
        assert (df["section"] == np.arange(1, len(df) + 1)).all() and df["date"].is_monotonic_increasing
        assert set(df["infection"]) == {0, 1}
        inf = df[df["infection"] == 1]
        return inf.assign(between=inf["section"].diff() - 1).dropna(subset=["between"]).reset_index(drop=True)

    def test_improvement_signalled_after_the_bundle(self, gaps):
        start = pd.Timestamp(_facts("caesarean_ssi")["bundle_date"])
        last_baseline = gaps.loc[gaps["date"] < start, "section"].iloc[-1]
        cc = _quiet(qi.control_chart, gaps, x="section", y="between", chart="g", freeze=last_baseline)
        data = cc.data
        assert len(data) == len(gaps)  # one point per infection
        baseline = data["x"] <= last_baseline
        assert not data.loc[baseline, "sigma_signal"].any()
        assert (data["sigma_signal"] & ~baseline & (data["y"] > data["ucl"])).sum() >= 3
        assert not (data["sigma_signal"] & (data["y"] < data["lcl"])).any()
        assert cc.summary["runs_signal"].all()

    def test_baseline_alone_is_stable(self, gaps):
        start = pd.Timestamp(_facts("caesarean_ssi")["bundle_date"])
        cc = _quiet(qi.control_chart, gaps[gaps["date"] < start], x="section", y="between", chart="g")
        assert not cc.summary["runs_signal"].any() and cc.summary["sigma_signals"].eq(0).all()

    def test_gaps_match_the_planted_risks(self, gaps):
        facts = _facts("caesarean_ssi")
        after = gaps["date"] >= pd.Timestamp(facts["bundle_date"])
        assert gaps.loc[~after, "between"].mean() == pytest.approx(facts["expected_sections_between_before"], rel=0.35)
        assert gaps.loc[after, "between"].mean() == pytest.approx(facts["expected_sections_between_after"], rel=0.35)

    def test_sections_per_month(self):
        df = qi.datasets.load("caesarean_ssi")
        per_month = df.groupby(df["date"].dt.to_period("M")).size()
        assert len(per_month) == 36 and per_month.mean() == pytest.approx(70, rel=0.1)


class TestReadmeTable:
    """The README's "Example data" table is generated from the catalogue."""

    def test_table_matches_catalogue(self, generate):
        text = README.read_text(encoding="utf-8")
        start, end = text.find(generate.README_START), text.find(generate.README_END)
        assert 0 <= start < end, "the README has lost the markers around the datasets table"
        table = text[start + len(generate.README_START) : end].strip()
        catalogue = json.loads((DATASETS / "catalogue.json").read_text(encoding="utf-8"))
        assert table == generate.markdown_table(catalogue).strip(), (
            "The README's datasets table is out of date: run python datasets/generate.py --update-readme"
        )
        assert "### Example data" in text[:start]

    def test_table_lists_every_dataset(self, generate):
        table = generate.markdown_table(qi.datasets.list().to_dict("records"))
        for name in NAMES:
            assert f"| `{name}` |" in table


# ------------------------------------------------------------------------------------------------
_WHEEL_PROBE = textwrap.dedent(
    """
    import json, sys, warnings
    import qitools as qi
    out = {"file": qi.__file__, "names": qi.datasets.list()["name"].tolist(), "rows": {}}
    for name in out["names"]:
        out["rows"][name] = len(qi.datasets.load(name))
    out["xlsx"] = qi.datasets.path("team_export_messy", "xlsx").is_file()
    out["json"] = qi.datasets.path("pdsa_falls_project", "json").is_file()
    out["dates"] = str(qi.datasets.load("ward_falls")["month"].dtype)
    out["heavy"] = sorted(m for m in ("matplotlib", "scipy") if m in sys.modules)
    print(json.dumps(out))
    """
)


@pytest.mark.slow
class TestWheel:
    """Build a wheel, install it in a fresh virtual environment, load every dataset from it."""

    def test_load_from_installed_wheel(self, installed_wheel):
        with zipfile.ZipFile(installed_wheel.wheel) as zf:
            shipped = {Path(n).name for n in zf.namelist() if n.startswith("qitools/_data/")}
        expected = {p.name for p in DATASETS.iterdir() if p.name not in NOT_GENERATED}
        assert expected <= shipped, f"not in the wheel: {sorted(expected - shipped)}"
        out = json.loads(installed_wheel.run(_WHEEL_PROBE))
        env = installed_wheel.env
        assert Path(out["file"]).resolve().is_relative_to(env.resolve()), out["file"]
        assert out["names"] == NAMES
        assert out["rows"] == qi.datasets.list().set_index("name")["rows"].to_dict()
        assert out["xlsx"] and out["json"]
        assert out["dates"].startswith("datetime64")
        assert out["heavy"] == []
