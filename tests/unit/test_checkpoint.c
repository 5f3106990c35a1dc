// SPDX-License-Identifier: MIT
// Check suite for core/checkpoint: a round trip of sections and items, the atomic write (no
// .tmp left), and refusals that name the file: wrong magic, another format or build, a
// flipped byte (checksum), a cut file (truncation), a missing section, items read with the
// wrong tag, element size or count, a section not read to its end.
#include "fixture.h"

#include "core/checkpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[600];

static void setup(void)
{
    char *dir = gops_test_tmpdir();
    snprintf(path, sizeof path, "%s/t.ckpt", dir);
    free(dir);
}

/// Writes a file with two sections: "a" (a u64, a string, an array of 5 floats, a struct)
/// and "b" (an empty array and a double).
typedef struct pair {
    int32_t i;
    double d;
} pair_t;

static void write_sample(const char *build)
{
    gops_ckpt_writer_t *w = gops_ckpt_writer_create(build);
    ck_assert_ptr_nonnull(w);
    gops_ckpt_section(w, "a");
    gops_ckpt_put_u64(w, "a.n", 0x0123456789ABCDEFull);
    gops_ckpt_put_str(w, "a.name", "Erqi Tower");
    float xs[5] = {1.5f, -2.0f, 0.0f, 1e30f, 3.25f};
    GOPS_CKPT_PUT_ARRAY(w, "a.xs", xs, 5);
    pair_t p = {-7, 0.125};
    GOPS_CKPT_PUT(w, "a.pair", &p);
    gops_ckpt_section(w, "b");
    GOPS_CKPT_PUT_ARRAY(w, "b.none", xs, 0);
    gops_ckpt_put_f64(w, "b.t", 1800.0);
    gops_error_t err;
    ck_assert_int_eq(gops_ckpt_writer_save(w, path, &err), GOPS_OK);
    size_t size = 0;
    char *data = gops_test_read_file(path, &size);
    ck_assert_ptr_nonnull(data);
    ck_assert_uint_eq(size, gops_ckpt_writer_size(w));
    free(data);
    gops_ckpt_writer_destroy(w);
}

/// Reads the file back into memory, lets `edit` change it and writes it again.
static void rewrite(void (*edit)(char *data, size_t *size))
{
    size_t size = 0;
    char *data = gops_test_read_file(path, &size);
    ck_assert_ptr_nonnull(data);
    edit(data, &size);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(data, 1, size, f), size);
    fclose(f);
    free(data);
}

START_TEST(round_trip)
{
    write_sample("build-1");
    char tmp[700];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    ck_assert_int_ne(access(tmp, F_OK), 0); // renamed into place, nothing left behind
    gops_error_t err;
    gops_ckpt_reader_t *r = gops_ckpt_reader_open(path, "build-1", &err);
    ck_assert_msg(r != NULL, "%s", err.message);
    ck_assert_str_eq(gops_ckpt_reader_build_id(r), "build-1");
    ck_assert_uint_eq(gops_ckpt_section_count(r), 2);
    ck_assert_str_eq(gops_ckpt_section_name(r, 0), "a");
    ck_assert_str_eq(gops_ckpt_section_name(r, 1), "b");
    // Read "b" first: sections are found by name, in any order.
    ck_assert(gops_ckpt_enter(r, "b"));
    ck_assert_uint_eq(gops_ckpt_peek_count(r, "b.none"), 0);
    float none[1] = {9};
    ck_assert(GOPS_CKPT_GET_ARRAY(r, "b.none", none, 0));
    ck_assert(gops_ckpt_get_f64(r, "b.t") == 1800.0);
    ck_assert(gops_ckpt_leave(r));
    ck_assert(gops_ckpt_enter(r, "a"));
    ck_assert_uint_eq(gops_ckpt_get_u64(r, "a.n"), 0x0123456789ABCDEFull);
    char name[32];
    ck_assert(gops_ckpt_get_str(r, "a.name", name, sizeof name));
    ck_assert_str_eq(name, "Erqi Tower");
    ck_assert_uint_eq(gops_ckpt_peek_count(r, "a.xs"), 5);
    float *xs = gops_ckpt_get_alloc(r, "a.xs", sizeof(float), 5, 8);
    ck_assert_ptr_nonnull(xs);
    ck_assert(xs[0] == 1.5f && xs[1] == -2.0f && xs[2] == 0.0f && xs[3] == 1e30f && xs[4] == 3.25f);
    ck_assert(xs[5] == 0 && xs[7] == 0); // the extra room is zeroed
    free(xs);
    pair_t p;
    ck_assert(GOPS_CKPT_GET(r, "a.pair", &p));
    ck_assert_int_eq(p.i, -7);
    ck_assert(p.d == 0.125);
    ck_assert(gops_ckpt_leave(r));
    ck_assert_int_eq(gops_ckpt_status(r, &err), GOPS_OK);
    gops_ckpt_reader_close(r);
}
END_TEST

static void expect_refused(const char *build, const char *needle)
{
    gops_error_t err = {0};
    gops_ckpt_reader_t *r = gops_ckpt_reader_open(path, build, &err);
    ck_assert_ptr_null(r);
    ck_assert_int_eq(gops_status_exit_code(err.status), 2);
    ck_assert_msg(strstr(err.message, path) != NULL, "message does not name the file: %s", err.message);
    ck_assert_msg(strstr(err.message, needle) != NULL, "expected \"%s\" in: %s", needle, err.message);
}

static void flip_payload_byte(char *data, size_t *size)
{
    data[*size - 20] ^= 0x10; // inside section "b"'s payload
}

START_TEST(checksum_mismatch_is_refused)
{
    write_sample("build-1");
    rewrite(flip_payload_byte);
    expect_refused("build-1", "section \"b\" is corrupted");
}
END_TEST

static void cut_in_section(char *data, size_t *size)
{
    (void)data;
    *size -= 30; // the end marker and part of section "b"
}

static void cut_end_marker(char *data, size_t *size)
{
    (void)data;
    *size -= 8;
}

static void cut_header(char *data, size_t *size)
{
    (void)data;
    *size = 14;
}

START_TEST(truncation_is_refused)
{
    write_sample("build-1");
    rewrite(cut_in_section);
    expect_refused("build-1", "truncated: section \"b\"");
    write_sample("build-1");
    rewrite(cut_end_marker);
    expect_refused("build-1", "truncated after 2 sections");
    write_sample("build-1");
    rewrite(cut_header);
    expect_refused("build-1", "truncated in the header");
}
END_TEST

static void bump_format(char *data, size_t *size)
{
    (void)size;
    data[8] = (char)(data[8] + 1);
}

static void break_magic(char *data, size_t *size)
{
    (void)size;
    data[0] = 'X';
}

START_TEST(other_versions_are_refused)
{
    write_sample("gridops 1.0 layout 1");
    expect_refused("gridops 1.0 layout 2", "written by another build (\"gridops 1.0 layout 1\")");
    rewrite(bump_format);
    expect_refused(NULL, "checkpoint format 2, expected format 1");
    write_sample("x");
    rewrite(break_magic);
    expect_refused(NULL, "not a gridops checkpoint");
    gops_test_write_file(path, "");
    expect_refused(NULL, "not a gridops checkpoint");
    gops_error_t err;
    ck_assert_ptr_null(gops_ckpt_reader_open("/nonexistent/x.ckpt", NULL, &err));
    ck_assert_int_eq(err.status, GOPS_IO);
    ck_assert_ptr_nonnull(strstr(err.message, "/nonexistent/x.ckpt"));
}
END_TEST

START_TEST(item_mismatches_are_sticky_and_named)
{
    write_sample("b");
    gops_error_t err;
    gops_ckpt_reader_t *r = gops_ckpt_reader_open(path, "b", &err);
    ck_assert_ptr_nonnull(r);
    ck_assert(!gops_ckpt_enter(r, "crowd"));
    ck_assert_int_eq(gops_ckpt_status(r, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "has no section \"crowd\""));
    gops_ckpt_reader_close(r);

    // Wrong tag.
    r = gops_ckpt_reader_open(path, "b", &err);
    ck_assert(gops_ckpt_enter(r, "a"));
    ck_assert_uint_eq(gops_ckpt_get_u64(r, "a.other"), 0);
    ck_assert_int_eq(gops_ckpt_status(r, &err), GOPS_BAD_VALUE);
    ck_assert_ptr_nonnull(strstr(err.message, "section \"a\": item \"a.other\" expected at byte 0"));
    // Sticky: a correct read after the failure returns nothing and keeps the first message.
    ck_assert_uint_eq(gops_ckpt_get_u64(r, "a.n"), 0);
    gops_error_t again;
    gops_ckpt_status(r, &again);
    ck_assert_str_eq(again.message, err.message);
    gops_ckpt_reader_close(r);

    // Wrong element size, then wrong count (with a zeroed block handed back).
    r = gops_ckpt_reader_open(path, "b", &err);
    ck_assert(gops_ckpt_enter(r, "a"));
    uint32_t small;
    ck_assert(!gops_ckpt_get(r, "a.n", &small, sizeof small));
    gops_ckpt_status(r, &err);
    ck_assert_ptr_nonnull(strstr(err.message, "elements of 8 bytes, expected 4"));
    gops_ckpt_reader_close(r);
    r = gops_ckpt_reader_open(path, "b", &err);
    ck_assert(gops_ckpt_enter(r, "a"));
    gops_ckpt_get_u64(r, "a.n");
    char name[4];
    ck_assert(!gops_ckpt_get_str(r, "a.name", name, sizeof name)); // 10 bytes do not fit in 4
    gops_ckpt_reader_close(r);
    r = gops_ckpt_reader_open(path, "b", &err);
    ck_assert(gops_ckpt_enter(r, "a"));
    gops_ckpt_get_u64(r, "a.n");
    char big[32];
    gops_ckpt_get_str(r, "a.name", big, sizeof big);
    float *xs = gops_ckpt_get_alloc(r, "a.xs", sizeof(float), 4, 4);
    ck_assert_ptr_nonnull(xs);
    ck_assert(xs[0] == 0 && xs[3] == 0);
    free(xs);
    gops_ckpt_status(r, &err);
    ck_assert_ptr_nonnull(strstr(err.message, "item \"a.xs\": 5 elements, expected 4"));
    gops_ckpt_reader_close(r);

    // A section left with items unread.
    r = gops_ckpt_reader_open(path, "b", &err);
    ck_assert(gops_ckpt_enter(r, "b"));
    float none[1];
    GOPS_CKPT_GET_ARRAY(r, "b.none", none, 0);
    ck_assert(!gops_ckpt_leave(r));
    gops_ckpt_status(r, &err);
    ck_assert_ptr_nonnull(strstr(err.message, "section \"b\": 24 bytes left unread"));
    gops_ckpt_reader_close(r);
}
END_TEST

START_TEST(checksum_sees_every_byte)
{
    unsigned char buf[37];
    for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)(i * 7);
    uint64_t base = gops_ckpt_checksum(buf, sizeof buf, 0);
    ck_assert_uint_eq(base, gops_ckpt_checksum(buf, sizeof buf, 0));
    ck_assert_uint_ne(base, gops_ckpt_checksum(buf, sizeof buf, 1));
    ck_assert_uint_ne(base, gops_ckpt_checksum(buf, sizeof buf - 1, 0));
    for (size_t i = 0; i < sizeof buf; i++) {
        buf[i] ^= 1;
        ck_assert_uint_ne(gops_ckpt_checksum(buf, sizeof buf, 0), base);
        buf[i] ^= 1;
    }
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("checkpoint");
    TCase *tc = tcase_create("container");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, checksum_mismatch_is_refused);
    tcase_add_test(tc, truncation_is_refused);
    tcase_add_test(tc, other_versions_are_refused);
    tcase_add_test(tc, item_mismatches_are_sticky_and_named);
    tcase_add_test(tc, checksum_sees_every_byte);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return gops_test_run(suite());
}
