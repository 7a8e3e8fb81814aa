// Runs a command and prints its peak resident memory in KiB (the kernel's high-water mark,
// ru_maxrss from wait4), its output sent to /dev/null. A small C parent, because ru_maxrss
// also counts the image before exec: a child spawned from Python would report Python's size.
// Used by scripts/bench-resident.
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: peak_rss COMMAND [ARGS...]\n");
    return 2;
  }
  pid_t child = fork();
  if (child < 0) {
    perror("fork");
    return 1;
  }
  if (child == 0) {
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) {
      dup2(null, 1);
      dup2(null, 2);
    }
    execvp(argv[1], argv + 1);
    _exit(127);
  }
  int status;
  struct rusage usage;
  if (wait4(child, &status, 0, &usage) < 0) {
    perror("wait4");
    return 1;
  }
  printf("%ld\n", usage.ru_maxrss);
  return 0;
}
