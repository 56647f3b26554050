-- Member days: GitHub's join, written once, that every team figure builds on. From GitHub's
-- recipe for team-level metrics (usage-metrics reports): "for each day, join that day's user
-- lines with that same day's user-team lines on user_id, day and organization, then group by
-- team. Count users as distinct ids; never add daily distinct counts across days or
-- breakdowns; a user in several teams counts in each."
-- One row per (day, team, member with a line in that day's user report), with the member's
-- facts of the day: team_days, team_windows, team_breakdowns and team_phases group it by team.
-- Tables: user_days and user_teams (facts/), one row per user per day and per (user, team,
-- day). Portable SQL: a view in DuckDB (the collector) and in Athena/Trino (docs/deploy.md).
SELECT m.slug, u.*
FROM user_teams m
JOIN user_days u
  ON u.day = m.day AND u.user_id = m.user_id
 AND u.organization_id IS NOT DISTINCT FROM m.organization_id
