# Source of notebooks/06_pdsa_cycles.ipynb: edit this file, then run `python scripts/build_notebooks.py 09`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 6: PDSA cycles
#
# | | |
# |---|---|
# | **Level** | 1 (foundation) |
# | **Time** | about 25 minutes |
# | **Prerequisites** | [Module 2, Aims and measures](02_aims_and_measures.ipynb) and [Module 4, Run charts](04_run_charts.ipynb) |
# | **Measure used** | % of emergency department patients with sepsis given IV antibiotics within 1 hour, weekly (example data, `sepsis_antibiotics`) |
#
# **Learning objectives.** By the end of this module you will be able to:
# - plan a **PDSA cycle** with a **prediction**, and study its results against it;
# - grow a change in a **ramp** of linked cycles, from one patient to the whole department;
# - **record** aims, measures and cycles with `qi.pdsa`, and put the cycles on the chart;
# - read the chart to decide whether to **adopt, adapt or abandon** a change.

# %% [markdown]
# ## 1. Plan, Do, Study, Act
#
# The third question of the Model for Improvement, "what change can we make that will result in
# improvement?", is answered by testing changes in **PDSA cycles** (Langley et al., 2009):
#
# | stage | what you do |
# |---|---|
# | **Plan** | the objective of this test; questions; a **prediction** of what will happen; who, what, when, where; which data to collect |
# | **Do** | run the test, on a small scale; note what happened and any problems |
# | **Study** | compare the data with the prediction; what did we learn? |
# | **Act** | **adopt** (keep it, and scale up), **adapt** (change it and test again) or **abandon** it |
#
# The **prediction** is what turns an action into a test: if you wrote nothing down beforehand,
# every result will seem to confirm what you already thought. Reviews of published projects find
# that the key features (iterative cycles, predictions, small-scale tests, data over time) are often
# missing: Taylor et al. (2014) proposed them as a framework, and in a later review only 3 of 72
# projects used all four (Knudsen et al., 2019).
#
# **Small first.** Test on one patient, one nurse, one shift, and only then more: a failure costs
# little, and people are more willing to try. Linked cycles that grow a change step by step form a
# **ramp**; a common rule of thumb is to grow each step by no more than about five times.

# %% [markdown]
# ## 2. Recording a project with `qi.pdsa`
#
# The emergency department of the example data wanted more patients with sepsis to get antibiotics
# within an hour (NICE guideline NG51). Run the setup cell, then we record the project.

# %%
# Setup: load the tools this notebook uses.
# %config InlineBackend.figure_formats = ["png"]
import warnings

import matplotlib.pyplot as plt
import qitools as qi

plt.rcParams["figure.dpi"] = 80  # small pictures
warnings.formatwarning = lambda msg, cat, *args, **kwargs: f"{cat.__name__}: {msg}\n"  # short warnings

# %% [markdown]
# A **store** keeps a team's projects. `qi.pdsa.open("sepsis.pdsa")` would keep them in a file you
# can share; here we use `":memory:"`, which keeps them only while the notebook runs. (This team's
# project ran in 2022 and 2023, so qitools warns that the aim's date has passed: the check is there
# to catch a mistyped year.)

# %%
store = qi.pdsa.open(":memory:")
project = store.new_project("Antibiotics within an hour for sepsis", team="ED sepsis group")
measure = store.put(qi.pdsa.Measure(
    name="% given antibiotics within 1 hour", kind="process", dataset="sepsis_antibiotics",
    x="week", y="antibiotics_within_1h", n="sepsis_patients", chart="p", multiply=100,
    improvement="increase",
    definition="Adults meeting the sepsis screening criteria at triage (denominator); of these, IV "
               "antibiotics started within 60 minutes of arrival (numerator); ED system, weekly."))
store.put(qi.pdsa.Aim(what="Give IV antibiotics within 1 hour of arrival",
                      how_much="to 85% of patients (from 55%)", by_when="2023-12-31",
                      for_whom="adults who screen positive for sepsis in our ED",
                      measure=measure.id, baseline=55, target=85))
print(store.load().aim.text())

# %% [markdown]
# ## 3. The first cycle: Plan
#
# The team's first change idea was a **sepsis screening tool** at triage. The first test: one
# triage nurse, five patients, with two predictions written down.

# %%
tool = store.put(qi.pdsa.ChangeIdea("Sepsis screening tool at triage"))
plan = dict(change_idea=tool.id, measure=measure.id,
            objective="Can one triage nurse use the screening tool with every adult?",
            predictions=["Screening takes under 2 minutes",
                         "All patients who screen positive get antibiotics within the hour"],
            who="Nurse A", where="triage", scale="one nurse, 5 patients", scale_n=5,
            start_date="2022-10-31", end_date="2022-11-06")
c1 = store.put(qi.pdsa.PDSACycle(**plan))
print(c1.id, c1.status)

# %% [markdown]
# ## 4. Study and Act
#
# After the test the team compared the results with the predictions, and decided to **adapt**: the
# tool worked but took longer than predicted, so they added a prompt card. Recording the cycle
# again with the same id (`C1`) adds the Study and Act.

# %%
c1 = store.put(qi.pdsa.PDSACycle(
    **plan, id="C1",
    results="Screening took 3 minutes (median); 3 of the 5 who screened positive had antibiotics within the hour",
    learning="The tool is usable but slow; the two delays were waiting for a doctor to prescribe",
    prediction_held="partly", act="adapt", act_notes="Add a prompt card; test on a whole shift"))
print(c1.id, c1.status, "->", c1.act_notes)

# %% [markdown]
# ## 5. The rest of the ramps
#
# The team went on in two ramps: the screening tool (cycles 1 to 5, adopted across the department
# in February 2023), then a **patient group direction** (PGD) that lets nurses give the first dose
# without waiting for a prescription (cycles 6 to 8). Each row below is one cycle: title, scale
# (patients), start and end, the prediction, whether it held, and the decision.

# %%
pgd = store.put(qi.pdsa.ChangeIdea("Nurse PGD for the first antibiotic dose"))
more = [  # (idea, previous, title, patients, start, end, prediction, result, held, act)
    (tool, "C1", "Tool and prompt card, one shift", 8, "2022-11-21", "2022-11-27",
     "7 of 8 screened within 2 minutes", "8 of 8", "yes", "adopt"),
    (tool, "C2", "All day shifts; grab bag in resus", 30, "2022-12-12", "2022-12-25",
     "Grab bag used for every positive screen", "used for 19 of 24", "partly", "adapt"),
    (tool, "C3", "All shifts; delays fed back at huddle", 48, "2023-01-09", "2023-01-22",
     "Nights screen as often as days", "94% nights, 96% days", "yes", "adopt"),
    (tool, "C4", "Tool adopted across the department", 100, "2023-01-30", "2023-02-26",
     "70% within the hour in February", "73%", "yes", "adopt"),
    (pgd, None, "PGD on one shift", 8, "2023-05-08", "2023-05-14",
     "First dose within 30 minutes of a positive screen", "7 of 8", "yes", "adopt"),
    (pgd, "C6", "PGD on all shifts; pharmacy tops up grab bags", 35, "2023-06-05", "2023-06-18",
     "No shift runs out of grab bags", "ran out twice at weekends", "partly", "adapt"),
    (pgd, "C7", "PGD adopted; sepsis trolley in majors", 100, "2023-06-26", "2023-07-23",
     "85% within the hour in July", "88%", "yes", "adopt"),
]
for idea, prev, title, n, start, end, prediction, result, held, act in more:
    store.put(qi.pdsa.PDSACycle(change_idea=idea.id, measure=measure.id, previous=prev, title=title,
                                objective=title, predictions=[prediction], scale_n=n, start_date=start,
                                end_date=end, results=result, prediction_held=held, act=act))
project = store.load()
project.cycles_table()[["id", "title", "scale_n", "act"]]

# %% [markdown]
# `qi.pdsa.check` reads the whole project for the common slips: a cycle without a prediction, a
# ramp that jumps too fast (more than about 5 times the previous scale), dates out of order. Ours is
# clean:

# %%
# NBVAL_CHECK_OUTPUT
problems = qi.pdsa.check(project)
print(f"problems found: {len(problems)}")

# %% [markdown]
# Here is what it says about a careless cycle: no prediction, and a jump from 8 patients to 100.

# %%
careless = qi.pdsa.PDSACycle(change_idea=pgd.id, previous="C6", objective="Roll out to everyone", scale_n=100)
trial = project.copy()  # a copy, so the careless cycle stays out of the store
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # add() warns too; we print check()'s list instead
    trial.add(careless)
for problem in qi.pdsa.check(trial):
    print("-", problem.message)

# %% [markdown]
# ## 6. The cycles on the chart
#
# `qi.pdsa.measure_chart` charts the measure as its definition says (a p chart, in percent), and
# `qi.pdsa.draw_chart` draws it with the cycles marked: titles where they fit, otherwise the cycles'
# ids with a key under the chart. The department's figure changed twice, so the chart has parts from
# 6 February and 3 July 2023 (module 11).

# %%
parts = ["2023-02-06", "2023-07-03"]
cc = qi.pdsa.measure_chart(project, measure.id, part=parts)
qi.pdsa.draw_chart(project, measure=measure.id, labels="title", chart_options={"part": parts},
                   figsize=(9, 3.8), percent=True, title="Sepsis: % given antibiotics within 1 hour");

# %%
# NBVAL_CHECK_OUTPUT
print(cc.summary[["part", "n_obs", "cl", "runs_signal"]].round(1).to_string(index=False))

# %% [markdown]
# ## 7. Reading the chart to decide
#
# - **Cycles 1 to 3 did not move the department's figure, and should not have**: they touched 5 to
#   30 patients. Small tests are studied with their own data (3 of 5 patients treated in time in
#   cycle 1, 8 of 8 screened in time in cycle 2), not with the department's chart.
# - **After cycle 5** the screening tool was in use for everyone, and the chart moved to a new,
#   stable level of about 74%. The prediction (70%) held: **adopt**, and make it the new baseline.
# - **The PGD ramp** (cycles 6 to 8) lifted it again, to about 88%. The aim of 85% is met on
#   average, but single weeks still fall below it: the target lies inside the new limits ("hit or
#   miss", module 13), so some weeks will miss it by chance.
#
# Freeze the chart on the weeks before the first cycle, and every week from February 2023 on signals
# against that baseline (`qi.pdsa.signals_during(project, "C5", data)` lists a chart's signals from
# a cycle's start on, for the Study stage):

# %%
# NBVAL_CHECK_OUTPUT
frozen = qi.pdsa.measure_chart(project, measure.id, data=qi.datasets.load("sepsis_antibiotics"),
                               freeze="2022-10-24")
after = frozen.signals()
print(f"weeks flagged: {len(after)}, the first on {after['x'].min():%d %B %Y}")

# %% [markdown]
# A rule of thumb for **Act**: **adopt** when the prediction held and, once at scale, the chart
# shows the change; **adapt** when it partly held or you learnt how to make it work better;
# **abandon** when it did not help (or a balancing measure got worse). Abandoning is a success of
# the method: a bad idea was found out cheaply.
#
# `qi.pdsa.report(project)` writes the whole project (aim, measures, cycles, chart) as a web page for
# a coach or a governance meeting, and `qi.pdsa.to_json` saves it to share.

# %% [markdown]
# ## Key points
#
# - A PDSA cycle is a **test**: plan it with a written **prediction**, and study the results
#   against it.
# - Start **small** and grow in a **ramp** of linked cycles, about five times bigger each step.
# - Decide **adopt, adapt or abandon** from the test's own data while it is small, and from the
#   chart once it is at scale.
# - Record the cycles (`qi.pdsa`) and put them on the chart: the chart then tells the story of the
#   project.
#
# **Discuss with your coach:** plan the first PDSA cycle of a change idea from your own service.
# What is your prediction, and how small can the first test be?
#
# **Practise:** [exercises/06_pdsa_cycles.ipynb](../exercises/06_pdsa_cycles.ipynb) (graded, with hints).
#
# **Next:** [Module 13, Making Data Count for boards](13_making_data_count.ipynb)

# %% [markdown]
# ## Sources
#
# - Langley GJ et al. (2009). *The Improvement Guide*, 2nd ed. Jossey-Bass (PDSA cycles, ramps,
#   adopt / adapt / abandon).
# - Taylor MJ, McNicholas C, Nicolay C, Darzi A, Bell D, Reed JE (2014). Systematic review of the
#   application of the plan–do–study–act method to improve quality in healthcare. *BMJ Qual Saf*
#   23:290–298.
# - Knudsen SV et al. (2019). Can quality improvement improve the quality of care? A systematic
#   review of reported effects and methodological rigor in plan-do-study-act projects. *BMC Health
#   Serv Res* 19. doi:10.1186/s12913-019-4482-6.
# - NICE (2016, updated 2024). *Sepsis: recognition, diagnosis and early management* (NG51).
# - Example data: `sepsis_antibiotics` (synthetic; see `datasets/README.md`).
