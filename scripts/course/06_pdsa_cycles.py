# Source of notebooks/06_pdsa_cycles.ipynb: edit this file, then run `python scripts/build_notebooks.py 06`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 6: PDSA cycles
#
# | | |
# |---|---|
# | **Level** | 1 (foundation) |
# | **Time** | about 35 minutes, and about 30 minutes for the [exercise](../exercises/06_pdsa_cycles.ipynb) |
# | **Prerequisites** | [Module 2, Aims and measures](02_aims_and_measures.ipynb) and [Module 4, Run charts](04_run_charts.ipynb); [Module 3, Understanding the system](03_understanding_the_system.ipynb) helps |
# | **Measure used** | inpatient falls per 1,000 occupied bed days on Ash and Cedar wards, with lying and standing blood pressure as the process measure (example data, `pdsa_falls_project`) |
#
# **Learning objectives.** By the end of this module you will be able to:
# - link an aim to the **change ideas** worth testing, with a **driver diagram**;
# - plan a **PDSA cycle** with a **prediction**, and study its results against it;
# - grow a change in a **ramp** of linked cycles, choosing the size of each step by your degree of
#   belief, the cost of failure and how ready people are;
# - **record** cycles with `qi.pdsa` and mark them on a run chart;
# - decide whether to **adopt, adapt or abandon** a change.

# %% [markdown]
# ## 1. The falls project on Ash and Cedar
#
# In modules 2 and 4 you saw Ash ward's falls drop from November 2022. This module is the story of
# how that happened. The team's aim: *reduce inpatient falls on Ash and Cedar wards by 30%, from 10.3
# to 7.2 per 1,000 occupied bed days, by 31 March 2023*. The whole project (aim, measures, ideas,
# cycles) is kept in a file that `qi.pdsa` reads. Run the setup cell, then load it.

# %%
# Setup: load the tools this notebook uses.
# %config InlineBackend.figure_formats = ["png"]
import warnings

import matplotlib.pyplot as plt
import qitools as qi

plt.rcParams["figure.dpi"] = 100  # sharp enough to project and zoom
warnings.formatwarning = lambda msg, cat, *args, **kwargs: f"{cat.__name__}: {msg}\n"  # short warnings

# %% [markdown]
# `qi.datasets.path` finds the example project's file; `qi.pdsa.load_json` reads it.

# %%
project = qi.pdsa.load_json(qi.datasets.path("pdsa_falls_project", "json"))
print(project.aim.text())

# %% [markdown]
# ## 2. What change can we make? A driver diagram
#
# The third question of the Model for Improvement is "what change can we make that will result in
# improvement?". Change ideas come from understanding the system (module 3: process maps, fishbones,
# Pareto charts) and from what has worked elsewhere. A **driver diagram** links them to the aim:
# the **primary drivers** are the few big things that must go right, the **secondary drivers** the
# parts of the system that act on them, and the **change ideas** the things to test.

# %%
qi.pdsa.draw_driver_diagram(project);

# %% [markdown]
# **Chart description:** driver diagram in four columns. The aim (fewer falls on Ash and Cedar)
# links to three primary drivers: patients at risk are identified on admission; patients at risk are
# watched and helped to move safely; medicines and conditions that cause falls are treated. These
# link to five secondary drivers (such as "a member of staff in every bay at all times"), and those
# to five change ideas: lying and standing blood pressure, bay tagging, falls sensor mats, a
# pharmacist medication review, and the whole bundle on a second ward (dashed lines to all five
# secondary drivers).
#
# Each change idea is a **theory**: "if we do this, falls will drop, because ...". The diagram
# writes the "because" down, and the PDSA cycles test it.

# %% [markdown]
# ## 3. Plan, Do, Study, Act
#
# Each change is tested in **PDSA cycles** (Langley et al., 2009):
#
# | stage | what you do |
# |---|---|
# | **Plan** | the objective of this test; questions; a **prediction** of what will happen; who, what, when, where; which data to collect |
# | **Do** | run the test, on a small scale; note what happened and any problems |
# | **Study** | compare the data with the prediction; what did we learn? |
# | **Act** | **adopt** (keep it, and test it at a larger scale), **adapt** (change it and test again) or **abandon** it |
#
# The **prediction** is what turns an action into a test: if you wrote nothing down beforehand,
# every result will seem to confirm what you already thought.
#
# PDSA is easy to describe and hard to do well. Taylor et al. (2014) named its key features:
# iterative cycles, prediction-based tests, small-scale testing, data over time, and documentation.
# Knudsen et al. (2019) checked 120 projects published in 2015–16 for four of them: **iterative
# cycles** (each cycle learns from the last), **continuous data over time**, **small-scale
# testing**, and a **theoretical rationale** (why the change should work, as in the driver diagram).
# Of the 72 projects that described their cycles well enough to judge, only 3 (4%) had all four.

# %% [markdown]
# ## 4. Small first, then bigger: ramps
#
# Linked cycles that grow a change step by step form a **ramp**. How big should the next test be?
# *The Improvement Guide* (Langley et al., 2009) answers with three questions:
#
# | | keep the next test **small** when… | a **bigger** step is reasonable when… |
# |---|---|---|
# | **degree of belief** that the change will lead to improvement | low: it is new to you, or the last cycle surprised you | high: it has worked in earlier cycles and elsewhere |
# | **cost of failure** | high: harm to patients, money, staff time, goodwill | low: easy to undo |
# | **readiness** of the people who will make the change | resistant or unsure | ready, asking for it |
#
# A common rule of thumb is to grow each step by **no more than about five times** (5 patients,
# then 25). It is a rule of thumb, not a law: a change that nurses are asking for, cheap to undo,
# might go from one bay to the whole ward; a change that could harm patients should grow slowly even
# after a success. `qi.pdsa` warns (it does not refuse) when a step is much bigger than the last.
#
# Here are the project's five ramps (`draw_ramps`):

# %%
qi.pdsa.draw_ramps(project);

# %% [markdown]
# **Chart description:** five horizontal ramps over time, May to October 2022, one row per change
# idea; each cycle is a circle sized by its scale and coloured by its decision, labelled with its
# scale. Lying and standing blood pressure: cycles C1 to C3 (5, then 12, then 35 patients; adapt,
# adapt, adopt). Bay tagging: C4 to C6 (1, 4, then 6 bays; adapt, adapt, adopt). Falls sensor mats:
# C7, abandoned. Pharmacist medication review: C8, adopted. The whole bundle on Cedar: C9, adopted.
#
# The same as a table (`scale_n` is the number of patients, or bays, in each test; `act` the decision):

# %%
project.cycles_table()[["id", "title", "scale", "scale_n", "act"]]

# %% [markdown]
# ## 5. Recording a cycle yourself
#
# A **store** keeps a team's projects: `qi.pdsa.open("falls.pdsa")` keeps them in a file you can
# share. Here `":memory:"` keeps them only while the notebook runs. We record the team's first test
# of lying and standing blood pressure, as they planned it, before it was done.

# %%
store = qi.pdsa.open(":memory:")
store.new_project("Fewer falls on Ash ward")
idea = store.put(qi.pdsa.ChangeIdea("Lying and standing blood pressure on admission"))
plan = store.put(qi.pdsa.PDSACycle(
    change_idea=idea.id,
    objective="Can one nurse record a lying and standing blood pressure within 24 hours of admission?",
    predictions=["Recorded within 24 hours for at least 4 of the 5 patients"],
    who="Nurse A", where="Ash ward", scale="1 nurse, 5 patients", scale_n=5,
    start_date="2022-05-09", end_date="2022-05-13"))
print(plan.id, "planned:", plan.objective)

# %% [markdown]
# After the test, the team filled in the Study and Act. Recording the cycle again with the same id
# (`C1`) replaces the plan with the whole record:

# %%
done = store.put(qi.pdsa.PDSACycle(
    id="C1", change_idea=idea.id,
    objective="Can one nurse record a lying and standing blood pressure within 24 hours of admission?",
    predictions=["Recorded within 24 hours for at least 4 of the 5 patients"],
    who="Nurse A", where="Ash ward", scale="1 nurse, 5 patients", scale_n=5,
    start_date="2022-05-09", end_date="2022-05-13",
    results="Recorded for 3 of the 5 patients: one fewer than predicted",
    learning="Two patients could not stand safely on admission; the nurse did not know what to record",
    prediction_held="partly", act="adapt", act_notes="A prompt card: record 'unable to stand'; all day shifts"))
print(done.id, done.status, "->", done.act_notes)

# %% [markdown]
# ## 6. Checking the records
#
# `qi.pdsa.check` reads a project (or one record) for the common slips: a cycle without a
# prediction, dates out of order, a decision that is not adopt, adapt or abandon, and a step in
# scale much bigger than the last. The falls project is clean:

# %%
# NBVAL_CHECK_OUTPUT
print(f"problems found: {len(qi.pdsa.check(project))}")

# %% [markdown]
# Here is a careless next cycle for bay tagging: no prediction, and a jump from 4 bays to every bay
# in the directorate (30). `check` lists each problem, with its level: an **error** stops a record
# being saved; a **warning** is advice to think again.

# %%
careless = qi.pdsa.PDSACycle(change_idea="CI2", previous="C5", objective="Tag every bay in the directorate",
                             scale="all 30 bays of five wards", scale_n=30)
for problem in qi.pdsa.check(careless, project):
    print(f"{problem.level}: {problem.message}")

# %% [markdown]
# ## 7. The cycles on a run chart
#
# The outcome measure is falls per 1,000 occupied bed days on both wards. `qi.pdsa.draw_chart`
# draws a measure of the project with its cycles marked: their titles where they fit, otherwise their
# ids with a key under the chart. We ask for a run chart in two parts, before and after the bundle
# started on both wards (`chart_options`).

# %%
before_after = {"chart": "run", "improvement": None, "part": ["2022-11-01"]}
qi.pdsa.draw_chart(project, measure="M1", labels="title", chart_options=before_after, figsize=(9, 4.2),
                   title="Falls per 1,000 bed days, Ash and Cedar");

# %% [markdown]
# **Chart description:** run chart of falls per 1,000 occupied bed days on Ash and Cedar, April
# 2021 to March 2024, in two parts split at November 2022. The six cycles meant to move falls are
# shaded bands labelled C4 to C9 between June and October 2022, with a key under the chart (bay
# tagging, falls sensor mats, pharmacist medication review, the bundle on a second ward); cycles C1
# to C3 belong to the blood-pressure measure and are not marked here. The aim is a dash-dot target
# line at 7.2. The first part's points lie around a median of 10.7, the second part's around 4.8,
# mostly below the target; neither part has a signal on its own.
#
# The medians of the two parts (`qi.pdsa.measure_chart` gives the chart's numbers):

# %%
# NBVAL_CHECK_OUTPUT
falls_chart = qi.pdsa.measure_chart(project, "M1", **before_after)
print(falls_chart.summary[["part", "n_obs", "cl", "runs_signal"]].round(1).to_string(index=False))

# %% [markdown]
# ## 8. Reading the chart to decide
#
# - **The cycles from May to October 2022 did not move the wards' chart, and should not have**: they
#   touched 1 to 40 patients or bays. Small tests are studied with their own data (3 of 5 patients
#   in cycle 1, bays never left empty in cycle 4), not with the ward's monthly chart.
# - **The sensor mats were abandoned** (C7): staff took more than a minute to reach the patient, and
#   the mats alarmed when patients turned in bed. Abandoning is a success of the method: a poor idea
#   was found out cheaply, on two patients, before it was bought for the whole ward.
# - **From November 2022** the whole bundle ran on both wards, and the falls rate fell from a median
#   of 10.7 to 4.8: the aim (7.2) was met. The process measure confirms that the bundle
#   was really done: lying and standing blood pressure went from about 1 patient in 4 to nearly 9 in
#   10 (module 2, section 7). The balancing measure, length of stay, did not change.
#
# A rule of thumb for **Act**: **adopt** when the prediction held (and, once at scale, the chart shows
# the change); **adapt** when it partly held or you learnt how to make it work better; **abandon**
# when it did not help, or a balancing measure got worse.
#
# `qi.pdsa.report(project, "falls.html")` writes the whole project (aim, measures, cycles, charts) as
# a web page for a coach or a governance meeting.

# %% [markdown]
# ## Key points
#
# - Change ideas come from understanding the system; a **driver diagram** links them to the aim
#   and records the theory of why they should work.
# - A PDSA cycle is a **test**: plan it with a written **prediction**, and study the results
#   against it. Then **adopt, adapt or abandon**.
# - Start **small** and grow in a **ramp** of linked cycles. How fast depends on your degree of
#   belief, the cost of failure and people's readiness; "about five times a step" is only a rule of
#   thumb.
# - Small tests are judged by their own data; once a change is at scale, the run chart shows
#   whether the system changed. Mark the cycles on the chart: it then tells the story.
# - Done well, PDSA has iterative cycles, data over time, small-scale tests and a theory (Knudsen
#   et al., 2019): few published projects manage all four.
#
# **Discuss with your coach:** plan the first PDSA cycle of a change idea from your own service.
# What is your prediction, how small can the first test be, and what would make you go bigger?
#
# **Practise:** [exercises/06_pdsa_cycles.ipynb](../exercises/06_pdsa_cycles.ipynb) (graded, with hints).
#
# **Next:** [Module 7, Understanding variation](07_variation_xmr.ipynb) (level 2), or, on the
# foundation route, [Module 16, People and spread](16_people_and_spread.ipynb)

# %% [markdown]
# ## Sources
#
# - Langley GJ, Moen RD, Nolan KM, Nolan TW, Norman CL, Provost LP (2009). *The Improvement Guide*,
#   2nd ed. Jossey-Bass (PDSA cycles; increasing the scale of tests by degree of belief, cost of
#   failure and readiness; adopt, adapt, abandon).
# - Taylor MJ, McNicholas C, Nicolay C, Darzi A, Bell D, Reed JE (2014). Systematic review of the
#   application of the plan–do–study–act method to improve quality in healthcare. *BMJ Qual Saf*
#   23:290–298.
# - Knudsen SV, Laursen HVB, Johnsen SP, Bartels PD, Ehlers LH, Mainz J (2019). Can quality
#   improvement improve the quality of care? A systematic review of reported effects and
#   methodological rigor in plan-do-study-act projects. *BMC Health Serv Res* 19:683.
#   doi:10.1186/s12913-019-4482-6.
# - Royal College of Physicians (2017). *Measurement of lying and standing blood pressure: a brief
#   guide for clinical staff*; NICE (2013). *Falls in older people: assessing risk and prevention*
#   (CG161).
# - Example data: `pdsa_falls_project` (synthetic; see `datasets/README.md`).
