from qingqian.core.testing.matrix import ALL_PERSONAS, Page

PAGES = [
    Page("public:home", ALL_PERSONAS),
]
