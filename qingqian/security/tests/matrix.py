from qingqian.core.testing.matrix import Page

SYS = frozenset({"sysadmin"})
SEC = frozenset({"secadmin"})
AUD = frozenset({"auditadmin"})
UNMASKERS = frozenset({"office", "finance", "sasac", "county", "sysadmin"})


def _user(w):
    return {"user_id": w.clerk.pk}


def _grant(w):
    return {"user_id": w.clerk.pk, "grant_id": w.clerk.grants.first().pk}


def _enterprise_phone(w):
    from qingqian.registry.models import Enterprise

    return {
        "model": "registry.enterprise",
        "pk": str(Enterprise.objects.order_by("pk")[0].pk),
        "field": "contact_phone",
    }


PAGES = [
    Page("security:user_list", SYS | SEC),
    # POSTs without a body: the form is refused with a message and a redirect (302) for the allowed role
    Page("security:user_create", SYS, method="POST", ok=frozenset({302})),
    Page("security:user_toggle_active", SYS, kwargs=_user, method="POST", ok=frozenset({302})),
    Page("security:user_detail", SEC, kwargs=_user),
    # role changes and 2FA resets ask for re-authentication first (302 to /accounts/reauth/)
    Page("security:user_grant", SEC, kwargs=_user, method="POST", ok=frozenset({302})),
    Page("security:user_revoke", SEC, kwargs=_grant, method="POST", ok=frozenset({302})),
    Page("security:user_reset_2fa", SEC, kwargs=_user, method="POST", ok=frozenset({302})),
    Page("security:unlock", SEC),
    Page("security:pii_registry", SYS | SEC | AUD),
    # unmasking: the roles that may, then re-authentication (302); the rest 403
    Page("security:unmask", UNMASKERS, kwargs=_enterprise_phone, ok=frozenset({302})),
    Page("security:audit_search", AUD),
    Page("security:audit_export", AUD),
    Page("security:audit_verify", AUD),
    Page("security:person_access", AUD | SEC),
]
