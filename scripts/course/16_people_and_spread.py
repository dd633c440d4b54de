# Source of notebooks/16_people_and_spread.ipynb: edit this file, then run `python scripts/build_notebooks.py 16`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 16: People and spread
#
# | | |
# |---|---|
# | **Level** | 1 (foundation) |
# | **Time** | about 40 minutes, and 30 for its exercise |
# | **Prerequisites** | [Module 2, Aims and measures](02_aims_and_measures.ipynb), [Module 4, Run charts](04_run_charts.ipynb) and [Module 6, PDSA cycles](06_pdsa_cycles.ipynb) |
# | **Measure used** | the falls project on Ash and Cedar wards (modules 4 and 6): falls per 1,000 occupied bed days on all eight wards (example data, `ward_falls`) |
#
# **Learning objectives.** By the end of this module you will be able to:
# - carry out a **stakeholder analysis** and place people on a **power/interest grid**;
# - name the **roles** an improvement team needs, with patients as members;
# - tell informing, consulting and involving patients from **co-production**;
# - use the **NHS Sustainability Model** to find what threatens a change, and what to do about it;
# - plan **spread** and **scale-up** with the IHI Framework for Spread, and measure it;
# - list the sections of a **SQUIRE 2.0** report of an improvement project.
#
# The words this module uses (stakeholder, co-production, spread, SQUIRE 2.0, ...) are explained in the
# course [glossary](glossary.ipynb).

# %% [markdown]
# ## 1. Improvement is done by people
#
# The falls bundle worked on Ash and Cedar (modules 4 and 6): falls fell by about 40% and stayed
# down. Charts and PDSA cycles found that out; people made it happen, and people will decide whether
# it lasts and whether the other six wards take it up. *Developing People – Improving Care* (2016)
# puts it at the centre: improvement needs "compassionate, inclusive and effective leaders at all
# levels" and knowledge of improvement methods at all levels, drawing on staff's and service
# users' knowledge. This module is about the people side: who to involve and how, whether the
# change will last, how it spreads, and how to tell others about it.
#
# Run the setup cell.

# %%
# Setup: load the tools this notebook uses.
# %config InlineBackend.figure_formats = ["png"]
import warnings

import matplotlib.pyplot as plt
import pandas as pd
import qitools as qi

plt.rcParams["figure.dpi"] = 100  # sharp enough to project and zoom
warnings.formatwarning = lambda msg, cat, *args, **kwargs: f"{cat.__name__}: {msg}\n"  # short warnings

# %% [markdown]
# ## 2. Stakeholder analysis
#
# A **stakeholder** is anyone who affects, or is affected by, the change. A stakeholder analysis
# lists them and places each on a **power/interest grid** (Mendelow 1981; the NHS QSIR programme
# uses it): how much power they have over the change, and how interested in it they are. The
# quarter decides how you work with them:
#
# | | low interest | high interest |
# |---|---|---|
# | **high power** | **keep satisfied**: short updates on what matters to them (cost, risk) | **manage closely**: involve them in decisions, meet regularly |
# | **low power** | **monitor**: tell them when it affects them | **keep informed**: share progress, ask for their ideas |
#
# The falls team's stakeholders for spreading the bundle to the other six wards (scored 1 to 10 by
# the team):

# %%
stakeholders = pd.DataFrame({
    "stakeholder": ["Director of nursing", "Finance director", "Ward managers (6 wards)", "Ward pharmacists",
                    "Patients and families", "Estates team", "Falls prevention lead"],
    "power": [9, 8, 7, 3, 4, 2, 6],
    "interest": [8, 3, 6, 8, 9, 2, 10],
})
high_power, high_interest = stakeholders["power"] > 5, stakeholders["interest"] > 5
stakeholders["quarter"] = "monitor"
stakeholders.loc[high_power & high_interest, "quarter"] = "manage closely"
stakeholders.loc[high_power & ~high_interest, "quarter"] = "keep satisfied"
stakeholders.loc[~high_power & high_interest, "quarter"] = "keep informed"
stakeholders

# %% [markdown]
# The grid as a picture:

# %%
fig, ax = plt.subplots(figsize=(7, 5))
ax.scatter(stakeholders["interest"], stakeholders["power"], color="#005eb8")
for _, row in stakeholders.iterrows():
    ax.annotate(row["stakeholder"], (row["interest"], row["power"]), xytext=(5, 4), textcoords="offset points")
ax.axhline(5.5, color="grey", linestyle="--")
ax.axvline(5.5, color="grey", linestyle="--")
for x, y, text in [(1, 10.3, "keep satisfied"), (6, 10.3, "manage closely"), (1, 0.2, "monitor"), (6, 0.2, "keep informed")]:
    ax.text(x, y, text, color="grey", style="italic")
ax.set(xlim=(0, 12.5), ylim=(0, 11), xlabel="interest in the change", ylabel="power over the change",
       title="Stakeholders for spreading the falls bundle")
plt.show()

# %% [markdown]
# **Chart description:** a scatter of seven stakeholders, interest from 0 to 12 across and power
# from 0 to 11 up, split into four quarters by dashed lines at 5.5. Top right (manage closely):
# the director of nursing, the ward managers and the falls prevention lead. Top left (keep
# satisfied): the finance director. Bottom right (keep informed): the ward pharmacists and the
# patients and families. Bottom left (monitor): the estates team.
#
# A grid is a starting point, not a verdict. **Patients and families** land in "keep informed"
# because the organisation gives them little formal power; but they know what it is like to fall on
# a ward, and they are the reason for the project. The next two sections move them into the team.

# %% [markdown]
# ## 3. The team
#
# The IHI's guidance on forming an improvement team (Langley et al. 2009; IHI, *How to Improve*)
# names the roles a team needs, whatever its size:
#
# | role | who, on the falls project | what they do |
# |---|---|---|
# | **sponsor** (executive or senior leader) | the director of nursing | links the project to the organisation's aims, removes barriers, finds resources |
# | **clinical leader** | a consultant geriatrician | understands the clinical work and its effects on patients; leads clinical colleagues |
# | **technical expert** | the falls prevention lead; an analyst for the charts | knows the subject and the improvement and measurement methods |
# | **day-to-day leader** | the ward manager of Ash | drives the project on the ward: runs the PDSA cycles, collects the data |
#
# And **patients and carers as members**, not only as people to be told: a relative who saw a
# parent fall on a ward will spot things in a "call, don't fall" sign that no member of staff will.

# %% [markdown]
# ## 4. Patients and the public: from informing to co-production
#
# Involvement is a ladder (Arnstein 1969; NHS England's ladder of engagement and participation, 2017).
# A simpler version of it, used in this course:
#
# | rung | what it means | falls example |
# |---|---|---|
# | **inform** | tell people what has been decided | a leaflet about the falls bundle for new patients |
# | **consult** | ask for views, then decide without them | a survey of relatives about the bay-tagging rota |
# | **involve** | work with people on parts of the decision | patients test three versions of the "call, don't fall" sign and choose one |
# | **co-produce** | share power: design, deliver and judge the change together, as equal partners | two former patients and a carer sit in the team, plan the PDSA cycles and decide with staff what to spread |
#
# **Co-production** is the top rung: people who use services and staff bring different expertise
# and share the decisions (NHS England, *Working in partnership with people and communities*, 2022;
# Think Local Act Personal's ladder of co-production). Each rung has its uses; the mistake is to
# call a survey "co-production".

# %% [markdown]
# ## 5. Will it last? The NHS Sustainability Model
#
# Many improvements fade when the project team moves on. The **NHS Sustainability Model** (Maher,
# Gustafson and Evans, NHS Institute for Innovation and Improvement, 2010) names **ten factors** in
# three groups that predict whether a change will last:
#
# | group | factors |
# |---|---|
# | **process** | benefits beyond helping patients (e.g. time saved) · credibility of the benefits · adaptability of the improved process · effectiveness of the system to monitor progress |
# | **staff** | staff involvement and training · staff attitudes towards sustaining the change · senior leadership engagement · clinical leadership engagement |
# | **organisation** | fit with the organisation's strategic aims and culture · infrastructure for sustainability (staff, facilities, policies, money) |
#
# Each team member scores each factor by choosing the description that fits best; the model's score
# sheet weights them (leadership and staff involvement weigh most: senior leadership engagement can
# score up to 15 points, the system to monitor progress up to 6.5, as a study that used the model
# reports). The team compares its scores,
# talks about the differences, and acts on the weakest factors; then scores again a few months
# later. The falls team's average scores, as a percentage of each factor's maximum:

# %%
# NBVAL_CHECK_OUTPUT
sustainability = pd.DataFrame({
    "factor": ["benefits beyond patients", "credibility of benefits", "adaptability", "monitoring progress",
               "staff involvement and training", "staff attitudes", "senior leadership", "clinical leadership",
               "fit with aims and culture", "infrastructure"],
    "group": ["process"] * 4 + ["staff"] * 4 + ["organisation"] * 2,
    "percent_of_maximum": [60, 85, 70, 45, 55, 75, 80, 65, 70, 35],
})
print("average % of the maximum, by group:")
print(sustainability.groupby("group", sort=False)["percent_of_maximum"].mean().round(0).to_string())

# %% [markdown]
# As a chart, weakest first:

# %%
ordered = sustainability.sort_values("percent_of_maximum")
fig, ax = plt.subplots(figsize=(8, 4))
ax.barh(ordered["factor"], ordered["percent_of_maximum"], color="#005eb8")
ax.set(xlim=(0, 100), xlabel="% of the factor's maximum score", title="Falls bundle: NHS Sustainability Model")
plt.show()

# %% [markdown]
# **Chart description:** horizontal bars for the ten factors, weakest at the top: infrastructure
# 35%, monitoring progress 45%, staff involvement and training 55%, benefits beyond patients 60%,
# clinical leadership 65%, adaptability and fit with aims 70%, staff attitudes 75%, senior
# leadership 80%, credibility of benefits 85%.
#
# The weakest two point at what to do next: **infrastructure** (the bay-tagging rota depends on
# one ward manager's goodwill: write it into the ward's staffing plan and the falls policy) and
# **monitoring progress** (nobody is charged with watching the falls chart once the project ends:
# give the monthly run chart an owner, and a monthly audit of bay tagging as a process measure).

# %% [markdown]
# ## 6. Spread and scale-up
#
# **Spread** is other teams taking up a change that works; **scale-up** is taking it to a whole
# organisation or system. The **IHI Framework for Spread** (Massoud et al. 2006) names what a spread
# plan needs:
#
# - **leadership**: the topic is a strategic priority, with an executive sponsor and a day-to-day
#   manager of the spread;
# - **a better idea**: the change, described so others can see why it is better (the evidence, the
#   charts, stories from patients);
# - **set-up**: the target population (the six other wards), the first adopters, and how the work
#   will be organised;
# - **communication** and the **social system**: who talks to whom; people adopt changes from
#   colleagues they trust. Rogers (2003) describes innovators and early adopters, then the majority;
#   start with the wards whose managers are keen;
# - **measurement and feedback**: the same measure on every ward, charted and fed back;
# - **knowledge management**: what each ward learns in its own PDSA cycles (adapting the bundle to
#   its patients) is shared with the others.

# %% [markdown]
# For going to **full scale**, the IHI's later framework (Barker, Reid and Schall 2016) adds a
# **scalable unit**: the smallest unit (one ward) that has all the parts of the system the change
# needs, tested there before going wider.

# %% [markdown]
# Measurement and feedback in practice: one run chart per ward, made in one call (`facet="ward"`),
# before the spread begins. This is the baseline against which each ward will see its own change.

# %%
wards = qi.datasets.load("ward_falls")
baseline = qi.run_chart(wards, x="month", y="falls", n="occupied_bed_days", multiply=1000, facet="ward")
baseline.plot(facet_cols=4, figsize=(12, 5), title="Falls per 1,000 bed days, by ward");

# %% [markdown]
# **Chart description:** eight small run charts, one per ward (Ash, Beech, Cedar, Elm, Hazel, Maple,
# Oak, Willow), April 2021 to March 2024, on one scale. Ash and Cedar show a clear drop from
# November 2022 (their medians drawn dashed: a runs signal); the other six wards wander around
# their own medians (from about 2.5 on Oak to about 9 on Beech) with no signal.
#
# The six wards without the bundle are where the spread plan starts, and Beech, with the highest
# rate, has the most to gain. Each will run its own PDSA cycles to adapt the bundle: spread is not
# copying.

# %% [markdown]
# ## 7. Telling others: SQUIRE 2.0
#
# When the project is done, write it up so others can learn from it, including what did not work.
# **SQUIRE 2.0** (Standards for QUality Improvement Reporting Excellence; Ogrinc et al. 2016) lists
# 18 items a report of an improvement project should cover, in this order:
#
# 1. **Title** and **abstract**: that it is about improving care, and a summary.
# 2. **Introduction**: *why did you start?* The problem, what was already known, the rationale
#    (why the change should work) and the specific aims.
# 3. **Methods**: *what did you do?* The context, the intervention(s), how you studied them, the
#    measures, the analysis (the charts and the rules used) and the ethical considerations.
# 4. **Results**: *what did you find?* What happened to the process and the outcomes, with the
#    charts, including unexpected results and the balancing measures.
# 5. **Discussion**: *what does it mean?* A summary, the interpretation, the limitations and the
#    conclusions.
# 6. **Other information**: funding.
#
# The falls project's story (module 17) follows the same order in a few sentences: aim, measure,
# what we changed, what the chart shows, what next.

# %% [markdown]
# ## Key points
#
# - A **stakeholder analysis** places people on a **power/interest grid**: manage closely, keep
#   satisfied, keep informed, monitor. Patients belong in the team, whatever the grid says.
# - An improvement team needs a **sponsor**, a **clinical leader**, a **technical expert** and a
#   **day-to-day leader**, with patients and carers as members.
# - Involvement runs from informing and consulting to involving and **co-production**, where
#   people who use services and staff share the decisions.
# - The **NHS Sustainability Model**'s ten factors (process, staff, organisation) show what
#   threatens a change: act on the weakest, and score again.
# - **Spread** needs leadership, a better idea, set-up, communication, the social system,
#   measurement and feedback, and knowledge management (IHI); each ward adapts the change.
# - **SQUIRE 2.0** orders a report: title and abstract, introduction, methods, results, discussion.
#
# **Discuss with your coach:** for your own project, who is in the "manage closely" quarter, and
# where on the ladder are your patients? Which factor of the Sustainability Model is your weakest?
#
# **Practise:** [exercises/16_people_and_spread.ipynb](../exercises/16_people_and_spread.ipynb) (graded, with hints, and a reflection your coach marks).
#
# **Next:** [Module 17, Your own data](17_your_own_data.ipynb)

# %% [markdown]
# ## Sources
#
# - NHS Improvement and partners (2016). *Developing People – Improving Care* (Conditions 2 and 3).
# - Mendelow AL (1981). Environmental scanning: the impact of the stakeholder concept. *Proceedings
#   of the 2nd International Conference on Information Systems* (ICIS 1981), Cambridge, MA, paper 20 (the power/interest
#   grid); NHS England and NHS Improvement, *Quality, Service Improvement and Redesign (QSIR)
#   tools: stakeholder analysis*.
# - Langley GJ, Moen RD, Nolan KM, Nolan TW, Norman CL, Provost LP (2009). *The Improvement Guide*,
#   2nd ed. Jossey-Bass; Institute for Healthcare Improvement, *How to Improve: forming the team*.
# - Arnstein SR (1969). A ladder of citizen participation. *J Am Inst Planners* 35:216–224; NHS
#   England (2017). *Patient and public participation in commissioning health and care* (the ladder
#   of engagement and participation); NHS England (2022). *Working in partnership with people and
#   communities: statutory guidance*.
# - Maher L, Gustafson D, Evans A (2010). *Sustainability Model and Guide.* NHS Institute for
#   Innovation and Improvement; Doyle C, Howe C, Woodcock T, et al. (2013). Making change last:
#   applying the NHS Institute for Innovation and Improvement sustainability model to healthcare
#   improvement. *Implement Sci* 8:127; the factors' maximum scores as reported in *Implement Sci
#   Commun* (2021), doi:10.1186/s43058-021-00205-x, Table 5.

# %% [markdown]
# - Massoud MR, Nielsen GA, Nolan K, Schall MW, Sevin C (2006). *A Framework for Spread: from local
#   improvements to system-wide change.* IHI Innovation Series white paper; Barker PM, Reid A,
#   Schall MW (2016). A framework for scaling up health interventions. *Implement Sci* 11:12;
#   Rogers EM (2003). *Diffusion of Innovations*, 5th ed. Free Press.
# - Ogrinc G, Davies L, Goodman D, Batalden P, Davidoff F, Stevens D (2016). SQUIRE 2.0 (Standards
#   for QUality Improvement Reporting Excellence): revised publication guidelines from a detailed
#   consensus process. *BMJ Qual Saf* 25:986–992.
# - Example data: `ward_falls` (synthetic; see `datasets/README.md`); the stakeholders and the
#   sustainability scores are invented for this module.
