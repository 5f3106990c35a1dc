// SPDX-License-Identifier: MIT
// The dispatch order's closed loop (派单制: "tracks each order until closed") as a state
// machine: the states, the one table of legal transitions and the reason an order is still
// open at the end of a run. It does not decide when transitions happen (centre.c,
// dispatch.c and ops.c do) and holds no orders itself.
#ifndef GOPS_OPS_ORDERS_H
#define GOPS_OPS_ORDERS_H

#include <stdbool.h>

/// Order states in loop order. NONE: no order yet (undetected, or still being triaged).
#define GOPS_ORDER_STATE_LIST(X)   \
    X(NONE, "none")                \
    X(CREATED, "created")          \
    X(DISPATCHED, "dispatched")    \
    X(ACCEPTED, "accepted")        \
    X(ON_SCENE, "on_scene")        \
    X(RESOLVED, "resolved")        \
    X(VERIFIED, "verified")        \
    X(CLOSED, "closed")

typedef enum gops_order_state {
#define GOPS_ORDER_ENUM(name, text) GOPS_ORDER_##name,
    GOPS_ORDER_STATE_LIST(GOPS_ORDER_ENUM)
#undef GOPS_ORDER_ENUM
    GOPS_ORDER_STATE_COUNT
} gops_order_state_t;

/// Why a transition happens; the same pair of states may be legal for one reason only.
typedef enum gops_order_cause {
    GOPS_CAUSE_TRIAGED,    ///< NONE → CREATED: the centre finished triage
    GOPS_CAUSE_ASSIGNED,   ///< CREATED → DISPATCHED: a team was ordered
    GOPS_CAUSE_ACCEPTED,   ///< DISPATCHED → ACCEPTED
    GOPS_CAUSE_REFUSED,    ///< DISPATCHED → CREATED: the unit disputes ownership; re-dispatch
    GOPS_CAUSE_PREEMPTED,  ///< DISPATCHED/ACCEPTED/ON_SCENE → CREATED: team taken for a critical order
    GOPS_CAUSE_ARRIVED,    ///< ACCEPTED → ON_SCENE
    GOPS_CAUSE_HANDLED,    ///< ON_SCENE → RESOLVED: work (and repair) done
    GOPS_CAUSE_VERIFIED,   ///< RESOLVED → VERIFIED: the centre's check passed
    GOPS_CAUSE_REOPENED,   ///< RESOLVED → CREATED: the check failed
    GOPS_CAUSE_FILED,      ///< VERIFIED → CLOSED
    GOPS_CAUSE_WITHDRAWN,  ///< CREATED → CLOSED: the centre saw on camera that the cause had gone
    GOPS_CAUSE_COUNT
} gops_order_cause_t;

/// "created", ...; "?" when out of range.
const char *gops_order_state_name(gops_order_state_t s);
const char *gops_order_cause_name(gops_order_cause_t c);
/// True when `from` → `to` for `cause` is in the transition table.
bool gops_order_transition_legal(gops_order_state_t from, gops_order_state_t to, gops_order_cause_t cause);
/// True for the states in which a team is attached to the order.
bool gops_order_has_team(gops_order_state_t s);
/// Why an order in state `s` is not closed, for incidents.csv ("waiting for a free team").
/// `repairing` marks ON_SCENE after the team left (contractor repair under way).
const char *gops_order_open_reason(gops_order_state_t s, bool repairing);

#endif
