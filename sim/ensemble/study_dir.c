// SPDX-License-Identifier: MIT
// The study folder (see study_dir.h): paths, multi-writer-safe writes, leftovers of killed
// workers. POSIX only; knows nothing of what the files hold.
#include "ensemble/study_dir.h"

#include "output/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void gops_study_dir_run_path(const char *root, uint32_t run, char *buf, size_t size)
{
    snprintf(buf, size, "%s/runs/%05u", root, run);
}

void gops_study_dir_record_path(const char *root, uint32_t run, char *buf, size_t size)
{
    snprintf(buf, size, "%s/runs/%05u.json", root, run);
}

void gops_study_dir_file(const char *root, const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", root, name);
}

gops_status_t gops_study_dir_prepare(const char *root, gops_error_t *err)
{
    char runs[1100];
    if (snprintf(runs, sizeof runs, "%s/runs", root) >= (int)sizeof runs)
        return gops_error_set(err, GOPS_IO, "%s: output folder path too long", root);
    struct stat st;
    if (stat(root, &st) == 0 && !S_ISDIR(st.st_mode))
        return gops_error_set(err, GOPS_IO, "output folder %s exists and is not a folder", root);
    gops_status_t s = gops_mkdirs(runs, err);
    if (s != GOPS_OK) return s;
    if (access(runs, W_OK) != 0)
        return gops_error_set(err, GOPS_IO, "output folder %s is not writable: %s", runs, strerror(errno));
    return GOPS_OK;
}

gops_status_t gops_study_dir_write(const char *path, const char *text, gops_error_t *err)
{
    char host[64] = "host";
    gethostname(host, sizeof host - 1);
    host[sizeof host - 1] = '\0';
    for (char *c = host; *c; c++)
        if (*c == '/' || *c == '.') *c = '_';
    char tmp[1400];
    if (snprintf(tmp, sizeof tmp, "%s.tmp-%s-%ld", path, host, (long)getpid()) >= (int)sizeof tmp)
        return gops_error_set(err, GOPS_IO, "%s: path too long", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0) return gops_error_set(err, GOPS_IO, "cannot write %s: %s", path, strerror(errno));
    size_t left = strlen(text);
    const char *p = text;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0) {
            int e = errno;
            close(fd);
            unlink(tmp);
            return gops_error_set(err, GOPS_IO, "cannot write %s: %s", path, strerror(e));
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return gops_error_set(err, GOPS_IO, "cannot write %s: %s", path, strerror(e));
    }
    return GOPS_OK;
}

char *gops_study_dir_read(const char *path, size_t max_bytes)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (cap - len < 4097) {
            cap = cap ? cap * 2 : 8192;
            char *grown = cap <= max_bytes + 4097 ? realloc(buf, cap) : NULL;
            if (!grown) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = grown;
        }
        size_t n = fread(buf + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0) break;
    }
    bool bad = ferror(f) || len > max_bytes;
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

gops_status_t gops_study_dir_write_manifest(const gops_study_t *study, const char *root, gops_error_t *err)
{
    char path[1100];
    gops_study_dir_file(root, "study.json", path, sizeof path);
    char *json = gops_study_manifest_json(study);
    if (!json) return gops_error_set(err, GOPS_NOMEM, "out of memory writing %s", path);
    char *old = gops_study_dir_read(path, (size_t)64 << 20);
    gops_status_t st = GOPS_OK;
    if (!old || strcmp(old, json) != 0) st = gops_study_dir_write(path, json, err);
    free(old);
    free(json);
    return st;
}

/// The pid after the last '-' of a leftover name, or 0.
static long leftover_pid(const char *name)
{
    const char *marks[] = {".partial-", ".old-", ".tmp-"};
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        if (!strstr(name, marks[i])) continue;
        const char *dash = strrchr(name, '-');
        char *end;
        long pid = strtol(dash + 1, &end, 10);
        return *end == '\0' && pid > 0 ? pid : 0;
    }
    return 0;
}

/// Whether the process that left `path` may still be writing it: `pid` exists, is not a
/// zombie (a killed worker not yet reaped), and started before the leftover was last
/// changed (else the pid was reused by another process). Linux /proc; without it, any
/// existing pid counts as alive.
static bool writer_alive(long pid, const char *path)
{
    if (kill((pid_t)pid, 0) != 0 && errno == ESRCH) return false;
    char stat_path[64];
    snprintf(stat_path, sizeof stat_path, "/proc/%ld/stat", pid);
    char *text = gops_study_dir_read(stat_path, 4096);
    if (!text) return true;
    // "pid (comm) state ppid ... starttime(22nd field)": comm may hold spaces, so count
    // fields after its closing parenthesis.
    char *p = strrchr(text, ')');
    char state = 0;
    unsigned long long start_ticks = 0;
    bool parsed = p && sscanf(p + 1, " %c", &state) == 1;
    for (int field = 3; parsed && field <= 22; field++) { // leaves p + 1 at field 22
        p = strchr(p + 1, ' ');
        parsed = p != NULL;
    }
    if (parsed) parsed = sscanf(p + 1, "%llu", &start_ticks) == 1;
    free(text);
    if (state == 'Z' || state == 'X') return false;
    char *boot = parsed ? gops_study_dir_read("/proc/stat", (size_t)1 << 20) : NULL;
    char *btime = boot ? strstr(boot, "\nbtime ") : NULL;
    long long boot_s = btime ? atoll(btime + 7) : 0;
    free(boot);
    struct stat st;
    long ticks = sysconf(_SC_CLK_TCK);
    if (!boot_s || ticks <= 0 || stat(path, &st) != 0) return true;
    long long started = boot_s + (long long)(start_ticks / (unsigned long long)ticks);
    return started <= (long long)st.st_mtime + 1;
}

uint32_t gops_study_dir_clean_stale(const char *root)
{
    char runs[1100];
    snprintf(runs, sizeof runs, "%s/runs", root);
    DIR *d = opendir(runs);
    if (!d) return 0;
    uint32_t removed = 0;
    struct dirent *e;
    char names[256][256];
    uint32_t n = 0;
    // Collect first, remove after: removing while reading a directory may skip entries.
    while ((e = readdir(d)) && n < 256) {
        long pid = leftover_pid(e->d_name);
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", runs, e->d_name);
        if (pid == 0 || writer_alive(pid, path)) continue;
        snprintf(names[n++], sizeof names[0], "%s", e->d_name);
    }
    closedir(d);
    for (uint32_t i = 0; i < n; i++) {
        char path[1400];
        if (snprintf(path, sizeof path, "%s/%s", runs, names[i]) >= (int)sizeof path) continue; // cannot be ours
        gops_remove_tree(path);
        removed++;
    }
    return removed;
}
