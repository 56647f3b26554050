"""The data contract: every store key and partition, every file and table shape, the
counters and the thresholds. Everything else imports these names; none is written out
anywhere else. docs/architecture.md ("The contract") says what belongs here and how a
change to it is made.

    keys.py          store keys, partitions, report names, what a key may be
    rules.py         thresholds and dates: five members, provisional days, windows, the switch
    counters.py      the seven counters and four breakdowns, GitHub's names and ours
    days.py          TeamDay, OrgDay: the records of a day
    teams.py         Team, TeamHistory (`teams_history.json`), slugs
    seats.py         Seat, SeatSnapshot (`copilot_seats.json`)
    facts.py         the columns of the facts tables
    report_lines.py  GitHub's organisation line in an OrgDay's fields
    legacy.py        the retired endpoints' days, converted on read
    names.py         what people read for GitHub's codes (features, adoption phases)
    figures.py       each figure people read: its one name, unit and meaning (adoption…)
"""
