"""The policy the product ships: ten service guides, parameters, regions and permissions.

Every figure carries the tag POLICY-FACTS.md gives it. Where POLICY-FACTS gives no
figure, a conservative one is chosen and tagged "?" with a note asking the region to
confirm it. A county replaces any of this as data; `default_policy()` builds fresh
objects on every call, so one caller's changes never reach another.
"""

from __future__ import annotations

from datetime import date

from domain.actors import Role
from domain.benefit_defaults import default_benefit_parameters
from domain.eligibility_defaults import default_eligibility_parameters
from domain.money import Money
from domain.policy import (
    AgeBand,
    AgeRule,
    BounceRule,
    DatedAmount,
    EmergencyProcedure,
    Material,
    NoticeProcedure,
    ObjectionRoute,
    Parameters,
    Permissions,
    Policy,
    RegionParameters,
    ServiceGuide,
    Source,
    SupervisionParameters,
    TimeLimit,
)
from domain.regions import RegionCode, RegionLevel
from domain.services import Department, Service

GUIDE_VERSION = "2026.1"
GUIDE_EFFECTIVE_FROM = date(2026, 1, 1)

# Basis (依据): the documents of section 一 of the 2021 work specification, and the
# national texts POLICY-FACTS cites.
_ASSISTANCE_MEASURES = "《山东省社会救助办法》（省政府令第279号）"
_DIBAO_MEASURES = "《山东省最低生活保障管理办法》（鲁民〔2019〕54号）"
_TEKUN_MEASURES = "《山东省特困人员认定办法》（鲁民〔2021〕45号）"
_TEMPORARY_OPINION = (
    "《山东省民政厅 山东省财政厅关于进一步加强和改进临时救助工作的意见》（鲁民〔2018〕85号）"
)
_ELDERLY_NOTICE = (
    "《山东省民政厅 山东省财政厅关于进一步完善经济困难老年人补贴制度的通知》（鲁民〔2020〕49号）"
)
# GB/T 42195-2022 replaces it with five levels; the qualifying levels below are MZ/T's.
_ASSESSMENT_STANDARD = "《老年人能力评估》（MZ/T 039-2013）"
_EMPLOYMENT_REGULATION = "《山东省就业促进条例》"
_UNEMPLOYMENT_NOTICE = (
    "《山东省人力资源和社会保障厅关于建立山东省城乡失业人员就业服务制度的通知》"
    "（鲁人社字〔2020〕39号）"
)
# The 2021 text names 鲁财社〔2018〕86号; POLICY-FACTS says these two replace the
# earlier national and provincial texts.
_NATIONAL_FUND_MEASURES = "《就业补助资金管理办法》（财社〔2023〕181号，替代财社〔2017〕164号）"
_SHANDONG_FUND_MEASURES = (
    "《山东省就业补助资金管理办法》（鲁财社〔2024〕56号，替代鲁财社〔2018〕86号）"
)

_TO_CONFIRM = "POLICY-FACTS 未给出时限，取保守值，须由地方确认"

# Materials (所需材料): one code per document across all services.
_ID_CARD = Material("id_card", "居民身份证")
_HOUSEHOLD_REGISTER = Material("household_register", "户口簿")
_HOUSEHOLD_REGISTER_IF_NEEDED = Material("household_register", "户口簿", required=False)
_COMMITMENT = Material("commitment", "承诺书（本人签字）")
_CHECK_AUTHORIZATION = Material("check_authorization", "家庭经济状况核对授权书")
_MARRIAGE_PROOF = Material("marriage_proof", "婚姻状况证明", required=False)
_DISABILITY_CARD = Material("disability_card", "残疾人证", required=False)
_DIAGNOSIS = Material("diagnosis", "医疗机构诊断证明", required=False)
_STUDENT_STATUS = Material("student_status", "学籍证明", required=False)
_INCOME_PROOF = Material("income_proof", "收入证明", required=False)
_EXPENSE_PROOF = Material("expense_proof", "医疗、教育等刚性支出凭证（支出型）", required=False)
_LAND_REQUISITION_PROOF = Material("land_requisition_proof", "土地被征收证明", required=False)
_GRADUATION_CERTIFICATE = Material("graduation_certificate", "毕业证书", required=False)
_TRAINING_CERTIFICATE = Material("training_certificate", "培训合格证书或职业技能等级证书")
_SKILL_CERTIFICATE = Material("skill_certificate", "首次取得的职业资格证书或职业技能等级证书")
_APPRAISAL_FEE_RECEIPT = Material(
    "appraisal_fee_receipt", "鉴定费缴费凭证（个人缴费的提供）", required=False
)


def default_policy() -> Policy:
    """The shipped policy: a new object graph on every call."""
    return Policy(
        guides={guide.service: guide for guide in _guides()},
        parameters=_parameters(),
        regions=_regions(),
        permissions=_permissions(),
        benefits=default_benefit_parameters(),
        eligibility=default_eligibility_parameters(),
        supervision=_supervision(),
    )


def _guide(
    service: Service,
    *,
    basis: tuple[str, ...],
    conditions: tuple[str, ...],
    materials: tuple[Material, ...],
    procedure: tuple[str, ...],
    time_limit: TimeLimit,
    source: Source,
    needs_economic_check: bool = False,
    needs_capability_assessment: bool = False,
    notice_procedure: NoticeProcedure | None = None,
    emergency_procedure: EmergencyProcedure | None = None,
) -> ServiceGuide:
    return ServiceGuide(
        service=service,
        version=GUIDE_VERSION,
        effective_from=GUIDE_EFFECTIVE_FROM,
        basis=basis,
        materials=materials,
        procedure=procedure,
        time_limit=time_limit,
        conditions=conditions,
        needs_economic_check=needs_economic_check,
        needs_capability_assessment=needs_capability_assessment,
        source=source,
        notice_procedure=notice_procedure,
        emergency_procedure=emergency_procedure,
    )


def _notice_procedure(document: str) -> NoticeProcedure:
    return NoticeProcedure(
        investigation_working_days=10,
        notice_days=7,
        confirmation_working_days=3,
        refusal_notice_working_days=3,
        notice_counts_towards_limit=True,
        source=Source(
            f"{document}；POLICY-FACTS",
            "SD",
            note="公示天数是否计入总时限未有定论［?］：默认计入，地方可改",
        ),
    )


def _guides() -> tuple[ServiceGuide, ...]:
    return (
        _dibao(),
        _tekun(),
        _temporary(),
        _elderly_living(),
        _elderly_nursing(),
        _unemployment_registration(),
        _employment_difficulty(),
        _flexible_insurance_subsidy(),
        _training_subsidy(),
        _skill_appraisal_subsidy(),
    )


def _dibao() -> ServiceGuide:
    return _guide(
        Service.DIBAO,
        basis=(_ASSISTANCE_MEASURES, _DIBAO_MEASURES),
        conditions=(
            "申请人具有当地户籍。",
            "共同生活的家庭成员人均月收入低于当地最低生活保障标准。",
            "家庭财产状况符合当地规定。",
            "已享受或正在申请低保、特困供养的，不予受理。",
            "申请未获批准的，6个月内再次申请须家庭情况发生变化。",
        ),
        materials=(
            _ID_CARD,
            _HOUSEHOLD_REGISTER,
            _COMMITMENT,
            _CHECK_AUTHORIZATION,
            _MARRIAGE_PROOF,
            _DISABILITY_CARD,
            _DIAGNOSIS,
            _STUDENT_STATUS,
            _INCOME_PROOF,
        ),
        procedure=(
            "申请：到服务窗口或通过政务服务一网通办、爱山东APP提出申请",
            "受理：查询历史救助记录，录入山东社会救助数字平台",
            "家庭经济状况核对",
            "调查核实：乡镇（街道）自受理之日起10个工作日内完成并提出意见",
            "对核对报告有异议的，提供登记机关佐证材料，10个工作日内复核",
            "公示：7天",
            "审核确认：公示无异议的，3个工作日内确认；有异议的重新调查并公示",
            "不予批准的，3个工作日内书面告知理由",
            "发放：自确认次月起发放",
        ),
        time_limit=TimeLimit(
            working_days=20,
            extended_working_days=30,
            source=Source(
                "鲁民〔2019〕54号；POLICY-FACTS 最低生活保障",
                "SD",
                note="特殊情况可延长至30个工作日；全国规定为30个工作日、可延长至45个工作日［O］",
            ),
        ),
        needs_economic_check=True,
        source=Source("鲁民〔2019〕54号；POLICY-FACTS 最低生活保障", "SD"),
        notice_procedure=_notice_procedure("鲁民〔2019〕54号"),
    )


def _tekun() -> ServiceGuide:
    return _guide(
        Service.TEKUN,
        basis=(_ASSISTANCE_MEASURES, _TEKUN_MEASURES),
        conditions=(
            "无劳动能力、无生活来源、无法定赡养抚养扶养义务人或其无履行能力，三者同时具备。",
            "无劳动能力指：年满60周岁；未满16周岁（未成年人可至18周岁）；"
            "智力、精神残疾一至三级；肢体残疾一、二级；视力残疾一级。",
            "不与最低生活保障同时享受。",
        ),
        materials=(
            _ID_CARD,
            _HOUSEHOLD_REGISTER,
            _COMMITMENT,
            _CHECK_AUTHORIZATION,
            _DISABILITY_CARD,
            _DIAGNOSIS,
        ),
        procedure=(
            "申请",
            "受理：查询历史救助记录",
            "家庭经济状况核对",
            "调查核实：乡镇（街道）10个工作日内完成",
            "公示：7天",
            "审核确认：3个工作日内确认，同时按六项生活自理能力评定照料等级",
            "发放",
        ),
        time_limit=TimeLimit(
            working_days=20,
            source=Source(
                "鲁民〔2021〕45号；POLICY-FACTS 特困人员救助供养",
                "?",
                note="由调查核实10个工作日、公示7天、审核确认3个工作日［SD］［O］推定的总时限，"
                "须由地方确认",
            ),
        ),
        needs_economic_check=True,
        source=Source("鲁民〔2021〕45号；POLICY-FACTS 特困人员救助供养", "N"),
        notice_procedure=_notice_procedure("鲁民〔2021〕45号"),
    )


def _temporary() -> ServiceGuide:
    return _guide(
        Service.TEMPORARY,
        basis=(_ASSISTANCE_MEASURES, _TEMPORARY_OPINION),
        conditions=(
            "因火灾、交通事故等意外事件或重大疾病等，基本生活暂时出现严重困难。",
            "急难型先行救助；支出型按家庭刚性支出和经济状况审核。",
            "同一事由一年内原则上救助一次。",
        ),
        materials=(
            _ID_CARD,
            _COMMITMENT,
            _CHECK_AUTHORIZATION,
            _HOUSEHOLD_REGISTER_IF_NEEDED,
            _EXPENSE_PROOF,
            _DIAGNOSIS,
            _INCOME_PROOF,
        ),
        procedure=(
            "申请",
            "受理",
            "急难型：24小时内先行救助，5个工作日内补齐审核审批手续",
            "支出型：家庭经济状况核对，3个工作日内审核",
            "审批：乡镇（街道）在县级授权额度内审批",
            "发放",
        ),
        time_limit=TimeLimit(
            working_days=3,
            source=Source(
                "鲁民〔2018〕85号；POLICY-FACTS 临时救助",
                "SD",
                note="支出型3个工作日内审核；POLICY-FACTS 标为［SD］［O］，须由地方确认",
            ),
        ),
        needs_economic_check=True,
        source=Source("鲁民〔2018〕85号；POLICY-FACTS 临时救助", "SD"),
        emergency_procedure=EmergencyProcedure(
            help_within_hours=24,
            completion_working_days=5,
            source=Source("鲁民〔2018〕85号；POLICY-FACTS 临时救助", "SD"),
        ),
    )


def _elderly_living() -> ServiceGuide:
    return _guide(
        Service.ELDERLY_LIVING,
        basis=(_ELDERLY_NOTICE,),
        conditions=(
            "60至99周岁的低保对象。",
            "低保审核确认后由系统自动发放，无需另行申请。",
            "每月标准：60至79周岁80元，80至89周岁100元，90至99周岁200元（最低标准）。",
        ),
        materials=(_ID_CARD,),
        procedure=(
            "低保审核确认",
            "系统核验年龄",
            "自动发放生活补贴",
        ),
        time_limit=TimeLimit(working_days=5, source=Source("POLICY-FACTS", "?", _TO_CONFIRM)),
        source=Source("鲁民〔2020〕49号；POLICY-FACTS 经济困难老年人补贴", "SD"),
    )


def _elderly_nursing() -> ServiceGuide:
    return _guide(
        Service.ELDERLY_NURSING,
        basis=(_ELDERLY_NOTICE, _ASSESSMENT_STANDARD),
        conditions=(
            "60至99周岁的低保对象。",
            "经老年人能力评估为中度失能或重度失能（2级或3级）。",
            "不与重度残疾人护理补贴同时享受，按就高原则领取一项。",
        ),
        materials=(_ID_CARD, _DIAGNOSIS),
        procedure=(
            "查询是否享受重度残疾人护理补贴",
            "老年人能力评估：由2名评估员进行",
            "审核确认",
            "发放护理补贴：每月80元",
            "每6个月复评",
        ),
        time_limit=TimeLimit(working_days=20, source=Source("POLICY-FACTS", "?", _TO_CONFIRM)),
        needs_capability_assessment=True,
        source=Source("鲁民〔2020〕49号；MZ/T 039-2013；POLICY-FACTS 护理补贴", "SD"),
    )


def _unemployment_registration() -> ServiceGuide:
    return _guide(
        Service.UNEMPLOYMENT_REGISTRATION,
        basis=(_EMPLOYMENT_REGULATION, _UNEMPLOYMENT_NOTICE),
        conditions=(
            "年满16周岁至领取养老金前，有劳动能力、有就业要求、处于失业状态。",
            "可在户籍地或常住地登记，不因非户籍地居住而拒绝登记。",
        ),
        materials=(_ID_CARD, _COMMITMENT),
        procedure=(
            "申请：到服务窗口或通过网上渠道提出",
            "受理",
            "登记：及时办结",
            "告知结果",
        ),
        time_limit=TimeLimit(
            working_days=1,
            source=Source(
                "鲁人社字〔2020〕39号；POLICY-FACTS 失业登记",
                "?",
                note="规定为及时办理、多地当日办结［N］［SD］；1个工作日为保守取值，须由地方确认",
            ),
        ),
        source=Source("鲁人社字〔2020〕39号；POLICY-FACTS 失业登记", "N"),
    )


def _employment_difficulty() -> ServiceGuide:
    return _guide(
        Service.EMPLOYMENT_DIFFICULTY,
        basis=(_EMPLOYMENT_REGULATION, _UNEMPLOYMENT_NOTICE),
        conditions=(
            "已办理失业登记。",
            "且属于下列情形之一：女性满40周岁、男性满50周岁；城镇零就业家庭成员；"
            "农村零转移就业家庭成员；抚养未成年子女的单亲家庭成员；最低生活保障对象；"
            "持有残疾人证；连续失业一年以上；失去土地；设区的市规定的其他情形。",
        ),
        materials=(
            _ID_CARD,
            _COMMITMENT,
            _DISABILITY_CARD,
            _MARRIAGE_PROOF,
            _LAND_REQUISITION_PROOF,
        ),
        procedure=(
            "申请：本人申请，或由低保联办自动发起",
            "受理",
            "审核：核验失业登记和困难类别",
            "认定",
            "告知结果",
        ),
        time_limit=TimeLimit(working_days=10, source=Source("POLICY-FACTS", "?", _TO_CONFIRM)),
        source=Source("山东省就业促进条例 第四十二条；POLICY-FACTS 就业困难人员认定", "SD"),
    )


def _flexible_insurance_subsidy() -> ServiceGuide:
    return _guide(
        Service.FLEXIBLE_INSURANCE_SUBSIDY,
        basis=(_EMPLOYMENT_REGULATION, _NATIONAL_FUND_MEASURES, _SHANDONG_FUND_MEASURES),
        conditions=(
            "经认定的就业困难人员，以灵活就业方式就业并缴纳社会保险费。",
            "补贴不超过实际缴费的三分之二，期限最长3年。",
            "首次核定时距法定退休年龄不足5年的，可延长至退休。",
        ),
        materials=(_ID_CARD, _COMMITMENT),
        procedure=(
            "申请",
            "受理",
            "审核：核验就业困难人员认定和社会保险缴费记录",
            "审批",
            "发放",
        ),
        time_limit=TimeLimit(working_days=20, source=Source("POLICY-FACTS", "?", _TO_CONFIRM)),
        source=Source("财社〔2023〕181号；鲁财社〔2024〕56号；POLICY-FACTS 社会保险补贴", "N"),
    )


def _training_subsidy() -> ServiceGuide:
    return _guide(
        Service.TRAINING_SUBSIDY,
        basis=(_EMPLOYMENT_REGULATION, _NATIONAL_FUND_MEASURES, _SHANDONG_FUND_MEASURES),
        conditions=(
            "属于脱贫家庭子女、毕业年度毕业生、未继续升学的应届初高中毕业生、"
            "农村转移就业劳动者或登记失业人员。",
            "参加职业培训并取得证书。",
            "同一职业同一等级只能享受一次。",
        ),
        materials=(
            _ID_CARD,
            _TRAINING_CERTIFICATE,
            _GRADUATION_CERTIFICATE,
            _STUDENT_STATUS,
        ),
        procedure=(
            "申请",
            "受理",
            "审核：核验人员类别和培训证书",
            "审批",
            "发放",
        ),
        time_limit=TimeLimit(working_days=20, source=Source("POLICY-FACTS", "?", _TO_CONFIRM)),
        source=Source("财社〔2023〕181号；鲁财社〔2024〕56号；POLICY-FACTS 职业培训补贴", "N"),
    )


def _skill_appraisal_subsidy() -> ServiceGuide:
    return _guide(
        Service.SKILL_APPRAISAL_SUBSIDY,
        basis=(_EMPLOYMENT_REGULATION, _NATIONAL_FUND_MEASURES, _SHANDONG_FUND_MEASURES),
        conditions=(
            "属于职业培训补贴所列人员。",
            "首次取得职业资格证书或职业技能等级证书，限享受一次。",
        ),
        materials=(
            _ID_CARD,
            _SKILL_CERTIFICATE,
            _APPRAISAL_FEE_RECEIPT,
            _GRADUATION_CERTIFICATE,
            _STUDENT_STATUS,
        ),
        procedure=(
            "申请",
            "受理",
            "审核：核验人员类别和证书为首次取得",
            "审批",
            "发放",
        ),
        time_limit=TimeLimit(working_days=20, source=Source("POLICY-FACTS", "?", _TO_CONFIRM)),
        source=Source("财社〔2023〕181号；鲁财社〔2024〕56号；POLICY-FACTS 职业技能鉴定补贴", "N"),
    )


# Reason codes officers use most, with the text a decision notice gives for them; an
# officer's own note is printed beside it.
_REFUSAL_REASONS: tuple[tuple[str, str], ...] = (
    ("income_above_standard", "经调查核实，家庭月人均收入不低于当地最低生活保障标准。"),
    ("assets_above_limit", "经调查核实，家庭财产状况不符合当地规定。"),
    ("not_local_household", "申请人不具有当地户籍。"),
    ("able_to_work", "经调查核实，申请人不属于无劳动能力人员。"),
    ("has_able_supporter", "申请人有法定赡养、抚养、扶养义务人且其具有履行能力。"),
    ("has_means_of_living", "经调查核实，申请人有生活来源。"),
    ("objection_upheld", "公示期间收到异议，经重新调查核实，异议成立。"),
    ("assessment_not_qualifying", "经老年人能力评估，失能等级不符合护理补贴条件。"),
    ("receives_pension", "申请人已按月领取基本养老金，不属于失业登记范围。"),
    ("no_qualifying_category", "申请人不属于就业困难人员认定的任一类别。"),
    ("not_flexibly_employed", "申请人未以灵活就业方式就业并缴纳社会保险费。"),
    ("same_cause_helped_this_year", "同一事由在一年内已获临时救助。"),
    ("not_in_difficulty", "经调查核实，申请人基本生活未出现严重困难。"),
)


def _parameters() -> Parameters:
    elderly = Source("鲁民〔2020〕49号；POLICY-FACTS 经济困难老年人补贴", "SD")
    return Parameters(
        # 60 to 99: the elderly subsidies' bands (鲁民〔2020〕49号, POLICY-FACTS).
        age_rule=AgeRule(up_to=99),
        elderly_living_bands=(
            AgeBand(60, 79, Money.yuan("80"), elderly),
            AgeBand(80, 89, Money.yuan("100"), elderly),
            AgeBand(90, 99, Money.yuan("200"), elderly),
        ),
        nursing_qualifying_levels=frozenset({2, 3}),
        nursing_monthly=Money.yuan("80"),
        nursing_source=Source("鲁民〔2020〕49号；MZ/T 039-2013；POLICY-FACTS 护理补贴", "SD"),
        due_soon_working_days=3,
        objection_route=ObjectionRoute(
            text=(
                "如对本决定不服，可以自收到本告知书之日起60日内向县级人民政府申请行政复议，"
                "或者自收到本告知书之日起6个月内依法向人民法院提起行政诉讼。"
            ),
            source=Source(
                "《中华人民共和国行政复议法》第二十条；《中华人民共和国行政诉讼法》第四十六条", "N"
            ),
        ),
        refusal_reasons=dict(_REFUSAL_REASONS),
    )


def _sample_standard(effective_from: date, yuan: str) -> DatedAmount:
    return DatedAmount(
        effective_from=effective_from,
        amount=Money.yuan(yuan),
        source=Source(
            "示例数值（每人每月）",
            "?",
            note="示例数值，须由县级民政部门按当地公布标准替换",
        ),
    )


def _township_cap() -> DatedAmount:
    return DatedAmount(
        effective_from=GUIDE_EFFECTIVE_FROM,
        amount=Money.yuan("2000"),
        source=Source(
            "POLICY-FACTS 临时救助（一县的授权额度）",
            "SD",
            note="乡镇（街道）审批额度由县级授权，须按当地文件设置",
        ),
    )


def _regions() -> tuple[RegionParameters, ...]:
    shandong = RegionParameters(
        region=RegionCode("37"),
        confirming_level=RegionLevel.TOWNSHIP,
        dibao_standard=(_sample_standard(GUIDE_EFFECTIVE_FROM, "900"),),
        township_approval_cap=_township_cap(),
        source=Source("POLICY-FACTS 谁确认：山东实践中审核确认权限委托乡镇（街道）", "SD"),
    )
    # A sample county (济南市历下区) that keeps confirmation at county level, as the
    # national rule does. The nearest region applies as a whole, so it repeats its
    # own dibao standard.
    sample_county = RegionParameters(
        region=RegionCode("370102"),
        confirming_level=RegionLevel.COUNTY,
        dibao_standard=(
            _sample_standard(date(2025, 1, 1), "880"),
            _sample_standard(GUIDE_EFFECTIVE_FROM, "950"),
        ),
        township_approval_cap=_township_cap(),
        source=Source(
            "示例县级参数",
            "?",
            note="示例：审核确认由县级民政部门负责（全国规定［N］），须按当地实际设置",
        ),
    )
    return (shandong, sample_county)


_W, _R, _A = Role.WINDOW_CLERK, Role.REVIEWER, Role.APPROVER
_SYS = Role.SYSTEM

# Civil affairs: which roles may apply each lifecycle event.
_CIVIL_AFFAIRS_ROLES: tuple[tuple[str, frozenset[Role]], ...] = (
    ("receive", frozenset({_W, _SYS})),
    ("verify", frozenset({_R, _SYS})),
    ("approve", frozenset({_A, _SYS})),  # the system: the automatic living subsidy (R7)
    ("grant", frozenset({_A, _SYS})),
    ("close", frozenset({_A, _SYS})),
    ("reject", frozenset({_R, _A})),
    ("not_accept", frozenset({_W, _R, _SYS})),  # the system: the intake check (R6)
    ("withdraw", frozenset({_W, _R})),
    ("end_branch", frozenset({_SYS})),
    ("request_materials", frozenset({_W, _R})),
    ("supply_materials", frozenset({_W, _R})),
    ("record_check_report", frozenset({_R, _SYS})),
    ("record_assessment", frozenset({Role.ASSESSOR})),
    ("dispute", frozenset({_W, _R})),
    ("transfer", frozenset({_W, _R, _A, Role.SUPERVISOR})),
    ("hold", frozenset({_SYS})),
    ("release", frozenset({_SYS})),
    ("publish_notice", frozenset({_R})),  # the township posts its opinion (公示)
    ("object", frozenset({_W, _R})),  # whoever receives the objection records it
    ("help_first", frozenset({_R, _A})),  # 先行救助 within the township's authority
    ("extend", frozenset({_A})),  # 延长办理时限: approved by whoever confirms (R13)
)


def _human_resources_roles(civil_affairs: frozenset[Role]) -> frozenset[Role]:
    """The HR officer stands in for clerk, reviewer and approver; the system stays."""
    officer = {Role.HR_OFFICER} if civil_affairs & {_W, _R, _A} else set()
    return frozenset(officer | (civil_affairs & {_SYS}))


def _permissions() -> Permissions:
    by_event: dict[tuple[Department, str], frozenset[Role]] = {}
    for event, roles in _CIVIL_AFFAIRS_ROLES:
        by_event[(Department.CIVIL_AFFAIRS, event)] = roles
        if hr_roles := _human_resources_roles(roles):
            by_event[(Department.HUMAN_RESOURCES, event)] = hr_roles
    return Permissions(by_event=by_event)


_HANDLERS = frozenset({_W, _R, _A, Role.HR_OFFICER, Role.SUPERVISOR})
_SUPERVISOR = frozenset({Role.SUPERVISOR})

# Complaints and reports (R15): whoever first receives one records and may transfer it
# (R10); the supervisors verify, follow the rectification, answer and close it.
_COMPLAINT_ROLES: tuple[tuple[str, frozenset[Role]], ...] = (
    ("receive", _HANDLERS),
    ("transfer", _HANDLERS),
    ("verify", _SUPERVISOR),
    ("rectify", _SUPERVISOR),
    ("answer", _SUPERVISOR),
    ("close", _SUPERVISOR),
    ("request_review", _SUPERVISOR),
)

_NO_COMPLAINT_LIMIT = (
    "POLICY-FACTS 未给出投诉举报办理时限；本系统取15个工作日（自受理至答复），须由地方确认"
)


def _supervision() -> SupervisionParameters:
    return SupervisionParameters(
        complaint_time_limit=TimeLimit(
            working_days=15, source=Source("work-specification-2021 四", "?", _NO_COMPLAINT_LIMIT)
        ),
        report_time_limit=TimeLimit(
            working_days=15, source=Source("work-specification-2021 四", "?", _NO_COMPLAINT_LIMIT)
        ),
        bounce=BounceRule(),
        roles=dict(_COMPLAINT_ROLES),
    )
