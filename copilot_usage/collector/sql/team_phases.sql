-- Team adoption phases: for each team-day, how many members active that day were in each
-- phase of GitHub's `ai_adoption_phase.phase`, over member_days.sql. The phase name is kept as
-- GitHub writes it, a name we do not know included; a line without the field (or with an
-- empty name) is not counted. facts.py keeps the teams team_days.sql records.
SELECT day, slug, ai_adoption_phase.phase AS phase, count(*) AS users
FROM member_days
WHERE coalesce(ai_adoption_phase.phase, '') <> ''
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
