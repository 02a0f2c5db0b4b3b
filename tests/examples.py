"""Real decisions the tests use (from the shipped example data)."""

from __future__ import annotations

# Länsstyrelsen i Jönköpings län, kommuntal 2022 (länstal 255; Sävsjö 0).
JONKOPING_2022 = {
    "0604": 4, "0686": 4, "0662": 18, "0617": 10, "0643": 18, "0680": 119, "0642": 9,
    "0682": 8, "0684": 0, "0687": 8, "0665": 13, "0685": 13, "0683": 31,
}  # fmt: skip

# An agreement: Aneby takes four places from Jönköping.
JONKOPING_AGREED = {**JONKOPING_2022, "0680": 115, "0604": 8}
