// SPDX-License-Identifier: MIT
// The order state machine's transition table (see orders.h). Every state change in ops/
// goes through gops_ops_order_set (ops.c), which asserts legality against this table, so
// an illegal transition is a programming error that aborts, never a silent state.
#include "ops/orders.h"

#include <stdint.h>

static const char *const state_names[GOPS_ORDER_STATE_COUNT] = {
#define GOPS_ORDER_NAME(name, text) text,
    GOPS_ORDER_STATE_LIST(GOPS_ORDER_NAME)
#undef GOPS_ORDER_NAME
};

static const char *const cause_names[GOPS_CAUSE_COUNT] = {
    "triaged", "assigned", "accepted", "refused", "preempted", "arrived",
    "handled", "verified", "reopened", "filed", "withdrawn",
};

#define S(x) (1u << GOPS_ORDER_##x)

/// For each cause: the states it may leave (bit set) and the one state it enters.
static const struct {
    uint32_t from;
    gops_order_state_t to;
} table[GOPS_CAUSE_COUNT] = {
    [GOPS_CAUSE_TRIAGED] = {S(NONE), GOPS_ORDER_CREATED},
    [GOPS_CAUSE_ASSIGNED] = {S(CREATED), GOPS_ORDER_DISPATCHED},
    [GOPS_CAUSE_ACCEPTED] = {S(DISPATCHED), GOPS_ORDER_ACCEPTED},
    [GOPS_CAUSE_REFUSED] = {S(DISPATCHED), GOPS_ORDER_CREATED},
    [GOPS_CAUSE_PREEMPTED] = {S(DISPATCHED) | S(ACCEPTED) | S(ON_SCENE), GOPS_ORDER_CREATED},
    [GOPS_CAUSE_ARRIVED] = {S(ACCEPTED), GOPS_ORDER_ON_SCENE},
    [GOPS_CAUSE_HANDLED] = {S(ON_SCENE), GOPS_ORDER_RESOLVED},
    [GOPS_CAUSE_VERIFIED] = {S(RESOLVED), GOPS_ORDER_VERIFIED},
    [GOPS_CAUSE_REOPENED] = {S(RESOLVED), GOPS_ORDER_CREATED},
    [GOPS_CAUSE_FILED] = {S(VERIFIED), GOPS_ORDER_CLOSED},
    [GOPS_CAUSE_WITHDRAWN] = {S(CREATED), GOPS_ORDER_CLOSED},
};

const char *gops_order_state_name(gops_order_state_t s)
{
    return (unsigned)s < GOPS_ORDER_STATE_COUNT ? state_names[s] : "?";
}

const char *gops_order_cause_name(gops_order_cause_t c)
{
    return (unsigned)c < GOPS_CAUSE_COUNT ? cause_names[c] : "?";
}

bool gops_order_transition_legal(gops_order_state_t from, gops_order_state_t to, gops_order_cause_t cause)
{
    if ((unsigned)from >= GOPS_ORDER_STATE_COUNT || (unsigned)to >= GOPS_ORDER_STATE_COUNT ||
        (unsigned)cause >= GOPS_CAUSE_COUNT)
        return false;
    return (table[cause].from & (1u << from)) && table[cause].to == to;
}

bool gops_order_has_team(gops_order_state_t s)
{
    return s == GOPS_ORDER_DISPATCHED || s == GOPS_ORDER_ACCEPTED || s == GOPS_ORDER_ON_SCENE;
}

const char *gops_order_open_reason(gops_order_state_t s, bool repairing)
{
    switch (s) {
    case GOPS_ORDER_NONE: return "in triage at the centre";
    case GOPS_ORDER_CREATED: return "waiting for a free team";
    case GOPS_ORDER_DISPATCHED: return "dispatched, not yet accepted";
    case GOPS_ORDER_ACCEPTED: return "team en route";
    case GOPS_ORDER_ON_SCENE: return repairing ? "repair under way" : "team on scene";
    case GOPS_ORDER_RESOLVED: return "awaiting verification";
    case GOPS_ORDER_VERIFIED: return "verified, not yet filed";
    case GOPS_ORDER_CLOSED: return "";
    default: return "?";
    }
}
