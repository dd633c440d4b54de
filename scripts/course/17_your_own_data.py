# Source of notebooks/17_your_own_data.ipynb: edit this file, then run `python scripts/build_notebooks.py 17`.
# ruff: noqa: E402, E501, E703, B905 - notebook idioms: imports where first needed, long markdown lines, ";" hides a plot's return value, plain zip() for readers

# %% [markdown]
# # Module 17: Your own data (capstone)
#
# | | |
# |---|---|
# | **Level** | 3 (analyst): it brings together the practitioner modules and module 11's baselines |
# | **Time** | about 45 minutes, and 45 for its exercise; then as long as your own data needs |
# | **Prerequisites** | [Module 4, Run charts](04_run_charts.ipynb), [Module 8, Choosing the chart](08_choosing_the_chart.ipynb), [Module 11, Baselines and limits](11_baselines_and_limits.ipynb) and [Module 16, People and spread](16_people_and_spread.ipynb) (telling the story) |
# | **Measure used** | falls per 1,000 occupied bed days on Ash and Cedar wards, as a ward dashboard exports them (`team_export_messy`); then a measure of your own |
#
# **Learning objectives.** By the end of this module you will be able to:
# - read a **messy export** (titles, two header lines, UK dates, "1,444" and "93%", totals) into a
#   tidy table, and check it against the export's own totals;
# - **choose** the chart, find a long enough **baseline**, and **interpret** the chart;
# - **share** the result safely (**small numbers suppressed**) and write its **story** for your team
#   or board, in the order a SQUIRE report uses (module 16);
# - do all of this again with **your own data**.
#
# The words this module uses (baseline, small-number suppression, capstone, ...) are explained in the
# course [glossary](glossary.ipynb).

# %% [markdown]
# ## The six steps
#
# 1. **Look** at the file as it is. 2. **Read** it into a table. 3. **Check** and tidy it.
# 4. **Choose** the chart. 5. **Chart and interpret** it. 6. **Share** it and write the story.
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
# ## Step 1: look at the file
#
# The falls group on Ash and Cedar exported its monthly report from the ward dashboard. This is
# what the file looks like (its first eight lines and its last three):

# %%
export = qi.datasets.path("team_export_messy")  # later: your own file, e.g. "my_export.csv"
lines = open(export, encoding="utf-8-sig").read().splitlines()
print("\n".join(lines[:8] + ["..."] + lines[-3:]))

# %% [markdown]
# A title and an export date above the table, a header over two lines, dates as text, bed days
# with a thousands separator, percentages with "%", blank lines, a total and a footnote. Copying
# this into a spreadsheet by hand is how errors creep in.

# %% [markdown]
# ## Step 2: read it
#
# `qi.read_measure` reads a CSV or Excel export, finds the table in it, and tells you **everything
# it changed**, so that you can check each change. (We collect its warning and print the list.)

# %%
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    raw = qi.read_measure(export)
for change in raw.attrs["qitools_changes"]:
    print("-", change)

# %% [markdown]
# Read every line: is each change what you want? Here they are. Then give the columns short
# names:

# %%
df = raw.rename(columns={"Month": "month", "Inpatient falls Number": "falls",
                         "Inpatient falls With harm": "falls_with_harm", "Beds Occupied bed days": "bed_days"})
df[["month", "falls", "falls_with_harm", "bed_days"]].head(3)

# %% [markdown]
# ## Step 3: check
#
# Three quick checks catch most problems: the number of rows (one per month, none missing), the
# missing values, and the totals against the export's own "Total" line (220 falls, 35,323 bed days).

# %%
# NBVAL_CHECK_OUTPUT
print(f"months: {len(df)}, from {df['month'].min():%b %Y} to {df['month'].max():%b %Y}")
print("missing values:", df.isna().sum()[lambda s: s > 0].to_dict())
print(f"totals: {df['falls'].sum():.0f} falls, {df['bed_days'].sum():,.0f} bed days")

# %% [markdown]
# 24 months, none missing; one missing harm-free care value (August 2023 was not audited: "n/a"),
# which we do not need; and the totals agree.

# %% [markdown]
# ## Step 4: choose the chart
#
# Falls are counts in an area of opportunity (bed days) that varies a little: a u chart (module 8).
# `qi.suggest_chart` agrees, and says why:

# %%
print(qi.suggest_chart(df, x="month", y="falls", n="bed_days"))

# %% [markdown]
# ## Step 5: chart and interpret
#
# Always start with a run chart. The falls bundle started on both wards in November 2022.

# %%
# NBVAL_CHECK_OUTPUT
rc = qi.run_chart(df, x="month", y="falls", n="bed_days", multiply=1000)
s = rc.summary.iloc[0]
print(f"median {s['cl']:.2f}; longest run {s['longest_run']} (limit {s['longest_run_max']:.0f}); "
      f"crossings {s['n_crossings']} (limit {s['n_crossings_min']:.0f}); signal: {s['runs_signal']}")

# %% [markdown]
# **No signal**, although the falls clearly dropped. Why? The export starts in April 2022, so only
# **7 months** come before the change. The median of all 24 months sits close to the new level, and
# 7 high months make a run that is not long enough to be unusual. The problem is the **baseline**,
# not the bundle: a chart needs enough "before" to show an "after" (module 11).
#
# The fix is to ask for more data. The dashboard team sent the 12 months before (April 2021 to March
# 2022): they are Ash and Cedar's rows in the course's `ward_falls` data, added together.

# %%
wards = qi.datasets.load("ward_falls")
earlier = wards[wards["ward"].isin(["Ash", "Cedar"]) & (wards["month"] < "2022-04-01")]
earlier = earlier.groupby("month")[["falls", "occupied_bed_days"]].sum().reset_index()
earlier = earlier.rename(columns={"occupied_bed_days": "bed_days"})
falls = pd.concat([earlier, df[["month", "falls", "bed_days"]]], ignore_index=True)
print(f"{len(falls)} months, {falls['month'].min():%b %Y} to {falls['month'].max():%b %Y}")

# %% [markdown]
# Now a u chart with a new part from November 2022 (the bundle), lower is better:

# %%
cc = qi.control_chart(falls, x="month", y="falls", n="bed_days", chart="u", multiply=1000,
                      part=["2022-11-01"], improvement="decrease")
cc.plot(figsize=(8, 3.5), title="Ash and Cedar: falls per 1,000 occupied bed days",
        annotations=[{"x": "2022-11-01", "label": "falls bundle"}]);

# %% [markdown]
# **Chart description:** u chart of Ash and Cedar's falls per 1,000 occupied bed days, April 2021
# to March 2024, in two parts split at a dashed line labelled "falls bundle" (November 2022). Part 1:
# points between about 5 and 14 around a centre line of 10.3, limits about 2.4 and 18.2. Part 2:
# points between about 2 and 8 around 4.7, limits 0 and about 10.1. All points are grey: no signal
# inside either part.

# %%
# NBVAL_CHECK_OUTPUT
print(cc.summary[["part", "n_obs", "cl", "lcl", "ucl", "sigma_signals", "runs_signal"]].round(2).to_string(index=False))
frozen = qi.control_chart(falls, x="month", y="falls", n="bed_days", chart="u", multiply=1000, freeze="2022-10-01")
s = frozen.summary.iloc[0]
print(f"against the frozen baseline: runs signal {s['runs_signal']}, longest run {s['longest_run']}")

# %% [markdown]
# Each part is stable, the centre line fell from about 10 to 4.7 falls per 1,000 bed days, and
# against the frozen baseline the months after the bundle form a long run: a real, sustained
# improvement. `cc.explain()` puts it in words:

# %%
print(cc.explain())

# %% [markdown]
# ### Explore: where does the change start?
#
# Move the start of the second part, or switch to a run chart, and see how the picture changes.
# Splitting at the wrong month blurs both parts; only split where you know something changed.

# %%
# NBVAL_IGNORE_OUTPUT
from ipywidgets import SelectionSlider, interact

starts = [m.strftime("%Y-%m-%d") for m in falls["month"]][6:-6]


@interact(chart=["u", "run"], new_part_from=SelectionSlider(options=starts, value="2022-11-01"))
def split_explorer(chart, new_part_from):
    c = qi.control_chart(falls, x="month", y="falls", n="bed_days", chart=chart, multiply=1000,
                         part=[new_part_from])
    c.plot(figsize=(8, 3.5), title=f"New part from {new_part_from}")
    plt.show()

# %% [markdown]
# **Chart description:** the falls chart (u chart or run chart, as you choose) with its second part
# starting at the month you pick on the slider.

# %% [markdown]
# ## Step 6: share it, and write the story
#
# Before a table leaves the team, **suppress small counts** so that no patient can be recognised
# (NHS statistical disclosure practice: counts from 1 to 4 are shown as "<5"). Falls with harm are
# small numbers. `qi.suppress_small_counts` takes the table and the count columns to suppress
# (and, with `also=`, the rates made from them, which would give the counts away):

# %%
# NBVAL_CHECK_OUTPUT
shareable = qi.suppress_small_counts(df[["month", "falls", "falls_with_harm"]], ["falls_with_harm"])
print(shareable.head(6).to_string(index=False))
print("months suppressed:", (shareable["falls_with_harm"] == "<5").sum(), "of", len(shareable))

# %% [markdown]
# A chart's HTML report does the same with `suppress_small=True`:
# `qi.chart_report(cc, "falls_report.html", suppress_small=True)` writes a report you can send,
# with the chart, its reading and a data table whose counts from 1 to 4 show as "<5".

# %% [markdown]
# Then write the **story**: the chart, and a few sentences that answer the Model for Improvement's
# questions. For example:
#
# > **Aim.** Reduce inpatient falls on Ash and Cedar wards by 30% by March 2023.
# > **Measure.** Falls per 1,000 occupied bed days (all reported inpatient falls; bed days from the
# > midnight census), monthly, u chart.
# > **What we changed.** A falls bundle (lying and standing blood pressure, bay tagging, medication
# > review, "call, don't fall" signs), tested in PDSA cycles on Ash before starting on both wards in
# > November 2022.
# > **What the chart shows.** Falls fell from about 10 to under 5 per 1,000 bed days, a sustained
# > signal (a long run below the old centre line), and the new level has been stable for 17 months.
# > The aim was met.
# > **What next.** Keep the bundle going (a monthly audit of bay tagging); share it with the other
# > six wards, starting with Beech (the highest rate).
#
# **Try it:** double-click this cell and rewrite the story in your own words, or for your own data.

# %% [markdown]
# ### How your coach marks a story
#
# The exercise asks you to write the story of a chart; your coach marks it with this rubric (each
# line 0 = missing, 1 = partly there, 2 = clear and right; 12 in all, and "ready to share" at 9 or
# more with no 0):
#
# | | the story... |
# |---|---|
# | **aim** | says how much, by when, for whom (module 2) |
# | **measure** | defines the measure (what is counted, out of what, from which source) and says which chart and why (modules 2 and 8) |
# | **change** | says what was changed and how it was tested (PDSA cycles, when) (module 6) |
# | **chart** | reads the chart by its rules (signal or not, the baseline, parts or frozen limits) without claiming more than it shows (modules 5, 7 and 11) |
# | **next** | says how the gain will be held and spread, with a process or balancing measure (modules 2, 15 and 16) |
# | **shared safely** | suppresses small numbers and is written in plain words for its readers (this module) |

# %% [markdown]
# ## Now with your own data
#
# 1. Export your measure from your dashboard or spreadsheet as `.csv` or `.xlsx`, and put the file in
#    the same folder as this notebook. Use data without patient identifiers: counts per month are
#    enough.
# 2. In Step 1, replace `qi.datasets.path("team_export_messy")` with your file's name in quotes, for
#    example `"my_export.xlsx"`.
# 3. Run the cells again from Step 1. Read the list of changes; fix the column names in Step 2;
#    make the three checks in Step 3; choose your chart in Step 4 (use `kind=` if the suggestion
#    is wrong); chart it in Step 5, with your own dates for parts and annotations.
# 4. Write your story in Step 6, and take it to your coach.
#
# If an error appears, read its message: it says what was wrong and how to fix it.

# %% [markdown]
# ## Key points
#
# - Look at the raw file first; read it with `qi.read_measure` and **check every change** it reports.
# - Check the row count, the missing values and the totals before charting.
# - Start with a run chart; choose the control chart from the kind of data.
# - A chart needs a **baseline**: with too few "before" points a real change may not show. Ask for
#   more data rather than splitting the chart by eye.
# - **Suppress small counts** before sharing (`qi.suppress_small_counts`, or `suppress_small=True`
#   in a report), and tell the story: aim, measure, change, chart, next. Your coach marks it with
#   the rubric above.
#
# **Discuss with your coach:** bring your own chart and story. What does the chart show, what do
# you think caused it, and what will you test next?
#
# **Practise:** [exercises/17_your_own_data.ipynb](../exercises/17_your_own_data.ipynb) (graded, with hints; your story is marked by your coach).
#
# **This is the last module.** Well done! Go back to [Start here](00_start_here.ipynb) for the list
# of modules, or to the `exercises` folder to practise.

# %% [markdown]
# ## Sources
#
# - Provost LP, Murray SK (2011). *The Health Care Data Guide.* Jossey-Bass (baselines, chart
#   selection, reporting).
# - Perla RJ, Provost LP, Murray SK (2011). The run chart. *BMJ Qual Saf* 20:46–51.
# - NHS Digital. *Statistical disclosure control* guidance for published health statistics
#   (suppressing small numbers).
# - Ogrinc G, Davies L, Goodman D, et al. (2016). SQUIRE 2.0: revised publication guidelines.
#   *BMJ Qual Saf* 25:986–992 (the order of the story).
# - Example data: `team_export_messy` and `ward_falls` (synthetic; see `datasets/README.md`).
