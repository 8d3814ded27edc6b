from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "qingqian.notifications"
    label = "notifications"
    verbose_name = _("消息通知")

    def ready(self) -> None:
        from qingqian.core.timeline import register_action_labels

        register_action_labels(
            {
                "notifications.notification.retried": _("重新投递通知"),
                "notifications.notification.dead": _("通知投递失败（已停止重试）"),
            }
        )
