// SPDX-License-Identifier: MIT
// Vehicle classes and their documented car-following parameters (Intelligent Driver Model),
// the values every class starts from. Owns the table and names only; the IDM itself is
// idm.c, storage vehicles.c. Sources and reasoning per value: assets/profiles/TRAFFIC.md.
#ifndef GOPS_TRAFFIC_VCLASS_H
#define GOPS_TRAFFIC_VCLASS_H

#include <stdbool.h>
#include <stdint.h>

typedef enum gops_vclass {
    GOPS_VCLASS_CAR,   ///< private car
    GOPS_VCLASS_TAXI,  ///< taxi or ride-hailing car
    GOPS_VCLASS_BUS,   ///< city bus on a line
    GOPS_VCLASS_VAN,   ///< delivery van
    GOPS_VCLASS_EBIKE, ///< e-bike or other non-motor vehicle (non-motor lane or road edge)
    GOPS_VCLASS_COUNT
} gops_vclass_t;

/// Per-class driving parameters. The IDM's exponent δ is fixed at 4.
typedef struct gops_vclass_params {
    float v0_max_mps;   ///< m/s, the class's own top speed (the road's limit applies too)
    float v0_factor;    ///< desired speed as a share of the speed limit (mean over drivers)
    float v0_spread;    ///< standard deviation of that share between drivers (clipped ±2σ)
    float a;            ///< m/s², maximum acceleration
    float b;            ///< m/s², comfortable deceleration
    float T;            ///< s, desired time gap
    float s0;           ///< m, jam gap
    float length;       ///< m, vehicle length
} gops_vclass_params_t;

/// Defaults (TRAFFIC.md): car and taxi a 1.5, b 2, T 1.0 (urban), s0 2, length 5;
/// bus a 1.0, b 1.5, T 1.5, s0 2.5, length 12; van a 1.2, b 2, T 1.2, s0 2, length 6.5;
/// e-bike 25 km/h top speed, a 1.0, b 2, T 1.0, s0 1, length 1.8.
gops_vclass_params_t gops_vclass_default(gops_vclass_t c);
/// "car", "taxi", "bus", "van", "ebike"; "?" when out of range.
const char *gops_vclass_name(gops_vclass_t c);
/// -1 for an unknown name.
int gops_vclass_from_name(const char *name);
/// True for the classes that drive on motor lanes and count as vehicles in the network.
static inline bool gops_vclass_is_motor(gops_vclass_t c) { return c != GOPS_VCLASS_EBIKE; }

#endif
