# Source of notebooks/13_making_data_count.ipynb: edit this file, then run `python scripts/build_notebooks.py 10`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 13: Making Data Count for boards
#
# | | |
# |---|---|
# | **Level** | 2 (practitioner) |
# | **Time** | about 25 minutes |
# | **Prerequisites** | [Module 1, Why measure?](01_why_measure.ipynb) and [Module 7, Understanding variation](07_variation_xmr.ipynb) |
# | **Measures used** | a trust board's quality and workforce indicators: A&E four-hour performance, sepsis antibiotics within 1 hour, *C. difficile* cases, falls per 1,000 bed days, staff sickness absence (example data) |
#
# **Learning objectives.** By the end of this module you will be able to:
# - read the *Making Data Count* **variation** and **assurance** icons;
# - say whether a target will be met reliably, by chance, or not at all, from where it sits
#   against the limits;
# - rewrite a **red-amber-green board report** as an SPC summary, with a sentence a board can act on.

# %% [markdown]
# ## 1. Making Data Count
#
# *Making Data Count* is NHS England's (formerly NHS Improvement's) programme for reporting with SPC
# charts instead of RAG ratings and two-point comparisons: the campaign's motto is
# "#plotthedots". It uses the XmR chart (module 7) with four rules for special causes: a point
# beyond a limit; a **run** of 7 or more points above or below the mean; a **trend** of 7 or more
# points rising or falling; and 2 of 3 points close to a limit (beyond 2σ) on one side. Each chart
# is summarised by two icons (NHS England, *Making Data Count: getting started*, 2019):
#
# | icon | meaning |
# |---|---|
# | **variation: common cause** (grey) | no special cause: the process is stable |
# | **variation: improvement** (blue; high or low) | a special cause in the good direction |
# | **variation: concern** (orange; high or low) | a special cause in the bad direction |
# | **assurance: pass** (blue) | the target is beyond the limits on the good side: it will be met consistently |
# | **assurance: fail** (orange) | the target is beyond the limits on the bad side: it will be missed consistently, until the process changes |
# | **assurance: hit or miss** (grey) | the target is between the limits: it will be met in some months and missed in others, by chance |
#
# Run the setup cell.

# %%
# Setup: load the tools this notebook uses.
# %config InlineBackend.figure_formats = ["png"]
import warnings

import matplotlib.pyplot as plt
import pandas as pd
import qitools as qi

plt.rcParams["figure.dpi"] = 80  # small pictures
warnings.formatwarning = lambda msg, cat, *args, **kwargs: f"{cat.__name__}: {msg}\n"  # short warnings

# %% [markdown]
# ## 2. The board's indicators
#
# We put five monthly indicators of one (fictional) trust into tables with the same two columns,
# `month` and `value`. The trust-wide falls rate and sickness rate add up the wards and
# directorates first (module 2: add up, then divide).

# %%
def monthly(df, value):
    """A table with the two columns every indicator uses: month and value."""
    return pd.DataFrame({"month": df["month"], "value": value}).reset_index(drop=True)


ed = qi.datasets.load("ed_four_hour")
ed = ed[(ed["trust"] == "T21") & (ed["month"] < "2024-04-01")]
weekly = qi.datasets.load("sepsis_antibiotics")
weekly["month"] = weekly["week"].dt.to_period("M").dt.to_timestamp()  # the month each week starts in
sepsis = weekly.groupby("month").sum(numeric_only=True).reset_index()
cdiff = qi.datasets.load("cdiff")
falls = qi.datasets.load("ward_falls").groupby("month").sum(numeric_only=True).reset_index()
sick = qi.datasets.load("staff_sickness").groupby("month").sum(numeric_only=True).reset_index()

# %% [markdown]
# Each indicator: its monthly values, which direction is better, and its target.

# %%
ae = monthly(ed, 100 - 100 * ed["breaches"] / ed["attendances"])
indicators = {
    "A&E within 4 hours (%)": (ae, "increase", 76),
    "Sepsis antibiotics within 1 hour (%)":
        (monthly(sepsis, 100 * sepsis["antibiotics_within_1h"] / sepsis["sepsis_patients"]), "increase", 85),
    "C. difficile cases": (monthly(cdiff, cdiff["cases"]), "decrease", 6),
    "Falls per 1,000 bed days": (monthly(falls, 1000 * falls["falls"] / falls["occupied_bed_days"]), "decrease", 6.6),
    "Sickness absence (%)": (monthly(sick, 100 * sick["fte_days_lost"] / sick["fte_days_available"]), "decrease", 4.0),
}

# %% [markdown]
# The targets: 76% for A&E (NHS England operational planning guidance, 2023/24); the team's own
# aim of 85% for sepsis (module 6); a *C. difficile* threshold of 6 cases a month (72 a year); 6.6
# falls per 1,000 bed days (the national average reported by NHS Improvement, 2017); and a local
# sickness target of 4%.

# %% [markdown]
# ## 3. The RAG report
#
# First, the report as many boards see it: the latest month against the target, and an arrow
# against the month before.

# %%
# NBVAL_CHECK_OUTPUT
rows = []
for name, (data, better, target) in indicators.items():
    latest, previous = data["value"].iloc[-1], data["value"].iloc[-2]
    met = latest >= target if better == "increase" else latest <= target
    rows.append({"indicator": name, "Mar 2024": round(latest, 1), "target": target,
                 "RAG": "GREEN" if met else "RED", "vs Feb": "up" if latest > previous else "down"})
rag = pd.DataFrame(rows)
print(rag.to_string(index=False))

# %% [markdown]
# Two reds. The board will ask for action plans on sepsis and on sickness, and congratulate the
# other three.

# %% [markdown]
# ## 4. The same indicators as SPC
#
# Now each indicator as an XmR chart with the *Making Data Count* rules (`rules="mdc"`), its better
# direction and its target. `cc.icons` holds the two icons.

# %%
# NBVAL_CHECK_OUTPUT
charts, rows = {}, []
for name, (data, better, target) in indicators.items():
    cc = qi.control_chart(data, x="month", y="value", chart="i", rules="mdc", improvement=better, target=target)
    charts[name] = cc
    icons = cc.icons.iloc[0]
    rows.append({"indicator": name, "mean": round(cc.summary["cl"].iloc[-1], 1),
                 "limits": f"{cc.summary['lcl'].iloc[-1]:.1f} to {cc.summary['ucl'].iloc[-1]:.1f}",
                 "variation": icons["variation"], "assurance": icons["assurance"]})
spc = pd.DataFrame(rows)
print(spc.to_string(index=False))

# %% [markdown]
# And the charts, small (each with its icons at the top right):

# %%
short = ["A&E 4 hours (%)", "Sepsis 1 hour (%)", "C. difficile", "Falls /1,000 bed days", "Sickness (%)"]
fig, axes = plt.subplots(3, 2, figsize=(10, 7.5))
for ax, title, cc in zip(axes.flat, short, charts.values()):
    cc.plot(ax=ax, title=title, subtitle="", label_signals=False, y_label="")
axes.flat[-1].axis("off")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 5. What the icons say
#
# - **Sepsis** is *red* on the RAG report, but its variation icon is **improvement**: the process
#   has improved a great deal (module 6). An action plan would be aimed at a success. The chart's
#   limits still mix the old and new processes; *Making Data Count* advises recalculating them after
#   a sustained change, and then the target sits inside the new limits: **hit or miss**.
# - **Sickness absence** is *red* with assurance **fail**: the target of 4% is below the lower limit,
#   so this process will miss it every month however hard people try. Only a change to the system
#   (or a realistic target) will help; the runs and trends in it are the winter peaks of module 8.
# - **A&E, C. difficile and falls** are *green* this month, but all three are **hit or miss**: they
#   will go red again by chance. Green says nothing about reliability. The trust-wide falls rate
#   also shows **no** improvement, although two wards cut their falls sharply: adding all eight wards
#   hides it (stratify, module 2).
#
# `cc.explain()` writes the reading for any indicator:

# %%
print(charts["Sickness absence (%)"].explain())

# %% [markdown]
# ### Explore: where is the target?
#
# Move the A&E target and watch the assurance icon: **pass** when the target is below the lower
# limit, **hit or miss** between the limits, **fail** above the upper limit. The cell after the
# widget prints three cases.

# %%
# NBVAL_IGNORE_OUTPUT
from ipywidgets import FloatSlider, interact

@interact(target=FloatSlider(value=76, min=65, max=95, step=1))
def target_explorer(target):
    cc = qi.control_chart(ae, x="month", y="value", chart="i", rules="mdc", improvement="increase", target=target)
    cc.plot(figsize=(8, 3.5), title=f"A&E within 4 hours, target {target:.0f}%")
    plt.show()
    print("assurance:", cc.icons["assurance"].iloc[0])

# %%
# NBVAL_CHECK_OUTPUT
for target in [70, 76, 95]:
    cc = qi.control_chart(ae, x="month", y="value", chart="i", rules="mdc", improvement="increase", target=target)
    print(f"target {target}%: assurance {cc.icons['assurance'].iloc[0]}")

# %% [markdown]
# ## 6. Rewriting the board report
#
# A report a board can act on gives, for each indicator, the chart and three short answers:
# **what is happening** (the icons, in words), **so what** (will the target be met?), and **what
# next** (who is changing what). For example:
#
# > **Sickness absence (%).** Stable at about 5.1% (limits 4.3% to 5.8%), with the usual winter
# > peak. The 4% target will not be met by the current system: every month since April 2021 has
# > been above it. *Next:* the workforce team is testing a winter wellbeing offer in estates and
# > facilities (the highest-absence directorate); results at the June meeting.
#
# > **Sepsis antibiotics within 1 hour (%).** Improved from about 56% to 88% after the screening tool
# > (February 2023) and the nurse PGD (July 2023). The 85% aim is met on average but not every
# > month. *Next:* sustain: monthly audit of grab-bag stock; no further action needed from the board.
#
# **Try it:** write the same three answers for the A&E indicator.

# %% [markdown]
# ## Key points
#
# - *Making Data Count* replaces RAG ratings with SPC: XmR charts, four rules, two icons.
# - **Variation** icon: is something special happening (improvement or concern), or only common
#   cause?
# - **Assurance** icon: the target against the limits. **Pass** and **fail** are reliable; **hit or
#   miss** means the monthly colour is chance.
# - A red month can sit on an improving process; a green one on a process that cannot reliably
#   meet its target. Report what the process does, so what, and what next.
#
# **Discuss with your coach:** take one page of your own board's quality report. Which indicators
# would be "hit or miss"? What would change in the conversation at the board?
#
# **Practise:** [exercises/13_making_data_count.ipynb](../exercises/13_making_data_count.ipynb) (graded, with hints).
#
# **Next:** [Module 14, Comparing units fairly](14_comparing_units.ipynb)

# %% [markdown]
# ## Sources
#
# - NHS England / NHS Improvement (2019). *Making Data Count: getting started* and *Making Data
#   Count: strengthening your decisions* (the rules and the icons).
# - NHS Improvement and partners (2016). *Developing People – Improving Care* (Condition 5:
#   balancing measurement for improvement and judgement).
# - NHS England. *2023/24 priorities and operational planning guidance* (76% four-hour standard).
# - NHS Improvement (2017). *The incidence and costs of inpatient falls in hospitals* (6.63 falls
#   per 1,000 occupied bed days).
# - Example data: `ed_four_hour`, `sepsis_antibiotics`, `cdiff`, `ward_falls`, `staff_sickness`
#   (synthetic; see `datasets/README.md`).
