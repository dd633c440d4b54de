# Source of notebooks/00_start_here.ipynb: edit this file, then run `python scripts/build_notebooks.py 00`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Start here: measuring for improvement with qitools
#
# Welcome! This notebook is the front door of the **qitools** course in improvement science. It is
# written for NHS and social-care staff who want to use data to improve care. Most of you will be
# clinicians, managers or coaches rather than programmers, and that is fine: in the **clinician
# core** of the course you run cells, change numbers, read charts, choose answers and call qitools
# with arguments you are given. You never have to write a program from scratch.
#
# | | |
# |---|---|
# | **Level** | 1 (foundation) |
# | **Time** | about 20 minutes |
# | **Prerequisites** | none: no programming or statistics needed |
# | **Measure used** | falls per 1,000 occupied bed days on Ash ward (example data, `ward_falls`) |
#
# **Learning objectives.** By the end of this notebook you will be able to:
# - run a cell in a Jupyter notebook and read its result;
# - name the three questions of the Model for Improvement;
# - say which parts of the NHS framework *Developing People – Improving Care* the course serves;
# - choose your route through the 17 modules (the clinician core, and the analyst extensions);
# - make your first run chart.
#
# Words you do not know are explained in the course [glossary](glossary.ipynb).

# %% [markdown]
# ## 1. How the course works
#
# The course is a set of notebooks called **modules**, each built around a care measure you will
# recognise: falls, sepsis, A&E waits, infections, pressure ulcers. Every module has the same shape:
#
# - a **header** with its level, time, what you need first, and what you will be able to do;
# - short **worked examples**: read the sentence, run the cell, look at the result;
# - **"try it"** prompts where you change a number and run the cell again;
# - **key points** to take away and a question to **discuss with your coach**;
# - a link to its graded **exercise** in the `exercises` folder, which checks your answers and gives
#   hints, never the answer.
#
# **Time.** Be generous with yourself: someone new to the subject needs about 30 to 45 minutes to
# work through a module and another 30 or so for its exercise, so **45 to 90 minutes for a module
# and its exercise**. Each header gives the time for that module.
#
# **Levels.** 1 *foundation*: everyone in an improvement team. 2 *practitioner*: the person who
# makes the charts for a team. 3 *analyst*: people who advise several teams or build board reports.
# A module never needs a module of a higher level than its own.

# %% [markdown]
# ### The clinician core and the analyst extensions
#
# Each exercise has two parts:
#
# - the **clinician core**: every question can be answered by reading a chart or a table, choosing
#   an option, filling in a number or a few words, or calling qitools with arguments the question
#   gives you. No programming is needed;
# - **analyst extensions** (optional), headed "Analyst extension (optional)": here you write short
#   functions yourself, for those who will build charts and reports for others. They are graded
#   apart: your exercise score and your certificate count the core, so skipping them never lowers
#   them.
#
# **In a workshop**, the coach runs a module on the big screen and pauses at the "try it" prompts;
# **alone**, work through it at your own pace. All the data in the course is synthetic (made up,
# but realistic): no patient is in it, so you can share your notebooks freely.

# %% [markdown]
# ## 2. How to run a cell
#
# A notebook is a page made of **cells**. Cells like this one hold text. Cells with a grey
# background and `[ ]:` on their left hold code.
#
# **To run a code cell**, click in it and press **Shift-Enter** (hold Shift, then press Enter).
# The result appears underneath, and Jupyter moves on to the next cell. The ▶ button on the
# toolbar does the same.
#
# - **Run the cells in order**, from top to bottom: a later cell often needs something that an
#   earlier one made.
# - The number in `[1]:` counts the cells as you run them. `[*]:` means the cell is still running.
# - Text after a `#` in a code cell is a note for people; Python ignores it.
# - **You cannot break anything.** If things get muddled, choose
#   **Kernel → Restart Kernel and Run All Cells…** to start again from the top.
#
# Try it now: click in the cell below and press **Shift-Enter**.

# %%
# Your first cell: press Shift-Enter to run it.
print("Hello! Your notebook is working.")

# %% [markdown]
# ## 3. The Model for Improvement
#
# The course teaches the **Model for Improvement** (Langley et al., *The Improvement Guide*, 2009),
# the method used by the IHI and by NHS improvement programmes. It asks three questions, then
# tests changes in small, fast cycles:
#
# | question | what it gives you | modules |
# |---|---|---|
# | **What are we trying to accomplish?** | an **aim**: how much, by when, for whom | 2 |
# | **How will we know that a change is an improvement?** | **measures**, charted over time | 2, 4, 5, 7–14 |
# | **What change can we make that will result in improvement?** | **change ideas**, found by understanding the system, and tested | 3, 6 |
#
# The changes are tested with **PDSA cycles**: *Plan* (with a prediction), *Do*, *Study* (compare
# the result with the prediction), *Act* (adopt, adapt or abandon the change). The second question
# is where charts come in: much of this course is about telling a real change from the ordinary
# ups and downs that every measure has. Improvement is also about people: module 16 covers the
# team, patients, and how changes last and spread.

# %% [markdown]
# ## 4. The NHS framework this course serves
#
# *Developing People – Improving Care* (NHS Improvement and partners, 2016) is the national
# framework for improvement and leadership development in NHS-funded services. It names five
# conditions for continuous improvement. This course works on two of them:
#
# - **Condition 3, knowledge of improvement methods and how to use them at all levels**: the
#   Model for Improvement, understanding the system, run charts, statistical process control (SPC)
#   charts, PDSA cycles, and the people side of improvement, taught to people who are not
#   statisticians (modules 2–12, 16 and 17).
# - **Condition 5, enabling, supportive and aligned regulation and oversight**, and in particular
#   its action "balancing measurement for improvement and judgement": why measuring to *learn*
#   differs from measuring to *judge*, SPC instead of red-amber-green ratings, funnel plots instead
#   of league tables, and what targets do to behaviour (modules 1, 13, 14 and 15).
#
# The course also supports Condition 4 (easy access to improvement resources, peer learning): it
# runs offline on an ordinary laptop and works in a workshop or alone.

# %% [markdown]
# ## 5. The modules
#
# | # | module | you will learn to… | level | time: module + exercise |
# |---|---|---|---|---|
# | 1 | [Why measure?](01_why_measure.ipynb) | tell improvement, judgement and research apart; see why RAG ratings and two-point comparisons mislead | 1 | 35 + 30 min |
# | 2 | [Aims and measures](02_aims_and_measures.ipynb) | write an aim; choose outcome, process and balancing measures; define a measure; plan data collection and sampling | 1 | 45 + 35 min |
# | 3 | [Understanding the system](03_understanding_the_system.ipynb) | map a process and find its delays; draw a fishbone; find the vital few with a Pareto chart; ask 5 whys; stratify | 1 | 40 + 30 min |
# | 4 | [Run charts](04_run_charts.ipynb) | build a run chart, find its median, use a baseline, annotate changes | 1 | 30 + 30 min |
# | 5 | [Run-chart rules](05_run_chart_rules.ipynb) | apply the IHI and Anhøj rules; see why the trend rule is weak | 2 | 35 + 30 min |
# | 6 | [PDSA cycles](06_pdsa_cycles.ipynb) | plan tests with predictions, ramp them up, decide adopt, adapt or abandon | 1 | 35 + 30 min |
# | 7 | [Understanding variation](07_variation_xmr.ipynb) | tell common from special causes; build an XmR chart | 2 | 40 + 40 min |
# | 8 | [Choosing the chart](08_choosing_the_chart.ipynb) | chart attribute data with p, np, u and c charts; handle denominators | 2 | 40 + 35 min |
# | 9 | [Measurement data](09_measurement_data.ipynb) | chart times and other measurements: xbar and s charts, subgroups, I charts of monthly medians | 2 | 40 + 35 min |
# | 10 | [Rare events](10_rare_events.ipynb) | chart cases between events (g chart) and time between events (t chart) | 2 | 40 + 35 min |
# | 11 | [Baselines and limits](11_baselines_and_limits.ipynb) | choose baselines; freeze, recalculate or rebase limits; exclude points; handle seasons | 3 | 40 + 40 min |
# | 12 | [Over-dispersion](12_overdispersion.ipynb) | recognise over-dispersion with big denominators; stratify first; Laney p′ and u′ or an I chart | 3 | 40 + 35 min |
# | 13 | [Making Data Count for boards](13_making_data_count.ipynb) | read variation and assurance icons; rewrite a RAG report as SPC | 2 | 35 + 30 min |
# | 14 | [Comparing units fairly](14_comparing_units.ipynb) | use a funnel plot instead of a league table | 3 | 35 + 30 min |
# | 15 | [Targets and gaming](15_targets_and_gaming.ipynb) | recognise Goodhart's and Campbell's laws and gaming; use balancing measures and risk adjustment | 2 | 40 + 30 min |
# | 16 | [People and spread](16_people_and_spread.ipynb) | analyse stakeholders; involve patients; plan for sustainability and spread; report with SQUIRE | 1 | 40 + 30 min |
# | 17 | [Your own data](17_your_own_data.ipynb) | import a messy export, chart it, and write its story (capstone) | 3 | 45 + 45 min |

# %% [markdown]
# ### Which modules, in which order?
#
# - **Everyone in an improvement team (the clinician core, level 1):** modules 1, 2, 3, 4 and 6,
#   then 16. Do the core questions of each exercise; skip the analyst extensions.
# - **The person who makes the charts for a team (practitioner, level 2):** add 5, 7, 8, 9, 10, 13
#   and 15, in that order.
# - **Analysts who advise several teams or report to boards (level 3):** add 11, 12 and 14, the
#   analyst extensions of the exercises, and the capstone, 17.
#
# **For coaches:** the index of graded exercises, the solutions and the hidden checks are described
# in `exercises/README.md` and `exercises/coach/README.md`. The hidden checks mark every question as
# clinician core or analyst extension (`part="analyst"`); the gradebook's exercise percentages,
# totals and certificates count the core, and the analyst extensions have columns of their own.

# %% [markdown]
# ## 6. Your first run chart
#
# Ash is a ward for older people. It counts its inpatient falls every month. Because the number
# of patients varies, it reports **falls per 1,000 occupied bed days** (one *occupied bed day* is
# one patient in a bed for one day). In November 2022 Ash started a falls-prevention bundle.
# **Did falls really go down?**
#
# First load the tools. `qitools` is this course's library; its usual short name is `qi`. The
# other lines load pandas (tables) and matplotlib (pictures) and keep charts and warnings tidy.
# Run it: it prints nothing, which means it worked.

# %%
# Setup: load the tools this notebook uses.
# %config InlineBackend.figure_formats = ["png"]
import warnings

import matplotlib.pyplot as plt
import qitools as qi

plt.rcParams["figure.dpi"] = 100  # sharp enough to project and zoom
warnings.formatwarning = lambda msg, cat, *args, **kwargs: f"{cat.__name__}: {msg}\n"  # short warnings

# %% [markdown]
# `qi.datasets.load` opens one of the course's example datasets as a table. We keep Ash ward's
# rows and show the first three.

# %%
falls = qi.datasets.load("ward_falls")
ash = falls[falls["ward"] == "Ash"]
ash[["month", "falls", "occupied_bed_days"]].head(3)

# %% [markdown]
# Now the run chart: a line of the monthly values in time order, with the **median** (the middle
# value: half the months are above it, half below) drawn across. We name the columns for time
# (`x`), the count (`y`) and the denominator (`n`), and ask for the rate per 1,000 (`multiply`).

# %%
rc = qi.run_chart(ash, x="month", y="falls", n="occupied_bed_days", multiply=1000)
rc.plot(figsize=(8, 3.5), annotations=[{"x": "2022-11-01", "label": "Falls bundle"}]);

# %% [markdown]
# **Chart description:** run chart of Ash ward's falls per 1,000 occupied bed days, April 2021 to
# March 2024. Until October 2022 the points lie between about 6 and 15, nearly all above the median
# of 7.7; from November 2022, marked "Falls bundle", they lie between about 2.5 and 10, nearly all
# below it. The median is a dashed orange line, with the note "runs signal: longest run 12 > 8,
# 9 crossings < 13" at the top.
#
# The dashed orange median says the chart found a **signal**: a pattern that chance alone rarely
# makes. The numbers behind it are in `rc.summary`. (The first line, `# NBVAL_CHECK_OUTPUT`, is a
# note for our automatic tests: they check that this result still comes out the same.)

# %%
# NBVAL_CHECK_OUTPUT
s = rc.summary.iloc[0]
print(f"median: {s['cl']:.2f} falls per 1,000 bed days")
print(f"longest run on one side of the median: {s['longest_run']}",
      f"(chance rarely gives more than {s['longest_run_max']:.0f})")
print(f"crossings of the median: {s['n_crossings']} (chance usually gives at least {s['n_crossings_min']:.0f})")
print(f"signal: {s['runs_signal']}")

# %% [markdown]
# ### Reading the result
#
# - Twelve months in a row sit on one side of the median: with 36 months, chance rarely gives a
#   run longer than 8. That is a **shift**.
# - The line crosses the median only 9 times, where chance usually gives at least 13: another
#   sign that the level moved.
#
# A signal tells you *that* something changed, not *why*. Here the low months come straight after
# the bundle started, which is good evidence that it helped. Modules 4 and 5 explain these rules;
# module 6 shows how the team tested the bundle before spreading it.
#
# **Try it:** change `"Ash"` to `"Oak"` (a ward without the bundle) in the cell that loads the
# data, then run that cell and the cells below it again. Is there still a signal?

# %% [markdown]
# ## Key points
#
# - A notebook is made of cells. **Shift-Enter** runs a cell; run them from top to bottom.
# - The Model for Improvement asks three questions (aim, measures, changes) and tests changes in
#   PDSA cycles.
# - This course serves Conditions 3 and 5 of *Developing People – Improving Care*: improvement
#   skills for everyone, and measuring to learn rather than only to judge.
# - The **clinician core** of every exercise needs no programming; the **analyst extensions** are
#   optional and graded apart. Allow 45 to 90 minutes for a module and its exercise.
# - A **run chart** shows a measure in time order with its median; simple rules tell a real
#   change from random ups and downs. `qi.run_chart(...)` does the arithmetic; you judge what it
#   means, with what you know about the ward.
#
# **Discuss with your coach:** which measure from your own service would you like to put on a run
# chart? How often is it counted, and what would an improvement look like?
#
# **Next:** [Module 1, Why measure?](01_why_measure.ipynb)

# %% [markdown]
# ## Glossary
#
# The words the course uses, in plain English, with the module that explains each one, are in the
# [course glossary](glossary.ipynb): aim, baseline, control limits, funnel plot, Goodhart's law,
# operational definition, Pareto chart, PDSA cycle, run, signal and about 60 more.

# %% [markdown]
# ## Sources
#
# - Langley GJ, Moen RD, Nolan KM, Nolan TW, Norman CL, Provost LP (2009). *The Improvement Guide:
#   A Practical Approach to Enhancing Organizational Performance*, 2nd ed. Jossey-Bass.
# - NHS Improvement and partners (2016). *Developing People – Improving Care: a national framework
#   for action on improvement and leadership development in NHS-funded services.*
# - Perla RJ, Provost LP, Murray SK (2011). The run chart: a simple analytical tool for learning
#   from variation in healthcare processes. *BMJ Qual Saf* 20:46–51.
# - Anhøj J, Olesen AV (2014). Run charts revisited. *PLoS ONE* 9(11): e113825.
# - Example data: `ward_falls` (synthetic; see `datasets/README.md` for how it was made).
