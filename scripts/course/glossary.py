# Source of notebooks/glossary.ipynb: edit this file, then run `python scripts/build_notebooks.py glossary`.
# The course glossary: text only (no code), one cell per letter; modules link here where a word first appears.

# %% [markdown]
# # Glossary
#
# The words the qitools course uses, in plain English, in alphabetical order, with the module that
# explains each one. Module notebooks link here where a word first appears; the course index is
# [Start here](00_start_here.ipynb). Use your browser's or JupyterLab's search
# (Ctrl-F) to find a word.
#
# ## A
#
# - **aim**: what a team is trying to accomplish: how much, by when, for whom (module 2).
# - **analyst extension**: an optional exercise question in which you write a short function; graded
#   apart from the clinician core (module 0).
# - **Anhøj rules**: run-chart rules (longest run, number of crossings) whose limits grow with the
#   number of points, so false alarms stay rare on long charts (modules 5, 13).
# - **annotation**: a note on a chart marking when a change was made (module 4).
# - **assurance icon**: the Making Data Count icon that says whether a process will meet its target.
#   **Pass**: both limits lie on the good side of the target, so it is met almost every time;
#   **fail**: both lie on the bad side; **hit or miss**: the target lies between the limits, so it is
#   met some months and missed in others by chance (modules 1, 13).

# %% [markdown]
# ## B
#
# - **balancing measure**: a measure that watches for harm a change (or a target) may cause
#   elsewhere: re-attendances when patients are sent home faster, say (modules 2, 15).
# - **baseline**: the points before a change, used to set the centre line (and limits) that later
#   points are judged against (modules 4, 11).

# %% [markdown]
# ## C
#
# - **c chart, u chart**: control charts for counts of events, with the same (c) or a varying (u)
#   area of opportunity such as bed days (module 8).
# - **Campbell's law**: the more a number is used to make decisions about people, the more it is
#   pressed out of shape, and the more it distorts the work it was meant to watch (Campbell 1979;
#   module 15).
# - **capstone**: the last module, in which you chart your own data and write its story (module 17).
# - **cause and effect diagram** (fishbone, Ishikawa): a picture of the possible causes of a problem,
#   grouped under headings (module 3).
# - **centre line**: the middle line of a chart: the median on a run chart, usually the mean on a
#   control chart (modules 4, 7).
# - **clinician core**: the questions of an exercise that need no programming: reading charts,
#   choosing options, filling in numbers, calling qitools with the arguments given (module 0).
# - **co-production**: patients, carers and staff designing and delivering a change together, as
#   equal partners, rather than staff deciding and patients being told or asked (module 16).
# - **common-cause variation**: the ordinary ups and downs of a stable process; reacting to each one
#   is tampering (modules 1, 7).
# - **control chart** (SPC chart, Shewhart chart): a run chart with control limits, the range the
#   process produces by chance (module 7).
# - **control limits**: the lines above and below the centre line; points beyond them are signals
#   (module 7).
# - **crossing**: a place where the line goes from one side of the median to the other (module 5).

# %% [markdown]
# ## D
#
# - **denominator, numerator**: the bottom and the top of a fraction: bed days and falls in "falls per
#   1,000 bed days" (module 2).
# - **dispersion ratio** (φ, phi): in a funnel plot, how much more the units vary than chance alone
#   would make them; about 1 when they differ only by chance (modules 12, 14).
# - **driver diagram**: a diagram linking an aim to the drivers that affect it and the change ideas
#   to test (module 6).
#
#
# ## F
#
# - **false alarm**: a signal that chance alone produced, when nothing changed. Every rule has a
#   false-alarm rate; with fixed run lengths it grows with the length of the chart (modules 5, 13).
# - **family of measures**: an outcome measure, process measures and a balancing measure, looked at
#   together (module 2).
# - **fear and blame**: what makes people hide problems and game targets; Berwick (2013) asks leaders
#   to abandon blame as a tool (module 15).
# - **freeze**: fix the centre line and limits on the baseline and extend them, so later points are
#   judged against it (modules 4, 11).
# - **funnel plot**: a chart comparing units (trusts, wards) against limits that narrow as units grow,
#   instead of a league table (module 14).

# %% [markdown]
# ## G
#
# - **g chart, t chart**: charts for rare events: the cases between events (g), or the time between
#   them (t) (module 10).
# - **gaming**: changing what is recorded, or when, or who is counted, to meet a target without
#   improving care: four-hour departures bunched at 3 h 59 m, for example (module 15).
# - **Goodhart's law**: when a measure becomes a target, it ceases to be a good measure (Goodhart
#   1975, in Strathern's words of 1997; module 15).
#
#
# ## H
#
# - **hitting the target and missing the point**: meeting the number while the purpose behind it is
#   not served (Bevan & Hood 2006; module 15).
#
# ## I
#
# - **I chart** (XmR chart, individuals chart): a control chart of single values, with limits from
#   the moving ranges (module 7).
# - **IHI Framework for Spread**: the Institute for Healthcare Improvement's guide to spreading a
#   tested change: leadership, a better idea, communication, social system, measurement and feedback,
#   knowledge management (Massoud et al. 2006; module 16).

# %% [markdown]
# ## L
#
# - **league table**: units ranked from best to worst; most of the order is chance and changes from
#   year to year (module 14).
#
#
# ## M
#
# - **Making Data Count**: NHS England's programme for board reporting with XmR charts and two icons
#   (variation and assurance) instead of RAG ratings (module 13).
# - **median**: the middle value once the values are sorted; half lie above it and half below
#   (module 4).
# - **Model for Improvement**: three questions (aim, measures, changes) plus PDSA cycles to test
#   changes (module 0).

# %% [markdown]
# ## O
#
# - **observed / expected** (standardised ratio): the events a unit had divided by the events
#   expected for its patients (their age, illness...); 1 means as expected. SHMI is one (modules 14, 15).
# - **operational definition**: exactly what to count and how, so that two people counting get the
#   same number (module 2).
# - **outcome measure, process measure**: what happens to patients; whether the steps of care happen
#   (module 2).
# - **over-dispersion**: more variation between points (or units) than the chart's assumptions allow.
#   It is a finding in itself: ask why; widening the limits for it is a judgement (modules 12, 14).

# %% [markdown]
# ## P
#
# - **p chart**: a control chart of proportions (yes/no per patient) whose limits vary with the
#   number of patients (module 8).
# - **Pareto chart**: bars in order from the biggest category down, with a running total; the first
#   few bars are the **vital few** (module 3).
# - **part**: a stretch of a chart with its own centre line (and limits), such as before and after a
#   change (modules 4, 11).
# - **patient and public involvement**: patients, carers and the public taking part in planning,
#   testing and judging a change, from being informed to co-production (module 16).
# - **PDSA cycle**: Plan (with a prediction), Do, Study, Act: a small test of a change (module 6).
# - **power/interest grid**: a stakeholder map: high power and high interest, manage closely; high
#   power, low interest, keep satisfied; low power, high interest, keep informed; low both, monitor
#   (module 16).
# - **process map**: a picture of the steps a patient (or a form, or a sample) goes through, showing
#   where the waits and handovers are (module 3).

# %% [markdown]
# ## R
#
# - **RAG rating**: red, amber or green against a threshold; it cannot tell a real change from chance
#   (module 1).
# - **ramp**: a series of linked PDSA cycles that grow a change step by step (module 6).
# - **risk adjustment** (case-mix adjustment): comparing each unit with what is expected for its own
#   patients, so that a unit that treats older or sicker people is not judged worse for it
#   (modules 14, 15).
# - **run**: one or more points in a row on the same side of the median (modules 4, 5).
# - **run chart**: a line chart of a measure in time order, with its median (module 4).

# %% [markdown]
# ## S
#
# - **sampling**: measuring some of the cases (20 notes a month, say) instead of all of them
#   (module 2).
# - **scale-up**: taking a change tested in one place to a whole organisation or system; **spread**
#   is other teams adopting it (module 16).
# - **seasonality**: a pattern that comes back at the same time every year, such as winter peaks of
#   sickness absence; a special cause you can plan for (modules 11, 13).
# - **shift**: a run of points on one side of the centre line long enough to be a signal: 6 or more
#   (IHI), 7 or more (Making Data Count), or longer than Anhøj's limit (modules 5, 13).
# - **signal** (special-cause variation): a pattern chance rarely produces, so look for a cause; false
#   alarms still happen (modules 5, 7).
# - **small-number suppression**: showing counts from 1 to 4 as "<5" (and the rates made from them as
#   "suppressed") before a table is shared, so that no patient can be recognised (module 17).
# - **SQUIRE 2.0**: the Standards for QUality Improvement Reporting Excellence: the sections of a
#   report of an improvement project (Ogrinc et al. 2016; module 16).
# - **stakeholder**: anyone who affects, or is affected by, a change (module 16).
# - **stratification**: splitting data into groups (wards, shifts, days) that may behave differently,
#   before charting (modules 2, 3).
# - **Sustainability Model** (NHS): the NHS Institute's ten factors, in three groups (process, staff,
#   organisation), that predict whether a change will last; a team scores them to see where to act
#   (module 16).

# %% [markdown]
# ## T
#
# - **target**: a value a process is asked to reach; drawn on a chart as a goal line (modules 1, 4,
#   13, 15).
# - **team roles**: in an improvement team, the clinical leader, the technical expert, the day-to-day
#   leader and the sponsor, with patients as members (module 16).
# - **trend**: several points in a row going up (or down); a weak rule, often a false alarm (modules 5,
#   13).
#
#
# ## U
#
# - **useful observation**: a point that is not on the median; the run-chart rules count only these
#   (module 4).
#
# ## V
#
# - **variation icon**: the Making Data Count icon for the **latest point** of a chart: common cause
#   (grey), improvement (blue) or concern (orange). It says nothing about earlier points: read the
#   whole chart (module 13).

# %% [markdown]
# ## X
#
# - **xbar and s charts**: control charts of the mean and the spread of several measurements per
#   period (module 9).
#
#
# ## Numbers
#
# - **5 whys**: asking "why?" again and again to get from a problem to a cause the team can change
#   (module 3).
