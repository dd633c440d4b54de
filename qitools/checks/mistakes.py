"""The catalogue of common mistakes the checks recognise: name -> (title, explanation).

A judge (:mod:`qitools.checks.judges`) names a mistake by its key (``Verdict.mistake``). The learner
sees its title and explanation under a wrong answer (:mod:`qitools.checks.reporting`); the coach's
gradebook shows its title in the ``notes`` column. An entry explains the idea, never an expected
value. To add one, add a key here and return ``_wrong(mistake=...)`` with it from the judge that
recognises it (a test checks that every mistake a judge names is in this catalogue).
"""

from __future__ import annotations

__all__ = ["MISTAKES"]


#: Mistakes learners really make, recognised by the checks: name -> (title, explanation).
MISTAKES: dict[str, tuple[str, str]] = {
    "mean_not_median": (
        "the mean instead of the median",
        "A run chart's centre line is the median: the middle value once the points are sorted, so "
        "half lie above it and half below. The mean is pulled towards a few extreme months.",
    ),
    "unsorted_middle": (
        "the middle month instead of the middle value",
        "The median is the middle of the values after sorting them from smallest to largest, not "
        "the value of the month in the middle of the period.",
    ),
    "baseline_not_used": (
        "all the points instead of the baseline",
        "The centre line comes from the baseline only (the points before the change), so that the "
        "later points can be judged against it.",
    ),
    "points_on_median_counted": (
        "counting points on the median",
        "Points exactly on the median are neither above nor below it. The run-chart rules skip "
        "them: they do not count as useful observations, and they neither break nor extend a run.",
    ),
    "process_outcome_swapped": (
        "process and outcome swapped",
        "A process measure counts whether the steps of care happened (screened, given antibiotics in "
        "time); an outcome measure counts what happens to patients (deaths, harm, recovery).",
    ),
    "balancing_missed": (
        "a balancing measure missed",
        "A balancing measure watches for harm the change might cause elsewhere in the system (more "
        "C. difficile from more antibiotics, longer waits): it is neither the result you want nor a step of care.",
    ),
    "runs_not_crossings": (
        "counting runs instead of crossings",
        "A crossing is where the line goes from one side of the median to the other. Runs are "
        "the stretches in between, so there is always one run more than crossings.",
    ),
    "percentage_not_proportion": (
        "a percentage where a proportion is needed",
        "A proportion lies between 0 and 1 (for example 0.85); a percentage is the same number "
        "times 100 (85%). This answer looks 100 times too big.",
    ),
    "proportion_not_percentage": (
        "a proportion where a percentage is asked for",
        "This answer looks 100 times too small: a percentage is the proportion times 100.",
    ),
    "wrong_scale": (
        "the answer on a different scale from the data",
        "The answer is a power of ten (10, 100, 1,000 ...) times too big or too small. The values are "
        "already on the measure's scale (per 1,000 bed days, per cent, ...): work with them as they are, "
        "without multiplying or dividing them again.",
    ),
    "inverted": (
        "the division the wrong way up",
        "Divide the number of events (the numerator) by the number of patients or the exposure "
        "(the denominator), not the other way round.",
    ),
    "complement": (
        "the proportion without the event",
        "This looks like the share of patients who did *not* have the event. Count the ones who did.",
    ),
    "forgot_multiplier": (
        "the rate per single unit, not per 1,000",
        "A rate 'per 1,000 bed days' is events divided by bed days, times 1,000. This answer "
        "looks like the rate per single bed day.",
    ),
    "wrong_multiplier": (
        "the wrong 'per' number",
        "A rate 'per 1,000 bed days' is events divided by bed days, times 1,000; 'per 100,000' would be "
        "times 100,000, and a percentage times 100. Check the 'per ...' in the question.",
    ),
    "mean_of_rates": (
        "the average of the monthly figures",
        "Months with more bed days (or patients) should count for more. Add up the events and the "
        "denominators first, then divide once.",
    ),
    "zero_denominator": (
        "no answer for a zero denominator",
        "Your function stops with an error, or gives a number, when the denominator is 0. With no "
        "bed days there is no rate: return float('nan') (not a number) for such a month.",
    ),
    "signed_moving_ranges": (
        "moving ranges with a sign",
        "A moving range is the size of the jump from one point to the next, so it is never "
        "negative: take the absolute value of each difference.",
    ),
    "moving_range_padding": (
        "a moving range for the first point",
        "The first point has no previous point, so there is one moving range fewer than points.",
    ),
    "sd_not_moving_range": (
        "the standard deviation instead of the moving ranges",
        "XmR limits come from the average moving range (the point-to-point variation), not from the "
        "overall standard deviation, which a shift or a trend inflates.",
    ),
    "three_mr": (
        "3 x the average moving range",
        "The 2.66 factor already includes the 3 sigma: 2.66 = 3 / 1.128, where 1.128 turns the "
        "average moving range into an estimate of sigma.",
    ),
    "unscreened_limits": (
        "limits from unscreened moving ranges",
        "One unusual point makes two huge moving ranges that widen the limits for every month. Screen "
        "them first: drop moving ranges above 3.267 × their average, once, and average the rest.",
    ),
    "median_centre_line": (
        "the median as an XmR centre line",
        "An XmR (I) chart's centre line is the mean of the points; the median is the centre of a run chart.",
    ),
    "on_limit_counted": (
        "counting a point exactly on a limit",
        "A point has to be strictly beyond a limit to be a special cause; a point on the limit is not.",
    ),
    "positions_not_labels": (
        "positions instead of labels",
        "Give the labels of the points (as they appear in the data), not their positions in the list "
        "(Python counts positions from 0).",
    ),
    "constant_p_limits": (
        "one pair of limits for every point",
        "p-chart limits depend on each point's own denominator: points with fewer patients get wider "
        "limits. Work out the limits point by point.",
    ),
    "mean_of_proportions": (
        "the average of the proportions",
        "The centre line of a p chart weights each point by its patients: total events divided by "
        "total patients, not the average of the proportions.",
    ),
    "limits_not_clipped": (
        "limits outside 0 to 1",
        "A proportion can't be below 0 or above 1, so limits are cut off there.",
    ),
    "own_proportion_for_limits": (
        "the point's own proportion for its limits",
        "A p chart's limits are centred on p̄ (all the events ÷ all the patients), the same for every "
        "point; only their width changes, with each point's number of patients.",
    ),
    "unsorted_dates": (
        "dates not sorted first",
        "Events are not always recorded in order. Sort the dates before working out the gaps, "
        "otherwise some gaps come out negative.",
    ),
    "inclusive_days": (
        "counting both the first and the last day",
        "The gap between two dates is the later date minus the earlier one: two events on "
        "consecutive days are 1 day apart.",
    ),
    "first_gap_zero": (
        "a gap for the first event",
        "The first event has no earlier event, so there is one gap fewer than events.",
    ),
    "cases_between_off_by_one": (
        "counting an event case as a case between",
        "The cases between two events are the ones in between: the difference of the two case "
        "numbers minus 1 (the event cases themselves are not counted).",
    ),
    "periods_not_in_order": (
        "periods out of order",
        "A chart's points go in time order: give the periods' values from the earliest period to the "
        "latest, whatever the order of the rows.",
    ),
    "sd_of_z": (
        "the standard deviation of the z-scores",
        "Laney's sigma-z comes from the moving ranges of the z-scores (average moving range / 1.128), "
        "as on an XmR chart, so that a shift between months does not inflate it.",
    ),
    "forgot_d2": (
        "the average moving range without dividing by 1.128",
        "The average moving range is not yet a standard deviation: divide it by d2 = 1.128.",
    ),
    "truncated_not_rounded": (
        "cutting off the decimals instead of rounding",
        "int() and math.floor() always round down; the rule uses the nearest whole number: round().",
    ),
    "wrong_log": (
        "the wrong logarithm",
        "The rule uses the logarithm to base 2: math.log2(n).",
    ),
    "counts_varying_exposure": (
        "the wrong chart for counts with varying exposure",
        "When events are counted against an area of opportunity that changes from month to month "
        "(bed days, patient days), the chart has to divide by it: a c chart assumes the same "
        "opportunity every time.",
    ),
    "rate_for_proportion": (
        "a rate chart for yes/no data",
        "When each patient either has the event or not (screened or not, treated within an hour or "
        "not) the data are a proportion of patients: classification data.",
    ),
    "p_for_counts": (
        "a p chart for counts of events",
        "A p chart needs a yes/no for each patient (at most one event each). Events that can happen "
        "several times to one patient, such as falls, are counts against an area of opportunity.",
    ),
    "counts_for_rare_events": (
        "counts per month for rare events",
        "When events are rare, most months count 0 or 1 and a chart of counts cannot show change. "
        "Chart the time (or the number of cases) between events instead.",
    ),
    "g_for_time": (
        "cases between for time between",
        "A g chart counts opportunities between events (operations between infections). For the "
        "number of days between events use the chart made for time between events.",
    ),
    "t_for_cases": (
        "time between for cases between",
        "A t chart is for the time between events (days). When you count the cases or opportunities "
        "between events (operations, deliveries), use the chart made for counts of cases between events.",
    ),
    "rare_event_direction": (
        "the direction of improvement for time between events",
        "On a chart of days between events, longer gaps mean fewer events: a point above the upper limit is good news.",
    ),
    "tampering": (
        "treating common-cause variation as special",
        "A point inside the limits, with no run or trend, is part of the usual variation. Reacting "
        "to it as if it were special (tampering) usually makes a process worse.",
    ),
    "ignoring_special_cause": (
        "missing a special cause",
        "A point beyond a limit (or a long enough run) is a signal: a pattern that chance rarely "
        "produces, so look for what changed rather than treating it as the usual variation.",
    ),
    "rebase_on_outlier": (
        "recalculating limits after one unusual point",
        "Limits are recalculated only after a sustained shift (a signal made of several points in "
        "a row) that you understand and expect to last, not after a single point.",
    ),
    "exclude_unexplained": (
        "leaving out points that are not explained",
        "exclude= is for points with a known, explained special cause (an outbreak, an IT failure), "
        "so they do not distort the limits for the others. Leaving out other points hides real variation.",
    ),
    "fixed_run_length": (
        "a fixed run length under the Anhøj rules",
        "Under the course's default rules (Anhøj, module 5) a run signals when it is longer than "
        "round(log2(n)) + 3 points for n useful points, so how long is long enough depends on the "
        "chart's length. A fixed 7 is the Making Data Count rule.",
    ),
    "xbar_for_big_subgroups": (
        "xbar and s charts for very large subgroups",
        "With hundreds of values a period, xbar limits come only from the variation within periods and "
        "are very narrow, so ordinary month-to-month variation looks special. Chart each period's median "
        "(or mean) on an I chart, whose limits come from the variation between periods.",
    ),
    "individuals_for_skewed_times": (
        "an I chart of individual skewed times",
        "Waiting and treatment times are skewed: an I chart of single patients flags the long tail, "
        "which is the usual shape of the process. Chart the period's mean or median instead.",
    ),
    "widen_before_looking": (
        "widening the limits before looking for causes",
        "Over-dispersion says that something besides chance moves the numbers. Look for special causes "
        "and stratify first (Mohammed et al. 2013); widen the limits (I chart, Laney p') only for "
        "variation you judge ordinary, because wider limits can hide a real cause.",
    ),
    "no_freeze": (
        "limits from every point",
        "To judge new points against the baseline, the centre line and limits must come from the "
        "baseline points only, then be extended: freeze them at the end of the baseline.",
    ),
    "no_prediction": (
        "a cycle without a prediction",
        "Plan includes a prediction: what you expect to happen, as a number you can check "
        '("4 of the 5 patients screened within 1 hour"). Without it there is nothing to learn from.',
    ),
    "study_ignores_prediction": (
        "a Study that doesn't compare with the prediction",
        "Study compares what happened with what you predicted, and says why they differ.",
    ),
    "act_not_decision": (
        "an Act that isn't a decision",
        "Act is one of three decisions: adopt, adapt or abandon.",
    ),
    "scale_jump": (
        "starting too big",
        "The first test of a change is small (one patient, one nurse, one shift), so that a failure "
        "costs little and you learn quickly. Grow it as your belief in the change grows, if failure "
        "would be cheap and people are ready (about five times a step is a common rule of thumb).",
    ),
    # the vital few of a Pareto chart (judges/foundation.py)
    "cut_not_reached": (
        "stopping before the cut",
        "The vital few go on until the running total (the cumulative percentage) reaches the cut, "
        "80% by default: include the category that takes it past the cut.",
    ),
    "past_the_cut": (
        "going past the cut",
        "Stop at the first category whose running total (cumulative percentage) reaches the cut; the "
        "categories after it are the 'useful many'.",
    ),
    "pareto_unsorted": (
        "not the largest categories",
        "The vital few are the largest categories: sort them from the biggest count down (as the "
        "bars of a Pareto chart are), then take them in that order.",
    ),
    "swapped_direction": (
        "the direction of improvement reversed",
        "Check which way is better. For a measure where higher is better, the target is sure to be "
        "met when even the lower limit is at or above it.",
    ),
    "variation_assurance_mixed": (
        "variation and assurance mixed up",
        "The variation icon reads the latest point only: special cause (improvement or concern) or "
        "common cause there, so read the whole chart for earlier signals. The assurance icon says "
        "whether the target will be met reliably: pass when both limits lie on the good side of it, "
        "fail when both lie on the bad side, hit or miss when it lies between them.",
    ),
    "icon_is_whole_chart": (
        "reading the variation icon as a verdict on the whole chart",
        "The variation icon summarises the latest point only. A grey (common cause) icon can sit on a "
        "chart full of earlier signals (an outbreak, a seasonal pattern): read the whole chart.",
    ),
    "fixed_rule_false_alarm": (
        "one signal on a long chart taken as proof",
        "Rules with a fixed run length (7 in a row) fire more often the longer the chart: on a long "
        "chart of a stable process one such signal is quite likely by chance. Look for a cause, and "
        "see whether the pattern lasts, before acting.",
    ),
    "overdispersion_dismissed": (
        "treating over-dispersion as a nuisance",
        "A dispersion ratio (phi) far above 1 is a finding: the units differ from each other far more "
        "than chance explains. Widening the limits is a judgement that this spread is acceptable, and "
        "it can hide unwarranted variation: first ask why the units differ.",
    ),
    "small_numbers_shared": (
        "small numbers shared",
        "Counts from 1 to 4 about patients can identify them: suppress them (shown as '<5') before a "
        "table leaves the team, and suppress the rates made from them too.",
    ),
    "gaming_missed": (
        "gaming taken for improvement",
        "When a target is what matters, the numbers can improve without care improving: look at the "
        "whole distribution (a spike just inside the target), the typical wait, and the balancing "
        "measures before calling it an improvement.",
    ),
    "blame_not_system": (
        "blaming people for what the system rewards",
        "Gaming and hidden problems grow where people fear blame. Berwick (2013) asks leaders to "
        "abandon blame as a tool, use targets with caution, and ask what in the system made the "
        "behaviour sensible.",
    ),
    "balancing_not_guard": (
        "a measure that cannot show the harm",
        "A balancing measure watches where the pressure of the target could push harm: what happens to "
        "the patients just inside the target, elsewhere in the system or later. A measure that moves "
        "with the target itself cannot show it.",
    ),
    "crude_comparison": (
        "comparing crude rates of different patients",
        "Units that treat older or sicker patients have more deaths (or readmissions) for the same "
        "quality of care. Compare observed with expected for their case mix (risk adjustment).",
    ),
    "order_reversed": (
        "the order reversed",
        "Your list is in exactly the reverse order: which comes first?",
    ),
    "rag_thinking": (
        "judging one month against the target",
        "A single month above or below a target (a red or green RAG rating) says little: look at "
        "the variation over time and where the target lies against the limits.",
    ),
    "target_not_improvement": (
        "a target that is not an improvement",
        "The target has to be better than the baseline in the direction of improvement.",
    ),
    "deadline_too_early": (
        "a deadline in the past",
        "The 'by when' date has to be after the baseline period ends.",
    ),
    "league_table_ranking": (
        "picking units by their rank",
        "A league table always has a top and a bottom. A funnel plot asks whether a unit is further "
        "from the overall value than chance allows for its size.",
    ),
    "used_95_limits": (
        "the 95% limits instead of the 99.8% limits",
        "Units just outside the 95% limits are expected by chance alone (1 in 20). The question asks "
        "about the 99.8% (3 sigma) limits.",
    ),
    "own_rate_for_limits": (
        "each unit's own value for its limits",
        "Funnel limits are centred on the overall value, and their width depends only on each "
        "unit's size (its denominator).",
    ),
    "no_sqrt": (
        "the variance instead of the standard error",
        "The limits are the overall proportion plus or minus z times the square root of p(1 - p)/n.",
    ),
    "total_row_kept": (
        "a total row left in the data",
        "Exports often end with a Total row. It is not a month: drop it, or it becomes a huge last point.",
    ),
    "text_numbers": (
        "numbers stored as text",
        "Some number columns were read as text (because of '1,234', '85%' or 'n/a' in the export), "
        "so they can't be charted. qi.read_measure converts them and tells you what it changed.",
    ),
}
