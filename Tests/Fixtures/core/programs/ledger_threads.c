/* A threaded program on the C library: a writer thread faults in a helper while one thread
   waits on a condition variable, one sleeps and the main thread joins. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready = PTHREAD_COND_INITIALIZER;
static int go;

struct journal { long *entries; size_t count; };

__attribute__((noinline)) static void journal_append(struct journal *journal, long amount) {
  journal->entries[journal->count++] = amount; /* entries is NULL: the fault */
}

__attribute__((noinline)) static void ledger_post(struct journal *journal, const char *text) {
  long amount = strtol(text, NULL, 10);
  journal_append(journal, amount * 2);
}

static void *writer(void *argument) {
  (void)argument;
  struct journal journal = {NULL, 3};
  usleep(100000);
  ledger_post(&journal, "21");
  return NULL;
}

static void *waiter(void *argument) {
  (void)argument;
  pthread_mutex_lock(&lock);
  while (!go) pthread_cond_wait(&ready, &lock);
  pthread_mutex_unlock(&lock);
  return NULL;
}

static void *sleeper(void *argument) {
  (void)argument;
  for (;;) sleep(10);
  return NULL;
}

int main(void) {
  pthread_t threads[3];
  pthread_create(&threads[0], NULL, waiter, NULL);
  pthread_create(&threads[1], NULL, sleeper, NULL);
  pthread_create(&threads[2], NULL, writer, NULL);
  pthread_join(threads[2], NULL);
  puts("not reached");
  return 0;
}
