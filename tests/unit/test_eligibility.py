"""Eligibility proposals (R1, R12, P14): each condition checked on both sides of its edge.

The system proposes and explains; the officer decides. Figures come from POLICY-FACTS.md
through `default_eligibility_parameters()`.
"""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.eligibility import (
    FORBIDDEN_REFUSAL_REASONS,
    DifficultyCategory,
    EligibilityParameters,
    Finding,
    Proposal,
    Verdict,
    applying_categories,
    category_applies,
    forbidden_refusal,
    propose_employment_difficulty,
    propose_tekun,
    propose_unemployment_registration,
)
from domain.eligibility_defaults import default_eligibility_parameters
from domain.errors import InvalidValue, PolicyError
from domain.facts import DisabilityStatus, UnemploymentStatus
from domain.identity import ResidentId
from domain.policy import Source
from domain.services import Service
from tests.factories import resident_id

TODAY = date(2026, 3, 10)
RECENTLY = UnemploymentStatus(registered=True, registered_on=date(2026, 1, 5))
NOT_REGISTERED = UnemploymentStatus(registered=False)
NO_DISABILITY = DisabilityStatus(receives_severe_nursing_subsidy=False)


def params() -> EligibilityParameters:
    return default_eligibility_parameters()


def woman(born: date) -> ResidentId:
    return resident_id(2, born=born)  # an even 17th digit: female


def man(born: date) -> ResidentId:
    return resident_id(1, born=born)


def years_before(day: date, years: int) -> date:
    return day.replace(year=day.year - years)


def codes(findings: tuple[Finding, ...]) -> list[str]:
    return [finding.code for finding in findings]


def finding(proposal: Proposal, code: str) -> Finding:
    return next(f for f in proposal.findings if f.code == code)


# -- proposals in general --


def test_a_proposal_whose_verdict_contradicts_its_findings_is_refused():
    unmet = Finding("x", "不符合", False)

    with pytest.raises(InvalidValue, match="verdict"):
        Proposal(Service.DIBAO, Verdict.APPEARS_ELIGIBLE, (unmet,))


def test_a_proposal_without_findings_is_refused():
    with pytest.raises(InvalidValue, match="findings"):
        Proposal(Service.DIBAO, Verdict.APPEARS_ELIGIBLE, ())


def test_a_proposal_must_say_that_the_officer_decides():
    """P14: the system proposes; the decision is a person's."""
    met = Finding("x", "符合", True)

    with pytest.raises(InvalidValue, match="note"):
        Proposal(Service.DIBAO, Verdict.APPEARS_ELIGIBLE, (met,), note="系统已决定。")


def test_every_proposal_says_the_decision_is_the_officers():
    """P14, R12."""
    proposal = propose_unemployment_registration(
        date(1990, 1, 1), TODAY, receives_pension=False, params=params()
    )

    assert "系统仅作初步判断，由经办人员审核决定" in proposal.note


def test_one_unmet_condition_outweighs_one_unknown():
    findings = (Finding("a", "不符合", False), Finding("b", "未知", None))

    proposal = Proposal.of(Service.TEKUN, findings)

    assert proposal.verdict is Verdict.APPEARS_INELIGIBLE


@pytest.mark.parametrize(
    ("verdict", "label"),
    [
        (Verdict.APPEARS_ELIGIBLE, "初步符合条件"),
        (Verdict.APPEARS_INELIGIBLE, "初步不符合条件"),
        (Verdict.NEEDS_INFORMATION, "信息不全，需人工核实"),
    ],
)
def test_each_verdict_has_its_chinese_label(verdict, label):
    assert verdict.label == label


def test_an_id_number_written_into_a_finding_is_masked():
    """P12: a text an officer reads never carries a full resident ID."""
    person = woman(date(1980, 5, 20))

    text = Finding("x", f"申请人{person.reveal()}声明", True).text

    assert (person.reveal() not in text, person.masked in text) == (True, True)


# -- unemployment registration (失业登记) --


def test_a_person_of_15_is_not_yet_of_working_age_for_registration():
    """R1: working age from 16 周岁."""
    born = years_before(TODAY, 16) + timedelta(days=1)

    proposal = propose_unemployment_registration(
        born, TODAY, receives_pension=False, params=params()
    )

    assert (proposal.verdict, finding(proposal, "working_age_reached").met) == (
        Verdict.APPEARS_INELIGIBLE,
        False,
    )


def test_a_person_may_register_on_the_16th_birthday():
    """R1: 年满16周岁 includes the birthday."""
    born = years_before(TODAY, 16)

    proposal = propose_unemployment_registration(
        born, TODAY, receives_pension=False, params=params()
    )

    assert proposal.verdict is Verdict.APPEARS_ELIGIBLE


def test_a_person_who_receives_a_pension_appears_ineligible_for_registration():
    proposal = propose_unemployment_registration(
        date(1960, 1, 1), TODAY, receives_pension=True, params=params()
    )

    assert proposal.unmet == (finding(proposal, "not_receiving_pension"),)


def test_registration_with_the_pension_unknown_needs_information_and_says_so():
    proposal = propose_unemployment_registration(
        date(1990, 1, 1), TODAY, receives_pension=None, params=params()
    )

    assert (proposal.verdict, codes(proposal.missing)) == (
        Verdict.NEEDS_INFORMATION,
        ["not_receiving_pension"],
    )
    assert "养老金" in proposal.missing[0].text


def test_living_away_from_the_registered_household_is_not_a_reason_to_refuse_registration():
    """R1: 不因非户籍地居住而拒绝登记."""
    reasons = FORBIDDEN_REFUSAL_REASONS[Service.UNEMPLOYMENT_REGISTRATION]

    assert "不因非户籍地居住而拒绝登记" in reasons["lives_away_from_registered_household"]


def test_a_forbidden_refusal_reason_gives_a_finding_naming_its_rule():
    refused = forbidden_refusal(
        Service.UNEMPLOYMENT_REGISTRATION, "lives_away_from_registered_household"
    )

    assert refused is not None
    assert (refused.met, refused.rule) == (False, "R1")


def test_a_check_report_warning_is_not_a_reason_to_refuse_dibao():
    """R12: a warning alone is never a reason to refuse."""
    refused = forbidden_refusal(Service.DIBAO, "check_report_warning")

    assert refused is not None
    assert refused.rule == "R12"


def test_an_ordinary_refusal_reason_is_not_forbidden():
    refused = forbidden_refusal(Service.UNEMPLOYMENT_REGISTRATION, "receives_pension")

    assert refused is None


def test_the_forbidden_reasons_cannot_be_changed_by_a_caller():
    reasons = FORBIDDEN_REFUSAL_REASONS[Service.UNEMPLOYMENT_REGISTRATION]

    with pytest.raises(TypeError):
        reasons["lives_away_from_registered_household"] = "可以拒绝"  # type: ignore[index]


# -- employment difficulty (就业困难人员认定) --


def difficulty(
    person: ResidentId,
    today: date = TODAY,
    *,
    registration: UnemploymentStatus = RECENTLY,
    receives_dibao: bool = False,
    has_disability_card: bool | None = False,
    declared: frozenset[str] = frozenset(),
    parameters: EligibilityParameters | None = None,
) -> Proposal:
    return propose_employment_difficulty(
        person,
        today,
        registration=registration,
        receives_dibao=receives_dibao,
        has_disability_card=has_disability_card,
        declared=declared,
        params=parameters or params(),
    )


def test_a_woman_of_39_has_no_category_on_the_day_before_her_40th_birthday():
    person = woman(years_before(TODAY, 40) + timedelta(days=1))

    proposal = difficulty(person)

    assert (proposal.verdict, proposal.category) == (Verdict.APPEARS_INELIGIBLE, None)


def test_a_woman_counts_as_40_and_over_on_her_40th_birthday():
    person = woman(years_before(TODAY, 40))

    proposal = difficulty(person)

    assert (proposal.verdict, proposal.category) == (Verdict.APPEARS_ELIGIBLE, "older_woman")


def test_a_man_of_49_has_no_category_on_the_day_before_his_50th_birthday():
    person = man(years_before(TODAY, 50) + timedelta(days=1))

    proposal = difficulty(person)

    assert (proposal.verdict, proposal.category) == (Verdict.APPEARS_INELIGIBLE, None)


def test_a_man_counts_as_50_and_over_on_his_50th_birthday():
    person = man(years_before(TODAY, 50))

    proposal = difficulty(person)

    assert (proposal.verdict, proposal.category) == (Verdict.APPEARS_ELIGIBLE, "older_man")


def test_a_man_of_45_is_not_in_the_womens_age_category():
    person = man(years_before(TODAY, 45))

    proposal = difficulty(person)

    assert not category_applies(proposal, "older_woman")


@pytest.mark.parametrize(
    ("days", "applies"),
    [(364, False), (365, True), (366, True)],
)
def test_unemployed_a_year_or_more_is_reached_on_the_anniversary_of_registration(days, applies):
    """A year is 12 calendar months (民法典 第二百零二条); 2025-03-10 to 2026-03-10 is 365 days."""
    registration = UnemploymentStatus(True, TODAY - timedelta(days=days))

    proposal = difficulty(man(date(1990, 1, 1)), registration=registration)

    assert category_applies(proposal, "long_term_unemployed") is applies


def test_across_a_29_february_365_days_of_unemployment_are_not_yet_a_year():
    registration = UnemploymentStatus(True, date(2023, 3, 10))

    proposal = difficulty(man(date(1990, 1, 1)), date(2024, 3, 9), registration=registration)

    assert not category_applies(proposal, "long_term_unemployed")


def test_a_registration_without_its_date_leaves_the_year_unknown():
    registration = UnemploymentStatus(registered=True, registered_on=None)

    proposal = difficulty(man(date(1990, 1, 1)), registration=registration)

    assert proposal.verdict is Verdict.NEEDS_INFORMATION
    assert "difficulty_category.long_term_unemployed" in codes(proposal.missing)


def test_recognition_needs_a_current_registration_even_when_a_category_applies():
    proposal = difficulty(woman(date(1970, 1, 1)), registration=NOT_REGISTERED)

    assert codes(proposal.unmet) == ["registered_unemployed"]


def test_a_dibao_recipient_is_in_a_category():
    proposal = difficulty(man(date(1990, 1, 1)), receives_dibao=True)

    assert proposal.category == "dibao_recipient"


def test_a_disability_card_holder_is_in_a_category():
    proposal = difficulty(man(date(1990, 1, 1)), has_disability_card=True)

    assert proposal.category == "disability_card_holder"


def test_an_unknown_disability_card_with_no_other_category_needs_information_naming_it():
    proposal = difficulty(man(date(1990, 1, 1)), has_disability_card=None)

    assert proposal.verdict is Verdict.NEEDS_INFORMATION
    assert "残疾人证" in finding(proposal, "difficulty_category").text


def test_an_unknown_disability_card_does_not_matter_once_a_category_applies():
    proposal = difficulty(man(date(1990, 1, 1)), receives_dibao=True, has_disability_card=None)

    assert proposal.verdict is Verdict.APPEARS_ELIGIBLE


def test_the_recorded_category_is_the_first_that_applies_and_all_of_them_are_listed():
    person = woman(date(1980, 1, 1))

    proposal = difficulty(person, receives_dibao=True, declared=frozenset({"landless"}))

    assert proposal.category == "older_woman"
    assert applying_categories(proposal) == ("older_woman", "dibao_recipient", "landless")


def test_a_category_declared_with_material_applies():
    proposal = difficulty(man(date(1990, 1, 1)), declared=frozenset({"single_parent_of_minor"}))

    assert category_applies(proposal, "single_parent_of_minor")


def test_declaring_a_category_the_system_checks_itself_does_not_make_it_apply():
    proposal = difficulty(man(date(1990, 1, 1)), declared=frozenset({"dibao_recipient"}))

    assert not category_applies(proposal, "dibao_recipient")


def test_a_code_that_is_no_category_does_not_apply():
    proposal = difficulty(man(date(1990, 1, 1)), declared=frozenset({"anything"}))

    assert not category_applies(proposal, "anything")


def test_without_any_category_the_officer_is_told_what_the_applicant_may_declare():
    proposal = difficulty(man(date(1990, 1, 1)))

    assert "城镇零就业家庭成员" in finding(proposal, "difficulty_category").text


def test_a_citys_own_declared_category_applies_after_the_provinces():
    city = DifficultyCategory("city_retired_soldier", "退役军人", Source("某市规定", "?"), True)
    parameters = attrs.evolve(params(), city_categories=(city,))

    proposal = difficulty(
        man(date(1990, 1, 1)),
        declared=frozenset({"city_retired_soldier"}),
        parameters=parameters,
    )

    assert proposal.category == "city_retired_soldier"


def test_a_city_category_the_system_cannot_check_must_be_a_declared_one():
    city = DifficultyCategory("city_retired_soldier", "退役军人", Source("某市规定", "?"), False)

    with pytest.raises(PolicyError, match="declared"):
        attrs.evolve(params(), city_categories=(city,))


def test_a_city_category_may_not_reuse_a_provincial_code():
    city = DifficultyCategory("landless", "失地农民", Source("某市规定", "?"), True)

    with pytest.raises(PolicyError, match="once"):
        attrs.evolve(params(), city_categories=(city,))


def test_category_applies_is_false_for_a_proposal_of_another_service():
    proposal = propose_unemployment_registration(
        date(1990, 1, 1), TODAY, receives_pension=False, params=params()
    )

    assert not category_applies(proposal, "older_woman")


# -- tekun (特困人员救助供养) --


def tekun(
    person: ResidentId,
    today: date = TODAY,
    *,
    disability: DisabilityStatus | None = NO_DISABILITY,
    no_means_of_living: bool | None = True,
    no_able_supporter: bool | None = True,
    parameters: EligibilityParameters | None = None,
) -> Proposal:
    return propose_tekun(
        person,
        today,
        disability=disability,
        no_means_of_living=no_means_of_living,
        no_able_supporter=no_able_supporter,
        params=parameters or params(),
    )


def unable_to_work(proposal: Proposal) -> bool | None:
    return finding(proposal, "unable_to_work").met


@pytest.mark.parametrize(
    ("birthday", "on_it", "unable"),
    [
        (60, False, False),  # 59, the day before the 60th birthday
        (60, True, True),
        (16, False, True),  # 15
        (16, True, True),  # 16: a minor, covered to 18 since 2020
        (17, True, True),
        (18, False, True),  # 17, the day before the 18th birthday
        (18, True, False),
    ],
)
def test_unable_to_work_by_age_is_60_and_over_or_under_18(birthday, on_it, unable):
    """R1: 年满60周岁, 未满16周岁, minors to 18 (POLICY-FACTS 特困人员救助供养)."""
    born = years_before(TODAY, birthday) + timedelta(days=0 if on_it else 1)

    proposal = tekun(man(born))

    assert unable_to_work(proposal) is unable


def test_with_minors_covered_only_to_16_a_person_of_16_is_not_unable_to_work():
    parameters = attrs.evolve(params(), minor_until_age=16)

    proposal = tekun(man(years_before(TODAY, 16)), parameters=parameters)

    assert unable_to_work(proposal) is False


@pytest.mark.parametrize(
    ("category", "grade", "unable"),
    [
        ("智力", 3, True),
        ("智力", 4, False),
        ("精神", 3, True),
        ("精神", 4, False),
        ("肢体", 2, True),
        ("肢体", 3, False),
        ("视力", 1, True),
        ("视力", 2, False),
    ],
)
def test_a_disability_makes_a_person_unable_to_work_up_to_its_grade(category, grade, unable):
    """R1: intellectual or mental 1-3, physical 1-2, visual 1 (POLICY-FACTS)."""
    disability = DisabilityStatus(False, grade=grade, category=category)

    proposal = tekun(man(date(1980, 1, 1)), disability=disability)

    assert unable_to_work(proposal) is unable


@pytest.mark.parametrize("category", ["听力", "言语", "未知类别"])
def test_a_disability_category_not_in_the_rule_does_not_count(category):
    disability = DisabilityStatus(False, grade=1, category=category)

    proposal = tekun(man(date(1980, 1, 1)), disability=disability)

    assert unable_to_work(proposal) is False


def test_a_category_written_with_its_suffix_is_the_same_category():
    disability = DisabilityStatus(False, grade=2, category="肢体残疾")

    proposal = tekun(man(date(1980, 1, 1)), disability=disability)

    assert unable_to_work(proposal) is True


def test_a_disability_without_its_grade_leaves_the_ability_to_work_unknown():
    disability = DisabilityStatus(False, grade=None, category="智力")

    proposal = tekun(man(date(1980, 1, 1)), disability=disability)

    assert unable_to_work(proposal) is None


def test_an_unasked_disability_register_needs_information_for_a_person_of_working_age():
    proposal = tekun(man(date(1980, 1, 1)), disability=None)

    assert proposal.verdict is Verdict.NEEDS_INFORMATION
    assert "残疾" in proposal.missing[0].text


def test_an_unasked_disability_register_does_not_matter_for_a_person_of_70():
    proposal = tekun(man(date(1950, 1, 1)), disability=None)

    assert proposal.verdict is Verdict.APPEARS_ELIGIBLE


def test_tekun_appears_eligible_when_all_three_conditions_are_met():
    proposal = tekun(man(date(1950, 1, 1)))

    assert proposal.verdict is Verdict.APPEARS_ELIGIBLE


def test_tekun_with_a_means_of_living_appears_ineligible():
    proposal = tekun(man(date(1950, 1, 1)), no_means_of_living=False)

    assert codes(proposal.unmet) == ["no_means_of_living"]


def test_tekun_with_a_supporter_able_to_support_appears_ineligible():
    proposal = tekun(man(date(1950, 1, 1)), no_able_supporter=False)

    assert codes(proposal.unmet) == ["no_able_supporter"]


def test_tekun_with_inputs_missing_names_each_one():
    proposal = tekun(man(date(1950, 1, 1)), no_means_of_living=None, no_able_supporter=None)

    assert (proposal.verdict, codes(proposal.missing)) == (
        Verdict.NEEDS_INFORMATION,
        ["no_means_of_living", "no_able_supporter"],
    )


# -- across proposals --


def every_text(proposal: Proposal) -> list[str]:
    return [proposal.note, *(f.text for f in proposal.findings)]


def test_no_proposal_carries_the_full_resident_id():
    """P12: the officer reads reasons, not the ID number."""
    person = woman(date(1960, 2, 29))
    proposals = [
        difficulty(person, has_disability_card=None),
        tekun(person, disability=None),
        propose_unemployment_registration(
            person.birth_date, TODAY, receives_pension=None, params=params()
        ),
    ]

    texts = [text for proposal in proposals for text in every_text(proposal)]

    assert [text for text in texts if person.reveal() in text] == []


def test_every_finding_of_a_proposal_names_its_source():
    """R1: each condition is traced to its regulation."""
    person = woman(date(1980, 1, 1))
    proposals = [
        difficulty(person, receives_dibao=True),
        tekun(person),
        propose_unemployment_registration(
            person.birth_date, TODAY, receives_pension=False, params=params()
        ),
    ]

    sources = [f.source for p in proposals for f in p.findings]

    assert None not in sources


def test_default_parameters_are_fresh_objects_on_every_call():
    first, second = default_eligibility_parameters(), default_eligibility_parameters()

    assert (first == second, first is second) == (True, False)


def test_the_default_categories_follow_article_42_and_the_city_adds_none():
    parameters = default_eligibility_parameters()

    assert [c.code for c in parameters.categories] == [
        "older_woman",
        "older_man",
        "zero_employment_urban_household",
        "rural_household_none_transferred",
        "single_parent_of_minor",
        "dibao_recipient",
        "disability_card_holder",
        "long_term_unemployed",
        "landless",
    ]


def test_every_default_figure_carries_a_tag_of_policy_facts():
    parameters = default_eligibility_parameters()
    sources = [
        value
        for value in attrs.asdict(parameters, recurse=False).values()
        if isinstance(value, Source)
    ]
    sources += [
        rule.source
        for rule in (
            parameters.working_age,
            parameters.tekun_elderly_age,
            parameters.tekun_child_age,
            parameters.older_woman_age,
            parameters.older_man_age,
        )
    ]
    sources += [category.source for category in parameters.categories]

    assert {source.tag for source in sources} <= {"N", "SD", "O", "?"}


# -- properties --

_KNOWN = st.sampled_from([True, False, None])
_DISABILITIES = st.one_of(
    st.none(),
    st.builds(
        DisabilityStatus,
        receives_severe_nursing_subsidy=st.just(False),
        grade=st.one_of(st.none(), st.integers(min_value=1, max_value=4)),
        category=st.one_of(st.none(), st.sampled_from(["智力", "精神", "肢体", "视力", "听力"])),
    ),
)
_BIRTHS = st.dates(min_value=date(1930, 1, 1), max_value=TODAY)


@given(born=_BIRTHS, disability=_DISABILITIES, means=_KNOWN, supporter=_KNOWN)
def test_tekun_appears_eligible_exactly_when_every_condition_is_met(
    born, disability, means, supporter
):
    proposal = tekun(
        man(born), disability=disability, no_means_of_living=means, no_able_supporter=supporter
    )

    every_met = all(f.met is True for f in proposal.findings)

    assert (proposal.verdict is Verdict.APPEARS_ELIGIBLE) is every_met


@given(born=_BIRTHS, disability=_DISABILITIES, means=_KNOWN, supporter=_KNOWN)
def test_a_tekun_proposal_that_needs_information_names_at_least_one_missing_input(
    born, disability, means, supporter
):
    proposal = tekun(
        man(born), disability=disability, no_means_of_living=means, no_able_supporter=supporter
    )

    assert (proposal.verdict is Verdict.NEEDS_INFORMATION) is (
        bool(proposal.missing) and not proposal.unmet
    )


@given(
    born=_BIRTHS,
    female=st.booleans(),
    registered=st.booleans(),
    dibao=st.booleans(),
    card=_KNOWN,
    answer=st.booleans(),
)
def test_learning_whether_a_disability_card_is_held_never_turns_an_ineligible_proposal_eligible(
    born, female, registered, dibao, card, answer
):
    person = woman(born) if female else man(born)
    registration = UnemploymentStatus(registered, date(2025, 6, 1) if registered else None)
    before = difficulty(
        person, registration=registration, receives_dibao=dibao, has_disability_card=card
    )

    after = difficulty(
        person,
        registration=registration,
        receives_dibao=dibao,
        has_disability_card=answer if card is None else card,
    )

    if before.verdict is Verdict.APPEARS_INELIGIBLE:
        assert after.verdict is Verdict.APPEARS_INELIGIBLE


@given(
    born=_BIRTHS,
    female=st.booleans(),
    registered=st.booleans(),
    dibao=st.booleans(),
    card=_KNOWN,
)
def test_a_recorded_category_is_always_one_that_applies(born, female, registered, dibao, card):
    person = woman(born) if female else man(born)
    registration = UnemploymentStatus(registered, date(2025, 6, 1) if registered else None)

    proposal = difficulty(
        person, registration=registration, receives_dibao=dibao, has_disability_card=card
    )

    assert proposal.category is None or category_applies(proposal, proposal.category)
