// SPDX-License-Identifier: MIT
// Fixed-time signal plans at signal-controlled junctions: phases (approaches given green,
// green / yellow / all-red times), cycle and offset, one plan per operating mode; default
// plans derived from the junction's geometry; the state of every approach at a time.
// Owns plans and per-arc states only; vehicles read them in movement.c, crossings in crossings.c.
#ifndef GOPS_TRAFFIC_SIGNALS_H
#define GOPS_TRAFFIC_SIGNALS_H

#include "gridops/status.h"
#include "gridops/types.h"
#include "traffic/network.h"

#include <stdint.h>

#define GOPS_SIGNAL_MAX_PHASES 8
/// Default cycle lengths by mode (s): normal, holiday, major event, emergency.
#define GOPS_SIGNAL_CYCLE_NORMAL_S 90.0
#define GOPS_SIGNAL_CYCLE_HOLIDAY_S 100.0
#define GOPS_SIGNAL_CYCLE_MAJOR_EVENT_S 110.0
#define GOPS_SIGNAL_CYCLE_EMERGENCY_S 120.0
#define GOPS_SIGNAL_YELLOW_S 3.0
#define GOPS_SIGNAL_ALL_RED_S 2.0
#define GOPS_SIGNAL_MIN_GREEN_S 12.0
/// Pedestrian-only phase added when every approach fits one phase (a mid-block signal).
#define GOPS_SIGNAL_PED_PHASE_S 20.0

typedef enum gops_signal_state { GOPS_SIGNAL_RED, GOPS_SIGNAL_GREEN, GOPS_SIGNAL_YELLOW } gops_signal_state_t;

/// One phase: the approaches that get green, then yellow, then all-red. An approach that
/// is green in this phase and the next stays green through the change.
typedef struct gops_signal_phase {
    double green_s;     ///< s, ≥ 0
    double yellow_s;    ///< s, ≥ 0
    double all_red_s;   ///< s, ≥ 0
    uint32_t approaches; ///< bit i: the node's i-th in-arc (gops_tnet_arc_t.approach) has green
} gops_signal_phase_t;

/// A fixed-time plan; the cycle is the sum of the phases' times.
typedef struct gops_signal_plan {
    uint32_t phase_count;      ///< 1..GOPS_SIGNAL_MAX_PHASES
    gops_signal_phase_t phases[GOPS_SIGNAL_MAX_PHASES];
    double offset_s;           ///< s, phase 0 starts at times t with (t + offset) mod cycle = 0
} gops_signal_plan_t;

typedef struct gops_signals {
    uint32_t count;             ///< signal-controlled junctions
    uint32_t *node;             ///< their nodes, ascending
    uint32_t *of_node;          ///< node → signal index, or GOPS_TNET_NONE
    gops_signal_plan_t *plans;  ///< [signal × GOPS_MODE_COUNT + mode]
    uint8_t *state;             ///< per arc: gops_signal_state_t at its end (GREEN where no signal)
    float *to_green;            ///< per arc: s until its approach next turns green (0 while green)
} gops_signals_t;

/// Default plans for every signal-controlled junction and mode (see TRAFFIC.md).
gops_status_t gops_signals_build(gops_signals_t *signals, const gops_tnet_t *net, gops_error_t *err);
void gops_signals_free(gops_signals_t *signals);
/// The geometry-derived default plan of a junction for a mode: approaches facing each other
/// share a phase (highest-ranked roads first); greens split by lanes and road class over
/// the mode's cycle, at least GOPS_SIGNAL_MIN_GREEN_S each; in emergency mode the main
/// road's phase gets half again its weight.
void gops_signals_default_plan(const gops_tnet_t *net, uint32_t node, gops_mode_t mode, gops_signal_plan_t *plan);
/// Checks a plan for a node: phase count, non-negative finite times, a positive cycle,
/// approach bits within the node's in-arcs, and a green for every approach the map lets
/// traffic use. GOPS_BAD_VALUE names the phase or approach (by road name) at fault.
gops_status_t gops_signal_plan_check(const gops_tnet_t *net, uint32_t node, const gops_signal_plan_t *plan,
                                     gops_error_t *err);
/// Cycle length (s).
double gops_signal_plan_cycle(const gops_signal_plan_t *plan);
/// Seconds of green and yellow per cycle an approach gets under a plan.
double gops_signal_plan_green_s(const gops_signal_plan_t *plan, uint32_t approach);
/// States of every signalised arc at time t (s since the run's start of day, ≥ 0) under
/// the plans of `mode`.
void gops_signals_update(gops_signals_t *signals, const gops_tnet_t *net, double t, gops_mode_t mode);
/// State of one approach under a plan at time t, with the time until its next green.
gops_signal_state_t gops_signal_plan_state(const gops_signal_plan_t *plan, uint32_t approach, double t,
                                           double *to_green_s);

#endif
