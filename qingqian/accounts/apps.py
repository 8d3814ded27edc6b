from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "qingqian.accounts"
    label = "accounts"
    verbose_name = _("账户与权限")

    def ready(self) -> None:
        from qingqian.core.timeline import register_action_labels

        register_action_labels(
            {
                "accounts.user.created": _("创建用户"),
                "accounts.role.granted": _("授予角色"),
                "accounts.role.revoked": _("撤销角色"),
                "accounts.token.created": _("创建访问令牌"),
                "accounts.token.revoked": _("吊销访问令牌"),
                "accounts.login.succeeded": _("登录成功"),
                "accounts.login.failed": _("登录失败"),
                "accounts.logout": _("退出登录"),
            }
        )
        from qingqian.accounts import signals  # noqa: F401  (login/logout audit)
