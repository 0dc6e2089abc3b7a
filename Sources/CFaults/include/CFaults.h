// Signal-safe clean-up. Mapped-file faults: a SIGBUS inside a registered region (a weights file
// truncated while mapped) prints one line naming the file, after `cleanup`
// (restoring the terminal), and exits 1. Async-signal-safe throughout.
#ifndef BERTSCOPE_CFAULTS_H
#define BERTSCOPE_CFAULTS_H

#include <stddef.h>

void bs_fault_register(const void *base, size_t size, const char *path);
void bs_fault_unregister(const void *base);
void bs_fault_set_cleanup(void (*fn)(void));
void bs_fault_install(void);

// Temporary files a kill must not leave behind: SIGINT, SIGTERM and SIGHUP
// unlink every registered path, then act as the previous disposition would.
// `register` returns a slot for `release`, or -1 when the table is full.
int bs_tempfile_register(const char *path);
void bs_tempfile_release(int slot);
void bs_tempfiles_unlink_all(void);
// rename(2) that fails with EEXIST instead of replacing an existing `to`.
int bs_rename_noreplace(const char *from, const char *to);

#endif
