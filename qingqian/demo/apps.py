from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """Demo data (`seed_demo`). Depends on every domain app; nothing depends on it."""

    name = "qingqian.demo"
    label = "demo"
    verbose_name = _("演示数据")
