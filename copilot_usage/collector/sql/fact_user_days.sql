-- facts/user_days: one row per user per day, as GitHub's users-1-day report gives it.
-- Run on `raw_users`, the day's report files read with the declared columns in file order
-- (facts.py), with the variable `day`; what it leaves (without the `day` column, which
-- becomes the partition) is the day's facts. A line without a day is on the day; a line
-- for another day is not. A user repeated in the files counts once: the last line wins (a
-- later part supersedes an earlier one).
DELETE FROM raw_users
WHERE rowid NOT IN (
    SELECT max(rowid)
    FROM raw_users
    WHERE coalesce(day, getvariable('day')) = getvariable('day')
      AND user_id IS NOT NULL
    GROUP BY user_id, organization_id
)
