"""Judges for modules 13-17 (qitools/checks/judges/targets_and_people.py): order, ratio, written.

The expected values here are worked out by hand from the definitions: an order is right when every
item is in its place; a standardised ratio is total observed / total expected (the indirect
standardisation behind SHMI, NHS Digital); a written answer is complete when every part has the
words asked for, and its content is left to the coach.
"""

from __future__ import annotations

import pytest

from qitools import checks
from qitools.checks import MISTAKES
from qitools.checks.judges.targets_and_people import FOR_THE_COACH

SQUIRE = ["title", "abstract", "introduction", "methods", "results", "discussion"]


class TestOrder:
    keys = checks.order_keys("16.6", SQUIRE)

    def test_right_in_any_case(self):
        v = checks.judge("order", [s.upper() for s in SQUIRE], self.keys, question="16.6", options=SQUIRE)
        assert v.right and v.score == 1

    def test_partial_credit_counts_places(self):
        swapped = ["title", "abstract", "methods", "introduction", "results", "discussion"]
        v = checks.judge("order", swapped, self.keys, question="16.6")
        assert v.status == "wrong" and v.score == pytest.approx(4 / 6)
        assert v.detail == "4 of 6 are in the right place." and "position 3" in v.more

    def test_the_answer_is_never_revealed(self):
        v = checks.judge("order", list(reversed(SQUIRE[:3])) + SQUIRE[3:], self.keys, question="16.6")
        text = " ".join([v.detail, v.more, v.note])
        assert "introduction" not in text and "abstract" not in text

    def test_reversed_is_a_named_mistake(self):
        v = checks.judge("order", list(reversed(SQUIRE)), self.keys, question="16.6")
        assert v.mistake == "order_reversed" and v.score == 0 and "order_reversed" in MISTAKES

    def test_keys_depend_on_the_question(self):
        v = checks.judge("order", SQUIRE, checks.order_keys("16.5", SQUIRE), question="16.6")
        assert not v.right

    @pytest.mark.parametrize(
        "answer, detail",
        [
            (SQUIRE[:5], "Put all 6 items in your list, each once (your list has 5)."),
            (["title"] * 6, "An item appears twice in your list: use each one once."),
            (["title", "abstract", "introduction", "methods", "results", "summary"], "Not one of the options: summary."),
        ],
    )
    def test_wrong_lists_say_what_is_wrong(self, answer, detail):
        v = checks.judge("order", answer, self.keys, question="16.6", options=SQUIRE)
        assert v.status == "wrong" and v.detail.startswith(detail)

    @pytest.mark.parametrize("answer", [..., [..., ..., ...]])
    def test_unanswered(self, answer):
        assert checks.judge("order", answer, self.keys, question="16.6").status == "unanswered"

    @pytest.mark.parametrize("answer", ["title, abstract", {"a": 1}, 3])
    def test_not_a_list(self, answer):
        v = checks.judge("order", answer, self.keys, question="16.6")
        assert v.status == "wrong" and "Expected a list" in v.detail


class TestRatio:
    """Observed 30 + 50 = 80 deaths, expected 40 + 60 = 100: the ratio is 0.8."""

    @pytest.mark.parametrize("answer", [0.8, 0.80, 80 / 100])
    def test_right(self, answer):
        assert checks.judge("ratio", answer, [30, 50], [40, 60]).right

    def test_rounded_answer_accepted(self):
        assert checks.judge("ratio", 1.33, 4, 3).right and not checks.judge("ratio", 1.3, 4, 3).right

    @pytest.mark.parametrize("answer, mistake", [(1.25, "inverted"), (80, "percentage_not_proportion"), (0.7, None)])
    def test_wrong(self, answer, mistake):
        v = checks.judge("ratio", answer, [30, 50], [40, 60])
        assert v.status == "wrong" and v.mistake == mistake

    def test_text_is_refused_with_advice(self):
        v = checks.judge("ratio", "0.8", 80, 100)
        assert v.status == "wrong" and "remove the quotes" in v.detail


class TestWritten:
    parts = ["aim", "next"]

    def test_complete_text_is_recorded_for_the_coach(self):
        v = checks.judge("written", "We tested a falls bundle on two wards and it worked.", min_words=5)
        assert v.right and v.note == FOR_THE_COACH.format(words=11)
        assert "coach" in v.note and "no automatic points" in v.note

    def test_too_short(self):
        v = checks.judge("written", "Too short.", min_words=5)
        assert v.status == "wrong" and v.detail == "Write a little more: at least 5 words (you have 2)."

    @pytest.mark.parametrize("answer", [..., "", "   ", "...", None])
    def test_unanswered_text(self, answer):
        assert checks.judge("written", answer).status == "unanswered"

    def test_parts(self):
        answer = {"aim": "Reduce falls by a third by March.", "next": ...}
        v = checks.judge("written", answer, parts=self.parts, min_words=3)
        assert v.status == "wrong" and v.detail.startswith("1 of 2 parts written") and "'next'" in v.more
        answer["next"] = "Spread the bundle to Beech ward."
        v = checks.judge("written", answer, parts=self.parts, min_words=3)
        assert v.right and "(13 words)" in v.note

    def test_all_parts_blank_is_unanswered(self):
        v = checks.judge("written", {"aim": ..., "next": "..."}, parts=self.parts)
        assert v.status == "unanswered"

    def test_renamed_key_and_wrong_types(self):
        v = checks.judge("written", {"aims": "x", "next": "y"}, parts=self.parts)
        assert v.status == "wrong" and "'aim'" in v.detail
        v = checks.judge("written", {"aim": 3, "next": "y"}, parts=self.parts)
        assert v.status == "wrong" and "as text in quotes" in v.detail
        v = checks.judge("written", ["a list"], parts=self.parts)
        assert v.status == "wrong" and "Expected a dict" in v.detail
        assert checks.judge("written", 42).status == "wrong"

    def test_words_are_counted_in_any_language(self):
        v = checks.judge("written", "Gwella gofal i bawb: dyna’r nod, a’r cam nesaf yw’r ward nesaf.", min_words=10)
        assert v.right


def test_check_cells_print_words_first(capsys):
    checks.reset()
    checks.written("16.7", "We tested a falls bundle on two wards.", min_words=5)
    out = capsys.readouterr().out
    assert "Right ✓ – question 16.7. Recorded for your coach (8 words)" in out


def test_the_new_mistakes_are_catalogued():
    for name in (
        "icon_is_whole_chart",
        "fixed_rule_false_alarm",
        "overdispersion_dismissed",
        "small_numbers_shared",
        "gaming_missed",
        "blame_not_system",
        "balancing_not_guard",
        "crude_comparison",
        "order_reversed",
    ):
        title, why = MISTAKES[name]
        assert title and len(why) > 40
    assert "latest point" in MISTAKES["variation_assurance_mixed"][1]
    assert "both limits lie on the good side" in MISTAKES["variation_assurance_mixed"][1]


class TestSuppressed:
    """NHS statistical disclosure practice: counts from 1 to 4 shown as '<5'; zeros and 5+ kept."""

    counts = [0, 3, 12, 1, 5, 4]

    def _table(self, harm):
        import pandas as pd

        return pd.DataFrame({"month": range(len(harm)), "harm": harm})

    def test_qitools_suppression_is_right(self):
        import qitools as qi

        shared = qi.suppress_small_counts(self._table(self.counts), ["harm"])
        assert shared["harm"].tolist() == [0, "<5", 12, "<5", 5, "<5"]
        assert checks.judge("suppressed", shared, {"harm": self.counts}).right

    def test_small_counts_still_shown(self):
        v = checks.judge("suppressed", self._table(self.counts), {"harm": self.counts})
        assert v.mistake == "small_numbers_shared" and v.detail == "3 small counts are still shown."

    def test_large_counts_must_be_kept(self):
        over = [0, "<5", "<5", "<5", "<5", "<5"]
        v = checks.judge("suppressed", self._table(over), {"harm": self.counts})
        assert v.status == "wrong" and v.detail.startswith("2 counts of 5 or more were changed or hidden")

    def test_zeros_may_be_hidden_and_floats_are_numbers(self):
        table = self._table(["<5", "<5", 12.0, "<5", 5.0, "<5"])
        assert checks.judge("suppressed", table, {"harm": self.counts}).right

    def test_other_threshold(self):
        table = self._table([0, "<10", 12, "<10", "<10", "<10"])
        assert checks.judge("suppressed", table, {"harm": self.counts}, threshold=10).right
        assert not checks.judge("suppressed", table, {"harm": self.counts}).right

    def test_wrong_answers(self):
        assert checks.judge("suppressed", ..., {"harm": self.counts}).status == "unanswered"
        assert "Expected a table" in checks.judge("suppressed", [0, 3], {"harm": self.counts}).detail
        assert "not found: harm" in checks.judge("suppressed", self._table(self.counts).rename(columns={"harm": "h"}),
                                                 {"harm": self.counts}).detail
        assert "Keep every month" in checks.judge("suppressed", self._table(self.counts[:3]), {"harm": self.counts}).detail
