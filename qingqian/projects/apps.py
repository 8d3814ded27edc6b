from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "qingqian.projects"
    label = "projects"
    verbose_name = _("政府投资项目")
