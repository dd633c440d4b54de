# Source of notebooks/14_comparing_units.ipynb: edit this file, then run `python scripts/build_notebooks.py 11`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 14: Comparing units fairly
#
# | | |
# |---|---|
# | **Level** | 2 (practitioner) |
# | **Time** | about 20 minutes |
# | **Prerequisites** | [Module 1, Why measure?](01_why_measure.ipynb) and [Module 8, Choosing the chart](08_choosing_the_chart.ipynb) (proportions and their limits) |
# | **Measure used** | 30-day emergency readmissions as a % of discharges, one year, 150 trusts (example data, `readmissions_by_trust`) |
#
# **Learning objectives.** By the end of this module you will be able to:
# - explain why **league tables** mislead, using the uncertainty of a rank;
# - build and read a **funnel plot**, and name the units that really differ;
# - say what **over-dispersion** means when comparing units;
# - describe comparison as "judgement done right" (Condition 5 of *Developing People – Improving Care*).

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

plt.rcParams["figure.dpi"] = 80  # small pictures
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
# ## 3. Over-dispersion
#
# Here the trusts inside the funnel differ by chance alone, so the spread matches the limits: the
# **dispersion ratio** φ (phi) is about 1. Real indicators usually vary more than chance between
# units, even after risk adjustment (case mix, coding, local services): φ well above 1, and then
# far too many units fall outside the funnel. Spiegelhalter (2005) widens the limits for it
# (`overdispersion="multiplicative"` or `"additive"`). A&E four-hour performance in one month is like
# that: trusts really do differ.

# %%
# NBVAL_CHECK_OUTPUT
ed = qi.datasets.load("ed_four_hour")
ed = ed[ed["month"] == "2024-03-01"]
for od in [None, "additive"]:
    f = qi.funnel_plot(ed.assign(within=ed["attendances"] - ed["breaches"]), unit="trust", y="within",
                       n="attendances", multiply=100, overdispersion=od)
    beyond = f.data["outside"].str.contains("99.8", na=False).sum()
    print(f"overdispersion={od}: phi {f.data['phi'].iloc[0]:.0f}; beyond 99.8%: {beyond} of 30")

# %% [markdown]
# Without the adjustment, 27 of the 30 trusts look "special": φ is about 100, so trusts differ far
# more than chance allows. With it, the funnel asks a fairer question, "which trusts differ by more
# than trusts usually differ?", and this month none does.

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
# ## 5. Judgement done right
#
# *Developing People – Improving Care* asks regulators and oversight bodies to balance measurement
# for improvement and for judgement (Condition 5). Funnel plots are how judgement is done fairly:
# they compare each unit with what chance allows for its size, they name only the units that truly
# stand out, and they invite a question ("what is different about how T093 works, or about its
# data?") rather than a rank. A unit inside the funnel is not shown to be "fine", only not shown to
# differ; its own SPC chart over time (modules 7 to 8) says whether it is improving.

# %% [markdown]
# ## Key points
#
# - **League tables** turn chance into an order: most ranks are uncertain and change every year.
# - A **funnel plot** compares each unit with limits that depend on its size; units beyond the
#   99.8% limits very probably differ, those beyond 95% are worth a look.
# - Real indicators are often **over-dispersed**: adjust the limits, or almost everyone looks special.
# - Outliers are a reason to ask questions (including about data quality), not a verdict.
#
# **Discuss with your coach:** where does your organisation appear in league tables? Find the same
# indicator as a funnel plot (or sketch one): would the story change?
#
# **Practise:** [exercises/14_comparing_units.ipynb](../exercises/14_comparing_units.ipynb) (graded, with hints).
#
# **Next:** [Module 17, Your own data](17_your_own_data.ipynb)

# %% [markdown]
# ## Sources
#
# - Spiegelhalter DJ (2005). Funnel plots for comparing institutional performance. *Stat Med*
#   24:1185–1202.
# - Goldstein H, Spiegelhalter DJ (1996). League tables and their limitations: statistical issues in
#   comparisons of institutional performance. *J R Stat Soc A* 159:385–443.
# - Marshall EC, Spiegelhalter DJ (1998). Reliability of league tables of in vitro fertilisation
#   clinics: retrospective analysis of live birth rates. *BMJ* 316:1701–1705.
# - NHS Improvement and partners (2016). *Developing People – Improving Care* (Condition 5).
# - Example data: `readmissions_by_trust`, `ed_four_hour` (synthetic; see `datasets/README.md`).
