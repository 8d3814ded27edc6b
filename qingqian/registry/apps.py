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
                "registry.lpr.created": _("新增LPR报价"),
                "registry.lpr.updated": _("修改LPR报价"),
            }
        )
