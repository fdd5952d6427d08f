"""Safe spreadsheet exports: one rule for every CSV/XLSX file dtmonitor writes."""

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
