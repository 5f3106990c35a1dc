// SPDX-License-Identifier: MIT
// Growable text buffer (see strbuf.h).
#include "core/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gops_strbuf_init(gops_strbuf_t *sb)
{
    *sb = (gops_strbuf_t){0};
}

void gops_strbuf_free(gops_strbuf_t *sb)
{
    free(sb->data);
    *sb = (gops_strbuf_t){0};
}

static bool reserve(gops_strbuf_t *sb, size_t extra)
{
    if (sb->failed) return false;
    if (sb->len + extra + 1 <= sb->cap) return true;
    size_t cap = sb->cap ? sb->cap : 256;
    while (cap < sb->len + extra + 1) cap *= 2;
    char *bigger = realloc(sb->data, cap);
    if (!bigger) {
        sb->failed = true;
        return false;
    }
    sb->data = bigger;
    sb->cap = cap;
    return true;
}

void gops_strbuf_append(gops_strbuf_t *sb, const char *text, size_t len)
{
    if (!reserve(sb, len)) return;
    memcpy(sb->data + sb->len, text, len);
    sb->len += len;
    sb->data[sb->len] = '\0';
}

void gops_strbuf_puts(gops_strbuf_t *sb, const char *text)
{
    gops_strbuf_append(sb, text, strlen(text));
}

void gops_strbuf_printf(gops_strbuf_t *sb, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || !reserve(sb, (size_t)n)) return;
    va_start(ap, fmt);
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}
