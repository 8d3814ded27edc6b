from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "qingqian.disclosure"
    label = "disclosure"
    verbose_name = _("信息公开")

    def ready(self) -> None:
        from qingqian.core.timeline import register_action_labels

        register_action_labels(
            {
                "disclosure.return.drafted": _("系统按台账起草"),
                "disclosure.return.refresh": _("按台账重新起草"),
                "disclosure.return.confirm": _("单位确认数据"),
                "disclosure.return.correct": _("单位更正数据并确认"),
                "disclosure.return.approve": _("主管部门审核通过"),
                "disclosure.return.send_back": _("退回单位"),
                "disclosure.return.publish": _("专班发布"),
                "disclosure.return.reopened": _("发起更正"),
                "disclosure.year.drafted": _("年度公开数据起草"),
                "disclosure.reminders.sent": _("发送年度公开提醒"),
                "disclosure.performance.published": _("公开付款表现"),
                "disclosure.report.generated": _("生成月度通报"),
            }
        )
