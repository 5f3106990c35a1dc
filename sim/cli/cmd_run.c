// SPDX-License-Identifier: MIT
// `gridops run SCENARIO.lua`: one headless run, outputs in a folder, exit code by outcome.
#include "cli/cli.h"
#include "cli/progress.h"
#include "cli/run_options.h"
#include "cli/signals.h"

#include "core/simtime.h"

#include <inttypes.h>
#include <stdio.h>

static const char run_usage[] =
    "usage: gridops run SCENARIO.lua [options]\n"
    "       gridops run --resume CHECKPOINT [--out DIR] [--threads N] [--checkpoint-every D] [--quiet]\n"
    "\n"
    "Runs a scenario headless and writes summary.json, timeseries.csv, report.html (and, on a\n"
    "map, incidents.csv) into the output folder (replaced as a whole at the end; a failed run\n"
    "leaves the old folder untouched).\n"
    "\n"
    "options:\n"
    "  --out DIR          output folder (default out/<scenario file>-<seed>)\n"
    "  --seed N           override the scenario's seed\n"
    "  --threads N        worker threads (default: all cores); results do not depend on it\n"
    "  --until HH:MM      stop at this time (first at or after the start) or \"YYYY-MM-DD HH:MM\"\n"
    "  --duration D       run for D (\"90s\", \"15m\", \"2h\") instead of the scenario's duration\n"
    "                     (a window other than the scenario's own skips its expect(..., { when =\n"
    "                     \"full\" }) outcomes; so does --set start=...)\n"
    "  --set key=value    override a scenario{} key (repeatable), e.g. --set mode=holiday\n"
    "  --quick            run the scenario's quick window (scenario{ quick = {...} }), as check does\n"
    "  --snapshot-every D also write snapshots/HHMM.png every D of sim time (needs the renderer)\n"
    "  --trajectories     also write pedestrian positions to trajectories.sqlite in the output\n"
    "                     folder, a JuPedSim v3 SQLite file (tables trajectory_data, metadata,\n"
    "                     geometry, frame_data; PedPy reads it)\n"
    "  --trajectories-file FILE\n"
    "                     the same, to FILE instead (written as FILE.tmp, renamed at the end)\n"
    "  --trajectories-every D\n"
    "                     a frame every D of sim time, a whole number of ticks (default: every\n"
    "                     tick, or every 0.1 s when ticks are shorter); about 36 bytes per\n"
    "                     pedestrian and frame\n"
    "  --trajectories-area XMIN,YMIN,XMAX,YMAX\n"
    "                     record only pedestrians inside this box (m, map coordinates)\n"
    "  --checkpoint-every D\n"
    "                     save the whole run every D of sim time (\"30m\") to a checkpoint file,\n"
    "                     <output folder>/checkpoints/HHMM.ckpt, and once more when Ctrl-C stops it\n"
    "  --checkpoint-dir DIR\n"
    "                     write the checkpoints into DIR instead\n"
    "  --resume CHECKPOINT\n"
    "                     continue the run saved in CHECKPOINT: same scenario (the file must be\n"
    "                     unchanged; give SCENARIO.lua when it has moved), seed, overrides, window\n"
    "                     and output folder (unless --out); it ends with the same state_hash and\n"
    "                     outputs as a run never stopped. --seed, --set, --until, --duration,\n"
    "                     --quick, --snapshot-every and --trajectories are refused with it. A\n"
    "                     checkpoint of another gridops version, or a damaged one, is refused (exit 2)\n"
    "  --quiet, -q        no progress bar and no result line\n"
    "\n"
    "A district run that starts after the opening (the quietest quarter hour of the day's\n"
    "arrival profile) begins with the visitors already there: those who arrived since and\n"
    "have not left, inside buildings with the rest of their stay or on foot along their way.\n"
    "--set crowd.warm_start=false starts with an empty district instead.\n"
    "\n"
    "Ctrl-C (SIGINT) or SIGTERM stops the run after the current tick and writes the outputs\n"
    "of the time simulated so far (summary.json \"partial\": true); a second one stops at once\n"
    "and leaves the old output folder as it was.\n"
    "\n"
    "exit codes: 0 all expectations passed, 1 an expectation failed, 2 bad usage or bad\n"
    "scenario (the message names file:line), 3 internal error, 130 stopped by SIGINT,\n"
    "143 stopped by SIGTERM\n";

/// Tells the user where each checkpoint went (on stderr, over the progress bar's line).
static void checkpoint_written(const char *path, uint64_t bytes, double write_s, gops_local_time_t at, void *user)
{
    bool bar = *(const bool *)user;
    char when[32];
    gops_time_format(at, when, sizeof when);
    fprintf(stderr, "%scheckpoint %s: %s (%.1f MB, written in %.2f s)\n", bar ? "\r\033[K" : "", when, path,
            (double)bytes / 1e6, write_s);
}

int gops_cmd_run(int argc, char **argv)
{
    if (argc >= 2 && gops_cli_is_help(argv[1])) {
        fputs(run_usage, stdout);
        return 0;
    }
    gops_cli_run_t c;
    int rc = gops_cli_parse_run("run", argc, argv, &c);
    if (rc) return rc;
    bool bar = gops_progress_wanted(c.quiet);
    if (bar) c.run.progress = gops_progress_draw;
    if (!c.quiet) {
        c.run.on_checkpoint = checkpoint_written;
        c.run.checkpoint_user = &bar;
    }
    gops_signals_install(true);
    if (!c.run.on_tick) c.run.on_tick = gops_signals_keep_going;
    gops_run_result_t result;
    gops_error_t err = {0};
    gops_status_t st = gops_session_run(&c.run, &result, &err);
    if (bar) gops_progress_finish();
    if (st != GOPS_OK) return gops_cli_fail("run", &err);
    if (gops_signals_caught()) {
        char what[2600];
        snprintf(what, sizeof what, "%.0f s simulated, outputs%s in %s%s%s", result.sim_seconds,
                 result.partial ? " (partial)" : "", result.out_dir,
                 result.checkpoint[0] ? "; continue with gridops run --resume " : "", result.checkpoint);
        gops_signals_report("run", what);
        return gops_signals_exit_code(gops_signals_caught());
    }
    fputs(result.failures, stderr);
    if (!c.quiet) {
        printf("%s: %s, %u/%u expectations passed, %.0f s simulated in %.2f s, state_hash %016" PRIx64 "\n",
               result.scenario, result.passed ? "passed" : "FAILED", result.expectations - result.expectations_failed,
               result.expectations, result.sim_seconds, result.wall_seconds, result.state_hash);
        printf("outputs: %s\n", result.out_dir);
        if (result.resumed) printf("resumed from a checkpoint at %.0f s simulated\n", result.resumed_at_s);
    }
    return result.passed ? 0 : 1;
}
