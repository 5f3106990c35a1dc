// SPDX-License-Identifier: MIT
// The models drawn over the map: roads coloured by congestion, vehicles by class, vendor
// stalls and mobile vendors, teams with the order they work on, incidents by order state;
// their legend, picking and the order counts the dashboard shows. Reads the traffic,
// vendors and operations models through their public headers and draws on a canvas; the
// layer table, caching and the frame itself are scene.c's. Never changes the world.
#ifndef GOPS_RENDER_OVERLAYS_H
#define GOPS_RENDER_OVERLAYS_H

#include "ops/ops.h"
#include "render/canvas.h"
#include "render/scene.h"
#include "traffic/traffic.h"
#include "vendors/vendors.h"

#include <stdbool.h>
#include <stdint.h>

/// Closed incidents stay on the map this long after closure (s), then vanish.
#define GOPS_OVERLAY_CLOSED_SHOW_S 600.0

/// The models attached to a world (each NULL when absent or world is NULL).
const gops_traffic_t *gops_overlay_traffic(const gops_world_t *world);
const gops_vendors_t *gops_overlay_vendors(const gops_world_t *world);
const gops_ops_t *gops_overlay_ops(const gops_world_t *world);

/// Congestion band of one road direction from its travel time index (actual over free-flow
/// travel time, as traffic/measures.c defines it; 1 / tti is the mean speed as a share of
/// the free-flow speed), on the bands of the congestion index (TRAFFIC.md):
/// 0 smooth: speed ≥ 77 % of free flow (tti < 1.3); 1 basically smooth: 62.5–77 %
/// (tti 1.3–1.6); 2 light: 50–62.5 % (1.6–2.0); 3 moderate: 40–50 % (2.0–2.5);
/// 4 severe: below 40 % (tti ≥ 2.5).
int gops_overlay_congestion_band(double tti);
/// The band of a congestion index 0–10 (same bands: < 2, < 4, < 6, < 8, else severe).
int gops_overlay_congestion_index_band(double index);
/// "畅通 smooth", "基本畅通 basically smooth", "轻度拥堵 light", "中度拥堵 moderate",
/// "严重拥堵 severe"; "?" out of range.
const char *gops_overlay_congestion_band_name(int band);

/// How an incident is shown at now_s (s since the run's start), as one of the report's four
/// states: open (occurred, detected or not, no team sent yet), dispatched (a team ordered or
/// on its way), on scene (a team arrived; so through resolution and verification until the
/// order is closed), closed (for GOPS_OVERLAY_CLOSED_SHOW_S after closure). -1 when it is
/// not drawn: not occurred yet, gone before anyone noticed, closed long ago.
int gops_overlay_incident_state(const gops_incident_info_t *incident, double now_s);
/// Orders the centre knows of (detected incidents) by state: open, dispatched and on scene
/// now, and every order closed so far. False (counts zeroed) without operations.
bool gops_overlay_order_counts(const gops_world_t *world, uint32_t counts[GOPS_SVG_STATE_COUNT]);

/// Buffers kept between frames (zero-initialise; free with gops_overlay_scratch_free).
typedef struct gops_overlay_scratch {
    gops_traffic_pose_t *poses;
    uint32_t pose_cap;
    gops_point_t *pts;
    uint32_t pts_cap;
} gops_overlay_scratch_t;

void gops_overlay_scratch_free(gops_overlay_scratch_t *scratch);

/// Each road direction with traffic measured in the last windows as a band-coloured line on
/// its half of the carriageway (one-way roads: the middle). Returns the directions drawn.
uint32_t gops_overlay_draw_congestion(gops_canvas_t *canvas, const gops_view_t *view, const gops_world_t *world,
                                      gops_overlay_scratch_t *scratch);
/// Vehicles as class-coloured boxes of their length when zoomed in, small squares when not.
/// Returns how many were drawn (inside the w × h map area).
uint32_t gops_overlay_draw_vehicles(gops_canvas_t *canvas, const gops_view_t *view, const gops_world_t *world,
                                    int w, int h, gops_overlay_scratch_t *scratch);
/// Stalls as state-coloured squares (closed ones as outlines) and mobile vendors with goods
/// out on the street as diamonds. *stalls and *street get the counts drawn.
void gops_overlay_draw_vendors(gops_canvas_t *canvas, const gops_view_t *view, const gops_world_t *world,
                               uint32_t *stalls, uint32_t *street);
/// Teams on duty by state (mobile teams as triangles, post teams as squares), with a dashed
/// line to the incident a sent team is heading for. Returns the teams drawn.
uint32_t gops_overlay_draw_teams(gops_canvas_t *canvas, const gops_view_t *view, const gops_world_t *world);
/// Incidents as discs in their state colour (critical ones larger with a dark ring, not yet
/// detected ones as rings, recently closed ones small and faded), active ones on top.
/// Returns the markers drawn.
uint32_t gops_overlay_draw_incidents(gops_canvas_t *canvas, const gops_view_t *view, const gops_world_t *world);

/// Legend of the agent layers in `mask` (bits of gops_screen_layer_id_t; congestion,
/// vehicles, vendors, teams and incidents have entries) drawn with its top-left corner at
/// (x, y) px: as a narrow column with an entry a line and its meaning spelt out (column),
/// or a line of short entries under each layer's title. draw = false only measures. *w and
/// *h get its size (0 when nothing to show).
void gops_overlay_legend(gops_canvas_t *canvas, uint32_t mask, bool column, double x, double y, bool draw, double *w,
                         double *h);

/// The nearest item within radius_m of p (m), described for the inspection box.
bool gops_overlay_pick_congestion(const gops_screen_frame_t *frame, gops_point_t p, double radius_m,
                                  gops_screen_pick_t *pick);
bool gops_overlay_pick_vehicle(const gops_screen_frame_t *frame, gops_point_t p, double radius_m,
                               gops_screen_pick_t *pick);
bool gops_overlay_pick_vendor(const gops_screen_frame_t *frame, gops_point_t p, double radius_m,
                              gops_screen_pick_t *pick);
bool gops_overlay_pick_team(const gops_screen_frame_t *frame, gops_point_t p, double radius_m,
                            gops_screen_pick_t *pick);
bool gops_overlay_pick_incident(const gops_screen_frame_t *frame, gops_point_t p, double radius_m,
                                gops_screen_pick_t *pick);

#endif
