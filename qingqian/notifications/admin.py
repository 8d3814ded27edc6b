from django.contrib import admin

from qingqian.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "recipient", "channel", "subject", "state", "attempts")
    list_filter = ("channel", "state")
    readonly_fields = [f.name for f in Notification._meta.fields]
