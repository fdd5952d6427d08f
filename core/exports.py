"""Safe spreadsheet exports: one rule for every CSV/XLSX file dtmonitor writes, and its
inverse for the files that come back."""

# A cell starting with one of these is run as a formula by Excel and LibreOffice (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """Return `value` so that a spreadsheet shows it as text, never evaluates it.

    Numbers stay numbers; a string that would start a formula gets a leading apostrophe,
    which spreadsheets hide and treat as "this is text".
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def unneutralise(value):
    """The inverse of `neutralise`, for a cell read back from a file: "'=x" is "=x".

    Only an apostrophe that `neutralise` could have added is removed (one, before a formula
    trigger), so an exported file imports back unchanged and a round trip never adds a
    second apostrophe. A spreadsheet never stores a typed leading apostrophe in the cell
    (it only marks the cell as text), so no value a person typed loses one.
    """
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(
        FORMULA_TRIGGERS
    ):
        return value[1:]
    return value
