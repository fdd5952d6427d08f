"""Serve plotly.js from the installed `plotly` Python package, as `vendor/plotly.min.js`.

No copy of the bundle is committed and no CDN is used: the file comes from the very plotly
version pip installed, so the Python figures and the JS that draws them always match.
`runserver`, the test live server and `collectstatic` (which then compresses it for WhiteNoise)
all find it through this finder.
"""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PACKAGE_DATA = Path(plotly.__file__).resolve().parent / "package_data"
SERVED = {"vendor/plotly.min.js": "plotly.min.js"}


class VendorStorage(FileSystemStorage):
    """The package_data folder, seen under the `vendor/` prefix by collectstatic."""

    prefix = "vendor"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = VendorStorage(location=str(PACKAGE_DATA))

    def check(self, **kwargs):
        from django.core.checks import Error

        missing = [name for name in SERVED.values() if not (PACKAGE_DATA / name).exists()]
        return [Error(f"plotly's {name} is missing from {PACKAGE_DATA}") for name in missing]

    def find(self, path, find_all=False, **kwargs):
        source = SERVED.get(path)
        if source is None:
            return [] if find_all else None
        found = str(PACKAGE_DATA / source)
        return [found] if find_all else found

    def list(self, ignore_patterns):
        for source in SERVED.values():
            yield source, self.storage
