"""Static files storage for production: WhiteNoise's compressed, hashed files, without the 500.

`CompressedManifestStaticFilesStorage` raises ValueError for a name missing from the manifest,
and Django turns that into a 500 on every page that links a static file (the login page
included) until `collectstatic` has run. Here a missing entry falls back to the file's plain
URL and logs a warning once per file: the page still works (without far-future caching for
that file) and the log says what to run. `make serve` and the Docker image run collectstatic,
so this is the exception, not the way files are served.
"""

import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class ForgivingManifestStorage(CompressedManifestStaticFilesStorage):
    # A name missing from the manifest is hashed from the file in STATIC_ROOT when it is there.
    manifest_strict = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._reported: set[str] = set()

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:
            # Neither in the manifest nor in STATIC_ROOT: collectstatic has not run since the
            # file was added.
            if name not in self._reported:
                self._reported.add(name)
                logger.warning(
                    "static file %r is not collected: serving its plain name; "
                    "run `manage.py collectstatic` (make serve does)", name,
                )
            return name
