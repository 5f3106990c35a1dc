// SPDX-License-Identifier: MIT
// Default parameters of the vehicle classes (values and their reasons in TRAFFIC.md).
#include "traffic/vclass.h"

#include <string.h>

static const char *const names[GOPS_VCLASS_COUNT] = {"car", "taxi", "bus", "van", "ebike"};

gops_vclass_params_t gops_vclass_default(gops_vclass_t c)
{
    switch (c) {
    case GOPS_VCLASS_BUS:
        return (gops_vclass_params_t){.v0_max_mps = 60 / 3.6f, .v0_factor = 0.9f, .v0_spread = 0.05f,
                                      .a = 1.0f, .b = 1.5f, .T = 1.5f, .s0 = 2.5f, .length = 12.0f};
    case GOPS_VCLASS_VAN:
        return (gops_vclass_params_t){.v0_max_mps = 80 / 3.6f, .v0_factor = 0.95f, .v0_spread = 0.08f,
                                      .a = 1.2f, .b = 2.0f, .T = 1.2f, .s0 = 2.0f, .length = 6.5f};
    case GOPS_VCLASS_EBIKE:
        return (gops_vclass_params_t){.v0_max_mps = 25 / 3.6f, .v0_factor = 1.0f, .v0_spread = 0.1f,
                                      .a = 1.0f, .b = 2.0f, .T = 1.0f, .s0 = 1.0f, .length = 1.8f};
    case GOPS_VCLASS_TAXI:
    case GOPS_VCLASS_CAR:
    default:
        return (gops_vclass_params_t){.v0_max_mps = 120 / 3.6f, .v0_factor = 1.0f, .v0_spread = 0.08f,
                                      .a = 1.5f, .b = 2.0f, .T = 1.0f, .s0 = 2.0f, .length = 5.0f};
    }
}

const char *gops_vclass_name(gops_vclass_t c)
{
    return (unsigned)c < GOPS_VCLASS_COUNT ? names[c] : "?";
}

int gops_vclass_from_name(const char *name)
{
    for (int i = 0; name && i < GOPS_VCLASS_COUNT; i++)
        if (strcmp(names[i], name) == 0) return i;
    return -1;
}
