// A program that crashes on a second thread, through an inlined helper and a
// template, for debugger and sanitizer fixtures.
#include <pthread.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>
#include <unistd.h>

namespace {
struct Widget {
  int *slot;
  const char *name;
};

static inline __attribute__((always_inline)) void store(Widget *w, int value) { *w->slot = value; }

template <typename T> __attribute__((noinline)) void refresh(T *w, int value, const char *why) {
  store(w, value + (int)strlen(why));
}
}  // namespace

__attribute__((noinline)) void worker_step(Widget *w, int depth) {
  if (depth > 0) {
    worker_step(w, depth - 1);
    asm volatile("");
    return;
  }
  refresh(w, 42, "paint (now)");
}

static void *worker(void *arg) {
  Widget w{static_cast<int *>(arg), "crasher"};
  worker_step(&w, 2);
  return nullptr;
}

static void *idle(void *) {
  for (;;) pause();
  return nullptr;
}

int main(int argc, char **argv) {
  pthread_t a, b;
  pthread_create(&b, nullptr, idle, nullptr);
  std::vector<int> v(4);
  int *target = argc > 1 ? v.data() : nullptr;
  pthread_create(&a, nullptr, worker, target);
  pthread_join(a, nullptr);
  std::printf("%d\n", v[0]);
  return 0;
}
