"""The dashboard: its data views (shared by `serve` and `export-site`), the web app, and the
static export."""

from frontendx.dashboard._app import create_app, run_server
from frontendx.dashboard._data import PAGE_SIZE, SLICE_DIMS, NotFound, Views, agent_key, slice_key
from frontendx.dashboard._export import export_site
from frontendx.dashboard.synthetic import generate_synthetic

__all__ = [
    "PAGE_SIZE",
    "SLICE_DIMS",
    "NotFound",
    "Views",
    "agent_key",
    "create_app",
    "export_site",
    "generate_synthetic",
    "run_server",
    "slice_key",
]
