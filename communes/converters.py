class UnitCodeConverter:
    """A unit's official code in a URL: letters, digits, "-" and "_" only, so that odd bytes
    (a NUL, say) are a 404 before they reach the database."""

    regex = r"[0-9A-Za-z_-]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
