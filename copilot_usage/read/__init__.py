"""What the pages read from the store: plain functions of a store, no Streamlit.

The app caches them (`web/ui/data.py`, keyed on the files' version tags); tests and
benchmarks call them directly.

    teams.py     the recorded teams, one team's days, every team's days for the overview
    org.py       the organisation's days and seats
    person.py    one person's own facts (DuckDB over facts/user_days)
"""
