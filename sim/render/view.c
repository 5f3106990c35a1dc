// SPDX-License-Identifier: MIT
// The live window (see view.h). Each frame the scene is drawn on a canvas (an SDL surface)
// and uploaded to one streaming texture, or without a hardware renderer copied into the
// window's surface, so the window shows the same pixels as a snapshot. Pacing: the view
// keeps a debt of simulated time that grows with wall time × speed and lets the session step
// one tick whenever a tick's worth is owed; input is read and frames drawn at most 60 times
// a wall second. The wall clock here only paces and measures; it never reaches the simulation.
#include "render/view.h"

#include "core/log.h"
#include "core/simtime.h"
#include "output/report.h"
#include "world/world_internal.h"

#include <SDL2/SDL.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FRAME_S (1.0 / 60.0)
#define PREVIEW_S 0.25 // after the last drag or zoom, the map is redrawn properly
#define WARNING_WINDOW_S 600.0
#define MAX_WARNINGS 8
#define MAX_SCALE 40.0 // px per m: a pedestrian is 16 px wide

static const double speeds[] = {1, 2, 5, 10, 30, 60, 120, 300, 600, 1000};
#define SPEED_COUNT ((int)(sizeof speeds / sizeof *speeds))

struct gops_live_view {
    gops_live_view_def_t def;
    SDL_Window *window;
    SDL_Renderer *renderer;
    SDL_Texture *texture;
    int tex_w, tex_h;
    char renderer_name[64];
    gops_canvas_t *canvas;
    gops_screen_t *scene;
    gops_screen_def_t scene_def;
    gops_view_t view;
    bool fitted; ///< the view shows the whole district (kept so on resize)
    double min_scale;

    const gops_world_t *world;
    gops_report_notes_t notes;

    int speed_index;
    bool fast, paused, step, quit, finished, help, dirty;
    double sim_debt; ///< simulated s owed to the run at the chosen speed
    double last_wall, last_frame;

    bool dragging, drag_moved;
    int drag_x, drag_y, press_x, press_y;
    double last_interaction;

    bool has_pick, pick_ped;
    uint32_t pick_id;
    gops_screen_pick_t pick;

    char message[160];
    double message_until;

    gops_pedestrians_t synth; ///< stand-in crowd (def.synthetic_crowd), built for synth_world
    const gops_world_t *synth_world;
    uint64_t synth_rng;

    uint64_t frames, ticks;
    double scene_total, draw_total, draw_max, started;
    double scene_cpu, draw_cpu; ///< thread CPU s drawing the scene, and with upload and present
    double first_frame_at, last_frame_at; ///< wall s when the first and the last frame began
    double rate_wall, rate_sim; ///< start of the current one-second measuring window
    uint64_t rate_frames;
    double fps_shown, sim_rate_shown; ///< values of the last complete window
};

static double wall_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/// CPU time of this thread (s): what drawing costs whatever else the machine runs.
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

gops_live_view_def_t gops_live_view_def_default(void)
{
    return (gops_live_view_def_t){
        .width = 1600, .height = 900, .speed = 60, .title = "", .sources = gops_screen_sources_default()};
}

static int speed_index_of(double speed)
{
    int best = 0;
    for (int i = 0; i < SPEED_COUNT; i++)
        if (fabs(speeds[i] - speed) < fabs(speeds[best] - speed)) best = i;
    return best;
}

/// Shows a short message in the status line for three seconds (cut to fit).
static void say(gops_live_view_t *v, const char *what, const char *arg)
{
    snprintf(v->message, sizeof v->message, "%.40s%.100s", what, arg);
    v->message_until = wall_now() + 3.0;
    v->dirty = true;
}

// ---------------------------------------------------------------------------------------
// Window and textures

static bool fit_canvas(gops_live_view_t *v, gops_error_t *err)
{
    int w = 0, h = 0;
    if (!v->renderer || SDL_GetRendererOutputSize(v->renderer, &w, &h) != 0 || w < 1 || h < 1)
        SDL_GetWindowSize(v->window, &w, &h);
    if (v->canvas && v->tex_w == w && v->tex_h == h) return true;
    double cx = 0, cy = 0;
    if (v->canvas) { // keep the world point at the centre of the map area where it was
        gops_screen_layout_t l = gops_screen_layout(v->tex_w, v->tex_h, v->scene_def.dashboard);
        gops_view_to_world(&v->view, l.map.w / 2, l.map.h / 2, &cx, &cy);
    }
    if (v->texture) SDL_DestroyTexture(v->texture);
    gops_canvas_destroy(v->canvas);
    v->canvas = gops_canvas_create(w, h, err);
    // The canvas is opaque: an XRGB texture copied without blending (ARGB would make SDL
    // blend every pixel, which costs more than drawing the whole scene).
    if (v->renderer) {
        v->texture = SDL_CreateTexture(v->renderer, SDL_PIXELFORMAT_RGB888, SDL_TEXTUREACCESS_STREAMING, w, h);
        if (v->texture) SDL_SetTextureBlendMode(v->texture, SDL_BLENDMODE_NONE);
    }
    if (!v->canvas || (v->renderer && !v->texture)) {
        if (v->canvas)
            gops_error_set(err, GOPS_INTERNAL, "live view: cannot create a %dx%d texture: %s", w, h, SDL_GetError());
        return false;
    }
    v->tex_w = w;
    v->tex_h = h;
    gops_view_t fit = gops_screen_fit(v->world, w, h, v->scene_def.dashboard);
    v->min_scale = fit.scale / 4;
    if (v->fitted || v->view.scale <= 0) {
        v->view = fit;
    } else {
        gops_screen_layout_t l = gops_screen_layout(w, h, v->scene_def.dashboard);
        v->view.ox = l.map.w / 2 - v->view.scale * cx;
        v->view.oy = l.map.h / 2 + v->view.scale * cy;
    }
    v->dirty = true;
    return true;
}

gops_live_view_t *gops_live_view_create(const gops_live_view_def_t *def, gops_error_t *err)
{
    gops_live_view_t *v = calloc(1, sizeof *v);
    if (!v) {
        gops_error_set(err, GOPS_NOMEM, "out of memory opening the live view");
        return NULL;
    }
    v->def = def ? *def : gops_live_view_def_default();
    if (SDL_InitSubSystem(SDL_INIT_VIDEO) != 0) {
        gops_error_set(err, GOPS_IO,
                       "live view: cannot open a window (%s); without a display use `gridops run "
                       "--snapshot-every 15m` for pictures, or SDL_VIDEODRIVER=dummy for a window nobody sees",
                       SDL_GetError());
        free(v);
        return NULL;
    }
    char title[256];
    snprintf(title, sizeof title, "gridops · %s", v->def.title ? v->def.title : "");
    v->window = SDL_CreateWindow(title, SDL_WINDOWPOS_CENTERED, SDL_WINDOWPOS_CENTERED, v->def.width, v->def.height,
                                 SDL_WINDOW_RESIZABLE);
    if (!v->window) {
        gops_error_set(err, GOPS_IO, "live view: cannot open a %dx%d window: %s", v->def.width, v->def.height,
                       SDL_GetError());
        goto fail;
    }
    // A hardware renderer takes the frame as a texture. Without one, the frame is copied
    // straight into the window's own surface: SDL's software renderer would copy it twice.
    if (!v->def.software) v->renderer = SDL_CreateRenderer(v->window, -1, SDL_RENDERER_ACCELERATED);
    SDL_RendererInfo info;
    if (v->renderer && SDL_GetRendererInfo(v->renderer, &info) == 0)
        snprintf(v->renderer_name, sizeof v->renderer_name, "%s", info.name);
    if (!v->renderer) {
        if (!SDL_GetWindowSurface(v->window)) {
            gops_error_set(err, GOPS_IO, "live view: no renderer and no surface for the window: %s", SDL_GetError());
            goto fail;
        }
        snprintf(v->renderer_name, sizeof v->renderer_name, "software (window surface)");
    }
    if (!(v->scene = gops_screen_create(err))) goto fail;
    v->scene_def = gops_screen_def_default();
    if ((unsigned)v->def.crowd < GOPS_SCREEN_CROWD_COUNT) v->scene_def.crowd = v->def.crowd;
    v->fitted = true;
    v->speed_index = speed_index_of(v->def.speed > 0 ? v->def.speed : 60);
    v->fast = v->def.speed <= 0;
    v->paused = v->def.paused;
    gops_report_notes_init(&v->notes);
    gops_pedestrians_init(&v->synth);
    v->synth_rng = 88172645463325252ULL;
    if (!fit_canvas(v, err)) goto fail;
    v->started = v->last_wall = v->rate_wall = wall_now();
    v->last_frame = v->started - 1;
    return v;
fail:
    gops_live_view_destroy(v);
    return NULL;
}

void gops_live_view_destroy(gops_live_view_t *v)
{
    if (!v) return;
    gops_screen_destroy(v->scene);
    gops_canvas_destroy(v->canvas);
    if (v->texture) SDL_DestroyTexture(v->texture);
    if (v->renderer) SDL_DestroyRenderer(v->renderer);
    if (v->window) SDL_DestroyWindow(v->window);
    gops_report_notes_free(&v->notes);
    gops_pedestrians_free(&v->synth);
    SDL_QuitSubSystem(SDL_INIT_VIDEO);
    free(v);
}

gops_live_view_stats_t gops_live_view_stats(const gops_live_view_t *v)
{
    gops_live_view_stats_t s = {.frames = v->frames};
    s.scene_ms_mean = v->frames ? 1000.0 * v->scene_total / (double)v->frames : 0;
    s.frame_ms_mean = v->frames ? 1000.0 * v->draw_total / (double)v->frames : 0;
    s.frame_ms_max = 1000.0 * v->draw_max;
    s.scene_cpu_ms_mean = v->frames ? 1000.0 * v->scene_cpu / (double)v->frames : 0;
    s.frame_cpu_ms_mean = v->frames ? 1000.0 * v->draw_cpu / (double)v->frames : 0;
    // from the first frame on: building the district and the first tick come before it
    double span = v->last_frame_at - v->first_frame_at;
    s.fps = v->frames > 1 && span > 0 ? (double)(v->frames - 1) / span : 0;
    snprintf(s.renderer, sizeof s.renderer, "%s", v->renderer_name);
    return s;
}

// ---------------------------------------------------------------------------------------
// Drawing

static void status_text(gops_live_view_t *v, double now, char *buf, size_t size)
{
    const char *state;
    char speed[32];
    if (v->finished)
        state = "结束 FINISHED · Q to close";
    else if (v->paused)
        state = "暂停 PAUSED";
    else if (v->fast)
        state = "最快 AS FAST AS POSSIBLE";
    else {
        snprintf(speed, sizeof speed, "运行 RUN ×%g", speeds[v->speed_index]);
        state = speed;
    }
    if (now < v->message_until) {
        snprintf(buf, size, "%s · %s", state, v->message);
        return;
    }
    snprintf(buf, size, "%s · %.0f× real · %.0f fps · H help", state, v->sim_rate_shown, v->fps_shown);
}

static uint64_t xorshift(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/// The stand-in crowd of def.synthetic_crowd pedestrians on the district's walkable cells
/// (a fixed pattern from a view-local generator, never the world's streams), each nudged by
/// up to 5 cm a frame so that every frame has something new to draw. NULL without a district.
static const gops_pedestrians_t *synthetic_crowd(gops_live_view_t *v)
{
    const gops_district_t *d = v->world ? gops_world_district(v->world) : NULL;
    if (!d || !d->walk || d->walk->count == 0) return NULL;
    gops_pedestrians_t *p = &v->synth;
    if (v->synth_world != v->world) {
        p->count = 0;
        for (uint32_t i = 0; i < v->def.synthetic_crowd; i++) {
            uint64_t r = xorshift(&v->synth_rng);
            gops_point_t c = gops_walkable_centre(d->walk, d->walk->cells[r % d->walk->count]);
            float jx = (float)((r >> 20) % 100) / 100.0f - 0.5f, jy = (float)((r >> 30) % 100) / 100.0f - 0.5f;
            uint32_t k = gops_pedestrians_add(p, (float)c.x + jx * (float)d->walk->cell,
                                              (float)c.y + jy * (float)d->walk->cell, 1.3f, 0.2f, 0);
            if (k == UINT32_MAX) break;
            p->vx[k] = (float)((r >> 40) % 140) / 100.0f; // a spread of speeds, so all dot colours show
        }
        v->synth_world = v->world;
    }
    for (uint32_t i = 0; i < p->count; i++) {
        uint64_t r = xorshift(&v->synth_rng);
        p->x[i] += (float)((int)(r & 0xff) - 128) * (0.05f / 128);
        p->y[i] += (float)((int)((r >> 8) & 0xff) - 128) * (0.05f / 128);
    }
    return p;
}

static void make_frame(gops_live_view_t *v, gops_screen_frame_t *f, gops_screen_warning_t *warnings, char (*when)[16],
                       gops_screen_grid_t *grid, char *status, size_t status_size, double now)
{
    memset(f, 0, sizeof *f);
    f->world = v->world;
    f->title = v->def.title;
    if (v->world && v->def.synthetic_crowd) {
        f->pedestrians = synthetic_crowd(v); // its heat map is binned from these positions
    } else if (v->world) {
        f->pedestrians = v->def.sources.pedestrians ? v->def.sources.pedestrians(v->world) : NULL;
        if (v->def.sources.density && v->def.sources.density(v->world, false, grid)) f->density = grid;
    }
    if (v->world) {
        f->warning_count = gops_screen_warnings_from_notes(&v->notes, gops_world_time(v->world), WARNING_WINDOW_S,
                                                           warnings, when, MAX_WARNINGS);
        f->warnings = warnings;
    }
    if (v->has_pick && v->pick_ped) { // follow the person as they walk
        if (!gops_screen_pick_pedestrian(f->pedestrians, v->pick_id, &v->pick))
            snprintf(v->pick.text, sizeof v->pick.text, "行人 pedestrian #%u\nhas left the district", v->pick_id);
    }
    if (v->has_pick) {
        f->inspect = v->pick.text;
        f->has_marker = true;
        f->marker = v->pick.at;
    }
    status_text(v, now, status, status_size);
    f->status = status;
    f->help = v->help;
    f->map_preview = now - v->last_interaction < PREVIEW_S;
}

static void draw_frame(gops_live_view_t *v, double now)
{
    gops_error_t err;
    if (!fit_canvas(v, &err)) {
        gops_log(GOPS_LOG_ERROR, "%s", err.message);
        v->quit = true;
        return;
    }
    if (now - v->rate_wall >= 1.0) { // one-second measuring windows for the status line
        v->fps_shown = (double)v->rate_frames / (now - v->rate_wall);
        double sim = v->world ? gops_world_elapsed(v->world) : 0;
        v->sim_rate_shown = (sim - v->rate_sim) / (now - v->rate_wall);
        v->rate_sim = sim;
        v->rate_wall = now;
        v->rate_frames = 0;
    }
    gops_screen_frame_t f;
    gops_screen_warning_t warnings[MAX_WARNINGS];
    char when[MAX_WARNINGS][16];
    gops_screen_grid_t grid;
    char status[200];
    make_frame(v, &f, warnings, when, &grid, status, sizeof status, now);
    double t0 = wall_now(), c0 = cpu_now();
    if (!v->frames) v->first_frame_at = t0;
    v->last_frame_at = t0;
    gops_screen_draw(v->scene, v->canvas, &v->view, &v->scene_def, &f);
    gops_canvas_sync(v->canvas);
    v->scene_total += wall_now() - t0;
    v->scene_cpu += cpu_now() - c0;
    SDL_Surface *s = gops_canvas_surface(v->canvas);
    if (v->renderer) {
        SDL_UpdateTexture(v->texture, NULL, s->pixels, s->pitch);
        SDL_RenderCopy(v->renderer, v->texture, NULL, NULL);
        SDL_RenderPresent(v->renderer);
    } else {
        SDL_Surface *ws = SDL_GetWindowSurface(v->window); // changes when the window is resized
        if (ws) {
            SDL_SetSurfaceBlendMode(s, SDL_BLENDMODE_NONE);
            SDL_BlitSurface(s, NULL, ws, NULL);
            SDL_UpdateWindowSurface(v->window);
        }
    }
    double end = wall_now(), dt = end - t0;
    v->draw_cpu += cpu_now() - c0;
    v->draw_total += dt;
    if (dt > v->draw_max) v->draw_max = dt;
    v->frames++;
    v->rate_frames++;
    // The next frame is due a frame period after this one began, but never before the
    // simulation has had a fifth of the time drawing took: slow drawing must not starve it.
    v->last_frame = fmax(now, end + 0.2 * dt - FRAME_S);
    v->dirty = false;
}

// ---------------------------------------------------------------------------------------
// Input

static void zoom_at(gops_live_view_t *v, double px, double py, double factor)
{
    double s = v->view.scale * factor;
    if (s < v->min_scale) s = v->min_scale;
    if (s > MAX_SCALE) s = MAX_SCALE;
    double wx, wy;
    gops_view_to_world(&v->view, px, py, &wx, &wy);
    v->view.scale = s;
    v->view.ox = px - s * wx;
    v->view.oy = py + s * wy;
    v->fitted = false;
    v->last_interaction = wall_now();
    v->dirty = true;
}

static void pan(gops_live_view_t *v, double dx, double dy)
{
    v->view.ox += dx;
    v->view.oy += dy;
    v->fitted = false;
    v->last_interaction = wall_now();
    v->dirty = true;
}

static void map_centre(const gops_live_view_t *v, double *x, double *y)
{
    gops_screen_layout_t l = gops_screen_layout(v->tex_w, v->tex_h, v->scene_def.dashboard);
    *x = l.map.w / 2;
    *y = l.map.h / 2;
}

static void inspect(gops_live_view_t *v, int x, int y)
{
    gops_screen_layout_t l = gops_screen_layout(v->tex_w, v->tex_h, v->scene_def.dashboard);
    if (x >= l.map.w || !v->world) return;
    gops_screen_frame_t f;
    gops_screen_warning_t warnings[MAX_WARNINGS];
    char when[MAX_WARNINGS][16], status[200];
    gops_screen_grid_t grid;
    v->has_pick = false;
    make_frame(v, &f, warnings, when, &grid, status, sizeof status, wall_now());
    // the window may be scaled on HiDPI screens: mouse positions are in window points
    int ww, wh;
    SDL_GetWindowSize(v->window, &ww, &wh);
    double kx = ww > 0 ? (double)v->tex_w / ww : 1, ky = wh > 0 ? (double)v->tex_h / wh : 1;
    v->has_pick = gops_screen_pick(&v->scene_def, &f, &v->view, x * kx, y * ky, &v->pick);
    v->pick_ped = v->has_pick && v->pick.layer == GOPS_SCREEN_PEDESTRIANS;
    v->pick_id = v->pick.index;
    v->dirty = true;
}

static void save_picture(gops_live_view_t *v)
{
    char name[160];
    int h = 0, m = 0, s = 0;
    if (v->world) gops_time_to_civil(gops_world_time(v->world), NULL, NULL, NULL, &h, &m, &s);
    snprintf(name, sizeof name, "gridops-view-%02d%02d%02d.png", h, m, s);
    gops_error_t err;
    if (gops_canvas_save_png(v->canvas, name, &err) == GOPS_OK)
        say(v, "saved ", name);
    else
        say(v, "", err.message);
}

static void key(gops_live_view_t *v, const SDL_KeyboardEvent *k)
{
    SDL_Keycode sym = k->keysym.sym;
    double cx, cy;
    map_centre(v, &cx, &cy);
    double step = 0.1 * v->tex_w;
    v->dirty = true;
    switch (sym) {
    case SDLK_SPACE: v->paused = !v->paused; return;
    case SDLK_PERIOD:
        if (!v->paused)
            v->paused = true;
        else
            v->step = true;
        return;
    case SDLK_LEFTBRACKET:
        if (v->fast)
            v->fast = false;
        else if (v->speed_index > 0)
            v->speed_index--;
        return;
    case SDLK_RIGHTBRACKET:
        if (v->speed_index < SPEED_COUNT - 1)
            v->speed_index++;
        else
            v->fast = true;
        return;
    case SDLK_f: v->fast = !v->fast; return;
    case SDLK_PLUS:
    case SDLK_EQUALS:
    case SDLK_KP_PLUS: zoom_at(v, cx, cy, 1.25); return;
    case SDLK_MINUS:
    case SDLK_KP_MINUS: zoom_at(v, cx, cy, 0.8); return;
    case SDLK_LEFT: pan(v, step, 0); return;
    case SDLK_RIGHT: pan(v, -step, 0); return;
    case SDLK_UP: pan(v, 0, step); return;
    case SDLK_DOWN: pan(v, 0, -step); return;
    case SDLK_0:
    case SDLK_HOME:
    case SDLK_KP_0:
        v->fitted = true;
        v->view = gops_screen_fit(v->world, v->tex_w, v->tex_h, v->scene_def.dashboard);
        return;
    case SDLK_c:
        v->scene_def.crowd = (gops_screen_crowd_t)((v->scene_def.crowd + 1) % GOPS_SCREEN_CROWD_COUNT);
        {
            static const char *const names[] = {"auto", "dots", "heat map"};
            say(v, "crowd: ", names[v->scene_def.crowd]);
        }
        return;
    case SDLK_TAB:
        v->scene_def.dashboard = !v->scene_def.dashboard;
        if (v->fitted) v->view = gops_screen_fit(v->world, v->tex_w, v->tex_h, v->scene_def.dashboard);
        return;
    case SDLK_h:
    case SDLK_SLASH:
    case SDLK_QUESTION: v->help = !v->help; return;
    case SDLK_p: save_picture(v); return;
    case SDLK_ESCAPE:
        if (v->help)
            v->help = false;
        else if (v->has_pick)
            v->has_pick = false;
        else
            v->quit = true;
        return;
    case SDLK_q: v->quit = true; return;
    case SDLK_F1:
    case SDLK_F2:
    case SDLK_F3:
    case SDLK_F4:
        if (v->world && !v->finished) {
            gops_mode_t mode = (gops_mode_t)(sym - SDLK_F1);
            // The one write the view makes: a queued command, applied at the start of the
            // next tick exactly as a scenario's set_mode() would be.
            gops_world_set_mode((gops_world_t *)v->world, mode);
            say(v, "mode from the next tick: ", gops_mode_name(mode));
        }
        return;
    default: break;
    }
    for (int i = 0; i < GOPS_SCREEN_LAYER_COUNT; i++) {
        const gops_screen_layer_t *l = &gops_screen_layers()[i];
        if (l->key && sym == (SDL_Keycode)l->key) {
            v->scene_def.layers ^= 1u << i;
            say(v, (v->scene_def.layers >> i) & 1u ? "on: " : "off: ", l->label);
            return;
        }
    }
}

static void handle(gops_live_view_t *v, const SDL_Event *e)
{
    switch (e->type) {
    case SDL_QUIT: v->quit = true; break;
    case SDL_WINDOWEVENT: v->dirty = true; break;
    case SDL_KEYDOWN: key(v, &e->key); break;
    case SDL_MOUSEWHEEL: {
        int x, y;
        SDL_GetMouseState(&x, &y);
        int ww, wh;
        SDL_GetWindowSize(v->window, &ww, &wh);
        double kx = ww > 0 ? (double)v->tex_w / ww : 1, ky = wh > 0 ? (double)v->tex_h / wh : 1;
        zoom_at(v, x * kx, y * ky, pow(1.2, e->wheel.y));
        break;
    }
    case SDL_MOUSEBUTTONDOWN:
        if (e->button.button == SDL_BUTTON_LEFT) {
            v->dragging = true;
            v->drag_moved = false;
            v->drag_x = v->press_x = e->button.x;
            v->drag_y = v->press_y = e->button.y;
        } else if (e->button.button == SDL_BUTTON_RIGHT) {
            v->has_pick = false;
            v->dirty = true;
        }
        break;
    case SDL_MOUSEMOTION:
        if (v->dragging) {
            if (abs(e->motion.x - v->press_x) + abs(e->motion.y - v->press_y) > 4) v->drag_moved = true;
            if (v->drag_moved) pan(v, e->motion.x - v->drag_x, e->motion.y - v->drag_y);
            v->drag_x = e->motion.x;
            v->drag_y = e->motion.y;
        }
        break;
    case SDL_MOUSEBUTTONUP:
        if (e->button.button == SDL_BUTTON_LEFT && v->dragging) {
            v->dragging = false;
            if (!v->drag_moved) inspect(v, e->button.x, e->button.y);
        }
        break;
    default: break;
    }
}

static void pump(gops_live_view_t *v)
{
    SDL_Event e;
    while (SDL_PollEvent(&e)) handle(v, &e);
}

/// Sleeps up to `seconds`, waking early for input.
static void wait_for(gops_live_view_t *v, double seconds)
{
    int ms = (int)(seconds * 1000.0);
    if (ms < 1) return;
    SDL_Event e;
    if (SDL_WaitEventTimeout(&e, ms)) {
        handle(v, &e);
        pump(v);
    }
}

// ---------------------------------------------------------------------------------------
// Pacing

bool gops_live_view_tick(const gops_world_t *world, void *user)
{
    gops_live_view_t *v = user;
    if (v->world != world) {
        v->world = world;
        v->rate_sim = gops_world_elapsed(world);
        gops_screen_invalidate(v->scene);
        v->fitted = true;
        v->tex_w = 0; // refit to the district now that the world is known
    }
    v->ticks++;
    v->dirty = true;
    gops_error_t err;
    if (gops_report_notes_from_events(&v->notes, world, &err) != GOPS_OK) gops_log(GOPS_LOG_WARN, "%s", err.message);
    double tick_s = gops_world_tick_seconds(world);
    for (;;) {
        double now = wall_now();
        if (now - v->last_frame >= FRAME_S) {
            pump(v);
            if (v->quit) return false;
            // a stand-in crowd moves even while paused (frame-rate measurements)
            if (v->dirty || !v->paused || v->def.synthetic_crowd || now - v->last_frame >= 0.5) draw_frame(v, now);
            now = wall_now();
        }
        if (v->quit) return false;
        if (v->step) {
            v->step = false;
            return true;
        }
        if (v->paused) {
            v->last_wall = now;
            wait_for(v, v->last_frame + FRAME_S - now);
            continue;
        }
        if (v->fast) {
            v->last_wall = now;
            return true; // frames come when due
        }
        double speed = speeds[v->speed_index];
        v->sim_debt += (now - v->last_wall) * speed;
        v->last_wall = now;
        double cap = fmax(0.25 * speed, tick_s); // after a stall, catch up a quarter second, no more
        if (v->sim_debt > cap) v->sim_debt = cap;
        if (v->sim_debt >= tick_s) {
            v->sim_debt -= tick_s;
            return true;
        }
        double wait = fmin((tick_s - v->sim_debt) / speed, v->last_frame + FRAME_S - now);
        if (wait > 0.001) wait_for(v, wait);
    }
}

bool gops_live_view_end(const gops_world_t *world, void *user)
{
    gops_live_view_t *v = user;
    v->world = world;
    v->finished = true;
    v->dirty = true;
    draw_frame(v, wall_now());
    if (v->def.exit_at_end) return true;
    while (!v->quit) {
        double now = wall_now();
        if (v->dirty || v->def.synthetic_crowd || now - v->last_frame >= 0.5) draw_frame(v, now);
        wait_for(v, FRAME_S);
    }
    return true;
}
