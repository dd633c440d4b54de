# Source of notebooks/11_baselines_and_limits.ipynb: edit this file, then run `python scripts/build_notebooks.py 08`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 11: Chart savvy
#
# | | |
# |---|---|
# | **Level** | 3 (analyst) |
# | **Time** | about 30 minutes |
# | **Prerequisites** | [Module 7, Understanding variation](07_variation_xmr.ipynb) and [Module 8, Choosing the chart](08_choosing_the_chart.ipynb) |
# | **Measures used** | falls per 1,000 bed days on Ash ward (`ward_falls`); *C. difficile* per 100,000 bed days (`cdiff`); A&E four-hour performance of 30 trusts (`ed_four_hour`); staff sickness absence (`staff_sickness`) |
#
# **Learning objectives.** By the end of this module you will be able to:
# - choose a **baseline**, and decide when to **freeze** limits and when to **recalculate** them in a
#   new **part**;
# - leave a known special cause out of the limits with **exclude**;
# - recognise **over-dispersion** in big denominators and use **Laney's p′ chart**;
# - recognise **seasonality** and avoid reacting to it as if it were new.

# %% [markdown]
# ## 1. Baselines: how many points?
#
# Limits estimated from a few points are themselves uncertain. *The Health Care Data Guide*
# (Provost & Murray, 2011, ch. 6) advises treating limits from fewer than about 20 points as
# **trial limits**, to be updated as data accumulate, and *Making Data Count* warns when a chart has
# fewer than 12 points. A good baseline is also **stable** (no signals) and covers the ordinary
# conditions of the process (for a seasonal measure, a whole year).
#
# Run the setup cell.

# %%
# Setup: load the tools this notebook uses.
# %config InlineBackend.figure_formats = ["png"]
import warnings

import matplotlib.pyplot as plt
import qitools as qi

plt.rcParams["figure.dpi"] = 80  # small pictures
warnings.formatwarning = lambda msg, cat, *args, **kwargs: f"{cat.__name__}: {msg}\n"  # short warnings

# %% [markdown]
# ## 2. Freeze, then recalculate
#
# While you test changes, **freeze** the limits on the baseline and extend them, so each new month
# is judged against the old process (`freeze=` the last baseline month). If the limits were
# recalculated every month, a real improvement would drag the centre line with it and hide itself.
#
# Once the chart shows a **sustained** signal, you know its cause, and you expect it to last,
# start a new **part** (`part=` its first month) with its own limits: the new process becomes the
# baseline for the next change (Provost & Murray, 2011, ch. 6).

# %%
falls = qi.datasets.load("ward_falls")
ash = falls[falls["ward"] == "Ash"]
frozen = qi.control_chart(ash, x="month", y="falls", n="occupied_bed_days", chart="u",
                          multiply=1000, freeze="2022-10-01", improvement="decrease")
frozen.plot(figsize=(8, 3.5), title="Ash: limits frozen on the baseline (to Oct 2022)");

# %% [markdown]
# The rebased chart (module 8 drew it) has a part from November 2022. The numbers of both:

# %%
# NBVAL_CHECK_OUTPUT
rebased = qi.control_chart(ash, x="month", y="falls", n="occupied_bed_days", chart="u",
                           multiply=1000, part=["2022-11-01"], improvement="decrease")
print(f"frozen: centre {frozen.summary.loc[0, 'cl']:.2f}; points in the long run: {frozen.data['long_run'].sum()}")
print(rebased.summary[["part", "cl", "sigma_signals", "runs_signal"]].round(2).to_string(index=False))

# %% [markdown]
# Frozen, the chart shows the bundle's effect as a long run below the old centre line. Rebased, each
# part is stable: falls now run at about 4.8 per 1,000 bed days instead of 11.1. When **not** to
# start a new part: after a single point beyond a limit, without a known cause, or to make a chart
# "look stable".

# %% [markdown]
# ### Explore: what if the baseline ended here?
#
# Move the end of the baseline. While it stays before November 2022 little changes. Once the
# baseline takes in months *after* the change, the centre line drops and the signal weakens: the
# improvement is being absorbed into "normal". The cell after the widget prints three cases.

# %%
# NBVAL_IGNORE_OUTPUT
from ipywidgets import SelectionSlider, interact

month_names = [m.strftime("%Y-%m-%d") for m in ash["month"]][11:]


@interact(last_baseline_month=SelectionSlider(options=month_names, value="2022-10-01"))
def baseline_explorer(last_baseline_month):
    chart = qi.control_chart(ash, x="month", y="falls", n="occupied_bed_days", chart="u",
                             multiply=1000, freeze=last_baseline_month, improvement="decrease")
    chart.plot(figsize=(8, 3.5), title=f"Limits frozen on Apr 2021 to {last_baseline_month}")
    plt.show()

# %%
# NBVAL_CHECK_OUTPUT
for end in ["2022-10-01", "2023-03-01", "2023-09-01"]:
    chart = qi.control_chart(ash, x="month", y="falls", n="occupied_bed_days", chart="u",
                             multiply=1000, freeze=end)
    s = chart.summary.iloc[0]
    print(f"baseline to {end}: centre {s['cl']:.2f}, longest run {s['longest_run']}")

# %% [markdown]
# ## 3. Leaving out a known special cause: `exclude=`
#
# The trust of module 7 had a *C. difficile* outbreak in February 2023. It is a known special cause,
# investigated and explained; left in, it pulls the centre line and the limits up for every other
# month. `exclude=` leaves it out of the calculations, but it is still plotted and still judged.

# %%
# NBVAL_CHECK_OUTPUT
cdiff = qi.datasets.load("cdiff")
for exclude in [None, ["2023-02-01"]]:
    chart = qi.control_chart(cdiff, x="month", y="cases", n="bed_days", chart="u", multiply=100_000,
                             exclude=exclude)
    s = chart.summary.iloc[0]
    print(f"exclude={exclude}: centre {s['cl']:.2f}, points beyond the limits {s['sigma_signals']}")

# %% [markdown]
# The usual process runs at 18.7 infections per 100,000 bed days, not 20.5. Exclude only points you
# can explain, and say so on the chart.

# %% [markdown]
# ## 4. Big denominators: over-dispersion and Laney's p′ chart
#
# A p chart's limits shrink as n grows (module 8). With 9,000 A&E attendances a month they are
# very tight, and real month-to-month variation from many small causes (staffing, flu, the
# weather) is far bigger than the binomial model behind the p chart allows. This is
# **over-dispersion**, and it makes the p chart flag months that are perfectly ordinary (Mohammed
# et al., 2013). Laney's **p′ chart** (`chart="pp"`) measures the extra variation between months
# and widens the limits by that much (Laney, 2002). Here are all 30 trusts, both ways:

# %%
# NBVAL_CHECK_OUTPUT
ed = qi.datasets.load("ed_four_hour")
ed["within_4h"] = ed["attendances"] - ed["breaches"]
for chart_type in ["p", "pp"]:
    chart = qi.control_chart(ed, x="month", y="within_4h", n="attendances", chart=chart_type,
                             multiply=100, facet="trust")
    share = 100 * chart.data["sigma_signal"].mean()
    print(f"{chart_type:2} chart: {share:.0f}% of the 1,440 months are beyond the limits")

# %% [markdown]
# Over half of all months are "special" on the p chart: an alarm that cries wolf this often is
# useless. On the p′ chart about 2% are: 14 of them at T07 (its real improvement), and most of the
# rest in deep winters (December to February).
# One trust, both ways:

# %%
t01 = ed[ed["trust"] == "T01"]
fig, axes = plt.subplots(1, 2, figsize=(10, 3.2), sharey=True)
for ax, chart_type in zip(axes, ["p", "pp"]):
    chart = qi.control_chart(t01, x="month", y="within_4h", n="attendances", chart=chart_type, multiply=100)
    chart.plot(ax=ax, percent=True, title=f"T01, {chart_type} chart", subtitle="", label_signals=False)
plt.show()

# %% [markdown]
# `qi.suggest_chart` checks for this: with large denominators and over-dispersion it suggests `pp`
# (or `up` for rates). A rule of thumb: if most points of a p or u chart are outside the limits,
# suspect over-dispersion before you suspect the process.

# %% [markdown]
# ## 5. Seasonality
#
# Some measures have a yearly rhythm: A&E waits and staff sickness rise every winter. Here is
# sickness absence in six directorates, as I charts:

# %%
sickness = qi.datasets.load("staff_sickness")
sick = qi.control_chart(sickness, x="month", y="sickness_absence_pct", chart="i", facet="directorate")
sick.plot(facet_cols=3, figsize=(10, 4.5), title="Sickness absence (%), by directorate");

# %% [markdown]
# Every directorate signals. But look at *when*: the months of the points beyond the limits.

# %%
# NBVAL_CHECK_OUTPUT
beyond = sick.data[sick.data["sigma_signal"]]
high = beyond[beyond["y"] > beyond["ucl"]]["x"].dt.strftime("%b").value_counts()
low = beyond[beyond["y"] < beyond["lcl"]]["x"].dt.strftime("%b").value_counts()
print("above the upper limit:", dict(sorted(high.items())))
print("below the lower limit:", dict(sorted(low.items())))

# %% [markdown]
# High points only in winter (December to February), low ones only in summer (June to September).
# These are real, but they are not news: the same cause (winter viruses) comes back every year.
# Good habits with a seasonal measure:
#
# - use a baseline of at least a **whole year**, and never start a new part on a winter peak;
# - **annotate** the season, and compare a winter with earlier winters;
# - ask whether the seasonal pattern itself can be changed (vaccination, winter staffing plans);
# - with several years of data, an analyst can chart the difference from the same month's usual
#   level (seasonal adjustment).

# %% [markdown]
# ## Key points
#
# - Limits from fewer than about 20 points are **trial limits**; a baseline should be stable and,
#   for seasonal measures, cover a whole year.
# - **Freeze** limits while testing changes; start a new **part** only after a sustained signal with
#   a known cause.
# - **Exclude** a point from the limits only when you can explain it, and say so.
# - With big denominators, most points outside a p or u chart's limits means **over-dispersion**: use
#   Laney's **p′/u′** charts.
# - **Seasonal** signals are real but recurring: plan for them rather than react to them.
#
# **Discuss with your coach:** pick a chart from a report in your organisation. Where does its
# baseline start and end? Have its limits ever been recalculated, and why?
#
# **Practise:** [exercises/11_baselines_and_limits.ipynb](../exercises/11_baselines_and_limits.ipynb) (graded, with hints).
#
# **Next:** [Module 6, PDSA cycles](06_pdsa_cycles.ipynb)

# %% [markdown]
# ## Sources
#
# - Provost LP, Murray SK (2011). *The Health Care Data Guide.* Jossey-Bass (ch. 6: baselines,
#   trial limits, freezing and revising limits).
# - Laney DB (2002). Improved control charts for attributes. *Quality Engineering* 14(4):531–537.
# - Mohammed MA, Panesar JS, Laney DB, Wilson R (2013). Statistical process control charts for
#   attribute data involving very large sample sizes: a review of problems and solutions. *BMJ Qual
#   Saf* 22:362–368.
# - NHS England / NHS Improvement (2019). *Making Data Count: strengthening your decisions*
#   (recalculating limits; minimum points).
# - Example data: `ward_falls`, `cdiff`, `ed_four_hour`, `staff_sickness` (synthetic; see
#   `datasets/README.md`).
