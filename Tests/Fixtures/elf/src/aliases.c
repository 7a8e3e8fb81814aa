/* Two names for one function, as glibc gives clone3 and __clone3. */
void ledger_close(int *balance) { *balance = 0; }
extern __typeof__(ledger_close) __ledger_close __attribute__((alias("ledger_close")));
