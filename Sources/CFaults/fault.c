/* Reports a memory-mapped weights file that shrank under us (SIGBUS on
   access) as one line naming the file, after restoring the terminal,
   instead of dying with "Bus error". Everything in the handler is
   async-signal-safe: a fixed table filled at load time, write(), _exit(). */
#include "CFaults.h"
#include <signal.h>
#include <string.h>
#include <unistd.h>

#define BS_MAX_REGIONS 256
#define BS_PATH_MAX 1024

static struct { const char *base; size_t size; char path[BS_PATH_MAX]; } regions[BS_MAX_REGIONS];
static volatile sig_atomic_t region_count = 0;
static void (*volatile cleanup)(void) = 0;

void bs_fault_register(const void *base, size_t size, const char *path) {
    int i = region_count;
    if (i >= BS_MAX_REGIONS) return;
    regions[i].base = (const char *)base;
    regions[i].size = size;
    strncpy(regions[i].path, path, BS_PATH_MAX - 1);
    regions[i].path[BS_PATH_MAX - 1] = 0;
    region_count = i + 1;
}

void bs_fault_unregister(const void *base) {
    for (int i = 0; i < region_count; i++) if (regions[i].base == base) regions[i].size = 0;
}

void bs_fault_set_cleanup(void (*fn)(void)) { cleanup = fn; }

static void say(const char *s) { ssize_t r = write(2, s, strlen(s)); (void)r; }

static void on_fault(int sig, siginfo_t *info, void *ctx) {
    (void)ctx;
    const char *addr = (const char *)info->si_addr;
    if (cleanup) cleanup();
    for (int i = 0; i < region_count; i++) {
        if (regions[i].size && addr >= regions[i].base && addr < regions[i].base + regions[i].size) {
            say("bertscope: error: ");
            say(regions[i].path);
            say(" changed on disk while in use (truncated or replaced?); start bertscope again to reload it\n");
            _exit(1);
        }
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

void bs_fault_install(void) {
    static int installed = 0;
    if (installed) return;
    installed = 1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, 0);
}
