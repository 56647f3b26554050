-- facts/user_days: one row per user per day, as GitHub's users-1-day report gives it.
-- Input: `raw_users`, the day's report files read with the declared columns (facts.py),
-- and the variable `day`. A line without a day is on the day; a line for another day is
-- not. A user repeated in the files counts once: the last line wins (a later part
-- supersedes an earlier one).
WITH numbered AS (
    SELECT *, row_number() OVER () AS line
    FROM raw_users
),
on_the_day AS (
    SELECT *
    FROM numbered
    WHERE coalesce(CAST(day AS VARCHAR), CAST(getvariable('day') AS VARCHAR)) = CAST(getvariable('day') AS VARCHAR)
      AND user_id IS NOT NULL
),
last_line AS (
    SELECT *
    FROM on_the_day
    QUALIFY row_number() OVER (PARTITION BY user_id, organization_id ORDER BY line DESC) = 1
)
SELECT * EXCLUDE (day, line)
FROM last_line
ORDER BY user_id, organization_id
