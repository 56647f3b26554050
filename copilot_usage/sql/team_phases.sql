-- Team adoption phases: for each team-day, how many members active that day were in each
-- phase of GitHub's `ai_adoption_phase.phase`, joined as in team_days.sql (that day's user
-- lines with that same day's user-team lines). The phase name is kept as GitHub writes it,
-- a name we do not know included; a line without the field (or with an empty name) is not
-- counted. facts.py keeps the teams team_days.sql records.
SELECT m.day, m.slug, u.ai_adoption_phase.phase AS phase, count(*) AS users
FROM user_teams m
JOIN user_days u
  ON u.day = m.day AND u.user_id = m.user_id
 AND u.organization_id IS NOT DISTINCT FROM m.organization_id
WHERE coalesce(u.ai_adoption_phase.phase, '') <> ''
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
