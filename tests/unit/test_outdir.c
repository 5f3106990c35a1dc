// SPDX-License-Identifier: MIT
// Staged output folders and atomic writes (output/outdir.c): a full disk (writes into
// /dev/full through the temporary file) fails with a message naming the file and leaves no
// file; an unwritable location fails before any run; commit replaces the old folder whole,
// abort leaves it untouched; leftovers of killed runs are cleaned; the signal-handler path
// removes staged folders (with subfolders) and nothing else.
#include "fixture.h"

#include "output/outdir.h"
#include "output/summary.h"

#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *tmp;

static void setup(void)
{
    tmp = gops_test_tmpdir();
    ck_assert_ptr_nonnull(tmp);
}

static void teardown(void)
{
    free(tmp);
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

static const char *path_in(char *buf, size_t size, const char *a, const char *b)
{
    snprintf(buf, size, "%s/%s", a, b);
    return buf;
}

/// A pid that belonged to a process that has ended (a child reaped at once).
static long dead_pid(void)
{
    pid_t pid = fork();
    if (pid == 0) _exit(0);
    ck_assert_int_gt(pid, 0);
    waitpid(pid, NULL, 0);
    return (long)pid;
}

START_TEST(full_disk_fails_naming_the_file_and_leaves_nothing)
{
    if (access("/dev/full", W_OK) != 0) return; // no such device here: nothing to simulate
    char path[512], tmpfile[600];
    path_in(path, sizeof path, tmp, "summary.json");
    snprintf(tmpfile, sizeof tmpfile, "%s.tmp", path);
    // The temporary file is where the bytes go: make it the full device.
    ck_assert_int_eq(symlink("/dev/full", tmpfile), 0);
    gops_error_t err = {0};
    const char text[] = "{\"partial\": false}\n";
    ck_assert_int_eq(gops_file_write_atomic(path, text, sizeof text - 1, &err), GOPS_IO);
    ck_assert_int_eq(err.status, GOPS_IO);
    ck_assert_ptr_nonnull(strstr(err.message, path));
    ck_assert_ptr_nonnull(strstr(err.message, strerror(ENOSPC)));
    ck_assert_ptr_nonnull(strstr(err.message, "(the disk is full)"));
    ck_assert(!exists(path));    // no truncated file under the real name
    ck_assert(!exists(tmpfile)); // and the temporary one is gone
}
END_TEST

START_TEST(full_disk_while_writing_outputs_leaves_old_folder)
{
    if (access("/dev/full", W_OK) != 0) return;
    char final[512], old_file[600];
    path_in(final, sizeof final, tmp, "out");
    ck_assert_int_eq(mkdir(final, 0777), 0);
    path_in(old_file, sizeof old_file, final, "summary.json");
    ck_assert_int_eq(gops_test_write_file(old_file, "old"), 0);

    gops_outdir_t out;
    gops_error_t err = {0};
    ck_assert_int_eq(gops_outdir_begin(&out, final, &err), GOPS_OK);
    char tmpfile[1200];
    snprintf(tmpfile, sizeof tmpfile, "%s/summary.json.tmp", out.staging);
    ck_assert_int_eq(symlink("/dev/full", tmpfile), 0);
    gops_timeseries_t ts;
    gops_timeseries_init(&ts);
    gops_kpis_t kpis;
    memset(&kpis, 0, sizeof kpis);
    gops_run_report_t report = {.scenario = "s", .scenario_path = "s.lua", .map_path = "", .kpis = &kpis};
    ck_assert_int_eq(gops_outputs_write(out.staging, &report, &ts, &err), GOPS_IO);
    ck_assert_ptr_nonnull(strstr(err.message, "summary.json"));
    ck_assert_ptr_nonnull(strstr(err.message, "the disk is full"));
    gops_timeseries_free(&ts);
    gops_outdir_abort(&out);
    ck_assert(!exists(out.staging));
    char *text = gops_test_read_file(old_file, NULL);
    ck_assert_str_eq(text, "old");
    free(text);
}
END_TEST

START_TEST(unwritable_location_fails_before_the_run)
{
    gops_outdir_t out;
    gops_error_t err = {0};
    // /proc takes no new folders, whoever we are (root passes permission checks).
    ck_assert_int_eq(gops_outdir_begin(&out, "/proc/gridops-test/out", &err), GOPS_IO);
    ck_assert_int_eq(gops_status_exit_code(err.status), 2);
    ck_assert_ptr_nonnull(strstr(err.message, "output folder /proc/gridops-test/out is not writable"));
    ck_assert_str_eq(out.staging, "");

    char file[512];
    path_in(file, sizeof file, tmp, "plain");
    ck_assert_int_eq(gops_test_write_file(file, "x"), 0);
    ck_assert_int_eq(gops_outdir_begin(&out, file, &err), GOPS_IO);
    ck_assert_ptr_nonnull(strstr(err.message, "exists and is not a folder"));
    ck_assert_int_eq(gops_outdir_begin(&out, "", &err), GOPS_IO);
    ck_assert_ptr_nonnull(strstr(err.message, "bad output folder"));

    if (geteuid() != 0) { // permission bits stop only other users
        char ro[512], inside[600];
        path_in(ro, sizeof ro, tmp, "ro");
        ck_assert_int_eq(mkdir(ro, 0555), 0);
        path_in(inside, sizeof inside, ro, "out");
        ck_assert_int_eq(gops_outdir_begin(&out, inside, &err), GOPS_IO);
        ck_assert_ptr_nonnull(strstr(err.message, "is not writable"));
        ck_assert_ptr_nonnull(strstr(err.message, strerror(EACCES)));
    }
}
END_TEST

START_TEST(commit_replaces_whole_and_abort_keeps_old)
{
    char final[512], file[600];
    path_in(final, sizeof final, tmp, "run");
    ck_assert_int_eq(mkdir(final, 0777), 0);
    path_in(file, sizeof file, final, "stale.csv");
    ck_assert_int_eq(gops_test_write_file(file, "stale"), 0);

    gops_outdir_t out;
    gops_error_t err = {0};
    ck_assert_int_eq(gops_outdir_begin(&out, final, &err), GOPS_OK);
    char staged[1200];
    ck_assert_int_eq(gops_test_write_file(gops_outdir_file(&out, "a.txt", staged, sizeof staged), "new"), 0);
    gops_outdir_abort(&out);
    ck_assert(exists(file)); // aborted: the old folder as it was
    ck_assert_str_eq(out.staging, "");

    ck_assert_int_eq(gops_outdir_begin(&out, final, &err), GOPS_OK);
    char staging[1100];
    snprintf(staging, sizeof staging, "%s", out.staging);
    ck_assert_int_eq(gops_test_write_file(gops_outdir_file(&out, "a.txt", staged, sizeof staged), "new"), 0);
    ck_assert_int_eq(gops_outdir_commit(&out, &err), GOPS_OK);
    ck_assert(!exists(file)); // committed: the old folder's files are gone with it
    ck_assert(!exists(staging));
    char *text = gops_test_read_file(path_in(staged, sizeof staged, final, "a.txt"), NULL);
    ck_assert_str_eq(text, "new");
    free(text);
}
END_TEST

START_TEST(leftovers_of_killed_runs_are_cleaned)
{
    char final[512], partial[700], old[700], mine_other[700], keep[700];
    path_in(final, sizeof final, tmp, "out");
    long dead = dead_pid();
    snprintf(partial, sizeof partial, "%s.partial-%ld", final, dead);
    snprintf(old, sizeof old, "%s.old-%ld", final, dead);
    snprintf(keep, sizeof keep, "%s.partial-%ld", final, (long)getppid()); // a live process
    snprintf(mine_other, sizeof mine_other, "%s/other.partial-%ld", tmp, dead); // another folder's
    ck_assert_int_eq(mkdir(partial, 0777), 0);
    ck_assert_int_eq(mkdir(old, 0777), 0);
    ck_assert_int_eq(mkdir(keep, 0777), 0);
    ck_assert_int_eq(mkdir(mine_other, 0777), 0);
    char file[800];
    snprintf(file, sizeof file, "%s/summary.json", old);
    ck_assert_int_eq(gops_test_write_file(file, "committed"), 0);

    gops_outdir_t out;
    gops_error_t err = {0};
    ck_assert_int_eq(gops_outdir_begin(&out, final, &err), GOPS_OK);
    ck_assert(!exists(partial));
    ck_assert(!exists(old));
    // A commit killed between its renames: the final folder was missing, the old one is back.
    char *text = gops_test_read_file(path_in(file, sizeof file, final, "summary.json"), NULL);
    ck_assert_str_eq(text, "committed");
    free(text);
    ck_assert(exists(keep));
    ck_assert(exists(mine_other));
    gops_outdir_abort(&out);
}
END_TEST

START_TEST(signal_path_removes_staged_folders_only)
{
    char final[512], sub[1200], file[1300], outside[600];
    path_in(final, sizeof final, tmp, "out");
    path_in(outside, sizeof outside, tmp, "keep.txt");
    ck_assert_int_eq(gops_test_write_file(outside, "x"), 0);
    gops_outdir_t out;
    gops_error_t err = {0};
    ck_assert_int_eq(gops_outdir_begin(&out, final, &err), GOPS_OK);
    snprintf(sub, sizeof sub, "%s/snapshots", out.staging);
    ck_assert_int_eq(mkdir(sub, 0777), 0);
    for (int i = 0; i < 300; i++) { // more entries than one getdents64 buffer holds
        snprintf(file, sizeof file, "%s/%04d-with-a-long-name-to-fill-the-buffer.png", sub, i);
        ck_assert_int_eq(gops_test_write_file(file, "png"), 0);
    }
    ck_assert_int_eq(gops_test_write_file(gops_outdir_file(&out, "summary.json.tmp", file, sizeof file), "{"), 0);
    ck_assert(gops_outdir_abort_all_from_signal(SIGINT));
    ck_assert(!exists(out.staging));
    ck_assert(!exists(final));
    ck_assert(exists(outside));
    // Nothing is staged any more: a second call has nothing to do and still succeeds.
    ck_assert(gops_outdir_abort_all_from_signal(SIGINT));
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("outdir");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, full_disk_fails_naming_the_file_and_leaves_nothing);
    tcase_add_test(tc, full_disk_while_writing_outputs_leaves_old_folder);
    tcase_add_test(tc, unwritable_location_fails_before_the_run);
    tcase_add_test(tc, commit_replaces_whole_and_abort_keeps_old);
    tcase_add_test(tc, leftovers_of_killed_runs_are_cleaned);
    tcase_add_test(tc, signal_path_removes_staged_folders_only);
    suite_add_tcase(s, tc);
    return s;
}

int main(void) { return gops_test_run(suite()); }
