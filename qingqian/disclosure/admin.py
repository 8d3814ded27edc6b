"""Read-only admin views of disclosure: changes go through the services (the workflow), never the admin."""

from typing import Any

from django.contrib import admin

from qingqian.disclosure.models import (
    DisclosureReturn,
    MonthlyReport,
    PublishedDisclosure,
    PublishedPerformance,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(DisclosureReturn)
class DisclosureReturnAdmin(ReadOnlyAdmin):
    list_display = ("body", "year", "version", "status", "overdue_count", "overdue_amount")
    list_filter = ("year", "status")
    search_fields = ("body__name",)


@admin.register(PublishedDisclosure)
class PublishedDisclosureAdmin(ReadOnlyAdmin):
    list_display = ("body_name", "year", "version", "overdue_count", "overdue_amount", "published_at")
    list_filter = ("year",)
    search_fields = ("body_name",)


@admin.register(PublishedPerformance)
class PublishedPerformanceAdmin(ReadOnlyAdmin):
    list_display = ("body_name", "year", "version", "paid_count", "within_term_pct", "published_at")


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    list_display = ("doc_number", "period", "trigger", "generated_at")
    exclude = ("docx", "xlsx")
