//===--- guarded_demangle.c - The runtime's demangler, behind a fault guard ---===//
//
// Swift's runtime demangler parses any input without harm, but its node printer
// ends the process (printer_unreachable: a message on stderr, then abort()) when
// a malformed name leaves a node where the printer never expects one, and reads
// a missing child on others. Names come from strangers' text, so the call runs
// the way LLVM's CrashRecoveryContext runs a compiler job: sigsetjmp on this
// thread, handlers for the fault signals installed while any thread is inside a
// guarded call, and a fault on a guarded thread jumps back to the guard. A fault
// on any other thread goes to whatever handled the signal before (the previous
// action is put back and the signal raised again), so a real crash elsewhere is
// still a crash.
//
// Only C sits between the guard and the runtime, so no Swift frame is skipped by
// the jump. What the runtime had allocated for the faulting name is lost (its
// demangling arena, a few KiB); after `maximum_faults` names have faulted the
// runtime is no longer called, which bounds that loss and stderr's lines.
//
// glibc's abort() raises SIGABRT before it takes any lock of its own, so
// leaving its handler by siglongjmp leaves no lock held.
//
//===----------------------------------------------------------------------===//

#include "CSwiftDemangle.h"

#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* Declared by no toolchain header for C; exported by libswiftCore since Swift 5.9. With
   outputBuffer NULL the result is malloc'd; a Swift name it cannot read comes back unchanged. */
extern char *_swift_backtrace_demangle(const char *mangledName, size_t mangledNameLength, char *outputBuffer,
                                       size_t *outputBufferSize);

enum { maximum_faults = 64 };

static const int guarded_signals[] = {SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE};
enum { guarded_signal_count = sizeof guarded_signals / sizeof guarded_signals[0] };

static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned threads_inside;                                 /* under install_lock */
static struct sigaction previous_actions[guarded_signal_count]; /* under install_lock */
static atomic_uint fault_count;

/* The guard of the call this thread is in, or NULL outside one. */
static _Thread_local sigjmp_buf *volatile active_guard;

static int guarded_index(int signal_number) {
  for (int index = 0; index < guarded_signal_count; index++)
    if (guarded_signals[index] == signal_number) return index;
  return -1;
}

static void on_fault(int signal_number, siginfo_t *info, void *context) {
  (void)info;
  (void)context;
  sigjmp_buf *guard = active_guard;
  if (guard != NULL) {
    active_guard = NULL;
    siglongjmp(*guard, signal_number);
  }
  // Not a guarded thread: put back the action from before the guard and deliver the
  // signal again (it is blocked until this handler returns, then acts as it would have).
  int index = guarded_index(signal_number);
  if (index >= 0) sigaction(signal_number, &previous_actions[index], NULL);
  raise(signal_number);
}

static void enter(void) {
  pthread_mutex_lock(&install_lock);
  if (threads_inside++ == 0) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    for (int index = 0; index < guarded_signal_count; index++)
      sigaction(guarded_signals[index], &action, &previous_actions[index]);
  }
  pthread_mutex_unlock(&install_lock);
}

static void leave(void) {
  pthread_mutex_lock(&install_lock);
  if (--threads_inside == 0) {
    for (int index = 0; index < guarded_signal_count; index++)
      sigaction(guarded_signals[index], &previous_actions[index], NULL);
  }
  pthread_mutex_unlock(&install_lock);
}

char *cswiftdemangle_demangle(const char *name, size_t length, enum cswiftdemangle_outcome *outcome) {
  if (atomic_load(&fault_count) >= maximum_faults) {
    *outcome = CSWIFTDEMANGLE_RETIRED;
    return NULL;
  }
  sigjmp_buf guard;
  char *volatile result = NULL;
  enter();
  if (sigsetjmp(guard, 1) == 0) {
    active_guard = &guard;
    result = _swift_backtrace_demangle(name, length, NULL, NULL);
    active_guard = NULL;
    *outcome = CSWIFTDEMANGLE_ANSWERED;
  } else {
    // Back from on_fault, which cleared active_guard; the signal mask is restored.
    atomic_fetch_add(&fault_count, 1);
    result = NULL;
    *outcome = CSWIFTDEMANGLE_FAULTED;
  }
  leave();
  return result;
}

unsigned cswiftdemangle_fault_count(void) { return atomic_load(&fault_count); }
