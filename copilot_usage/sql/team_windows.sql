-- Team rolling active users, GitHub's per-day recipe over a window: for team T and day D,
-- weekly_active_users = the number of distinct user ids in the union over days d in
-- [D-6, D] of (users with a line in d's users-1-day) ∩ (T's members in d's user-teams-1-day);
-- monthly_active_users the same over [D-27, D]. Membership is point in time: someone counts
-- for the days they were in the team. A day of the window without facts adds nobody.
-- A window that reaches before the first day with facts (first_fact_day) is NULL, never a
-- partial number shown as whole.
-- Tables: user_days and user_teams (facts/) holding at least the 28 days up to each wanted
-- day; window_days(day): the days to compute; first_fact_day(day): the earliest day with
-- facts. Portable SQL: DuckDB in the collector, Athena/Trino at scale (docs/deploy.md).
WITH active AS (  -- (day, team, user) of each member active that day
    SELECT DISTINCT m.day, m.slug, m.user_id
    FROM user_teams m
    JOIN user_days u
      ON u.day = m.day AND u.user_id = m.user_id
     AND u.organization_id IS NOT DISTINCT FROM m.organization_id
),
team_days AS (  -- the teams with members on each wanted day
    SELECT DISTINCT m.day, m.slug
    FROM user_teams m
    JOIN window_days w ON w.day = m.day
),
windowed AS (
    SELECT t.day, t.slug,
           count(DISTINCT CASE WHEN a.day >= t.day - INTERVAL '6' DAY THEN a.user_id END) AS weekly,
           count(DISTINCT a.user_id) AS monthly
    FROM team_days t
    LEFT JOIN active a
      ON a.slug = t.slug AND a.day BETWEEN t.day - INTERVAL '27' DAY AND t.day
    GROUP BY t.day, t.slug
)
SELECT w.day, w.slug,
       CASE WHEN w.day - INTERVAL '6' DAY >= f.day THEN w.weekly END AS weekly_active_users,
       CASE WHEN w.day - INTERVAL '27' DAY >= f.day THEN w.monthly END AS monthly_active_users
FROM windowed w
CROSS JOIN first_fact_day f
ORDER BY w.day, w.slug
