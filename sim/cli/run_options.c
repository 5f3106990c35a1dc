// SPDX-License-Identifier: MIT
// Run-option parsing (see run_options.h).
#include "cli/run_options.h"

#include "cli/cli.h"
#include "core/simtime.h"

#ifdef GOPS_HAVE_RENDER
#include "render/snapshot.h"
#endif

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int parse_uint_flag(const char *command, const char *flag, const char *text, unsigned long long max,
                           unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!*text || *text == '-' || *text == '+')
        return gops_cli_usage_error(command, "%s: found \"%s\", expected a non-negative integer", flag, text);
    unsigned long long v = strtoull(text, &end, 10);
    if (errno || *end || v > max)
        return gops_cli_usage_error(command, "%s: found \"%s\", expected an integer 0..%llu", flag, text, max);
    *out = v;
    return 0;
}

/// "xmin,ymin,xmax,ymax" in metres of the map's local frame, xmin < xmax and ymin < ymax.
static int parse_box(const char *command, const char *text, double box[4])
{
    const char *at = text;
    for (int k = 0; k < 4; k++) {
        char *end;
        errno = 0;
        box[k] = strtod(at, &end);
        if (end == at || errno || !isfinite(box[k]) || *end != (k < 3 ? ',' : '\0'))
            return gops_cli_usage_error(command,
                                        "--trajectories-area: found \"%s\", expected xmin,ymin,xmax,ymax in m "
                                        "(four numbers separated by commas)",
                                        text);
        at = end + 1;
    }
    if (!(box[0] < box[2] && box[1] < box[3]))
        return gops_cli_usage_error(command, "--trajectories-area: found \"%s\", expected xmin < xmax and ymin < ymax",
                                    text);
    return 0;
}

int gops_cli_parse_run(const char *command, int argc, char **argv, gops_cli_run_t *c)
{
    memset(c, 0, sizeof *c);
    c->run = gops_run_options_default();
    c->run.sets = c->sets;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes_value = strcmp(a, "--out") == 0 || strcmp(a, "--seed") == 0 || strcmp(a, "--threads") == 0 ||
                           strcmp(a, "--until") == 0 || strcmp(a, "--duration") == 0 || strcmp(a, "--set") == 0 ||
                           strcmp(a, "--snapshot-every") == 0 || strcmp(a, "--trajectories-file") == 0 ||
                           strcmp(a, "--trajectories-every") == 0 || strcmp(a, "--trajectories-area") == 0 ||
                           strcmp(a, "--checkpoint-every") == 0 || strcmp(a, "--checkpoint-dir") == 0 ||
                           strcmp(a, "--resume") == 0;
        if (takes_value && !v) return gops_cli_usage_error(command, "%s needs a value", a);
        if (strcmp(a, "--out") == 0) {
            c->run.out_dir = v;
        } else if (strcmp(a, "--seed") == 0) {
            unsigned long long s;
            if (parse_uint_flag(command, a, v, ~0ULL, &s)) return 2;
            c->run.has_seed = true;
            c->run.seed = s;
        } else if (strcmp(a, "--threads") == 0) {
            unsigned long long t;
            if (parse_uint_flag(command, a, v, 256, &t)) return 2;
            if (t == 0) return gops_cli_usage_error(command, "--threads: expected 1..256, found 0");
            c->run.threads = (int)t;
        } else if (strcmp(a, "--until") == 0) {
            c->run.until = v;
        } else if (strcmp(a, "--duration") == 0) {
            gops_error_t err;
            if (gops_time_parse_duration(v, &c->run.duration_s, 0, &err) != GOPS_OK)
                return gops_cli_usage_error(command, "--duration: %s", err.message);
        } else if (strcmp(a, "--snapshot-every") == 0) {
            gops_error_t err;
            if (gops_time_parse_duration(v, &c->run.snapshot_every_s, 0, &err) != GOPS_OK)
                return gops_cli_usage_error(command, "--snapshot-every: %s", err.message);
        } else if (strcmp(a, "--trajectories") == 0) {
            c->run.trajectories_in_outputs = true;
            continue;
        } else if (strcmp(a, "--trajectories-file") == 0) {
            if (!*v) return gops_cli_usage_error(command, "--trajectories-file: expected a file name, found \"\"");
            c->run.trajectories = v;
        } else if (strcmp(a, "--trajectories-every") == 0) {
            gops_error_t err;
            if (gops_time_parse_duration(v, &c->run.trajectories_every_s, 0, &err) != GOPS_OK)
                return gops_cli_usage_error(command, "--trajectories-every: %s", err.message);
        } else if (strcmp(a, "--trajectories-area") == 0) {
            if (parse_box(command, v, c->run.trajectories_box)) return 2;
            c->run.trajectories_clip = true;
        } else if (strcmp(a, "--checkpoint-every") == 0) {
            gops_error_t err;
            if (gops_time_parse_duration(v, &c->run.checkpoint_every_s, 0, &err) != GOPS_OK)
                return gops_cli_usage_error(command, "--checkpoint-every: %s", err.message);
        } else if (strcmp(a, "--checkpoint-dir") == 0) {
            if (!*v) return gops_cli_usage_error(command, "--checkpoint-dir: expected a folder, found \"\"");
            c->run.checkpoint_dir = v;
        } else if (strcmp(a, "--resume") == 0) {
            if (!*v) return gops_cli_usage_error(command, "--resume: expected a checkpoint file, found \"\"");
            c->run.resume = v;
        } else if (strcmp(a, "--set") == 0) {
            if (c->run.set_count == 64) return gops_cli_usage_error(command, "--set: at most 64 overrides");
            c->sets[c->run.set_count++] = v;
        } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
            c->quiet = true;
            continue;
        } else if (strcmp(a, "--quick") == 0) {
            c->run.quick = true;
            continue;
        } else if (a[0] == '-' && a[1] != '\0') {
            return gops_cli_usage_error(command, "unknown option '%s'", a);
        } else {
            if (c->run.scenario_path)
                return gops_cli_usage_error(command, "one scenario at a time: found '%s' after '%s'", a,
                                            c->run.scenario_path);
            c->run.scenario_path = a;
            continue;
        }
        i++; // consumed the value
    }
    if (!c->run.scenario_path && !c->run.resume) return gops_cli_usage_error(command, "missing SCENARIO.lua");
    if (c->run.resume) {
        // The checkpoint fixes everything that decides the results.
        const char *fixed = c->run.has_seed ? "--seed" : c->run.set_count ? "--set" : c->run.until ? "--until"
                            : c->run.duration_s > 0 ? "--duration" : c->run.quick ? "--quick"
                            : c->run.snapshot_every_s > 0 ? "--snapshot-every" : NULL;
        if (fixed)
            return gops_cli_usage_error(command, "%s cannot be combined with --resume: the checkpoint keeps the run's "
                                        "configuration (seed, overrides, window, snapshots)", fixed);
        if (c->run.trajectories || c->run.trajectories_in_outputs)
            return gops_cli_usage_error(command, "--trajectories cannot be combined with --resume: the trajectories "
                                        "of the first part are not in the checkpoint");
    }
#ifdef GOPS_HAVE_RENDER
    c->run.pictures = gops_snapshot_hooks(&c->pictures);
#endif
    if (!c->run.trajectories && !c->run.trajectories_in_outputs &&
        (c->run.trajectories_every_s > 0 || c->run.trajectories_clip))
        return gops_cli_usage_error(command,
                                    "--trajectories-every and --trajectories-area need --trajectories or --trajectories-file FILE");
    if (c->run.trajectories && c->run.trajectories_in_outputs)
        return gops_cli_usage_error(command, "--trajectories and --trajectories-file: give one (the first writes "
                                    "trajectories.sqlite into the output folder)");
    if (c->run.until && c->run.duration_s > 0)
        return gops_cli_usage_error(command, "--until and --duration both given: choose one");
    return 0;
}
