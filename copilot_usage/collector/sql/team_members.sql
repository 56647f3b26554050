-- Licensed members (logins) of each team on each day, for the seat lists (facts.py keeps the
-- teams team_days.sql records).
SELECT day, slug, list(DISTINCT user_login) AS logins
FROM user_teams
WHERE coalesce(user_login, '') <> ''
GROUP BY day, slug
