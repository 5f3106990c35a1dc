// SPDX-License-Identifier: MIT
// Staged output folders and atomic file writes (see outdir.h). POSIX; the removal from a
// signal handler reads folders with the raw getdents64 call where the system has it (Linux),
// because opendir/readdir may allocate and are not async-signal-safe.
#define _DEFAULT_SOURCE // syscall(), DT_DIR
#include "output/outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/// Staging folders begun and not yet committed or aborted, for the signal handler. A
/// process stages one folder at a time in practice (run, check); a few slots spare.
enum { STAGED_MAX = 4 };
static char staged_path[STAGED_MAX][sizeof(((gops_outdir_t *)0)->staging)];
static atomic_int staged_used[STAGED_MAX];
/// 0 idle, 1 a commit is renaming, 2 a signal handler is removing staged folders.
static atomic_int commit_state;
static volatile sig_atomic_t deferred_signal;

static void staged_add(const char *path)
{
    for (int i = 0; i < STAGED_MAX; i++) {
        if (atomic_load(&staged_used[i])) continue;
        snprintf(staged_path[i], sizeof staged_path[i], "%s", path);
        atomic_store(&staged_used[i], 1);
        return;
    }
    // No slot: the folder is still staged and committed normally; only a second Ctrl-C
    // would leave it behind, and the next run's leftover sweep removes it.
}

static void staged_remove(const char *path)
{
    for (int i = 0; i < STAGED_MAX; i++)
        if (atomic_load(&staged_used[i]) && strcmp(staged_path[i], path) == 0) atomic_store(&staged_used[i], 0);
}

/// "cannot write X: No space left on device (the disk is full)" and the like.
static gops_status_t io_error(gops_error_t *err, const char *what, const char *path, int e)
{
    const char *hint = e == ENOSPC || e == EDQUOT ? " (the disk is full)"
                       : e == EFBIG           ? " (the file size limit is reached)"
                       : e == EROFS           ? " (the file system is read-only)"
                                              : "";
    return gops_error_set(err, GOPS_IO, "%s %s: %s%s", what, path, strerror(e), hint);
}

gops_status_t gops_mkdirs(const char *path, gops_error_t *err)
{
    char buf[1024];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return gops_error_set(err, GOPS_IO, "%s: path too long", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST) return io_error(err, "cannot create folder", buf, errno);
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) return io_error(err, "cannot create folder", buf, errno);
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

/// Whether process `pid` is gone (a leftover of it can be removed).
static bool process_gone(long pid)
{
    return pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/// Cleans what killed runs into `final` left beside it: "<final>.partial-<pid>" staging
/// folders, and "<final>.old-<pid>" from a commit cut between its two renames (put back
/// when the final folder is missing, else removed). Leftovers of live processes stay.
static void clean_leftovers(const char *final)
{
    const char *slash = strrchr(final, '/');
    char parent[1024];
    const char *base = final;
    if (slash) {
        snprintf(parent, sizeof parent, "%.*s", (int)(slash == final ? 1 : slash - final), final);
        base = slash + 1;
    } else {
        snprintf(parent, sizeof parent, ".");
    }
    size_t base_len = strlen(base);
    DIR *d = opendir(parent);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, base, base_len) != 0) continue;
        const char *tail = e->d_name + base_len;
        bool partial = strncmp(tail, ".partial-", 9) == 0, old = strncmp(tail, ".old-", 5) == 0;
        if (!partial && !old) continue;
        char *end;
        long pid = strtol(tail + (partial ? 9 : 5), &end, 10);
        if (*end || !process_gone(pid)) continue;
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", parent, e->d_name);
        struct stat st;
        if (old && stat(final, &st) != 0 && errno == ENOENT && rename(path, final) == 0) continue;
        gops_remove_tree(path);
    }
    closedir(d);
}

gops_status_t gops_outdir_begin(gops_outdir_t *out, const char *dir, gops_error_t *err)
{
    out->staging[0] = '\0';
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/') n--;
    if (n == 0 || n >= sizeof out->final)
        return gops_error_set(err, GOPS_IO, "bad output folder \"%s\": expected a path of 1 to %zu bytes", dir,
                              sizeof out->final - 1);
    snprintf(out->final, sizeof out->final, "%.*s", (int)n, dir);
    struct stat st;
    if (stat(out->final, &st) == 0 && !S_ISDIR(st.st_mode))
        return gops_error_set(err, GOPS_IO, "output folder %s exists and is not a folder", out->final);
    char staging[sizeof out->staging];
    snprintf(staging, sizeof staging, "%s.partial-%ld", out->final, (long)getpid());
    clean_leftovers(out->final);
    gops_remove_tree(staging);
    gops_error_t inner;
    if (gops_mkdirs(staging, &inner) != GOPS_OK)
        return gops_error_set(err, GOPS_IO, "output folder %s is not writable: %s", out->final, inner.message);
    // Probe with a real file: access() says yes to root on a folder it cannot write into
    // (read-only mounts, full disks with reserved blocks).
    char probe[sizeof out->staging + 16];
    snprintf(probe, sizeof probe, "%s/.probe", staging);
    int fd = open(probe, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    int e = errno;
    if (fd >= 0) {
        bool ok = write(fd, "x", 1) == 1;
        e = errno;
        ok = close(fd) == 0 && ok;
        if (!ok) fd = -1;
        unlink(probe);
    }
    if (fd < 0) {
        gops_remove_tree(staging);
        return io_error(err, "cannot write into output folder", out->final, e);
    }
    snprintf(out->staging, sizeof out->staging, "%s", staging);
    staged_add(out->staging);
    return GOPS_OK;
}

const char *gops_outdir_file(const gops_outdir_t *out, const char *name, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", out->staging, name);
    return buf;
}

/// Ends a commit: lets a signal that arrived meanwhile end the process now.
static void commit_done(void)
{
    atomic_store(&commit_state, 0);
    int sig = deferred_signal;
    if (sig) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
}

gops_status_t gops_outdir_commit(gops_outdir_t *out, gops_error_t *err)
{
    int idle = 0;
    if (!atomic_compare_exchange_strong(&commit_state, &idle, 1))
        for (;;) pause(); // a signal handler is removing staged folders and ends the process
    char old[1200];
    snprintf(old, sizeof old, "%s.old-%ld", out->final, (long)getpid());
    struct stat st;
    bool had_old = stat(out->final, &st) == 0;
    gops_status_t result = GOPS_OK;
    if (had_old && rename(out->final, old) != 0) {
        result = io_error(err, "cannot replace output folder", out->final, errno);
    } else if (rename(out->staging, out->final) != 0) {
        int e = errno;
        if (had_old) rename(old, out->final);
        result = io_error(err, "cannot move outputs into", out->final, e);
    } else {
        staged_remove(out->staging);
        out->staging[0] = '\0';
        if (had_old) gops_remove_tree(old);
    }
    commit_done();
    return result;
}

void gops_outdir_abort(gops_outdir_t *out)
{
    if (!out->staging[0]) return;
    staged_remove(out->staging);
    gops_remove_tree(out->staging);
    out->staging[0] = '\0';
}

// ---------------------------------------------------------------------------------------
// Removal from a signal handler: open, getdents64, unlinkat and close only.

#ifdef SYS_getdents64
/// Removes the entries of the folder open as fd (depth-limited), then nothing else.
static void empty_dir_signal_safe(int fd, int depth)
{
    // Entries are re-read from the start until none is left: removing while reading may
    // make a file system skip entries.
    for (int pass = 0; pass < 64; pass++) {
        char buf[4096] __attribute__((aligned(8)));
        bool removed = false;
        lseek(fd, 0, SEEK_SET);
        for (;;) {
            long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
            if (n <= 0) break;
            for (long off = 0; off < n;) {
                // struct linux_dirent64: ino (8), off (8), reclen (2), type (1), name.
                unsigned short reclen;
                memcpy(&reclen, buf + off + 16, sizeof reclen);
                unsigned char type = (unsigned char)buf[off + 18];
                const char *name = buf + off + 19;
                off += reclen;
                if (reclen == 0) return;
                if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
                if (unlinkat(fd, name, 0) == 0) {
                    removed = true;
                    continue;
                }
                if ((type == DT_DIR || errno == EISDIR) && depth < 8) {
                    int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                    if (sub >= 0) {
                        empty_dir_signal_safe(sub, depth + 1);
                        close(sub);
                    }
                    if (unlinkat(fd, name, AT_REMOVEDIR) == 0) removed = true;
                }
            }
        }
        if (!removed) return;
    }
}
#endif

bool gops_outdir_abort_all_from_signal(int sig)
{
    int idle = 0;
    if (!atomic_compare_exchange_strong(&commit_state, &idle, 2)) {
        deferred_signal = sig; // the commit under way raises it when its renames are done
        return false;
    }
    for (int i = 0; i < STAGED_MAX; i++) {
        if (!atomic_load(&staged_used[i])) continue;
#ifdef SYS_getdents64
        int fd = open(staged_path[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0) {
            empty_dir_signal_safe(fd, 0);
            close(fd);
        }
        rmdir(staged_path[i]);
#endif
        atomic_store(&staged_used[i], 0);
    }
    atomic_store(&commit_state, 0); // the caller normally ends the process now
    return true;
}

gops_status_t gops_file_write_atomic(const char *path, const void *data, size_t size, gops_error_t *err)
{
    char tmp[1200];
    if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
        return gops_error_set(err, GOPS_IO, "cannot write %s: path too long", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) return io_error(err, "cannot write", path, errno);
    const char *p = data;
    size_t left = size;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            int e = w < 0 ? errno : ENOSPC; // a write of 0 bytes makes no progress: no room
            close(fd);
            unlink(tmp);
            return io_error(err, "cannot write", path, e);
        }
        p += w;
        left -= (size_t)w;
    }
    // Delayed allocation reports a full disk only here.
    if (fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        return io_error(err, "cannot write", path, e);
    }
    if (close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        return io_error(err, "cannot write", path, e);
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return io_error(err, "cannot write", path, e);
    }
    return GOPS_OK;
}
