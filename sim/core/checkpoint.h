// SPDX-License-Identifier: MIT
// Checkpoint files: a versioned binary container of named sections, each with its length
// and a 64-bit checksum, written atomically ("<file>.tmp", fsync, rename), and a
// bounds-checked reader whose every failure names the file, the section and the item, what
// was found and what was expected. Knows nothing of the world or the models: they write
// their own sections (world/world_checkpoint.c, the models' *_checkpoint.c files).
#ifndef GOPS_CORE_CHECKPOINT_H
#define GOPS_CORE_CHECKPOINT_H

#include "gridops/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/// Version of the container and of the section contents as a whole. Bump it whenever
/// what a section holds changes meaning; the build id below also changes with the program.
#define GOPS_CKPT_FORMAT 1
/// Conventional file extension.
#define GOPS_CKPT_EXT ".ckpt"

// File layout (integers in the writer's byte order, which a marker word checks):
//   "GOPSCKPT", u32 format, u32 byte-order marker 0x01020304, u32 build id length + bytes,
//   u64 checksum of the header so far;
//   sections: u32 name length + name, u64 payload length, u64 checksum of (name, length,
//   payload), payload;
//   "GOPSEND!" (a missing end marker means the file was cut short).
// A payload is a sequence of items: u32 tag (hash of the item's name), u32 element size,
// u64 element count, then the elements' bytes. Readers check the tag, the element size and
// (for fixed-size items) the count, so a layout mismatch is named, never read past.

typedef struct gops_ckpt_writer gops_ckpt_writer_t;
typedef struct gops_ckpt_reader gops_ckpt_reader_t;

/// A writer collecting sections in memory. `build_id` identifies the program and its data
/// layout (readers refuse any other). NULL when out of memory.
gops_ckpt_writer_t *gops_ckpt_writer_create(const char *build_id);
void gops_ckpt_writer_destroy(gops_ckpt_writer_t *w);
/// Starts section `name` (1..63 bytes, unique in the file); ends the previous one.
void gops_ckpt_section(gops_ckpt_writer_t *w, const char *name);
/// Appends an item of `count` elements of `elem` bytes each. Out of memory is remembered
/// and reported by gops_ckpt_writer_save.
void gops_ckpt_put_array(gops_ckpt_writer_t *w, const char *tag, const void *data, size_t elem, uint64_t count);
/// One element of `size` bytes.
void gops_ckpt_put(gops_ckpt_writer_t *w, const char *tag, const void *data, size_t size);
void gops_ckpt_put_u64(gops_ckpt_writer_t *w, const char *tag, uint64_t value);
void gops_ckpt_put_f64(gops_ckpt_writer_t *w, const char *tag, double value);
/// A NUL-terminated string (NULL is stored as "").
void gops_ckpt_put_str(gops_ckpt_writer_t *w, const char *tag, const char *text);
/// Bytes of the file so far (header and end marker included).
uint64_t gops_ckpt_writer_size(const gops_ckpt_writer_t *w);
/// Writes the file atomically: "<path>.tmp", fsync, rename; a crash leaves either the old
/// file or the new one, whole. GOPS_IO naming the file, GOPS_NOMEM.
gops_status_t gops_ckpt_writer_save(gops_ckpt_writer_t *w, const char *path, gops_error_t *err);

/// Reads a whole checkpoint and checks the magic, the format, the byte order, the build id
/// (`build_id`; NULL accepts any, for inspection), every section's bounds and checksum and
/// the end marker. GOPS_IO when the file cannot be read, GOPS_BAD_VALUE (exit 2) when it is
/// not a checkpoint, another version or corrupted; the message names the file.
gops_ckpt_reader_t *gops_ckpt_reader_open(const char *path, const char *build_id, gops_error_t *err);
void gops_ckpt_reader_close(gops_ckpt_reader_t *r);
/// The file's path and the build id it was written by.
const char *gops_ckpt_reader_path(const gops_ckpt_reader_t *r);
const char *gops_ckpt_reader_build_id(const gops_ckpt_reader_t *r);
/// Number of sections and the name of section i (file order).
uint32_t gops_ckpt_section_count(const gops_ckpt_reader_t *r);
const char *gops_ckpt_section_name(const gops_ckpt_reader_t *r, uint32_t i);
/// Payload bytes of section `name`, or 0 when absent.
uint64_t gops_ckpt_section_size(const gops_ckpt_reader_t *r, const char *name);

/// Moves to the start of section `name`. Fails (sticky error, see below) when it is absent.
bool gops_ckpt_enter(gops_ckpt_reader_t *r, const char *name);
/// True when section `name` exists.
bool gops_ckpt_has_section(const gops_ckpt_reader_t *r, const char *name);
/// Checks the current section was read to its end exactly (else a sticky error).
bool gops_ckpt_leave(gops_ckpt_reader_t *r);

// Reading. The first failure is sticky: later reads do nothing (outputs are zeroed) and
// return false / zero, and gops_ckpt_status reports the first message.

/// Reads one element of `size` bytes into `out`.
bool gops_ckpt_get(gops_ckpt_reader_t *r, const char *tag, void *out, size_t size);
/// Reads exactly `count` elements of `elem` bytes into `out`.
bool gops_ckpt_get_array(gops_ckpt_reader_t *r, const char *tag, void *out, size_t elem, uint64_t count);
/// Reads exactly `count` elements into a new zeroed block with room for max(capacity,
/// count, 1) elements (caller frees). On a read failure the block is still returned, zeroed,
/// so the structure it goes into stays consistent for its destructor; NULL only when
/// memory runs out (also a sticky failure).
void *gops_ckpt_get_alloc(gops_ckpt_reader_t *r, const char *tag, size_t elem, uint64_t count, uint64_t capacity);
/// Element count of the next item, which must be tagged `tag` (0 after a failure).
uint64_t gops_ckpt_peek_count(gops_ckpt_reader_t *r, const char *tag);
uint64_t gops_ckpt_get_u64(gops_ckpt_reader_t *r, const char *tag);
double gops_ckpt_get_f64(gops_ckpt_reader_t *r, const char *tag);
/// Reads a string into buf (size bytes, NUL-terminated); a longer one is a failure.
bool gops_ckpt_get_str(gops_ckpt_reader_t *r, const char *tag, char *buf, size_t size);
/// Records a failure found by a caller (a count that does not match the scenario, ...):
/// the message is prefixed with "checkpoint FILE: section "NAME": ". Returns false.
bool gops_ckpt_fail(gops_ckpt_reader_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/// True after a failure.
bool gops_ckpt_failed(const gops_ckpt_reader_t *r);
/// GOPS_OK, or the first failure's status with its message copied to err.
gops_status_t gops_ckpt_status(const gops_ckpt_reader_t *r, gops_error_t *err);

/// Checksum used for sections (64-bit, not cryptographic), also handy for file contents.
uint64_t gops_ckpt_checksum(const void *data, size_t size, uint64_t seed);

/// Raw copies of a value or a fixed array, sized by their type.
#define GOPS_CKPT_PUT(w, tag, ptr) gops_ckpt_put((w), (tag), (ptr), sizeof *(ptr))
#define GOPS_CKPT_GET(r, tag, ptr) gops_ckpt_get((r), (tag), (ptr), sizeof *(ptr))
#define GOPS_CKPT_PUT_ARRAY(w, tag, ptr, count) gops_ckpt_put_array((w), (tag), (ptr), sizeof *(ptr), (count))
#define GOPS_CKPT_GET_ARRAY(r, tag, ptr, count) gops_ckpt_get_array((r), (tag), (ptr), sizeof *(ptr), (count))
/// Replaces the array `ptr` (already freed or owned elsewhere) by `count` elements read
/// into a block with room for `cap`; on running out of memory the count becomes 0.
#define GOPS_CKPT_LOAD_ARRAY(r, tag, ptr, count, cap)                                          \
    do {                                                                                       \
        (ptr) = gops_ckpt_get_alloc((r), (tag), sizeof *(ptr), (uint64_t)(count), (uint64_t)(cap)); \
        if (!(ptr)) (count) = 0;                                                               \
    } while (0)

#endif
