-- Team days: GitHub's recipe for team-level metrics, grouped by team over member_days.sql.
-- A team-day exists when the team had at least {{ min_licensed_members }} licensed members that day
-- (its rows in that day's user-teams report).
-- engaged_users: members who used Copilot themselves that day: a user-initiated interaction, an
-- accepted suggestion, a CLI prompt (totals_by_cli.prompt_count) or use of chat, the CLI, the
-- agent or code review they asked for (a passive review was not their doing; suggestions shown and
-- never accepted are not use). A line alone (active_users) may carry none of these.
-- code_review_users / code_review_passive_users: members active that day whose line has
-- used_copilot_code_review_active / _passive true; NULL when no line of the team that day
-- carries the field (reports before it existed), as ai_credits: the sum of ai_credits_used of
-- the members active that day, summed as decimals so that it is what the lines say to the
-- cent (0.1 + 0.2 is 0.3, not 0.30000000000000004), NULL when no line carries the field.
-- Tables: user_teams (facts/) and the view member_days. Portable SQL: DuckDB in the collector,
-- Athena/Trino at scale.
WITH licensed AS (
    SELECT day, slug, max(team_id) AS team_id, count(*) AS licensed_members
    FROM user_teams
    GROUP BY day, slug
    HAVING count(*) >= {{ min_licensed_members }}
),
active AS (
    SELECT day, slug, user_id,
           coalesce(user_initiated_interaction_count, 0) AS interactions,
           coalesce(code_generation_activity_count, 0) AS code_generations,
           coalesce(code_acceptance_activity_count, 0) AS code_acceptances,
           coalesce(loc_suggested_to_add_sum, 0) AS loc_suggested_to_add,
           coalesce(loc_suggested_to_delete_sum, 0) AS loc_suggested_to_delete,
           coalesce(loc_added_sum, 0) AS loc_added,
           coalesce(loc_deleted_sum, 0) AS loc_deleted,
           coalesce(used_chat, false) AS used_chat,
           coalesce(used_agent, false) AS used_agent,
           coalesce(used_cli, false) AS used_cli,
           coalesce(try_cast(json_extract(totals_by_cli, '$.prompt_count') AS BIGINT), 0) AS cli_prompts,
           used_copilot_code_review_active AS used_code_review,
           used_copilot_code_review_passive AS used_code_review_passive,
           CAST(ai_credits_used AS DECIMAL(18, 6)) AS ai_credits_used
    FROM member_days
)
SELECT l.day, l.slug, l.team_id, l.licensed_members,
       count(a.user_id) AS active_users,
       count(CASE WHEN a.interactions > 0 OR a.code_acceptances > 0 OR a.cli_prompts > 0
                        OR a.used_chat OR a.used_cli OR a.used_agent OR coalesce(a.used_code_review, false)
                  THEN 1 END) AS engaged_users,
       count(CASE WHEN a.used_chat THEN 1 END) AS chat_users,
       count(CASE WHEN a.used_agent THEN 1 END) AS agent_users,
       count(CASE WHEN a.used_cli THEN 1 END) AS cli_users,
       CASE WHEN count(a.used_code_review) > 0 THEN count(CASE WHEN a.used_code_review THEN 1 END) END
           AS code_review_users,
       CASE WHEN count(a.used_code_review_passive) > 0 THEN count(CASE WHEN a.used_code_review_passive THEN 1 END) END
           AS code_review_passive_users,
       coalesce(sum(a.interactions), 0) AS interactions,
       coalesce(sum(a.code_generations), 0) AS code_generations,
       coalesce(sum(a.code_acceptances), 0) AS code_acceptances,
       coalesce(sum(a.loc_suggested_to_add), 0) AS loc_suggested_to_add,
       coalesce(sum(a.loc_suggested_to_delete), 0) AS loc_suggested_to_delete,
       coalesce(sum(a.loc_added), 0) AS loc_added,
       coalesce(sum(a.loc_deleted), 0) AS loc_deleted,
       CAST(sum(a.ai_credits_used) AS DOUBLE) AS ai_credits
FROM licensed l
LEFT JOIN active a ON a.day = l.day AND a.slug = l.slug
GROUP BY l.day, l.slug, l.team_id, l.licensed_members
ORDER BY l.day, l.slug
