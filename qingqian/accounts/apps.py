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
                "accounts.login.locked_out": _("登录锁定"),
                "accounts.lockout.released": _("解除登录锁定"),
                "accounts.session.expired": _("会话超时退出"),
                "accounts.2fa.enrolled": _("启用双因素认证"),
                "accounts.2fa.verified": _("双因素认证通过"),
                "accounts.2fa.failed": _("双因素认证失败"),
                "accounts.2fa.reset": _("重置双因素认证"),
                "accounts.2fa.recovery_issued": _("生成恢复码"),
                "accounts.reauth.succeeded": _("重新验证身份"),
                "accounts.reauth.failed": _("重新验证身份失败"),
                "accounts.password.changed": _("修改密码"),
                "accounts.user.deactivated": _("停用用户"),
                "accounts.user.activated": _("启用用户"),
            }
        )
        from qingqian.accounts import signals  # noqa: F401  (login/logout audit)
