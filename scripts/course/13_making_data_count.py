# Source of notebooks/13_making_data_count.ipynb: edit this file, then run `python scripts/build_notebooks.py 13`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 13: Making Data Count for boards
#
# | | |
# |---|---|
# | **Level** | 2 (practitioner) |
# | **Time** | about 35 minutes, and 30 for its exercise |
# | **Prerequisites** | [Module 1, Why measure?](01_why_measure.ipynb), [Module 5, Run-chart rules](05_run_chart_rules.ipynb) and [Module 7, Understanding variation](07_variation_xmr.ipynb) |
# | **Measures used** | a trust board's quality and workforce indicators: A&E four-hour performance, sepsis antibiotics within 1 hour, *C. difficile* cases, falls per 1,000 bed days, staff sickness absence (example data) |
#
# **Learning objectives.** By the end of this module you will be able to:
# - read the *Making Data Count* **variation** and **assurance** icons, knowing that the variation
#   icon reads only the **latest point**;
# - say whether a target will be met reliably, by chance, or not at all, from where it sits
#   against the limits;
# - compare the *Making Data Count* rules with module 5's rules, and say why a long chart gives
#   more false alarms with fixed run lengths;
# - rewrite a **red-amber-green board report** as an SPC summary, with a sentence a board can act on.
#
# The words this module uses (variation icon, assurance icon, shift, false alarm, ...) are explained in the
# course [glossary](glossary.ipynb).

# %% [markdown]
# ## 1. Making Data Count
#
# *Making Data Count* is NHS England's (formerly NHS Improvement's) programme for reporting with SPC
# charts instead of RAG ratings and two-point comparisons: its motto is "#plotthedots". It uses the
# XmR chart (module 7) with four rules for special causes: a point beyond a limit; a **shift** of 7
# or more points above or below the mean; a **trend** of 7 or more points rising or falling; and 2
# of 3 points close to a limit (beyond 2σ) on one side. Each chart is summarised by two icons (NHS
# England, *Making Data Count: getting started*, 2019; the R package NHSRplotthedots computes them
# the same way):
#
# | icon | what it says |
# |---|---|
# | **variation: common cause** (grey) | the **latest point** is not part of a special cause. Earlier points may be: read the whole chart |
# | **variation: improvement** (blue; high or low) | the latest point is part of a special cause in the good direction |
# | **variation: concern** (orange; high or low) | the latest point is part of a special cause in the bad direction |
# | **assurance: pass** (blue) | **both limits lie on the good side of the target**: it will be met almost every month |
# | **assurance: fail** (orange) | both limits lie on the bad side of the target: it will be missed almost every month, until the process changes |
# | **assurance: hit or miss** (grey) | the target lies between the limits: met in some months and missed in others, by chance |
#
# Run the setup cell.

# %%
# Setup: load the tools this notebook uses.
# %config InlineBackend.figure_formats = ["png"]
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import qitools as qi

plt.rcParams["figure.dpi"] = 100  # sharp enough to project and zoom
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
# The board meets in April 2024 and looks at the year to March 2024. Its targets:
#
# - **A&E: 76%** within 4 hours, the ambition for March 2024 in NHS England's 2023/24 planning
#   guidance. The standard depends on the year: for 2024/25 it became **78% by March 2025** (the one
#   module 1 uses for T21's four years), and the NHS Constitution's standard is 95%. Section 6 moves
#   the target to see what each would mean.
# - **Sepsis: 85%**, the team's own aim (module 6); ***C. difficile*: 6 cases a month** (72 a year);
#   **falls: 6.6 per 1,000 bed days** (the national average reported by NHS Improvement, 2017); and
#   a local **sickness absence** target of **4%**.

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
# direction and its target. `cc.icons` holds the two icons. We also count the **special-cause
# months** in the whole chart (`cc.data["special_cause"]`): the icons do not.

# %%
# NBVAL_CHECK_OUTPUT
charts, rows = {}, []
for name, (data, better, target) in indicators.items():
    cc = qi.control_chart(data, x="month", y="value", chart="i", rules="mdc", improvement=better, target=target)
    charts[name] = cc
    icons = cc.icons.iloc[0]
    rows.append({"indicator": name, "mean": round(cc.summary["cl"].iloc[-1], 1),
                 "limits": f"{cc.summary['lcl'].iloc[-1]:.1f} to {cc.summary['ucl'].iloc[-1]:.1f}",
                 "variation": icons["variation"], "assurance": icons["assurance"],
                 "special-cause months": f"{cc.data['special_cause'].sum()} of {len(cc.data)}"})
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
# **Chart description:** five small XmR charts, April 2021 to March 2024 (sepsis from April 2022).
# A&E: grey points between about 74% and 80%, the 76% target between the limits. Sepsis: orange
# points low in the first months, blue points high from the spring of 2023, the 85% target just
# below the upper limit. *C. difficile*: grey points around 6 a month, except one orange point of 23
# cases in February 2023, far above the upper limit. Falls: grey points around 6 per 1,000 bed days.
# Sickness: a wave with a peak every winter above the upper limit and a trough every summer below
# the lower limit, the 4% target below the lower limit.

# %% [markdown]
# ## 5. The variation icon reads the latest point
#
# Look at the table again. **Sickness absence** has a grey *common cause* variation icon, and yet
# 30 of its 36 months are special cause; ***C. difficile*** is grey too, with an outbreak in
# February 2023. Both are right: *Making Data Count* (and NHSRplotthedots) define the variation icon
# from the **latest point only**. In March 2024 sickness had just come down from its winter peak,
# and March had an ordinary number of *C. difficile* cases. The icon answers "is the latest month
# special?", not "has this process been stable?". Read the whole chart:

# %%
charts["Sickness absence (%)"].plot(figsize=(8, 3.5), title="Sickness absence (%), trust-wide",
                                     y_label="% of working days lost", label_signals=False);

# %% [markdown]
# **Chart description:** XmR chart of trust-wide sickness absence, April 2021 to March 2024, mean
# 5.1%, limits 4.3% and 5.8%, target 4% below the lower limit. The points rise every autumn in
# runs of 7 or more (orange), peak above the upper limit every January or February, and fall to
# below the lower limit every June or July (blue). Only a few months are grey, among them the last
# one, March 2024. Icons: common cause, fail.
#
# This is **seasonal variation**: a special cause that comes back every year (winter viruses;
# module 11 shows how to chart it). The process is *not* stable, and
# a board paper that called it "stable at about 5.1%" because the icon is grey would be wrong. The
# assurance icon is more robust: both limits lie above 4%, so the target is missed every month,
# winter or summer.

# %% [markdown]
# ## 6. What the icons say, and what the charts add
#
# - **Sepsis** is *red* on the RAG report, but its variation icon is **improvement**: the process
#   has improved a great deal (module 6). An action plan would be aimed at a success. The chart's
#   limits still mix the old and new processes; *Making Data Count* advises recalculating them after
#   a sustained change (module 11), and then the target sits inside the new limits: **hit or miss**.
# - **Sickness absence** is *red* with assurance **fail**: the 4% target lies below both limits, so
#   this process will miss it every month however hard people try. Its chart shows a winter peak
#   every year: plan for it (section 5).
# - **A&E, *C. difficile* and falls** are *green* this month, but all three are **hit or miss**:
#   they will go red again by chance. Green says nothing about reliability. *C. difficile*'s grey
#   icon hides the February 2023 outbreak, which the board should have heard about then. The
#   trust-wide falls rate shows **no** improvement, although two wards cut their falls sharply:
#   adding all eight wards hides it (stratify, module 2).
#
# `cc.explain()` writes the reading for any indicator:

# %%
print(charts["C. difficile cases"].explain())

# %% [markdown]
# ## 7. These rules and module 5's: false alarms on long charts
#
# *Making Data Count*'s shift and trend use a **fixed** run length (7 points), like the IHI rules
# of module 5; Anhøj's rules (module 5) let the longest run allowed grow with the number of points.
# What does that mean for a stable process? The next cell makes 1,000 charts of pure noise (no
# change at all) for each length, charts them all in **one** call (`facet=`), and counts the charts
# with at least one signal, with each *Making Data Count* rule and with Anhøj's runs analysis
# (longest run and crossings, module 5) on the same charts.

# %%
rng = np.random.default_rng(13)  # a fixed seed: the same "random" charts every time
lengths = [12, 24, 36, 52, 104]
noise = pd.concat([pd.DataFrame({"points": n, "chart": f"{n}-{k}", "x": np.arange(n), "y": rng.normal(50, 5, n)})
                   for n in lengths for k in range(1000)], ignore_index=True)
mdc = qi.control_chart(noise, x="x", y="y", chart="i", rules="mdc", facet="chart")
anhoej = qi.control_chart(noise, x="x", y="y", chart="i", rules="anhoej", facet="chart")

# %% [markdown]
# Now the percentage of charts that signalled, by length. Every signal here is a **false alarm**.

# %%
# NBVAL_CHECK_OUTPUT
rules = {"mdc_outside": "beyond a limit", "mdc_shift": "shift (7 on one side)",
         "mdc_trend": "trend (7 up or down)", "mdc_two_of_three": "2 of 3 near a limit"}
fired = mdc.data.groupby("facet")[list(rules)].any().rename(columns=rules)
fired["any MDC rule"] = fired.any(axis=1)
fired["Anhøj runs analysis"] = anhoej.summary.set_index("facet")["runs_signal"]
fired["points"] = fired.index.str.split("-").str[0].astype(int)
print((100 * fired.groupby("points").mean()).round(0).astype(int).to_string())

# %% [markdown]
# Read it as "% of 1,000 charts of a stable process that showed a signal somewhere":
#
# - The **shift** rule (7 on one side) almost never fires on a year of monthly points, but it fires
#   on about 1 in 6 charts of 36 points and on half of the two-year weekly charts: the longer the
#   chart, the more chances for a long run. Anhøj's longest-run limit grows with the number of
#   points, so his runs analysis stays at a few per cent at any length (module 5).
# - The *Making Data Count* **trend** needs 7 points, not 5, so it rarely fires by chance; and
#   Anhøj and Olesen (2014) found trend rules "virtually useless" for finding real drifts, which show
#   up sooner as shifts. A trend on its own is weak evidence (module 5).
# - "Beyond a limit" is a rule of both sets, and it too grows with length: each point has a small
#   chance. Altogether, about 3 in 10 stable 36-point charts show at least one *Making Data Count*
#   signal somewhere.
#
# So the two rule sets **agree on what a signal is** (a pattern chance rarely makes, a reason to
# look for a cause) and differ in how often they cry wolf. With the *Making Data Count* rules on a
# long chart, expect the odd false alarm: check that a signal lasts and has a cause before acting,
# and recalculate the limits after a real, sustained change so that each part stays short.

# %% [markdown]
# ### Explore: where is the target?
#
# Move the A&E target and watch the assurance icon: **pass** when the target is at or below the
# lower limit (both limits on the good side), **hit or miss** between the limits, **fail** above the
# upper limit. The cell after the widget prints four cases.

# %%
# NBVAL_IGNORE_OUTPUT
from ipywidgets import FloatSlider, interact

@interact(target=FloatSlider(value=76, min=65, max=95, step=1))
def target_explorer(target):
    cc = qi.control_chart(ae, x="month", y="value", chart="i", rules="mdc", improvement="increase", target=target)
    cc.plot(figsize=(8, 3.5), title=f"A&E within 4 hours, target {target:.0f}%")
    plt.show()
    print("assurance:", cc.icons["assurance"].iloc[0])

# %% [markdown]
# **Chart description:** the A&E XmR chart (T21, April 2021 to March 2024) with a target line you
# move with the slider, and its assurance icon printed below.

# %%
# NBVAL_CHECK_OUTPUT
for target in [70, 76, 78, 95]:
    cc = qi.control_chart(ae, x="month", y="value", chart="i", rules="mdc", improvement="increase", target=target)
    print(f"target {target}%: assurance {cc.icons['assurance'].iloc[0]}")

# %% [markdown]
# With limits of about 72.7% and 81.8%, 76% and 78% are both **hit or miss** for this process: the
# higher standard of 2024/25 makes red months more frequent, not the process worse. 95% is a
# **fail** every month. Only a target at or below the lower limit (70%) is a **pass**.

# %% [markdown]
# ## 8. Rewriting the board report
#
# A report a board can act on gives, for each indicator, the chart and three short answers:
# **what is happening** (the chart, read as a whole, with the icons in words), **so what** (will
# the target be met?), and **what next** (who is changing what). For example:
#
# > **Sickness absence (%).** Seasonal, not stable: it averages about 5.1% but rises every autumn to
# > a winter peak above its upper limit (6.0% in January 2023, 5.8% in February 2024) and falls to
# > about 4.2-4.4% every summer. March 2024 (5.5%) is back within the usual range, which is why the icon
# > is grey. The 4% target will not be met by the current system in any month (assurance: fail).
# > *Next:* the workforce team is testing a wellbeing and vaccination offer in estates and
# > facilities (the highest-absence directorate) from October, ahead of next winter; results at the
# > January meeting.
#
# > ***C. difficile* cases.** About 6 a month, with one outbreak on one ward in February 2023 (23
# > cases, investigated and closed). No special cause since. The threshold of 6 a month is hit or
# > miss: some months will exceed it by chance. *Next:* no action from the board; the infection
# > prevention team reports any month of 14 cases or more (above the upper limit of 13.7) straight away.
#
# **Try it:** write the same three answers for the sepsis indicator, then for A&E.

# %% [markdown]
# ## Key points
#
# - *Making Data Count* replaces RAG ratings with SPC: XmR charts, four rules, two icons.
# - The **variation** icon reads the **latest point** only: a grey icon can sit on a chart full of
#   earlier signals (an outbreak, a seasonal wave). Read the whole chart.
# - **Assurance**: **pass** when both limits lie on the good side of the target, **fail** when both
#   lie on the bad side, **hit or miss** when the target lies between them: then the monthly RAG
#   colour is chance.
# - Fixed run lengths (7 in a row) give more false alarms the longer the chart; Anhøj's rules
#   (module 5) grow with it. A signal is a reason to look for a cause, not proof.
# - A red month can sit on an improving process; a green one on a process that cannot reliably
#   meet its target. Report what the process does, so what, and what next.
#
# **Discuss with your coach:** take one page of your own board's quality report. Which indicators
# would be "hit or miss"? Which grey icons sit on charts with earlier signals, and what would
# change in the conversation at the board?
#
# **Practise:** [exercises/13_making_data_count.ipynb](../exercises/13_making_data_count.ipynb) (graded, with hints).
#
# **Next:** [Module 14, Comparing units fairly](14_comparing_units.ipynb)

# %% [markdown]
# ## Sources
#
# - NHS England / NHS Improvement (2019). *Making Data Count: getting started* and *Making Data
#   Count: strengthening your decisions* (the rules and the icons).
# - NHS-R Community (2024). *NHSRplotthedots: draw XmR charts for NHSE/I's Making Data Count
#   programme*, R package version 0.2.2 (the variation icon is the point type of the last point; the
#   assurance icon compares the target with the limits).
# - Anhøj J, Olesen AV (2014). Run charts revisited: a simulation study of run chart rules for
#   detection of non-random variation in health care processes. *PLoS ONE* 9(11): e113825.
# - NHS Improvement and partners (2016). *Developing People – Improving Care* (Condition 5:
#   balancing measurement for improvement and judgement).
# - NHS England (2023). *2023/24 priorities and operational planning guidance* (76% within 4 hours
#   by March 2024); NHS England (2024). *2024/25 priorities and operational planning guidance* (78%
#   by March 2025); *NHS Constitution for England* (95%).
# - NHS Improvement (2017). *The incidence and costs of inpatient falls in hospitals* (6.63 falls
#   per 1,000 occupied bed days).
# - Example data: `ed_four_hour`, `sepsis_antibiotics`, `cdiff`, `ward_falls`, `staff_sickness`
#   (synthetic; see `datasets/README.md`).
