# Source of notebooks/10_rare_events.ipynb: edit this file, then run `python scripts/build_notebooks.py 10`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 10: Rare events
#
# | | |
# |---|---|
# | **Level** | 2 (practitioner) |
# | **Time** | about 40 minutes, and about 35 minutes for the [exercise](../exercises/10_rare_events.ipynb) |
# | **Prerequisites** | [Module 8, Choosing the chart](08_choosing_the_chart.ipynb) (the c chart) |
# | **Measures used** | hospital-acquired pressure ulcers, category 2 and above, in a care of older people directorate: the date of each one (`pressure_ulcer_dates`); surgical site infections after caesarean section: every operation in order (`caesarean_ssi`) |
#
# **Learning objectives.** By the end of this module you will be able to:
# - explain why monthly counts of rare events make poor charts;
# - turn event dates into **days between events**, and a list of cases into **cases between events**;
# - choose the **t chart** for the *time* between events and the **g chart** for the number of
#   *cases* (opportunities) between them, as *The Health Care Data Guide* does;
# - read both charts, where **longer gaps mean improvement**, knowing how often a stable process
#   crosses their upper limits by chance.

# %% [markdown]
# ## 1. The trouble with counting rare events
#
# Serious harms are (thankfully) rare: a few pressure ulcers, falls with harm or never events a
# month. When the counts are small, a monthly chart has a **lower limit of zero**, so a month with
# no events cannot be a signal however good it is, and many months are zero anyway. Improvement
# shows only slowly, as a long run of low months. Charting the **time between events** instead
# makes every event a data point and lets a single long gap be a signal (Benneyan, 2001; Provost &
# Murray, 2011, ch. 7). There are two ways to measure the gap:
#
# | the gap is... | example | chart |
# |---|---|---|
# | **time** between events (days, hours) | days between pressure ulcers | **t chart** |
# | **cases** (opportunities) between events | caesarean sections between surgical site infections | **g chart** |
#
# Run the setup cell.

# %%
# Setup: load the tools this notebook uses.
# %config InlineBackend.figure_formats = ["png"]
import warnings

import matplotlib.pyplot as plt
import pandas as pd
import qitools as qi

plt.rcParams["figure.dpi"] = 100  # sharp enough to project and zoom
warnings.formatwarning = lambda msg, cat, *args, **kwargs: f"{cat.__name__}: {msg}\n"  # short warnings

# %% [markdown]
# The data are one row per pressure ulcer: its date, ward, category and site. On 1 April 2022 the
# directorate started an intervention (the SSKIN bundle, "react to red" training and tissue
# viability link nurses on every ward).

# %%
ulcers = qi.datasets.load("pressure_ulcer_dates").sort_values("date")
ulcers.head(3)

# %% [markdown]
# First, the usual monthly count (months with no ulcer must be added as zeros), as a c chart with
# its limits frozen on the year before the intervention:

# %%
months = pd.period_range("2021-04", "2024-03", freq="M")
per_month = ulcers["date"].dt.to_period("M").value_counts().reindex(months, fill_value=0)
monthly = pd.DataFrame({"month": months.to_timestamp(), "ulcers": per_month.to_numpy()})
c = qi.control_chart(monthly, x="month", y="ulcers", chart="c", freeze="2022-03-01")
c.plot(figsize=(8, 3.5), title="Pressure ulcers per month (c chart)");

# %% [markdown]
# **Chart description:** a c chart of pressure ulcers per month, April 2021 to March 2024, with a
# lower limit of 0; counts of 2 to 6 a month in the first year, then 0 to 4, almost all below the
# centre line of 4.1: no point beyond the limits, but a long run below the centre line.

# %%
# NBVAL_CHECK_OUTPUT
s = c.summary.iloc[0]
print(f"mean {s['cl']:.2f} a month; limits {s['lcl']:.2f} to {s['ucl']:.2f}")
print(f"months with no ulcers: {(monthly['ulcers'] == 0).sum()}; longest run below the mean: {s['longest_run']}")

# %% [markdown]
# The lower limit is 0 (4.08 − 3 × √4.08 is below zero), so the six months with no ulcers are not
# signals on their own. The improvement does show, but only as a long run of low months, which
# needs many months to build up.

# %% [markdown]
# ## 2. Days between events
#
# Sort the dates and subtract each from the next: that is the number of days since the previous
# ulcer. The first ulcer has no previous one, so its gap is missing; we drop it.

# %%
ulcers["days_between"] = ulcers["date"].diff().dt.days
gaps = ulcers.dropna(subset=["days_between"])
gaps[["date", "ward", "days_between"]].head(4)

# %% [markdown]
# If two events happen on the same day, the gap is 0 days, and a t chart needs gaps above zero:
# add the time of day, or count same-day events as one. There are none here.

# %% [markdown]
# ## 3. The t chart: time between events
#
# The **t chart** treats the gaps as measured *times* (they can be fractions of a day). Times
# between rare events are very skewed, so it transforms them (to the power 1/3.6, which makes them
# roughly symmetrical), computes I-chart limits, and transforms the limits back (Provost & Murray,
# 2011, ch. 7). Each point is an event, so the x axis is the date of each ulcer, and the points
# are not evenly spaced.
#
# Two settings matter. `freeze=` fixes the limits on the baseline (the last ulcer before April
# 2022). `improvement="increase"`: **up is good** here, because longer gaps mean fewer ulcers.

# %%
t = qi.control_chart(gaps, x="date", y="days_between", chart="t", freeze="2022-03-31",
                     improvement="increase")
t.plot(figsize=(8, 3.5), title="Days between pressure ulcers (t chart)",
       annotations=[{"x": "2022-04-01", "label": "SSKIN bundle"}]);

# %% [markdown]
# **Chart description:** a t chart of the days between pressure ulcers, April 2021 to March 2024,
# limits frozen on the first year: gaps of 1 to about 25 days before April 2022, then longer gaps,
# three of them (104, 70 and 67 days) above the upper limit of 59 days, and a long run above the
# centre line at the end; short gaps still occur after the bundle.

# %%
# NBVAL_CHECK_OUTPUT
s = t.summary.iloc[0]
print(f"baseline: centre {s['cl']:.1f} days; upper limit {s['ucl']:.1f} days")
above = t.data[t.data["sigma_signal"]]
print("gaps above the upper limit:", ", ".join(f"{d:%d %b %Y} ({y:.0f} days)" for d, y in zip(above["x"], above["y"])))
print(f"longest run {s['longest_run']} (a signal above {s['longest_run_max']:.0f})")

# %% [markdown]
# Before April 2022 ulcers came about every week. After the bundle the gaps lengthen: three are
# longer than the upper limit, and the runs analysis signals too. A gap above the upper limit is
# one that the baseline process would rarely produce: a reason to look for a cause, and here the
# cause is known. Notice also the short gaps after April 2022 (1, 2, 3 days): waits between rare
# events are very skewed, so even when the average gap has tripled some ulcers still come close
# together. Do not react to a single short gap.

# %% [markdown]
# ## 4. The g chart: cases between events
#
# When you know every **opportunity** for the event (each operation, each admission, each
# delivery), count the **cases between** events instead of days. A maternity unit records every
# caesarean section in order, and whether a surgical site infection followed. The number of
# sections between two infections is the difference of their section numbers, minus 1:

# %%
sections = qi.datasets.load("caesarean_ssi")
infected = sections[sections["infection"] == 1].copy()
infected["sections_between"] = infected["section"].diff() - 1
infected = infected.dropna(subset=["sections_between"])
infected.head(3)

# %% [markdown]
# The **g chart** plots these counts. Its limits come from the **geometric distribution**, the
# distribution of the number of cases before an event that has the same small chance in every case
# (Benneyan, 2001); its centre line is the median, because the counts are skewed. The x axis is the
# section number of each infection (several operations can share a date). A wound-care bundle
# started on 1 April 2022: freeze the limits on the last infection before it.

# %%
last_before = infected.loc[infected["date"] < "2022-04-01", "section"].max()
g = qi.control_chart(infected, x="section", y="sections_between", chart="g", freeze=last_before,
                     improvement="increase")
g.plot(figsize=(8, 3.5), title="Caesarean sections between infections (g chart)");

# %% [markdown]
# **Chart description:** a g chart of the number of caesarean sections between surgical site
# infections, against the section number (2,580 sections in three years), limits frozen on
# the first year: before the bundle every gap is below the upper limit; afterwards ten gaps are
# above it, and there is a long run above the centre line.

# %%
# NBVAL_CHECK_OUTPUT
s = g.summary.iloc[0]
print(f"baseline: median {s['cl']:.0f} sections between infections (mean {s['mean']:.1f}); upper limit {s['ucl']:.1f}")
after = g.data[g.data["x"] > last_before]
print(f"infections since the bundle: {len(after)}; gaps above the upper limit: {after['sigma_signal'].sum()}")

# %% [markdown]
# How unusual is a gap above the g chart's upper limit? Less unusual than a point above an I
# chart's upper limit. Because the counts
# are so skewed, even an unchanged process puts **about 2 in 100 gaps** above the upper limit by
# chance, not 1 or 2 in 1,000 as on a chart of symmetrical data: among the 60 baseline gaps, about
# one would be expected above it. So one long gap is a reason to look, and several, as here, are stronger
# evidence that the infection risk has really fallen.
#
# (The grey icon and "Common cause variation" in the chart's heading describe only the **latest**
# point, a short gap, as *Making Data Count* defines them: read the whole chart, not the icon.)
#
# Why not a t chart of the days between infections? The number of sections varies from week to
# week, so days mix "fewer infections" with "fewer operations". When you can count the
# opportunities, the g chart is the fairer measure.

# %% [markdown]
# ## 5. The gap that is still open
#
# The last ulcer in the data was on 21 March 2024. If none has happened since, the current gap is
# still growing. On 31 March 2024 it is 10 days; if it passes the t chart's upper limit of 59 days
# before the next ulcer, that is already a signal: you do not have to wait for the next event.
# Many teams show "days since the last pressure ulcer" (or "operations since the last infection")
# on the ward for this reason.

# %%
# NBVAL_CHECK_OUTPUT
open_gap = (pd.Timestamp("2024-03-31") - ulcers["date"].max()).days
print(f"days since the last ulcer on 31 March 2024: {open_gap}")
print(f"caesarean sections since the last infection: {sections['section'].max() - infected['section'].max()}")

# %% [markdown]
# ## Key points
#
# - Monthly counts of rare events have many zeros and a lower limit of 0: improvement shows late,
#   and only as a run.
# - Chart the gaps between events: each event becomes a point, and one long gap can signal.
# - **t chart** for the **time** between events (days); **g chart** for the number of **cases**
#   (opportunities: operations, admissions) between events. **Longer gaps are better**: set
#   `improvement="increase"`.
# - About 2 in 100 gaps of an unchanged process lie above a g chart's upper limit, so read one long
#   gap as a reason to look, not as proof.
# - Short gaps still happen after a real improvement; the current open gap counts too.
#
# **Discuss with your coach:** which harms in your service are rare enough that a monthly count is
# mostly zeros? How would "days between" change the conversation at your safety huddle?
#
# **Practise:** [exercises/10_rare_events.ipynb](../exercises/10_rare_events.ipynb) (graded, with hints).
#
# **Next:** [Module 11, Baselines and limits](11_baselines_and_limits.ipynb)

# %% [markdown]
# ## Sources
#
# - Benneyan JC (2001). Number-between g-type statistical quality control charts for monitoring
#   adverse events. *Health Care Manag Sci* 4:305–318.
# - Provost LP, Murray SK (2011). *The Health Care Data Guide.* Jossey-Bass (ch. 7, charts for rare
#   events: the g chart for opportunities between events, the t chart for time between events).
# - NHS Improvement (2018). *Pressure ulcers: revised definition and measurement* (category 2 and
#   above, hospital-acquired).
# - Wloch C et al. (2012). Risk factors for surgical site infection following caesarean section in
#   England. *BJOG* 119:1324–1333 (infection rates after caesarean section).
# - Example data: `pressure_ulcer_dates`, `caesarean_ssi` (synthetic; see `datasets/README.md`).
