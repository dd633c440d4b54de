# Source of notebooks/12_overdispersion.ipynb: edit this file, then run `python scripts/build_notebooks.py 12`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 12: Over-dispersion
#
# | | |
# |---|---|
# | **Level** | 3 (analyst) |
# | **Time** | about 40 minutes, and about 35 minutes for the [exercise](../exercises/12_overdispersion.ipynb) |
# | **Prerequisites** | [Module 8, Choosing the chart](08_choosing_the_chart.ipynb) (p charts), [Module 9, Measurement data](09_measurement_data.ipynb) and [Module 11, Baselines and limits](11_baselines_and_limits.ipynb) (seasonality) |
# | **Measure used** | A&E four-hour performance: attendances and 4-hour breaches of 30 trusts, monthly, and their national total (`ed_four_hour`) |
#
# **Learning objectives.** By the end of this module you will be able to:
# - recognise **over-dispersion**: big denominators make p and u chart limits so narrow that most
#   points fall outside them;
# - look for **special causes and stratify first**, before widening any limits;
# - use the two ways of widening them, an **I chart** of the percentages and **Laney's p′ chart**,
#   and say what the widening costs: it can **hide real causes**.

# %% [markdown]
# ## 1. The problem: limits too narrow to be believed
#
# A p chart's limits shrink as n grows: p̄ ± 3√(p̄(1 − p̄)/n) (module 8). Add up the A&E attendances
# of 30 trusts and each month's n is about 270,000. Run the setup cell, then chart the national
# four-hour performance as a p chart.

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
ed["within_4h"] = ed["attendances"] - ed["breaches"]
national = ed.groupby("month", as_index=False)[["within_4h", "attendances"]].sum()
p_national = qi.control_chart(national, x="month", y="within_4h", n="attendances", chart="p", multiply=100)
p_national.plot(figsize=(8, 3.5), percent=True, title="30 trusts: % within 4 hours (p chart)", label_signals=False);

# %% [markdown]
# **Chart description:** a p chart of the national % of A&E attendances seen within 4 hours, April
# 2021 to March 2025; the limits are a thin band (about 74.4% to 74.9%) around the centre line of
# 74.7%, and the points swing between about 72% and 77%, almost all of them outside that band.

# %%
# NBVAL_CHECK_OUTPUT
s = p_national.summary.iloc[0]
print(f"p chart: centre {s['cl']:.2f}%, limits {s['lcl']:.2f}% to {s['ucl']:.2f}%; months beyond: {s['sigma_signals']} of {s['n_obs']}")

# %% [markdown]
# 46 of 48 months are "special". The binomial model behind the p chart says: if every attendance
# had the same chance of being seen in time, a month of 270,000 would vary by only about ±0.25
# points. Real months vary far more, because many things change from month to month for everyone
# at once (flu, staffing, bed occupancy, the weather). This extra variation is **over-dispersion**
# (Mohammed et al., 2013; Spiegelhalter, 2005). A chart that cries wolf 46 times out of 48 is
# useless. But **don't reach for wider limits yet**.

# %% [markdown]
# ## 2. First, look for special causes and stratify
#
# Mohammed et al. (2013) advise two steps before adjusting any limits: (1) look for **special
# causes** behind the extra variation, and (2) **stratify**: split the data by something that
# could differ (site, trust, type of department, patient group). Over-dispersion is a finding, not
# just a nuisance: it says that something besides chance moves the numbers.
#
# **When** are the national points outside? Above or below, by month of the year:

# %%
# NBVAL_CHECK_OUTPUT
d = p_national.data
above = d[d["sigma_signal"] & (d["y"] > d["ucl"])]["x"].dt.month.value_counts().sort_index()
below = d[d["sigma_signal"] & (d["y"] < d["lcl"])]["x"].dt.month.value_counts().sort_index()
print("months above the limits, by month of the year:", above.to_dict())
print("months below the limits, by month of the year:", below.to_dict())

# %% [markdown]
# Below the limits: November to March, every year. Above: April to October. Part of the
# extra variation is **winter pressure**, a real, recurring cause (module 11). Now **stratify by
# trust**: one p chart per trust (`facet="trust"`), and count the points beyond each trust's limits.

# %%
# NBVAL_CHECK_OUTPUT
by_trust = qi.control_chart(ed, x="month", y="within_4h", n="attendances", chart="p", multiply=100, facet="trust")
share = by_trust.data.groupby("facet")["sigma_signal"].mean().sort_values(ascending=False)
print(f"trust-months beyond their trust's p-chart limits: {100 * by_trust.data['sigma_signal'].mean():.0f}%")
print("most:", ", ".join(f"{t} {100 * v:.0f}%" for t, v in share.head(3).items()))

# %% [markdown]
# Stratifying shows two things. Trust T07 stands out: it has the most points outside, because
# its performance really changed (its new streaming model of October 2023, module 7), a special
# cause hidden in the national total. And every other trust is over-dispersed too, each with
# 5,000 to 15,000 attendances a month: the extra variation is not only from mixing trusts together,
# it is month-to-month variation within each trust.

# %% [markdown]
# ## 3. Then, if the extra variation is ordinary: widen the limits
#
# Once the known causes are dealt with (T07 gets its own parts; winters are compared with
# winters), the rest of the month-to-month variation may be judged ordinary, common-cause
# variation. Then the limits should include it. There are two ways (Mohammed et al., 2013):
#
# - an **I chart** of the monthly percentages (module 7): its limits come from the moving ranges
#   **between** months, so they include whatever varies from month to month;
# - **Laney's p′ chart** (`chart="pp"`): it works out each month's **z-score** against the p
#   chart, measures how much the z-scores vary from month to month (**sigma-z**, their average
#   moving range ÷ 1.128), and widens the p chart's limits by that factor (Laney, 2002). Sigma-z
#   near 1 means the p chart fits; far above 1 means over-dispersion.
#
# Here is trust T01, whose performance did not change, charted all three ways:

# %%
t01 = ed[ed["trust"] == "T01"].assign(within_4h_pct=lambda df: 100 * df["within_4h"] / df["attendances"])
fig, axes = plt.subplots(3, 1, figsize=(8, 8), sharex=True, sharey=True)
for ax, chart_type in zip(axes, ["p", "pp", "i"]):
    y, n, multiply = ("within_4h_pct", None, 1) if chart_type == "i" else ("within_4h", "attendances", 100)
    chart = qi.control_chart(t01, x="month", y=y, n=n, chart=chart_type, multiply=multiply)
    chart.plot(ax=ax, percent=True, title=f"T01, {chart_type} chart", subtitle="", label_signals=False)
    ax.set_ylabel("% within 4 hours")
plt.show()

# %% [markdown]
# **Chart description:** three charts of trust T01's monthly % within 4 hours, one above the
# other, April 2021 to March 2025: the p chart's limits are a narrow band (about 65% to 68%) with many points outside; the p′ chart and
# the I chart have almost identical, much wider limits (about 58% to 75%) with every point inside.

# %%
# NBVAL_CHECK_OUTPUT
for chart_type in ["p", "pp"]:
    chart = qi.control_chart(t01, x="month", y="within_4h", n="attendances", chart=chart_type, multiply=100)
    s = chart.summary.iloc[0]
    print(f"{chart_type:2} chart: limits {s['lcl']:.1f}% to {s['ucl']:.1f}%, months beyond {s['sigma_signals']}")
s = qi.control_chart(t01, x="month", y="within_4h_pct", chart="i").summary.iloc[0]
print(f"i  chart: limits {s['lcl']:.1f}% to {s['ucl']:.1f}%, months beyond {s['sigma_signals']}")

# %% [markdown]
# The p′ and I charts agree closely: with big, similar denominators the p′ chart is very nearly an
# I chart of the percentages (Laney's chart adjusts for months of different sizes; the I chart
# does not). `qi.suggest_chart` measures sigma-z for you and suggests `pp` when it is large:

# %%
print(qi.suggest_chart(t01, y="within_4h", n="attendances"))

# %% [markdown]
# ## 4. What widening costs
#
# The wider limits treat **all** of the month-to-month variation as ordinary, whatever its cause.
# T01 looks perfectly stable on its p′ chart. Yet its winters are consistently worse:

# %%
# NBVAL_CHECK_OUTPUT
winter = t01["month"].dt.month.isin([12, 1, 2])
print(f"T01 mean: December to February {t01.loc[winter, 'within_4h_pct'].mean():.1f}%,",
      f"other months {t01.loc[~winter, 'within_4h_pct'].mean():.1f}%")

# %% [markdown]
# About 4 points worse every winter: a real cause a team could plan for (winter staffing, more
# same-day emergency care), absorbed into the p′ chart's limits and invisible there. The same
# happens to a real shift if the limits are computed across it (T07 without its parts), and to an
# unstable process of any kind: Laney's p′ can **hide real instability** (Mohammed et al., 2013).
# Widening the limits is a **judgement** that the extra variation is acceptable, common-cause
# variation; make it only after looking for causes, and say that you made it. (Funnel plots of
# many units face the same choice, module 14.)

# %% [markdown]
# ## Key points
#
# - With big denominators (thousands a month), p and u chart limits are so narrow that most points
#   fall outside them: **over-dispersion**. It is a finding: something besides chance moves the data.
# - **First** look for special causes and **stratify** (by trust, site, season, patient group).
# - **Then**, if the remaining extra variation is judged ordinary, widen the limits with an **I
#   chart** of the percentages or **Laney's p′** (u′ for rates); sigma-z says how far.
# - Widening can **hide real causes** (a season, a shift, instability): it is a judgement, not a fix.
#
# **Discuss with your coach:** which of your organisation's charts have very large denominators?
# Are their limits believable, and if most points are outside, what might be causing it?
#
# **Practise:** [exercises/12_overdispersion.ipynb](../exercises/12_overdispersion.ipynb) (graded, with hints).
#
# **Next:** [Module 13, Making Data Count](13_making_data_count.ipynb)

# %% [markdown]
# ## Sources
#
# - Mohammed MA, Panesar JS, Laney DB, Wilson R (2013). Statistical process control charts for
#   attribute data involving very large sample sizes: a review of problems and solutions. *BMJ Qual
#   Saf* 22:362–368 (look for special causes and stratify first; the I chart and Laney's p′ as
#   alternatives; p′ can hide real instability).
# - Laney DB (2002). Improved control charts for attributes. *Quality Engineering* 14(4):531–537.
# - Spiegelhalter DJ (2005). Handling over-dispersion of performance indicators. *Qual Saf Health
#   Care* 14:347–351.
# - Provost LP, Murray SK (2011). *The Health Care Data Guide.* Jossey-Bass (p and I charts;
#   stratification).
# - Example data: `ed_four_hour` (synthetic; see `datasets/README.md`).
