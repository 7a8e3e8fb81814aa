// Copies /proc/self/smaps to $SMAPS_OUT when the process exits (a destructor, run by exit()):
// what a run kept resident, mapping by mapping. Preloaded by scripts/bench-resident.
#include <stdio.h>
#include <stdlib.h>

__attribute__((destructor)) static void copy_smaps(void) {
  const char *path = getenv("SMAPS_OUT");
  if (path == NULL) return;
  FILE *input = fopen("/proc/self/smaps", "r");
  FILE *output = fopen(path, "w");
  if (input != NULL && output != NULL) {
    char buffer[65536];
    size_t count;
    while ((count = fread(buffer, 1, sizeof buffer, input)) > 0) fwrite(buffer, 1, count, output);
  }
  if (input != NULL) fclose(input);
  if (output != NULL) fclose(output);
}
