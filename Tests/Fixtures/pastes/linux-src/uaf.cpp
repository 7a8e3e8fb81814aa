// A heap use after free, for AddressSanitizer's report.
#include <cstdlib>
#include <cstring>
struct Node { int value; Node *next; };
__attribute__((noinline)) Node *make(int v) { Node *n = new Node; n->value = v; n->next = nullptr; return n; }
__attribute__((noinline)) void drop(Node *n) { delete n; }
__attribute__((noinline)) int read_value(Node *n) { return n->value; }
int main(int argc, char **) {
  Node *n = make(argc);
  drop(n);
  return read_value(n);
}
