"""What the pages read from the store: plain functions of a store, no Streamlit.

The app caches them (`web/ui/data.py`, keyed on the files' version tags); tests and
benchmarks call them directly.

    tables.py    the team tables (store v3): the directory, one team's days, every team's days
    teams.py     the same from older stores (team files, teams_history.json), and the team lists
    org.py       the organisation's days and seats
    person.py    one person's own facts (DuckDB over facts/user_days)
"""
