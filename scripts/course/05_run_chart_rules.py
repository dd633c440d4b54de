# Source of notebooks/05_run_chart_rules.ipynb: edit this file, then run `python scripts/build_notebooks.py 05`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 5: Run-chart rules
#
# | | |
# |---|---|
# | **Level** | 2 (practitioner) |
# | **Time** | about 35 minutes, and about 30 minutes for the [exercise](../exercises/05_run_chart_rules.ipynb) |
# | **Prerequisites** | [Module 4, Run charts](04_run_charts.ipynb) |
# | **Measure used** | % of emergency department patients with sepsis given IV antibiotics within 1 hour, weekly (example data, `sepsis_antibiotics`) |
#
# **Learning objectives.** By the end of this module you will be able to:
# - apply the **IHI run-chart rules** (shift, trend, runs, astronomical point) and the **Anhøj
#   rules** (longest run, crossings) to a run chart;
# - explain why a rule needs a known **false-alarm rate**, and why the **trend rule** is weak;
# - show, with a simulation, how often each rule fires on random data.

# %% [markdown]
# ## 1. Why rules?
#
# Our eyes find patterns everywhere, including in noise. A rule is a pattern that chance alone
# rarely produces, so when it appears we have a **signal** worth investigating. Every rule also
# fires now and then on data where nothing has changed: a **false alarm**. A good set of rules
# catches real changes quickly while keeping false alarms rare.
#
# Two sets of rules are widely taught:
#
# | IHI rules (Perla, Provost & Murray, 2011) | Anhøj rules (Anhøj & Olesen, 2014) |
# |---|---|
# | **Shift**: 6 or more points in a row on one side of the median (points on the median are skipped) | **Longest run**: a run on one side of the median longer than round(log₂ n) + 3 |
# | **Trend**: 5 or more points in a row all going up or all going down (a repeated value is skipped) | **Crossings**: fewer crossings of the median than the 5th percentile of a binomial(n − 1, ½) |
# | **Runs**: too few or too many runs (a run is one or more points on one side of the median), from a table | |
# | **Astronomical point**: a point obviously different from the rest (a judgement) | |
#
# n is the number of **useful** points: those not on the median. The IHI shift and trend
# thresholds are fixed; Anhøj's grow with n. Run the setup cell, then we see what that means.

# %%
# Setup: load the tools this notebook uses.
# %config InlineBackend.figure_formats = ["png"]
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import qitools as qi
from scipy.stats import binom

plt.rcParams["figure.dpi"] = 100  # sharp enough to project and zoom
warnings.formatwarning = lambda msg, cat, *args, **kwargs: f"{cat.__name__}: {msg}\n"  # short warnings

# %% [markdown]
# Anhøj's two limits for a few chart lengths, straight from the formulas:

# %%
# NBVAL_CHECK_OUTPUT
for n in [12, 24, 36, 52, 104]:
    longest = round(np.log2(n)) + 3
    crossings = int(binom.ppf(0.05, n - 1, 0.5))
    print(f"n = {n:3}: signal if the longest run > {longest:2} or crossings < {crossings}")

# %% [markdown]
# With 12 points a run of 8 is needed; with 104 points, 11. A fixed "6 in a row" becomes easier and
# easier to hit by chance as the chart grows.

# %% [markdown]
# ## 2. The sepsis data, before anything changed
#
# An emergency department measured, each week, the percentage of patients with sepsis given
# antibiotics within an hour. From October 2022 it tested a screening tool in PDSA cycles (module
# 6 explains them); the tests were small, and the department's figure did not move until February
# 2023. Here are
# the first 44 weeks, to the end of January 2023, with the IHI rules (`rules="ihi"`):

# %%
sepsis = qi.datasets.load("sepsis_antibiotics")
before = sepsis[sepsis["week"] < "2023-02-01"]
ihi = qi.run_chart(before, x="week", y="antibiotics_within_1h", n="sepsis_patients",
                   multiply=100, rules="ihi")
ihi.plot(figsize=(8, 3.5), percent=True);

# %% [markdown]
# **Chart description:** run chart of the weekly percentage given antibiotics within an hour, April
# 2022 to January 2023 (44 weeks), wandering between about 33% and 75% around a median of 56.4%;
# the five falling weeks from late December 2022 are orange diamonds labelled "trend".
#
# The IHI rules flag a **trend**: five weeks in a row, each lower than the one before. `cc.data`
# has one column per rule, so we can list the flagged weeks:

# %%
# NBVAL_CHECK_OUTPUT
flagged = ihi.data[ihi.data["ihi_trend"]]
print(flagged[["x", "y"]].round({"y": 1}).to_string(index=False))
print("shift points:", ihi.data["ihi_shift"].sum(), "| too few or too many runs:", ihi.summary.loc[0, "ihi_runs"])

# %% [markdown]
# The same 44 weeks with Anhøj's rules (the default) show **no signal**:

# %%
# NBVAL_CHECK_OUTPUT
anhoej = qi.run_chart(before, x="week", y="antibiotics_within_1h", n="sepsis_patients", multiply=100)
s = anhoej.summary.iloc[0]
print(f"longest run {s['longest_run']} (limit {s['longest_run_max']:.0f})")
print(f"crossings {s['n_crossings']} (limit {s['n_crossings_min']:.0f})")
print(f"signal: {s['runs_signal']}")

# %% [markdown]
# We know how the data were made: the true percentage was 55% in every one of these weeks (see
# `datasets/README.md`). The trend is chance, a false alarm. A team that believed it might have
# abandoned the screening tool it was testing, or launched an investigation into nothing.

# %% [markdown]
# ## 3. All 104 weeks: a real change
#
# From February 2023 the screening tool was in use everywhere, and from July 2023 a patient group
# direction let nurses give the first dose. Over all two years both rule sets signal. (With
# `rules="ihi"`, the summary also carries Anhøj's longest run and crossings, so one call shows both.)

# %%
# NBVAL_CHECK_OUTPUT
ihi_all = qi.run_chart(sepsis, x="week", y="antibiotics_within_1h", n="sepsis_patients", multiply=100, rules="ihi")
d, s = ihi_all.data, ihi_all.summary.iloc[0]
print(f"median {s['cl']:.1f}%")
print(f"IHI:   shift weeks {d['ihi_shift'].sum()}, trend weeks {d['ihi_trend'].sum()},",
      f"runs {s['n_runs']:.0f} (expected {s['n_runs_min']:.0f} to {s['n_runs_max']:.0f})")
print(f"Anhøj: longest run {s['longest_run']} (limit {s['longest_run_max']:.0f}),",
      f"crossings {s['n_crossings']} (limit {s['n_crossings_min']:.0f})")

# %% [markdown]
# Splitting this chart into parts at the two changes (module 4) gives each part its own median;
# module 11 goes further with baselines and limits.

# %% [markdown]
# ## 4. Why the trend rule is weak
#
# Five points in a row going down *looks* like a drift. But in random data, runs of five rising or
# falling points turn up often, and a real slow drift usually shows up sooner as a shift or as too
# few crossings. Anhøj and Olesen (2014) simulated thousands of run charts and concluded that "the
# trend rule is virtually useless for detection of linear drift over time, the purpose it was
# intended for", while it adds false alarms. Their shift (longest run) and crossings rules kept the
# false-alarm rate low and about the same whatever the number of points.
#
# You can check this yourself. The next cell makes `n_series` random series of `n_points` each
# (**no change at all**, unless you ask for a `shift` half-way, in standard deviations), charts them
# all in **one** call (`facet="series"`: one chart per series), and returns the percentage of series
# in which each rule fired.

# %%
def rule_rates(n_points, shift=0.0, n_series=2000, seed=1):
    """% of random series in which each run-chart rule fires."""
    y = np.random.default_rng(seed).normal(size=(n_series, n_points))
    y[:, n_points // 2:] += shift  # a real change half-way, if shift > 0
    sims = pd.DataFrame({"series": np.repeat(np.arange(n_series), n_points),
                         "t": np.tile(np.arange(n_points), n_series), "y": y.ravel()})
    ihi = qi.run_chart(sims, x="t", y="y", facet="series", rules="ihi")
    anhoej = qi.run_chart(sims, x="t", y="y", facet="series")
    fired = ihi.data.groupby("series")[["ihi_shift", "ihi_trend"]].any()
    fired["ihi_runs"] = ihi.summary.set_index("series")["ihi_runs"]
    fired["ihi_any"] = fired.any(axis=1)
    fired["anhoej"] = anhoej.summary.set_index("series")["runs_signal"]
    return 100 * fired.mean()

# %% [markdown]
# First, random data with no change: every signal is a false alarm.

# %%
# NBVAL_CHECK_OUTPUT
false_alarms = pd.DataFrame({n: rule_rates(n) for n in [12, 24, 36, 52, 104]}).T
false_alarms.index.name = "points"
print(false_alarms.round(0).astype(int).to_string())

# %% [markdown]
# Read the table as "% of 2,000 charts of pure noise that signalled":
#
# - the **trend** rule fires on about 1 chart in 10 with 12 points, 1 in 4 with 24, and 3 in 4
#   with 104;
# - the fixed **shift** rule also fires more and more often as the chart grows;
# - taken together (`ihi_any`), the IHI rules call a change in about a third of 24-point charts of
#   pure noise, and in nearly all 104-point charts;
# - **Anhøj's** rules stay at a few per cent for every length.

# %% [markdown]
# ## 5. Explore: false alarms and real changes
#
# Move `n_points` to see how the false-alarm rates grow with the length of the chart. Then set
# `shift` above 0 to plant a real change half-way: the bars now show how often each rule *detects*
# it. A good rule is low when `shift` is 0 and high when it is not. (Each move re-runs 2,000 charts
# in a fraction of a second.)

# %%
# NBVAL_IGNORE_OUTPUT
from ipywidgets import FloatSlider, IntSlider, interact


@interact(n_points=IntSlider(value=24, min=12, max=104, step=4), shift=FloatSlider(value=0, min=0, max=2, step=0.25))
def false_alarm_explorer(n_points, shift):
    rates = rule_rates(n_points, shift)
    ax = rates.plot.barh(figsize=(7, 2.5), color="#4a5a70", xlim=(0, 100))
    ax.set_xlabel("% of 2,000 random charts that signal")
    ax.set_title(f"{n_points} points, shift of {shift} SD half-way")
    plt.show()

# %% [markdown]
# **Chart description:** horizontal bars, one per rule (IHI shift, trend, runs, any IHI rule, Anhøj),
# each the percentage of 2,000 random charts in which that rule signalled, on a scale of 0 to 100%.
#
# With `n_points` = 24 and `shift` = 1, the IHI set signals more often than Anhøj's, but it also
# signalled in a third of the charts with no shift at all: many of its "detections" are false
# alarms. And the trend bar hardly moves between `shift` = 0 and 1: the trend rule fires about as
# often with a real change as without one. That is the trade-off. qitools uses Anhøj's rules by default (as qicharts2 does) and
# offers the IHI rules with `rules="ihi"` for teams that are taught them.

# %% [markdown]
# ## Key points
#
# - Run-chart rules look for patterns that chance rarely makes: long runs on one side of the
#   median, too few crossings (or runs), and, in the IHI set, trends and astronomical points.
# - Every rule has a **false-alarm rate**. Fixed thresholds ("6 in a row") fire more often as the
#   chart gets longer; Anhøj's thresholds grow with n and keep false alarms rare.
# - The **trend rule** adds false alarms and detects little: five rising points are not evidence of
#   a change.
# - A signal is a reason to look for a cause, not a verdict.
#
# **Discuss with your coach:** which rules does your organisation teach or use in its reports? Has
# a "trend" ever triggered action that turned out to be chasing noise?
#
# **Practise:** [exercises/05_run_chart_rules.ipynb](../exercises/05_run_chart_rules.ipynb) (graded, with hints).
#
# **Next:** [Module 6, PDSA cycles](06_pdsa_cycles.ipynb)

# %% [markdown]
# ## Sources
#
# - Perla RJ, Provost LP, Murray SK (2011). The run chart: a simple analytical tool for learning
#   from variation in healthcare processes. *BMJ Qual Saf* 20:46–51 (the IHI rules).
# - Anhøj J, Olesen AV (2014). Run charts revisited: a simulation study of run chart rules for
#   detection of non-random variation in health care processes. *PLoS ONE* 9(11): e113825.
# - Provost LP, Murray SK (2011). *The Health Care Data Guide.* Jossey-Bass (ch. 3, the runs table).
# - Example data: `sepsis_antibiotics` (synthetic; see `datasets/README.md`).
