"""The portal's eligibility wizard: the conditions for a complaint, with where to go instead."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class EligibilityQuestion:
    key: str
    question: str
    qualifying: bool
    otherwise: str


def eligibility_questions() -> list[EligibilityQuestion]:
    return [
        EligibilityQuestion(
            "bound_payer",
            _("欠款方是机关、事业单位或大型企业吗？"),
            True,
            _(
                "《保障中小企业款项支付条例》只约束机关、事业单位和大型企业。中小企业之间的欠款纠纷，请通过协商、人民调解、仲裁或诉讼解决。"
            ),
        ),
        EligibilityQuestion(
            "has_contract",
            _("双方之间有采购货物、工程或服务的合同（含书面或其他形式）吗？"),
            True,
            _("没有合同关系的款项不属于投诉受理范围。如为借款、投资等其他纠纷，请咨询律师或向人民法院起诉。"),
        ),
        EligibilityQuestion(
            "performed",
            _("贵企业已按合同交付货物、完成工程或提供服务了吗？"),
            True,
            _("尚未履行完毕的，付款期限一般尚未起算。请在交付（或验收）后，付款期满仍未付款时再投诉。"),
        ),
        EligibilityQuestion(
            "overdue",
            _("约定或法定的付款期限已经届满，款项仍未付清吗？"),
            True,
            _(
                "机关、事业单位应自交付之日起30日内付款，合同另有约定的最长不超过60日。期限未满的，暂不能投诉。"
            ),
        ),
        EligibilityQuestion(
            "no_other_procedure",
            _("该笔款项没有进入诉讼、仲裁、调解，也没有其他部门正在处理吗？"),
            True,
            _(
                "已进入诉讼、仲裁、调解或其他部门处理程序的，不予受理，请在原程序中继续主张权利；法院判决后未执行的，可向人民法院申请强制执行。"
            ),
        ),
    ]


def check_eligibility(answers: dict[str, Any]) -> list[EligibilityQuestion]:
    """The questions whose answer disqualifies (empty: the enterprise may file)."""
    failed = []
    for q in eligibility_questions():
        value = answers.get(q.key)
        if isinstance(value, str):
            value = value in ("1", "true", "yes", "on", "是")
        if bool(value) != q.qualifying:
            failed.append(q)
    return failed
