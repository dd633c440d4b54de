# Source of notebooks/08_choosing_the_chart.ipynb: edit this file, then run `python scripts/build_notebooks.py 08`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 8: Choosing the chart (attribute data)
#
# | | |
# |---|---|
# | **Level** | 2 (practitioner) |
# | **Time** | about 40 minutes, and about 35 minutes for the [exercise](../exercises/08_choosing_the_chart.ipynb) |
# | **Prerequisites** | [Module 7, Understanding variation](07_variation_xmr.ipynb) (the XmR chart) |
# | **Measures used** | sepsis antibiotics within 1 hour, % (`sepsis_antibiotics`); falls per 1,000 bed days (`ward_falls`); *C. difficile* cases (`cdiff`) |
#
# **Learning objectives.** By the end of this module you will be able to:
# - tell **measurement**, **classification** and **count** data apart;
# - choose between the **p, np, u and c** charts for **attribute data** (classifications and
#   counts), using the denominator (the **area of opportunity**), and know when to go to module 9
#   (measurements) or module 10 (rare events) instead;
# - explain why the limits of p and u charts move up and down with the denominator;
# - walk through a **chart chooser** and check its suggestion against your own judgement.

# %% [markdown]
# ## 1. Three kinds of data
#
# The XmR chart of module 7 works for almost anything, but when you know how the data were made,
# a chart built for that kind of data gives better limits (Provost & Murray, 2011, ch. 5;
# Mohammed, Worthington & Woodall, 2008):
#
# | kind of data | what each value is | example | chart |
# |---|---|---|---|
# | **measurement** (continuous) | a time, a weight, a score: one per period | median wait in a week | **I** (XmR): module 7 |
# | | several per period (one per patient) | door-to-needle minutes of each stroke patient | **xbar and s**, or an I chart of the period's median: module 9 |
# | **classification** (yes/no) | patients who had something, out of patients | given antibiotics within 1 hour, out of all with sepsis | **p** (varying n), **np** (same n every period) |
# | **count** | events that can happen more than once, in an **area of opportunity** (bed days, a month of a whole trust) | falls per 1,000 bed days | **u** (area varies), **c** (area about the same) |
# | rare events | *cases* between events, or *time* between events | operations between infections; days between pressure ulcers | **g** (cases), **t** (time): module 10 |
#
# The test for classification: the numerator can never be larger than the denominator, because
# each patient either has the outcome or not. A patient can fall twice, so falls are counts.
# Classifications and counts together are called **attribute data**: this module is about them.
#
# Run the setup cell.

# %%
# Setup: load the tools this notebook uses.
# %config InlineBackend.figure_formats = ["png"]
import warnings

import matplotlib.pyplot as plt
import qitools as qi

plt.rcParams["figure.dpi"] = 100  # sharp enough to project and zoom
warnings.formatwarning = lambda msg, cat, *args, **kwargs: f"{cat.__name__}: {msg}\n"  # short warnings

# %% [markdown]
# ## 2. The p chart: a proportion of patients
#
# Each week, some of the patients with sepsis were given antibiotics within an hour. The numerator
# (`y`) is patients given antibiotics, the denominator (`n`) all patients with sepsis: a p chart.
# The department made two changes (February and July 2023), so the chart has three parts (module 11).

# %%
sepsis = qi.datasets.load("sepsis_antibiotics")
p = qi.control_chart(sepsis, x="week", y="antibiotics_within_1h", n="sepsis_patients", chart="p",
                     multiply=100, part=["2023-02-06", "2023-07-03"])
p.plot(figsize=(8, 3.5), percent=True, title="Sepsis: % given antibiotics within 1 hour");

# %% [markdown]
# **Chart description:** a p chart of the weekly % of sepsis patients given antibiotics within
# an hour, April 2022 to March 2024, in three parts whose centre lines step up from about 56% to
# 74% to 88%; the limits zig-zag from week to week, and no point is beyond them.

# %%
# NBVAL_CHECK_OUTPUT
print(p.summary[["part", "n_obs", "cl", "sigma_signals", "runs_signal"]].round(1).to_string(index=False))

# %% [markdown]
# Three stable parts, centred on about 56%, 74% and 88%. Notice that the **limits step up and down
# from week to week**. For a proportion, chance variation is larger when n is small: the standard
# deviation is √(p(1 − p)/n). A week with 16 patients gets wider limits than a week with 34. (The
# upper limit stops at 100%: a proportion cannot go higher.)
#
# The **np chart** (`chart="np"`) plots the *number* of patients instead of the percentage. It is
# meant for periods that all have the same n, such as an audit of 20 sets of notes every month;
# its signals are the same as the p chart's.

# %% [markdown]
# ## 3. The u chart: events per unit of exposure
#
# Falls are counts: a patient can fall more than once, and the opportunity to fall grows with the
# number of occupied bed days. A **u chart** plots the rate per unit of exposure; its limits also
# follow n, since chance variation in a rate is √(u/n).

# %%
falls = qi.datasets.load("ward_falls")
ash = falls[falls["ward"] == "Ash"]
u = qi.control_chart(ash, x="month", y="falls", n="occupied_bed_days", chart="u", multiply=1000,
                     part=["2022-11-01"])
u.plot(figsize=(8, 3.5), title="Ash ward: falls per 1,000 occupied bed days");

# %% [markdown]
# **Chart description:** a u chart of Ash ward's monthly falls per 1,000 occupied bed days, April
# 2021 to March 2024, in two parts: a centre line of about 11 until October 2022 and about 5
# from November 2022; the limits move a little with the bed days, and no point is beyond them.

# %%
# NBVAL_CHECK_OUTPUT
print(u.summary[["part", "n_obs", "cl", "sigma_signals", "runs_signal"]].round(2).to_string(index=False))

# %% [markdown]
# ## 4. The c chart: counts with the same area of opportunity
#
# When the area of opportunity is about the same every period, you can chart the counts
# themselves: a **c chart**. This trust's *C. difficile* cases come from 27,000 to 31,000 bed
# days a month, close enough. The centre line is the mean count c̄, and the limits are
# c̄ ± 3√c̄ (a count's chance variation is about its square root).

# %%
cdiff = qi.datasets.load("cdiff")
c = qi.control_chart(cdiff, x="month", y="cases", chart="c")
c.plot(figsize=(8, 3.5), title="C. difficile cases per month");

# %% [markdown]
# **Chart description:** a c chart of monthly *C. difficile* cases, April 2021 to March 2024,
# around a centre line of about 6 with straight limits; one point, February 2023, is far above
# the upper limit.

# %% [markdown]
# Let us compare with the u chart of the same data per 100,000 bed days, which allows for the
# varying bed days:

# %%
# NBVAL_CHECK_OUTPUT
u_cdiff = qi.control_chart(cdiff, x="month", y="cases", n="bed_days", chart="u", multiply=100_000)
for name, chart in [("c chart", c), ("u chart", u_cdiff)]:
    s = chart.summary.iloc[0]
    flagged = ", ".join(chart.signals()["x"].dt.strftime("%b %Y"))
    print(f"{name}: centre {s['cl']:.2f}, upper limit {s['ucl']:.2f}, beyond the limits: {flagged}")

# %% [markdown]
# Both flag the outbreak of February 2023, and nothing else. When in doubt, the u chart is the
# safer choice: it is never wrong when the area varies, and it gives the same answer as a c chart
# when it does not.

# %% [markdown]
# ## 5. A chart chooser
#
# The questions above fit in a few lines of code. Read the function: it *is* the chart-selection
# guide.

# %%
def choose_chart(data_type, per_period="one", same_size=False):
    """The chart-selection questions (Provost & Murray 2011, ch. 5) as code."""
    if data_type == "measurement":  # modules 7 and 9
        if per_period == "one":
            return "i (XmR)"
        return "xbar and s" if per_period == "a few" else "i chart of each period's median (module 9)"
    if data_type == "classification":  # each patient has it or not: numerator <= denominator
        return "np (or p)" if same_size else "p"
    if data_type == "count":  # events that can happen more than once
        return "c (or u)" if same_size else "u"
    if data_type == "rare events":
        return "g for cases between events, t for time between events (module 10)"
    raise ValueError(f"unknown data type {data_type!r}")

# %% [markdown]
# Our four measures, answered by hand:

# %%
# NBVAL_CHECK_OUTPUT
print("sepsis, % within 1 hour:", choose_chart("classification"))
print("falls per 1,000 bed days:", choose_chart("count"))
print("C. difficile cases a month:", choose_chart("count", same_size=True))
print("stroke door-to-needle minutes, about 9 a month:", choose_chart("measurement", per_period="a few"))

# %% [markdown]
# qitools has a chart chooser too, `qi.suggest_chart`, which answers the questions from the data
# and says why. It **guesses** the kind of data from the numbers and the column names, so read its
# reasons and overrule it when you know better (it has a `kind=` option for that):

# %%
print(qi.suggest_chart(ash, x="month", y="falls", n="occupied_bed_days"))

# %%
# NBVAL_CHECK_OUTPUT
print("sepsis:", qi.suggest_chart(sepsis, x="week", y="antibiotics_within_1h", n="sepsis_patients").chart)
print("falls:", qi.suggest_chart(ash, x="month", y="falls", n="occupied_bed_days").chart)
print("C. difficile:", qi.suggest_chart(cdiff, x="month", y="cases").chart)

# %% [markdown]
# ### Explore: the chooser
#
# Answer the questions for a measure from your own service.

# %%
# NBVAL_IGNORE_OUTPUT
from ipywidgets import interact

interact(choose_chart, data_type=["measurement", "classification", "count", "rare events"],
         per_period=["one", "a few", "hundreds"], same_size=False);

# %% [markdown]
# **Try it:** which chart for (a) the number of complaints a month; (b) % of discharge letters
# sent within 24 hours; (c) the time each patient waited for a CT scan, about 300 a month?
#
# <details><summary><b>Answers</b></summary>(a) counts: a c chart if the service's size is steady,
# otherwise a u chart per 1,000 contacts; (b) classification: a p chart; (c) measurements, several
# per month, but so many (300) that xbar limits would be far too narrow and flag ordinary months:
# an I chart of the monthly median (module 9 shows why).</details>

# %% [markdown]
# ## Key points
#
# - Ask first **what each value is**: a measurement, a yes/no per patient (classification), or a
#   count of events in an area of opportunity.
# - **p** (or **np**) for proportions of patients, **u** for rates per unit of exposure, **c** when
#   the area of opportunity is steady; measurements go to modules 7 and 9, rare events to module 10.
# - p and u chart limits **follow the denominator**: wider for small periods, narrower for big ones.
# - A chart chooser guesses; you know how the data were collected.
#
# **Discuss with your coach:** choose two measures from your own service. What kind of data is
# each, and what is its denominator? Which chart would you use?
#
# **Practise:** [exercises/08_choosing_the_chart.ipynb](../exercises/08_choosing_the_chart.ipynb) (graded, with hints).
#
# **Next:** [Module 9, Measurement data](09_measurement_data.ipynb)

# %% [markdown]
# ## Sources
#
# - Provost LP, Murray SK (2011). *The Health Care Data Guide.* Jossey-Bass (ch. 5, choosing a
#   Shewhart chart; figure 5.1).
# - Mohammed MA, Worthington P, Woodall WH (2008). Plotting basic control charts: tutorial notes for
#   healthcare practitioners. *Qual Saf Health Care* 17:137–145.
# - Montgomery DC (2013). *Introduction to Statistical Quality Control*, 7th ed. Wiley (ch. 7:
#   p, np, c and u charts).
# - Example data: `sepsis_antibiotics`, `ward_falls`, `cdiff` (synthetic; see
#   `datasets/README.md`).
