// SPDX-License-Identifier: MIT
// The Intelligent Driver Model (Treiber, Hennecke & Helbing 2000) with δ = 4, its
// ballistic position update with the standard stopping rule (speeds never go negative;
// a vehicle that would reverse within the step stops where v = 0), and its steady state.
// Owns the equations only; which obstacle a vehicle sees is movement.c's job.
#ifndef GOPS_TRAFFIC_IDM_H
#define GOPS_TRAFFIC_IDM_H

#include <math.h>

/// Deceleration the model may ask for at most (m/s²): an emergency stop. A gap at or
/// below zero asks for exactly this.
#define GOPS_IDM_MAX_DECEL 9.0f

typedef struct gops_idm {
    float v0; ///< m/s, desired speed (> 0)
    float T;  ///< s, desired time gap
    float s0; ///< m, jam gap
    float a;  ///< m/s², maximum acceleration (> 0)
    float b;  ///< m/s², comfortable deceleration (> 0)
} gops_idm_t;

/// Free-road term 1 − (v/v0)⁴ (dimensionless; negative above the desired speed).
static inline float gops_idm_free(const gops_idm_t *p, float v)
{
    float r = v / p->v0;
    r *= r;
    return 1.0f - r * r;
}

/// Interaction term (s*/s)² for a gap `gap` (m, bumper to bumper) to an obstacle moving at
/// `v_lead` (m/s); s* = s0 + max(0, vT + v(v − v_lead)/(2√(ab))). Returns a huge value for
/// gap ≤ 0 so that the emergency bound applies.
static inline float gops_idm_interaction(const gops_idm_t *p, float v, float gap, float v_lead)
{
    if (gap <= 0.01f) return 1e6f;
    float dyn = v * p->T + v * (v - v_lead) / (2.0f * sqrtf(p->a * p->b));
    float s_star = p->s0 + (dyn > 0 ? dyn : 0);
    float q = s_star / gap;
    return q * q;
}

/// IDM acceleration (m/s²) from a free term and the largest interaction term over all
/// obstacles (the minimum acceleration over obstacles), bounded below by −GOPS_IDM_MAX_DECEL.
static inline float gops_idm_combine(const gops_idm_t *p, float free_term, float interaction)
{
    float acc = p->a * (free_term - interaction);
    return acc < -GOPS_IDM_MAX_DECEL ? -GOPS_IDM_MAX_DECEL : acc;
}

/// IDM acceleration behind one leader (gap in m, leader speed in m/s); gap = INFINITY for a
/// free road.
static inline float gops_idm_accel(const gops_idm_t *p, float v, float gap, float v_lead)
{
    float inter = isinf(gap) ? 0.0f : gops_idm_interaction(p, v, gap, v_lead);
    return gops_idm_combine(p, gops_idm_free(p, v), inter);
}

/// Ballistic update over dt with acceleration acc: returns the distance travelled (m, ≥ 0)
/// and writes the new speed (≥ 0). When v + acc·dt would be negative the vehicle stops
/// within the step after v²/(2|acc|) (Treiber & Kesting's stopping rule).
static inline float gops_idm_advance(float v, float acc, float dt, float *v_new)
{
    float v1 = v + acc * dt;
    if (v1 < 0) {
        *v_new = 0;
        return acc < 0 ? -0.5f * v * v / acc : 0.0f;
    }
    *v_new = v1;
    float ds = v * dt + 0.5f * acc * dt * dt;
    return ds > 0 ? ds : 0.0f;
}

/// Steady-state gap (m) at speed v (0 ≤ v < v0): (s0 + vT) / √(1 − (v/v0)⁴).
double gops_idm_equilibrium_gap(const gops_idm_t *p, double v);
/// Steady-state capacity (veh/h per lane) of identical vehicles of `length` m: the maximum of
/// 3600·v / (gap(v) + length) over 0 < v < v0; *v_at (may be NULL) gets the speed there (m/s).
double gops_idm_capacity_vph(const gops_idm_t *p, double length, double *v_at);

#endif
