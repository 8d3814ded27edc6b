from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    name = "qingqian.security"
    label = "security"
    verbose_name = _("安全与审计")

    def ready(self) -> None:
        from qingqian.core.timeline import register_action_labels
        from qingqian.security.audit import ACTION_LABELS

        register_action_labels(ACTION_LABELS)
