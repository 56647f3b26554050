"""The collector: GitHub's reports in, facts and team days out, into the store.

    run.py           collect(): a whole run, incremental, with checkpoints
    team_history.py  get_team_history(): one team straight from GitHub
    days.py          one day's three reports fetched, made facts and joined
    reports.py       a report day from the store's copy once final, else from GitHub
    facts.py         DuckDB in process: the day's facts and GitHub's team recipe (sql/)
    windows.py       rolling weekly and monthly distinct users from the window's facts
    memory.py        the collector's native memory kept small (glibc arenas)
    cli.py, aws_lambda.py   the entry points
"""
