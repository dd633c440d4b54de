# Source of notebooks/07_variation_xmr.ipynb: edit this file, then run `python scripts/build_notebooks.py 07`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 7: Understanding variation
#
# | | |
# |---|---|
# | **Level** | 2 (practitioner) |
# | **Time** | about 40 minutes, and about 40 minutes for the [exercise](../exercises/07_variation.ipynb) |
# | **Prerequisites** | [Module 4, Run charts](04_run_charts.ipynb) and [Module 5, Run-chart rules](05_run_chart_rules.ipynb) |
# | **Measure used** | monthly A&E four-hour performance (%) of one trust, T07 (`ed_four_hour`); *C. difficile* infections per 100,000 bed days (`cdiff`) |
#
# **Learning objectives.** By the end of this module you will be able to:
# - tell **common-cause** from **special-cause** variation, and name the two mistakes of reacting to
#   the wrong one;
# - compute the centre line and limits of an **XmR chart** (individuals and moving ranges) by hand,
#   and with qitools;
# - explain why unusually large **moving ranges are screened** before the limits are set;
# - read a signal for what it is: a pattern that chance rarely produces, so a reason to look for a
#   cause, not proof of one.

# %% [markdown]
# ## 1. Two kinds of variation
#
# Every measure goes up and down. Walter Shewhart, who invented the control chart in the 1920s,
# separated two kinds of variation (Provost & Murray, 2011, ch. 4):
#
# - **common-cause variation**: the many small causes built into the system (staffing, case mix,
#   the weather). It is always there and it is predictable *within limits*. Only changing the
#   system changes it.
# - **special-cause variation**: something unusual, from outside the usual system (an outbreak, a
#   new pathway, an IT failure). It is worth finding, and learning from.
#
# There are two mistakes to avoid. **Mistake 1**: treating common-cause variation as special,
# such as asking for an explanation of every bad month. This wastes effort and, by adjusting a
# stable process, makes it worse (Deming called it *tampering*). **Mistake 2**: treating special
# causes as common, and missing a real change, good or bad. A **Shewhart chart** (a control chart)
# is built to make both mistakes rare: its limits at three standard deviations from the centre
# line (Shewhart, 1931) are wide enough that chance alone rarely crosses them, and narrow enough
# to catch real changes.

# %% [markdown]
# ## 2. The XmR chart, by hand
#
# The **XmR chart** (also called the **I chart**, for *individuals*) is the most widely used
# Shewhart chart for one value per period, and the one *Making Data Count* uses by default. Run the
# setup cell, then load trust T07's monthly four-hour performance.

# %%
# Setup: load the tools this notebook uses.
# %config InlineBackend.figure_formats = ["png"]
import warnings

import matplotlib.pyplot as plt
import qitools as qi

plt.rcParams["figure.dpi"] = 100  # sharp enough to project and zoom
warnings.formatwarning = lambda msg, cat, *args, **kwargs: f"{cat.__name__}: {msg}\n"  # short warnings

# %%
ed = qi.datasets.load("ed_four_hour")
ed["within_4h_pct"] = 100 * (ed["attendances"] - ed["breaches"]) / ed["attendances"]
t07 = ed[ed["trust"] == "T07"]
baseline = t07[t07["month"] < "2023-10-01"]  # the 30 months before a new streaming model
len(baseline)

# %% [markdown]
# The recipe (Mohammed, Worthington & Woodall, 2008; Provost & Murray, 2011):
#
# 1. the **centre line** is the mean of the values;
# 2. each **moving range** (MR) is the size of the change from one month to the next,
#    |this month − last month|; average them to get **MR̄**;
# 3. the **limits** are mean ± 2.66 × MR̄.
#
# Why 2.66? The limits sit 3 standard deviations (σ) from the mean. For values in pairs, the
# average moving range is 1.128 σ, so σ ≈ MR̄ / 1.128, and 3 σ ≈ 3 / 1.128 × MR̄ = 2.66 × MR̄.

# %%
# NBVAL_CHECK_OUTPUT
mean = baseline["within_4h_pct"].mean()
moving_ranges = baseline["within_4h_pct"].diff().abs()  # |this month - last month|
mr_bar = moving_ranges.mean()
print(f"mean {mean:.2f}, average moving range {mr_bar:.2f}")
print(f"limits {mean - 2.66 * mr_bar:.2f} to {mean + 2.66 * mr_bar:.2f}")

# %% [markdown]
# qitools gives the same centre line and (to the second decimal) the same limits. It uses the
# exact constant 3/1.12838 = 2.6587 instead of the rounded 2.66; `screen_mr=False` turns off the
# screening of section 4, to match the hand calculation.

# %%
# NBVAL_CHECK_OUTPUT
xmr = qi.control_chart(baseline, x="month", y="within_4h_pct", chart="i", screen_mr=False)
print(xmr.summary[["cl", "lcl", "ucl", "sigma_signals", "runs_signal"]].round(2).to_string(index=False))

# %% [markdown]
# No point beyond the limits and no runs signal: for 30 months T07 was a stable process running at
# about 73%, and any month between 66% and 80% was ordinary.

# %% [markdown]
# ## 3. A special cause arrives
#
# In October 2023, T07 started a new streaming and same-day emergency care model. Freeze the limits
# on the 30-month baseline (`freeze=` its last month) and let the following months be judged
# against them. `improvement="increase"` tells qitools that higher is better, so signals are
# coloured as improvement (blue) or concern (orange), as in *Making Data Count*.

# %%
cc = qi.control_chart(t07, x="month", y="within_4h_pct", chart="i", freeze="2023-09-01",
                      improvement="increase")
cc.plot(figsize=(8, 3.5), percent=True, title="T07: % within 4 hours",
        annotations=[{"x": "2023-10-01", "label": "new streaming model"}]);

# %% [markdown]
# **Chart description:** an I chart of T07's monthly % within 4 hours, April 2021 to March 2025.
# Until September 2023 the points wander between about 68% and 78% around a centre line of 73%;
# from October 2023 almost every point is above the upper limit of 80%, coloured as improvement.

# %%
# NBVAL_CHECK_OUTPUT
after = cc.data[cc.data["x"] >= "2023-10-01"]
print(f"months after the change: {len(after)}; above the baseline limit: {after['sigma_signal'].sum()}")
print(f"in the long run above the centre line: {after['long_run'].sum()}")

# %% [markdown]
# 16 of the 18 months are above the old upper limit, and all 18 are in one long run above the
# centre line: a **signal** of special-cause variation, and a welcome one. A signal is a pattern
# that chance alone rarely produces, so it is a reason to look for a cause; it does not prove
# one. Here the team knows what changed in October 2023; on another chart the cause might be a
# change in how the data were recorded, or (rarely) nothing at all: every rule fires now and then
# on a process that has not changed, a **false alarm** (module 5). The next step (module 11) is to
# give the new process its own limits.
#
# The runs are judged with the course's default rules, Anhøj's (module 5): a run on one side of
# the centre line signals when it is **longer** than round(log₂(n)) + 3 points, for n useful
# points. With 20 useful points the limit is 7, so 8 in a row signal and 7 do not; *Making Data
# Count* (module 13) uses a fixed 7 instead.
#
# The **moving-range chart** (`chart="mr"`) plots the moving ranges themselves, with an upper limit
# of 3.27 × MR̄: it shows whether the month-to-month variability is stable. Most teams look at the
# I chart only; *Making Data Count* does too.

# %% [markdown]
# ## 4. Screening the moving ranges
#
# One wild month makes **two** large moving ranges (into it and out of it). They inflate MR̄, widen
# the limits, and can hide other signals. The fix (Nelson, 1982) is to **screen** the moving
# ranges: drop those above 3.27 × MR̄ (the upper limit of the moving-range chart) once, then
# average the rest. *The Health Care Data Guide* describes this procedure (Provost & Murray, 2011,
# p. 156); Anhøj & Mohammed trace the idea to Nelson (1982). qitools screens by default, as the
# R packages qicharts2 and NHS-R *plotthedots* do; the *Making Data Count* spreadsheets do not, so
# their limits can be a little wider.
#
# In February 2023 the trust below had an outbreak of *C. difficile* on one ward. Here is the
# monthly rate per 100,000 bed days as an I chart, with and without screening:

# %%
# NBVAL_CHECK_OUTPUT
cdiff = qi.datasets.load("cdiff")
cdiff["per_100k"] = 100_000 * cdiff["cases"] / cdiff["bed_days"]
for screen in [False, True]:
    chart = qi.control_chart(cdiff, x="month", y="per_100k", chart="i", screen_mr=screen)
    s = chart.summary.iloc[0]
    print(f"screen_mr={screen!s:5}: centre {s['cl']:.1f}, upper limit {s['ucl']:.1f},",
          f"points beyond {s['sigma_signals']}")

# %% [markdown]
# Without screening, the outbreak month's two moving ranges (about 71 each, against about 10 for
# an ordinary month) push the upper limit up to 58; screened, it is 49. The lower limits are
# below zero in both cases: a rate cannot be negative, so there is no lower limit.
#
# Here the outbreak is flagged either way, but a later month of 50 per 100,000 would be a signal
# only on the screened chart. Module 8 shows a better chart for counts of infections (the c and u
# charts), and module 11 how to leave a known special cause out of the limits (`exclude=`).

# %% [markdown]
# ### Explore: how big does the outbreak have to be?
#
# Add extra cases to February 2023 (0 = the data as they are) and watch the two upper limits. (For exploring
# only: the cell above holds the real numbers.)

# %%
# NBVAL_IGNORE_OUTPUT
from ipywidgets import IntSlider, interact


@interact(extra_cases=IntSlider(value=0, min=0, max=40, step=2))
def outbreak_explorer(extra_cases):
    data = cdiff.copy()
    data.loc[data["month"] == "2023-02-01", "cases"] += extra_cases
    data["per_100k"] = 100_000 * data["cases"] / data["bed_days"]
    fig, axes = plt.subplots(1, 2, figsize=(10, 3), sharey=True)
    for ax, screen in zip(axes, [False, True]):
        chart = qi.control_chart(data, x="month", y="per_100k", chart="i", screen_mr=screen)
        chart.plot(ax=ax, title=f"screen_mr={screen}", subtitle="")
    plt.show()

# %% [markdown]
# **Chart description:** two I charts of the monthly *C. difficile* rate side by side, unscreened
# (left) and screened (right); the February 2023 outbreak is the one point far above both upper
# limits, and the screened upper limit is lower. Extra cases raise that point and, on the left
# only, the upper limit.
# %% [markdown]
# ## Key points
#
# - **Common-cause** variation is the system's own noise; **special causes** come from outside it.
#   Reacting to common causes as if they were special is **tampering** (mistake 1); ignoring a
#   special cause misses a real change (mistake 2).
# - The **XmR (I) chart**: centre line = mean; limits = mean ± 2.66 × the average moving range.
# - Limits describe what the process *does*, not what anyone wants it to do.
# - **Screen** the moving ranges so that one wild value does not widen the limits for everyone else.
# - A **signal** is a pattern chance rarely produces: look for its cause, and remember that false
#   alarms happen. Under the default (Anhøj) rules, how long a run must be depends on how many
#   points the chart has.
#
# **Discuss with your coach:** think of a time a single bad month led to an investigation or an
# action plan in your service. Was it common-cause or special-cause variation? How could you tell?
#
# **Practise:** [exercises/07_variation.ipynb](../exercises/07_variation.ipynb) (graded, with hints).
#
# **Next:** [Module 8, Choosing the chart](08_choosing_the_chart.ipynb)

# %% [markdown]
# ## Sources
#
# - Shewhart WA (1931). *Economic Control of Quality of Manufactured Product.* Van Nostrand.
# - Provost LP, Murray SK (2011). *The Health Care Data Guide.* Jossey-Bass (ch. 4–5: common and
#   special causes, the two mistakes, the I chart; p. 156: screening the moving ranges).
# - Mohammed MA, Worthington P, Woodall WH (2008). Plotting basic control charts: tutorial notes for
#   healthcare practitioners. *Qual Saf Health Care* 17:137–145.
# - Nelson LS (1982). Control charts for individual measurements. *J Qual Technol* 14(3):172–173
#   (where Anhøj & Mohammed trace the screening of moving ranges).
# - Anhøj J, Mohammed MA (2024). *Mastering Statistical Process Control Charts in Healthcare*
#   (online book; chapter on screened I charts).
# - Anhøj J, Olesen AV (2014). Run charts revisited. *PLoS ONE* 9(11):e113825 (the runs rules).
# - Deming WE (1986). *Out of the Crisis.* MIT Press (tampering).
# - NHS England / NHS Improvement (2019). *Making Data Count: getting started* (the XmR chart as
#   the default; 2.66 × MR̄).
# - Example data: `ed_four_hour`, `cdiff` (synthetic; see `datasets/README.md`).
