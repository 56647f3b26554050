-- facts/user_teams: one row per (user, team, day), as GitHub's user-teams-1-day report gives
-- it (only Copilot-licensed users; GitHub leaves out teams under five of them).
-- Run on `raw_user_teams` with the variable `day`, as fact_user_days.sql. A repeated line
-- counts once (the first).
DELETE FROM raw_user_teams
WHERE rowid NOT IN (
    SELECT min(rowid)
    FROM raw_user_teams
    WHERE coalesce(day, getvariable('day')) = getvariable('day')
      AND user_id IS NOT NULL
      AND coalesce(slug, '') <> ''
    GROUP BY slug, user_id, organization_id
)
