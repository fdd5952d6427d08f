"""Serve the partial plotly.js bundle from `node_modules/`, as `vendor/plotly-cartesian.min.js`.

No copy of the bundle is committed and no CDN is used. `package.json` pins
`plotly.js-cartesian-dist-min` (the traces our charts use: bar, scatter, heatmap and pie, 1.5 MB
instead of the full bundle's 4.8 MB) and `package-lock.json` holds its sha512, which `npm ci`
(run by `make install`) verifies. Its version is the plotly.js version the installed `plotly`
Python package bundles, so the figures built in Python and the JS that draws them match (a test
compares the two). `runserver`, the test live server and `collectstatic` (which hashes and
compresses it for WhiteNoise) all find it through this finder.
"""

import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PACKAGE = "plotly.js-cartesian-dist-min"
SOURCE = "plotly-cartesian.min.js"
SERVED_AS = "vendor/plotly-cartesian.min.js"


def package_folder() -> Path:
    return Path(settings.BASE_DIR) / "node_modules" / PACKAGE


def bundle_version(path: Path) -> str | None:
    """The plotly.js version a bundle announces in its first line ("plotly.js v4.1.1")."""
    with path.open(encoding="utf-8") as handle:
        found = re.search(r"plotly\.js[^\n]*? v(\d+\.\d+\.\d+)", handle.read(2000))
    return found.group(1) if found else None


class VendorStorage(FileSystemStorage):
    """The package's folder, seen under the `vendor/` prefix by collectstatic."""

    prefix = "vendor"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = VendorStorage(location=str(package_folder()))

    def check(self, **kwargs):
        from django.core.checks import Error

        if (package_folder() / SOURCE).exists():
            return []
        return [Error(f"{package_folder() / SOURCE} is missing: run `make install` (npm ci)",
                      id="dtmonitor.E001")]

    def find(self, path, find_all=False, **kwargs):
        if path != SERVED_AS or not (package_folder() / SOURCE).exists():
            return [] if find_all else None
        found = str(package_folder() / SOURCE)
        return [found] if find_all else found

    def list(self, ignore_patterns):
        if (package_folder() / SOURCE).exists():
            yield SOURCE, self.storage
