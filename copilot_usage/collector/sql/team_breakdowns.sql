-- Team breakdowns: the recipe of team_days.sql per IDE, feature, language and model, over
-- member_days.sql, for every team (facts.py keeps the teams team_days.sql records).
-- A member's items of one name (the language and model arrays are split by feature too)
-- are summed first, so each member counts once per item: distinct users per item.
-- An item without a name is '{{ unknown_item }}', as GitHub names it. (DuckDB's unnest in the select
-- list; Trino's UNNEST expands an array of rows into columns: see docs/deploy.md.)
WITH items AS (  -- one row per item of each member's arrays
    SELECT day, slug, user_id, organization_id, 'by_ide' AS breakdown, c.ide AS item,
           c.user_initiated_interaction_count AS i, c.code_generation_activity_count AS g,
           c.code_acceptance_activity_count AS a, c.loc_suggested_to_add_sum AS sa,
           c.loc_suggested_to_delete_sum AS sd, c.loc_added_sum AS la, c.loc_deleted_sum AS ld
    FROM (SELECT day, slug, user_id, organization_id, unnest(totals_by_ide) AS c FROM member_days)
    WHERE c IS NOT NULL
    UNION ALL
    SELECT day, slug, user_id, organization_id, 'by_feature' AS breakdown, c.feature AS item,
           c.user_initiated_interaction_count AS i, c.code_generation_activity_count AS g,
           c.code_acceptance_activity_count AS a, c.loc_suggested_to_add_sum AS sa,
           c.loc_suggested_to_delete_sum AS sd, c.loc_added_sum AS la, c.loc_deleted_sum AS ld
    FROM (SELECT day, slug, user_id, organization_id, unnest(totals_by_feature) AS c FROM member_days)
    WHERE c IS NOT NULL
    UNION ALL
    SELECT day, slug, user_id, organization_id, 'by_language' AS breakdown, c.language AS item,
           c.user_initiated_interaction_count AS i, c.code_generation_activity_count AS g,
           c.code_acceptance_activity_count AS a, c.loc_suggested_to_add_sum AS sa,
           c.loc_suggested_to_delete_sum AS sd, c.loc_added_sum AS la, c.loc_deleted_sum AS ld
    FROM (SELECT day, slug, user_id, organization_id, unnest(totals_by_language_feature) AS c FROM member_days)
    WHERE c IS NOT NULL
    UNION ALL
    SELECT day, slug, user_id, organization_id, 'by_model' AS breakdown, c.model AS item,
           c.user_initiated_interaction_count AS i, c.code_generation_activity_count AS g,
           c.code_acceptance_activity_count AS a, c.loc_suggested_to_add_sum AS sa,
           c.loc_suggested_to_delete_sum AS sd, c.loc_added_sum AS la, c.loc_deleted_sum AS ld
    FROM (SELECT day, slug, user_id, organization_id, unnest(totals_by_model_feature) AS c FROM member_days)
    WHERE c IS NOT NULL
),
member_items AS (
    SELECT day, slug, user_id, organization_id, breakdown,
           CASE WHEN coalesce(item, '') = '' THEN '{{ unknown_item }}' ELSE item END AS item,
           coalesce(sum(i), 0) AS interactions,
           coalesce(sum(g), 0) AS code_generations,
           coalesce(sum(a), 0) AS code_acceptances,
           coalesce(sum(sa), 0) AS loc_suggested_to_add,
           coalesce(sum(sd), 0) AS loc_suggested_to_delete,
           coalesce(sum(la), 0) AS loc_added,
           coalesce(sum(ld), 0) AS loc_deleted
    FROM items
    GROUP BY 1, 2, 3, 4, 5, 6
)
SELECT day, slug, breakdown, item,
       count(*) AS users,
       sum(interactions) AS interactions,
       sum(code_generations) AS code_generations,
       sum(code_acceptances) AS code_acceptances,
       sum(loc_suggested_to_add) AS loc_suggested_to_add,
       sum(loc_suggested_to_delete) AS loc_suggested_to_delete,
       sum(loc_added) AS loc_added,
       sum(loc_deleted) AS loc_deleted
FROM member_items
GROUP BY 1, 2, 3, 4
ORDER BY 1, 2, 3, 4
