-- Team rolling active users, GitHub's per-day recipe over a window: for team T and day D,
-- weekly_active_users = the number of distinct user ids in the union over the
-- {{ week_days }} days d ending on D of (users with a line in d's users-1-day) ∩ (T's members in
-- d's user-teams-1-day), that is member_days.sql; monthly_active_users the same over
-- {{ month_days }} days. Membership is point in time: someone counts for the days they were in
-- the team. monthly_licensed_members: the distinct members over the same {{ month_days }} days
-- (user-teams rows: a licensed member each), the base of adoption, so that a ratio counts the
-- same people in both its parts (DESIGN.md, "Ratios": never above 100 %). A day of the window
-- without facts adds nobody. A window that reaches before the first day with facts
-- (first_fact_day) is NULL, never a partial number shown as whole.
-- Tables: user_teams and the view member_days, holding at least the {{ month_days }} days up to
-- each wanted day; window_days(day): the days to compute; first_fact_day(day): the earliest
-- day with facts. Portable SQL: DuckDB in the collector, Athena/Trino at scale (docs/deploy.md).
WITH active AS (  -- (day, team, user) of each member active that day
    SELECT DISTINCT day, slug, user_id
    FROM member_days
),
team_days AS (  -- the teams with members on each wanted day
    SELECT DISTINCT m.day, m.slug
    FROM user_teams m
    JOIN window_days w ON w.day = m.day
),
windowed AS (
    SELECT t.day, t.slug,
           count(DISTINCT CASE WHEN a.day >= t.day - INTERVAL '{{ week_days_before }}' DAY THEN a.user_id END) AS weekly,
           count(DISTINCT a.user_id) AS monthly
    FROM team_days t
    LEFT JOIN active a
      ON a.slug = t.slug AND a.day BETWEEN t.day - INTERVAL '{{ month_days_before }}' DAY AND t.day
    GROUP BY t.day, t.slug
),
licensed AS (  -- distinct members of the team over the month window
    SELECT t.day, t.slug, count(DISTINCT m.user_id) AS monthly_licensed
    FROM team_days t
    JOIN user_teams m
      ON m.slug = t.slug AND m.day BETWEEN t.day - INTERVAL '{{ month_days_before }}' DAY AND t.day
    GROUP BY t.day, t.slug
)
SELECT w.day, w.slug,
       CASE WHEN w.day - INTERVAL '{{ week_days_before }}' DAY >= f.day THEN w.weekly END AS weekly_active_users,
       CASE WHEN w.day - INTERVAL '{{ month_days_before }}' DAY >= f.day THEN w.monthly END AS monthly_active_users,
       CASE WHEN w.day - INTERVAL '{{ month_days_before }}' DAY >= f.day THEN l.monthly_licensed END
           AS monthly_licensed_members
FROM windowed w
JOIN licensed l ON l.day = w.day AND l.slug = w.slug
CROSS JOIN first_fact_day f
ORDER BY w.day, w.slug
