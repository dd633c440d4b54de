# Source of notebooks/09_measurement_data.ipynb: edit this file, then run `python scripts/build_notebooks.py 09`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 9: Measurement data
#
# | | |
# |---|---|
# | **Level** | 2 (practitioner) |
# | **Time** | about 40 minutes, and about 35 minutes for the [exercise](../exercises/09_measurement_data.ipynb) |
# | **Prerequisites** | [Module 7, Understanding variation](07_variation_xmr.ipynb) (the XmR chart) and [Module 8, Choosing the chart](08_choosing_the_chart.ipynb) |
# | **Measures used** | stroke door-to-needle minutes, one row per patient (`door_to_needle`); days from request to outpatient CT scan, one row per scan (`ct_waits`) |
#
# **Learning objectives.** By the end of this module you will be able to:
# - choose between an **I chart** and **xbar and s charts** for measurements, by how many values
#   each period has and what a **subgroup** is;
# - build and read **xbar and s charts** from one row per patient;
# - explain why **very large subgroups** (hundreds of patients a month) make xbar limits too narrow,
#   and chart each period's **median** (or mean) on an **I chart** instead;
# - explain why an I chart of individual patients' skewed times misleads.

# %% [markdown]
# ## 1. One value or many per period
#
# Measurement data are times, weights, scores: numbers on a scale (module 8). How to chart them
# depends on how many values each period has (Provost & Murray, 2011, ch. 5):
#
# | what you have each period | example | chart |
# |---|---|---|
# | one value | the median wait of the week, from a report | **I** (XmR), module 7 |
# | a few values, one per patient | door-to-needle minutes of each of about 9 stroke patients a month | **xbar** (the mean) and **s** (the spread) |
# | hundreds of values | the wait of each of about 300 CT scans a month | an **I chart of the period's median** (or mean): section 4 |
#
# The patients of one period form a **subgroup**. The xbar chart's limits come from the variation
# **within** subgroups, so a subgroup should hold values made under the same conditions (the same
# month, the same pathway). That idea, *rational subgrouping*, is also why the choice changes when
# subgroups get big. Run the setup cell.

# %%
# Setup: load the tools this notebook uses.
# %config InlineBackend.figure_formats = ["png"]
import warnings

import matplotlib.pyplot as plt
import qitools as qi

plt.rcParams["figure.dpi"] = 100  # sharp enough to project and zoom
warnings.formatwarning = lambda msg, cat, *args, **kwargs: f"{cat.__name__}: {msg}\n"  # short warnings

# %% [markdown]
# ## 2. Xbar and s charts: a few measurements per period
#
# Each stroke patient given clot-busting treatment (thrombolysis) has a **door-to-needle time**, in
# minutes. With about nine patients a month, we can chart each month's **average** (the **xbar**
# chart) and the **spread** within the month (the **s** chart, of standard deviations). Give one row
# per patient; the rows with the same `x` form the month's subgroup. A new pathway started in
# October 2022, so the chart has two parts (module 11).

# %%
dtn = qi.datasets.load("door_to_needle")
xbar = qi.control_chart(dtn, x="month", y="door_to_needle_min", chart="xbar", part=["2022-10-01"])
xbar.plot(figsize=(8, 3.5), title="Door-to-needle time: monthly mean (minutes)");

# %% [markdown]
# **Chart description:** an xbar chart of the monthly mean door-to-needle time, April 2021 to
# March 2024, in two parts: a centre line of about 66 minutes until September 2022 and about 46
# from October 2022; the limits step in and out with the number of patients each month, and no
# point is beyond them.

# %%
# NBVAL_CHECK_OUTPUT
s_chart = qi.control_chart(dtn, x="month", y="door_to_needle_min", chart="s", part=["2022-10-01"])
for name, chart in [("xbar", xbar), ("s", s_chart)]:
    print(name, chart.summary[["part", "cl", "sigma_signals", "runs_signal"]].round(1).to_string(index=False), sep="\n")

# %% [markdown]
# The average fell from about 66 to 46 minutes and the spread from 26 to 19, each part stable.
# The limits step in and out because months with fewer patients have a less certain mean.

# %% [markdown]
# ## 3. Why not an I chart of each patient?
#
# Door-to-needle times are **skewed**: most are short, a few very long. An I chart of individual
# patients assumes roughly symmetrical values, so it flags the long tail as "special" when that
# tail is the usual shape of the process:

# %%
# NBVAL_CHECK_OUTPUT
first_of_new_pathway = dtn.loc[dtn["month"] >= "2022-10-01", "arrival"].iloc[0]
patients = qi.control_chart(dtn, x="arrival", y="door_to_needle_min", chart="i", part=[first_of_new_pathway])
d = patients.data
print(f"patients: {len(d)}; above the upper limit: {(d['sigma_signal'] & (d['y'] > d['ucl'])).sum()};",
      f"below the lower limit: {(d['sigma_signal'] & (d['y'] < d['lcl'])).sum()}")
print("lower limits:", patients.summary["lcl"].round(0).tolist(), "minutes")

# %% [markdown]
# Ten long waits are "signals", none short, and the lower limit of the first part is below zero
# minutes. Nothing special happened to those ten patients: they are the long tail of a skewed
# process. Averages of several patients are much closer to symmetrical, which is one reason the
# xbar chart works. (An analyst might chart the logarithm of the times instead.)

# %% [markdown]
# ## 4. When subgroups are big: CT waits
#
# A radiology department scans about **300 outpatients a month**. Each scan's wait, from request to
# scan, is one row: several measurements per period, so module 8's chooser says xbar and s. Here
# are the first 18 months, in which (we know, because the data are synthetic) nothing changed:

# %%
ct = qi.datasets.load("ct_waits")
ct_before = ct[ct["month"] < "2023-10-01"]
ct_xbar = qi.control_chart(ct_before, x="month", y="wait_days", chart="xbar")
ct_xbar.plot(figsize=(8, 3.5), title="CT waits: monthly mean (days), xbar chart");

# %% [markdown]
# **Chart description:** an xbar chart of the monthly mean CT wait, April 2022 to September 2023,
# centre line about 16.7 days with very narrow limits (about 14.8 to 18.6); the points zig-zag
# between about 13.6 and 20.5 days and seven of the eighteen are beyond the limits.

# %%
# NBVAL_CHECK_OUTPUT
s = ct_xbar.summary.iloc[0]
print(f"xbar: centre {s['cl']:.1f} days, limits {s['lcl']:.1f} to {s['ucl']:.1f}; months beyond: {s['sigma_signals']} of {s['n_obs']}")

# %% [markdown]
# Seven "special" months out of eighteen, in a process that did not change. The xbar limits are
# mean ± 3 × s ÷ √n: with n = 300 they are only about ±2 days wide, because they measure how much
# a month's mean would vary if each month were **300 patients drawn from the same process**. But
# months also differ from each other for ordinary reasons (demand, staffing, a scanner down for a
# day) that affect all of that month's patients together. That **between-month** variation is
# common-cause variation too, and the xbar limits leave it out, so they signal on ordinary months.
# The bigger the subgroups, the narrower the limits and the worse this gets (the same problem as
# over-dispersion in p charts, module 12).

# %% [markdown]
# The safer chart takes **one value per month**, here the median wait, and puts it on an **I
# chart**: its limits come from the moving ranges **between** months, so they include that
# ordinary month-to-month variation. First the monthly medians, one row per month:

# %%
monthly = ct.groupby("month", as_index=False)["wait_days"].median()
monthly.head(3)

# %% [markdown]
# Now the I chart, with its limits frozen on the same 18 months (to September 2023). From October
# 2023 routine scans moved to a new community diagnostic centre.

# %%
ct_i = qi.control_chart(monthly, x="month", y="wait_days", chart="i", freeze="2023-09-01",
                        improvement="decrease")
ct_i.plot(figsize=(8, 3.5), title="CT waits: monthly median (days), I chart",
          annotations=[{"x": "2023-10-01", "label": "community diagnostic centre"}]);

# %% [markdown]
# **Chart description:** an I chart of the monthly median CT wait, April 2022 to September 2024,
# limits frozen on the first 18 months (about 9.6 to 18.7 days around a centre line of 14.2);
# every month until September 2023 is inside the limits; from October 2023 the medians drop to
# 7 to 11 days, most of them below the lower limit and all in one long run below the centre line.

# %%
# NBVAL_CHECK_OUTPUT
s = ct_i.summary.iloc[0]
base = ct_i.data[ct_i.data["x"] < "2023-10-01"]
after = ct_i.data[ct_i.data["x"] >= "2023-10-01"]
print(f"I chart of medians: centre {s['cl']:.1f} days, limits {s['lcl']:.1f} to {s['ucl']:.1f}")
print(f"first 18 months beyond the limits: {base['sigma_signal'].sum()}; the 12 months after: {after['sigma_signal'].sum()} below")

# %% [markdown]
# On the same 18 months the I chart shows no signal, and after the change it signals clearly.
# The xbar chart had cried wolf so often that a real fall would have been hard to believe.
#
# `qi.suggest_chart` checks for this: when the period means vary much more than the spread within
# periods explains, it suggests an I chart of the medians (`agg="median"` gives the same chart
# from one row per patient):

# %%
print(qi.suggest_chart(ct, x="month", y="wait_days"))

# %% [markdown]
# ### Median or mean?
#
# Both work on an I chart. The **median** (the middle wait) is what most patients experience and is
# not pulled up by a few very long waits; the **mean** counts every day waited, which matters for
# capacity. Choose one, say which, and keep it: the limits of one do not apply to the other.

# %% [markdown]
# ## Key points
#
# - **One value per period**: an I chart. **A few per period** (one per patient): xbar and s
#   charts of the subgroups. **Hundreds per period**: an I chart of each period's median or mean.
# - Xbar limits come from the variation **within** subgroups. With big subgroups they are very
#   narrow, and ordinary **between-period** variation falls outside them: false alarms.
# - An I chart of individual skewed times flags the long tail as special; averages and medians of
#   several patients behave better.
# - A chart chooser (yours or `qi.suggest_chart`) is a start; ask how the values were grouped.
#
# **Discuss with your coach:** think of a waiting-time measure in your service. How many patients
# are behind each month's figure, and which chart would you use for it?
#
# **Practise:** [exercises/09_measurement_data.ipynb](../exercises/09_measurement_data.ipynb) (graded, with hints).
#
# **Next:** [Module 10, Rare events](10_rare_events.ipynb)

# %% [markdown]
# ## Sources
#
# - Provost LP, Murray SK (2011). *The Health Care Data Guide.* Jossey-Bass (ch. 5: the I chart,
#   xbar and s charts, rational subgrouping).
# - Montgomery DC (2013). *Introduction to Statistical Quality Control*, 7th ed. Wiley (ch. 5–6:
#   rational subgroups, xbar and s charts).
# - Mohammed MA, Worthington P, Woodall WH (2008). Plotting basic control charts: tutorial notes for
#   healthcare practitioners. *Qual Saf Health Care* 17:137–145.
# - Mohammed MA, Panesar JS, Laney DB, Wilson R (2013). Statistical process control charts for
#   attribute data involving very large sample sizes. *BMJ Qual Saf* 22:362–368 (the I chart as
#   an alternative when large subgroups make limits too narrow).
# - NHS England (2024). *Diagnostic Waiting Times and Activity* (DM01) statistics (CT waits).
# - Example data: `door_to_needle`, `ct_waits` (synthetic; see `datasets/README.md`).
