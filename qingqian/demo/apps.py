from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data (`seed_demo`) and synthetic cities (`generate_city`). Depends on every domain app;
    nothing depends on it."""

    name = "qingqian.demo"
    label = "demo"
    verbose_name = _("演示数据")

    def ready(self) -> None:
        from qingqian.core.timeline import register_action_labels

        register_action_labels(
            {
                "demo.generate.batch": _("批量生成合成数据"),
                "demo.generate.finished": _("合成数据生成完成"),
            }
        )
