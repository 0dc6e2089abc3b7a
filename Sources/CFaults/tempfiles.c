/* Temporary files that a kill must not leave behind. A writer registers the
   temporary sibling it is filling; SIGINT, SIGTERM and SIGHUP unlink every
   registered file, then act as the signal's previous disposition would (the
   workbench's handler restores the terminal and re-raises). The table is a
   fixed array of slots claimed with atomics, so the handler only reads
   complete paths and calls unlink(): async-signal-safe. */
#define _GNU_SOURCE
#include "CFaults.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define BS_MAX_TEMPS 64
#define BS_TEMP_PATH 4096

enum { FREE = 0, FILLING = 1, READY = 2 };
static struct { atomic_int state; char path[BS_TEMP_PATH]; } temps[BS_MAX_TEMPS];
static struct sigaction previous[3];
static const int watched[3] = {SIGINT, SIGTERM, SIGHUP};
static atomic_int installed = 0;

void bs_tempfiles_unlink_all(void) {
    for (int i = 0; i < BS_MAX_TEMPS; i++)
        if (atomic_load(&temps[i].state) == READY) unlink(temps[i].path);
}

static void on_signal(int sig) {
    bs_tempfiles_unlink_all();
    for (int i = 0; i < 3; i++) {
        if (watched[i] != sig) continue;
        struct sigaction p = previous[i];
        if (p.sa_handler == SIG_IGN) return;
        if (p.sa_handler != SIG_DFL && !(p.sa_flags & SA_SIGINFO)) { p.sa_handler(sig); return; }
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install(void) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&installed, &expected, 1)) return;
    for (int i = 0; i < 3; i++) {
        // A signal ignored at start (`nohup`, a background job's SIGINT) stays
        // ignored: it ends nothing, so the temporary files must stay too.
        sigaction(watched[i], 0, &previous[i]);
        if (previous[i].sa_handler == SIG_IGN) continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(watched[i], &sa, &previous[i]);
    }
}

int bs_tempfile_register(const char *path) {
    if (strlen(path) >= BS_TEMP_PATH) return -1;
    install();
    for (int i = 0; i < BS_MAX_TEMPS; i++) {
        int expected = FREE;
        if (!atomic_compare_exchange_strong(&temps[i].state, &expected, FILLING)) continue;
        strcpy(temps[i].path, path);
        atomic_store(&temps[i].state, READY);
        return i;
    }
    return -1;
}

void bs_tempfile_release(int slot) {
    if (slot >= 0 && slot < BS_MAX_TEMPS) atomic_store(&temps[slot].state, FREE);
}

int bs_rename_noreplace(const char *from, const char *to) {
    if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0) return 0;
    if (errno != EINVAL && errno != ENOSYS) return -1;
    // A file system without RENAME_NOREPLACE: link(2) also refuses an existing
    // name; one without hard links either gets a plain rename (a narrow race).
    if (link(from, to) == 0) return unlink(from), 0;
    if (errno == EEXIST) return -1;
    return rename(from, to);
}
