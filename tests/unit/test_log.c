// SPDX-License-Identifier: MIT
// Check suite for core/log: the hook receives level and formatted text, long messages are
// cut safely, and the default sink writes only warnings and errors to stderr.
#include "fixture.h"

#include "core/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct captured {
    int calls;
    gops_log_level_t level;
    char text[2048];
} captured_t;

static void capture(gops_log_level_t level, const char *message, void *user)
{
    captured_t *c = user;
    c->calls++;
    c->level = level;
    snprintf(c->text, sizeof c->text, "%s", message);
}

START_TEST(hook_gets_formatted_messages)
{
    captured_t c = {0};
    gops_log_set_hook(capture, &c);
    gops_log(GOPS_LOG_INFO, "%d agents at %.1f m/s", 12, 1.5);
    ck_assert_int_eq(c.calls, 1);
    ck_assert_int_eq(c.level, GOPS_LOG_INFO);
    ck_assert_str_eq(c.text, "12 agents at 1.5 m/s");
    gops_log(GOPS_LOG_DEBUG, "quiet");
    ck_assert_int_eq(c.calls, 2); // the hook decides what to drop, not the engine
    ck_assert_int_eq(c.level, GOPS_LOG_DEBUG);
    char long_text[3000];
    memset(long_text, 'y', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    gops_log(GOPS_LOG_ERROR, "%s", long_text);
    ck_assert_uint_eq(strlen(c.text), 1023);
    gops_log_set_hook(NULL, NULL);
}
END_TEST

START_TEST(default_sink_prints_warnings_and_errors)
{
    char *dir = gops_test_tmpdir();
    ck_assert_ptr_nonnull(dir);
    char path[600];
    snprintf(path, sizeof path, "%s/stderr.txt", dir);
    fflush(stderr);
    ck_assert_ptr_nonnull(freopen(path, "w", stderr));
    gops_log_set_hook(NULL, NULL);
    gops_log(GOPS_LOG_DEBUG, "not shown %d", 1);
    gops_log(GOPS_LOG_INFO, "not shown %d", 2);
    gops_log(GOPS_LOG_WARN, "density %.1f persons/m2", 4.5);
    gops_log(GOPS_LOG_ERROR, "cannot write %s", "out/x.csv");
    fflush(stderr);
    char *text = gops_test_read_file(path, NULL);
    ck_assert_ptr_nonnull(text);
    ck_assert_str_eq(text, "gridops: warning: density 4.5 persons/m2\n"
                           "gridops: error: cannot write out/x.csv\n");
    free(text);
    free(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("log");
    TCase *tc = tcase_create("log");
    tcase_add_test(tc, hook_gets_formatted_messages);
    tcase_add_test(tc, default_sink_prints_warnings_and_errors);
    suite_add_tcase(s, tc);
    return gops_test_run(s);
}
