-- Staffing study: how much do response times and coverage suffer with fewer mobile teams or
-- fewer staffed posts? FACTS.md (Zhengdong CBD grid, holiday mode): 50 key points staffed
-- and 17 mobile patrol teams. The study compares 17 with 12 teams and 50 with 30 posts, in
-- every combination, over ten replications.
--
-- Seeds are common: replication r runs all four staffing levels with the same seed, so they
-- face the same incidents and the paired differences below are sharper than the four
-- intervals apart.
--
--   gridops sweep scenarios/staffing_study.lua                 # one worker per core
--   mpirun -np 16 gridops sweep scenarios/staffing_study.lua   # on a cluster
--   gridops sweep scenarios/staffing_study.lua --replications 2 --set duration=1h   # a quick look
--
-- Outputs in out/staffing_study/: runs.csv, summary.csv, report.html, study.json.

study {
  name = "staffing: mobile teams and posts",
  description = "17 vs 12 mobile teams x 50 vs 30 staffed posts on a holiday, Erqi district",
  scenario = "validation/sweep_staffing_day.lua",
  base_seed = 20251001,
  replications = 10,
  factors = {
    { "ops.mobile_teams", { 17, 12 } },
    { "ops.posts", { 50, 30 } },
    -- zone-bound against district-wide teams would be a third factor:
    -- { "ops.team_scope", { "zone", "district" } },
  },
  kpis = {
    "response_time_p90_s",
    "coverage_5min",
    "response_time_p50_s",
    "team_utilisation",
    "incidents_closed",
  },
  compare = {
    { factor = "ops.mobile_teams", from = 17, to = 12 },
    { factor = "ops.posts", from = 50, to = 30 },
  },
}

-- study{...} keys (a study file declares exactly one):
--   name, description   texts
--   scenario            the base scenario file, relative to this file
--   base_seed           integer >= 0 (default 0); replication r uses the r-th seed derived from it
--   seeds               "common" (default: every design point of a replication gets the same
--                       seed) or "independent" (every run its own)
--   replications        runs per design point (default 1); --replications overrides
--   confidence          interval level, 0.5..0.999 (default 0.95, Student t)
--   set                 { key = value, ... }: scenario{} keys for every run; --set overrides
--   factors             { { "scenario.key", { level, ... } }, ... }: any scenario{} key but seed
--   design              "full" (default: every combination, first factor slowest) or a list of
--                       points { { level, level }, ... }, one level per factor
--   kpis                summary.json KPI names or set_kpi names to tabulate
--   compare             { { factor = "key", from = level, to = level }, ... }: paired differences
--                       (to minus from) between points that differ only in that factor
