from qingqian.core.testing.matrix import ADMINS, ALL_PERSONAS, LOGGED_IN, STAFF, Endpoint, Page

PAGES = [
    Page("accounts:login", ALL_PERSONAS - LOGGED_IN, ok=frozenset({200})),
    Page("accounts:home", ALL_PERSONAS, ok=frozenset({302})),
    Page("accounts:staff_home", STAFF),
    Page("accounts:portal_home", frozenset({"enterprise"})),
    Page("accounts:admin_home", ADMINS),
    Page("accounts:logout", ALL_PERSONAS, method="POST", ok=frozenset({302})),
    # the second factor: verified staff are sent on (302); the enterprise user (no authenticator) to setup
    Page("accounts:two_factor", LOGGED_IN, ok=frozenset({302})),
    Page("accounts:two_factor_setup", LOGGED_IN, ok=frozenset({200, 302})),
    # sensitive: always asks for re-authentication first
    Page("accounts:recovery_codes", LOGGED_IN, ok=frozenset({302})),
    Page("accounts:reauth", LOGGED_IN),
    Page("accounts:password_change", LOGGED_IN),
    # the idle-timeout script's endpoints answer JSON; the public gets 401, not a login redirect
    Page("accounts:session_status", LOGGED_IN, public_status=frozenset({401})),
    Page("accounts:session_extend", LOGGED_IN, method="POST", public_status=frozenset({401})),
]

ENDPOINTS = [
    Endpoint("GET", "/api/v1/accounts/me", LOGGED_IN),
    Endpoint("GET", "/api/v1/accounts/tokens", LOGGED_IN),
    Endpoint(
        "POST", "/api/v1/accounts/tokens", LOGGED_IN, body=lambda w: {"name": "matrix"}, ok=frozenset({201})
    ),
    Endpoint(
        "POST",
        "/api/v1/accounts/tokens/{token_id}/revoke",
        frozenset(),  # only the token's owner; the matrix token belongs to nobody here → 404 for all
        params=lambda w: {"token_id": 999999},
    ),
]
