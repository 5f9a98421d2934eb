"""Training and skill-appraisal subsidies: five groups; once per occupation and level; the
appraisal subsidy once, for a first certificate (POLICY-FACTS 职业培训补贴, 职业技能鉴定补贴)."""

from __future__ import annotations

from datetime import date

from domain.eligibility import (
    PriorClaim,
    Proposal,
    TrainingGroup,
    Verdict,
    propose_skill_appraisal_subsidy,
    propose_training_subsidy,
)
from domain.services import Service

UNEMPLOYED = TrainingGroup.REGISTERED_UNEMPLOYED
GRANTED_ON = date(2025, 5, 6)


def training_claim(occupation: str = "电工", level: str = "五级") -> PriorClaim:
    return PriorClaim(Service.TRAINING_SUBSIDY, occupation, level, GRANTED_ON, "PX-0001")


def appraisal_claim() -> PriorClaim:
    return PriorClaim(Service.SKILL_APPRAISAL_SUBSIDY, "电工", "五级", GRANTED_ON, "JD-0001")


def missing_codes(proposal: Proposal) -> list[str]:
    return [f.code for f in proposal.missing]


def test_the_five_groups_have_their_chinese_names():
    labels = {group.label for group in TrainingGroup}

    assert labels == {
        "脱贫家庭子女",
        "毕业年度高校毕业生",
        "未继续升学的应届初高中毕业生",
        "农村转移就业劳动者",
        "登记失业人员",
    }


def test_a_first_training_subsidy_for_an_occupation_and_level_appears_eligible():
    proposal = propose_training_subsidy(UNEMPLOYED, "电工", "五级", [])

    assert proposal.verdict is Verdict.APPEARS_ELIGIBLE


def test_a_second_training_subsidy_for_the_same_occupation_and_level_appears_ineligible():
    proposal = propose_training_subsidy(UNEMPLOYED, "电工", "五级", [training_claim()])

    assert proposal.verdict is Verdict.APPEARS_INELIGIBLE
    assert ("PX-0001" in proposal.unmet[0].text, "2025年5月6日" in proposal.unmet[0].text) == (
        True,
        True,
    )


def test_the_same_occupation_is_matched_without_surrounding_spaces():
    proposal = propose_training_subsidy(UNEMPLOYED, " 电工 ", "五级", [training_claim()])

    assert proposal.verdict is Verdict.APPEARS_INELIGIBLE


def test_the_same_occupation_at_another_level_appears_eligible():
    proposal = propose_training_subsidy(UNEMPLOYED, "电工", "四级", [training_claim()])

    assert proposal.verdict is Verdict.APPEARS_ELIGIBLE


def test_another_occupation_at_the_same_level_appears_eligible():
    proposal = propose_training_subsidy(UNEMPLOYED, "焊工", "五级", [training_claim()])

    assert proposal.verdict is Verdict.APPEARS_ELIGIBLE


def test_an_appraisal_subsidy_does_not_use_up_the_training_subsidy():
    proposal = propose_training_subsidy(UNEMPLOYED, "电工", "五级", [appraisal_claim()])

    assert proposal.verdict is Verdict.APPEARS_ELIGIBLE


def test_a_training_subsidy_with_no_group_established_needs_information():
    proposal = propose_training_subsidy(None, "电工", "五级", [])

    assert (proposal.verdict, missing_codes(proposal)) == (
        Verdict.NEEDS_INFORMATION,
        ["training_group"],
    )


def test_a_training_subsidy_without_occupation_or_level_needs_information():
    proposal = propose_training_subsidy(UNEMPLOYED, "电工", "  ", [])

    assert missing_codes(proposal) == ["first_for_occupation_and_level"]


def test_an_appraisal_subsidy_for_a_first_certificate_appears_eligible():
    proposal = propose_skill_appraisal_subsidy(UNEMPLOYED, True, [training_claim()])

    assert proposal.verdict is Verdict.APPEARS_ELIGIBLE


def test_an_appraisal_subsidy_for_a_later_certificate_appears_ineligible():
    proposal = propose_skill_appraisal_subsidy(UNEMPLOYED, False, [])

    assert [f.code for f in proposal.unmet] == ["first_certificate"]


def test_an_appraisal_subsidy_is_granted_only_once_whatever_the_occupation():
    proposal = propose_skill_appraisal_subsidy(UNEMPLOYED, True, [appraisal_claim()])

    assert [f.code for f in proposal.unmet] == ["appraisal_subsidy_not_granted_before"]


def test_an_appraisal_subsidy_with_the_certificate_unknown_needs_information():
    proposal = propose_skill_appraisal_subsidy(UNEMPLOYED, None, [])

    assert (proposal.verdict, missing_codes(proposal)) == (
        Verdict.NEEDS_INFORMATION,
        ["first_certificate"],
    )


def test_every_subsidy_finding_names_its_source():
    proposals = [
        propose_training_subsidy(None, "", "", [training_claim()]),
        propose_skill_appraisal_subsidy(None, None, [appraisal_claim()]),
    ]

    assert all(f.source is not None for p in proposals for f in p.findings)
