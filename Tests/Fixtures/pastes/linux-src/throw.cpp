// Dies of an uncaught exception thrown from a std::vector bounds check.
#include <vector>
#include <cstdio>
__attribute__((noinline)) int pick(const std::vector<int> &v, int i) { return v.at(i); }
int main(int argc, char **) {
  std::vector<int> v(3);
  std::printf("%d\n", pick(v, argc + 9));
}
