// SPDX-License-Identifier: MIT
// Staged output folders and atomic file writes (see outdir.h). POSIX only.
#include "output/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

gops_status_t gops_mkdirs(const char *path, gops_error_t *err)
{
    char buf[1024];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return gops_error_set(err, GOPS_IO, "%s: path too long", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return gops_error_set(err, GOPS_IO, "cannot create folder %s: %s", buf, strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return gops_error_set(err, GOPS_IO, "cannot create folder %s: %s", buf, strerror(errno));
    return GOPS_OK;
}

void gops_remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (!d) {
        unlink(path);
        return;
    }
    struct dirent *e;
    char child[2048];
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        snprintf(child, sizeof child, "%s/%s", path, e->d_name);
        struct stat st;
        if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
            gops_remove_tree(child);
        else
            unlink(child);
    }
    closedir(d);
    rmdir(path);
}

gops_status_t gops_outdir_begin(gops_outdir_t *out, const char *dir, gops_error_t *err)
{
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    if (n == 0 || n >= sizeof out->final) return gops_error_set(err, GOPS_IO, "bad output folder \"%s\"", dir);
    snprintf(out->final, sizeof out->final, "%.*s", (int)n, dir);
    snprintf(out->staging, sizeof out->staging, "%s.partial-%ld", out->final, (long)getpid());
    struct stat st;
    if (stat(out->final, &st) == 0 && !S_ISDIR(st.st_mode))
        return gops_error_set(err, GOPS_IO, "output folder %s exists and is not a folder", out->final);
    gops_remove_tree(out->staging);
    gops_status_t s = gops_mkdirs(out->staging, err);
    if (s != GOPS_OK) return s;
    if (access(out->staging, W_OK) != 0)
        return gops_error_set(err, GOPS_IO, "output folder %s is not writable: %s", out->staging, strerror(errno));
    return GOPS_OK;
}

const char *gops_outdir_file(const gops_outdir_t *out, const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", out->staging, name);
    return buf;
}

gops_status_t gops_outdir_commit(gops_outdir_t *out, gops_error_t *err)
{
    char old[1200];
    snprintf(old, sizeof old, "%s.old-%ld", out->final, (long)getpid());
    struct stat st;
    bool had_old = stat(out->final, &st) == 0;
    if (had_old && rename(out->final, old) != 0)
        return gops_error_set(err, GOPS_IO, "cannot replace output folder %s: %s", out->final, strerror(errno));
    if (rename(out->staging, out->final) != 0) {
        int e = errno;
        if (had_old) rename(old, out->final);
        return gops_error_set(err, GOPS_IO, "cannot move outputs into %s: %s", out->final, strerror(e));
    }
    if (had_old) gops_remove_tree(old);
    return GOPS_OK;
}

void gops_outdir_abort(gops_outdir_t *out)
{
    if (out->staging[0]) gops_remove_tree(out->staging);
}

gops_status_t gops_file_write_atomic(const char *path, const void *data, size_t size, gops_error_t *err)
{
    char tmp[1200];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    if (fd < 0) return gops_error_set(err, GOPS_IO, "cannot write %s: %s", path, strerror(errno));
    const char *p = data;
    size_t left = size;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            close(fd);
            unlink(tmp);
            return gops_error_set(err, GOPS_IO, "cannot write %s: %s", path, strerror(e));
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        return gops_error_set(err, GOPS_IO, "cannot write %s: %s", path, strerror(e));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return gops_error_set(err, GOPS_IO, "cannot write %s: %s", path, strerror(e));
    }
    return GOPS_OK;
}
