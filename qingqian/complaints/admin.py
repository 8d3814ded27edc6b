from django.contrib import admin

from qingqian.complaints.models import Complaint, DeadlineHistory, PendingDebtor


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """Read-only: complaints change only through the workflow services."""

    list_display = (
        "number",
        "status",
        "channel",
        "complainant_name",
        "respondent_name",
        "due_on",
        "lateness",
    )
    list_filter = ("status", "channel", "lateness")
    search_fields = ("number", "complainant_name", "respondent_name", "upstream_ref")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


admin.site.register(DeadlineHistory)
admin.site.register(PendingDebtor)
