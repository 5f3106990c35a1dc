// SPDX-License-Identifier: MIT
// Off-screen pictures of the scene (see snapshot.h): a canvas is an SDL surface with the
// software renderer, so nothing here initialises SDL's video subsystem or needs a display.
// PNGs are encoded with libpng into a growing memory buffer (RGB, no alpha: the pictures
// are opaque), at zlib level 3: a quarter faster than the default for files about 10 %
// larger, which matters when a long run takes a picture every quarter hour.
#include "render/snapshot.h"

#include "core/simtime.h"

#include <SDL2/SDL.h>
#include <png.h>

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WARNING_WINDOW_S 600.0
#define MAX_WARNINGS 8

struct gops_snapshot {
    gops_snapshot_def_t def;
    gops_canvas_t *canvas;
    gops_screen_t *scene;
};

gops_snapshot_def_t gops_snapshot_def_default(void)
{
    return (gops_snapshot_def_t){
        .width = 1600, .height = 900, .scene = gops_screen_def_default(), .sources = gops_screen_sources_default()};
}

gops_snapshot_t *gops_snapshot_create(const gops_snapshot_def_t *def, gops_error_t *err)
{
    gops_snapshot_t *s = calloc(1, sizeof *s);
    if (!s) {
        gops_error_set(err, GOPS_NOMEM, "out of memory creating a snapshot");
        return NULL;
    }
    s->def = def ? *def : gops_snapshot_def_default();
    if (!(s->canvas = gops_canvas_create(s->def.width, s->def.height, err)) || !(s->scene = gops_screen_create(err))) {
        gops_snapshot_destroy(s);
        return NULL;
    }
    return s;
}

void gops_snapshot_destroy(gops_snapshot_t *s)
{
    if (!s) return;
    gops_screen_destroy(s->scene);
    gops_canvas_destroy(s->canvas);
    free(s);
}

gops_canvas_t *gops_snapshot_canvas(gops_snapshot_t *s) { return s->canvas; }

static void title_box(gops_canvas_t *c, const char *line1, const char *line2)
{
    gops_text_style_t st = gops_text_style_default();
    st.anchor = GOPS_ANCHOR_TOP_LEFT;
    st.size_px = 20;
    st.bold = true;
    gops_rect_t a = {0}, b = {0};
    gops_canvas_text_bounds(c, NULL, 20, 16, line1, &st, &a);
    gops_text_style_t st2 = st;
    st2.size_px = 14;
    st2.bold = false;
    gops_canvas_text_bounds(c, NULL, 20, 44, line2, &st2, &b);
    double w = (a.w > b.w ? a.w : b.w) + 24;
    gops_canvas_fill_rect(c, (gops_rect_t){8, 8, w, 64}, GOPS_RGBA(255, 255, 255, 225));
    gops_canvas_text(c, NULL, 20, 16, line1, &st, NULL);
    gops_canvas_text(c, NULL, 20, 44, line2, &st2, NULL);
}

bool gops_snapshot_draw(gops_snapshot_t *s, const gops_world_t *world, const gops_picture_request_t *req)
{
    const gops_screen_sources_t *src = &s->def.sources;
    gops_screen_frame_t f = {.world = world, .title = req->title};
    f.pedestrians = src->pedestrians ? src->pedestrians(world) : NULL;
    gops_screen_def_t def = s->def.scene;
    int w = gops_canvas_width(s->canvas), h = gops_canvas_height(s->canvas);
    if (req->kind == GOPS_PICTURE_PEAK_HEATMAP) {
        gops_screen_grid_t grid;
        if (!src->density || !src->density(world, true, &grid)) return false;
        def.dashboard = false;
        def.crowd = GOPS_SCREEN_CROWD_HEAT;
        // the densities alone over the map: no vehicles, vendors, teams or incidents on top
        def.layers &= 1u << GOPS_SCREEN_MAP | 1u << GOPS_SCREEN_LABELS | 1u << GOPS_SCREEN_PEDESTRIANS;
        f.pedestrians = NULL;
        f.density = &grid;
        gops_view_t view = gops_screen_fit(world, w, h, false);
        gops_screen_draw(s->scene, s->canvas, &view, &def, &f);
        char sub[160], when[32];
        gops_time_format(gops_world_time(world), when, sizeof when);
        snprintf(sub, sizeof sub, "%s · each cell's highest density up to %s", req->title ? req->title : "", when);
        title_box(s->canvas, "峰值密度热力图  Peak-density heat map", sub);
        return true;
    }
    gops_screen_warning_t warnings[MAX_WARNINGS];
    char when[MAX_WARNINGS][16];
    if (req->notes)
        f.warning_count = gops_screen_warnings_from_notes(req->notes, gops_world_time(world), WARNING_WINDOW_S,
                                                          warnings, when, MAX_WARNINGS);
    f.warnings = warnings;
    gops_screen_grid_t grid;
    if (src->density && src->density(world, false, &grid)) f.density = &grid;
    gops_view_t view = gops_screen_fit(world, w, h, def.dashboard);
    gops_screen_draw(s->scene, s->canvas, &view, &def, &f);
    return true;
}

// ---------------------------------------------------------------------------------------
// PNG in memory

typedef struct membuf {
    unsigned char *data;
    size_t size, cap;
    bool failed;
} membuf_t;

static void mem_write(png_structp png, png_bytep bytes, png_size_t len)
{
    membuf_t *m = png_get_io_ptr(png);
    if (m->failed) return;
    if (m->size + len > m->cap) {
        size_t cap = m->cap ? m->cap : 1 << 16;
        while (cap < m->size + len) cap *= 2;
        unsigned char *grown = realloc(m->data, cap);
        if (!grown) {
            m->failed = true;
            return;
        }
        m->data = grown;
        m->cap = cap;
    }
    memcpy(m->data + m->size, bytes, len);
    m->size += len;
}

static void mem_flush(png_structp png) { (void)png; }

gops_status_t gops_snapshot_encode_png(gops_canvas_t *canvas, unsigned char **out, size_t *out_size, gops_error_t *err)
{
    *out = NULL;
    *out_size = 0;
    gops_status_t st = gops_canvas_status(canvas, err);
    if (st != GOPS_OK) return st;
    gops_canvas_sync(canvas);
    SDL_Surface *s = gops_canvas_surface(canvas);
    int w = s->w, h = s->h;
    // Everything longjmp may come back to is set before setjmp and not changed after it.
    membuf_t *mem = calloc(1, sizeof *mem);
    unsigned char *row = mem ? malloc((size_t)w * 3) : NULL;
    png_structp png = row ? png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL) : NULL;
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        free(row);
        free(mem);
        return gops_error_set(err, GOPS_NOMEM, "out of memory encoding a %dx%d PNG", w, h);
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(row);
        free(mem->data);
        free(mem);
        return gops_error_set(err, GOPS_INTERNAL, "libpng failed encoding a %dx%d PNG", w, h);
    }
    png_set_write_fn(png, mem, mem_write, mem_flush);
    png_set_compression_level(png, 3);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        const uint32_t *px = (const uint32_t *)((const uint8_t *)s->pixels + (size_t)y * (size_t)s->pitch);
        for (int x = 0; x < w; x++) {
            row[3 * x] = (unsigned char)(px[x] >> 16);
            row[3 * x + 1] = (unsigned char)(px[x] >> 8);
            row[3 * x + 2] = (unsigned char)px[x];
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(row);
    bool failed = mem->failed;
    unsigned char *data = mem->data;
    size_t size = mem->size;
    free(mem);
    if (failed) {
        free(data);
        return gops_error_set(err, GOPS_NOMEM, "out of memory encoding a %dx%d PNG", w, h);
    }
    *out = data;
    *out_size = size;
    return GOPS_OK;
}

// ---------------------------------------------------------------------------------------
// Hooks for the run session

gops_status_t gops_snapshot_picture(const gops_world_t *world, const gops_picture_request_t *req, void *user,
                                    unsigned char **png, size_t *size, gops_error_t *err)
{
    void **slot = user;
    *png = NULL;
    *size = 0;
    gops_snapshot_t *s = *slot;
    if (!s) {
        gops_snapshot_def_t def = gops_snapshot_def_default();
        if (!(s = gops_snapshot_create(&def, err))) return err->status;
        *slot = s;
    }
    if (!gops_snapshot_draw(s, world, req)) return GOPS_OK;
    return gops_snapshot_encode_png(s->canvas, png, size, err);
}

static void release(void *user)
{
    void **slot = user;
    gops_snapshot_destroy(*slot);
    *slot = NULL;
}

gops_picture_hooks_t gops_snapshot_hooks(void **slot)
{
    return (gops_picture_hooks_t){.draw = gops_snapshot_picture, .release = release, .user = slot};
}
