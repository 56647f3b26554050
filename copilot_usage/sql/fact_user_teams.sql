-- facts/user_teams: one row per (user, team, day), as GitHub's user-teams-1-day report gives
-- it (only Copilot-licensed users; GitHub leaves out teams under five of them).
-- Input: `raw_user_teams` and the variable `day`. A repeated line counts once.
SELECT DISTINCT ON (slug, user_id, organization_id)
       user_id, user_login, organization_id, team_id, slug
FROM raw_user_teams
WHERE coalesce(CAST(day AS VARCHAR), CAST(getvariable('day') AS VARCHAR)) = CAST(getvariable('day') AS VARCHAR)
  AND user_id IS NOT NULL
  AND coalesce(slug, '') <> ''
ORDER BY slug, user_id, organization_id
