from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "qingqian.complaints"
    label = "complaints"
    verbose_name = _("投诉线索")

    def ready(self) -> None:
        from qingqian.complaints.transitions import ACTION_LABELS
        from qingqian.core.timeline import register_action_labels

        labels = {f"complaints.case.{action}": label for action, label in ACTION_LABELS.items()}
        labels.update(
            {
                "complaints.case.filed": _("登记投诉"),
                "complaints.case.respondent_confirmed": _("确认被投诉单位"),
                "complaints.pending_debtor.created": _("被投诉单位待确认"),
                "complaints.case.evidence_added": _("上传材料"),
                "complaints.case.note_comment": _("办理意见"),
                "complaints.case.note_answer": _("被投诉单位答复"),
                "complaints.case.note_payment_report": _("付款情况报告"),
                "complaints.case.note_material": _("补充材料说明"),
                "complaints.case.supervised_manually": _("专班办公室督办"),
                "complaints.case.reminded": _("期限临近催办"),
                "complaints.case.overdue": _("超期"),
                "complaints.case.supervised": _("超期督办"),
                "complaints.case.escalated": _("提级督办"),
                "complaints.case.upstream_feedback": _("向上级平台反馈"),
                "complaints.import.completed": _("导入上级平台转办件"),
            }
        )
        register_action_labels(labels)
