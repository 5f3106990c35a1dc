// SPDX-License-Identifier: MIT
// Check suite for core/hash: the published FNV-1a test vectors for the byte stage, order
// sensitivity, float canonicalisation (-0.0, NaN payloads), distinct values giving
// distinct hashes, and byte-order independence of the number feeders.
#include "fixture.h"

#include "core/hash.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t hash_u64s(const uint64_t *v, size_t n)
{
    gops_hash_t h;
    gops_hash_init(&h);
    for (size_t i = 0; i < n; i++) gops_hash_u64(&h, v[i]);
    return gops_hash_final(&h);
}

static uint64_t hash_f64(double v)
{
    gops_hash_t h;
    gops_hash_init(&h);
    gops_hash_f64(&h, v);
    return gops_hash_final(&h);
}

static double from_bits(uint64_t bits)
{
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

START_TEST(fnv1a_test_vectors)
{
    gops_hash_t h;
    gops_hash_init(&h);
    ck_assert_uint_eq(h.h, 0xCBF29CE484222325ull); // FNV-1a 64 of ""
    gops_hash_bytes(&h, "a", 1);
    ck_assert_uint_eq(h.h, 0xAF63DC4C8601EC8Cull);
    gops_hash_init(&h);
    gops_hash_bytes(&h, "foobar", 6);
    ck_assert_uint_eq(h.h, 0x85944171F73967E8ull);
    // Feeding in pieces equals feeding at once; final does not consume the state.
    gops_hash_t a;
    gops_hash_init(&a);
    gops_hash_bytes(&a, "foo", 3);
    uint64_t mid = gops_hash_final(&a);
    ck_assert_uint_eq(gops_hash_final(&a), mid);
    gops_hash_bytes(&a, "bar", 3);
    ck_assert_uint_eq(gops_hash_final(&a), gops_hash_final(&h));
    ck_assert_uint_ne(gops_hash_final(&h), h.h); // the output is mixed
}
END_TEST

START_TEST(numbers_are_little_endian_bytes)
{
    const unsigned char le[8] = {0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01};
    gops_hash_t a, b;
    gops_hash_init(&a);
    gops_hash_init(&b);
    gops_hash_u64(&a, 0x0102030405060708ull);
    gops_hash_bytes(&b, le, 8);
    ck_assert_uint_eq(a.h, b.h);
    gops_hash_init(&a);
    gops_hash_init(&b);
    gops_hash_i64(&a, -2);
    gops_hash_u64(&b, 0xFFFFFFFFFFFFFFFEull);
    ck_assert_uint_eq(a.h, b.h);
    // A float array entry is the 4 little-endian bytes of its bits: 1.0f = 0x3F800000.
    const unsigned char one[4] = {0x00, 0x00, 0x80, 0x3F};
    const float v = 1.0f;
    gops_hash_init(&a);
    gops_hash_init(&b);
    gops_hash_f32_array(&a, &v, 1);
    gops_hash_bytes(&b, one, 4);
    ck_assert_uint_eq(a.h, b.h);
}
END_TEST

START_TEST(order_matters)
{
    const uint64_t ab[2] = {1, 2}, ba[2] = {2, 1};
    ck_assert_uint_ne(hash_u64s(ab, 2), hash_u64s(ba, 2));
    const uint64_t one[1] = {1};
    ck_assert_uint_ne(hash_u64s(ab, 2), hash_u64s(one, 1));
    const float f[3] = {1.0f, 2.0f, 3.0f}, g[3] = {1.0f, 3.0f, 2.0f};
    gops_hash_t a, b;
    gops_hash_init(&a);
    gops_hash_init(&b);
    gops_hash_f32_array(&a, f, 3);
    gops_hash_f32_array(&b, g, 3);
    ck_assert_uint_ne(gops_hash_final(&a), gops_hash_final(&b));
}
END_TEST

START_TEST(float_canonical_forms)
{
    ck_assert_uint_eq(hash_f64(-0.0), hash_f64(0.0));
    uint64_t nan = hash_f64(NAN);
    ck_assert_uint_eq(hash_f64(-NAN), nan);
    ck_assert_uint_eq(hash_f64(from_bits(0x7FF0000000000001ull)), nan); // signalling payload
    ck_assert_uint_eq(hash_f64(from_bits(0xFFF8DEADBEEF0000ull)), nan);
    ck_assert_uint_ne(nan, hash_f64(INFINITY));
    ck_assert_uint_ne(hash_f64(INFINITY), hash_f64(-INFINITY));
    ck_assert_uint_ne(nan, hash_f64(0.0));
    ck_assert_uint_ne(hash_f64(1.0), hash_f64(nextafter(1.0, 2.0))); // one ulp apart
    float a[3] = {-0.0f, NAN, 1.5f}, b[3] = {0.0f, -NAN, 1.5f};
    uint32_t payload = 0x7F800001u;
    memcpy(&b[1], &payload, sizeof payload);
    gops_hash_t ha, hb;
    gops_hash_init(&ha);
    gops_hash_init(&hb);
    gops_hash_f32_array(&ha, a, 3);
    gops_hash_f32_array(&hb, b, 3);
    ck_assert_uint_eq(gops_hash_final(&ha), gops_hash_final(&hb));
}
END_TEST

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

START_TEST(distinct_values_differ)
{
    enum { N = 100000 };
    uint64_t *h = malloc(N * sizeof *h);
    ck_assert_ptr_nonnull(h);
    for (uint64_t i = 0; i < N; i++) h[i] = hash_u64s(&i, 1);
    qsort(h, N, sizeof *h, cmp_u64);
    int dup = 0;
    for (int i = 1; i < N; i++) dup += h[i] == h[i - 1];
    ck_assert_int_eq(dup, 0);
    free(h);
    // Avalanche: flipping one input bit flips about half of the 64 output bits.
    long flipped = 0;
    for (int bit = 0; bit < 64; bit++) {
        uint64_t a = 0x123456789ABCDEFull, b = a ^ (1ull << bit);
        flipped += __builtin_popcountll(hash_u64s(&a, 1) ^ hash_u64s(&b, 1));
    }
    ck_assert_double_eq_tol(flipped / 64.0, 32.0, 4.0);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hash");
    TCase *tc = tcase_create("hash");
    tcase_add_test(tc, fnv1a_test_vectors);
    tcase_add_test(tc, numbers_are_little_endian_bytes);
    tcase_add_test(tc, order_matters);
    tcase_add_test(tc, float_canonical_forms);
    tcase_add_test(tc, distinct_values_differ);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
