from django import forms
from django.utils.translation import gettext_lazy as _

from qingqian.accounts.choices import Role
from qingqian.security.audit import SECURITY_ACTIONS

CATEGORY_LABELS = {
    "login": _("登录与会话"),
    "lockout": _("登录锁定"),
    "two_factor": _("双因素与重新验证"),
    "permissions": _("账号与权限变更"),
    "unmasking": _("查看完整个人信息"),
    "exports": _("数据导出"),
    "publication": _("信息发布"),
    "audit": _("审计日志管理"),
}


def _styled(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class AuditSearchForm(forms.Form):
    category = forms.ChoiceField(
        label=_("类别"),
        required=False,
        choices=[("", _("全部"))] + [(k, CATEGORY_LABELS[k]) for k in SECURITY_ACTIONS],
    )
    action = forms.CharField(label=_("动作代码（前缀）"), required=False, max_length=100)
    actor = forms.CharField(label=_("操作人用户名"), required=False, max_length=150)
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    ip = forms.GenericIPAddressField(label=_("IP 地址"), required=False)
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class UnmaskForm(forms.Form):
    reason = forms.CharField(label=_("查看原因"), max_length=300, min_length=4, widget=forms.TextInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class PersonAccessForm(forms.Form):
    phone = forms.CharField(label=_("手机号或电话"), max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


ADMIN_ASSIGNABLE = [(r.value, r.label) for r in Role]


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("角色"), choices=ADMIN_ASSIGNABLE)
    region_code = forms.CharField(label=_("区划代码（区划类角色）"), required=False, max_length=12)
    organisation = forms.CharField(label=_("单位名称（单位类角色）"), required=False, max_length=200)
    enterprise = forms.CharField(label=_("企业名称（企业用户）"), required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    display_name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=40, required=False)
    email = forms.EmailField(label=_("邮箱"), required=False)
    password = forms.CharField(label=_("初始密码"), widget=forms.PasswordInput(render_value=False))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)


class UnlockForm(forms.Form):
    username = forms.CharField(label=_("用户名"), required=False, max_length=150)
    ip = forms.GenericIPAddressField(label=_("IP 地址"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _styled(self)
