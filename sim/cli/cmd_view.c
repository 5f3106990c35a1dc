// SPDX-License-Identifier: MIT
// `gridops view SCENARIO.lua`: the same run as `gridops run` (same options, same outputs,
// same state hash) with the live window attached. Window options are taken out here; the
// rest goes through the run-option parser. Builds without the renderer say so and exit 2.
#include "cli/cli.h"
#include "cli/run_options.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef GOPS_HAVE_RENDER
#include "render/view.h"
#endif

static const char view_usage[] =
    "usage: gridops view SCENARIO.lua [options]\n"
    "\n"
    "Runs a scenario in a live window: the district map with roads coloured by congestion, the\n"
    "crowd as dots or a heat map, vehicles, vendors, teams and incidents by order state, and a\n"
    "dashboard with the clock, the operating mode, visitors, densities, traffic, orders by state\n"
    "and warnings.\n"
    "Outputs are written as by `gridops run`, and the results are the same unless you switch\n"
    "the mode with F1-F4. Press H in the window for the keys.\n"
    "\n"
    "window options:\n"
    "  --speed X          simulated seconds per second at the start: 1..1000 (60), or 'max'\n"
    "  --paused           start paused (Space runs, '.' steps one tick)\n"
    "  --crowd STYLE      pedestrians as 'dots', a 'heat' map, or 'auto' (heat map when zoomed\n"
    "                     out over a big crowd; the default); C switches in the window\n"
    "  --size WxH         window size in pixels (1600x900)\n"
    "  --software         draw in software (into the window itself) even when a hardware\n"
    "                     renderer exists\n"
    "  --exit-at-end      close the window when the run ends (default: keep the last frame)\n"
    "  --synthetic-crowd N  draw N stand-in pedestrians spread over the walkable area instead\n"
    "                     of the simulated crowd, to measure the frame rate (results unchanged)\n"
    "\n"
    "run options (as for `gridops run`):\n"
    "  --out DIR, --seed N, --threads N, --until HH:MM, --duration D, --set key=value,\n"
    "  --snapshot-every D, --quiet\n"
    "\n"
    "Needs a display (or SDL_VIDEODRIVER=dummy for a window nobody sees). Exit codes as for run;\n"
    "closing the window early marks the outputs partial and exits 1.\n";

#ifdef GOPS_HAVE_RENDER
static const char *file_stem(const char *path, char *buf, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 4 && strcmp(base + n - 4, ".lua") == 0) n -= 4;
    snprintf(buf, size, "%.*s", (int)n, base);
    return buf;
}
#endif

int gops_cmd_view(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (gops_cli_is_help(argv[i])) {
            fputs(view_usage, stdout);
            return 0;
        }
#ifndef GOPS_HAVE_RENDER
    fputs("gridops view: this build has no renderer (SDL2 off); use gridops run\n", stderr);
    return 2;
#else
    gops_live_view_def_t def = gops_live_view_def_default();
    char **rest = calloc((size_t)argc + 1, sizeof *rest);
    if (!rest) return 3;
    int n = 0;
    rest[n++] = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--exit-at-end") == 0) {
            def.exit_at_end = true;
        } else if (strcmp(a, "--software") == 0) {
            def.software = true;
        } else if (strcmp(a, "--paused") == 0) {
            def.paused = true;
        } else if (strcmp(a, "--crowd") == 0) {
            static const char *const styles[GOPS_SCREEN_CROWD_COUNT] = {"auto", "dots", "heat"};
            int k = 0;
            while (v && k < GOPS_SCREEN_CROWD_COUNT && strcmp(v, styles[k]) != 0) k++;
            if (!v || k == GOPS_SCREEN_CROWD_COUNT) {
                free(rest);
                return gops_cli_usage_error("view", "--crowd: found \"%s\", expected auto, dots or heat", v ? v : "");
            }
            def.crowd = (gops_screen_crowd_t)k;
            i++;
        } else if (strcmp(a, "--synthetic-crowd") == 0) {
            char *end = NULL;
            long long count = v ? strtoll(v, &end, 10) : -1;
            if (!v || !*v || *end || count < 1 || count > 2000000) {
                free(rest);
                return gops_cli_usage_error("view", "--synthetic-crowd: found \"%s\", expected 1 to 2000000",
                                            v ? v : "");
            }
            def.synthetic_crowd = (uint32_t)count;
            i++;
        } else if (strcmp(a, "--speed") == 0 || strcmp(a, "--size") == 0) {
            if (!v) {
                free(rest);
                return gops_cli_usage_error("view", "%s needs a value", a);
            }
            i++;
            char *end = NULL;
            if (a[2] == 's' && a[3] == 'p') { // --speed
                if (strcmp(v, "max") == 0) {
                    def.speed = 0;
                    continue;
                }
                double s = strtod(v, &end);
                if (!*v || *end || !(s >= 1 && s <= 1000)) {
                    free(rest);
                    return gops_cli_usage_error("view", "--speed: found \"%s\", expected 1 to 1000 or 'max'", v);
                }
                def.speed = s;
            } else {
                long w = strtol(v, &end, 10), h = 0;
                if (end && *end == 'x') h = strtol(end + 1, &end, 10);
                if (!end || *end || w < 320 || h < 240 || w > 8192 || h > 8192) {
                    free(rest);
                    return gops_cli_usage_error("view", "--size: found \"%s\", expected WxH from 320x240 to 8192x8192",
                                                v);
                }
                def.width = (int)w;
                def.height = (int)h;
            }
        } else {
            rest[n++] = argv[i];
        }
    }
    gops_cli_run_t c;
    int rc = gops_cli_parse_run("view", n, rest, &c);
    if (rc) {
        free(rest);
        return rc;
    }
    char stem[256];
    def.title = file_stem(c.run.scenario_path, stem, sizeof stem);
    gops_error_t err = {0};
    gops_live_view_t *view = gops_live_view_create(&def, &err);
    if (!view) {
        free(rest);
        return gops_cli_fail("view", &err);
    }
    c.run.on_tick = gops_live_view_tick;
    c.run.on_end = gops_live_view_end;
    c.run.on_tick_user = view;
    gops_run_result_t result;
    gops_status_t st = gops_session_run(&c.run, &result, &err);
    gops_live_view_stats_t stats = gops_live_view_stats(view);
    gops_live_view_destroy(view);
    free(rest);
    if (st != GOPS_OK) return gops_cli_fail("view", &err);
    fputs(result.failures, stderr);
    if (!c.quiet) {
        printf("%s: %s%s, %u/%u expectations passed, %.0f s simulated in %.2f s, state_hash %016" PRIx64 "\n",
               result.scenario, result.passed ? "passed" : "FAILED", result.partial ? " (window closed early)" : "",
               result.expectations - result.expectations_failed, result.expectations, result.sim_seconds,
               result.wall_seconds, result.state_hash);
        printf("view: %" PRIu64 " frames, %.1f fps; per frame %.2f ms drawing the scene, %.2f ms with upload and "
               "present (slowest %.1f ms); CPU per frame %.2f ms scene, %.2f ms in all; renderer %s\n",
               stats.frames, stats.fps, stats.scene_ms_mean, stats.frame_ms_mean, stats.frame_ms_max,
               stats.scene_cpu_ms_mean, stats.frame_cpu_ms_mean, stats.renderer);
        printf("outputs: %s\n", result.out_dir);
    }
    return result.passed ? 0 : 1;
#endif
}
