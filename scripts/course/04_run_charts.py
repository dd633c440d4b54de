# Source of notebooks/04_run_charts.ipynb: edit this file, then run `python scripts/build_notebooks.py 04`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 4: Run charts
#
# | | |
# |---|---|
# | **Level** | 1 (foundation) |
# | **Time** | about 30 minutes, and about 30 minutes for the [exercise](../exercises/04_run_charts.ipynb) |
# | **Prerequisites** | [Module 2, Aims and measures](02_aims_and_measures.ipynb) (rates per 1,000 bed days) |
# | **Measure used** | inpatient falls per 1,000 occupied bed days on Ash ward, a ward for older people (example data, `ward_falls`) |
#
# **Learning objectives.** By the end of this module you will be able to:
# - build a **run chart** of a measure in time order;
# - find its **median** and say why a run chart uses the median rather than the mean;
# - use a **baseline** median and a **goal line**;
# - **annotate** the chart with the changes you made, and split it into **parts** before and after.

# %% [markdown]
# ## 1. What a run chart is
#
# A **run chart** is a line graph of a measure in time order (days, weeks or months along the
# bottom) with the **median** drawn across as a centre line. Perla, Provost and Murray (2011) call
# it "a simple analytical tool for learning from variation": it keeps the time order that a
# before-and-after average throws away, so you can see *when* things changed and whether a change
# lasted. Any measure can go on a run chart: counts, percentages, rates, times.
#
# Run the setup cell first.

# %%
# Setup: load the tools this notebook uses.
# %config InlineBackend.figure_formats = ["png"]
import warnings

import matplotlib.pyplot as plt
import qitools as qi

plt.rcParams["figure.dpi"] = 100  # sharp enough to project and zoom
warnings.formatwarning = lambda msg, cat, *args, **kwargs: f"{cat.__name__}: {msg}\n"  # short warnings

# %% [markdown]
# ## 2. Building one
#
# Step 1: get the data in **time order**, one row per month. Step 2: compute the measure, here the
# rate per 1,000 occupied bed days.

# %%
falls = qi.datasets.load("ward_falls")
ash = falls[falls["ward"] == "Ash"].sort_values("month").copy()
ash["rate"] = 1000 * ash["falls"] / ash["occupied_bed_days"]
ash[["month", "falls", "occupied_bed_days", "rate"]].head(3).round({"rate": 1})

# %% [markdown]
# Step 3: the **median** is the middle value once the values are sorted: half the months are
# above it and half below. With 36 months it is halfway between the 18th and 19th values.

# %%
# NBVAL_CHECK_OUTPUT
print(f"median of the 36 monthly rates: {ash['rate'].median():.2f} falls per 1,000 bed days")

# %% [markdown]
# Step 4: plot it. `qi.run_chart` does steps 2 to 4 for you: give it the table, the time column
# (`x`), the count (`y`), the denominator (`n`) and `multiply=1000`. It also applies the run-chart
# rules of module 5.

# %%
rc = qi.run_chart(ash, x="month", y="falls", n="occupied_bed_days", multiply=1000)
rc.plot(figsize=(8, 3.5));

# %% [markdown]
# **Chart description:** run chart of Ash ward's monthly falls per 1,000 occupied bed days, April
# 2021 to March 2024, with the median of all 36 months (7.70) as a dashed orange line: the points lie
# between about 6 and 15 until October 2022 and between about 2.5 and 10 after it.
#
# The median matches the one we computed (`rc.summary` holds it in the column `cl`, for *centre
# line*):

# %%
# NBVAL_CHECK_OUTPUT
print(f"centre line: {rc.summary.loc[0, 'cl']:.2f}")

# %% [markdown]
# ## 3. Why the median and not the mean?
#
# The median "is not influenced by extreme values" (Perla et al., 2011), and it splits the points
# half above and half below, which is what the rules of module 5 count. Watch what one unusual
# month does. Suppose a norovirus outbreak made January 2022 a month of 40 falls:

# %%
# NBVAL_CHECK_OUTPUT
outbreak = ash["rate"].copy()
outbreak[ash["month"] == "2022-01-01"] = 1000 * 40 / 814
print(f"mean:   {ash['rate'].mean():.2f} -> {outbreak.mean():.2f}")
print(f"median: {ash['rate'].median():.2f} -> {outbreak.median():.2f}")

# %% [markdown]
# The mean jumps by more than a whole fall per 1,000 bed days; the median does not move at all.

# %% [markdown]
# ## 4. A baseline median, a goal and an annotation
#
# Ash started its falls bundle in November 2022. To judge the months after a change against the
# months before, fix (**freeze**) the median on the **baseline**, the months before the change, and
# extend it across the chart: `freeze=` names the last baseline month. The **goal line** is the aim
# of module 2 (30% fewer falls on Ash, from 11.1 to 7.8 per 1,000 occupied bed days) and is given
# with `target=`; **annotations** mark what was done and when. The data's `notes` column already
# says when the bundle started.

# %%
rc = qi.run_chart(ash, x="month", y="falls", n="occupied_bed_days", multiply=1000,
                  freeze="2022-10-01", target=7.8, notes="notes")
rc.plot(figsize=(8, 3.5), title="Ash ward: falls per 1,000 occupied bed days");

# %% [markdown]
# **Chart description:** the same run chart with the median frozen on April 2021 to October 2022
# (11.1, dashed orange: a signal), a dash-dot goal line at 7.8, a dotted vertical line where the
# baseline ends, and a note with an arrow to November 2022, "Falls bundle starts on Ash and
# Cedar". From November 2022 every point is below the median.
#
# The baseline median is 11.1. From November 2022 all 17 months are below it, and 15 of them are
# below the goal of 7.8. Module 5 shows how to decide, with rules rather than by eye, that this is a
# real change. The numbers:

# %%
# NBVAL_CHECK_OUTPUT
s = rc.summary.iloc[0]
print(f"baseline median {s['cl']:.2f}; longest run {s['longest_run']} (chance: up to {s['longest_run_max']:.0f})")
print(f"signal: {s['runs_signal']}")

# %% [markdown]
# ## 5. Parts: before and after
#
# Once a change has clearly held, give the months after it their own median: split the chart into
# **parts** with `part=` (the first month of each new part). The new median is the new normal that
# later changes will be judged against.

# %%
rc2 = qi.run_chart(ash, x="month", y="falls", n="occupied_bed_days", multiply=1000,
                   part=["2022-11-01"], target=7.8)
rc2.plot(figsize=(8, 3.5), title="Ash ward: before and after the falls bundle");

# %% [markdown]
# **Chart description:** the run chart in two parts: part 1 (April 2021 to October 2022) with its
# median at about 11.1, part 2 (from November 2022) with its median at 4.83, both solid black lines
# (no signal within either part), and the goal line at 7.8 between them. The medians of each part:

# %%
# NBVAL_CHECK_OUTPUT
print(rc2.summary[["part", "n_obs", "cl", "runs_signal"]].round(2).to_string(index=False))

# %% [markdown]
# The median fell from 11.14 to 4.83 falls per 1,000 bed days, and neither part shows a signal on
# its own: each is stable around its own level. The aim of 7.8 was met.
#
# Only split a chart when you know what changed and the data show it (a signal). Splitting
# wherever the line happens to dip makes every chart look like an improvement.

# %% [markdown]
# ## 6. Explore: what if the baseline ended here?
#
# How long should the baseline be? Move the slider to end the baseline earlier or later. Notice:
#
# - a baseline that runs on past the change (after October 2022) mixes the old and new processes,
#   and its median is pulled down;
# - a very short baseline gives a median that the next few months can easily contradict. Anhøj's
#   rules (module 5) need at least 10 useful points; qitools warns below that.
#
# (Widgets are for exploring; the cell after it prints the same results for three baselines.)

# %%
# NBVAL_IGNORE_OUTPUT
from ipywidgets import SelectionSlider, interact

months = [m.strftime("%Y-%m-%d") for m in ash["month"]]


@interact(last_baseline_month=SelectionSlider(options=months[5:], value="2022-10-01"))
def baseline_explorer(last_baseline_month):
    chart = qi.run_chart(ash, x="month", y="falls", n="occupied_bed_days", multiply=1000,
                         freeze=last_baseline_month)
    chart.plot(figsize=(8, 3.5), title=f"Baseline to {last_baseline_month}")
    plt.show()
    print(f"baseline median {chart.summary.loc[0, 'cl']:.2f}")

# %% [markdown]
# **Chart description:** the run chart of Ash ward with the median frozen at the month the slider
# names, and that median printed below it. The same three baselines, as numbers:

# %%
# NBVAL_CHECK_OUTPUT
for end in ["2022-01-01", "2022-10-01", "2023-06-01"]:
    chart = qi.run_chart(ash, x="month", y="falls", n="occupied_bed_days", multiply=1000, freeze=end)
    print(f"baseline to {end}: median {chart.summary.loc[0, 'cl']:.2f}")

# %% [markdown]
# ## Key points
#
# - A **run chart** plots a measure in time order with its **median**; it shows when things changed
#   and whether a change lasted, which a before-and-after average cannot.
# - The **median** is used because one extreme month does not move it, and because it splits the
#   points half above and half below.
# - **Freeze** the median on a baseline before the change to judge what follows; add a **goal
#   line** and **annotations** of what you changed.
# - Split into **parts** only after a signal, at a change you can name.
#
# **Discuss with your coach:** for a measure of your own, how many points do you have before your
# first change? What would you annotate on the chart?
#
# **Practise:** [exercises/04_run_charts.ipynb](../exercises/04_run_charts.ipynb) (graded, with hints).
#
# **Next:** [Module 5, Run-chart rules](05_run_chart_rules.ipynb)

# %% [markdown]
# ## Sources
#
# - Perla RJ, Provost LP, Murray SK (2011). The run chart: a simple analytical tool for learning
#   from variation in healthcare processes. *BMJ Qual Saf* 20:46–51.
# - Provost LP, Murray SK (2011). *The Health Care Data Guide.* Jossey-Bass (ch. 3, run charts;
#   baselines and annotations).
# - Anhøj J, Olesen AV (2014). Run charts revisited. *PLoS ONE* 9(11): e113825.
# - Example data: `ward_falls` (synthetic; see `datasets/README.md`).
