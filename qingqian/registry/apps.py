from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "qingqian.registry"
    label = "registry"
    verbose_name = _("登记名录")

    def ready(self) -> None:
        from qingqian.core.timeline import register_action_labels

        register_action_labels(
            {
                "registry.region.created": _("新增区划"),
                "registry.region.updated": _("修改区划"),
                "registry.organisation.created": _("登记单位"),
                "registry.organisation.updated": _("修改单位信息"),
                "registry.organisation.rerouted": _("责任部门按转办规则调整"),
                "registry.enterprise.created": _("登记企业"),
                "registry.routing_rule.created": _("新增转办规则"),
                "registry.routing_rule.updated": _("修改转办规则"),
                "registry.calendar.seeded": _("导入节假日安排"),
                "registry.calendar.day_set": _("修改节假日安排"),
                "registry.calendar.year_known": _("确认年度节假日安排"),
                "registry.taskforce.created": _("成立清欠工作专班"),
                "registry.lpr.created": _("新增LPR报价"),
                "registry.lpr.updated": _("修改LPR报价"),
            }
        )
