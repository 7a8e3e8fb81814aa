// Two threads write one global without a lock: a data race for ThreadSanitizer.
#include <pthread.h>
int Global;
void *Thread1(void *x) { Global++; return x; }
void *Thread2(void *x) { Global--; return x; }
int main() {
  pthread_t t[2];
  pthread_create(&t[0], 0, Thread1, 0);
  pthread_create(&t[1], 0, Thread2, 0);
  pthread_join(t[0], 0);
  pthread_join(t[1], 0);
  return Global;
}
