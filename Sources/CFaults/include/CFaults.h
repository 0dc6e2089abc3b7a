// Mapped-file faults: a SIGBUS inside a registered region (a weights file
// truncated while mapped) prints one line naming the file, after `cleanup`
// (restoring the terminal), and exits 1. Async-signal-safe throughout.
#ifndef BERTSCOPE_CFAULTS_H
#define BERTSCOPE_CFAULTS_H

#include <stddef.h>

void bs_fault_register(const void *base, size_t size, const char *path);
void bs_fault_unregister(const void *base);
void bs_fault_set_cleanup(void (*fn)(void));
void bs_fault_install(void);

#endif
