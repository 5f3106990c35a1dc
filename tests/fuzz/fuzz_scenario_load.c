// SPDX-License-Identifier: MIT
// libFuzzer target: a scenario file through the sandbox (gops_scenario_load), its quick
// window, and, for scenarios without a map or lab geometry, a few simulated minutes of its
// hooks on an empty world. The fuzzing build lowers Lua's default budget and memory cap
// (CMakeLists.txt here) so that runaway scripts end in milliseconds. Map loading has its
// own target; scenarios naming a map stop after loading.
#include "gridops/gridops.h"
#include "scenario/scenario.h"
#include "world/map.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/// Most ticks one input may simulate: a few minutes at the default 0.1 s tick.
#define MAX_TICKS 3000

/// A refusal must be a bad-input status (exit 2) with a message; memory exhaustion of the
/// process itself (exit 3) is allowed only as GOPS_NOMEM.
static void check_refusal(const char *stage, const gops_error_t *err)
{
    if ((gops_status_exit_code(err->status) == 2 || err->status == GOPS_NOMEM) && err->message[0]) return;
    fprintf(stderr, "%s: refused with status %d (exit %d) and message \"%s\"\n", stage, (int)err->status,
            gops_status_exit_code(err->status), err->message);
    abort();
}

static void run_hooks(gops_scenario_t *sc)
{
    gops_scenario_def_t *def = gops_scenario_def(sc);
    // The file's own limits apply to hooks: keep them inside the fuzzing budget.
    if (def->lua_instructions > 2000000u) def->lua_instructions = 2000000u;
    if (def->lua_memory_bytes > ((size_t)64 << 20)) def->lua_memory_bytes = (size_t)64 << 20;
    gops_world_def_t wd = gops_world_def_default();
    wd.seed = def->seed;
    wd.tick_s = def->tick_s;
    wd.start = def->start;
    wd.mode = def->mode;
    gops_error_t err = {0};
    gops_world_t *world = gops_world_create(&wd, &err);
    if (!world) {
        check_refusal("world", &err);
        return;
    }
    gops_status_t st = gops_scenario_attach(sc, world, &err);
    uint64_t ticks = (uint64_t)(def->duration_s / def->tick_s);
    if (ticks > MAX_TICKS) ticks = MAX_TICKS;
    for (uint64_t t = 0; st == GOPS_OK && t < ticks; t++) {
        st = gops_scenario_before_tick(sc, &err);
        if (st != GOPS_OK) break;
        gops_world_step(world);
        st = gops_scenario_after_tick(sc, &err);
    }
    if (st == GOPS_OK) st = gops_scenario_evaluate(sc, &err);
    if (st != GOPS_OK) check_refusal("hooks", &err);
    gops_world_destroy(world);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // The loader reads files; a private file per process keeps parallel jobs apart.
    static char path[64];
    if (!path[0]) snprintf(path, sizeof path, "/tmp/gops-fuzz-%ld.lua", (long)getpid());
    FILE *f = fopen(path, "wb");
    if (!f) return 0;
    bool written = fwrite(data, 1, size, f) == size;
    if (fclose(f) != 0 || !written) return 0;

    gops_error_t err = {0};
    gops_scenario_t *sc = gops_scenario_load(path, NULL, 0, &err);
    if (!sc) {
        check_refusal("load", &err);
        return 0;
    }
    if (gops_scenario_apply_quick(sc, NULL, 0, &err) != GOPS_OK) {
        check_refusal("quick", &err);
    } else {
        gops_map_t *lab = gops_scenario_take_lab_map(sc);
        if (lab)
            gops_map_destroy(lab);
        else if (!gops_scenario_def(sc)->map_path[0])
            run_hooks(sc);
    }
    gops_scenario_destroy(sc);
    return 0;
}
