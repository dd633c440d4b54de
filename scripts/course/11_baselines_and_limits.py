# Source of notebooks/11_baselines_and_limits.ipynb: edit this file, then run `python scripts/build_notebooks.py 11`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 11: Baselines and limits
#
# | | |
# |---|---|
# | **Level** | 3 (analyst) |
# | **Time** | about 40 minutes, and about 40 minutes for the [exercise](../exercises/11_baselines_and_limits.ipynb) |
# | **Prerequisites** | [Module 7, Understanding variation](07_variation_xmr.ipynb), [Module 8, Choosing the chart](08_choosing_the_chart.ipynb) and [Module 9, Measurement data](09_measurement_data.ipynb) |
# | **Measures used** | falls per 1,000 bed days on Ash ward (`ward_falls`); *C. difficile* per 100,000 bed days (`cdiff`); staff sickness absence (`staff_sickness`) |
#
# **Learning objectives.** By the end of this module you will be able to:
# - choose a **baseline**, and say when its limits are only **trial limits**;
# - decide when to **freeze** limits and when to **recalculate** them in a new **part**;
# - leave a known special cause out of the limits with **exclude**;
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

plt.rcParams["figure.dpi"] = 100  # sharp enough to project and zoom
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
# **Chart description:** a u chart of Ash ward's falls per 1,000 bed days, April 2021 to March
# 2024, with the centre line (about 11) and limits of the first 19 months extended to the end;
# from October 2022 every point is below the centre line, a long run of 18 coloured as
# improvement, but none is below the lower limit.

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
#
# `explain()` reads a frozen chart with its caveats: the frozen limits describe the **old**
# process, 19 points make them trial limits, and an assurance reading against a target on those
# limits is flagged, because they no longer describe the process now.

# %%
print(qi.control_chart(ash, x="month", y="falls", n="occupied_bed_days", chart="u", multiply=1000,
                       freeze="2022-10-01", improvement="decrease", target=8).explain())

# %% [markdown]
# ### Explore: what if the baseline ended here?
#
# Move the end of the baseline. While it stays before November 2022 little changes. Once the
# baseline takes in months *after* the change, the centre line drops and the signal weakens: the
# improvement is being absorbed into "normal".

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

# %% [markdown]
# **Chart description:** the frozen u chart of Ash ward, redrawn for the chosen end of the
# baseline; as the end moves past November 2022 the centre line drops towards the new level and
# the run below it shortens. The next cell prints the numbers for three ends.

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
# The usual process runs at 18.7 infections per 100,000 bed days, not 20.5. The outbreak month is
# still drawn and still beyond the limits: `exclude=` changes what the limits are computed from,
# not what is judged. Exclude only points you can explain (here, a known outbreak), and say so on
# the chart; excluding points because they are inconvenient hides real variation.

# %% [markdown]
# ## 4. Seasonality
#
# Some measures have a yearly rhythm: A&E waits and staff sickness rise every winter. Here is
# sickness absence in six directorates, as I charts:

# %%
sickness = qi.datasets.load("staff_sickness")
sick = qi.control_chart(sickness, x="month", y="sickness_absence_pct", chart="i", facet="directorate")
sick.plot(facet_cols=3, figsize=(10, 4.5), title="Sickness absence (%), by directorate");

# %% [markdown]
# **Chart description:** six small I charts of monthly sickness absence (%), one per directorate,
# April 2021 to March 2024; in every one the line rises each winter and falls each summer, with
# winter points above the upper limit and summer points below the lower limit.

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
# - Limits from fewer than about 20 points are **trial limits** (12 is *Making Data Count*'s
#   minimum); a baseline should be stable and, for seasonal measures, cover a whole year.
# - **Freeze** limits while testing changes: frozen limits describe the **old** process. Start a
#   new **part** only after a sustained signal with a known cause.
# - **Exclude** a point from the limits only when you can explain it, and say so: it is still
#   plotted and judged.
# - **Seasonal** signals are real but recurring: plan for them rather than react to them.
#
# **Discuss with your coach:** pick a chart from a report in your organisation. Where does its
# baseline start and end? Have its limits ever been recalculated, and why?
#
# **Practise:** [exercises/11_baselines_and_limits.ipynb](../exercises/11_baselines_and_limits.ipynb) (graded, with hints).
#
# **Next:** [Module 12, Over-dispersion](12_overdispersion.ipynb)

# %% [markdown]
# ## Sources
#
# - Provost LP, Murray SK (2011). *The Health Care Data Guide.* Jossey-Bass (ch. 6: baselines,
#   trial limits, freezing and revising limits).
# - NHS England / NHS Improvement (2019). *Making Data Count: strengthening your decisions*
#   (recalculating limits; minimum points).
# - Example data: `ward_falls`, `cdiff`, `staff_sickness` (synthetic; see `datasets/README.md`).
