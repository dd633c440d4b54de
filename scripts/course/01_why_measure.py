# Source of notebooks/01_why_measure.ipynb: edit this file, then run `python scripts/build_notebooks.py 01`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 1: Why measure?
#
# | | |
# |---|---|
# | **Level** | 1 (foundation) |
# | **Time** | about 35 minutes, and about 30 minutes for the [exercise](../exercises/01_why_measure.ipynb) |
# | **Prerequisites** | [Start here](00_start_here.ipynb) (how to run a cell) |
# | **Measure used** | A&E four-hour performance: % of attendances admitted, transferred or discharged within 4 hours (example data, `ed_four_hour`) |
#
# **Learning objectives.** By the end of this module you will be able to:
# - tell measurement for **improvement**, for **judgement** and for **research** apart;
# - explain why red-amber-green (**RAG**) ratings and **two-point comparisons** ("this month
#   against last month") mislead;
# - read the same data as a chart over time, and say what a board should ask instead.

# %% [markdown]
# ## 1. Three reasons to measure
#
# Solberg, Mosser and McDonald (1997) called them the "three faces of performance measurement".
# The same number, say A&E waits, can serve any of them, but each needs different data and
# different analysis:
#
# | | **improvement** | **judgement** (accountability) | **research** |
# |---|---|---|---|
# | question | is our change making things better? | how are we doing against a standard, or against others? | what is true in general? |
# | who uses it | the team doing the work | boards, regulators, commissioners, the public | the scientific community |
# | data | "just enough", often small samples, collected often | complete, comparable, risk-adjusted | as much as the study design needs, collected once |
# | tests | many small sequential tests; the hypothesis changes as you learn | no test: current performance is evaluated | one large test of a fixed hypothesis, blinded or controlled |
# | analysis | charts over time (run and SPC charts) | no statistical test: a risk-adjusted comparison with a standard or with peers (for example a funnel plot, module 14) | statistical tests of significance |
#
# Improvement and judgement are both needed. The trouble starts when judgement is done with crude
# tools (a red-amber-green threshold, a ranking, this month against last) that cannot tell a real
# difference from chance, when those tools are used to steer improvement, or when every chance dip
# is treated as a failure. *Developing People – Improving Care* (NHS Improvement, 2016) asks oversight bodies to
# strike this balance: its Condition 5 includes "balancing measurement for improvement and
# judgement".

# %% [markdown]
# ### Try it: which purpose?
#
# Decide, for each scenario, whether it is measurement for **improvement**, **judgement** or
# **research**. Write your answers down, then open the answers below.
#
# 1. A ward sister tallies each day whether the new safety huddle happened, to see if it is sticking.
# 2. The regulator publishes every trust's 4-hour performance against the 95% standard.
# 3. A randomised trial compares two dressings for pressure ulcers in 40 hospitals.
# 4. A sepsis team counts, each week, how many patients got antibiotics within an hour while it tests a screening tool.
# 5. A board report colours each ward's falls rate red, amber or green against last year's average.
# 6. An integrated care board ranks its GP practices on childhood vaccination uptake to decide where to send extra funding.
#
# <details><summary><b>Answers</b> (click to open)</summary>
#
# 1 improvement; 2 judgement; 3 research; 4 improvement; 5 judgement (dressed up as monitoring: a
# RAG rating judges each month against a line); 6 judgement. Scenarios 5 and 6 are the ones this
# course helps you change: modules 13 and 14 show better ways to report and compare.
# </details>

# %% [markdown]
# ## 2. A board report in red and green
#
# First the setup cell: it loads the tools (pandas for tables, numpy for numbers, matplotlib for
# pictures, qitools as `qi`) and keeps pictures small and warnings short. Run it.

# %%
# Setup: load the tools this notebook uses.
# %config InlineBackend.figure_formats = ["png"]
import warnings

import matplotlib.pyplot as plt
import numpy as np
import qitools as qi

plt.rcParams["figure.dpi"] = 100  # sharp enough to project and zoom
warnings.formatwarning = lambda msg, cat, *args, **kwargs: f"{cat.__name__}: {msg}\n"  # short warnings

# %% [markdown]
# The example data hold 48 months of A&E attendances and **breaches** (patients who waited more
# than 4 hours) for 30 made-up trusts. We work out each month's performance, the percentage seen
# within 4 hours, for all of them, and keep trust T21.

# %%
ed = qi.datasets.load("ed_four_hour")
ed["within_4h_pct"] = 100 * (ed["attendances"] - ed["breaches"]) / ed["attendances"]
t21 = ed[ed["trust"] == "T21"].copy()
len(t21)

# %% [markdown]
# The operational standard for 2024/25 was **78%** of patients within 4 hours by March 2025 (NHS
# England operational planning guidance 2024/25; the 2023/24 ambition was 76% by March 2024, and the
# NHS Constitution standard is 95%). A typical board report colours each month green if it met 78%
# and red if it did not, and adds an arrow against the month before. Here is T21's last year, as the
# board would see it:

# %%
t21["rating"] = np.where(t21["within_4h_pct"] >= 78, "GREEN", "RED")
t21["vs last month"] = np.where(t21["within_4h_pct"].diff() > 0, "up", "down")
t21[["month", "within_4h_pct", "rating", "vs last month"]].tail(12).round({"within_4h_pct": 1})

# %% [markdown]
# Read it as a board member would: a good summer, June the best month ("+5 points, well done"),
# then seven red months in a row from September, January the worst ("what went wrong? we need an
# action plan"), and a rise in March ("the plan is working").
#
# Every one of those stories is probably wrong. Count the red months and the changes of colour
# over all four years, had every month been judged against 78%:

# %%
# NBVAL_CHECK_OUTPUT
red = (t21["rating"] == "RED").sum()
changes = (t21["rating"] != t21["rating"].shift()).sum() - 1  # the first month is not a change
print(f"red months: {red} of {len(t21)}; changes of colour: {changes}")

# %% [markdown]
# ## 3. The same data as a chart over time
#
# A **statistical process control (SPC) chart** (modules 7 to 8) plots every month in order with
# a centre line (the average) and two **control limits**: the range that this process produces
# by chance alone. Points inside the limits, with no unusual patterns, are **common-cause
# variation**: the ordinary ups and downs of a stable system. The rules the NHS *Making Data
# Count* programme uses are chosen with `rules="mdc"`; `improvement="increase"` says higher is
# better, and `target=78` adds the standard.

# %%
cc = qi.control_chart(t21, x="month", y="within_4h_pct", chart="i", rules="mdc",
                      improvement="increase", target=78)
cc.plot(figsize=(8, 3.5), title="T21: % within 4 hours", subtitle="I chart, Making Data Count rules");

# %% [markdown]
# **Chart description:** I chart of T21's monthly % within 4 hours, April 2021 to March 2025. The
# 48 grey points wander between about 74% and 81% around a centre line of 77.3%, inside limits of
# about 72.7% and 81.9%; the 78% target line runs just above the centre line, between the limits.
# Icons at the top right: common-cause variation, and hit or miss.
#
# The chart has no signal: every month is inside the limits and there are no unusual runs. The
# "best month" and the "seven red months" are common-cause variation. The numbers:

# %%
# NBVAL_CHECK_OUTPUT
s = cc.summary.iloc[0]
print(f"average {s['cl']:.1f}%; limits {s['lcl']:.1f}% to {s['ucl']:.1f}%; special causes: {s['special_causes']}")
print(cc.icons[["variation", "assurance"]].to_string(index=False))

# %% [markdown]
# The two **icons** of *Making Data Count* (module 13) sum it up:
#
# - **variation: common cause**: the latest month shows no evidence of change, and reading the
#   whole chart, neither does any other month of the four years;
# - **assurance: hit or miss**: the 78% line lies *between* the limits, so this process will meet
#   the standard in some months and miss it in others, by chance alone. That is why it went red 35
#   times without anything going wrong, and green 13 times without anything going right.
#
# `cc.explain()` says the same in plain English:

# %%
print(cc.explain())

# %% [markdown]
# So the useful question for the board is not "why is this month red?" but "**our process runs at
# about 77%, give or take 5 points: what would we have to change in the system to make it
# reliably better?**" That is a question for improvement, and the answer is a tested change, not
# an action plan for one bad month. (Judging people by a line they cannot reliably reach has
# other costs too: module 15 looks at what targets do to behaviour.)

# %% [markdown]
# ## 4. Two-point comparisons
#
# "This March against last March" is another favourite. Here is every trust's change between March
# 2024 and March 2025, in percentage points. We count the trusts that "improved" or "got worse" by
# more than 2 points.

# %%
# NBVAL_CHECK_OUTPUT
wide = ed.pivot(index="trust", columns="month", values="within_4h_pct")
change = wide["2025-03-01"] - wide["2024-03-01"]
print(f"improved by more than 2 points: {(change > 2).sum()} trusts")
print(f"worse by more than 2 points: {(change < -2).sum()} trusts")
print(f"largest rise {change.max():.1f}, largest fall {change.min():.1f} points")

# %% [markdown]
# A league table of "most improved" trusts would praise six of them and question eight. Yet the
# data were made so that **no trust's process changed between those two months** (one trust, T07,
# changed in October 2023, before both; see `datasets/README.md`). Rises and falls of up to
# 8 points are chance. Two numbers cannot tell you whether a difference is a signal or noise,
# because they do not show how much the measure usually varies (Wheeler, *Understanding
# Variation*, 2000). A chart of all the months does.

# %% [markdown]
# ### Explore: another trust
#
# Pick a trust from the list to see how many red months it had and what its chart says. (Nothing
# here is saved: this is for exploring. The cells above hold the numbers.)

# %%
# NBVAL_IGNORE_OUTPUT
from ipywidgets import interact


@interact(trust=sorted(ed["trust"].unique()))
def show_trust(trust="T21"):
    one = ed[ed["trust"] == trust]
    red = (one["within_4h_pct"] < 78).sum()
    chart = qi.control_chart(one, x="month", y="within_4h_pct", chart="i", rules="mdc",
                             improvement="increase", target=78)
    chart.plot(figsize=(8, 3.5), title=f"{trust}: % within 4 hours", subtitle=f"red months: {red} of {len(one)}")
    plt.show()
    print(chart.icons[["variation", "assurance"]].to_string(index=False))

# %% [markdown]
# **Chart description:** the same I chart as above for the trust you pick, with its number of red
# months in the subtitle and its two icons printed below it.
#
# Try T07 (a real improvement in October 2023: blue points), T19 (below 78% every month: assurance
# "fail", red every month however hard people work), T23 (red in only 4 months, but the target is
# still inside its limits: hit or miss) and T26 (above 78% every month: assurance "pass"; its
# variation icon reads only the *latest* month, which is low for T26, so read the whole chart).

# %% [markdown]
# ## Key points
#
# - Measurement for **improvement** helps a team learn whether its changes work; measurement for
#   **judgement** compares against standards or other units; **research** seeks general truths.
#   Each needs its own data and analysis (Solberg et al., 1997).
# - A **RAG rating** judges each month against a line that has nothing to do with how the process
#   varies: a stable process near the line flips colour by chance (T21: red 35 times, green 13
#   times, with no evidence of change).
# - A **two-point comparison** cannot separate signal from noise: it hides how much the measure
#   usually moves.
# - A chart of the measure over time, with limits, shows what the process is doing. Ask "what
#   would change the system?", not "what went wrong this month?".
#
# **Discuss with your coach:** find a RAG-rated report from your own organisation. For one measure,
# what decisions have been made after a single red month? What would the chart have said?
#
# **Practise:** [exercises/01_why_measure.ipynb](../exercises/01_why_measure.ipynb) (graded, with hints).
#
# **Next:** [Module 2, Aims and measures](02_aims_and_measures.ipynb)

# %% [markdown]
# ## Sources
#
# - Solberg LI, Mosser G, McDonald S (1997). The three faces of performance measurement:
#   improvement, accountability, and research. *Jt Comm J Qual Improv* 23(3):135–147.
# - NHS Improvement and partners (2016). *Developing People – Improving Care* (Condition 5).
# - NHS England / NHS Improvement (2019). *Making Data Count: getting started* and *Making Data
#   Count: strengthening your decisions* (SPC instead of RAG; variation and assurance icons).
# - Wheeler DJ (2000). *Understanding Variation: the key to managing chaos*, 2nd ed. SPC Press.
# - NHS England (2023). *2023/24 priorities and operational planning guidance* (76% within 4 hours
#   by March 2024); NHS England (2024). *2024/25 priorities and operational planning guidance* (78%
#   by March 2025); *NHS Constitution for England* (95%).
# - Example data: `ed_four_hour` (synthetic; see `datasets/README.md`).
