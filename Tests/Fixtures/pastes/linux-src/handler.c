// A crash handler that prints glibc's backtrace_symbols_fd lines, as many
// programs' logs carry them.
#include <execinfo.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void on_fault(int sig) {
  void *frames[32];
  int count = backtrace(frames, 32);
  fprintf(stderr, "Error: signal %d:\n", sig);
  backtrace_symbols_fd(frames, count, STDERR_FILENO);
  _exit(1);
}

__attribute__((noinline)) void parse_record(int *field) { *field = 7; }
__attribute__((noinline)) static void load(int *where) { parse_record(where); }
void run(int *where) { load(where); }

int main(int argc, char **argv) {
  signal(SIGSEGV, on_fault);
  run(argc > 5 ? &argc : NULL);
  return 0;
}
