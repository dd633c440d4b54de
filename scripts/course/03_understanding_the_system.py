# Source of notebooks/03_understanding_the_system.ipynb: edit this file, then run `python scripts/build_notebooks.py 03`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 3: Understanding the system
#
# | | |
# |---|---|
# | **Level** | 1 (foundation) |
# | **Time** | about 40 minutes, and about 30 minutes for the [exercise](../exercises/03_understanding_the_system.ipynb) |
# | **Prerequisites** | [Module 2, Aims and measures](02_aims_and_measures.ipynb) (operational definitions, stratification) |
# | **Measure used** | inpatient falls on Holly ward, a ward for older people: one year of incident reports with when, where, the main contributory factor and the harm (example data, `falls_incidents`) |
#
# **Learning objectives.** By the end of this module you will be able to:
# - say why a team studies its system before it changes it;
# - map a process as it really happens, and find its **delays**, loops and hand-offs;
# - draw a **cause-and-effect (fishbone) diagram** of a problem;
# - ask **5 whys** to get from a problem to a cause the team can change;
# - read a **Pareto chart** and pick the **vital few** causes;
# - **stratify** incidents (night and day) to see where a problem really is.

# %% [markdown]
# ## 1. Look before you leap
#
# "Every system is perfectly designed to get the results it gets" (a saying of Paul Batalden's,
# used by the IHI). Holly ward had **96 falls** in a year. The team could start testing the first
# idea that comes up (sensor mats, say), or it could first find out how falls happen on *this* ward.
# The second is quicker in the end: changes aimed at the real causes work more often (Langley et al.,
# 2009). The NHS *Quality, Service Improvement and Redesign* (QSIR) programme and the IHI teach the
# same small set of tools, each answering one question:
#
# | tool | the question it answers |
# |---|---|
# | **process map** | how does the work really happen, step by step? where do people wait? |
# | **cause-and-effect (fishbone) diagram** | what might be causing the problem? (the team's theories) |
# | **5 whys** | why does that cause happen? what lies behind it? |
# | **Pareto chart** | which causes account for most of the problem? (the data) |
# | **stratification** | is the problem the same everywhere, or concentrated in one place or time? |
#
# The first three collect what the team **believes**; the last two test it with **data**. Run the
# setup cell, then we go through them on Holly ward.

# %%
# Setup: load the tools this notebook uses.
# %config InlineBackend.figure_formats = ["png"]
import warnings

import matplotlib.pyplot as plt
import qitools as qi

plt.rcParams["figure.dpi"] = 100  # sharp enough to project and zoom
warnings.formatwarning = lambda msg, cat, *args, **kwargs: f"{cat.__name__}: {msg}\n"  # short warnings

# %% [markdown]
# ## 2. A process map: how does it really happen?
#
# Many of Holly's falls happen at night, near the toilet. The team walked through a night with the
# night staff and drew **what actually happens** when a patient wakes needing the toilet (not what
# the policy says should happen). `qi.process_map` takes the steps in order: plain text for a step,
# a `"decision"` with where its "no" (or "yes") answer goes, and a `"delay"` with its wait.

# %%
night_toileting = [
    {"step": "Call bell in reach?", "kind": "decision", "no": "Gets up and walks alone"},
    "Presses the call bell",
    {"step": "Wait for a nurse", "kind": "delay", "wait": "median 9 minutes at night"},
    {"step": "Waits for the nurse?", "kind": "decision", "no": "Gets up and walks alone"},
    "Nurse walks with the patient to the toilet",
    {"step": "Nurse stays until back in bed?", "kind": "decision", "yes": "end"},
    "Gets up and walks alone",
]
qi.process_map(night_toileting, start="Patient wakes needing the toilet", end="Back in bed",
               title="Night-time toileting on Holly ward, as it is");

# %% [markdown]
# **Chart description:** a process map in two rows. It starts with the oval "Patient wakes needing
# the toilet", then a diamond "Call bell in reach?" (no: to "Gets up and walks alone"), the step
# "Presses the call bell", an orange delay "Wait for a nurse" marked "median 9 minutes at night", a
# diamond "Waits for the nurse?" (no: to "Gets up and walks alone"), the step "Nurse walks with the
# patient to the toilet", a diamond "Nurse stays until back in bed?" (yes: to the end; no: to "Gets
# up and walks alone"), and the oval "Back in bed".
#
# Reading a process map, look for:
#
# - **delays** (the orange shapes): the 9-minute wait for a nurse at night is where patients give
#   up and walk alone;
# - **decisions that send people down a risky path**: three routes lead to "gets up and walks
#   alone", the step where falls happen;
# - **hand-offs and loops**: a nurse called away mid-task leaves the patient to walk back alone.
#
# **Try it:** the night staff suggest offering the toilet on a round at 01:00 and 04:00, before
# patients wake in need. Where would that step go in the map? Add it to the list and run the cell.

# %% [markdown]
# ## 3. A fishbone: what might be causing it?
#
# A **cause-and-effect diagram** (Ishikawa, 1986), or fishbone, collects the team's theories about
# a problem. The problem (the **effect**) is the head; each bone is a **category** of causes. In
# health care the categories are often patients, staff, methods, equipment, environment and
# medicines. The team brainstormed at a ward meeting, including two patients' relatives:

# %%
causes = {
    "Patients": ["Confusion or delirium", "Needs the toilet often at night", "Low blood pressure on standing", "Unfamiliar surroundings"],
    "Staff": ["Two nurses for 28 patients at night", "Breaks taken 02:00-04:00", "Agency staff new to the ward"],
    "Methods": ["No routine offer of the toilet at night", "Falls risk not reviewed after a change in condition", "Lying and standing BP not done"],
    "Equipment": ["Call bell out of reach", "Walking frame left at the bed end", "Bed not at its lowest"],
    "Environment": ["Dim light on the way to the toilet", "Toilets at the far end of the bay", "Wet floor in the bathroom"],
    "Medicines": ["Sedating medicines at night", "Diuretics given in the evening"],
}
qi.cause_effect_diagram("Falls at night on Holly ward", causes);

# %% [markdown]
# **Chart description:** a fishbone diagram. The head, on the right, reads "Falls at night on Holly
# ward". Six bones meet the spine, three above (Patients, Methods, Environment) and three below
# (Staff, Equipment, Medicines); each carries the causes listed in the cell above, from "Confusion or
# delirium" to "Diuretics given in the evening".
#
# A fishbone is a list of **theories**, not of facts: it says where to look. Eighteen possible
# causes is too many to act on at once. Which of them matter most? That is a question for data.

# %% [markdown]
# ## 4. 5 whys: what lies behind a cause?
#
# For one fall, the team kept asking "why?" until it reached something it could change (the "5
# whys", from the Toyota Production System; Ohno, 1988):
#
# | | |
# |---|---|
# | **the fall** | Mrs A fell walking to the toilet at 03:10. |
# | why? | She got up and walked alone. |
# | why? | She had pressed the call bell and nobody came for 12 minutes. |
# | why? | The one nurse in her bay was helping another patient, and the other was on a break. |
# | why? | Both night breaks are taken between 02:00 and 04:00, when most patients wake to use the toilet. |
# | why? | The break rota was set years ago, for the night staff's convenience, and never checked against when patients need help. |
#
# The last answer points to a change the team can test: move the breaks, or offer the toilet on a
# round before 02:00. Two cautions: real problems have more than one chain of causes (the fishbone
# shows many), and a "why" answered by blaming a person ("the nurse was slow") stops the learning
# too early: ask why the system made that likely.

# %% [markdown]
# ## 5. A Pareto chart: which causes matter most?
#
# Holly ward's incident system records, for each fall, the **main contributory factor** found at the
# post-falls review. Load the year's reports:

# %%
incidents = qi.datasets.load("falls_incidents")
incidents[["incident_id", "reported", "shift", "location", "cause", "harm"]].head(4)

# %% [markdown]
# A **Pareto chart** puts the categories in order from the largest down, with a line for the
# running total (the **cumulative percentage**). Juran's "Pareto principle" says that a **vital
# few** causes usually account for most of a problem, and the "useful many" for the rest; by
# convention, the vital few are the largest categories that together reach 80%. `qi.pareto_chart`
# counts the rows of each category (one row is one fall):

# %%
qi.pareto_chart(incidents, category="cause", title="Holly ward: falls by main cause, April 2023 to March 2024");

# %% [markdown]
# **Chart description:** Pareto chart of the 96 falls by main cause, bars from largest to smallest:
# toileting need 40, confusion or delirium 22, low blood pressure on standing 16 (these three dark:
# the vital few), then unsafe footwear 9, environment 4, sedating medicine 3, equipment 2. The
# cumulative line rises to 81% after the third bar, past the dotted 80% line, and ends at 100%.
#
# The numbers behind the chart: `qi.pareto_table`.

# %%
# NBVAL_CHECK_OUTPUT
table = qi.pareto_table(incidents, category="cause")
print(table[["category", "count", "percent", "cumulative_percent", "vital_few"]].round(1).to_string(index=False))

# %% [markdown]
# Three of the seven causes account for 81% of Holly's falls: toileting, confusion, and low blood
# pressure on standing. The fishbone had eighteen theories; the data say where to start. (The 80% is
# a convention, not a law: look at the bars, not only at the line.)

# %% [markdown]
# ## 6. Stratify: is it the same by night and by day?
#
# Module 2 showed that adding wards together can hide a change. The same is true of causes: 60 of
# the 96 falls were at night (20:00 to 07:59). **Stratify** by shift: one Pareto chart for the night,
# one for the day, side by side (`ax=` puts each chart in its place).

# %%
fig, (night_ax, day_ax) = plt.subplots(1, 2, figsize=(12, 5))
qi.pareto_chart(incidents[incidents["shift"] == "night"], category="cause", ax=night_ax, title="Night (60 falls)")
qi.pareto_chart(incidents[incidents["shift"] == "day"], category="cause", ax=day_ax, title="Day (36 falls)")
fig.tight_layout()

# %% [markdown]
# **Chart description:** two Pareto charts side by side. Night (60 falls): toileting need 35 and
# confusion or delirium 19 are the vital few, reaching 90%; sedating medicine, environment and low
# blood pressure on standing follow with 1 to 3 each. Day (36 falls): low blood pressure on standing
# 15, unsafe footwear 9 and toileting need 5 are the vital few, reaching 81%; confusion, environment
# and equipment follow.
#
# The vital few of each shift:

# %%
# NBVAL_CHECK_OUTPUT
for shift in ["night", "day"]:
    part = qi.pareto_table(incidents[incidents["shift"] == shift], category="cause")
    print(f"{shift}: {', '.join(part.loc[part['vital_few'], 'category'])}")

# %% [markdown]
# Two different problems were hiding in one: **at night**, patients fall getting to the toilet,
# often confused; **by day**, they fall when their blood pressure drops on standing, or in unsafe
# footwear. The change ideas differ too: a toileting round and a nurse in each bay at night; lying
# and standing blood pressure and a footwear check by day. A Pareto chart of all 96 falls would have
# sent the day team chasing toileting.
#
# **Try it:** make the Pareto chart of `location` (where on the ward the falls happen) for the night
# falls: change `category="cause"` to `category="location"` in one of the cells above.

# %% [markdown]
# ## 7. From understanding to change
#
# Holly ward's team now has:
#
# - a **process map** showing where night-time toileting goes wrong (the wait for a nurse);
# - a **fishbone** of theories, and **5 whys** behind one of them (the break rota);
# - **data**: three causes make 81% of falls, and night and day differ.
#
# Those become the change ideas of a **driver diagram** and the first **PDSA cycles** (module 6),
# and the falls rate goes on a **run chart** (module 4) to see whether the changes work. Keep the
# process map and the fishbone: redraw them when you learn something new.

# %% [markdown]
# ## Key points
#
# - Study the system before changing it: every system is perfectly designed to get the results it
#   gets.
# - A **process map** shows how the work really happens; look for delays, risky decisions, loops
#   and hand-offs.
# - A **fishbone** collects the team's theories about causes, under categories; **5 whys** follows
#   one chain down to something the team can change (a system, not a person to blame).
# - A **Pareto chart** orders causes from largest to smallest; the **vital few** (the largest,
#   together reaching about 80%) are where to start.
# - **Stratify** (night and day, ward by ward) before you decide: one problem is often two.
#
# **Discuss with your coach:** pick a problem in your own service. Who would you need in the room to
# map the process as it really happens, and what data would show you its vital few?
#
# **Practise:** [exercises/03_understanding_the_system.ipynb](../exercises/03_understanding_the_system.ipynb) (graded, with hints).
#
# **Next:** [Module 4, Run charts](04_run_charts.ipynb)

# %% [markdown]
# ## Sources
#
# - Langley GJ, Moen RD, Nolan KM, Nolan TW, Norman CL, Provost LP (2009). *The Improvement Guide*,
#   2nd ed. Jossey-Bass (understanding the system; flowcharts, cause-and-effect diagrams, Pareto
#   charts).
# - NHS England and NHS Improvement (2021). *Quality, Service Improvement and Redesign (QSIR)
#   tools*: process mapping, cause and effect (fishbone), 5 whys, Pareto analysis.
# - Ishikawa K (1986). *Guide to Quality Control*, 2nd ed. Asian Productivity Organization (the
#   cause-and-effect diagram).
# - Juran JM (1975). The non-Pareto principle; mea culpa. *Quality Progress* 8(5):8–9 (the vital few
#   and the useful many).
# - Ohno T (1988). *Toyota Production System: beyond large-scale production.* Productivity Press
#   (asking "why" five times).
# - Royal College of Physicians (2023). *National Audit of Inpatient Falls (NAIF) annual report*
#   (inpatient falls at night, near the toilet, with delirium and postural hypotension).
# - Example data: `falls_incidents` (synthetic; see `datasets/README.md`).
