// A nil map entry's pointer dereferenced three calls deep.
package main

import (
	"fmt"
	"os"
)

type Account struct {
	Name    string
	Balance int64
}

type Ledger struct {
	accounts map[string]*Account
}

func (l *Ledger) balance(name string) int64 {
	return l.accounts[name].Balance
}

//go:noinline
func settle(l *Ledger, names []string) int64 {
	var total int64
	for _, n := range names {
		total += l.balance(n)
	}
	return total
}

func main() {
	l := &Ledger{accounts: map[string]*Account{"alice": {"alice", 10}}}
	fmt.Fprintln(os.Stderr, "settling")
	fmt.Println(settle(l, []string{"alice", "bob"}))
}
