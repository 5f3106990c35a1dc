// SPDX-License-Identifier: MIT
// Shared helpers for the Check suites (see fixture.h).
#include "fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gops_test_run(Suite *suite)
{
    SRunner *runner = srunner_create(suite);
    srunner_set_fork_status(runner, CK_FORK);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

static char *made_dirs[256];
static int made_count;

static void remove_made_dirs(void)
{
    for (int i = 0; i < made_count; i++) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", made_dirs[i]);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", made_dirs[i]);
        free(made_dirs[i]);
    }
    made_count = 0;
}

char *gops_test_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char buf[512];
    snprintf(buf, sizeof buf, "%s/gops-test-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(buf)) return NULL;
    if (made_count == 0) atexit(remove_made_dirs);
    if (made_count < 256) made_dirs[made_count++] = strdup(buf);
    return strdup(buf);
}

char *gops_test_read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    if (text && fread(text, 1, (size_t)n, f) != (size_t)n) {
        free(text);
        text = NULL;
    }
    fclose(f);
    if (!text) return NULL;
    text[n] = '\0';
    if (size) *size = (size_t)n;
    return text;
}

int gops_test_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t n = strlen(text);
    int ok = fwrite(text, 1, n, f) == n;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

const char *gops_test_source_path(const char *relative)
{
    static char buf[1024];
    snprintf(buf, sizeof buf, "%s/%s", GOPS_SOURCE_DIR, relative);
    return buf;
}
