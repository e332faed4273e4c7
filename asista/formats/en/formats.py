"""English for customers in Romania: day first, month by name, a 24-hour clock.

Django's English is American (11/26/2026 2:52 p.m.); 12/08/2026 reads as 12 August to a
Romanian. Names of months make every date unambiguous to anyone (docs/decisions.md, "Dates in
English"). Numbers stay English (1,234.56).
"""

DATE_FORMAT = "j F Y"  # 26 November 2026
TIME_FORMAT = "H:i"  # 14:52
DATETIME_FORMAT = "j F Y, H:i"  # 26 November 2026, 14:52
YEAR_MONTH_FORMAT = "F Y"  # November 2026
MONTH_DAY_FORMAT = "j F"  # 26 November
SHORT_DATE_FORMAT = "d M Y"  # 26 Nov 2026
SHORT_DATETIME_FORMAT = "d M Y, H:i"  # 26 Nov 2026, 14:52
FIRST_DAY_OF_WEEK = 1  # Monday

# What a form accepts: ISO first (what <input type=date> sends), then day-first forms only.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-11-26
    "%d.%m.%Y",  # 26.11.2026
    "%d/%m/%Y",  # 26/11/2026
    "%d %b %Y",  # 26 Nov 2026
    "%d %B %Y",  # 26 November 2026
]
TIME_INPUT_FORMATS = ["%H:%M:%S", "%H:%M:%S.%f", "%H:%M"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
