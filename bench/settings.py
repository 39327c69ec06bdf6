"""Bench-only settings: the production settings plus the baseline view's URLconf."""

from tasker.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"].append(BASE_DIR / "bench" / "templates")  # noqa: F405
