from qingqian.core.testing.matrix import ADMINS, ALL_PERSONAS, LOGGED_IN, STAFF, Endpoint, Page

PAGES = [
    Page("accounts:login", ALL_PERSONAS - LOGGED_IN, ok=frozenset({200})),
    Page("accounts:home", ALL_PERSONAS, ok=frozenset({302})),
    Page("accounts:staff_home", STAFF),
    Page("accounts:portal_home", frozenset({"enterprise"})),
    Page("accounts:admin_home", ADMINS),
    Page("accounts:logout", ALL_PERSONAS, method="POST", ok=frozenset({302})),
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
