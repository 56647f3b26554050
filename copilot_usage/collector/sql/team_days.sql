-- Team days: GitHub's recipe for team-level metrics, grouped by team over member_days.sql.
-- A team-day exists when the team had at least {{ min_licensed_members }} licensed members that day
-- (its rows in that day's user-teams report).
-- code_review_users / code_review_passive_users: members active that day whose line has
-- used_copilot_code_review_active / _passive true. ai_credits: the sum of ai_credits_used of
-- the members active that day, NULL when no line carries the field.
-- Tables: user_teams (facts/) and the view member_days. Portable SQL: DuckDB in the collector,
-- Athena/Trino at scale.
WITH licensed AS (
    SELECT day, slug, count(*) AS licensed_members
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
           coalesce(used_copilot_code_review_active, false) AS used_code_review,
           coalesce(used_copilot_code_review_passive, false) AS used_code_review_passive,
           ai_credits_used
    FROM member_days
)
SELECT l.day, l.slug, l.licensed_members,
       count(a.user_id) AS active_users,
       count(CASE WHEN a.interactions > 0 OR a.code_acceptances > 0 THEN 1 END) AS engaged_users,
       count(CASE WHEN a.used_chat THEN 1 END) AS chat_users,
       count(CASE WHEN a.used_agent THEN 1 END) AS agent_users,
       count(CASE WHEN a.used_cli THEN 1 END) AS cli_users,
       count(CASE WHEN a.used_code_review THEN 1 END) AS code_review_users,
       count(CASE WHEN a.used_code_review_passive THEN 1 END) AS code_review_passive_users,
       coalesce(sum(a.interactions), 0) AS interactions,
       coalesce(sum(a.code_generations), 0) AS code_generations,
       coalesce(sum(a.code_acceptances), 0) AS code_acceptances,
       coalesce(sum(a.loc_suggested_to_add), 0) AS loc_suggested_to_add,
       coalesce(sum(a.loc_suggested_to_delete), 0) AS loc_suggested_to_delete,
       coalesce(sum(a.loc_added), 0) AS loc_added,
       coalesce(sum(a.loc_deleted), 0) AS loc_deleted,
       sum(a.ai_credits_used) AS ai_credits
FROM licensed l
LEFT JOIN active a ON a.day = l.day AND a.slug = l.slug
GROUP BY l.day, l.slug, l.licensed_members
ORDER BY l.day, l.slug
