-- Licensed members (logins) of each qualifying team on each day, for the seat lists.
SELECT day, slug, list(DISTINCT user_login) AS logins
FROM user_teams
WHERE coalesce(user_login, '') <> ''
  AND (day, slug) IN (SELECT day, slug FROM user_teams GROUP BY day, slug HAVING count(*) >= 5)
GROUP BY day, slug
ORDER BY day, slug
