# Source of notebooks/14_comparing_units.ipynb: edit this file, then run `python scripts/build_notebooks.py 14`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 14: Comparing units fairly
#
# | | |
# |---|---|
# | **Level** | 3 (analyst) |
# | **Time** | about 35 minutes, and 30 for its exercise |
# | **Prerequisites** | [Module 1, Why measure?](01_why_measure.ipynb), [Module 8, Choosing the chart](08_choosing_the_chart.ipynb) (proportions and their limits) and [Module 12, Over-dispersion](12_overdispersion.ipynb) |
# | **Measures used** | 30-day emergency readmissions as a % of discharges, one year, 150 trusts (example data, `readmissions_by_trust`); A&E four-hour performance in one month, 30 trusts (`ed_four_hour`) |
#
# **Learning objectives.** By the end of this module you will be able to:
# - explain why **league tables** mislead, using the uncertainty of a rank;
# - build and read a **funnel plot**, and name the units that really differ;
# - read **over-dispersion** as a finding (units really differ), and say what widening the limits
#   for it assumes and can hide;
# - describe comparison as "judgement done right" (Condition 5 of *Developing People – Improving Care*).
#
# The words this module uses (funnel plot, league table, over-dispersion, ...) are explained in the
# course [glossary](glossary.ipynb).

# %% [markdown]
# ## 1. The league table
#
# Comparing units (trusts, wards, GP practices) is measurement for **judgement** (module 1). It is
# legitimate, and regulators, commissioners and the public need it, but it has to be done fairly. The
# usual way is a **league table**: sort the units and name the top and bottom ten. Its problem is
# that every unit has some chance variation, and the smaller the unit the bigger it is, so ranks
# mostly sort luck (Goldstein & Spiegelhalter, 1996; Marshall & Spiegelhalter, 1998).
#
# Run the setup cell, then load one year of readmissions for 150 trusts.

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

# %%
readmissions = qi.datasets.load("readmissions_by_trust")
readmissions.head(3)

# %% [markdown]
# `qi.league_table` ranks the trusts from the highest readmission rate (rank 1, "worst") down, and
# adds how uncertain each rank is: it re-draws the year 1,000 times from each trust's own data and
# reports the range of ranks each trust gets (`rank_lower` to `rank_upper`, a 95% interval).

# %%
# NBVAL_CHECK_OUTPUT
league = qi.league_table(readmissions, unit="trust", y="readmissions", n="discharges", multiply=100)
worst10 = league.data.head(10)
print(worst10[["rank", "unit", "n", "value", "rank_lower", "rank_upper"]].round(1).to_string(index=False))

# %% [markdown]
# The top three (T093, T017, T058) are clearly different: their ranks hardly move. The other
# seven "worst" trusts could rank anywhere from 4th to 100th or so: their place in the table is
# mostly chance. Naming and shaming them would be unfair, and next year most would be replaced by
# others (section 4 shows it).

# %% [markdown]
# ## 2. The funnel plot
#
# A **funnel plot** (Spiegelhalter, 2005) plots each unit's rate against its size (the number of
# discharges), around the overall rate, with **limits that narrow as the size grows**: a small
# trust needs a bigger difference to stand out, because chance moves small numbers more. Nothing is
# ranked. The 95% limits (about 2 standard deviations) are a "worth a look" line; the 99.8% limits
# (about 3) are the line for "very unlikely to be chance".

# %%
funnel = qi.funnel_plot(readmissions, unit="trust", y="readmissions", n="discharges", multiply=100)
fig, ax = plt.subplots(figsize=(8, 4))
funnel.plot(ax=ax, title="30-day emergency readmissions (%), 150 trusts", ylabel="readmissions (%)");

# %% [markdown]
# **Chart description:** funnel plot of 150 trusts' 30-day readmission rates (%) against their
# number of discharges (about 6,000 to 110,000), around the overall rate of 13.51%. The 95%
# (dotted) and 99.8% (solid) limits narrow from left to right. Most trusts (grey dots) lie inside.
# Five orange triangles lie beyond the 99.8% limits: T093 (a small trust, 17%), T017 and T058
# (about 15.5%) above, T140 and T121 (about 11%) below. Twelve purple triangles lie between the 95%
# and 99.8% limits.

# %%
# NBVAL_CHECK_OUTPUT
beyond = funnel.data[funnel.data["outside"].isin(["above 99.8%", "below 99.8%"])]
print(beyond[["unit", "n", "value", "outside"]].round(1).to_string(index=False))
print(f"beyond only the 95% limits: {funnel.data['outside'].isin(['above 95%', 'below 95%']).sum()} trusts")

# %% [markdown]
# Five trusts are beyond the 99.8% limits: three high (including T093, a small trust with a very high
# rate) and two low. We know how the data were made: these are exactly the five trusts whose true
# rate differs; the other 145 share one true rate of 13.5% (`datasets/README.md`).
#
# Twelve more are between the 95% and 99.8% lines. With 150 trusts, about 7 or 8 would be there by
# chance alone (5% of 150), so these are "worth a look at the data", not a verdict. `funnel.explain()`
# says all this in words:

# %%
print(funnel.explain())

# %% [markdown]
# ## 3. Over-dispersion: when units really differ
#
# Here the trusts inside the funnel differ by chance alone, so the spread matches the limits: the
# **dispersion ratio** φ (phi) is about 1. Real indicators usually vary more than chance between
# units, even after risk adjustment (case mix, coding, local services): φ well above 1, and then
# far too many units fall outside the funnel (module 12 showed the same over time). A&E four-hour
# performance in one month is like that:

# %%
# NBVAL_CHECK_OUTPUT
ed = qi.datasets.load("ed_four_hour")
ed = ed[ed["month"] == "2024-03-01"].assign(within=lambda d: d["attendances"] - d["breaches"])
chance = qi.funnel_plot(ed, unit="trust", y="within", n="attendances", multiply=100)
widened = qi.funnel_plot(ed, unit="trust", y="within", n="attendances", multiply=100, overdispersion="additive")
for name, f in [("limits for chance alone", chance), ("limits widened (additive)", widened)]:
    beyond = f.data["outside"].str.contains("99.8", na=False).sum()
    print(f"{name}: phi {f.data['phi'].iloc[0]:.0f}; beyond 99.8%: {beyond} of 30")

# %% [markdown]
# **φ ≈ 104 is the finding.** The 30 trusts differ from each other about a hundred times more than
# chance alone would make them: in March 2024, between about 64% and 84% within 4 hours. That is
# not a nuisance to be adjusted away; it says that how a trust works (its patients, its streaming,
# its beds, its data) matters a great deal. The first question is **why do trusts differ?**
#
# Spiegelhalter (2005) widens the limits for it (`overdispersion="additive"` adds a between-trust
# variance; `"multiplicative"` scales them by √φ). The funnel then asks a different question: which
# trusts differ by more than trusts **usually** differ? Here none does. Widening is a **judgement**
# that the usual spread between trusts is acceptable, for example because it reflects case mix the
# data do not measure; if part of it is unwarranted variation (in waits, in safety), wider limits
# hide it. So say "no trust differs by more than trusts usually differ", never "no trust differs".

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
chance.plot(ax=axes[0], title="Limits for chance alone", ylabel="% within 4 hours")
widened.plot(ax=axes[1], title="Limits widened for over-dispersion", ylabel="")
fig.tight_layout()
plt.show()

# %% [markdown]
# **Chart description:** two funnel plots of the same 30 trusts' % within 4 hours in March 2024,
# against attendances (about 5,000 to 15,000), around 74.4%. Left: the limits for chance alone are
# a narrow band (about 72.5% to 76.5% for the smallest trusts, closer for the largest), and 27 of
# the 30 trusts are orange triangles beyond the 99.8% limits, above and below. Right: the widened
# 99.8% limits run almost flat from about 60% to 89%, and every trust lies inside them; one (T20)
# is just below the widened 95% limit.
#
# `widened.explain()` says it in words:

# %%
print(widened.explain())

# %% [markdown]
# ## 4. Next year, same trusts
#
# What happens if we re-run the year? The next cell simulates ten more years for the same 150
# trusts, with the same true rates (the five real outliers included), and compares the two methods.
# The funnel plots for all ten years come from **one** call (`facet="year"`).

# %%
true_rate = pd.Series(0.135, index=readmissions["trust"])  # 145 trusts share one true rate
true_rate[["T017", "T058", "T093", "T121", "T140"]] = [0.158, 0.152, 0.175, 0.112, 0.118]
rng = np.random.default_rng(2024)
years = pd.concat([readmissions.assign(year=k, readmissions=rng.binomial(readmissions["discharges"], true_rate))
                   for k in range(1, 11)])
funnels = qi.funnel_plot(years, unit="trust", y="readmissions", n="discharges", multiply=100, facet="year")
years["rank"] = (years["readmissions"] / years["discharges"]).groupby(years["year"]).rank(ascending=False)

# %%
# NBVAL_CHECK_OUTPUT
real = ["T017", "T058", "T093", "T121", "T140"]
in_worst10 = years[years["rank"] <= 10]["trust"]
flagged = funnels.data[funnels.data["outside"].str.contains("99.8", na=False)]["unit"]
print(f"trusts in a 'worst ten' at least once in 10 years: {in_worst10.nunique()}")
print(f"ordinary trusts beyond the funnel's 99.8% limits: {(~flagged.isin(real)).sum()} times in 1,450 trust-years")
print(f"the five real outliers beyond the 99.8% limits: {flagged.isin(real).sum()} of 50 trust-years")

# %% [markdown]
# Dozens of ordinary trusts take a turn in the "worst ten" and then drop out. The funnel plot flags
# the five real outliers every year, and an ordinary trust almost never.

# %% [markdown]
# ### Explore: one year at a time
#
# Pick a simulated year to see its funnel and its "worst ten".

# %%
# NBVAL_IGNORE_OUTPUT
from ipywidgets import IntSlider, interact


@interact(year=IntSlider(value=1, min=1, max=10))
def year_explorer(year):
    one = years[years["year"] == year]
    fig, ax = plt.subplots(figsize=(8, 4))
    qi.funnel_plot(one, unit="trust", y="readmissions", n="discharges", multiply=100).plot(ax=ax, title=f"Year {year}")
    plt.show()
    print("worst ten:", ", ".join(one.sort_values("rank")["trust"].head(10)))

# %% [markdown]
# **Chart description:** the funnel plot of the simulated year you pick, with its "worst ten"
# trusts printed below it.

# %% [markdown]
# ## 5. Judgement done right
#
# *Developing People – Improving Care* asks regulators and oversight bodies to balance measurement
# for improvement and for judgement (Condition 5). Funnel plots are how judgement is done fairly:
# they compare each unit with what chance allows for its size, they name only the units that truly
# stand out, and they invite a question ("what is different about how T093 works, or about its
# data?") rather than a rank. A unit inside the funnel is not shown to be "fine", only not shown to
# differ; its own SPC chart over time (modules 7 and 8) says whether it is improving.

# %% [markdown]
# ## Key points
#
# - **League tables** turn chance into an order: most ranks are uncertain and change every year.
# - A **funnel plot** compares each unit with limits that depend on its size; units beyond the
#   99.8% limits very probably differ, those beyond 95% are worth a look.
# - Real indicators are often **over-dispersed** (φ well above 1). That is a finding: units really
#   differ, so ask why. Widening the limits is a judgement that the usual spread is acceptable, and
#   can hide unwarranted variation: then "no unit differs by more than units usually differ".
# - Outliers are a reason to ask questions (including about data quality), not a verdict.
#
# **Discuss with your coach:** where does your organisation appear in league tables? Find the same
# indicator as a funnel plot (or sketch one): would the story change? If the units are
# over-dispersed, which differences between them would you accept as case mix, and which not?
#
# **Practise:** [exercises/14_comparing_units.ipynb](../exercises/14_comparing_units.ipynb) (graded, with hints).
#
# **Next:** [Module 15, Targets and gaming](15_targets_and_gaming.ipynb)

# %% [markdown]
# ## Sources
#
# - Spiegelhalter DJ (2005). Funnel plots for comparing institutional performance. *Stat Med*
#   24:1185–1202.
# - Spiegelhalter DJ (2005). Handling over-dispersion of performance indicators. *Qual Saf Health
#   Care* 14:347–351.
# - Goldstein H, Spiegelhalter DJ (1996). League tables and their limitations: statistical issues in
#   comparisons of institutional performance. *J R Stat Soc A* 159:385–443.
# - Marshall EC, Spiegelhalter DJ (1998). Reliability of league tables of in vitro fertilisation
#   clinics: retrospective analysis of live birth rates. *BMJ* 316:1701–1705.
# - NHS Improvement and partners (2016). *Developing People – Improving Care* (Condition 5).
# - Example data: `readmissions_by_trust`, `ed_four_hour` (synthetic; see `datasets/README.md`).
