// A C++ program on the C and C++ libraries: an exception nobody catches, thrown four calls
// deep in a worker thread, ends in std::terminate and abort (raise, pthread_kill) while the
// main thread waits in join. scripts/check-cores builds it (-O2, PIE) and compares its walk
// with gdb's.
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace ledger {

struct Entry {
  std::string account;
  long amount;
};

__attribute__((noinline)) long checked_amount(const std::vector<Entry> &entries, std::size_t index) {
  return entries.at(index).amount;  // index past the end: std::out_of_range
}

__attribute__((noinline)) long close_period(const std::vector<Entry> &entries) {
  long total = 0;
  for (std::size_t index = 0; index <= entries.size(); ++index) total += checked_amount(entries, index);
  return total;
}

__attribute__((noinline)) void run_close() {
  std::vector<Entry> entries{{"cash", 10}, {"sales", -10}};
  volatile long total = close_period(entries);
  (void)total;
}

}  // namespace ledger

int main() {
  std::thread worker(ledger::run_close);
  worker.join();
  return 0;
}
