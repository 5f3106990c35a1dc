// SPDX-License-Identifier: MIT
// A growable text buffer with printf-style appends, for building CSV, JSON and HTML
// outputs in memory before one atomic write.
#ifndef GOPS_CORE_STRBUF_H
#define GOPS_CORE_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct gops_strbuf {
    char *data;
    size_t len, cap;
    bool failed; ///< an allocation failed; the content is incomplete
} gops_strbuf_t;

void gops_strbuf_init(gops_strbuf_t *sb);
void gops_strbuf_free(gops_strbuf_t *sb);
void gops_strbuf_append(gops_strbuf_t *sb, const char *text, size_t len);
void gops_strbuf_puts(gops_strbuf_t *sb, const char *text);
void gops_strbuf_printf(gops_strbuf_t *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
