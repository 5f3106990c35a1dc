// SPDX-License-Identifier: MIT
// The checkpoint container (checkpoint.h): sections collected in one growing buffer, the
// file written in one pass through "<file>.tmp"; the reader loads the whole file, checks it
// before anything is handed out and then reads items with bounds checks. It does not know
// what a section holds.
#include "core/checkpoint.h"

#include "core/version.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAGIC "GOPSCKPT"
#define END_MAGIC "GOPSEND!"
#define BYTE_ORDER_MARK 0x01020304u
#define NAME_MAX_LEN 63
#define BUILD_MAX_LEN 1024
#define ITEM_HEADER (4 + 4 + 8)

uint64_t gops_ckpt_checksum(const void *data, size_t size, uint64_t seed)
{
    // Word-wise multiply-xorshift, then splitmix64's finaliser: fast over megabytes, and any
    // flipped or cut byte changes the result with overwhelming probability.
    const unsigned char *p = data;
    uint64_t h = seed ^ 0x9E3779B97F4A7C15ull ^ (uint64_t)size;
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 32;
    }
    uint64_t tail = 0;
    for (size_t k = 0; i + k < size; k++) tail |= (uint64_t)p[i + k] << (8 * k);
    h = (h ^ tail) * 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 29;
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
    return h ^ (h >> 31);
}

static uint32_t tag_of(const char *tag)
{
    uint32_t h = 2166136261u; // FNV-1a 32
    for (const unsigned char *p = (const unsigned char *)tag; *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    return h;
}

// ---- writer ------------------------------------------------------------------------------

struct gops_ckpt_writer {
    char build[BUILD_MAX_LEN + 1];
    unsigned char *buf; // sections, each header followed by its payload
    size_t len, cap;
    bool in_section;
    size_t section_at;  // offset of the open section's header
    size_t payload_at;  // offset of its payload
    uint32_t sections;
    bool nomem;
};

static bool wreserve(gops_ckpt_writer_t *w, size_t more)
{
    if (w->nomem) return false;
    if (w->len + more <= w->cap) return true;
    size_t cap = w->cap ? w->cap : 1 << 16;
    while (cap < w->len + more) cap *= 2;
    unsigned char *bigger = realloc(w->buf, cap);
    if (!bigger) {
        w->nomem = true;
        return false;
    }
    w->buf = bigger;
    w->cap = cap;
    return true;
}

static void wbytes(gops_ckpt_writer_t *w, const void *data, size_t size)
{
    if (!size || !wreserve(w, size)) return;
    memcpy(w->buf + w->len, data, size);
    w->len += size;
}

gops_ckpt_writer_t *gops_ckpt_writer_create(const char *build_id)
{
    gops_ckpt_writer_t *w = calloc(1, sizeof *w);
    if (w) snprintf(w->build, sizeof w->build, "%s", build_id ? build_id : "");
    return w;
}

void gops_ckpt_writer_destroy(gops_ckpt_writer_t *w)
{
    if (!w) return;
    free(w->buf);
    free(w);
}

static void end_section(gops_ckpt_writer_t *w)
{
    if (!w->in_section) return;
    w->in_section = false;
    if (w->nomem) return;
    uint64_t payload = (uint64_t)(w->len - w->payload_at);
    size_t len_at = w->payload_at - 16;
    memcpy(w->buf + len_at, &payload, 8);
    // The checksum covers the name and the length too: a renamed or resized section fails.
    uint64_t sum = gops_ckpt_checksum(w->buf + w->section_at, len_at + 8 - w->section_at, 0);
    sum = gops_ckpt_checksum(w->buf + w->payload_at, (size_t)payload, sum);
    memcpy(w->buf + len_at + 8, &sum, 8);
}

void gops_ckpt_section(gops_ckpt_writer_t *w, const char *name)
{
    end_section(w);
    uint32_t n = (uint32_t)strlen(name);
    if (n == 0 || n > NAME_MAX_LEN) n = n ? NAME_MAX_LEN : 0;
    w->section_at = w->len;
    wbytes(w, &n, 4);
    wbytes(w, name, n);
    uint64_t zero = 0;
    wbytes(w, &zero, 8); // payload length, patched by end_section
    wbytes(w, &zero, 8); // checksum, likewise
    w->payload_at = w->len;
    w->in_section = true;
    w->sections++;
}

void gops_ckpt_put_array(gops_ckpt_writer_t *w, const char *tag, const void *data, size_t elem, uint64_t count)
{
    uint32_t t = tag_of(tag), e = (uint32_t)elem;
    if (!wreserve(w, ITEM_HEADER + elem * count)) return;
    wbytes(w, &t, 4);
    wbytes(w, &e, 4);
    wbytes(w, &count, 8);
    if (count) wbytes(w, data, elem * (size_t)count);
}

void gops_ckpt_put(gops_ckpt_writer_t *w, const char *tag, const void *data, size_t size)
{
    gops_ckpt_put_array(w, tag, data, size, 1);
}

void gops_ckpt_put_u64(gops_ckpt_writer_t *w, const char *tag, uint64_t value)
{
    gops_ckpt_put(w, tag, &value, sizeof value);
}

void gops_ckpt_put_f64(gops_ckpt_writer_t *w, const char *tag, double value)
{
    gops_ckpt_put(w, tag, &value, sizeof value);
}

void gops_ckpt_put_str(gops_ckpt_writer_t *w, const char *tag, const char *text)
{
    if (!text) text = "";
    gops_ckpt_put_array(w, tag, text, 1, strlen(text));
}

static size_t header_size(const gops_ckpt_writer_t *w)
{
    return 8 + 4 + 4 + 4 + strlen(w->build) + 8;
}

uint64_t gops_ckpt_writer_size(const gops_ckpt_writer_t *w)
{
    return header_size(w) + w->len + 8;
}

static gops_status_t io_fail(gops_error_t *err, const char *what, const char *path, int e)
{
    return gops_error_set(err, GOPS_IO, "%s checkpoint %s: %s", what, path, strerror(e));
}

static int write_all(int fd, const void *data, size_t size)
{
    const char *p = data;
    while (size > 0) {
        ssize_t n = write(fd, p, size);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return n < 0 ? errno : ENOSPC; // no progress: no room
        p += n;
        size -= (size_t)n;
    }
    return 0;
}

gops_status_t gops_ckpt_writer_save(gops_ckpt_writer_t *w, const char *path, gops_error_t *err)
{
    end_section(w);
    if (w->nomem) return gops_error_set(err, GOPS_NOMEM, "out of memory writing checkpoint %s", path);
    unsigned char head[8 + 4 + 4 + 4 + BUILD_MAX_LEN + 8];
    size_t n = 0;
    uint32_t format = GOPS_CKPT_FORMAT, bom = BYTE_ORDER_MARK, blen = (uint32_t)strlen(w->build);
    memcpy(head + n, MAGIC, 8), n += 8;
    memcpy(head + n, &format, 4), n += 4;
    memcpy(head + n, &bom, 4), n += 4;
    memcpy(head + n, &blen, 4), n += 4;
    memcpy(head + n, w->build, blen), n += blen;
    uint64_t sum = gops_ckpt_checksum(head, n, 0);
    memcpy(head + n, &sum, 8), n += 8;

    char tmp[4200];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return gops_error_set(err, GOPS_IO, "cannot write checkpoint %s: path too long", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) return io_fail(err, "cannot write", path, errno);
    int e = write_all(fd, head, n);
    if (!e) e = write_all(fd, w->buf, w->len);
    if (!e) e = write_all(fd, END_MAGIC, 8);
    if (!e && fsync(fd) != 0) e = errno; // delayed allocation reports a full disk only here
    if (close(fd) != 0 && !e) e = errno;
    if (!e && rename(tmp, path) != 0) e = errno;
    if (e) {
        unlink(tmp);
        return io_fail(err, "cannot write", path, e);
    }
    return GOPS_OK;
}

// ---- reader ------------------------------------------------------------------------------

typedef struct section {
    char name[NAME_MAX_LEN + 1];
    size_t at;     // payload offset in the file
    uint64_t size; // payload bytes
} section_t;

struct gops_ckpt_reader {
    char path[4096];
    char build[BUILD_MAX_LEN + 1];
    unsigned char *data;
    size_t size;
    section_t *sections;
    uint32_t section_count;
    const section_t *cur; // section being read, NULL before the first enter
    size_t pos;           // offset in the file
    bool failed;
    gops_error_t error;
};

static gops_ckpt_reader_t *open_fail(gops_ckpt_reader_t *r, gops_error_t *err, gops_status_t st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static gops_ckpt_reader_t *open_fail(gops_ckpt_reader_t *r, gops_error_t *err, gops_status_t st, const char *fmt, ...)
{
    char text[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    gops_error_set(err, st, "checkpoint %s: %s", r->path, text);
    gops_ckpt_reader_close(r);
    return NULL;
}

static bool rd(const gops_ckpt_reader_t *r, size_t *at, void *out, size_t n)
{
    if (n > r->size || *at > r->size - n) return false;
    memcpy(out, r->data + *at, n);
    *at += n;
    return true;
}

gops_ckpt_reader_t *gops_ckpt_reader_open(const char *path, const char *build_id, gops_error_t *err)
{
    gops_ckpt_reader_t *r = calloc(1, sizeof *r);
    if (!r) {
        gops_error_set(err, GOPS_NOMEM, "out of memory reading checkpoint %s", path);
        return NULL;
    }
    snprintf(r->path, sizeof r->path, "%s", path);
    FILE *f = fopen(path, "rb");
    if (!f) return open_fail(r, err, GOPS_IO, "cannot read: %s", strerror(errno));
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
        fclose(f);
        return open_fail(r, err, GOPS_IO, "cannot read: not a regular file");
    }
    r->size = (size_t)sb.st_size;
    r->data = malloc(r->size ? r->size : 1);
    if (!r->data) {
        fclose(f);
        return open_fail(r, err, GOPS_NOMEM, "out of memory for %zu bytes", r->size);
    }
    size_t got = fread(r->data, 1, r->size, f);
    fclose(f);
    if (got != r->size) return open_fail(r, err, GOPS_IO, "cannot read: %zu of %zu bytes read", got, r->size);

    size_t at = 0;
    char magic[8];
    if (!rd(r, &at, magic, 8) || memcmp(magic, MAGIC, 8) != 0)
        return open_fail(r, err, GOPS_BAD_VALUE,
                         "not a gridops checkpoint (found %zu bytes without the \"" MAGIC "\" header, expected a file "
                         "written by gridops run --checkpoint-every)",
                         r->size);
    uint32_t format = 0, bom = 0, blen = 0;
    if (!rd(r, &at, &format, 4) || !rd(r, &at, &bom, 4))
        return open_fail(r, err, GOPS_BAD_VALUE, "truncated in the header (%zu bytes), expected a whole checkpoint",
                         r->size);
    if (bom != BYTE_ORDER_MARK)
        return open_fail(r, err, GOPS_BAD_VALUE,
                         "written on a machine of another byte order (marker 0x%08x, expected 0x%08x): resume on the "
                         "kind of machine that wrote it",
                         bom, BYTE_ORDER_MARK);
    if (format != GOPS_CKPT_FORMAT)
        return open_fail(r, err, GOPS_BAD_VALUE,
                         "checkpoint format %u, expected format %d (this is gridops %s): resume with the version "
                         "of gridops that wrote it",
                         format, GOPS_CKPT_FORMAT, gops_version);
    if (!rd(r, &at, &blen, 4) || blen > BUILD_MAX_LEN || !rd(r, &at, r->build, blen))
        return open_fail(r, err, GOPS_BAD_VALUE, "truncated or corrupted header (build id of %u bytes), expected at most %d",
                         blen, BUILD_MAX_LEN);
    r->build[blen] = '\0';
    uint64_t stored = 0, sum = gops_ckpt_checksum(r->data, at, 0);
    if (!rd(r, &at, &stored, 8) || stored != sum)
        return open_fail(r, err, GOPS_BAD_VALUE, "corrupted header (checksum %016llx, expected %016llx)",
                         (unsigned long long)stored, (unsigned long long)sum);
    if (build_id && strcmp(build_id, r->build) != 0)
        return open_fail(r, err, GOPS_BAD_VALUE,
                         "written by another build (\"%s\"), expected \"%s\": a checkpoint resumes only with the "
                         "gridops that wrote it",
                         r->build, build_id);

    uint32_t cap = 0;
    for (;;) {
        if (r->size - at == 8 && memcmp(r->data + at, END_MAGIC, 8) == 0) break;
        size_t sec_at = at;
        uint32_t nlen = 0;
        if (!rd(r, &at, &nlen, 4))
            return open_fail(r, err, GOPS_BAD_VALUE,
                             "truncated after %u sections at byte %zu of %zu, expected another section or the end "
                             "marker (was the run killed while writing? the previous checkpoint is whole)",
                             r->section_count, sec_at, r->size);
        if (nlen == 0 || nlen > NAME_MAX_LEN)
            return open_fail(r, err, GOPS_BAD_VALUE,
                             "corrupted at byte %zu: a section name of %u bytes, expected 1 to %d (after section \"%s\")",
                             sec_at, nlen, NAME_MAX_LEN, r->section_count ? r->sections[r->section_count - 1].name : "");
        section_t s = {0};
        uint64_t len = 0, check = 0;
        if (!rd(r, &at, s.name, nlen) || !rd(r, &at, &len, 8) || !rd(r, &at, &check, 8))
            return open_fail(r, err, GOPS_BAD_VALUE, "truncated in a section header at byte %zu of %zu", sec_at,
                             r->size);
        s.name[nlen] = '\0';
        if (len > r->size - at)
            return open_fail(r, err, GOPS_BAD_VALUE,
                             "truncated: section \"%s\" holds %llu bytes from byte %zu but the file ends at byte %zu",
                             s.name, (unsigned long long)len, at, r->size);
        uint64_t c = gops_ckpt_checksum(r->data + sec_at, at - 8 - sec_at, 0);
        c = gops_ckpt_checksum(r->data + at, (size_t)len, c);
        if (c != check)
            return open_fail(r, err, GOPS_BAD_VALUE, "section \"%s\" is corrupted (checksum %016llx, expected %016llx)",
                             s.name, (unsigned long long)c, (unsigned long long)check);
        for (uint32_t i = 0; i < r->section_count; i++)
            if (strcmp(r->sections[i].name, s.name) == 0)
                return open_fail(r, err, GOPS_BAD_VALUE, "section \"%s\" appears twice, expected once", s.name);
        s.at = at;
        s.size = len;
        at += (size_t)len;
        if (r->section_count == cap) {
            cap = cap ? cap * 2 : 16;
            section_t *bigger = realloc(r->sections, cap * sizeof *bigger);
            if (!bigger) return open_fail(r, err, GOPS_NOMEM, "out of memory");
            r->sections = bigger;
        }
        r->sections[r->section_count++] = s;
    }
    return r;
}

void gops_ckpt_reader_close(gops_ckpt_reader_t *r)
{
    if (!r) return;
    free(r->data);
    free(r->sections);
    free(r);
}

const char *gops_ckpt_reader_path(const gops_ckpt_reader_t *r) { return r->path; }
const char *gops_ckpt_reader_build_id(const gops_ckpt_reader_t *r) { return r->build; }
uint32_t gops_ckpt_section_count(const gops_ckpt_reader_t *r) { return r->section_count; }

const char *gops_ckpt_section_name(const gops_ckpt_reader_t *r, uint32_t i)
{
    return i < r->section_count ? r->sections[i].name : NULL;
}

static const section_t *find_section(const gops_ckpt_reader_t *r, const char *name)
{
    for (uint32_t i = 0; i < r->section_count; i++)
        if (strcmp(r->sections[i].name, name) == 0) return &r->sections[i];
    return NULL;
}

bool gops_ckpt_has_section(const gops_ckpt_reader_t *r, const char *name)
{
    return find_section(r, name) != NULL;
}

uint64_t gops_ckpt_section_size(const gops_ckpt_reader_t *r, const char *name)
{
    const section_t *s = find_section(r, name);
    return s ? s->size : 0;
}

static bool vfail(gops_ckpt_reader_t *r, gops_status_t st, const char *fmt, va_list ap)
{
    if (r->failed) return false;
    char text[800];
    vsnprintf(text, sizeof text, fmt, ap);
    r->failed = true;
    if (r->cur)
        gops_error_set(&r->error, st, "checkpoint %s: section \"%s\": %s", r->path, r->cur->name, text);
    else
        gops_error_set(&r->error, st, "checkpoint %s: %s", r->path, text);
    return false;
}

bool gops_ckpt_fail(gops_ckpt_reader_t *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(r, GOPS_BAD_VALUE, fmt, ap);
    va_end(ap);
    return false;
}

static bool fail_status(gops_ckpt_reader_t *r, gops_status_t st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail_status(gops_ckpt_reader_t *r, gops_status_t st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(r, st, fmt, ap);
    va_end(ap);
    return false;
}

bool gops_ckpt_failed(const gops_ckpt_reader_t *r) { return r->failed; }

gops_status_t gops_ckpt_status(const gops_ckpt_reader_t *r, gops_error_t *err)
{
    if (!r->failed) return GOPS_OK;
    if (err) *err = r->error;
    return r->error.status;
}

bool gops_ckpt_enter(gops_ckpt_reader_t *r, const char *name)
{
    if (r->failed) return false;
    const section_t *s = find_section(r, name);
    if (!s) {
        r->cur = NULL;
        return gops_ckpt_fail(r, "has no section \"%s\", expected one (written by a run without that model?)", name);
    }
    r->cur = s;
    r->pos = s->at;
    return true;
}

bool gops_ckpt_leave(gops_ckpt_reader_t *r)
{
    if (r->failed || !r->cur) return false;
    size_t end = r->cur->at + (size_t)r->cur->size;
    if (r->pos != end)
        return gops_ckpt_fail(r, "%zu bytes left unread at its end, expected none (a layout mismatch)", end - r->pos);
    return true;
}

// Reads the item header for `tag` and checks the element size; returns the count.
static bool item(gops_ckpt_reader_t *r, const char *tag, size_t elem, uint64_t *count)
{
    *count = 0;
    if (r->failed) return false;
    if (!r->cur) return gops_ckpt_fail(r, "item \"%s\" read outside a section", tag);
    size_t end = r->cur->at + (size_t)r->cur->size;
    if (end - r->pos < ITEM_HEADER)
        return gops_ckpt_fail(r, "item \"%s\": the section ends %zu bytes after it starts, expected a %d-byte item header",
                              tag, end - r->pos, ITEM_HEADER);
    uint32_t t, e;
    uint64_t n;
    memcpy(&t, r->data + r->pos, 4);
    memcpy(&e, r->data + r->pos + 4, 4);
    memcpy(&n, r->data + r->pos + 8, 8);
    if (t != tag_of(tag))
        return gops_ckpt_fail(r, "item \"%s\" expected at byte %zu, found another item (tag %08x, expected %08x): a "
                              "layout mismatch",
                              tag, r->pos - r->cur->at, t, tag_of(tag));
    if (e != elem)
        return gops_ckpt_fail(r, "item \"%s\": elements of %u bytes, expected %zu (a layout mismatch)", tag, e, elem);
    if (elem && n > (end - r->pos - ITEM_HEADER) / elem)
        return gops_ckpt_fail(r, "item \"%s\": %llu elements of %zu bytes run past the section's end (%zu bytes left)",
                              tag, (unsigned long long)n, elem, end - r->pos - ITEM_HEADER);
    *count = n;
    return true;
}

static bool take(gops_ckpt_reader_t *r, void *out, size_t elem, uint64_t n)
{
    size_t bytes = elem * (size_t)n;
    if (bytes) memcpy(out, r->data + r->pos + ITEM_HEADER, bytes);
    r->pos += ITEM_HEADER + bytes;
    return true;
}

bool gops_ckpt_get_array(gops_ckpt_reader_t *r, const char *tag, void *out, size_t elem, uint64_t count)
{
    uint64_t n;
    if (!item(r, tag, elem, &n)) {
        if (count) memset(out, 0, elem * (size_t)count);
        return false;
    }
    if (n != count) {
        if (count) memset(out, 0, elem * (size_t)count);
        return gops_ckpt_fail(r, "item \"%s\": %llu elements, expected %llu (does the scenario or map differ from the "
                              "run that wrote it?)",
                              tag, (unsigned long long)n, (unsigned long long)count);
    }
    return take(r, out, elem, n);
}

bool gops_ckpt_get(gops_ckpt_reader_t *r, const char *tag, void *out, size_t size)
{
    return gops_ckpt_get_array(r, tag, out, size, 1);
}

void *gops_ckpt_get_alloc(gops_ckpt_reader_t *r, const char *tag, size_t elem, uint64_t count, uint64_t capacity)
{
    uint64_t room = capacity > count ? capacity : count;
    if (room == 0) room = 1;
    if (elem == 0 || room > SIZE_MAX / elem) {
        fail_status(r, GOPS_BAD_VALUE, "item \"%s\": %llu elements of %zu bytes, too many", tag,
                    (unsigned long long)room, elem);
        return NULL;
    }
    void *block = calloc((size_t)room, elem);
    if (!block) {
        fail_status(r, GOPS_NOMEM, "item \"%s\": out of memory for %llu elements of %zu bytes", tag,
                    (unsigned long long)room, elem);
        return NULL;
    }
    if (!gops_ckpt_get_array(r, tag, block, elem, count)) memset(block, 0, (size_t)room * elem);
    return block;
}

uint64_t gops_ckpt_peek_count(gops_ckpt_reader_t *r, const char *tag)
{
    uint64_t n;
    if (r->failed || !r->cur) return 0;
    size_t end = r->cur->at + (size_t)r->cur->size;
    if (end - r->pos < ITEM_HEADER) {
        item(r, tag, 0, &n); // reports the short section
        return 0;
    }
    uint32_t e;
    memcpy(&e, r->data + r->pos + 4, 4);
    return item(r, tag, e, &n) ? n : 0;
}

uint64_t gops_ckpt_get_u64(gops_ckpt_reader_t *r, const char *tag)
{
    uint64_t v = 0;
    gops_ckpt_get(r, tag, &v, sizeof v);
    return v;
}

double gops_ckpt_get_f64(gops_ckpt_reader_t *r, const char *tag)
{
    double v = 0;
    gops_ckpt_get(r, tag, &v, sizeof v);
    return v;
}

bool gops_ckpt_get_str(gops_ckpt_reader_t *r, const char *tag, char *buf, size_t size)
{
    uint64_t n;
    buf[0] = '\0';
    if (!item(r, tag, 1, &n)) return false;
    if (n >= size) return gops_ckpt_fail(r, "item \"%s\": a text of %llu bytes, expected at most %zu", tag,
                                         (unsigned long long)n, size - 1);
    take(r, buf, 1, n);
    buf[n] = '\0';
    return true;
}
