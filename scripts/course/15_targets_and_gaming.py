# Source of notebooks/15_targets_and_gaming.ipynb: edit this file, then run `python scripts/build_notebooks.py 15`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 15: Targets and gaming
#
# | | |
# |---|---|
# | **Level** | 2 (practitioner) |
# | **Time** | about 40 minutes, and 30 for its exercise |
# | **Prerequisites** | [Module 1, Why measure?](01_why_measure.ipynb), [Module 2, Aims and measures](02_aims_and_measures.ipynb) (balancing measures), [Module 8, Choosing the chart](08_choosing_the_chart.ipynb) (p charts) and [Module 13, Making Data Count](13_making_data_count.ipynb) |
# | **Measures used** | A&E time in department for an audit sample of 300 attendances a month at one trust, before and after a four-hour performance regime (example data, `ed_time_in_department`); deaths by age band in two hospitals (invented numbers) |
#
# **Learning objectives.** By the end of this module you will be able to:
# - state **Goodhart's law** and **Campbell's law**, and give an example of each from the NHS;
# - recognise **gaming** in data: a spike of patients leaving just inside a target time, while the
#   typical wait does not change ("hitting the target and missing the point");
# - choose **balancing measures** that would show the harm a target can push elsewhere;
# - explain how **fear and blame** breed gaming, and what leaders can do instead (Berwick 2013);
# - compare units fairly with **risk adjustment** (observed / expected), and say how it protects
#   against unfair blame.
#
# The words this module uses (Goodhart's law, gaming, balancing measure, risk adjustment, ...) are explained in the
# course [glossary](glossary.ipynb).

# %% [markdown]
# ## 1. When a measure becomes a target
#
# Module 1 set out three reasons to measure: improvement, judgement and research. This module is
# about what happens to a measure when it is used to **judge** people, with rewards and penalties
# attached. Two laws, from economics and social science, say the same thing:
#
# - **Goodhart's law**: "when a measure becomes a target, it ceases to be a good measure" (the
#   anthropologist Marilyn Strathern's 1997 wording of the economist Charles Goodhart's 1975 point).
# - **Campbell's law**: "the more any quantitative social indicator is used for social
#   decision-making, the more subject it will be to corruption pressures and the more apt it will
#   be to distort and corrupt the social processes it is intended to monitor" (Campbell 1979).
#
# **Gaming** is changing what is recorded, or when, or who is counted, to meet a target without
# improving what the target stands for. Bevan and Hood (2006) studied the English NHS's "targets
# and terror" regime of the early 2000s. Performance against the targets improved, and some of it
# was real; but they also found ambulance calls reclassified so that response times looked faster,
# patients held in ambulances outside A&E until the department could meet its four-hour clock, and
# operations booked to meet waiting-time targets ahead of more urgent patients. They called it
# **"hitting the target and missing the point"**.

# %% [markdown]
# ## 2. The data
#
# A trust's emergency department audits a random sample of **300 attendances a month**, from April
# 2022 to March 2024 (module 2: sampling). For each patient: the **minutes** from arrival to leaving
# the department (the four-hour clock), whether they were **admitted** or **discharged**, and two
# things found later: whether a discharged patient came back within 7 days (**re-attended**), and
# whether an admitted patient went home within 24 hours (**short stay**). In **April 2023** the board
# started a four-hour performance regime: daily breach reports, a breach coordinator, and the
# four-hour figure in every manager's objectives. The data are synthetic (`datasets/README.md` says
# exactly what was planted). Run the setup cell, then load them.

# %%
# Setup: load the tools this notebook uses.
# %config InlineBackend.figure_formats = ["png"]
import warnings

import matplotlib.pyplot as plt
import pandas as pd
import qitools as qi

plt.rcParams["figure.dpi"] = 100  # sharp enough to project and zoom
warnings.formatwarning = lambda msg, cat, *args, **kwargs: f"{cat.__name__}: {msg}\n"  # short warnings

# %%
ed = qi.datasets.load("ed_time_in_department")
ed["within_4h"] = ed["minutes"] < 240  # True for a patient who left within 4 hours
ed["patients"] = 1  # each row is one patient: the p charts add these up as their denominator
ed["period"] = ed["month"].map(lambda m: "after" if m >= pd.Timestamp("2023-04-01") else "before")
ed.head()

# %% [markdown]
# ## 3. The target is hit
#
# The board's measure: the proportion of patients who leave within 4 hours, each month. A p chart
# (module 8) with a new part from April 2023:

# %%
regime = ["2023-04-01"]
four_hours = qi.control_chart(ed, x="month", y="within_4h", n="patients", chart="p", multiply=100,
                              part=regime, improvement="increase")
four_hours.plot(figsize=(8, 3.5), title="Patients leaving A&E within 4 hours (%)", y_label="% of patients");

# %% [markdown]
# **Chart description:** p chart of the monthly % of sampled patients leaving within 4 hours,
# April 2022 to March 2024, in two parts. Before April 2023 the points lie between about 67% and
# 75% around a centre line of 70.2%; from April 2023 between about 81% and 86% around 82.9%, every
# one above the old upper limit. Each part is inside its own limits (grey points: no signal within
# a part).
#
# qitools warned that each month had several rows (one per patient) and added them up: that is
# what we want here, so the next cell switches that warning off for this notebook.

# %%
# NBVAL_CHECK_OUTPUT
warnings.simplefilter("ignore", qi.DataChangedWarning)  # yes: add up each month's patients
print(four_hours.summary[["part", "n_obs", "cl", "lcl", "ucl", "sigma_signals", "runs_signal"]].round(1).to_string(index=False))

# %% [markdown]
# Thirteen percentage points up, in one month, and stable since: a board would celebrate. Has the
# department got quicker?

# %% [markdown]
# ## 4. Look at the whole distribution
#
# A threshold turns a continuous measure (minutes) into a yes/no. So look at the minutes
# themselves: a histogram of the time in the department, in 15-minute bands, before and after the
# regime.

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), sharey=True)
for ax, (period, group) in zip(axes, ed.groupby("period", sort=False)):
    ax.hist(group["minutes"], bins=range(0, 600, 15), color="#7a7a7a")
    ax.axvline(240, color="#9c27b0", linestyle="--", label="4 hours")
    ax.set(title=f"{period} the regime ({len(group):,} patients)", xlabel="minutes in the department")
axes[0].set_ylabel("patients")
axes[0].legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# **Chart description:** two histograms of minutes in the department, 0 to 600 in 15-minute bands,
# with a dashed line at 240 minutes, 3,600 patients each. Before the regime: a right-skewed hump
# peaking at about 250 patients a band around 2 hours, falling smoothly through 4 hours (about 160
# just before 240 minutes, 120 just after) into a long tail. After: the same hump up to 3 h 45 m,
# then a spike of about 580 patients in the band just before 240 minutes, and only about 35 in the
# band just after; the tail beyond 5 hours looks as before.
#
# The numbers behind the spike, and the typical wait:

# %%
# NBVAL_CHECK_OUTPUT
bands = {"3 h 30 m to 3 h 44 m": (210, 224), "3 h 45 m to 3 h 59 m": (225, 239), "4 h 00 m to 4 h 14 m": (240, 254)}
shares = pd.DataFrame({name: ed["minutes"].between(lo, hi).groupby(ed["period"]).mean() * 100
                       for name, (lo, hi) in bands.items()}).T.round(1)
print("% of patients leaving in each band:")
print(shares[["before", "after"]].to_string())
print("median minutes:", ed.groupby("period")["minutes"].median().to_dict())
print("90th percentile minutes:", ed.groupby("period")["minutes"].quantile(0.9).to_dict())

# %% [markdown]
# Before the regime, about 4% of patients left in the 15 minutes before the clock reached 4 hours,
# and a little fewer in the 15 minutes after: a smooth curve. After it, 16% leave in the last 15
# minutes, and almost nobody in the first 15 minutes after 4 hours. Yet the **median** wait is the
# same (about 2 h 56 m), and so is the 90th percentile (over 6 hours): the department is no quicker
# for the typical patient or for the long waits. Patients who would have left at 4 h 30 m are now
# moved at 3 h 58 m. Locker and Mason (2005) found exactly this spike in English emergency
# departments soon after the four-hour target started, and Mason et al. (2012) asked whether
# England was "hitting the target but missing the point".
#
# The share leaving in the last 15 minutes can itself be charted, as a **gaming indicator**:

# %%
ed["last_15_minutes"] = ed["minutes"].between(225, 239)
spike = qi.control_chart(ed, x="month", y="last_15_minutes", n="patients", chart="p", multiply=100, part=regime)
spike.plot(figsize=(8, 3), title="Leaving in the 15 minutes before 4 hours (%)", y_label="% of patients");

# %% [markdown]
# **Chart description:** p chart of the monthly % of patients leaving between 3 h 45 m and 3 h 59 m,
# in two parts. Before April 2023 the points lie around a centre line of about 4%; from April 2023
# around 16%, four times higher. Each part is stable inside its own limits.

# %% [markdown]
# ## 5. Balancing measures: where did the pressure go?
#
# A **balancing measure** (module 2) watches for harm a change, or a target, may push elsewhere.
# It has to look where the pressure goes: here, at the patients moved out just before the clock.
# Two candidates:
#
# - **re-attendances within 7 days** of discharged patients: sent home before their assessment
#   was finished, some come back;
# - **short-stay admissions**: admitted patients who go home within 24 hours, a sign that some
#   were admitted to stop the clock, not because they needed a bed.

# %%
discharged = ed[ed["disposition"] == "discharged"]
admitted = ed[ed["disposition"] == "admitted"]
reattend = qi.control_chart(discharged, x="month", y="reattended_7d", n="patients", chart="p",
                            multiply=100, part=regime, improvement="decrease")
short_stay = qi.control_chart(admitted, x="month", y="short_stay", n="patients", chart="p",
                              multiply=100, part=regime, improvement="decrease")
fig, axes = plt.subplots(1, 2, figsize=(10, 3.5))
reattend.plot(ax=axes[0], title="Re-attended in 7 days", subtitle="", y_label="% of discharged patients")
short_stay.plot(ax=axes[1], title="Home within 24 hours", subtitle="", y_label="% of admitted patients")
fig.tight_layout()
plt.show()

# %% [markdown]
# **Chart description:** two p charts in two parts, April 2022 to March 2024. Left: re-attendances
# within 7 days, centre line 6.7% of discharged patients before April 2023 and 9.8% after (limits
# about 1.5% to 12% before, 4% to 16% after). Right: short-stay admissions, centre line 18.2% of
# admitted patients before and 30.6% after. Both step up at the start of the regime and stay up;
# each part is stable inside its own limits.

# %%
# NBVAL_CHECK_OUTPUT
for name, cc in [("re-attended within 7 days", reattend), ("home within 24 hours", short_stay)]:
    before, after = cc.summary["cl"].round(1)
    print(f"{name}: {before}% before, {after}% after")

# %% [markdown]
# Both balancing measures got worse exactly when the four-hour figure got better. The target was
# hit; the patients paid: more came back, more were admitted for a day. A board that looked only at
# the four-hour chart would never have known. That is why a measure used as a target always needs
# **balancing measures chosen for the pressure it creates**, and a look at the whole distribution.

# %% [markdown]
# ### Explore: month by month
#
# Pick a month to see its histogram. The spike appears in April 2023 and stays.

# %%
# NBVAL_IGNORE_OUTPUT
from ipywidgets import SelectionSlider, interact

months = [m.strftime("%b %Y") for m in sorted(ed["month"].unique())]


@interact(month=SelectionSlider(options=months, value="Apr 2023"))
def month_explorer(month):
    one = ed[ed["month"].dt.strftime("%b %Y") == month]
    fig, ax = plt.subplots(figsize=(8, 3))
    ax.hist(one["minutes"], bins=range(0, 600, 15), color="#7a7a7a")
    ax.axvline(240, color="#9c27b0", linestyle="--")
    ax.set(title=f"{month}: minutes in the department (300 patients)", xlabel="minutes", ylabel="patients")
    plt.show()

# %% [markdown]
# **Chart description:** the histogram of minutes in the department for the month you pick, with a
# dashed line at 4 hours.

# %% [markdown]
# ## 6. Why people game, and what leaders can do
#
# The staff who moved those patients were not villains. They were asked to hit a number, and their
# managers were judged on it. Campbell's law predicts what follows: when a number decides people's
# fate, the work bends to the number. Fear makes it worse: where missing a target brings blame,
# people hide problems and game measures instead of improving.
#
# After the Mid Staffordshire inquiry, Don Berwick's national advisory group (*A promise to learn –
# a commitment to act*, 2013) told the NHS to **abandon blame as a tool** and trust the goodwill of
# staff; to **use quantitative targets with caution**, since they should never displace the goal of
# better care; and that **fear is toxic to both safety and improvement**. In practice:
#
# - measure for **improvement** as well as judgement: a team that charts its own process to learn
#   (module 1) has no reason to game it;
# - report a **family of measures** (module 2), with balancing measures chosen for where the target
#   will push, and look at **distributions** (median, 90th percentile, 12-hour waits), not only the
#   share under a threshold;
# - audit the **definitions** (when does the clock start and stop?) and watch for spikes at the
#   threshold;
# - when gaming is found, ask **what in the system made it sensible**, and change that, rather than
#   blaming the people.

# %% [markdown]
# ## 7. Risk adjustment: comparing fairly
#
# Judging units by raw numbers invites another kind of gaming (turning away sicker patients) and
# unfair blame. Two hospitals' deaths after emergency admission, by age band (invented numbers):

# %%
# NBVAL_CHECK_OUTPUT
deaths = pd.DataFrame({
    "hospital": ["A", "A", "A", "B", "B", "B"],
    "age": ["under 65", "65 to 79", "80 and over"] * 2,
    "patients": [400, 600, 1000, 1200, 600, 200],
    "deaths": [4, 30, 110, 14, 33, 25],
})
crude = deaths.groupby("hospital")[["deaths", "patients"]].sum()
print((100 * crude["deaths"] / crude["patients"]).round(1).rename("crude death rate (%)").to_string())

# %% [markdown]
# A's crude death rate is twice B's. But half of A's patients are 80 or over, and only a tenth of
# B's. **Risk adjustment** compares each hospital with what would be **expected for its own
# patients**: here, the national death rate of each age band (1% under 65, 5% at 65 to 79, 12% at 80
# and over) times the hospital's patients in that band. The ratio **observed / expected** is 1 when
# a hospital has the deaths expected for its case mix (the Summary Hospital-level Mortality
# Indicator, SHMI, is such a ratio).

# %%
# NBVAL_CHECK_OUTPUT
national_rate = {"under 65": 0.01, "65 to 79": 0.05, "80 and over": 0.12}
deaths["expected"] = deaths["patients"] * deaths["age"].map(national_rate)
ratio = deaths.groupby("hospital")[["deaths", "expected"]].sum()
ratio["observed / expected"] = (ratio["deaths"] / ratio["expected"]).round(2)
print(ratio.to_string())

# %% [markdown]
# Adjusted for age, A has **fewer** deaths than expected (0.94) and B more (1.09): the crude rates
# had the order backwards. A league table of crude rates would have blamed the hospital that treats
# the oldest patients, and rewarded any hospital that avoided them. (Observed / expected ratios go
# on a funnel plot with `qi.funnel_plot(..., kind="ratio")`, module 14.) Risk adjustment has its own
# limits: it adjusts only for what is recorded, and recording more illnesses than before
# ("upcoding") raises the expected deaths and flatters the ratio, so watch for changes in coding.

# %% [markdown]
# ## Key points
#
# - **Goodhart's law**: when a measure becomes a target, it ceases to be a good measure.
#   **Campbell's law**: the more a number decides people's fate, the more it distorts the work.
# - **Gaming** shows in data: a spike just inside the target (four-hour departures bunched at
#   3 h 45 m to 3 h 59 m) while the median and the long waits do not change: **hitting the target
#   and missing the point** (Bevan & Hood 2006).
# - **Balancing measures** chosen for where the target pushes (re-attendances, short-stay
#   admissions) show the harm; a family of measures and whole distributions guard against gaming.
# - **Fear and blame** breed gaming: abandon blame as a tool, use targets with caution, and ask what
#   in the system made the behaviour sensible (Berwick 2013).
# - **Risk adjustment** (observed / expected for each unit's own patients) makes comparisons fair,
#   and takes away the reward for avoiding sick patients.
#
# **Discuss with your coach:** which target in your service could be met by gaming rather than by
# improving? What would the spike look like in your data, and which balancing measure would show
# where the pressure goes?
#
# **Practise:** [exercises/15_targets_and_gaming.ipynb](../exercises/15_targets_and_gaming.ipynb) (graded, with hints).
#
# **Next:** [Module 16, People and spread](16_people_and_spread.ipynb)

# %% [markdown]
# ## Sources
#
# - Goodhart CAE (1975). Problems of monetary management: the UK experience. *Papers in Monetary
#   Economics*, Reserve Bank of Australia; Strathern M (1997). 'Improving ratings': audit in the
#   British University system. *European Review* 5:305–321 (the wording of Goodhart's law).
# - Campbell DT (1979). Assessing the impact of planned social change. *Evaluation and Program
#   Planning* 2:67–90.
# - Bevan G, Hood C (2006). What's measured is what matters: targets and gaming in the English
#   public health care system. *Public Administration* 84:517–538.
# - Locker TE, Mason SM (2005). Analysis of the distribution of time that patients spend in
#   emergency departments. *BMJ* 330:1188–1189.
# - Mason S, Weber EJ, Coster J, Freeman J, Locker T (2012). Time patients spend in the emergency
#   department: England's 4-hour rule, a case of hitting the target but missing the point? *Ann
#   Emerg Med* 59:341–349.
# - National Advisory Group on the Safety of Patients in England (Berwick D, chair) (2013). *A
#   promise to learn – a commitment to act: improving the safety of patients in England.*
# - NHS Digital. *Summary Hospital-level Mortality Indicator (SHMI)*: methodology (observed /
#   expected deaths).
# - Example data: `ed_time_in_department` (synthetic; see `datasets/README.md`); the deaths by age
#   band are invented for this module.
