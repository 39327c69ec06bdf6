from django.apps import AppConfig


class TaskerConfig(AppConfig):
    """The project itself: its deploy checks (tasker/checks.py)."""

    name = "tasker"
    verbose_name = "Tasker"

    def ready(self) -> None:
        from . import checks  # noqa: F401 - registers the checks
